#!/bin/sh
# pop_client against a broken or hostile server (tests/tools/fake_pop):
# each case must end cleanly, with a message, the right exit code,
# bounded memory, no partial local file and nothing deleted by mistake.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_popc.sh"

printf 'From: melek@example.com\nSubject: one\n\nfirst message\n.dot\n' >"$T/m1"
printf 'From: melek@example.com\nSubject: two\n\nsecond message\n' >"$T/m2"

# Peak RSS in KiB with GNU time, when it is there and not under ASan.
RSS=""
rss_ok && RSS=yes
RSS_MAX=8192

# run_popc NAME ARGS...: pop_client against the fake; sets RC, output in
# $T/NAME.out and $T/NAME.err, peak RSS in $T/NAME.rss.
run_popc() {
	n=$1; shift
	if [ -n "$RSS" ]; then
		with_timeout 30 /usr/bin/time -f %M -o "$T/$n.rss" "$POPC" -p "$FAKE_PORT" \
			--timeout 5 "$@" >"$T/$n.out" 2>"$T/$n.err"
	else
		with_timeout 30 "$POPC" -p "$FAKE_PORT" --timeout 5 "$@" >"$T/$n.out" 2>"$T/$n.err"
	fi
	RC=$?
}

# bounded NAME: its peak RSS stayed small (skipped without GNU time).
bounded() {
	if [ -z "$RSS" ]; then skip "$1: memory stays bounded" "GNU time (-f %M) not installed, or an ASan build"; return; fi
	kib=$(tail -n 1 "$T/$1.rss")
	check "$1: memory stays bounded ($kib KiB)" test "$kib" -lt $RSS_MAX
}

# nothing_local DIR: no message file at all in DIR's tmp/ and new/.
nothing_local() { test "$(count_files "$1/tmp")" -eq 0 -a "$(count_files "$1/new")" -eq 0; }

start_fake big-uidl "$T/m1" "$T/m2" || exit 1
run_popc biguidl -o "$T/d1"
check "10 KB UIDL line: exit EX_PROTOCOL (76)" test $RC -eq 76
check "10 KB UIDL line: says why" has "$T/biguidl.err" "longer than 512 octets"
check "10 KB UIDL line: nothing downloaded" nothing_local "$T/d1"
bounded biguidl
stop_server "$FAKE_PID"

start_fake list-neg "$T/m1" || exit 1
run_popc listneg
check "LIST line '-5 100': exit 76" test $RC -eq 76
check "LIST line '-5 100': malformed listing" has "$T/listneg.err" "malformed listing line"
stop_server "$FAKE_PID"

start_fake list-huge "$T/m1" || exit 1
run_popc listhuge
check "30-digit LIST size: exit 76" test $RC -eq 76
check "30-digit LIST size: malformed size" has "$T/listhuge.err" "malformed LIST size"
stop_server "$FAKE_PID"

start_fake endless-greeting "$T/m1" || exit 1
run_popc endgreet
check "endless greeting line: exit 76, at once" test $RC -eq 76
bounded endgreet
stop_server "$FAKE_PID"

start_fake endless "$T/m1" || exit 1
run_popc endless -o "$T/d2"
check "endless line in RETR: exit 76" test $RC -eq 76
check "endless line in RETR: stopped past LIST's size" has "$T/endless.err" "message longer than its LIST size allows"
check "endless line in RETR: no partial file" nothing_local "$T/d2"
check "endless line in RETR: no QUIT (nothing deleted)" sh -c "! grep -q QUIT $T/fake.cmds"
bounded endless
run_popc endless2
check "endless line, shown on stdout: exit 76" test $RC -eq 76
bounded endless2
stop_server "$FAKE_PID"

start_fake eof-retr "$T/m1" "$T/m2" || exit 1
run_popc eof -o "$T/d3" --delete
check "multi-line reply ends at EOF without '.': exit 76" test $RC -eq 76
check "EOF without '.': reported as incomplete" has "$T/eof.err" "message 1 not saved: connection closed before the final"
check "EOF without '.': message not saved" nothing_local "$T/d3"
check "EOF without '.': no DELE, no QUIT" sh -c "! grep -q 'DELE\\|QUIT' $T/fake.cmds"
stop_server "$FAKE_PID"

start_fake long-retr "$T/m1" || exit 1
run_popc long -o "$T/d4"
check "RETR longer than LIST: reported" grep -q 'message 1: LIST said [0-9]* octets but RETR sent [0-9]*' "$T/long.err"
check "RETR 1 KB longer than LIST: still saved, exit 0" test $RC -eq 0 -a "$(count_files "$T/d4/new")" -eq 1
stop_server "$FAKE_PID"

start_fake huge-retr "$T/m1" || exit 1
run_popc huge -o "$T/d5"
check "RETR 2 MiB longer than LIST: refused, exit 76" test $RC -eq 76
check "RETR 2 MiB longer than LIST: not saved" nothing_local "$T/d5"
bounded huge
stop_server "$FAKE_PID"

