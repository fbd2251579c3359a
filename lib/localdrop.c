/* localdrop: a local Maildir and its .uidl list.  See localdrop.h. */
#include "localdrop.h"
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

#define UIDL_FILE ".uidl"
#define UIDL_GROW 1024 /* entries added to the table at a time */
#define LOCALDROP_NAME_ROOM 180 /* unique + key; the rest fits in 255 */
#define KEY_SAFE "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
                 "0123456789._-"

static int compare_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* ---- UIDL keys: the UIDL as a file name may hold it ---- */

/* The %XX form of n octets of uidl into key; -1 when over the max. */
static int key_escaped(const char *uidl, size_t n, char *key)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)uidl[i];
		if (k + 3 > LOCALDROP_KEY_MAX)
			return -1;
		if (c != '\0' && strchr(KEY_SAFE, c))
			key[k++] = (char)c;
		else
			k += (size_t)snprintf(key + k, 4, "%%%02X", c);
	}
	key[k] = '\0';
	return k > 0 ? 0 : -1;
}

/* The short form: "~" and the MD5 of the UIDL in hex. */
static void key_hashed(const char *uidl, size_t n, char *key)
{
	key[0] = '~';
	md5_hex(uidl, n, key + 1);
}

/* ---- the table of keys already here ---- */

/* Add one key (n octets at p, not NUL-terminated); -1 out of memory. */
static int add_key(struct localdrop *l, const char *p, size_t n)
{
	if (n == 0 || n > LOCALDROP_KEY_MAX || l->nseen >= LOCALDROP_SEEN_MAX)
		return 0;
	if (l->nseen == l->cap) {
		localdrop_key *more = realloc(l->seen, (l->cap + UIDL_GROW) *
		                                           sizeof *more);
		if (more == NULL)
			return -1;
		l->seen = more;
		l->cap += UIDL_GROW;
	}
	memcpy(l->seen[l->nseen], p, n);
	l->seen[l->nseen++][n] = '\0';
	return 0;
}

/* Add a UIDL under both its keys (which one a name holds depends on the
 * length of the rest of that name). */
static int add_uidl(struct localdrop *l, const char *uidl, size_t n)
{
	localdrop_key key;

	if (key_escaped(uidl, n, key) == 0 && add_key(l, key, strlen(key)) < 0)
		return -1;
	key_hashed(uidl, n, key);
	return add_key(l, key, strlen(key));
}

/* Take one line of .uidl if it is a well-formed UIDL (RFC 1939 7). */
static int keep_line(struct localdrop *l, const char *line)
{
	size_t n = strcspn(line, "\r\n");

	if (n == 0 || n > POP3_UIDL_MAX || line[0] == '#')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (line[i] < '!' || line[i] > '~')
			return 0;
	return add_uidl(l, line, n);
}

/* Read DIR/.uidl (absent on a first run) into the table. */
static int load_uidl(struct localdrop *l)
{
	char path[MAILDIR_PATH_MAX], line[POP3_UIDL_MAX + 8];
	FILE *f;

	if (maildir_path(path, l->dir, UIDL_FILE, NULL, NULL) < 0)
		return -1;
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof line, f)) {
		bool whole = strchr(line, '\n') != NULL || feof(f);
		if (!whole) { /* too long to be a UIDL: skip the rest of it */
			int ch;
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		if (keep_line(l, line) < 0)
			break;
	}
	int failed = ferror(f);
	fclose(f);
	return failed ? -1 : 0;
}

/* The key in a file name "<unique>,U=<key>,S=...:2,S", if any. */
static int name_key(struct localdrop *l, const char *name)
{
	const char *u = NULL;

	for (const char *p = name; (p = strstr(p, ",U=")) != NULL; p++)
		u = p + 3;
	return u ? add_key(l, u, strcspn(u, ",:")) : 0;
}

/* Learn the keys of the messages in DIR/sub from their names, and
 * remove old debris when sub is tmp/ (maildir(5): 36 hours). */
static int scan_dir(struct localdrop *l, const char *sub)
{
	char path[MAILDIR_PATH_MAX], file[MAILDIR_PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;
	time_t now = time(NULL);

	if (maildir_path(path, l->dir, sub, NULL, NULL) < 0 ||
	    (d = opendir(path)) == NULL)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(sub, "tmp") != 0) {
			rc = name_key(l, e->d_name);
		} else if (maildir_path(file, l->dir, sub, e->d_name, NULL) == 0 &&
		           lstat(file, &st) == 0 && S_ISREG(st.st_mode) &&
		           now - st.st_mtime > LOCALDROP_TMP_AGE) {
			unlink(file);
		}
	}
	closedir(d);
	return rc;
}

