#!/bin/sh
# The same scripted session against imap_server and against Dovecot's
# imap (run pre-authenticated on its own copy of the same Maildir), and
# their answers compared line by line: FETCH items (ENVELOPE,
# BODYSTRUCTURE, sections, partial), SEARCH, STORE.  Tagged lines are
# compared by tag and status only (the texts differ by design).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

DOVECOT_IMAP=""
for d in /usr/lib/dovecot/imap /usr/libexec/dovecot/imap /usr/local/libexec/dovecot/imap; do
	[ -x "$d" ] && DOVECOT_IMAP=$d && break
done
if [ -z "$DOVECOT_IMAP" ]; then
	skip "imap_server beside Dovecot" "dovecot-imapd not installed"
	exit 0
fi

M1='From: Melek <melek@example.com>\nTo: gizem@example.com, "Gizem Y." <gizem@example.org>\nSubject: Selam\nDate: Mon, 30 Nov 2026 01:00:00 +0000\nMessage-ID: <m1@example.com>\nIn-Reply-To: <m0@example.com>\n\nHello\nworld\n'
MP='From: "Test, User" <test@example.com>\nTo: a@b.c, Team: x@y.z, w@v.u;\nCc: <c@d.e>\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\npreamble\n--XX\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\nMerhaba\n--XX\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="a.pdf"\n\nQUJD\n--XX\nContent-Type: message/rfc822\n\nFrom: x@y.z\nSubject: inner\n\ninner body\n--XX--\nepilogue\n'
M3='From: =?utf-8?B?TWVsZWsgw4dpw6dlaw==?= <melek@example.com>\nTo: gizem@example.com\nSubject: =?utf-8?Q?T=C3=BCrk=C3=A7e?=\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBu bir test mesaj\304\261d\304\261r: \304\261, \303\247\n--alt\nContent-Type: text/html; charset=utf-8\n\n<p>html</p>\n\n--alt--\n'
M4='Subject: header only\nX-Empty:\n'
put_msg gizem "$(uniq_name 1764000001 1 "$M1")" "$M1"
put_msg gizem "$(uniq_name 1764000002 2 "$MP")" "$MP"
put_msg gizem "$(uniq_name 1764000003 3 "$M3")" "$M3"
put_msg gizem "$(uniq_name 1764000004 4 "$M4")" "$M4"

DV=$T/dovecot
mkdir -p "$DV/run" "$DV/state" "$DV/home"
cp -R "$MD/gizem" "$DV/home/Maildir"
who=""
if [ "$(id -u)" -eq 0 ]; then # Dovecot never reads mail as root
	id dovecot >/dev/null 2>&1 || { skip "imap_server beside Dovecot" "no dovecot user"; exit 0; }
	who="mail_uid = dovecot
mail_gid = dovecot"
	chmod 711 "$T"
	chown -R dovecot "$DV"
fi
cat >"$DV/dovecot.conf" <<X
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/log
ssl = no
first_valid_uid = 1
mail_location = maildir:~/Maildir
$who
X

SCRIPT='b SELECT INBOX
c FETCH 1:* (RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY)
d FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[TEXT]<2.7> BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2])
e FETCH 2 (BODY.PEEK[3] BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[3.1] BODY.PEEK[2.MIME])
f FETCH 3 (BODY.PEEK[1] BODY.PEEK[2]<0.4> BODY.PEEK[HEADER])
g FETCH 4 (BODY.PEEK[] BODY.PEEK[TEXT] BODYSTRUCTURE)
h SEARCH FROM melek
i SEARCH OR SUBJECT parts BODY html
j SEARCH TEXT world NOT DELETED
k STORE 1:2 +FLAGS (\Flagged \Deleted)
l STORE 2 -FLAGS.SILENT (\Deleted)
m FETCH 1:* (FLAGS RFC822.SIZE)
n SEARCH UNSEEN UNDELETED
o FETCH 1 (BODY[TEXT])
p FETCH 1 FLAGS
q SEARCH 2:* SEEN
r EXPUNGE
s FETCH 1:* FLAGS
z LOGOUT'
# One command at a time: Dovecot runs pipelined commands side by side.
crlf() {
	printf '%s\n' "$SCRIPT" | while IFS= read -r line; do
		printf '%s\r\n' "$line"
		sleep 0.2
	done
}

# Keep what follows SELECT's tagged reply; tagged lines as "tag STATUS";
# time stamps and \Recent (which belongs to whoever came first) out.
norm() {
	tr -d '\r' | sed -n '/^b OK/,$p' | sed '1d' |
		sed -e 's/^\([a-z]\) \(OK\|NO\|BAD\) .*/\1 \2/' -e 's/ \\Recent//; s/(\\Recent)/()/' |
		grep -v '^\* BYE'
}

( printf 'a LOGIN gizem 1234\r\n'; crlf ) | $IMAP 2>/dev/null | norm >"$T/ours"
crlf | HOME=$DV/home USER=gizem "$DOVECOT_IMAP" -c "$DV/dovecot.conf" 2>"$DV/err" |
	norm >"$T/theirs"
if ! [ -s "$T/theirs" ]; then
	skip "imap_server beside Dovecot" "Dovecot's imap would not run: $(tail -n 1 "$DV/err")"
	exit 0
fi
check "Dovecot and imap_server answer the same session the same way" diff "$T/theirs" "$T/ours"
