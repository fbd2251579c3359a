#!/bin/sh
# Benchmark the relay: smtp-source sends 2,000 messages of 2 KiB in 20
# sessions to A, which relays them through its queue to B; the clock
# stops when the last one is in B's Maildir.  Direct delivery of the same
# load to B alone, in the same run, gives the ratio.
. "$(dirname "$0")/lib.sh"
MSGS=${MSGS:-2000}
RUNS=${RUNS:-3}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

if ! have smtp-source; then
	skip "bench: relay" "postfix (smtp-source) not installed"
	exit 0
fi

# direct: the load straight into B.
direct() {
	rm -rf "$T/d"
	start_server "B" direct.log "$TOP/smtp_server" -d "$T/d" -n b.example --max-clients 200 || return 1
	s=$(now)
	smtp-source -s 20 -m "$MSGS" -l 2048 -f melek@a.example -t gizem@b.example "127.0.0.1:$PORT"
	wait_for has_count "$T/d/gizem/new" "$MSGS"
	e=$(now)
	stop_server "$LAST_PID"
	echo "$MSGS $s $e" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }'
}

# relayed: the load into A, the clock stopped when all are in B.
relayed() {
	rm -rf "$T/a" "$T/b"
	start_server "B" b.log "$TOP/smtp_server" -d "$T/b" -n b.example --domain b.example || return 1
	BPID=$LAST_PID BPORT=$PORT
	start_server "A" a.log "$TOP/smtp_server" -d "$T/a" -n a.example --max-clients 200 \
		--domain a.example --relay "b.example=127.0.0.1:$BPORT" || return 1
	APID=$LAST_PID
	s=$(now)
	smtp-source -s 20 -m "$MSGS" -l 2048 -f melek@a.example -t gizem@b.example "127.0.0.1:$PORT"
	i=0
	while [ "$(count_files "$T/b/gizem/new")" -lt "$MSGS" ] && [ $i -lt 1200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	e=$(now)
	got=$(count_files "$T/b/gizem/new")
	stop_server "$APID"; stop_server "$BPID"
	[ "$got" -eq "$MSGS" ] || { echo "only $got of $MSGS arrived" >&2; return 1; }
	echo "$MSGS $s $e" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }'
}

d=$(for i in $(seq "$RUNS"); do direct; done | median)
r=$(for i in $(seq "$RUNS"); do relayed; done | median)
echo "direct delivery into B:        $d msg/s (median of $RUNS)"
echo "relayed A -> B, end to end:    $r msg/s (median of $RUNS; every message in B's Maildir)"
echo "ratio relayed / direct:        $(echo "$r $d" | awk '{ printf "%.2f", $1 / $2 }')"
