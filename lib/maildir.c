/* maildir: safe mailbox names and crash-safe delivery.  See maildir.h. */
#include "maildir.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int maildir_box_name(const char *local, size_t len, char *box)
{
	size_t n = 0;

	for (size_t i = 0; i < len && local[i] != '+'; i++) {
		unsigned char ch = (unsigned char)local[i];
		if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\')
			return -1;
		if (n == MAILDIR_BOX_MAX)
			return -1;
		box[n++] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
	}
	box[n] = '\0';
	/* Empty, ".", ".." and dot-files are never mailboxes. */
	if (n == 0 || box[0] == '.' || len > MAILDIR_BOX_MAX)
		return -1;
	return 0;
}

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

static int make_dir(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int maildir_make_box(char *err, const char *root, const char *box)
{
	static const char *const subs[] = { NULL, "tmp", "new", "cur" };
	char path[MAILDIR_PATH_MAX];

	if (make_dir(root) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, "cannot create %s: %s", root,
		         strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (maildir_path(path, root, box, subs[i], NULL) < 0 ||
		    make_dir(path) < 0) {
			snprintf(err, MAILDIR_ERR_LEN, "cannot create %s: %s",
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
	d->failed = d->err_no = 0;
	d->blen = 0;
	maildir_unique(d->uniq, sizeof d->uniq);
	if (maildir_path(d->tmp_path, root, box, "tmp", d->uniq) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, "path too long under %s", root);
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
		snprintf(err, MAILDIR_ERR_LEN, "cannot create %s: %s",
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

	for (size_t i = 0; i < n; i++)
		d->newlines += s[i] == '\n';
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

/* Remove the links made so far (boxes[0..n-1]) after a failure. */
static void unlink_links(const char *root, const char *const boxes[],
                         size_t n, const char *name)
{
	char path[MAILDIR_PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (maildir_path(path, root, boxes[i], "new", name) == 0)
			unlink(path);
}

int maildir_commit(char *err, struct maildir_delivery *d, const char *root,
                   const char *const boxes[], size_t nbox)
{
	char name[MAILDIR_UNIQ_MAX + 48], path[MAILDIR_PATH_MAX];
	size_t i;

	drain(d);
	if (!d->failed && fsync(d->fd) < 0) {
		d->failed = 1;
		d->err_no = errno;
	}
	if (d->failed) {
		snprintf(err, MAILDIR_ERR_LEN, "cannot write %s: %s",
		         d->tmp_path, strerror(d->err_no));
		maildir_abort(d);
		return -1;
	}
	close(d->fd);
	d->fd = -1;
	snprintf(name, sizeof name, "%s,S=%llu,W=%llu", d->uniq, d->size,
	         d->size + d->newlines);
	for (i = 0; i < nbox; i++) {
		if (maildir_path(path, root, boxes[i], "new", name) < 0)
			break;
		if (link(d->tmp_path, path) < 0 && (errno != ENOENT ||
		    maildir_make_box(err, root, boxes[i]) < 0 ||
		    link(d->tmp_path, path) < 0)) {
			snprintf(err, MAILDIR_ERR_LEN, "cannot link %s: %s",
			         path, strerror(errno));
			break;
		}
		maildir_path(path, root, boxes[i], "new", NULL);
		if (maildir_sync_dir(path) < 0) {
			snprintf(err, MAILDIR_ERR_LEN, "cannot fsync %s: %s",
			         path, strerror(errno));
			i++; /* the link exists: remove it too */
			break;
		}
	}
	if (i < nbox || nbox == 0) {
		if (nbox == 0)
			snprintf(err, MAILDIR_ERR_LEN, "no mailbox to deliver to");
		unlink_links(root, boxes, i, name);
	}
	unlink(d->tmp_path);
	d->tmp_path[0] = '\0';
	return i == nbox && nbox > 0 ? 0 : -1;
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
