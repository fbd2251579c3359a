#!/bin/sh
# tests/t_ladder.sh: scripts/ladder.sh draws a session as a ladder
# diagram, in the terminal and as SVG, from a saved -v trace and from a
# capture of a real session (tshark; skipped when it is missing or
# cannot capture here).  The SVG must be well-formed XML and, where
# rsvg-convert is installed, render to a PNG.
. "$(dirname "$0")/lib.sh"

LADDER="$TOP/scripts/ladder.sh"

# A -v trace as a server prints it: log lines, --explain lines, UTF-8,
# characters XML must escape, a blank DATA line.
cat >"$T/trace.txt" <<'TRACE'
2026-11-30 02:00:00 smtp_server[1] [127.0.0.1] connected
S: 220 mail.example ESMTP mailab ready
C: EHLO client.example
S: 250-mail.example Hello client.example [127.0.0.1]
S: 250 PIPELINING
C: MAIL FROM:<melek@example.com>
   the envelope sender starts a mail transaction (RFC 5321 4.1.1.2)
S: 250 2.1.0 Ok
C: RCPT TO:<gizem@example.com>
S: 250 2.1.5 Ok
C: DATA
S: 354 End data with <CR><LF>.<CR><LF>
C: Subject: Tom & "Jerry"
C: 
C: Türkçe: ı, ç, ş, ü, ö, İ
C: .
S: 250 2.0.0 Ok: queued
C: QUIT
S: 221 2.0.0 Bye
TRACE

sh "$LADDER" "$T/trace.txt" --svg "$T/trace.svg" >"$T/trace.out" 2>"$T/trace.err"
rc=$?
check "trace: exit 0" [ $rc -eq 0 ]
arrows=$(grep -c '^  |\(<-\|--\)' "$T/trace.out")
check "trace: one arrow per C:/S: line (17)" [ "$arrows" -eq 17 ]
check "trace: client to server points right" grep -q '^  |-- EHLO client.example -*>|$' "$T/trace.out"
check "trace: server to client points left" grep -q '^  |<- 220 mail.example ESMTP mailab ready -*|$' "$T/trace.out"
check "trace: in order, time downwards" sh -c "grep -n 'EHLO\\|QUIT' '$T/trace.out' | head -n 1 | grep -q EHLO"
check_not "trace: log lines are not arrows" grep -q 'connected' "$T/trace.out"
check_not "trace: --explain lines are not arrows" grep -q 'envelope sender' "$T/trace.out"
check "trace: UTF-8 line kept, aligned" grep -q '^  |-- Türkçe: ı, ç, ş, ü, ö, İ -*>|$' "$T/trace.out"
# every arrow line is as wide as the lifelines (UTF-8 counted by characters)
widths=$(LC_ALL=C awk '/^  \|/ { t = $0; n = length($0) - gsub(/[\200-\277]/, "", t); print n }' "$T/trace.out" | sort -u)
check "trace: every row the same width" [ "$widths" = 74 ]

# The SVG: well-formed, one arrow per line, text escaped.
xml_ok() {
	if have xmllint; then xmllint --noout "$1"
	elif have python3; then python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1"
	else return 2; fi
}
if have xmllint || have python3; then
	check "trace SVG: well-formed XML" xml_ok "$T/trace.svg"
else
	skip "trace SVG: well-formed XML" "xmllint and python3 not installed"
fi
check "trace SVG: one arrow per line (17)" [ "$(grep -c 'marker-end=' "$T/trace.svg")" -eq 17 ]
check "trace SVG: two lifelines with labels" sh -c "grep -q '>client</text>' '$T/trace.svg' && grep -q '>server</text>' '$T/trace.svg'"
check "trace SVG: < > & \" escaped" sh -c "grep -q 'MAIL FROM:&lt;melek@example.com&gt;' '$T/trace.svg' && grep -q 'Tom &amp; &quot;Jerry&quot;' '$T/trace.svg'"
check "trace SVG: UTF-8 text kept" grep -q 'Türkçe: ı, ç, ş, ü, ö, İ' "$T/trace.svg"

# png_ok SVG PNG: rsvg-convert renders it to a non-empty PNG.
png_ok() {
	rsvg-convert -o "$2" "$1" && [ -s "$2" ] &&
		[ "$(od -An -tx1 -N4 "$2" | tr -d ' \n')" = 89504e47 ]
}
if have rsvg-convert; then
	check "trace SVG: rsvg-convert renders a PNG" png_ok "$T/trace.svg" "$T/trace.png"
else
	skip "trace SVG renders to PNG" "rsvg-convert not installed (apt-get install librsvg2-bin)"
fi

# Refusals.
sh "$LADDER" >/dev/null 2>&1; rc=$?
check "no FILE: usage, exit 64" [ $rc -eq 64 ]
sh "$LADDER" "$T/trace.txt" --bogus >/dev/null 2>&1; rc=$?
check "unknown option: exit 64" [ $rc -eq 64 ]
sh "$LADDER" "$T/trace.txt" --svg >/dev/null 2>&1; rc=$?
check "--svg without a file name: exit 64" [ $rc -eq 64 ]
sh "$LADDER" "$T/no-such-file" >/dev/null 2>"$T/err"; rc=$?
check "missing file: exit 66, named" sh -c "[ $rc -eq 66 ] && grep -q no-such-file '$T/err'"
printf 'hello\nworld\n' >"$T/plain.txt"
sh "$LADDER" "$T/plain.txt" >/dev/null 2>"$T/err"; rc=$?
check "a file with no C:/S: lines: exit 65, said" sh -c "[ $rc -eq 65 ] && grep -q 'no protocol lines' '$T/err'"
sh "$LADDER" "$T/trace.txt" --svg "$T/no-dir/x.svg" >/dev/null 2>"$T/err"; rc=$?
check "an SVG that cannot be written: exit 73" [ $rc -eq 73 ]

