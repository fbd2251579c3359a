/*
 * mail_send: the sending side of the lab — builds one message (RFC 5322,
 * MIME of RFC 2045-2046) and hands it to an SMTP server (RFC 5321), the
 * way the seed's mail.py did with smtplib, and more carefully.
 *
 * With no options it sends the seed's Turkish test message from
 * melek@example.com to gizem@example.com on localhost:1025.
 *
 * The SMTP dialogue (greeting, EHLO, AUTH, MAIL/RCPT/DATA, QUIT) is in
 * lib/smtp_client.c; the message (headers, encoded words, attachments
 * streamed as base64) in lib/mime_out.c; the options, each checked as
 * it is taken, in lib/send_options.c.  This file is the order of the
 * steps and what the user sees: one line per problem and an exit code
 * from <sysexits.h>, chosen in exit_code() only.  The outcome is
 * printed after QUIT, so that with -v it follows the trace.
 *
 * Addresses (-f, -t, -c, --bcc) are RFC 5322 3.4 mailboxes, "a@b",
 * "<a@b>" or "Name <a@b>", several in one argument when separated by
 * commas (as mail(1) and mutt take them): the header keeps the name
 * (RFC 2047 words when not ASCII), the envelope gets the bare address.
 * Left out: STARTTLS, DSN, RFC 5322 groups and comments in addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "address.h"
#include "mime_out.h"
#include "send_options.h"
#include "smtp_client.h"
#include "teach.h"
#include "tls_setup.h"
#include "i18n.h"
#include "util.h"

#define MAIL_TEXT_MAX (10UL << 20) /* a text body; bigger goes in -a */
#define MAIL_PARTIAL 1        /* pseudo-status: some recipients refused */
#define EX_PARTIAL EX_NOUSER  /* 67: sent, but some addressees refused */

/* ---- outcomes: the one place that picks an exit code ---- */

static int exit_code(int status)
{
	switch (status) {
	case SMTP_OK: return EX_OK;
	case MAIL_PARTIAL: return EX_PARTIAL;
	case SMTP_ERR_NOHOST: return EX_NOHOST;
	case SMTP_ERR_TIMEOUT:
	case SMTP_ERR_IO:
	case SMTP_ERR_TEMP: return EX_TEMPFAIL;
	case SMTP_ERR_PROTOCOL: return EX_PROTOCOL;
	case SMTP_ERR_AUTH: return EX_NOPERM;
	case SMTP_ERR_SOURCE: return EX_IOERR;
	case SMTP_ERR_REFUSED:
	case SMTP_ERR_TLS:
	case SMTP_ERR_PERM:
	case SMTP_ERR_SIZE:
	case SMTP_ERR_UTF8:
	default: return EX_UNAVAILABLE;
	}
}

/* Each refused recipient, by address, with the server's reply. */
static size_t report_refused(const char *const *rcpt,
                             const struct smtp_result *res, size_t n)
{
	size_t refused = 0;

	if (res->mail.code / 100 != 2) /* then RCPT replies say nothing */
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (res->rcpt[i].code == 0 || res->rcpt[i].code / 100 == 2)
			continue;
		warnmsg(_("recipient %s refused: %d %s"), rcpt[i],
		        res->rcpt[i].code, res->rcpt[i].text);
		refused++;
	}
	return refused;
}

/* ---- the message ---- */

/* Read a whole text body (stdin or -F) into b; dies on failure. */
static void read_text(int fd, const char *what, struct msg_buf *b)
{
	char chunk[CONN_BUF];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EX_IOERR, _("cannot read %s: %s"), what, strerror(errno));
		msg_buf_put(b, chunk, (size_t)n);
		if (b->len > MAIL_TEXT_MAX || b->failed)
			die(EX_DATAERR, _("%s: text over %lu octets; send it as an "
			    "attachment (-a)"), what, MAIL_TEXT_MAX);
	}
}

