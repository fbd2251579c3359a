/*
 * pop_config: pop_server's command line (see pop_config.h): the --help
 * text, whose English lines are lib/i18n's msgids, and the options
 * that fill struct pop_config and the listener's settings.
 */
#include "pop_config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "i18n.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs(_("usage: pop_server [-p PORT] [-b ADDR]... [-d DIR] [-U FILE]\n"
	    "                  [--timeout SECONDS] [--max-clients N] [--stdio] [-v]\n"
	    "\n"
	    "Serve the mail in DIR/<user>/{new,cur}/ (Maildir) over POP3.\n"
	    "\n"
	    "  -p, --port PORT        port to listen on (default 1110;\n"
	    "                         the standard 110 needs root)\n"
	    "  -b, --bind ADDR        address to listen on, repeatable\n"
	    "                         (default 127.0.0.1 and ::1)\n"
	    "  -d, --maildir DIR      mail store (default ./maildir)\n"
	    "  -U, --users FILE       name:password lines (default ./users.txt)\n"
	    "      --timeout SECONDS  autologout after this idle time (default 600)\n"
	    "      --max-clients N    sessions at once (default 100)\n"
	    "      --max-per-ip N     sessions at once from one address, loopback\n"
	    "                         excepted (default 10)\n"
	    "      --stdio            one session on stdin/stdout (inetd style)\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"), f);
	fputs(_("TLS (make TLS=1):\n"
	    "      --tls-cert FILE --tls-key FILE  offer STLS (RFC 2595)\n"
	    "      --tls-port PORT    also listen with implicit TLS (RFC 8314;\n"
	    "                         the lab uses 1995)\n"), f);
	teach_usage(f, TEACH_USAGE_POP3);
	fputs(_("\n"
	    "Example:\n"
	    "  ./pop_server -v            then, in another terminal:\n"
	    "  nc -C localhost 1110       and type USER gizem, PASS 1234, LIST\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1110\n"
	    "Port 1110 is not POP3's usual 110, so use Analyze > Decode As... >\n"
	    "TCP port 1110 > POP to see the commands decoded.\n"), f);
}

enum { OPT_TIMEOUT = 256, OPT_STDIO, OPT_VERSION };

static const struct option options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "maildir", required_argument, NULL, 'd' },
	{ "users", required_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-clients", required_argument, NULL, SERVER_OPT_MAX_CLIENTS },
	{ "max-per-ip", required_argument, NULL, SERVER_OPT_MAX_PER_IP },
	{ "stdio", no_argument, NULL, OPT_STDIO },
	{ "version", no_argument, NULL, OPT_VERSION },
	TLS_SERVER_OPTIONS,
	TEACH_OPTIONS, TEACH_FAIL_OPTION,
	{ NULL, 0, NULL, 0 }
};

bool pop_config_parse(int argc, char **argv, struct pop_config *cfg,
                      struct server_config *srv, struct teach *teach)
{
	bool stdio = false;
	int ch;

	*cfg = (struct pop_config){
		.maildir = "./maildir", .users_file = "./users.txt",
		.timeout = POP_DEFAULT_TIMEOUT,
	};
	util_hostname(cfg->hostname, sizeof cfg->hostname);

	while ((ch = getopt_long(argc, argv, "p:b:d:U:vh" TEACH_SHORT, options, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg->maildir = optarg; break;
		case 'U': cfg->users_file = optarg; break;
		case 'v': cfg->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_TIMEOUT: cfg->timeout = (int)opt_ulong("--timeout", optarg, 1, 86400); break;
		case OPT_STDIO: stdio = true; break;
		case OPT_VERSION: printf("pop_server (mailab) %s\n", MAILAB_VERSION); exit(0);
		default: /* -p, -b, ..., the teaching modes */
			if (!server_option(srv, ch, optarg) &&
			    !tls_server_option(&cfg->tls, ch, optarg) &&
			    !teach_option(teach, ch, optarg))
				die(EX_USAGE, _("try 'pop_server --help' for the "
				                "options")); /* getopt named the typo */
		}
	}
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument '%s' (see --help)"), argv[optind]);
	return stdio;
}

