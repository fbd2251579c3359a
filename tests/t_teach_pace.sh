#!/bin/sh
# tests/t_teach_pace.sh: --delay and --step (SPEC "Teaching modes").
# --delay MS is measured on the other side of the socket (a small
# python3 peer timestamps each line as it arrives); --step is driven
# through tmux (nothing goes out before Enter, "c" goes on); --step
# without a terminal is refused with EX_USAGE.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

MD="$T/md"
SEND="$TOP/mail_send"
POPC="$TOP/pop_client"
DELAY=200 # ms; a gap must be at least MIN_GAP seconds
MIN_GAP=0.15

# -- bad values: EX_USAGE, for every program
# args PROGRAM: what it needs besides the option under test
args() { case $1 in *_server) echo "-p 0 -d $MD" ;; *) echo "-p 1" ;; esac; }

for p in mail_send pop_client smtp_server pop_server; do
	for v in 10001 -1 x ''; do
		# shellcheck disable=SC2046 # args are words
		"$TOP/$p" --delay "$v" $(args "$p") </dev/null >"$T/bad.out" 2>&1 &
		pid=$!
		i=0
		while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		kill $pid 2>/dev/null
		wait $pid
		rc=$?
		if [ $rc -eq 64 ] && grep -q -- '--delay' "$T/bad.out"; then pass "$p --delay '$v' refused (64)"
		else fail "$p --delay '$v' refused (64)" "rc=$rc $(cat "$T/bad.out")"; fi
	done
done

if ! have python3; then
	skip "--delay measured by a peer" "python3 not installed"
else
	# gaps FILE: each line "seconds text"; prints the gaps that are
	# shorter than MIN_GAP, and "only N lines" when too few came.
	short_gaps() {
		awk -v min="$MIN_GAP" -v want="$2" '
			NR > 1 && $1 - prev < min { print "gap " $1 - prev " before " $2 }
			{ prev = $1 }
			END { if (NR < want) print "only " NR " lines" }' "$1"
	}

	# -- a server with --delay: the client times each reply line
	start_server smtp_server delay.log "$TOP/smtp_server" -d "$MD" --delay "$DELAY" || exit 0
	python3 - "$PORT" >"$T/s.times" 2>"$T/s.err" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
t0 = time.monotonic()
f = s.makefile("rb")
def line():
    l = f.readline()
    print("%.3f %s" % (time.monotonic() - t0, l.decode().split(" ")[0].strip()))
    return l
line()                                   # the greeting
s.sendall(b"EHLO peer.test\r\n")
while not line().startswith(b"250 "):    # every line of the reply
    pass
s.sendall(b"QUIT\r\n")
line()
PY
	bad=$(short_gaps "$T/s.times" 8)
	if [ -z "$bad" ] && [ "$(head -n 1 "$T/s.times" | cut -d ' ' -f 1 | tr -d .)" -ge 150 ]; then
		pass "smtp_server --delay $DELAY: every reply line arrives at least ${MIN_GAP}s after the last"
	else fail "smtp_server --delay $DELAY: every reply line arrives at least ${MIN_GAP}s after the last" "$bad $(cat "$T/s.err")"; fi
	stop_server "$LAST_PID"

	# -- a client with --delay: a fake POP3 server times each command
	cat >"$T/fakepop.py" <<'PY'
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
l.settimeout(10)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.settimeout(10)
f = c.makefile("rb")
out = open(sys.argv[1], "w")
c.sendall(b"+OK fake ready\r\n")
t0 = time.monotonic()
answers = {b"CAPA": b"-ERR no CAPA\r\n", b"STAT": b"+OK 0 0\r\n"}
while True:
    cmd = f.readline()
    if not cmd:
        break
    verb = cmd.split(b" ")[0].strip().upper()
    out.write("%.3f %s\n" % (time.monotonic() - t0, verb.decode()))
    out.flush()
    c.sendall(answers.get(verb, b"+OK\r\n"))
    if verb == b"QUIT":
        break
PY
	: >"$T/fake.port"
	python3 "$T/fakepop.py" "$T/c.times" >"$T/fake.port" 2>"$T/fake.err" &
	FAKE_PID=$!
	PIDS="$PIDS $FAKE_PID"
	wait_for grep -q '[0-9]' "$T/fake.port"
	"$POPC" -p "$(cat "$T/fake.port")" --delay "$DELAY" >"$T/popc.out" 2>&1
	wait "$FAKE_PID"
	# The first command counts from the greeting, the others from the last.
	bad=$(short_gaps "$T/c.times" 5)
	first=$(head -n 1 "$T/c.times" | cut -d ' ' -f 1 | tr -d .)
	if [ -z "$bad" ] && [ "${first:-0}" -ge 150 ] && grep -q 'QUIT' "$T/c.times"; then
		pass "pop_client --delay $DELAY: every command arrives at least ${MIN_GAP}s after the last"
	else fail "pop_client --delay $DELAY: every command arrives at least ${MIN_GAP}s after the last" "$bad first=$first $(tr '\n' '|' <"$T/c.times")"; fi
