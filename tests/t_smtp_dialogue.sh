#!/bin/sh
# smtp_server dialogue tests through --stdio: C: lines in, S: lines out
# (tests/tools/chat).  Each verb, each sequence, syntax and limit error.
. "$(dirname "$0")/lib.sh"
MD=$T/md
SMTP="$TOP/smtp_server --stdio -d $MD -n mx.test -U $TOP/users.txt"

chat_ok "greeting, EHLO lists every extension, QUIT" -- $SMTP <<'X'
S: 220 mx.test ESMTP mailab ready
C: EHLO client.test
S: 250-mx.test Hello client.test*
S: 250-SIZE 10485760
S: 250-8BITMIME
S: 250-PIPELINING
S: 250-ENHANCEDSTATUSCODES
S: 250-SMTPUTF8
S: 250-HELP
S: 250 AUTH PLAIN LOGIN
C: QUIT
S: 221 2.0.0 *
EOF
X

chat_ok "HELO, NOOP, VRFY 252, HELP 214, RSET" -- $SMTP <<'X'
S: 220 *
C: HELO client.test
S: 250 mx.test Hello client.test*
C: NOOP
S: 250 2.0.0 Ok
C: noop with an argument
S: 250 2.0.0 Ok
C: VRFY gizem
S: 252 2.5.2 *
C: VRFY
S: 501 5.5.4 *
C: HELP
S: 214-*
S: 214-*
S: 214 *
C: RSET
S: 250 2.0.0 Ok
C: RSET now
S: 501 5.5.4 *
C: quit
S: 221 *
EOF
X

chat_ok "sequence errors get 503" -- $SMTP <<'X'
S: 220 *
C: MAIL FROM:<melek@example.com>
S: 503 5.5.1 *HELO*
C: RCPT TO:<gizem@example.com>
S: 503 5.5.1 *
C: DATA
S: 503 5.5.1 *
C: EHLO c
S~ 250 *
C: RCPT TO:<gizem@example.com>
S: 503 5.5.1 *MAIL*
C: DATA
S: 503 5.5.1 *
C: MAIL FROM:<melek@example.com>
S: 250 2.1.0 *
C: MAIL FROM:<melek@example.com>
S: 503 5.5.1 *
C: DATA
S: 503 5.5.1 *RCPT*
C: AUTH PLAIN
S: 503 5.5.1 *
C: QUIT
S: 221 *
EOF
X

chat_ok "syntax errors get 501, unknown verbs 500, STARTTLS 502" -- $SMTP <<'X'
S: 220 *
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
C: EHLO c
S~ 250 *
C: MAIL TO:<a@b>
S: 501 5.5.4 *
C: MAIL FROM:<unterminated
S: 501 5.1.7 *
C: MAIL FROM:<a b@c>
S: 501 5.1.7 *
C: MAIL FROM:<>
S: 250 2.1.0 *
C: RCPT <gizem@example.com>
S: 501 5.5.4 *
C: RCPT TO:<>
S: 501 5.1.3 *
C: RCPT TO:<gizem@example.com>
S: 250 *
C: DATA now
S: 501 5.5.4 *
C: FOO bar
S: 500 5.5.2 *
C: EXPN list
S: 500 5.5.2 *
C: STARTTLS
S: 502 5.5.1 *
C: QUIT
S: 221 *
EOF
X

chat_ok "unknown MAIL and RCPT parameters get 555" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 *
C: MAIL FROM:<a@example.com> FOO=bar
S: 555 5.5.4 *
C: MAIL FROM:<a@example.com> BODY=BINARYMIME
S: 555 5.5.4 *
C: MAIL FROM:<a@example.com> SIZE=100 BODY=8BITMIME AUTH=<>
S: 250 2.1.0 *
C: RCPT TO:<gizem@example.com> NOTIFY=NEVER
S: 555 5.5.4 *
C: QUIT
S: 221 *
EOF
X

