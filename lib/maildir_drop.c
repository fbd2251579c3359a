/*
 * maildir_drop: the reading side of the Maildir that POP3 needs — the
 * lock, the snapshot taken at login with sizes and UIDs, opening a
 * message (never blocking, found again if IMAP renamed it), and the
 * update at QUIT.  Declared in maildir.h.
 */
#include "maildir.h"
#include "i18n.h"
#include "md5.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

unsigned long long maildir_bare_lf(const void *p, size_t n, int *last)
{
	const unsigned char *s = p, *lf, *end = s + n;
	unsigned long long bare = 0;

	if (n == 0)
		return 0;
	for (lf = memchr(s, '\n', n); lf; lf = memchr(lf + 1, '\n', (size_t)(end - lf - 1))) {
		int before = lf > s ? lf[-1] : *last;
		bare += before != '\r';
	}
	*last = s[n - 1];
	return bare;
}

unsigned long long maildir_pop_size(unsigned long long size,
                                    unsigned long long bare_lf, int last)
{
	/* A last line without LF is sent with a CRLF (RFC 1939 3). */
	return size + bare_lf + (last >= 0 && last != '\n' ? 2 : 0);
}

int maildir_lock(char *err, struct maildir_box *b, const char *root,
                 const char *box)
{
	char path[MAILDIR_PATH_MAX];
	struct flock fl;

	memset(b, 0, sizeof *b);
	b->lock_fd = -1;
	if (maildir_make_box(err, root, box) < 0)
		return -1;
	maildir_sweep_tmp(root, box); /* a session start, as Maildir readers do */
	maildir_path(b->path, root, box, NULL, NULL);
	if (maildir_path(path, root, box, MAILDIR_LOCK, NULL) < 0 ||
	    (b->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	                       0600)) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot open %s: %s"), path,
		         strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET; /* the whole file: l_start = l_len = 0 */
	if (fcntl(b->lock_fd, F_SETLK, &fl) == 0)
		return 0;
	int busy = errno == EAGAIN || errno == EACCES;
	snprintf(err, MAILDIR_ERR_LEN, _("cannot lock %s: %s"), path,
	         busy ? "held by another session" : strerror(errno));
	close(b->lock_fd);
	b->lock_fd = -1;
	return busy ? 1 : -1;
}

/* DIR/<box>/<sub>[/<name>] of a locked mailbox.  0, or -1 if too long. */
static int box_path(char *out, const struct maildir_box *b, const char *sub,
                    const char *name)
{
	int n = name ? snprintf(out, MAILDIR_PATH_MAX, "%s/%s/%s", b->path, sub, name)
	             : snprintf(out, MAILDIR_PATH_MAX, "%s/%s", b->path, sub);

	if (n < 0 || n >= MAILDIR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* "1764225601.M123456P..." : the delivery time in a unique name. */
static int name_time(const char *name, long long *sec, long *usec)
{
	char *end;

	if (*name < '0' || *name > '9')
		return -1;
	*sec = strtoll(name, &end, 10);
	*usec = 0;
	if (*end != '.')
		return -1;
	if (end[1] == 'M')
		*usec = strtol(end + 2, NULL, 10);
	return 0;
}

/* The W= size in the name (before the ":2," info), or -1. */
static int name_size(const char *name, unsigned long long *w)
{
	size_t base = strcspn(name, ":");

	for (const char *p = name; (p = strstr(p, ",W=")) && p < name + base; p++) {
		const char *q = p + 3;
		unsigned long long v = 0;
		if (*q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9')
			v = v * 10 + (unsigned long long)(*q++ - '0');
		if (*q == ',' || *q == ':' || *q == '\0') {
			*w = v;
			return 0;
		}
	}
	return -1;
}

/* Append one file name to the snapshot; -1 when out of memory. */
static int add_msg(struct maildir_box *b, const char *name, int in_new)
{
	size_t len = strlen(name) + 1;
	struct maildir_msg *m;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		void *p = realloc(b->msg, cap * sizeof *b->msg);
		if (p == NULL)
			return -1;
		b->msg = p;
		b->cap = cap;
	}
	while (b->names_len + len > b->names_cap) {
		size_t cap = b->names_cap ? 2 * b->names_cap : 4096;
		char *p = realloc(b->names, cap);
		if (p == NULL)
			return -1;
		b->names = p;
		b->names_cap = cap;
	}
	m = &b->msg[b->n++];
	memset(m, 0, sizeof *m);
	m->name = b->names_len;
	m->in_new = (unsigned char)in_new;
	memcpy(b->names + b->names_len, name, len);
	b->names_len += len;
	return 0;
}

/* Add every message file of DIR/<box>/<sub>/ (dot-files are not mail). */
static int scan_dir(char *err, struct maildir_box *b, const char *sub)
{
	char path[MAILDIR_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	d = box_path(path, b, sub, NULL) < 0 ? NULL : opendir(path);
	if (d == NULL) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot read %s: %s"), path,
		         strerror(errno));
		return errno == ENOENT ? 0 : -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		/* A FIFO or a device would block or lie: never a message. */
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(st.st_mode)) {
			log_event("maildir", _("skipped %s/%s: not a regular file"),
			          path, e->d_name);
			continue;
		}
		rc = add_msg(b, e->d_name, sub[0] == 'n');
	}
	if (rc < 0)
		snprintf(err, MAILDIR_ERR_LEN, _("out of memory reading %s"), path);
	closedir(d);
	return rc;
}

