/* conn: the line reader, line writer and trace.  See conn.h. */
#include "conn.h"
#include "tls.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The one piece of global state: set from a signal handler. */
static volatile sig_atomic_t stop_requested;

void conn_request_stop(void)
{
	stop_requested = 1;
}

bool conn_stop_requested(void)
{
	return stop_requested != 0;
}

void conn_init(struct conn *c, int rfd, int wfd, int timeout_s, bool trace,
               enum conn_role role)
{
	memset(c, 0, offsetof(struct conn, rbuf));
	c->rfd = rfd;
	c->wfd = wfd;
	c->timeout_ms = timeout_s > 0 ? timeout_s * 1000 : -1;
	c->trace = trace;
	c->in_tag = role == CONN_SERVER ? "C: " : "S: ";
	c->out_tag = role == CONN_SERVER ? "S: " : "C: ";
}

void conn_trace(const struct conn *c, const char *tag, const char *p,
                size_t n)
{
	char line[CONN_BUF + 8];
	size_t k = 0;

	if (!c->trace)
		return;
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > CONN_BUF)
		n = CONN_BUF;
	k = strlen(tag);
	memcpy(line, tag, k);
	memcpy(line + k, p, n);
	line[k + n] = '\n';
	fwrite(line, 1, k + n + 1, stderr); /* one write: lines stay whole */
}

/* The two places bytes cross to the peer: the fd, or TLS over it. */
static ssize_t conn_io_read(struct conn *c, void *p, size_t n)
{
	if (c->tls)
		return tls_read(c->tls, p, n, c->timeout_ms);
	return read(c->rfd, p, n);
}

static ssize_t conn_io_write(struct conn *c, const void *p, size_t n)
{
	if (c->tls)
		return tls_write(c->tls, p, n, c->timeout_ms);
	return write(c->wfd, p, n);
}

/* Wait until fd is ready; 1 ready, 0 timeout, -1 error, -2 stop. */
static int wait_fd(struct conn *c, int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	for (;;) {
		/* A stop ends waiting for input; output (the 421 that says
		 * why) still goes out, within the timeout. */
		if (stop_requested && events == POLLIN)
			return -2;
		rc = poll(&p, 1, c->timeout_ms);
		if (rc >= 0)
			return rc;
		if (errno != EINTR) {
			c->err = errno;
			return -1;
		}
	}
}

/* Refill rbuf; returns bytes read, 0 at EOF, or a negative status. */
static long fill(struct conn *c)
{
	ssize_t n;
	int w;

	if (c->wlen > 0 && conn_flush(c) < 0)
		return -CONN_ERROR;
	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	w = conn_tls_pending(c) ? 1 : wait_fd(c, c->rfd, POLLIN);
	if (w == 0)
		return -CONN_TIMEOUT;
	if (w == -2)
		return -CONN_STOP;
	if (w < 0)
		return -CONN_ERROR;
	do
		n = conn_io_read(c, c->rbuf + c->rlen, sizeof c->rbuf - c->rlen);
	while (n < 0 && errno == EINTR && !stop_requested);
	if (n < 0) {
		c->err = errno;
		return errno == EINTR ? -CONN_STOP : -CONN_ERROR;
	}
	c->rlen += (size_t)n;
	return n;
}

enum conn_status conn_read_line(struct conn *c, char *buf, size_t cap,
                                size_t *len)
{
	size_t got = 0;

	*len = 0;
	while (got < cap) {
		if (c->rpos == c->rlen) {
			long n = fill(c);
			if (n < 0)
				return (enum conn_status)-n;
			if (n == 0)
				return CONN_EOF;
		}
		size_t avail = c->rlen - c->rpos, want = cap - got;
		size_t take = avail < want ? avail : want;
		unsigned char *start = c->rbuf + c->rpos;
		unsigned char *lf = memchr(start, '\n', take);
		if (lf)
			take = (size_t)(lf - start) + 1;
		memcpy(buf + got, start, take);
		/* Only bytes handed over count: what sits in the buffer ahead
		 * must not change how this line is read. */
		if (!c->saw_cr && memchr(start, '\r', take))
			c->saw_cr = true;
		got += take;
		c->rpos += take;
		if (lf) {
			*len = got;
			conn_trace(c, c->in_tag, buf, got);
			return CONN_LINE;
		}
	}
	*len = got;
	conn_trace(c, c->in_tag, buf, got);
	return CONN_PART;
}

