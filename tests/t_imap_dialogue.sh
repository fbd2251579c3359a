#!/bin/sh
# Dialogue tests of imap_server through --stdio: every command in every
# state, literals (synchronizing and LITERAL+), SASL-IR, the refusals,
# bad and oversized input, ten errors in a row, autologout.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

M1='From: Melek <melek@example.com>\nTo: gizem@example.com\nSubject: Selam\nDate: Mon, 30 Nov 2026 01:00:00 +0000\nMessage-ID: <m1@example.com>\n\nHello\nworld\n'
M2='From: "Test, User" <test@example.com>\nTo: a@b.c, Group: x@y.z, w@v.u;\nSubject: two\n\n.line 1\nline 2\n'
N1=$(uniq_name 1764000001 1 "$M1")
N2=$(uniq_name 1764000002 2 "$M2")
put_msg gizem "$N1" "$M1"
put_msg gizem "$N2" "$M2"

chat_ok "greeting, CAPABILITY, NOOP, ID and LOGOUT before login" -- $IMAP <<'X'
S= * OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN] mailab IMAP4rev1 server ready
C: a1 CAPABILITY
S= * CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN
S= a1 OK CAPABILITY completed
C: a2 noop
S= a2 OK NOOP completed
C: a3 ID ("name" "chat" "version" NIL)
S= * ID ("name" "mailab" "version" "1.0")
S= a3 OK ID completed
C: a4 ID NIL
S: * ID *
S= a4 OK ID completed
C: a5 ID (broken
S= a5 BAD syntax: ID NIL | ID ("field" "value" ...)
C: a6 LOGOUT
S= * BYE mailab IMAP4rev1 server logging out
S= a6 OK LOGOUT completed
EOF
X

chat_ok "not authenticated: every later command is refused" -- $IMAP <<'X'
S: * OK*
C: a SELECT INBOX
S= a BAD SELECT not allowed in the not authenticated state
C: b EXAMINE INBOX
S= b BAD EXAMINE not allowed in the not authenticated state
C: c LIST "" *
S= c BAD LIST not allowed in the not authenticated state
C: d LSUB "" *
S: d BAD LSUB not allowed*
C: e STATUS INBOX (MESSAGES)
S: e BAD STATUS not allowed*
C: f CREATE x
S: f BAD CREATE not allowed*
C: g FETCH 1 FLAGS
S= g BAD FETCH not allowed in the not authenticated state
C: h STORE 1 FLAGS (\Seen)
S: h BAD STORE not allowed*
C: i SEARCH ALL
S: i BAD SEARCH not allowed*
C: j NOOP
S= j OK NOOP completed
C: k UID FETCH 1 FLAGS
S: k BAD FETCH not allowed*
C: l EXPUNGE
S: l BAD EXPUNGE not allowed*
C: m CLOSE
S: m BAD CLOSE not allowed*
C: n CHECK
S: n BAD CHECK not allowed*
C: o IDLE
S: o BAD IDLE not allowed*
C: o2 COPY 1 INBOX
S: o2 BAD COPY not allowed*
C: p LOGOUT
S: * BYE*
S= p OK LOGOUT completed
EOF
X

chat_ok "LOGIN: wrong password, unknown user, names against the identity rule; upper case is the same user" -- $IMAP <<'X'
S: * OK*
C: a LOGIN gizem 9999
S= a NO [AUTHENTICATIONFAILED] invalid user name or password
C: b LOGIN nobody 1234
S= b NO [AUTHENTICATIONFAILED] invalid user name or password
C: c LOGIN ../gizem 1234
S= c NO [AUTHENTICATIONFAILED] invalid user name or password
C: d LOGIN gizem+tag 1234
S= d NO [AUTHENTICATIONFAILED] invalid user name or password
C: e LOGIN gizem
S= e BAD syntax: LOGIN user password
C: f LOGIN "GiZem" "1234"
S= f OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN] LOGIN completed
C: g LOGIN gizem 1234
S= g BAD LOGIN not allowed in the authenticated state
C: h AUTHENTICATE PLAIN
S= h BAD AUTHENTICATE not allowed in the authenticated state
C: i LOGOUT
S: * BYE*
S: i OK*
EOF
X

