# tests/lib.sh: sourced by every tests/t_*.sh.  Each check prints one
# line that tests/run.sh counts:  "ok - name", "FAIL - name: why",
# "skipped: name: why".  Servers run on free loopback ports (-p 0) in a
# temporary directory that is removed, servers stopped, on exit.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# The programs speak the locale's language (SPEC "Teaching modes"); the
# tests read English, so they pass on a Turkish machine too.
LC_ALL=C LANG=C
export LC_ALL LANG
unset LANGUAGE LC_MESSAGES
CHAT="$TOP/tests/tools/chat"
T=$(mktemp -d "${TMPDIR:-/tmp}/mailab-test.XXXXXX")
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	[ -n "$KEEP_T" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { printf 'ok - %s\n' "$1"; }
fail() { printf 'FAIL - %s\n' "$1${2:+: $2}"; }
skip() { printf 'skipped: %s\n' "$1${2:+: $2}"; }

# check NAME COMMAND...: pass when COMMAND exits 0.
check() {
	name=$1; shift
	if "$@" >"$T/check.out" 2>&1; then pass "$name"; else
		fail "$name" "$(tail -n 3 "$T/check.out" | tr '\n' ' ')"; fi
}

# check_not NAME COMMAND...: pass when COMMAND fails.
check_not() {
	name=$1; shift
	if "$@" >"$T/check.out" 2>&1; then fail "$name" "expected failure"; else pass "$name"; fi
}

# have PROGRAM: is a real peer installed?
have() { command -v "$1" >/dev/null 2>&1; }

# start_server NAME LOG PROGRAM ARGS...: start a server on a free port;
# sets PORT and LAST_PID.  The log is $T/LOG.
start_server() {
	name=$1 log=$T/$2; shift 2
	: >"$log" # now, not in the background: no old port may be read
	"$@" -p 0 >"$log.out" 2>>"$log" &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
	i=0
	while [ $i -lt 100 ]; do
		PORT=$(sed -n 's/.*listening on .* port \([0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$PORT" ] && return 0
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	fail "$name starts" "$(cat "$log")"
	return 1
}

# stop_server PID: SIGTERM, and wait for it.
stop_server() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# chat_ok NAME ARGS...: a chat script (on stdin) must pass, and the
# server must send nothing it does not expect (chat -x: one reply per
# command, no extra line anywhere, nothing after the script).
chat_ok() {
	name=$1; shift
	if "$CHAT" -x "$@" >"$T/chat.out" 2>&1; then pass "$name"; else
		fail "$name" "$(tr '\n' ' ' <"$T/chat.out")"; fi
}

# count_files DIR: how many regular files are in DIR (0 if none).
count_files() {
	if [ -d "$1" ]; then find "$1" -type f | wc -l | tr -d ' '; else echo 0; fi
}

# wait_for COMMAND...: retry for up to 10 seconds (machines are busy).
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		"$@" && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# wait_count DIR N: wait (up to 10 s) until DIR holds N files.
has_count() { [ "$(count_files "$1")" -eq "$2" ]; }
wait_count() { wait_for has_count "$1" "$2"; }

# pty_run OUT CMD...: run CMD on a pseudo-terminal, stdout and stderr
# both into it as a terminal shows them (python3's pty module: portable,
# unlike script(1)'s options); what it showed goes to OUT, CRLF as LF.
# Returns 2 when python3 is missing (the caller skips).
pty_run() {
	out=$1; shift
	py=${PY:-/usr/bin/python3}
	[ -x "$py" ] || return 2
	"$py" - "$@" >"$out" <<'X'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
data = b''
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(data.replace(b'\r\n', b'\n'))
sys.exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 1)
X
}

# line_no FILE PATTERN: the number of the first line matching PATTERN.
line_no() { grep -n -e "$2" "$1" | head -n 1 | cut -d: -f1; }
