#!/bin/sh
# tests/t_teach_fail.sh: --fail VERB[@N]=REPLY on both servers (SPEC
# "Teaching modes"): a whole reply line, a bare code, close, CONNECT,
# END, 421 closing, @N; each fault logged and marked in -v; a failed
# END stores nothing; close leaves the server serving the next
# session; bad specs refused at start with EX_USAGE.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SMTPD="$TOP/smtp_server"
POPD="$TOP/pop_server"
MD="$T/md"

# smtp_chat NAME ARGS...: the chat script on stdin against a --stdio
# smtp_server with ARGS (the faults).
smtp_chat() {
	name=$1; shift
	cat >"$T/script"
	if "$CHAT" -x -- "$SMTPD" --stdio -v -d "$MD" -n mx.test "$@" \
		<"$T/script" >"$T/chat.out" 2>&1; then pass "$name"
	else fail "$name" "$(tr '\n' ' ' <"$T/chat.out")"; fi
}

HEAD='S: 220*
C: EHLO client.test
S~ 250 *
C: MAIL FROM:<melek@example.com>'

# -- a bare code gets the usual text; the session goes on
smtp_chat "SMTP RCPT=450: the usual text, the session goes on" --fail RCPT=450 <<CHAT
$HEAD
S: 250*
C: RCPT TO:<gizem@example.com>
S= 450 4.2.0 Mailbox busy, try again later
C: DATA
S: 503 *
C: QUIT
S: 221*
CHAT
if grep -q 'fault injected: RCPT #1 answered with 450 4.2.0' "$T/chat.out"; then pass "SMTP fault logged as such"
else fail "SMTP fault logged as such" "$(cat "$T/chat.out")"; fi
if grep -A3 '^S: 450 4.2.0' "$T/chat.out" | grep -q '(--fail: injected'; then pass "-v marks the injected reply"
else fail "-v marks the injected reply" "$(cat "$T/chat.out")"; fi

# -- a whole reply line, as given
smtp_chat "SMTP MAIL='451 4.3.0 Try again later': the whole line" --fail 'MAIL=451 4.3.0 Try again later' <<CHAT
$HEAD
S= 451 4.3.0 Try again later
C: QUIT
S: 221*
CHAT

# -- @N: only the Nth of each session
smtp_chat "SMTP RCPT@2=550: only the second RCPT" --fail RCPT@2=550 <<CHAT
$HEAD
S: 250*
C: RCPT TO:<gizem@example.com>
S: 250*
C: RCPT TO:<melek@example.com>
S= 550 5.1.1 Mailbox unavailable
C: RCPT TO:<test@example.com>
S: 250*
C: QUIT
S: 221*
CHAT

# -- CONNECT: the greeting
smtp_chat "SMTP CONNECT=554: the greeting refuses, then only QUIT (RFC 5321 3.1)" --fail CONNECT=554 <<'CHAT'
S= 554 5.3.2 No SMTP service here
C: EHLO client.test
S: 503 5.5.1 *
C: MAIL FROM:<melek@example.com>
S: 503 5.5.1 *
C: QUIT
S: 221*
CHAT

# -- 421 closes the session (RFC 5321 3.8)
smtp_chat "SMTP MAIL=421: the reply, then the connection closes" --fail MAIL=421 <<CHAT
$HEAD
S: 421 4.3.0 *
EOF
CHAT

# -- END: the reply after the final dot; nothing is stored
smtp_chat "SMTP END=554: refused after the dot" --fail END=554 <<CHAT
$HEAD
S: 250*
C: RCPT TO:<gizem@example.com>
S: 250*
C: DATA
S: 354*
C: Subject: lost
C:
C: never stored
C: .
S= 554 5.3.0 Transaction failed
C: QUIT
S: 221*
CHAT
if [ "$(count_files "$MD/gizem")" -eq 0 ]; then pass "a failed END stores nothing"
else fail "a failed END stores nothing" "$(find "$MD" -type f)"; fi

# -- close, over the network: no reply, and the server serves on
start_server smtp_server s_net.log "$SMTPD" -v -d "$MD" -n mx.test --fail DATA=close || exit 0
cat >"$T/close.chat" <<CHAT
$HEAD
S: 250*
C: RCPT TO:<gizem@example.com>
S: 250*
C: DATA
EOF
CHAT
chat_ok "SMTP DATA=close: the connection closes with no reply" 127.0.0.1 "$PORT" <"$T/close.chat"
printf 'S: 220*\nC: NOOP\nS: 250*\nC: QUIT\nS: 221*\n' >"$T/next.chat"
chat_ok "... and the server serves the next session" 127.0.0.1 "$PORT" <"$T/next.chat"
if grep -q 'fault injected: DATA #1: connection closed with no reply' "$T/s_net.log"; then pass "close is logged"
else fail "close is logged" "$(cat "$T/s_net.log")"; fi
if [ "$(count_files "$MD/gizem")" -eq 0 ]; then pass "DATA=close leaves nothing on disk"
else fail "DATA=close leaves nothing on disk" "$(find "$MD" -type f)"; fi

