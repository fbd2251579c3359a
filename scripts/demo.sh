#!/bin/sh
# scripts/demo.sh (run by `make demo`): the whole journey of one mail in
# one terminal.  Both servers start in a temporary directory on free
# loopback ports; mail_send sends the seed's message (mail.py) and shows
# its SMTP dialogue; the stored Maildir file is shown; pop_client fetches
# it and shows its POP3 dialogue and the Turkish text.  The servers stop
# and the directory goes, on success, failure or Ctrl-C.  Exit 0 only when
# the text arrived byte for byte, in the Maildir and at the recipient.
PROG=demo.sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$TOP/scripts/common.sh"

usage() {
	cat <<EOF
usage: scripts/demo.sh [--smtp-port N] [--pop-port N] [--pause] [--tls]

Show one mail's journey: mail_send --SMTP--> smtp_server --> Maildir
<-- pop_server <--POP3-- pop_client, with each dialogue (C:/S: lines).

      --smtp-port N   port for smtp_server (default 0: a free port)
      --pop-port N    port for pop_server (default 0: a free port)
      --pause         wait for Enter before each step (for a class)
      --tls           the journey over STARTTLS and STLS, captured; the
                      capture shown without and with the key log
                      (needs make TLS=1, tshark; make demo-tls)
  -h, --help          this text

It runs in a temporary directory (\$TMPDIR or /tmp) that is removed at
the end.  Example, with the lab's ports, while capture.sh records it:
  scripts/capture.sh --demo     (or: scripts/demo.sh --smtp-port 1025 --pop-port 1110)
EOF
}

SMTP_PORT=0
POP_PORT=0
PAUSE=false
TLS=false
while [ $# -gt 0 ]; do
	case $1 in
	--smtp-port) [ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }; SMTP_PORT=$2; shift ;;
	--pop-port) [ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }; POP_PORT=$2; shift ;;
	--pause) PAUSE=true ;;
	--tls) TLS=true ;;
	-h|--help) usage; exit 0 ;;
	*) err "unknown option: $1"; usage >&2; exit $EX_USAGE ;;
	esac
	shift
done

