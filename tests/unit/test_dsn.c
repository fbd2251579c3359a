/* Unit tests: bounces go where the one identity rule says (lib/dsn). */
#include "check.h"
#include "dsn.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static char root[64];

/* Bounce a message from `from`; the mailboxes under root, space-separated. */
static const char *bounce_to(const char *from)
{
	static char list[512];
	static struct queue_entry e; /* large: not on the stack */
	struct relay_config rc = { .maildir = root, .hostname = "mx.test" };
	struct dsn_failure f = { "gizem@b.example", "550 5.1.1 no such user" };
	struct dirent *d;
	DIR *dir;

	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "1764000000.M1P1Q1.test");
	snprintf(e.from, sizeof e.from, "%s", from);
	dsn_bounce(&rc, &e, &f, 1);
	list[0] = '\0';
	if ((dir = opendir(root)) == NULL)
		return list;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.') {
			strcat(list, d->d_name);
			strcat(list, " ");
		}
	closedir(dir);
	return list;
}

int main(void)
{
	snprintf(root, sizeof root, "/tmp/mailab-dsn.XXXXXX");
	if (mkdtemp(root) == NULL)
		return 1;
	CHECK_STR("a hazardous sender gets no mailbox: \"-rf\"",
	          bounce_to("\"-rf\"@example.com"), "");
	CHECK_STR("... nor \"a b\"", bounce_to("\"a b\"@example.com"), "");
	CHECK_STR("... nor \"$(id)\"", bounce_to("\"$(id)\"@example.com"), "");
	CHECK_STR("... nor a%b", bounce_to("a%b@example.com"), "");
	CHECK_STR("the null sender gets none", bounce_to(""), "");
	CHECK_STR("Melek+lab gets it in melek, as RCPT would",
	          bounce_to("Melek+lab@example.com"), "melek ");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE();
}
