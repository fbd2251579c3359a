#!/bin/sh
# The scripts while the lab runs: with the lab's ports 1025 and 1110 held
# (as a running lab holds them), capture.sh --demo and journey.sh
# --capture still succeed, on free ports; a port given explicitly and
# taken is refused with its holder and scripts/lab.sh stop, nothing is
# captured and "Saved" is never said; a failed or empty capture is not
# "Saved" either; under sudo (root with SUDO_USER) the pcap goes to that
# user; the packet list's Length column is Wireshark's frame length.
# Holding 1025/1110 is what the issue asks for; it lasts a few seconds and
# only when they were free (if they are taken already, so much the better).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
CAPTURE=$TOP/scripts/capture.sh
need_programs "scripts on taken ports" smtp_server pop_server mail_send pop_client || exit 0

# hold PORT: a decoy smtp_server on PORT (if it is free) for this test.
hold() {
	: >"$T/hold.$1"
	"$TOP/smtp_server" -p "$1" -d "$T/decoy" >"$T/hold.$1" 2>&1 &
	PIDS="$PIDS $!"
	wait_for grep -q 'listening on\|in use' "$T/hold.$1"
}
hold 1025
hold 1110
hold 2525

# 1. demo.sh asked for a taken port names the holder and the way out.
free_ports || exit 0
start_server "decoy" decoy "$TOP/smtp_server" -d "$T/decoy2" || exit 0
BUSY=$PORT BUSY_PID=$LAST_PID
sh "$TOP/scripts/demo.sh" --smtp-port "$BUSY" >"$T/demo.out" 2>&1
check "demo.sh on a taken port exits 1" test $? -eq 1
check "demo.sh names the port's holder" grep -Fq "port $BUSY is in use by smtp_server (PID $BUSY_PID)" "$T/demo.out"
check "demo.sh suggests scripts/lab.sh stop" grep -Fq "scripts/lab.sh stop" "$T/demo.out"

if ! have tshark; then skip "capture.sh on taken ports" "tshark not installed"; exit 0; fi
# capturing needs root or the wireshark group (t_lab_capture.sh tests the refusal)
sh "$CAPTURE" -o "$T/probe.pcap" -- true >/dev/null 2>&1
if [ $? -eq 77 ]; then skip "capture.sh on taken ports" "capturing is not permitted here"; exit 0; fi

# 2. capture.sh --demo with the lab's ports taken: free ports, success.
(cd "$T" && sh "$CAPTURE" --demo -o demo.pcap) >"$T/cap.out" 2>&1
check "capture.sh --demo with 1025/1110 taken exits 0" test $? -eq 0
check "capture.sh --demo says 1025 is taken and which port it used" \
	grep -q 'port 1025 is taken (is the lab running?): the demo uses port [0-9]' "$T/cap.out"
check "capture.sh --demo: the mail made the trip" grep -q 'The mail made the trip' "$T/cap.out"
check_not "capture.sh --demo: no server failed" grep -q 'FAILED' "$T/cap.out"
SP=$(sed -n 's/.*1025 is taken.*uses port \([0-9]*\).*/\1/p' "$T/cap.out")
check "capture.sh --demo: the pcap holds MAIL on port $SP" sh -c \
	"tshark -r '$T/demo.pcap' -d tcp.port==$SP,smtp -T fields -e smtp.req.command | grep -q MAIL"
check "capture.sh --demo says Saved with the packet count" grep -q "^Saved [1-9][0-9]* packets in demo.pcap" "$T/cap.out"
check "capture.sh prints the one-line wireshark start" grep -Fq "wireshark -r demo.pcap -d tcp.port==$SP,smtp" "$T/cap.out"

# 3. The Length column is the frame's length (Wireshark's), Len the payload.
check "capture.sh's list names the Length and Len columns" \
	grep -Eq '^ +No\. +stream +direction +flags +Length +Len$' "$T/cap.out"
want=$(tshark -r "$T/demo.pcap" -T fields -e frame.len -e tcp.len -Y frame.number==1 2>/dev/null)
got=$(awk '$1 == 1 && $8 == "SYN" { print $9 "\t" $10 }' "$T/cap.out")
check "packet 1's Length and Len are tshark's frame.len and tcp.len ($want)" test "$got" = "$want"

