/*
 * localdrop: pop_client's local copy of a POP3 drop — a Maildir
 * DIR/{tmp,new,cur} (maildir(5)) that downloaded messages are delivered
 * into, with the record of which UIDLs (RFC 1939 7) are already here,
 * so that the next run skips them (as mpop and fetchmail do); and the
 * download itself, RETR by RETR (RFC 1939 5).
 *
 * A message is written to tmp/, fsync'd, and renamed into new/ as
 * <unique>,U=<uidl key>,S=<size>,W=<size with CRLF>.  The UIDL in the
 * name is the record: it appears in new/ by the same rename as the
 * message, so a run killed at any point (kill -9) leaves no message
 * without its record and no record without its message, and the next
 * run, which reads the names in new/ and cur/ at start, fetches each
 * message once.  The key is the UIDL with every octet outside
 * [A-Za-z0-9._-] written %XX (no '/', ',' or ':' can reach the name);
 * when that is longer than LOCALDROP_KEY_MAX, '~' and its MD5 in hex.
 * The rename is made durable by localdrop_sync(), which fsyncs new/
 * once for all the messages renamed since the last call: a group
 * commit, done before anything relies on them (DELE, QUIT).
 *
 * DIR/.uidl also lists the UIDLs downloaded, one a line ("#" lines are
 * comments), for messages that a mail reader has since deleted from
 * the Maildir; it is replaced atomically (tmp, fsync, rename) at
 * checkpoints.  Files left in tmp/ for over 36 hours are removed at
 * start (maildir(5)).
 */
#ifndef MAILAB_LOCALDROP_H
#define MAILAB_LOCALDROP_H

#include <stdbool.h>
#include <stddef.h>

#include "maildir.h"
#include "pop3_client.h"

#define LOCALDROP_FAILED (-10)  /* a local file failed: l->err says why */
#define LOCALDROP_CHECKPOINT 100 /* .uidl saved every this many messages */
#define LOCALDROP_WINDOW 32     /* RETRs in flight with PIPELINING */
#define LOCALDROP_KEY_MAX 64    /* a UIDL key in a file name; longer: MD5 */
#define LOCALDROP_SEEN_MAX (4 * POP3_MSGS_MAX) /* keys kept from DIR */
#define LOCALDROP_TMP_AGE (36L * 3600) /* maildir(5): tmp/ debris age */

typedef char uidl_t[POP3_UIDL_MAX + 1];
typedef char localdrop_key[LOCALDROP_KEY_MAX + 1];

struct localdrop {
	const char *dir;
	localdrop_key *seen;         /* from names and .uidl, sorted */
	size_t nseen, cap;
	unsigned long unsynced;      /* renamed into new/, new/ not fsync'd */
	struct maildir_delivery d;   /* the message being written */
	localdrop_key key;           /* the message being written: its UIDL */
	char err[MAILDIR_ERR_LEN];
};

/* Create DIR/{tmp,new,cur} if needed, remove old tmp/ debris, and
 * learn the UIDLs already here from the names in new/ and cur/ and
 * from DIR/.uidl.  0 or -1. */
int localdrop_open(struct localdrop *l, const char *dir);

/* Was this UIDL downloaded by an earlier run? */
bool localdrop_seen(const struct localdrop *l, const char *uidl);

/* One message (uidl NULL when the server has no UIDL): begin a file in
 * tmp/, write it, fsync it and rename it into new/ with its UIDL key in
 * the name (commit), or remove it (abort).  0 or -1 with err. */
int localdrop_begin(struct localdrop *l, const char *uidl);
void localdrop_write(struct localdrop *l, const void *p, size_t n);
int localdrop_commit(struct localdrop *l);
void localdrop_abort(struct localdrop *l);

/* fsync new/ so every message committed so far survives a crash. */
int localdrop_sync(struct localdrop *l);

/* Replace .uidl with ids[i] for each i in 1..count where keep[i]. */
int localdrop_save(struct localdrop *l, uidl_t *ids, const bool *keep,
                   unsigned long count);

void localdrop_close(struct localdrop *l);

/* One download: the drop as STAT, LIST and UIDL gave it, and counts. */
struct localdrop_job {
	struct pop3 *pop;
	unsigned long count;
	const unsigned long *sizes;  /* [1..count] from LIST */
	uidl_t *ids;                 /* [1..count] from UIDL, NULL without */
	bool *kept;                  /* [1..count]: set once safely here */
	unsigned long fetched, skipped, inflight;
	unsigned long long bytes;    /* octets fetched */
	void (*progress)(const struct localdrop_job *j, unsigned long i);
	void *ctx;                   /* for progress() */
};

/*
 * Fetch every message of the job not already here, in order, with RETRs
 * pipelined ahead (RFC 2449 6.6) when the server has PIPELINING; each
 * goes tmp -> fsync -> new/.  A -ERR for one message is reported and
 * the others go on.  Returns POP3_OK, the first POP3_* failure, or
 * LOCALDROP_FAILED.
 */
int localdrop_fetch(struct localdrop *l, struct localdrop_job *j);

/* Make what was fetched durable: fsync new/, and save .uidl when the
 * server has UIDL.  POP3_OK or LOCALDROP_FAILED. */
int localdrop_checkpoint(struct localdrop *l, struct localdrop_job *j);

#endif