/* Fill what the name did not say (size, time) from the file itself. */
static int measure(struct maildir_box *b, struct maildir_msg *m,
                   int need_size, int need_time)
{
	unsigned char buf[MAILDIR_WBUF];
	unsigned long long size = 0, bare = 0;
	struct stat st;
	int last = -1, fd = maildir_open_msg(b, (size_t)(m - b->msg));
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (need_time) {
		m->sec = (long long)st.st_mtime;
		m->usec = 0;
	}
	while (need_size && (n = read(fd, buf, sizeof buf)) > 0) {
		size += (unsigned long long)n;
		bare += maildir_bare_lf(buf, (size_t)n, &last);
	}
	if (need_size)
		m->size = maildir_pop_size(size, bare, last);
	close(fd);
	return 0;
}

/* Oldest first; the name breaks ties so the order is always the same. */
static const char *sort_names; /* qsort has no context argument */

static int by_delivery(const void *a, const void *b)
{
	const struct maildir_msg *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	return strcmp(sort_names + x->name, sort_names + y->name);
}

int maildir_scan(char *err, struct maildir_box *b)
{
	size_t keep = 0;

	if (scan_dir(err, b, "new") < 0 || scan_dir(err, b, "cur") < 0)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		struct maildir_msg *m = &b->msg[i];
		const char *name = b->names + m->name;
		int need_time = name_time(name, &m->sec, &m->usec) < 0;
		int need_size = name_size(name, &m->size) < 0;
		/* A file that vanished or is no regular file is no message. */
		if ((need_time || need_size) &&
		    measure(b, m, need_size, need_time) < 0)
			continue;
		b->msg[keep++] = *m;
	}
	b->n = keep;
	sort_names = b->names;
	if (b->n > 1) /* an empty maildrop has no array at all */
		qsort(b->msg, b->n, sizeof *b->msg, by_delivery);
	return 0;
}

const char *maildir_msg_name(const struct maildir_box *b, size_t i)
{
	return b->names + b->msg[i].name;
}

void maildir_uid(const struct maildir_box *b, size_t i,
                 char uid[MAILDIR_UID_MAX + 1])
{
	const char *name = maildir_msg_name(b, i);
	size_t n = strcspn(name, ":");
	int printable = n > 0 && n <= MAILDIR_UID_MAX;

	for (size_t k = 0; k < n && printable; k++)
		printable = name[k] > 0x20 && name[k] < 0x7f;
	if (printable)
		snprintf(uid, MAILDIR_UID_MAX + 1, "%.*s", (int)n, name);
	else
		md5_hex(name, n, uid);
}

/*
 * A message's file when it is no longer where the snapshot saw it: an
 * IMAP session that changed its flags renamed cur/<base>:2,<flags>
 * (maildir(5): the base never changes, the info after ':' may).  path
 * gets cur/<base>:2,... and 0, or -1 with errno ENOENT when it is gone.
 */