cd "$TOP" || exit $EX_SOFTWARE
missing=$(missing_programs smtp_server pop_server mail_send pop_client)
if [ -n "$missing" ]; then
	err "not built yet: $missing(run make)"
	exit $EX_UNAVAILABLE
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mailab-demo.XXXXXX") || exit $EX_SOFTWARE
cleanup() { servers_stop; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A closed output pipe (| head) must not leave the servers running.
trap 'exit 141' PIPE
trap 'exit 129' HUP

# heading TEXT: a step's title; with --pause, wait for Enter first.
heading() {
	if $PAUSE; then
		printf '\n(press Enter for: %s) ' "$1"
		read -r _ || exit 1
	fi
	printf '\n==== %s ====\n' "$1"
}

# fail WHY [LOG]: say why the mail did not make the trip, show LOG's end.
fail() {
	printf '\nFAILED: %s\n' "$1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 5 "$2" | sed 's/^/  | /'
	exit 1
}

# start_servers: both servers on loopback, one Maildir in the temp dir.
start_servers() {
	server_start "$W/smtp.log" ./smtp_server -p "$SMTP_PORT" -d "$W/maildir" -n mail.example \
		|| { if_port_taken "$SMTP_PORT" "$W/smtp.log"; fail "smtp_server did not start" "$W/smtp.log"; }
	SMTP_PORT=$SERVER_PORT
	server_start "$W/pop.log" ./pop_server -p "$POP_PORT" -d "$W/maildir" -U "$TOP/users.txt" \
		|| { if_port_taken "$POP_PORT" "$W/pop.log"; fail "pop_server did not start" "$W/pop.log"; }
	POP_PORT=$SERVER_PORT
	echo "mailab demo: one mail from melek to gizem"
	echo "  smtp_server listens on 127.0.0.1 port $SMTP_PORT (SMTP)"
	echo "  pop_server  listens on 127.0.0.1 port $POP_PORT (POP3)"
	echo "  both use the Maildir $W/maildir"
}

# step_send: 1. mail_send -v talks SMTP to smtp_server.
step_send() {
	heading "1. The sender's client (mail_send) talks SMTP to the server"
	echo "\$ ./mail_send -v -p $SMTP_PORT"
	./mail_send -v -p "$SMTP_PORT" >"$W/send.out" 2>&1
	rc=$?
	cat "$W/send.out"
	[ $rc -eq 0 ] || fail "mail_send exited with status $rc"
}

# step_store: 2. the message is a file in gizem's Maildir: show it.
step_store() {
	heading "2. The server stored it in the Maildir (gizem's new/)"
	set -- "$W"/maildir/gizem/new/*
	[ -f "$1" ] || fail "no file in maildir/gizem/new/" "$W/smtp.log"
	[ $# -eq 1 ] || fail "$# files in maildir/gizem/new/, expected 1"
	STORED=$1
	echo "file: maildir/gizem/new/$(basename "$STORED")"
	echo "its first lines:"
	head -n 20 "$STORED" | sed 's/^/  | /'
	[ "$(wc -l <"$STORED")" -le 20 ] || echo "  | ..."
	body_is "$STORED" "$SEED_TEXT" || fail "the stored body is not the text sent, byte for byte"
}

# step_fetch: 3. pop_client -v talks POP3 to pop_server and shows the text.
step_fetch() {
	heading "3. The recipient's client (pop_client) talks POP3 to the server"
	echo "\$ ./pop_client -v -p $POP_PORT"
	./pop_client -v -p "$POP_PORT" >"$W/fetch.out" 2>"$W/fetch.err"
	rc=$?
	cat "$W/fetch.err"
	echo "-- what gizem reads (pop_client's output):"
	cat "$W/fetch.out"
	[ $rc -eq 0 ] || fail "pop_client exited with status $rc"
	tr -d '\r' <"$W/fetch.out" | grep -Fqx "$SEED_TEXT" \
		|| fail "pop_client did not show the text sent, byte for byte"
}

# ---- IMAP: the same mail, still on the server ----
# step_imap: 4. imap_server reads the same Maildir.  One session on
# stdin/stdout (--stdio, as inetd would run it): no client program is
# needed beyond the shell, and -v shows the dialogue as on the wire.
step_imap() {
	heading "4. IMAP: the mail is still on the server (imap_server, same Maildir)"
	[ -x ./imap_server ] || { echo "(imap_server not built: skipped)"; return 0; }
	echo "\$ printf 'a LOGIN gizem 1234 ... e LOGOUT' | ./imap_server --stdio -v"
	printf '%s\r\n' 'a LOGIN gizem 1234' 'b SELECT INBOX' \
		'c FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])' \
		'd FETCH 1 BODY.PEEK[TEXT]' 'e LOGOUT' |
		./imap_server --stdio -v -d "$W/maildir" -U "$TOP/users.txt" \
		>"$W/imap.out" 2>"$W/imap.err"
	rc=$?
	grep '^[CS]: ' "$W/imap.err"
	[ $rc -eq 0 ] || fail "imap_server exited with status $rc" "$W/imap.err"
	tr -d '\r' <"$W/imap.out" | grep -Fqx "$SEED_TEXT" \
		|| fail "IMAP did not show the text sent, byte for byte" "$W/imap.err"
	echo "-- POP3 downloaded it, yet IMAP still sees it on the server, marked \\Seen."
}

if $TLS; then
	# shellcheck source=scripts/demo_tls.inc
	. "$TOP/scripts/demo_tls.inc"
	tls_journey
	exit 0
fi
start_servers
step_send
step_store
step_fetch
step_imap
printf '\n==== The mail made the trip ====\n'
echo "sent, stored and fetched byte for byte: $SEED_TEXT"
