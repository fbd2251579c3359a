#!/bin/sh
# tests/t_teach_explain.sh: -e/--explain and --lang on all four programs
# (SPEC "Teaching modes"): an explanation after every command and every
# reply of a full session of each program, in English and in Turkish;
# the bytes on the wire the same in both languages.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

MD="$T/md"
SEND="$TOP/mail_send"
POPC="$TOP/pop_client"

# explained FILE: every command line (C: VERB ...) and every status line
# (S: ddd, S: +OK/-ERR) of the trace in FILE is followed by one
# indented explanation; prints the lines that are not.
explained() {
	awk '
	function is_status(l) { return l ~ /^S: [2-5][0-9][0-9]([ -]|$)/ || l ~ /^S: (\+OK|-ERR)/ }
	function is_command(l) {
		return l ~ /^C: (EHLO|HELO|MAIL|RCPT|DATA|RSET|NOOP|QUIT|VRFY|HELP|AUTH|USER|PASS|APOP|STAT|LIST|RETR|DELE|TOP|UIDL|CAPA)( |$)/ || l == "C: ."
	}
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (!is_status(line[i]) && !is_command(line[i])) continue
			n++
			if (line[i + 1] !~ /^   [^ (]/) print "unexplained: " line[i]
		}
		if (n < 5) print "only " n " protocol lines"
	}' "$1"
}

# explanations FILE: the explanation lines of a trace, sorted.
explanations() { grep '^   [^ (]' "$1" | LC_ALL=C sort -u; }

# wire FILE: the protocol lines of a trace, with what differs from one
# session to the next (queue ids, APOP timestamps, dates) made equal.
wire() {
	grep '^[CS]: ' "$1" | sed -e 's/queued as [^ ]*/queued as ID/' \
		-e 's/<[0-9]*\.[0-9]*@[^>]*>/<stamp>/' -e 's/^\(S: 250-[^ ]*\) Hello .*/\1/' -e 's/^C: APOP \([^ ]*\) .*/C: APOP \1 DIGEST/'
}

start_server smtp_server smtp.log "$TOP/smtp_server" -e -d "$MD" -n mx.test \
	-U "$TOP/users.txt" || exit 0
SMTP_PORT=$PORT
start_server pop_server pop.log "$TOP/pop_server" -e -d "$MD" \
	-U "$TOP/users.txt" || exit 0
POP_PORT=$PORT

printf 'From: melek@example.com\nTo: gizem@example.com\nSubject: =?UTF-8?B?U2VsYW0gZMO8bnlh?=\nMessage-ID: <fixed@example.com>\n\nline one\n.dot-stuffed line\n' >"$T/msg.eml"

for lang in en tr; do
	# mail_send: EHLO, AUTH PLAIN, MAIL, RCPT, DATA (pipelined), the
	# message, ".", QUIT; the server explains its side in English.
	mark=$(wc -l <"$T/smtp.log")
	"$SEND" --lang "$lang" -e -p "$SMTP_PORT" -u test -w 1234 \
		-t gizem@example.com --raw "$T/msg.eml" >"$T/send.$lang" 2>"$T/send.trace.$lang"
	tail -n +"$((mark + 1))" "$T/smtp.log" >"$T/smtpd.trace.$lang"
	bad=$(explained "$T/send.trace.$lang")
	if [ -z "$bad" ]; then pass "mail_send --lang $lang -e: every command and reply explained"
	else fail "mail_send --lang $lang -e: every command and reply explained" "$bad"; fi
	bad=$(explained "$T/smtpd.trace.$lang")
	if [ -z "$bad" ]; then pass "smtp_server -e ($lang client): every command and reply explained"
	else fail "smtp_server -e ($lang client): every command and reply explained" "$bad"; fi
	wire "$T/smtpd.trace.$lang" >"$T/smtp.wire.$lang"
done
# Both messages are in: each pop_client run sees the same mailbox.
for lang in en tr; do

	# pop_client: CAPA, USER, PASS, STAT, LIST, RETR, QUIT; then UIDL,
	# TOP, APOP, DELE in the runs after.
	mark=$(wc -l <"$T/pop.log")
	"$POPC" --lang "$lang" -e -p "$POP_PORT" -u gizem -w 1234 \
		>"$T/popc.$lang" 2>"$T/popc.trace.$lang"
	"$POPC" --lang "$lang" -e -p "$POP_PORT" -u gizem -w 1234 --apop --top 1 --uidl \
		>>"$T/popc.$lang" 2>>"$T/popc.trace.$lang"
	tail -n +"$((mark + 1))" "$T/pop.log" >"$T/popd.trace.$lang"
	bad=$(explained "$T/popc.trace.$lang")
	if [ -z "$bad" ]; then pass "pop_client --lang $lang -e: every command and reply explained"
	else fail "pop_client --lang $lang -e: every command and reply explained" "$bad"; fi
	bad=$(explained "$T/popd.trace.$lang")
	if [ -z "$bad" ]; then pass "pop_server -e ($lang client): every command and reply explained"
	else fail "pop_server -e ($lang client): every command and reply explained" "$bad"; fi
	wire "$T/popd.trace.$lang" >"$T/pop.wire.$lang"
done

