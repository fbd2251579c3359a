/*
 * send_options: mail_send's command line — what it asks for (struct
 * send_options, the seed's message where nothing is given), its --help
 * text and its options: the addresses of -f/-t/-c/--bcc checked as RFC
 * 5322 3.4 mailboxes, the limits on lists, and the combinations that
 * make no sense refused (EX_USAGE) before anything is sent.
 */
#ifndef MAILAB_SEND_OPTIONS_H
#define MAILAB_SEND_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"
#include "teach.h"
#include "tls_setup.h"

#define MAIL_RCPT_MAX 100     /* RFC 5321 4.5.3.1.8: servers take 100 */
#define MAIL_ATTACH_MAX 32    /* -a files per message */
#define MAIL_HEADER_MAX 32    /* --header lines per message */
#define MAIL_NAME_MAX 200     /* a display name, octets (RFC 5322 3.4) */
#define MAIL_TLS_PORT 1465    /* --tls: the lab's 465 (RFC 8314 7.3) */

/* The seed's message (its mail.py): sent when no option says otherwise. */
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

/* What the command line asked for. */
struct send_options {
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

/*
 * Fill o from argv: the seed's values first, then the options, the
 * teaching modes into teach.  --help and --version print and exit 0; a
 * bad option or combination dies with EX_USAGE.
 */
void send_options_parse(int argc, char **argv, struct send_options *o,
                        struct teach *teach);

#endif
