#!/bin/sh
# scripts/smoke_test.sh: the end-to-end check of the four programs (the
# lab card's smoke test).  Builds if needed, starts both servers on free
# loopback ports in a temporary directory, sends a mail with Turkish
# characters and a line that starts with a dot (dot-stuffing, RFC 5321
# 4.5.2; byte-stuffing, RFC 1939 3), fetches it twice with pop_client (a
# plain RETR, then -o DIR --delete), reads it once over IMAP in between
# (imap_server --stdio: the same Maildir), and checks the text byte for
# byte and that the server's mailbox is empty at the end.  One "PASS: step" or
# "FAIL: step: why" line per step; exit 0 when every step passed, else 1.
PROG=smoke_test.sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$TOP/scripts/common.sh"

usage() {
	cat <<EOF
usage: scripts/smoke_test.sh [-h]

Build (if needed), start smtp_server and pop_server on free loopback
ports in a temporary directory, send with mail_send, fetch with
pop_client, check that the text arrived byte for byte and that
pop_client -o DIR --delete empties the mailbox, then stop everything.
Prints PASS/FAIL per step; exit 0 when the mail made the whole trip.
EOF
}

case ${1:-} in
-h|--help) usage; exit 0 ;;
'') ;;
*) err "unknown option: $1"; usage >&2; exit $EX_USAGE ;;
esac

# Three lines: Turkish letters, a line that starts with a dot, and one
# that is only a dot once stuffed ("..").
TEXT='Merhaba Gizem, Türkçe: ı ş ğ ü ö ç İ Ş Ğ Ü Ö Ç
.satır noktayla başlıyor
..'
FAILED=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; FAILED=1; }
# abort STEP WHY: a step the next ones need failed; stop here.
abort() { fail "$1" "$2"; exit 1; }
# log_tail FILE: the last lines of FILE, on one line, to say why.
log_tail() { tail -n 3 "$1" 2>/dev/null | tr '\n' ' '; }

cd "$TOP" || exit 1
W=$(mktemp -d "${TMPDIR:-/tmp}/mailab-smoke.XXXXXX") || exit 1
# shellcheck disable=SC2317 # run by the trap
cleanup() { servers_stop; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# step_build: make, unless every program is already there.
step_build() {
	if [ -n "$(missing_programs smtp_server pop_server mail_send pop_client)" ]; then
		make -s all >"$W/make.log" 2>&1 || abort build "$(log_tail "$W/make.log")"
	fi
	missing=$(missing_programs smtp_server pop_server mail_send pop_client)
	[ -z "$missing" ] || abort build "not built: $missing"
	pass build
}

# step_servers: both on free ports (-p 0), one Maildir.
step_servers() {
	server_start "$W/smtp.log" ./smtp_server -p 0 -d "$W/md" \
		|| abort "start smtp_server" "$(log_tail "$W/smtp.log")"
	SMTP_PORT=$SERVER_PORT
	server_start "$W/pop.log" ./pop_server -p 0 -d "$W/md" -U "$TOP/users.txt" \
		|| abort "start pop_server" "$(log_tail "$W/pop.log")"
	POP_PORT=$SERVER_PORT
	pass "start servers (SMTP port $SMTP_PORT, POP3 port $POP_PORT)"
}

# step_send: mail_send says so, and exactly one file is in gizem's new/.
step_send() {
	if ! ./mail_send -p "$SMTP_PORT" -s "Smoke test" -m "$TEXT" >"$W/send.out" 2>&1; then
		abort send "$(log_tail "$W/send.out")"
	fi
	grep -q 'Email sent successfully\.' "$W/send.out" \
		|| abort send "no 'Email sent successfully.' line"
	pass send
	set -- "$W"/md/gizem/new/*
	if [ $# -eq 1 ] && [ -f "$1" ] && body_is "$1" "$TEXT"; then
		pass "stored byte for byte in maildir/gizem/new/"
	else
		fail "stored byte for byte in maildir/gizem/new/" "$# file(s): $*"
	fi
}

# has_text FILE: FILE (CRs dropped) holds every line of TEXT, in order.
has_text() {
	tr -d '\r' <"$1" | awk -v want="$TEXT" '
		BEGIN { n = split(want, w, "\n"); i = 1 }
		i <= n && $0 == w[i] { i++ }
		END { exit i <= n }'
}

# step_fetch: a plain fetch (RETR) shows the text byte for byte.
step_fetch() {
	if ! ./pop_client -p "$POP_PORT" >"$W/fetch.out" 2>&1; then
		fail fetch "$(log_tail "$W/fetch.out")"
	elif has_text "$W/fetch.out"; then
		pass "fetch: the text arrived byte for byte"
	else
		fail fetch "the text is not in pop_client's output as sent"
	fi
}

# step_imap: imap_server (one --stdio session on the same Maildir) shows
# the same text, byte for byte, and leaves the mail on the server.
step_imap() {
	[ -x ./imap_server ] || { echo "SKIP: imap: imap_server not built"; return; }
	printf '%s\r\n' 'a LOGIN gizem 1234' 'b SELECT INBOX' 'c FETCH 1 BODY.PEEK[TEXT]' \
		'd LOGOUT' | ./imap_server --stdio -d "$W/md" -U "$TOP/users.txt" >"$W/imap.out" 2>&1
	if ! grep -q '^c OK' "$W/imap.out"; then
		fail imap "$(log_tail "$W/imap.out")"
	elif has_text "$W/imap.out"; then
		pass "imap: the text read over IMAP byte for byte"
	else
		fail imap "the text is not in imap_server's FETCH as sent"
	fi
}

# step_delete: -o DIR --delete keeps a local copy, empties the server's.
step_delete() {
	if ! ./pop_client -p "$POP_PORT" -o "$W/local" --delete >"$W/del.out" 2>&1; then
		fail "fetch --delete" "$(log_tail "$W/del.out")"
		return
	fi
	set -- "$W"/local/new/*
	if [ $# -eq 1 ] && [ -f "$1" ] && has_text "$1"; then
		pass "fetch -o --delete: a local copy with the text"
	else
		fail "fetch -o --delete: a local copy with the text" "$# file(s) in local/new/"
	fi
	left=$(find "$W/md/gizem/new" "$W/md/gizem/cur" -type f 2>/dev/null | wc -l)
	if [ "$left" -eq 0 ]; then
		pass "fetch -o --delete: the server's mailbox is empty"
	else
		fail "fetch -o --delete: the server's mailbox is empty" "$left file(s) left"
	fi
}

# step_stop: both servers end on SIGTERM.
step_stop() {
	servers_stop
	if grep -q 'stopped' "$W/smtp.log" && grep -q 'stopped' "$W/pop.log"; then
		pass "stop servers"
	else
		fail "stop servers" "no 'stopped' line in the logs"
	fi
}

step_build
step_servers
step_send
step_fetch
step_imap
step_delete
step_stop
[ $FAILED -eq 0 ] && echo "smoke test passed: the mail made the whole trip" \
	|| echo "smoke test FAILED"
exit $FAILED
