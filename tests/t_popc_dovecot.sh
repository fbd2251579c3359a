#!/bin/sh
# pop_client against Dovecot's POP3 (a standalone configuration in the
# test's directory): the same Maildir our smtp_server delivered into,
# the same download round trip as against our pop_server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_popc.sh"
trap 'stop_dovecot; cleanup' EXIT

if ! have dovecot; then
	skip "pop_client against Dovecot" "dovecot not installed"
	exit 0
fi
popc_servers || exit 1
send_seed
printf 'Subject: two\n\n.dot line\nsecond\n' >"$T/m2.eml"
deliver gizem@example.com "$T/m2.eml"
if ! start_dovecot "$MD"; then
	skip "pop_client against Dovecot" "dovecot would not start: $(cat "$T/dovecot/start.err" "$T/dovecot/log" 2>/dev/null | tail -n 1)"
	exit 0
fi
chown -R "$DOVECOT_UID" "$MD"
P="-p $DOVECOT_PORT"

$POPC $P >"$T/dv.out" 2>"$T/dv.err"
check "Dovecot: default output, exit 0" test $? -eq 0
check "Dovecot: STAT of two messages" has "$T/dv.out" "STAT: 2 messages,"
check "Dovecot: the Turkish text decoded" has "$T/dv.out" "Türkçe karakter içerir: ı, ç, ş, ü, ö, İ"
check "Dovecot: LIST sizes match what RETR sent (no warning)" sh -c "! grep -q 'LIST said' $T/dv.err"
$POPC $P --list >"$T/dvl.out"
check "Dovecot: --list with TOP" sh -c "grep -q '^ *1 .*melek@example.com.*Selam' $T/dvl.out && grep -q '^ *2 .* two' $T/dvl.out"

L=$T/local
$POPC $P -o "$L" >"$T/o1.out" 2>&1
check "Dovecot -o: two messages downloaded" sh -c "test \$(ls $L/new | wc -l) -eq 2 && grep -q '2 new messages' $T/o1.out"
check "Dovecot -o: the stuffed line restored" grep -q '^\.dot line$' "$L"/new/*
$POPC $P -o "$L" >"$T/o2.out" 2>&1
check "Dovecot -o again: nothing new" has "$T/o2.out" "0 new messages saved in $L/new, 2 already there"
$POPC $P -o "$L" --delete >"$T/o3.out" 2>&1
check "Dovecot --delete: both deleted on the server" sh -c "grep -q '2 messages deleted' $T/o3.out && $POPC $P | grep -q 'The mailbox is empty'"
check "Dovecot --delete: still two local copies" test "$(count_files "$L/new")" -eq 2
$POPC $P --apop -w wrong >/dev/null 2>&1
check "Dovecot: wrong APOP secret refused (77)" test $? -eq 77
