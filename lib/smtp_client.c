/*
 * smtp_client: the sending side of SMTP.  See smtp_client.h for the
 * contract.  The file reads like one session: connect and greeting,
 * EHLO and its extensions, (AUTH: lib/smtp_client_auth.c), the
 * envelope, the body, the end.
 */
#include "smtp_client.h"
#include "smtp_client_int.h"

#include "address.h"
#include "i18n.h"
#include "message.h"
#include "net.h"
#include "tls.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- errors ---- */

/* Record what failed in c->err; the connection is dead after some. */
int smtp_fail(struct smtp_client *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	if (status == SMTP_ERR_REFUSED || status == SMTP_ERR_NOHOST ||
	    status == SMTP_ERR_TIMEOUT || status == SMTP_ERR_IO ||
	    status == SMTP_ERR_PROTOCOL || status == SMTP_ERR_SOURCE)
		c->broken = true;
	return status;
}

/* A reply that is not the 2xx/3xx wanted: 4xx or 5xx (RFC 5321 4.2.1). */
int smtp_refused(struct smtp_client *c, const struct smtp_reply *r,
                 const char *what)
{
	if (r->code == 421) /* RFC 5321 3.8: the server is closing */
		c->broken = true;
	if (r->code / 100 == 4)
		return smtp_fail(c, SMTP_ERR_TEMP, _("%s refused: %d %s"), what,
		                 r->code, r->text);
	if (r->code / 100 == 5)
		return smtp_fail(c, SMTP_ERR_PERM, _("%s refused: %d %s"), what,
		                 r->code, r->text);
	return smtp_fail(c, SMTP_ERR_PROTOCOL, _("unexpected reply to %s: %d %s"),
	                 what, r->code, r->text);
}

const char *smtp_error(const struct smtp_client *c)
{
	return c->err;
}

/* ---- reading replies (RFC 5321 4.2) ---- */

/* Status of a failed conn read, as an error. */
static int read_failed(struct smtp_client *c, enum conn_status st)
{
	if (st == CONN_TIMEOUT)
		return smtp_fail(c, SMTP_ERR_TIMEOUT, _("no reply from server: %s"),
		                 conn_status_text(&c->conn, st));
	if (st == CONN_PART)
		return smtp_fail(c, SMTP_ERR_PROTOCOL, _("reply line longer than %d "
		                 "octets"), SMTP_REPLY_LINE_MAX);
	return smtp_fail(c, SMTP_ERR_IO, _("reading reply: %s"),
	                 conn_status_text(&c->conn, st));
}

/* Append one line's text to the reply's, joined by a space, cut to fit. */
static void add_text(struct smtp_reply *r, const char *text)
{
	size_t have = strlen(r->text);

	if (have > 0 && have + 1 < sizeof r->text)
		r->text[have++] = ' ';
	str_copy(r->text + have, text, sizeof r->text - have);
}

