#!/bin/sh
# The handouts (docs/LAB.md, docs/LAB.tr.md), README.md and the man pages
# tell students what to type, so: every long option they give one of the
# four programs exists in its --help; every script option they give
# exists in the script's -h; no command names a file that is not there
# (README's old `-a notes.pdf`); both handouts end with the EN-TR
# glossary; the Turkish one has none of the calques issue 11 listed.
# shellcheck disable=SC2013,SC2086 # words wanted; DOCS is three names
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
DOCS="docs/LAB.md docs/LAB.tr.md README.md"

for p in smtp_server pop_server mail_send pop_client; do
	[ -x "./$p" ] || { skip "the docs' $p options" "$p not built yet"; continue; }
	"./$p" --help >"$T/$p.help" 2>&1
	missing=
	for o in $(grep -ho "\./$p [^\`]*" $DOCS | grep -o -- ' --[a-z0-9][a-z0-9-]*' | sort -u); do
		grep -qw -- "$o" "$T/$p.help" || missing="$missing$o"
	done
	check "every $p option in the docs is in its --help${missing:+ (not:$missing)}" test -z "$missing"
done
for s in lab demo capture journey; do
	sh "scripts/$s.sh" -h >"$T/$s.help" 2>&1
	missing=
	for o in $(grep -ho "scripts/$s\.sh [^\`|]*" $DOCS | grep -o -- ' --[a-z0-9][a-z0-9-]*' | sort -u); do
		grep -qw -- "$o" "$T/$s.help" || missing="$missing$o"
	done
	check "every scripts/$s.sh option in the docs is in its -h${missing:+ (not:$missing)}" test -z "$missing"
done
check_not "README attaches no file that does not exist (notes.pdf)" grep -q 'notes\.pdf' README.md
check "README creates the file it attaches" grep -q "> notes.txt" README.md
for f in docs/LAB.md docs/LAB.tr.md; do
	check "$f ends with the EN-TR glossary" sh -c "sed -n '/^## \(Glossary\|Sözlük\)/,\$p' '$f' | grep -q 'kimlik doğrulama'"
	check "$f has the SMTP, POP3 and IMAP table" grep -q '^| | SMTP | POP3 | IMAP |' "$f"
	check "$f explains PIPELINING with RFC 2920" grep -q 'PIPELINING.*RFC 2920' "$f"
	check "$f has the RFC 2047 decoding exercise" grep -q 'echo w5ZkZXY= | base64 -d' "$f"
	check "$f has the --no-pipelining exercise" grep -q 'smtp_server -v --no-pipelining' "$f"
done
for calque in ajan kablo sekizli mesaj 'yalın ACK' ısrar 'Laboratuvarı açın' 'gerçek portu' "melek'ten"; do
	# the seed's text is quoted as it is sent: "Bu bir test mesajıdır"
	check_not "LAB.tr.md has no calque \"$calque\"" sh -c \
		"grep -v 'Bu bir test mesajıdır' docs/LAB.tr.md | grep -qi \"$calque\""
done
