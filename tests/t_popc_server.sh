#!/bin/sh
# pop_client against our pop_server, with the mail delivered by our
# smtp_server (and mail_send when it is built): the lab's whole journey.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_popc.sh"
popc_servers || exit 1
P="-p $POP_PORT"

# An empty mailbox first: it says so and exits 0.
check "empty mailbox: says so, exit 0" sh -c "$POPC $P >$T/out && grep -q 'The mailbox is empty' $T/out"

send_seed
$POPC $P >"$T/one.out" 2>&1
check "one message: 'STAT: 1 message,' (singular)" grep -q '^STAT: 1 message, [0-9]* octets$' "$T/one.out"
cat >"$T/m2.eml" <<'X'
From: =?utf-8?B?TWVsZWsgw5Z6dMO8cms=?= <melek@example.com>
To: gizem@example.com
Subject: =?utf-8?Q?=C4=B0kinci_mesaj?=
Date: Fri, 27 Nov 2026 07:00:00 +0000
Content-Type: text/plain; charset=iso-8859-9
Content-Transfer-Encoding: quoted-printable

=DDkinci sat=FDr: =FE=F0=E7
.a line that starts with a dot
X
deliver gizem@example.com "$T/m2.eml"

$POPC $P >"$T/default.out" 2>"$T/default.err"
rc=$?
check "default: exit 0" test $rc -eq 0
check "default: STAT line, plural" has "$T/default.out" "STAT: 2 messages,"
check "default: LIST lines" sh -c "grep -q '^1 [0-9][0-9]*\$' $T/default.out && grep -q '^2 [0-9][0-9]*\$' $T/default.out"
check "default: Turkish text decoded" has "$T/default.out" "Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ"
check "default: Subject shown, Received hidden" sh -c "grep -q '^Subject: Selam' $T/default.out && ! grep -q '^Received' $T/default.out"

$POPC $P -n 2 >"$T/n2.out"
check "-n 2: RFC 2047 From and Subject decoded" sh -c "grep -q '^From: Melek Öztürk <melek@example.com>' $T/n2.out && grep -q '^Subject: İkinci mesaj' $T/n2.out"
check "-n 2: ISO-8859-9 quoted-printable body in UTF-8" has "$T/n2.out" "İkinci satır: şğç"
check "-n 2: byte-stuffed line un-stuffed" grep -q '^\.a line that starts' "$T/n2.out"
check "-n 3 of 2: says there is none" sh -c "$POPC $P -n 3 | grep -q 'There is no message 3'"

$POPC $P --raw -n 2 >"$T/raw.out"
check "--raw: encoded words left as they are" has "$T/raw.out" "Subject: =?utf-8?Q?=C4=B0kinci_mesaj?="
check "--raw: CRLF line endings as received" sh -c "grep -c \"\$(printf '\\r')\$\" $T/raw.out | grep -qv '^0\$'"
check "--raw: the Received: header pop_server sent" grep -q '^Received: ' "$T/raw.out"

$POPC $P --list >"$T/list.out"
check "--list: a header row and two rows" test "$(wc -l <"$T/list.out")" -eq 3
check "--list: From and Subject decoded" sh -c "grep -q '^ *2 .*Melek Öztürk.*İkinci mesaj.*07:00:00' $T/list.out"

# -v on a terminal: the trace, then the decoded message (issue 11).
if pty_run "$T/pty.out" $POPC $P -v -n 2; then
	q=$(last_line_no "$T/pty.out" '^S: '); d=$(line_no "$T/pty.out" '^Subject: İkinci mesaj')
	s=$(line_no "$T/pty.out" '^STAT: ')
	check "-v on a terminal: QUIT answered before the decoded message" test -n "$q" -a -n "$d" -a "${d:-0}" -gt "${q:-0}"
	check "-v on a terminal: STAT/LIST after the trace too" test -n "$s" -a "${s:-0}" -gt "${q:-0}"
	check "-v on a terminal: the last trace line is QUIT's reply" sh -c "grep '^[CS]: ' $T/pty.out | tail -n 2 | head -n 1 | grep -q '^C: QUIT'"
	check "-v on a terminal: the decoded body is there" has "$T/pty.out" "İkinci satır: şğç"
else
	skip "-v on a terminal: trace before the message" "python3 not installed"
fi
$POPC $P -v -n 2 >"$T/both.out" 2>&1
check "-v, both streams into one file: message after QUIT's reply" sh -c "test \$(grep -n '^Subject: İkinci' $T/both.out | cut -d: -f1) -gt \$(grep -n '^S: ' $T/both.out | tail -n 1 | cut -d: -f1)"

