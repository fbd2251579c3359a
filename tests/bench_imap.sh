#!/bin/sh
# tests/bench_imap.sh: imap_server beside Dovecot's imap, on identical
# copies of the same Maildir, in the same run.  Never a pass/fail test:
# it prints medians of RUNS runs (default 3), the time ratios, and the
# servers' peak RSS (GNU time's %M, when /usr/bin/time is installed).
#
#  1. 5,000 messages of 2 KiB: one session LOGIN, SELECT, FETCH 1:*
#     (BODY.PEEK[]), LOGOUT; the first session on a fresh copy (both
#     servers move new/ to cur/, Dovecot builds its index), then a
#     second one on the same copy (warm).
#  2. SELECT of a 100,000-message mailbox (1 KiB each): first and warm.
#  3. FETCH BODY.PEEK[] of one 50 MiB message: peak RSS beside case 1's
#     (memory must not grow with the message).
#
# Dovecot's imap runs pre-authenticated on stdin/stdout from a config in
# the temporary directory; imap_server runs with --stdio and LOGIN.  As
# root, Dovecot refuses mail access, so its copy belongs to nobody.
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2059 # the commands are printf formats (\r\n)

RUNS=${RUNS:-3}
MK="$TOP/tests/tools/pop_mkmaildir"
echo 'bench:1234' >"$T/users"

DOVECOT=""
for p in /usr/lib/dovecot/imap /usr/libexec/dovecot/imap; do
	[ -x "$p" ] && DOVECOT=$p && break
done
TIME=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && TIME=/usr/bin/time

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", b / a; else print "n/a" }'; }
now() { date +%s.%N 2>/dev/null | sed 's/N$/0/'; }
rss() { [ -s "$T/rss.$1" ] && echo "$(sort -n "$T/rss.$1" | tail -n 1) KiB" || echo "n/a"; }

own_copy() {
	rm -rf "$2"
	cp -a "$1" "$2"
	[ "$(id -u)" -eq 0 ] && [ "${3:-}" = dovecot ] && chown -R 65534:65534 "$2"
	return 0
}

