/*
 * imap_mbox: the IMAP view of one Maildir (RFC 3501 2.3): messages in
 * UID order, their flags, \Recent, UIDVALIDITY and the next UID.
 *
 * Flags live in the file names, maildir(5) style: "<base>:2,<info>"
 * with D (\Draft), F (\Flagged), R (\Answered), S (\Seen), T
 * (\Deleted); other info letters are kept as they are.  A message is
 * known by its base name, which never changes, so a rename by another
 * session or by pop_server never makes it a new message.
 *
 * UIDs (RFC 3501 2.3.1.1) are kept in DIR/<box>/.mailab-imap-uidlist:
 * a first line "mailab-imap-uidlist 1 <uidvalidity> <uidnext>
 * <first-not-yet-recent-uid>", then one "<uid> <base>" a line.  It is
 * read and rewritten (tmp -> fsync -> rename) under an fcntl() lock on
 * .mailab-imap.lock, held only while a scan runs, so pop_server and any
 * number of IMAP sessions can use the mailbox at once.
 *
 * \Recent: the first read-write session to see a message claims it
 * (the uidlist's third number moves past it); EXAMINE shows it without
 * claiming.  A read-write session moves new/ into cur/, except while a
 * POP3 session holds the mailbox: its snapshot names files in new/.
 */
#ifndef MAILAB_IMAP_MBOX_H
#define MAILAB_IMAP_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maildir.h"

#define IMBOX_UIDLIST ".mailab-imap-uidlist"
#define IMBOX_LOCK ".mailab-imap.lock"
#define IMBOX_STAT_SETTLE 2 /* seconds: a directory changed this recently
                               is rescanned even if its mtime looks the same */

enum imbox_flag {
	IF_SEEN = 1 << 0,
	IF_ANSWERED = 1 << 1,
	IF_FLAGGED = 1 << 2,
	IF_DELETED = 1 << 3,
	IF_DRAFT = 1 << 4,
	IF_RECENT = 1 << 5   /* session only, never in a file name */
};
#define IF_STORABLE (IF_SEEN | IF_ANSWERED | IF_FLAGGED | IF_DELETED | IF_DRAFT)

struct imbox_msg {
	uint32_t uid;
	unsigned flags;          /* enum imbox_flag */
	bool in_new;             /* in new/ (else cur/) */
	size_t name;             /* offset of the file name in names */
	size_t base_len;         /* its base: up to the ":" */
	long long date;          /* delivery time (seconds), 0: unknown */
	unsigned long long size; /* RFC822.SIZE (CRLF), 0: not yet known */
};

struct imbox {
	char root[MAILDIR_PATH_MAX / 2];
	char box[MAILDIR_BOX_MAX + 1];
	bool readonly;           /* EXAMINE */
	uint32_t uidvalidity, uidnext;
	struct imbox_msg *msg;   /* UID order: message i is sequence i + 1 */
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	long long seen_new, seen_cur; /* directory mtimes at the last scan */
	long long scanned_at;
};

/* Callbacks for what a rescan found changed, in sequence numbers. */
struct imbox_events {
	void *ctx;
	void (*expunge)(void *ctx, uint32_t seq);
	void (*flags)(void *ctx, uint32_t seq, uint32_t uid, unsigned flags);
};

/* Open (SELECT: readonly false; EXAMINE: true).  0, or -1 with err. */
int imbox_open(char *err, struct imbox *b, const char *root, const char *box,
               bool readonly);
void imbox_close(struct imbox *b);

/*
 * Rescan (when the directories changed): report vanished messages and
 * flag changes by others through ev, append new ones.  *added says
 * how many arrived.  0, or -1 with err.
 */
int imbox_sync(char *err, struct imbox *b, const struct imbox_events *ev,
               size_t *added);

/* Counts for STATUS without selecting: a read-only scan. */
struct imbox_counts {
	size_t messages, recent, unseen;
	uint32_t uidnext, uidvalidity;
};
int imbox_status(char *err, const char *root, const char *box,
                 struct imbox_counts *c);

const char *imbox_name(const struct imbox *b, size_t i);

/* Open message i's file: an fd, or -1 with errno (ENOENT: removed by
 * another session).  Finds it again after a rename by someone else. */
int imbox_open_msg(struct imbox *b, size_t i);

/* RFC822.SIZE of message i, measured once when the name lacks W=. */
unsigned long long imbox_size(struct imbox *b, size_t i);

/* Set message i's stored flags (renaming its file).  0, or -1 with errno. */
int imbox_set_flags(struct imbox *b, size_t i, unsigned flags);

/* Remove every \Deleted message; ev->expunge for each.  Returns how
 * many could not be removed. */
size_t imbox_expunge(struct imbox *b, const struct imbox_events *ev);

/* Copy message i into the same mailbox, flags kept.  0 or -1 with err. */
int imbox_copy(char *err, struct imbox *b, size_t i);

#endif