chat_ok "LOGIN with a synchronizing literal and a LITERAL+ one" -- $IMAP <<'X'
S: * OK*
C: a LOGIN {5}
S= + Ready for literal data
R: gizem {4+}\r\n1234\r\n
S= a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN] LOGIN completed
C: b LOGOUT
S: * BYE*
S: b OK*
EOF
X

# "\0gizem\0001234" and "\0gizem\0wrong" in base64 (RFC 4616)
PLAIN=AGdpemVtADEyMzQ=
WRONG=AGdpemVtAHdyb25n
chat_ok "AUTHENTICATE PLAIN: a continuation, cancel, bad base64, wrong password, other mechanisms, a mechanism that is no atom (found by fuzz_imap_server: no reply, and the session aborted)" -- $IMAP <<X
S: * OK*
C: a AUTHENTICATE LOGIN
S= a NO [CANNOT] only AUTHENTICATE PLAIN is offered
C: a0 AUTHENTICATE (PLAIN
S= a0 BAD syntax: AUTHENTICATE mechanism [initial-response]
C: a1 AUTHENTICATE PLAIN AGdp (x
S= a1 BAD syntax: AUTHENTICATE mechanism [initial-response]
C: b AUTHENTICATE PLAIN
S= + 
C: *
S= b BAD AUTHENTICATE cancelled
C: c AUTHENTICATE PLAIN
S= + 
C: !!!!
S= c BAD not a valid base64 PLAIN message (RFC 4616)
C: d AUTHENTICATE PLAIN $WRONG
S= d NO [AUTHENTICATIONFAILED] invalid user name or password
C: e AUTHENTICATE PLAIN
S= + 
C: $PLAIN
S= e OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN] AUTHENTICATE PLAIN completed
C: f LOGOUT
S: * BYE*
S: f OK*
EOF
X

chat_ok "AUTHENTICATE PLAIN with the initial response (SASL-IR, RFC 4959)" -- $IMAP <<X
S: * OK*
C: a AUTHENTICATE PLAIN $PLAIN
S= a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN] AUTHENTICATE PLAIN completed
C: b LOGOUT
S: * BYE*
S: b OK*
EOF
X

chat_ok "authenticated: LIST, LSUB, STATUS; other mailboxes refused; selected-state commands refused" -- $IMAP <<X
$LOGIN
C: c LIST "" ""
S= * LIST (\\Noselect) "/" ""
S= c OK LIST completed
C: d LIST "" *
S= * LIST (\\HasNoChildren) "/" INBOX
S= d OK LIST completed
C: e LIST "" "In%"
S= * LIST (\\HasNoChildren) "/" INBOX
S= e OK LIST completed
C: f LIST "" Other
S= f OK LIST completed
C: g LSUB "" "*"
S= * LSUB () "/" INBOX
S= g OK LSUB completed
C: h STATUS inbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)
S: * STATUS INBOX (MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY * UNSEEN 2)
S= h OK STATUS completed
C: i STATUS Other (MESSAGES)
S= i NO [NONEXISTENT] only INBOX exists here
C: j STATUS INBOX (BOGUS)
S= j BAD STATUS items: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN
C: k CREATE Sent
S= k NO [CANNOT] this server keeps one mailbox, INBOX
C: l DELETE INBOX
S: l NO*
C: m RENAME INBOX Old
S: m NO*
C: n SELECT Other
S= n NO [NONEXISTENT] only INBOX exists here
C: o FETCH 1 FLAGS
S= o BAD FETCH not allowed in the authenticated state
C: p EXPUNGE
S: p BAD EXPUNGE not allowed*
C: q LOGOUT
S: * BYE*
S: q OK*
EOF
X

