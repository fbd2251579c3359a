/*
 * pop_client: the reading side of the lab — a POP3 client (RFC 1939)
 * that logs in, shows the drop and one message decoded to readable
 * UTF-8, or downloads the drop into a local Maildir safely.
 *
 * Covers: RFC 1939 (USER/PASS, APOP, STAT, LIST, UIDL, RETR, TOP, DELE,
 * QUIT), RFC 2449 (CAPA, [IN-USE] response code), the reading side of
 * MIME (lib/mime_in: RFC 2045-2047), maildir(5) delivery.  Leaves out:
 * STLS and SASL AUTH (the lab shows the clear text on purpose).
 *
 * A session, top to bottom, is run() below:
 *   S: +OK POP3 ready <1896.697170952@host>    (greeting)
 *   C: CAPA / USER gizem / PASS 1234           (or APOP gizem <md5>)
 *   C: STAT, LIST [, UIDL]                     (the drop's snapshot)
 *   C: RETR n / TOP n k / DELE n ...           (the chosen mode)
 *   C: QUIT                                    (deletions happen now)
 * Safety rules of -o DIR: a message is DELEted only once it is durable
 * locally (fsync'd, renamed into new/, new/ fsync'd); its UIDL is in its
 * local file name, put there by the same rename, so a run killed at any
 * point (POP3 then deletes nothing) duplicates nothing on the next run.
 * The options and --help are lib/popc_options.c's.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "localdrop.h"
#include "mime_in.h"
#include "net.h"
#include "pop3_client.h"
#include "popc_options.h"
#include "server.h"
#include "util.h"
#include "i18n.h"
#include "teach.h"
#include "tls_setup.h"

#define POPC_PROGRESS_MIN 10      /* a progress line from this many on */

/* The session: the drop's snapshot as STAT, LIST and UIDL gave it. */
struct client {
	const struct popc_options *opt;
	struct pop3 pop;
	unsigned long count;
	unsigned long long octets;
	unsigned long *sizes;    /* [1..count] */
	uidl_t *ids;             /* [1..count], NULL without UIDL */
	bool *kept;              /* [1..count]: safely in the local Maildir */
	unsigned long marked;    /* DELE accepted: deleted at QUIT */
	struct tls_ctx *tls;     /* --stls, --tls: what verifies the server */
};

/* ---- exit codes, in one place (<sysexits.h>) ---- */

static int fail(struct client *c, int rc, const char *what)
{
	struct pop3 *p = &c->pop;

	if (rc == POP3_ERR && p->in_use) {
		warnmsg(_("%s: mailbox busy: another session holds it (%s)"), what,
		        p->reply);
		return EX_TEMPFAIL;
	}
	warnmsg("%s: %s", what, p->err);
	if (rc == POP3_ERR || rc == POP3_TLS)
		return EX_UNAVAILABLE;
	return rc == POP3_PROTO ? EX_PROTOCOL : EX_TEMPFAIL;
}

/* ---- showing messages ---- */

/* --raw: the message as it came, minus the byte-stuffing. */
static int sink_raw(void *ctx, const char *p, size_t n, enum pop3_eol eol)
{
	(void)ctx;
	fwrite(p, 1, n, stdout);
	if (eol != POP3_MORE)
		fputs(eol == POP3_CRLF ? "\r\n" : "\n", stdout);
	return ferror(stdout) ? -1 : 0;
}

/* Decoded: headers, the text part, the attachments (lib/mime_in). */
static int sink_mime(void *ctx, const char *p, size_t n, enum pop3_eol eol)
{
	mime_in_line(ctx, p, n, eol != POP3_MORE);
	return ferror(stdout) ? -1 : 0;
}

/* RETR (or TOP) message n to stdout, decoded unless --raw. */
static int show_message(struct client *c, unsigned long n)
{
	static struct mime_in mime; /* large: not on the stack */
	const struct popc_options *o = c->opt;
	unsigned long long max = c->sizes[n] + POP3_OVERRUN_MAX;
	int rc;

	mime_in_init(&mime, stdout);
	rc = pop3_retr(&c->pop, n, o->top, max, o->raw ? sink_raw : sink_mime,
	               &mime);
	if (rc == POP3_OK && !o->raw)
		mime_in_finish(&mime);
	if (rc == POP3_OK && o->top < 0 && c->pop.received != c->sizes[n])
		warnmsg(_("message %lu: LIST said %lu octets but RETR sent %llu"),
		        n, c->sizes[n], c->pop.received);
	fflush(stdout);
	return rc;
}

