/*
 * dsn: bounces.  When the relay gives up on recipients (a 5xx from the
 * next server, or --queue-lifetime passed), the sender gets a delivery
 * status notification in the shape of RFC 3464: multipart/report with
 * a human-readable part, a message/delivery-status part and the
 * original message's headers (RFC 6522), from MAILER-DAEMON with the
 * null reverse-path <> so that it can never bounce again.
 */
#ifndef MAILAB_DSN_H
#define MAILAB_DSN_H

#include <stddef.h>

#include "queue.h"
#include "relay.h"

struct dsn_failure {
	const char *rcpt; /* the recipient given up on */
	const char *diag; /* the last reply, e.g. "550 5.1.1 no such user" */
};

/*
 * Deliver a bounce for e's failed recipients to the sender's local
 * mailbox.  A null sender (a bounce itself) or a sender who is not
 * local gets no mail, only a log line.  0 when handled, -1 on error.
 */
int dsn_bounce(const struct relay_config *rc, const struct queue_entry *e,
               const struct dsn_failure *f, size_t n);

/* The RFC 3463 status in a reply ("5.1.1"), or fallback. */
void dsn_status(const char *diag, const char *fallback, char *out,
                size_t cap);

#endif
