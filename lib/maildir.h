/*
 * maildir: the on-disk mail store, and the only module that builds a
 * path under it.  Layout: DIR/<mailbox>/{tmp,new,cur}/<unique name>.
 *
 * Delivery follows the Maildir protocol (qmail's maildir(5)): write the
 * message to tmp/, fsync it, link it into new/ of every recipient's
 * mailbox, fsync each new/, then remove the tmp/ name.  A reader never
 * sees a partial file; a crash leaves at most a stray file in tmp/.
 *
 * Unique names look like 1764225601.M123456P4242Q3.host,S=812,W=830:
 * seconds, microseconds, pid and a per-process counter make them
 * unique; S= is the size on disk (LF line endings) and W= the size
 * with CRLF line endings, as POP3 counts it (Dovecot's convention).
 */
#ifndef MAILAB_MAILDIR_H
#define MAILAB_MAILDIR_H

#include <stddef.h>

#define MAILDIR_BOX_MAX 64     /* RFC 5321 4.5.3.1.1: local part <= 64 */
#define MAILDIR_PATH_MAX 1024  /* DIR/<box>/new/<unique>: ample */
#define MAILDIR_UNIQ_MAX 160   /* the unique part of a file name */
#define MAILDIR_WBUF 16384     /* write buffer: streaming, not holding */
#define MAILDIR_ERR_LEN (MAILDIR_PATH_MAX + 256)

/*
 * The mailbox for an address's local part: lower-cased, "+tag" dropped.
 * Refuses (returns -1) what would be an unsafe path: empty, "." or
 * "..", a leading dot, '/', '\\', a control byte or DEL, over 64 octets.
 * box must hold MAILDIR_BOX_MAX + 1 bytes.
 */
int maildir_box_name(const char *local, size_t len, char *box);

/* Create DIR/<box>/ with tmp/, new/, cur/ (mode 0700).  0 or -1. */
int maildir_make_box(char *err, const char *root, const char *box);

/* One message being delivered (streamed: memory never grows with it). */
struct maildir_delivery {
	int fd;                       /* the tmp/ file, -1 when none */
	unsigned long long size;      /* bytes written (LF endings) */
	unsigned long long newlines;  /* LFs written: W = size + newlines */
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

/* Drop a delivery in progress: nothing stays in tmp/ or new/. */
void maildir_abort(struct maildir_delivery *d);

/* Build DIR/<box>/<sub>/<name> into path (MAILDIR_PATH_MAX). 0 or -1. */
int maildir_path(char *path, const char *root, const char *box,
                 const char *sub, const char *name);

/* fsync a directory so a rename or link in it survives a crash. */
int maildir_sync_dir(const char *path);

/* A fresh unique name (without the ,S= and ,W= sizes). */
void maildir_unique(char *uniq, size_t cap);

#endif