# A real session between ./mail_send and ./smtp_server, captured on
# the loopback interface.
if ! have tshark; then
	skip "ladder from a capture" "tshark not installed"
	exit 0
fi
start_server "smtp_server for the capture" smtp.log "$TOP/smtp_server" -d "$T/md" || exit 0
for lo in lo lo0; do
	tshark -i "$lo" -f "tcp port $PORT" -w "$T/cap.pcap" >"$T/tshark.out" 2>"$T/tshark.err" &
	TPID=$!
	# "Capturing on" comes a moment before the capture really runs
	wait_for grep -qs 'Capturing on' "$T/tshark.err" && sleep 1 && break
	kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null; TPID=""
done
if [ -z "$TPID" ]; then
	skip "ladder from a capture" "tshark cannot capture on loopback here: $(grep -v 'Running as' "$T/tshark.err" | head -n 1)"
	exit 0
fi
PIDS="$PIDS $TPID"
"$TOP/mail_send" -p "$PORT" -s 'Merhaba dünya' >"$T/send.out" 2>&1
# tshark writes as packets come: wait for the FIN of both sides
sleep 1
kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null
sh "$LADDER" "$T/cap.pcap" --svg "$T/cap.svg" >"$T/cap.out" 2>"$T/cap.err"; rc=$?
check "capture: exit 0" [ $rc -eq 0 ]
check "capture: names the stream, client and server" grep -q "TCP stream 0: client 127.0.0.1:[0-9]* <-> server 127.0.0.1:$PORT" "$T/cap.out"
check "capture: the handshake, SYN from the client" grep -q '^  |\.\. [0-9.]*  \[SYN\] \.*>|$' "$T/cap.out"
check "capture: SYN-ACK from the server" grep -q '^  |<\. [0-9.]*  \[SYN, ACK\] \.*|$' "$T/cap.out"
check "capture: the handshake's ACK" grep -q '\[ACK\] \.*>|$' "$T/cap.out"
check "capture: the greeting, server to client" grep -q '^  |<- [0-9.]*  220 ' "$T/cap.out"
check "capture: EHLO, client to server" grep -q '^  |-- [0-9.]*  EHLO .*>|$' "$T/cap.out"
check "capture: each line of a multi-line reply is an arrow" grep -q '250-PIPELINING' "$T/cap.out"
check "capture: the final dot" grep -q '^  |-- [0-9.]*  \. -*>|$' "$T/cap.out"
check "capture: FIN from both sides" [ "$(grep -c 'FIN' "$T/cap.out")" -eq 2 ]
if have xmllint || have python3; then
	check "capture SVG: well-formed XML" xml_ok "$T/cap.svg"
fi
if have rsvg-convert; then
	check "capture SVG: rsvg-convert renders a PNG" png_ok "$T/cap.svg" "$T/cap.png"
fi

# A capture begun after the handshake: the side that greets first is
# the server (here the server's port may well be the higher one).
tshark -r "$T/cap.pcap" -Y 'tcp.flags.syn == 0' -w "$T/nosyn.pcap" 2>/dev/null
sh "$LADDER" "$T/nosyn.pcap" >"$T/nosyn.out" 2>&1
check "capture without the SYN: the server still on the right" \
	grep -q "client 127.0.0.1:[0-9]* <-> server 127.0.0.1:$PORT" "$T/nosyn.out"
check "capture without the SYN: no handshake drawn, greeting points left" \
	sh -c "! grep -q 'SYN' '$T/nosyn.out' && grep -q '^  |<- [0-9.]*  220 ' '$T/nosyn.out'"

# A real --explain trace (Turkish, with a pipelined batch) draws the
# same ladder as the -v trace of the same session.
if [ -x "$TOP/smtp_server" ] && [ -x "$TOP/mail_send" ] &&
	start_server smtp_server lad.log "$TOP/smtp_server" -d "$T/md" -n mx.test; then
	printf 'Subject: ladder\n\nline\n' >"$T/lad.eml"
	"$TOP/mail_send" -p "$PORT" -v --raw "$T/lad.eml" >/dev/null 2>"$T/lad.v"
	"$TOP/mail_send" -p "$PORT" -e --lang tr --raw "$T/lad.eml" >/dev/null 2>"$T/lad.e"
	stop_server "$LAST_PID"
	for k in v e; do
		sh "$LADDER" "$T/lad.$k" | sed 's/queued as [^ ]*/queued as ID/' >"$T/lad.$k.out"
	done
	if cmp -s "$T/lad.v.out" "$T/lad.e.out" && grep -q 'RFC' "$T/lad.e" &&
		[ "$(grep -c '^  |\(<-\|--\)' "$T/lad.e.out")" -ge 15 ]; then
		pass "a real --explain --lang tr trace: the same ladder as its -v trace"
	else fail "a real --explain --lang tr trace: the same ladder as its -v trace" "$(diff "$T/lad.v.out" "$T/lad.e.out" | head -n 4 | tr '\n' '|')"; fi
fi
