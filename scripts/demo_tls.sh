# scripts/demo_tls.sh: sourced by scripts/demo.sh --tls (make demo-tls).
# The same journey with STARTTLS (mail_send) and STLS (pop_client), on
# free loopback ports, captured with tshark (or tcpdump): the capture
# holds neither "PASS 1234" nor the message text; tshark given the
# clients' key log (SSLKEYLOGFILE) shows both again.  Needs a TLS build
# (make TLS=1), openssl, tshark, and the right to capture on loopback.

# tls_check: is everything there?  Says what is missing, exits 69.
tls_check() {
	if ! grep -q '^TLS=1' "$TOP/lib/.tls-build" 2>/dev/null; then
		err "the programs were built without TLS: rebuild with make TLS=1"
		exit $EX_UNAVAILABLE
	fi
	for p in openssl tshark; do
		command -v $p >/dev/null 2>&1 || { err "$p is not installed"; exit $EX_UNAVAILABLE; }
	done
	if command -v tshark >/dev/null 2>&1 && tshark -D 2>/dev/null | grep -q 'lo\b\|Loopback'; then
		CAPTURE=tshark
	elif command -v tcpdump >/dev/null 2>&1; then
		CAPTURE=tcpdump
	else
		err "cannot capture on loopback (tshark -D lists no lo; no tcpdump): run as root or join the wireshark group"
		exit $EX_UNAVAILABLE
	fi
}

# tls_start_servers: a certificate for localhost, both servers with it.
tls_start_servers() {
	sh "$TOP/scripts/mkcert.sh" "$W/cert" >"$W/mkcert.out" 2>&1 || fail "scripts/mkcert.sh failed" "$W/mkcert.out"
	CA=$W/cert/cert.pem
	tls="--tls-cert $W/cert/cert.pem --tls-key $W/cert/key.pem"
	# shellcheck disable=SC2086
	server_start "$W/smtp.log" ./smtp_server -p "$SMTP_PORT" -d "$W/maildir" -n mail.example $tls \
		|| { if_port_taken "$SMTP_PORT" "$W/smtp.log"; fail "smtp_server did not start" "$W/smtp.log"; }
	SMTP_PORT=$SERVER_PORT
	# shellcheck disable=SC2086
	server_start "$W/pop.log" ./pop_server -p "$POP_PORT" -d "$W/maildir" -U "$TOP/users.txt" $tls \
		|| { if_port_taken "$POP_PORT" "$W/pop.log"; fail "pop_server did not start" "$W/pop.log"; }
	POP_PORT=$SERVER_PORT
	echo "mailab demo over TLS: one mail from melek to gizem, encrypted"
	echo "  smtp_server on 127.0.0.1 port $SMTP_PORT (SMTP, STARTTLS offered)"
	echo "  pop_server  on 127.0.0.1 port $POP_PORT (POP3, STLS offered)"
	echo "  certificate: $CA (self-signed for localhost, scripts/mkcert.sh)"
}

# tls_capture_start / tls_capture_stop: record both ports into W/tls.pcap.
tls_capture_start() {
	PCAP=$W/tls.pcap
	filter="tcp port $SMTP_PORT or tcp port $POP_PORT"
	if [ "$CAPTURE" = tshark ]; then
		tshark -i lo -f "$filter" -w "$PCAP" >"$W/capture.log" 2>&1 &
	else
		tcpdump -i lo -U -w "$PCAP" "$filter" >"$W/capture.log" 2>&1 &
	fi
	CAPTURE_PID=$!
	SERVER_PIDS="$SERVER_PIDS $CAPTURE_PID" # stopped at exit too
	tries=0 # until the capture has really started
	until grep -qi 'capturing on\|listening on' "$W/capture.log" 2>/dev/null; do
		kill -0 "$CAPTURE_PID" 2>/dev/null || fail "$CAPTURE could not capture on lo" "$W/capture.log"
		[ $tries -lt 100 ] || fail "$CAPTURE did not start" "$W/capture.log"
		sleep 0.1; tries=$((tries + 1))
	done
	echo "  capturing with $CAPTURE into tls.pcap"
}
tls_capture_stop() {
	sleep 1 # the last packets reach the file
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
}

