#!/bin/sh
# bench_send: mail_send beside msmtp and swaks (when installed), same
# server, same run.  Never a pass/fail test: it prints figures.
#  1. time to send BENCH_N messages (default 1000), one process each,
#     median of BENCH_RUNS runs (default 3); swaks, a Perl script, sends
#     a tenth as many and is scaled per message;
#  2. peak RSS (GNU time's %M) sending the seed message, and a message
#     with a 50 MiB attachment (mail_send streams its base64).
# The server is Postfix's smtp-sink (no disk, so the client's cost
# shows) or, without it, our smtp_server into a temporary Maildir.
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/mailab-bench.XXXXXX")
N=${BENCH_N:-1000}
RUNS=${BENCH_RUNS:-3}
SEND="$TOP/mail_send"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# now_ms: milliseconds.  date +%N is GNU only (BSD date prints "N"):
# elsewhere python3, or whole seconds (said in the header line).
CLOCK="date +%s%N"
if [ "$(date +%N)" = N ] || [ -z "$(date +%N)" ]; then
	if [ -x /usr/bin/python3 ]; then CLOCK=python3; else CLOCK=seconds; fi
fi
now_ms() {
	case $CLOCK in
	python3) /usr/bin/python3 -c 'import time; print(int(time.time() * 1000))' ;;
	seconds) echo $(($(date +%s) * 1000)) ;;
	*) echo $(($(date +%s%N) / 1000000)) ;;
	esac
}

# start_sink: smtp-sink, or smtp_server; sets PORT and SERVER.
start_sink() {
	PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 26925)
	if command -v smtp-sink >/dev/null 2>&1; then
		user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
		smtp-sink $user 127.0.0.1:$PORT 100 2>/dev/null &
		SERVER_PID=$! SERVER="smtp-sink"
	else
		"$TOP/smtp_server" -b 127.0.0.1 -p $PORT -d "$T/md" 2>/dev/null &
		SERVER_PID=$! SERVER="smtp_server (Maildir with fsync)"
	fi
	sleep 0.5
}

# run_n COUNT CMD...: run CMD COUNT times; print the milliseconds.
run_n() {
	count=$1; shift
	start=$(now_ms); i=0
	while [ $i -lt "$count" ]; do
		"$@" </dev/null >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
		i=$((i + 1))
	done
	echo $(($(now_ms) - start))
}

# median_ms COUNT CMD...: the median of RUNS runs of run_n.
median_ms() {
	r=0; : >"$T/times"
	while [ $r -lt "$RUNS" ]; do run_n "$@" >>"$T/times" || return 1; r=$((r + 1)); done
	sort -n "$T/times" | sed -n "$(((RUNS + 1) / 2))p"
}

# per_msg MS COUNT: microseconds per message.
per_msg() { echo $(($1 * 1000 / $2)); }

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# rss CMD...: peak RSS in KiB, or "-" without GNU time (BSD and macOS
# time have no -f).
rss() {
	/usr/bin/time -f %M -o /dev/null true >/dev/null 2>&1 || { echo -; return; }
	/usr/bin/time -f %M -o "$T/rss" "$@" </dev/null >/dev/null 2>&1
	tail -n 1 "$T/rss"
}

start_sink
SEED='Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ'
printf 'From: melek@example.com\nTo: gizem@example.com\nSubject: Selam\nMIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n%s\n' "$SEED" >"$T/seed.eml"
MSMTP="msmtp --host=127.0.0.1 --port=$PORT --auth=off --tls=off --from=melek@example.com gizem@example.com"
SWAKS="swaks --server 127.0.0.1:$PORT --from melek@example.com --to gizem@example.com --header Subject:Selam --body $T/seed.eml --silent 2"

echo "# bench_send: $N messages, one process each, to $SERVER on 127.0.0.1:$PORT"
echo "# median of $RUNS runs; per-message times in microseconds (clock: $CLOCK)"
ms=$(median_ms "$N" "$SEND" -H 127.0.0.1 -p $PORT) || exit 1
base=$(per_msg "$ms" "$N")
printf '%-10s %6d msgs %8d ms %8d us/msg\n' mail_send "$N" "$ms" "$base"
if command -v msmtp >/dev/null 2>&1; then
	ms=$(median_ms "$N" sh -c "$MSMTP <$T/seed.eml") || exit 1
	us=$(per_msg "$ms" "$N")
	printf '%-10s %6d msgs %8d ms %8d us/msg   msmtp/mail_send = %s\n' msmtp "$N" "$ms" "$us" "$(ratio "$us" "$base")"
	ms=$(median_ms "$N" sh -c "true <$T/seed.eml")
	printf '%-10s %6d runs %8d ms %8d us/run   (the sh -c wrapper msmtp needs for its stdin)\n' "sh -c" "$N" "$ms" "$(per_msg "$ms" "$N")"
else
	echo "msmtp: not installed"
fi
if command -v swaks >/dev/null 2>&1; then
	n=$((N / 10)); [ $n -lt 1 ] && n=1
	ms=$(median_ms "$n" $SWAKS) || exit 1
	us=$(per_msg "$ms" "$n")
	printf '%-10s %6d msgs %8d ms %8d us/msg   swaks/mail_send = %s\n' swaks "$n" "$ms" "$us" "$(ratio "$us" "$base")"
else
	echo "swaks: not installed"
fi

echo "# peak RSS (KiB): the seed message, and a 50 MiB attachment"
head -c 52428800 /dev/urandom >"$T/big.bin"
printf 'mail_send  seed %8s   50 MiB %8s\n' "$(rss "$SEND" -H 127.0.0.1 -p $PORT)" \
	"$(rss "$SEND" -H 127.0.0.1 -p $PORT -a "$T/big.bin" -m big)"
if command -v msmtp >/dev/null 2>&1 && [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c "
import sys
from email.message import EmailMessage
m = EmailMessage(); m['From'] = 'melek@example.com'; m['To'] = 'gizem@example.com'; m['Subject'] = 'big'
m.set_content('big'); m.add_attachment(open(sys.argv[1], 'rb').read(), maintype='application', subtype='octet-stream', filename='big.bin')
open(sys.argv[2], 'wb').write(bytes(m))" "$T/big.bin" "$T/big.eml"
	printf 'msmtp      seed %8s   50 MiB %8s   (message prepared by Python)\n' \
		"$(rss sh -c "exec $MSMTP <$T/seed.eml")" "$(rss sh -c "exec $MSMTP <$T/big.eml")"
fi
if command -v swaks >/dev/null 2>&1; then
	printf 'swaks      seed %8s   50 MiB %8s\n' "$(rss $SWAKS)" \
		"$(rss swaks --server 127.0.0.1:$PORT --from melek@example.com --to gizem@example.com --attach "$T/big.bin" --silent 2)"
fi
