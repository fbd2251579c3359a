#!/bin/sh
# scripts/journey.sh (run by `make journey`): the email journey between
# two servers, in one terminal.  A (a.example, the sender's server) takes
# the mail from mail_send and relays it, through its queue, to B
# (b.example, the recipient's server); pop_client fetches it from B.
# Each step shows its dialogue; at the end, the chain of Received:
# headers that the two hops wrote.  Everything runs on free loopback
# ports in a temporary directory, removed at the end, even on Ctrl-C.
PROG=journey.sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$TOP/scripts/common.sh"

usage() {
	cat <<EOF
usage: scripts/journey.sh [--capture [FILE]] [--a-port N] [--b-port N] [--pop-port N]

One mail from melek@a.example to gizem@b.example:
  mail_send --SMTP--> A (a.example) --SMTP relay--> B (b.example)
  --> B's Maildir <-- pop_server <--POP3-- pop_client

      --a-port N      A's SMTP port (default 0: a free port)
      --b-port N      B's SMTP port (default 0: a free port)
      --pop-port N    B's POP3 port (default 0: a free port)
      --capture [F]   record the whole journey with scripts/capture.sh
                      into F (default journey.pcap; needs root or the
                      wireshark group), on ports 1025, 2525 and 1110
                      when they are free, else on free ports
  -h, --help          this text
EOF
}

A_PORT=0 B_PORT=0 POP_PORT=0 CAPTURE=""
while [ $# -gt 0 ]; do
	case $1 in
	--a-port) [ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }; A_PORT=$2; shift ;;
	--b-port) [ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }; B_PORT=$2; shift ;;
	--pop-port) [ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }; POP_PORT=$2; shift ;;
	--capture)
		CAPTURE=journey.pcap
		case ${2:-} in -*|"") ;; *) CAPTURE=$2; shift ;; esac ;;
	-h|--help) usage; exit 0 ;;
	*) err "unknown option: $1"; usage >&2; exit $EX_USAGE ;;
	esac
	shift
done

