# tests/lib_send.sh: helpers for the mail_send tests, sourced after
# tests/lib.sh.  Python's email package (/usr/bin/python3) reads what
# was stored, so the checks are those of an independent parser.

# shellcheck disable=SC2034 # FAKE and SEED_BODY serve the t_send_*.sh
SEND="$TOP/mail_send"
FAKE="$TOP/tests/tools/fake_smtp"
PY=/usr/bin/python3
SEED_BODY='Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ'

# have_py: is Python 3 with its email package there?
have_py() { [ -x "$PY" ] && "$PY" -c 'import email.policy' 2>/dev/null; }

# stored BOX: the one file in $T/md/BOX/new (empty when none).
stored() { find "$T/md/$1/new" -type f 2>/dev/null | head -n 1; }

# py_msg NAME FILE CODE: run Python CODE with msg (the parsed FILE),
# raw (its bytes) and arg (sys.argv[2:]); passes when CODE raises nothing.
py_msg() {
	name=$1 file=$2 code=$3; shift 3
	if ! have_py; then skip "$name" "python3 not installed"; return; fi
	if [ -z "$file" ] || [ ! -f "$file" ]; then fail "$name" "no stored message"; return; fi
	if "$PY" -c "import sys, email, email.policy
raw = open(sys.argv[1], 'rb').read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
arg = sys.argv[2:]
$code" "$file" "$@" >"$T/py.out" 2>&1; then pass "$name"; else
		fail "$name" "$(tail -n 2 "$T/py.out" | tr '\n' ' ')"; fi
}

# sends NAME WANT_STATUS ARGS...: run mail_send; its status must be
# WANT_STATUS.  stdout and stderr are kept in $T/send.out, $T/send.err.
sends() {
	name=$1 want=$2; shift 2
	"$SEND" "$@" >"$T/send.out" 2>"$T/send.err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else
		fail "$name" "exit $got, want $want: $(tail -n 2 "$T/send.err" | tr '\n' ' ')"; fi
}

# has NAME FILE PATTERN: FILE has a line matching the grep PATTERN.
has() {
	if grep -q -e "$3" "$2"; then pass "$1"; else
		fail "$1" "no '$3' in: $(head -c 300 "$2" | tr '\n' ' ')"; fi
}

# hasnt NAME FILE PATTERN: FILE has no line matching PATTERN.
hasnt() {
	if grep -q -e "$3" "$2"; then fail "$1" "found '$3'"; else pass "$1"; fi
}

# one_line NAME FILE: an error is exactly one line.
one_line() {
	n=$(wc -l <"$2" | tr -d ' ')
	if [ "$n" -eq 1 ]; then pass "$1"; else fail "$1" "$n lines: $(tr '\n' '|' <"$2")"; fi
}

# free_port: a loopback port nobody listens on just now.
free_port() {
	if have_py; then
		"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
	else
		echo $((20000 + $$ % 20000))
	fi
}

# wait_port PORT: wait until something accepts on 127.0.0.1:PORT.
wait_port() {
	wait_for sh -c "\"$CHAT\" -t 1 127.0.0.1 $1 </dev/null >/dev/null 2>&1"
}

# asan_build: true when the programs were built with AddressSanitizer
# (its shadow memory makes RSS figures meaningless).
asan_build() { grep -q __asan_init "$SEND" 2>/dev/null; }

# gnu_time: is /usr/bin/time GNU time (-f %M)?  BSD and macOS time
# have no -f, so a bare -x test is not enough.
gnu_time() { /usr/bin/time -f %M -o /dev/null true >/dev/null 2>&1; }

# peak_kib CMD...: run CMD, print its peak RSS in KiB (needs gnu_time).
peak_kib() {
	/usr/bin/time -f %M -o "$T/rss" "$@" >/dev/null 2>&1
	tail -n 1 "$T/rss"
}


