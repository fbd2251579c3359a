#!/bin/sh
# tests/t_i18n.sh: every msgid in the sources is in the message table,
# and (once the programs use _()) no table entry is stale.  A msgid is
# the argument of _(), N_() or tr_(): one or more adjacent plain string
# literals (no macro, no \x or octal escape), as lib/i18n.h says.
. "$(dirname "$0")/lib.sh"

DUMP="$TOP/tests/unit/test_i18n"
if [ ! -x "$DUMP" ]; then
	skip "i18n table" "tests/unit/test_i18n not built (make)"
	exit 0
fi

# msgids FILE...: "msgid<TAB>file:line" per msgid (the C text between
# the quotes, adjacent literals joined), or "ERROR<TAB>file:line: why".
msgids() {
	awk 'BEGIN { RS = "\001" }
	function lineno(i,    t) { t = substr(s, 1, i); return gsub(/\n/, "", t) + 1 }
	function ident(ch) { return ch ~ /[A-Za-z0-9_]/ }
	# The string literal at s[i] ("..."); sets lit and returns the
	# index after it.
	function literal(i,    j, ch) {
		lit = ""
		for (j = i + 1; j <= n; j++) {
			ch = substr(s, j, 1)
			if (ch == "\\") {
				lit = lit ch substr(s, j + 1, 1); j++
				if (substr(s, j, 1) !~ /[ntr"\\]/) bad = "escape \\" substr(s, j, 1)
				continue
			}
			if (ch == "\"") return j + 1
			if (ch == "\n") { bad = "unterminated literal"; return j }
			lit = lit ch
		}
		return j
	}
	function blanks(i,    ch, k) {
		while (i <= n) {
			ch = substr(s, i, 1)
			if (ch ~ /[ \t\n\r]/) { i++; continue }
			if (substr(s, i, 2) == "/*") {
				k = index(substr(s, i + 2), "*/")
				i = k ? i + 2 + k + 1 : n + 1
				continue
			}
			break
		}
		return i
	}
	{
		s = $0; n = length(s); i = 1
		while (i <= n) {
			ch = substr(s, i, 1)
			if (substr(s, i, 2) == "/*") {
				k = index(substr(s, i + 2), "*/")
				i = k ? i + 2 + k + 1 : n + 1; continue
			}
			if (substr(s, i, 2) == "//") {
				k = index(substr(s, i), "\n"); i = k ? i + k : n + 1; continue
			}
			if (ch == "\"") { i = literal(i); continue }
			if (ch == "'"'"'") {
				i++; if (substr(s, i, 1) == "\\") i++
				i += 2; continue
			}
			m = 0
			if (substr(s, i, 2) == "_(") m = 2
			else if (substr(s, i, 3) == "N_(") m = 3
			else if (substr(s, i, 4) == "tr_(") m = 4
			if (m == 0 || (i > 1 && ident(substr(s, i - 1, 1)))) { i++; continue }
			at = i; i = blanks(i + m); text = ""; bad = ""; parts = 0
			while (substr(s, i, 1) == "\"") {
				i = literal(i); text = text lit; parts++; i = blanks(i)
			}
			if (parts == 0) bad = "not a string literal"
			else if (substr(s, i, 1) != ")") bad = "more than literals"
			if (bad != "") printf "ERROR\t%s:%d: %s\n", FILENAME, lineno(at), bad
			else printf "%s\t%s:%d\n", text, FILENAME, lineno(at)
		}
	}' "$@"
}

# The extractor itself, on a file with every form it must handle.
cat >"$T/fixture.c" <<'FIX'
/* _("not in a comment") */
static const char *t[] = { N_("table entry") };
int f(void)
{
	puts("_(\"inside a string\")");
	printf(_("joined " /* comment */
	         "literal %s\n"), "x");
	warnmsg("%s", tr_("direct"));
	x = my_("not a marker");
	die(1, _(SEED "macro"));
	fputs(_("bad \x41 escape"), stdout);
	return '"' + '_';
}
FIX
msgids "$T/fixture.c" | cut -f 1 >"$T/fixture.out"
printf '%s\n' 'table entry' 'joined literal %s\n' direct ERROR ERROR >"$T/fixture.want"
if cmp -s "$T/fixture.out" "$T/fixture.want"; then pass "msgid extractor: literals, joins, comments, refusals"
else fail "msgid extractor" "$(tr '\n' '|' <"$T/fixture.out")"; fi

cd "$TOP" || exit 1
msgids ./*.c lib/*.c | grep -v '^[^	]*	lib/i18n' >"$T/src" 2>/dev/null
"$DUMP" --dump | LC_ALL=C sort -u >"$T/table"

errs=$(grep '^ERROR	' "$T/src" | cut -f 2)
if [ -z "$errs" ]; then pass "every msgid is plain string literals"
else fail "every msgid is plain string literals" "$errs"; fi

grep -v '^ERROR	' "$T/src" | cut -f 1 | LC_ALL=C sort -u >"$T/used"
missing=$(LC_ALL=C comm -23 "$T/used" "$T/table")
if [ -z "$missing" ]; then pass "every msgid in the sources has a Turkish text ($(wc -l <"$T/used" | tr -d ' ') used)"
else fail "every msgid in the sources has a Turkish text" "missing: $(echo "$missing" | head -n 5 | tr '\n' '|')"; fi

# Until the programs are wired (phase 2 of issue 12) the table runs
# ahead of them; then every entry must be used by some source.
if grep -q '_("' ./*.c; then
	stale=$(LC_ALL=C comm -13 "$T/used" "$T/table")
	if [ -z "$stale" ]; then pass "no stale table entry"
	else fail "no stale table entry" "unused: $(echo "$stale" | head -n 5 | tr '\n' '|')"; fi
else
	skip "no stale table entry" "the programs do not use _() yet"
fi