static int find_renamed(const struct maildir_box *b, size_t i, char *path)
{
	const char *name = maildir_msg_name(b, i);
	size_t base = strcspn(name, ":");
	char dir[MAILDIR_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = -1;

	if (box_path(dir, b, "cur", NULL) < 0 || (d = opendir(dir)) == NULL)
		return -1;
	while (rc < 0 && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, name, base) == 0 && e->d_name[base] == ':')
			rc = box_path(path, b, "cur", e->d_name);
	closedir(d);
	if (rc < 0)
		errno = ENOENT;
	return rc;
}

int maildir_open_msg(const struct maildir_box *b, size_t i)
{
	char path[MAILDIR_PATH_MAX];

	struct stat st;
	int fd;

	if (box_path(path, b, b->msg[i].in_new ? "new" : "cur",
	             maildir_msg_name(b, i)) < 0)
		return -1;
	/* O_NONBLOCK: a FIFO put there since the scan must not hang us. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && find_renamed(b, i, path) == 0)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		log_event("maildir", _("skipped %s: not a regular file"), path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

void maildir_sweep_tmp(const char *root, const char *box)
{
	char dir[MAILDIR_PATH_MAX], path[MAILDIR_PATH_MAX];
	time_t old = time(NULL) - MAILDIR_TMP_MAX_AGE;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (maildir_path(dir, root, box, "tmp", NULL) < 0 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_mtime >= old ||
		    maildir_path(path, root, box, "tmp", e->d_name) < 0)
			continue;
		if (unlink(path) == 0)
			log_event("maildir", _("removed %s: left in tmp/ over 36 hours"),
			          path);
	}
	closedir(d);
}

/* new/<name> -> cur/<name without info>:2,S (maildir(5): seen). */
static void mark_seen(const struct maildir_box *b, size_t i)
{
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX], seen[MAILDIR_PATH_MAX];
	const char *name = maildir_msg_name(b, i);

	snprintf(seen, sizeof seen, "%.*s:2,S", (int)strcspn(name, ":"), name);
	if (box_path(from, b, "new", name) == 0 &&
	    box_path(to, b, "cur", seen) == 0)
		rename(from, to); /* on failure it stays in new/: no loss */
}

/* Unlink message i (where the snapshot saw it, or renamed since); one
 * already gone is no failure.  0, or -1 with errno and path. */
static int remove_msg(const struct maildir_box *b, size_t i, char *path)
{
	if (box_path(path, b, b->msg[i].in_new ? "new" : "cur",
	             maildir_msg_name(b, i)) < 0)
		return -1;
	if (unlink(path) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	if (find_renamed(b, i, path) < 0)
		return 0; /* gone: removed by another session */
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int maildir_update(char *err, struct maildir_box *b)
{
	char path[MAILDIR_PATH_MAX];
	int failed = 0, synced;

	for (size_t i = 0; i < b->n; i++) {
		const struct maildir_msg *m = &b->msg[i];
		if (m->deleted && remove_msg(b, i, path) < 0) {
			snprintf(err, MAILDIR_ERR_LEN, _("cannot remove %s: %s"),
			         path, strerror(errno));
			failed++;
		} else if (!m->deleted && m->seen && m->in_new) {
			mark_seen(b, i);
		}
	}
	/* Make the removals and renames survive a crash. */
	synced = box_path(path, b, "new", NULL) == 0 && maildir_sync_dir(path) == 0;
	if ((box_path(path, b, "cur", NULL) < 0 || maildir_sync_dir(path) < 0 ||
	     !synced) && failed == 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot fsync %s: %s"), path,
		         strerror(errno));
		return -1;
	}
	return failed;
}

void maildir_close(struct maildir_box *b)
{
	free(b->msg);
	free(b->names);
	b->msg = NULL;
	b->names = NULL;
	b->n = b->cap = b->names_len = b->names_cap = 0;
	if (b->lock_fd >= 0)
		close(b->lock_fd); /* closing drops the fcntl lock */
	b->lock_fd = -1;
}
