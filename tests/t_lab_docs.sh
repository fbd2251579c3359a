#!/bin/sh
# The handouts (docs/LAB.md, docs/LAB.tr.md), README.md and the man pages
# tell students what to type, so: every long option they give one of the
# five programs exists in its --help; every script option they give
# exists in the script's -h; every --fail spec they give is one the
# server accepts; no command names a file that is not there (README's
# old `-a notes.pdf`); both handouts have the exercises of issues 12
# (teaching modes), 13 (TLS) and 14 (IMAP) and end with the EN-TR
# glossary; the Turkish one has none of the calques issue 11 listed.
#
# The teaching modes and TLS are built on their own branches: in a tree
# where a program's --help has none of a feature's options yet, the
# docs' options of that feature are reported as skipped, not as
# missing.  Once the feature is there, each one is checked.
# shellcheck disable=SC2013,SC2016,SC2046,SC2086 # words wanted; DOCS is three names; backquotes are markdown
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
DOCS="docs/LAB.md docs/LAB.tr.md README.md"
TEACH_OPTS="--explain --lang --step --delay --fail"
TLS_OPTS="--tls-cert --tls-key --tls-port --auth-tls-only --starttls --tls --stls --cafile --insecure"

# feature_absent OPTION HELPFILE: OPTION belongs to a feature of which
# HELPFILE names no option at all (that feature is not in this tree).
feature_absent() {
	case " $TEACH_OPTS " in *" $1 "*) group=$TEACH_OPTS ;; *)
	case " $TLS_OPTS " in *" $1 "*) group=$TLS_OPTS ;; *) return 1 ;; esac ;; esac
	for g in $group; do grep -qw -- "$g" "$2" && return 1; done
	return 0
}

# check_options WHAT HELPFILE OPTION...: each OPTION is in HELPFILE.
check_options() {
	what=$1 help=$2; shift 2
	missing="" pending=""
	for o in "$@"; do
		grep -qw -- "$o" "$help" && continue
		if feature_absent "$o" "$help"; then pending="$pending $o"; else missing="$missing $o"; fi
	done
	check "every $what option in the docs is in its help${missing:+ (not:$missing)}" test -z "$missing"
	[ -z "$pending" ] || skip "$what options of a feature not in this tree yet:$pending" "not built here"
}

for p in smtp_server pop_server mail_send pop_client imap_server; do
	[ -x "./$p" ] || { skip "the docs' $p options" "$p not built yet"; continue; }
	"./$p" --help >"$T/$p.help" 2>&1
	check_options "$p" "$T/$p.help" $(grep -ho "\./$p [^\`]*" $DOCS | grep -o -- ' --[a-z0-9][a-z0-9-]*' | sort -u)
done
for s in lab demo capture journey ladder mkcert; do
	[ -f "scripts/$s.sh" ] || { skip "the docs' scripts/$s.sh options" "scripts/$s.sh not in this tree yet"; continue; }
	sh "scripts/$s.sh" -h >"$T/$s.help" 2>&1
	check_options "scripts/$s.sh" "$T/$s.help" $(grep -ho "scripts/$s\.sh [^\`|]*" $DOCS | grep -o -- ' --[a-z0-9][a-z0-9-]*' | sort -u)
done

# Every --fail the handouts give is accepted by its server (parsed
# before --help, which then exits 0).
for p in smtp_server pop_server imap_server; do
	if [ ! -x "./$p" ] || ! grep -q -- '--fail' "$T/$p.help"; then
		skip "the docs' --fail specs for $p" "no --fail in this tree yet"; continue
	fi
	grep -ho "\./$p [^\`]*--fail [^\`]*" $DOCS | sed -nE "s/.*--fail ('[^']*'|[^ ]*).*/\1/p" | tr -d "'" | sort -u >"$T/$p.fails"
	bad=
	while IFS= read -r spec; do
		"./$p" --fail "$spec" --help >/dev/null 2>&1 || bad="$bad [$spec]"
	done <"$T/$p.fails"
	check "$p accepts every --fail of the docs ($(wc -l <"$T/$p.fails" | tr -d ' '))${bad:+ (refused:$bad)}" test -z "$bad"
