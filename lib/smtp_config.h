/*
 * smtp_config: smtp_server's start-up — what its command line sets
 * (struct smtp_config, with the defaults), its --help text and its
 * options table.  The protocol itself is in smtp_server.c; nothing
 * here runs once the sessions have started, and every session reads
 * the config only.
 */
#ifndef MAILAB_SMTP_CONFIG_H
#define MAILAB_SMTP_CONFIG_H

#include <stdbool.h>

#include "relay.h"
#include "server.h"
#include "teach.h"
#include "tls_setup.h"

#define SMTP_DEFAULT_SIZE 10485760 /* 10 MiB, advertised in SIZE */
#define SMTP_DEFAULT_TIMEOUT 300   /* RFC 5321 4.5.3.2.7: 5 minutes */
#define SMTP_DEFAULT_RETRY 30      /* --retry: first delay of a relay */
#define SMTP_DEFAULT_LIFETIME 86400 /* --queue-lifetime: a day, then bounce */

/* What the command line set; shared read-only by every session. */
struct smtp_config {
	const char *maildir;
	char hostname[256];
	unsigned long max_size;
	int timeout;
	const char *users_file;  /* AUTH checks it; -U also checks RCPT */
	bool check_rcpt;         /* -U given: unknown users get 550 5.1.1 */
	bool auth_required;
	bool strict_crlf;
	bool pipelining, eightbit, esmtp;
	bool verbose;
	struct tls_server_setup tls; /* --tls-cert, --tls-key, --auth-tls-only */
	struct relay_config relay; /* --domain, --relay and the queue */
};

/*
 * Fill cfg (its defaults first) and srv (-p, -b, --max-clients, ...)
 * from argv, the teaching modes into teach; returns true for --stdio.
 * --help and --version print and exit 0; a bad option dies EX_USAGE.
 */
bool smtp_config_parse(int argc, char **argv, struct smtp_config *cfg,
                       struct server_config *srv, struct teach *teach);

/* After teach_start() (-e turns on -v): hand the queue runner its
 * settings, and start it beside the sessions when --relay was given. */
void smtp_config_relay(struct smtp_config *cfg, struct server_config *srv);

#endif
