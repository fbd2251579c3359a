#!/bin/sh
# pop_server against real POP3 clients, each skipped when missing:
# Python's poplib (the seed's client), curl pop3://, mpop, fetchmail.
# Every one must get the bytes smtp_server stored, CRLF-converted.
# shellcheck disable=SC2044 # the clients' file names (mktemp, mpop) have no spaces
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_pop.sh"

# Three messages stored by smtp_server itself, for melek.
{
	echo 'S: 220*'
	echo 'C: HELO client.test'
	echo 'S: 250*'
	for body in 'plain text' '.starts with a dot' 'T\xc3\xbcrk\xc3\xa7e: \xc4\xb1 \xc3\xa7 \xc5\x9f'; do
		echo 'C: MAIL FROM:<gizem@example.com>'
		echo 'S: 250*'
		echo 'C: RCPT TO:<melek@example.com>'
		echo 'S: 250*'
		echo 'C: DATA'
		echo 'S: 354*'
		echo 'C: Subject: peer test'
		printf '%s\n' 'R: \r\n'
		case $body in .*) echo "C: .$body" ;; *) printf '%s\n' "R: $body\r\n" ;; esac
		echo 'C: last line'
		echo 'C: .'
		echo 'S: 250*'
	done
	echo 'C: QUIT'
	echo 'S: 221*'
} >"$T/deliver.chat"
chat_ok "smtp_server stores three messages for the peers" -- \
	$TOP/smtp_server --stdio -d "$MD" -n mx.test <"$T/deliver.chat"
# Copies: the first RETR + QUIT moves the originals to cur/.
mkdir -p "$T/stored"
cp "$MD/melek/new/"* "$T/stored/"
ls "$T/stored" | sort >"$T/stored.list"

# same_set DIR: each stored message has a byte-identical copy in DIR
# (after the client's own conversion back to LF), and DIR has 3 files.
same_set() {
	[ "$(count_files "$1")" -eq 3 ] || return 1
	while read -r msg; do
		found=no
		for f in $(find "$1" -type f); do
			cmp -s "$T/stored/$msg" "$f" && found=yes
		done
		[ $found = yes ] || return 1
	done <"$T/stored.list"
}

# ends_set DIR: like same_set, but the client may have put headers of
# its own in front (fetchmail takes Return-Path: as the envelope sender
# and adds a Received:), so the stored message from line 2 on must end
# each copy.
ends_set() {
	[ "$(count_files "$1")" -eq 3 ] || return 1
	while read -r msg; do
		found=no
		tail -n +2 "$T/stored/$msg" >"$T/body"
		n=$(wc -c <"$T/body")
		for f in $(find "$1" -type f); do
			tail -c "$n" "$f" | cmp -s "$T/body" - && found=yes
		done
		[ $found = yes ] || return 1
	done <"$T/stored.list"
}

start_server "pop_server" pop.log $TOP/pop_server -d "$MD" -U "$T/users" || exit 0

# ---- Python poplib ----
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import poplib' 2>/dev/null; then
	cat >"$T/poplib_test.py" <<'PY'
import os, poplib, sys
port, md = int(sys.argv[1]), sys.argv[2]
names = sorted(os.listdir(md))
p = poplib.POP3("127.0.0.1", port, timeout=10)
p.apop("melek", "1234")
count, octets = p.stat()
assert count == 3, count
sizes = [int(x.split()[1]) for x in p.list()[1]]
uids = [x.split()[1].decode() for x in p.uidl()[1]]
for i in range(count):
    resp, lines, got = p.retr(i + 1)
    stored = open(os.path.join(md, names[i]), "rb").read()
    assert b"\r\n".join(lines) + b"\r\n" == stored.replace(b"\n", b"\r\n"), i
    assert got == sizes[i], (got, sizes[i])
    assert uids[i] == names[i].split(":")[0], uids[i]
