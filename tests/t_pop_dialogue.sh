#!/bin/sh
# Dialogue tests of pop_server through --stdio: every command in every
# state, the refusals, the strict numbers, the 255-octet limit.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_pop.sh"

M1='Subject: one\n\nfirst body\n'
M2='Subject: two\nX: y\n\n.line 1\nline 2\nline 3\n'
N1=$(uniq_name 1764000001 1 "$M1")
N2=$(uniq_name 1764000002 2 "$M2")
put_msg gizem "$N1" "$M1"
put_msg gizem "$N2" "$M2"
S1=28 S2=47 # with CRLF line endings
LOGIN='S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has 2 messages*'

chat_ok "greeting has an APOP timestamp; CAPA lists the extensions" -- $POP <<'X'
S: +OK mailab POP3 server ready <*.*@*>
C: CAPA
S: +OK Capability list follows
S= TOP
S= USER
S= UIDL
S= RESP-CODES
S= AUTH-RESP-CODE
S= PIPELINING
S= EXPIRE NEVER
S: IMPLEMENTATION mailab-*
S= .
C: QUIT
S: +OK * signing off
EOF
X

chat_ok "AUTHORIZATION refuses the TRANSACTION commands and PASS before USER" -- $POP <<'X'
S: +OK*
C: STAT
S= -ERR STAT not allowed in the AUTHORIZATION state
C: LIST
S: -ERR LIST not allowed*
C: RETR 1
S: -ERR RETR not allowed*
C: DELE 1
S: -ERR DELE not allowed*
C: NOOP
S: -ERR NOOP not allowed*
C: RSET
S: -ERR RSET not allowed*
C: TOP 1 0
S: -ERR TOP not allowed*
C: UIDL
S: -ERR UIDL not allowed*
C: PASS 1234
S= -ERR PASS not allowed in the AUTHORIZATION state (USER first)
C: QUIT
S: +OK*
EOF
X

chat_ok "unknown command; verbs are case-insensitive; USER/PASS login" -- $POP <<X
S: +OK*
C: XYZZY
S= -ERR unknown command: "XYZZY"
C: user gizem
S: +OK*
C: pAsS 1234
S= +OK gizem has 2 messages ($((S1 + S2)) octets)
C: noop
S= +OK
C: Quit
S: +OK*
EOF
X

chat_ok "STAT, LIST, LIST n, UIDL, UIDL n" -- $POP <<X
$LOGIN
C: STAT
S= +OK 2 $((S1 + S2))
C: LIST
S= +OK 2 messages ($((S1 + S2)) octets)
S= 1 $S1
S= 2 $S2
S= .
C: LIST 2
S= +OK 2 $S2
C: UIDL
S= +OK unique-id listing follows
S= 1 ${N1%%:*}
S= 2 ${N2%%:*}
S= .
C: UIDL 1
S= +OK 1 ${N1%%:*}
C: QUIT
S: +OK*
EOF
X

chat_ok "RETR streams the message byte-stuffed; TOP 0, TOP 1, TOP 99" -- $POP <<X
$LOGIN
C: RETR 2
S= +OK $S2 octets
S= Subject: two
S= X: y
S= 
S= ..line 1
S= line 2
S= line 3
S= .
C: TOP 2 0
S= +OK 22 octets
S= Subject: two
S= X: y
S= 
S= .
C: TOP 2 1
S= +OK 31 octets
S= Subject: two
S= X: y
S= 
S= ..line 1
S= .
C: TOP 2 99
S= +OK $S2 octets
S= Subject: two
S= X: y
S= 
S= ..line 1
S= line 2
S= line 3
S= .
C: QUIT
S: +OK*
EOF
X

