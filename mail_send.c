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
 * streamed as base64) in lib/mime_out.c.  This file is the options, the
 * order of the steps, and what the user sees: one line per problem and
 * an exit code from <sysexits.h>, chosen in exit_code() only.  The
 * outcome is printed after QUIT, so that with -v it follows the trace.
 *
 * Addresses (-f, -t, -c, --bcc) are RFC 5322 3.4 mailboxes, "a@b",
 * "<a@b>" or "Name <a@b>", several in one argument when separated by
 * commas (as mail(1) and mutt take them): the header keeps the name
 * (RFC 2047 words when not ASCII), the envelope gets the bare address.
 * Left out: STARTTLS, DSN, RFC 5322 groups and comments in addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "address.h"
#include "mime_out.h"
#include "smtp_client.h"
#include "teach.h"
#include "tls_setup.h"
#include "i18n.h"
#include "util.h"

#define MAIL_RCPT_MAX 100     /* RFC 5321 4.5.3.1.8: servers take 100 */
#define MAIL_ATTACH_MAX 32    /* -a files per message */
#define MAIL_HEADER_MAX 32    /* --header lines per message */
#define MAIL_TEXT_MAX (10UL << 20) /* a text body; bigger goes in -a */
#define MAIL_NAME_MAX 200     /* a display name, octets (RFC 5322 3.4) */
#define MAIL_PARTIAL 1        /* pseudo-status: some recipients refused */
#define EX_PARTIAL EX_NOUSER  /* 67: sent, but some addressees refused */
#define MAIL_TLS_PORT 1465    /* --tls: the lab's 465 (RFC 8314 7.3) */

#define SEED_FROM "melek@example.com"
#define SEED_TO "gizem@example.com"
#define SEED_SUBJECT "Selam"
#define SEED_BODY \
	"Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ"

/* One mailbox: the address for the envelope, the name for the header. */
struct mailbox {
	char addr[ADDR_MAX + 1];
	char name[MAIL_NAME_MAX + 1]; /* "" when none was given */
};

/* One list of addresses given on the command line, checked. */
struct addr_list {
	size_t n;
	struct mailbox mb[MAIL_RCPT_MAX];
};