chat_ok "EXAMINE is read-only: STORE and EXPUNGE refused, BODY[TEXT] sets no \\Seen" -- $IMAP <<X
$LOGIN
C: b EXAMINE INBOX
S= * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S= * OK [PERMANENTFLAGS ()] Flags kept in the Maildir
S= * 2 EXISTS
S= * 2 RECENT
S= * OK [UNSEEN 1] First unseen
S: * OK \[UIDVALIDITY *\] UIDs valid
S= * OK [UIDNEXT 3] Predicted next UID
S= b OK [READ-ONLY] EXAMINE completed
C: c STORE 1 +FLAGS (\\Seen)
S= c NO [READ-ONLY] mailbox opened with EXAMINE
C: d EXPUNGE
S= d NO [READ-ONLY] mailbox opened with EXAMINE
C: e FETCH 1 (BODY[TEXT] FLAGS)
S= * 1 FETCH (BODY[TEXT] {14}
S= Hello
S= world
S=  FLAGS (\\Recent))
S= e OK FETCH completed
C: f LOGOUT
S: * BYE*
S: f OK*
EOF
X
check "EXAMINE left new/ alone" test "$(files gizem new | wc -l | tr -d ' ')" -eq 2

chat_ok "bad input: no tag, unknown verb, UID with the wrong verb, a NUL, a bad sequence set; the session goes on" -- $IMAP <<X
S: * OK*
C: 
S= * BAD expected: tag SP command (RFC 3501 2.2.1)
C: NOOP
S= * BAD expected: tag SP command (RFC 3501 2.2.1)
C: a XYZZY
S= a BAD unknown command: "XYZZY"
C: a2 uid LOGOUT
S= a2 BAD UID takes FETCH, STORE, SEARCH or COPY
R: a3 NOOP\0\r\n
S= a3 BAD syntax: NOOP
C: a4 LOGIN
S= a4 BAD LOGIN needs arguments
C: a5 LOGIN gizem 1234
S: a5 OK*
C: b SELECT INBOX
S~ b OK*
C: c FETCH 0 FLAGS
S= c BAD syntax: FETCH sequence-set items
C: d FETCH 1:x FLAGS
S= d BAD syntax: FETCH sequence-set items
C: e FETCH 3 FLAGS
S= e BAD no such message (the mailbox has 2)
C: f FETCH 1 (FLAGS BOGUS)
S= f BAD syntax: FETCH sequence-set items
C: g FETCH 1 BODY.PEEK[9]
S= * 1 FETCH (BODY[9] {0}
S= )
S= g OK FETCH completed
C: h STORE 1 COLOR (\\Seen)
S= h BAD STORE takes FLAGS, +FLAGS or -FLAGS (.SILENT)
C: i SEARCH BOGUS
S= i BAD syntax: SEARCH [CHARSET name] keys (RFC 3501 6.4.4)
C: j SEARCH CHARSET KOI8-R ALL
S= j NO [BADCHARSET (US-ASCII UTF-8)] unknown charset
C: k NOOP
S= k OK NOOP completed
C: l LOGOUT
S: * BYE*
S: l OK*
EOF
X

chat_ok "a line over 8 KiB gets BAD with its tag; a literal over the size limit is refused before it is sent" -- $IMAP <<X
S: * OK*
R: a NOOP 
REPEAT 9000 x
R: \r\n
S= a BAD line too long (limit 8192 octets outside literals)
C: b LOGIN {99999999}
S= b BAD [TOOBIG] literal over 10485760 octets
C: c NOOP
S= c OK NOOP completed
C: d LOGOUT
S: * BYE*
S: d OK*
EOF
X

chat_ok "a literal of 2 MiB is read whole (literals go past the 8 KiB line limit)" -- $IMAP <<X
S: * OK*
C: a LOGIN gizem {2097152}
S= + Ready for literal data
REPEAT 2097152 x
R: \r\n
S= a NO [AUTHENTICATIONFAILED] invalid user name or password
C: b LOGOUT
S: * BYE*
S: b OK*
EOF
X

chat_ok "ten bad commands in a row end the session with BYE" -- $IMAP <<X
S: * OK*
C: a1 BOGUS
S: a1 BAD*
C: a2 BOGUS
S: a2 BAD*
C: a3 LOGIN gizem wrong
S: a3 NO*
C: a4 BOGUS
S: a4 BAD*
C: a5 BOGUS
S: a5 BAD*
C: a6 BOGUS
S: a6 BAD*
C: a7 BOGUS
S: a7 BAD*
C: a8 BOGUS
S: a8 BAD*
C: a9 BOGUS
S: a9 BAD*
C: a10 BOGUS
S: a10 BAD*
S= * BYE too many bad commands, closing connection
EOF
X

