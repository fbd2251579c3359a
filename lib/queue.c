/* queue: the relay queue's envelopes on disk.  See queue.h. */
#include "queue.h"
#include "i18n.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QUEUE_LINE_MAX (ADDR_MAX + 16)

/* A name from the queue directory must be a plain file name. */
static int safe_name(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

int queue_make(char *err, const char *root)
{
	char dir[MAILDIR_PATH_MAX], parent[MAILDIR_PATH_MAX];

	if (maildir_make_box(err, root, QUEUE_BOX) < 0) /* fsyncs parents */
		return -1;
	if (maildir_path(dir, root, QUEUE_BOX, "env", NULL) < 0 ||
	    maildir_path(parent, root, QUEUE_BOX, NULL, NULL) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("queue path too long under %s"), root);
		return -1;
	}
	if (mkdir(dir, 0700) == 0) {
		/* A new directory survives a crash once its parent is synced. */
		if (maildir_sync_dir(parent) < 0) {
			snprintf(err, MAILDIR_ERR_LEN, _("cannot sync %s: %s"), parent,
			         strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot create %s: %s"), dir,
		         strerror(errno));
		return -1;
	}
	return 0;
}

int queue_write(char *err, const char *root, const struct queue_entry *e)
{
	char tmp[MAILDIR_PATH_MAX], dst[MAILDIR_PATH_MAX], dir[MAILDIR_PATH_MAX];
	FILE *f;
	int ok;

	if (queue_make(err, root) < 0)
		return -1;
	maildir_path(dir, root, QUEUE_BOX, "env", NULL);
	if (!safe_name(e->name) ||
	    maildir_path(tmp, root, QUEUE_BOX, "tmp", e->name) < 0 ||
	    maildir_path(dst, root, QUEUE_BOX, "env", e->name) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("bad queue name %s"), e->name);
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot create %s: %s"), tmp,
		         strerror(errno));
		return -1;
	}
	fprintf(f, "from %s\narrived %lld\nnext %lld\nattempts %u\n", e->from,
	        e->arrived, e->next, e->attempts);
	for (size_t i = 0; i < e->nrcpt; i++)
		fprintf(f, "rcpt %s\n", e->rcpt[i]);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, dst) < 0 || maildir_sync_dir(dir) < 0) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot write %s: %s"), dst,
		         strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* One "key value" line of an envelope into e; -1 when malformed. */
static int read_field(struct queue_entry *e, char *line)
{
	char *value = strchr(line, ' ');

	if (value == NULL)
		return strcmp(line, "from") == 0 ? 0 : -1; /* "from " = <> */
	*value++ = '\0';
	if (strcmp(line, "from") == 0)
		str_copy(e->from, value, sizeof e->from);
	else if (strcmp(line, "arrived") == 0)
		e->arrived = strtoll(value, NULL, 10);
	else if (strcmp(line, "next") == 0)
		e->next = strtoll(value, NULL, 10);
	else if (strcmp(line, "attempts") == 0)
		e->attempts = (unsigned)strtoul(value, NULL, 10);
	else if (strcmp(line, "rcpt") == 0 && e->nrcpt < QUEUE_RCPT_MAX)
		str_copy(e->rcpt[e->nrcpt++], value, ADDR_MAX + 1);
	else
		return -1;
	return 0;
}

int queue_read(char *err, const char *root, const char *name,
               struct queue_entry *e)
{
	char path[MAILDIR_PATH_MAX], line[QUEUE_LINE_MAX];
	FILE *f;
	int rc = 0;

	memset(e, 0, offsetof(struct queue_entry, rcpt));
	if (!safe_name(name) ||
	    maildir_path(path, root, QUEUE_BOX, "env", name) < 0 ||
	    (f = fopen(path, "r")) == NULL) {
		snprintf(err, MAILDIR_ERR_LEN, _("cannot read envelope %s: %s"),
		         name, strerror(errno));
		return -1;
	}
	str_copy(e->name, name, sizeof e->name);
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		rc = read_field(e, line);
	}
	fclose(f);
	if (rc < 0)
		snprintf(err, MAILDIR_ERR_LEN, _("malformed envelope %s"), name);
	return rc;
}

void queue_remove(const char *root, const char *name)
{
	char path[MAILDIR_PATH_MAX];

	if (!safe_name(name))
		return;
	if (maildir_path(path, root, QUEUE_BOX, "env", name) == 0)
		unlink(path);
	if (maildir_path(path, root, QUEUE_BOX, "new", name) == 0)
		unlink(path);
}

int queue_open_msg(const char *root, const char *name)
{
	char path[MAILDIR_PATH_MAX];

	if (!safe_name(name) ||
	    maildir_path(path, root, QUEUE_BOX, "new", name) < 0)
		return -1;
	return open(path, O_RDONLY | O_NOFOLLOW);
}

int queue_each(const char *root, int (*fn)(const char *name, void *ctx),
               void *ctx)
{
	char dir[MAILDIR_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (maildir_path(dir, root, QUEUE_BOX, "env", NULL) < 0)
		return -1;
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name))
			continue;
		n++;
		if (fn(de->d_name, ctx) != 0)
			break;
	}
	closedir(d);
	return n;
}

void queue_sweep_orphans(const char *root, long long older_than)
{
	char dir[MAILDIR_PATH_MAX], env[MAILDIR_PATH_MAX], msg[MAILDIR_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (maildir_path(dir, root, QUEUE_BOX, "new", NULL) < 0 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name) ||
		    maildir_path(env, root, QUEUE_BOX, "env", de->d_name) < 0 ||
		    maildir_path(msg, root, QUEUE_BOX, "new", de->d_name) < 0)
			continue;
		/* A message with no envelope, old enough that no session can
		 * still be writing one: a crash left it; nobody acknowledged it. */
		if (stat(env, &st) < 0 && errno == ENOENT &&
		    stat(msg, &st) == 0 && (long long)st.st_mtime < older_than)
			unlink(msg);
	}
	closedir(d);
}
