#!/bin/sh
# smtp_server with real SMTP clients, each when installed: Python's
# smtplib, curl, swaks.
. "$(dirname "$0")/lib.sh"
MD=$T/md
start_server "smtp_server" smtp.log "$TOP/smtp_server" -d "$MD" || exit 1

# newest: the newest message in a mailbox.
newest() { ls -t "$MD/$1/new/"* 2>/dev/null | head -n 1; }

PY=$(command -v /usr/bin/python3 || command -v python3)
if [ -n "$PY" ]; then
	cat >"$T/smtplib_peer.py" <<'X'
import smtplib, sys
port = int(sys.argv[1])
msg = ("From: melek@example.com\r\nTo: gizem@example.com\r\n"
       "Subject: smtplib\r\n\r\n"
       "Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ\r\n")
with smtplib.SMTP("127.0.0.1", port) as s:
    s.ehlo("py.test")
    assert s.has_extn("smtputf8") and s.has_extn("size")
    refused = s.sendmail("melek@example.com", ["gizem@example.com"],
                         msg.encode("utf-8"), mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    assert refused == {}, refused
    s.login("test", "1234")
    s.sendmail("melek@örnek.com", ["test@örnek.com"], msg.encode("utf-8"),
               mail_options=["SMTPUTF8"])
    try:
        s.sendmail("a@example.com", ["../evil@example.com"], b"x\r\n")
        sys.exit("unsafe recipient accepted")
    except smtplib.SMTPRecipientsRefused:
        pass
X
	check "python smtplib: SMTPUTF8, 8BITMIME, AUTH, a UTF-8 body" "$PY" "$T/smtplib_peer.py" "$PORT"
	check "... the UTF-8 body is stored byte for byte" grep -qx 'Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ' "$(newest gizem)"
	check "... the SMTPUTF8 sender is kept" grep -q 'Return-Path: <melek@örnek.com>' "$(newest test)"
	check "... and recorded as UTF8SMTPA" grep -q 'with UTF8SMTPA id' "$(newest test)"
else
	skip "python smtplib" "python3 not installed"
fi

if have curl; then
	printf 'From: melek@example.com\r\nSubject: curl\r\n\r\nsent by curl\r\n.leading dot\r\n' >"$T/curl.eml"
	check "curl --mail-from --mail-rcpt -T" curl -s --url "smtp://127.0.0.1:$PORT" \
		--mail-from melek@example.com --mail-rcpt gizem@example.com -T "$T/curl.eml"
	check "... arrives with its dot line intact" grep -qx '.leading dot' "$(newest gizem)"
	check "curl with AUTH (--user)" curl -s --url "smtp://127.0.0.1:$PORT" --user gizem:1234 \
		--mail-from gizem@example.com --mail-rcpt melek@example.com -T "$T/curl.eml"
	check_not "curl with a wrong password is refused" curl -s --url "smtp://127.0.0.1:$PORT" \
		--user gizem:wrong --mail-from gizem@example.com --mail-rcpt melek@example.com -T "$T/curl.eml"
else
	skip "curl" "curl not installed"
fi

if have swaks; then
	check "swaks --pipeline" swaks --server 127.0.0.1 --port "$PORT" --pipeline \
		--from melek@example.com --to gizem@example.com --header 'Subject: swaks pipe' --body 'piped'
	check "... arrives" grep -q 'Subject: swaks pipe' "$(newest gizem)"
	check "swaks AUTH PLAIN" swaks --server 127.0.0.1 --port "$PORT" --auth PLAIN \
		--auth-user test --auth-password 1234 --from test@example.com --to gizem@example.com
	check "swaks AUTH LOGIN" swaks --server 127.0.0.1 --port "$PORT" --auth LOGIN \
		--auth-user melek --auth-password 1234 --from melek@example.com --to gizem@example.com
	check_not "swaks AUTH with a wrong password fails" swaks --server 127.0.0.1 --port "$PORT" \
		--auth PLAIN --auth-user melek --auth-password nope --from melek@example.com --to gizem@example.com
	check "swaks to several recipients" swaks --server 127.0.0.1 --port "$PORT" \
		--from melek@example.com --to gizem@example.com,test@example.com --header 'Subject: two'
	check "... each gets a copy" grep -q 'Subject: two' "$(newest test)"
else
	skip "swaks" "swaks not installed"
fi