$POPC $P --top 0 -n 2 -v >"$T/top.out" 2>"$T/top.err"
check "--top 0: sends TOP 2 0" has "$T/top.err" "C: TOP 2 0"
check "--top 0: headers without the body" sh -c "grep -q '^Subject: İkinci' $T/top.out && ! grep -q 'satır' $T/top.out"
check "-v: server lines traced as S:" grep -q '^S: +OK ' "$T/top.err"
$POPC $P --top 1 -n 2 >"$T/top1.out"
check "--top 1: the headers and one body line" sh -c "grep -q 'İkinci satır' $T/top1.out && ! grep -q 'starts with a dot' $T/top1.out"
$POPC $P -v -n 2 >/dev/null 2>"$T/v.err"
check "-v: body lines traced with their stuffing" grep -q '^S: \.\.a line that starts' "$T/v.err"
check "-v: USER and PASS in the trace" sh -c "grep -q '^C: USER gizem' $T/v.err && grep -q '^C: PASS 1234' $T/v.err"

$POPC $P --apop -v >"$T/apop.out" 2>"$T/apop.err"
check "--apop: logs in with APOP, no PASS" sh -c "grep -q '^C: APOP gizem [0-9a-f]\{32\}\$' $T/apop.err && ! grep -q 'C: PASS' $T/apop.err && grep -q 'Türkçe' $T/apop.out"

$POPC $P -w wrong >"$T/bad.out" 2>"$T/bad.err"
rc=$?
check "wrong password: exit EX_NOPERM (77)" test $rc -eq 77
check "wrong password: the server's text" grep -q 'login refused for gizem: -ERR' "$T/bad.err"
$POPC $P --apop -w wrong >/dev/null 2>&1
check "wrong APOP secret: exit 77" test $? -eq 77

# [IN-USE]: a session holds the mailbox while pop_client tries.  First
# every earlier session must be over (its log says so), so that the only
# new login is the holder's; then pop_client tries once.
quiet() { [ "$(grep -c '\] connected' "$T/pop.log")" -eq "$(grep -c '\] disconnected' "$T/pop.log")" ]; }
wait_for quiet
logins=$(grep -c 'login as gizem (USER/PASS)' "$T/pop.log")
"$CHAT" 127.0.0.1 "$POP_PORT" >"$T/hold.out" 2>&1 <<'X' &
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
SLEEP 5000
C: QUIT
S: +OK*
X
HOLD=$!
wait_for sh -c "test \$(grep -c 'login as gizem (USER/PASS)' $T/pop.log) -gt $logins"
$POPC $P >/dev/null 2>"$T/busy.err"
rc=$?
kill $HOLD 2>/dev/null
wait $HOLD
check "[IN-USE]: reported as mailbox busy" sh -c "grep -q 'mailbox busy' $T/busy.err && grep -q 'IN-USE' $T/busy.err"
check "[IN-USE]: exit EX_TEMPFAIL (75)" test $rc -eq 75

check_not "--delete without -o is refused" $POPC $P --delete
check "--timeout 0 is refused" sh -c "$POPC $P --timeout 0 2>/dev/null; test \$? -eq 64"
check "-p 99999 is refused" sh -c "$POPC -p 99999 2>/dev/null; test \$? -eq 64"
check "nobody listening: exit EX_UNAVAILABLE" sh -c "$POPC -p 1 2>/dev/null; test \$? -eq 69"
$POPC -p 1 2>"$T/refused.err"
check "nobody listening: says which server to start" grep -q 'cannot connect to localhost port 1: .*; is pop_server running? start it with ./pop_server -v -p 1$' "$T/refused.err"
check "nobody listening: one line" test "$(wc -l <"$T/refused.err")" -eq 1
$POPC --lsit >"$T/typo.out" 2>"$T/typo.err"
check "option typo: exit 64" test $? -eq 64
check "option typo: the error, then 'Try --help'" sh -c "grep -q 'lsit' $T/typo.err && grep -q \"^Try 'pop_client --help'\" $T/typo.err"
check "option typo: two lines, no usage text" sh -c "test \$(wc -l <$T/typo.err) -eq 2 && ! grep -q '^usage' $T/typo.err"
check "unknown host: exit EX_NOHOST" sh -c "$POPC -H no-such-host.invalid 2>/dev/null; test \$? -eq 68"