done

check_not "README attaches no file that does not exist (notes.pdf)" grep -q 'notes\.pdf' README.md
check "README creates the file it attaches" grep -q "> notes.txt" README.md
check "README names the five programs" grep -q 'imap_server' README.md
check "README gives make TLS=1 and make demo-tls" sh -c "grep -q 'make TLS=1' README.md && grep -q 'make demo-tls' README.md"
check "README shows the teaching modes" sh -c "grep -q -- '--explain' README.md && grep -q -- '--fail' README.md"
for f in docs/LAB.md docs/LAB.tr.md; do
	check "$f ends with the EN-TR glossary" sh -c "sed -n '/^## \(Glossary\|Sözlük\)/,\$p' '$f' | grep -q 'kimlik doğrulama'"
	check "$f has the SMTP, POP3 and IMAP table" grep -q '^| | SMTP | POP3 | IMAP |' "$f"
	check "$f's table gives imap_server's port" grep -q '^|.*`imap_server`, port 1143' "$f"
	check "$f explains PIPELINING with RFC 2920" grep -q 'PIPELINING.*RFC 2920' "$f"
	check "$f has the RFC 2047 decoding exercise" grep -q 'echo w5ZkZXY= | base64 -d' "$f"
	check "$f has the --no-pipelining exercise" grep -q 'smtp_server -v --no-pipelining' "$f"
	# issue 12: the teaching modes
	check "$f runs the lab with --lang tr --explain" grep -q 'mail_send --lang tr --explain' "$f"
	check "$f follows a session with --step" grep -q 'mail_send -v --step' "$f"
	for spec in RCPT=450 RCPT=550 END=554 CONNECT=554 DATA=close; do
		check "$f's error lab has --fail $spec" grep -q -- "--fail $spec" "$f"
	done
	check "$f's journey fails on the recipient's server and bounces" sh -c \
		"grep -q 'b.example.*--fail RCPT=450' '$f' && grep -q 'maildir-a/melek/new' '$f'"
	check "$f draws a ladder, in SVG too" grep -q 'scripts/ladder.sh session.txt --svg session.svg' "$f"
	# issue 13: TLS
	check "$f builds with make TLS=1 and scripts/mkcert.sh" sh -c "grep -q 'make TLS=1' '$f' && grep -q 'scripts/mkcert.sh tls' '$f'"
	check "$f compares 25, 587, 465, 110 and 995, and gives 1465 and 1995" sh -c \
		"for p in 25 587 465 110 995; do grep -q \"^| \$p |\" '$f' || exit 1; done; grep -q 1465 '$f' && grep -q 1995 '$f'"
	check "$f has the stripping attack and CVE-2011-0411" sh -c "grep -q 'STARTTLS' '$f' && grep -q 'CVE-2011-0411' '$f'"
	check "$f decrypts with the key log in Wireshark and tshark" sh -c \
		"grep -q '(Pre)-Master-Secret log filename' '$f' && grep -q 'tls.keylog_file:keys.log' '$f' && grep -q 'SSLKEYLOGFILE' '$f'"
	check "$f runs make demo-tls" grep -q 'make demo-tls' "$f"
	# issue 14: IMAP
	check "$f talks IMAP by hand with tags" sh -c "grep -q 'nc -C localhost 1143' '$f' && grep -q 'a LOGIN gizem 1234' '$f'"
	check "$f shows IDLE pushing EXISTS" grep -q '^ *\* 3 EXISTS' "$f"
	check "$f decodes port 1143 as IMAP" sh -c "grep -q 'tcp.port == 1143' '$f' && grep -q 'tcp.port==1143,imap' '$f'"
done
for calque in ajan kablo sekizli mesaj 'yalın ACK' ısrar 'Laboratuvarı açın' 'gerçek portu' "melek'ten"; do
	# the seed's text is quoted as it is sent: "Bu bir test mesajıdır"
	check_not "LAB.tr.md has no calque \"$calque\"" sh -c \
		"grep -v 'Bu bir test mesajıdır' docs/LAB.tr.md | grep -qi \"$calque\""
done