/* The default: STAT, LIST, then message -n (1) as pop-client.py did. */
static int mode_show(struct client *c)
{
	unsigned long n = c->opt->msg;

	printf(c->count == 1 ? _("STAT: %lu message, %llu octets\n")
	                     : _("STAT: %lu messages, %llu octets\n"),
	       c->count, c->octets);
	if (c->count == 0) {
		printf(_("The mailbox is empty.\n"));
		return POP3_OK;
	}
	printf(_("LIST:\n"));
	for (unsigned long i = 1; i <= c->count; i++)
		printf("%lu %lu\n", i, c->sizes[i]);
	if (n > c->count) {
		printf(_("There is no message %lu (the mailbox has %lu).\n"), n,
		       c->count);
		return POP3_OK;
	}
	printf(_("\nMessage %lu (%lu octets):\n"), n, c->sizes[n]);
	return show_message(c, n);
}

/* --all without -o: every message, one after the other. */
static int mode_all(struct client *c)
{
	int rc = POP3_OK;

	for (unsigned long i = 1; i <= c->count && rc == POP3_OK; i++) {
		printf(_("%s=== Message %lu (%lu octets) ===\n"), i > 1 ? "\n" : "",
		       i, c->sizes[i]);
		rc = show_message(c, i);
	}
	if (c->count == 0)
		printf(_("The mailbox is empty.\n"));
	return rc;
}

/* --uidl: "n id" for each message. */
static int mode_uidl(struct client *c)
{
	if (c->ids == NULL) {
		printf(_("The server does not support UIDL.\n"));
		return POP3_OK;
	}
	for (unsigned long i = 1; i <= c->count; i++)
		printf("%lu %s\n", i, c->ids[i]);
	return POP3_OK;
}

/* ---- --list: a table of every message from TOP n 0 ---- */

/* Print s in exactly width characters (UTF-8 aware), cut or padded. */
static void cell(const char *s, int width)
{
	int chars = 0;
	size_t i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue; /* a continuation byte: same character */
		if (chars == width)
			break;
		chars++;
	}
	printf("%.*s%*s  ", (int)i, s, width - chars, "");
}

static int mode_list(struct client *c)
{
	static struct mime_in m; /* only its From, Subject, Date are used */
	FILE *nowhere = fopen("/dev/null", "w");
	int rc = POP3_OK;

	if (nowhere == NULL)
		die(EX_OSERR, _("cannot open /dev/null"));
	printf("%5s %9s  %-24s  %-32s  %s\n", "#", _("Size"), _("From"),
	       _("Subject"), _("Date"));
	for (unsigned long i = 1; i <= c->count && rc == POP3_OK; i++) {
		mime_in_init(&m, nowhere);
		/* C: TOP i 0   the headers only (RFC 1939 7) */
		rc = pop3_retr(&c->pop, i, 0, c->sizes[i] + POP3_OVERRUN_MAX,
		               sink_mime, &m);
		if (rc != POP3_OK)
			break;
		mime_in_finish(&m);
		printf("%5lu %9lu  ", i, c->sizes[i]);
		cell(m.from, 24);
		cell(m.subject, 32);
		printf("%s\n", m.date);
	}
	if (c->count == 0)
		printf(_("The mailbox is empty.\n"));
	fclose(nowhere);
	return rc;
}

/* ---- -o DIR: download into a local Maildir ---- */

#define POPC_LOCAL LOCALDROP_FAILED /* a local file failed (reported) */

/* What the progress line needs. */
struct progress {
	bool on;                /* stdout is a terminal */
	struct timespec shown;  /* when the line was last drawn */
};