# -- what mail_send reports (the error lab: 4xx against 5xx)
start_server smtp_server s450.log "$SMTPD" -d "$MD" -n mx.test --fail RCPT=450 || exit 0
"$TOP/mail_send" -p "$PORT" -t gizem@example.com -m hi </dev/null >"$T/ms.out" 2>&1
rc=$?
if [ $rc -eq 75 ] && grep -q '450 4.2.0 Mailbox busy' "$T/ms.out"; then pass "mail_send: RCPT=450 is a temporary failure (75), the reply shown"
else fail "mail_send: RCPT=450 is a temporary failure (75), the reply shown" "rc=$rc $(cat "$T/ms.out")"; fi
start_server smtp_server s550.log "$SMTPD" -d "$MD" -n mx.test --fail RCPT@1=550 || exit 0
"$TOP/mail_send" -p "$PORT" -t gizem@example.com,test@example.com -m hi </dev/null >"$T/ms.out" 2>&1
rc=$?
if [ $rc -eq 67 ] && grep -q 'recipient gizem@example.com refused: 550' "$T/ms.out" &&
	[ "$(count_files "$MD/test/new")" -eq 1 ] && [ "$(count_files "$MD/gizem")" -eq 0 ]; then
	pass "mail_send: RCPT@1=550 refuses one recipient (67), the other gets the mail"
else fail "mail_send: RCPT@1=550 refuses one recipient (67), the other gets the mail" "rc=$rc $(cat "$T/ms.out")"; fi

# -- POP3
pop_chat() {
	name=$1; shift
	cat >"$T/script"
	if "$CHAT" -x -- "$POPD" --stdio -v -d "$MD" -U "$TOP/users.txt" "$@" \
		<"$T/script" >"$T/chat.out" 2>&1; then pass "$name"
	else fail "$name" "$(tr '\n' ' ' <"$T/chat.out")"; fi
}
pop_chat "POP3 CONNECT=-ERR: the usual text in the greeting" --fail CONNECT=-ERR <<'CHAT'
S= -ERR [SYS/TEMP] Temporary failure, try again later
C: QUIT
S: +OK*
CHAT
pop_chat "POP3 PASS=-ERR: the usual [AUTH] text" --fail PASS=-ERR <<'CHAT'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S= -ERR [AUTH] Authentication failed
C: QUIT
S: +OK*
CHAT
if grep -q 'fault injected: PASS #1 answered with -ERR' "$T/chat.out"; then pass "POP3 fault logged as such"
else fail "POP3 fault logged as such" "$(cat "$T/chat.out")"; fi
pop_chat "POP3 STAT@2='-ERR [SYS/TEMP] busy': the whole line, the second time" --fail 'STAT@2=-ERR [SYS/TEMP] busy' <<'CHAT'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
C: STAT
S: +OK*
C: STAT
S= -ERR [SYS/TEMP] busy
C: QUIT
S: +OK*
CHAT
pop_chat "POP3 LIST=close: no reply, the connection closes" --fail LIST=close <<'CHAT'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
C: LIST
EOF
CHAT

# -- bad specs: EX_USAGE at start, saying what is wrong with --fail
bad_spec() {
	"$@" -p 0 >"$T/bad.out" 2>&1 &
	pid=$!
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	if kill -0 $pid 2>/dev/null; then kill $pid; wait $pid; return 1; fi
	wait $pid
	[ $? -eq 64 ] && grep -q -- '--fail' "$T/bad.out"
}
for spec in 'FOO=450' 'RCPT' 'RCPT=' 'RCPT@0=450' 'RCPT@x=450' 'RCPT=999' \
	'RCPT=45 busy' 'RCPT=-ERR' 'RCPT=466'; do
	check "smtp_server refuses --fail '$spec' (64)" bad_spec "$SMTPD" -d "$MD" --fail "$spec"
done
for spec in 'RCPT=-ERR' 'USER=450' 'USER=+OKAY' 'END=-ERR' 'USER@=-ERR'; do
	check "pop_server refuses --fail '$spec' (64)" bad_spec "$POPD" -d "$MD" --fail "$spec"
done
