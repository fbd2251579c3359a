/*
 * smtp_client_int: what smtp_client.c and smtp_client_auth.c share —
 * the error record, reading one reply, sending one command.  Not for
 * use outside those two files; callers use smtp_client.h.
 */
#ifndef MAILAB_SMTP_CLIENT_INT_H
#define MAILAB_SMTP_CLIENT_INT_H

#include <stddef.h>

#include "smtp_client.h"
#include "util.h"

#define SMTP_CMD_LINE 600 /* MAIL FROM:<256> and parameters: ample */

/* Called for each line of a reply (EHLO's extensions), index from 0. */
typedef void (*smtp_line_fn)(struct smtp_client *c, size_t index,
                             const char *text);

/* Record what failed in c->err and return status; after a status that
 * leaves the connection unusable, c->broken is set. */
int smtp_fail(struct smtp_client *c, int status, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

/* A 4xx/5xx (or unexpected) reply to what, as SMTP_ERR_TEMP/PERM/PROTOCOL. */
int smtp_refused(struct smtp_client *c, const struct smtp_reply *r,
                 const char *what);

/* Read one whole reply into r, with hard limits (RFC 5321 4.2.1);
 * on_line (or NULL) sees each line.  SMTP_OK or an error. */
int smtp_read_reply(struct smtp_client *c, struct smtp_reply *r,
                    smtp_line_fn on_line);

/* Queue one command line (the next read flushes it); never two. */
int smtp_send_cmd(struct smtp_client *c, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

#endif
