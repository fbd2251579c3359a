/*
 * pop_mkmaildir: fill a Maildir with many messages, fast, for the POP3
 * benchmark.
 *
 *   pop_mkmaildir DIR COUNT SIZE
 *
 * Makes DIR/{tmp,new,cur} and writes COUNT messages of about SIZE bytes
 * (LF endings, 72-column lines, one line starting with a dot so that
 * byte-stuffing is exercised) into DIR/new/, named the way smtp_server
 * names them, with S= and W= (Dovecot reads them too).  No fsync: this
 * is test data, not mail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MK_LINE 72 /* body line length, LF excluded */

/* Build one message of about size bytes into buf; its length. */
static size_t make_message(char *buf, size_t cap, unsigned long i, size_t size)
{
	size_t n = (size_t)snprintf(buf, cap,
	    "Return-Path: <bench@example.com>\n"
	    "From: bench@example.com\n"
	    "To: bench@example.com\n"
	    "Subject: benchmark message %lu\n"
	    "Message-ID: <%lu@bench.example.com>\n"
	    "\n"
	    ".a line that starts with a dot\n", i, i);

	while (n + MK_LINE + 1 <= size && n + MK_LINE + 1 < cap) {
		for (size_t k = 0; k < MK_LINE; k++)
			buf[n + k] = (char)('a' + (i + k) % 26);
		buf[n + MK_LINE] = '\n';
		n += MK_LINE + 1;
	}
	return n;
}

/* Write one file; dies on failure (a benchmark without data is none). */
static void write_file(const char *path, const char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) < 0)
		die(1, "cannot write %s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	static char buf[1 << 20], path[4096];
	const char *subs[] = { "", "/tmp", "/new", "/cur" };
	unsigned long count, size;

	util_set_progname(argv[0]);
	if (argc != 4)
		die(2, "usage: pop_mkmaildir DIR COUNT SIZE");
	count = opt_ulong("COUNT", argv[2], 0, 10000000);
	size = opt_ulong("SIZE", argv[3], 0, sizeof buf - 1);
	for (size_t k = 0; k < 4; k++) {
		snprintf(path, sizeof path, "%s%s", argv[1], subs[k]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			die(1, "cannot create %s: %s", path, strerror(errno));
	}
	for (unsigned long i = 0; i < count; i++) {
		size_t n = make_message(buf, sizeof buf, i, size), lf = 0;
		for (size_t k = 0; k < n; k++)
			lf += buf[k] == '\n';
		/* Delivery order: one microsecond apart, from a fixed second. */
		snprintf(path, sizeof path,
		         "%s/new/%lu.M%06luP4242Q%lu.bench,S=%zu,W=%zu", argv[1],
		         1764000000 + i / 1000000, i % 1000000, i + 1, n, n + lf);
		write_file(path, buf, n);
	}
	return 0;
}
