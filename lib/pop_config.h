/*
 * pop_config: pop_server's start-up — what its command line sets
 * (struct pop_config, with the defaults), its --help text and its
 * options table.
 * The protocol itself is in pop_server.c; nothing here runs once the
 * sessions have started, and every session reads the config only.
 */
#ifndef MAILAB_POP_CONFIG_H
#define MAILAB_POP_CONFIG_H

#include <stdbool.h>

#include "server.h"
#include "teach.h"
#include "tls_setup.h"

#define POP_DEFAULT_TIMEOUT 600 /* RFC 1939 3: at least 10 minutes */

/* What the command line set; shared read-only by every session. */
struct pop_config {
	const char *maildir;
	const char *users_file;
	char hostname[256];
	int timeout;
	bool verbose;
	struct tls_server_setup tls; /* --tls-cert, --tls-key */
};

/*
 * Fill cfg (its defaults first) and srv (-p, -b, --max-clients, ...)
 * from argv, the teaching modes into teach; returns true for --stdio.
 * --help and --version print and exit 0; a bad option dies EX_USAGE.
 */
bool pop_config_parse(int argc, char **argv, struct pop_config *cfg,
                      struct server_config *srv, struct teach *teach);

#endif