dovecot_conf() {
	mkdir -p "$T/dovecot-run"
	chmod 755 "$T" "$T/dovecot-run"
	{
		echo "base_dir = $T/dovecot-run"
		echo "log_path = $T/dovecot.log"
		echo "ssl = no"
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

# session WHO STORE COMMANDS: one timed session on STORE (its bench/
# mailbox); prints seconds, appends peak RSS to $T/rss.WHO, and checks
# that the session ended with LOGOUT's OK.
session() {
	who=$1 store=$2 cmds=$3
	wrap=""
	[ -n "$TIME" ] && wrap="$TIME -f %M -o $T/rss.one"
	t0=$(now)
	if [ "$who" = mailab ]; then
		printf "a LOGIN bench 1234\\r\\n${cmds}z LOGOUT\\r\\n" |
			$wrap "$TOP/imap_server" --stdio -d "$store" -U "$T/users" >"$T/out" 2>/dev/null
	else
		printf "${cmds}z LOGOUT\\r\\n" |
			$wrap env -i PATH="$PATH" HOME="$T" USER=bench "$DOVECOT" -c "$T/dovecot.conf" \
			-o "mail_location=maildir:$store/bench" >"$T/out" 2>/dev/null
	fi
	t1=$(now)
	[ -n "$TIME" ] && tail -n 1 "$T/rss.one" >>"$T/rss.$who"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
	tr -d '\r' <"$T/out" | grep -q '^z OK' || echo "bench_imap: $who: no LOGOUT OK" >&2
}

echo "# bench_imap: imap_server $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)" \
	"vs ${DOVECOT:-no Dovecot} ($(dovecot --version 2>/dev/null | cut -d' ' -f1)), median of $RUNS runs"
[ -n "$DOVECOT" ] && dovecot_conf
[ -z "$TIME" ] && echo "# /usr/bin/time missing: no RSS (apt-get install time)"

# ---- 1. FETCH 1:* (BODY.PEEK[]) over 5,000 x 2 KiB ----
FETCH_ALL='b SELECT INBOX\r\nc FETCH 1:* (BODY.PEEK[])\r\n'
mkdir -p "$T/gen5k"
"$MK" "$T/gen5k/bench" 5000 2048
rm -f "$T"/rss.* "$T"/t.*
r=0
while [ $r -lt "$RUNS" ]; do
	own_copy "$T/gen5k" "$T/m5k"
	session mailab "$T/m5k" "$FETCH_ALL" >>"$T/t.mailab1"
	session mailab "$T/m5k" "$FETCH_ALL" >>"$T/t.mailab2"
	n=$(grep -c 'FETCH (BODY\[\] {' "$T/out")
	[ "$n" -eq 5000 ] || echo "bench_imap: mailab fetched $n messages" >&2
	if [ -n "$DOVECOT" ]; then
		own_copy "$T/gen5k" "$T/d5k" dovecot
		session dovecot "$T/d5k" "$FETCH_ALL" >>"$T/t.dovecot1"
		session dovecot "$T/d5k" "$FETCH_ALL" >>"$T/t.dovecot2"
	fi
	r=$((r + 1))
done
RSS_SMALL=$(rss mailab)
m1=$(median <"$T/t.mailab1") m2=$(median <"$T/t.mailab2")
echo "5000 x 2 KiB, one session SELECT + FETCH 1:* (BODY.PEEK[]):"
printf '  %-22s first %8s s   warm %8s s   peak RSS %s\n' "imap_server (mailab)" "$m1" "$m2" "$RSS_SMALL"
if [ -n "$DOVECOT" ]; then
	d1=$(median <"$T/t.dovecot1") d2=$(median <"$T/t.dovecot2")
	printf '  %-22s first %8s s   warm %8s s   peak RSS %s\n' "dovecot imap" "$d1" "$d2" "$(rss dovecot)"
	printf '  %-22s first %8s     warm %8s   (above 1: mailab is faster)\n' \
		"ratio dovecot/mailab" "$(ratio "$m1" "$d1")" "$(ratio "$m2" "$d2")"
else
	echo "  skipped: dovecot: not installed (apt-get install dovecot-imapd)"
fi
rm -rf "$T/gen5k" "$T/m5k" "$T/d5k"

# ---- 2. SELECT of 100,000 messages ----
mkdir -p "$T/gen100k"
"$MK" "$T/gen100k/bench" 100000 1024
rm -f "$T"/rss.* "$T"/t.*
r=0
while [ $r -lt "$RUNS" ]; do
	own_copy "$T/gen100k" "$T/m100k"
	session mailab "$T/m100k" 'b SELECT INBOX\r\n' >>"$T/t.mailab1"
	session mailab "$T/m100k" 'b SELECT INBOX\r\n' >>"$T/t.mailab2"
	grep -q '^\* 100000 EXISTS' "$T/out" || echo "bench_imap: mailab: not 100000 EXISTS" >&2
	if [ -n "$DOVECOT" ]; then
		own_copy "$T/gen100k" "$T/d100k" dovecot
		session dovecot "$T/d100k" 'b SELECT INBOX\r\n' >>"$T/t.dovecot1"
		session dovecot "$T/d100k" 'b SELECT INBOX\r\n' >>"$T/t.dovecot2"
	fi
	r=$((r + 1))
done
m1=$(median <"$T/t.mailab1") m2=$(median <"$T/t.mailab2")
echo "100000 x 1 KiB, one session SELECT:"
printf '  %-22s first %8s s   warm %8s s   peak RSS %s\n' "imap_server (mailab)" "$m1" "$m2" "$(rss mailab)"
if [ -n "$DOVECOT" ]; then
	d1=$(median <"$T/t.dovecot1") d2=$(median <"$T/t.dovecot2")
	printf '  %-22s first %8s s   warm %8s s   peak RSS %s\n' "dovecot imap" "$d1" "$d2" "$(rss dovecot)"
	printf '  %-22s first %8s     warm %8s   (above 1: mailab is faster)\n' \
		"ratio dovecot/mailab" "$(ratio "$m1" "$d1")" "$(ratio "$m2" "$d2")"
fi
rm -rf "$T/gen100k" "$T/m100k" "$T/d100k"

# ---- 3. memory does not grow with message size: one 50 MiB message ----
mkdir -p "$T/big/bench/new" "$T/big/bench/cur" "$T/big/bench/tmp"
yes 'A line of a very large message, to show that FETCH streams from the file.' |
	head -n 710000 >"$T/big.msg" # 50 MiB, every line whole: both servers count W alike
s=$(wc -c <"$T/big.msg" | tr -d ' ') l=$(wc -l <"$T/big.msg" | tr -d ' ')
mv "$T/big.msg" "$T/big/bench/new/1764000000.M000000P4242Q1.big,S=$s,W=$((s + l))"
rm -f "$T"/rss.* "$T"/t.*
own_copy "$T/big" "$T/big.mailab"
session mailab "$T/big.mailab" 'b SELECT INBOX\r\nc FETCH 1 (BODY.PEEK[] BODYSTRUCTURE)\r\n' >"$T/t.mailab1"
if [ -n "$DOVECOT" ]; then
	own_copy "$T/big" "$T/big.dovecot" dovecot
	session dovecot "$T/big.dovecot" 'b SELECT INBOX\r\nc FETCH 1 (BODY.PEEK[] BODYSTRUCTURE)\r\n' >"$T/t.dovecot1"
fi
echo "1 x 50 MiB, one session SELECT + FETCH 1 (BODY.PEEK[] BODYSTRUCTURE):"
printf '  %-22s %8s s   peak RSS %s (with 5000 x 2 KiB: %s)\n' "imap_server (mailab)" \
	"$(cat "$T/t.mailab1")" "$(rss mailab)" "$RSS_SMALL"
[ -n "$DOVECOT" ] && printf '  %-22s %8s s   peak RSS %s\n' "dovecot imap" "$(cat "$T/t.dovecot1")" "$(rss dovecot)"
exit 0
