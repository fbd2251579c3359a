/*
 * localdrop: pop_client's local copy of a POP3 drop — a Maildir
 * DIR/{tmp,new,cur} (maildir(5)) that downloaded messages are delivered
 * into, and the file DIR/.uidl that lists the UIDLs (RFC 1939 7)
 * already downloaded, so that the next run skips them (as mpop and
 * fetchmail do); and the download itself, RETR by RETR (RFC 1939 5).
 *
 * A message is written to tmp/, fsync'd, and renamed into new/ as
 * <unique>,S=<size>,W=<size with CRLF> (the names of the maildir
 * module).  The rename is made durable by localdrop_sync(), which
 * fsyncs new/ once for all the messages renamed since the last call: a
 * group commit, done before anything relies on them (.uidl, DELE).
 *
 * .uidl is one UIDL a line, "#" lines are comments; it is replaced
 * atomically (written to a temporary file, fsync'd, renamed), so a
 * crash leaves the old list or the new one, never half of one.
 */
#ifndef MAILAB_LOCALDROP_H
#define MAILAB_LOCALDROP_H

#include <stdbool.h>
#include <stddef.h>

#include "maildir.h"
#include "pop3_client.h"

#define LOCALDROP_BUF 65536     /* write buffer: a message streams through */
#define LOCALDROP_FAILED (-10)  /* a local file failed: l->err says why */
#define LOCALDROP_CHECKPOINT 100 /* .uidl saved every this many messages */
#define LOCALDROP_WINDOW 32     /* RETRs in flight with PIPELINING */

typedef char uidl_t[POP3_UIDL_MAX + 1];

struct localdrop {
	const char *dir;
	uidl_t *seen;                /* from .uidl, sorted for bsearch() */
	size_t nseen;
	int fd;                      /* the tmp/ file, -1 when none */
	int err_no;                  /* a write failed: its errno */
	unsigned long long size, newlines; /* newlines: bare LFs, for W= */
	int last;                    /* the last byte written, -1 none */
	unsigned long unsynced;      /* renamed into new/, new/ not fsync'd */
	char tmp_path[MAILDIR_PATH_MAX];
	char uniq[MAILDIR_UNIQ_MAX];
	char err[MAILDIR_ERR_LEN];
	size_t blen;
	unsigned char buf[LOCALDROP_BUF];
};

/* Create DIR/{tmp,new,cur} if needed and read DIR/.uidl.  0 or -1. */
int localdrop_open(struct localdrop *l, const char *dir);

/* Was this UIDL downloaded by an earlier run? */
bool localdrop_seen(const struct localdrop *l, const char *uidl);

/* One message: begin a file in tmp/, write it, fsync it and rename it
 * into new/ (commit), or remove it (abort).  0 or -1 with err. */
int localdrop_begin(struct localdrop *l);
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
