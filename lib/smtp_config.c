/*
 * smtp_config: smtp_server's command line (see smtp_config.h): the
 * --help text, whose English lines are lib/i18n's msgids, and the
 * options that fill struct smtp_config and the listener's settings.
 */
#include "smtp_config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "i18n.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs(_("usage: smtp_server [-p PORT] [-b ADDR]... [-d DIR] [-n HOSTNAME]\n"
	    "                   [--max-size BYTES] [--timeout SECONDS]\n"
	    "                   [--max-clients N] [--domain DOMAIN]... [-U FILE]\n"
	    "                   [--auth-required] [--strict-crlf] [--stdio]\n"
	    "                   [--no-pipelining] [--no-8bitmime] [--no-esmtp] [-v]\n"
	    "\n"
	    "Receive mail over SMTP and store it in DIR/<user>/new/ (Maildir).\n"
	    "\n"
	    "  -p, --port PORT        port to listen on (default 1025)\n"
	    "  -b, --bind ADDR        address to listen on, repeatable\n"
	    "                         (default 127.0.0.1 and ::1)\n"
	    "  -d, --maildir DIR      mail store (default ./maildir)\n"
	    "  -n, --hostname NAME    name in the greeting and Received:\n"
	    "      --max-size BYTES   largest message (default 10485760)\n"
	    "      --timeout SECONDS  idle limit per session (default 300)\n"
	    "      --max-clients N    sessions at once (default 100)\n"
	    "      --max-per-ip N     sessions at once from one address, loopback\n"
	    "                         excepted (default 10)\n"
	    "      --domain DOMAIN    accept mail only for DOMAIN (repeatable)\n"
	    "      --relay DOMAIN=HOST:PORT  queue mail for DOMAIN and forward it\n"
	    "                         to that SMTP server (repeatable)\n"
	    "      --retry SECONDS    first retry delay, doubling (default 30)\n"
	    "      --queue-lifetime SECONDS  then bounce (default 86400)\n"
	    "  -U, --users FILE       users file for AUTH (default ./users.txt);\n"
	    "                         given, it also refuses unknown recipients\n"
	    "      --auth-required    refuse MAIL before AUTH (530)\n"
	    "      --strict-crlf      refuse bare LF line endings\n"
	    "      --stdio            one session on stdin/stdout (inetd style)\n"
	    "      --no-pipelining, --no-8bitmime  do not offer the extension\n"
	    "      --no-esmtp         refuse EHLO (502): HELO only\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"), f);
	fputs(_("TLS (make TLS=1):\n"
	    "      --tls-cert FILE --tls-key FILE  offer STARTTLS (RFC 3207)\n"
	    "      --tls-port PORT    also listen with implicit TLS (RFC 8314;\n"
	    "                         the lab uses 1465)\n"
	    "      --auth-tls-only    offer AUTH only inside TLS\n"), f);
	teach_usage(f, TEACH_USAGE_SMTP);
	fputs(_("\n"
	    "Example:\n"
	    "  ./smtp_server -v            then, in another terminal:\n"
	    "  nc -C localhost 1025        and type HELO, MAIL FROM:, ...\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1025\n"
	    "Port 1025 is not SMTP's usual 25, so use Analyze > Decode As... >\n"
	    "TCP port 1025 > SMTP to see the commands decoded.\n"), f);
}

enum { OPT_MAX_SIZE = 256, OPT_TIMEOUT, OPT_DOMAIN,
       OPT_AUTH_REQUIRED, OPT_STRICT, OPT_STDIO, OPT_NO_PIPELINING,
       OPT_NO_8BITMIME, OPT_NO_ESMTP, OPT_VERSION, OPT_RELAY, OPT_RETRY,
       OPT_LIFETIME };

