#!/bin/sh
# FETCH in the selected state: every item, a multipart message with an
# attachment and an attached message (BODYSTRUCTURE, part numbers,
# MIME headers), partial fetches, sequence sets, UID FETCH, \Seen, and
# BODY[] byte for byte against the stored file in CRLF form.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

M1='From: Melek <melek@example.com>\nTo: gizem@example.com\nSubject: Selam\nDate: Mon, 30 Nov 2026 01:00:00 +0000\nMessage-ID: <m1@example.com>\n\nHello\nworld\n'
MP='From: "Test, User" <test@example.com>\nTo: a@b.c, Team: x@y.z, w@v.u;\nCc: <c@d.e>\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\npreamble\n--XX\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\nMerhaba\n--XX\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="a.pdf"\n\nQUJD\n--XX\nContent-Type: message/rfc822\n\nFrom: x@y.z\nSubject: inner\n\ninner body\n--XX--\nepilogue\n'
N1=$(uniq_name 1764000001 1 "$M1")
NP=$(uniq_name 1764000002 2 "$MP")
put_msg gizem "$N1" "$M1"
put_msg gizem "$NP" "$MP"
BS='(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 7 0 NIL NIL NIL NIL)("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 4 NIL ("attachment" ("filename" "a.pdf")) NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 41 (NIL "inner" ((NIL NIL "x" "y.z")) ((NIL NIL "x" "y.z")) ((NIL NIL "x" "y.z")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "mixed" ("boundary" "XX") NIL NIL NIL)'
B='(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 7 0)("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 4)("message" "rfc822" NIL NIL NIL "7bit" 41 (NIL "inner" ((NIL NIL "x" "y.z")) ((NIL NIL "x" "y.z")) ((NIL NIL "x" "y.z")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0) 3) "mixed")'
ENV='(NIL "parts" (("Test, User" NIL "test" "example.com")) (("Test, User" NIL "test" "example.com")) (("Test, User" NIL "test" "example.com")) ((NIL NIL "a" "b.c")(NIL NIL "Team" NIL)(NIL NIL "x" "y.z")(NIL NIL "w" "v.u")(NIL NIL NIL NIL)) ((NIL NIL "c" "d.e")) NIL NIL NIL)'
ENV1='("Mon, 30 Nov 2026 01:00:00 +0000" "Selam" (("Melek" NIL "melek" "example.com")) (("Melek" NIL "melek" "example.com")) (("Melek" NIL "melek" "example.com")) ((NIL NIL "gizem" "example.com")) NIL NIL NIL "<m1@example.com>")'
S1=$(printf "$M1" | sed 's/$/\r/' | wc -c | tr -d ' ')
SP=$(printf "$MP" | sed 's/$/\r/' | wc -c | tr -d ' ')

chat_ok "BODYSTRUCTURE, BODY and ENVELOPE of a multipart with an attachment and an attached message" -- $IMAP <<X
$SELECT
C: c FETCH 2 (BODYSTRUCTURE BODY ENVELOPE)
S= * 2 FETCH (BODYSTRUCTURE $BS BODY $B ENVELOPE $ENV)
S= c OK FETCH completed
C: d FETCH 1 (ENVELOPE BODYSTRUCTURE)
S= * 1 FETCH (ENVELOPE $ENV1 BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2 NIL NIL NIL NIL))
S= d OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

chat_ok "part numbers: 1, 2.MIME, 3 (a message), 3.HEADER, 3.1, 3.TEXT, HEADER.FIELDS, .NOT, 9 (none)" -- $IMAP <<X
$SELECT
C: d FETCH 2 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[3.HEADER] BODY.PEEK[3.1] BODY.PEEK[3] BODY.PEEK[3.TEXT])
S= * 2 FETCH (BODY[1] {7}
S= Merhaba BODY[2.MIME] {133}
S= Content-Type: application/pdf; name="a.pdf"
S= Content-Transfer-Encoding: base64
S= Content-Disposition: attachment; filename="a.pdf"
S= 
S=  BODY[3.HEADER] {31}
S= From: x@y.z
S= Subject: inner
S= 
S=  BODY[3.1] {10}
S= inner body BODY[3] {41}
S= From: x@y.z
S= Subject: inner
S= 
S= inner body BODY[3.TEXT] {10}
S= inner body)
S= d OK FETCH completed
C: e FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject cc)] BODY.PEEK[HEADER.FIELDS.NOT (From To Cc MIME-Version Content-Type)] BODY.PEEK[2] BODY.PEEK[4] BODY.PEEK[1.1] FLAGS)
S= * 2 FETCH (BODY[HEADER.FIELDS (SUBJECT CC)] {31}
S= Cc: <c@d.e>
S= Subject: parts
S= 
S=  BODY[HEADER.FIELDS.NOT (FROM TO CC MIME-VERSION CONTENT-TYPE)] {18}
S= Subject: parts
S= 
S=  BODY[2] {4}
S= QUJD BODY[4] {0}
S=  BODY[1.1] {0}
S=  FLAGS ())
S= e OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

