/*
 * maildir: the on-disk mail store, and the only module that builds a
 * path under it.  Layout: DIR/<mailbox>/{tmp,new,cur}/<unique name>.
 *
 * Delivery follows the Maildir protocol (qmail's maildir(5)): write the
 * message to tmp/, fsync it, link it into new/ of every recipient's
 * mailbox but the last and rename it into the last one, fsync each
 * new/.  A reader never sees a partial file; a crash leaves at most a
 * stray file in tmp/.
 *
 * Unique names look like 1764225601.M123456P4242Q3.host,S=812,W=830:
 * seconds, microseconds, pid and a per-process counter make them
 * unique; S= is the size on disk (LF line endings) and W= the size
 * with CRLF line endings, as POP3 counts it (Dovecot's convention:
 * each bare LF counts two, a CR LF already there counts as it is).
 *
 * The reading side (for pop_server): a snapshot of new/ and cur/ in
 * delivery order, sizes from W= (or from the file when a name lacks
 * it), UIDs, the per-mailbox lock, and the update at QUIT.  Flags in
 * the ":2,<flags>" info are kept as they are; only S is ever added.
 */
#ifndef MAILAB_MAILDIR_H
#define MAILAB_MAILDIR_H

#include <stddef.h>

#define MAILDIR_BOX_MAX 64     /* RFC 5321 4.5.3.1.1: local part <= 64 */
#define MAILDIR_PATH_MAX 1024  /* DIR/<box>/new/<unique>: ample */
#define MAILDIR_UNIQ_MAX 160   /* the unique part of a file name */
#define MAILDIR_WBUF 16384     /* write buffer: streaming, not holding */
#define MAILDIR_ERR_LEN (MAILDIR_PATH_MAX + 256)
#define MAILDIR_TMP_MAX_AGE (36 * 3600) /* maildir(5): tmp/ files older
                                           than 36 hours are debris */

/* Mailbox names come from lib/identity.h (id_rcpt_box, id_login_box):
 * this module takes them as given and only builds the paths. */

/* Create DIR/<box>/ with tmp/, new/, cur/ (mode 0700).  0 or -1. */
int maildir_make_box(char *err, const char *root, const char *box);

/* One message being delivered (streamed: memory never grows with it). */
struct maildir_delivery {
	int fd;                       /* the tmp/ file, -1 when none */
	unsigned long long size;      /* bytes written (LF endings) */
	unsigned long long newlines;  /* bare LFs: W = size + newlines */
	int last;                     /* the last byte written, -1 none */
	int failed;                   /* a write failed; errno in err_no */
	int err_no;
	char tmp_path[MAILDIR_PATH_MAX];
	char uniq[MAILDIR_UNIQ_MAX];
	size_t blen;
	unsigned char buf[MAILDIR_WBUF];
};

/* Open a new file in DIR/<box>/tmp/ (creating the mailbox). 0 or -1. */
int maildir_begin(char *err, struct maildir_delivery *d, const char *root,
                  const char *box);

/* Append bytes (buffered).  Errors are kept and reported by commit. */
void maildir_write(struct maildir_delivery *d, const void *p, size_t n);

/*
 * Make the message durable in new/ of every mailbox in boxes[]: fsync,
 * link, fsync the directories.  All or nothing: on failure every link
 * made is removed and -1 returned with err saying why.  The tmp/ file is
 * gone afterwards either way.
 */
int maildir_commit(char *err, struct maildir_delivery *d, const char *root,
                   const char *const boxes[], size_t nbox);

/* The name a delivery gets in new/: "<unique>,S=<size>,W=<CRLF size>". */
void maildir_delivery_name(const struct maildir_delivery *d, char *name,
                           size_t cap);

/* Take back a delivery: remove name from new/ of boxes[0..n-1]. */
void maildir_undo(const char *root, const char *const boxes[], size_t n,
                  const char *name);

/* Remove what killed writers left in DIR/<box>/tmp/: entries older than
 * MAILDIR_TMP_MAX_AGE, each logged.  Errors are ignored (best effort). */
void maildir_sweep_tmp(const char *root, const char *box);

/* Drop a delivery in progress: nothing stays in tmp/ or new/. */
void maildir_abort(struct maildir_delivery *d);

