#!/bin/sh
# scripts/capture.sh: record the lab's traffic on the loopback interface
# into a pcap file with tshark (or tcpdump when tshark is missing), then
# print the packet list the way the Wireshark slides show it: the TCP
# three-way handshake, each SMTP, POP3 and IMAP line as C:/S: with its
# direction and length, and the clear-text moments called out (MAIL FROM,
# the message text, USER, PASS, IMAP's LOGIN, AUTH's base64 decoded).
#
# Capture filter: the lab ports only.  The ports are not SMTP's 25,
# POP3's 110 and IMAP's 143, so reading back uses "Decode As" (-d
# tcp.port==1025,smtp -d tcp.port==1110,pop -d tcp.port==1143,imap).  Capturing needs root or the wireshark group;
# under sudo the file is given to the user who ran sudo.  --demo runs on
# the lab's ports when they are free, else on free ones (the lab may be
# running); a port given with --smtp-port/--pop-port is used or refused.
PROG=capture.sh
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$TOP/scripts/common.sh"

usage() {
	cat <<EOF
usage: scripts/capture.sh [-o FILE] [-i IFACE] [--smtp-port N] [--pop-port N]
                          [--imap-port N] [--demo | -- COMMAND [ARG]...]
       scripts/capture.sh -r FILE [--smtp-port N] [--pop-port N] [--imap-port N]

Capture the lab's SMTP, POP3 and IMAP traffic on loopback into FILE, then
print the packet list: handshake, C:/S: lines, clear-text moments.

  -o, --output FILE   the pcap file to write (default lab.pcap)
  -i, --interface IF  interface (default lo; lo0 on macOS)
      --smtp-port N   SMTP port to capture and decode (default 1025);
                      repeatable, e.g. for two servers relaying
      --pop-port N    POP3 port to capture and decode (default 1110);
                      repeatable
      --imap-port N   IMAP port to capture and decode (default 1143);
                      repeatable
      --demo          capture one run of scripts/demo.sh: on these ports
                      if given, else on 1025/1110 if free, else free ports
  -- COMMAND...       capture while COMMAND runs (without it, and without
                      --demo: until Ctrl-C, while you use the lab)
  -r, --read FILE     do not capture: print the packet list of FILE
      --tcpdump       capture with tcpdump even when tshark is installed
  -h, --help          this text

Capturing needs root or the wireshark group:  sudo scripts/capture.sh
(the file then belongs to you, not root), or once
sudo usermod -aG wireshark \$USER  (Debian/Ubuntu: also
sudo dpkg-reconfigure wireshark-common, answer Yes), then log in again.

Examples:
  scripts/capture.sh --demo                 record a demo run into lab.pcap
  scripts/capture.sh                        record the lab until Ctrl-C

Open the file in Wireshark:  wireshark lab.pcap   (or File > Open).  The
ports are not the usual 25, 110 and 143, so first: Analyze > Decode As...
> TCP port 1025 as SMTP, 1110 as POP, 1143 as IMAP (or, in one line:
wireshark -r lab.pcap -d tcp.port==1025,smtp -d tcp.port==1110,pop
-d tcp.port==1143,imap; add -o smtp.decryption:TRUE to see AUTH's user
and password decoded, the preference Protocols > SMTP > Decode Base64
encoded AUTH parameters).  Then type a display filter:
  smtp                only the SMTP lines     pop   only the POP3 lines
  imap                only the IMAP lines
  tcp.port == 1025    all of port 1025's packets, handshake included
  tcp.stream eq N     one connection (right click > Follow > TCP Stream)
The same list in a terminal:
  tshark -r lab.pcap -d tcp.port==1025,smtp -d tcp.port==1110,pop -d tcp.port==1143,imap
In the list, Length is the whole frame (Wireshark's Length column) and
Len the TCP payload, the protocol bytes (Wireshark's Len=).
EOF
}

OUT=lab.pcap
IFACE=
SMTP_PORTS=
POP_PORTS=
IMAP_PORTS=
MODE='wait'
READ=
FORCE_TCPDUMP=false
SMTP_GIVEN=false
POP_GIVEN=false

# demo_ports: the ports for --demo.  A port given is used as is, but a
# taken one is refused here, with its holder, before anything is
# captured; else 1025 and 1110 when free (the handout's), else free ports,
# so that the demo runs while the lab holds 1025 and 1110.
demo_ports() {
	missing=$(missing_programs smtp_server pop_server mail_send pop_client)
	if [ -n "$missing" ]; then
		err "not built yet: $missing(run make)"
		exit $EX_UNAVAILABLE
	fi
	P=$(mktemp -d "${TMPDIR:-/tmp}/mailab-ports.XXXXXX") || exit $EX_SOFTWARE
	for kind in SMTP POP; do
		if [ $kind = SMTP ]; then want=${SMTP_PORTS%% *} given=$SMTP_GIVEN def=1025
		else want=${POP_PORTS%% *} given=$POP_GIVEN def=1110; fi
		$given || want=$def
		got=$(pick_port "$want" "$P")
		if [ -z "$got" ]; then
			rm -rf "$P"; err "no server could listen on loopback"; exit $EX_UNAVAILABLE
		elif [ "$got" != "$want" ] && $given; then
			rm -rf "$P"
			err "cannot run the demo on port $want: it is taken; nothing was captured"
			port_taken_hint "$want"
			exit $EX_UNAVAILABLE
		elif [ "$got" != "$want" ]; then
			echo "$PROG: port $want is taken (is the lab running?): the demo uses port $got"
		fi
		if [ $kind = SMTP ]; then SMTP_PORTS=$got; else POP_PORTS=$got; fi
	done
	rm -rf "$P"
}

# need_arg N: an option's value is missing when fewer than 2 words are left.
need_arg() { [ "$1" -ge 2 ] || { usage >&2; exit $EX_USAGE; }; }

while [ $# -gt 0 ]; do
	case $1 in
	-o|--output) need_arg $#; OUT=$2; shift ;;
	-i|--interface) need_arg $#; IFACE=$2; shift ;;
	--smtp-port) need_arg $#; SMTP_PORTS="$SMTP_PORTS $2"; SMTP_GIVEN=true; shift ;;
	--pop-port) need_arg $#; POP_PORTS="$POP_PORTS $2"; POP_GIVEN=true; shift ;;
	--imap-port) need_arg $#; IMAP_PORTS="$IMAP_PORTS $2"; shift ;;
	-r|--read) need_arg $#; READ=$2; shift ;;
	--demo) MODE=demo ;;
	--tcpdump) FORCE_TCPDUMP=true ;;
	-h|--help) usage; exit 0 ;;
	--) shift; MODE='command'; break ;;
	*) err "unknown option: $1"; usage >&2; exit $EX_USAGE ;;
	esac
	shift
