/*
 * queue: the relay's durable queue, DIR/.queue/ (a leading dot can
 * never be a mailbox name).  Laid out like a Maildir:
 *
 *   .queue/new/<name>   the message, linked there by maildir_commit()
 *                       in the same step that delivers local copies
 *   .queue/env/<name>   its envelope: sender, recipients still to do,
 *                       arrival time, attempts, time of the next try
 *   .queue/tmp/         where both are written before the rename
 *
 * An envelope is written tmp -> fsync -> rename -> fsync(env/): it is
 * the commit point, so "250" means the message and its envelope are on
 * disk.  The queue runner rewrites it the same way after each attempt.
 */
#ifndef MAILAB_QUEUE_H
#define MAILAB_QUEUE_H

#include <stddef.h>

#include "address.h"
#include "maildir.h"

#define QUEUE_BOX ".queue"
#define QUEUE_RCPT_MAX 100 /* as many as one SMTP transaction may carry */

struct queue_entry {
	char name[MAILDIR_UNIQ_MAX + 48]; /* file name in new/ and env/ */
	char from[ADDR_MAX + 1];          /* "" for the null sender <> */
	long long arrived;                /* when we took it (time_t) */
	long long next;                   /* no try before this time */
	unsigned attempts;                /* tries made so far */
	size_t nrcpt;
	char rcpt[QUEUE_RCPT_MAX][ADDR_MAX + 1];
};

/* Create the queue's directories (each new one's parent fsync'd) if
 * they are missing.  0, or -1 with err naming the one that failed. */
int queue_make(char *err, const char *root);

/* Write (or rewrite) an envelope durably.  0, or -1 with err. */
int queue_write(char *err, const char *root, const struct queue_entry *e);

/* Read the envelope called name.  0, or -1 with err. */
int queue_read(char *err, const char *root, const char *name,
               struct queue_entry *e);

/* Forget a message: its envelope first, then the message itself. */
void queue_remove(const char *root, const char *name);

/* Open the message for reading; a file descriptor or -1. */
int queue_open_msg(const char *root, const char *name);

/*
 * Call fn for each envelope in the queue (in no particular order);
 * fn returns 0 to go on.  Returns how many were visited, or -1.
 */
int queue_each(const char *root, int (*fn)(const char *name, void *ctx),
               void *ctx);

/*
 * Remove messages in new/ that have no envelope and were last changed
 * before older_than (a time_t): left by a crash between the message and
 * its envelope, so never acknowledged with 250.
 */
void queue_sweep_orphans(const char *root, long long older_than);

#endif
