#!/bin/sh
# mail_send against real servers, when installed: Postfix's smtp-sink
# with its fault injection (-f/-r reject a command with 5xx/4xx, -q hangs
# up, -p hides PIPELINING, -e refuses EHLO, -8 hides 8BITMIME), and
# Python's aiosmtpd storing into a Maildir that Python's email reads.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_send.sh
. "$(dirname "$0")/lib_send.sh"

SINK=/usr/sbin/smtp-sink
[ -x "$SINK" ] || SINK=$(command -v smtp-sink 2>/dev/null)

# sink_case NAME STATUS PATTERN SINK_OPTIONS...: mail_send (-v) against
# smtp-sink started with the options; exit STATUS, stderr has PATTERN.
sink_case() {
	what=$1 status=$2 pat=$3; shift 3
	if [ -z "$SINK" ]; then skip "smtp-sink: $what" "smtp-sink not installed"; return; fi
	sp=$(free_port)
	user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
	"$SINK" $user "$@" 127.0.0.1:$sp 10 2>"$T/sink.log" &
	spid=$!
	if ! wait_port $sp; then fail "smtp-sink: $what" "smtp-sink did not start"; kill $spid; return; fi
	sends "smtp-sink: $what: exit $status" "$status" -H 127.0.0.1 -p $sp --timeout 5 -v </dev/null
	has "smtp-sink: $what: says so" "$T/send.err" "$pat"
	kill $spid; wait $spid 2>/dev/null
}

sink_case "accepts" 0 '^S: 250 2.0.0 Ok$'
sink_case "RCPT refused (5xx)" 69 'recipient gizem@example.com refused: 5' -f rcpt
sink_case "RCPT deferred (4xx)" 75 'recipient gizem@example.com refused: 4' -r rcpt
sink_case "MAIL refused (5xx)" 69 'MAIL FROM refused: 5' -f mail
sink_case "MAIL deferred (4xx)" 75 'MAIL FROM refused: 4' -r mail
sink_case "DATA refused" 69 'DATA refused: 5' -f data
sink_case "message refused after the body (5xx)" 69 'the message refused: 5' -f .
sink_case "message deferred after the body (4xx)" 75 'the message refused: 4' -r .
sink_case "greeting refused" 69 'connection refused: 5' -f connect
sink_case "hangs up after RCPT" 75 'connection closed by peer' -q rcpt
sink_case "hangs up after the body" 75 'connection closed by peer' -q .
sink_case "no PIPELINING: one at a time" 0 '^S: 250 2.1.0 Ok' -p
sink_case "EHLO refused: HELO" 0 '^C: HELO ' -e
sink_case "EHLO and HELO refused" 69 'HELO refused: 5' -e -f helo
sink_case "no 8BITMIME: quoted-printable" 0 '^C: Content-Transfer-Encoding: quoted-printable$' -8
if [ -n "$SINK" ]; then
	sp=$(free_port)
	user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
	"$SINK" $user 127.0.0.1:$sp 10 2>"$T/sink.log" & spid=$!
	wait_port $sp
	sends "smtp-sink: UTF-8 address without SMTPUTF8: exit 69" 69 -H 127.0.0.1 -p $sp -t 'çiğdem@example.com' </dev/null
	has "smtp-sink: UTF-8 address: says SMTPUTF8 is missing" "$T/send.err" 'SMTPUTF8'
	kill $spid; wait $spid 2>/dev/null
fi

# --- aiosmtpd: an independent server keeps the message ---
if have_py && "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	ap=$(free_port)
	"$PY" -m aiosmtpd -n -l 127.0.0.1:$ap -c aiosmtpd.handlers.Mailbox "$T/aio" 2>"$T/aio.log" &
	apid=$!; PIDS="$PIDS $apid"
	if wait_port $ap; then
		printf 'ek dosya\n' >"$T/ek.txt"
		sends "aiosmtpd: sent" 0 -H 127.0.0.1 -p $ap -s 'Günaydın' -a "$T/ek.txt" </dev/null
		py_msg "aiosmtpd: parseable, subject, body and attachment right" \
			"$(find "$T/aio/new" -type f | head -n 1)" "
assert msg['Subject'] == 'Günaydın'
text, att = list(msg.iter_parts())
assert text.get_content() == arg[0] + '\n'
assert att.get_filename() == 'ek.txt' and att.get_content() == 'ek dosya\n'
" "$SEED_BODY"
	else
		fail "aiosmtpd starts" "$(tail -n 2 "$T/aio.log")"
	fi
else
	skip "aiosmtpd: a message it stores parses" "aiosmtpd not installed"
fi
