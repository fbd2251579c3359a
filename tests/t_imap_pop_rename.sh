#!/bin/sh
# POP3 and IMAP on one mailbox, the rename case: a POP3 session holds
# its snapshot while an IMAP session changes a message's flags, which
# renames cur/<base>:2,S to cur/<base>:2,FS (maildir(5)).  POP3's RETR
# must still find the message, and its DELE must remove it at QUIT.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

have python3 || { skip "POP3 and IMAP rename case" "python3 not installed"; exit 0; }
TEXT='Subject: flags\n\nrenamed under POP3\n'
N=$(uniq_name 1700000000 1 "$TEXT")
mkdir -p "$MD/gizem/new" "$MD/gizem/cur" "$MD/gizem/tmp"
printf "$TEXT" >"$MD/gizem/cur/$N:2,S"
start_server imap_server imap.log "$TOP/imap_server" -d "$MD" -U "$T/users" || exit 1
IMAP_PORT=$PORT
start_server pop_server pop.log "$TOP/pop_server" -d "$MD" -U "$T/users" || exit 1
POP_PORT=$PORT

python3 - "$POP_PORT" "$IMAP_PORT" >"$T/py.out" 2>&1 <<'PY'
import socket, sys
def conn(port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    return s, s.makefile("rb")
def cmd(s, f, line, multi=False):
    s.sendall(line.encode() + b"\r\n")
    first = f.readline().decode().rstrip("\r\n")
    body = []
    if multi and first.startswith("+OK"):
        while True:
            l = f.readline().decode().rstrip("\r\n")
            if l == ".":
                break
            body.append(l)
    return first, body
p, pf = conn(sys.argv[1]); pf.readline()
print("USER", cmd(p, pf, "USER gizem")[0])
print("PASS", cmd(p, pf, "PASS 1234")[0])
i, imf = conn(sys.argv[2]); imf.readline()
def imap(tag, line):
    i.sendall(f"{tag} {line}\r\n".encode())
    while True:
        l = imf.readline().decode().rstrip("\r\n")
        if l.startswith(tag + " "):
            return l
print("STORE", imap("a", "LOGIN gizem 1234"), imap("b", "SELECT INBOX"),
      imap("c", "STORE 1 +FLAGS (\\Flagged)"), imap("d", "LOGOUT"))
r, body = cmd(p, pf, "RETR 1", multi=True)
print("RETR", r, "|".join(body))
print("DELE", cmd(p, pf, "DELE 1")[0])
print("QUIT", cmd(p, pf, "QUIT")[0])
PY
cat "$T/py.out" >"$T/check.out"
check "IMAP's STORE renamed the file POP3's snapshot saw" grep -q 'STORE.*c OK' "$T/py.out"
check "POP3's RETR still finds the renamed message, text whole" grep -q '^RETR +OK .*renamed under POP3' "$T/py.out"
check "POP3's DELE and QUIT answer +OK" grep -q '^QUIT +OK' "$T/py.out"
if [ -z "$(files gizem cur)$(files gizem new)" ]; then
	pass "the message DELE marked is gone after QUIT, though IMAP renamed it"
else
	fail "the message DELE marked is gone after QUIT, though IMAP renamed it" "left: $(files gizem cur)"
fi
