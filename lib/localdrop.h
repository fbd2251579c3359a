/*
 * localdrop: pop_client's local copy of a POP3 drop — a Maildir
 * DIR/{tmp,new,cur} (maildir(5)) that downloaded messages are delivered
 * into through the maildir module (tmp -> fsync -> link into new/), and
 * the file DIR/.uidl that lists the UIDLs (RFC 1939 7) already
 * downloaded, so that the next run skips them (as mpop and fetchmail do).
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

typedef char uidl_t[POP3_UIDL_MAX + 1];

struct localdrop {
	const char *dir;
	uidl_t *seen;           /* from .uidl, sorted for bsearch() */
	size_t nseen;
	struct maildir_delivery d;
	char err[MAILDIR_ERR_LEN];
};

/* Create DIR/{tmp,new,cur} if needed and read DIR/.uidl.  0 or -1. */
int localdrop_open(struct localdrop *l, const char *dir);

/* Was this UIDL downloaded by an earlier run? */
bool localdrop_seen(const struct localdrop *l, const char *uidl);

/* One message: begin a file in tmp/, write it, commit it to new/. */
int localdrop_begin(struct localdrop *l);
void localdrop_write(struct localdrop *l, const void *p, size_t n);
int localdrop_commit(struct localdrop *l);
void localdrop_abort(struct localdrop *l);

/* Replace .uidl with ids[i] for each i in 1..count where keep[i]. */
int localdrop_save(struct localdrop *l, uidl_t *ids, const bool *keep,
                   unsigned long count);

void localdrop_close(struct localdrop *l);

#endif
