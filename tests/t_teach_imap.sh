#!/bin/sh
# shellcheck disable=SC2086,SC2153 # $IMAP is a command line (tests/lib_imap.sh)
# tests/t_teach_imap.sh: the teaching modes on imap_server (SPEC
# "Teaching modes"): -e explains every verb of its command table and
# every command and tagged reply of a whole session, in English and in
# Turkish, with the wire the same in both; --fail VERB[@N]=REPLY in
# IMAP's forms (NO/BAD/OK text with the tag put in front, a bare NO or
# BAD, BYE and close ending the session, CONNECT=BYE, @N), each fault
# logged; bad specs refused at start; --help with --fail, in Turkish.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

IMAPD="$TOP/imap_server"
M1='From: Melek <melek@example.com>\nTo: gizem@example.com\nSubject: Selam\n\nHello\n'
# fresh: gizem's mailbox with one new message, as it was at first.
fresh() {
	rm -rf "$MD/gizem"
	put_msg gizem "$(uniq_name 1764000001 1 "$M1")" "$M1"
}
fresh

# Every verb in the command table is explained after its C: line.
verbs=$(sed -n '/session_command commands\[\]/,/^};/p' "$IMAPD.c" |
	sed -n 's/^[	 ]*{ "\([A-Z]*\)",.*/\1/p')
for lang in en tr; do
	missing=""
	for v in $verbs; do
		printf 'a1 %s\r\na2 LOGOUT\r\n' "$v" |
			$IMAP -e --lang "$lang" >/dev/null 2>"$T/verb.trace"
		grep -A1 "^C: a1 $v\$" "$T/verb.trace" | sed -n 2p | grep -q '^   [^ (]' ||
			missing="$missing $v"
	done
	if [ -z "$missing" ] && [ -n "$verbs" ]; then
		pass "imap_server: every verb of its command table explained ($lang): $(echo "$verbs" | wc -w | tr -d ' ') verbs"
	else fail "imap_server: every verb of its command table explained ($lang)" "missing:$missing"; fi
done

# A whole session: every command line and every tagged reply explained.
session() {
	printf 'a1 CAPABILITY\r\na2 LOGIN gizem 1234\r\na3 SELECT INBOX\r\na4 FETCH 1 (FLAGS BODY.PEEK[HEADER])\r\na5 UID SEARCH UNSEEN\r\na6 STORE 1 +FLAGS (\\Seen)\r\na7 EXAMINE INBOX\r\na8 STATUS INBOX (MESSAGES)\r\na9 CLOSE\r\nb1 LOGOUT\r\n'
}
unexplained() {
	awk '{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (line[i] !~ /^C: [a-z][0-9] / && line[i] !~ /^S: [a-z][0-9] (OK|NO|BAD)/) continue
			n++
			if (line[i + 1] !~ /^   [^ (]/) print "unexplained: " line[i]
		}
		if (n < 15) print "only " n " lines"
	}' "$1"
}
for lang in en tr; do
	fresh
	session | $IMAP -e --lang "$lang" >"$T/wire.$lang" 2>"$T/trace.$lang"
	bad=$(unexplained "$T/trace.$lang")
	if [ -z "$bad" ]; then pass "imap_server -e --lang $lang: every command and tagged reply of a session explained"
	else fail "imap_server -e --lang $lang: every command and tagged reply of a session explained" "$bad"; fi
	fresh
done
if cmp -s "$T/wire.en" "$T/wire.tr" && grep -q '^a4 OK' "$T/wire.en" &&
	grep -q 'istemci\|sunucu' "$T/trace.tr" && grep -q 'RFC 3501' "$T/trace.tr"; then
	pass "imap_server: the wire identical under --lang en and tr; Turkish explanations name the RFC"
else fail "imap_server: the wire identical under --lang en and tr" "$(diff "$T/wire.en" "$T/wire.tr" | head -n 5 | tr '\n' '|')"; fi

# imap_fail NAME FAULTS... <script: a chat against --stdio -v with faults.
imap_fail() {
	name=$1; shift
	cat >"$T/script"
	if "$CHAT" -x -- $IMAP -v "$@" <"$T/script" >"$T/chat.out" 2>&1; then pass "$name"
	else fail "$name" "$(tr '\n' ' ' <"$T/chat.out")"; fi
}

imap_fail "--fail SELECT=NO text: the tag put in front, the session goes on" --fail 'SELECT=NO [UNAVAILABLE] disk on fire' <<X
$LOGIN
C: b SELECT INBOX
S= b NO [UNAVAILABLE] disk on fire
C: c FETCH 1 FLAGS
S= c BAD FETCH not allowed in the authenticated state
C: d LOGOUT
S: * BYE*
S= d OK LOGOUT completed
EOF
X
if grep -q 'fault injected: SELECT #1 answered with NO \[UNAVAILABLE\] disk on fire' "$T/chat.out" &&
	grep -q 'injected, not the server' "$T/chat.out"; then pass "... logged as a fault, and marked in -v"
else fail "... logged as a fault, and marked in -v" "$(tr '\n' ' ' <"$T/chat.out")"; fi

