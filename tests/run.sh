#!/bin/sh
# tests/run.sh: run every unit test (tests/unit/test_*) and every test
# script (tests/t_*.sh), show their lines, and count them.  The last
# line is "N passed, N failed, N skipped".
cd "$(dirname "$0")/.." || exit 2
out=$(mktemp)
status=0
# Sanitizer reports from any process (a server's session child too) land
# here; each one is a failure even when the test around it passed.
san=$(mktemp -d)
export ASAN_OPTIONS="log_path=$san/asan:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$san/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# A test that hangs must not hang the run: each gets TEST_TIMEOUT
# seconds (coreutils' timeout; where it is missing, no limit).
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout -k 10 ${TEST_TIMEOUT:-300}"

run_one() {
	name=$1; shift
	echo "# $name"
	$limit "$@" >"$out.one" 2>"$out.err"
	rc=$?
	[ $rc -eq 124 ] && [ -n "$limit" ] && echo "FAIL - $name: over ${TEST_TIMEOUT:-300} s, stopped" >>"$out.one"
	cat "$out.one"
	cat "$out.one" >>"$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out.one"; then
		echo "FAIL - $name exited with status $rc: $(tail -n 3 "$out.err" | tr '\n' ' ')" | tee -a "$out"
	fi
}

for t in tests/unit/test_*; do
	case $t in *.c|*.h|*.dSYM) continue ;; esac
	[ -x "$t" ] && run_one "$t" "$t"
done
for t in tests/t_*.sh; do
	[ -f "$t" ] && run_one "$t" sh "$t"
done

for r in "$san"/*; do
	[ -f "$r" ] || continue
	echo "FAIL - sanitizer report $(basename "$r"): $(grep -m 1 -E 'ERROR|runtime error' "$r")" | tee -a "$out"
done
rm -rf "$san"
passed=$(grep -c '^ok - ' "$out")
failed=$(grep -c '^FAIL' "$out")
skipped=$(grep -c '^skipped: ' "$out")
rm -f "$out" "$out.one" "$out.err"
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
