#!/bin/sh
# make demo (scripts/demo.sh): the journey succeeds and shows the Turkish
# line; it fails (exit 1) when a server cannot start; on a signal it
# stops its servers and removes its temporary directory.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "make demo" smtp_server pop_server mail_send pop_client || exit 0

make -s -C "$TOP" demo >"$T/demo.out" 2>&1
rc=$?
check "make demo exits 0" test "$rc" -eq 0
check "make demo shows the Turkish line" grep -Fqx "$SEED_TEXT" "$T/demo.out"
check "make demo shows it twice more: POP3's and IMAP's view" \
	test "$(grep -Fc "$SEED_TEXT" "$T/demo.out")" -ge 3
for h in "1. The sender's client" "2. The server stored it" "3. The recipient's client" \
         "C: MAIL FROM:<melek@example.com>" "C: RETR 1" "The mail made the trip" \
         "4. IMAP: the mail is still on the server" "C: b SELECT INBOX" \
         "S: * 1 FETCH (FLAGS (\\Seen \\Recent)" "S: e OK LOGOUT completed"; do
	check "make demo shows: $h" grep -Fq "$h" "$T/demo.out"
done

sh "$TOP/scripts/demo.sh" --bogus >/dev/null 2>&1
check "demo.sh refuses an unknown option (64)" test $? -eq 64

# A port that is taken: the demo says so, exits 1, leaves nothing behind.
mkdir "$T/dt"
start_server "decoy server" decoy "$TOP/smtp_server" -d "$T/decoy-md"
TMPDIR=$T/dt sh "$TOP/scripts/demo.sh" --smtp-port "$PORT" >"$T/busy.out" 2>&1
rc=$?
check "demo.sh fails when smtp_server cannot start" test "$rc" -eq 1
check "demo.sh says which server did not start" grep -q 'FAILED: smtp_server did not start' "$T/busy.out"
check "demo.sh removed its directory after the failure" test -z "$(ls "$T/dt")"

# SIGTERM (as Ctrl-C) while it waits at --pause: servers and dir go.
mkfifo "$T/in"
TMPDIR=$T/dt sh "$TOP/scripts/demo.sh" --pause <"$T/in" >"$T/pause.out" 2>&1 &
demo=$!
exec 3>"$T/in"
wait_for grep -q 'press Enter' "$T/pause.out"
check "demo.sh --pause: both servers run while it waits" \
	test "$(running "$T/dt/" | wc -l)" -eq 2
kill -TERM "$demo"
wait "$demo"
rc=$?
exec 3>&-
check "demo.sh ends on SIGTERM (143)" test "$rc" -eq 143
check "demo.sh stopped its servers on SIGTERM" test -z "$(running "$T/dt/")"
check "demo.sh removed its directory on SIGTERM" test -z "$(ls "$T/dt")"

# The log race: server_start read a log that the background redirect had
# not made yet ("sed: can't read .../pop.log", 3 runs in 15).  Ten runs,
# a few seconds in all: none may print a shell or sed error.
i=0 raced=0
while [ $i -lt 10 ]; do
	sh "$TOP/scripts/demo.sh" >"$T/race.out" 2>&1 || raced=$((raced + 1))
	grep -q "can't read\|No such file" "$T/race.out" && raced=$((raced + 1))
	i=$((i + 1))
done
check "demo.sh: ten runs, no run read a log before it existed" test "$raced" -eq 0
