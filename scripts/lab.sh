#!/bin/sh
# scripts/lab.sh: open the lab.  smtp_server, pop_server, imap_server and
# a shell for the clients each get their own terminal window (the first
# found of gnome-terminal, konsole, xfce4-terminal, x-terminal-emulator,
# xterm, or macOS Terminal), or, with no display, their own pane of one
# tmux window.  All four use the same Maildir and ports.  `scripts/lab.sh
# stop` stops what it started, by PID: the three servers, the client
# shell, and the tmux window or session it made.
#
# The servers run as a real domain's would (SPEC): smtp_server -n
# mail.example -U users.txt --domain example.com, so an unknown user gets
# 550 5.1.1 and a foreign domain 550 5.7.1 (nothing is relayed anywhere).
#
# Each window runs a small launcher written into the state directory: a
# child shell records its PID, then execs the server, so the PID is the
# server's.  If the server fails (a port in use...), the launcher keeps
# the window open, the error on screen, until Enter.
PROG=lab.sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$TOP/scripts/common.sh"

usage() {
	cat <<EOF
usage: scripts/lab.sh [--smtp-port N] [--pop-port N] [--imap-port N]
                      [--maildir DIR] [--tmux | --terminal NAME]
       scripts/lab.sh stop

Open smtp_server, pop_server, imap_server and a client shell, each in its
own terminal window (or tmux pane when there is no display), on the same
ports and Maildir; the client shell lists the commands to type.  The servers run as
the domain example.com's (-n mail.example -U users.txt --domain
example.com): unknown users get 550 5.1.1, other domains 550 5.7.1.

      --smtp-port N    smtp_server's port (default 1025)
      --pop-port N     pop_server's port (default 1110)
      --imap-port N    imap_server's port (default 1143)
      --maildir DIR    the mail store (default maildir/ in the repo)
      --tmux           tmux panes even when there is a display
      --terminal NAME  this terminal: gnome-terminal, konsole,
                       xfce4-terminal, x-terminal-emulator, xterm, macos
  -h, --help           this text
  stop                 stop the servers and the shell that lab.sh started

The PIDs are kept in \$MAILAB_LAB_STATE (default
\${TMPDIR:-/tmp}/mailab-lab-\$(id -u)).  In tmux: Ctrl-b then an arrow key
moves between panes; Ctrl-b d detaches; tmux attach -t mailab comes back.
Then watch the wire:  scripts/capture.sh   (see docs/LAB.md)
EOF
}

STATE=${MAILAB_LAB_STATE:-${TMPDIR:-/tmp}/mailab-lab-$(id -u)}
TERMINALS="gnome-terminal konsole xfce4-terminal x-terminal-emulator xterm"

# ---- stop ----

# alive PID NAME: PID is running and its command is NAME (a PID file
# from an old lab may name a process that has nothing to do with us).
# A zombie (ended, not yet reaped by its terminal) counts as gone.
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in Z*) return 1 ;; esac
	[ "$(ps -o comm= -p "$1" 2>/dev/null | sed 's,.*/,,')" = "$2" ]
}

# stop_pid PID NAME SIGNAL: send SIGNAL to PID if it is still NAME, and
# wait (up to 5 s) until it has gone; SIGKILL if it has not.
stop_pid() {
	pid=$1
	alive "$pid" "$2" || return 0
	kill "-$3" "$pid" 2>/dev/null
	tries=0
	while alive "$pid" "$2" && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	if alive "$pid" "$2"; then
		kill -KILL "$pid" 2>/dev/null
		echo "killed $2 (PID $pid): it did not stop on SIG$3"
	else
		echo "stopped $2 (PID $pid)"
	fi
}

# state FILE: what the lab recorded in FILE (nothing if it is missing).
state() { cat "$STATE/$1" 2>/dev/null; }

# lab_stop: the servers first (SIGTERM: they end their sessions), then
# forget the lab, then close the client shell (SIGHUP, as when its window
# closes) and the tmux window or session.  `lab.sh stop` is often typed
# in that very client shell, so HUP is ignored: closing the shell must
# not end this script half-way.
lab_stop() {
	if [ ! -d "$STATE" ]; then
		echo "no lab is running (nothing in $STATE)"
		return 0
	fi
	trap '' HUP
	stop_pid "$(state smtp.pid)" smtp_server TERM
	stop_pid "$(state pop.pid)" pop_server TERM
	stop_pid "$(state imap.pid)" imap_server TERM
	# a window that kept a failed server's error open waits for Enter
	for w in smtp pop imap; do
		[ -e "$STATE/$w.failed" ] && stop_pid "$(state $w.win)" sh HUP
	done
	client=$(state client.pid)
	shell=$(state shell)
	tmux_info=$(state tmux)
	rm -rf "$STATE"
	[ -n "$shell" ] && stop_pid "$client" "$shell" HUP
	[ -n "$tmux_info" ] || return 0
	read -r sock kind target <<EOF
$tmux_info
EOF
	echo "closing the tmux $kind $target"
	tmux -S "$sock" "kill-$kind" -t "$target" 2>/dev/null
	return 0
}

