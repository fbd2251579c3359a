/*
 * Unit tests of lib/maildir's reading side: POP3 sizes (W=), the
 * snapshot's order and sizes, UIDs, the lock, the update at QUIT, and
 * the W= that delivery writes.
 */
#include "check.h"
#include "maildir.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[256];

/* Write a file DIR/<box>/<sub>/<name> with text. */
static void put(const char *sub, const char *name, const char *text)
{
	char path[MAILDIR_PATH_MAX];
	FILE *f;

	maildir_path(path, root, "u", sub, name);
	f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int exists(const char *sub, const char *name)
{
	char path[MAILDIR_PATH_MAX];
	struct stat st;

	maildir_path(path, root, "u", sub, name);
	return stat(path, &st) == 0;
}

static void sizes(void)
{
	int last = -1;
	unsigned long long bare;

	bare = maildir_bare_lf("a\nb\r\nc\n", 7, &last);
	CHECK("bare LFs: a CRLF is not counted", bare == 2);
	last = -1;
	bare = maildir_bare_lf("a\r", 2, &last);
	bare += maildir_bare_lf("\nb\n", 3, &last);
	CHECK("bare LFs: a CR at the end of one chunk pairs with the next LF",
	      bare == 1);
	CHECK("W: LF-terminated", maildir_pop_size(7, 2, '\n') == 9);
	CHECK("W: a last line without LF gets a CRLF", maildir_pop_size(4, 1, 'x') == 7);
	CHECK("W: an empty message is 0", maildir_pop_size(0, 0, -1) == 0);
}

/* The W= that delivery records: LF-only storage, CRLF counted once. */
static void delivery(void)
{
	char err[MAILDIR_ERR_LEN];
	const char *boxes[] = { "d" };
	struct maildir_delivery d;
	struct dirent *e;
	DIR *dir;
	int found = 0;

	if (maildir_begin(err, &d, root, "d") < 0)
		return;
	maildir_write(&d, "a\r", 2);
	maildir_write(&d, "\nb\nlast", 7);
	CHECK("delivery commits", maildir_commit(err, &d, root, boxes, 1) == 0);
	snprintf(err, sizeof err, "%s/d/new", root);
	dir = opendir(err);
	while (dir && (e = readdir(dir)) != NULL)
		found |= strstr(e->d_name, ",S=9,W=12") != NULL;
	if (dir)
		closedir(dir);
	CHECK("delivery names the file ,S=9,W=12 (1 bare LF, no final LF)", found);
}

static void scan(struct maildir_box *b)
{
	char err[MAILDIR_ERR_LEN], uid[MAILDIR_UID_MAX + 1];
	char long_name[200];

	put("new", "1764000003.M000001P1Q1.h,S=3,W=5", "x\ny\n");
	put("cur", "1764000001.M000002P1Q2.h,S=2,W=4:2,S", "x\n");
	put("new", "1764000001.M000001P1Q3.h,S=2,W=4", "x\n");
	put("new", "foreign", "a\nb");
	put("new", ".hidden", "not mail\n");
	memset(long_name, 'a', 120);
	strcpy(long_name + 120, ",W=1");
	put("cur", long_name, "z");
	CHECK("lock a mailbox", maildir_lock(err, b, root, "u") == 0);
	CHECK("scan it", maildir_scan(err, b) == 0);
	CHECK("dot-files are not messages", b->n == 5);
	CHECK_STR("oldest first (seconds, then microseconds)",
	          maildir_msg_name(b, 0), "1764000001.M000001P1Q3.h,S=2,W=4");
	CHECK_STR("... from cur/ as well", maildir_msg_name(b, 1),
	          "1764000001.M000002P1Q2.h,S=2,W=4:2,S");
	CHECK_STR("... the newest delivery time last but the foreign ones",
	          maildir_msg_name(b, 2), "1764000003.M000001P1Q1.h,S=3,W=5");
	CHECK("size from W=", b->msg[2].size == 5);
	CHECK("size of a name without W= read from the file: a\\nb is 6",
	      strcmp(maildir_msg_name(b, 4), "foreign") == 0 && b->msg[4].size == 6);
	maildir_uid(b, 1, uid);
	CHECK_STR("UID drops the :2, info", uid, "1764000001.M000002P1Q2.h,S=2,W=4");
	for (size_t i = 0; i < b->n; i++)
		if (maildir_msg_name(b, i)[0] == 'a')
			maildir_uid(b, i, uid);
	CHECK("a name over 70 characters gets a 32-digit MD5 UID", strlen(uid) == 32);
}

/* A child process tries the lock the parent holds. */
static int lock_in_child(void)
{
	char err[MAILDIR_ERR_LEN];
	struct maildir_box other;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(maildir_lock(err, &other, root, "u") == 1 ? 0 : 1);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void update(struct maildir_box *b)
{
	char err[MAILDIR_ERR_LEN];

	b->msg[0].deleted = 1;   /* new/ ...Q3: unlinked */
	b->msg[1].seen = 1;      /* cur/: stays as it is */
	b->msg[2].seen = 1;      /* new/ ...Q1: to cur/ with :2,S */
	put("new", "1764000009.M0P1Q9.h,S=2,W=4", "x\n"); /* after the scan */
	CHECK("update succeeds", maildir_update(err, b) == 0);
	CHECK("a deleted message is unlinked",
	      !exists("new", "1764000001.M000001P1Q3.h,S=2,W=4"));
	CHECK("a seen message moves to cur/ with :2,S",
	      exists("cur", "1764000003.M000001P1Q1.h,S=3,W=5:2,S") &&
	      !exists("new", "1764000003.M000001P1Q1.h,S=3,W=5"));
	CHECK("a seen message already in cur/ stays",
	      exists("cur", "1764000001.M000002P1Q2.h,S=2,W=4:2,S"));
	CHECK("a message not in the snapshot is left alone",
	      exists("new", "1764000009.M0P1Q9.h,S=2,W=4"));
	CHECK("the unmarked foreign message stays", exists("new", "foreign"));
}

int main(void)
{
	struct maildir_box b;
	char cmd[300];

	snprintf(root, sizeof root, "%s/mailab-unit.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL)
		return 1;
	sizes();
	delivery();
	maildir_make_box(cmd, root, "u");
	scan(&b);
	CHECK("another process gets 'in use' while the lock is held", lock_in_child());
	update(&b);
	maildir_close(&b);
	CHECK("after close, the lock is free again", !lock_in_child());
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE();
}
