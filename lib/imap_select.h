/*
 * imap_select: what imap_server's handlers do to a selected mailbox,
 * kept out of the protocol file so that it reads as states, table and
 * handlers: SELECT's untagged data (RFC 3501 6.3.1), STATUS's items
 * (6.3.10), FETCH, STORE and COPY run over the messages a sequence set
 * names, by number or by UID (6.4.5-6.4.8, 9: seq-number), STORE's
 * request (6.4.6), the "* n FETCH (FLAGS ...)" line that reports a flag
 * change (7.4.2), the news a rescan finds (7.3, 7.4) and IDLE's wait
 * (RFC 2177).
 *
 * Leaves out: the replies (imap_server.c's, through lib/session).
 */
#ifndef MAILAB_IMAP_SELECT_H
#define MAILAB_IMAP_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imap_fetch.h"
#include "imap_mbox.h"
#include "imap_out.h"
#include "imap_parse.h"

#define ISEL_STATUS_MAX 256 /* "MESSAGES n RECENT n ..." of STATUS */

/* The system flags, as FLAGS and PERMANENTFLAGS list them. */
#define ISEL_FLAGS "\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/* How many messages hold \Recent. */
size_t isel_recent(const struct imbox *b);

/* The untagged lines of a successful SELECT or EXAMINE. */
void isel_select_data(struct imap_out *o, const struct imbox *b);

/*
 * STATUS's item list, after its "(": the items (MESSAGES RECENT
 * UIDNEXT UIDVALIDITY UNSEEN) and ")" read from ip, their values from
 * c written into line (ISEL_STATUS_MAX bytes).  false: an unknown item
 * or no ")".
 */
bool isel_status_items(struct imap_p *ip, const struct imbox_counts *c,
                       char *line);

/* Message numbers past the end are a client error (RFC 3501 9:
 * seq-number); UIDs that do not exist are just not there. */
bool isel_in_range(const struct imbox *b, const struct imap_seq *set,
                   bool uid);

/*
 * Each message the set names (UIDs when uid), in order, until the peer
 * is gone: FETCH's "* n FETCH (...)" (imap_fetch); STORE's new flags,
 * with a FETCH line each unless .SILENT; COPY into the same mailbox
 * (a failure logged for peer).  Each returns how many messages failed:
 * removed by another session (POP3 or IMAP) meanwhile, or not copied.
 */
struct isel_store;
size_t isel_fetch(struct imap_out *o, struct imbox *b, const struct imap_seq *set,
                  bool uid, const struct fetch_req *r);
size_t isel_store(struct imap_out *o, struct imbox *b, const struct imap_seq *set,
                  bool uid, const struct isel_store *r);
size_t isel_copy(struct imbox *b, const struct imap_seq *set, bool uid,
                 const char *peer);

/* STORE's request: which flags, and how (RFC 3501 6.4.6). */
struct isel_store {
	int how;        /* -1 remove, 0 replace, +1 add */
	bool silent;    /* .SILENT: no FETCH lines back */
	unsigned flags;
};
enum isel_store_parse { ISEL_STORE_OK, ISEL_STORE_SYNTAX, ISEL_STORE_ITEM };

/* "[+-]FLAGS[.SILENT] (flags)" up to the end of the command. */
enum isel_store_parse isel_store_parse(struct imap_p *ip,
                                       struct isel_store *r);


/* "* seq FETCH ([UID uid ]FLAGS (...))": a flag change reported. */
void isel_send_flags(struct imap_out *o, uint32_t seq, const uint32_t *uid,
                     unsigned flags);

/*
 * Look at the Maildir again and tell the client what changed (RFC 3501
 * 7.3, 7.4): "* n EXPUNGE" for a message another session removed, a
 * FETCH line (with its UID when uid) for flags another session set,
 * "* n EXISTS" and "* n RECENT" when mail arrived.  0, or -1 with err.
 */
int isel_sync(char *err, struct imap_out *o, struct imbox *b, bool uid);

/*
 * RFC 2177 IDLE: wait for the client's next line, looking at the
 * mailbox b (NULL: none selected) every ISEL_IDLE_POLL_MS with
 * isel_sync (a portable poll, no inotify).  CONN_LINE when input came;
 * CONN_STOP on a signal, CONN_TIMEOUT after timeout_s seconds of it
 * (RFC 3501 5.4), CONN_ERROR when the peer is gone.  A failed look is
 * logged for peer.
 */
#define ISEL_IDLE_POLL_MS 1000
enum conn_status isel_idle_wait(struct conn *c, struct imap_out *o,
                                struct imbox *b, bool uid, int timeout_s,
                                const char *peer);

#endif