imap_fail "--fail LOGIN=NO (bare): the usual AUTHENTICATIONFAILED text" --fail LOGIN=NO <<'X'
S: * OK*
C: a LOGIN gizem 1234
S= a NO [AUTHENTICATIONFAILED] Authentication failed
C: b LOGOUT
S: * BYE*
S= b OK LOGOUT completed
EOF
X

imap_fail "--fail FETCH@2=BAD: only the second FETCH (UID FETCH counts), a bare BAD" --fail FETCH@2=BAD <<X
$SELECT
C: c FETCH 1 UID
S= * 1 FETCH (UID 1)
S= c OK FETCH completed
C: d UID FETCH 1 UID
S= d BAD Command not accepted
C: e FETCH 1 UID
S= * 1 FETCH (UID 1)
S= e OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

imap_fail "--fail NOOP=BYE: untagged, and the session ends" --fail NOOP=BYE <<'X'
S: * OK*
C: a NOOP
S= * BYE [UNAVAILABLE] Server not available, closing connection
EOF
X

imap_fail "--fail CAPABILITY=close: no reply, the connection closed" --fail CAPABILITY=close <<'X'
S: * OK*
C: a CAPABILITY
EOF
X

imap_fail "--fail CONNECT=BYE: the greeting refuses the connection (RFC 3501 7.1.5)" --fail CONNECT=BYE <<'X'
S= * BYE [UNAVAILABLE] Server not available, closing connection
EOF
X

imap_fail "--fail LOGIN=OK text: a lie the client believes, the state unchanged" --fail 'LOGIN=OK pretend' <<'X'
S: * OK*
C: a LOGIN gizem 1234
S= a OK pretend
C: b SELECT INBOX
S= b BAD SELECT not allowed in the not authenticated state
C: c LOGOUT
S: * BYE*
S: c OK*
EOF
X

# Bad specs: EX_USAGE (64) at start, with a reason; a good one starts.
for spec in 'FROB=NO' 'LOGIN=451 x' 'LOGIN=' 'FETCH@0=NO' 'LOGIN=-ERR x' 'LOGIN=NO ' 'LOGIN=NO'; do
	"$IMAPD" --stdio -d "$MD" -U "$T/users" --fail "$spec" </dev/null >/dev/null 2>"$T/bad.err"
	rc=$?
	want=64
	[ "$spec" = LOGIN=NO ] && want=0
	if [ "$rc" -eq "$want" ] && { [ "$want" -eq 0 ] || grep -q -- '--fail' "$T/bad.err"; }; then
		pass "--fail '$spec': exit $want"
	else fail "--fail '$spec': exit $want" "exit $rc: $(cat "$T/bad.err")"; fi
done

"$IMAPD" --stdio -d "$MD" -U "$T/users" --fail FROB=NO </dev/null 2>"$T/frob.err"
if grep -q "unknown verb 'FROB' (this server knows: CAPABILITY .* COPY CONNECT)" "$T/frob.err"; then
	pass "--fail with an unknown verb lists every verb of the table, whole"
else fail "--fail with an unknown verb lists every verb of the table, whole" "$(cat "$T/frob.err")"; fi

# --help names --fail and the teaching options, in both languages.
if "$IMAPD" --help | grep -q -- '--fail VERB\[@N\]=REPLY' &&
	"$IMAPD" --help | grep -q -- '--explain' &&
	"$IMAPD" --lang tr --help | grep -q 'kullanım: imap_server' &&
	"$IMAPD" --lang tr --help | grep -q 'KOMUT\[@N\]=YANIT'; then
	pass "imap_server --help: the teaching modes and --fail, in English and Turkish"
else fail "imap_server --help: the teaching modes and --fail, in English and Turkish"; fi
if LC_ALL=tr_TR.UTF-8 "$IMAPD" --bogus 2>&1 | grep -q "imap_server --help' yazın"; then
	pass "imap_server: a bad option's message in the locale's language"
else fail "imap_server: a bad option's message in the locale's language"; fi

# --delay MS: each line on the wire waits; a literal's octets do not.
# Four lines (greeting, a OK, * BYE, b OK) at 600 ms: 2.4 s, so at
# least 2 s by the clock's whole seconds (without pacing: none).
start=$(date +%s)
printf 'a LOGIN gizem 1234\r\nb LOGOUT\r\n' |
	$IMAP --delay 600 -v >"$T/delay.out" 2>"$T/delay.trace"
took=$(($(date +%s) - start))
if [ "$took" -ge 2 ] && grep -q '^a OK' "$T/delay.out" && grep -q '^S: b OK LOGOUT' "$T/delay.trace"; then
	pass "imap_server --delay 600: four lines took ${took} s, the dialogue whole"
else fail "imap_server --delay 600: four lines took ${took} s" "$(cat "$T/delay.out")"; fi
$IMAP --step </dev/null >/dev/null 2>"$T/step.err"
rc=$?
if [ "$rc" -eq 64 ]; then pass "imap_server --step without a terminal: EX_USAGE"
else fail "imap_server --step without a terminal: EX_USAGE" "exit $rc: $(cat "$T/step.err")"; fi
