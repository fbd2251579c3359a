#!/bin/sh
# smtp_server when things fail around it: the disk refusing an fsync,
# the users file vanishing, a stop or a timeout in the middle of DATA,
# a pipelining client over the recipient limit, hostile bytes that
# would reach headers and logs.
. "$(dirname "$0")/lib.sh"
MD=$T/md

# one_message RCPT...: a chat script sending one message (HELO session).
one_message() {
	echo 'S: 220 *'; echo 'C: HELO c'; echo 'S: 250 *'
	echo 'C: MAIL FROM:<melek@example.com>'; echo 'S: 250 *'
	for r in "$@"; do echo "C: RCPT TO:<$r>"; echo 'S: 250 *'; done
	echo 'C: DATA'; echo 'S: 354 *'; echo 'C: Subject: fsync'; echo 'C: .'
}

# The disk refuses to fsync new/ (an LD_PRELOAD shim): 451, no copy.
SHIM=$TOP/tests/shim/failfs.so
if [ -f "$SHIM" ]; then
	for failing in gizem test; do
		rm -rf "$MD"
		{ one_message gizem@example.com test@example.com; echo 'S: 451 4.3.0 *'; } >"$T/fs.chat"
		LD_PRELOAD=$SHIM FAIL_FSYNC="/$failing/new" ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
			chat_ok "fsync of $failing/new fails: 451" -- "$TOP/smtp_server" --stdio -d "$MD" <"$T/fs.chat"
		check "... and neither mailbox keeps a copy" test "$(count_files "$MD/gizem/new")" -eq 0 -a \
			"$(count_files "$MD/test/new")" -eq 0
		check "... nor a file in tmp/" test "$(count_files "$MD/gizem/tmp")" -eq 0
	done
else
	skip "fsync failure" "the LD_PRELOAD shim is Linux only"
fi

# The users file disappears mid-session: temporary answers, not 5xx.
cp "$TOP/users.txt" "$T/users"
printf '%s\n' 'S: 220 *' 'C: EHLO c' 'S~ 250 AUTH*' 'SLEEP 600' \
	'C: AUTH PLAIN AGdpemVtADEyMzQ=' 'S: 454 4.7.0 *' 'C: MAIL FROM:<melek@example.com>' \
	'S: 250 *' 'C: RCPT TO:<gizem@example.com>' 'S: 451 4.3.0 *' 'C: QUIT' 'S: 221 *' >"$T/gone.chat"
( sleep 0.3; rm -f "$T/users" ) &
chat_ok "users file gone: RCPT gets 451 and AUTH 454, not 550/535" -- \
	"$TOP/smtp_server" --stdio -d "$MD" -U "$T/users" <"$T/gone.chat"
wait

# 112 pipelined recipients: 100 accepted, 12 deferred (452), and the
# message still goes to the 100 (RFC 5321 4.5.3.1.10).
rm -rf "$MD"
{
	echo 'S: 220 *'; echo 'C: EHLO c'; echo 'S~ 250 AUTH*'
	line='MAIL FROM:<melek@example.com>\r\n'
	i=1; while [ $i -le 112 ]; do line="${line}RCPT TO:<u$i@example.com>\\r\\n"; i=$((i + 1)); done
	printf 'R: %sDATA\\r\\n\n' "$line"
	echo 'S: 250 2.1.0 *'
	i=1; while [ $i -le 100 ]; do echo 'S: 250 2.1.5 *'; i=$((i + 1)); done
	i=1; while [ $i -le 12 ]; do echo 'S: 452 4.5.3 *'; i=$((i + 1)); done
	echo 'S: 354 *'; echo 'C: Subject: many'; echo 'C: .'; echo 'S: 250 2.0.0 *'
	echo 'C: QUIT'; echo 'S: 221 *'
} >"$T/many.chat"
chat_ok "112 pipelined recipients: 100 accepted, 12 get 452, the session goes on" -- \
	"$TOP/smtp_server" --stdio -d "$MD" <"$T/many.chat"
