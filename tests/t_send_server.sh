#!/bin/sh
# mail_send against our smtp_server: each message is stored in a Maildir
# and read back with Python's email parser, headers and bytes checked.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_send.sh
. "$(dirname "$0")/lib_send.sh"

start_server "smtp_server" smtp.log "$TOP/smtp_server" -d "$T/md" -n mx.test || exit 0
P=$PORT

# --- the seed's message, with no options ---
sends "default run exits 0" 0 -p $P </dev/null
has "default run prints the seed's line" "$T/send.out" '^Email sent successfully\.$'
F=$(stored gizem)
py_msg "default run: headers as the seed's" "$F" "
assert msg['From'] == 'melek@example.com', msg['From']
assert msg['To'] == 'gizem@example.com'
assert msg['Subject'] == 'Selam'
assert msg['MIME-Version'] == '1.0'
assert msg.get_content_type() == 'text/plain' and msg.get_content_charset() == 'utf-8'
assert msg['Content-Transfer-Encoding'] == '8bit'
import re, email.utils
assert re.fullmatch(r'<[^@<>]+@[^@<>]+>', msg['Message-ID'].strip()), msg['Message-ID']
assert email.utils.parsedate_to_datetime(msg['Date']).tzinfo is not None
assert msg.get_content() == arg[0] + '\n'
" "$SEED_BODY"
py_msg "default run: Turkish body byte-exact" "$F" "
assert raw.split(b'\n\n', 1)[1] == arg[0].encode() + b'\n'
" "$SEED_BODY"

# --- subject, bodies, dots ---
SUBJ='Şubat ayı toplantısı: Türkçe karakterli, 78 sütunu aşan uzun bir konu satırı — ğüşıöç ĞÜŞİÖÇ'
sends "non-ASCII subject: sent" 0 -p $P -t subj@example.com -s "$SUBJ" -m hi
F=$(stored subj)
has "non-ASCII subject: RFC 2047 words" "$F" '^Subject: =?UTF-8?'
py_msg "non-ASCII subject: round-trips, lines under 78" "$F" "
assert msg['Subject'] == arg[0], msg['Subject']
assert all(len(l) < 78 for l in raw.split(b'\n\n')[0].split(b'\n'))
" "$SUBJ"

printf 'from stdin\nline 2\n' | "$SEND" -p $P -t stdin@example.com >/dev/null 2>"$T/e"
py_msg "body from stdin" "$(stored stdin)" "assert msg.get_content() == 'from stdin\nline 2\n'"
printf 'from a file\n' >"$T/body.txt"
sends "body from -F: sent" 0 -p $P -t file@example.com -F "$T/body.txt"
py_msg "body from -F" "$(stored file)" "assert msg.get_content() == 'from a file\n'"
printf '.\n..two\n.three\nend.\n' >"$T/dots.txt"
sends "lines starting with '.': sent" 0 -p $P -t dots@example.com -F "$T/dots.txt"
py_msg "lines starting with '.': stored intact" "$(stored dots)" "
assert msg.get_content() == '.\n..two\n.three\nend.\n', repr(msg.get_content())"
"$PY" -c "print('ç' * 700)" >"$T/long.txt" 2>/dev/null || printf '%01400d\n' 0 >"$T/long.txt"
sends "a 1400-octet line: sent" 0 -p $P -t long@example.com -F "$T/long.txt"
has "a 1400-octet line: quoted-printable" "$(stored long)" '^Content-Transfer-Encoding: quoted-printable'
py_msg "a 1400-octet line: decodes to the same text" "$(stored long)" "
assert msg.get_content() == open(arg[0], encoding='utf-8').read()" "$T/long.txt"

# --- attachments ---
printf 'plain text attachment\n' >"$T/notes.txt"
head -c 1048576 /dev/urandom >"$T/blob.bin"
printf '%%PDF-1.4 fake\n' >"$T/özet raporu.pdf"
sends "three attachments: sent" 0 -p $P -t att@example.com -m 'see attached' \
	-a "$T/notes.txt" -a "$T/blob.bin" -a "$T/özet raporu.pdf"
py_msg "attachments round-trip byte-exact, types and names right" "$(stored att)" "
assert msg.get_content_type() == 'multipart/mixed'
parts = list(msg.iter_parts())
assert parts[0].get_content() == 'see attached\n', repr(parts[0].get_content())
want = [('notes.txt', 'text/plain'), ('blob.bin', 'application/octet-stream'),
        ('özet raporu.pdf', 'application/pdf')]
