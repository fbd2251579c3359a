#!/bin/sh
# smtp_server and mail_send over TLS (make TLS=1): STARTTLS (RFC 3207)
# with the session reset and the clear-text pipelining discarded
# (CVE-2011-0411), implicit TLS on --tls-port (RFC 8314), --auth-tls-only,
# Received: with ESMTPS/ESMTPSA, certificate checks (--cafile,
# --insecure, the wrong name), the key log, the -v trace inside TLS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"
tls_setup "SMTP over TLS"

MD=$T/md
SEND="$TOP/mail_send"
start_server "smtp_server --tls-cert" smtp.log "$TOP/smtp_server" -d "$MD" \
	-U "$TOP/users.txt" -v $TLSARGS --tls-port 0 || exit 1
SPORT=$PORT
TPORT=$(tls_port smtp.log)
check "--tls-port: logged apart from 'listening on'" test -n "$TPORT"
check "--tls-port: a port of its own" test "$TPORT" != "$SPORT"

# openssl s_client -starttls smtp: EHLO, STARTTLS, then a mail in TLS.
printf 'EHLO client.example\r\nMAIL FROM:<melek@example.com>\r\nRCPT TO:<gizem@example.com>\r\nDATA\r\nSubject: s1\r\n\r\nsecret text one\r\n.\r\nQUIT\r\n' |
	s_client -starttls smtp -connect "127.0.0.1:$SPORT" >"$T/s1.out"
