#!/bin/sh
# scripts/ladder.sh FILE [--svg OUT.svg]: draw one mail session as a
# sequence (ladder) diagram — client on the left, server on the right,
# one arrow per protocol line, time downwards — the way the textbooks
# draw SMTP and POP3.
#
# FILE is either
#   - a saved -v trace (lines "C: ..." and "S: ..."; other lines, such as
#     the servers' log lines and --explain's indented lines, are skipped),
#   - or a capture (pcap or pcapng), read with tshark: the TCP handshake
#     (SYN, SYN-ACK, ACK), every payload line and the FIN/RST segments,
#     for each TCP stream; the side that sent the SYN is the client.
# --svg OUT.svg also writes the same picture as an SVG file (UTF-8), to
# put in a report or open in a browser.
#
# Portable sh and awk; tshark only for captures.  Exit 64 for bad usage,
# 66 for a file that cannot be read, 69 when a capture needs tshark.
PROG=ladder.sh
WIDTH=${LADDER_WIDTH:-76}  # columns of the text picture
LABEL_MAX=200              # octets of a line kept as an arrow's label

usage() {
	echo "usage: $PROG FILE [--svg OUT.svg]"
	echo "  FILE: a saved -v trace (C:/S: lines) or a capture (pcap, pcapng; needs tshark)"
	echo "example: ./mail_send -v 2>trace.txt; $PROG trace.txt --svg session.svg"
}

file="" svg=""
while [ $# -gt 0 ]; do
	case $1 in
	--svg) [ $# -ge 2 ] || { usage >&2; exit 64; }; svg=$2; shift 2 ;;
	--svg=*) svg=${1#--svg=}; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "$PROG: unknown option $1" >&2; usage >&2; exit 64 ;;
	*) [ -z "$file" ] || { usage >&2; exit 64; }; file=$1; shift ;;
	esac
done
[ -n "$file" ] || { usage >&2; exit 64; }
if [ ! -r "$file" ] || [ -d "$file" ]; then
	echo "$PROG: cannot read $file" >&2
	exit 66
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ladder.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# is_capture FILE: a pcap (either byte order, µs or ns) or a pcapng.
is_capture() {
	magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
	case $magic in
	d4c3b2a1|a1b2c3d4|4d3cb2a1|a1b23c4d|0a0d0d0a) return 0 ;;
	esac
	return 1
}

# The events, one a line:  KIND<TAB>TIME<TAB>LABEL
#   KIND: ">" client to server, "<" server to client, ")" and "(" the
#   same for TCP control segments, "#" a new TCP stream (LABEL names it).
from_trace() {
	LC_ALL=C awk -v max="$LABEL_MAX" '
	/^C: / { print ">\t\t" substr($0, 4, max); next }
	/^C:$/ { print ">\t\t"; next }
	/^S: / { print "<\t\t" substr($0, 4, max); next }
	/^S:$/ { print "<\t\t"; next }' "$1" | tr -d '\r'
}

