#!/bin/sh
# scripts/lab.sh with terminal windows: a stand-in xterm (on PATH, with
# DISPLAY set) runs what lab.sh asks of a real one (-T TITLE -e COMMAND),
# so the window path is tested without a display: four windows with
# their titles, the three servers started on the given ports, and
# `lab.sh stop` stops them by PID.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "lab.sh (windows)" smtp_server pop_server imap_server mail_send pop_client || exit 0

LAB=$TOP/scripts/lab.sh
export MAILAB_LAB_STATE="$T/state" DISPLAY=:mailab-test
mkdir "$T/bin"
cat >"$T/bin/xterm" <<X
#!/bin/sh
# a stand-in xterm: log the title, run the command after -e, no terminal
[ "\$1" = -T ] && echo "\$2" >>"$T/windows"
while [ \$# -gt 0 ] && [ "\$1" != -e ]; do shift; done
shift
exec "\$@" </dev/null >>"$T/window.out" 2>&1
X
chmod +x "$T/bin/xterm"
PATH=$T/bin:$PATH
free_ports || exit 0

sh "$LAB" --terminal xterm --smtp-port "$PORT1" --pop-port "$PORT2" --imap-port "$PORT3" \
	--maildir "$T/md" >"$T/lab.out" 2>&1
check "xterm: lab.sh exits 0" test $? -eq 0
check "xterm: four windows, titled" test "$(sort "$T/windows" | tr '\n' '|')" = \
	"imap_server :$PORT3|mailab client|pop_server :$PORT2|smtp_server :$PORT1|"
SMTP_PID=$(cat "$MAILAB_LAB_STATE/smtp.pid")
POP_PID=$(cat "$MAILAB_LAB_STATE/pop.pid")
IMAP_PID=$(cat "$MAILAB_LAB_STATE/imap.pid")
check "xterm: lab.sh lists smtp_server's PID" grep -q "smtp_server  PID $SMTP_PID" "$T/lab.out"
check "xterm: lab.sh lists pop_server's PID" grep -q "pop_server   PID $POP_PID" "$T/lab.out"
check "xterm: lab.sh lists imap_server's PID" grep -q "imap_server  PID $IMAP_PID" "$T/lab.out"
check "xterm: the client window lists IMAP by hand" grep -q "nc -C localhost $PORT3" "$T/window.out"
check "xterm: the client window printed the commands" grep -q "./mail_send -v -p $PORT1" "$T/window.out"
check "xterm: smtp_server answers on port $PORT1" greets_smtp "$PORT1"
check "xterm: pop_server answers on port $PORT2" greets_pop "$PORT2"
check "xterm: imap_server answers on port $PORT3" greets_imap "$PORT3"
sh "$LAB" stop >"$T/stop.out" 2>&1
check "xterm: lab.sh stop names what it stopped" grep -q "stopped smtp_server (PID $SMTP_PID)" "$T/stop.out"
check "xterm: smtp_server stopped" gone "$SMTP_PID"
check "xterm: pop_server stopped" gone "$POP_PID"
check "xterm: lab.sh stop names imap_server" grep -q "stopped imap_server (PID $IMAP_PID)" "$T/stop.out"
check "xterm: imap_server stopped" gone "$IMAP_PID"