chat_ok "parameters after HELO (not EHLO) get 555" -- $SMTP <<'X'
S: 220 *
C: HELO c
S: 250 *
C: MAIL FROM:<a@example.com> SIZE=10
S: 555 5.5.4 *
C: QUIT
S: 221 *
EOF
X

chat_ok "SIZE over the limit in MAIL gets 552, bad SIZE 501" -- $TOP/smtp_server --stdio -d $MD --max-size 1000 <<'X'
S: 220 *
C: EHLO c
S: 250-*
S: 250-SIZE 1000
S~ 250 AUTH*
C: MAIL FROM:<a@example.com> SIZE=1001
S: 552 5.3.4 *
C: MAIL FROM:<a@example.com> SIZE=12x
S: 501 5.5.4 *
C: MAIL FROM:<a@example.com> SIZE=99999999999999999999999
S: 501 5.5.4 *
C: MAIL FROM:<a@example.com> SIZE=1000
S: 250 2.1.0 *
C: QUIT
S: 221 *
EOF
X

rm -rf "$MD"
{
	echo 'S: 220 *'
	echo 'C: EHLO c'
	echo 'S~ 250 AUTH*'
	echo 'C: MAIL FROM:<a@example.com>'
	echo 'S: 250 *'
	echo 'C: RCPT TO:<gizem@example.com>'
	echo 'S: 250 *'
	echo 'C: DATA'
	echo 'S: 354 *'
	printf '%s\n' 'REPEAT 30 0123456789012345678901234567890123456789\r\n'
	echo 'C: .'
	echo 'S: 552 5.3.4 *'
	echo 'C: QUIT'
	echo 'S: 221 *'
} >"$T/big.chat"
chat_ok "a message over --max-size in DATA gets 552" -- $TOP/smtp_server --stdio -d $MD --max-size 1000 <"$T/big.chat"
check "... and nothing is stored for it" test "$(count_files "$MD")" -eq 0

{
	echo 'S: 220 *'
	echo 'C: EHLO c'
	echo 'S~ 250 AUTH*'
	echo 'C: MAIL FROM:<a@example.com>'
	echo 'S: 250 *'
	i=1
	while [ $i -le 100 ]; do echo "C: RCPT TO:<gizem+$i@example.com>"; echo 'S: 250 2.1.5 *'; i=$((i + 1)); done
	echo 'C: RCPT TO:<gizem+101@example.com>'
	echo 'S: 452 4.5.3 *'
	echo 'C: QUIT'
	echo 'S: 221 *'
} >"$T/rcpt.chat"
chat_ok "the 101st recipient gets 452" -- $SMTP <"$T/rcpt.chat"

chat_ok "AUTH PLAIN and LOGIN: 235 for right, 535 for wrong" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: AUTH PLAIN AGdpemVtADEyMzU=
S: 535 5.7.8 *
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: Z2l6ZW0=
S: 334 UGFzc3dvcmQ6
C: MTIzNQ==
S: 535 5.7.8 *
C: AUTH PLAIN
S: 334 *
C: *
S: 501 5.0.0 *
C: AUTH PLAIN !!!
S: 501 5.5.2 *
C: AUTH CRAM-MD5
S: 504 5.5.4 *
C: AUTH PLAIN
S: 334 *
C: AGdpemVtADEyMzQ=
S: 235 2.7.0 *
C: AUTH PLAIN AGdpemVtADEyMzQ=
S: 503 5.5.1 *
C: QUIT
S: 221 *
EOF
X

chat_ok "AUTH LOGIN with an initial response" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: AUTH LOGIN bWVsZWs=
S: 334 UGFzc3dvcmQ6
C: MTIzNA==
S: 235 2.7.0 *
C: QUIT
S: 221 *
EOF
X

chat_ok "--auth-required: MAIL before AUTH gets 530, after it 250" -- $SMTP --auth-required <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@example.com>
S: 530 5.7.0 *
C: AUTH PLAIN AG1lbGVrADEyMzQ=
S: 235 *
C: MAIL FROM:<melek@example.com>
S: 250 *
C: QUIT
S: 221 *
EOF
X