int localdrop_open(struct localdrop *l, const char *dir)
{
	static const char *const subs[] = { "tmp", "new", "cur" };

	memset(l, 0, offsetof(struct localdrop, d)); /* not d's buffer */
	l->dir = dir;
	l->d.fd = -1;
	l->d.tmp_path[0] = '\0';
	l->key[0] = l->err[0] = '\0';
	/* The Maildir is DIR itself: the maildir module's "box" is ".". */
	if (maildir_make_box(l->err, dir, ".") < 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (scan_dir(l, subs[i]) < 0) {
			snprintf(l->err, sizeof l->err, _("cannot read %s/%s: %s"),
			         dir, subs[i], strerror(errno));
			return -1;
		}
	if (load_uidl(l) < 0) {
		snprintf(l->err, sizeof l->err, _("cannot read %s/%s: %s"), dir,
		         UIDL_FILE, strerror(errno));
		return -1;
	}
	if (l->nseen > 0) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(l->seen, l->nseen, sizeof *l->seen, compare_key);
	return 0;
}

/* Is this key in the table? */
static bool have_key(const struct localdrop *l, const char *key)
{
	return l->nseen > 0 && bsearch(key, l->seen, l->nseen, sizeof *l->seen,
	                               compare_key) != NULL;
}

bool localdrop_seen(const struct localdrop *l, const char *uidl)
{
	localdrop_key key;
	size_t n = strlen(uidl);

	if (key_escaped(uidl, n, key) == 0 && have_key(l, key))
		return true;
	key_hashed(uidl, n, key);
	return have_key(l, key);
}

int localdrop_begin(struct localdrop *l, const char *uidl)
{
	size_t n = uidl ? strlen(uidl) : 0;

	/* tmp/ file, buffer, S= and W= counting: the maildir module's. */
	if (maildir_begin(l->err, &l->d, l->dir, ".") < 0)
		return -1;
	/* The short key when the long one would make the name too long
	 * for NAME_MAX (255) with ",S=...,W=..." and ":2,FRST" after it. */
	l->key[0] = '\0';
	if (n > 0 && (key_escaped(uidl, n, l->key) < 0 ||
	              strlen(l->d.uniq) + strlen(l->key) > LOCALDROP_NAME_ROOM))
		key_hashed(uidl, n, l->key);
	return 0;
}

void localdrop_write(struct localdrop *l, const void *p, size_t n)
{
	maildir_write(&l->d, p, n);
}

int localdrop_commit(struct localdrop *l)
{
	char name[MAILDIR_UNIQ_MAX + LOCALDROP_KEY_MAX + 64];
	char path[MAILDIR_PATH_MAX];
	const struct maildir_delivery *d = &l->d;

	if (maildir_end_write(l->err, &l->d) < 0)
		return -1;
	/* The UIDL goes into the name, by the same rename as the message:
	 * S= as stored (LF), W= as POP3 counts it (CRLF): maildir.h */
	snprintf(name, sizeof name, "%s%s%s,S=%llu,W=%llu", d->uniq,
	         l->key[0] ? ",U=" : "", l->key, d->size,
	         maildir_pop_size(d->size, d->newlines, d->last));
	if (maildir_path(path, l->dir, "new", name, NULL) < 0)
		errno = ENAMETOOLONG;
	else if (rename(d->tmp_path, path) == 0) {
		l->d.tmp_path[0] = '\0';
		l->unsynced++;
		return 0;
	}
	snprintf(l->err, sizeof l->err, _("cannot save %s: %s"), d->tmp_path,
	         strerror(errno));
	localdrop_abort(l);
	return -1;
}

void localdrop_abort(struct localdrop *l)
{
	maildir_abort(&l->d);
}

int localdrop_sync(struct localdrop *l)
{
	char path[MAILDIR_PATH_MAX];

	if (l->unsynced == 0)
		return 0;
	if (maildir_path(path, l->dir, "new", NULL, NULL) < 0 ||
	    maildir_sync_dir(path) < 0) {
		snprintf(l->err, sizeof l->err, _("cannot fsync %s/new: %s"),
		         l->dir, strerror(errno));
		return -1;
	}
	l->unsynced = 0;
	return 0;
}

/* Write the list to f; 0, or -1 with errno. */
static int write_list(FILE *f, uidl_t *ids, const bool *keep,
                      unsigned long count)
{
	fprintf(f, "# UIDLs already downloaded by pop_client, one a line\n");
	for (unsigned long i = 1; i <= count; i++)
		if (keep[i])
			fprintf(f, "%s\n", ids[i]);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)
		return -1;
	return 0;
}

