/*
 * imap_fetch: the FETCH command's items (RFC 3501 6.4.5, 7.4.2): their
 * parsing, and the "* n FETCH (...)" response for one message.
 *
 * Covers: FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY,
 * BODYSTRUCTURE, BODY[section]<partial> and BODY.PEEK[...] with HEADER,
 * HEADER.FIELDS (.NOT), TEXT, MIME and part numbers, RFC822,
 * RFC822.HEADER, RFC822.TEXT, and the macros ALL, FAST, FULL.
 * Bodies are streamed from the file; only ENVELOPE, BODY[STRUCTURE]
 * and sections below the whole message need its structure (imap_msg).
 */
#ifndef MAILAB_IMAP_FETCH_H
#define MAILAB_IMAP_FETCH_H

#include <stdbool.h>

#include "imap_mbox.h"
#include "imap_msg.h"
#include "imap_out.h"
#include "imap_parse.h"

#define FETCH_ATT_MAX 32      /* items in one FETCH */
#define FETCH_LABEL_MAX 1024  /* "BODY[HEADER.FIELDS (...)]" as echoed */

enum fetch_kind { FA_FLAGS, FA_UID, FA_INTERNALDATE, FA_SIZE, FA_ENVELOPE,
	          FA_BODY, FA_BODYSTRUCTURE, FA_SECTION };

struct fetch_att {
	enum fetch_kind kind;
	bool peek;                 /* BODY.PEEK, RFC822.HEADER: no \Seen */
	char label[FETCH_LABEL_MAX];
	struct imsg_section sec;
};

struct fetch_req {
	struct fetch_att att[FETCH_ATT_MAX];
	size_t n;
};

/* Parse the items after the sequence set; UID FETCH adds UID.  false:
 * a syntax error (BAD). */
bool fetch_parse(struct imap_p *ip, struct fetch_req *r, bool uid);

/*
 * Send "* seq FETCH (...)" for message i.  A section read without
 * PEEK sets \Seen (not when read-only).  Returns 0, or -1 when the
 * message file has gone (removed by another session): nothing sent.
 */
int fetch_one(struct imap_out *o, struct imbox *b, size_t i,
              const struct fetch_req *r);

/* STORE's flag-list, "(" [flag *(SP flag)] ")" or flags without the
 * parentheses (RFC 3501 6.4.6): the system flags in it; keywords are
 * accepted and not kept (PERMANENTFLAGS has no \*).  false: BAD. */
bool fetch_parse_flags(struct imap_p *ip, unsigned *flags);

/* (\Seen \Deleted ...) and " \Recent" as FLAGS shows them. */
void fetch_send_flags(struct imap_out *o, unsigned flags);

#endif