done
SMTP_PORTS=${SMTP_PORTS# }
POP_PORTS=${POP_PORTS# }
SMTP_PORTS=${SMTP_PORTS:-1025}
POP_PORTS=${POP_PORTS:-1110}
IMAP_PORTS=${IMAP_PORTS# }
IMAP_PORTS=${IMAP_PORTS:-1143}
for p in $SMTP_PORTS $POP_PORTS $IMAP_PORTS; do
	case $p in
	''|*[!0-9]*) err "not a port number: $p"; exit $EX_USAGE ;;
	esac
done
[ "$MODE" = demo ] && [ -z "$READ" ] && demo_ports
DECODE=''
FILTER=''
for p in $SMTP_PORTS $POP_PORTS $IMAP_PORTS; do FILTER="$FILTER${FILTER:+ or }tcp port $p"; done
for p in $SMTP_PORTS; do DECODE="$DECODE -d tcp.port==$p,smtp"; done
for p in $POP_PORTS; do DECODE="$DECODE -d tcp.port==$p,pop"; done
for p in $IMAP_PORTS; do DECODE="$DECODE -d tcp.port==$p,imap"; done
[ "$MODE" = command ] && [ $# -eq 0 ] && { err "-- needs a command"; exit $EX_USAGE; }
if [ -z "$IFACE" ]; then
	if [ "$(uname)" = Darwin ]; then IFACE=lo0; else IFACE=lo; fi
fi

# ---- capturing ----

# capture_start: start tshark or tcpdump in the background (CAP_PID) and
# wait until it really captures; on failure say why (permission!) and exit.
capture_start() {
	CAP_ERR=$(mktemp "${TMPDIR:-/tmp}/mailab-capture.XXXXXX") || exit $EX_SOFTWARE
	rm -f "$OUT"
	if have_tshark && ! $FORCE_TCPDUMP; then
		CAP_TOOL=tshark
		tshark -q -i "$IFACE" -f "$FILTER" -w "$OUT" 2>"$CAP_ERR" &
	elif command -v tcpdump >/dev/null 2>&1; then
		CAP_TOOL=tcpdump
		tcpdump -U --immediate-mode -i "$IFACE" -w "$OUT" "$FILTER" 2>"$CAP_ERR" &
	else
		err "neither tshark nor tcpdump is installed (apt-get install tshark)"
		exit $EX_UNAVAILABLE
	fi
	CAP_PID=$!
	tries=0
	until capture_ready; do
		if ! kill -0 "$CAP_PID" 2>/dev/null || [ $tries -ge 100 ]; then
			capture_failed
		fi
		sleep 0.1
		tries=$((tries + 1))
	done
	sleep 0.2 # the filter is set: let the kernel start handing packets over
	echo "$PROG: capturing $FILTER on $IFACE into $OUT with $CAP_TOOL"
}

have_tshark() { command -v tshark >/dev/null 2>&1; }

# capture_ready: the tool has opened the interface.  tshark says
# "Capturing on" even when the permission check fails a moment later, so
# its file must also have its header (dumpcap writes it once capturing).
capture_ready() {
	if [ "$CAP_TOOL" = tshark ]; then
		grep -q 'Capturing on' "$CAP_ERR" && [ -s "$OUT" ]
	else
		grep -qi 'listening on' "$CAP_ERR"
	fi
}

# capture_failed: the capture tool exited: explain, and exit 77 when the
# reason is a missing permission (the test skips on that code).
capture_failed() {
	kill "$CAP_PID" 2>/dev/null
	why=$(grep -i 'permission to capture\|not permitted\|operation not\|no such device' "$CAP_ERR" | head -n 2 | tr '\n' ' ')
	[ -n "$why" ] || why=$(grep -v 'Running as user\|^ \*\*\|^$' "$CAP_ERR" | tail -n 2 | tr '\n' ' ')
	rm -f "$CAP_ERR"
	if printf '%s' "$why" | grep -qi 'permission\|not permitted'; then
		err "cannot capture on $IFACE: $why"
		err "capturing needs root or the wireshark group: run it as root" \
			"(sudo scripts/capture.sh ...), or once: sudo usermod -aG wireshark \$USER" \
			"(Debian/Ubuntu: sudo dpkg-reconfigure wireshark-common, answer Yes), then log in again"
		exit $EX_NOPERM
	fi
	err "$CAP_TOOL could not capture on $IFACE: ${why:-it stopped at once}"
	exit $EX_UNAVAILABLE
}

# capture_stop: let the last packets arrive, stop the tool, keep its file.
capture_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
	rm -f "$CAP_ERR"
}

# capture_run: capture around the demo, a command, or until Ctrl-C.
# Returns the command's exit status (0 for Ctrl-C).
capture_run() {
	trap capture_stop EXIT
	trap 'exit 130' TERM HUP
	capture_start
	case $MODE in
	demo) sh "$TOP/scripts/demo.sh" --smtp-port "${SMTP_PORTS%% *}" \
		--pop-port "${POP_PORTS%% *}" ;;
	command) "$@" ;;
	wait)
		echo "$PROG: use the lab now; press Ctrl-C to stop and see the packet list"
		trap 'kill "$CAP_PID" 2>/dev/null; echo' INT
		wait "$CAP_PID"
		trap - INT
		true ;;
	esac
	rc=$?
	capture_stop
	return $rc
}