chat_ok "DELE marks, RSET unmarks; a deleted message is out of every reply" -- $POP <<X
$LOGIN
C: DELE 1
S= +OK message 1 deleted
C: STAT
S= +OK 1 $S2
C: LIST
S: +OK 1 message (*
S= 2 $S2
S= .
C: LIST 1
S= -ERR message 1 already deleted
C: UIDL 1
S: -ERR*deleted
C: TOP 1 0
S: -ERR*deleted
C: DELE 1
S: -ERR*deleted
C: RSET
S= +OK maildrop has 2 messages ($((S1 + S2)) octets)
C: LIST 1
S= +OK 1 $S1
C: QUIT
S: +OK*(2 messages left)
EOF
X

chat_ok "strict message numbers: 0, -1, 4294967297, 1x, none, 3, extra" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK*
C: RETR 0
S= -ERR invalid message number: 0
C: RETR -1
S= -ERR invalid message number: -1
C: RETR 4294967297
S: -ERR no such message: 4294967297*
C: RETR 18446744073709551617
S= -ERR invalid message number: 18446744073709551617
C: RETR 1x
S= -ERR invalid message number: 1x
C: RETR +1
S: -ERR invalid*
C: NOOP
S= +OK
C: RETR
S= -ERR syntax: RETR msg
C: RETR 3
S: -ERR no such message: 3*
C: RETR 1 2
S= -ERR syntax: RETR msg
C: RETR  1
S= -ERR syntax: RETR msg
C: DELE 0
S: -ERR invalid*
C: LIST 9
S: -ERR no such message*
C: NOOP
S= +OK
C: TOP 1
S= -ERR syntax: TOP msg n
C: TOP 1 x
S= -ERR invalid number of lines: x
C: TOP 1 -1
S: -ERR invalid number of lines*
C: STAT 1
S= -ERR syntax: STAT
C: QUIT
S: +OK*
EOF
X

chat_ok "TRANSACTION refuses USER, PASS, APOP" -- $POP <<X
$LOGIN
C: USER melek
S= -ERR USER not allowed in the TRANSACTION state
C: PASS 1234
S: -ERR PASS not allowed*
C: APOP melek 0123456789abcdef0123456789abcdef
S: -ERR APOP not allowed*
C: QUIT
S: +OK*
EOF
X

chat_ok "bad password, unknown user: -ERR [AUTH]; then a good login" -- $POP <<'X'
S: +OK*
C: USER gizem
S: +OK*
C: PASS 12345
S= -ERR [AUTH] invalid user name or password
C: PASS 1234
S: -ERR PASS not allowed*
C: USER nobody
S: +OK*
C: PASS 1234
S: -ERR \[AUTH\]*
C: APOP gizem 0123456789abcdef0123456789abcdef
S: -ERR \[AUTH\]*
C: APOP gizem
S= -ERR syntax: APOP name digest
C: USER
S= -ERR syntax: USER name
C: USER gizem
S: +OK*
C: PASS 1234
S: +OK gizem has*
C: QUIT
S: +OK*
EOF
X

chat_ok "PASS takes the rest of the line, spaces included" -- $POP <<'X'
S: +OK*
C: USER spacey
S: +OK*
C: PASS pass word with spaces
S: -ERR \[AUTH\]*
C: USER spacey
S: +OK*
C: PASS pass word  with spaces
S= +OK spacey has 0 messages (0 octets)
C: STAT
S= +OK 0 0
C: LIST
S= +OK 0 messages (0 octets)
S= .
C: QUIT
S: +OK*
EOF
X
check "a user with no Maildir yet gets an empty maildrop" test -d "$MD/spacey/new"

chat_ok "an unsafe mailbox name from the users file is refused" -- $POP <<'X'
S: +OK*
C: USER ../evil
S: +OK*
C: PASS 1234
S: -ERR \[AUTH\]*
C: QUIT
S: +OK*
EOF
X
check_not "no directory made outside the mail store" test -e "$T/evil"

chat_ok "the 255-octet limit: 255 with CRLF passes, 256 gets -ERR, session goes on" -- $POP <<X
$LOGIN
R: NOOP $(printf '%0248d' 0)\r\n
S= -ERR syntax: NOOP
R: NOOP $(printf '%0249d' 0)\r\n
S= -ERR line too long (limit 255 octets)
REPEAT 100 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
R: \r\n
S: -ERR line too long*
C: STAT
S: +OK 2 *
C: QUIT
S: +OK*
EOF
X

chat_ok "a NUL byte in a command gets -ERR" -- $POP <<'X'
S: +OK*
R: NOOP\0x\r\n
S= -ERR NUL byte in command
C: QUIT
S: +OK*
X

{
	echo 'S: +OK*'
	for i in 1 2 3 4 5 6 7 8 9; do echo "C: BAD$i"; echo 'S: -ERR unknown*'; done
	echo 'C: BAD10'
	echo 'S: -ERR unknown*'
	echo 'S= -ERR too many bad commands, closing connection'
	echo 'EOF'
} >"$T/ten.chat"
chat_ok "ten bad commands in a row close the session" -- $POP <"$T/ten.chat"

chat_ok "a good command resets the count of bad ones" -- $POP <<'X'
S: +OK*
REPEAT 9 BAD\r\n
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
S: -ERR*
C: CAPA
S: +OK*
S= TOP
S= USER
S= UIDL
S= RESP-CODES
S= AUTH-RESP-CODE
S= PIPELINING
S= EXPIRE NEVER
S: IMPLEMENTATION mailab-*
S= .
C: BAD
S: -ERR unknown*
C: QUIT
S: +OK*
X

chat_ok "commands may end in a bare LF (typed with nc)" -- $POP <<'X'
S: +OK*
L: USER gizem
S: +OK*
L: PASS 1234
S: +OK*
L: QUIT
S: +OK*
EOF
X

chat_ok "pipelined commands (RFC 2449 6.6) get their replies in order" -- $POP <<'X'
S: +OK*
R: USER gizem\r\nPASS 1234\r\nSTAT\r\nLIST 1\r\nQUIT\r\n
S: +OK*
S: +OK gizem has*
S: +OK 2 *
S: +OK 1 *
S: +OK*signing off*
EOF
X

printf 'USER gizem\r\nPASS 1234\r\nQUIT\r\n' |
	$TOP/pop_server --stdio -d "$MD" -U "$T/users" >/dev/null 2>"$T/plain.log"
printf 'USER gizem\r\nPASS 1234\r\nRETR 2\r\nQUIT\r\n' |
	$TOP/pop_server --stdio -v -d "$MD" -U "$T/users" >/dev/null 2>"$T/verbose.log"
check_not "the normal log never shows the password" grep -q 1234 "$T/plain.log"
check "the normal log shows the login" grep -q 'login as gizem (USER/PASS)' "$T/plain.log"
check "-v shows the dialogue, PASS included, and the states" \
	grep -q 'C: PASS 1234' "$T/verbose.log"
check "-v traces the state changes" grep -q '(state TRANSACTION)' "$T/verbose.log"
check "-v traces each line of a RETR as sent, byte-stuffed" \
	sh -c "grep -q '^S: \.\.line 1\$' '$T/verbose.log' && grep -q '^S: line 3\$' '$T/verbose.log'"

# ---- issue 10: one identity rule, STLS, options ----

printf 'bob+x:1234\nAli:1234\nbob:1234\nali:1234\n' >"$T/users.id"
put_msg bob "$N1" "$M1"
chat_ok "USER bob+x is no login and never reads bob's mail" -- \
	sh -c "exec $TOP/pop_server --stdio -d $MD -U $T/users.id 2>'$T/id.log'" <<'X'
S: +OK*
C: USER bob+x
S: +OK*
C: PASS 1234
S: -ERR [[]AUTH]*
C: APOP bob+x 0123456789abcdef0123456789abcdef
S: -ERR [[]AUTH]*
C: USER Ali
S: +OK*
C: PASS 1234
S: +OK ali has 0 messages*
C: QUIT
S: +OK*
EOF
X
check "... the users file's bob+x and Ali lines are warned about" sh -c "
	grep -q 'users.id:1: user .bob+x. is not a canonical' '$T/id.log' &&
	grep -q 'users.id:2: user .Ali. is not a canonical' '$T/id.log'"
check "... and no mailbox was made for a refused name" sh -c "
	test ! -e '$MD/bob+x' && test ! -e '$MD/Ali'"

chat_ok "STLS gets the same answer as SMTP's STARTTLS" -- $POP <<'X'
S: +OK*
C: STLS
S= -ERR STLS not available in this lab server
C: QUIT
S: +OK*
EOF
X

check "an option typo names it and says try --help, without the usage" sh -c "
	$TOP/pop_server --bogus >/dev/null 2>'$T/typo.err'; test \$? -eq 64 &&
	grep -q 'bogus' '$T/typo.err' && grep -q 'try .pop_server --help.' '$T/typo.err' &&
	! grep -q 'usage:' '$T/typo.err'"