chat_ok "--domain: other domains get 550 5.7.1" -- $SMTP --domain example.com <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@elsewhere.test>
S: 250 *
C: RCPT TO:<gizem@elsewhere.test>
S: 550 5.7.1 *
C: RCPT TO:<gizem@EXAMPLE.com>
S: 250 *
C: QUIT
S: 221 *
EOF
X

chat_ok "-U: unknown users get 550 5.1.1" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<nobody@example.com>
S: 550 5.1.1 *
C: RCPT TO:<Gizem+lab@example.com>
S: 250 2.1.5 *
C: QUIT
S: 221 *
EOF
X

rm -rf "$MD"
chat_ok "unsafe recipients are refused" -- $TOP/smtp_server --stdio -d $MD <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@example.com>
S: 250 *
C: RCPT TO:<../x@example.com>
S: 501 5.1.3 *
C: RCPT TO:<"../x"@example.com>
S: 553 5.1.3 *
C: RCPT TO:<a/b@example.com>
S: 553 5.1.3 *
C: RCPT TO:<.hidden@example.com>
S: 501 5.1.3 *
C: RCPT TO:<"..">
S: 501 5.1.3 *
C: RCPT TO:<""@example.com>
S: 553 5.1.3 *
C: RCPT TO:<"a\\b"@example.com>
S: 553 5.1.3 *
C: RCPT TO:<+tag@example.com>
S: 553 5.1.3 *
C: NOOP
S: 250 *
C: RCPT TO:<xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@example.com>
S: 501 5.1.3 *
C: RCPT TO:<xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@example.com>
S: 501 5.1.3 *
C: QUIT
S: 221 *
EOF
X
check "... and nothing was created anywhere" test ! -e "$MD"

chat_ok "ten bad commands in a row end the session with 421" -- $SMTP <<'X'
S: 220 *
C: BAD1
S: 500 *
C: BAD2
S: 500 *
C: NOOP
S: 250 *
C: BAD1
S: 500 *
C: BAD2
S: 500 *
C: BAD3
S: 500 *
C: BAD4
S: 500 *
C: BAD5
S: 500 *
C: BAD6
S: 500 *
C: BAD7
S: 500 *
C: BAD8
S: 500 *
C: BAD9
S: 500 *
C: BAD10
S: 500 *
S: 421 4.7.0 *
EOF
X

{
	echo 'S: 220 *'
	echo 'REPEAT 600 x'
	echo 'C: '
	echo 'S: 500 5.5.2 Line too long*'
	echo 'REPEAT 100000 y'
	echo 'C: '
	echo 'S: 500 5.5.2 Line too long*'
	echo 'C: NOOP'
	echo 'S: 250 *'
	echo 'C: QUIT'
	echo 'S: 221 *'
} >"$T/long.chat"
chat_ok "a command over 512 octets gets 500 and the session goes on" -- $SMTP <"$T/long.chat"

chat_ok "NUL and non-ASCII bytes in commands are refused" -- $SMTP <<'X'
S: 220 *
R: NO\0OP\r\n
S: 500 5.5.2 NUL*
C: HELO kılıç
S: 500 5.5.2 Non-ASCII*
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<gizem@örnek.com>
S: 553 5.6.7 *
C: MAIL FROM:<gizem@örnek.com> SMTPUTF8
S: 250 2.1.0 *
C: RCPT TO:<gizem@örnek.com>
S: 250 2.1.5 *
C: QUIT
S: 221 *
EOF
X

chat_ok "--no-esmtp: EHLO gets 502, HELO works" -- $SMTP --no-esmtp <<'X'
S: 220 mx.test SMTP *
C: EHLO c
S: 502 5.5.1 *
C: HELO c
S: 250 *
C: QUIT
S: 221 *
EOF
X

chat_ok "--no-pipelining and --no-8bitmime drop them from EHLO" -- $SMTP --no-pipelining --no-8bitmime <<'X'
S: 220 *
C: EHLO c
S: 250-mx.test*
S: 250-SIZE *
S: 250-ENHANCEDSTATUSCODES
S: 250-SMTPUTF8
S: 250-HELP
S: 250 AUTH PLAIN LOGIN
C: MAIL FROM:<a@example.com> BODY=8BITMIME
S: 555 5.5.4 *
C: QUIT
S: 221 *
EOF
X

