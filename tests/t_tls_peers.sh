#!/bin/sh
# Real TLS clients against smtp_server and pop_server (make TLS=1):
# swaks --tls, curl --ssl-reqd (smtp, smtps, pop3, pop3s), Python's
# smtplib and poplib, each verifying the lab's certificate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"
tls_setup "real TLS clients"

MD=$T/md
start_server "smtp_server" smtp.log "$TOP/smtp_server" -d "$MD" \
	-U "$TOP/users.txt" $TLSARGS --tls-port 0 --auth-tls-only || exit 1
SPORT=$PORT STPORT=$(tls_port smtp.log)
start_server "pop_server" pop.log "$TOP/pop_server" -d "$MD" \
	-U "$TOP/users.txt" $TLSARGS --tls-port 0 || exit 1
PPORT=$PORT PTPORT=$(tls_port pop.log)
n=0
delivered() { n=$((n + 1)); wait_count "$MD/gizem/new" $n; }

if have swaks && perl -MNet::SSLeay -e 1 2>/dev/null; then
	with_timeout 20 swaks --server 127.0.0.1 --port "$SPORT" --tls --tls-verify \
		--tls-ca-path "$CERT" --tls-sni localhost -au test -ap 1234 \
		--from melek@example.com --to gizem@example.com >"$T/swaks.out" 2>&1
	check "swaks --tls (STARTTLS, AUTH inside): exit 0" test $? -eq 0
	check "swaks: 250 after the data" grep -q '^<~  250 2.0.0 Ok: queued' "$T/swaks.out"
	delivered
	with_timeout 20 swaks --server 127.0.0.1 --port "$STPORT" --tls-on-connect \
		--tls-ca-path "$CERT" --tls-verify --tls-sni localhost \
		--from melek@example.com --to gizem@example.com >"$T/swaks2.out" 2>&1
	check "swaks --tls-on-connect (implicit TLS): exit 0" test $? -eq 0
	delivered
else
	skip "swaks --tls" "swaks (with Net::SSLeay) not installed"
fi

if have curl && curl -V | grep -qi 'smtps'; then
	printf 'Subject: curl\r\n\r\nvia curl\r\n' >"$T/curl.eml"
	with_timeout 20 curl -s --ssl-reqd --cacert "$CERT" --url "smtp://localhost:$SPORT" \
		--user test:1234 --mail-from melek@example.com --mail-rcpt gizem@example.com \
		-T "$T/curl.eml" >"$T/curl1.out" 2>&1
	check "curl --ssl-reqd smtp:// (STARTTLS): exit 0" test $? -eq 0
	delivered
	with_timeout 20 curl -s --cacert "$CERT" --url "smtps://localhost:$STPORT" \
		--mail-from melek@example.com --mail-rcpt gizem@example.com \
		-T "$T/curl.eml" >"$T/curl2.out" 2>&1
	check "curl smtps:// (implicit TLS): exit 0" test $? -eq 0
	delivered
	with_timeout 20 curl -s --ssl-reqd --cacert "$CERT" --user gizem:1234 \
		"pop3://localhost:$PPORT/1" >"$T/curl3.out" 2>&1
	check "curl --ssl-reqd pop3:// (STLS): RETR 1" has "$T/curl3.out" "Subject:"
	with_timeout 20 curl -s --cacert "$CERT" --user gizem:1234 \
		"pop3s://localhost:$PTPORT/" >"$T/curl4.out" 2>&1
	check "curl pop3s:// (implicit TLS): LIST" grep -q '^1 [0-9]' "$T/curl4.out"
else
	skip "curl --ssl-reqd" "curl (with smtps and pop3s) not installed"
fi

if have python3 && python3 -c 'import ssl, smtplib, poplib' 2>/dev/null; then
	cat >"$T/py.py" <<'PY'
import poplib, smtplib, ssl, sys
sport, stport, pport, ptport, cafile = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=cafile)
msg = "Subject: py\r\n\r\nvia smtplib\r\n"
s = smtplib.SMTP("localhost", int(sport), timeout=10)
s.starttls(context=ctx)
s.login("test", "1234")
s.sendmail("melek@example.com", ["gizem@example.com"], msg)
s.quit()
print("smtplib starttls ok")
s = smtplib.SMTP_SSL("localhost", int(stport), context=ctx, timeout=10)
s.sendmail("melek@example.com", ["gizem@example.com"], msg)
s.quit()
print("smtplib SMTP_SSL ok")
p = poplib.POP3("localhost", int(pport), timeout=10)
print("capa stls", "STLS" in p.capa())
p.stls(context=ctx)
p.user("gizem"); p.pass_("1234")
print("poplib stls stat", p.stat()[0])
p.quit()
p = poplib.POP3_SSL("localhost", int(ptport), context=ctx, timeout=10)
p.user("gizem"); p.pass_("1234")
print("poplib POP3_SSL stat", p.stat()[0])
p.quit()
PY
	with_timeout 30 python3 "$T/py.py" "$SPORT" "$STPORT" "$PPORT" "$PTPORT" "$CERT" >"$T/py.out" 2>&1
	check "smtplib starttls + login" has "$T/py.out" "smtplib starttls ok"
	check "smtplib SMTP_SSL (implicit TLS)" has "$T/py.out" "smtplib SMTP_SSL ok"
	check "poplib: CAPA lists STLS" has "$T/py.out" "capa stls True"
	check "poplib stls + login + STAT" grep -q "poplib stls stat [1-9]" "$T/py.out"
	check "poplib POP3_SSL (implicit TLS)" grep -q "poplib POP3_SSL stat [1-9]" "$T/py.out"
else
	skip "Python smtplib/poplib over TLS" "python3 (ssl) not installed"
fi
