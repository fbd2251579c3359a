/* localdrop: a local Maildir and its .uidl list.  See localdrop.h. */
#include "localdrop.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UIDL_FILE ".uidl"
#define UIDL_GROW 1024 /* entries added to the table at a time */

/* The Maildir is DIR itself: the maildir module's "box" is ".". */
static const char *const self_box[] = { "." };

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

	if (maildir_path(path, l->dir, ".", UIDL_FILE, NULL) < 0)
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
	l->d.fd = -1;
	l->d.tmp_path[0] = '\0';
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
	return maildir_begin(l->err, &l->d, l->dir, ".");
}

void localdrop_write(struct localdrop *l, const void *p, size_t n)
{
	maildir_write(&l->d, p, n);
}

int localdrop_commit(struct localdrop *l)
{
	return maildir_commit(l->err, &l->d, l->dir, self_box, 1);
}

void localdrop_abort(struct localdrop *l)
{
	maildir_abort(&l->d);
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

	if (maildir_path(path, l->dir, ".", UIDL_FILE, NULL) < 0)
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
	maildir_abort(&l->d);
	free(l->seen);
	l->seen = NULL;
	l->nseen = 0;
}