# ---- printing the packet list ----

# packet_fields FILE: one tab-separated line per packet, read by tshark:
# number, stream, ports, TCP flags (hex), frame length, payload length,
# payload (hex).
packet_fields() {
	# shellcheck disable=SC2086 # DECODE is several words on purpose
	tshark -r "$1" $DECODE -T fields -e frame.number -e tcp.stream \
		-e tcp.srcport -e tcp.dstport -e tcp.flags -e frame.len \
		-e tcp.len -e tcp.payload 2>/dev/null
}

# packet_count FILE: how many packets FILE holds (0 if none or no file).
packet_count() {
	n=0
	if [ -s "$1" ]; then
		if have_tshark; then n=$(tshark -r "$1" 2>/dev/null | wc -l)
		else n=$(tcpdump -nn -r "$1" 2>/dev/null | wc -l); fi
	fi
	echo $((n + 0))
}

# packet_list FILE: the slides' view of FILE (see list_awk below).
packet_list() {
	if ! have_tshark; then
		echo "(tshark is not installed: tcpdump's own view follows)"
		tcpdump -nn -A -r "$1" 2>/dev/null
		return
	fi
	echo "Packet list of $1 (SMTP on port $SMTP_PORTS, POP3 on port $POP_PORTS, IMAP on port $IMAP_PORTS):"
	packet_fields "$1" | LC_ALL=C awk -v smtp="$SMTP_PORTS" -v pop="$POP_PORTS" \
		-v imap="$IMAP_PORTS" "$(list_awk)"
}

