/*
 * imap_config: imap_server's start-up — what its command line sets
 * (struct imap_config, with the defaults), its --help text and its
 * options table.
 * The protocol itself is in imap_server.c; nothing here runs once the
 * sessions have started, and every session reads the config only.
 */
#ifndef MAILAB_IMAP_CONFIG_H
#define MAILAB_IMAP_CONFIG_H

#include <stdbool.h>

#include "server.h"
#include "teach.h"

#define IMAP_DEFAULT_TIMEOUT 1800    /* RFC 3501 5.4: at least 30 minutes */

/* What the command line set; shared read-only by every session. */
struct imap_config {
	const char *maildir;
	const char *users_file;
	int timeout;
	bool verbose;
};

/*
 * Fill cfg (its defaults first) and srv (-p, -b, --max-clients, ...)
 * from argv, the teaching modes into teach; returns true for --stdio.
 * --help and --version print and exit 0; a bad option dies EX_USAGE.
 */
bool imap_config_parse(int argc, char **argv, struct imap_config *cfg,
                       struct server_config *srv, struct teach *teach);

#endif