for p, (name, ctype) in zip(parts[1:], want):
    assert p.get_filename() == name, p.get_filename()
    assert p.get_content_type() == ctype, p.get_content_type()
    assert p.get_payload(decode=True) == open(arg[0] + '/' + name, 'rb').read(), name
assert len(parts) == 4
" "$T"
has "attachment lines are 76 columns" "$(stored att)" '^[A-Za-z0-9+/]\{76\}$'

# --- recipients ---
sends "To, Cc and Bcc: sent" 0 -p $P -t to1@example.com -t to2@example.com \
	-c cc1@example.com --bcc hidden@example.com -m x
n=0; for b in to1 to2 cc1 hidden; do [ -n "$(stored $b)" ] && n=$((n + 1)); done
[ $n -eq 4 ] && pass "To, Cc and Bcc: every mailbox got it" || fail "To, Cc and Bcc: every mailbox got it" "$n of 4"
py_msg "Bcc is not in the headers" "$(stored hidden)" "
assert msg['To'] == 'to1@example.com, to2@example.com' and msg['Cc'] == 'cc1@example.com'
assert msg['Bcc'] is None and b'hidden' not in raw.split(b'\n\n')[0].split(b'Received')[0] + raw.split(b'\n\n')[0].split(b'\nDate:')[1]
"
# Defaults and address forms (issue 10, 5): the seed's To: applies
# whenever no -t is given; "Name <addr>" keeps the name in the header
# and sends the bare address in the envelope; commas separate mailboxes.
rm -f "$T"/md/gizem/new/* # stored gizem: this run's message only
sends "-c without -t: sent" 0 -p $P -c cconly@example.com -m cc-only
py_msg "-c without -t: the seed's To: got it too" "$(stored gizem)" "
assert msg['To'] == 'gizem@example.com' and msg['Cc'] == 'cconly@example.com', (msg['To'], msg['Cc'])
assert msg.get_content() == 'cc-only\n'"
[ -n "$(stored cconly)" ] && pass "-c without -t: the Cc got it" || fail "-c without -t: the Cc got it"
rm -f "$T"/md/gizem/new/*
sends "--bcc without -t: sent" 0 -p $P --bcc bcconly@example.com -m bcc-only
py_msg "--bcc without -t: the seed's To: got it too" "$(stored gizem)" "
assert msg['To'] == 'gizem@example.com' and msg.get_content() == 'bcc-only\n'"
[ -n "$(stored bcconly)" ] && pass "--bcc without -t: the Bcc got it" || fail "--bcc without -t: the Bcc got it"
rm -f "$T"/md/gizem/new/*
sends "display name: sent" 0 -p $P -t 'Gizem Şentürk <gizem@example.com>' \
	-c '"Veli, Ali" <ali@example.com>' -f 'Melek Öğretmen <melek@example.com>' -m named -v
has "display name: the envelope has the bare address" "$T/send.err" '^C: RCPT TO:<gizem@example.com>$'
has "display name: MAIL FROM the bare address" "$T/send.err" '^C: MAIL FROM:<melek@example.com>'
has "display name: RFC 2047 word in To:" "$T/send.err" '^C: To: =?UTF-8?B?R2l6ZW0gxZ5lbnTDvHJr?= <gizem@example.com>$'
py_msg "display name: the header keeps the names" "$(stored gizem)" "
assert msg['To'] == 'Gizem Şentürk <gizem@example.com>', msg['To']
assert msg['To'].addresses[0].display_name == 'Gizem Şentürk'
assert msg['Cc'].addresses[0].display_name == 'Veli, Ali' and msg['Cc'].addresses[0].addr_spec == 'ali@example.com'
assert msg['From'].addresses[0].display_name == 'Melek Öğretmen'
assert b'Return-Path: <melek@example.com>' in raw"
[ -n "$(stored ali)" ] && pass "display name: a quoted comma is part of the name" || fail "display name: a quoted comma is part of the name"
sends "-t 'a@x,b@x': sent" 0 -p $P -t 'comma1@example.com,comma2@example.com' -t 'comma3@example.com , Dört <comma4@example.com>' -m commas
n=0; for b in comma1 comma2 comma3 comma4; do [ -n "$(stored $b)" ] && n=$((n + 1)); done
[ $n -eq 4 ] && pass "-t 'a@x,b@x': split into separate recipients" || fail "-t 'a@x,b@x': split into separate recipients" "$n of 4"
[ ! -e "$T/md/comma1@example.com,comma2" ] && pass "-t 'a@x,b@x': no mailbox named after the whole list" || fail "-t 'a@x,b@x': no mailbox named after the whole list"
py_msg "-t 'a@x,b@x': To: lists each" "$(stored comma1)" "
assert [a.addr_spec for a in msg['To'].addresses] == ['comma1@example.com', 'comma2@example.com', 'comma3@example.com', 'comma4@example.com'], msg['To']"
sends "-t 'a@x,,b@x': an empty address refused" 64 -p $P -t 'comma1@example.com,,comma2@example.com' -m x
sends "-t 'Name <a@x': a missing '>' refused" 64 -p $P -t 'Ali <ali@example.com' -m x
sends "-t with a line break in the name: refused" 64 -p $P -t "$(printf 'Ali\r\nBcc: x@y <ali@example.com>')" -m x

# -v on a terminal: the outcome after the dialogue (issue 11).
if have_py; then
	pty_run "$T/pty.out" "$SEND" -p $P -v -m pty
	q=$(line_no "$T/pty.out" '^S: 221'); e=$(line_no "$T/pty.out" '^Email sent successfully\.$')
	[ -n "$q" ] && [ -n "$e" ] && [ "$e" -gt "$q" ] && pass "-v on a terminal: 'Email sent successfully.' after S: 221" ||
		fail "-v on a terminal: 'Email sent successfully.' after S: 221" "lines $e and $q"
	pty_run "$T/pty2.out" "$SEND" -p $P -v -t gizem@example.com -t nobody@other.test -m pty
else
	skip "-v on a terminal: outcome after the dialogue" "python3 not installed"
fi

sends "--header lines added" 0 -p $P -t hdr@example.com -m x --header 'X-Lab: ders 4' --header 'Reply-To: hoca@example.com'
py_msg "--header lines stored" "$(stored hdr)" "assert msg['X-Lab'] == 'ders 4' and msg['Reply-To'] == 'hoca@example.com'"
printf 'X-Raw: kept\nSubject: prepared\n\nraw body\n.\n' >"$T/raw.eml"
sends "--raw: sent" 0 -p $P -t raw@example.com --raw "$T/raw.eml"
py_msg "--raw: headers untouched, body intact" "$(stored raw)" "
assert msg['X-Raw'] == 'kept' and msg['Subject'] == 'prepared' and msg['Date'] is None
assert raw.split(b'\n\n', 1)[1] == b'raw body\n.\n'"

# --- partial refusal, AUTH: servers that refuse ---
start_server "smtp_server --domain" smtp2.log "$TOP/smtp_server" -d "$T/md2" --domain example.com || exit 0
sends "partial refusal: exit 67 (EX_NOUSER)" 67 -p $PORT -t gizem@example.com -t bob@other.test -m x
has "partial refusal: the refused address and reply" "$T/send.err" 'recipient bob@other.test refused: 550'
has "partial refusal: says how many got it" "$T/send.out" '^Email sent to 1 of 2 recipients\.$'
[ "$(count_files "$T/md2/gizem/new")" -eq 1 ] && pass "partial refusal: the accepted one got it" || fail "partial refusal: the accepted one got it"
sends "every recipient refused: exit 69" 69 -p $PORT -t a@other.test -t b@other.test -m x
has "every recipient refused: says so" "$T/send.err" 'every recipient refused'
if have_py; then
	pty_run "$T/pty3.out" "$SEND" -p $PORT -v -t gizem@example.com -t bob@other.test -m x
	q=$(line_no "$T/pty3.out" '^S: 221'); e=$(line_no "$T/pty3.out" 'recipient bob@other.test refused')
	[ -n "$q" ] && [ -n "$e" ] && [ "$e" -gt "$q" ] && pass "-v on a terminal: a refused recipient reported after S: 221" ||
		fail "-v on a terminal: a refused recipient reported after S: 221" "lines $e and $q"
fi

start_server "smtp_server --auth-required" smtp3.log "$TOP/smtp_server" -d "$T/md3" --auth-required || exit 0
sends "--auth-required, no -u: exit 69" 69 -p $PORT -m x
has "--auth-required, no -u: the 530 reply shown" "$T/send.err" '530'
one_line "--auth-required, no -u: one line" "$T/send.err"
sends "AUTH with -u/-w: sent" 0 -p $PORT -u gizem -w 1234 -v </dev/null
has "-v: AUTH PLAIN exactly as on the wire, nothing added" "$T/send.err" '^C: AUTH PLAIN AGdpemVtADEyMzQ=$'
has "-v: C: lines" "$T/send.err" '^C: MAIL FROM:<melek@example.com> SIZE=[0-9]* BODY=8BITMIME$'
has "-v: S: lines" "$T/send.err" '^S: 250 2.0.0 Ok'
has "-v: the body, line by line" "$T/send.err" "^C: $SEED_BODY\$"
has "-v: end of data" "$T/send.err" '^C: \.$'
has "-v: QUIT" "$T/send.err" '^C: QUIT$'
sends "AUTH with a wrong password: exit 77 (EX_NOPERM)" 77 -p $PORT -u gizem -w wrong -m x
has "wrong password: the 535 reply shown" "$T/send.err" '535'

# --- server options: the client adapts ---
start_server "smtp_server --max-size" smtp4.log "$TOP/smtp_server" -d "$T/md4" --max-size 2000 || exit 0
head -c 5000 /dev/zero >"$T/zeros"
sends "over the server's SIZE: exit 69" 69 -p $PORT -a "$T/zeros" -v
has "over the server's SIZE: says why" "$T/send.err" "exceeds the server's limit of 2000"
hasnt "over the server's SIZE: refused before MAIL" "$T/send.err" '^C: MAIL'
start_server "smtp_server --no-8bitmime --no-pipelining" smtp5.log "$TOP/smtp_server" -d "$T/md5" --no-8bitmime --no-pipelining || exit 0
sends "no 8BITMIME, no PIPELINING: sent" 0 -p $PORT -v </dev/null
has "no 8BITMIME: quoted-printable body" "$(stored ../md5/gizem)" '^Content-Transfer-Encoding: quoted-printable'
py_msg "no 8BITMIME: decodes to the Turkish text" "$(stored ../md5/gizem)" "assert msg.get_content() == arg[0] + '\n'" "$SEED_BODY"
if sed -n '/^C: MAIL/{n;p;}' "$T/send.err" | grep -q '^S: 250'; then pass "no PIPELINING: a reply after each command"; else fail "no PIPELINING: a reply after each command"; fi
start_server "smtp_server --no-esmtp" smtp6.log "$TOP/smtp_server" -d "$T/md6" --no-esmtp || exit 0
sends "EHLO refused: HELO fall-back sends" 0 -p $PORT -v </dev/null
has "EHLO refused: HELO in the dialogue" "$T/send.err" '^C: HELO '

# --- big attachments stream; a sender killed mid-way leaves nothing ---
start_server "smtp_server --max-size 80 MB" smtp7.log "$TOP/smtp_server" -d "$T/md7" --max-size 80000000 || exit 0
head -c 52428800 /dev/zero >"$T/big.bin"
if asan_build || ! gnu_time; then
	skip "50 MiB attachment: peak RSS under 4 MiB" "GNU time (-f %M) not installed, or an ASan build"
else
	kib=$(peak_kib "$SEND" -p $PORT -a "$T/big.bin" -m big </dev/null)
	[ -n "$kib" ] && [ "$kib" -lt 4096 ] && pass "50 MiB attachment: peak RSS under 4 MiB ($kib KiB)" ||
		fail "50 MiB attachment: peak RSS under 4 MiB" "${kib:-?} KiB"
	F=$(stored ../md7/gizem)
	sz=$(wc -c <"$F" | tr -d ' ')
	[ "$sz" -gt 70000000 ] && pass "50 MiB attachment: stored ($sz octets)" || fail "50 MiB attachment: stored" "$sz octets"
	rm -f "$F"
fi
"$SEND" -p $PORT -a "$T/big.bin" -m big </dev/null >/dev/null 2>&1 &
kpid=$!
sleep 0.2
kill -9 $kpid 2>/dev/null; wait $kpid 2>/dev/null
sleep 0.3
[ "$(count_files "$T/md7/gizem/new")" -eq 0 ] && pass "mail_send killed mid-message: nothing delivered" ||
	fail "mail_send killed mid-message: nothing delivered"
sends "UTF-8 address (SMTPUTF8): sent" 0 -p $PORT -t 'çiğdem@example.com' -m x -v
has "UTF-8 address: MAIL says SMTPUTF8" "$T/send.err" '^C: MAIL FROM:<melek@example.com> SIZE=[0-9]* SMTPUTF8$'
has "UTF-8 address: To: as UTF-8, not encoded words (RFC 6532)" "$(stored ../md7/çiğdem)" '^To: çiğdem@example.com$'