# 4. A fixed port that is taken: refused before capturing, no Saved.
(cd "$T" && sh "$CAPTURE" --demo -o busy.pcap --smtp-port "$BUSY") >"$T/busy.out" 2>&1
check "capture.sh --demo --smtp-port <taken> exits 69" test $? -eq 69
check "capture.sh names the holder of the taken port" \
	grep -Fq "port $BUSY is in use by smtp_server (PID $BUSY_PID)" "$T/busy.out"
check "capture.sh suggests scripts/lab.sh stop" grep -Fq "scripts/lab.sh stop" "$T/busy.out"
check_not "capture.sh on a taken port never says Saved" grep -q 'Saved' "$T/busy.out"
check "capture.sh on a taken port wrote no file" test ! -e "$T/busy.pcap"

# 5. A capture with nothing in it, and a failed command: never "Saved".
(cd "$T" && sh "$CAPTURE" -o empty.pcap --smtp-port "$PORT1" -- false) >"$T/empty.out" 2>&1
check "capture.sh -- false exits non-zero" test $? -ne 0
check "capture.sh -- false says nothing was captured" grep -q 'nothing was captured' "$T/empty.out"
check_not "capture.sh -- false never says Saved" grep -q 'Saved' "$T/empty.out"
check "capture.sh -- false leaves no empty file" test ! -e "$T/empty.pcap"
printf 'S: 220 *\nC: QUIT\nS: 999 never *\n' >"$T/bad.chat"
(cd "$T" && sh "$CAPTURE" -o bad.pcap --smtp-port "$BUSY" -- "$CHAT" 127.0.0.1 "$BUSY" <"$T/bad.chat") \
	>"$T/bad.out" 2>&1
check "capture.sh around a failing command exits non-zero" test $? -ne 0
check "capture.sh around a failing command says FAILED" grep -q '^FAILED: the captured command exited' "$T/bad.out"
check_not "capture.sh around a failing command never says Saved" grep -q 'Saved' "$T/bad.out"

# owner FILE: the numeric uid that owns FILE (ls -n: POSIX, unlike stat -c).
# shellcheck disable=SC2012 # one known file name
owner() { ls -ln "$1" | awk '{ print $3 }'; }

# 6. Under sudo the pcap belongs to SUDO_USER (nobody here), not root.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	printf 'S: 220 *\nC: QUIT\nS: 221 *\n' >"$T/ok.chat"
	(cd "$T" && SUDO_USER=nobody SUDO_UID=65534 SUDO_GID=65534 sh "$CAPTURE" -o sudo.pcap \
		--smtp-port "$BUSY" -- "$CHAT" 127.0.0.1 "$BUSY" <"$T/ok.chat") >"$T/sudo.out" 2>&1
	check "sudo capture.sh exits 0" test $? -eq 0
	check "sudo capture.sh: the pcap belongs to SUDO_USER (nobody)" \
		test "$(owner "$T/sudo.pcap")" = 65534
	(cd "$T" && sh "$CAPTURE" -o root.pcap --smtp-port "$BUSY" \
		-- "$CHAT" 127.0.0.1 "$BUSY" <"$T/ok.chat") >/dev/null 2>&1
	check "capture.sh as root without sudo: the pcap stays root's" \
		test "$(owner "$T/root.pcap")" = 0
else
	skip "capture.sh under sudo" "needs root and a user nobody"
fi

# 7. journey.sh --capture with 1025, 2525 and 1110 taken: free ports.
(cd "$T" && sh "$TOP/scripts/journey.sh" --capture j.pcap) >"$T/j.out" 2>&1
check "journey.sh --capture with the lab's ports taken exits 0" test $? -eq 0
check "journey.sh --capture says the ports were taken" grep -q 'taken (is the lab running?): 1025 2525 1110; using free ports' "$T/j.out"
check "journey.sh --capture: the mail crossed two servers" grep -q 'The mail crossed two servers' "$T/j.out"
check_not "journey.sh --capture: no FAILED" grep -q 'FAILED' "$T/j.out"
check "journey.sh --capture wrote its pcap" test -s "$T/j.pcap"