struct options {
	const char *host, *subject, *text, *text_file, *raw;
	const char *user, *pass, *ehlo;
	unsigned port;
	int timeout;
	bool verbose;
	struct mailbox from;
	struct addr_list to, cc, bcc;
	const char *files[MAIL_ATTACH_MAX];
	const char *headers[MAIL_HEADER_MAX];
	size_t nfile, nheader;
	struct tls_client_setup tls; /* --starttls, --tls, --cafile, --insecure */
};

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
static void load_text(const struct options *o, struct msg_buf *b)
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
static void build(struct mime_out *m, const struct options *o,
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
static void outgoing_open(struct outgoing *og, const struct options *o)
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
static void outgoing_fit(struct outgoing *og, const struct options *o,
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

static int session_start(struct smtp_client *c, const struct options *o)
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
static size_t all_rcpts(const struct options *o, const char **rcpt)
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
static void report_error(const struct options *o, int rc, const char *err)
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
static int report(const struct options *o, const struct smtp_envelope *env,
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
static int send_mail(const struct options *o)
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

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f, _("usage: mail_send [-H HOST] [-p PORT] [-f FROM] [-t TO]... [-c CC]...\n"
	    "                 [--bcc ADDR]... [-s SUBJECT] [-m TEXT | -F FILE]\n"
	    "                 [-a FILE]... [--header 'Name: value']... [--raw FILE]\n"
	    "                 [-u USER -w PASSWORD] [--ehlo NAME] [--timeout S] [-v]\n"
	    "\n"
	    "Build a mail and send it over SMTP.  With no options: the lab's test\n"
	    "message, from %s to %s, to localhost:1025.\n"
	    "\n"
	    "  -H, --host HOST        SMTP server (default localhost)\n"
	    "  -p, --port PORT        its port (default 1025)\n"
	    "  -f, --from ADDR        sender, envelope and From: (default %s)\n"
	    "  -t, --to ADDR          recipient in To:, repeatable (default %s)\n"
	    "                         ADDR: a@b, 'Name <a@b>', or several: 'a@b, c@d'\n"
	    "  -c, --cc ADDR          recipient in Cc:, repeatable\n"
	    "      --bcc ADDR         recipient in the envelope only, repeatable\n"
	    "  -s, --subject TEXT     subject, UTF-8 welcome (default %s)\n"
	    "  -m, --message TEXT     the body text\n"
	    "  -F, --file FILE        the body text from FILE\n"
	    "                         (neither: stdin when it is a pipe or a file)\n"
	    "  -a, --attach FILE      attach FILE (base64), repeatable\n"
	    "      --header 'N: V'    an extra header line, repeatable\n"
	    "      --raw FILE         send FILE, a whole RFC 5322 message, as is\n"
	    "  -u, --user NAME        log in with AUTH PLAIN (or LOGIN)\n"
	    "  -w, --password PASS    the password for -u\n"
	    "      --ehlo NAME        name to greet with (default this host's)\n"
	    "      --timeout SECONDS  limit per reply (default 60)\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"),
	    SEED_FROM, SEED_TO, SEED_FROM, SEED_TO, SEED_SUBJECT);
	fputs(_("TLS (make TLS=1):\n"
	    "      --starttls         STARTTLS before anything else (RFC 3207);\n"
	    "                         fails if the server does not offer it\n"
	    "      --tls              implicit TLS (RFC 8314; default port 1465)\n"
	    "      --cafile FILE      trust the certificates in FILE too\n"
	    "      --insecure         do not check the server's certificate\n"),
	    f);
	teach_usage(f, TEACH_USAGE_CLIENT);
	fputs(_("\n"
	    "Exit status: 0 sent; 67 sent, but some recipients refused (listed);\n"
	    "64 bad options; 66 a file to send is missing; 68 unknown host;\n"
	    "69 refused (connection refused, 5xx reply, every recipient refused);\n"
	    "75 try again later (timeout, 4xx reply, connection lost);\n"
	    "76 the server broke the protocol; 77 login refused;\n"
	    "65 the text is over 10 MiB (attach it with -a); 74 a file failed\n"
	    "while it was being sent (nothing was delivered).\n"
	    "\n"
	    "Example:\n"
	    "  ./mail_send -v -t gizem@example.com -s 'Merhaba' -m 'Nasılsın?' -a notes.pdf\n"), f);
}

enum { OPT_BCC = 256, OPT_HEADER, OPT_RAW, OPT_EHLO, OPT_TIMEOUT,
       OPT_VERSION };

static const struct option options[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "cc", required_argument, NULL, 'c' },
	{ "subject", required_argument, NULL, 's' },
	{ "message", required_argument, NULL, 'm' },
	{ "file", required_argument, NULL, 'F' },
	{ "attach", required_argument, NULL, 'a' },
	{ "user", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'w' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "bcc", required_argument, NULL, OPT_BCC },
	{ "header", required_argument, NULL, OPT_HEADER },
	{ "raw", required_argument, NULL, OPT_RAW },
	{ "ehlo", required_argument, NULL, OPT_EHLO },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "version", no_argument, NULL, OPT_VERSION },
	TLS_CLIENT_OPTIONS("starttls"),
	TEACH_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* Check one address (RFC 5321 4.1.2 path, brackets optional). */
static void take_addr(char *out, const char *opt, const char *arg)
{
	const char *rest;

	if (strcmp(arg, "") == 0 || strcmp(arg, "<>") == 0) {
		if (strcmp(opt, "--from") != 0)
			die(EX_USAGE, _("%s: an empty address"), opt);
		out[0] = '\0'; /* the null sender <> (RFC 5321 4.5.5) */
		return;
	}
	if (addr_parse_path(arg, out, &rest, true) != ADDR_OK || *rest != '\0')
		die(EX_USAGE, _("%s: '%s' is not an address like user@example.com"),
		    opt, arg);
}