int localdrop_save(struct localdrop *l, uidl_t *ids, const bool *keep,
                   unsigned long count)
{
	char path[MAILDIR_PATH_MAX], tmp[MAILDIR_PATH_MAX + 32];
	FILE *f;
	int rc;

	if (localdrop_sync(l) < 0) /* never list a message that may vanish */
		return -1;
	if (maildir_path(path, l->dir, UIDL_FILE, NULL, NULL) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL) {
		snprintf(l->err, sizeof l->err, _("cannot create %s: %s"), tmp,
		         strerror(errno));
		return -1;
	}
	rc = write_list(f, ids, keep, count);
	if (fclose(f) != 0)
		rc = -1;
	/* tmp -> fsync -> rename: the old list or the new, never half. */
	if (rc < 0 || rename(tmp, path) < 0 || maildir_sync_dir(l->dir) < 0) {
		snprintf(l->err, sizeof l->err, _("cannot write %s: %s"), path,
		         strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void localdrop_close(struct localdrop *l)
{
	localdrop_abort(l);
	free(l->seen);
	l->seen = NULL;
	l->nseen = l->cap = 0;
}

/* ---- the download: RETR each new message into the Maildir ---- */

/* Message bytes to the tmp/ file: CRLF becomes LF (maildir(5)). */
static int sink_file(void *ctx, const char *p, size_t n, enum pop3_eol eol)
{
	localdrop_write(ctx, p, n);
	if (eol != POP3_MORE)
		localdrop_write(ctx, "\n", 1);
	return 0;
}

/* Message i, whose RETR was sent ahead; POP3_OK once it is in new/. */
static int fetch_one(struct localdrop *l, struct localdrop_job *j,
                     unsigned long i)
{
	struct pop3 *p = j->pop;
	int rc;

	if (localdrop_begin(l, j->ids ? j->ids[i] : NULL) < 0) {
		warnmsg("%s", l->err);
		return LOCALDROP_FAILED;
	}
	rc = pop3_read_body(p, j->sizes[i] + POP3_OVERRUN_MAX, sink_file, l);
	if (rc != POP3_OK) {
		localdrop_abort(l); /* nothing partial stays behind */
		warnmsg(_("message %lu not saved: %s"), i, p->err);
		return rc;
	}
	if (p->received != j->sizes[i])
		warnmsg(_("message %lu: LIST said %lu octets but RETR sent %llu"),
		        i, j->sizes[i], p->received);
	if (localdrop_commit(l) < 0) { /* tmp -> fsync -> new/ */
		warnmsg(_("message %lu not saved: %s"), i, l->err);
		return LOCALDROP_FAILED;
	}
	j->kept[i] = true;
	j->fetched++;
	j->bytes += p->received;
	return POP3_OK;
}

/* Keep up to LOCALDROP_WINDOW RETRs ahead of the one being read
 * (RFC 2449 6.6, when the server has PIPELINING): no round trip per
 * message.  Without PIPELINING, one at a time. */
static int send_ahead(struct localdrop_job *j, unsigned long *next)
{
	unsigned long window = j->pop->capa_pipelining ? LOCALDROP_WINDOW : 1;

	for (; *next <= j->count && j->inflight < window; (*next)++) {
		if (j->kept[*next])
			continue; /* an earlier run has it */
		int rc = pop3_send_retr(j->pop, *next, -1);
		if (rc != POP3_OK)
			return rc;
		j->inflight++;
	}
	return POP3_OK;
}

int localdrop_checkpoint(struct localdrop *l, struct localdrop_job *j)
{
	int rc = j->ids ? localdrop_save(l, j->ids, j->kept, j->count)
	                : localdrop_sync(l);

	if (rc < 0) {
		warnmsg("%s", l->err);
		return LOCALDROP_FAILED;
	}
	return POP3_OK;
}

int localdrop_fetch(struct localdrop *l, struct localdrop_job *j)
{
	unsigned long next = 1;
	int rc = POP3_OK, worst = POP3_OK;

	for (unsigned long i = 1; i <= j->count; i++) {
		j->kept[i] = j->ids && localdrop_seen(l, j->ids[i]);
		j->skipped += j->kept[i];
	}
	for (unsigned long i = 1; i <= j->count; i++) {
		if (j->kept[i])
			continue;
		if ((rc = send_ahead(j, &next)) != POP3_OK)
			break;
		j->inflight--;
		rc = fetch_one(l, j, i);
		if (rc == POP3_OK && j->fetched % LOCALDROP_CHECKPOINT == 0)
			rc = localdrop_checkpoint(l, j); /* few duplicates */
		worst = worst == POP3_OK ? rc : worst;
		j->progress(j, i);
		if (rc != POP3_OK && rc != POP3_ERR)
			break; /* -ERR for one message: the others go on */
	}
	j->progress(j, 0);
	return rc != POP3_OK && rc != POP3_ERR ? rc : worst;
}
