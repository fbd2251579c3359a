#!/bin/sh
# Signals and process lifecycle, and the servers under attack: SIGTERM
# with idle sessions (no lost wake-up), a client that never reads, a
# command line trickled in (slowloris), --max-per-ip, accept() out of
# file descriptors (EMFILE).
. "$(dirname "$0")/lib.sh"
MD=$T/maildir

# stops_within PID TENTHS: does PID exit within TENTHS tenths of a second?
stops_within() {
	i=0
	while [ $i -lt $(($2 * 2)) ]; do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# stops_within_any PID TENTHS: the same for a process not our child.
stops_within_any() {
	i=0
	while [ $i -lt $(($2 * 2)) ]; do
		kill -0 "$1" 2>/dev/null || return 0
		# a zombie has stopped too (its parent reaps it later)
		[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ] && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# connected LOG N: the log shows N sessions connected.
connected() { [ "$(grep -c '] connected' "$T/$1")" -ge "$2" ]; }

# For each server: its greeting and the line it says when stopped.
SMTP_HI='S: 220 *' SMTP_BYE='S: 421 4.3.2 *shutting down*'
POP_HI='S: +OK *' POP_BYE='S: -ERR \[SYS/TEMP\] server shutting down'

# SIGTERM with one idle session open (a client that sends nothing):
# the server and the session stop within 2 s, 20 times in a row to give
# a signal between the stop check and poll() its chances.
idle_stop() { # NAME PROG HI BYE
	name=$1 prog=$2 ok=0 slow=""
	printf '%s\n' "$3" "$4" EOF >"$T/idle.chat"
	for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		start_server "$name" "idle$round.log" "$TOP/$prog" -d "$MD" || return
		"$CHAT" -t 5 127.0.0.1 "$PORT" <"$T/idle.chat" >"$T/idle.out" 2>&1 &
		cpid=$!
		wait_for connected "idle$round.log" 1
		sleep "0.0$((round % 5))"
		kill "$LAST_PID"
		if stops_within "$LAST_PID" 20 && wait "$cpid"; then ok=$((ok + 1))
		else slow="$slow $round"; kill -9 "$LAST_PID" "$cpid" 2>/dev/null; fi
	done
	check "$name: SIGTERM with an idle session: stopped within 2 s, 20 of 20 times${slow:+ (not: $slow)}" test "$ok" -eq 20
}
idle_stop smtp_server smtp_server "$SMTP_HI" "$SMTP_BYE"
idle_stop pop_server pop_server "$POP_HI" "$POP_BYE"

# The same race made wide: a shim makes every poll() for input sleep
# 700 ms first, so SIGTERM lands between the stop check and the real
# poll().  A flag checked and then slept on hangs for the whole
# --timeout; poll() on the self-pipe returns at once.
SHIM_SRC=$TOP/tests/shim/slowpoll.c SHIM=$T/slowpoll.so
if [ "$(uname -s)" != Linux ]; then
	skip "SIGTERM in the stop-check window" "the LD_PRELOAD shim is Linux only"
elif ! ${CC:-cc} -shared -fPIC -O1 -o "$SHIM" "$SHIM_SRC" -ldl 2>"$T/shim.err"; then
	skip "SIGTERM in the stop-check window" "cannot build the shim: $(head -n 1 "$T/shim.err")"
else
	for s in "smtp_server|$SMTP_HI|$SMTP_BYE" "pop_server|$POP_HI|$POP_BYE"; do
		prog=${s%%|*} rest=${s#*|}
		printf '%s\n' "${rest%%|*}" "${rest#*|}" >"$T/wide.chat"
		LD_PRELOAD=$SHIM SLOW_POLL_MS=700 ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
			start_server "$prog" "wide_$prog.log" "$TOP/$prog" -d "$MD" || continue
		"$CHAT" -t 8 127.0.0.1 "$PORT" <"$T/wide.chat" >"$T/wide.out" 2>&1 &
		cpid=$!
		wait_for connected "wide_$prog.log" 1
		sleep 0.2
		kill "$LAST_PID"
		check "$prog: SIGTERM just before poll(): stopped within 3 s" stops_within "$LAST_PID" 30
		check "... and the idle client was told why" wait "$cpid"
		kill -9 "$LAST_PID" "$cpid" 2>/dev/null
	done
fi

# A client that sends commands and never reads the replies: the
# session blocks writing.  SIGTERM still stops the server: once
# stopping, the session's output gets 2 s, not the 300 s --timeout.
start_server smtp_server noread.log "$TOP/smtp_server" -d "$MD" || exit 1
printf '%s\n' 'REPEAT 400000 NOOP\r\n' 'SLEEP 20000' >"$T/noread.chat"
"$CHAT" -t 30 127.0.0.1 "$PORT" <"$T/noread.chat" >/dev/null 2>&1 &
cpid=$!
PIDS="$PIDS $cpid"
wait_for connected noread.log 1
sleep 1
kill "$LAST_PID"
check "SIGTERM with a session stuck writing to a client that never reads: stopped within 4 s" \
	stops_within "$LAST_PID" 40
check "... the session saying why it ended" grep -q 'disconnected (stopping on signal)' "$T/noread.log"
kill "$cpid" 2>/dev/null

# A session that cannot stop at all (SIGSTOP here; a hung disk in
# life): the server still stops, killing it after its 5 s grace.
start_server smtp_server frozen.log "$TOP/smtp_server" -d "$MD" || exit 1
printf '%s\n' "$SMTP_HI" 'SLEEP 15000' >"$T/frozen.chat"
"$CHAT" -t 30 127.0.0.1 "$PORT" <"$T/frozen.chat" >/dev/null 2>&1 &
cpid=$!
PIDS="$PIDS $cpid"
wait_for connected frozen.log 1
kid=$(sed -n 's/.*smtp_server\[\([0-9]*\)\] \[127.0.0.1:[0-9]*\] connected.*/\1/p' "$T/frozen.log" | head -n 1)
kill -STOP "$kid"
kill "$LAST_PID"
check "SIGTERM with a session that cannot stop: the server stops within 8 s" stops_within "$LAST_PID" 80
check "... saying it killed the session" grep -q '1 session(s) did not stop within 5 s: killing them' "$T/frozen.log"
kill "$cpid" 2>/dev/null

# The same in a --stdio session, which has no parent to kill it: once
# stopping, its pending output gets 2 s, not the 300 s --timeout.
"$CHAT" -t 30 -- "$TOP/smtp_server" --stdio -d "$MD" <"$T/noread.chat" >/dev/null 2>&1 &
cpid=$!
PIDS="$PIDS $cpid"
child_of() { ps -A -o pid= -o ppid= | awk -v p="$1" '$2 == p { print $1 }' | head -n 1; }
has_child() { [ -n "$(child_of "$1")" ]; }
wait_for has_child "$cpid"
spid=$(child_of "$cpid")
sleep 1
kill "$spid"
check "--stdio: SIGTERM with a client that never reads: stopped within 4 s" stops_within_any "$spid" 40
kill "$cpid" 2>/dev/null

# Slowloris: a command line trickled in one byte every 0.3 s must still
# be whole within --timeout 2.  The client stops sending at 1.8 s and
# then waits 1 s for the server's goodbye: it comes at about 2 s (an
# idle timeout restarted by every byte would say it only at 3.5 s).
trickle() { # GREETING GOODBYE
	echo "$1"
	for b in N O O P N O; do echo "R: $b"; echo 'SLEEP 300'; done
	echo "$2"; echo EOF
}
trickle 'S: 220 *' 'S: 421 4.4.2 *Timeout*' >"$T/slow_smtp.chat"
trickle 'S: +OK *' 'S: -ERR autologout*' >"$T/slow_pop.chat"
for prog in smtp_server pop_server; do
	start_server "$prog" "slow_$prog.log" "$TOP/$prog" -d "$MD" --timeout 2 || continue
	script=$T/slow_smtp.chat
	[ "$prog" = pop_server ] && script=$T/slow_pop.chat
	chat_ok "$prog --timeout 2: a command trickled one byte per 0.3 s is cut at 2 s" \
		-t 1 127.0.0.1 "$PORT" <"$script"
	check "... and the log says it timed out" grep -q 'disconnected (timed out)' "$T/slow_$prog.log"
	stop_server "$LAST_PID"
done

# --max-per-ip: loopback peers are one machine and are never limited by
# it; MAILAB_TEST_LIMIT_LOOPBACK (a test knob) counts them, so the
# default of 10 can be seen: the 11th session from one address gets
# 421 / -ERR [SYS/TEMP] with the reason.
per_ip() { # PROG HI REFUSAL KNOB
	prog=$1 hi=$2 refusal=$3 knob=$4
	printf '%s\n' "$hi" 'SLEEP 4000' >"$T/hold.chat"
	if [ -n "$knob" ]; then
		MAILAB_TEST_LIMIT_LOOPBACK=1 start_server "$prog" "ip_$prog$knob.log" "$TOP/$prog" -d "$MD" || return
	else
		start_server "$prog" "ip_$prog$knob.log" "$TOP/$prog" -d "$MD" || return
	fi
	holders=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$CHAT" -t 8 127.0.0.1 "$PORT" <"$T/hold.chat" >/dev/null 2>&1 &
		holders="$holders $!"
	done
	wait_for connected "ip_$prog$knob.log" 10
	printf '%s\n' "$refusal" EOF >"$T/eleventh.chat"
}
per_ip smtp_server "$SMTP_HI" 'S: 421 4.7.0 Too many connections from your address*' 1
chat_ok "smtp_server: the 11th session from one (counted) address gets 421 4.7.0 with the reason" \
	127.0.0.1 "$PORT" <"$T/eleventh.chat"
check "... logged with --max-per-ip" grep -q 'refused: 10 sessions from 127.0.0.1 already (--max-per-ip)' "$T/ip_smtp_server1.log"
kill $holders 2>/dev/null; stop_server "$LAST_PID"
per_ip pop_server "$POP_HI" 'S: -ERR \[SYS/TEMP\] too many connections from your address*' 1
chat_ok "pop_server: the 11th session from one (counted) address gets -ERR [SYS/TEMP] with the reason" \
	127.0.0.1 "$PORT" <"$T/eleventh.chat"
kill $holders 2>/dev/null; stop_server "$LAST_PID"
per_ip smtp_server "$SMTP_HI" "$SMTP_HI" ""
printf '%s\n' "$SMTP_HI" 'C: QUIT' 'S: 221 *' >"$T/eleventh.chat"
chat_ok "smtp_server: loopback peers are not limited by --max-per-ip (an 11th is served)" \
	127.0.0.1 "$PORT" <"$T/eleventh.chat"
kill $holders 2>/dev/null; stop_server "$LAST_PID"
if "$TOP/smtp_server" --max-per-ip 2 --help >/dev/null 2>&1; then
	MAILAB_TEST_LIMIT_LOOPBACK=1 start_server smtp_server ip2.log "$TOP/smtp_server" -d "$MD" --max-per-ip 2 &&
	{
		printf '%s\n' "$SMTP_HI" 'SLEEP 3000' >"$T/hold.chat"
		"$CHAT" -t 8 127.0.0.1 "$PORT" <"$T/hold.chat" >/dev/null 2>&1 & h1=$!
		"$CHAT" -t 8 127.0.0.1 "$PORT" <"$T/hold.chat" >/dev/null 2>&1 & h2=$!
		wait_for connected ip2.log 2
		printf '%s\n' 'S: 421 4.7.0 *' EOF >"$T/third.chat"
		chat_ok "--max-per-ip 2: the third session gets 421 4.7.0" 127.0.0.1 "$PORT" <"$T/third.chat"
		kill "$h1" "$h2" 2>/dev/null; stop_server "$LAST_PID"
	}
	check "--max-per-ip 0 is refused (EX_USAGE)" sh -c \
		'"$1" --max-per-ip 0 --stdio </dev/null 2>/dev/null; test $? -eq 64' sh "$TOP/smtp_server"
else
	skip "--max-per-ip 2" "smtp_server's option table has no --max-per-ip row yet"
fi

# accept() out of file descriptors (EMFILE): the server must not spin on
# its still-readable listener.  Under `ulimit -n` set to exactly what it
# holds when idle, every accept() fails: it logs that once, uses almost
# no CPU while clients wait, and serves them once descriptors free up
# (prlimit raises its limit from outside).
# cpu_ticks PID: user + system time in clock ticks (Linux /proc).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# lowest_free_fd PID: the descriptor number its next open would get.
lowest_free_fd() {
	ls "/proc/$1/fd" | sort -n | awk 'BEGIN { n = 0 } $1 == n { n++ } END { print n }'
}
if [ ! -d /proc/self/fd ]; then
	skip "accept() failing with EMFILE" "needs Linux /proc"
else
	for prog in smtp_server pop_server; do
		start_server "$prog" "fds_$prog.log" "$TOP/$prog" -d "$MD" -b 127.0.0.1 || continue
		nfd=$(lowest_free_fd "$LAST_PID")
		stop_server "$LAST_PID"
		start_server "$prog" "emfile_$prog.log" sh -c 'ulimit -S -n "$0" && exec "$@"' "$nfd" \
			"$TOP/$prog" -d "$MD" -b 127.0.0.1 || continue
		spid=$LAST_PID
		hi=$SMTP_HI; [ "$prog" = pop_server ] && hi=$POP_HI
		printf '%s\n' "$hi" >"$T/emfile.chat"
		before=$(cpu_ticks "$spid") clients=""
		for i in 1 2 3 4 5; do
			"$CHAT" -t 10 127.0.0.1 "$PORT" <"$T/emfile.chat" >/dev/null 2>&1 &
			clients="$clients $!"
		done
		sleep 2
		used=$(( $(cpu_ticks "$spid") - before ))
		check "$prog, accept() failing with EMFILE for 2 s: no busy loop ($used ticks of CPU)" test "$used" -lt 20
		check "... logged once" test "$(grep -c 'Too many open files' "$T/emfile_$prog.log")" -eq 1
		if have prlimit && prlimit --pid "$spid" --nofile=256: 2>/dev/null; then
			ok=0
			for c in $clients; do wait "$c" && ok=$((ok + 1)); done
			check "... and once descriptors free up, the 5 waiting clients are served ($ok)" test "$ok" -eq 5
			check "... saying so in the log" grep -q 'accepting clients again' "$T/emfile_$prog.log"
		else
			skip "EMFILE: serving again" "prlimit not installed (or not allowed)"
			kill $clients 2>/dev/null
		fi
		stop_server "$spid"
	done
	# One descriptor short of the relay's wake pipe: a clear error at
	# start, not a runner that never hears of new mail.
	start_server smtp_server fds_relay.log "$TOP/smtp_server" -d "$MD" -b 127.0.0.1 &&
	{
		nfd=$(lowest_free_fd "$LAST_PID")
		stop_server "$LAST_PID"
		sh -c 'ulimit -S -n "$0" && exec "$@"' "$((nfd + 1))" "$TOP/smtp_server" -d "$MD" \
			-b 127.0.0.1 -p 0 --relay x.example=127.0.0.1:9 2>"$T/nopipe.log" &
		ppid=$!
		check "no descriptors for the relay's wake pipe: the server stops at start" stops_within "$ppid" 50
		check "... saying why" grep -q "cannot create the helper's wake pipe: Too many open files" "$T/nopipe.log"
	}
fi

# The queue's directory cannot be made (DIR/.queue is a file): the
# runner says so once, and keeps the server up.
mkdir -p "$T/q"; echo x >"$T/q/.queue"
start_server smtp_server q.log "$TOP/smtp_server" -d "$T/q" --relay x.example=127.0.0.1:9 &&
{
	check "DIR/.queue cannot be made: the queue runner says why" \
		wait_for grep -q 'cannot create .*/q/.queue/tmp: Not a directory: the queue waits' "$T/q.log"
	sleep 0.3
	check "... once" test "$(grep -c 'the queue waits' "$T/q.log")" -eq 1
	stop_server "$LAST_PID"
}
