#!/bin/sh
# scripts/lab.sh in tmux mode, run from a pane of a detached tmux session
# (a new window there) and from outside tmux (a new session "mailab"):
# the three servers start on the given ports and answer; a second start is
# refused; `lab.sh stop` stops exactly them (a decoy server of the same
# name lives on) and closes what it opened.  A private tmux server
# (TMUX_TMPDIR) and state directory keep a real lab untouched.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "lab.sh (tmux)" smtp_server pop_server imap_server mail_send pop_client || exit 0
if ! have tmux; then skip "lab.sh (tmux)" "tmux not installed"; exit 0; fi

LAB=$TOP/scripts/lab.sh
export TMUX_TMPDIR="$T/tmux" MAILAB_LAB_STATE="$T/state"
unset TMUX
mkdir "$TMUX_TMPDIR"
trap 'tmux kill-server 2>/dev/null; cleanup' EXIT
free_ports || exit 0
start_server "decoy smtp_server" decoy "$TOP/smtp_server" -d "$T/decoy-md" || exit 0
DECOY=$LAST_PID

# lab: lab.sh in tmux mode on the test's ports and Maildir.
lab() { sh "$LAB" --tmux --smtp-port "$PORT1" --pop-port "$PORT2" --imap-port "$PORT3" --maildir "$T/md"; }

# started NAME: the three PIDs recorded, alive, and answering on their ports.
started() {
	SMTP_PID=$(cat "$MAILAB_LAB_STATE/smtp.pid" 2>/dev/null)
	POP_PID=$(cat "$MAILAB_LAB_STATE/pop.pid" 2>/dev/null)
	IMAP_PID=$(cat "$MAILAB_LAB_STATE/imap.pid" 2>/dev/null)
	check "$1: smtp_server runs" kill -0 "$SMTP_PID"
	check "$1: pop_server runs" kill -0 "$POP_PID"
	check "$1: imap_server runs" kill -0 "$IMAP_PID"
	check "$1: smtp_server answers on port $PORT1" greets_smtp "$PORT1"
	check "$1: pop_server answers on port $PORT2" greets_pop "$PORT2"
	check "$1: imap_server answers on port $PORT3" greets_imap "$PORT3"
}

# stopped NAME: lab.sh stop, run here, ended both servers.
stopped() {
	sh "$LAB" stop >"$T/stop.out" 2>&1
	check "$1: lab.sh stop exits 0" test $? -eq 0
	all_gone "$1"
}

# all_gone NAME: the three servers ended, not the decoy; the state is gone.
all_gone() {
	check "$1: smtp_server stopped" gone "$SMTP_PID"
	check "$1: pop_server stopped" gone "$POP_PID"
	check "$1: imap_server stopped" gone "$IMAP_PID"
	check "$1: the decoy smtp_server still runs" kill -0 "$DECOY"
	check "$1: the state directory is gone" test ! -e "$MAILAB_LAB_STATE"
}

# 1. Inside a detached tmux session: lab.sh opens a window there.
tmux new-session -d -s outer -x 200 -y 50 "sh '$LAB' --tmux --smtp-port $PORT1 \
	--pop-port $PORT2 --imap-port $PORT3 --maildir '$T/md' >'$T/lab.out' 2>&1; echo done >>'$T/lab.out'; sleep 60"
wait_for grep -qs '^done' "$T/lab.out"
check "in tmux: lab.sh says how to stop it" grep -q 'Stop it with: scripts/lab.sh stop' "$T/lab.out"
check "in tmux: a second window, four panes" \
	test "$(tmux list-panes -s -t outer | wc -l)" -eq 5
check "in tmux: a pane titled imap_server :$PORT3" \
	sh -c "tmux list-panes -s -t outer -F '#{pane_title}' | grep -qx 'imap_server :$PORT3'"
started "in tmux"
lab >"$T/again.out" 2>&1
check "in tmux: a second lab.sh is refused while one runs" test $? -eq 69
stopped "in tmux"
check "in tmux: its window is closed" test "$(tmux list-windows -t outer | wc -l)" -eq 1

# 2. Outside tmux, no terminal: a detached session named mailab.  It is
# stopped the way students do it: `lab.sh stop` typed in its client shell.
lab >"$T/lab2.out" 2>&1
check "no tmux: lab.sh exits 0" test $? -eq 0
check "no tmux: it says how to attach" grep -q 'tmux attach -t mailab' "$T/lab2.out"
started "no tmux"
CLIENT=$(cat "$MAILAB_LAB_STATE/client.pid")
PANE=$(tmux list-panes -s -t mailab -F '#{pane_pid} #{pane_id}' | sed -n "s/^$CLIENT //p")
check "no tmux: the client shell has its own pane" test -n "$PANE"
tmux send-keys -t "$PANE" "sh '$LAB' stop" Enter
check "no tmux: lab.sh stop typed in the client shell closes the session" \
	wait_for sh -c '! tmux has-session -t mailab 2>/dev/null'
all_gone "no tmux"

sh "$LAB" stop >"$T/stop2.out" 2>&1
check "lab.sh stop with no lab says so" grep -q 'no lab is running' "$T/stop2.out"
sh "$LAB" --smtp-port x >/dev/null 2>&1
check "lab.sh refuses a bad port (64)" test $? -eq 64
sh "$LAB" --imap-port 11x43 >/dev/null 2>&1
check "lab.sh refuses a bad --imap-port (64)" test $? -eq 64
sh "$LAB" --terminal bogus >/dev/null 2>&1
check "lab.sh refuses an unknown terminal (64)" test $? -eq 64
check "lab.sh left no state behind after refusing" test ! -e "$MAILAB_LAB_STATE"
