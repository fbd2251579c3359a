/*
 * popc_options: pop_client's command line — what it asks for (struct
 * popc_options, with the defaults: gizem/1234 on localhost), its
 * --help text and its options, with the combinations that make no
 * sense (--delete without -o DIR) refused before anything is sent.
 */
#ifndef MAILAB_POPC_OPTIONS_H
#define MAILAB_POPC_OPTIONS_H

#include <stdbool.h>

#include "teach.h"
#include "tls_setup.h"

#define POPC_DEFAULT_PORT 1110    /* pop_server's port (110 needs root) */
#define POPC_TLS_PORT 1995        /* --tls: the lab's 995 (RFC 8314 7.3) */
#define POPC_DEFAULT_TIMEOUT 60   /* seconds without an answer */

/* What pop_client does once logged in. */
enum popc_mode { MODE_SHOW, MODE_LIST, MODE_UIDL, MODE_ALL, MODE_DOWNLOAD };

/* What the command line asked for. */
struct popc_options {
	const char *host, *user, *pass, *outdir;
	unsigned port;
	unsigned long msg;
	long top;               /* --top LINES, -1 for RETR */
	int timeout;
	bool apop, delete, raw, verbose;
	enum popc_mode mode;
	struct tls_client_setup tls; /* --stls, --tls, --cafile, --insecure */
};

/*
 * Fill o from argv: the defaults first, then the options, the teaching
 * modes into teach.  --help and --version print and exit 0; a bad
 * option or combination exits with EX_USAGE.
 */
void popc_options_parse(struct popc_options *o, int argc, char **argv,
                        struct teach *teach);

#endif
