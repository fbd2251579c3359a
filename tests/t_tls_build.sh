#!/bin/sh
# The two builds (SPEC "TLS (optional build)"): plain `make` links no
# OpenSSL at all, `make TLS=1` does; switching between them rebuilds
# lib/ without `make clean` (the stamp lib/.tls-build).  The programs'
# refusal of TLS options comes with their TLS options (phase 2).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

build=$(sed -n 's/^TLS=//p' lib/.tls-build 2>/dev/null)
[ "$build" = 1 ] || build=0
progs=""
for p in smtp_server pop_server mail_send pop_client; do
	[ -x "$p" ] && progs="$progs $p"
done

# linked PROGRAM: the shared libraries it needs, one a line.
if have ldd; then linked() { ldd "$1" 2>/dev/null; }
elif have otool; then linked() { otool -L "$1" 2>/dev/null; }
else linked() { return 2; }; fi

for p in $progs; do
	linked "$p" >"$T/libs" || { skip "$p: shared libraries" "neither ldd nor otool installed"; continue; }
	if [ "$build" = 1 ]; then
		if grep -q 'libssl' "$T/libs"; then pass "make TLS=1: $p links libssl"; else
			fail "make TLS=1: $p links libssl" "$(tr '\n' ' ' <"$T/libs")"; fi
	else
		if grep -q 'libssl\|libcrypto' "$T/libs"; then
			fail "make: $p links no OpenSSL" "$(grep 'libssl\|libcrypto' "$T/libs" | tr '\n' ' ')"
		else pass "make: $p links no OpenSSL (libc only)"; fi
	fi
done

# The archive holds one of lib/tls.o (OpenSSL) and lib/tls_none.o (the
# stubs), never both: the Makefile picks one per build.
if have nm && have ar && [ -f lib/libmailab.a ]; then
	members=$(ar t lib/libmailab.a)
	n=$(nm lib/libmailab.a 2>/dev/null | grep -c ' U SSL_')
	if [ "$build" = 1 ]; then
		check "make TLS=1: lib/tls.o in the archive, calling OpenSSL" \
		    sh -c "echo '$members' | grep -qx tls.o && test $n -gt 0"
		check "make TLS=1: no stubs (tls_none.o) beside it" \
		    sh -c "! echo '$members' | grep -qx tls_none.o"
	else
		check "make: the stubs (tls_none.o) in the archive, no SSL_ symbol" \
		    sh -c "echo '$members' | grep -qx tls_none.o && test $n -eq 0"
		check "make: no lib/tls.o in the archive" \
		    sh -c "! echo '$members' | grep -qx tls.o"
	fi
else
	skip "the members of lib/libmailab.a" "nm or ar not installed, or not built"
fi

if [ "$build" = 0 ] && [ -x tests/unit/test_tls ]; then
	check "make: tests/unit/test_tls says it is skipped" \
	    sh -c 'tests/unit/test_tls | grep -q "^skipped: built without TLS"'
fi

# Switching builds: in a copy of the built lib/ (mtimes kept), make -q
# says whether the library would be rebuilt.  Nothing here touches the
# real tree's stamp.
if [ -f lib/libmailab.a ]; then
	mkdir "$T/tree"
	cp -p Makefile "$T/tree/" && cp -pR lib "$T/tree/lib"
	other=$((1 - build))
	make -s -q -C "$T/tree" TLS="$build" lib/libmailab.a >/dev/null 2>&1
	check "the same build again: lib/ is up to date" test $? -eq 0
	make -s -q -C "$T/tree" TLS=$other lib/libmailab.a >/dev/null 2>&1
	check "TLS=$build -> TLS=$other: lib/ is rebuilt" test $? -eq 1
	check "... the stamp now says TLS=$other" grep -qx "TLS=$other" "$T/tree/lib/.tls-build"
	make -s -q -C "$T/tree" TLS="$build" lib/libmailab.a >/dev/null 2>&1
	check "and back to TLS=$build: rebuilt again" test $? -eq 1
else
	skip "switching builds" "lib/libmailab.a not built"
fi