# list_awk: the awk program behind packet_list.  Per packet: the number,
# the stream, who sends to whom, the TCP flags and the payload length;
# the handshake explained; then each complete protocol line (payloads are
# joined per stream and direction, split at LF) as C:/S: with a note on
# what it shows in clear text.  Pure ACKs are counted, not listed.
list_awk() {
	cat <<'AWK'
BEGIN {
	FS = "\t"
	B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for (i = 1; i < 256; i++) chr[i] = sprintf("%c", i)
	n = split(smtp, p, " "); for (i = 1; i <= n; i++) kind[p[i]] = "SMTP"
	n = split(pop, p, " "); for (i = 1; i <= n; i++) kind[p[i]] = "POP3"
	n = split(imap, p, " "); for (i = 1; i <= n; i++) kind[p[i]] = "IMAP"
	printf "%5s  %-6s %-26s %-8s %6s %5s\n", "No.", "stream", "direction", "flags", "Length", "Len"
}
function hexval(h,   i, v) {
	v = 0; h = tolower(h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v
}
# bytes(hex): the payload as a string; NUL shown as \0
function bytes(h,   i, v, s) {
	s = ""
	for (i = 1; i < length(h); i += 2) {
		v = hexval(substr(h, i, 2))
		s = s (v == 0 ? "\\0" : chr[v])
	}
	return s
}
# b64(s): base64 decoded, a NUL shown as <NUL>, other control bytes as ?
function b64(s,   i, c, v, bits, nb, out) {
	bits = 0; nb = 0; out = ""
	for (i = 1; i <= length(s); i++) {
		c = index(B64, substr(s, i, 1)) - 1
		if (c < 0) continue
		bits = bits * 64 + c; nb += 6
		if (nb >= 8) {
			nb -= 8; v = int(bits / 2 ^ nb); bits -= v * 2 ^ nb
			out = out (v == 0 ? "<NUL>" : (v < 32 || v == 127) ? "?" : chr[v])
		}
	}
	return out
}
function flags(f,   s) {
	f = hexval(substr(f, 3)); s = ""
	if (f % 2) s = s ",FIN"              # in Wireshark's order: bit 0 up
	if (int(f / 2) % 2) s = s ",SYN"
	if (int(f / 4) % 2) s = s ",RST"
	if (int(f / 8) % 2) s = s ",PSH"
	if (int(f / 16) % 2) s = s ",ACK"
	return substr(s, 2)
}
function upper(s) { return toupper(s) }
# addr(line): the <address> in a MAIL FROM or RCPT TO line
function addr(l) { return match(l, /<[^>]*>/) ? substr(l, RSTART, RLENGTH) : l }
# heard(what): remember a clear-text secret for the summary, once each
function heard(what) { if (!(what in seen)) { seen[what] = 1; said[++nsaid] = what } }
# note_smtp_client / note_smtp_server / note_pop_*: what a line shows
function note_smtp_client(st, l,   u, v) {
	u = upper(l)
	if (indata[st]) {
		if (l == ".") { indata[st] = 0; return "end of the message: a lone dot" }
		if (u ~ /^SUBJECT:/ && !body[st]) heard("the subject:" substr(l, 9))
		if (!seenhdr[st]++) return "<== the message itself crosses in clear text, headers first"
		if (l == "" && !body[st]) { body[st] = 1; return "empty line: the body follows" }
		if (body[st] == 1) { body[st] = 2; heard("the text: " l); return "<== the body in clear text" }
		if (u ~ /^SUBJECT:/ && !body[st]) return "<== the subject, in clear"
		if (l ~ /^\.\./) return "a leading dot doubled (dot-stuffing, RFC 5321 4.5.2)"
		return ""
	}
	if (authcont[st]) {
		authcont[st] = 0; v = b64(l)
		heard("SMTP AUTH \"" v "\"")
		return "<== base64, not encryption: \"" v "\""
	}
	if (u ~ /^(EHLO|HELO) /) return "the client introduces itself"
	if (u ~ /^MAIL FROM:/) { heard("sender " addr(l)); return "<== clear text: the sender's address (the envelope)" }
	if (u ~ /^RCPT TO:/) { heard("recipient " addr(l)); return "<== clear text: a recipient's address" }
	if (u == "DATA") return "the message comes next"
	if (u ~ /^AUTH [A-Z0-9-]+ /) {
		v = b64(substr(l, index(substr(l, 6), " ") + 6))
		heard("SMTP AUTH \"" v "\"")
		return "<== base64, not encryption: \"" v "\""
	}
	if (u ~ /^AUTH /) return "log in; user and password follow in base64"
	if (u == "QUIT") return "the client says goodbye"
	return ""
}
function note_smtp_server(st, l) {
	if (l ~ /^354/) { indata[st] = 1; seenhdr[st] = 0; body[st] = 0; return "go ahead: send the message" }
	if (l ~ /^334/) { authcont[st] = 1; return "base64 of \"" b64(substr(l, 5)) "\"" }
	if (l ~ /^235/) return "login accepted"
	if (l ~ /^220/) return "the server's greeting"
	if (l ~ /^250 .*[Qq]ueued/) return "the server has stored the mail"
	return ""
}
function note_pop_client(st, l,   u, verb) {
	u = upper(l); verb = u; sub(/ .*/, "", verb)
	q[st, qt[st]++] = u
	if (verb == "USER") { heard("POP3 user " substr(l, 6)); return "<== clear text: the user name" }
	if (verb == "PASS") { heard("POP3 password " substr(l, 6)); return "<== clear text: the password!" }
	if (verb == "APOP") return "an MD5 digest: the password itself stays home"
	if (verb == "CAPA") return "what can this server do?"
	if (verb == "STAT") return "how many messages, how many octets?"
	if (verb == "LIST") return "the size of each message"
	if (verb == "RETR") return "send me this message"
	if (verb == "TOP") return "headers and the first lines"
	if (verb == "UIDL") return "the unique id of each message"
	if (verb == "DELE") return "mark for deletion (done at QUIT)"
	if (verb == "QUIT") return "UPDATE state: deletions happen now"
	return ""
}
function note_pop_server(st, l,   cmd, verb) {
	if (ml[st] != "") {
		if (l == ".") {
			cmd = ml[st]; ml[st] = ""
			return cmd == "RETR" || cmd == "TOP" ? "end of the message: a lone dot" : "end of the list"
		}
		if (ml[st] != "RETR" && ml[st] != "TOP") return ""
		if (!seenhdr[st]++) return "<== the message itself crosses in clear text"
		if (l == "" && !body[st]) { body[st] = 1; return "empty line: the body follows" }
		if (body[st] == 1) { body[st] = 2; heard("the text: " l); return "<== the body in clear text" }
		return ""
	}
	if (l !~ /^[+-]/) return ""
	if (qh[st] >= qt[st]) return l ~ /^\+OK/ ? "the server's greeting" : ""
	cmd = q[st, qh[st]++]; verb = cmd; sub(/ .*/, "", verb)
	if (l ~ /^\+OK/ && (verb == "RETR" || verb == "TOP" || verb == "CAPA" || \
	    ((verb == "LIST" || verb == "UIDL") && cmd !~ / /))) {
		ml[st] = verb; seenhdr[st] = 0; body[st] = 0
	}
	if (l ~ /^-ERR/) return "refused"
	if (verb == "PASS" || verb == "APOP") return "logged in: TRANSACTION state"
	return ""
}
# note_imap_*: the same for IMAP (RFC 3501): a tag, then the command
function note_imap_client(st, l,   u, verb) {
	if (authcont[st]) {
		authcont[st] = 0
		heard("IMAP AUTHENTICATE \"" b64(l) "\"")
		return "<== base64, not encryption: \"" b64(l) "\""
	}
	u = upper(l); sub(/^[^ ]* /, "", u); verb = u; sub(/ .*/, "", verb)
	if (verb == "UID") { sub(/^UID /, "", u); verb = u; sub(/ .*/, "", verb) }
	imapauth[st] = verb == "AUTHENTICATE" && u !~ /^AUTHENTICATE [^ ]+ /
	if (verb == "LOGIN") {
		heard("IMAP LOGIN " substr(l, index(l, " ") + 7))
		return "<== clear text: the user name and the password!"
	}
	if (verb == "AUTHENTICATE" && !imapauth[st]) {
		u = l; sub(/.* /, "", u)
		heard("IMAP AUTHENTICATE \"" b64(u) "\"")
		return "<== base64, not encryption: \"" b64(u) "\""
	}
	if (verb == "AUTHENTICATE") return "log in; the user and password follow in base64"
	if (verb == "SELECT") return "open the mailbox: the mail stays on the server"
	if (verb == "EXAMINE") return "open the mailbox read-only"
	if (verb == "FETCH") return "fetch messages, or parts of them"
	if (verb == "STORE") return "change flags on the server (\\Seen, \\Deleted...)"
	if (verb == "SEARCH") return "the server searches, the client gets numbers"
	if (verb == "IDLE") return "wait: the server pushes new mail (* n EXISTS)"
	if (verb == "EXPUNGE") return "remove the \\Deleted messages now"
	if (verb == "LOGOUT") return "the client says goodbye"
	return ""
}
function note_imap_server(st, l,   n) {
	if (lit[st] > 0) {
		lit[st] -= length(l) + 2
		if (!seenhdr[st]++) return "<== message text in clear (a literal)"
		return ""
	}
	if (match(l, /\{[0-9]+\}$/)) {
		lit[st] = substr(l, RSTART + 1, RLENGTH - 2) + 0; seenhdr[st] = 0
	}
	if (l ~ /^\+/ && imapauth[st]) { authcont[st] = 1; return "go on: send the base64" }
	if (l ~ /^\+/) return "go on (a continuation request)"
	if (l ~ /^\* OK/ && !greeted[st]++) return "the server's greeting"
	if (l ~ /^\* [0-9]+ EXISTS/) return "how many messages the mailbox holds"
	if (l ~ /^\* BYE/) return "the server will close the connection"
	if (l ~ /^[^* ]+ NO/ || l ~ /^[^* ]+ BAD/) return "refused"
	return ""
}
# show(st, side, line): print one protocol line with its note
function show(st, side, l,   n) {
	if (proto[st] == "SMTP")
		n = side == "C" ? note_smtp_client(st, l) : note_smtp_server(st, l)
	else if (proto[st] == "IMAP")
		n = side == "C" ? note_imap_client(st, l) : note_imap_server(st, l)
	else
		n = side == "C" ? note_pop_client(st, l) : note_pop_server(st, l)
	printf "%43s %s: %s%s\n", "", side, l, n == "" ? "" : "    " n
}
function handshake(st, fl, toserver) {
	if (fl == "SYN") { hs[st] = 1; return "handshake 1/3: the client asks to connect" }
	if (fl == "SYN,ACK") { hs[st] = 2; return "handshake 2/3: the server agrees" }
	if (fl == "ACK" && hs[st] == 2 && toserver) { hs[st] = 3; return "handshake 3/3: connected" }
	if (fl ~ /FIN/) return (toserver ? "the client" : "the server") " closes its side"
	if (fl ~ /RST/) return "the connection is reset"
	return ""
}
{
	st = $2; toserver = ($4 in kind)
	if (!toserver && !($3 in kind)) { other++; next }
	sport = toserver ? $4 : $3; cport = toserver ? $3 : $4
	proto[st] = kind[sport]
	fl = flags($5)
	dir = toserver ? "client " cport " -> " proto[st] " " sport : proto[st] " " sport " -> client " cport
	n = handshake(st, fl, toserver)
	if ($7 == 0 && n == "") { pureacks++; next }
	printf "%5d  %-6s %-26s %-8s %6d %5d%s\n", $1, st, dir, fl, $6, $7, n == "" ? "" : "  " n
	if ($7 == 0) next
	key = st SUBSEP toserver
	buf[key] = buf[key] bytes($8)
	while ((i = index(buf[key], "\n")) > 0) {
		line = substr(buf[key], 1, i - 1); sub(/\r$/, "", line)
		buf[key] = substr(buf[key], i + 1)
		show(st, toserver ? "C" : "S", line)
	}
}
END {
	printf "(%d packets with only an ACK, no data, are not listed)\n", pureacks
	print "(Length: the whole frame, Wireshark's Length column; Len: the TCP payload, its Len=)"
	if (other) printf "(%d packets on other ports: give --smtp-port, --pop-port, --imap-port)\n", other
	printf "\nWhat anyone who can capture this traffic has read:\n"
	for (i = 1; i <= nsaid; i++) printf "  %s\n", said[i]
	if (!nsaid) print "  (no address, user name or password in this capture)"
}
AWK
}

# ---- main ----

if [ -n "$READ" ]; then
	[ -r "$READ" ] || { err "cannot read $READ"; exit $EX_USAGE; }
	packet_list "$READ"
	exit 0
fi
capture_run "$@"
rc=$?
give_to_sudo_user "$OUT" || err "could not give $OUT to $SUDO_USER (chown failed)"
count=$(packet_count "$OUT")
if [ "$count" -eq 0 ]; then
	rm -f "$OUT"
	why=
	[ $rc -eq 0 ] || why=" (the captured command exited with status $rc)"
	err "nothing was captured$why: no file written"
	[ $rc -eq 0 ] && rc=1
	exit $rc
fi
echo
packet_list "$OUT"
echo
if [ $rc -ne 0 ]; then
	# The packets may show why it failed, but this is not the lab's run.
	echo "FAILED: the captured command exited with status $rc; its $count packets"
	echo "are in $OUT, for finding out why (the list above)."
	exit $rc
fi
echo "Saved $count packets in $OUT.  Open it in Wireshark (wireshark $OUT),"
echo "Decode As TCP port $SMTP_PORTS as SMTP, $POP_PORTS as POP and $IMAP_PORTS as IMAP;"
echo "filter: smtp, pop, imap, tcp.port == N or tcp.stream eq N.  Or in one line:"
echo "  wireshark -r $OUT$DECODE"
echo "More: scripts/capture.sh -h"
exit 0