/* The first half of a commit, for a writer that names and places the
 * file itself (lib/localdrop): flush, fsync and close the tmp/ file.
 * 0, or -1 with err (the tmp/ file is removed). */
int maildir_end_write(char *err, struct maildir_delivery *d);

/* Build DIR/<box>/<sub>/<name> into path (MAILDIR_PATH_MAX). 0 or -1. */
int maildir_path(char *path, const char *root, const char *box,
                 const char *sub, const char *name);

/* fsync a directory so a rename or link in it survives a crash. */
int maildir_sync_dir(const char *path);

/* A fresh unique name (without the ,S= and ,W= sizes). */
void maildir_unique(char *uniq, size_t cap);

/* ---- the reading side: one user's maildrop, for POP3 ---- */

#define MAILDIR_UID_MAX 70  /* RFC 1939 7 (UIDL): 1-70 chars 0x21-0x7E */
#define MAILDIR_LOCK ".mailab-pop.lock" /* a dot-file: never a message */

/* One message of the snapshot. */
struct maildir_msg {
	size_t name;             /* offset of its file name in box->names */
	unsigned long long size; /* octets as POP3 sends it (CRLF endings) */
	long long sec;           /* delivery time, the sort key: seconds */
	long usec;               /* and microseconds */
	unsigned char in_new;    /* in new/ (else in cur/) */
	unsigned char deleted;   /* DELE: unlink at QUIT */
	unsigned char seen;      /* RETR: new/ -> cur/<name>:2,S at QUIT */
};

/* A locked mailbox and the snapshot taken at login. */
struct maildir_box {
	char path[MAILDIR_PATH_MAX]; /* DIR/<box> */
	int lock_fd;                 /* holds the fcntl lock; -1 when none */
	struct maildir_msg *msg;     /* oldest first */
	size_t n, cap;
	char *names;                 /* every file name, NUL-separated */
	size_t names_len, names_cap;
};

/*
 * Take the mailbox's exclusive lock: an fcntl() write lock on
 * DIR/<box>/.mailab-pop.lock, which the kernel drops when the process
 * ends, even by SIGKILL.  Creates the mailbox when it does not exist
 * (a user with no mail yet has an empty maildrop).  Returns 0 (locked),
 * 1 (another process holds it) or -1 (err says why).
 */
int maildir_lock(char *err, struct maildir_box *b, const char *root,
                 const char *box);

/*
 * Read new/ and cur/ into the snapshot, oldest first (by the time in
 * the unique name, else the file's mtime).  Files appearing later are
 * not in it.  0, or -1 with err.
 */
int maildir_scan(char *err, struct maildir_box *b);

/* The file name of message i (0-based) in new/ or cur/. */
const char *maildir_msg_name(const struct maildir_box *b, size_t i);

/*
 * Message i's UID: its unique name without the ":2," info, which stays
 * the same across sessions and across the new/ -> cur/ rename.  A name
 * that is too long or not printable gets the MD5 of it in hex instead.
 */
void maildir_uid(const struct maildir_box *b, size_t i,
                 char uid[MAILDIR_UID_MAX + 1]);

/* Open message i for reading; an fd or -1 (errno set).  Never blocks:
 * a FIFO or other non-regular file is refused (EINVAL) and logged. */
int maildir_open_msg(const struct maildir_box *b, size_t i);

/*
 * The UPDATE state (RFC 1939 6): unlink the deleted messages, move the
 * seen ones from new/ to cur/<name>:2,S, fsync both directories.
 * Touches only snapshot files.  Returns how many deletions failed
 * (they stay on disk), or -1 when the directories could not be synced.
 */
int maildir_update(char *err, struct maildir_box *b);

/* Free the snapshot and release the lock. */
void maildir_close(struct maildir_box *b);

/*
 * POP3 sizes (W=): every bare LF is sent as CR LF, and a last line
 * without its LF gets a CRLF too.  maildir_bare_lf counts the LFs in p
 * not preceded by a CR; *last is the byte before p (-1 at the start)
 * and is updated, so a message can be counted chunk by chunk.
 */
unsigned long long maildir_bare_lf(const void *p, size_t n, int *last);

/* W from S, the bare LF count and the last byte of the file (-1: empty). */
unsigned long long maildir_pop_size(unsigned long long size,
                                    unsigned long long bare_lf, int last);

#endif