enum conn_status conn_read_command(struct conn *c, char *buf, size_t max,
                                   size_t *len, enum conn_ending *ending)
{
	enum conn_status st;
	size_t n;

	st = conn_read_line(c, buf, max, &n);
	if (st == CONN_PART) {
		bool trace = c->trace; /* a flood is not worth tracing */
		c->trace = false;
		do
			st = conn_read_line(c, buf, max, &n);
		while (st == CONN_PART);
		c->trace = trace;
		buf[0] = '\0';
		return st == CONN_LINE ? CONN_TOOLONG : st;
	}
	if (st != CONN_LINE)
		return st;
	n--; /* the LF */
	*ending = END_LF;
	if (n > 0 && buf[n - 1] == '\r') {
		n--;
		*ending = END_CRLF;
	}
	buf[n] = '\0';
	*len = n;
	return CONN_LINE;
}

int conn_flush(struct conn *c)
{
	size_t off = 0;

	while (off < c->wlen) {
		int w = wait_fd(c, c->wfd, POLLOUT);
		if (w <= 0) {
			if (w == 0)
				c->err = ETIMEDOUT;
			c->wlen = 0;
			return -1;
		}
		ssize_t n = conn_io_write(c, c->wbuf + off, c->wlen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->err = errno;
			c->wlen = 0;
			return -1;
		}
		off += (size_t)n;
	}
	c->wlen = 0;
	return 0;
}

int conn_write(struct conn *c, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > 0) {
		if (c->wlen == sizeof c->wbuf && conn_flush(c) < 0)
			return -1;
		size_t room = sizeof c->wbuf - c->wlen;
		size_t k = n < room ? n : room;
		memcpy(c->wbuf + c->wlen, s, k);
		c->wlen += k;
		s += k;
		n -= k;
	}
	return 0;
}

int conn_send_line(struct conn *c, const char *line, size_t len)
{
	conn_trace(c, c->out_tag, line, len);
	if (conn_write(c, line, len) < 0 || conn_write(c, "\r\n", 2) < 0)
		return -1;
	return 0;
}

int conn_printf(struct conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	return conn_send_line(c, line, (size_t)n);
}

const char *conn_status_text(const struct conn *c, enum conn_status st)
{
	switch (st) {
	case CONN_LINE:
	case CONN_PART:
		return "ok";
	case CONN_TOOLONG:
		return "line too long";
	case CONN_EOF:
		return "connection closed by peer";
	case CONN_TIMEOUT:
		return "timed out";
	case CONN_STOP:
		return "stopping on signal";
	case CONN_ERROR:
		break;
	}
	if (c->tls && c->err == EPROTO) /* TLS has its own words for it */
		return tls_error(c->tls);
	return c->err ? strerror(c->err) : "I/O error";
}

/* ---- TLS: STARTTLS, STLS and implicit TLS (lib/tls) ---- */

bool conn_tls_active(const struct conn *c)
{
	return c->tls != NULL;
}

bool conn_tls_pending(const struct conn *c)
{
	return c->tls != NULL && tls_pending(c->tls);
}

int conn_start_tls(struct conn *c, struct tls_ctx *ctx, bool server,
                   char *err, size_t cap)
{
	char what[TLS_ERR_LEN];
	size_t dropped;
	int rc;

	if (c->tls) {
		snprintf(err, cap, "TLS is already active");
		return -1;
	}
	if (c->wlen > 0 && conn_flush(c) < 0) { /* the 220 / +OK first */
		snprintf(err, cap, "%s", conn_status_text(c, CONN_ERROR));
		return -1;
	}
	dropped = c->rlen - c->rpos; /* CVE-2011-0411: never executed */
	c->rpos = c->rlen = 0;
	c->tls = tls_new(err, cap, ctx, c->rfd, c->wfd, server);
	if (c->tls == NULL)
		return -1;
	do
		rc = tls_handshake(c->tls, c->timeout_ms);
	while (rc < 0 && errno == EINTR && !stop_requested);
	if (rc < 0) {
		snprintf(err, cap, "%s", tls_error(c->tls));
		tls_free(c->tls);
		c->tls = NULL;
		return -1;
	}
	if (dropped > 0) {
		snprintf(what, sizeof what, "discarded %zu bytes sent in clear "
		         "text before the handshake", dropped);
		conn_trace(c, "-- TLS: ", what, strlen(what));
	}
	tls_describe(c->tls, what, sizeof what);
	conn_trace(c, "-- TLS: ", what, strlen(what));
	return dropped > INT_MAX ? INT_MAX : (int)dropped;
}

void conn_end_tls(struct conn *c)
{
	if (c->tls == NULL)
		return;
	if (c->wlen > 0)
		conn_flush(c);
	tls_shutdown(c->tls);
	tls_free(c->tls);
	c->tls = NULL;
}
