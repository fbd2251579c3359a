#!/bin/sh
# imap_server on real loopback sockets beside smtp_server and
# pop_server on one Maildir: IDLE sees a delivery within two seconds,
# POP3 and IMAP use one mailbox at once (nothing lost or duplicated, a
# clear refusal for what the other removed), -v traces, --help.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

: >"$T/smtp.log"; : >"$T/imap.log"; : >"$T/pop.log"
start_server smtp_server smtp.log "$TOP/smtp_server" -d "$MD" -n mx.test || exit 1
SMTP_PORT=$PORT
start_server imap_server imap.log "$TOP/imap_server" -d "$MD" -U "$T/users" -v || exit 1
IMAP_PORT=$PORT
start_server pop_server pop.log "$TOP/pop_server" -d "$MD" -U "$T/users" || exit 1
POP_PORT=$PORT

# deliver SUBJECT: one message to gizem through smtp_server.
deliver() {
	printf '%s\n' 'S: 220*' 'C: HELO client.test' 'S: 250*' \
		'C: MAIL FROM:<melek@example.com>' 'S: 250*' \
		'C: RCPT TO:<gizem@example.com>' 'S: 250*' 'C: DATA' 'S: 354*' \
		"C: Subject: $1" 'C: ' "C: body of $1" 'C: .' 'S: 250*' \
		'C: QUIT' 'S: 221*' >"$T/deliver.chat"
	"$CHAT" 127.0.0.1 "$SMTP_PORT" <"$T/deliver.chat" >"$T/deliver.out" 2>&1
}

check "the listener says where it listens" grep -q 'listening on 127.0.0.1 and ::1 port' "$T/imap.log"

# IDLE: as soon as the server says "+ idling", smtp_server delivers;
# chat waits at most 3 s for "* 1 EXISTS" (delivery included).
(
	wait_for grep -q '^S: + idling' "$T/imap.log" && deliver "pushed"
) &
pusher=$!
chat_ok "IDLE: a delivery by smtp_server shows up as * 1 EXISTS within 2 s of it" \
	-t 3 127.0.0.1 "$IMAP_PORT" <<X
$SELECT
C: c IDLE
S= + idling
S= * 1 EXISTS
S= * 1 RECENT
C: DONE
S= c OK IDLE terminated
C: d FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]
S= * 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {19}
S= Subject: pushed
S= 
S= )
S= d OK FETCH completed
C: e IDLE
S= + idling
C: NOT-DONE
S= e BAD IDLE ends with DONE
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
wait "$pusher"
check "-v traces the dialogue, C: and S: lines" \
	sh -c "grep -q '^C: c IDLE' '$T/imap.log' && grep -q '^S: \\* 1 EXISTS' '$T/imap.log' && grep -q '^C: DONE' '$T/imap.log'"
check "-v traces a literal line by line" grep -q '^S: Subject: pushed' "$T/imap.log"

# POP3 and IMAP at once.  Timeline (seconds):
#  0   POP3 logs in (snapshot: 2 messages), RETR 1
#  0.7 IMAP selects: the POP3 lock keeps new/ as it is
#  1.5 IMAP expunges message 1
#  3   POP3: RETR 1 refused (gone), DELE 2, QUIT removes it
#  4   IMAP: FETCH 1 refused (POP3 removed it); NOOP: EXPUNGE, and the
#      mail that arrived meanwhile as EXISTS
rm -rf "$MD/gizem"
deliver one && deliver two
cat >"$T/pop.chat" <<X
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has 2 messages*
C: RETR 1
S: +OK*
S~ .
SLEEP 3000
C: RETR 1
S: -ERR*
C: DELE 2
S: +OK*
C: QUIT
S: +OK*
EOF
X
"$CHAT" 127.0.0.1 "$POP_PORT" <"$T/pop.chat" >"$T/pop.out" 2>&1 &
popc=$!
chat_ok "IMAP beside a POP3 session: its expunge, the other's deletion, a clear NO, then EXPUNGE" \
	127.0.0.1 "$IMAP_PORT" <<X
SLEEP 700
$SELECT
SLEEP 800
C: c STORE 1 +FLAGS.SILENT (\\Deleted)
S= c OK STORE completed
C: d EXPUNGE
S= * 1 EXPUNGE
S= * 1 RECENT
S= d OK EXPUNGE completed
SLEEP 2500
C: e FETCH 1 BODY.PEEK[]
S= e NO [EXPUNGEISSUED] 1 message(s) removed by another session (POP3 or IMAP); NOOP shows what is left
C: f NOOP
S= * 1 EXPUNGE
S= f OK NOOP completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
wait "$popc"
check "POP3's side: RETR of the message IMAP expunged got -ERR, DELE and QUIT +OK" test $? -eq 0
check "nothing lost, nothing duplicated: no message left, no stray file" \
	sh -c "test \$(ls '$MD/gizem/new' '$MD/gizem/cur' | grep -c '^1') -eq 0 && test \$(ls '$MD/gizem/tmp' | wc -l) -eq 0"

# Mail that arrives while POP3 holds the mailbox is not lost either:
# IMAP sees it at once, POP3 at its next login.
deliver three
chat_ok "a message delivered now is in IMAP's INBOX (STATUS)" 127.0.0.1 "$IMAP_PORT" <<X
$LOGIN
C: b STATUS INBOX (MESSAGES UIDNEXT)
S= * STATUS INBOX (MESSAGES 1 UIDNEXT 4)
S= b OK STATUS completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
printf '%s\n' 'S: +OK*' 'C: USER gizem' 'S: +OK*' 'C: PASS 1234' \
	'S: +OK gizem has 1 message (*' 'C: QUIT' 'S: +OK*' >"$T/pop2.chat"
check "... and in POP3's maildrop" "$CHAT" 127.0.0.1 "$POP_PORT" <"$T/pop2.chat"

# SIGTERM stops the server; a session in IDLE says BYE first.
printf '%s\n' "$LOGIN" 'C: b IDLE' 'S= + idling' 'S= * BYE server shutting down' 'EOF' >"$T/stop.chat"
idles=$(grep -c '^S: + idling' "$T/imap.log")
"$CHAT" 127.0.0.1 "$IMAP_PORT" <"$T/stop.chat" >"$T/stop.out" 2>&1 &
stopper=$!
has_more_idles() { [ "$(grep -c '^S: + idling' "$T/imap.log")" -gt "$idles" ]; }
wait_for has_more_idles
imap_pid=$(sed -n 's/.*imap_server\[\([0-9]*\)\] \[-\] listening.*/\1/p' "$T/imap.log")
kill "$imap_pid"
wait "$stopper"
check "SIGTERM: a session in IDLE gets * BYE server shutting down" test $? -eq 0

"$TOP/imap_server" --help >"$T/help" 2>&1
check "--help ends with the Wireshark filter and the Decode As hint" \
	sh -c "grep -q 'tcp.port == 1143' '$T/help' && tail -n 1 '$T/help' | grep -q 'Decode As\\|> IMAP to see'"
"$TOP/imap_server" --bogus >/dev/null 2>&1
check "an unknown option exits with EX_USAGE (64)" test $? -eq 64
"$TOP/imap_server" -U "$T/nonexistent" --stdio </dev/null >/dev/null 2>&1
check "an unreadable users file stops it at start-up" test $? -ne 0
