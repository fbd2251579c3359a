/*
 * delivery: what smtp_server does with a message once DATA has begun —
 * the envelope of the transaction, the trace headers every delivery
 * prepends (Return-Path, Received: RFC 5321 4.4), and the all-or-
 * nothing commit into every local mailbox's new/ and, for routed
 * recipients, into the relay queue with its envelope (lib/queue.h).
 *
 * The Received: header's TCP-info is the connection's address, never
 * the client's word: "from HELO ([ADDRESS])" (RFC 5321 4.4), so the lab
 * can show that HELO is a claim and the address a fact.
 *
 * Return convention (lib/util.h): 0, or -1 with the reason in err.
 */
#ifndef MAILAB_DELIVERY_H
#define MAILAB_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "identity.h"
#include "maildir.h"
#include "smtp_data.h"

#define DELIVERY_RCPT_MAX 100 /* RFC 5321 4.5.3.1.8: at least 100 */

/* One transaction's envelope (RFC 5321 4.1.1.2, 4.1.1.3). */
struct envelope {
	char from[ADDR_MAX + 1];                 /* "" for <> */
	char rcpt[DELIVERY_RCPT_MAX][ADDR_MAX + 1];
	bool routed[DELIVERY_RCPT_MAX];          /* for a --relay domain */
	char box[DELIVERY_RCPT_MAX][ID_BOX_MAX + 1]; /* local mailboxes */
	size_t nrcpt, nbox, nrouted;
};

/* Who handed the message over, for the Received: header. */
struct delivery_trace {
	const char *helo;     /* the client's claim */
	const char *addr;     /* the connection's peer address: the fact */
	const char *by;       /* our host name */
	const char *with;     /* "SMTP", "ESMTP", "UTF8SMTP" (RFC 3848) */
	bool authenticated;   /* RFC 3848: ESMTPA */
};

/* Forget every recipient and the sender (RSET, HELO, end of DATA). */
void envelope_reset(struct envelope *e);

/* Add a recipient: box is its local mailbox, or NULL when routed.  One
 * copy per mailbox, however the recipients name it.  0, or -1 full. */
int envelope_add(struct envelope *e, const char *rcpt, const char *box);

/* Start a delivery into the first local mailbox's tmp/ (or the queue's),
 * sweeping that tmp/ of what killed writers left (36 hours, as Maildir
 * writers do).  id (MAILDIR_UNIQ_MAX) gets the log's short id. */
int delivery_begin(char *err, struct maildir_delivery *d, const char *root,
                   const struct envelope *e, char *id);

/*
 * Read DATA's message up to its end mark from c, through the decoder r
 * (lib/smtp_data.h), into d.  Memory stays at one fragment whatever the
 * size: a 1 MiB line arrives in pieces.  prev: how the DATA line ended.
 * CONN_LINE when the end was seen, else why not (the caller then
 * aborts d).
 */
enum conn_status delivery_receive(struct conn *c, enum conn_ending prev,
                                  unsigned long long max,
                                  struct maildir_delivery *d,
                                  struct smtp_data *r);

/* Write Return-Path and Received (RFC 5321 4.4) at the top. */
void delivery_trace(struct maildir_delivery *d, const struct envelope *e,
                    const struct delivery_trace *t, const char *id);

/* Link the message into every mailbox and the queue.  All or nothing. */
int delivery_commit(char *err, struct maildir_delivery *d, const char *root,
                    const struct envelope *e);

#endif
