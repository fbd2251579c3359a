/*
 * maildir: paths under the mail store and crash-safe delivery (tmp ->
 * fsync -> rename, all or nothing).  The reading side is in
 * maildir_drop.c.  See maildir.h.
 */
#include "maildir.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int maildir_path(char *path, const char *root, const char *box,
                 const char *sub, const char *name)
{
	int n;

	if (sub == NULL)
		n = snprintf(path, MAILDIR_PATH_MAX, "%s/%s", root, box);
	else if (name == NULL)
		n = snprintf(path, MAILDIR_PATH_MAX, "%s/%s/%s", root, box, sub);
	else
		n = snprintf(path, MAILDIR_PATH_MAX, "%s/%s/%s/%s", root, box,
		             sub, name);
	if (n < 0 || n >= MAILDIR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir, and when it made something, fsync the parent so that the new
 * entry survives a crash (a first delivery creates the mailbox). */
static int make_dir(const char *path)
{
	char parent[MAILDIR_PATH_MAX];
	const char *slash;

	if (mkdir(path, 0700) < 0)
		return errno == EEXIST ? 0 : -1;
	slash = strrchr(path, '/');
	if (slash == NULL)
		return maildir_sync_dir(".");
	snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
	return maildir_sync_dir(slash == path ? "/" : parent);
}

int maildir_make_box(char *err, const char *root, const char *box)
{
	static const char *const subs[] = { NULL, "tmp", "new", "cur" };
	char path[MAILDIR_PATH_MAX];

	if (make_dir(root) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot create %s: %s"), root,
		         strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (maildir_path(path, root, box, subs[i], NULL) < 0 ||
		    make_dir(path) < 0) {
			snprintf(err, MAILDIR_ERR_LEN, _("cannot create %s: %s"),
			         path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void maildir_unique(char *uniq, size_t cap)
{
	static unsigned long counter; /* per process: pid makes it unique */
	static char safe[256];        /* the host part, worked out once */
	struct timeval tv;

	if (safe[0] == '\0') {
		char host[256];
		size_t n = 0;
		util_hostname(host, sizeof host);
		/* maildir(5): '/' and ':' in the host would break the name. */
		for (const char *h = host; *h && n + 5 < sizeof safe; h++) {
			if (*h == '/' || *h == ':' || *h == ',')
				n += (size_t)snprintf(safe + n, 5, "\\%03o",
				                      (unsigned char)*h);
			else
				safe[n++] = *h;
		}
		safe[n] = '\0';
	}
	gettimeofday(&tv, NULL);
	snprintf(uniq, cap, "%lld.M%06ldP%ldQ%lu.%s", (long long)tv.tv_sec,
	         (long)tv.tv_usec, (long)getpid(), ++counter, safe);
}

int maildir_begin(char *err, struct maildir_delivery *d, const char *root,
                  const char *box)
{
	d->fd = -1;
	d->tmp_path[0] = '\0';
	d->size = d->newlines = 0;
	d->last = -1;
	d->failed = d->err_no = 0;
	d->blen = 0;
	maildir_unique(d->uniq, sizeof d->uniq);
	if (maildir_path(d->tmp_path, root, box, "tmp", d->uniq) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("path too long under %s"), root);
		return -1;
	}
	d->fd = open(d->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
	             0600);
	/* First delivery to this mailbox: create it, then try again. */
	if (d->fd < 0 && errno == ENOENT) {
		if (maildir_make_box(err, root, box) < 0)
			return -1;
		d->fd = open(d->tmp_path,
		             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	}
	if (d->fd < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot create %s: %s"),
		         d->tmp_path, strerror(errno));
		return -1;
	}
	return 0;
}

static void drain(struct maildir_delivery *d)
{
	size_t off = 0;

	while (off < d->blen && !d->failed) {
		ssize_t n = write(d->fd, d->buf + off, d->blen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			d->failed = 1;
			d->err_no = errno;
		} else {
			off += (size_t)n;
		}
	}
	d->blen = 0;
}

void maildir_write(struct maildir_delivery *d, const void *p, size_t n)
{
	const unsigned char *s = p;

	d->newlines += maildir_bare_lf(p, n, &d->last);
	d->size += n;
	while (n > 0 && !d->failed) {
		size_t room = sizeof d->buf - d->blen;
		size_t k = n < room ? n : room;
		memcpy(d->buf + d->blen, s, k);
		d->blen += k;
		s += k;
		n -= k;
		if (d->blen == sizeof d->buf)
			drain(d);
	}
}

int maildir_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

void maildir_undo(const char *root, const char *const boxes[], size_t n,
                  const char *name)
{
	char path[MAILDIR_PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (maildir_path(path, root, boxes[i], "new", name) == 0)
			unlink(path);
}

/* Put the tmp/ file into new/: a link for every mailbox but the last,
 * which gets the rename of the Maildir protocol (one journal update
 * fewer than link + unlink). */
static int place(const char *tmp, const char *path, int last)
{
	return last ? rename(tmp, path) : link(tmp, path);
}

void maildir_delivery_name(const struct maildir_delivery *d, char *name,
                           size_t cap)
{
	snprintf(name, cap, "%s,S=%llu,W=%llu", d->uniq, d->size,
	         maildir_pop_size(d->size, d->newlines, d->last));
}

/* Put the message into boxes[i]/new/ and make that durable. */
static int place_in(char *err, struct maildir_delivery *d, const char *root,
                    const char *box, const char *name, int last)
{
	char path[MAILDIR_PATH_MAX];

	if (maildir_path(path, root, box, "new", name) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("path too long under %s"), root);
		return -1;
	}
	if (place(d->tmp_path, path, last) < 0 &&
	    (errno != ENOENT || maildir_make_box(err, root, box) < 0 ||
	     place(d->tmp_path, path, last) < 0)) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot deliver to %s: %s"), path,
		         strerror(errno));
		return -1;
	}
	maildir_path(path, root, box, "new", NULL);
	if (maildir_sync_dir(path) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot fsync %s: %s"), path,
		         strerror(errno));
		return 1; /* it is there, but not durable: undo it too */
	}
	return 0;
}

int maildir_end_write(char *err, struct maildir_delivery *d)
{
	drain(d);
	if (!d->failed && fsync(d->fd) < 0) {
		d->failed = 1;
		d->err_no = errno;
	}
	if (!d->failed && close(d->fd) < 0) {
		d->failed = 1;
		d->err_no = errno;
	}
	d->fd = -1;
	if (d->failed) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot write %s: %s"),
		         d->tmp_path, strerror(d->err_no));
		maildir_abort(d);
		return -1;
	}
	return 0;
}

int maildir_commit(char *err, struct maildir_delivery *d, const char *root,
                   const char *const boxes[], size_t nbox)
{
	char name[MAILDIR_UNIQ_MAX + 48];
	size_t done = 0;
	int rc = 0;

	if (maildir_end_write(err, d) < 0)
		return -1;
	maildir_delivery_name(d, name, sizeof name);
	if (nbox == 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("no mailbox to deliver to"));
		rc = -1;
	}
	while (rc == 0 && done < nbox) {
		rc = place_in(err, d, root, boxes[done], name, done + 1 == nbox);
		if (rc >= 0)
			done++; /* placed (rc 1: placed but not durable) */
	}
	if (rc != 0) { /* all or nothing: take back what was placed */
		maildir_undo(root, boxes, done, name);
		unlink(d->tmp_path);
	}
	d->tmp_path[0] = '\0';
	return rc == 0 ? 0 : -1;
}

void maildir_abort(struct maildir_delivery *d)
{
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->tmp_path[0])
		unlink(d->tmp_path);
	d->tmp_path[0] = '\0';
}