chat_ok "--strict-crlf: a bare-LF command gets 500 5.5.2" -- $SMTP --strict-crlf <<'X'
S: 220 *
L: EHLO c
S: 500 5.5.2 Bare LF*
C: QUIT
S: 221 *
EOF
X

chat_ok "--timeout: an idle client gets 421" -t 10 -- $SMTP --timeout 1 <<'X'
S: 220 *
S: 421 4.4.2 *Timeout*
EOF
X

chat_ok "pipelined commands get their replies in order" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
R: MAIL FROM:<a@example.com>\r\nRCPT TO:<gizem@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<melek@example.com>\r\nDATA\r\n
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 550 5.1.1 *
S: 250 2.1.5 *
S: 354 *
C: Subject: pipelined
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 *
EOF
X

# ---- issue 10: exactly one reply per command ----

# A bare HELO/EHLO after a greeting once got 501 and then 250, and the
# 250 reset the error count: now one 501, and ten of them end it.
chat_ok "bare HELO/EHLO after a greeting: one 501 each, then 421" -- \
	sh -c "exec $SMTP 2>'$T/helo.log'" <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
C: HELO
S: 501 5.5.4 *
C: EHLO
S: 501 5.5.4 *
S: 421 4.7.0 *
EOF
X
check "... the 421 is logged as too many errors, not as QUIT" \
	grep -q 'disconnected (too many errors)' "$T/helo.log"
check "... and the greeting still held: MAIL works after a bare HELO" sh -c "
	printf 'EHLO c\r\nHELO\r\nMAIL FROM:<a@example.com>\r\nQUIT\r\n' |
	$SMTP 2>/dev/null | tr -d '\r' | grep -q '^250 2.1.0'"

# ---- issue 10: one identity rule, RFC 5321 4.1.2 paths ----

rm -rf "$MD"
chat_ok "bad paths at RCPT get 501 5.1.3, bad mailbox names 553 5.1.3" -- \
	$TOP/smtp_server --stdio -d $MD <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<melek@example.com> SMTPUTF8
S: 250 *
C: RCPT TO:<<bad@x>
S: 501 5.1.3 *
C: RCPT TO:<a@@b>
S: 501 5.1.3 *
C: RCPT TO:<gizem@example.com,test@example.com>
S: 501 5.1.3 *
C: RCPT TO:<a@>
S: 501 5.1.3 *
C: RCPT TO:<@b>
S: 501 5.1.3 *
C: NOOP
S: 250 *
C: RCPT TO:<a@b.>
S: 501 5.1.3 *
C: RCPT TO:<a@b
S: 501 5.1.3 *
C: RCPT TO:<gizem@x@y>
S: 501 5.1.3 *
C: RCPT TO:<a;b|c&d@x>
S: 501 5.1.3 *
R: RCPT TO:<\xff\xfe@x>\r\n
S: 501 5.1.3 *
C: NOOP
S: 250 *
R: RCPT TO:<a\xc0\xaf@x>\r\n
S: 501 5.1.3 *
C: RCPT TO:<"a b"@x>
S: 553 5.1.3 *
C: RCPT TO:<a%b@x>
S: 553 5.1.3 *
C: RCPT TO:<-rf@x>
S: 553 5.1.3 *
C: RCPT TO:<"$(id)"@x>
S: 553 5.1.3 *
C: NOOP
S: 250 *
C: RCPT TO:<*@x>
S: 553 5.1.3 *
C: RCPT TO:<"a;b|c&d"@x>
S: 553 5.1.3 *
R: RCPT TO:<"\xc2\x9b"@x>\r\n
S: 553 5.1.3 *
C: RCPT TO:<gizem@[127.0.0.1]>
S: 250 2.1.5 *
C: RCPT TO:<Melek+lab@[IPv6:::1]>
S: 250 2.1.5 *
C: DATA
S: 354 *
C: Subject: only two mailboxes
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 *
EOF
X
check "... no directory for a refused name: only gizem and melek" \
	test "$(ls "$MD" | tr '\n' ' ')" = "gizem melek "

