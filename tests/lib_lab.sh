# shellcheck shell=sh disable=SC2034,SC2153 # PORT and LAST_PID come from lib.sh
# tests/lib_lab.sh: sourced after tests/lib.sh by the tests of the lab
# scripts (tests/t_lab_*.sh).

SEED_TEXT='Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ'

# need_programs NAME PROGRAM...: true when every PROGRAM is built; else
# print "skipped: NAME: PROGRAM not built yet" and return 1.
need_programs() {
	name=$1
	shift
	for p in "$@"; do
		if [ ! -x "$TOP/$p" ]; then
			skip "$name" "$p not built yet"
			return 1
		fi
	done
}

# free_ports: set PORT1, PORT2 and PORT3 (the lab's SMTP, POP3 and IMAP)
# to loopback ports that were free a moment ago (smtp_server -p 0 picks
# them; SO_REUSEADDR lets the scripts bind them again at once).
free_ports() {
	start_server "free port" port1 "$TOP/smtp_server" -d "$T/free" || return 1
	p1=$LAST_PID PORT1=$PORT
	start_server "free port" port2 "$TOP/smtp_server" -d "$T/free" || return 1
	p2=$LAST_PID PORT2=$PORT
	start_server "free port" port3 "$TOP/smtp_server" -d "$T/free" || return 1
	PORT3=$PORT
	stop_server "$p1"
	stop_server "$p2"
	stop_server "$LAST_PID"
}

# running PATTERN: the PIDs of the processes whose command line has PATTERN.
running() {
	pgrep -f -- "$1"
}

# talk PORT SCRIPT: the chat SCRIPT file passes against 127.0.0.1:PORT.
talk() { "$CHAT" 127.0.0.1 "$1" <"$2"; }

# gone PID: the process has ended (waiting up to 5 s); a zombie that its
# parent (a terminal, tmux) has not reaped yet has ended too.
gone() { wait_for ended "$1"; }
ended() {
	kill -0 "$1" 2>/dev/null || return 0
	case $(ps -o stat= -p "$1" 2>/dev/null) in Z*) return 0 ;; esac
	return 1
}

# greets_smtp PORT / greets_pop PORT / greets_imap PORT: a server of
# that kind answers there.
greets_smtp() { printf 'S: 220 *\nC: QUIT\nS: 221 *\n' >"$T/smtp.chat"; talk "$1" "$T/smtp.chat"; }
greets_pop() { printf 'S: +OK*\nC: QUIT\nS: +OK*\n' >"$T/pop.chat"; talk "$1" "$T/pop.chat"; }
greets_imap() { printf 'S: * OK *IMAP4rev1*\nC: a LOGOUT\nS: * BYE*\nS: a OK*\n' >"$T/imap.chat"; talk "$1" "$T/imap.chat"; }
