#!/bin/sh
# Real IMAP clients against imap_server: Python's imaplib, curl imap://,
# fetchmail and getmail6 over IMAP.  (neomutt needs a terminal even
# with -e, so it is left to the lab by hand.)  Each must
# get the bytes stored in the Maildir, in CRLF form; flags one client
# sets are seen by the next.
# shellcheck disable=SC2059 # message texts are printf formats on purpose
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

M1='From: Melek <melek@example.com>\nTo: gizem@example.com\nSubject: Selam\n\nBu bir test mesaj\304\261d\304\261r.\n.starts with a dot\n'
M2='From: test@example.com\nTo: gizem@example.com\nSubject: two\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\npart one\n--b\nContent-Type: application/octet-stream; name=x.bin\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=x.bin\n\nAAEC\n--b--\n'
put_msg gizem "$(uniq_name 1764000001 1 "$M1")" "$M1"
put_msg gizem "$(uniq_name 1764000002 2 "$M2")" "$M2"
printf "$M1" | sed 's/$/\r/' >"$T/m1.crlf"
printf "$M2" | sed 's/$/\r/' >"$T/m2.crlf"

: >"$T/imap.log"
start_server imap_server imap.log "$TOP/imap_server" -d "$MD" -U "$T/users" || exit 1
IMAP_PORT=$PORT

# ---- Python's imaplib ----
PY=""
for p in /usr/bin/python3 python3; do
	command -v "$p" >/dev/null 2>&1 && "$p" -c 'import imaplib' 2>/dev/null && PY=$p && break
done
if [ -n "$PY" ]; then
	cat >"$T/imaplib_test.py" <<'P'
import imaplib, sys
port, m1, m2 = int(sys.argv[1]), open(sys.argv[2], 'rb').read(), open(sys.argv[3], 'rb').read()
def want(ok, what):
    if not ok:
        sys.exit("imaplib: " + what)
c = imaplib.IMAP4('127.0.0.1', port)
want('IDLE' in c.capabilities and 'LITERAL+' in c.capabilities, 'capabilities %r' % (c.capabilities,))
want(c.login('gizem', '1234')[0] == 'OK', 'login')
typ, data = c.select('INBOX')
want(typ == 'OK' and data == [b'2'], 'select %r' % data)
typ, data = c.search(None, 'ALL')
want(data == [b'1 2'], 'search %r' % data)
typ, data = c.fetch('1', '(RFC822)')
want(data[0][1] == m1, 'RFC822 of 1 differs')
typ, data = c.uid('FETCH', '2', '(BODY.PEEK[])')
want(data[0][1] == m2, 'BODY[] of 2 differs')
typ, data = c.fetch('2', '(BODYSTRUCTURE)')
want(b'"application" "octet-stream"' in data[0], 'bodystructure %r' % data)
typ, data = c.store('2', '+FLAGS', '(\\Flagged)')
want(typ == 'OK' and b'\\Flagged' in data[0], 'store %r' % data)
typ, data = c.search(None, 'SEEN')
want(data == [b'1'], 'RFC822 set \\Seen: %r' % data)
typ, data = c.status('INBOX', '(MESSAGES UNSEEN)')
want(data == [b'INBOX (MESSAGES 2 UNSEEN 1)'], 'status %r' % data)
typ, data = c.list()
want(data == [b'(\\HasNoChildren) "/" INBOX'], 'list %r' % data)
c.close()
c.logout()
P
	"$PY" "$T/imaplib_test.py" "$IMAP_PORT" "$T/m1.crlf" "$T/m2.crlf" >"$T/py.out" 2>&1
	check "imaplib: login, select, search, fetch byte for byte, store, status, list" test $? -eq 0 || cat "$T/py.out"
else
	skip "imaplib" "python3 not installed"
fi

# ---- curl imap:// ----
if have curl && curl --version | grep -q imap; then
	U="imap://127.0.0.1:$IMAP_PORT"
	curl -s -u gizem:1234 "$U/INBOX;UID=1" >"$T/curl1" 2>&1
	check "curl: fetches message 1 by UID, byte for byte" cmp "$T/curl1" "$T/m1.crlf"
	curl -s -u gizem:1234 "$U/INBOX?SUBJECT%20two" >"$T/curl2" 2>&1
	check "curl: SEARCH through the URL" grep -q '^\* SEARCH 2' "$T/curl2"
	curl -s -u gizem:1234 "$U/" >"$T/curl3" 2>&1
	check "curl: LIST shows INBOX" grep -q 'INBOX' "$T/curl3"
	curl -s -u gizem:wrong "$U/INBOX;UID=1" >/dev/null 2>&1
	check "curl: a wrong password fails (67: login denied)" test $? -eq 67
else
	skip "curl imap://" "curl not installed"
fi

# ---- fetchmail over IMAP ----
if have fetchmail; then
	mkdir -p "$T/fm"
	printf '#!/bin/sh\ncat >"$(mktemp "%s/fm/msg.XXXXXX")"\n' "$T" >"$T/fm-mda"
	chmod +x "$T/fm-mda"
	cat >"$T/fetchmailrc" <<M
set no syslog
poll 127.0.0.1 with proto IMAP port $IMAP_PORT
  user "gizem" there with password "1234" is "$(id -un)" here
  sslproto ''
  mda "$T/fm-mda"
  keep fetchall
M
	chmod 600 "$T/fetchmailrc"
	HOME=$T FETCHMAILHOME=$T fetchmail -f "$T/fetchmailrc" --nodetach >"$T/fm.out" 2>&1
	check "fetchmail (IMAP): both messages downloaded" test "$(count_files "$T/fm")" -eq 2
	# fetchmail stores LF lines, with a Received: of its own in front
	ends_with() { for f in "$T"/fm/*; do tail -c "$(wc -c <"$1")" "$f" | cmp -s - "$1" && return 0; done; return 1; }
	printf "$M2" >"$T/m2.lf"
	check "fetchmail (IMAP): the copy ends with the stored bytes" ends_with "$T/m2.lf"
else
	skip "fetchmail over IMAP" "fetchmail not installed"
fi

# ---- getmail6 over IMAP ----
GETMAIL=""
for g in getmail getmail6; do have "$g" && GETMAIL=$g && break; done
if [ -n "$GETMAIL" ]; then
	mkdir -p "$T/gm/new" "$T/gm/cur" "$T/gm/tmp" "$T/gmdir"
	as=""
	if [ "$(id -u)" -eq 0 ]; then # getmail never delivers as root
		as="user = nobody"
		chmod 711 "$T"
		chown -R nobody "$T/gm"
	fi
	cat >"$T/gmdir/getmailrc" <<G
[retriever]
type = SimpleIMAPRetriever
server = 127.0.0.1
port = $IMAP_PORT
username = gizem
password = 1234
mailboxes = ("INBOX",)

[destination]
type = Maildir
path = $T/gm/
$as

[options]
read_all = true
delete = false
G
	"$GETMAIL" --getmaildir "$T/gmdir" --rcfile getmailrc >"$T/gm.out" 2>&1
	check "getmail6 (IMAP): both messages in its Maildir" test "$(count_files "$T/gm/new")" -eq 2 || tail -n 3 "$T/gm.out"
else
	skip "getmail6 over IMAP" "getmail6 not installed"
fi

check "the clients deleted nothing: two messages in the mailbox" \
	test "$(($(count_files "$MD/gizem/new") + $(count_files "$MD/gizem/cur")))" -eq 2