/* "12/340 messages, 1.2 MiB", at most ten times a second; i 0: done. */
static void progress(const struct localdrop_job *j, unsigned long i)
{
	struct progress *pr = j->ctx;
	struct timespec now;

	if (!pr->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (i > 0 && (now.tv_sec - pr->shown.tv_sec) * 1000000000L +
	                     (now.tv_nsec - pr->shown.tv_nsec) < 100000000L)
		return;
	pr->shown = now;
	printf(_("\r%lu/%lu messages, %.1f MiB%s"), i > 0 ? i : j->count,
	       j->count, (double)j->bytes / 1048576.0, i > 0 ? "" : "\n");
	fflush(stdout);
}

/* --delete: DELE what is safely here (localdrop_checkpoint: durable). */
static int delete_kept(struct client *c)
{
	int rc = POP3_OK;

	for (unsigned long i = 1; i <= c->count && rc != POP3_NET &&
	                          rc != POP3_PROTO; i++) {
		if (!c->kept[i])
			continue;
		rc = pop3_dele(&c->pop, i); /* C: DELE i  S: +OK marked */
		c->marked += rc == POP3_OK;
		if (rc != POP3_OK)
			warnmsg(_("DELE %lu: %s"), i, c->pop.err);
	}
	return rc;
}

/*
 * -o DIR: fetch what is new (lib/localdrop), make it durable (fsync
 * new/, write .uidl), then DELE it with --delete.  A local failure, like
 * a broken connection, ends the session without QUIT: the server keeps
 * everything.
 */
static int mode_download(struct client *c)
{
	static struct localdrop drop;
	struct progress pr = { isatty(STDOUT_FILENO) &&
		               c->count >= POPC_PROGRESS_MIN, { 0, 0 } };
	struct localdrop_job job = { &c->pop, c->count, c->sizes, c->ids,
		                     c->kept, 0, 0, 0, 0, progress, &pr };
	int rc, saved;

	if (localdrop_open(&drop, c->opt->outdir) < 0) {
		warnmsg("%s", drop.err);
		return POPC_LOCAL;
	}
	if (c->ids == NULL)
		warnmsg(_("the server has no UIDL: every message is downloaded, "
		        "and a next run cannot skip them"));
	rc = localdrop_fetch(&drop, &job);
	saved = localdrop_checkpoint(&drop, &job); /* before DELE and QUIT */
	printf(_("%lu new message%s saved in %s/new, %lu already there\n"),
	       job.fetched, job.fetched == 1 ? "" : "s", c->opt->outdir,
	       job.skipped);
	localdrop_close(&drop);
	if (rc != POP3_OK && rc != POP3_ERR)
		return rc;
	if (saved != POP3_OK)
		return saved;
	if (c->opt->delete) {
		int del = delete_kept(c);
		rc = rc == POP3_OK ? del : rc;
	}
	return rc;
}

/* ---- the session ---- */

/* CAPA, then USER/PASS or APOP.  0, or an exit code. */
static int login(struct client *c)
{
	const struct popc_options *o = c->opt;
	struct pop3 *p = &c->pop;
	int rc = pop3_capa(p); /* -ERR: an RFC 1939-only server, fine */

	if (rc != POP3_OK && rc != POP3_ERR)
		return fail(c, rc, "CAPA");
	if (o->tls.mode == TLS_STARTTLS) {
		if ((rc = pop3_stls(p, c->tls)) != POP3_OK)
			return fail(c, rc, "STLS");
		rc = pop3_capa(p); /* RFC 2595 4: ask again, inside TLS */
		if (rc != POP3_OK && rc != POP3_ERR)
			return fail(c, rc, "CAPA");
	}
	if (o->apop && !pop3_has_timestamp(p)) {
		warnmsg(_("cannot use APOP: the server's greeting has no "
		        "timestamp of the form <...@...> (RFC 1939 7)"));
		return EX_UNAVAILABLE;
	}
	rc = o->apop ? pop3_apop(p, o->user, o->pass)
	             : pop3_login(p, o->user, o->pass);
	if (rc == POP3_ERR && !p->in_use) {
		warnmsg(_("login refused for %s: %s"), o->user, p->reply);
		return EX_NOPERM;
	}
	return rc == POP3_OK ? 0 : fail(c, rc, _("login"));
}

/* STAT, LIST, and UIDL when there is one: the drop as this session
 * sees it (RFC 1939 8: it does not change until QUIT). */
static int snapshot(struct client *c)
{
	struct pop3 *p = &c->pop;
	int rc = pop3_stat(p, &c->count, &c->octets);

	if (rc != POP3_OK)
		return rc;
	c->sizes = calloc(c->count + 1, sizeof *c->sizes);
	c->kept = calloc(c->count + 1, sizeof *c->kept);
	if (c->sizes == NULL || c->kept == NULL)
		die(EX_OSERR, _("out of memory for %lu messages"), c->count);
	if (c->count > 0 && (rc = pop3_list(p, c->count, c->sizes)) != POP3_OK)
		return rc;
	if (c->opt->mode != MODE_DOWNLOAD && c->opt->mode != MODE_UIDL)
		return POP3_OK;
	c->ids = calloc(c->count + 1, sizeof *c->ids);
	if (c->ids == NULL)
		die(EX_OSERR, _("out of memory for %lu UIDLs"), c->count);
	rc = c->count > 0 ? pop3_uidl(p, c->count, c->ids) : POP3_OK;
	if (rc == POP3_ERR) { /* UIDL is optional (RFC 1939 7) */
		free(c->ids);
		c->ids = NULL;
		rc = POP3_OK;
	}
	return rc;
}

/* Run the chosen mode, then QUIT if the dialogue is still in step. */
static int transaction(struct client *c)
{
	int rc;

	switch (c->opt->mode) {
	case MODE_LIST: rc = mode_list(c); break;
	case MODE_UIDL: rc = mode_uidl(c); break;
	case MODE_ALL: rc = mode_all(c); break;
	case MODE_DOWNLOAD: rc = mode_download(c); break;
	default: rc = mode_show(c); break;
	}
	if (rc == POPC_LOCAL) /* already said why; no QUIT: nothing deleted */
		return EX_IOERR;
	if (rc != POP3_OK && rc != POP3_ERR)
		return fail(c, rc, _("session ended")); /* no QUIT: nothing deleted */
	int q = pop3_quit(&c->pop); /* RFC 1939 6: deletions happen now */
	if (q != POP3_OK)
		return fail(c, q, "QUIT");
	if (c->marked > 0)
		printf(_("%lu message%s deleted on the server\n"), c->marked,
		       c->marked == 1 ? "" : "s");
	return rc == POP3_ERR ? fail(c, rc, "RETR") : EX_OK;
}

/* ---- -v: the trace first, then what the user asked for ---- */

/* With -v the trace (stderr) and the decoded message (stdout) would
 * interleave on a terminal: stdout goes to a temporary file until the
 * dialogue is over (QUIT answered), then follows it (issue 11). */
struct held_stdout {
	int saved;      /* the real stdout, -1 when nothing is held */
	FILE *tmp;
};

static void hold_stdout(struct held_stdout *h)
{
	fflush(stdout);
	h->saved = -1;
	if ((h->tmp = tmpfile()) == NULL)
		return; /* no temporary file: print as it comes */
	h->saved = dup(STDOUT_FILENO);
	if (h->saved < 0 || dup2(fileno(h->tmp), STDOUT_FILENO) < 0) {
		if (h->saved >= 0)
			close(h->saved);
		h->saved = -1;
		fclose(h->tmp);
	}
}

static void release_stdout(struct held_stdout *h)
{
	char buf[CONN_BUF];
	size_t n;

	if (h->saved < 0)
		return;
	fflush(stdout);
	dup2(h->saved, STDOUT_FILENO);
	close(h->saved);
	rewind(h->tmp);
	while ((n = fread(buf, 1, sizeof buf, h->tmp)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(h->tmp);
	fflush(stdout);
}

/* Cannot connect: in the lab that means pop_server is not running. */
static int connect_failed(const struct popc_options *o, int fd,
                          const char *err)
{
	char port[32] = "";

	if (fd == NET_ERR_REFUSED && strstr(err, strerror(ECONNREFUSED))) {
		if (o->port != POPC_DEFAULT_PORT)
			snprintf(port, sizeof port, " -p %u", o->port);
		warnmsg(_("%s; is pop_server running? start it with "
		        "./pop_server -v%s"), err, port);
	} else {
		warnmsg("%s", err);
	}
	return fd == NET_ERR_NOHOST ? EX_NOHOST
	     : fd == NET_ERR_TIMEOUT ? EX_TEMPFAIL : EX_UNAVAILABLE;
}

static int run(const struct popc_options *o)
{
	static struct client c;
	char err[NET_ERR_LEN];
	int fd, rc;

	c.opt = o;
	if (o->tls.mode != TLS_NONE)
		c.tls = tls_client_for(&o->tls, o->host);
	server_session_signals(); /* SIGINT/SIGTERM end reads; no SIGPIPE */
	fd = net_connect(err, o->host, o->port, o->timeout);
	if (fd < 0)
		return connect_failed(o, fd, err);
	rc = pop3_open_tls(&c.pop, fd, o->timeout, o->verbose,
	                   o->tls.mode == TLS_IMPLICIT ? c.tls : NULL);
	if (rc != POP3_OK)
		rc = fail(&c, rc, _("greeting"));
	else if ((rc = login(&c)) == 0)
		rc = (rc = snapshot(&c)) == POP3_OK ? transaction(&c)
		                                    : fail(&c, rc, "STAT/LIST/UIDL");
	pop3_close(&c.pop);
	close(fd);
	tls_ctx_free(c.tls);
	free(c.sizes);
	free(c.kept);
	free(c.ids);
	return rc;
}

/* --explain, --lang, --step, --delay */
static struct teach teach;

int main(int argc, char **argv)
{
	struct held_stdout held = { -1, NULL };
	struct popc_options o;
	int rc;

	util_set_progname(argv[0]);
	teach_lang(argc, argv);
	popc_options_parse(&o, argc, argv, &teach);
	teach_start(&teach, EXPLAIN_POP3, &o.verbose);
	if (o.verbose)
		hold_stdout(&held);
	rc = run(&o);
	release_stdout(&held);
	return rc;
}
