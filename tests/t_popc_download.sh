#!/bin/sh
# pop_client -o DIR against our pop_server: the local Maildir, .uidl,
# --delete only after the local copy is durable, and a server killed
# (kill -9) in the middle of a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_popc.sh"
popc_servers || exit 1
P="-p $POP_PORT"

for i in 1 2 3; do
	printf 'From: melek@example.com\nSubject: m%s\n\nbody %s\n.dot line\n..two dots\n' $i $i >"$T/m$i.eml"
	deliver test@example.com "$T/m$i.eml"
done
check "three messages delivered by smtp_server" test "$(count_box test)" -eq 3

L=$T/local
$POPC $P -u test -o "$L" >"$T/o1.out" 2>"$T/o1.err"
check "-o: exit 0" test $? -eq 0
check "-o: creates DIR/tmp, new, cur" test -d "$L/tmp" -a -d "$L/new" -a -d "$L/cur"
check "-o: three messages in new/" test "$(count_files "$L/new")" -eq 3
check "-o: nothing left in tmp/" test "$(count_files "$L/tmp")" -eq 0
check "-o: says how many" has "$T/o1.out" "3 new messages saved in $L/new, 0 already there"
check "-o: .uidl replaced atomically (no temporary file left)" sh -c "! ls -a $L | grep -q 'uidl.tmp'"
check "-o: .uidl lists the three UIDLs" test "$(grep -vc '^#' "$L/.uidl")" -eq 3
check "-o: no CR in the local files (LF endings)" sh -c "! cat $L/new/* | grep -q \"\$(printf '\\r')\""
same=0
for f in "$MD"/test/new/* "$MD"/test/cur/*; do
	[ -f "$f" ] || continue
	for g in "$L"/new/*; do cmp -s "$f" "$g" && same=$((same + 1)); done
done
check "-o: each local copy equals the server's file byte for byte (un-stuffed)" test $same -eq 3
check "-o: the server still has them (no --delete)" test "$(count_box test)" -eq 3

$POPC $P -u test -o "$L" >"$T/o2.out"
check "-o again: downloads nothing new" has "$T/o2.out" "0 new messages saved in $L/new, 3 already there"
check "-o again: still three local files" test "$(count_files "$L/new")" -eq 3

printf 'Subject: m4\n\nfour\n' >"$T/m4.eml"
deliver test@example.com "$T/m4.eml"
$POPC $P -u test -o "$L" --delete >"$T/o3.out"
check "--delete: fetches only the new one" has "$T/o3.out" "1 new message saved in $L/new, 3 already there"
check "--delete: deletes the four saved ones" has "$T/o3.out" "4 messages deleted on the server"
check "--delete: the server mailbox is empty" test "$(count_box test)" -eq 0
check "--delete: four local files" test "$(count_files "$L/new")" -eq 4
$POPC $P -u test -o "$L" >/dev/null
check ".uidl: forgets what the server no longer has" test "$(grep -vc '^#' "$L/.uidl")" -eq 0

# kill -9 of the server in the middle of message 2.  The trace (-v)
# goes to a FIFO that we stop reading once RETR 2 has begun, so the
# client blocks, deterministically, inside message 2; message 2 is
# larger (24 MB) than what the socket buffers can hold.
printf 'Subject: small\n\nsmall one\n' >"$T/k1.eml"
awk 'BEGIN { print "Subject: big"; print ""; for (i = 0; i < 360000; i++) printf "line %06d of a 24 megabyte message, padded to be long enough ....\n", i }' >"$T/k2.eml"
deliver melek@example.com "$T/k1.eml"
deliver melek@example.com "$T/k2.eml"
K=$T/killed
mkfifo "$T/trace"
( sed -n '/^C: RETR 2/q'; touch "$T/paused"
  while [ ! -e "$T/go" ]; do sleep 0.05; done; cat >/dev/null ) <"$T/trace" &
READER=$!
$POPC $P -u melek -v -o "$K" --delete >"$T/k.out" 2>"$T/trace" &
CLIENT=$!
wait_for test -e "$T/paused"
sleep 0.5
check "kill -9: message 2 was being written in tmp/" test "$(count_files "$K/tmp")" -eq 1
for s in $(pgrep -P "$POP_PID"); do kill -9 "$s"; done
touch "$T/go"
wait $CLIENT
rc=$?
wait $READER
check "kill -9: the client fails (exit $rc)" test $rc -ne 0
check "kill -9: no partial file in tmp/ or new/" test "$(count_files "$K/tmp")" -eq 0 -a "$(count_files "$K/new")" -eq 1
check "kill -9: the server deleted nothing" test "$(count_box melek)" -eq 2
check "kill -9: .uidl has message 1" test "$(grep -vc '^#' "$K/.uidl")" -eq 1
if rss_ok; then
	/usr/bin/time -f %M -o "$T/k2.rss" $POPC $P -u melek -o "$K" --delete >"$T/k2.out" 2>&1
	kib=$(tail -n 1 "$T/k2.rss")
	check "-o of a 24 MB message: peak RSS $kib KiB, under 4 MiB" test "$kib" -lt 4096
else
	$POPC $P -u melek -o "$K" --delete >"$T/k2.out" 2>&1
	skip "-o of a 24 MB message: peak RSS under 4 MiB" "GNU time (-f %M) not installed, or an ASan build"
fi
check "after kill -9: the next run fetches only message 2" has "$T/k2.out" "1 new message saved in $K/new, 1 already there"
check "after kill -9: nothing duplicated locally" test "$(count_files "$K/new")" -eq 2
check "after kill -9: both deleted on the server now" test "$(count_box melek)" -eq 0
check "after kill -9: the big message is whole" sh -c "grep -c '^line ' $K/new/* | grep -q ':360000\$'"

check "-o into a file that is not a directory fails (EX_IOERR)" sh -c "touch $T/plain; $POPC $P -o $T/plain/x 2>/dev/null; test \$? -eq 74"

# The record of what is saved is the file name (",U=<uidl>"), made by
# the same rename as the message: a .uidl that is lost or stale changes
# nothing (issue 10, 6).
check "-o: each local name carries its UIDL" test "$(ls "$L/new" | grep -c ',U=')" -eq 4
printf 'Subject: m5\n\nfive\n' >"$T/m5.eml"
deliver test@example.com "$T/m5.eml"
deliver test@example.com "$T/m5.eml"
$POPC $P -u test -o "$L" >"$T/o5.out"
check "two more fetched (kept on the server)" has "$T/o5.out" "2 new messages saved in $L/new, 0 already there"
rm -f "$L/.uidl"
for f in "$L"/new/*; do mv "$f" "$L/cur/$(basename "$f"):2,S"; done # a reader saw them
deliver test@example.com "$T/m5.eml"
$POPC $P -u test -o "$L" >"$T/o6.out"
check "no .uidl, messages moved to cur/ by a reader: only the new one" has "$T/o6.out" "1 new message saved in $L/new, 2 already there"
$POPC $P -u test -o "$L" >"$T/o7.out"
check "... and the next run knows it from its name in new/" has "$T/o7.out" "0 new messages saved in $L/new, 3 already there"
touch -t 202001010000 "$L/tmp/old-debris"; : >"$L/tmp/fresh-debris"
$POPC $P -u test -o "$L" >/dev/null
check "tmp/: debris older than 36 hours removed, a fresh file kept" test ! -e "$L/tmp/old-debris" -a -e "$L/tmp/fresh-debris"

# kill -9 at random points of "-o DIR --delete" over 300 messages, a
# bounded number of runs, then one run to the end: every message once,
# whole (issue 10, 6: 370 files for 300 messages before).
KM=$T/killmd
mkdir -p "$KM"
"$TOP/tests/tools/pop_mkmaildir" "$KM/test" 300 2000
(cd "$KM/test/new" && cksum * | awk '{ print $1, $2 }' | sort) >"$T/want.sums"
: >"$T/pop9.log"
start_server "pop_server for kill -9" pop9.log "$TOP/pop_server" -d "$KM" -U "$TOP/users.txt" || exit 1
P9=$PORT
idle9() { [ "$(grep -c '\] connected' "$T/pop9.log")" -eq "$(grep -c '\] disconnected' "$T/pop9.log")" ]; }
KL=$T/killed300
runs=${KILL_RUNS:-12}
r=0
while [ $r -lt "$runs" ]; do
	# kill once 1 to 40 more messages are here (random), and a random
	# few milliseconds later: mid-write, mid-rename, mid-DELE...
	have=$(count_files "$KL/new")
	set -- $(awk -v s="$$$r" 'BEGIN { srand(s); printf "%d %.3f", 1 + int(rand() * 40), rand() * 0.02 }')
	$POPC -p "$P9" -u test -o "$KL" --delete >/dev/null 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null && [ "$(count_files "$KL/new")" -lt $((have + $1)) ]; do
		sleep 0.005
	done
	sleep "$2"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	wait_for idle9 # the server has seen the session end
	r=$((r + 1))
done
$POPC -p "$P9" -u test -o "$KL" --delete >"$T/k300.out" 2>&1
check "kill -9 x$runs, then a whole run: exit 0" test $? -eq 0
(cd "$KL/new" && cksum * | awk '{ print $1, $2 }' | sort) >"$T/got.sums"
missing=$(comm -23 "$T/want.sums" "$T/got.sums" | wc -l | tr -d ' ')
extra=$(comm -13 "$T/want.sums" "$T/got.sums" | wc -l | tr -d ' ')
dups=$(uniq -d "$T/got.sums" | wc -l | tr -d ' ')
check "kill -9 x$runs: 0 missing" test "$missing" -eq 0
check "kill -9 x$runs: 0 partial (every file equals an original)" test "$extra" -eq 0
check "kill -9 x$runs: 0 duplicates ($(count_files "$KL/new") files)" test "$dups" -eq 0 -a "$(count_files "$KL/new")" -eq 300
check "kill -9 x$runs: the server's mailbox is empty" test "$(count_files "$KM/test/new")" -eq 0 -a "$(count_files "$KM/test/cur")" -eq 0
