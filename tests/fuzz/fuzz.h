/*
 * fuzz.h: what the libFuzzer harnesses in tests/fuzz/ share.  Each
 * harness defines LLVMFuzzerTestOneInput (and, where it needs set-up,
 * LLVMFuzzerInitialize); libFuzzer calls it with one input at a time,
 * millions of times in one process, so nothing here may leak, exit or
 * keep state from one input to the next.
 *
 * A failed check is a finding: fuzz_check() aborts with a message, and
 * libFuzzer saves the input that caused it.
 */
#ifndef MAILAB_FUZZ_H
#define MAILAB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant the code promises; breaking it is a finding. */
#define fuzz_check(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

static inline void fuzz_fail(const char *file, int line, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof msg, "%s:%d: check failed: %s", file, line, what);
	fprintf(stderr, "%s\n", msg);
	/* Also where sanitizer reports go, which -close_fd_mask=2 keeps. */
	__sanitizer_report_error_summary(msg);
	abort();
}

/* The input as a NUL-terminated string (the parsers under test take C
 * strings; an embedded NUL simply ends it early).  Free it. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	fuzz_check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Write all n bytes to fd (a socket or a file); false on error. */
static inline bool fuzz_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * A peer that has already said everything: one end of a socketpair
 * whose other end holds the whole input and is shut for writing, so
 * the code under test reads the input, then EOF.  What it writes lands
 * in the other end's buffer and is never read.  Returns the fd under
 * test (and *other, to close), or -1.  Inputs are kept under the
 * socket buffer by -max_len, so the write cannot block.
 */
static inline int fuzz_peer(const uint8_t *data, size_t size, int *other)
{
	int sv[2];
	int buf = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	if (!fuzz_write_all(sv[1], data, size) ||
	    shutdown(sv[1], SHUT_WR) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	*other = sv[1];
	return sv[0];
}

#endif
