#!/bin/sh
# pop_server and the Maildir: exact sizes, UIDL stability, what QUIT
# changes on disk (and what a dropped session, a timeout or a crash
# does not), the per-mailbox lock, mail arriving during a session.
# shellcheck disable=SC2059 # message texts are printf formats on purpose (\n, \r, \304)
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_pop.sh"

# ---- exact sizes: bytes received (un-stuffed) == LIST size ----

put_msg sizes "$(uniq_name 1764000001 1 'Subject: lf\n\nLF only\nstorage\n')" \
	'Subject: lf\n\nLF only\nstorage\n'
put_msg sizes "$(uniq_name 1764000002 2 'Subject: dots\n\n.\n..\n.x\nend\n')" \
	'Subject: dots\n\n.\n..\n.x\nend\n'
put_msg sizes "$(uniq_name 1764000003 3 'Subject: empty body\n\n')" \
	'Subject: empty body\n\n'
UTF8='Subject: =?utf-8?q?T=C3=BCrk=C3=A7e?=\n\nBu bir test mesaj\304\261d\304\261r: \304\261, \303\247, \305\237\n'
put_msg sizes "$(uniq_name 1764000004 4 "$UTF8")" "$UTF8"
printf "$UTF8" | sed 's/$/\r/' >"$T/want4"
put_msg sizes 1764000005.foreign-no-final-newline 'Subject: no LF\n\nlast line'
put_msg sizes 1764000006.foreign-crlf 'Subject: crlf\r\n\r\nstored with CRLF\r\n.dot\r\n'
put_msg sizes 1764000007.foreign-empty ''
put_msg sizes 1764000008.foreign-bare-cr 'Subject: cr\n\na\rb\r\n'
mkdir -p "$T/got"
echo 'sizes:1234' >"$T/users.sizes"
if "$FETCH" -u sizes -o "$T/got" -- $TOP/pop_server --stdio -d "$MD" \
	-U "$T/users.sizes" >"$T/sizes.out" 2>"$T/sizes.err"; then
	pass "RETR bytes == LIST size for LF-only, dot lines, empty body, UTF-8, no final LF, CRLF, empty file, bare CR"
else
	fail "RETR bytes == LIST size" "$(tr '\n' ' ' <"$T/sizes.out") $(cat "$T/sizes.err")"
fi
check "all eight messages were listed and fetched" test "$(wc -l <"$T/sizes.out")" -eq 8
check "a LF-only message arrives with CRLF endings" \
	cmp "$T/got/1" "$(printf 'Subject: lf\r\n\r\nLF only\r\nstorage\r\n' >"$T/want1"; echo "$T/want1")"
check "lines starting with a dot arrive intact after un-stuffing" \
	cmp "$T/got/2" "$(printf 'Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nend\r\n' >"$T/want2"; echo "$T/want2")"
check "non-ASCII text arrives byte for byte" cmp "$T/got/4" "$T/want4"
check "a last line without LF gets its CRLF, counted in the size" \
	cmp "$T/got/5" "$(printf 'Subject: no LF\r\n\r\nlast line\r\n' >"$T/want5"; echo "$T/want5")"
check "a message stored with CRLF is sent as stored" \
	cmp "$T/got/6" "$(printf 'Subject: crlf\r\n\r\nstored with CRLF\r\n.dot\r\n' >"$T/want6"; echo "$T/want6")"
check "an empty file is an empty message" test ! -s "$T/got/7"

# ---- UIDL: stable across sessions and across new/ -> cur/ ----

uidl() {
	printf 'USER gizem\r\nPASS 1234\r\nUIDL\r\nQUIT\r\n' | $POP 2>/dev/null |
		sed -n '/^+OK unique-id/,/^\.\r$/p'
}
put_msg gizem "$(uniq_name 1764000001 1 'Subject: a\n\nA\n')" 'Subject: a\n\nA\n'
put_msg gizem "$(uniq_name 1764000002 2 'Subject: b\n\nB\n')" 'Subject: b\n\nB\n'
put_msg gizem "$(uniq_name 1764000003 3 'Subject: c\n\nC\n')" 'Subject: c\n\nC\n'
G1=$(uniq_name 1764000001 1 'Subject: a\n\nA\n')
G2=$(uniq_name 1764000002 2 'Subject: b\n\nB\n')
uidl >"$T/uidl1"
uidl >"$T/uidl2"
check "UIDL is the same in two sessions" cmp "$T/uidl1" "$T/uidl2"
check "UIDL ids are the unique names without ':2,' info" grep -q "^1 $G1" "$T/uidl1"
printf 'USER gizem\r\nPASS 1234\r\nRETR 2\r\nQUIT\r\n' | $POP >/dev/null 2>&1
check "RETR + QUIT moves the message from new/ to cur/<name>:2,S" \
	test -f "$MD/gizem/cur/$G2:2,S"
