#!/bin/sh
# pop_server and pop_client over TLS (make TLS=1): STLS (RFC 2595) with
# CAPA, the clear-text pipelining after STLS discarded, implicit TLS on
# --tls-port (RFC 8314), --stls never falling back, and pop_client
# against a real TLS peer: Dovecot's POP3 with STLS, run unprivileged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"
. "$(dirname "$0")/lib_popc.sh"
trap 'stop_dovecot; cleanup' EXIT
tls_setup "POP3 over TLS"

MD=$T/md
POPC="$TOP/pop_client"
mkdir -p "$MD/gizem/new" "$MD/gizem/cur" "$MD/gizem/tmp"
printf 'From: melek@example.com\nSubject: Selam\n\nsecret pop text\n' >"$MD/gizem/new/1.x"
start_server "pop_server --tls-cert" pop.log "$TOP/pop_server" -d "$MD" \
	-U "$TOP/users.txt" -v $TLSARGS --tls-port 0 || exit 1
PPORT=$PORT TPORT=$(tls_port pop.log)
check "pop_server --tls-port: logged" test -n "$TPORT"
if nc -h 2>&1 | grep -q -- '-N'; then NCQ=-N; else NCQ=; fi

printf 'CAPA\r\nQUIT\r\n' >"$T/c.in"
with_timeout 10 nc $NCQ 127.0.0.1 "$PPORT" <"$T/c.in" >"$T/c.out" 2>&1
check "CAPA in clear text lists STLS" grep -q '^STLS' "$T/c.out"
printf 'CAPA\r\nUSER gizem\r\nPASS 1234\r\nSTAT\r\nQUIT\r\n' |
	s_client -starttls pop3 -connect "127.0.0.1:$PPORT" >"$T/s1.out"
check "s_client -starttls pop3: login and STAT inside TLS" grep -q '^+OK 1 ' "$T/s1.out"
check "inside TLS, CAPA no longer lists STLS" sh -c "! grep -q '^STLS' '$T/s1.out'"
check "-v traces the decrypted PASS after '-- TLS:'" sh -c "sed -n '/^-- TLS: TLSv1/,\$p' '$T/pop.log' | grep -q '^C: PASS'"
printf 'USER gizem\r\nPASS 1234\r\nSTAT\r\nQUIT\r\n' | s_client -connect "127.0.0.1:$TPORT" >"$T/s2.out"
check "s_client on --tls-port: the greeting and STAT inside TLS" sh -c "grep -q '^+OK mailab POP3' '$T/s2.out' && grep -q '^+OK 1 ' '$T/s2.out'"

# CVE-2011-0411 for POP3: USER/PASS pipelined after STLS are discarded.
if have python3 && python3 -c 'import ssl' 2>/dev/null; then
	cat >"$T/inject.py" <<'PY'
import socket, ssl, sys
port, cafile = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"STLS\r\nUSER gizem\r\nPASS 1234\r\n")
print(f.readline().decode().strip())
t = ssl.create_default_context(cafile=cafile).wrap_socket(s, server_hostname="localhost")
t.sendall(b"STAT\r\n")
print("after:", t.recv(4096).decode().strip())
PY
	with_timeout 20 python3 "$T/inject.py" "$PPORT" "$CERT" >"$T/inj.out" 2>&1
	check "injection: STLS answered +OK" has "$T/inj.out" "+OK Begin TLS negotiation"
	check "injection: STAT in TLS is refused, no login happened" grep -q '^after: -ERR' "$T/inj.out"
	check "injection: the server logs the discarded bytes" grep -q "discarded [0-9]* bytes sent in clear text after STARTTLS/STLS" "$T/pop.log"
else
	skip "injection after STLS" "python3 (ssl) not installed"
fi