/* A display name as given ("Ali Veli" or "\"Veli, Ali\""), unquoted,
 * into mb->name; no control characters (they would end the header). */
static void take_name(struct mailbox *mb, const char *opt, const char *p,
                      size_t n)
{
	size_t k = 0;
	bool quoted = n >= 2 && p[0] == '"' && p[n - 1] == '"';

	for (size_t i = quoted; i < n - quoted; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < ' ' || c == 0x7f || (!quoted && (c == '<' || c == '>')))
			die(EX_USAGE, _("%s: the name '%.*s' holds a character a "
			    "name cannot"), opt, (int)n, p);
		if (quoted && c == '\\' && i + 1 < n - 1)
			c = (unsigned char)p[++i]; /* RFC 5322 3.2.4 quoted-pair */
		if (k == MAIL_NAME_MAX)
			die(EX_USAGE, _("%s: a name of at most %d octets"), opt,
			    MAIL_NAME_MAX);
		mb->name[k++] = (char)c;
	}
	mb->name[k] = '\0';
}

/* One mailbox, n octets at p: "a@b", "<a@b>" or "Name <a@b>". */
static void take_mailbox(struct mailbox *mb, const char *opt, const char *p,
                         size_t n)
{
	char one[ADDR_MAX + MAIL_NAME_MAX + 8];
	const char *lt = NULL;

	while (n > 0 && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= sizeof one)
		die(EX_USAGE, _("%s: '%.40s...' is too long"), opt, p);
	for (size_t i = 0, q = 0; i < n; i++) { /* the '<' outside quotes */
		q ^= p[i] == '"';
		if (!q && p[i] == '<')
			lt = p + i;
	}
	mb->name[0] = '\0';
	if (lt != NULL && lt > p && p[n - 1] == '>') {
		size_t k = (size_t)(lt - p);
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		take_name(mb, opt, p, k);
		n -= (size_t)(lt - p);
		p = lt;
	}
	memcpy(one, p, n);
	one[n] = '\0';
	take_addr(mb->addr, opt, one);
}

/* Every mailbox of arg, split at commas outside quotes and <...>:
 * "a@x,b@x" is two recipients, as mail(1) and mutt read it. */
static void add_addr(struct addr_list *l, const char *opt, const char *arg)
{
	const char *p = arg;
	bool quoted = false;
	int angle = 0;

	for (;; p++) {
		if (*p != '\0' && (*p != ',' || quoted || angle > 0)) {
			quoted ^= *p == '"';
			angle += !quoted && *p == '<';
			angle -= !quoted && *p == '>' && angle > 0;
			continue;
		}
		if (l->n == MAIL_RCPT_MAX)
			die(EX_USAGE, _("%s: at most %d addresses"), opt, MAIL_RCPT_MAX);
		take_mailbox(&l->mb[l->n++], opt, arg, (size_t)(p - arg));
		if (*p == '\0')
			return;
		arg = p + 1;
	}
}

static void add_item(const char **list, size_t *n, size_t max,
                     const char *opt, const char *arg)
{
	if (*n == max)
		die(EX_USAGE, _("%s: at most %zu"), opt, max);
	list[(*n)++] = arg;
}

/* RFC 5321 4.1.1.1: EHLO takes a domain or an address literal; here,
 * at least, printable ASCII without spaces, at most 255 octets. */
static const char *check_ehlo(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~')
			die(EX_USAGE, _("--ehlo: '%s' is not a host name"), name);
	if (n == 0 || n > 255)
		die(EX_USAGE, _("--ehlo: a host name of 1 to 255 octets"));
	return name;
}

/* --explain, --lang, --step, --delay */
static struct teach teach;

