#!/bin/sh
# scripts/capture.sh with tshark: an SMTP session with AUTH captured on
# loopback (needs only smtp_server), then a real demo run (needs all four
# programs); read back with tshark, the pcap holds MAIL FROM, USER and
# PASS; the printed list shows the handshake, C:/S: lines and the clear
# text.  Skipped with the reason when tshark is missing or capturing is
# not permitted (capture.sh exits 77); a non-root run must say so.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
CAPTURE=$TOP/scripts/capture.sh
need_programs "capture.sh" smtp_server || exit 0
if ! have tshark; then skip "capture.sh" "tshark not installed"; exit 0; fi

sh "$CAPTURE" -r "$T/none.pcap" >/dev/null 2>&1
check "capture.sh -r of a missing file fails (64)" test $? -eq 64
sh "$CAPTURE" --smtp-port 10x25 >/dev/null 2>&1
check "capture.sh refuses a bad port (64)" test $? -eq 64
sh "$CAPTURE" -h >"$T/help.out"
check "capture.sh -h names the display filters" grep -q 'tcp.stream eq N' "$T/help.out"

# Without the right to capture (root running it as nobody), it says so.
if [ "$(id -u)" -eq 0 ] && have setpriv; then
	mkdir "$T/nobody" && chmod 777 "$T/nobody" && chmod 755 "$T"
	(cd "$T/nobody" && HOME=$T/nobody setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh "$CAPTURE" -o "$T/nobody/x.pcap" -- true) >"$T/nobody.out" 2>&1
	rc=$?
	chmod 700 "$T"
	if [ $rc -eq 0 ]; then
		skip "capture.sh as nobody" "nobody may capture on this machine"
	else
		check "capture.sh as nobody exits 77" test $rc -eq 77
		check "capture.sh as nobody says it needs root or the wireshark group" \
			grep -q 'needs root or the wireshark group' "$T/nobody.out"
	fi
else
	skip "capture.sh without permission" "needs root and setpriv to try as nobody"
fi

# has_field PCAP FIELD VALUE: tshark reads PCAP back (decoding the test's
# ports as SMTP and POP) and some packet's FIELD holds VALUE.
has_field() {
	tshark -r "$1" -d "tcp.port==$SPORT,smtp" -d "tcp.port==$PPORT,pop" \
		-T fields -e "$2" 2>/dev/null | grep -Fq -- "$3"
}

# 1. SMTP with AUTH PLAIN and a Turkish body, sent by the chat tool.
free_ports || exit 0
PPORT=$PORT2
start_server "smtp_server" smtp "$TOP/smtp_server" -d "$T/md" || exit 0
SPORT=$PORT SMTP_PID=$LAST_PID
cat >"$T/auth.chat" <<X
S: 220 *
C: EHLO client.test
S~ 250 *
C: AUTH PLAIN AG1lbGVrADEyMzQ=
S: 235 *
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: DATA
S: 354 *
C: Subject: Selam
R: \\r\\n
C: $SEED_TEXT
C: .
S: 250 *
C: QUIT
S: 221 *
X
sh "$CAPTURE" -o "$T/auth.pcap" --smtp-port "$SPORT" --pop-port "$PPORT" \
	-- "$CHAT" 127.0.0.1 "$SPORT" <"$T/auth.chat" >"$T/auth.out" 2>&1
rc=$?
if [ $rc -eq 77 ]; then
	skip "capture.sh" "capturing is not permitted here (needs root or the wireshark group)"
	exit 0
fi
check "capture.sh -- chat: exits 0 (the command's status)" test $rc -eq 0
check "the pcap, read by tshark, holds MAIL FROM" has_field "$T/auth.pcap" smtp.req.command MAIL
for want in "handshake 1/3" "handshake 2/3" "handshake 3/3" \
            "C: MAIL FROM:<melek@example.com>    <== clear text" \
            "C: $SEED_TEXT    <== the body in clear text" \
            'base64, not encryption: "<NUL>melek<NUL>1234"' \
            "S: 354 " "end of the message: a lone dot"; do
	check "capture.sh shows: $want" grep -Fq "$want" "$T/auth.out"
done
sh "$CAPTURE" -r "$T/auth.pcap" --smtp-port 1 --smtp-port "$SPORT" >"$T/two.out" 2>&1
check "capture.sh -r with two --smtp-port decodes the second" \
	grep -Fq "C: MAIL FROM:<melek@example.com>" "$T/two.out"