static const struct option options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "maildir", required_argument, NULL, 'd' },
	{ "hostname", required_argument, NULL, 'n' },
	{ "users", required_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-clients", required_argument, NULL, SERVER_OPT_MAX_CLIENTS },
	{ "max-per-ip", required_argument, NULL, SERVER_OPT_MAX_PER_IP },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "auth-required", no_argument, NULL, OPT_AUTH_REQUIRED },
	{ "strict-crlf", no_argument, NULL, OPT_STRICT },
	{ "stdio", no_argument, NULL, OPT_STDIO },
	{ "no-pipelining", no_argument, NULL, OPT_NO_PIPELINING },
	{ "no-8bitmime", no_argument, NULL, OPT_NO_8BITMIME },
	{ "no-esmtp", no_argument, NULL, OPT_NO_ESMTP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "relay", required_argument, NULL, OPT_RELAY },
	{ "retry", required_argument, NULL, OPT_RETRY },
	{ "queue-lifetime", required_argument, NULL, OPT_LIFETIME },
	TLS_SERVER_OPTIONS, TLS_AUTH_ONLY_OPTION,
	TEACH_OPTIONS, TEACH_FAIL_OPTION,
	{ NULL, 0, NULL, 0 }
};

bool smtp_config_parse(int argc, char **argv, struct smtp_config *cfg,
                       struct server_config *srv, struct teach *teach)
{
	bool stdio = false;
	int ch;

	*cfg = (struct smtp_config){
		.maildir = "./maildir", .max_size = SMTP_DEFAULT_SIZE,
		.timeout = SMTP_DEFAULT_TIMEOUT, .users_file = "./users.txt",
		.pipelining = true, .eightbit = true, .esmtp = true,
		.relay = { .retry = SMTP_DEFAULT_RETRY,
		           .lifetime = SMTP_DEFAULT_LIFETIME, .timeout = 60 },
	};
	util_hostname(cfg->hostname, sizeof cfg->hostname);

	while ((ch = getopt_long(argc, argv, "p:b:d:n:U:vh" TEACH_SHORT, options, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg->maildir = optarg; break;
		case 'n': str_copy(cfg->hostname, optarg, sizeof cfg->hostname); break;
		case 'U': cfg->users_file = optarg; cfg->check_rcpt = true; break;
		case 'v': cfg->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_MAX_SIZE: cfg->max_size = opt_ulong("--max-size", optarg, 1, (unsigned long)-1); break;
		case OPT_TIMEOUT: cfg->timeout = (int)opt_ulong("--timeout", optarg, 1, 86400); break;
		case OPT_DOMAIN:
			if (cfg->relay.ndomain == RELAY_DOMAINS_MAX)
				die(EX_USAGE, _("--domain: at most %d domains"), RELAY_DOMAINS_MAX);
			cfg->relay.domains[cfg->relay.ndomain++] = optarg;
			break;
		case OPT_RELAY:
			if (cfg->relay.nroute == RELAY_ROUTES_MAX ||
			    relay_parse_route(optarg, &cfg->relay.routes[cfg->relay.nroute++]) < 0)
				die(EX_USAGE, _("--relay: '%s' is not DOMAIN=HOST:PORT "
				    "(at most %d routes)"), optarg, RELAY_ROUTES_MAX);
			break;
		case OPT_RETRY: cfg->relay.retry = opt_ulong("--retry", optarg, 1, 86400); break;
		case OPT_LIFETIME: cfg->relay.lifetime = opt_ulong("--queue-lifetime", optarg, 0, 31536000); break;
		case OPT_AUTH_REQUIRED: cfg->auth_required = true; break;
		case OPT_STRICT: cfg->strict_crlf = true; break;
		case OPT_STDIO: stdio = true; break;
		case OPT_NO_PIPELINING: cfg->pipelining = false; break;
		case OPT_NO_8BITMIME: cfg->eightbit = false; break;
		case OPT_NO_ESMTP: cfg->esmtp = false; break;
		case OPT_VERSION: printf("smtp_server (mailab) %s\n", MAILAB_VERSION); exit(0);
		default: /* -p, -b, ..., the teaching modes */
			if (!server_option(srv, ch, optarg) &&
			    !tls_server_option(&cfg->tls, ch, optarg) &&
			    !teach_option(teach, ch, optarg))
				die(EX_USAGE, _("try 'smtp_server --help' for the "
				                "options")); /* getopt named the typo */
		}
	}
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument '%s' (see --help)"), argv[optind]);
	return stdio;
}

void smtp_config_relay(struct smtp_config *cfg, struct server_config *srv)
{
	cfg->relay.maildir = cfg->maildir;
	cfg->relay.hostname = cfg->hostname;
	cfg->relay.verbose = cfg->verbose;
	if (cfg->relay.nroute > 0) {
		srv->helper = relay_runner;
		srv->helper_ctx = &cfg->relay;
	}
}