resp, lines, _ = p.top(1, 0)
assert lines[-1] == b"" and lines[0].startswith(b"Return-Path:"), lines
caps = p.capa()
assert "UIDL" in caps and "TOP" in caps and "RESP-CODES" in caps, caps
p.quit()
q = poplib.POP3("127.0.0.1", port, timeout=10)
try:
    q.apop("melek", "wrong")
    sys.exit("wrong APOP accepted")
except poplib.error_proto as e:
    assert b"[AUTH]" in e.args[0], e
q.user("melek")
q.pass_("1234")
assert q.stat()[0] == 3
q.quit()
print("poplib ok")
PY
	check "poplib: APOP, STAT, LIST, UIDL, RETR bytes == stored (CRLF), TOP 0, CAPA, USER/PASS" \
		/usr/bin/python3 "$T/poplib_test.py" "$PORT" "$T/stored"
	check "poplib: a wrong APOP digest gets -ERR [AUTH]" grep -q 'login as melek (APOP): refused' "$T/pop.log"
else
	skip "poplib" "python3 not installed"
fi

# ---- curl pop3:// ----
if have curl && curl --version | grep -qi pop3; then
	curl -s -u melek:1234 "pop3://127.0.0.1:$PORT/" >"$T/curl.list"
	check "curl pop3:// lists three messages" test "$(wc -l <"$T/curl.list")" -eq 3
	first=$(head -n 1 "$T/stored.list")
	curl -s -u melek:1234 "pop3://127.0.0.1:$PORT/1" >"$T/curl.1"
	crlf "$T/stored/$first" >"$T/curl.want"
	check "curl pop3://.../1 retrieves the stored bytes, CRLF-converted" \
		cmp "$T/curl.1" "$T/curl.want"
	check "curl's LIST size equals the bytes it retrieved" \
		test "$(sed -n '1s/^1 \([0-9]*\).*/\1/p' "$T/curl.list")" -eq "$(wc -c <"$T/curl.1")"
else
	skip "curl pop3://" "curl not installed"
fi

# ---- mpop: delivery to a Maildir, UIDLs remembered ----
if have mpop; then
	mkdir -p "$T/mpop/new" "$T/mpop/cur" "$T/mpop/tmp"
	cat >"$T/mpoprc" <<M
defaults
tls off
account lab
host 127.0.0.1
port $PORT
user melek
password 1234
auth user
keep on
received_header off
uidls_file $T/mpop.uidls
delivery maildir $T/mpop
M
	chmod 600 "$T/mpoprc"
	check "mpop downloads every message" mpop -C "$T/mpoprc" -q lab
	check "mpop's copies are byte for byte what smtp_server stored" same_set "$T/mpop"
	mpop -C "$T/mpoprc" -q lab >/dev/null 2>&1
	check "mpop again: UIDL stable, nothing downloaded twice" \
		test "$(count_files "$T/mpop")" -eq 3
else
	skip "mpop" "mpop not installed"
fi

# ---- fetchmail: delivery through an MDA that writes files ----
if have fetchmail; then
	mkdir -p "$T/fm"
	cat >"$T/fm-mda" <<M
#!/bin/sh
cat >"\$(mktemp "$T/fm/msg.XXXXXX")"
M
	chmod +x "$T/fm-mda"
	cat >"$T/fetchmailrc" <<M
set no syslog
poll 127.0.0.1 with proto POP3 port $PORT
  user "melek" there with password "1234" is "$(id -un)" here
  sslproto ''
  mda "$T/fm-mda"
  keep fetchall
M
	chmod 600 "$T/fetchmailrc"
	HOME=$T FETCHMAILHOME=$T fetchmail -f "$T/fetchmailrc" --nodetach \
		>"$T/fm.out" 2>&1
	check "fetchmail downloads every message" test "$(count_files "$T/fm")" -eq 3
	check "fetchmail's copies end with exactly the stored bytes (after Return-Path)" ends_set "$T/fm"
else
	skip "fetchmail" "fetchmail not installed"
fi
check "the peers deleted nothing (keep): three messages in the mailbox" \
	test $(($(count_files "$MD/melek/new") + $(count_files "$MD/melek/cur"))) -eq 3