chat_ok "MAIL: bad paths 501 5.1.7; a source route is ignored, never <>" -- $SMTP <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: MAIL FROM:<@a,@b:>
S: 501 5.1.7 *
C: MAIL FROM:<<a@b>
S: 501 5.1.7 *
C: MAIL FROM:<a@b.>
S: 501 5.1.7 *
C: MAIL FROM:<@a,@b:melek@example.com>
S= 250 2.1.0 Sender <melek@example.com> ok
C: RSET
S: 250 *
C: MAIL FROM:<melek@example.com> BODY=8BITMIME BODY=7BIT
S: 501 5.5.4 Duplicate parameter*
C: MAIL FROM:<melek@example.com> SIZE=10 SIZE=20
S: 501 5.5.4 Duplicate parameter*
C: MAIL FROM:<çiğdem@example.com> SmtpUtf8
S: 250 2.1.0 *
C: RCPT TO:<gizem@example.com> 
S: 250 2.1.5 *
C: QUIT
S: 221 *
EOF
X

# Users file: a non-canonical name is no user, with one warning a line.
printf '# users\nbob+x:1234\nAli:1234\nbob:1234\nali:1234\n-rf:1234\n' >"$T/users.id"
chat_ok "AUTH: bob+x is no login, Ali logs in as ali" -- \
	sh -c "exec $TOP/smtp_server --stdio -d $MD -U $T/users.id 2>'$T/id.log'" <<'X'
S: 220 *
C: EHLO c
S~ 250 AUTH*
C: AUTH PLAIN AGJvYit4ADEyMzQ=
S: 535 5.7.8 *
C: AUTH PLAIN AEFsaQAxMjM0
S: 235 2.7.0 *
C: MAIL FROM:<ali@example.com>
S: 250 *
C: RCPT TO:<Ali@example.com>
S: 250 *
C: RCPT TO:<bob+x@example.com>
S: 250 *
C: RCPT TO:<-rf@example.com>
S: 553 5.1.3 *
C: QUIT
S: 221 *
EOF
X
check "... one warning per bad users-file line, naming file and line" sh -c "
	grep -q 'users.id:2: user .bob+x. is not a canonical' '$T/id.log' &&
	grep -q 'users.id:3: user .Ali. is not a canonical' '$T/id.log' &&
	grep -q 'users.id:6: user .-rf. is not a canonical' '$T/id.log' &&
	test \$(grep -c 'not a canonical' '$T/id.log') -eq 3"

# ---- issue 10: options ----
check "an option typo names it and says try --help, without the usage" sh -c "
	$TOP/smtp_server --bogus >/dev/null 2>'$T/typo.err'; test \$? -eq 64 &&
	grep -q 'bogus' '$T/typo.err' && grep -q 'try .smtp_server --help.' '$T/typo.err' &&
	! grep -q 'usage:' '$T/typo.err'"

# ---- issue 10: the scripted peer itself can say "and nothing more" ----
printf 'S: 220 *\nC: NOOP\n' >"$T/short.chat"
check "chat without -x does not see a reply the script left unread" \
	"$CHAT" -- $SMTP <"$T/short.chat"
check_not "chat -x fails on a line the script did not expect" \
	"$CHAT" -x -- $SMTP <"$T/short.chat"
printf 'S: 220 *\nC: HELP\nS~ 214 *\n' >"$T/skip.chat"
check "chat -x: S~ may skip the first lines of a multi-line reply" \
	"$CHAT" -x -- $SMTP <"$T/skip.chat"
printf 'S: 220 *\nC: NOOP\nC: NOOP\nS~ 250 *\n' >"$T/skip2.chat"
check_not "chat -x: two replies where the script reads one fail" \
	"$CHAT" -x -- $SMTP <"$T/skip2.chat"
