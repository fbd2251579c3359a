# mailab: four programs at the top level, their shared modules in lib/.
#   make            build the programs
#   make test       unit, dialogue and end-to-end tests
#   make asan       build and test everything with ASan and UBSan
#   make bench      the benchmark against the real peers that are installed
#   make demo       the journey of one mail, in one terminal
#   make journey    the same across two servers (relay), in one terminal

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Wpedantic
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE -Ilib
PREFIX  ?= /usr/local
# Bind every symbol at start-up, once, in the server's parent: its forked
# sessions then skip the lazy look-ups each would repeat (GNU ld).
ifeq ($(shell uname -s),Linux)
LDFLAGS += -Wl,-z,now
endif

# make TLS=1: OpenSSL behind lib/tls (see SPEC "TLS").  The stamp holds
# the setting, so switching builds recompiles lib/ without make clean.
TLS ?= 0
ifeq ($(TLS),1)
TLS_CFLAGS := $(shell pkg-config --cflags openssl 2>/dev/null)
TLS_LIBS   := $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)
override CPPFLAGS += -DMAILAB_TLS $(TLS_CFLAGS)
override LDFLAGS += $(TLS_LIBS)
endif
TLS_STAMP := lib/.tls-build
$(shell echo 'TLS=$(TLS)' | cmp -s - $(TLS_STAMP) || echo 'TLS=$(TLS)' >$(TLS_STAMP))

PROGS    := $(basename $(wildcard smtp_server.c pop_server.c imap_server.c mail_send.c pop_client.c))
LIB_SRC  := $(wildcard lib/*.c)
ifeq ($(TLS),1)
LIB_SRC  := $(filter-out lib/tls_none.c,$(LIB_SRC))
else
LIB_SRC  := $(filter-out lib/tls.c,$(LIB_SRC))
endif
LIB_OBJ  := $(LIB_SRC:.c=.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT     := $(UNIT_SRC:.c=)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS    := $(TOOL_SRC:.c=)

all: $(PROGS)

lib/libmailab.a: $(LIB_OBJ)
	rm -f $@ # no stale member of the other build (tls.o, tls_none.o)
	$(AR) rcs $@ $(LIB_OBJ)

$(LIB_OBJ): $(wildcard lib/*.h) $(TLS_STAMP)

$(PROGS): %: %.c lib/libmailab.a $(wildcard lib/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< lib/libmailab.a $(LDFLAGS)

tests/unit/%: tests/unit/%.c lib/libmailab.a tests/unit/check.h $(wildcard lib/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< lib/libmailab.a $(LDFLAGS)

tests/tools/%: tests/tools/%.c lib/libmailab.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< lib/libmailab.a $(LDFLAGS)

tests/shim/%.so: tests/shim/%.c
	$(CC) -shared -fPIC -O1 -o $@ $< -ldl

# The fsync-failing shim is for Linux's LD_PRELOAD; elsewhere its test skips.
SHIMS := $(if $(filter Linux,$(shell uname -s)),tests/shim/failfs.so)

test: all $(UNIT) $(TOOLS) $(SHIMS)
	@sh tests/run.sh

asan:
	$(MAKE) clean
	$(MAKE) CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" test

bench: all $(TOOLS)
	@sh tests/bench.sh

demo: all
	@sh scripts/demo.sh

# The journey over STARTTLS and STLS, captured and decrypted (SPEC "TLS").
demo-tls:
	$(MAKE) TLS=1 all
	@sh scripts/demo.sh --tls

journey: all
	@sh scripts/journey.sh

# The programs, their man pages (man/*.1) and the lab's overview (mailab.7).
MANDIR  ?= $(PREFIX)/share/man
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	cp $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/*.7 $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -f $(PROGS) $(LIB_OBJ) lib/libmailab.a $(UNIT) $(TOOLS) tests/shim/*.so
	rm -rf tests/fuzz/build

.PHONY: all test asan bench demo demo-tls journey install clean fuzz fuzz-smoke

# Fuzzing (libFuzzer, so clang): `make fuzz` builds a harness per parser
# that reads network or mail input into tests/fuzz/build/, apart from the
# normal build; `make fuzz-smoke` runs each for FUZZ_TIME seconds on its
# seed corpus (tests/fuzz/corpus/NAME/) and fails on any finding.
# Longer runs: tests/fuzz/smoke.sh -t SECONDS [NAME...].
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 20
FUZZ_BUILD  := tests/fuzz/build
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
               -Wpedantic -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_LIBOBJ := $(patsubst lib/%.c,$(FUZZ_BUILD)/lib/%.o,$(LIB_SRC))
FUZZ_HDR    := $(wildcard lib/*.h tests/fuzz/*.h)

fuzz: $(FUZZ_BIN)

fuzz-smoke: fuzz
	@sh tests/fuzz/smoke.sh -t $(FUZZ_TIME)

# The library and the servers get coverage instrumentation; a server's
# main() is renamed so that its harness can call it (fuzz_server.h).
$(FUZZ_BUILD)/lib/%.o: lib/%.c $(FUZZ_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/%_server.o: %_server.c $(FUZZ_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -Dmain=$*_server_main -c -o $@ $<

$(FUZZ_BUILD)/libfuzz.a: $(FUZZ_LIBOBJ)
	$(AR) rcs $@ $(FUZZ_LIBOBJ)

$(FUZZ_BUILD)/fuzz_smtp_server: $(FUZZ_BUILD)/smtp_server.o
$(FUZZ_BUILD)/fuzz_pop_server: $(FUZZ_BUILD)/pop_server.o
$(FUZZ_BUILD)/fuzz_imap_server: $(FUZZ_BUILD)/imap_server.o

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libfuzz.a $(FUZZ_HDR)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(filter %_server.o,$^) $(FUZZ_BUILD)/libfuzz.a