# The explanations are the language's own: none shared, as many.
for p in send popc; do
	explanations "$T/$p.trace.en" >"$T/x.en"
	explanations "$T/$p.trace.tr" >"$T/x.tr"
	common=$(LC_ALL=C comm -12 "$T/x.en" "$T/x.tr" | head -n 3)
	if [ -z "$common" ] && [ "$(wc -l <"$T/x.en")" -gt 5 ] &&
		grep -q 'RFC' "$T/x.tr" && grep -q 'istemci\|sunucu' "$T/x.tr"; then
		pass "$p: Turkish explanations differ from the English ones, RFCs named"
	else fail "$p: Turkish explanations differ from the English ones, RFCs named" "$common"; fi
done
if grep -q 'base64 is not encryption' "$T/send.trace.en" && grep -q 'PIPELINING' "$T/send.trace.en" &&
	grep -q 'Selam dünya' "$T/send.trace.en" && grep -q 'RFC 5321 4.5.2' "$T/send.trace.en"; then
	pass "explained: AUTH's base64, the pipelined batch, the RFC 2047 subject, dot-stuffing"
else fail "explained: AUTH's base64, the pipelined batch, the RFC 2047 subject, dot-stuffing" "$(grep '^   ' "$T/send.trace.en" | head -n 40 | tr '\n' '|')"; fi

# The wire does not change with the language (the client's side, as
# the server saw it).
if cmp -s "$T/smtp.wire.en" "$T/smtp.wire.tr" && [ -s "$T/smtp.wire.en" ]; then pass "SMTP wire identical under --lang en and --lang tr"
else fail "SMTP wire identical under --lang en and --lang tr" "$(diff "$T/smtp.wire.en" "$T/smtp.wire.tr" | head -n 5 | tr '\n' '|')"; fi
if cmp -s "$T/pop.wire.en" "$T/pop.wire.tr" && [ -s "$T/pop.wire.en" ]; then pass "POP3 wire identical under --lang en and --lang tr"
else fail "POP3 wire identical under --lang en and --lang tr" "$(diff "$T/pop.wire.en" "$T/pop.wire.tr" | head -n 5 | tr '\n' '|')"; fi

# ...and the servers' side: a Turkish server sends what an English one does.
for lang in en tr; do
	start_server "smtp_server --lang $lang" sl.$lang "$TOP/smtp_server" --lang "$lang" -e \
		-d "$MD" -n mx.test || exit 0
	"$SEND" -v -p "$PORT" -t melek@example.com --raw "$T/msg.eml" >/dev/null 2>"$T/sc.$lang"
	wire "$T/sc.$lang" >"$T/sw.$lang"
	stop_server "$LAST_PID"
done
for lang in en tr; do
	start_server "pop_server --lang $lang" pl.$lang "$TOP/pop_server" --lang "$lang" -e \
		-d "$MD" -U "$TOP/users.txt" || exit 0
	"$POPC" -v -p "$PORT" -u gizem -w 1234 >/dev/null 2>"$T/pc.$lang"
	wire "$T/pc.$lang" >"$T/pw.$lang"
	stop_server "$LAST_PID"
done
if cmp -s "$T/sw.en" "$T/sw.tr" && grep -q '^S: 250 ' "$T/sw.en" && grep -q 'kabul' "$T/sl.tr"; then
	pass "smtp_server --lang tr: same replies on the wire, Turkish explanations in its log"
else fail "smtp_server --lang tr: same replies on the wire, Turkish explanations in its log" "$(diff "$T/sw.en" "$T/sw.tr" | head -n 5 | tr '\n' '|')"; fi
if cmp -s "$T/pw.en" "$T/pw.tr" && grep -q '^S: +OK' "$T/pw.en" && grep -q 'istemci' "$T/pl.tr"; then
	pass "pop_server --lang tr: same replies on the wire, Turkish explanations in its log"
else fail "pop_server --lang tr: same replies on the wire, Turkish explanations in its log" "$(diff "$T/pw.en" "$T/pw.tr" | head -n 5 | tr '\n' '|')"; fi

# -e implies -v; without -e no explanation.
"$SEND" -p "$SMTP_PORT" -t gizem@example.com -m hi -e </dev/null >/dev/null 2>"$T/e.only"
"$SEND" -p "$SMTP_PORT" -t gizem@example.com -m hi -v </dev/null >/dev/null 2>"$T/v.only"
if grep -q '^C: MAIL' "$T/e.only" && grep -q '^   ' "$T/e.only" && ! grep -q '^   [^(]' "$T/v.only"; then
	pass "-e implies -v; -v alone explains nothing"
else fail "-e implies -v; -v alone explains nothing"; fi

# Every verb in each server's command table has its explanation, in
# both languages: the server explains the client's line.
for srv in smtp_server pop_server; do
	verbs=$(sed -n '/session_command commands\[\]/,/^};/p' "$TOP/$srv.c" |
		sed -n 's/^[	 ]*{ "\([A-Z]*\)",.*/\1/p')
	for lang in en tr; do
		missing=""
		for v in $verbs; do
			printf '%s\r\nQUIT\r\n' "$v" |
				"$TOP/$srv" --stdio -e --lang "$lang" -d "$MD" -U "$TOP/users.txt" \
				>/dev/null 2>"$T/verb.trace"
			grep -A1 "^C: $v\$" "$T/verb.trace" | sed -n 2p | grep -q '^   [^ (]' ||
				missing="$missing $v"
		done
		if [ -z "$missing" ] && [ -n "$verbs" ]; then pass "$srv: every verb of its command table explained ($lang): $(echo "$verbs" | wc -w | tr -d ' ') verbs"
		else fail "$srv: every verb of its command table explained ($lang)" "missing:$missing"; fi
	done
done