check "the messages not retrieved stay in new/" test "$(count_files "$MD/gizem/new")" -eq 2
uidl >"$T/uidl3"
check "UIDL is unchanged after RETR + QUIT (new/ -> cur/)" cmp "$T/uidl1" "$T/uidl3"

# ---- DELE: only QUIT removes, exactly what was marked ----

chat_ok "DELE then the connection drops" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has 3 messages*
C: DELE 1
S: +OK*
C: DELE 3
S: +OK*
CLOSE
EOF
X
check "a dropped session removes nothing" test "$(count_files "$MD/gizem/new") $(count_files "$MD/gizem/cur")" = "2 1"

chat_ok "DELE 1, DELE 3, RSET, DELE 3, QUIT" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
C: DELE 1
S: +OK*
C: DELE 3
S: +OK*
C: RSET
S: +OK maildrop has 3 messages*
C: DELE 3
S: +OK*
C: QUIT
S: +OK*(2 messages left)
EOF
X
check "QUIT removes exactly the one DELE'd message" \
	test "$(files gizem new | tr '\n' ' ')$(files gizem cur)" = "$G1 $G2:2,S"

# An unlink that fails (the file became a directory after the login's
# snapshot) is reported, and nothing that was not marked is removed.
F1=$(uniq_name 1764000001 1 'Subject: x\n\nX\n')
F2=$(uniq_name 1764000002 2 'Subject: z\n\nZ\n')
F3=$(uniq_name 1764000003 3 'Subject: y\n\nY\n')
put_msg fails "$F1" 'Subject: x\n\nX\n'
put_msg fails "$F2" 'Subject: z\n\nZ\n'
put_msg fails "$F3" 'Subject: y\n\nY\n'
echo 'fails:1234' >"$T/users.fails"
# The swap waits for the login, then QUIT waits for the swap.
(i=0; while [ $i -lt 200 ] && ! grep -q 'login as fails' "$T/fails.log" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
 sleep 0.3; rm -f "$MD/fails/new/$F2"; mkdir "$MD/fails/new/$F2") &
SWAP=$!
chat_ok "a failed removal gets -ERR [SYS/PERM] at QUIT" -- \
	sh -c "exec $TOP/pop_server --stdio -d '$MD' -U '$T/users.fails' 2>'$T/fails.log'" <<'X'
S: +OK*
C: USER fails
S: +OK*
C: PASS 1234
S: +OK fails has 3 messages*
C: DELE 1
S: +OK*
C: DELE 2
S: +OK*
SLEEP 1500
C: QUIT
S= -ERR [SYS/PERM] some deleted messages not removed
EOF
X
wait $SWAP
check "the other marked message is removed, the unmarked one kept" \
	test "$(files fails new | tr '\n' ' ')" = "$F2 $F3 "

# ---- the lock ----

# hold NAME MS: a session of gizem, logged in, idle for MS ms, in the
# background (HOLD_PID); its log (the server's too) in $T/NAME.log.
hold() {
	"$CHAT" -t 60 -- $POP >"$T/$1.out" 2>"$T/$1.log" <<X &
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
SLEEP $2
C: QUIT
S: +OK*
X
	HOLD_PID=$!
}
logged_in() { grep -q 'login as gizem' "$T/$1.log" 2>/dev/null; }
server_pid() { sed -n 's/.*pop_server\[\([0-9]*\)\].*login as.*/\1/p' "$T/$1.log"; }

hold first 2500
wait_for logged_in first
chat_ok "a second login while a session is open gets -ERR [IN-USE]" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: -ERR \[IN-USE\]*
C: QUIT
S: +OK*
EOF
X
wait "$HOLD_PID"

hold killed 30000
wait_for logged_in killed
kill -9 "$(server_pid killed)"
chat_ok "a lock left by a SIGKILLed session does not block the next login" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has*
C: QUIT
S: +OK*
EOF
X
kill "$HOLD_PID" 2>/dev/null

# ---- a crash mid-transfer, a timeout: nothing removed ----

put_msg big "$(uniq_name 1764000001 1 'Subject: s\n\nS\n')" 'Subject: s\n\nS\n'
head -c 3000000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$T/bigbody"
{ printf 'Subject: big\n\n'; cat "$T/bigbody"; } >"$MD/big/new/1764000002.big"
echo 'big:1234' >"$T/users.big"
"$CHAT" -t 60 -- $TOP/pop_server --stdio -d "$MD" -U "$T/users.big" \
	>/dev/null 2>"$T/big.log" <<'X' &
S: +OK*
C: USER big
S: +OK*
C: PASS 1234
S: +OK*
C: DELE 1
S: +OK*
C: RETR 2
S: +OK*
SLEEP 30000
X
BIG_PID=$!
wait_for grep -qs 'login as big' "$T/big.log"
sleep 0.3 # the RETR fills the pipe; the server waits to write
kill -9 "$(server_pid big)"
kill "$BIG_PID"
check "kill -9 in the middle of a RETR after DELE removes nothing" \
	test "$(count_files "$MD/big/new")" -eq 2

