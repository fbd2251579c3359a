#!/bin/sh
# The lab scripts: shellcheck-clean (the sourced helpers followed), and
# each one answers -h with its usage and exit 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

for s in scripts/*.sh; do
	[ "$s" = scripts/common.sh ] && continue
	sh "$s" -h >"$T/help.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^usage: ' "$T/help.out"; then pass "$s -h"; else
		fail "$s -h" "exit $rc, $(head -n 1 "$T/help.out")"; fi
done

if have shellcheck; then
	check "shellcheck: scripts/*.sh" shellcheck -x scripts/*.sh
	check "shellcheck: tests/t_lab_*.sh and tests/lib_lab.sh" shellcheck -x tests/t_lab_*.sh tests/lib_lab.sh
else
	skip "shellcheck of the scripts" "shellcheck not installed"
fi
