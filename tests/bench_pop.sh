#!/bin/sh
# tests/bench_pop.sh: pop_server beside Dovecot's pop3, same Maildir,
# same client (tests/tools/pop_fetch), same run.  Never a pass/fail
# test: it prints medians of RUNS runs (default 3), the ratios and the
# servers' peak RSS (GNU time's %M, when /usr/bin/time is installed).
#
#  1. a 5,000-message Maildir (2 KiB each): one session does STAT,
#     LIST, UIDL, RETR of every message, QUIT.  The first session on a
#     fresh copy is timed, then a second one on the same copy (Dovecot
#     builds its index in the first one and moves new/ to cur/; we move
#     the retrieved messages to cur/ at the first QUIT).
#  2. STAT (and QUIT) on a 100,000-message Maildir (1 KiB each).
#
# Dovecot's pop3 runs pre-authenticated on stdin/stdout from a config
# in the temporary directory (no service, no root needed), with
# -o mail_location=maildir:...; pop_server
# runs with --stdio and logs in with USER/PASS.  As root, Dovecot
# refuses mail access, so its copy belongs to nobody (65534) and its
# mail_uid is set to that.
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
FETCH="$TOP/tests/tools/pop_fetch"
MK="$TOP/tests/tools/pop_mkmaildir"
echo 'bench:1234' >"$T/users"

DOVECOT=""
for p in /usr/lib/dovecot/pop3 /usr/libexec/dovecot/pop3; do
	[ -x "$p" ] && DOVECOT=$p && break
done
TIME=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && TIME=/usr/bin/time

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", b / a; else print "n/a" }'; }

# own_copy SRC DST: a copy that the server under test may change.
own_copy() {
	rm -rf "$2"
	cp -a "$1" "$2"
	if [ -n "$DOVECOT" ] && [ "$(id -u)" -eq 0 ] && [ "${3:-}" = dovecot ]; then
		chown -R 65534:65534 "$2"
	fi
}

dovecot_conf() {
	mkdir -p "$T/dovecot-run"
	chmod 755 "$T" "$T/dovecot-run"
	{
		echo "base_dir = $T/dovecot-run"
		echo "log_path = $T/dovecot.log"
		echo "ssl = no"
		echo "protocols = pop3"
		echo "pop3_uidl_format = %f"
		if [ "$(id -u)" -eq 0 ]; then
			echo "mail_uid = 65534"
			echo "mail_gid = 65534"
		else
			echo "mail_uid = $(id -u)"
			echo "mail_gid = $(id -g)"
		fi
		echo "first_valid_uid = 0"
		echo "first_valid_gid = 0"
	} >"$T/dovecot.conf"
}

# session WHO STORE MODE: one timed session; prints its seconds and
# appends the server's peak RSS (KiB) to $T/rss.WHO.
session() {
	who=$1 store=$2 mode=$3
	wrap=""
	[ -n "$TIME" ] && wrap="$TIME -f %M -o $T/rss.one"
	if [ "$who" = mailab ]; then
		out=$("$FETCH" -u bench -w 1234 -m "$mode" -- $wrap \
			"$TOP/pop_server" --stdio -d "$store" -U "$T/users" 2>/dev/null)
	else
		out=$("$FETCH" -n -m "$mode" -- $wrap env -i PATH="$PATH" \
			HOME="$T" USER=bench "$DOVECOT" -c "$T/dovecot.conf" \
			-o "mail_location=maildir:$store/bench" 2>/dev/null)
	fi
	[ -n "$TIME" ] && tail -n 1 "$T/rss.one" >>"$T/rss.$who"
	echo "$out" | sed -n 's/.* seconds \([0-9.]*\).*/\1/p'
	echo "$out" | grep -q '^messages [1-9]' || echo "bench_pop: $who $mode: $out" >&2
}

rss() { [ -s "$T/rss.$1" ] && echo "$(sort -n "$T/rss.$1" | tail -n 1) KiB" || echo "n/a"; }

echo "# bench_pop: pop_server $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)" \
	"vs ${DOVECOT:-no Dovecot} ($(dovecot --version 2>/dev/null | cut -d' ' -f1)), median of $RUNS runs"
[ -n "$DOVECOT" ] && dovecot_conf
[ -z "$TIME" ] && echo "# /usr/bin/time missing: no RSS (apt-get install time)"