tls_step_send() {
	heading "1. mail_send says STARTTLS, checks the certificate, then sends inside TLS"
	echo "\$ SSLKEYLOGFILE=keys.log ./mail_send -v --starttls --cafile cert.pem -p $SMTP_PORT"
	SSLKEYLOGFILE=$W/keys.log ./mail_send -v --starttls --cafile "$CA" -p "$SMTP_PORT" >"$W/send.out" 2>&1
	rc=$?
	cat "$W/send.out"
	[ $rc -eq 0 ] || fail "mail_send exited with status $rc"
}

tls_step_fetch() {
	heading "2. pop_client says STLS, then logs in (PASS 1234) inside TLS"
	echo "\$ SSLKEYLOGFILE=keys.log ./pop_client -v --stls --cafile cert.pem -p $POP_PORT"
	SSLKEYLOGFILE=$W/keys.log ./pop_client -v --stls --cafile "$CA" -p "$POP_PORT" >"$W/fetch.out" 2>"$W/fetch.err"
	rc=$?
	cat "$W/fetch.err"
	echo "-- what gizem reads:"
	cat "$W/fetch.out"
	[ $rc -eq 0 ] || fail "pop_client exited with status $rc"
	tr -d '\r' <"$W/fetch.out" | grep -Fqx "$SEED_TEXT" || fail "pop_client did not show the text sent"
}

# tshark over the capture, the lab's ports decoded as SMTP and POP.
tls_tshark() {
	tshark -r "$PCAP" -d "tcp.port==$SMTP_PORT,smtp" -d "tcp.port==$POP_PORT,pop" "$@" 2>/dev/null
}

tls_step_sniff() {
	heading "3. What a sniffer sees without the keys: STARTTLS, then only TLS records"
	tls_tshark -Y 'smtp or pop or tls' | sed 's/^ *[0-9]* *[0-9.]* *//' | head -n 24
	# The text's ASCII start: TLS would have to hide all of it.
	WORDS="Bu bir test mesaj"
	n_pass=$(grep -a -c 'PASS 1234' "$PCAP")
	n_text=$(grep -a -c "$WORDS" "$PCAP")
	echo "-- grep -a -c 'PASS 1234' tls.pcap: $n_pass"
	echo "-- grep -a -c '$WORDS' tls.pcap: $n_text"
	[ "$n_pass" -eq 0 ] && [ "$n_text" -eq 0 ] || fail "the capture holds clear text"
	echo "neither the password nor the message text is in the capture"
}

tls_step_decrypt() {
	heading "4. tshark -o tls.keylog_file:keys.log: the same capture, decrypted"
	echo "keys.log (NSS key log format), its first line: $(head -n 1 "$W/keys.log" | cut -c 1-60)..."
	tls_tshark -o "tls.keylog_file:$W/keys.log" -Y 'smtp.req or pop.request' |
		sed 's/^ *[0-9]* *[0-9.]* *//' >"$W/decrypted.txt"
	cat "$W/decrypted.txt"
	grep -q 'PASS 1234' "$W/decrypted.txt" || fail "tshark with the key log did not show PASS 1234"
	tls_tshark -o "tls.keylog_file:$W/keys.log" -q -z follow,tls,ascii,0 >"$W/follow.txt"
	echo "-- tshark -z follow,tls,ascii,0 (the SMTP session, decrypted), the body:"
	grep -F "$WORDS" "$W/follow.txt" | head -n 1 | sed 's/^/  | /'
	grep -qF "$WORDS" "$W/follow.txt" || fail "tshark with the key log did not show the message text"
	echo "with the key log both are back: PASS 1234 and the message text"
}

tls_journey() {
	tls_check
	tls_start_servers
	tls_capture_start
	tls_step_send
	tls_step_fetch
	tls_capture_stop
	tls_step_sniff
	tls_step_decrypt
	printf '\n==== The mail made the trip, encrypted ====\n'
	echo "In Wireshark: Preferences > Protocols > TLS > (Pre)-Master-Secret log filename"
}