from_capture() {
	if ! command -v tshark >/dev/null 2>&1; then
		echo "$PROG: $1 is a capture: reading it needs tshark (apt-get install tshark)" >&2
		exit 69
	fi
	# -2 -R is not needed: no reassembly, each segment as it was sent.
	if ! tshark -r "$1" -n -Y tcp -T fields -E separator=/t \
		-e frame.time_relative -e tcp.stream -e ip.src -e ipv6.src \
		-e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
		-e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin \
		-e tcp.flags.reset -e tcp.payload >"$tmp/fields" 2>"$tmp/tshark.err"; then
		echo "$PROG: tshark cannot read $1: $(grep -v 'Running as user' "$tmp/tshark.err" | head -n 1)" >&2
		exit 66
	fi
	LC_ALL=C awk -F '\t' -v max="$LABEL_MAX" '
	BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = i }
	function addr(a, p) { return (a ~ /:/ ? "[" a "]" : a) ":" p }
	# Payload hex to text: CR dropped, LF ends a line, NUL and
	# control bytes shown as "?" (they are not text).
	function feed(key, dir, t, h,    i, n, b, c) {
		h = tolower(h); gsub(/:/, "", h)
		n = length(h)
		for (i = 1; i < n; i += 2) {
			b = hex[substr(h, i, 2)]
			if (b == 10) { print dir "\t" t "\t" substr(part[key], 1, max); part[key] = ""; continue }
			if (b == 13) continue
			c = (b < 32 && b != 9) || b == 127 ? "?" : sprintf("%c", b)
			if (length(part[key]) < max) part[key] = part[key] c
		}
	}
	function fields() {
		t = sprintf("%.6f", $1); s = $2
		src = addr($3 != "" ? $3 : $4, $5); dst = addr($6 != "" ? $6 : $7, $8)
		syn = $9 == "1" || $9 == "True"; ack = $10 == "1" || $10 == "True"
		fin = $11 == "1" || $11 == "True"; rst = $12 == "1" || $12 == "True"
	}
	# First pass: who is the client of each stream.  The SYN says; in
	# a capture begun mid-session, the server is the side that spoke
	# first (SMTP, POP3 and IMAP servers greet first).
	NR == FNR {
		fields()
		if (syn && !(s in bysyn)) bysyn[s] = ack ? dst : src
		if ($13 != "" && !(s in byfirst)) byfirst[s] = dst
		next
	}
	{
		fields()
		if (!(s in client)) {
			client[s] = (s in bysyn) ? bysyn[s] : (s in byfirst) ? byfirst[s] : src
			server[s] = client[s] == src ? dst : src
			print "#\t" t "\tTCP stream " s ": client " client[s] " <-> server " server[s]
			hs[s] = 0
		}
		up = src == client[s]
		if (syn) {
			print (up ? ")" : "(") "\t" t "\t" (ack ? "[SYN, ACK]" : "[SYN]")
			hs[s] = 1; next
		}
		if (hs[s] == 1 && up && ack && $13 == "" && !fin && !rst) {
			print ")\t" t "\t[ACK]"; hs[s] = 2; next
		}
		if ($13 != "") feed(s SUBSEP up, up ? ">" : "<", t, $13)
		if (fin) print (up ? ")" : "(") "\t" t "\t[FIN, ACK]"
		if (rst) print (up ? ")" : "(") "\t" t "\t[RST]"
	}' "$tmp/fields" "$tmp/fields"
}

if is_capture "$file"; then
	from_capture "$file" >"$tmp/events" || exit $?
else
	from_trace "$file" >"$tmp/events"
fi
if [ ! -s "$tmp/events" ]; then
	echo "$PROG: no protocol lines in $file (want C:/S: lines of a -v trace, or a capture)" >&2
	exit 65
fi

# Invalid UTF-8 would make the SVG unreadable: drop it (iconv -c).
if command -v iconv >/dev/null 2>&1 &&
	iconv -c -f UTF-8 -t UTF-8 <"$tmp/events" >"$tmp/clean" 2>/dev/null; then
	mv "$tmp/clean" "$tmp/events"
else
	LC_ALL=C tr -d '\200-\377' <"$tmp/events" >"$tmp/clean" && mv "$tmp/clean" "$tmp/events"
fi

# ---- the terminal picture ----
LC_ALL=C awk -F '\t' -v w="$WIDTH" '
# Display width: UTF-8 continuation bytes take no column.
function cols(s,    t) { t = s; return length(s) - gsub(/[\200-\277]/, "", t) }
function rep(c, n,    s) { s = ""; while (n-- > 0) s = s c; return s }
function cut(s, n) {
	if (cols(s) <= n) return s
	while (cols(s) > n - 3) s = substr(s, 1, length(s) - 1)
	sub(/[\300-\377][\200-\277]*$/, "", s) # no half character
	return s "..."
}
function lifelines() { return "  |" rep(" ", w - 6) "|" }
BEGIN {
	inner = w - 6          # columns between the two lifelines
	printf "  %s%s%s\n", "client", rep(" ", w - 14), "server"
	print lifelines()
}
$1 == "#" { print ""; print "  " $3; print lifelines(); next }
{
	label = ($2 != "" ? $2 "  " : "") $3
	label = cut(label, inner - 6)
	dash = ($1 == ">" || $1 == "<") ? "-" : "."
	fill = inner - 4 - cols(label)
	if ($1 == ">" || $1 == ")")
		printf "  |%s %s %s>|\n", dash dash, label, rep(dash, fill - 1)
	else
		printf "  |<%s %s %s|\n", dash, label, rep(dash, fill)
}
END { print lifelines() }' "$tmp/events"

