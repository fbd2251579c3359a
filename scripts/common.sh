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
#   port_holder PORT   the program and PID listening on PORT, if one can tell
#   port_taken_hint PORT  explain on stderr who holds PORT and what to do
#   if_port_taken PORT LOG  after a failed start: the hint, if PORT was taken
#   pick_port PORT DIR prefer PORT, else a free port (for capture --demo)
#   give_to_sudo_user FILE  a file made under sudo goes to the user

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
	# Made now, not by the background redirect below: the loop may read
	# the log before the new process has opened it.
	: >"$log"
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

# port_holder PORT: "NAME (PID N)" of the process listening on TCP PORT,
# from ss, lsof or fuser, whichever is installed; nothing when no tool
# can tell (another user's process needs root to be named).
port_holder() {
	if command -v ss >/dev/null 2>&1; then
		ss -ltnp 2>/dev/null | awk -v p=":$1" '
			$4 ~ p "$" && match($0, /"[^"]*",pid=[0-9]+/) {
				s = substr($0, RSTART + 1, RLENGTH - 1)
				sub(/",pid=/, " (PID ", s); print s ")"; exit }'
	elif command -v lsof >/dev/null 2>&1; then
		lsof -nP -iTCP:"$1" -sTCP:LISTEN -Fpc 2>/dev/null | awk '
			/^p/ { pid = substr($0, 2) } /^c/ { print substr($0, 2) " (PID " pid ")"; exit }'
	elif command -v fuser >/dev/null 2>&1; then
		pid=$(fuser -n tcp "$1" 2>/dev/null | awk '{ print $1; exit }')
		[ -n "$pid" ] && printf '%s (PID %s)\n' "$(ps -o comm= -p "$pid")" "$pid"
	fi
}

# port_taken_hint PORT: say on stderr which process holds PORT (when one
# can tell) and how to free it: a running lab is the usual holder.
port_taken_hint() {
	holder=$(port_holder "$1")
	if [ -n "$holder" ]; then
		err "port $1 is in use by $holder"
	else
		err "port $1 is in use (find the holder: ss -ltnp, lsof -i :$1 or fuser $1/tcp)"
	fi
	err "is the lab running?  scripts/lab.sh stop  frees the lab's ports"
}

# if_port_taken PORT LOG: a server asked for the fixed PORT did not start;
# when its LOG or the system says the port is taken, give the hint.
if_port_taken() {
	[ "$1" != 0 ] || return 0
	if grep -qi 'in use' "$2" 2>/dev/null || [ -n "$(port_holder "$1")" ]; then
		port_taken_hint "$1"
	fi
}

# pick_port PORT DIR: print PORT when a server can listen there now, else
# a free port the system picks.  A throw-away pop_server (Maildir under
# DIR) tries it: it binds exactly as the real servers will.
pick_port() {
	for try in "$1" 0; do
		server_start "$2/probe.log" "$TOP/pop_server" -p "$try" -d "$2" -U "$TOP/users.txt"
		ok=$?
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PIDS=${SERVER_PIDS% "$SERVER_PID"}
		[ $ok -eq 0 ] && { echo "$SERVER_PORT"; return 0; }
	done
	return 1
}

# give_to_sudo_user FILE: under sudo, FILE was made by root; give it to
# the user who ran sudo, so that "wireshark FILE" works for them.
give_to_sudo_user() {
	[ -e "$1" ] && [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] || return 0
	chown "$SUDO_USER" "$1" || return 1
	[ -z "${SUDO_GID:-}" ] || chgrp "$SUDO_GID" "$1"
}
