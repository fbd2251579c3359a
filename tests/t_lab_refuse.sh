#!/bin/sh
# scripts/lab.sh runs its servers as a real domain's (SPEC: -n mail.example
# -U users.txt --domain example.com): mail to an unknown user gets
# 550 5.1.1 and to another domain 550 5.7.1, and nothing is stored; the
# client shell's command list fits 80 columns.  With a port taken, the
# failed server's pane keeps its error on screen (read back with tmux
# capture-pane) and lab.sh's own output says so, names the holder and
# exits 69; `lab.sh stop` then closes it all.  A private tmux server and
# state directory keep a real lab untouched.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "lab.sh refusals" smtp_server pop_server imap_server mail_send pop_client || exit 0
if ! have tmux; then skip "lab.sh refusals" "tmux not installed"; exit 0; fi

LAB=$TOP/scripts/lab.sh
export TMUX_TMPDIR="$T/tmux" MAILAB_LAB_STATE="$T/state"
unset TMUX
mkdir "$TMUX_TMPDIR"
trap 'sh "$LAB" stop >/dev/null 2>&1; tmux kill-server 2>/dev/null; cleanup' EXIT
free_ports || exit 0
lab() { sh "$LAB" --tmux --smtp-port "$PORT1" --pop-port "$PORT2" --imap-port "$PORT3" --maildir "$T/md"; }

# 1. The lab's servers refuse what a real domain's would.
lab >"$T/lab.out" 2>&1
check "lab.sh starts (exit 0)" test $? -eq 0
"$TOP/mail_send" -p "$PORT1" -t nobody@example.com -m hi >"$T/nobody.out" 2>&1
check "mail_send to nobody@example.com fails (69)" test $? -eq 69
check "nobody@example.com is refused with 550 5.1.1" grep -q '550 5\.1\.1' "$T/nobody.out"
check_not "mail_send to nobody@example.com does not say sent" grep -q 'sent successfully' "$T/nobody.out"
"$TOP/mail_send" -p "$PORT1" -t x@gmail.com -m hi >"$T/gmail.out" 2>&1
check "mail_send to x@gmail.com fails (69)" test $? -eq 69
check "x@gmail.com is refused with 550 5.7.1" grep -q '550 5\.7\.1' "$T/gmail.out"
check "nothing was stored for nobody or x" sh -c "[ ! -e '$T/md/nobody' ] && [ ! -e '$T/md/x' ]"
"$TOP/mail_send" -p "$PORT1" -m hi >"$T/gizem.out" 2>&1
check "mail to gizem@example.com still arrives" wait_count "$T/md/gizem/new" 1
check "the greeting names mail.example" sh -c "printf 'S: 220 mail.example *\nC: QUIT\nS: 221 *\n' \
	| '$CHAT' 127.0.0.1 $PORT1"
PANE=$(tmux list-panes -s -t mailab -F '#{pane_id}' | tail -n 1)
wait_for sh -c "tmux capture-pane -p -t '$PANE' | grep -q 'lab.sh stop'"
tmux capture-pane -p -t "$PANE" >"$T/client.txt"
check "the client shell lists the 550 5.1.1 example" grep -q 'nobody@example.com' "$T/client.txt"
check "the client shell lists IMAP by hand on its port" grep -q "nc -C localhost $PORT3" "$T/client.txt"
check "the lab's imap_server reads the mail smtp_server stored (LOGIN, SELECT)" sh -c "
	printf 'S: * OK*\nC: a LOGIN gizem 1234\nS: a OK*\nC: b SELECT INBOX\nS~ * 1 EXISTS\nS~ b OK*\nC: c LOGOUT\nS: * BYE*\nS: c OK*\n' |
	'$CHAT' 127.0.0.1 $PORT3"
# shellcheck disable=SC2016 # $0 is awk's
check "the client shell's lines fit 80 columns" \
	awk 'length($0) >= 80 { exit 1 }' "$MAILAB_LAB_STATE/client.sh"
sh "$LAB" stop >/dev/null 2>&1

# 2. smtp_server's port is taken: its pane keeps the error, lab.sh says so.
start_server "decoy smtp_server" decoy "$TOP/smtp_server" -d "$T/decoy-md" || exit 0
BUSY=$PORT DECOY=$LAST_PID
sh "$LAB" --tmux --smtp-port "$BUSY" --pop-port "$PORT2" --imap-port "$PORT3" --maildir "$T/md" >"$T/busy.out" 2>&1
check "lab.sh with a taken port exits 69" test $? -eq 69
check_not "lab.sh with a taken port does not say Started" grep -q 'Started' "$T/busy.out"
check "lab.sh says smtp_server did not start" grep -q 'smtp_server did not start' "$T/busy.out"
check "lab.sh names the port's holder" grep -Fq "port $BUSY is in use by smtp_server (PID $DECOY)" "$T/busy.out"
check "lab.sh says the error stays on screen in the pane" \
	grep -q 'the error stays on screen in its tmux pane' "$T/busy.out"
SMTP_PANE=$(tmux list-panes -s -t mailab -F '#{pane_id}' | head -n 1)
wait_for sh -c "tmux capture-pane -p -J -t '$SMTP_PANE' | grep -q 'Press Enter'"
tmux capture-pane -p -J -S - -t "$SMTP_PANE" >"$T/pane.txt"
check "the smtp_server pane still shows the server's error" grep -q "port $BUSY.*in use" "$T/pane.txt"
check "the smtp_server pane says to press Enter to close it" grep -q 'Press Enter to close' "$T/pane.txt"
check "the smtp_server pane is alive (not a dead pane)" \
	test "$(tmux display-message -p -t "$SMTP_PANE" '#{pane_dead}')" = 0
sh "$LAB" stop >"$T/stop.out" 2>&1
check "lab.sh stop after the failure closes the session" \
	wait_for sh -c '! tmux has-session -t mailab 2>/dev/null'
check "the decoy still runs" kill -0 "$DECOY"
