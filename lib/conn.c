/* conn: the line reader, line writer and trace.  See conn.h. */
#include "conn.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "teach.h"

#define CONN_STOP_FLUSH_MS 2000 /* after a stop, output gets this long */

/* The one piece of global state, written from a signal handler: the
 * flag, and the self-pipe that makes a sleeping poll() see it. */
static volatile sig_atomic_t stop_requested;
static int stop_pipe[2] = { -1, -1 };

int conn_stop_init(void)
{
	for (int i = 0; i < 2; i++) {
		if (stop_pipe[i] >= 0)
			close(stop_pipe[i]);
		stop_pipe[i] = -1;
	}
	if (pipe(stop_pipe) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(stop_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	if (stop_requested) /* a signal before the pipe existed */
		conn_request_stop();
	return 0;
}

int conn_stop_fd(void)
{
	return stop_pipe[0];
}

/* Set once at start-up (conn_teach_all): the teaching modes. */
static struct teach *teach_all;

void conn_teach_all(struct teach *t)
{
	teach_all = t;
}

void conn_request_stop(void)
{
	int saved = errno;

	stop_requested = 1;
	/* Never read: once stopping, the pipe stays readable for good. */
	if (stop_pipe[1] >= 0) {
		ssize_t n = write(stop_pipe[1], "", 1);
		(void)n;
	}
	errno = saved;
}

bool conn_stop_requested(void)
{
	return stop_requested != 0;
}

/* Milliseconds on a clock that never jumps. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
	c->teach = teach_all;
	if (c->teach)
		teach_reset(c->teach);
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
	if (c->teach) /* -e: a pipelined batch is said before its replies */
		teach_tracing(c->teach, tag);
	k = strlen(tag);
	memcpy(line, tag, k);
	memcpy(line + k, p, n);
	line[k + n] = '\n';
	fwrite(line, 1, k + n + 1, stderr); /* one write: lines stay whole */
	if (c->teach)
		teach_traced(c->teach, tag, p, n);
}

/* How long the next wait may last: the idle limit, or less when a
 * command line's deadline comes first; -1 forever. */
static int wait_ms(const struct conn *c)
{
	long long left;

	if (c->deadline_ms == 0)
		return c->timeout_ms;
	left = c->deadline_ms - now_ms();
	if (left < 0)
		left = 0;
	return c->timeout_ms >= 0 && left > c->timeout_ms ? c->timeout_ms
	                                                  : (int)left;
}

/*
 * Wait until fd is ready; 1 ready, 0 timeout, -1 error, -2 stop.
 * The stop is seen through the self-pipe, which poll() watches with
 * fd: a signal landing just before poll() still wakes it (a flag
 * checked first would be slept on).  A stop ends waiting for input;
 * output (the 421 that says why) still goes out, but gets only
 * CONN_STOP_FLUSH_MS more, not the whole idle timeout.
 */
static int wait_fd(struct conn *c, int fd, short events)
{
	struct pollfd p[2] = { { .fd = fd, .events = events },
		               { .fd = stop_pipe[0], .events = POLLIN } };
	int rc, ms;

	for (;;) {
		bool stopping = stop_requested != 0;
		nfds_t n = stop_pipe[0] >= 0 && !(stopping && events == POLLOUT)
		                   ? 2 : 1;
		if (stopping && events == POLLIN)
			return -2;
		if (events == POLLIN && c->deadline_ms != 0 &&
		    now_ms() >= c->deadline_ms)
			return 0; /* even a flood must end its line in time */
		ms = events == POLLIN ? wait_ms(c) : c->timeout_ms;
		if (stopping && (ms < 0 || ms > CONN_STOP_FLUSH_MS))
			ms = CONN_STOP_FLUSH_MS;
		rc = poll(p, n, ms);
		if (rc > 0 && n == 2 && p[1].revents) {
			if (events == POLLIN)
				return -2;
			continue; /* output: go on waiting, briefly now */
		}
		if (rc >= 0)
			return rc;
		if (errno != EINTR) {
			c->err = errno;
			return -1;
		}
	}
}

/*
 * The two places bytes cross to the peer: the fd, or TLS over it.
 * TLS never waits by itself (timeout 0): it says which way it needs
 * the socket and conn's own wait_fd() waits, so the stop pipe, the
 * idle timeout and a command line's deadline hold inside TLS too.
 * -1 with errno ETIMEDOUT, EINTR (stopping) or EPROTO (tls_error()).
 */
static int tls_wait(struct conn *c)
{
	short ev = tls_wants(c->tls);
	int w = wait_fd(c, ev == POLLOUT ? c->wfd : c->rfd, ev);

	if (w == 0)
		errno = ETIMEDOUT;
	else if (w == -2)
		errno = EINTR;
	return w > 0 ? 0 : -1;
}

static ssize_t conn_io_read(struct conn *c, void *p, size_t n)
{
	ssize_t r;

	if (!c->tls)
		return read(c->rfd, p, n);
	while ((r = tls_read(c->tls, p, n, 0)) < 0 && errno == EAGAIN)
		if (tls_wait(c) < 0)
			return -1;
	return r;
}

static ssize_t conn_io_write(struct conn *c, const void *p, size_t n)
{
	ssize_t r;

	if (!c->tls)
		return write(c->wfd, p, n);
	while ((r = tls_write(c->tls, p, n, 0)) < 0 && errno == EAGAIN)
		if (tls_wait(c) < 0)
			return -1;
	return r;
}

/* Refill rbuf; returns bytes read, 0 at EOF, or a negative status. */
static long fill(struct conn *c)
{
	ssize_t n;
	int w;

	if (c->wlen > 0 && conn_flush(c) < 0)
		return stop_requested ? -CONN_STOP : -CONN_ERROR;
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
		if (errno == ETIMEDOUT) /* inside TLS: a record never finished */
			return -CONN_TIMEOUT;
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

	/* The whole line within the timeout, however it trickles in: an
	 * idle limit alone restarts on every byte (slowloris). */
	if (c->timeout_ms >= 0)
		c->deadline_ms = now_ms() + c->timeout_ms;
	st = conn_read_line(c, buf, max, &n);
	if (st == CONN_PART) {
		bool trace = c->trace; /* a flood is not worth tracing */
		c->trace = false;
		do
			st = conn_read_line(c, buf, max, &n);
		while (st == CONN_PART);
		c->trace = trace;
		buf[0] = '\0';
		st = st == CONN_LINE ? CONN_TOOLONG : st;
	}
	c->deadline_ms = 0;
	if (st == CONN_TOOLONG)
		return st;
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

	/* A peer that took nothing within the timeout will not take more:
	 * a second wait would only hold up the end of the session. */
	if (c->write_failed) {
		c->wlen = 0;
		return -1;
	}
	while (off < c->wlen) {
		int w = wait_fd(c, c->wfd, POLLOUT);
		if (w <= 0) {
			if (w == 0)
				c->err = ETIMEDOUT;
			c->wlen = 0;
			c->write_failed = true;
			return -1;
		}
		ssize_t n = conn_io_write(c, c->wbuf + off, c->wlen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->err = errno;
			c->wlen = 0;
			c->write_failed = true;
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
	/* --step/--delay: what went before is on the wire before the wait,
	 * and this line goes out on its own after it. */
	bool paced = c->teach && teach_paced(c->teach);

	if (paced) {
		if (c->wlen > 0 && conn_flush(c) < 0)
			return -1;
		teach_before_send(c->teach, c->out_tag, line, len);
	}
	conn_trace(c, c->out_tag, line, len);
	if (conn_write(c, line, len) < 0 || conn_write(c, "\r\n", 2) < 0)
		return -1;
	return paced ? conn_flush(c) : 0;
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
		return _("line too long");
	case CONN_EOF:
		return _("connection closed by peer");
	case CONN_TIMEOUT:
		return _("timed out");
	case CONN_STOP:
		return _("stopping on signal");
	case CONN_ERROR:
		break;
	}
	if (c->tls && c->err == EPROTO) /* TLS has its own words for it */
		return tls_error(c->tls);
	return c->err ? strerror(c->err) : _("I/O error");
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
		snprintf(err, cap, "%s", _("TLS is already active"));
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
	/* The whole handshake within the timeout, like a command line. */
	if (c->timeout_ms >= 0)
		c->deadline_ms = now_ms() + c->timeout_ms;
	while ((rc = tls_handshake(c->tls, 0)) < 0 && errno == EAGAIN)
		if ((rc = tls_wait(c)) < 0)
			break;
	c->deadline_ms = 0;
	if (rc < 0) {
		if (errno == ETIMEDOUT)
			snprintf(err, cap, "%s", _("TLS handshake timed out"));
		else if (errno == EINTR)
			snprintf(err, cap, "%s", _("stopping on signal"));
		else
			snprintf(err, cap, "%s", tls_error(c->tls));
		tls_free(c->tls);
		c->tls = NULL;
		return -1;
	}
	if (dropped > 0) {
		snprintf(what, sizeof what, _("discarded %zu bytes sent in "
		         "clear text before the handshake"), dropped);
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
