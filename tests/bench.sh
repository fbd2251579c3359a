#!/bin/sh
# tests/bench.sh: run every benchmark (tests/bench_*.sh).  Benchmarks
# measure; they never pass or fail on a time.  Figures are medians of
# a few runs, set beside the real peers run in the same invocation.
cd "$(dirname "$0")/.." || exit 2
for b in tests/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	sh "$b"
done