# the capture file is named from where the user is, not from the repo
case $CAPTURE in ''|/*) ;; *) CAPTURE=$(pwd)/$CAPTURE ;; esac
cd "$TOP" || exit $EX_SOFTWARE
missing=$(missing_programs smtp_server pop_server mail_send pop_client)
if [ -n "$missing" ]; then
	err "not built yet: $missing(run make)"
	exit $EX_UNAVAILABLE
fi

# With --capture: run this same script under capture.sh, on the ports
# given, else on 1025, 2525 and 1110 when they are free (the handout's),
# else on free ones: the journey must work while the lab runs.
if [ -n "$CAPTURE" ]; then
	P=$(mktemp -d "${TMPDIR:-/tmp}/mailab-ports.XXXXXX") || exit $EX_SOFTWARE
	TAKEN=
	[ "$A_PORT" != 0 ] || { A_PORT=$(pick_port 1025 "$P"); [ "$A_PORT" = 1025 ] || TAKEN="$TAKEN 1025"; }
	[ "$B_PORT" != 0 ] || { B_PORT=$(pick_port 2525 "$P"); [ "$B_PORT" = 2525 ] || TAKEN="$TAKEN 2525"; }
	[ "$POP_PORT" != 0 ] || { POP_PORT=$(pick_port 1110 "$P"); [ "$POP_PORT" = 1110 ] || TAKEN="$TAKEN 1110"; }
	rm -rf "$P"
	case " $A_PORT $B_PORT $POP_PORT " in
	*"  "*) err "could not find free ports (is pop_server built?)"; exit $EX_UNAVAILABLE ;;
	esac
	if [ "$A_PORT" = "$B_PORT" ] || [ "$B_PORT" = "$POP_PORT" ] || [ "$A_PORT" = "$POP_PORT" ]; then
		err "the same port twice ($A_PORT $B_PORT $POP_PORT): run it again"
		exit $EX_UNAVAILABLE
	fi
	[ -z "$TAKEN" ] || echo "$PROG: taken (is the lab running?):$TAKEN; using free ports instead"
	echo "$PROG: A on port $A_PORT, B on $B_PORT, POP3 on $POP_PORT"
	exec sh "$TOP/scripts/capture.sh" -o "$CAPTURE" --smtp-port "$A_PORT" \
		--smtp-port "$B_PORT" --pop-port "$POP_PORT" -- \
		sh "$TOP/scripts/journey.sh" --a-port "$A_PORT" --b-port "$B_PORT" --pop-port "$POP_PORT"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mailab-journey.XXXXXX") || exit $EX_SOFTWARE
cleanup() { servers_stop; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A closed output pipe (| head) must not leave the servers running.
trap 'exit 141' PIPE

heading() { printf '\n==== %s ====\n' "$1"; }

fail() {
	printf '\nFAILED: %s\n' "$1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 8 "$2" | sed 's/^/  | /'
	exit 1
}

# The two servers: B first, so that A knows where to relay.
start_servers() {
	server_start "$W/b.log" ./smtp_server -v -p "$B_PORT" -d "$W/b" -n b.example \
		--domain b.example || { if_port_taken "$B_PORT" "$W/b.log"
		fail "B (smtp_server) did not start" "$W/b.log"; }
	B_PORT=$SERVER_PORT
	server_start "$W/pop.log" ./pop_server -p "$POP_PORT" -d "$W/b" -U "$TOP/users.txt" \
		|| { if_port_taken "$POP_PORT" "$W/pop.log"; fail "B's pop_server did not start" "$W/pop.log"; }
	POP_PORT=$SERVER_PORT
	server_start "$W/a.log" ./smtp_server -v -p "$A_PORT" -d "$W/a" -n a.example \
		--domain a.example --relay "b.example=127.0.0.1:$B_PORT" --retry 2 \
		|| { if_port_taken "$A_PORT" "$W/a.log"; fail "A (smtp_server) did not start" "$W/a.log"; }
	A_PORT=$SERVER_PORT
	echo "mailab journey: one mail from melek@a.example to gizem@b.example"
	echo "  A, the sender's server:    smtp_server -n a.example on port $A_PORT"
	echo "     --relay b.example=127.0.0.1:$B_PORT   (mail for b.example goes to B)"
	echo "  B, the recipient's server: smtp_server -n b.example on port $B_PORT"
	echo "     and pop_server on port $POP_PORT, over B's Maildir"
}

# dialogue LOG: the C:/S: lines of a server's -v log (its state lines
# and session log lines left out).
dialogue() { grep -E '^(C|S): ' "$1" | sed 's/^/  /'; }

step_send() {
	heading "1. melek's client (mail_send) talks SMTP to A"
	echo "\$ ./mail_send -p $A_PORT -f melek@a.example -t gizem@b.example -s 'Uzun yol'"
	./mail_send -p "$A_PORT" -f melek@a.example -t gizem@b.example -s 'Uzun yol' \
		>"$W/send.out" 2>&1 || fail "mail_send failed" "$W/send.out"
	cat "$W/send.out"
	echo "-- A's side of that dialogue (smtp_server -v):"
	sed -n '1,/^S: 221/p' "$W/a.log" | grep -E '^(C|S): ' | sed 's/^/  /'
}

step_relay() {
	heading "2. A queues it, then its queue runner relays it to B over SMTP"
	tries=0
	while ! ls "$W"/b/gizem/new/* >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 200 ] || fail "the mail did not reach B" "$W/a.log"
		sleep 0.05
	done
	sleep 0.2
	echo "-- A, now the client (its queue runner's dialogue with B):"
	sed -n '/^C: EHLO a.example/,/^S: 221/p' "$W/a.log" \
		| grep -E '^(C|S): ' | sed 's/^/  /'
	echo "-- A's log:"
	grep -F '[relay]' "$W/a.log" | sed 's/^/  /'
}

step_received() {
	set -- "$W"/b/gizem/new/*
	STORED=$1
	heading "3. The Received: chain in B's Maildir (newest hop on top)"
	echo "file: b/gizem/new/$(basename "$STORED")"
	sed -n '1,/^$/p' "$STORED" | awk '/^Received:/ { on = 1 } /^[^ \t]/ && !/^Received:/ { on = 0 } on' \
		| sed 's/^/  | /'
	echo "  The top one is B's: it received the mail from a.example (A)."
	echo "  The one below is A's: it received it from mail_send's host."
	[ "$(grep -c '^Received:' "$STORED")" -eq 2 ] || fail "expected two Received: headers"
	body_is "$STORED" "$SEED_TEXT" || fail "the body is not the text sent, byte for byte"
}

step_fetch() {
	heading "4. gizem's client (pop_client) fetches it from B over POP3"
	echo "\$ ./pop_client -v -p $POP_PORT"
	./pop_client -v -p "$POP_PORT" >"$W/fetch.out" 2>"$W/fetch.err" \
		|| fail "pop_client failed" "$W/fetch.err"
	sed 's/^/  /' "$W/fetch.err"
	echo "-- what gizem reads:"
	cat "$W/fetch.out"
	tr -d '\r' <"$W/fetch.out" | grep -Fqx "$SEED_TEXT" || fail "the text did not arrive"
}

start_servers
step_send
step_relay
step_received
step_fetch
printf '\n==== The mail crossed two servers ====\n'
echo "melek@a.example -> A (a.example) -> B (b.example) -> gizem: $SEED_TEXT"