/* Check "ddd", "ddd text" or "ddd-text"; returns the code or -1. */
static int parse_code(const char *line, size_t n)
{
	if (n < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return -1;
	if (n > 3 && line[3] != ' ' && line[3] != '-')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/*
 * Read one reply, all its lines, into r (RFC 5321 4.2.1): "250-..."
 * lines go on, "250 ..." ends it, every line with the same code.
 * Bounded: SMTP_REPLY_LINE_MAX octets a line, SMTP_REPLY_LINES_MAX lines.
 */
int smtp_read_reply(struct smtp_client *c, struct smtp_reply *r,
                    smtp_line_fn on_line)
{
	char line[SMTP_REPLY_LINE_MAX + 1];
	size_t n, count = 0;

	r->code = 0;
	r->text[0] = '\0';
	for (;;) {
		enum conn_status st = conn_read_line(&c->conn, line,
		                                     SMTP_REPLY_LINE_MAX, &n);
		if (st != CONN_LINE)
			return read_failed(c, st);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		line[n] = '\0';
		int code = parse_code(line, n);
		if (code < 0 || (count > 0 && code != r->code))
			return smtp_fail(c, SMTP_ERR_PROTOCOL, _("not an SMTP reply: "
			                 "\"%.60s\""), line);
		if (++count > SMTP_REPLY_LINES_MAX)
			return smtp_fail(c, SMTP_ERR_PROTOCOL, _("reply longer than "
			                 "%d lines"), SMTP_REPLY_LINES_MAX);
		r->code = code;
		if (on_line)
			on_line(c, count - 1, n > 4 ? line + 4 : "");
		add_text(r, n > 4 ? line + 4 : "");
		if (n == 3 || line[3] == ' ')
			break;
	}
	c->reply = *r;
	return SMTP_OK;
}

/* Send one command line (queued; the next read flushes it). */
int smtp_send_cmd(struct smtp_client *c, const char *fmt, ...)
{
	char line[SMTP_CMD_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return smtp_fail(c, SMTP_ERR_PROTOCOL, _("command too long"));
	if (line[strcspn(line, "\r\n")] != '\0') /* never a second command */
		return smtp_fail(c, SMTP_ERR_PROTOCOL, _("line break inside a command"));
	if (conn_send_line(&c->conn, line, (size_t)n) < 0)
		return smtp_fail(c, SMTP_ERR_IO, _("sending to server: %s"),
		                 conn_status_text(&c->conn, CONN_ERROR));
	return SMTP_OK;
}

/* Send a command and read its reply; SMTP_OK when it is 2xx or 3xx. */
static int command(struct smtp_client *c, struct smtp_reply *r,
                   const char *what, const char *line)
{
	int rc = smtp_send_cmd(c, "%s", line);

	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, r, NULL);
	if (rc == SMTP_OK && (r->code / 100 == 4 || r->code / 100 == 5))
		rc = smtp_refused(c, r, what);
	return rc;
}

/* ---- connection, greeting, EHLO ---- */

/* Zero everything after the conn (whose buffers need no clearing). */
static void clear_state(struct smtp_client *c)
{
	memset((char *)c + offsetof(struct smtp_client, ext), 0,
	       sizeof *c - offsetof(struct smtp_client, ext));
}

/* S: 220 mx.example ESMTP ready   (RFC 5321 3.1, 4.3.1) */
static int greeting(struct smtp_client *c)
{
	struct smtp_reply r;
	int rc = smtp_read_reply(c, &r, NULL);
	if (rc == SMTP_OK && r.code != 220)
		rc = smtp_refused(c, &r, _("connection"));
	return rc;
}

int smtp_open_fds(struct smtp_client *c, int rfd, int wfd, int timeout_s,
                  bool trace)
{
	clear_state(c);
	conn_init(&c->conn, rfd, wfd, timeout_s, trace, CONN_CLIENT);
	return greeting(c);
}

/* The handshake on c's connection; its failure ends the session. */
static int handshake(struct smtp_client *c, struct tls_ctx *ctx)
{
	char err[TLS_ERR_LEN];

	if (conn_start_tls(&c->conn, ctx, false, err, sizeof err) < 0)
		return smtp_fail(c, SMTP_ERR_TLS, "%s", err);
	return SMTP_OK;
}

int smtp_starttls(struct smtp_client *c, struct tls_ctx *ctx)
{
	struct smtp_reply r;
	int rc;

	/* Never on without it: a stripped STARTTLS must not go unnoticed. */
	if (!(c->ext & SMTP_EXT_STARTTLS))
		return smtp_fail(c, SMTP_ERR_TLS, _("the server does not offer "
		                 "STARTTLS (RFC 3207): not sending anything in clear "
		                 "text"));
	/* C: STARTTLS   S: 220 2.0.0 Ready to start TLS */
	rc = command(c, &r, "STARTTLS", "STARTTLS");
	if (rc == SMTP_OK && r.code != 220)
		rc = smtp_fail(c, SMTP_ERR_TLS, "STARTTLS: %d %s", r.code, r.text);
	if (rc == SMTP_OK)
		rc = handshake(c, ctx);
	c->ext = 0; /* RFC 3207 4.2: forget it all, EHLO again */
	c->max_size = 0;
	c->esmtp = false;
	return rc;
}

int smtp_open(struct smtp_client *c, const char *host, unsigned port,
              int timeout_s, bool trace)
{
	return smtp_open_tls(c, host, port, timeout_s, trace, NULL);
}

int smtp_open_tls(struct smtp_client *c, const char *host, unsigned port,
                  int timeout_s, bool trace, struct tls_ctx *ctx)
{
	char err[NET_ERR_LEN];
	int fd = net_connect(err, host, port, timeout_s);

	clear_state(c);
	c->conn.rfd = c->conn.wfd = -1;
	c->conn.tls = NULL; /* smtp_close() may follow a failed connect */
	if (fd == NET_ERR_NOHOST)
		return smtp_fail(c, SMTP_ERR_NOHOST, "%s", err);
	if (fd == NET_ERR_TIMEOUT)
		return smtp_fail(c, SMTP_ERR_TIMEOUT, "%s", err);
	if (fd < 0)
		return smtp_fail(c, SMTP_ERR_REFUSED, "%s", err);
	if (ctx == NULL)
		return smtp_open_fds(c, fd, fd, timeout_s, trace);
	conn_init(&c->conn, fd, fd, timeout_s, trace, CONN_CLIENT);
	int rc = handshake(c, ctx); /* RFC 8314 3.3: TLS before the 220 */
	return rc == SMTP_OK ? greeting(c) : rc;
}

/* Is the n-octet token tok the word (ASCII, any case)? */
static bool token_is(const char *tok, size_t n, const char *word)
{
	return n == strlen(word) && str_ncase_eq(tok, word, n);
}

/* "AUTH PLAIN LOGIN": the mechanisms, one token at a time, never past
 * the end of this line (RFC 4954 3). */
static void auth_mechanisms(struct smtp_client *c, const char *p)
{
	c->ext |= SMTP_EXT_AUTH;
	for (size_t n; *(p += strspn(p, " ")) != '\0'; p += n) {
		n = strcspn(p, " ");
		if (token_is(p, n, "PLAIN"))
			c->ext |= SMTP_EXT_AUTH_PLAIN;
		else if (token_is(p, n, "LOGIN"))
			c->ext |= SMTP_EXT_AUTH_LOGIN;
	}
}

/*
 * One line of the EHLO reply, split as RFC 5321 4.1.1.1 writes it: an
 * ehlo-keyword, then its parameters after a space ("AUTH=LOGIN", an
 * old form, after '=').  The parameters are a pointer into this line
 * only: a bare "AUTH" has none.
 */
static void ehlo_line(struct smtp_client *c, size_t index, const char *text)
{
	size_t k = strcspn(text, " =");
	const char *params = text + k + (text[k] != '\0');
	unsigned long size;

	if (index == 0) /* the first line is the server's name */
		return;
	if (token_is(text, k, "SIZE")) {
		c->ext |= SMTP_EXT_SIZE;
		if (parse_ulong(params, (unsigned long)-1, &size) == 0)
			c->max_size = size; /* RFC 1870 4: 0 means no limit */
	} else if (token_is(text, k, "8BITMIME")) {
		c->ext |= SMTP_EXT_8BITMIME;
	} else if (token_is(text, k, "PIPELINING")) {
		c->ext |= SMTP_EXT_PIPELINING;
	} else if (token_is(text, k, "SMTPUTF8")) {
		c->ext |= SMTP_EXT_SMTPUTF8;
	} else if (token_is(text, k, "ENHANCEDSTATUSCODES")) {
		c->ext |= SMTP_EXT_ENHANCED;
	} else if (token_is(text, k, "STARTTLS")) {
		c->ext |= SMTP_EXT_STARTTLS; /* RFC 3207 */
	} else if (token_is(text, k, "AUTH")) {
		auth_mechanisms(c, params);
	}
}

int smtp_hello(struct smtp_client *c, const char *name)
{
	struct smtp_reply r;
	int rc;

	c->ext = 0;
	c->max_size = 0;
	/* C: EHLO name   S: 250-mx.example  S: 250-SIZE ...  S: 250 HELP */
	rc = smtp_send_cmd(c, "EHLO %s", name);
	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &r, ehlo_line);
	if (rc != SMTP_OK)
		return rc;
	if (r.code / 100 == 2) {
		c->esmtp = true;
		return SMTP_OK;
	}
	c->ext = 0;
	c->max_size = 0;
	if (r.code / 100 != 5)
		return smtp_refused(c, &r, "EHLO");
	/* RFC 5321 3.2: a server without ESMTP refuses EHLO; say HELO. */
	char line[SMTP_CMD_LINE];
	snprintf(line, sizeof line, "HELO %s", name);
	return command(c, &r, "HELO", line);
}

/* ---- one transaction: the envelope (RFC 5321 3.3) ---- */

/* Does any envelope address need SMTPUTF8 (RFC 6531 3.4)? */
static bool needs_utf8(const struct smtp_envelope *env)
{
	for (size_t i = 0; i < env->nrcpt; i++)
		if (addr_has_utf8(env->rcpt[i]))
			return true;
	return addr_has_utf8(env->from);
}

/* C: MAIL FROM:<a@b> SIZE=n BODY=8BITMIME SMTPUTF8 */
static int send_mail(struct smtp_client *c, const struct smtp_envelope *env,
                     bool utf8)
{
	char size[40] = "";

	if ((c->ext & SMTP_EXT_SIZE) && env->size > 0) /* RFC 1870 6 */
		snprintf(size, sizeof size, " SIZE=%llu", env->size);
	return smtp_send_cmd(c, "MAIL FROM:<%s>%s%s%s", env->from, size,
	                     env->body_8bit && (c->ext & SMTP_EXT_8BITMIME)
	                    ? " BODY=8BITMIME" : "", /* RFC 6152 2 */
	                utf8 ? " SMTPUTF8" : "");
}

/* Every recipient refused: 4xx if any was temporary, else 5xx. */
static int all_refused(struct smtp_client *c, const struct smtp_envelope *env,
                       const struct smtp_result *res)
{
	int status = SMTP_ERR_PERM;

	for (size_t i = 0; i < env->nrcpt; i++)
		if (res->rcpt[i].code / 100 == 4)
			status = SMTP_ERR_TEMP;
	return smtp_fail(c, status, _("every recipient refused; RCPT TO:<%s>: %d %s"),
	                 env->rcpt[0], res->rcpt[0].code, res->rcpt[0].text);
}

/* One RCPT reply into res; counts the accepted ones. */
static int read_rcpt(struct smtp_client *c, struct smtp_result *res, size_t i)
{
	int rc = smtp_read_reply(c, &res->rcpt[i], NULL);

	if (rc == SMTP_OK && res->rcpt[i].code / 100 == 2)
		res->accepted++;
	return rc;
}

/* RFC 2920 3.1: with PIPELINING, MAIL, every RCPT and DATA go in one
 * write, then the replies are read in order. */
static int envelope_pipelined(struct smtp_client *c,
                              const struct smtp_envelope *env,
                              struct smtp_result *res, bool utf8)
{
	int rc = send_mail(c, env, utf8);

	for (size_t i = 0; rc == SMTP_OK && i < env->nrcpt; i++)
		rc = smtp_send_cmd(c, "RCPT TO:<%s>", env->rcpt[i]);
	if (rc == SMTP_OK)
		rc = smtp_send_cmd(c, "DATA");
	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &res->mail, NULL);
	for (size_t i = 0; rc == SMTP_OK && i < env->nrcpt; i++)
		rc = read_rcpt(c, res, i);
	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &res->data, NULL);
	if (rc != SMTP_OK)
		return rc;
	if (res->data.code == 354 && (res->mail.code / 100 != 2 ||
	                              res->accepted == 0)) {
		/* A server that said 354 anyway: end an empty message. */
		struct smtp_reply r;
		if ((rc = smtp_send_cmd(c, ".")) == SMTP_OK)
			rc = smtp_read_reply(c, &r, NULL);
		if (rc != SMTP_OK)
			return rc;
	}
	if (res->mail.code / 100 != 2)
		return smtp_refused(c, &res->mail, "MAIL FROM");
	if (res->accepted == 0)
		return all_refused(c, env, res);
	return SMTP_OK;
}

