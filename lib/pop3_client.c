/* pop3_client: POP3 commands from the client's side.  See pop3_client.h. */
#include "pop3_client.h"
#include "dot.h"
#include "i18n.h"
#include "md5.h"
#include "tls.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- reading the server's lines ---- */

/* A connection failure in words, in p->err. */
static int net_fail(struct pop3 *p, enum conn_status st)
{
	snprintf(p->err, sizeof p->err, "%s", conn_status_text(&p->conn, st));
	return POP3_NET;
}

static int proto_fail(struct pop3 *p, const char *what)
{
	snprintf(p->err, sizeof p->err, "%s", what);
	return POP3_PROTO;
}

/*
 * One reply or listing line of at most POP3_REPLY_MAX octets into buf,
 * without its line ending.  A longer line is a broken server: we do not
 * read on to its end (it may never come) but give up the session.
 */
static int read_line(struct pop3 *p, char *buf)
{
	size_t n;
	enum conn_status st = conn_read_line(&p->conn, buf, POP3_REPLY_MAX, &n);

	if (st == CONN_PART)
		return proto_fail(p, _("server line longer than 512 octets "
		                     "(RFC 2449 4)"));
	if (st != CONN_LINE)
		return net_fail(p, st);
	n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return POP3_OK;
}

/* The status line: "+OK text" or "-ERR text" (RFC 1939 3). */
static int status(struct pop3 *p)
{
	int rc = read_line(p, p->reply);

	if (rc != POP3_OK)
		return rc;
	p->in_use = false;
	if (strncmp(p->reply, "+OK", 3) == 0)
		return POP3_OK;
	if (strncmp(p->reply, "-ERR", 4) == 0) {
		/* RFC 2449 8.1.2: the mailbox is locked by another session. */
		p->in_use = strstr(p->reply, "[IN-USE]") != NULL;
		snprintf(p->err, sizeof p->err, _("server said: %s"), p->reply);
		return POP3_ERR;
	}
	return proto_fail(p, _("server reply is neither +OK nor -ERR"));
}

