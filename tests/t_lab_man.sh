#!/bin/sh
# The man pages (man/): one per program and mailab(7); each has the
# sections a user looks for (options, exit status, an example, the
# Wireshark filter), names every long option its program's --help lists,
# renders without a warning (mandoc -Tlint, or groff -ww), and `make
# install` puts them under PREFIX/share/man.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib_lab.sh
. "$(dirname "$0")/lib_lab.sh"
cd "$TOP" || exit 1

for p in smtp_server pop_server mail_send pop_client imap_server; do
	page=man/$p.1
	check "$page exists" test -f "$page"
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES WIRESHARK "SEE ALSO"; do
		check "$page has the section $sec" grep -q "^\.SH \"*$sec" "$page"
	done
	check "$page gives the display filter" grep -q 'tcp\.port == 1' "$page"
	check "$page has the teaching modes" grep -q '^\.BR \\-e ", " \\-\\-explain' "$page"
	case $p in
	smtp_server|pop_server) check "$page has --fail" grep -q '^\.BI \\-\\-fail' "$page"
		check "$page has the TLS options, for a make TLS=1 build" sh -c "grep -q 'tls\\\\-port' '$page' && grep -q 'make TLS=1' '$page'" ;;
	mail_send|pop_client) check "$page has the TLS options, for a make TLS=1 build" sh -c "grep -q 'cafile' '$page' && grep -q 'make TLS=1' '$page'"
		check "$page names SSLKEYLOGFILE" grep -q SSLKEYLOGFILE "$page" ;;
	esac
	[ -x "./$p" ] || { skip "$page against --help" "$p not built yet"; continue; }
	missing=
	for o in $("./$p" --help 2>&1 | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
		grep -Fq -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$page" || missing="$missing $o"
	done
	check "$page names every long option of $p --help${missing:+ (missing:$missing)}" test -z "$missing"
done
check "man/mailab.7 exists" test -f man/mailab.7
check "mailab(7) has the SMTP, POP3 and IMAP comparison" grep -q 'SMTP  *POP3  *IMAP' man/mailab.7
check "mailab(7) names imap_server, the teaching modes and make TLS=1" sh -c \
	"grep -q 'imap_server (1)' man/mailab.7 && grep -q 'explain' man/mailab.7 && grep -q 'make TLS=1' man/mailab.7"

# lint: mandoc's when installed, else groff's warnings
if have mandoc; then
	for f in man/*.1 man/*.7; do check "mandoc -Tlint $f: no warning" sh -c "! mandoc -Tlint -W warning '$f' 2>&1 | grep ."; done
elif have groff; then
	for f in man/*.1 man/*.7; do check "groff -ww $f: no warning" sh -c "! groff -man -Tutf8 -ww '$f' 2>&1 >/dev/null | grep ."; done
else
	skip "man page lint" "mandoc and groff not installed"
fi
if have man && man -l man/smtp_server.1 >/dev/null 2>&1; then
	check "man -l man/smtp_server.1 renders from the clone" sh -c "man -l man/smtp_server.1 2>/dev/null | grep -q 'SMTP server'"
else
	skip "man -l from the clone" "man -l not available"
fi

# make install: the pages land under PREFIX/share/man
if [ -x ./smtp_server ] && [ -x ./pop_server ] && [ -x ./mail_send ] && [ -x ./pop_client ]; then
	# the build the tree holds (make TLS=1 or not): a bare `make install`
	# after `make TLS=1` would relink every program without TLS
	tls=$(sed -n 's/^TLS=//p' lib/.tls-build 2>/dev/null)
	make -s install ${tls:+TLS=$tls} DESTDIR="$T/root" PREFIX=/usr/local >"$T/install.out" 2>&1
	check "make install exits 0" test $? -eq 0
	for f in man1/smtp_server.1 man1/pop_server.1 man1/mail_send.1 man1/pop_client.1 man1/imap_server.1 man7/mailab.7; do
		check "make install puts $f under PREFIX/share/man" test -f "$T/root/usr/local/share/man/$f"
	done
else
	skip "make install" "the programs are not built yet"
fi