# ---- start ----

# write_launcher NAME TITLE COMMAND...: the script a window runs: in the
# repo, a child records its PID and execs COMMAND (so the PID is
# COMMAND's).  A failure (status 1 to 127; a signal is a stop) leaves the
# error on screen: NAME.failed is written and the window waits for Enter.
# shellcheck disable=SC2016 # the $ are for the launcher, not for here
write_launcher() {
	name=$1
	title=$2
	shift 2
	{
		echo "# written by scripts/lab.sh: the $title window"
		echo "echo \$\$ > $(shell_quote "$STATE/$name.win")"
		echo "cd $(shell_quote "$TOP") || exit 1"
		printf 'echo "$ %s"\n' "$*"
		printf 'sh -c %s sh %s' "'echo \$\$ >\"\$1\"; shift; exec \"\$@\"'" \
			"$(shell_quote "$STATE/$name.pid")"
		for a in "$@"; do printf ' %s' "$(shell_quote "$a")"; done
		echo
		echo 'rc=$?'
		echo '[ $rc -ge 1 ] && [ $rc -le 127 ] || exit $rc'
		echo "echo \$rc > $(shell_quote "$STATE/$name.failed")"
		echo "echo; echo \"lab.sh: $1 stopped with status \$rc: its error is above.\""
		echo "echo 'Fix it (scripts/lab.sh stop, free the port), start the lab again.'"
		echo "echo 'Press Enter to close this window.'"
		echo 'read -r _'
	} >"$STATE/$name.sh"
}

# write_launchers: the three servers (-v: the dialogue scrolls by), run
# as a real domain's, and the client shell, which prints the commands first.
write_launchers() {
	write_launcher smtp "smtp_server :$SMTP_PORT" ./smtp_server -v -p "$SMTP_PORT" \
		-d "$MAILDIR" -n mail.example -U users.txt --domain example.com
	write_launcher pop "pop_server :$POP_PORT" ./pop_server -v -p "$POP_PORT" \
		-d "$MAILDIR" -U users.txt
	write_launcher imap "imap_server :$IMAP_PORT" ./imap_server -v -p "$IMAP_PORT" \
		-d "$MAILDIR" -U users.txt
	shell=${SHELL:-/bin/sh}
	basename "$shell" >"$STATE/shell"
	{
		echo "# written by scripts/lab.sh: the client shell"
		echo "echo \$\$ > $(shell_quote "$STATE/client.pid")"
		echo "cd $(shell_quote "$TOP") || exit 1"
		echo "cat <<'EOF'"
		client_help
		echo "EOF"
		echo "exec $(shell_quote "$shell") -i"
	} >"$STATE/client.sh"
}

