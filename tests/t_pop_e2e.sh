#!/bin/sh
# pop_server on real loopback sockets: start-up, options, both stacks,
# --max-clients, bind errors, signals, and the journey of one message
# from smtp_server's Maildir to a POP3 client byte for byte.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_pop.sh"

put_msg gizem "$(uniq_name 1764000001 1 'Subject: a\n\nA\n')" 'Subject: a\n\nA\n'

start_server "pop_server" pop.log $TOP/pop_server -d "$MD" -U "$T/users" || exit 0
SRV=$LAST_PID P1=$PORT
chat_ok "a session over 127.0.0.1" 127.0.0.1 "$P1" <<'X'
S: +OK mailab POP3 server ready <*>
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has 1 message (*
C: STAT
S= +OK 1 17
C: QUIT
S: +OK*
EOF
X
if grep -q 'IPv4 only' "$T/pop.log"; then
	skip "a session over ::1" "no IPv6 on this host"
else
	chat_ok "a session over ::1 (dual-stack by default)" ::1 "$P1" <<'X'
S: +OK*
C: QUIT
S: +OK*
EOF
X
fi
check "the log names the peer of each session" grep -q '\[127.0.0.1:[0-9]*\] connected' "$T/pop.log"

"$TOP/pop_server" -p "$P1" -b 127.0.0.1 -d "$MD" -U "$T/users" >/dev/null 2>"$T/busy.err"
check "a port in use: non-zero exit" test $? -ne 0
check "a port in use: the error names the port" grep -q "$P1" "$T/busy.err"

# Port 110 as an ordinary user (as root, through setpriv as nobody).
AS_USER=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$AS_USER" ]; then
	$AS_USER "$TOP/pop_server" -p 110 -d "$T/nobody" -U "$TOP/users.txt" >/dev/null 2>"$T/priv.err"
	check "port 110 without root: the error says to run as root or pick a port above 1023" \
		grep -q 'need root; run as root or pick a port above 1023' "$T/priv.err"
else
	skip "port 110 without root" "running as root, and no setpriv"
fi

stop_server "$SRV"
wait "$SRV" 2>/dev/null
check "SIGTERM stops the server and it says so" grep -q 'stopped' "$T/pop.log"

start_server "pop_server --max-clients 1" max.log \
	$TOP/pop_server --max-clients 1 -d "$MD" -U "$T/users" || exit 0
SRV=$LAST_PID
"$CHAT" -t 20 127.0.0.1 "$PORT" >/dev/null 2>&1 <<'X' &
S: +OK*
SLEEP 1500
C: QUIT
S: +OK*
X
HOLD=$!
wait_for grep -q 'connected' "$T/max.log"
chat_ok "--max-clients 1: a second client gets -ERR [SYS/TEMP] and is closed" \
	127.0.0.1 "$PORT" <<'X'
S: -ERR \[SYS/TEMP\] too many connections*
EOF
X
wait "$HOLD"
kill -INT "$SRV"
wait "$SRV"
check "SIGINT stops the server with status 0" test $? -eq 0

"$TOP/pop_server" --timeout 0 >/dev/null 2>"$T/opt.err"
check "--timeout 0 is a usage error (EX_USAGE)" test $? -eq 64
"$TOP/pop_server" -U "$T/nonexistent" --stdio </dev/null >/dev/null 2>"$T/opt.err"
check "an unreadable users file stops it at start-up (EX_NOINPUT)" test $? -eq 66
check "--help ends with the Wireshark filter for port 1110" \
	sh -c "'$TOP/pop_server' --help | grep -q 'tcp.port == 1110'"
check "--version names the program" sh -c "'$TOP/pop_server' --version | grep -q 'pop_server (mailab)'"

# ---- the journey: smtp_server stores, pop_server serves, byte for byte ----

start_server "smtp_server" smtp.log $TOP/smtp_server -d "$MD" -n mx.test || exit 0
SMTP_PID=$LAST_PID
chat_ok "smtp_server stores a message for melek" 127.0.0.1 "$PORT" <<'X'
S: 220*
C: EHLO client.test
S~ 250 *
C: MAIL FROM:<gizem@example.com>
S: 250*
C: RCPT TO:<melek@example.com>
S: 250*
C: DATA
S: 354*
C: Subject: Selam
C: Content-Type: text/plain; charset="utf-8"
R: \r\n
C: Bu bir test mesaj\xc4\xb1d\xc4\xb1r
C: ..a line that starts with a dot
C: .
S: 250*
C: QUIT
S: 221*
X
stop_server "$SMTP_PID"
start_server "pop_server" pop2.log $TOP/pop_server -d "$MD" -U "$T/users" || exit 0
mkdir -p "$T/journey"
check "pop_fetch over TCP: RETR bytes == LIST size" \
	"$FETCH" -u melek -o "$T/journey" 127.0.0.1 "$PORT"
stored=$(ls "$MD/melek/cur/"* "$MD/melek/new/"* 2>/dev/null | head -n 1)
crlf "$stored" >"$T/journey.want"
check "what the client got is what smtp_server stored, CRLF-converted" \
	cmp "$T/journey/1" "$T/journey.want"
check "the stored name carries S= and W= and W is the size sent" \
	sh -c "ls '$MD/melek/cur' | grep -q ',W=$(wc -c <"$T/journey.want" | tr -d ' '):2,S\$'"
check "APOP over TCP with the digest of the greeting's timestamp" \
	"$FETCH" -a -u melek -m stat 127.0.0.1 "$PORT"
check_not "APOP with a wrong password is refused" \
	"$FETCH" -a -u melek -w 4321 -m stat 127.0.0.1 "$PORT"
