/* imap_out: the response writer and its trace.  See imap_out.h. */
#include "imap_out.h"
#include "teach.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void iout_init(struct imap_out *o, struct conn *c)
{
	o->conn = c;
	o->tlen = 0;
	o->held = 0;
	o->lit_left = 0;
	o->failed = false;
}

/* Send the held octets of the current line. */
static void send_held(struct imap_out *o)
{
	if (o->held && conn_write(o->conn, o->tline + o->tlen - o->held, o->held) < 0)
		o->failed = true;
	o->held = 0;
}

/* --step/--delay: hold the line until its LF, then wait and send it. */
static void paced_put(struct imap_out *o, const char *s, size_t n)
{
	struct conn *c = o->conn;

	while (n > 0 && !o->failed) {
		const char *lf = memchr(s, '\n', n);
		size_t k = lf ? (size_t)(lf - s) + 1 : n;
		if (k > sizeof o->tline - o->tlen) { /* too long to hold: unpaced */
			send_held(o);
			if (conn_write(c, s, k) < 0)
				o->failed = true;
		} else {
			memcpy(o->tline + o->tlen, s, k);
			o->tlen += k;
			o->held += k;
		}
		if (lf && !o->failed) {
			size_t len = o->tlen - 1 - (o->tlen > 1 && o->tline[o->tlen - 2] == '\r');
			if (conn_flush(c) < 0)
				o->failed = true;
			teach_before_send(c->teach, c->out_tag, o->tline, len);
			send_held(o);
			conn_trace(c, c->out_tag, o->tline, o->tlen);
			if (conn_flush(c) < 0)
				o->failed = true;
			o->tlen = 0;
		}
		s += k;
		n -= k;
	}
}

void iout_put(struct imap_out *o, const void *p, size_t n)
{
	const char *s = p;

	if (o->failed || n == 0)
		return;
	if (o->lit_left == 0 && o->conn->teach && teach_paced(o->conn->teach)) {
		paced_put(o, s, n);
		return;
	}
	if (o->lit_left > 0 && n > o->lit_left) { /* the literal ends inside */
		size_t k = (size_t)o->lit_left;
		iout_put(o, s, k);
		iout_put(o, s + k, n - k);
		return;
	}
	o->lit_left -= o->lit_left ? n : 0;
	if (conn_write(o->conn, p, n) < 0) {
		o->failed = true;
		return;
	}
	if (!o->conn->trace)
		return;
	while (n > 0) {
		const char *lf = memchr(s, '\n', n);
		size_t k = lf ? (size_t)(lf - s) + 1 : n;
		size_t room = sizeof o->tline - o->tlen;
		memcpy(o->tline + o->tlen, s, k < room ? k : room);
		o->tlen += k < room ? k : room;
		if (lf) {
			conn_trace(o->conn, o->conn->out_tag, o->tline, o->tlen);
			o->tlen = 0;
		}
		s += k;
		n -= k;
	}
}

void iout_puts(struct imap_out *o, const char *s)
{
	iout_put(o, s, strlen(s));
}

void iout_printf(struct imap_out *o, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n > 0)
		iout_put(o, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

void iout_end(struct imap_out *o)
{
	iout_put(o, "\r\n", 2);
}

void iout_literal(struct imap_out *o, unsigned long long n)
{
	iout_printf(o, "{%llu}\r\n", n);
	o->lit_left = n;
}

/* RFC 3501 9: a quoted string holds 7-bit TEXT-CHARs but CR and LF. */
static bool quotable(const char *s, size_t n)
{
	if (n > IMAP_QUOTED_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == 0 || ch == '\r' || ch == '\n' || ch >= 0x80)
			return false;
	}
	return true;
}

void iout_string(struct imap_out *o, const char *s, size_t n)
{
	if (!quotable(s, n)) {
		iout_literal(o, n);
		iout_put(o, s, n);
		return;
	}
	iout_put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			iout_put(o, "\\", 1);
		iout_put(o, s + i, 1);
	}
	iout_put(o, "\"", 1);
}

void iout_nstring(struct imap_out *o, const char *s)
{
	if (s == NULL)
		iout_puts(o, "NIL");
	else
		iout_string(o, s, strlen(s));
}

int iout_flush(struct imap_out *o)
{
	if (!o->failed && conn_flush(o->conn) < 0)
		o->failed = true;
	return o->failed ? -1 : 0;
}
