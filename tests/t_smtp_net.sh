#!/bin/sh
# smtp_server end-to-end on real loopback sockets: crashes at every
# point of a delivery, concurrency, limits, bind errors, signals.
. "$(dirname "$0")/lib.sh"
MD=$T/md

start_server "smtp_server" smtp.log "$TOP/smtp_server" -d "$MD" --max-clients 200 || exit 1
SPID=$LAST_PID

cat >"$T/one.chat" <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: DATA
S: 354 *
C: Subject: net
C:
C: over a socket
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 *
EOF
X
chat_ok "a message over 127.0.0.1" 127.0.0.1 "$PORT" <"$T/one.chat"
if "$CHAT" -x ::1 "$PORT" <"$T/one.chat" >/dev/null 2>&1; then
	pass "a message over ::1 (dual-stack listen)"
else
	# Only a host without IPv6 may fail here.
	if grep -q 'IPv4 only' "$T/smtp.log"; then skip "::1" "no IPv6 on this host"
	else fail "a message over ::1 (dual-stack listen)"; fi
fi
check "the log has one line per session event" grep -q '\[127.0.0.1:[0-9]*\] message .* stored' "$T/smtp.log"

# The client vanishes in the middle of DATA: nothing anywhere.
rm -rf "$MD"
cat >"$T/cut.chat" <<'X'
S: 220 *
C: HELO c
S: 250 *
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: DATA
S: 354 *
C: Subject: cut short
C: half a message
SLEEP 200
X
"$CHAT" 127.0.0.1 "$PORT" <"$T/cut.chat" >/dev/null 2>&1
wait_for grep -qs 'dropped: connection closed' "$T/smtp.log"
check "client gone mid-DATA: nothing in new/" test "$(count_files "$MD/gizem/new")" -eq 0
check "client gone mid-DATA: nothing in tmp/" test "$(count_files "$MD/gizem/tmp")" -eq 0

# Ten clients at once send one message each, twice over (bounded):
# 150 sessions in all, each lands once, every name unique.
rm -rf "$MD"
n=0
while [ $n -lt 150 ]; do
	"$CHAT" -t 30 127.0.0.1 "$PORT" <"$T/one.chat" >/dev/null 2>&1 &
	n=$((n + 1))
done
wait_count "$MD/gizem/new" 150
sleep 0.2
check "150 concurrent sessions: all 150 messages land" test "$(count_files "$MD/gizem/new")" -eq 150
check "... with 150 different names" test "$(ls "$MD/gizem/new" | sort -u | wc -l | tr -d ' ')" -eq 150
check "... and tmp/ is empty" test "$(count_files "$MD/gizem/tmp")" -eq 0

# SIGTERM: the server stops cleanly, and the port is free at once.
kill "$SPID"
wait "$SPID"
rc=$?
check "SIGTERM stops the server with status 0" test "$rc" -eq 0
check "... and it logs that it stopped" grep -q 'stopped' "$T/smtp.log"
"$TOP/smtp_server" -d "$MD" -p "$PORT" 2>"$T/again.log" &
AGAIN=$!
PIDS="$PIDS $AGAIN"
wait_for grep -qs listening "$T/again.log"
chat_ok "a restart binds the same port at once (SO_REUSEADDR)" 127.0.0.1 "$PORT" <"$T/one.chat"

# A port already taken: the error names the port and the likely holder.
"$TOP/smtp_server" -d "$MD" -p "$PORT" 2>"$T/inuse.log"
rc=$?
check "a port in use is an error (EX_UNAVAILABLE)" test "$rc" -eq 69
check "... naming the port and who may hold it" grep -q "port $PORT: Address already in use (probably another program;" "$T/inuse.log"
check "... and how to find it (ss, lsof) or stop the lab" grep -q "find it with 'ss -ltnp' or 'lsof -i :$PORT', stop it (the lab's servers: scripts/lab.sh stop)" "$T/inuse.log"
# pop_server says the same, on one line.
"$TOP/pop_server" -d "$MD" -p "$PORT" 2>"$T/inuse_pop.log"
check "pop_server: a port in use names the port and the way to the holder" \
	grep -q "port $PORT: Address already in use (probably another program; find it with 'ss -ltnp' or 'lsof -i :$PORT'" "$T/inuse_pop.log"
check "... in one line" test "$(wc -l <"$T/inuse_pop.log")" -eq 1
stop_server "$AGAIN"

if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP/smtp_server" -d "$T/x" -p 25 2>"$T/priv.log"
	check "port 25 without root: says to run as root or pick a port above 1023" \
		grep -q 'need root; run as root or pick a port above 1023' "$T/priv.log"
