# shellcheck shell=sh
# scripts/common.sh: helpers shared by demo.sh, smoke_test.sh, lab.sh and
# capture.sh (sourced, never run).  POSIX sh.  The script that sources it
# sets PROG (its name, for messages) and TOP (the top of the repo) first.
#
#   SEED_TEXT          the body mail_send sends by default (the seed's mail.py)
#   err MESSAGE        one line on stderr, naming the script
#   missing_programs   which of the named programs are not built yet
#   server_start       start a server in the background, learn its port
#   servers_stop       stop every server server_start started
#   body_is FILE TEXT  is the body of a stored message exactly TEXT + LF?
#   shell_quote WORD   WORD quoted for sh, for commands written into files

# shellcheck disable=SC2034 # used by the scripts that source this file
SEED_TEXT='Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ'
SERVER_PIDS=""

# The exit codes of <sysexits.h> that the scripts use.
EX_USAGE=64
EX_UNAVAILABLE=69
EX_SOFTWARE=70
EX_NOPERM=77

err() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# missing_programs NAME...: print the names (space-separated) of the
# programs not yet built at the top of the repo; nothing when all are.
missing_programs() {
	for p in "$@"; do
		[ -x "$TOP/$p" ] || printf '%s ' "$p"
	done
}

# server_start LOG PROGRAM ARGS...: run a server in the background, its
# output in LOG, and wait (up to 5 s) for its "listening on ... port N"
# line.  Sets SERVER_PID and SERVER_PORT.  Returns 1 if it did not start:
# LOG then says why (port in use, bad option...).
server_start() {
	log=$1
	shift
	"$@" >"$log" 2>&1 &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	tries=0
	while [ $tries -lt 100 ]; do
		SERVER_PORT=$(sed -n 's/.*listening on .* port \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$SERVER_PORT" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
		tries=$((tries + 1))
	done
	return 1
}

# servers_stop: SIGTERM each server started by server_start, then wait for
# it, so that no server outlives the script (called from the EXIT trap).
servers_stop() {
	for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SERVER_PIDS; do wait "$p" 2>/dev/null; done
	SERVER_PIDS=""
}

# body_is FILE TEXT: true when the body of the stored message FILE (all
# after the first empty line) is TEXT and a final LF, byte for byte.
# (The "x" keeps the trailing newlines that $(...) would strip.)
body_is() {
	body=$(sed '1,/^$/d' "$1"; echo x)
	[ "$body" = "$2
x" ]
}

# shell_quote WORD: print WORD in single quotes, safe to paste into sh.
shell_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