# client_help: the commands printed at the top of the client shell, each
# with what it shows; a command too long for the column (a narrow
# pane would wrap the pair badly) gets its explanation on the next line.
client_help() {
	md=$MAILDIR
	[ "$MAILDIR" = "$TOP/maildir" ] && md=maildir
	cap="sudo scripts/capture.sh"
	[ "$SMTP_PORT $POP_PORT $IMAP_PORT" = "1025 1110 1143" ] ||
		cap="$cap --smtp-port $SMTP_PORT --pop-port $POP_PORT --imap-port $IMAP_PORT"
	echo "mailab client shell: smtp_server (port $SMTP_PORT, domain example.com),"
	echo "pop_server (port $POP_PORT) and imap_server (port $IMAP_PORT) run in the other"
	echo "windows.  Type:"
	while IFS='|' read -r cmd what; do
		if [ ${#cmd} -le 36 ]; then
			printf '  %-36s  %s\n' "$cmd" "$what"
		else
			printf '  %s\n  %-36s  %s\n' "$cmd" "" "$what"
		fi
	done <<EOF
./mail_send -v -p $SMTP_PORT|melek sends the seed's mail to gizem
./mail_send -v -p $SMTP_PORT -u melek -w 1234|the same, logging in (AUTH)
./mail_send -p $SMTP_PORT -t nobody@example.com|an unknown user: 550 5.1.1
./mail_send -p $SMTP_PORT -t x@gmail.com|another domain: 550 5.7.1
./pop_client -v -p $POP_PORT|gizem reads her mail
./pop_client -v -p $POP_PORT -o inbox --delete|download, then delete on the server
ls $md/gizem/new $md/gizem/cur|the stored files
nc -C localhost $SMTP_PORT|SMTP by hand (Ctrl-C after 221)
nc -C localhost $POP_PORT|POP3 by hand: USER gizem, PASS 1234
nc -C localhost $IMAP_PORT|IMAP by hand: a LOGIN gizem 1234
curl -v 'imap://localhost:$IMAP_PORT/INBOX;UID=1' -u gizem:1234|IMAP: read mail 1, left on the server
$cap|watch the wire
scripts/lab.sh stop|stop the lab
EOF
}

# pick_mode: macOS Terminal, the first X/Wayland terminal, else tmux.
pick_mode() {
	[ -n "$MODE" ] && return 0
	if [ "$(uname)" = Darwin ] && command -v osascript >/dev/null 2>&1; then
		MODE=macos
		return 0
	fi
	if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
		for t in $TERMINALS; do
			command -v "$t" >/dev/null 2>&1 && { MODE=$t; return 0; }
		done
	fi
	command -v tmux >/dev/null 2>&1 && { MODE=tmux; return 0; }
	err "no display and no tmux: open four terminals and run, in $TOP:"
	err "  ./smtp_server -v -p $SMTP_PORT -d $MAILDIR -n mail.example -U users.txt --domain example.com"
	err "  ./pop_server -v -p $POP_PORT -d $MAILDIR -U users.txt"
	err "  ./imap_server -v -p $IMAP_PORT -d $MAILDIR -U users.txt"
	err "  ./mail_send -v -p $SMTP_PORT; ./pop_client -v -p $POP_PORT"
	exit $EX_UNAVAILABLE
}

# open_window TITLE NAME: run launcher NAME.sh in a new terminal window.
open_window() {
	l=$STATE/$2.sh
	case $MODE in
	gnome-terminal) gnome-terminal --title="$1" -- sh "$l" ;;
	konsole) konsole -p tabtitle="$1" -e sh "$l" & ;;
	xfce4-terminal) xfce4-terminal --title="$1" -x sh "$l" & ;;
	x-terminal-emulator|xterm) "$MODE" -T "$1" -e sh "$l" & ;;
	macos)
		cmd=$(printf 'sh %s' "$(shell_quote "$l")" | sed 's/[\\"]/\\&/g')
		osascript -e "tell application \"Terminal\" to do script \"$cmd\"" >/dev/null ;;
	esac
} >/dev/null 2>&1

# open_tmux: one window, four panes (the three servers side by side, the
# client shell below); a window in the current session when run inside
# tmux, else a new detached session "mailab", attached when on a terminal.
open_tmux() {
	if [ -n "${TMUX:-}" ]; then
		kind=window
		win=$(tmux new-window -P -F '#{window_id}' -n mailab "sh $(shell_quote "$STATE/smtp.sh")" \; \
			set-window-option remain-on-exit on) || exit $EX_UNAVAILABLE
	else
		kind=session
		if tmux has-session -t mailab 2>/dev/null; then
			err "a tmux session named mailab exists: tmux attach -t mailab, or tmux kill-session -t mailab"
			exit $EX_UNAVAILABLE
		fi
		win=$(tmux new-session -d -s mailab -n mailab -x 200 -y 50 -P -F '#{window_id}' \
			"sh $(shell_quote "$STATE/smtp.sh")" \; set-window-option remain-on-exit on) \
			|| exit $EX_UNAVAILABLE
	fi
	sock=$(tmux display-message -p -t "$win" '#{socket_path}')
	target=$win
	[ $kind = session ] && target=mailab
	echo "$sock $kind $target" >"$STATE/tmux"
	tmux select-pane -t "$win" -T "smtp_server :$SMTP_PORT" \; \
		split-window -h -t "$win" "sh $(shell_quote "$STATE/pop.sh")" \; \
		select-pane -T "pop_server :$POP_PORT" \; \
		split-window -h "sh $(shell_quote "$STATE/imap.sh")" \; \
		select-pane -T "imap_server :$IMAP_PORT" \; \
		select-layout -t "$win" even-horizontal \; \
		split-window -v -f -t "$win" "sh $(shell_quote "$STATE/client.sh")" \; \
		select-pane -T "client shell" >/dev/null
	# the titles above the panes (tmux 2.3 and later; only a nicety)
	tmux set-window-option -t "$win" pane-border-status top >/dev/null 2>&1 || true
}

