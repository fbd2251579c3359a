#!/bin/sh
# Benchmark of pop_client (not a test: it prints figures).
#  1. Download 5,000 messages into a local Maildir with pop_client -o,
#     mpop and fetchmail (when installed), from the same server in the
#     same run: our pop_server, and Dovecot's POP3 when it can start.
#     Median of RUNS runs each, and the ratio to pop_client.
#  2. One 50 MiB message: pop_client's peak RSS (target: under 4 MiB),
#     for -o and for the decoded display.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_popc.sh"
trap 'stop_dovecot; cleanup' EXIT
NMSG=${NMSG:-5000}
RUNS=${RUNS:-3}

if ! gnu_time; then # BSD/macOS time has no -f: skip, say why
	echo "bench_popc: skipped: needs GNU time (-f %e %M; apt-get install time)"; exit 0
fi
popc_servers || exit 1

# The drop: NMSG messages of 1 to 4 KB, delivered in one SMTP session.
awk -v n="$NMSG" 'BEGIN {
	print "S: 220*"; print "C: EHLO bench.test"; print "S~ 250 *"
	for (i = 1; i <= n; i++) {
		print "C: MAIL FROM:<melek@example.com>"; print "S: 250*"
		print "C: RCPT TO:<gizem@example.com>"; print "S: 250*"
		print "C: DATA"; print "S: 354*"
		print "C: From: melek@example.com"; print "C: Subject: bench " i
		print "C:"
		for (k = 0; k < 16 + (i % 48); k++)
			print "C: Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ " k
		print "C: ."; print "S: 250*"
	}
	print "C: QUIT"; print "S: 221*" }' >"$T/fill.chat"
"$CHAT" -t 600 127.0.0.1 "$SMTP_PORT" <"$T/fill.chat" || { echo "bench_popc: delivery failed"; exit 1; }
echo "bench_popc: $NMSG messages, $(du -sk "$MD/gizem/new" | cut -f1) KiB in the drop"

# median FILE: the middle line of sorted numbers.
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# once NAME COMMAND...: one run into a fresh $T/out.NAME; its seconds
# and peak RSS are added to $T/NAME.secs and $T/NAME.rsss.
once() {
	name=$1; shift
	rm -rf "$T/out.$name"; mkdir -p "$T/out.$name/tmp" "$T/out.$name/new" "$T/out.$name/cur"
	/usr/bin/time -f "%e %M" -o "$T/time" "$@" >"$T/$name.log" 2>&1
	got=$(ls "$T/out.$name/new" | wc -l)
	[ "$got" -eq "$NMSG" ] || echo "bench_popc: $name got $got of $NMSG messages"
	tail -n 1 "$T/time" | cut -d' ' -f1 >>"$T/$name.secs"
	tail -n 1 "$T/time" | cut -d' ' -f2 >>"$T/$name.rsss"
}

# figures NAME: "N s (M KiB)" from the medians; ratio NAME: its median
# time over pop_client's.
figures() { echo "$(median "$T/$1.secs") s ($(median "$T/$1.rsss") KiB)"; }
ratio() { awk "BEGIN { printf \"%.2f\", $(median "$T/$1.secs") / $(median "$T/popc.secs") }"; }

# bench_server LABEL PORT: the three clients against one server, taking
# turns run after run, so that a change in the machine's load hits all.
bench_server() {
	label=$1 port=$2
	cat >"$T/fetchmailrc" <<X
set no syslog
poll 127.0.0.1 protocol pop3 port $port
  user gizem password 1234 is $(id -un) here
  keep fetchall sslproto '' no sslcertck
  mda "/bin/sh -c 'cat > $T/out.fetchmail/new/\$\$'"
X
	chmod 600 "$T/fetchmailrc"
	rm -f "$T"/*.secs "$T"/*.rsss
	r=0
	while [ $r -lt "$RUNS" ]; do
		r=$((r + 1))
		once popc "$POPC" -p "$port" -o "$T/out.popc"
		have mpop && once mpop mpop --host=127.0.0.1 --port="$port" \
			--tls=off --auth=user --user=gizem --passwordeval="echo 1234" \
			--keep=on --only-new=off --received-header=off -q \
			--delivery=maildir,"$T/out.mpop" --uidls-file="$T/mpop.uidls.$r"
		have fetchmail && once fetchmail env FETCHMAILHOME="$T" fetchmail \
			-s -f "$T/fetchmailrc" --pidfile "$T/fetchmail.pid" \
			--idfile "$T/fetchmail.ids.$r"
	done
	line="$label: pop_client $(figures popc)"
	if have mpop; then
		line="$line, mpop $(figures mpop), mpop/pop_client $(ratio mpop)"
	else
		line="$line, mpop not installed"
	fi
	if have fetchmail; then
		line="$line, fetchmail $(figures fetchmail), fetchmail/pop_client $(ratio fetchmail)"
	else
		line="$line, fetchmail not installed"
	fi
	echo "bench_popc: download $NMSG messages, median of $RUNS, $line"
}

bench_server "pop_server" "$POP_PORT"
if have dovecot && start_dovecot "$MD"; then
	chown -R "$DOVECOT_UID" "$MD"
	bench_server "Dovecot" "$DOVECOT_PORT"
	stop_dovecot
	chown -R "$(id -u)" "$MD"
else
	echo "bench_popc: Dovecot not installed or would not start: skipped"
fi

# A 50 MiB message: memory must stay flat in the message size.
awk 'BEGIN { print "Subject: big"; print ""
	for (i = 0; i < 1000000; i++) printf "line %07d of a fifty mebibyte message ...........\n", i }' >"$T/big.eml"
deliver melek@example.com "$T/big.eml" || { echo "bench_popc: cannot deliver the 50 MiB message"; exit 1; }
/usr/bin/time -f "%e %M" -o "$T/big.time" "$POPC" -p "$POP_PORT" -u melek -o "$T/big" >/dev/null
echo "bench_popc: one $(du -k "$T/big.eml" | cut -f1) KiB message with -o (stored: $(cat "$T"/big/new/* | wc -c) bytes): $(cut -d' ' -f1 "$T/big.time" | tail -n 1) s, peak RSS $(cut -d' ' -f2 "$T/big.time" | tail -n 1) KiB (target < 4096)"
/usr/bin/time -f "%e %M" -o "$T/big.time" "$POPC" -p "$POP_PORT" -u melek >/dev/null
echo "bench_popc: the same message decoded to stdout: $(cut -d' ' -f1 "$T/big.time" | tail -n 1) s, peak RSS $(cut -d' ' -f2 "$T/big.time" | tail -n 1) KiB"
