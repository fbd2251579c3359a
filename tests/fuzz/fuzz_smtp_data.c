/*
 * fuzz_smtp_data: lib/smtp_data, the DATA decoder, fed the way the
 * server's line reader hands it a message (lines, long ones in
 * pieces).  The first input byte picks the piece size and how the
 * session stood before DATA; the rest is what the client sends.
 *
 * Checks, besides the sanitizers:
 * - the end of the data is found only at "<CRLF>.<CRLF>", or at
 *   "<LF>.<LF>" in a session that has sent no CR (RFC 5321 4.1.1.4;
 *   anything else would be SMTP smuggling);
 * - octets counts exactly what was stored, never more than came in;
 * - one codec, both directions: the rest of the input as a message,
 *   dot-stuffed by lib/message's msg_stuff() and ended with ".", decodes
 *   back to itself (line endings as LF) and ends exactly at that ".".
 */
#include "fuzz.h"
#include "message.h"
#include "smtp_data.h"

struct out {
	char *p;
	size_t len, cap;
};

static void sink(void *ctx, const void *p, size_t n)
{
	struct out *o = ctx;

	fuzz_check(o->len + n <= o->cap);
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

/* The server's fragment buffer is never under 3 bytes: ".\r\n" at the
 * start of a line always comes whole, as conn_read_line() fills it. */
static const size_t piece_sizes[8] = { 3, 4, 5, 8, 13, 64, 1000, 8192 };

/*
 * Feed in[0..n) as the line reader would, cap bytes at most per piece.
 * Returns the offset just past the end-of-data line, or 0 if none.
 */
static size_t feed(struct smtp_data *d, const char *in, size_t n, size_t cap,
                   bool saw_cr)
{
	size_t pos = 0;

	while (pos < n) {
		size_t take = n - pos < cap ? n - pos : cap;
		const char *lf = memchr(in + pos, '\n', take);
		if (lf)
			take = (size_t)(lf - (in + pos)) + 1;
		if (memchr(in + pos, '\r', take))
			saw_cr = true;
		pos += take;
		if (smtp_data_feed(d, in + pos - take, take, lf != NULL, saw_cr))
			return pos;
	}
	return 0;
}

/* The end was found at pos: the bytes before it must say so. */
static void check_end(const char *in, size_t pos, enum conn_ending prev,
                      bool saw_cr_before)
{
	bool no_cr = !saw_cr_before && memchr(in, '\r', pos) == NULL;

	if (pos >= 5 && memcmp(in + pos - 5, "\r\n.\r\n", 5) == 0)
		return;
	if (pos == 3 && prev == END_CRLF && memcmp(in, ".\r\n", 3) == 0)
		return;
	if (no_cr && pos >= 3 && memcmp(in + pos - 3, "\n.\n", 3) == 0)
		return;
	if (no_cr && pos == 2 && prev == END_LF && memcmp(in, ".\n", 2) == 0)
		return;
	fuzz_fail(__FILE__, __LINE__, "end of data where there is none");
}

/* Decode the raw input as a client's DATA stream. */
static void raw_stream(const char *in, size_t n, size_t cap,
                       enum conn_ending prev, bool saw_cr)
{
	struct out o = { malloc(n + 1), 0, n + 1 };
	struct smtp_data d;
	unsigned long long max = cap * 7; /* sometimes under, sometimes over */

	fuzz_check(o.p != NULL);
	smtp_data_init(&d, prev, max, sink, &o);
	size_t end = feed(&d, in, n, cap, saw_cr);
	if (end > 0)
		check_end(in, end, prev, saw_cr);
	fuzz_check(d.octets <= n + 1);
	if (!d.too_big)
		fuzz_check(o.len == d.octets);
	free(o.p);
}

/* What msg_stuff() then smtp_data should give back: LF line endings. */
static size_t expected(const char *in, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		out[k++] = in[i] == '\r' ? '\n' : in[i];
	}
	if (k > 0 && out[k - 1] != '\n')
		out[k++] = '\n';
	return k;
}

/* Encode with msg_stuff(), decode with smtp_data: the same message. */
static void round_trip(const char *in, size_t n, size_t cap)
{
	size_t wire_cap = MSG_STUFF_CAP(n) + 8;
	char *wire = malloc(wire_cap), *want = malloc(n + 2);
	struct out o = { malloc(2 * n + 8), 0, 2 * n + 8 };
	struct msg_stuffer st = { .bol = true, .cr = false };
	struct smtp_data d;

	fuzz_check(wire && want && o.p);
	/* In two halves: the stuffer must carry its state across. */
	size_t w = msg_stuff(&st, in, n / 2, wire);
	w += msg_stuff(&st, in + n / 2, n - n / 2, wire + w);
	w += msg_stuff_end(&st, wire + w);
	memcpy(wire + w, ".\r\n", 3);
	w += 3;
	fuzz_check(w <= wire_cap);

	smtp_data_init(&d, END_CRLF, (unsigned long long)-1, sink, &o);
	fuzz_check(feed(&d, wire, w, cap, true) == w);
	size_t k = expected(in, n, want);
	fuzz_check(o.len == k && memcmp(o.p, want, k) == 0);
	fuzz_check(!d.bare_lf);
	free(wire);
	free(want);
	free(o.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	size_t cap = piece_sizes[mode & 7];
	enum conn_ending prev = (mode & 8) ? END_LF : END_CRLF;
	bool saw_cr = (mode & 16) != 0;
	const char *in = (const char *)data + 1;

	raw_stream(in, size - 1, cap, prev, saw_cr);
	round_trip(in, size - 1, cap);
	return 0;
}
