/*
 * fuzz_pop3_client: lib/pop3_client's reading of a POP3 server (the
 * greeting and its APOP timestamp, CAPA, USER/PASS or APOP, STAT,
 * LIST, UIDL, RETR and TOP bodies with byte-stuffing, pipelined RETRs,
 * DELE, QUIT), in the order pop_client runs them.  The input is all
 * that "the server" says, waiting in a socketpair.
 *
 * Checks: each call returns POP3_OK or one of its errors; the reply,
 * timestamp and error stay NUL-terminated in their buffers; listed
 * sizes stay within POP3_SIZE_MAX and UIDL ids within 1..70 printable
 * octets; a body arrives in pieces of at most POP3_PIECE, never more
 * octets than allowed, and p->received counts exactly what was handed
 * over.
 */
#include "fuzz.h"
#include "pop3_client.h"

#include <signal.h>

#define LIST_MAX 8 /* messages the harness lists and fetches at most */

struct count {
	unsigned long long octets;
};

static int sink(void *ctx, const char *p, size_t n, enum pop3_eol eol)
{
	struct count *c = ctx;

	fuzz_check(n <= POP3_PIECE);
	fuzz_check(eol == POP3_MORE || memchr(p, '\n', n) == NULL);
	(void)p;
	c->octets += n + (eol == POP3_CRLF ? 2 : eol == POP3_LF ? 1 : 0);
	return 0;
}

static bool go_on(const struct pop3 *p, int rc)
{
	fuzz_check(rc == POP3_OK || rc == POP3_ERR || rc == POP3_PROTO ||
	           rc == POP3_NET);
	fuzz_check(memchr(p->reply, '\0', sizeof p->reply));
	fuzz_check(memchr(p->timestamp, '\0', sizeof p->timestamp));
	fuzz_check(memchr(p->err, '\0', sizeof p->err));
	return rc != POP3_NET && rc != POP3_PROTO;
}

static bool body(struct pop3 *p, unsigned long n, long lines,
                 unsigned long long max)
{
	struct count c = { 0 };
	int rc = pop3_retr(p, n, lines, max, sink, &c);

	if (rc == POP3_OK) {
		fuzz_check(c.octets == p->received);
		fuzz_check(p->received <= max);
	}
	return go_on(p, rc);
}

/* Two RETRs sent before either answer is read (RFC 2449 6.6). */
static bool pipelined(struct pop3 *p)
{
	struct count c = { 0 };

	if (!go_on(p, pop3_send_retr(p, 1, -1)) ||
	    !go_on(p, pop3_send_retr(p, 2, -1)))
		return false;
	return go_on(p, pop3_read_body(p, 1 << 20, sink, &c)) &&
	       go_on(p, pop3_read_body(p, 1 << 20, sink, &c));
}

static bool listing(struct pop3 *p, unsigned long count)
{
	static char ids[LIST_MAX + 1][POP3_UIDL_MAX + 1];
	unsigned long sizes[LIST_MAX + 1] = { 0 };
	int rc;

	/* Only the numbers listed are set: pop_client starts from calloc. */
	memset(ids, 0, sizeof ids);
	if (!go_on(p, rc = pop3_list(p, count, sizes)))
		return false;
	for (unsigned long i = 1; rc == POP3_OK && i <= count; i++)
		fuzz_check(sizes[i] <= POP3_SIZE_MAX);
	if (!go_on(p, rc = pop3_uidl(p, count, ids)))
		return false;
	for (unsigned long i = 1; rc == POP3_OK && i <= count; i++) {
		size_t len = strnlen(ids[i], sizeof ids[i]);
		fuzz_check(len <= POP3_UIDL_MAX);
		for (size_t k = 0; k < len; k++)
			fuzz_check(ids[i][k] > 0x20 && ids[i][k] < 0x7f);
	}
	return true;
}

static void session(struct pop3 *p)
{
	unsigned long count = 0;
	unsigned long long octets = 0;
	int rc;

	if (!go_on(p, pop3_capa(p)))
		return;
	rc = pop3_has_timestamp(p) ? pop3_apop(p, "gizem", "1234")
	                           : pop3_login(p, "gizem", "1234");
	if (!go_on(p, rc) || rc != POP3_OK)
		return;
	if (!go_on(p, rc = pop3_stat(p, &count, &octets)))
		return;
	if (count > LIST_MAX)
		count = LIST_MAX;
	if (count > 0 && !listing(p, count))
		return;
	if (body(p, 1, -1, 4096) && body(p, 1, 0, 4096) && pipelined(p) &&
	    go_on(p, pop3_dele(p, 1)))
		go_on(p, pop3_quit(p));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pop3 p; /* two conn buffers: not on the stack */
	int other, fd = fuzz_peer(data, size, &other);

	if (fd < 0)
		return 0;
	int rc = pop3_open(&p, fd, 5, false);
	if (go_on(&p, rc) && rc == POP3_OK)
		session(&p);
	close(fd);
	close(other);
	return 0;
}