/* Without PIPELINING: one command, one reply, stop at a refusal. */
static int envelope_stepwise(struct smtp_client *c,
                             const struct smtp_envelope *env,
                             struct smtp_result *res, bool utf8)
{
	int rc = send_mail(c, env, utf8);

	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &res->mail, NULL);
	if (rc == SMTP_OK && res->mail.code / 100 != 2)
		return smtp_refused(c, &res->mail, "MAIL FROM");
	for (size_t i = 0; rc == SMTP_OK && i < env->nrcpt; i++) {
		rc = smtp_send_cmd(c, "RCPT TO:<%s>", env->rcpt[i]);
		if (rc == SMTP_OK)
			rc = read_rcpt(c, res, i);
	}
	if (rc != SMTP_OK)
		return rc;
	if (res->accepted == 0)
		return all_refused(c, env, res);
	rc = smtp_send_cmd(c, "DATA");
	return rc == SMTP_OK ? smtp_read_reply(c, &res->data, NULL) : rc;
}

/* ---- the body: CRLF and dot-stuffing while it streams ---- */

/* -v: the body's lines, as sent; tline carries a line across chunks. */
static void trace_body(struct smtp_client *c, char *tline, size_t *tlen,
                       const char *p, size_t n)
{
	while (c->conn.trace && n > 0) {
		const char *lf = memchr(p, '\n', n);
		size_t k = lf ? (size_t)(lf - p) + 1 : n;
		size_t room = CONN_BUF - *tlen, take = k < room ? k : room;
		memcpy(tline + *tlen, p, take);
		*tlen += take;
		if (lf) {
			conn_trace(&c->conn, c->conn.out_tag, tline, *tlen);
			*tlen = 0;
		}
		p += k;
		n -= k;
	}
}

