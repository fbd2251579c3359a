/*
 * send_options: mail_send's command line (see send_options.h): the
 * --help text, whose English lines are lib/i18n's msgids, and the
 * options, each checked as it is taken.
 */
#include "send_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "i18n.h"
#include "smtp_client.h"
#include "util.h"

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

/* One option into o. */
static void take_option(struct send_options *o, int ch, struct teach *teach)
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
		if (teach_option(teach, ch, optarg) ||
		    tls_client_option(&o->tls, ch, optarg))
			break; /* --explain, --lang, --step, --delay, TLS */
		fprintf(stderr, _("Try '%s --help' for the options.\n"),
		        util_progname());
		exit(EX_USAGE);
	}
}

void send_options_parse(int argc, char **argv, struct send_options *o,
                        struct teach *teach)
{
	int ch;

	*o = (struct send_options){
		.host = "localhost", .port = 0, /* picked below */
		.subject = SEED_SUBJECT, .timeout = SMTP_DEFAULT_TIMEOUT,
		.from = { .addr = SEED_FROM },
	};
	while ((ch = getopt_long(argc, argv, "H:p:f:t:c:s:m:F:a:u:w:vh" TEACH_SHORT,
	                         options, NULL)) != -1)
		take_option(o, ch, teach);
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

