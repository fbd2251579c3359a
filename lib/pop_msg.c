/* pop_msg: a message as POP3 sends it.  See pop_msg.h. */
#include "pop_msg.h"
#include "dot.h"

#include <string.h>
#include <unistd.h>

/* One message streamed out (or only counted): stuffing by lib/dot.c,
 * the trace of each line, TOP's line count. */
struct stream {
	struct conn *conn;    /* NULL: count the octets, send nothing */
	struct dot_stuffer dot;
	bool prev_cr;         /* the last byte of this line was a CR */
	bool in_body;         /* past the blank line after the headers */
	bool done;            /* TOP has sent all it should */
	bool top;             /* TOP: stop after `left` body lines */
	unsigned long left;
	unsigned long long octets; /* as sent with CRLF, before stuffing */
	size_t line_len;      /* bytes of the current line so far */
	size_t tlen;          /* the line being traced (-v) */
	char tline[CONN_BUF];
};

/* Stuff n bytes, count them, send them and keep them for the trace. */
static int stream_out(struct stream *st, const char *p, size_t n)
{
	char out[DOT_STUFF_CAP(POP_MSG_BUF)];
	bool stuffed = st->dot.bol && n > 0 && p[0] == '.';
	size_t o = dot_stuff(&st->dot, p, n, out);

	st->octets += o - stuffed;
	if (st->conn == NULL)
		return 0;
	if (st->conn->trace) {
		size_t k = sizeof st->tline - st->tlen;
		k = o < k ? o : k;
		memcpy(st->tline + st->tlen, out, k);
		st->tlen += k;
	}
	return conn_write(st->conn, out, o);
}

/* A line has ended: trace it, count it for TOP. */
static void stream_eol(struct stream *st)
{
	bool empty = st->line_len == 0 || (st->line_len == 1 && st->prev_cr);

	if (st->conn)
		conn_trace(st->conn, st->conn->out_tag, st->tline, st->tlen);
	st->tlen = st->line_len = 0;
	st->prev_cr = false;
	if (!st->in_body)
		st->in_body = empty; /* RFC 5322 2.1: headers end at a blank line */
	else if (st->top)
		st->left--;
	st->done = st->top && st->in_body && st->left == 0;
}

/* One chunk of the file, line piece by line piece. */
static int stream_chunk(struct stream *st, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !st->done) {
		const char *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n;
		if (end > i) {
			st->line_len += end - i;
			st->prev_cr = p[end - 1] == '\r';
		}
		if (stream_out(st, p + i, (lf ? end + 1 : end) - i) < 0)
			return -1;
		if (lf)
			stream_eol(st);
		i = end + 1;
	}
	return 0;
}

long long pop_msg_send(struct conn *conn, int fd, bool top,
                             unsigned long lines)
{
	char buf[POP_MSG_BUF], out[4];
	struct stream st = { .conn = conn, .top = top, .left = lines,
		             .dot = { .bol = true, .cr_mode = DOT_CR_KEEP } };
	int rc = 0;
	ssize_t n = 0;
	size_t o;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (rc == 0 && !st.done && (n = read(fd, buf, sizeof buf)) > 0)
		rc = stream_chunk(&st, buf, (size_t)n);
	if (rc < 0 || n < 0)
		return -1;
	if (!st.done && (o = dot_stuff_end(&st.dot, out)) > 0) {
		st.octets += o; /* a last line without LF gets its CRLF */
		if (conn && (conn_write(conn, out, o) < 0))
			return -1;
		if (conn)
			conn_trace(conn, conn->out_tag, st.tline, st.tlen);
	}
	return (long long)st.octets;
}

