/*
 * imap_search: the SEARCH command (RFC 3501 6.4.4): its keys parsed
 * into a small tree, then tried on each message of the mailbox.
 *
 * Covers: ALL, ANSWERED, DELETED, DRAFT, FLAGGED, NEW, OLD, RECENT,
 * SEEN and their UN- forms, sequence sets, UID, NOT, OR, parentheses,
 * LARGER, SMALLER, BEFORE, ON, SINCE (the internal date), FROM, TO, CC,
 * BCC, SUBJECT, HEADER, BODY, TEXT (case-insensitive substrings of the
 * message as stored, not MIME-decoded), KEYWORD/UNKEYWORD (no keywords
 * are kept), CHARSET US-ASCII or UTF-8.  Leaves out: SENTBEFORE, SENTON,
 * SENTSINCE (BAD).
 */
#ifndef MAILAB_IMAP_SEARCH_H
#define MAILAB_IMAP_SEARCH_H

#include <stdbool.h>

#include "imap_mbox.h"
#include "imap_out.h"
#include "imap_parse.h"

#define SEARCH_NODES_MAX 64  /* keys in one SEARCH */
#define SEARCH_TEXT_MAX 256  /* one search string */

enum search_parse { SEARCH_OK, SEARCH_BAD, SEARCH_BADCHARSET };

struct search_prog;

/* Parse the keys; *prog is allocated (search_free it). */
enum search_parse search_parse(struct imap_p *ip, struct search_prog **prog);

/* "* SEARCH n..." with sequence numbers, or UIDs for UID SEARCH.
 * Returns how many messages could not be read (removed meanwhile). */
size_t search_run(struct imap_out *o, struct imbox *b,
                  const struct search_prog *prog, bool uid);
void search_free(struct search_prog *prog);

#endif