chat_ok "HEADER, TEXT, partial <n.m>, the RFC822 forms, FAST/ALL/FULL, INTERNALDATE, RFC822.SIZE" -- $IMAP <<X
$SELECT
C: c FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.5> BODY.PEEK[]<6.5> BODY.PEEK[TEXT]<100.5> RFC822.SIZE)
S= * 1 FETCH (BODY[HEADER] {143}
S= From: Melek <melek@example.com>
S= To: gizem@example.com
S= Subject: Selam
S= Date: Mon, 30 Nov 2026 01:00:00 +0000
S= Message-ID: <m1@example.com>
S= 
S=  BODY[TEXT]<0> {5}
S= Hello BODY[]<6> {5}
S= Melek BODY[TEXT]<100> {0}
S=  RFC822.SIZE $S1)
S= c OK FETCH completed
C: d FETCH 1 FAST
S= * 1 FETCH (FLAGS () INTERNALDATE "24-Nov-2025 16:00:01 +0000" RFC822.SIZE $S1)
S= d OK FETCH completed
C: e FETCH 1 ALL
S= * 1 FETCH (FLAGS () INTERNALDATE "24-Nov-2025 16:00:01 +0000" RFC822.SIZE $S1 ENVELOPE $ENV1)
S= e OK FETCH completed
C: f FETCH 1 FULL
S= * 1 FETCH (FLAGS () INTERNALDATE "24-Nov-2025 16:00:01 +0000" RFC822.SIZE $S1 ENVELOPE $ENV1 BODY ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2))
S= f OK FETCH completed
C: g FETCH 1 RFC822.HEADER
S= * 1 FETCH (RFC822.HEADER {143}
S= From: Melek <melek@example.com>
S= To: gizem@example.com
S= Subject: Selam
S= Date: Mon, 30 Nov 2026 01:00:00 +0000
S= Message-ID: <m1@example.com>
S= 
S= )
S= g OK FETCH completed
C: h FETCH 1 (FLAGS RFC822.TEXT)
S= * 1 FETCH (FLAGS (\\Seen) RFC822.TEXT {14}
S= Hello
S= world
S= )
S= h OK FETCH completed
C: i FETCH 2 RFC822
S= * 2 FETCH (FLAGS (\\Seen) RFC822 {$SP}
$(printf "$MP" | sed 's/^/S= /')
S= )
S= i OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

chat_ok "sequence sets: *, 2:1, 1,2, 1:*, UID FETCH with UIDs that do not exist" -- $IMAP <<X
$SELECT
C: c FETCH * UID
S= * 2 FETCH (UID 2)
S= c OK FETCH completed
C: d FETCH 2:1 UID
S= * 1 FETCH (UID 1)
S= * 2 FETCH (UID 2)
S= d OK FETCH completed
C: e FETCH 2,1 (UID)
S= * 1 FETCH (UID 1)
S= * 2 FETCH (UID 2)
S= e OK FETCH completed
C: f UID FETCH 2:99 FLAGS
S= * 2 FETCH (UID 2 FLAGS (\\Seen))
S= f OK FETCH completed
C: g UID FETCH 50:60 FLAGS
S= g OK FETCH completed
C: h UID FETCH * (FLAGS)
S= * 2 FETCH (UID 2 FLAGS (\\Seen))
S= h OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

# BODY[] of each message, cut out of a --stdio session's output, must
# be the stored file with CRLF line endings, byte for byte.
body_exact() {
	printf 'a LOGIN gizem 1234\r\nb SELECT INBOX\r\nc FETCH %s BODY.PEEK[]\r\nz LOGOUT\r\n' "$1" |
		$IMAP >"$T/out" 2>/dev/null
	line=$(grep -n "^\* $1 FETCH (BODY\[\] {" "$T/out" | cut -d: -f1)
	size=$(sed -n "${line}s/.*{\([0-9]*\)}\r$/\1/p" "$T/out")
	skip=$(head -n "$line" "$T/out" | wc -c | tr -d ' ')
	dd if="$T/out" bs=1 skip="$skip" count="$size" 2>/dev/null >"$T/body"
	sed 's/$/\r/' "$2" >"$T/want"
	cmp "$T/body" "$T/want"
}
check "BODY[] of a plain message is the stored file in CRLF, byte for byte" body_exact 1 "$MD/gizem/cur/$N1:2,S"
check "BODY[] of the multipart is the stored file in CRLF, byte for byte" body_exact 2 "$MD/gizem/cur/$NP:2,S"
check "SELECT moved new/ into cur/ with the :2, info" test "$(files gizem new | wc -l | tr -d ' ')" -eq 0

# Memory does not grow with the message: BODY[] and BODYSTRUCTURE of a
# 24 MiB message in a session of a few MiB (outside ASan builds).
mkdir -p "$MD/big/new" "$MD/big/cur" "$MD/big/tmp"
yes 'A long line of a very large message: FETCH streams it from the file.' |
	head -c 25165824 >"$MD/big/new/1764000009.M000009P4242Q9.big"
echo 'big:1234' >>"$T/users"
if grep -q __asan_init "$TOP/imap_server" 2>/dev/null || ! [ -x /usr/bin/time ]; then
	skip "FETCH of a 24 MiB message: peak RSS under 4 MiB" "no GNU time, or an ASan build"
else
	printf 'a LOGIN big 1234\r\nb SELECT INBOX\r\nc FETCH 1 (BODYSTRUCTURE BODY.PEEK[] BODY.PEEK[TEXT]<1000000.10>)\r\nz LOGOUT\r\n' |
		/usr/bin/time -f %M -o "$T/rss" $IMAP >"$T/big.out" 2>/dev/null
	size=$(wc -c <"$T/big.out" | tr -d ' ')
	check "FETCH of a 24 MiB message: all of it sent ($size octets)" test "$size" -gt 25165824
	check "FETCH of a 24 MiB message: peak RSS under 4 MiB ($(tail -n 1 "$T/rss") KiB)" \
		test "$(tail -n 1 "$T/rss")" -lt 4096
fi