# ---- 1. 5,000 messages: STAT, LIST, UIDL, RETR all, QUIT ----
mkdir -p "$T/gen5k"
"$MK" "$T/gen5k/bench" 5000 2048
rm -f "$T"/rss.* "$T"/t.*
r=0
while [ $r -lt "$RUNS" ]; do
	own_copy "$T/gen5k" "$T/m5k"
	session mailab "$T/m5k" bench >>"$T/t.mailab1"
	session mailab "$T/m5k" bench >>"$T/t.mailab2"
	if [ -n "$DOVECOT" ]; then
		own_copy "$T/gen5k" "$T/d5k" dovecot
		session dovecot "$T/d5k" bench >>"$T/t.dovecot1"
		session dovecot "$T/d5k" bench >>"$T/t.dovecot2"
	fi
	r=$((r + 1))
done
m1=$(median <"$T/t.mailab1") m2=$(median <"$T/t.mailab2")
echo "5000 x 2 KiB, one session STAT+LIST+UIDL+RETR all+QUIT:"
printf '  %-22s first %8s s   second %8s s   peak RSS %s\n' "pop_server (mailab)" "$m1" "$m2" "$(rss mailab)"
if [ -n "$DOVECOT" ]; then
	d1=$(median <"$T/t.dovecot1") d2=$(median <"$T/t.dovecot2")
	printf '  %-22s first %8s s   second %8s s   peak RSS %s\n' "dovecot pop3" "$d1" "$d2" "$(rss dovecot)"
	printf '  %-22s first %8s     second %8s   (above 1: mailab is faster)\n' \
		"ratio dovecot/mailab" "$(ratio "$m1" "$d1")" "$(ratio "$m2" "$d2")"
else
	echo "  skipped: dovecot: not installed (apt-get install dovecot-pop3d)"
fi
rm -rf "$T/gen5k" "$T/m5k" "$T/d5k"

# ---- 2. STAT on 100,000 messages ----
mkdir -p "$T/gen100k"
"$MK" "$T/gen100k/bench" 100000 1024
rm -f "$T"/rss.* "$T"/t.*
[ -n "$DOVECOT" ] && own_copy "$T/gen100k" "$T/d100k" dovecot
r=0
while [ $r -lt "$RUNS" ]; do
	session mailab "$T/gen100k" stat >>"$T/t.mailab1"
	if [ -n "$DOVECOT" ]; then
		if [ $r -eq 0 ]; then
			session dovecot "$T/d100k" stat >"$T/t.dovecot.first"
		fi
		session dovecot "$T/d100k" stat >>"$T/t.dovecot2"
	fi
	r=$((r + 1))
done
m1=$(median <"$T/t.mailab1")
echo "100000 x 1 KiB, one session STAT+QUIT:"
printf '  %-22s %8s s (every session alike: no index)   peak RSS %s\n' "pop_server (mailab)" "$m1" "$(rss mailab)"
if [ -n "$DOVECOT" ]; then
	d1=$(cat "$T/t.dovecot.first") d2=$(median <"$T/t.dovecot2")
	printf '  %-22s %8s s (first: builds its index)   %s s (warm)   peak RSS %s\n' \
		"dovecot pop3" "$d1" "$d2" "$(rss dovecot)"
	printf '  %-22s %8s vs first, %s vs warm   (above 1: mailab is faster)\n' \
		"ratio dovecot/mailab" "$(ratio "$m1" "$d1")" "$(ratio "$m1" "$d2")"
fi
rm -rf "$T/gen100k" "$T/d100k"

# ---- 3. memory does not grow with message size: RETR of 64 MiB ----
mkdir -p "$T/big/bench/new" "$T/big/bench/cur" "$T/big/bench/tmp"
yes 'A line of a very large message, to show that RETR streams from the file.' |
	head -c 67108864 >"$T/big.msg"
s=$(wc -c <"$T/big.msg" | tr -d ' ') l=$(wc -l <"$T/big.msg" | tr -d ' ')
# The last line is cut short: it gets a CRLF on the wire (2 more octets).
mv "$T/big.msg" "$T/big/bench/new/1764000000.M000000P4242Q1.big,S=$s,W=$((s + l + 2))"
rm -f "$T"/rss.* "$T"/t.*
own_copy "$T/big" "$T/big.mailab"
session mailab "$T/big.mailab" bench >"$T/t.mailab1"
if [ -n "$DOVECOT" ]; then
	own_copy "$T/big" "$T/big.dovecot" dovecot
	session dovecot "$T/big.dovecot" bench >"$T/t.dovecot1"
fi
echo "1 x 64 MiB, one session STAT+LIST+UIDL+RETR+QUIT (RSS vs 2 KiB messages above):"
printf '  %-22s %8s s   peak RSS %s\n' "pop_server (mailab)" "$(cat "$T/t.mailab1")" "$(rss mailab)"
[ -n "$DOVECOT" ] && printf '  %-22s %8s s   peak RSS %s\n' "dovecot pop3" "$(cat "$T/t.dovecot1")" "$(rss dovecot)"
exit 0
