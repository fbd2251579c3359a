#!/bin/sh
# mail_send when things go wrong: nobody listening, an unknown host, a
# silent server, a hostile one (tests/tools/fake_smtp), bad options.
# Each ends with its exit code and one clear line on stderr, quickly,
# and (outside ASan builds) in a few MiB of memory.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_send.sh
. "$(dirname "$0")/lib_send.sh"

RSS_MAX=4096 # KiB: what mail_send may use whatever the server sends

# fake_case MODE NAME STATUS PATTERN: mail_send against fake_smtp MODE.
fake_case() {
	mode=$1 what=$2 status=$3 pat=$4
	start_server "fake_smtp $mode" "fake-$mode.log" "$FAKE" "$mode" || return
	sends "$what: exit $status" "$status" -p $PORT --timeout 2 -m x </dev/null
	has "$what: says why" "$T/send.err" "$pat"
	one_line "$what: one line" "$T/send.err"
	if asan_build || ! gnu_time; then
		skip "$what: memory bounded" "GNU time (-f %M) not installed, or an ASan build"
	else
		kib=$(peak_kib "$SEND" -p $PORT --timeout 2 -m x </dev/null)
		[ "$kib" -lt $RSS_MAX ] && pass "$what: memory bounded ($kib KiB)" ||
			fail "$what: memory bounded" "$kib KiB"
	fi
	stop_server $LAST_PID
}

fake_case endless "endless reply line" 76 'reply line longer than 1000 octets'
fake_case ehlo1000 "1,000-line EHLO reply" 76 'reply longer than 100 lines'
fake_case nocrlf "reply without CRLF, server silent" 75 'no reply from server: timed out'
fake_case tiny "a reply too short for a code" 76 'not an SMTP reply'
fake_case garbage "an HTTP server" 76 'not an SMTP reply: "HTTP/1.1 400 Bad Request"'
fake_case dropdata "connection dropped during DATA" 75 'sending the message: \|reading reply: connection closed\|reading reply: Connection reset by peer'
start_server "fake_smtp dropdata" fakedrop2.log "$FAKE" dropdata || exit 0
head -c 3000000 /dev/urandom >"$T/3mb.bin"
sends "dropped during a 3 MB attachment: exit 75, no SIGPIPE death" 75 -p $PORT -a "$T/3mb.bin" -m x
one_line "dropped during a 3 MB attachment: one line" "$T/send.err"
stop_server $LAST_PID
start_server "fake_smtp five" fake5.log "$FAKE" five || exit 0
sends "five-octet replies (250 CRLF): sent" 0 -p $PORT -m x </dev/null
stop_server $LAST_PID
start_server "fake_smtp login" fakelogin.log "$FAKE" login || exit 0
sends "AUTH LOGIN when PLAIN is not offered: sent" 0 -p $PORT -u gizem -w 1234 -m x -v
has "-v: AUTH LOGIN's 334 challenge as on the wire" "$T/send.err" '^S: 334 VXNlcm5hbWU6$'
has "-v: AUTH LOGIN's password line as on the wire" "$T/send.err" '^C: MTIzNA==$'
sends "AUTH LOGIN with --explain: sent" 0 -p $PORT -u gizem -w 1234 -m x --explain
has "--explain: the 334 challenge decoded" "$T/send.err" 'in base64, for "Username:"'
has "--explain: the password line decoded" "$T/send.err" 'base64 of "1234"'
stop_server $LAST_PID
start_server "fake_smtp tlsonly" faketls.log "$FAKE" tlsonly || exit 0
sends "STARTTLS but no AUTH, with -u: exit 77" 77 -p $PORT -u gizem -w 1234 -m x </dev/null
has "STARTTLS but no AUTH: says AUTH probably comes after STARTTLS" "$T/send.err" 'offers STARTTLS but no AUTH: it probably offers AUTH only after STARTTLS'
one_line "STARTTLS but no AUTH: one line" "$T/send.err"
stop_server $LAST_PID

# --- the network ---
P=$(free_port)
sends "connection refused: exit 69" 69 -p "$P" </dev/null
has "connection refused: says so" "$T/send.err" "cannot connect to localhost port $P"
has "connection refused: says which server to start" "$T/send.err" "is smtp_server running? start it with ./smtp_server -v -p $P\$"
one_line "connection refused: one line" "$T/send.err"
sends "unknown host: exit 68 (EX_NOHOST)" 68 -H no-such-host.invalid </dev/null
has "unknown host: names it" "$T/send.err" 'cannot resolve no-such-host.invalid'
one_line "unknown host: one line" "$T/send.err"

# --- bad options: nothing is sent ---
sends "option typo: exit 64" 64 --tx gizem@example.com
has "option typo: getopt names it" "$T/send.err" "unrecognized option\|unknown option\|illegal option"
has "option typo: try --help" "$T/send.err" "^Try 'mail_send --help'"
hasnt "option typo: no usage text" "$T/send.err" '^usage:'
n=$(wc -l <"$T/send.err" | tr -d ' ')
[ "$n" -eq 2 ] && pass "option typo: two lines, not the whole usage" || fail "option typo: two lines, not the whole usage" "$n lines"
sends "bad port: exit 64" 64 -p 99999
sends "--ehlo with a space: exit 64" 64 --ehlo 'a b'
sends "bad address: exit 64" 64 -t 'not an address'
has "bad address: names it" "$T/send.err" "'not an address' is not an address"
sends "-m and -F together: exit 64" 64 -m a -F /etc/hostname
sends "-u without -w: exit 64" 64 -u gizem
sends "header with a line break: exit 64" 64 -p "$P" --header "$(printf 'X-A: 1\r\nBcc: x@y')" -m x
sends "header without a colon: exit 64" 64 -p "$P" --header 'Nocolon' -m x
sends "--header Subject (one of ours): exit 64" 64 -p "$P" --header 'subject: two' -m x
has "--header Subject: says why" "$T/send.err" 'header subject is written by mail_send itself'
sends "missing attachment: exit 66, before connecting" 66 -p "$P" -a "$T/none.pdf" -m x
has "missing attachment: names it" "$T/send.err" "cannot read attachment $T/none.pdf"
sends "missing -F file: exit 66" 66 -p "$P" -F "$T/none.txt"
sends "--help: exit 0" 0 --help
has "--help: an example" "$T/send.out" '^Example:'
has "--help: documents exit 67" "$T/send.out" '67 sent, but some recipients refused'