else
	skip "privileged port message" "setpriv not installed or not root"
fi

# --max-clients: the client over the limit hears 421 at once.
start_server "smtp_server --max-clients 1" max.log "$TOP/smtp_server" -d "$MD" --max-clients 1 || exit 1
MPID=$LAST_PID
printf 'S: 220 *\nSLEEP 1500\nC: QUIT\nS: 221 *\n' >"$T/hold.chat"
"$CHAT" 127.0.0.1 "$PORT" <"$T/hold.chat" >/dev/null 2>&1 &
HOLD=$!
sleep 0.3
printf 'S: 421 4.3.2 *\nEOF\n' | chat_ok "--max-clients 1: a second client gets 421" 127.0.0.1 "$PORT"
wait "$HOLD"
check "... and the first one was served" test $? -eq 0
stop_server "$MPID"

# Crash points: SIGKILL the whole server mid-DATA, then right after 250.
start_server "smtp_server for the crash tests" crash.log "$TOP/smtp_server" -d "$MD" || exit 1
CPID=$LAST_PID
rm -rf "$MD"
"$CHAT" 127.0.0.1 "$PORT" <"$T/cut.chat" >/dev/null 2>&1 &
CUT=$!
wait_count "$MD/gizem/tmp" 1
pkill -9 -P "$CPID"; kill -9 "$CPID"
wait "$CUT" 2>/dev/null
check "SIGKILL mid-DATA: nothing partial in new/" test "$(count_files "$MD/gizem/new")" -eq 0

start_server "smtp_server after SIGKILL" crash2.log "$TOP/smtp_server" -d "$MD" || exit 1
CPID=$LAST_PID
rm -rf "$MD"
grep -v -e QUIT -e '^S: 221' -e '^EOF' "$T/one.chat" >"$T/noquit.chat"
chat_ok "a message acknowledged with 250" 127.0.0.1 "$PORT" <"$T/noquit.chat"
pkill -9 -P "$CPID"; kill -9 "$CPID"
f=$(find "$MD/gizem/new" -type f 2>/dev/null | head -n 1)
check "... is complete in new/ after SIGKILL right after the 250" sh -c "tail -n 1 '$f' | grep -qx 'over a socket'"

# -v: the dialogue on stderr, one C:/S: line per protocol line.
start_server "smtp_server -v" v.log "$TOP/smtp_server" -d "$MD" -v || exit 1
"$CHAT" -x 127.0.0.1 "$PORT" <"$T/one.chat" >/dev/null 2>&1
wait_for grep -qs '^S: 221' "$T/v.log"
check "-v traces client lines as C:" grep -qx 'C: MAIL FROM:<melek@example.com>' "$T/v.log"
check "-v traces server lines as S:" grep -qx 'S: 354 End data with <CR><LF>.<CR><LF>' "$T/v.log"
check "-v traces the message lines too" grep -qx 'C: over a socket' "$T/v.log"

# -b: listen only where asked.
start_server "smtp_server -b 127.0.0.1" b4.log "$TOP/smtp_server" -d "$MD" -b 127.0.0.1 || exit 1
chat_ok "-b 127.0.0.1: served over IPv4" 127.0.0.1 "$PORT" <"$T/one.chat"
check_not "-b 127.0.0.1: nothing on ::1" "$CHAT" -t 2 ::1 "$PORT" </dev/null
stop_server "$LAST_PID"
if "$CHAT" -t 2 ::1 1 </dev/null 2>&1 | grep -q 'refused'; then
	start_server "smtp_server -b ::1 -b 127.0.0.1" b6.log "$TOP/smtp_server" -d "$MD" -b ::1 -b 127.0.0.1 || exit 1
	chat_ok "-b ::1 -b 127.0.0.1: served over IPv6" ::1 "$PORT" <"$T/one.chat"
	chat_ok "... and over IPv4 on the same port" 127.0.0.1 "$PORT" <"$T/one.chat"
	stop_server "$LAST_PID"
else
	skip "-b ::1" "no IPv6 loopback on this host"
fi
"$TOP/smtp_server" -b 192.0.2.1 -p 0 -d "$MD" 2>"$T/noaddr.log"
check "-b with an address this host lacks: a clear error" grep -q 'cannot bind 192.0.2.1 port 0: .*this host has no such address' "$T/noaddr.log"
check_not "-p 70000 is refused (EX_USAGE)" "$TOP/smtp_server" -p 70000
check "--help ends with the Wireshark filter and Decode As" sh -c "'$TOP/smtp_server' --help | tail -n 4 | grep -q 'Decode As' && '$TOP/smtp_server' --help | grep -q 'tcp.port == 1025'"