check "s_client -starttls smtp: the mail is accepted in TLS" has "$T/s1.out" "250 2.0.0 Ok: queued"
check "s_client: certificate verified (CN=localhost, --cafile of mkcert)" has "$T/s_client.err" "CN = localhost"
check "in TLS, EHLO no longer offers STARTTLS" hasnt "$T/s1.out" "STARTTLS"
wait_count "$MD/gizem/new" 1
check "Received: says 'with ESMTPS' (RFC 3848)" grep -q "with ESMTPS id" "$MD"/gizem/new/*
check "-v traces the decrypted lines after '-- TLS: TLSv1.'" sh -c "
	sed -n '/^-- TLS: TLSv1\.[23] .*CN=localhost/,\$p' '$T/smtp.log' | grep -q '^C: MAIL FROM:<melek@example.com>'"

# Implicit TLS: the handshake first, then the greeting.
printf 'EHLO client.example\r\nQUIT\r\n' | s_client -connect "127.0.0.1:$TPORT" >"$T/s2.out"
check "s_client on --tls-port: greeting inside TLS" has "$T/s2.out" "220 "
check "--tls-port: no STARTTLS offered inside TLS" hasnt "$T/s2.out" "STARTTLS"

# Clear text: STARTTLS advertised; a second STARTTLS, one in a mail
# transaction, one with an argument are refused.
printf 'EHLO x\r\nMAIL FROM:<a@b.example>\r\nSTARTTLS\r\nRSET\r\nSTARTTLS now\r\nQUIT\r\n' >"$T/c1.in"
if nc -h 2>&1 | grep -q -- '-N'; then NCQ=-N; else NCQ=; fi
with_timeout 10 nc $NCQ 127.0.0.1 "$SPORT" <"$T/c1.in" >"$T/c1.out" 2>&1
check "EHLO in clear text offers STARTTLS" has "$T/c1.out" "250-STARTTLS"
check "STARTTLS inside a mail transaction: 503" has "$T/c1.out" "503 5.5.1 Bad sequence of commands: STARTTLS inside a mail transaction"
check "STARTTLS with an argument: 501" has "$T/c1.out" "501 5.5.4 Syntax: STARTTLS takes no argument"

# CVE-2011-0411: commands pipelined after STARTTLS in clear text are
# discarded, never run inside TLS.
if have python3 && python3 -c 'import ssl' 2>/dev/null; then
	cat >"$T/inject.py" <<'PY'
import socket, ssl, sys
port, cafile = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO x\r\n")
while not f.readline().startswith(b"250 "):
    pass
# one segment: STARTTLS and an injected command behind it
s.sendall(b"STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
print(f.readline().decode().strip())
ctx = ssl.create_default_context(cafile=cafile)
t = ctx.wrap_socket(s, server_hostname="localhost")
t.sendall(b"NOOP\r\n")
print("after:", t.recv(4096).decode().strip())
t.sendall(b"MAIL FROM:<a@b.example>\r\n")
print("mail:", t.recv(4096).decode().strip())
PY
	with_timeout 20 python3 "$T/inject.py" "$SPORT" "$CERT" >"$T/inj.out" 2>&1
	check "injection: STARTTLS answered 220" has "$T/inj.out" "220 2.0.0 Ready to start TLS"
	check "injection: the first reply in TLS is NOOP's (nothing injected ran)" has "$T/inj.out" "after: 250 2.0.0 Ok"
	check "injection: session reset, MAIL needs EHLO again (503)" has "$T/inj.out" "mail: 503"
	check "injection: the server logs the discarded bytes" grep -q "discarded [0-9]* bytes sent in clear text after STARTTLS" "$T/smtp.log"
	check "injection: the injected sender never appears in the trace" hasnt "$T/smtp.log" "C: MAIL FROM:<injected@evil.example>"
else
	skip "injection after STARTTLS" "python3 (ssl) not installed"
fi

# mail_send --starttls: verified with --cafile, traced under -v.
"$SEND" -p "$SPORT" --starttls --cafile "$CERT" -v -m "secret two" >"$T/m1.out" 2>"$T/m1.err"
check "mail_send --starttls --cafile: sent (exit 0)" test $? -eq 0
check "mail_send --starttls: 'Email sent successfully.'" has "$T/m1.out" "Email sent successfully."
check "mail_send -v: '-- TLS: TLSv1.3 ..., certificate CN=localhost'" grep -q '^-- TLS: TLSv1\.[23] [A-Z0-9_-]*, certificate CN=localhost' "$T/m1.err"
check "mail_send -v: EHLO again inside TLS" sh -c "sed -n '/^-- TLS:/,\$p' '$T/m1.err' | grep -q '^C: EHLO'"
wait_count "$MD/gizem/new" 2
"$SEND" -p "$TPORT" --tls --cafile "$CERT" -m "secret three" >"$T/m2.out" 2>"$T/m2.err"
check "mail_send --tls -p TLSPORT: sent (exit 0)" test $? -eq 0
wait_count "$MD/gizem/new" 3
"$SEND" -p "$SPORT" --starttls -u test -w 1234 --cafile "$CERT" -t test@example.com -m x >/dev/null 2>&1
check "mail_send --starttls -u: AUTH in TLS" test $? -eq 0
wait_count "$MD/test/new" 1
check "Received: says 'with ESMTPSA' after AUTH in TLS" grep -q "with ESMTPSA id" "$MD"/test/new/*

# Verification: no --cafile, the wrong name, --insecure.
"$SEND" -p "$SPORT" --starttls -m x >"$T/v1.out" 2>"$T/v1.err"
check "no --cafile: a self-signed certificate is refused (exit 69)" test $? -eq 69
check "... saying what to do (--cafile, --insecure)" grep -q "certificate verification failed: .*--cafile FILE.*--insecure" "$T/v1.err"
"$SEND" -H 127.0.0.1 -p "$SPORT" --starttls --cafile "$T/cert/cert.pem" -m x >/dev/null 2>&1
check "127.0.0.1 is in the certificate (subjectAltName): accepted" test $? -eq 0
"$SEND" -p "$SPORT" --starttls --insecure -m x >"$T/v3.out" 2>"$T/v3.err"
check "--insecure: sent anyway" test $? -eq 0
check "--insecure: says so on stderr" has "$T/v3.err" "--insecure: the server's certificate is not checked"
"$SEND" -p "$SPORT" --insecure -m x >/dev/null 2>"$T/v4.err"
check "--insecure without --tls/--starttls: usage error (64)" test $? -eq 64

# Key log (NSS format), from the client and from the server.
SSLKEYLOGFILE=$T/client.keys "$SEND" -p "$SPORT" --starttls --cafile "$CERT" -m x >/dev/null 2>&1
check "SSLKEYLOGFILE: mail_send appends TLS 1.3 secrets" grep -q '^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]\{64\} [0-9a-f]*$' "$T/client.keys"
check "SSLKEYLOGFILE: ... and the traffic secrets" grep -q '^CLIENT_TRAFFIC_SECRET_0 ' "$T/client.keys"
stop_server "$LAST_PID"

# No STARTTLS offered: --starttls never falls back to clear text.
start_server "smtp_server without TLS" plain.log "$TOP/smtp_server" -d "$MD" -v || exit 1
"$SEND" -p "$PORT" --starttls --cafile "$CERT" -u test -w 1234 -m x >"$T/n1.out" 2>"$T/n1.err"
check "--starttls, not offered: fails (exit 69)" test $? -eq 69
check "--starttls, not offered: a clear error" has "$T/n1.err" "does not offer STARTTLS"
check "--starttls, not offered: no AUTH, no MAIL in clear text" sh -c "! grep -q '^C: \(AUTH\|MAIL\)' '$T/plain.log'"
"$SEND" -p "$PORT" --tls --cafile "$CERT" -m x >"$T/n2.out" 2>"$T/n2.err"
check "--tls against a clear-text port: the hint" has "$T/n2.err" "does the other side speak TLS on this port?"
stop_server "$LAST_PID"

# --auth-tls-only: AUTH only inside TLS (538 outside, RFC 4954 6).
SSLKEYLOGFILE=$T/server.keys start_server "smtp_server --auth-tls-only" auth.log \
	"$TOP/smtp_server" -d "$MD" -U "$TOP/users.txt" $TLSARGS --auth-tls-only || exit 1
printf 'EHLO x\r\nAUTH PLAIN AHRlc3QAMTIzNA==\r\nQUIT\r\n' >"$T/a.in"
with_timeout 10 nc $NCQ 127.0.0.1 "$PORT" <"$T/a.in" >"$T/a.out" 2>&1
check "--auth-tls-only: no AUTH in the clear EHLO" hasnt "$T/a.out" "AUTH PLAIN"
check "--auth-tls-only: EHLO ends with '250 STARTTLS'" has "$T/a.out" "250 STARTTLS"
check "--auth-tls-only: AUTH in clear text gets 538 5.7.11" has "$T/a.out" "538 5.7.11"
printf 'EHLO x\r\nAUTH PLAIN AHRlc3QAMTIzNA==\r\nQUIT\r\n' |
	s_client -starttls smtp -connect "127.0.0.1:$PORT" >"$T/a2.out"
check "--auth-tls-only: AUTH offered and accepted inside TLS" sh -c "grep -q '250 AUTH PLAIN LOGIN' '$T/a2.out' && grep -q '^235 ' '$T/a2.out'"
check "SSLKEYLOGFILE: the server appends its secrets too" grep -q '^SERVER_TRAFFIC_SECRET_0 ' "$T/server.keys"
"$SEND" -p "$PORT" -u test -w 1234 -m x >/dev/null 2>"$T/a3.err"
check "mail_send -u without --starttls: refused, hint says --starttls" has "$T/a3.err" "try --starttls"

# The TLS options need both files.
"$TOP/smtp_server" -p 0 --tls-cert "$CERT" >/dev/null 2>"$T/u1.err"
check "--tls-cert without --tls-key: usage error (64)" test $? -eq 64
"$TOP/smtp_server" -p 0 --tls-cert "$KEY" --tls-key "$KEY" >/dev/null 2>"$T/u2.err"
check "a key given as the certificate: refused at start (78)" test $? -eq 78

# A certificate for another name: trusted issuer, wrong name.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mail.other.example \
	-keyout "$T/other.key" -out "$T/other.pem" >/dev/null 2>&1
start_server "smtp_server with another name's certificate" other.log \
	"$TOP/smtp_server" -d "$MD" --tls-cert "$T/other.pem" --tls-key "$T/other.key" || exit 1
"$SEND" -p "$PORT" --starttls --cafile "$T/other.pem" -m x >/dev/null 2>"$T/v2.err"
check "a certificate for another name: refused (exit 69)" test $? -eq 69
check "... naming the host it is not for" grep -q "certificate verification failed: .*not for localhost" "$T/v2.err"