/* Stream src to the server (RFC 5321 4.5.2 transparency, CRLF line
 * endings: msg_stuff), then the end mark "<CRLF>.<CRLF>". */
static int send_body(struct smtp_client *c, const struct smtp_source *src)
{
	struct msg_stuffer st = { .bol = true, .cr = false };
	char in[CONN_BUF / 2], out[MSG_STUFF_CAP(CONN_BUF / 2)], tline[CONN_BUF];
	size_t n, tlen = 0;
	ssize_t got;

	while ((got = src->read(src->ctx, in, sizeof in)) > 0) {
		n = msg_stuff(&st, in, (size_t)got, out);
		trace_body(c, tline, &tlen, out, n);
		if (conn_write(&c->conn, out, n) < 0)
			return smtp_fail(c, SMTP_ERR_IO, _("sending the message: %s"),
			                 conn_status_text(&c->conn, CONN_ERROR));
	}
	/* Dropping the connection before "." makes the server discard it. */
	if (got < 0)
		return smtp_fail(c, SMTP_ERR_SOURCE, _("reading the message failed; "
		                 "nothing was delivered"));
	n = msg_stuff_end(&st, out);
	trace_body(c, tline, &tlen, out, n);
	if (conn_write(&c->conn, out, n) < 0 ||
	    conn_send_line(&c->conn, ".", 1) < 0)
		return smtp_fail(c, SMTP_ERR_IO, _("sending the message: %s"),
		                 conn_status_text(&c->conn, CONN_ERROR));
	return SMTP_OK;
}

