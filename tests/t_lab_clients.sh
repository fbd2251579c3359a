#!/bin/sh
# Exercise 7 of the handout, run as printed: the Python smtplib/poplib
# code, the neomutt settings and the s-nail commands are taken out of
# docs/LAB.md (ports 1025/1110 swapped for the test's free ports) and run
# against the lab's servers, started as scripts/lab.sh starts them.  Each
# peer that is not installed is skipped.  (Thunderbird is set up by hand.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
need_programs "the handout's mail clients" smtp_server pop_server || exit 0
DOC=$TOP/docs/LAB.md

start_server "smtp_server" smtp "$TOP/smtp_server" -d "$T/md" -n mail.example \
	-U "$TOP/users.txt" --domain example.com || exit 0
SP=$PORT
start_server "pop_server" pop "$TOP/pop_server" -d "$T/md" -U "$TOP/users.txt" || exit 0
PP=$PORT

# block FIRST: the indented block of LAB.md that starts with the line
# FIRST (a regular expression), unindented, the lab's ports made the test's.
block() {
	awk -v first="$1" '$0 ~ "^    " first { on = 1 } on && /^[^ ]/ && NF { exit }
		on { sub(/^    /, ""); print }' "$DOC" | sed "s/1025/$SP/g; s/1110/$PP/g"
}
# arrived N: gizem's mailbox holds N messages (new and cur).
arrived() { [ $(($(count_files "$T/md/gizem/new") + $(count_files "$T/md/gizem/cur"))) -eq "$1" ]; }
n=0

if have python3; then
	block 'import smtplib' >"$T/send.py"
	block 'import poplib' >"$T/read.py"
	check "LAB.md has the smtplib code" grep -q 'smtplib.SMTP("localhost", '"$SP"')' "$T/send.py"
	python3 "$T/send.py" >"$T/send.out" 2>&1
	check "the handout's smtplib code sends (exit 0)" test $? -eq 0
	n=$((n + 1))
	check "the smtplib mail arrives in gizem's Maildir" wait_for arrived $n
	python3 "$T/read.py" >"$T/read.out" 2>&1
	check "the handout's poplib code reads (exit 0)" test $? -eq 0
	check "poplib shows the Turkish text" grep -Fq 'Merhaba Gizem, Türkçe: ı ş ğ ü ö ç' "$T/read.out"
	check "poplib's debug output shows PASS" grep -q "PASS 1234" "$T/read.out"
else
	skip "the handout's Python code" "python3 not installed"
fi

if have neomutt; then
	block 'set from = ' >"$T/labrc"
	check "LAB.md's labrc has the test's SMTP port" grep -q "smtp://localhost:$SP/" "$T/labrc"
	echo Merhaba | HOME=$T neomutt -n -F "$T/labrc" -s Deneme gizem@example.com >"$T/nm.out" 2>&1
	check "neomutt with the handout's labrc sends (exit 0)" test $? -eq 0
	n=$((n + 1))
	check "neomutt's mail arrives" wait_for arrived $n
else
	skip "the handout's neomutt settings" "neomutt not installed"
fi

if have s-nail; then
	block 'echo Merhaba \| s-nail' >"$T/snail.sh"
	sed -n '/^echo/,/[^\\]$/p' "$T/snail.sh" >"$T/snail-send.sh"
	HOME=$T sh "$T/snail-send.sh" >"$T/sn.out" 2>&1
	check "the handout's s-nail send command exits 0" test $? -eq 0
	n=$((n + 1))
	check "s-nail's mail arrives" wait_for arrived $n
	grep '^s-nail .* -f pop3://' "$T/snail.sh" >"$T/snail-read.sh"
	printf 'headers\nquit\n' | HOME=$T sh "$T/snail-read.sh" >"$T/snr.out" 2>&1
	check "the handout's s-nail reader lists gizem's mail" grep -q "$n messages" "$T/snr.out"
else
	skip "the handout's s-nail commands" "s-nail not installed"
fi
