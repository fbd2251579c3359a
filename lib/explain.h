/*
 * explain: the -e/--explain teaching mode (SPEC "Teaching modes").
 * Right after each C:/S: trace line, one indented line (it starts with
 * spaces) says in one sentence what that line does, with its RFC and
 * section, in the current language (lib/i18n).  A line it cannot
 * explain gets none.
 *
 * The texts live in one table per protocol (explain_smtp.c,
 * explain_pop3.c, explain_imap.c; the message's own lines — header
 * fields, the blank line, dot-stuffing, base64 — in explain.c), keyed
 * by verb for client lines and by reply code, status or class for
 * server lines.  Each row holds English and Turkish.
 *
 * What it covers: every command of SMTP, POP3 and the IMAP4rev1 subset
 * SPEC lists; every reply class (2xx..5xx, +OK/-ERR, OK/NO/BAD) and the
 * notable codes; RFC 3463 enhanced status classes; RFC 2449/3206 and
 * RFC 3501 response codes; EHLO keywords and CAPA capabilities; AUTH's
 * base64 decoded; DATA's 354 and the final dot; dot-stuffed lines; a
 * message's notable header fields (an RFC 2047 Subject decoded).
 * Left out: body lines, unknown verbs, IMAP literal contents past the
 * header (they are the message, not the protocol).
 */
#ifndef MAILAB_EXPLAIN_H
#define MAILAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum explain_proto { EXPLAIN_SMTP, EXPLAIN_POP3, EXPLAIN_IMAP };
enum explain_dir { EXPLAIN_C, EXPLAIN_S }; /* client to server, server to client */

#define EXPLAIN_PENDING_MAX 32 /* commands sent and not yet answered */
#define EXPLAIN_VERB_MAX 16
#define EXPLAIN_TEXT_MAX 512   /* one explanation line, decoded text included */

/*
 * What the explainer must remember between lines, so that a message's
 * lines are never taken for commands and a reply finds its command.
 */
struct explain_state {
	bool seen_server;   /* the greeting is behind us */
	bool in_data;       /* SMTP: 354 .. "."; POP3: a multi-line response */
	bool in_header;     /* ...and still in the message's header section */
	bool in_multi;      /* SMTP: inside a multi-line reply (ddd-) */
	bool auth_wait;     /* the next client line is a SASL response */
	bool idling;        /* IMAP: IDLE until DONE */
	char list_kind;     /* POP3: 'm' message, 'l' LIST, 'u' UIDL, 'c' CAPA, 's' SASL */
	unsigned long literal[2]; /* IMAP: octets of a literal still to come, by dir */
	unsigned head, npending;
	char pending[EXPLAIN_PENDING_MAX][EXPLAIN_VERB_MAX];
};

/* One row: key, then the sentence in English and in Turkish. */
struct explain_entry {
	const char *key, *en, *tr;
};

void explain_init(struct explain_state *st);

/*
 * After printing the trace line (len bytes, no CRLF) of dir, print its
 * explanation on out (zero or one line) and update st.
 */
void explain_line(enum explain_proto proto, enum explain_dir dir,
                  const char *line, size_t len, struct explain_state *st,
                  FILE *out);

/*
 * PIPELINING: call it when n commands went out before their replies
 * (RFC 2920 3.1), after their trace lines; n < 2 prints nothing.
 */
void explain_batch(enum explain_proto proto, unsigned n, FILE *out);

/* The row of key in proto's table (or the shared one), or NULL: for tests. */
const struct explain_entry *explain_find(enum explain_proto proto, const char *key);

/* Every row of proto's table, then the shared one's: for tests. */
size_t explain_count(enum explain_proto proto);
const struct explain_entry *explain_entry_at(enum explain_proto proto, size_t i);

extern const struct explain_entry explain_smtp[], explain_pop3[],
	explain_imap[], explain_common[];
extern const size_t explain_nsmtp, explain_npop3, explain_nimap,
	explain_ncommon;

#endif
