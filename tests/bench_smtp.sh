#!/bin/sh
# Benchmark smtp_server: Postfix's smtp-source drives 20 sessions that
# send 2,000 messages of 2 KiB; the same load goes to Python's aiosmtpd
# (no fsync) and to Postfix's smtp-sink (stores nothing) in the same run.
# Then the memory of one session receiving a 50 MiB message.
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
MSGS=${MSGS:-2000}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# rate PORT: messages per second for one smtp-source run.
rate() {
	s=$(date +%s.%N)
	smtp-source $RATE_OPTS -s 20 -m "$MSGS" -l 2048 -f melek@example.com -t gizem@example.com "127.0.0.1:$1" || return 1
	e=$(date +%s.%N)
	echo "$MSGS $s $e" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }'
}

if ! have smtp-source; then
	skip "bench: smtp-source" "postfix (smtp-source) not installed"
else
	start_server "smtp_server" bench.log "$TOP/smtp_server" -d "$T/md" --max-clients 200 || exit 1
	ours=$(for i in $(seq "$RUNS"); do rm -rf "$T/md"; rate "$PORT"; done | median)
	got=$(count_files "$T/md/gizem/new")
	echo "smtp_server (fsync on):    $ours msg/s  (median of $RUNS runs; $got of $MSGS stored in the last)"
	keep=$(for i in $(seq "$RUNS"); do rm -rf "$T/md"; RATE_OPTS=-d rate "$PORT"; done | median)
	echo "smtp_server, smtp-source -d (sessions kept open): $keep msg/s"
	stop_server "$LAST_PID"

	if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
		port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink 2>/dev/null &
		APID=$!; PIDS="$PIDS $APID"
		sleep 1
		aio=$(for i in $(seq "$RUNS"); do rate "$port"; done | median)
		echo "aiosmtpd (Sink, no disk):  $aio msg/s"
		echo "ratio smtp_server / aiosmtpd: $(echo "$ours $aio" | awk '{ printf "%.2f", $1 / $2 }')"
		kill "$APID"
	fi
	if have smtp-sink; then
		port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
		smtp-sink $user "127.0.0.1:$port" 256 >/dev/null 2>&1 &
		KPID=$!; PIDS="$PIDS $KPID"
		sleep 0.5
		sink=$(for i in $(seq "$RUNS"); do rate "$port"; done | median)
		echo "smtp-sink (Postfix, discards): $sink msg/s  (the load generator's ceiling here)"
		echo "ratio smtp_server / smtp-sink: $(echo "$ours $sink" | awk '{ printf "%.2f", $1 / $2 }')"
		kill "$KPID"
	fi
	# The disk's own ceiling for the Maildir protocol, without SMTP: 20
	# writers, each message a 2 KiB file written to tmp/, fsync'd,
	# renamed into new/, and new/ fsync'd -- what every durable delivery
	# here must do.
	/usr/bin/python3 - "$T/fsync" <<'PY'
import os, sys, time
from multiprocessing import Process
d = sys.argv[1]
os.makedirs(d + "/tmp"); os.makedirs(d + "/new")
def work(k):
    for i in range(100):
        t, n = f"{d}/tmp/{k}.{i}", f"{d}/new/{k}.{i}"
        fd = os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, b"x" * 2048); os.fsync(fd); os.close(fd)
        os.rename(t, n)
        fd = os.open(d + "/new", os.O_RDONLY); os.fsync(fd); os.close(fd)
t = time.time()
ps = [Process(target=work, args=(k,)) for k in range(20)]
[p.start() for p in ps]; [p.join() for p in ps]
print(f"disk ceiling (tmp, fsync, rename, fsync new/; 20 writers, no SMTP): {2000 / (time.time() - t):.0f} msg/s")
PY
fi

# Memory: one session receiving a 50 MiB message (streamed to disk).
if [ -x /usr/bin/time ]; then
	{
		printf 'EHLO bench\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<gizem@example.com>\r\nDATA\r\n'
		{ head -c 52428800 /dev/zero | tr '\0' 'x' | fold -w 998; echo; } | sed 's/$/\r/'
		printf '.\r\nQUIT\r\n'
	} >"$T/big.smtp"
	rm -rf "$T/md"
	/usr/bin/time -f '%M' -o "$T/rss" "$TOP/smtp_server" --stdio -d "$T/md" --max-size 60000000 \
		<"$T/big.smtp" >"$T/big.out" 2>/dev/null
	echo "50 MiB message: peak RSS $(cat "$T/rss") KiB for the session; reply: $(grep '^250 2.0.0' "$T/big.out" | head -n 1)"
else
	skip "bench: RSS" "/usr/bin/time not installed"
fi
