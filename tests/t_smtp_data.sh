#!/bin/sh
# smtp_server DATA tests: what is stored, byte for byte, and when the
# data ends (RFC 5321 4.1.1.4, 4.5.2; SMTP smuggling).
. "$(dirname "$0")/lib.sh"
MD=$T/md

# send NAME: run $T/body (escapes allowed, see chat) as one message to
# gizem through --stdio; leaves the message in $MD/gizem/new.
send() {
	rm -rf "$MD"
	{
		echo 'S: 220 *'
		echo "${HELLO:-C: EHLO c}"
		echo 'S~ 250 *'
		echo "${LC:-C:} MAIL FROM:<melek@example.com>"
		echo 'S: 250 *'
		echo "${LC:-C:} RCPT TO:<gizem@example.com>"
		echo 'S: 250 *'
		echo "${LC:-C:} DATA"
		echo 'S: 354 *'
		cat "$T/body"
		echo "${EXPECT:-S: 250 2.0.0 *}"
		echo "${LC:-C:} QUIT"
		echo 'S: 221 *'
	} >"$T/send.chat"
	chat_ok "$1" -- "$TOP/smtp_server" --stdio -d "$MD" $SERVER_OPTS <"$T/send.chat"
}

# stored: the message as stored, without our Return-Path and Received.
stored() {
	f=$(find "$MD/gizem/new" -type f | head -n 1)
	[ -n "$f" ] || return 1
	k=$(awk 'NR > 2 && !/^\t/ { print NR; exit }' "$f")
	tail -n "+${k:-6}" "$f"
}

# expect NAME PRINTF-FORMAT: the stored message must be exactly this.
expect() {
	printf "$2" >"$T/want"
	if stored >"$T/got" && cmp -s "$T/got" "$T/want"; then pass "$1"; else
		fail "$1" "stored $(od -c "$T/got" | head -n 5 | tr '\n' ' ')"; fi
}

printf '%s\n' 'R: Subject: dots\r\n\r\n..leading dot\r\n...two\r\n.\r\n' >"$T/body"
send "dot-stuffing: a message with leading dots"
expect "... is stored un-stuffed with LF endings" 'Subject: dots\n\n.leading dot\n..two\n'

printf '%s\n' 'R: .\r\n' >"$T/body"
send "an empty message"
expect "... is stored empty" ''

{ printf '%s\n' 'R: Subject: long\r\n\r\n'; echo 'REPEAT 1048576 x'; printf '%s\n' 'R: \r\n.\r\n'; } >"$T/body"
send "a 1 MiB line"
{ printf 'Subject: long\n\n'; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } >"$T/want1"
if stored | cmp -s - "$T/want1"; then pass "... is stored intact"; else fail "... is stored intact"; fi

printf '%s\n' 'C: Subject: Selam' 'C: ' 'C: Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ' 'C: .' >"$T/body"
send "8-bit UTF-8 text"
expect "... is stored byte for byte" 'Subject: Selam\n\nBu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ\n'

printf '%s\n' 'R: a\0b\r\nbare\rcr\r\n.\r\n' >"$T/body"
send "NUL and a bare CR in DATA"
expect "... are kept byte for byte" 'a\000b\nbare\rcr\n'

# SMTP smuggling: inside a CRLF session none of these ends the data, so
# the "second message" stays text inside the first.
for ending in '\n.\n' '\n.\r\n' '\r.\r\n' '\r\n.\n'; do
	printf '%s\n' "R: Subject: one\\r\\n\\r\\nbody${ending}MAIL FROM:<evil@x>\\r\\nRCPT TO:<gizem@example.com>\\r\\nDATA\\r\\nsmuggled\\r\\n.\\r\\n" >"$T/body"
	send "smuggling ending '$ending' in a CRLF session"
	n=$(find "$MD/gizem/new" -type f | wc -l | tr -d ' ')
	if [ "$n" -eq 1 ] && stored | grep -q '^MAIL FROM:<evil@x>'; then
		pass "... does not end the data: one message, smuggled text inside"
	else
		fail "... does not end the data" "$n files"
	fi
done

# A session typed with nc sends LF only: there, LF.LF ends the data.
printf '%s\n' 'L: Subject: nc' 'L: ' 'L: typed by hand' 'L: .' >"$T/body"
LC=L: HELLO='L: EHLO c' send "an LF-only session"
expect "... ends at LF.LF and is stored" 'Subject: nc\n\ntyped by hand\n'

# Bare LF inside a CRLF session: stored as a line break.
printf '%s\n' 'R: a\nb\r\n.\r\n' >"$T/body"
send "a bare LF inside a CRLF session"
expect "... is stored as a line break" 'a\nb\n'

printf '%s\n' 'R: a\nb\r\n.\r\n' >"$T/body"
SERVER_OPTS=--strict-crlf EXPECT='S: 550 5.6.0 *' send "--strict-crlf: a bare LF in DATA gets 550 5.6.0"
check "... and nothing is stored" test "$(count_files "$MD/gizem/new")" -eq 0

