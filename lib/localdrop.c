/* localdrop: a local Maildir and its .uidl list.  See localdrop.h. */
#include "localdrop.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UIDL_FILE ".uidl"
#define UIDL_GROW 1024 /* entries added to the table at a time */

static int compare_uidl(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Take one line of .uidl if it is a well-formed UIDL (RFC 1939 7). */
static int keep_line(struct localdrop *l, const char *line, size_t *cap)
{
	size_t n = strcspn(line, "\r\n");

	if (n == 0 || n > POP3_UIDL_MAX || line[0] == '#')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (line[i] < '!' || line[i] > '~')
			return 0;
	if (l->nseen == *cap) {
		if (*cap >= POP3_MSGS_MAX)
			return 0; /* a list this long cannot be ours */
		uidl_t *more = realloc(l->seen, (*cap + UIDL_GROW) * sizeof *more);
		if (more == NULL)
			return -1;
		l->seen = more;
		*cap += UIDL_GROW;
	}
	memcpy(l->seen[l->nseen], line, n);
	l->seen[l->nseen++][n] = '\0';
	return 0;
}

/* Read DIR/.uidl (absent on a first run) into the sorted table. */
static int load_uidl(struct localdrop *l)
{
	char path[MAILDIR_PATH_MAX], line[POP3_UIDL_MAX + 8];
	size_t cap = 0;
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
		if (keep_line(l, line, &cap) < 0)
			break;
	}
	int failed = ferror(f);
	fclose(f);
	qsort(l->seen, l->nseen, sizeof *l->seen, compare_uidl);
	return failed ? -1 : 0;
}

int localdrop_open(struct localdrop *l, const char *dir)
{
	l->dir = dir;
	l->seen = NULL;
	l->nseen = 0;
	l->fd = -1;
	l->unsynced = 0;
	l->tmp_path[0] = '\0';
	/* The Maildir is DIR itself: the maildir module's "box" is ".". */
	if (maildir_make_box(l->err, dir, ".") < 0)
		return -1;
	if (load_uidl(l) < 0) {
		snprintf(l->err, sizeof l->err, "cannot read %s/%s: %s", dir,
		         UIDL_FILE, strerror(errno));
		return -1;
	}
	return 0;
}

bool localdrop_seen(const struct localdrop *l, const char *uidl)
{
	return l->nseen > 0 &&
	       bsearch(uidl, l->seen, l->nseen, sizeof *l->seen,
	               compare_uidl) != NULL;
}

int localdrop_begin(struct localdrop *l)
{
	l->size = l->newlines = 0;
	l->last = -1;
	l->blen = 0;
	l->err_no = 0;
	maildir_unique(l->uniq, sizeof l->uniq);
	if (maildir_path(l->tmp_path, l->dir, "tmp", l->uniq, NULL) < 0) {
		snprintf(l->err, sizeof l->err, "path too long under %s", l->dir);
		return -1;
	}
	l->fd = open(l->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
	             0600);
	if (l->fd < 0) {
		snprintf(l->err, sizeof l->err, "cannot create %s: %s",
		         l->tmp_path, strerror(errno));
		l->tmp_path[0] = '\0';
		return -1;
	}
	return 0;
}

/* Write the buffer out; a failure is kept for commit to report. */
static void drain(struct localdrop *l)
{
	size_t off = 0;

	while (off < l->blen && l->err_no == 0) {
		ssize_t n = write(l->fd, l->buf + off, l->blen - off);
		if (n < 0 && errno != EINTR)
			l->err_no = errno;
		else if (n > 0)
			off += (size_t)n;
	}
	l->blen = 0;
}

void localdrop_write(struct localdrop *l, const void *p, size_t n)
{
	const unsigned char *s = p;

	/* W= counted as the maildir module counts it, whatever the bytes. */
	l->newlines += maildir_bare_lf(p, n, &l->last);
	l->size += n;
	while (n > 0) {
		size_t k = n < LOCALDROP_BUF - l->blen ? n : LOCALDROP_BUF - l->blen;
		memcpy(l->buf + l->blen, s, k);
		l->blen += k;
		s += k;
		n -= k;
		if (l->blen == LOCALDROP_BUF)
			drain(l);
	}
}

int localdrop_commit(struct localdrop *l)
{
	char name[MAILDIR_UNIQ_MAX + 48], path[MAILDIR_PATH_MAX];

	drain(l);
	if (l->err_no == 0 && fsync(l->fd) < 0)
		l->err_no = errno;
	if (close(l->fd) < 0 && l->err_no == 0)
		l->err_no = errno;
	l->fd = -1;
	/* S= as stored (LF), W= as POP3 counts it (CRLF): maildir.h */
	snprintf(name, sizeof name, "%s,S=%llu,W=%llu", l->uniq, l->size,
	         maildir_pop_size(l->size, l->newlines, l->last));
	if (l->err_no == 0 && maildir_path(path, l->dir, "new", name, NULL) < 0)
		l->err_no = ENAMETOOLONG;
	if (l->err_no == 0 && rename(l->tmp_path, path) < 0)
		l->err_no = errno;
	if (l->err_no != 0) {
		snprintf(l->err, sizeof l->err, "cannot save %s: %s",
		         l->tmp_path, strerror(l->err_no));
		localdrop_abort(l);
		return -1;
	}
	l->tmp_path[0] = '\0';
	l->unsynced++;
	return 0;
}

void localdrop_abort(struct localdrop *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (l->tmp_path[0])
		unlink(l->tmp_path);
	l->tmp_path[0] = '\0';
}

int localdrop_sync(struct localdrop *l)
{
	char path[MAILDIR_PATH_MAX];

	if (l->unsynced == 0)
		return 0;
	if (maildir_path(path, l->dir, "new", NULL, NULL) < 0 ||
	    maildir_sync_dir(path) < 0) {
		snprintf(l->err, sizeof l->err, "cannot fsync %s/new: %s",
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
		snprintf(l->err, sizeof l->err, "cannot create %s: %s", tmp,
		         strerror(errno));
		return -1;
	}
	rc = write_list(f, ids, keep, count);
	if (fclose(f) != 0)
		rc = -1;
	/* tmp -> fsync -> rename: the old list or the new, never half. */
	if (rc < 0 || rename(tmp, path) < 0 || maildir_sync_dir(l->dir) < 0) {
		snprintf(l->err, sizeof l->err, "cannot write %s: %s", path,
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
	l->nseen = 0;
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

	if (localdrop_begin(l) < 0) {
		warnmsg("%s", l->err);
		return LOCALDROP_FAILED;
	}
	rc = pop3_read_body(p, j->sizes[i] + POP3_OVERRUN_MAX, sink_file, l);
	if (rc != POP3_OK) {
		localdrop_abort(l); /* nothing partial stays behind */
		warnmsg("message %lu not saved: %s", i, p->err);
		return rc;
	}
	if (p->received != j->sizes[i])
		warnmsg("message %lu: LIST said %lu octets but RETR sent %llu",
		        i, j->sizes[i], p->received);
	if (localdrop_commit(l) < 0) { /* tmp -> fsync -> new/ */
		warnmsg("message %lu not saved: %s", i, l->err);
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
