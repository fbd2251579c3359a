#!/bin/sh
# A build without TLS (plain make): every TLS option of every program
# exits EX_USAGE (64) with "this build has no TLS: rebuild with make
# TLS=1", in English and Turkish, and nothing listens or connects.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

if tls_build; then
	skip "TLS options refused" "built with TLS (make TLS=1): see t_tls_smtp.sh"
	exit 0
fi
MSG="this build has no TLS: rebuild with make TLS=1"
refused() {
	name=$1; shift
	"$@" >"$T/r.out" 2>"$T/r.err" </dev/null
	rc=$?
	if [ $rc -eq 64 ] && grep -qF "$MSG" "$T/r.err"; then pass "$name"
	else fail "$name" "exit $rc: $(head -n 1 "$T/r.err")"; fi
}
refused "smtp_server --tls-cert --tls-key: 64, 'rebuild with make TLS=1'" \
	"$TOP/smtp_server" -p 0 --tls-cert c.pem --tls-key k.pem
refused "smtp_server --tls-port" "$TOP/smtp_server" -p 0 --tls-port 0
refused "smtp_server --auth-tls-only" "$TOP/smtp_server" -p 0 --auth-tls-only
refused "smtp_server --stdio --tls-cert" "$TOP/smtp_server" --stdio --tls-cert c.pem --tls-key k.pem
refused "pop_server --tls-cert --tls-key" "$TOP/pop_server" -p 0 --tls-cert c.pem --tls-key k.pem
refused "pop_server --tls-port" "$TOP/pop_server" -p 0 --tls-port 0
refused "mail_send --starttls" "$TOP/mail_send" -p 1 --starttls
refused "mail_send --tls" "$TOP/mail_send" --tls
refused "mail_send --insecure" "$TOP/mail_send" -p 1 --insecure
refused "pop_client --stls" "$TOP/pop_client" -p 1 --stls
refused "pop_client --tls" "$TOP/pop_client" --tls
refused "pop_client --cafile" "$TOP/pop_client" -p 1 --cafile x.pem
"$TOP/mail_send" --lang tr --starttls >/dev/null 2>"$T/tr.err"
check "Turkish: 'bu derlemede TLS yok: make TLS=1 ile yeniden derleyin'" \
	grep -qF "bu derlemede TLS yok: make TLS=1 ile yeniden derleyin" "$T/tr.err"
check "without TLS options, STARTTLS gets 502 as before" sh -c \
	"printf 'EHLO x\r\nSTARTTLS\r\nQUIT\r\n' | '$TOP/smtp_server' --stdio 2>/dev/null | grep -q '^502 5.5.1 STARTTLS not available'"
check "... and EHLO offers no STARTTLS" sh -c \
	"! printf 'EHLO x\r\nQUIT\r\n' | '$TOP/smtp_server' --stdio 2>/dev/null | grep -q STARTTLS"
"$TOP/mail_send" --help >"$T/help.out" 2>&1
check "--help lists the TLS options even so (they say make TLS=1)" grep -q -- "--starttls" "$T/help.out"
