#!/bin/sh
# smoke.sh: run each libFuzzer harness (built by `make fuzz`) for a
# bounded time on its seed corpus, and fail if any of them finds
# anything (a crash, a sanitizer report, a failed check, a leak, a hang).
#
#   sh tests/fuzz/smoke.sh [-t SECONDS] [NAME...]    (default: 20, all)
#
# NAME is a harness without its fuzz_ prefix (smtp_server, mime_in...).
# New inputs that add coverage go to tests/fuzz/build/corpus/NAME/, so
# the committed seeds in tests/fuzz/corpus/NAME/ stay as they are; a
# finding is saved as tests/fuzz/build/findings/NAME-crash-<sha1> and its
# log kept in tests/fuzz/build/NAME.log.  Reproduce one with
#   tests/fuzz/build/fuzz_NAME tests/fuzz/build/findings/NAME-crash-...
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/build
secs=20
if [ "${1:-}" = "-t" ]; then
	secs=$2
	shift 2
fi
if [ $# -eq 0 ]; then
	set --
	for bin in "$build"/fuzz_*; do
		[ -x "$bin" ] || continue
		set -- "$@" "${bin#"$build"/fuzz_}"
	done
fi
if [ $# -eq 0 ]; then
	echo "smoke.sh: no harness in $build (run make fuzz)" >&2
	exit 2
fi

mkdir -p "$build/findings"
failed=0
ran=0
for name in "$@"; do
	ran=$((ran + 1))
	bin=$build/fuzz_$name
	log=$build/$name.log
	seeds=$here/corpus/$name
	work=$build/corpus/$name
	mkdir -p "$work"
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$build/findings/$name-"
	[ -f "$here/$name.dict" ] && set -- "$@" -dict="$here/$name.dict"
	case $name in
	# Sessions and messages are longer than libFuzzer's 4 KiB default;
	# the servers log every session on stderr, which only drowns the
	# report (sanitizer reports still get through).
	*_server) set -- "$@" -max_len=16384 -close_fd_mask=2 ;;
	smtp_client | pop3_client | mime_in | smtp_data | imap_parse | imap_msg)
		set -- "$@" -max_len=16384 ;;
	esac
	# Every finding fixed so far stays fixed: its reproducer in
	# crashes/NAME-* runs first, once, as a regression test.
	for r in "$here"/crashes/"$name"-*; do
		[ -f "$r" ] || continue
		if "$bin" "$r" >"$log" 2>&1; then
			echo "ok - fuzz_$name: reproducer $(basename "$r") passes"
		else
			echo "FAIL - fuzz_$name: reproducer $(basename "$r") fails again; log $log"
			failed=$((failed + 1))
		fi
	done
	"$bin" "$@" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	# "Done 123456 runs" and the last status line: cov, ft, corpus.
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
	       sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2 \3/p')
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz_$name: ${runs:-?} runs in ${secs}s, $last"
	else
		echo "FAIL - fuzz_$name (exit $rc): ${runs:-?} runs, $last; log $log"
		grep -E 'ERROR|SUMMARY|check failed|Test unit written|#[0-9]+ in ' \
		    "$log" | head -n 40 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz-smoke: $ran harnesses, $failed failed"
[ $failed -eq 0 ]
