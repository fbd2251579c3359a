#!/bin/sh
# A pcap of a TLS session holds no plaintext, and tshark with the key
# log recovers it: scripts/demo.sh --tls (make demo-tls) run on free
# ports, its capture checked here as well as by the script itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"
tls_setup "pcap of a TLS session"
if ! have tshark; then
	skip "pcap of a TLS session" "tshark not installed"
	exit 0
fi
if ! tshark -D 2>/dev/null | grep -q 'lo\b\|Loopback' && ! { have tcpdump && [ "$(id -u)" -eq 0 ]; }; then
	skip "pcap of a TLS session" "no right to capture on loopback (root or the wireshark group)"
	exit 0
fi
TMPDIR=$T with_timeout 60 sh "$TOP/scripts/demo.sh" --tls >"$T/demo.out" 2>&1
rc=$?
if [ $rc -eq 69 ] && grep -q 'could not capture\|did not start' "$T/demo.out"; then
	skip "pcap of a TLS session" "$(grep 'could not capture\|did not start' "$T/demo.out" | head -n 1)"
	exit 0
fi
check "demo.sh --tls: exit 0" test $rc -eq 0
check "the capture shows STARTTLS in clear, then TLS 1.3 records" sh -c \
	"grep -q 'C: STARTTLS' '$T/demo.out' && grep -q 'TLSv1.3 .*Application Data' '$T/demo.out'"
check "no 'PASS 1234' in the pcap" has "$T/demo.out" "grep -a -c 'PASS 1234' tls.pcap: 0"
check "no message text in the pcap" has "$T/demo.out" "grep -a -c 'Bu bir test mesaj' tls.pcap: 0"
check "without the keys tshark sees no PASS" sh -c \
	"! sed -n '/==== 3\./,/==== 4\./p' '$T/demo.out' | grep -q 'C: PASS'"
check "with tls.keylog_file tshark shows 'C: PASS 1234'" grep -q 'POP .* C: PASS 1234' "$T/demo.out"
check "with tls.keylog_file tshark shows the MAIL FROM inside TLS" grep -q 'SMTP .* C: MAIL FROM:<melek@example.com>' "$T/demo.out"
check "with tls.keylog_file the message text is back" grep -q '| Bu bir test mesaj' "$T/demo.out"
check "the demo's temporary directory is gone" sh -c "! ls -d '$T'/mailab-demo.* >/dev/null 2>&1"
