/*
 * imap_mbox_msg: what a session does to one message of its mailbox —
 * open it, measure it, rename it for new flags, remove it, copy it —
 * finding it again when someone else (pop_server, another IMAP
 * session) renamed it meanwhile.  See imap_mbox.h.
 */
#include "i18n.h"
#include "imap_mbox.h"
#include "imap_mbox_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- one message ---- */

/* Message i's file was renamed or removed by someone else: look for
 * its base in new/ and cur/.  true when found (the name is updated). */
static bool relocate(struct imbox *b, size_t i)
{
	static const char *const subs[] = { "cur", "new" };
	char path[MAILDIR_PATH_MAX], base[MAILDIR_PATH_MAX];
	struct imbox_msg *m = &b->msg[i];
	bool found = false;

	snprintf(base, sizeof base, "%.*s", (int)m->base_len, imbox_name(b, i));
	for (size_t s = 0; s < 2 && !found; s++) {
		struct dirent *e;
		DIR *d = imbox_path(path, b, subs[s], NULL) < 0 ? NULL : opendir(path);
		while (d && !found && (e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, base, m->base_len) != 0 ||
			    (e->d_name[m->base_len] != ':' && e->d_name[m->base_len] != '\0'))
				continue;
			size_t off = b->names_len;
			if (!imbox_grow_names(&b->names, &b->names_len, &b->names_cap,
			                e->d_name, strlen(e->d_name)))
				break;
			m = &b->msg[i];
			m->name = off;
			m->in_new = s == 1;
			found = true;
		}
		if (d)
			closedir(d);
	}
	errno = ENOENT;
	return found;
}

static int msg_path(char *path, const struct imbox *b, size_t i)
{
	return imbox_path(path, b, b->msg[i].in_new ? "new" : "cur", imbox_name(b, i));
}

int imbox_open_msg(struct imbox *b, size_t i)
{
	char path[MAILDIR_PATH_MAX];
	int fd;

	if (msg_path(path, b, i) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && relocate(b, i) && msg_path(path, b, i) == 0)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

unsigned long long imbox_size(struct imbox *b, size_t i)
{
	unsigned char buf[MAILDIR_WBUF];
	unsigned long long size = 0, bare = 0;
	int last = -1, fd;
	ssize_t n;

	if (b->msg[i].size > 0 || (fd = imbox_open_msg(b, i)) < 0)
		return b->msg[i].size;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		size += (unsigned long long)n;
		bare += maildir_bare_lf(buf, (size_t)n, &last);
	}
	close(fd);
	b->msg[i].size = maildir_pop_size(size, bare, last);
	return b->msg[i].size;
}

int imbox_set_flags(struct imbox *b, size_t i, unsigned flags)
{
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX], name[MAILDIR_PATH_MAX];
	struct imbox_msg *m = &b->msg[i];
	unsigned keep = m->flags & IF_RECENT;
	size_t off;

	flags &= IF_STORABLE;
	if ((m->flags & IF_STORABLE) == flags && !m->in_new)
		return 0;
	for (int tries = 0; tries < 2; tries++) {
		m = &b->msg[i];
		imbox_flags_name(name, sizeof name, imbox_name(b, i), m->base_len, flags);
		if (msg_path(from, b, i) < 0 || imbox_path(to, b, "cur", name) < 0)
			return -1;
		if (rename(from, to) == 0)
			break;
		if (errno != ENOENT || tries == 1 || !relocate(b, i))
			return -1;
	}
	off = b->names_len;
	if (!imbox_grow_names(&b->names, &b->names_len, &b->names_cap, name, strlen(name)))
		return -1;
	m = &b->msg[i];
	m->name = off;
	m->in_new = false;
	m->flags = flags | keep;
	return 0;
}

size_t imbox_expunge(struct imbox *b, const struct imbox_events *ev)
{
	char path[MAILDIR_PATH_MAX];
	size_t k = 0, failed = 0;

	for (size_t i = 0; i < b->n; i++) {
		bool gone = false;
		if (b->msg[i].flags & IF_DELETED) {
			gone = msg_path(path, b, i) == 0 && unlink(path) == 0;
			if (!gone && errno == ENOENT)
				gone = !relocate(b, i) ||
				       (msg_path(path, b, i) == 0 && unlink(path) == 0);
			failed += !gone;
		}
		if (gone)
			ev->expunge(ev->ctx, (uint32_t)(k + 1));
		else
			b->msg[k++] = b->msg[i];
	}
	b->n = k;
	if (imbox_path(path, b, "cur", NULL) == 0)
		maildir_sync_dir(path);
	return failed;
}

int imbox_copy(char *err, struct imbox *b, size_t i)
{
	struct maildir_delivery *d = malloc(sizeof *d);
	const char *boxes[1] = { b->box };
	char name[MAILDIR_PATH_MAX], from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX];
	char buf[MAILDIR_WBUF];
	int fd = imbox_open_msg(b, i), rc = -1;
	ssize_t n;

	if (fd < 0 || d == NULL) {
		snprintf(err, MAILDIR_ERR_LEN, fd < 0 ? _("message %zu: removed by "
		         "another session") : _("message %zu: out of memory"), i + 1);
		goto out;
	}
	if (maildir_begin(err, d, b->root, b->box) < 0)
		goto out;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		maildir_write(d, buf, (size_t)n);
	if (n < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot read message %zu"), i + 1);
		maildir_abort(d);
		goto out;
	}
	if (maildir_commit(err, d, b->root, boxes, 1) < 0)
		goto out;
	rc = 0;
	maildir_delivery_name(d, from, sizeof from);
	/* RFC 3501 6.4.7: the copy keeps the flags; they live in cur/. */
	if (b->msg[i].flags & IF_STORABLE) {
		imbox_flags_name(name, sizeof name, from, strlen(from), b->msg[i].flags);
		if (imbox_path(to, b, "cur", name) == 0 &&
		    maildir_path(name, b->root, b->box, "new", from) == 0)
			rename(name, to);
	}
out:
	if (fd >= 0)
		close(fd);
	free(d);
	return rc;
}