# wait_started NAME PROGRAM PORT: its PID file appears and it keeps
# running.  If it stopped, say why as far as lab.sh can tell (a port in
# use, and by whom) and that its window keeps the error on screen.
wait_started() {
	tries=0
	while [ ! -s "$STATE/$1.pid" ] && [ ! -e "$STATE/$1.failed" ] && [ $tries -lt 100 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
	sleep 0.5 # a port in use or a bad option ends the server at once
	pid=$(cat "$STATE/$1.pid" 2>/dev/null)
	if [ -e "$STATE/$1.failed" ] || ! alive "$pid" "$2"; then
		err "$2 did not start (or stopped at once) on port $3"
		holder=$(port_holder "$3")
		[ -z "$holder" ] || err "port $3 is in use by $holder"
		where="its window \"$2 :$3\""
		[ "$MODE" = tmux ] && where="its tmux pane \"$2 :$3\""
		err "the error stays on screen in $where; press Enter there to close it"
		return 1
	fi
	printf '  %-12s PID %-7s port %s\n' "$2" "$pid" "$3"
}

# lab_start: write the launchers, open the windows, report, maybe attach.
lab_start() {
	if [ -f "$STATE/smtp.pid" ] && alive "$(cat "$STATE/smtp.pid")" smtp_server; then
		err "a lab is already running (PID $(cat "$STATE/smtp.pid")): scripts/lab.sh stop first"
		exit $EX_UNAVAILABLE
	fi
	missing=$(missing_programs smtp_server pop_server imap_server mail_send pop_client)
	[ -z "$missing" ] || make -s -C "$TOP" all || exit $EX_SOFTWARE
	pick_mode
	rm -rf "$STATE"
	mkdir -p "$STATE" "$MAILDIR" || exit $EX_SOFTWARE
	write_launchers
	if [ "$MODE" = tmux ]; then
		open_tmux
	else
		open_window "smtp_server :$SMTP_PORT" smtp
		open_window "pop_server :$POP_PORT" pop
		open_window "imap_server :$IMAP_PORT" imap
		open_window "mailab client" client
	fi
	echo "mailab lab ($MODE), Maildir $MAILDIR, domain example.com:"
	ok=true
	wait_started smtp smtp_server "$SMTP_PORT" || ok=false
	wait_started pop pop_server "$POP_PORT" || ok=false
	wait_started imap imap_server "$IMAP_PORT" || ok=false
	if ! $ok; then
		err "the lab did not start: scripts/lab.sh stop, free the port (or choose"
		err "others: --smtp-port 2525 --pop-port 2110 --imap-port 2143), then start it again"
		[ "$MODE" = tmux ] && [ -z "${TMUX:-}" ] && err "look at it: tmux attach -t mailab"
		exit $EX_UNAVAILABLE
	fi
	echo "  client shell: the commands to type are printed at its top"
	echo "Started.  Stop it with: scripts/lab.sh stop"
	if [ "$MODE" = tmux ] && [ -z "${TMUX:-}" ]; then
		if [ -t 0 ] && [ -t 1 ]; then exec tmux attach -t mailab; fi
		echo "Look at it with: tmux attach -t mailab   (Ctrl-b d detaches)"
	fi
}

SMTP_PORT=1025
POP_PORT=1110
IMAP_PORT=1143
MAILDIR=$TOP/maildir
MODE=
ACTION=start
while [ $# -gt 0 ]; do
	case $1 in
	stop) ACTION=stop ;;
	start) ACTION=start ;;
	--smtp-port|--pop-port|--imap-port|--maildir|--terminal)
		[ $# -ge 2 ] || { usage >&2; exit $EX_USAGE; }
		case $1 in
		--smtp-port) SMTP_PORT=$2 ;;
		--pop-port) POP_PORT=$2 ;;
		--imap-port) IMAP_PORT=$2 ;;
		--maildir) MAILDIR=$2 ;;
		--terminal) MODE=$2 ;;
		esac
		shift ;;
	--tmux) MODE=tmux ;;
	-h|--help) usage; exit 0 ;;
	*) err "unknown option: $1"; usage >&2; exit $EX_USAGE ;;
	esac
	shift
done
for p in "$SMTP_PORT" "$POP_PORT" "$IMAP_PORT"; do
	case $p in ''|*[!0-9]*) err "not a port number: $p"; exit $EX_USAGE ;; esac
done
case $MAILDIR in /*) ;; *) MAILDIR=$(pwd)/$MAILDIR ;; esac
case " $TERMINALS tmux macos " in
*" ${MODE:-tmux} "*) ;;
*) err "unknown terminal: $MODE (one of: $TERMINALS macos, or --tmux)"; exit $EX_USAGE ;;
esac

if [ $ACTION = stop ]; then lab_stop; else lab_start; fi
