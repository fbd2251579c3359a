#!/bin/sh
# The journey between two servers: A (the sender's server, a.example)
# relays b.example to B (the recipient's server) through its queue.
. "$(dirname "$0")/lib.sh"
A=$T/a B=$T/b

# free_port: a port nobody listens on now (ask smtp_server for one).
free_port() {
	: >"$T/probe.log"
	"$TOP/smtp_server" -p 0 -d "$T/probe" 2>>"$T/probe.log" &
	p=$!
	wait_for grep -qs 'listening on' "$T/probe.log"
	sed -n 's/.*listening on .* port \([0-9][0-9]*\).*/\1/p' "$T/probe.log" | head -n 1
	kill "$p"; wait "$p" 2>/dev/null
}

# start_b: B on $BPORT, knowing only test and gizem (-U).
start_b() {
	"$TOP/smtp_server" -p "$BPORT" -d "$B" -n b.example --domain b.example \
		-U "$TOP/users.txt" "$@" 2>>"$T/b.log" &
	BPID=$!; PIDS="$PIDS $BPID"
	wait_for grep -qs "listening on .* port $BPORT" "$T/b.log"
}

# start_a: A, relaying b.example to B; its port in APORT.
start_a() {
	start_server "A" a.log "$TOP/smtp_server" -d "$A" -n a.example --domain a.example \
		--relay "b.example=127.0.0.1:$BPORT" --retry 1 "$@" || exit 1
	APID=$LAST_PID APORT=$PORT
}

# send_a FROM TO... : one message through A (the body is in $T/msg).
send_a() {
	from=$1; shift
	{
		echo 'S: 220 *'; echo 'C: EHLO client.a.example'; echo 'S~ 250 AUTH*'
		echo "C: MAIL FROM:<$from>"; echo 'S: 250 *'
		for r in "$@"; do echo "C: RCPT TO:<$r>"; echo 'S: 250 *'; done
		echo 'C: DATA'; echo 'S: 354 *'
		sed -e 's/^\./../' -e 's/^/C: /' "$T/msg"
		echo 'C: .'; echo 'S: 250 2.0.0 *'; echo 'C: QUIT'; echo 'S: 221 *'
	} >"$T/send.chat"
	"$CHAT" 127.0.0.1 "$APORT" <"$T/send.chat"
}

printf '%s\n' 'Subject: journey' '' 'Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ' '.leading dot' >"$T/msg"
BPORT=$(free_port)
start_b
# A crash between a queued message and its envelope leaves an orphan:
# the runner removes old ones at start, never a young one.
mkdir -p "$A/.queue/new"
echo x >"$A/.queue/new/1.M1P1Q1.old,S=2,W=3"
touch -t 202001010000 "$A/.queue/new/1.M1P1Q1.old,S=2,W=3"
echo x >"$A/.queue/new/2.M2P2Q2.young,S=2,W=3"
start_a
check "an old message without an envelope is swept from the queue" \
	wait_for test ! -e "$A/.queue/new/1.M1P1Q1.old,S=2,W=3"
check "... a young one is left alone" test -e "$A/.queue/new/2.M2P2Q2.young,S=2,W=3"
rm -f "$A/.queue/new/2.M2P2Q2.young,S=2,W=3"

check "mail to test@b.example is accepted by A" send_a melek@a.example test@b.example
check "... and arrives in B's Maildir" wait_count "$B/test/new" 1
f=$(find "$B/test/new" -type f | head -n 1)
check "... with two Received: headers" test "$(grep -c '^Received:' "$f")" -eq 2
check "... the second one showing A as the client" sh -c "grep -A1 '^Received:' '$f' | head -n 2 | tr -d '\n' | grep -q 'from a.example (.*127.0.0.1\]).*by b.example'"
k=$(awk 'NR > 1 && /^Subject:/ { print NR; exit }' "$f")
tail -n "+$k" "$f" >"$T/got"
check "... and the message byte for byte" cmp "$T/got" "$T/msg"
check "... and A's queue is empty again" wait_count "$A/.queue/new" 0

# Unrouted domain with --domain: refused, nothing queued.
printf '%s\n' 'S: 220 *' 'C: HELO c' 'S: 250 *' 'C: MAIL FROM:<melek@a.example>' 'S: 250 *' \
	'C: RCPT TO:<x@elsewhere.example>' 'S: 550 5.7.1 *' 'C: QUIT' 'S: 221 *' >"$T/open.chat"
chat_ok "an unrouted domain gets 550 5.7.1 (never an open relay)" 127.0.0.1 "$APORT" <"$T/open.chat"
check "... and nothing is queued" test "$(count_files "$A/.queue/env")" -eq 0

