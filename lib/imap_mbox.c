/* imap_mbox: UIDs, flags and \Recent over a Maildir.  See imap_mbox.h. */
#include "imap_mbox.h"
#include "i18n.h"
#include "imap_mbox_int.h"
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

#define UIDLIST_MAGIC "mailab-imap-uidlist 1"

/* The uidlist as read: base names with their UIDs, sorted by base. */
struct uidlist {
	uint32_t validity, next, recent; /* recent: first unclaimed UID */
	uint32_t *uid;
	size_t *base;   /* offsets into names */
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	bool exists;
};

char *imbox_grow_names(char **names, size_t *len, size_t *cap,
                       const char *s, size_t n)
{
	while (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 4096;
		char *p = realloc(*names, c);
		if (p == NULL)
			return NULL;
		*names = p;
		*cap = c;
	}
	memcpy(*names + *len, s, n);
	(*names)[*len + n] = '\0';
	*len += n + 1;
	return *names + *len - n - 1;
}

int imbox_path(char *path, const struct imbox *b, const char *sub,
               const char *name)
{
	return maildir_path(path, b->root, b->box, sub, name);
}

const char *imbox_name(const struct imbox *b, size_t i)
{
	return b->names + b->msg[i].name;
}

/* ---- names: "<base>:2,<info>" ---- */

static const struct { char letter; unsigned flag; } letters[] = {
	{ 'D', IF_DRAFT }, { 'F', IF_FLAGGED }, { 'R', IF_ANSWERED },
	{ 'S', IF_SEEN }, { 'T', IF_DELETED },
};

static unsigned name_flags(const char *name)
{
	const char *info = strstr(name, ":2,");
	unsigned f = 0;

	for (const char *p = info ? info + 3 : ""; *p; p++)
		for (size_t k = 0; k < sizeof letters / sizeof letters[0]; k++)
			if (*p == letters[k].letter)
				f |= letters[k].flag;
	return f;
}

/* base:2,<flags + the other letters of the old info, ASCII order>. */
void imbox_flags_name(char *out, size_t cap, const char *old, size_t base_len,
                      unsigned flags)
{
	const char *info = strstr(old, ":2,");
	char keep[64] = "";
	size_t k = 0;

	for (int ch = 'A'; ch <= 'z' && k + 1 < sizeof keep; ch++) {
		bool want = info && strchr(info + 3, ch) != NULL;
		for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
			if (letters[i].letter == ch)
				want = (flags & letters[i].flag) != 0;
		if (want)
			keep[k++] = (char)ch;
	}
	keep[k] = '\0';
	snprintf(out, cap, "%.*s:2,%s", (int)base_len, old, keep);
}

/* "1764225601.M123..." : the delivery time in a unique name, or 0. */
static long long name_date(const char *name)
{
	char *end;
	long long sec;

	if (*name < '0' || *name > '9')
		return 0;
	sec = strtoll(name, &end, 10);
	return *end == '.' ? sec : 0;
}

/* The W= size before the info, or 0. */
static unsigned long long name_size(const char *name, size_t base_len)
{
	for (const char *p = name; (p = strstr(p, ",W=")) && p < name + base_len; p++) {
		char *end;
		unsigned long long v = strtoull(p + 3, &end, 10);
		if (end > p + 3 && (*end == ',' || *end == ':' || *end == '\0'))
			return v;
	}
	return 0;
}

/* ---- the lock and the uidlist ---- */