/* Is stdin a pipe, file or socket (not a terminal, not /dev/null)? */
static bool stdin_has_text(void)
{
	struct stat st;

	return fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	                              S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* The body: -m, -F, stdin when it is piped or redirected from a file,
 * or the seed's text. */
static void load_text(const struct send_options *o, struct msg_buf *b)
{
	int fd;

	if (o->text) {
		msg_buf_puts(b, o->text);
	} else if (o->text_file) {
		if ((fd = open(o->text_file, O_RDONLY)) < 0)
			die(EX_NOINPUT, _("cannot open %s: %s"), o->text_file,
			    strerror(errno));
		read_text(fd, o->text_file, b);
		close(fd);
	} else if (stdin_has_text()) {
		read_text(0, _("standard input"), b);
	} else {
		msg_buf_puts(b, SEED_BODY);
	}
}

/* Build the message with mime_out; dies on a local problem. */
static void build(struct mime_out *m, const struct send_options *o,
                  const struct msg_buf *text, bool allow_8bit)
{
	const char *to[MAIL_RCPT_MAX], *cc[MAIL_RCPT_MAX];
	const char *to_names[MAIL_RCPT_MAX], *cc_names[MAIL_RCPT_MAX];
	char host[256], err[MIME_ERR_LEN];
	struct mime_spec s = {
		.from = o->from.addr, .from_name = o->from.name, .to = to,
		.to_names = to_names, .nto = o->to.n, .cc = cc,
		.cc_names = cc_names, .ncc = o->cc.n, .subject = o->subject,
		.text = text->p,
		.text_len = text->len, .headers = o->headers,
		.nheader = o->nheader, .files = o->files, .nfile = o->nfile,
		.host = host, .allow_8bit = allow_8bit,
	};

	for (size_t i = 0; i < o->to.n; i++) {
		to[i] = o->to.mb[i].addr;
		to_names[i] = o->to.mb[i].name;
	}
	for (size_t i = 0; i < o->cc.n; i++) {
		cc[i] = o->cc.mb[i].addr;
		cc_names[i] = o->cc.mb[i].name;
	}
	util_hostname(host, sizeof host);
	int rc = mime_build(m, &s, err);
	if (rc < 0)
		die(rc == MIME_ERR_FILE ? EX_NOINPUT
		    : rc == MIME_ERR_HEADER ? EX_USAGE : EX_OSERR, "%s", err);
}

/* --raw FILE: the prepared message, read straight from its file. */
static ssize_t raw_read(void *ctx, char *buf, size_t cap)
{
	ssize_t n;

	do
		n = read(*(int *)ctx, buf, cap);
	while (n < 0 && errno == EINTR);
	return n;
}

/* The message on its way out: built by mime_out, or --raw's file. */
struct outgoing {
	struct mime_out m;
	struct msg_buf text;
	int fd;
	struct smtp_source src;
};

/* Make the message ready before connecting: local errors die here. */
static void outgoing_open(struct outgoing *og, const struct send_options *o)
{
	og->fd = -1;
	if (o->raw) {
		if ((og->fd = open(o->raw, O_RDONLY)) < 0)
			die(EX_NOINPUT, _("cannot open %s: %s"), o->raw, strerror(errno));
		og->src = (struct smtp_source){ raw_read, &og->fd };
		return;
	}
	load_text(o, &og->text);
	build(&og->m, o, &og->text, true);
	og->src = (struct smtp_source){ mime_read, &og->m };
}

/* Fit the message to the server and fill the envelope's SIZE and BODY. */
static void outgoing_fit(struct outgoing *og, const struct send_options *o,
                         unsigned ext, struct smtp_envelope *env)
{
	struct stat st;

	if (o->raw) { /* sent as is: it may hold 8-bit text */
		env->size = fstat(og->fd, &st) == 0 ? (unsigned long long)st.st_size : 0;
		env->body_8bit = true;
		return;
	}
	if (og->m.body_8bit && !(ext & SMTP_EXT_8BITMIME)) {
		mime_free(&og->m); /* RFC 6152: no 8BITMIME: quoted-printable */
		build(&og->m, o, &og->text, false);
	}
	env->size = og->m.total;
	env->body_8bit = og->m.body_8bit;
}

static void outgoing_close(struct outgoing *og)
{
	mime_free(&og->m);
	msg_buf_free(&og->text);
	if (og->fd >= 0)
		close(og->fd);
}

/* ---- the session ---- */

/* Connect, greet, log in: everything before the first MAIL. */
/* --starttls, --tls: what verifies the server; freed after QUIT. */
static struct tls_ctx *tls_ctx;

static int session_start(struct smtp_client *c, const struct send_options *o)
{
	struct tls_ctx *ctx = tls_ctx = o->tls.mode == TLS_NONE ? NULL
	                              : tls_client_for(&o->tls, o->host);
	char name[256];
	int rc;

	if (o->ehlo)
		str_copy(name, o->ehlo, sizeof name);
	else
		util_hostname(name, sizeof name);
	rc = smtp_open_tls(c, o->host, o->port, o->timeout, o->verbose,
	                   o->tls.mode == TLS_IMPLICIT ? ctx : NULL);
	if (rc == SMTP_OK)
		rc = smtp_hello(c, name);
	if (rc == SMTP_OK && o->tls.mode == TLS_STARTTLS) {
		rc = smtp_starttls(c, ctx);
		if (rc == SMTP_OK)
			rc = smtp_hello(c, name); /* RFC 3207 4.2: again, in TLS */
	}
	if (rc == SMTP_OK && o->user)
		rc = smtp_auth(c, o->user, o->pass);
	return rc;
}

/* The envelope's recipients: To, then Cc, then Bcc (RFC 5321 3.3). */
static size_t all_rcpts(const struct send_options *o, const char **rcpt)
{
	const struct addr_list *lists[] = { &o->to, &o->cc, &o->bcc };
	size_t n = 0;

	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			rcpt[n++] = lists[l]->mb[i].addr;
	return n;
}

/* A refused connection in the lab means a server that is not running:
 * say which one to start (issue 11). */
static void report_error(const struct send_options *o, int rc, const char *err)
{
	char port[32] = "";

	if (rc != SMTP_ERR_REFUSED || !strstr(err, strerror(ECONNREFUSED))) {
		warnmsg("%s", err);
		return;
	}
	if (o->port != SMTP_DEFAULT_PORT)
		snprintf(port, sizeof port, " -p %u", o->port);
	warnmsg(_("%s; is smtp_server running? start it with ./smtp_server -v%s"),
	        err, port);
}

/* Say how it went, after QUIT (so -v's trace comes first); a status. */
static int report(const struct send_options *o, const struct smtp_envelope *env,
                  const struct smtp_result *res, int rc, const char *err)
{
	size_t refused = rc == SMTP_OK || rc == SMTP_ERR_TEMP ||
	                         rc == SMTP_ERR_PERM
	                     ? report_refused(env->rcpt, res, env->nrcpt) : 0;

	if (rc != SMTP_OK)
		report_error(o, rc, err);
	else if (refused > 0)
		printf(_("Email sent to %zu of %zu recipients.\n"), /* n >= 2 */
		       res->accepted, env->nrcpt);
	else
		printf(_("Email sent successfully.\n"));
	return rc == SMTP_OK && refused > 0 ? MAIL_PARTIAL : rc;
}

/* The whole run, from reading the body to QUIT.  Returns a status. */
static int send_mail(const struct send_options *o)
{
	static struct outgoing og;
	static struct smtp_reply replies[3 * MAIL_RCPT_MAX];
	struct smtp_result res = { .rcpt = replies };
	const char *rcpt[3 * MAIL_RCPT_MAX];
	struct smtp_envelope env = { .from = o->from.addr, .rcpt = rcpt };
	struct smtp_client c;
	char err[sizeof c.err];
	int rc;

	env.nrcpt = all_rcpts(o, rcpt);
	outgoing_open(&og, o);
	rc = session_start(&c, o);
	if (rc == SMTP_OK) {
		outgoing_fit(&og, o, c.ext, &env);
		rc = smtp_send(&c, &env, &og.src, &res);
	}
	str_copy(err, smtp_error(&c), sizeof err); /* QUIT may overwrite it */
	smtp_quit(&c); /* or only close, when the connection is broken */
	tls_ctx_free(tls_ctx);
	outgoing_close(&og);
	return report(o, &env, &res, rc, err);
}

/* --explain, --lang, --step, --delay */
static struct teach teach;

int main(int argc, char **argv)
{
	static struct send_options o; /* 3 x 100 addresses: not on the stack */

	util_set_progname(argv[0]);
	signal(SIGPIPE, SIG_IGN); /* a server that hangs up: EPIPE, a message */
	teach_lang(argc, argv);
	send_options_parse(argc, argv, &o, &teach);
	teach_start(&teach, EXPLAIN_SMTP, &o.verbose);
	return exit_code(send_mail(&o));
}