# Local and routed recipients in one transaction.
check "one message for a local and a routed recipient" send_a melek@a.example melek@a.example gizem@b.example
check "... the local copy is in A's Maildir" wait_count "$A/melek/new" 1
check "... the routed one arrives at B" wait_count "$B/gizem/new" 1

# B refuses one of two recipients (550): the other gets it, the sender a DSN.
check "B refusing one of two recipients: A still takes the message" \
	send_a gizem@a.example test@b.example nobody@b.example
check "... the accepted one arrives" wait_count "$B/test/new" 2
check "... the sender gets a bounce in A's Maildir" wait_count "$A/gizem/new" 1
dsn=$(find "$A/gizem/new" -type f | head -n 1)
check "... a multipart/report DSN" grep -q 'Content-Type: multipart/report; report-type=delivery-status' "$dsn"
check "... from MAILER-DAEMON with the null sender" sh -c "grep -q '^Return-Path: <>' '$dsn' && grep -q '^From: .*MAILER-DAEMON@a.example' '$dsn'"
check "... listing the refused recipient with its 5.1.1" sh -c "grep -q '^Final-Recipient: rfc822; nobody@b.example' '$dsn' && grep -q '^Status: 5.1.1' '$dsn'"
check "... not the delivered one" sh -c "! grep -q 'Final-Recipient: rfc822; test@b.example' '$dsn'"
check "... with the original headers" grep -q '^Subject: journey' "$dsn"

# B down: A answers 250, the mail waits, and goes when B is back.
stop_server "$BPID"
check "B down: A still answers 250" send_a melek@a.example gizem@b.example
check "... and the mail waits in A's queue" wait_count "$A/.queue/env" 1
sleep 1
check "... still there after a failed try" test "$(count_files "$A/.queue/env")" -eq 1
check "... which the log says was deferred" grep -q 'deferred' "$T/a.log"
start_b
check "B back: the mail arrives within the retry interval" wait_count "$B/gizem/new" 2

# SIGKILL A with mail in its queue: after a restart it goes, once.
stop_server "$BPID"
check "B down again: a message to queue" send_a melek@a.example gizem@b.example
wait_count "$A/.queue/env" 1
pkill -9 -f -- "-d $A " ; wait "$APID" 2>/dev/null
start_b
check "while A is dead the mail does not move" test "$(count_files "$B/gizem/new")" -eq 2
start_a
check "A restarted after SIGKILL: the queued mail is delivered" wait_count "$B/gizem/new" 3
sleep 1.5
check "... exactly once" test "$(count_files "$B/gizem/new")" -eq 3
check "... and the queue is empty" test "$(count_files "$A/.queue/env")" -eq 0

# Too old: past --queue-lifetime it bounces.
stop_server "$APID"; stop_server "$BPID"
start_a --queue-lifetime 1
check "B down, --queue-lifetime 1: A takes the message" send_a test@a.example gizem@b.example
check "... it bounces to the sender when it expires" wait_count "$A/test/new" 1
check "... saying the delivery time expired" grep -q '4.4.7' "$(find "$A/test/new" -type f | head -n 1)"
check "... and leaves the queue" test "$(count_files "$A/.queue/env")" -eq 0
stop_server "$APID"

# 31 Received: headers: 554 at A.
start_b
start_a
{ i=0; while [ $i -lt 31 ]; do echo "Received: from h$i by h$i; Fri, 27 Nov 2026 06:00:00 +0000"; i=$((i + 1)); done
  echo 'Subject: loop'; echo; echo x; } >"$T/msg"
check_not "a message with 31 Received: headers is refused (554)" send_a melek@a.example gizem@b.example
stop_server "$APID"; stop_server "$BPID"

# A relay loop: A routes b.example to B, and B routes it back to A.
printf '%s\n' 'Subject: round and round' '' 'loop' >"$T/msg"
APORT=$(free_port)
"$TOP/smtp_server" -p "$BPORT" -d "$B" -n b.example --relay "b.example=127.0.0.1:$APORT" \
	--retry 1 2>>"$T/b.log" &
PIDS="$PIDS $!"
"$TOP/smtp_server" -p "$APORT" -d "$A" -n a.example --domain a.example \
	--relay "b.example=127.0.0.1:$BPORT" --retry 1 2>>"$T/a2.log" &