static int lock_box(const struct imbox *b)
{
	char path[MAILDIR_PATH_MAX];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	if (imbox_path(path, b, IMBOX_LOCK, NULL) < 0 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -1;
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Does a POP3 session hold the mailbox (maildir.h's lock)? */
static bool pop_holds(const struct imbox *b)
{
	char path[MAILDIR_PATH_MAX];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;
	bool held;

	if (imbox_path(path, b, MAILDIR_LOCK, NULL) < 0 ||
	    (fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return false;
	held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd);
	return held;
}

static void uidlist_free(struct uidlist *u)
{
	free(u->uid);
	free(u->base);
	free(u->names);
}

static const char *sort_names; /* qsort has no context argument */
static size_t *sort_base;

static int by_base_ix(const void *a, const void *b)
{
	return strcmp(sort_names + sort_base[*(const size_t *)a],
	              sort_names + sort_base[*(const size_t *)b]);
}

/* Read the uidlist, sorted by base.  A missing or damaged one starts
 * over with a new UIDVALIDITY (RFC 3501 2.3.1.1). */
static int uidlist_read(const struct imbox *b, struct uidlist *u)
{
	char path[MAILDIR_PATH_MAX], *line = NULL;
	size_t lcap = 0;
	FILE *f;
	unsigned long v, nx, r;

	memset(u, 0, sizeof *u);
	u->validity = (uint32_t)time(NULL);
	u->next = u->recent = 1;
	if (imbox_path(path, b, IMBOX_UIDLIST, NULL) < 0 || (f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (getline(&line, &lcap, f) > 0 &&
	    sscanf(line, UIDLIST_MAGIC " %lu %lu %lu", &v, &nx, &r) == 3 &&
	    v > 0 && nx > 0 && v <= UINT32_MAX && nx < UINT32_MAX && r <= nx) {
		u->exists = true;
		u->validity = (uint32_t)v;
		u->next = (uint32_t)nx;
		u->recent = (uint32_t)r;
	}
	while (u->exists && getline(&line, &lcap, f) > 0) {
		char *sp = strchr(line, ' ');
		unsigned long uid = strtoul(line, NULL, 10);
		if (sp == NULL || uid == 0 || uid >= u->next)
			continue;
		if (u->n == u->cap) {
			u->cap = u->cap ? u->cap * 2 : 256;
			u->uid = realloc(u->uid, u->cap * sizeof *u->uid);
			u->base = realloc(u->base, u->cap * sizeof *u->base);
			if (!u->uid || !u->base)
				break;
		}
		sp[1 + strcspn(sp + 1, "\n")] = '\0';
		size_t off = u->names_len;
		if (!imbox_grow_names(&u->names, &u->names_len, &u->names_cap, sp + 1, strlen(sp + 1)))
			break;
		u->uid[u->n] = (uint32_t)uid;
		u->base[u->n++] = off;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Write the uidlist: tmp -> fsync -> rename (under the lock). */
static int uidlist_write(const struct imbox *b, const struct uidlist *u)
{
	char tmp[MAILDIR_PATH_MAX], path[MAILDIR_PATH_MAX];
	FILE *f;
	int ok;

	if (imbox_path(tmp, b, IMBOX_UIDLIST ".tmp", NULL) < 0 ||
	    imbox_path(path, b, IMBOX_UIDLIST, NULL) < 0 || (f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, UIDLIST_MAGIC " %lu %lu %lu\n", (unsigned long)u->validity,
	        (unsigned long)u->next, (unsigned long)u->recent);
	for (size_t i = 0; i < b->n; i++)
		fprintf(f, "%lu %.*s\n", (unsigned long)b->msg[i].uid,
		        (int)b->msg[i].base_len, imbox_name(b, i));
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return imbox_path(path, b, "", NULL) == 0 ? maildir_sync_dir(path) : 0;
}

/* ---- scanning ---- */

static int add_msg(struct imbox *b, const char *name, bool in_new)
{
	struct imbox_msg *m;
	size_t off = b->names_len;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		void *p = realloc(b->msg, cap * sizeof *b->msg);
		if (p == NULL)
			return -1;
		b->msg = p;
		b->cap = cap;
	}
	if (!imbox_grow_names(&b->names, &b->names_len, &b->names_cap, name, strlen(name)))
		return -1;
	m = &b->msg[b->n++];
	memset(m, 0, sizeof *m);
	m->name = off;
	m->base_len = strcspn(name, ":");
	m->in_new = in_new;
	m->flags = name_flags(name);
	m->date = name_date(name);
	m->size = name_size(name, m->base_len);
	return 0;
}

static int scan_dir(struct imbox *b, const char *sub)
{
	char path[MAILDIR_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (imbox_path(path, b, sub, NULL) < 0 || (d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = add_msg(b, e->d_name, sub[0] == 'n');
	closedir(d);
	return rc;
}

static int cmp_base(const struct imbox_msg *x, const struct imbox_msg *y)
{
	size_t n = x->base_len < y->base_len ? x->base_len : y->base_len;
	int c = memcmp(sort_names + x->name, sort_names + y->name, n);

	return c ? c : (x->base_len > y->base_len) - (x->base_len < y->base_len);
}

static int by_base(const void *a, const void *b)
{
	const struct imbox_msg *x = a, *y = b;
	int c = cmp_base(x, y);

	return c ? c : (int)x->in_new - (int)y->in_new; /* cur/ first */
}

/* New messages get UIDs in delivery order; the name breaks ties. */
static int by_arrival(const void *a, const void *b)
{
	const struct imbox_msg *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(sort_names + x->name, sort_names + y->name);
}

static int by_uid_then_arrival(const void *a, const void *b)
{
	return by_arrival(a, b);
}

/* UIDs for the messages found: the uidlist's, or new ones. */
static size_t assign_uids(struct imbox *f, struct uidlist *u)
{
	size_t *ix = malloc((u->n ? u->n : 1) * sizeof *ix), keep = 0, fresh = 0;
	size_t j = 0;

	for (size_t i = 0; i < u->n && ix; i++)
		ix[i] = i;
	sort_names = u->names;
	sort_base = u->base;
	if (ix && u->n)
		qsort(ix, u->n, sizeof *ix, by_base_ix);
	sort_names = f->names;
	if (f->n > 1) /* an empty mailbox has no array at all */
		qsort(f->msg, f->n, sizeof *f->msg, by_base);
	for (size_t i = 0; i < f->n; i++) {
		struct imbox_msg *m = &f->msg[i];
		if (keep > 0 && cmp_base(&f->msg[keep - 1], m) == 0)
			continue; /* the same message in new/ and cur/: once */
		while (ix && j < u->n) {
			const char *ub = u->names + u->base[ix[j]];
			int c = strncmp(ub, f->names + m->name, m->base_len);
			if (c == 0 && ub[m->base_len] != '\0')
				c = 1;
			if (c >= 0)
				break;
			j++;
		}
		const char *ub = ix && j < u->n ? u->names + u->base[ix[j]] : "";
		m->uid = 0;
		if (ix && j < u->n && strlen(ub) == m->base_len &&
		    memcmp(ub, f->names + m->name, m->base_len) == 0)
			m->uid = u->uid[ix[j]];
		fresh += m->uid == 0;
		f->msg[keep++] = *m;
	}
	free(ix);
	f->n = keep;
	/* Known ones (UID order) first, then the fresh ones by arrival. */
	if (f->n > 1)
		qsort(f->msg, f->n, sizeof *f->msg, by_uid_then_arrival);
	size_t first_fresh = 0;
	while (first_fresh < f->n && f->msg[first_fresh].uid == 0)
		first_fresh++;
	/* uid 0 sorts first: rotate the fresh ones to the end. */
	if (fresh > 0) {
		struct imbox_msg *tmp = malloc(fresh * sizeof *tmp);
		if (tmp == NULL)
			return (size_t)-1;
		memcpy(tmp, f->msg, fresh * sizeof *tmp);
		memmove(f->msg, f->msg + fresh, (f->n - fresh) * sizeof *tmp);
		memcpy(f->msg + f->n - fresh, tmp, fresh * sizeof *tmp);
		free(tmp);
		for (size_t i = f->n - fresh; i < f->n; i++)
			f->msg[i].uid = u->next++;
	}
	return fresh;
}

/* new/<name> -> cur/<base>:2,<info>: the message has been seen by a
 * client (maildir(5)); read-write sessions only. */
static bool move_new(struct imbox *f)
{
	char from[MAILDIR_PATH_MAX], to[MAILDIR_PATH_MAX], name[MAILDIR_PATH_MAX];
	bool moved = false;

	for (size_t i = 0; i < f->n; i++) {
		struct imbox_msg *m = &f->msg[i];
		if (!m->in_new)
			continue;
		imbox_flags_name(name, sizeof name, imbox_name(f, i), m->base_len, m->flags);
		size_t off = f->names_len;
		if (imbox_path(from, f, "new", imbox_name(f, i)) < 0 ||
		    imbox_path(to, f, "cur", name) < 0 || rename(from, to) < 0 ||
		    !imbox_grow_names(&f->names, &f->names_len, &f->names_cap, name, strlen(name)))
			continue; /* it stays in new/: nothing lost */
		m->name = off;
		m->in_new = false;
		moved = true;
	}
	if (moved && imbox_path(from, f, "new", NULL) == 0 && imbox_path(to, f, "cur", NULL) == 0) {
		maildir_sync_dir(from);
		maildir_sync_dir(to);
	}
	return moved;
}

static long long dir_mtime(const struct imbox *b, const char *sub)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;

	if (imbox_path(path, b, sub, NULL) < 0 || stat(path, &st) < 0)
		return -1;
#ifdef __APPLE__
	return (long long)st.st_mtimespec.tv_sec * 1000000000LL + st.st_mtimespec.tv_nsec;
#else
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
#endif
}

/*
 * One scan into f (empty, root and box set): the files, their UIDs,
 * \Recent; a read-write scan also claims \Recent and moves new/ into
 * cur/.  The uidlist is rewritten when anything in it changed.
 */
static int scan(char *err, struct imbox *f)
{
	struct uidlist u;
	int lock = lock_box(f), rc = -1;

	if (lock < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot lock %s/%s: %s"), f->root,
		         f->box, strerror(errno));
		return -1;
	}
	f->seen_new = dir_mtime(f, "new");
	f->seen_cur = dir_mtime(f, "cur");
	f->scanned_at = (long long)time(NULL);
	if (uidlist_read(f, &u) < 0 || scan_dir(f, "new") < 0 || scan_dir(f, "cur") < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot read %s/%s: %s"), f->root,
		         f->box, strerror(errno));
		goto out;
	}
	size_t known = u.n, fresh = assign_uids(f, &u);
	if (fresh == (size_t)-1)
		goto out;
	uint32_t recent_from = u.recent;
	for (size_t i = 0; i < f->n; i++)
		if (f->msg[i].uid >= recent_from)
			f->msg[i].flags |= IF_RECENT;
	bool changed = !u.exists || fresh > 0 || f->n - fresh != known;
	if (!f->readonly) {
		changed = changed || u.recent != u.next;
		u.recent = u.next; /* claimed by this session */
		if (!pop_holds(f))
			move_new(f);
	}
	f->uidvalidity = u.validity;
	f->uidnext = u.next;
	if (changed && uidlist_write(f, &u) < 0 && !f->readonly) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot write %s/%s/%s: %s"),
		         f->root, f->box, IMBOX_UIDLIST, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	uidlist_free(&u);
	close(lock);
	return rc;
}

static void fresh_box(struct imbox *f, const char *root, const char *box,
                      bool readonly)
{
	memset(f, 0, sizeof *f);
	str_copy(f->root, root, sizeof f->root);
	str_copy(f->box, box, sizeof f->box);
	f->readonly = readonly;
}

int imbox_open(char *err, struct imbox *b, const char *root, const char *box,
               bool readonly)
{
	char e2[MAILDIR_ERR_LEN];

	fresh_box(b, root, box, readonly);
	if (maildir_make_box(e2, root, box) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, "%s", e2);
		return -1;
	}
	if (scan(err, b) < 0) {
		imbox_close(b);
		return -1;
	}
	return 0;
}

void imbox_close(struct imbox *b)
{
	free(b->msg);
	free(b->names);
	b->msg = NULL;
	b->names = NULL;
	b->n = b->cap = b->names_len = b->names_cap = 0;
}

int imbox_status(char *err, const char *root, const char *box,
                 struct imbox_counts *c)
{
	struct imbox f;

	memset(c, 0, sizeof *c);
	if (imbox_open(err, &f, root, box, true) < 0)
		return -1;
	c->messages = f.n;
	for (size_t i = 0; i < f.n; i++) {
		c->recent += (f.msg[i].flags & IF_RECENT) != 0;
		c->unseen += (f.msg[i].flags & IF_SEEN) == 0;
	}
	c->uidnext = f.uidnext;
	c->uidvalidity = f.uidvalidity;
	imbox_close(&f);
	return 0;
}

/* Has anything changed since the last scan?  A change within the same
 * clock tick as the scan would not move the mtime: settle first. */
static bool unchanged(const struct imbox *b)
{
	long long now = (long long)time(NULL);

	return dir_mtime(b, "new") == b->seen_new &&
	       dir_mtime(b, "cur") == b->seen_cur &&
	       b->seen_new / 1000000000LL + IMBOX_STAT_SETTLE < now &&
	       b->seen_cur / 1000000000LL + IMBOX_STAT_SETTLE < now;
}

int imbox_sync(char *err, struct imbox *b, const struct imbox_events *ev,
               size_t *added)
{
	struct imbox f;
	size_t j = 0, k = 0;

	*added = 0;
	if (unchanged(b))
		return 0;
	fresh_box(&f, b->root, b->box, b->readonly);
	if (scan(err, &f) < 0) {
		imbox_close(&f);
		return -1;
	}
	for (size_t i = 0; i < b->n; i++) {
		while (j < f.n && f.msg[j].uid < b->msg[i].uid)
			j++;
		if (j == f.n || f.msg[j].uid != b->msg[i].uid) {
			ev->expunge(ev->ctx, (uint32_t)(k + 1)); /* gone */
			continue;
		}
		unsigned was = b->msg[i].flags;
		f.msg[j].flags = (f.msg[j].flags & ~IF_RECENT) | (was & IF_RECENT);
		f.msg[k] = f.msg[j++];
		k++;
		if ((was & IF_STORABLE) != (f.msg[k - 1].flags & IF_STORABLE))
			ev->flags(ev->ctx, (uint32_t)k, f.msg[k - 1].uid,
			          f.msg[k - 1].flags);
	}
	while (j < f.n && b->n > 0 && f.msg[j].uid <= b->msg[b->n - 1].uid)
		j++; /* older than ours yet unknown to us: cannot be */
	for (; j < f.n; j++, (*added)++)
		f.msg[k++] = f.msg[j];
	f.n = k;
	imbox_close(b);
	*b = f;
	return 0;
}
