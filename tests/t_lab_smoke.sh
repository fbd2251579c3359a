#!/bin/sh
# scripts/smoke_test.sh: the four programs end to end; every step PASS.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "smoke_test.sh" smtp_server pop_server mail_send pop_client || exit 0

TMPDIR=$T sh "$TOP/scripts/smoke_test.sh" >"$T/smoke.out" 2>&1
rc=$?
check "smoke_test.sh exits 0" test "$rc" -eq 0
check "smoke_test.sh: no step failed" test "$(grep -c '^FAIL' "$T/smoke.out")" -eq 0
for s in build "start servers" send "stored byte for byte" \
         "fetch: the text arrived byte for byte" "imap: the text read over IMAP byte for byte" \
         "a local copy with the text" \
         "the server's mailbox is empty" "stop servers"; do
	check "smoke_test.sh step: $s" grep -q "^PASS: .*$s" "$T/smoke.out"
done
check "smoke_test.sh left no directory behind" test -z "$(find "$T" -maxdepth 1 -name 'mailab-smoke.*')"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/smoke.out"
sh "$TOP/scripts/smoke_test.sh" --bogus >/dev/null 2>&1
check "smoke_test.sh refuses an unknown option (64)" test $? -eq 64