PIDS="$PIDS $!"
wait_for grep -qs "port $APORT" "$T/a2.log"
wait_for grep -qs "port $BPORT" "$T/b.log"
rm -rf "$A/melek"
check "a relay loop (A -> B -> A ...): A takes the message" send_a melek@a.example loop@b.example
check "... and it ends in a bounce to the sender, not an endless loop" \
	wait_count "$A/melek/new" 1
check "... the bounce says: too many hops" grep -q '554 5.4.6' "$(find "$A/melek/new" -type f | head -n 1)"

# --stdio is a whole session: its queue runner relays the routed mail
# (after the session, in one last pass).
S=$T/s R=$T/r
RPORT=$(free_port)
"$TOP/smtp_server" -p "$RPORT" -d "$R" -n r.example 2>>"$T/r.log" &
RPID=$!; PIDS="$PIDS $RPID"
wait_for grep -qs "port $RPORT" "$T/r.log"
printf '%s\n' 'S: 220 *' 'C: HELO c' 'S: 250 *' 'C: MAIL FROM:<melek@s.example>' 'S: 250 *' \
	'C: RCPT TO:<gizem@r.example>' 'S: 250 *' 'C: DATA' 'S: 354 *' 'C: Subject: stdio relay' \
	'C:' 'C: over the queue' 'C: .' 'S: 250 *' 'C: QUIT' 'S: 221 *' 'EOF' >"$T/stdio.chat"
chat_ok "--stdio --relay: the session takes routed mail (250) and ends" -- "$TOP/smtp_server" --stdio \
	-d "$S" -n s.example --relay "r.example=127.0.0.1:$RPORT" <"$T/stdio.chat"
check "... and relays it: it arrives at the route's server" wait_count "$R/gizem/new" 1
check "... leaving the stdio server's queue empty" wait_count "$S/.queue/env" 0
stop_server "$RPID"

# Two routes, both down: one message to both is one attempt per pass
# (attempts 1, then 2), not one per route (2, then 4).
D=$T/d DEAD=$(free_port)
start_server "D" d.log "$TOP/smtp_server" -d "$D" -n d.example --retry 2 \
	--relay "x.example=127.0.0.1:$DEAD" --relay "y.example=127.0.0.1:$DEAD" || exit 1
DPID=$LAST_PID APORT=$PORT
deferred() { [ "$(grep -c 'deferred' "$T/d.log")" -ge "$1" ]; }
attempts() { sed -n 's/^attempts //p' "$D"/.queue/env/*; }
check "two routes down: a message to both is queued" send_a melek@d.example u@x.example v@y.example
wait_for deferred 2
check "... after the first pass (deferred on both routes): attempts 1" test "$(attempts)" = 1
wait_for deferred 4
check "... after the second pass: attempts 2" test "$(attempts)" = 2
stop_server "$DPID"

# The queue runner, killed, is restarted after a delay that grows
# (1 s, then 2 s): never at once, never in a busy loop.
start_server "E" e.log "$TOP/smtp_server" -d "$T/e" --relay "x.example=127.0.0.1:$DEAD" || exit 1
EPID=$LAST_PID
runners() { grep -c 'queue runner started' "$T/e.log"; }
runner_pid() { sed -n 's/.*smtp_server\[\([0-9]*\)\] \[relay\] queue runner started.*/\1/p' "$T/e.log" | tail -n 1; }
has_runners() { [ "$(runners)" -ge "$1" ]; }
wait_for has_runners 1
kill -9 "$(runner_pid)"
sleep 0.5
check "queue runner killed: not restarted at once" test "$(runners)" -eq 1
check "... but within a few seconds" wait_for has_runners 2
check "... the log says when" grep -q 'helper process killed by signal 9; restarting it in 1 s' "$T/e.log"
kill -9 "$(runner_pid)"
check "killed again soon: the next delay is longer (2 s)" \
	wait_for grep -q 'restarting it in 2 s' "$T/e.log"
stop_server "$EPID"
check "... and SIGTERM still stops the server" sh -c "! kill -0 $EPID 2>/dev/null"

# make journey: the whole trip in one terminal, for the class.
if sh "$TOP/scripts/journey.sh" >"$T/journey.out" 2>&1; then
	pass "scripts/journey.sh (make journey) exits 0"
else
	fail "scripts/journey.sh (make journey) exits 0" "$(tail -n 5 "$T/journey.out" | tr '\n' ' ')"
fi
check "... shows A relaying to B as a client" grep -q '^  C: EHLO a.example' "$T/journey.out"
check "... shows two Received: headers" test "$(grep -c '^  | Received:' "$T/journey.out")" -eq 2
check "... and gizem reading the Turkish text" grep -qx 'Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ' "$T/journey.out"
