/* smtp_data: decode the DATA stream.  See smtp_data.h. */
#include "smtp_data.h"
#include "dot.h"
#include "util.h"

#include <string.h>

void smtp_data_init(struct smtp_data *d, enum conn_ending prev,
                    unsigned long long max, smtp_data_sink write, void *ctx)
{
	memset(d, 0, sizeof *d);
	d->write = write;
	d->ctx = ctx;
	d->max = max;
	d->prev = prev;
	d->in_headers = true;
}

/* Count n octets and pass them on, unless the limit is already past. */
static void emit(struct smtp_data *d, const char *p, size_t n)
{
	d->octets += n;
	if (d->octets > d->max)
		d->too_big = true;
	if (!d->too_big && n > 0)
		d->write(d->ctx, p, n);
}

/* Is this fragment, at the start of a line, the end of the data? */
static bool is_end(const struct smtp_data *d, const char *p, size_t n,
                   bool saw_cr)
{
	if (d->prev == END_CRLF && n == 3 && memcmp(p, ".\r\n", 3) == 0)
		return true;
	return !saw_cr && d->prev == END_LF && n == 2 && memcmp(p, ".\n", 2) == 0;
}

/* Header bookkeeping for a fragment that starts a line. */
static void header_line(struct smtp_data *d, const char *p, size_t n,
                        enum conn_ending end)
{
	if (end != END_NONE && (n == 0 || p[0] == '\r' || p[0] == '\n'))
		d->in_headers = false; /* the empty line: the body follows */
	else if (n >= 9 && str_ncase_eq(p, "Received:", 9))
		d->hops++;
}

bool smtp_data_feed(struct smtp_data *d, const char *p, size_t n, bool whole,
                    bool saw_cr)
{
	enum conn_ending end = END_NONE;

	if (d->held_cr) { /* a CR ended the last fragment: is this its LF? */
		d->held_cr = false;
		if (whole && n == 1) {
			emit(d, "\n", 1);
			d->prev = END_CRLF;
			return false;
		}
		emit(d, "\r", 1); /* a bare CR: kept byte for byte */
	}
	if (d->prev != END_NONE && is_end(d, p, n, saw_cr))
		return true;
	if (!whole) {
		if (n > 0 && p[n - 1] == '\r') { /* its LF may come next */
			d->held_cr = true;
			n--;
		}
	} else if (n >= 2 && p[n - 2] == '\r') {
		end = END_CRLF;
		n -= 2;
	} else {
		end = END_LF;
		d->bare_lf = true;
		n -= 1;
	}
	if (d->prev != END_NONE) {
		if (d->in_headers)
			header_line(d, p, n, end);
		size_t skip = dot_unstuff(p, n); /* RFC 5321 4.5.2 */
		p += skip;
		n -= skip;
	}
	emit(d, p, n);
	if (end != END_NONE)
		emit(d, "\n", 1);
	d->prev = end;
	return false;
}
