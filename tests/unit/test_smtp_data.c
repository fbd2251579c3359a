/* Unit tests: the DATA stream decoder (lib/smtp_data): where the data
 * ends, what is stored, and the SMTP smuggling endings. */
#include "check.h"
#include "smtp_data.h"

static char out[4096];
static size_t outlen;

static void sink(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	memcpy(out + outlen, p, n);
	outlen += n;
}

/*
 * Feed text as the line reader would (fragments of at most frag bytes,
 * each ending at a LF) and return the byte offset just past the end of
 * the data, or -1 when it never ended.  The stored text is in out.
 */
static long run(const char *text, size_t len, size_t frag, bool saw_cr,
                struct smtp_data *d)
{
	size_t i = 0;

	outlen = 0;
	smtp_data_init(d, END_CRLF, 1000, sink, NULL);
	while (i < len) {
		const char *lf = memchr(text + i, '\n', len - i);
		size_t n = lf ? (size_t)(lf - (text + i)) + 1 : len - i;
		bool whole = lf != NULL;
		if (n > frag) {
			n = frag;
			whole = false;
		}
		if (smtp_data_feed(d, text + i, n, whole, saw_cr))
			return (long)(i + n);
		i += n;
	}
	return -1;
}

#define RUN(text, frag, cr, d) run(text, sizeof text - 1, frag, cr, d)
#define STORED(want) (outlen == sizeof want - 1 && memcmp(out, want, outlen) == 0)

int main(void)
{
	struct smtp_data d;

	CHECK("CRLF.CRLF ends the data", RUN("a\r\nb\r\n.\r\nQUIT\r\n", 64, true, &d) == 9);
	CHECK("... lines stored with LF", STORED("a\nb\n"));
	CHECK("an empty message ends at once", RUN(".\r\n", 64, true, &d) == 3 && outlen == 0);
	CHECK("dot-stuffing undone", RUN("..x\r\n...\r\n.\r\n", 64, true, &d) > 0 && STORED(".x\n..\n"));
	CHECK("a dot inside a line stays", RUN("a.b\r\n.\r\n", 64, true, &d) > 0 && STORED("a.b\n"));
	CHECK("smuggling: LF.LF in a CRLF session does not end",
	      RUN("a\n.\nb\r\n.\r\n", 64, true, &d) == 10 && STORED("a\n\nb\n"));
	CHECK("smuggling: LF.CRLF does not end", RUN("a\n.\r\nb\r\n.\r\n", 64, true, &d) == 11);
	CHECK("smuggling: CR.CRLF does not end", RUN("a\r.\r\nb\r\n.\r\n", 64, true, &d) == 11);
	CHECK("... and the bare CR is kept", STORED("a\r.\nb\n"));
	CHECK("smuggling: CRLF.LF does not end", RUN("a\r\n.\nb\r\n.\r\n", 64, true, &d) == 11);
	CHECK("an LF-only session ends at LF.LF", RUN("a\nb\n.\nQUIT\n", 64, false, &d) == 6);
	CHECK("... and flags the bare LFs", d.bare_lf);
	CHECK("a CRLF session has no bare LF", RUN("a\r\n.\r\n", 64, true, &d) > 0 && !d.bare_lf);
	CHECK("a line split in fragments is stored whole",
	      RUN("0123456789abcdef\r\n.\r\n", 5, true, &d) > 0 && STORED("0123456789abcdef\n"));
	CHECK("a CRLF split between fragments is one line end",
	      RUN("abcd\r\n.\r\n", 5, true, &d) > 0 && STORED("abcd\n"));
	CHECK("a dot after a split line is not a line start",
	      RUN("abcde.\r\n.\r\n", 5, true, &d) > 0 && STORED("abcde.\n"));
	CHECK("NUL kept", RUN("a\0b\r\n.\r\n", 64, true, &d) > 0 && STORED("a\0b\n"));
	RUN("Received: x\r\nreceived: y\r\nSubject: s\r\n\r\nReceived: in the body\r\n.\r\n", 64, true, &d);
	CHECK("Received: headers counted, not in the body", d.hops == 2);
	outlen = 0;
	smtp_data_init(&d, END_CRLF, 5, sink, NULL);
	smtp_data_feed(&d, "123456\r\n", 8, true, true);
	CHECK("over the limit: flagged", d.too_big);
	CHECK("... nothing past the limit stored", outlen == 0);
	CHECK("... the end is still found", smtp_data_feed(&d, ".\r\n", 3, true, true));
	return CHECK_DONE();
}
