# tests/tls_lib.sh: sourced by tests/t_tls_*.sh after lib.sh.  Their
# checks need a TLS build (make TLS=1) and the openssl command; without
# them each script says "skipped: ... built without TLS" and stops.

# tls_build: were the programs built with make TLS=1?
tls_build() {
	[ "$(sed -n 's/^TLS=//p' "$TOP/lib/.tls-build" 2>/dev/null)" = 1 ]
}

# tls_setup NAME: skip the whole script unless TLS can be tested; makes
# a self-signed certificate for localhost: CERT, KEY.
tls_setup() {
	if ! tls_build; then
		skip "$1" "built without TLS"
		exit 0
	fi
	if ! have openssl; then
		skip "$1" "openssl not installed"
		exit 0
	fi
	sh "$TOP/scripts/mkcert.sh" "$T/cert" >"$T/mkcert.out" 2>&1 || {
		fail "$1: scripts/mkcert.sh" "$(cat "$T/mkcert.out")"
		exit 1
	}
	CERT=$T/cert/cert.pem KEY=$T/cert/key.pem
	TLSARGS="--tls-cert $CERT --tls-key $KEY"
}

# tls_port LOG: the --tls-port a server logged ("implicit TLS on ...").
tls_port() {
	wait_for grep -q 'implicit TLS on .* port' "$T/$1" &&
	sed -n 's/.*implicit TLS on .* port \([0-9]*\).*/\1/p' "$T/$1" | head -n 1
}

has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }

# with_timeout SECONDS CMD...: no peer may hang a test.
with_timeout() {
	s=$1; shift
	if have timeout; then timeout "$s" "$@"; else "$@"; fi
}

# s_client ARGS...: openssl s_client, quiet, input from stdin; the
# dialogue (decrypted) on stdout.
s_client() {
	with_timeout 10 openssl s_client -quiet -CAfile "$CERT" \
		-verify_return_error "$@" 2>"$T/s_client.err"
}