# The same session captured with tcpdump (the fallback without tshark).
if have tcpdump; then
	sh "$CAPTURE" --tcpdump -o "$T/td.pcap" --smtp-port "$SPORT" --pop-port "$PPORT" \
		-- "$CHAT" 127.0.0.1 "$SPORT" <"$T/auth.chat" >"$T/td.out" 2>&1
	check "capture.sh --tcpdump exits 0" test $? -eq 0
	check "capture.sh --tcpdump says it used tcpdump" grep -q 'with tcpdump' "$T/td.out"
	check "the tcpdump pcap, read by tshark, holds MAIL FROM" has_field "$T/td.pcap" smtp.req.command MAIL
	check "capture.sh --tcpdump shows the AUTH decoded" grep -Fq '"<NUL>melek<NUL>1234"' "$T/td.out"
else
	skip "capture.sh --tcpdump" "tcpdump not installed"
fi
stop_server "$SMTP_PID"

# 2. A real demo run on the test's ports.
need_programs "capture.sh --demo" pop_server mail_send pop_client || exit 0
sh "$CAPTURE" --demo -o "$T/demo.pcap" --smtp-port "$SPORT" --pop-port "$PPORT" \
	>"$T/demo.out" 2>&1
check "capture.sh --demo exits 0" test $? -eq 0
check "the demo's pcap holds SMTP MAIL FROM" has_field "$T/demo.pcap" smtp.req.command MAIL
check "the demo's pcap holds SMTP's sender" has_field "$T/demo.pcap" smtp.req.parameter "FROM:<melek@example.com>"
check "the demo's pcap holds POP USER" has_field "$T/demo.pcap" pop.request.command USER
check "the demo's pcap holds POP PASS" has_field "$T/demo.pcap" pop.request.command PASS
check "the demo's pcap holds the password 1234" has_field "$T/demo.pcap" pop.request.parameter 1234
for want in "C: USER gizem    <== clear text: the user name" \
            "C: PASS 1234    <== clear text: the password!" "C: RETR 1" \
            "POP3 password 1234" "The mail made the trip"; do
	check "capture.sh --demo shows: $want" grep -Fq "$want" "$T/demo.out"
done
check "capture.sh --demo shows the body crossing in clear, twice" \
	test "$(grep -Fc "$SEED_TEXT    <== the body in clear text" "$T/demo.out")" -eq 2

# 3. IMAP: LOGIN and AUTHENTICATE PLAIN on imap_server's port, decoded
# as IMAP (--imap-port), the password called out in clear.
need_programs "capture.sh (IMAP)" imap_server || exit 0
mkdir -p "$T/imd/gizem/new" "$T/imd/gizem/cur" "$T/imd/gizem/tmp"
printf 'Subject: Selam\n\n%s\n' "$SEED_TEXT" >"$T/imd/gizem/new/1764000001.M1P1.test"
start_server "imap_server" imap "$TOP/imap_server" -d "$T/imd" -U "$TOP/users.txt" || exit 0
IPORT=$PORT IMAP_PID=$LAST_PID
cat >"$T/imap.chat" <<X
S: * OK *
C: a LOGIN gizem 1234
S: a OK *
C: b SELECT INBOX
S~ b OK *
C: c FETCH 1 BODY[]
S~ c OK *
C: d LOGOUT
S: * BYE*
S: d OK*
X
sh "$CAPTURE" -o "$T/imap.pcap" --smtp-port "$SPORT" --pop-port "$PPORT" --imap-port "$IPORT" \
	-- "$CHAT" 127.0.0.1 "$IPORT" <"$T/imap.chat" >"$T/imap.out" 2>&1
check "capture.sh --imap-port -- chat: exits 0" test $? -eq 0
check "the IMAP pcap, read by tshark with -d tcp.port==$IPORT,imap, holds LOGIN" \
	sh -c "tshark -r '$T/imap.pcap' -d tcp.port==$IPORT,imap -T fields -e imap.request.command 2>/dev/null | grep -qx LOGIN"
for want in "IMAP on port $IPORT" "C: a LOGIN gizem 1234    <== clear text: the user name and the password!" \
            "C: b SELECT INBOX    open the mailbox" "S: Subject: Selam    <== message text in clear" \
            "  IMAP LOGIN gizem 1234" "-d tcp.port==$IPORT,imap"; do
	check "capture.sh (IMAP) shows: $want" grep -Fq -- "$want" "$T/imap.out"
done
sh "$CAPTURE" -r "$T/imap.pcap" >"$T/imap.default.out" 2>&1
check "capture.sh -r decodes 1143 as IMAP by default" grep -Fq "IMAP on port 1143" "$T/imap.default.out"
stop_server "$IMAP_PID"