# pop_client --stls / --tls against pop_server.
"$POPC" -p "$PPORT" --stls --cafile "$CERT" -v >"$T/p1.out" 2>"$T/p1.err"
check "pop_client --stls --cafile: exit 0" test $? -eq 0
check "pop_client --stls: the message shown" has "$T/p1.out" "secret pop text"
check "pop_client -v: '-- TLS: ... certificate CN=localhost'" grep -q '^-- TLS: TLSv1\.[23] .*certificate CN=localhost' "$T/p1.err"
check "pop_client --stls: PASS only after the handshake" sh -c "sed -n '1,/^-- TLS:/p' '$T/p1.err' | grep -vq '^C: PASS' && ! sed -n '1,/^-- TLS:/p' '$T/p1.err' | grep -q '^C: PASS'"
check "pop_client --stls: CAPA asked again inside TLS (RFC 2595 4)" sh -c "sed -n '/^-- TLS:/,\$p' '$T/p1.err' | grep -q '^C: CAPA'"
"$POPC" -p "$TPORT" --tls --cafile "$CERT" >"$T/p2.out" 2>"$T/p2.err"
check "pop_client --tls -p TLSPORT: exit 0" test $? -eq 0
SSLKEYLOGFILE=$T/pop.keys "$POPC" -p "$PPORT" --stls --cafile "$CERT" >/dev/null 2>&1
check "pop_client: SSLKEYLOGFILE written" grep -q '^CLIENT_TRAFFIC_SECRET_0 ' "$T/pop.keys"
"$POPC" -p "$PPORT" --stls >"$T/p3.out" 2>"$T/p3.err"
check "pop_client --stls without --cafile: refused (69)" test $? -eq 69
check "... naming --cafile and --insecure" grep -q "certificate verification failed: .*--cafile" "$T/p3.err"
"$POPC" -p "$PPORT" --stls --insecure >"$T/p4.out" 2>"$T/p4.err"
check "pop_client --insecure: exit 0, said on stderr" sh -c "test $? -eq 0 && grep -q 'insecure' '$T/p4.err'"
stop_server "$LAST_PID"

start_server "pop_server without TLS" plain.log "$TOP/pop_server" -d "$MD" -U "$TOP/users.txt" -v || exit 1
"$POPC" -p "$PORT" --stls --cafile "$CERT" >"$T/n1.out" 2>"$T/n1.err"
check "--stls, not offered: fails (69)" test $? -eq 69
check "--stls, not offered: a clear error" has "$T/n1.err" "does not offer STLS"
check "--stls, not offered: no USER, no PASS in clear text" sh -c "! grep -q '^C: \(USER\|PASS\)' '$T/plain.log'"
printf 'STLS\r\nQUIT\r\n' >"$T/n.in"
with_timeout 10 nc $NCQ 127.0.0.1 "$PORT" <"$T/n.in" >"$T/n.out" 2>&1
check "STLS without a certificate: -ERR STLS not available" has "$T/n.out" "-ERR STLS not available"
stop_server "$LAST_PID"

# A real TLS peer: Dovecot's POP3 with STLS.
dovecot_tls() {
	[ -f "$T/dovecot/dovecot.conf" ] || return 1
	dovecot -c "$T/dovecot/dovecot.conf" stop 2>/dev/null
	wait_for sh -c "! test -e '$T/dovecot/run/master.pid'"
	sed 's/^ssl = no$/ssl = yes/' "$T/dovecot/dovecot.conf" >"$T/dovecot/tls.conf"
	printf 'ssl_cert = <%s\nssl_key = <%s\n' "$CERT" "$KEY" >>"$T/dovecot/tls.conf"
	mv "$T/dovecot/tls.conf" "$T/dovecot/dovecot.conf"
	chmod 644 "$KEY"
	dovecot -c "$T/dovecot/dovecot.conf" 2>"$T/dovecot/start.err" || return 1
	wait_for "$CHAT" 127.0.0.1 "$DOVECOT_PORT" </dev/null
}
if ! have dovecot; then
	skip "pop_client --stls against Dovecot" "dovecot not installed"
elif ! start_dovecot "$MD" || ! dovecot_tls; then
	skip "pop_client --stls against Dovecot" "dovecot would not start: $(tail -n 1 "$T/dovecot/start.err" "$T/dovecot/log" 2>/dev/null | tail -n 1)"
else
	chown -R "$DOVECOT_UID" "$MD"
	"$POPC" -p "$DOVECOT_PORT" --stls --cafile "$CERT" -v >"$T/d1.out" 2>"$T/d1.err"
	check "Dovecot STLS: pop_client --stls exit 0" test $? -eq 0
	check "Dovecot STLS: the message shown" has "$T/d1.out" "secret pop text"
	check "Dovecot STLS: '-- TLS: TLSv1.3 ...' traced" grep -q '^-- TLS: TLSv1\.[23] ' "$T/d1.err"
	"$POPC" -p "$DOVECOT_PORT" --stls >/dev/null 2>"$T/d2.err"
	check "Dovecot STLS: an untrusted certificate refused (69)" test $? -eq 69
fi
