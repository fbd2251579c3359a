/* dot: stuffing and unstuffing of "." at a line start.  See dot.h. */
#include "dot.h"

size_t dot_stuff(struct dot_stuffer *d, const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		bool was_cr = d->cr;
		d->cr = c == '\r';
		if (c == '\n') { /* LF, or the LF of a CR LF */
			if (!(was_cr && d->cr_mode == DOT_CR_EOL)) {
				out[o++] = '\r'; /* KEEP held its CR back */
				out[o++] = '\n';
			}
			d->bol = true;
			continue;
		}
		if (was_cr && d->cr_mode == DOT_CR_KEEP)
			out[o++] = '\r'; /* a lone CR, kept as a byte */
		if (c == '\r') {
			if (d->cr_mode == DOT_CR_EOL) {
				out[o++] = '\r';
				out[o++] = '\n';
				d->bol = true;
			}
			continue; /* KEEP: wait to see whether an LF follows */
		}
		if (d->bol && c == '.')
			out[o++] = '.';
		out[o++] = c;
		d->bol = false;
	}
	return o;
}

size_t dot_stuff_end(struct dot_stuffer *d, char *out)
{
	size_t o = 0;

	if (d->cr && d->cr_mode == DOT_CR_KEEP) {
		out[o++] = '\r'; /* the file's last byte: a CR, then our CRLF */
		d->bol = false;
	}
	d->cr = false;
	if (d->bol)
		return o;
	out[o++] = '\r';
	out[o++] = '\n';
	d->bol = true;
	return o;
}

bool dot_is_end(const char *line, size_t n, bool whole)
{
	return whole && n == 1 && line[0] == '.';
}

size_t dot_unstuff(const char *line, size_t n)
{
	return n > 0 && line[0] == '.';
}
