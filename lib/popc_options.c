/*
 * popc_options: pop_client's command line (see popc_options.h): the
 * --help text, whose English lines are lib/i18n's msgids, and the
 * options, each checked as it is taken.
 */
#include "popc_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "i18n.h"
#include "pop3_client.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f, _("usage: pop_client [-H HOST] [-p PORT] [-u USER] [-w PASSWORD] "
	    "[--apop]\n"
	    "                  [-n MSG] [--top LINES] [--raw] [--list] "
	    "[--uidl]\n"
	    "                  [-o DIR [--delete]] [--all] [--timeout SECONDS] "
	    "[-v]\n\n"
	    "Log in to a POP3 server, show STAT and LIST, and print message 1\n"
	    "decoded to readable UTF-8 (headers, text, list of attachments).\n\n"
	    "  -H, --host HOST       server (default localhost)\n"
	    "  -p, --port PORT       port (default %d; POP3's own is 110)\n"
	    "  -u, --user NAME       user (default gizem)\n"
	    "  -w, --password PASS   password (default 1234)\n"
	    "      --apop            log in with APOP (MD5 of the greeting's "
	    "timestamp)\n"
	    "  -n, --msg N           show message N instead of 1\n"
	    "      --top LINES       show the headers and LINES body lines (TOP)\n"
	    "      --raw             print the message as received, undecoded\n"
	    "      --list            a table: number, size, From, Subject, Date\n"
	    "      --uidl            the unique id of each message\n"
	    "  -o, --output DIR      download new messages into the Maildir DIR\n"
	    "      --delete          with -o: delete each message on the server\n"
	    "                        once it is safely on the local disk\n"
	    "      --all             print every message (without -o)\n"
	    "      --timeout SECONDS give up on a silent server (default %d)\n"
	    "  -v, --verbose         print the dialogue (C: and S: lines) on "
	    "stderr\n"
	    "  -h, --help, --version\n"),
	    POPC_DEFAULT_PORT, POPC_DEFAULT_TIMEOUT);
	fputs(_("TLS (make TLS=1):\n"
	    "      --stls            STLS before logging in (RFC 2595); fails\n"
	    "                        if the server does not offer it\n"
	    "      --tls             implicit TLS (RFC 8314; default port 1995)\n"
	    "      --cafile FILE     trust the certificates in FILE too\n"
	    "      --insecure        do not check the server's certificate\n"),
	    f);
	teach_usage(f, TEACH_USAGE_CLIENT);
	fputs(_("\n"
	    "Example: pop_client -v -u gizem -w 1234 -n 2\n"
	    "Exit: 0 ok, 64 usage, 67 unknown host, 69 server unavailable or "
	    "-ERR,\n"
	    "      74 local file, 75 network failure, timeout or mailbox busy,\n"
	    "      76 broken server reply, 77 login refused.\n"), f);
}

enum { OPT_APOP = 256, OPT_TOP, OPT_RAW, OPT_LIST, OPT_UIDL, OPT_ALL,
       OPT_DELETE, OPT_TIMEOUT, OPT_VERSION };

static const struct option long_options[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'w' },
	{ "msg", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "apop", no_argument, NULL, OPT_APOP },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "uidl", no_argument, NULL, OPT_UIDL },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "version", no_argument, NULL, OPT_VERSION },
	TLS_CLIENT_OPTIONS("stls"),
	TEACH_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* One option into o; exits on -h, --version and a bad option. */
static void take_option(struct popc_options *o, int ch, const char *arg,
                        struct teach *teach)
{
	switch (ch) {
	case 'H': o->host = arg; break;
	case 'p': o->port = (unsigned)opt_ulong("-p", arg, 1, 65535); break;
	case 'u': o->user = arg; break;
	case 'w': o->pass = arg; break;
	case 'n': o->msg = opt_ulong("-n", arg, 1, POP3_MSGS_MAX); break;
	case 'o': o->outdir = arg; break;
	case 'v': o->verbose = true; break;
	case OPT_APOP: o->apop = true; break;
	case OPT_TOP: o->top = (long)opt_ulong("--top", arg, 0, 1000000); break;
	case OPT_RAW: o->raw = true; break;
	case OPT_LIST: o->mode = MODE_LIST; break;
	case OPT_UIDL: o->mode = MODE_UIDL; break;
	case OPT_ALL: o->mode = MODE_ALL; break;
	case OPT_DELETE: o->delete = true; break;
	case OPT_TIMEOUT:
		o->timeout = (int)opt_ulong("--timeout", arg, 1, 86400);
		break;
	case 'h': usage(stdout); exit(EX_OK);
	case OPT_VERSION: printf("pop_client %s\n", MAILAB_VERSION); exit(EX_OK);
	default: /* getopt said what was wrong; not 40 lines of usage */
		if (teach_option(teach, ch, arg) ||
		    tls_client_option(&o->tls, ch, arg))
			break; /* --explain, --lang, --step, --delay, TLS */
		fprintf(stderr, _("Try '%s --help' for the options.\n"),
		        util_progname());
		exit(EX_USAGE);
	}
}

void popc_options_parse(struct popc_options *o, int argc, char **argv,
                        struct teach *teach)
{
	int ch;

	*o = (struct popc_options){ .host = "localhost", .user = "gizem",
		               .pass = "1234", .port = 0, /* below */
		               .msg = 1, .top = -1,
		               .timeout = POPC_DEFAULT_TIMEOUT };
	while ((ch = getopt_long(argc, argv, "H:p:u:w:n:o:vh" TEACH_SHORT, long_options,
	                         NULL)) != -1)
		take_option(o, ch, optarg, teach);
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument '%s' (see --help)"),
		    argv[optind]);
	tls_client_ready(&o->tls);
	if (o->port == 0) /* RFC 8314 3.3: POP3 over TLS on 995 */
		o->port = o->tls.mode == TLS_IMPLICIT ? POPC_TLS_PORT
		                                      : POPC_DEFAULT_PORT;
	if (o->outdir)
		o->mode = MODE_DOWNLOAD;
	if (o->delete && !o->outdir)
		die(EX_USAGE, _("--delete needs -o DIR: messages are deleted only "
		              "once they are saved locally"));
}