check "... and the 100 get the message" test "$(find "$MD" -path '*/new/*' -type f | wc -l)" -eq 100

# Bytes that would forge a header line or a log line.
chat_ok "control bytes in HELO, in a quoted address, in an AUTH name: 501" -- \
	"$TOP/smtp_server" --stdio -d "$MD" -U "$TOP/users.txt" <<'X'
S: 220 *
R: HELO a\rX-Injected: yes\r\n
S: 501 5.5.2 Control byte*
R: EHLO c\x1b[31m\r\n
S: 501 5.5.2 Control byte*
C: EHLO c
S~ 250 AUTH*
R: AUTH PLAIN AGJvYgoyMDI2LTExLTI3IDA3OjAwOjAwIHNtdHBfc2VydmVyWzFdIGFkbWluADEyMzQ=\r\n
S: 501 5.5.2 Control byte in the user name
C: QUIT
S: 221 *
EOF
X
check "... and no forged line reaches the log" sh -c "! grep -q '^2026-11-27 07:00:00' '$T/chat.out'"
printf '%s\n' 'S: 220 *' 'C: HELO c' 'S: 250 *' 'R: MAIL FROM:<"x\\\x01y"@b>\r\n' 'S: 501 *' 'C: QUIT' 'S: 221 *' >"$T/qp.chat"
chat_ok "a control byte after a backslash in a quoted local part: 501" -- "$TOP/smtp_server" --stdio -d "$MD" <"$T/qp.chat"

# An LF-only session whose QUIT (with CRLF) arrives in the same write as
# the data: the data still ends at LF.LF.
rm -rf "$MD"
printf '%s\n' 'S: 220 *' 'L: HELO c' 'S: 250 *' 'L: MAIL FROM:<a@b>' 'S: 250 *' 'L: RCPT TO:<gizem@b>' \
	'S: 250 *' 'L: DATA' 'S: 354 *' 'R: typed\n.\nQUIT\r\n' 'S: 250 2.0.0 *' 'S: 221 *' >"$T/lf.chat"
chat_ok "LF.LF ends the data even with a CR later in the same read" -- "$TOP/smtp_server" --stdio -d "$MD" <"$T/lf.chat"

# A stop (SIGTERM) or the idle timeout in the middle of DATA: 421, and
# the log says why.
rm -rf "$MD"
start_server "smtp_server" stop.log "$TOP/smtp_server" -d "$MD" --timeout 1 || exit 1
SPID=$LAST_PID
printf '%s\n' 'S: 220 *' 'C: HELO c' 'S: 250 *' 'C: MAIL FROM:<a@b>' 'S: 250 *' 'C: RCPT TO:<gizem@b>' \
	'S: 250 *' 'C: DATA' 'S: 354 *' 'C: half a message' 'S: 421 4.4.2 *Timeout*' >"$T/idle.chat"
chat_ok "the idle timeout in the middle of DATA: 421 4.4.2" 127.0.0.1 "$PORT" <"$T/idle.chat"
check "... logged as a timeout" wait_for grep -q 'disconnected (timed out)' "$T/stop.log"
printf '%s\n' 'S: 220 *' 'C: HELO c' 'S: 250 *' 'C: MAIL FROM:<a@b>' 'S: 250 *' 'C: RCPT TO:<gizem@b>' \
	'S: 250 *' 'C: DATA' 'S: 354 *' 'C: half a message' 'S: 421 4.3.2 *shutting down*' >"$T/term.chat"
"$CHAT" 127.0.0.1 "$PORT" <"$T/term.chat" >"$T/term.out" 2>&1 &
CPID=$!
sleep 0.4
kill "$SPID"
wait "$CPID"
check "SIGTERM in the middle of DATA: the client hears 421 4.3.2" test $? -eq 0
check "... nothing is stored" test "$(count_files "$MD/gizem/new")" -eq 0
check "... and the log says it was stopped" grep -q 'disconnected (stopping on signal)' "$T/stop.log"