chat_ok "a good command resets the count of bad ones" -- $IMAP <<X
S: * OK*
REPEAT 9 z BOGUS\r\n
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
S: z BAD*
C: a NOOP
S= a OK NOOP completed
REPEAT 9 y BOGUS\r\n
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
S: y BAD*
C: b LOGOUT
S: * BYE mailab*
S: b OK*
EOF
X

chat_ok "autologout after --timeout with BYE (RFC 3501 5.4)" -- $IMAP --timeout 1 <<X
$LOGIN
S= * BYE autologout: idle for too long
EOF
X

chat_ok "autologout during IDLE too" -- $IMAP --timeout 1 <<X
$LOGIN
C: b IDLE
S= + idling
S= * BYE autologout: idle for too long
EOF
X

# -v: a command with literals is traced line by line as on the wire; a
# long literal as one line that gives its length.
{
	printf 'a LOGIN {5}\r\ngizem {4+}\r\n1234\r\nb NOOP {3000+}\r\n'
	i=0; while [ $i -lt 300 ]; do printf 'xxxxxxxxxx'; i=$((i + 1)); done
	printf '\r\nz LOGOUT\r\n'
} >"$T/lit.in"
$IMAP -v <"$T/lit.in" >/dev/null 2>"$T/lit.trace"
check "-v traces literals as the wire lines" sh -c "grep -qx 'C: a LOGIN {5}' '$T/lit.trace' &&
	grep -qx 'S: + Ready for literal data' '$T/lit.trace' && grep -qx 'C: gizem {4+}' '$T/lit.trace' &&
	grep -qx 'C: 1234' '$T/lit.trace' && grep -qx 'C: \[3000 octets of literal data\]' '$T/lit.trace'"

# ---- one identity rule (lib/identity, as in pop_server) ----

printf 'bob+x:1234\nAli:1234\nbob:1234\nali:1234\n' >"$T/users.id"
put_msg bob "$N1" "$M1"
chat_ok "LOGIN and AUTHENTICATE PLAIN: bob+x is no login and never reads bob's mail; Ali logs in as ali" -- \
	sh -c "exec $TOP/imap_server --stdio -d $MD -U $T/users.id 2>'$T/id.log'" <<'X'
S: * OK*
C: a LOGIN bob+x 1234
S= a NO [AUTHENTICATIONFAILED] invalid user name or password
C: b AUTHENTICATE PLAIN AGJvYit4ADEyMzQ=
S= b NO [AUTHENTICATIONFAILED] invalid user name or password
C: c LOGIN -rf 1234
S= c NO [AUTHENTICATIONFAILED] invalid user name or password
C: d AUTHENTICATE PLAIN AEFsaQAxMjM0
S: d OK * AUTHENTICATE PLAIN completed
C: e STATUS INBOX (MESSAGES)
S= * STATUS INBOX (MESSAGES 0)
S= e OK STATUS completed
C: f LOGOUT
S: * BYE*
S: f OK*
EOF
X
check "... Ali's login is logged as ali, bob+x's as refused" sh -c "
	grep -q 'login as ali (AUTHENTICATE PLAIN)\$' '$T/id.log' &&
	grep -q 'login as bob+x (LOGIN): refused' '$T/id.log'"
chat_ok "LOGIN Ali (any case) reads the mailbox ali, the name RCPT gives" -- \
	sh -c "exec $TOP/imap_server --stdio -d $MD -U $T/users.id 2>/dev/null" <<'X'
S: * OK*
C: a LOGIN ALI 1234
S: a OK * LOGIN completed
C: b LOGOUT
S: * BYE*
S: b OK*
EOF
X
check "... and no mailbox was made for a refused name" sh -c "
	test ! -e '$MD/bob+x' && test ! -e '$MD/Ali' && test ! -e '$MD/-rf'"