chat_ok "autologout after --timeout: -ERR, and DELE is not applied" -- \
	$TOP/pop_server --stdio --timeout 1 -d "$MD" -U "$T/users.big" <<'X'
S: +OK*
C: USER big
S: +OK*
C: PASS 1234
S: +OK big has 2 messages*
C: DELE 1
S: +OK*
S: -ERR autologout*
EOF
X
check "the timed-out session removed nothing" test "$(count_files "$MD/big/new")" -eq 2

# ---- mail delivered during a session is not in it, and survives ----

rm -rf "$MD/melek"
put_msg melek "$(uniq_name 1764000001 1 'Subject: old\n\nold\n')" 'Subject: old\n\nold\n'
# The session goes on only once the delivery is done ($T/delivered).
{
	printf 'USER melek\r\nPASS 1234\r\nSTAT\r\nDELE 1\r\n'
	wait_for test -f "$T/delivered"
	printf 'STAT\r\nLIST\r\nQUIT\r\n'
} | $POP >"$T/during.out" 2>"$T/during.log" &
DURING_PID=$!
wait_for grep -qs 'login as melek' "$T/during.log"
chat_ok "smtp_server delivers to melek during her POP3 session" -- \
	$TOP/smtp_server --stdio -d "$MD" -n mx.test <<'X'
S: 220*
C: HELO client.test
S: 250*
C: MAIL FROM:<gizem@example.com>
S: 250*
C: RCPT TO:<melek@example.com>
S: 250*
C: DATA
S: 354*
C: Subject: new
R: \r\n
C: arrived during the session
C: .
S: 250*
C: QUIT
S: 221*
X
check "the new message is in new/ beside the old one" test "$(count_files "$MD/melek/new")" -eq 2
touch "$T/delivered"
wait "$DURING_PID"
check "the session does not see the new mail (STAT after delivery)" \
	test "$(grep -c '^+OK 0 0' "$T/during.out")" -eq 1
check "its QUIT removes the old message and keeps the new one" \
	grep -q 'arrived during the session' "$MD/melek/new/"*
check "only one message is left" test "$(count_files "$MD/melek/new")" -eq 1

# ---- issue 10: under attack ----

# A FIFO in new/ or cur/ (named like a message) once blocked the session
# in open() while it held the lock: now it is skipped with a log line.
if command -v mkfifo >/dev/null 2>&1; then
	K1=$(uniq_name 1764000001 1 'Subject: real\n\nreal\n')
	put_msg fifo "$K1" 'Subject: real\n\nreal\n'
	mkfifo "$MD/fifo/new/$(uniq_name 1764000002 2 'Subject: x\n\nx\n')"
	mkfifo "$MD/fifo/cur/1764000003.M000003P4242Q3.test:2,S"
	echo 'fifo:1234' >"$T/users.fifo"
	chat_ok "a FIFO in new/ and cur/ never blocks a session" -t 5 -- \
		sh -c "exec $TOP/pop_server --stdio -d '$MD' -U '$T/users.fifo' 2>'$T/fifo.log'" <<'X'
S: +OK*
C: USER fifo
S: +OK*
C: PASS 1234
S: +OK fifo has 1 message (*
C: RETR 1
S: +OK 23 octets
S= Subject: real
S= 
S= real
S= .
C: QUIT
S: +OK*
EOF
X
	check "... each is skipped with a log line" \
		test "$(grep -c 'not a regular file' "$T/fifo.log")" -eq 2
else
	skip "a FIFO in new/ never blocks a session" "mkfifo not installed"
fi

# Files killed writers left in tmp/ are swept at the session's start
# when older than 36 hours (maildir(5)); a fresh one is someone's
# delivery in progress and stays.
old=$(( $(date +%s) - 40 * 3600 ))
stamp=$(date -d "@$old" +%Y%m%d%H%M 2>/dev/null || date -r "$old" +%Y%m%d%H%M 2>/dev/null)
if [ -n "$stamp" ]; then
	mkdir -p "$MD/sweep/tmp" "$MD/sweep/new" "$MD/sweep/cur"
	echo old >"$MD/sweep/tmp/1.old" && touch -t "$stamp" "$MD/sweep/tmp/1.old"
	echo new >"$MD/sweep/tmp/2.fresh"
	echo 'sweep:1234' >"$T/users.sweep"
	chat_ok "a POP3 login sweeps tmp/" -- \
		$TOP/pop_server --stdio -d "$MD" -U "$T/users.sweep" <<'X'
S: +OK*
C: USER sweep
S: +OK*
C: PASS 1234
S: +OK sweep has 0 messages*
C: QUIT
S: +OK*
EOF
X
	check "... the file older than 36 hours is gone, the fresh one kept" \
		test "$(ls "$MD/sweep/tmp")" = "2.fresh"
else
	skip "tmp/ sweep" "neither GNU nor BSD date"
fi