/* RSET after a refusal, keeping the refusal as the error to report. */
static void reset_after(struct smtp_client *c)
{
	char err[sizeof c->err];
	struct smtp_reply r;

	if (c->broken)
		return;
	memcpy(err, c->err, sizeof err);
	if (command(c, &r, "RSET", "RSET") != SMTP_OK)
		c->broken = true;
	memcpy(c->err, err, sizeof err);
}

/* Empty the result before a transaction. */
static void clear_result(const struct smtp_envelope *env,
                         struct smtp_result *res)
{
	res->mail.code = res->data.code = 0;
	res->mail.text[0] = res->data.text[0] = '\0';
	res->accepted = 0;
	for (size_t i = 0; i < env->nrcpt; i++) {
		res->rcpt[i].code = 0;
		res->rcpt[i].text[0] = '\0';
	}
}

int smtp_send(struct smtp_client *c, const struct smtp_envelope *env,
              const struct smtp_source *src, struct smtp_result *res)
{
	bool utf8 = needs_utf8(env);
	int rc;

	clear_result(env, res);
	if (c->broken)
		return smtp_fail(c, SMTP_ERR_IO, _("the connection is no longer usable"));
	if (env->nrcpt == 0)
		return smtp_fail(c, SMTP_ERR_PERM, _("no recipients"));
	if (utf8 && !(c->ext & SMTP_EXT_SMTPUTF8))
		return smtp_fail(c, SMTP_ERR_UTF8, _("an address is UTF-8 and the "
		                 "server does not offer SMTPUTF8 (RFC 6531)"));
	if (c->max_size > 0 && env->size > c->max_size) /* RFC 1870 6 */
		return smtp_fail(c, SMTP_ERR_SIZE, _("the message (%llu octets) exceeds "
		                 "the server's limit of %lu octets (SIZE)"), env->size,
		                 c->max_size);
	rc = (c->ext & SMTP_EXT_PIPELINING)
	         ? envelope_pipelined(c, env, res, utf8)
	         : envelope_stepwise(c, env, res, utf8);
	if (rc == SMTP_OK && res->data.code != 354)
		rc = smtp_refused(c, &res->data, "DATA");
	if (rc != SMTP_OK) {
		reset_after(c);
		return rc;
	}
	/* C: (the message)  C: .   S: 250 2.0.0 queued */
	if ((rc = send_body(c, src)) == SMTP_OK)
		rc = smtp_read_reply(c, &res->data, NULL);
	if (rc == SMTP_OK && res->data.code / 100 != 2)
		rc = smtp_refused(c, &res->data, _("the message"));
	return rc;
}

/* ---- the end ---- */

int smtp_rset(struct smtp_client *c)
{
	struct smtp_reply r;

	if (c->broken)
		return smtp_fail(c, SMTP_ERR_IO, _("the connection is no longer usable"));
	return command(c, &r, "RSET", "RSET");
}

int smtp_quit(struct smtp_client *c)
{
	struct smtp_reply r;
	int rc = SMTP_OK;

	/* C: QUIT   S: 221 2.0.0 Bye */
	if (!c->broken)
		rc = command(c, &r, "QUIT", "QUIT");
	smtp_close(c);
	return rc;
}

void smtp_close(struct smtp_client *c)
{
	conn_end_tls(&c->conn);
	if (c->conn.rfd >= 0)
		close(c->conn.rfd);
	if (c->conn.wfd >= 0 && c->conn.wfd != c->conn.rfd)
		close(c->conn.wfd);
	c->conn.rfd = c->conn.wfd = -1;
	c->broken = true;
}