# Loop protection: more than 30 Received: headers.
{ i=0; while [ $i -lt 31 ]; do echo "C: Received: from hop$i by hop$i; Fri, 27 Nov 2026 06:00:00 +0000"; i=$((i + 1)); done
  echo 'C: Subject: loop'; echo 'C: '; echo 'C: x'; echo 'C: .'; } >"$T/body"
EXPECT='S: 554 5.4.6 *' send "31 Received: headers get 554 5.4.6"
check "... and nothing is stored" test "$(count_files "$MD/gizem/new")" -eq 0

{ i=0; while [ $i -lt 30 ]; do echo "C: Received: from hop$i by hop$i; Fri, 27 Nov 2026 06:00:00 +0000"; i=$((i + 1)); done
  echo 'C: Subject: ok'; echo 'C: '; echo 'C: x'; echo 'C: .'; } >"$T/body"
send "30 Received: headers are accepted"

# Headers: Return-Path and Received, and the sizes in the file name.
printf '%s\n' 'C: Subject: hdr' 'C: ' 'C: x' 'C: .' >"$T/body"
send "a message for the header checks"
f=$(find "$MD/gizem/new" -type f | head -n 1)
check "Return-Path: is the first line" sh -c "head -n 1 '$f' | grep -qx 'Return-Path: <melek@example.com>'"
# RFC 5321 4.4: TCP-info from the connection, the HELO name only once.
check "Received: from HELO ([ADDRESS]), by, with ESMTP, id, for" sh -c \
	"sed -n 2,5p '$f' | tr -d '\n' | grep -q 'Received: from c (\[127.0.0.1\]).*by .* with ESMTP id .*for <gizem@example.com>;.*[0-9][0-9]:[0-9][0-9]:[0-9][0-9] [-+][0-9][0-9][0-9][0-9]'"
size=$(wc -c <"$f" | tr -d ' ')
lines=$(wc -l <"$f" | tr -d ' ')
check "the file name carries S=<size> and W=<size with CRLF>" sh -c \
	"basename '$f' | grep -q ',S=$size,W=$((size + lines))\$'"
check "tmp/ is empty after delivery" test "$(count_files "$MD/gizem/tmp")" -eq 0

# Two recipients, one of them twice under another name: one copy each.
rm -rf "$MD"
"$CHAT" -x -- "$TOP/smtp_server" --stdio -d "$MD" >/dev/null 2>&1 <<'X'
S: 220 *
C: HELO c
S: 250 *
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: RCPT TO:<Gizem+lab@example.com>
S: 250 *
C: RCPT TO:<test@example.com>
S: 250 *
C: DATA
S: 354 *
C: Subject: two
C: .
S: 250 *
X
check "two mailboxes get one copy each" test "$(count_files "$MD/gizem/new")" -eq 1 -a "$(count_files "$MD/test/new")" -eq 1
check "HELO sessions are recorded as SMTP" grep -q 'with SMTP id' "$(find "$MD/test/new" -type f)"

# A delivery that fails for one mailbox leaves no copy for any (451).
rm -rf "$MD"; mkdir -p "$MD/test"; : >"$MD/test/new"
"$CHAT" -x -- "$TOP/smtp_server" --stdio -d "$MD" >"$T/fail.out" 2>&1 <<'X'
S: 220 *
C: HELO c
S: 250 *
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: RCPT TO:<test@example.com>
S: 250 *
C: DATA
S: 354 *
C: Subject: fails for test
C: .
S: 451 4.3.0 *
X
check "a failed delivery gets 451" test $? -eq 0
check "... and no recipient keeps a copy" test "$(count_files "$MD/gizem/new")" -eq 0 -a "$(count_files "$MD/gizem/tmp")" -eq 0

# Issue 10: a delivery sweeps its mailbox's tmp/ of files older than 36
# hours (maildir(5)), and keeps a fresh one (a delivery in progress).
old=$(( $(date +%s) - 40 * 3600 ))
stamp=$(date -d "@$old" +%Y%m%d%H%M 2>/dev/null || date -r "$old" +%Y%m%d%H%M 2>/dev/null)
if [ -n "$stamp" ]; then
	rm -rf "$MD"
	mkdir -p "$MD/gizem/tmp"
	echo old >"$MD/gizem/tmp/1.old" && touch -t "$stamp" "$MD/gizem/tmp/1.old"
	echo new >"$MD/gizem/tmp/2.fresh"
	printf '%s\n' 'S: 220 *' 'C: EHLO c' 'S~ 250 *' 'C: MAIL FROM:<melek@example.com>' \
		'S: 250 *' 'C: RCPT TO:<gizem@example.com>' 'S: 250 *' 'C: DATA' 'S: 354 *' \
		'C: Subject: sweep' 'C: .' 'S: 250 2.0.0 *' 'C: QUIT' 'S: 221 *' |
		chat_ok "a delivery is stored while tmp/ holds old debris" -- \
		"$TOP/smtp_server" --stdio -d "$MD"
	check "... the tmp/ file older than 36 hours is gone, the fresh one kept" \
		test "$(ls "$MD/gizem/tmp")" = "2.fresh"
else
	skip "tmp/ sweep at delivery" "neither GNU nor BSD date"
fi