/* One option into o. */
static void take_option(struct options *o, int ch)
{
	switch (ch) {
	case 'H': o->host = optarg; break;
	case 'p': o->port = (unsigned)opt_ulong("--port", optarg, 1, 65535); break;
	case 'f': take_mailbox(&o->from, "--from", optarg, strlen(optarg)); break;
	case 't': add_addr(&o->to, "--to", optarg); break;
	case 'c': add_addr(&o->cc, "--cc", optarg); break;
	case OPT_BCC: add_addr(&o->bcc, "--bcc", optarg); break;
	case 's': o->subject = optarg; break;
	case 'm': o->text = optarg; break;
	case 'F': o->text_file = optarg; break;
	case 'a': add_item(o->files, &o->nfile, MAIL_ATTACH_MAX, "--attach", optarg); break;
	case OPT_HEADER: add_item(o->headers, &o->nheader, MAIL_HEADER_MAX, "--header", optarg); break;
	case OPT_RAW: o->raw = optarg; break;
	case 'u': o->user = optarg; break;
	case 'w': o->pass = optarg; break;
	case OPT_EHLO: o->ehlo = check_ehlo(optarg); break;
	case OPT_TIMEOUT: o->timeout = (int)opt_ulong("--timeout", optarg, 1, 3600); break;
	case 'v': o->verbose = true; break;
	case 'h': usage(stdout); exit(EX_OK);
	case OPT_VERSION: printf("mail_send (mailab) %s\n", MAILAB_VERSION); exit(EX_OK);
	default: /* getopt said what was wrong; not 40 lines of usage */
		if (teach_option(&teach, ch, optarg) ||
		    tls_client_option(&o->tls, ch, optarg))
			break; /* --explain, --lang, --step, --delay, TLS */
		fprintf(stderr, _("Try '%s --help' for the options.\n"),
		        util_progname());
		exit(EX_USAGE);
	}
}

/* Options into o, the seed's values where none were given. */
static void parse_options(int argc, char **argv, struct options *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "H:p:f:t:c:s:m:F:a:u:w:vh" TEACH_SHORT,
	                         options, NULL)) != -1)
		take_option(o, ch);
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument '%s' (see --help)"), argv[optind]);
	if ((o->text != NULL) + (o->text_file != NULL) + (o->raw != NULL) > 1)
		die(EX_USAGE, _("-m, -F and --raw each give the whole body: pick one"));
	if (o->raw && (o->nfile || o->nheader))
		die(EX_USAGE, _("--raw sends its file as is: no -a or --header"));
	if ((o->user == NULL) != (o->pass == NULL))
		die(EX_USAGE, _("-u and -w go together"));
	tls_client_ready(&o->tls);
	if (o->port == 0) /* RFC 8314 3.3: submissions over TLS on 465 */
		o->port = o->tls.mode == TLS_IMPLICIT ? MAIL_TLS_PORT
		                                      : SMTP_DEFAULT_PORT;
	if (o->to.n == 0) /* the seed's To:, with -c or --bcc too */
		add_addr(&o->to, "--to", SEED_TO);
	if (o->to.n + o->cc.n + o->bcc.n > MAIL_RCPT_MAX)
		die(EX_USAGE, _("at most %d recipients in all"), MAIL_RCPT_MAX);
}

int main(int argc, char **argv)
{
	static struct options o = {
		.host = "localhost", .port = 0, /* parse_options() picks it */
		.subject = SEED_SUBJECT, .timeout = SMTP_DEFAULT_TIMEOUT,
		.from = { .addr = SEED_FROM },
	};

	util_set_progname(argv[0]);
	signal(SIGPIPE, SIG_IGN); /* a server that hangs up: EPIPE, a message */
	teach_lang(argc, argv);
	parse_options(argc, argv, &o);
	teach_start(&teach, EXPLAIN_SMTP, &o.verbose);
	return exit_code(send_mail(&o));
}
