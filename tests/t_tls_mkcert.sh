#!/bin/sh
# scripts/mkcert.sh: a certificate for localhost that OpenSSL accepts
# for localhost, 127.0.0.1 and ::1, self-signed or from the lab CA;
# its key private; its refusals.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
MK=scripts/mkcert.sh

if ! have openssl; then
	skip "scripts/mkcert.sh" "openssl not installed"
	exit 0
fi

check "mkcert.sh DIR: exit 0" sh $MK "$T/self"
check "cert.pem and key.pem written" test -s "$T/self/cert.pem" -a -s "$T/self/key.pem"
check "the key is private (mode 600)" sh -c "ls -l '$T/self/key.pem' | grep -q '^-rw-------'"
check "self-signed: verifies against itself for localhost" \
    openssl verify -CAfile "$T/self/cert.pem" -verify_hostname localhost "$T/self/cert.pem"
check "... and for 127.0.0.1" \
    openssl verify -CAfile "$T/self/cert.pem" -verify_ip 127.0.0.1 "$T/self/cert.pem"
check "... and for ::1" \
    openssl verify -CAfile "$T/self/cert.pem" -verify_ip ::1 "$T/self/cert.pem"
check_not "... not for another name" \
    openssl verify -CAfile "$T/self/cert.pem" -verify_hostname mail.example.org "$T/self/cert.pem"
openssl x509 -in "$T/self/cert.pem" -noout -subject >"$T/subject" 2>&1
check "subject CN=localhost" grep -q 'CN *= *localhost' "$T/subject"
check "the key belongs to the certificate" sh -c \
    "[ \"\$(openssl x509 -in '$T/self/cert.pem' -noout -pubkey)\" = \"\$(openssl pkey -in '$T/self/key.pem' -pubout)\" ]"

check "mkcert.sh --ca DIR: exit 0" sh $MK --ca "$T/ca"
check "--ca: ca.pem, cert.pem, key.pem written" \
    test -s "$T/ca/ca.pem" -a -s "$T/ca/cert.pem" -a -s "$T/ca/key.pem"
check "--ca: the chain verifies against ca.pem" \
    openssl verify -CAfile "$T/ca/ca.pem" -verify_hostname localhost "$T/ca/cert.pem"
check_not "--ca: the leaf alone is no trust anchor" \
    openssl verify -CAfile "$T/ca/cert.pem" "$T/ca/cert.pem"

sh $MK >"$T/out" 2>"$T/err"
rc=$?
check "no DIR: exit 64 (EX_USAGE)" test $rc -eq 64
check "... with the usage on stderr" grep -q '^usage: ' "$T/err"
sh $MK --lang tr "$T/tr" >"$T/out" 2>&1
check "--lang tr: Turkish status line" grep -q 'yazıldı' "$T/out"
: >"$T/file"
sh $MK "$T/file/sub" >"$T/out" 2>"$T/err"
rc=$?
check "DIR under a file: exit 73, named" sh -c "[ $rc -eq 73 ] && grep -q 'cannot write to $T/file/sub' '$T/err'"