# A multipart message with attachments: the text, then a summary.
head -c 3000 /dev/urandom >"$T/rapor.pdf"
printf 'not: \303\247\n' >"$T/not.txt"
if [ -x "$TOP/mail_send" ]; then
	"$TOP/mail_send" -p "$SMTP_PORT" -t melek@example.com -s "İki ek" \
		-m "Merhaba, iki ek var: ş" -a "$T/rapor.pdf" -a "$T/not.txt" \
		</dev/null >"$T/ms.out" 2>&1
	$POPC $P -u melek >"$T/mp.out" 2>&1
	check "mail_send -a: the text part decoded" sh -c "grep -q '^Subject: İki ek' $T/mp.out && grep -q 'Merhaba, iki ek var: ş' $T/mp.out"
	check "mail_send -a: attachments listed with name, type, size" sh -c "grep -q 'rapor.pdf (application/pdf, 3000 bytes)' $T/mp.out && grep -q 'not.txt (text/plain, 8 bytes)' $T/mp.out"
else
	skip "mail_send -a: attachments listed" "mail_send not built"
fi
cat >"$T/mp.eml" <<'X'
From: melek@example.com
Subject: =?utf-8?Q?=C3=87ok_par=C3=A7al=C4=B1?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

xLBraW5jaSBtZXRpbjogxZ/En8Sx
--inner
Content-Type: text/html; charset=utf-8

<p>html</p>
--inner--
--outer
Content-Type: image/png; name="=?utf-8?B?cmVzaW0ucG5n?="
Content-Disposition: attachment; filename*=utf-8''res%C4%B0m.png
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--outer--
X
deliver test@example.com "$T/mp.eml"
$POPC $P -u test >"$T/mp2.out" 2>&1
check "multipart/alternative inside mixed: the plain part, base64 decoded" sh -c "grep -q '^Subject: Çok parçalı' $T/mp2.out && grep -q 'İkinci metin: şğı' $T/mp2.out && ! grep -q '<p>html' $T/mp2.out"
check "multipart: the html part and the image listed" sh -c "grep -q '(no name) (text/html, 12 bytes)' $T/mp2.out && grep -q 'resİm.png (image/png, 8 bytes)' $T/mp2.out"

# --list: a message without From/Date after one with them shows blanks,
# not the previous message's (issue 10, 4).
printf 'Subject: only a subject\n\nno from, no date\n' >"$T/nofrom.eml"
deliver test@example.com "$T/nofrom.eml"
$POPC $P -u test --list >"$T/list2.out"
check "--list: the message without From/Date has blank cells" sh -c "grep 'only a subject' $T/list2.out | grep -qv 'melek\|Fri\|Mon\|Tue\|Wed\|Thu\|Sat\|Sun'"
check "--list: the message before it keeps its From" sh -c "grep 'Çok parçalı' $T/list2.out | grep -q 'melek@example.com'"

# C1 controls (issue 10, 6): raw 0x9B and U+009B (CSI) in a header, an
# encoded word and the body reach the terminal as '?'.
printf 'From: evil\302\233[2J@example.com\nSubject: =?utf-8?Q?a=C2=9B31mb?= \233[5m\nContent-Type: text/plain; charset=utf-8\n\nbody \302\2332J and \233H end\n' >"$T/c1.eml"
deliver gizem@example.com "$T/c1.eml"
$POPC $P -n 3 >"$T/c1.out" 2>&1
check "C1: the message was shown" has "$T/c1.out" "end"
check "C1: no 0x9B byte and no U+009B on the screen" sh -c "! LC_ALL=C grep -q \"\$(printf '\\233')\" $T/c1.out"
check "C1: each shown as ?" sh -c "grep -q '^From: evil?\[2J@example.com' $T/c1.out && grep -q '^Subject: a?31mb ?\[5m' $T/c1.out && grep -q '^body ?2J and ?H end' $T/c1.out"

# Format strings (issue 10, 4): every printf-like call in the client
# modules has a literal format, checked by the compiler itself.
if have "${CC:-cc}"; then
	check "client modules: no non-literal format string (-Wformat=2 -Werror)" \
		"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE \
		-I"$TOP/lib" -fsyntax-only -Wformat=2 -Werror \
		"$TOP/lib/pop3_client.c" "$TOP/lib/smtp_client.c" "$TOP/lib/mime_in.c" "$TOP/lib/charset.c" \
		"$TOP/lib/localdrop.c" "$TOP/pop_client.c" "$TOP/mail_send.c"
else
	skip "client modules: no non-literal format string" "no C compiler"
fi