start_fake short-retr "$T/m1" || exit 1
run_popc short -o "$T/d6"
check "RETR shorter than LIST: reported" grep -q 'LIST said [0-9]* octets but RETR sent' "$T/short.err"
check "RETR shorter than LIST: saved, exit 0" test $RC -eq 0 -a "$(count_files "$T/d6/new")" -eq 1
stop_server "$FAKE_PID"

start_fake err-retr1 "$T/m1" "$T/m2" || exit 1
run_popc err1 -o "$T/d7" --delete
check "RETR 1 gets -ERR: reported, exit 69" sh -c "test $RC -eq 69 && grep -q 'message 1 not saved: server said: -ERR' $T/err1.err"
check "RETR 1 gets -ERR: message 2 still saved" test "$(count_files "$T/d7/new")" -eq 1
check "RETR 1 gets -ERR: only message 2 deleted, then QUIT" sh -c "grep -q 'DELE 2' $T/fake.cmds && ! grep -q 'DELE 1' $T/fake.cmds && grep -q QUIT $T/fake.cmds"
stop_server "$FAKE_PID"

start_fake hang-retr "$T/m1" "$T/m2" || exit 1
run_popc hang -o "$T/d8" --delete --timeout 1
check "server silent mid-message: times out, exit 75" test $RC -eq 75
check "server silent mid-message: message 1 kept, no partial message 2" sh -c "test $(count_files "$T/d8/new") -eq 1 && test $(count_files "$T/d8/tmp") -eq 0"
check "server silent mid-message: no QUIT, so nothing deleted" sh -c "! grep -q QUIT $T/fake.cmds"
check "server silent mid-message: .uidl has message 1" has "$T/d8/.uidl" "fake-1-"
stop_server "$FAKE_PID"

start_fake hang-retr "$T/m1" "$T/m2" || exit 1
"$POPC" -p "$FAKE_PORT" -o "$T/d9" --delete >"$T/k9.out" 2>"$T/k9.err" &
CLIENT=$!
wait_for grep -q 'RETR 2' "$T/fake.cmds"
sleep 0.2
kill -9 "$FAKE_PID"
wait $CLIENT
rc=$?
check "fake server killed -9 mid-message: client fails (exit $rc)" test $rc -eq 76
check "killed mid-message: no partial local file" test "$(count_files "$T/d9/tmp")" -eq 0 -a "$(count_files "$T/d9/new")" -eq 1
check "killed mid-message: no QUIT was sent" sh -c "! grep -q QUIT $T/fake.cmds"

start_fake in-use "$T/m1" || exit 1
run_popc inuse
check "[IN-USE] from the fake: mailbox busy, exit 75" sh -c "test $RC -eq 75 && grep -q 'mailbox busy' $T/inuse.err"
stop_server "$FAKE_PID"

start_fake no-ts "$T/m1" || exit 1
run_popc nots --apop
check "--apop without a greeting timestamp: refused, says why" sh -c "test $RC -eq 69 && grep -q 'no timestamp' $T/nots.err"
check "--apop without a timestamp: the password is never sent" sh -c "! grep -q 'APOP\\|PASS' $T/fake.cmds"
stop_server "$FAKE_PID"

start_fake ok "$T/m1" "$T/m2" || exit 1
run_popc apopok --apop
check "--apop with the fake's timestamp: digest accepted" sh -c "test $RC -eq 0 && grep -q 'first message' $T/apopok.out"
run_popc uidl --uidl
check "--uidl: one 'n id' line per message" sh -c "grep -q '^1 fake-1-' $T/uidl.out && grep -q '^2 fake-2-' $T/uidl.out"
run_popc all --all
check "--all: every message printed" sh -c "grep -q 'first message' $T/all.out && grep -q 'second message' $T/all.out"
run_popc prog -o "$T/d10"
check "progress line only on a terminal" sh -c "! grep -q 'messages, .* MiB' $T/prog.out"
stop_server "$FAKE_PID"

# The progress line, on a terminal only (a pty from python3: script(1)'s
# options differ between util-linux and BSD).
if [ -x /usr/bin/python3 ]; then
	start_fake ok "$T/m1" "$T/m2" "$T/m1" "$T/m2" "$T/m1" "$T/m2" "$T/m1" "$T/m2" "$T/m1" "$T/m2" "$T/m1" "$T/m2" || exit 1
	pty_run "$T/tty.out" "$POPC" -p "$FAKE_PORT" -o "$T/d12"
	check "progress line on a terminal: '12/12 messages, 0.0 MiB'" grep -q '12/12 messages, 0\.0 MiB' "$T/tty.out"
	stop_server "$FAKE_PID"
else
	skip "progress line on a terminal" "python3 not installed"
fi

start_fake no-uidl "$T/m1" "$T/m2" || exit 1
run_popc nouidl -o "$T/d11"
check "no UIDL: downloads all, with a warning" sh -c "test $RC -eq 0 && test $(count_files "$T/d11/new") -eq 2 && grep -q 'no UIDL' $T/nouidl.err"
stop_server "$FAKE_PID"