fi

# -- --step without a terminal: refused before anything starts
if have setsid; then
	w=""
	setsid --help 2>&1 | grep -q -- '-w' && w="-w"
	for p in mail_send pop_client smtp_server pop_server; do
		# shellcheck disable=SC2086 # $w is one option or nothing
		# shellcheck disable=SC2046 # args are words
		setsid $w "$TOP/$p" --step $(args "$p") </dev/null >"$T/nt.out" 2>&1
		rc=$?
		if [ $rc -eq 64 ] && grep -q -- '--step needs a terminal' "$T/nt.out"; then
			pass "$p --step without a terminal: EX_USAGE, said why"
		else fail "$p --step without a terminal: EX_USAGE, said why" "rc=$rc $(cat "$T/nt.out")"; fi
	done 2>/dev/null
else
	skip "--step without a terminal" "setsid not installed"
fi

# -- --step through tmux
if ! have tmux; then
	skip "--step in a terminal" "tmux not installed"
	exit 0
fi
S=mailab-step-$$
pane() { tmux capture-pane -p -t "$S" 2>/dev/null; }
pane_has() { pane | grep -q -- "$1"; }
log_has() { grep -q -- "$1" "$T/step.log"; }
start_server smtp_server step.log "$TOP/smtp_server" -v -d "$MD" || exit 0
tmux new-session -d -s "$S" -x 200 -y 50 \
	"'$SEND' -p $PORT -t gizem@example.com -m stepped --step </dev/null >'$T/step.out' 2>&1; echo \$? >'$T/step.rc'; sleep 30" ||
	{ skip "--step in a terminal" "tmux cannot start a session here"; exit 0; }
trap 'tmux kill-session -t "$S" 2>/dev/null; cleanup' EXIT
if wait_for pane_has '\[step\] C: EHLO' && wait_for log_has 'S: 220' && sleep 0.5 && ! log_has 'C: EHLO'; then
	pass "mail_send --step: shows the EHLO line and sends nothing before Enter"
else fail "mail_send --step: shows the EHLO line and sends nothing before Enter" "$(pane | head -n 5)"; fi
tmux send-keys -t "$S" Enter
if wait_for log_has 'C: EHLO' && wait_for pane_has '\[step\] C: MAIL' && sleep 0.5 && ! log_has 'C: MAIL'; then
	pass "Enter sends that line; the next one waits for its own Enter"
else fail "Enter sends that line; the next one waits for its own Enter" "$(tail -n 5 "$T/step.log")"; fi
tmux send-keys -t "$S" c Enter
if wait_for test -s "$T/step.rc" && [ "$(cat "$T/step.rc")" = 0 ] && log_has 'C: QUIT' &&
	[ "$(count_files "$MD/gizem/new")" -ge 1 ]; then
	pass "c then Enter goes on without pausing: the mail is sent"
else fail "c then Enter goes on without pausing: the mail is sent" "$(cat "$T/step.out" "$T/step.rc" 2>&1)"; fi
tmux kill-session -t "$S" 2>/dev/null
stop_server "$LAST_PID"

# A server with --step: the greeting waits for Enter on its terminal;
# meanwhile it serves no second session.
: >"$T/sstep.log"
tmux new-session -d -s "$S" -x 200 -y 50 \
	"'$TOP/smtp_server' -p 0 -v -d '$MD' --step 2>'$T/sstep.log'; sleep 30"
wait_for grep -q 'listening on' "$T/sstep.log"
PORT=$(sed -n 's/.*listening on .* port \([0-9]*\).*/\1/p' "$T/sstep.log" | head -n 1)
printf 'S: 220*\nC: QUIT\nS: 221*\nEOF\n' >"$T/first.chat"
"$CHAT" -t 10 127.0.0.1 "$PORT" <"$T/first.chat" >"$T/first.out" 2>&1 &
FIRST=$!
if wait_for pane_has '\[step\] S: 220' && sleep 0.5 && ! grep -q '^S: 220' "$T/sstep.log"; then
	pass "smtp_server --step: the greeting waits for Enter"
else fail "smtp_server --step: the greeting waits for Enter" "$(pane | head -n 3)"; fi
printf 'S: 421 *\nEOF\n' >"$T/second.chat"
if "$CHAT" -t 5 127.0.0.1 "$PORT" <"$T/second.chat" >"$T/second.out" 2>&1; then
	pass "smtp_server --step serves one session at a time (a second gets 421)"
else fail "smtp_server --step serves one session at a time (a second gets 421)" "$(cat "$T/second.out")"; fi
tmux send-keys -t "$S" c Enter
if wait "$FIRST"; then pass "c then Enter: the session goes on to QUIT"
else fail "c then Enter: the session goes on to QUIT" "$(cat "$T/first.out")"; fi
tmux kill-session -t "$S" 2>/dev/null