static int command(struct pop3 *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Send one command and read its status line.  The format is always a
 * literal here (PRINTF_LIKE lets the compiler check each call). */
static int command(struct pop3 *p, const char *fmt, ...)
{
	char line[POP3_CMD_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > POP3_CMD_MAX) /* RFC 2449 4 */
		return proto_fail(p, _("command too long for a POP3 line"));
	if (conn_send_line(&p->conn, line, (size_t)n) < 0 ||
	    conn_flush(&p->conn) < 0)
		return net_fail(p, CONN_ERROR);
	return status(p);
}

/* One line of a multi-line listing; 1 for the line, 0 at the final ".". */
static int listing_line(struct pop3 *p, char *buf)
{
	int rc = read_line(p, buf);

	if (rc != POP3_OK)
		return rc == POP3_NET ? proto_fail(p, _("listing cut short: no "
		                                      "final \".\"")) : rc;
	if (dot_is_end(buf, strlen(buf), true))
		return 0;
	if (dot_unstuff(buf, strlen(buf))) /* RFC 1939 3: byte-stuffed */
		memmove(buf, buf + 1, strlen(buf));
	return 1;
}

/* ---- session start: greeting, CAPA, login ---- */

/* Keep the greeting's "<...@...>" (RFC 1939 7) if it is well formed. */
static void keep_timestamp(struct pop3 *p)
{
	const char *lt = strchr(p->reply, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	const char *at = lt ? memchr(lt, '@', (size_t)(gt ? gt - lt : 0)) : NULL;

	p->timestamp[0] = '\0';
	if (gt == NULL || at == NULL || at == lt + 1 || at + 1 == gt)
		return;
	for (const char *c = lt + 1; c < gt; c++)
		if (*c <= ' ' || *c > '~' || *c == '<')
			return;
	snprintf(p->timestamp, sizeof p->timestamp, "%.*s",
	         (int)(gt - lt + 1), lt);
}

/* What CAPA said no longer counts (RFC 2595 4: after STLS). */
static void forget_capa(struct pop3 *p)
{
	p->capa_top = p->capa_uidl = p->capa_user = false;
	p->capa_resp_codes = p->capa_pipelining = p->capa_stls = false;
}

/* The handshake on p's connection (RFC 2595 4, RFC 8314 3.3). */
static int handshake(struct pop3 *p, struct tls_ctx *ctx)
{
	if (conn_start_tls(&p->conn, ctx, false, p->err, sizeof p->err) < 0)
		return POP3_TLS;
	return POP3_OK;
}

int pop3_open(struct pop3 *p, int fd, int timeout_s, bool trace)
{
	return pop3_open_tls(p, fd, timeout_s, trace, NULL);
}

int pop3_open_tls(struct pop3 *p, int fd, int timeout_s, bool trace,
                  struct tls_ctx *ctx)
{
	int rc;

	conn_init(&p->conn, fd, fd, timeout_s, trace, CONN_CLIENT);
	p->err[0] = p->reply[0] = p->timestamp[0] = '\0';
	forget_capa(p);
	p->in_use = false;
	if (ctx && (rc = handshake(p, ctx)) != POP3_OK)
		return rc;
	rc = status(p); /* S: +OK POP3 server ready <1896.697170952@host> */
	if (rc == POP3_OK)
		keep_timestamp(p);
	return rc;
}

bool pop3_has_timestamp(const struct pop3 *p)
{
	return p->timestamp[0] != '\0';
}

int pop3_capa(struct pop3 *p)
{
	char line[POP3_REPLY_MAX + 1];
	int rc = command(p, "CAPA");

	while (rc == POP3_OK && (rc = listing_line(p, line)) == 1) {
		char *sp = line + strcspn(line, " ");
		*sp = '\0';
		p->capa_top |= str_ncase_eq(line, "TOP", 4);
		p->capa_uidl |= str_ncase_eq(line, "UIDL", 5);
		p->capa_user |= str_ncase_eq(line, "USER", 5);
		p->capa_resp_codes |= str_ncase_eq(line, "RESP-CODES", 11);
		p->capa_pipelining |= str_ncase_eq(line, "PIPELINING", 11);
		p->capa_stls |= str_ncase_eq(line, "STLS", 5);
		rc = POP3_OK;
	}
	return rc;
}

/* Send a line that holds a secret; only the trace shows it (with -v). */
static int secret(struct pop3 *p, const char *verb, const char *a,
                  const char *b)
{
	char line[POP3_REPLY_MAX + 1];
	int n = snprintf(line, sizeof line, "%s %s%s%s", verb, a, b ? " " : "",
	                 b ? b : "");

	if (n < 0 || (size_t)n + 2 > POP3_CMD_MAX) /* RFC 2449 4 */
		return proto_fail(p, _("user name or password too long for a "
		                     "POP3 command line"));
	if (conn_send_line(&p->conn, line, (size_t)n) < 0 ||
	    conn_flush(&p->conn) < 0)
		return net_fail(p, CONN_ERROR);
	return status(p);
}

int pop3_login(struct pop3 *p, const char *user, const char *pass)
{
	int rc = secret(p, "USER", user, NULL);

	return rc == POP3_OK ? secret(p, "PASS", pass, NULL) : rc;
}

int pop3_apop(struct pop3 *p, const char *user, const char *pass)
{
	char digest[MD5_HEX_LEN + 1];
	struct md5 m;
	unsigned char raw[MD5_DIGEST_LEN];

	/* RFC 1939 7: digest = MD5(timestamp, shared secret) in hex. */
	md5_init(&m);
	md5_update(&m, p->timestamp, strlen(p->timestamp));
	md5_update(&m, pass, strlen(pass));
	md5_final(&m, raw);
	for (int i = 0; i < MD5_DIGEST_LEN; i++)
		snprintf(digest + 2 * i, 3, "%02x", raw[i]);
	return secret(p, "APOP", user, digest);
}

/* ---- the transaction state ---- */

/* "n" then " " then the rest (RFC 1939 5 scan listings), strictly. */
static int scan_number(const char **s, unsigned long max, unsigned long *v)
{
	char digits[24];
	size_t k = strspn(*s, "0123456789");

	if (k == 0 || k >= sizeof digits)
		return -1;
	memcpy(digits, *s, k);
	digits[k] = '\0';
	*s += k;
	return parse_ulong(digits, max, v);
}

int pop3_stat(struct pop3 *p, unsigned long *count,
              unsigned long long *octets)
{
	unsigned long n, size;
	const char *s;
	int rc = command(p, "STAT");

	if (rc != POP3_OK)
		return rc;
	s = p->reply + 3 + strspn(p->reply + 3, " ");
	/* S: +OK 2 320   RFC 1939 5: "+OK nn mm" */
	if (scan_number(&s, POP3_MSGS_MAX, &n) < 0 || *s++ != ' ' ||
	    scan_number(&s, (unsigned long)-1, &size) < 0)
		return proto_fail(p, _("malformed STAT reply (want +OK count "
		                     "octets)"));
	*count = n;
	*octets = size;
	return POP3_OK;
}

/* One "n rest" line of LIST or UIDL: n within 1..count. */
static int listing_number(struct pop3 *p, const char **s, unsigned long count,
                          unsigned long *n)
{
	if (scan_number(s, count, n) < 0 || *n == 0 || **s != ' ')
		return proto_fail(p, _("malformed listing line (message number "
		                     "missing or out of range)"));
	*s += strspn(*s, " ");
	return POP3_OK;
}

int pop3_list(struct pop3 *p, unsigned long count, unsigned long *sizes)
{
	char line[POP3_REPLY_MAX + 1];
	const char *s;
	unsigned long n, size;
	int rc = command(p, "LIST");

	while (rc == POP3_OK && (rc = listing_line(p, line)) == 1) {
		s = line;
		if ((rc = listing_number(p, &s, count, &n)) != POP3_OK)
			return rc;
		/* S: 1 120   the size must be a plain number */
		if (scan_number(&s, POP3_SIZE_MAX, &size) < 0 ||
		    (*s != '\0' && *s != ' '))
			return proto_fail(p, _("malformed LIST size (not a number "
			                     "of octets below 4 GiB)"));
		sizes[n] = size;
	}
	return rc;
}

int pop3_uidl(struct pop3 *p, unsigned long count,
              char (*ids)[POP3_UIDL_MAX + 1])
{
	char line[POP3_REPLY_MAX + 1];
	const char *s;
	unsigned long n;
	int rc = command(p, "UIDL");

	while (rc == POP3_OK && (rc = listing_line(p, line)) == 1) {
		s = line;
		if ((rc = listing_number(p, &s, count, &n)) != POP3_OK)
			return rc;
		size_t len = strlen(s);
		/* RFC 1939 7: 1 to 70 characters in 0x21..0x7E */
		if (len == 0 || len > POP3_UIDL_MAX ||
		    strspn(s, "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNO"
		              "PQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~")
		        != len)
			return proto_fail(p, _("malformed UIDL (RFC 1939 7: 1 to 70 "
			                     "printable characters)"));
		memcpy(ids[n], s, len + 1);
	}
	return rc;
}

/* ---- message bodies ---- */

/* Where a multi-line body is in its reading. */
struct body {
	pop3_sink sink;
	void *ctx;
	bool bol;             /* the next piece starts a line */
	bool held_cr;         /* a piece ended in CR: LF may follow */
	unsigned long long max;
};

/* Hand a piece on, counting its octets; -1 when over the limit. */
static int deliver(struct pop3 *p, struct body *b, const char *s, size_t n,
                   enum pop3_eol eol)
{
	p->received += n + (eol == POP3_CRLF ? 2 : eol == POP3_LF ? 1 : 0);
	if (p->received > b->max)
		return proto_fail(p, _("message longer than its LIST size allows"));
	if (b->sink(b->ctx, s, n, eol) < 0)
		return proto_fail(p, _("could not keep the message"));
	return POP3_OK;
}

/* One piece from the line reader: un-stuff, find the end, hand it on.
 * Returns 1 at the final ".", 0 to go on, or an error. */
static int body_piece(struct pop3 *p, struct body *b, char *s, size_t n,
                      bool whole)
{
	enum pop3_eol eol = POP3_MORE;

	if (b->held_cr && !(whole && n == 1)) /* that CR was data after all */
		if (deliver(p, b, "\r", 1, POP3_MORE) < 0)
			return POP3_PROTO;
	if (whole) {
		n--; /* the LF */
		eol = POP3_LF;
		if ((n > 0 && s[n - 1] == '\r') || (n == 0 && b->held_cr)) {
			n -= n > 0;
			eol = POP3_CRLF;
		}
	}
	b->held_cr = !whole && n > 0 && s[n - 1] == '\r';
	n -= b->held_cr; /* keep it back until we see what follows */
	if (b->bol && dot_is_end(s, n, whole))
		return 1; /* RFC 1939 3: "." alone ends the response */
	if (b->bol) { /* byte-stuffed */
		size_t skip = dot_unstuff(s, n);
		s += skip;
		n -= skip;
	}
	b->bol = whole;
	return deliver(p, b, s, n, eol) < 0 ? POP3_PROTO : 0;
}

int pop3_send_retr(struct pop3 *p, unsigned long n, long lines)
{
	int rc = lines < 0 ? conn_printf(&p->conn, "RETR %lu", n)
	                   : conn_printf(&p->conn, "TOP %lu %ld", n, lines);

	return rc < 0 ? net_fail(p, CONN_ERROR) : POP3_OK;
}

int pop3_read_body(struct pop3 *p, unsigned long long max, pop3_sink sink,
                   void *ctx)
{
	struct body b = { sink, ctx, true, false, max };
	enum conn_status st;
	size_t len;
	int rc;

	p->received = 0;
	rc = status(p); /* S: +OK 120 octets   (the reader flushes our C:) */
	while (rc == POP3_OK) {
		st = conn_read_line(&p->conn, p->piece, POP3_PIECE, &len);
		if (st == CONN_EOF)
			return proto_fail(p, _("connection closed before the final "
			                     "\".\": message incomplete"));
		if (st != CONN_LINE && st != CONN_PART)
			return net_fail(p, st);
		rc = body_piece(p, &b, p->piece, len, st == CONN_LINE);
	}
	return rc == 1 ? POP3_OK : rc;
}

int pop3_retr(struct pop3 *p, unsigned long n, long lines,
              unsigned long long max, pop3_sink sink, void *ctx)
{
	int rc = pop3_send_retr(p, n, lines);

	return rc == POP3_OK ? pop3_read_body(p, max, sink, ctx) : rc;
}

int pop3_dele(struct pop3 *p, unsigned long n)
{
	return command(p, "DELE %lu", n);
}

int pop3_quit(struct pop3 *p)
{
	return command(p, "QUIT");
}

int pop3_stls(struct pop3 *p, struct tls_ctx *ctx)
{
	int rc;

	/* Never on without it: a stripped STLS must not go unnoticed. */
	if (!p->capa_stls) {
		snprintf(p->err, sizeof p->err, "%s", _("the server does not "
		         "offer STLS (RFC 2595): not sending the password in "
		         "clear text"));
		return POP3_TLS;
	}
	rc = command(p, "STLS"); /* S: +OK Begin TLS negotiation */
	if (rc == POP3_ERR) {
		snprintf(p->err, sizeof p->err, "STLS: %s", p->reply);
		return POP3_TLS;
	}
	if (rc == POP3_OK)
		rc = handshake(p, ctx);
	forget_capa(p);
	return rc;
}

void pop3_close(struct pop3 *p)
{
	conn_end_tls(&p->conn);
}