[ -n "$svg" ] || exit 0

# ---- the same picture as SVG ----
if LC_ALL=C awk -F '\t' '
function cols(s,    t) { t = s; return length(s) - gsub(/[\200-\277]/, "", t) }
function cut(s, n) {
	if (cols(s) <= n) return s
	while (cols(s) > n - 3) s = substr(s, 1, length(s) - 1)
	sub(/[\300-\377][\200-\277]*$/, "", s)
	return s "..."
}
function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}
{ kind[NR] = $1; when[NR] = $2; text[NR] = $3 }
END {
	left = 140; right = 660; top = 90; step = 30
	h = top + NR * step + 60
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"%d\" viewBox=\"0 0 800 %d\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n", h, h
	print "<title>Mail session: sequence diagram</title>"
	print "<defs>"
	print "<marker id=\"headc\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#1f5fbf\"/></marker>"
	print "<marker id=\"heads\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#1e7a34\"/></marker>"
	print "<marker id=\"headt\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#777777\"/></marker>"
	print "</defs>"
	printf "<rect width=\"800\" height=\"%d\" fill=\"white\"/>\n", h
	printf "<rect x=\"%d\" y=\"20\" width=\"120\" height=\"34\" rx=\"5\" fill=\"#e8eefc\" stroke=\"#1f5fbf\"/>\n", left - 60
	printf "<text x=\"%d\" y=\"42\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">client</text>\n", left
	printf "<rect x=\"%d\" y=\"20\" width=\"120\" height=\"34\" rx=\"5\" fill=\"#e6f4ea\" stroke=\"#1e7a34\"/>\n", right - 60
	printf "<text x=\"%d\" y=\"42\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">server</text>\n", right
	printf "<line x1=\"%d\" y1=\"54\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-width=\"2\"/>\n", left, left, h - 20
	printf "<line x1=\"%d\" y1=\"54\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-width=\"2\"/>\n", right, right, h - 20
	for (i = 1; i <= NR; i++) {
		y = top + (i - 1) * step + 12
		label = esc(cut(text[i], kind[i] == "#" ? 100 : 70))
		if (when[i] != "") printf "<text x=\"10\" y=\"%d\" fill=\"#777\" font-size=\"10\">%s</text>\n", y + 4, when[i]
		if (kind[i] == "#") {
			printf "<text x=\"400\" y=\"%d\" text-anchor=\"middle\" font-style=\"italic\" fill=\"#444\">%s</text>\n", y + 4, label
			continue
		}
		up = kind[i] == ">" || kind[i] == ")"
		tcp = kind[i] == ")" || kind[i] == "("
		color = tcp ? "#777777" : up ? "#1f5fbf" : "#1e7a34"
		mark = tcp ? "headt" : up ? "headc" : "heads"
		x1 = up ? left : right; x2 = up ? right - 2 : left + 2
		printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"%s marker-end=\"url(#%s)\"/>\n", x1, y + 8, x2, y + 8, color, tcp ? " stroke-dasharray=\"4 3\"" : "", mark
		printf "<text x=\"400\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" xml:space=\"preserve\">%s</text>\n", y + 3, color, label
	}
	print "</svg>"
}' "$tmp/events" >"$svg.tmp.$$" 2>/dev/null; then
	mv "$svg.tmp.$$" "$svg" && exit 0
fi
rm -f "$svg.tmp.$$" 2>/dev/null
echo "$PROG: cannot write $svg" >&2
exit 73
