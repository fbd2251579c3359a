/*
 * fuzz_imap_server: imap_server's whole session, one client session
 * per input (--stdio): LOGIN and AUTHENTICATE, SELECT/EXAMINE, LIST,
 * STATUS, FETCH, SEARCH, STORE, COPY, EXPUNGE, CLOSE, UID..., IDLE,
 * with literals, over a scratch Maildir put back before every session.
 * See fuzz_server.h for how a session is run and for the "#! OPT..."
 * first line.
 *
 * The sanitizers and the server's own checks are the oracle: no input
 * may crash it, read or write out of bounds, leak, or end the process;
 * and check_store() below: the session wrote nothing but messages and
 * imap_server's two files in the mailboxes; no message went without a
 * STORE of \Deleted and an EXPUNGE or CLOSE (RFC 3501 6.4.2, 6.4.3,
 * 6.4.6); the UID file, when there,
 * is well-formed with UIDs that only grow and stay below UIDNEXT.
 */
#include "fuzz_server.h"
#include "imap_mbox.h"

#include <strings.h>

int imap_server_main(int argc, char **argv);

static const char *const base_args[] = { "--stdio", "-U", "users.txt",
                                         "--timeout", "5", NULL };

static struct fuzz_opt opts[] = {
	{ "-v", { "-v" }, false },
	{ "--explain", { "--explain" }, false },
	{ "--lang-tr", { "--lang", "tr" }, false },
	{ "--fail-fetch", { "--fail", "FETCH=NO [UNAVAILABLE] busy" }, false },
	{ "--fail-close", { "--fail", "SELECT@2=BYE" }, false },
};

/* The message files of each mailbox, as fill_store() puts them. */
static const char *const gizem_msgs[] = {
	"1700000001.M1P100.lab", "1700000002.M2P100.lab",
	"1700000003.M3P100.lab", "1700000000.M0P100.lab",
};

/* gizem's INBOX: a plain message, a multipart with a message/rfc822
 * in it, one with CRLF endings and no final newline, one already seen
 * (in cur/, flagged); test's: one message. */
static void fill_store(void)
{
	static const char *const dirs[] = {
		"maildir/gizem", "maildir/gizem/tmp", "maildir/gizem/new",
		"maildir/gizem/cur", "maildir/test", "maildir/test/tmp",
		"maildir/test/new", "maildir/test/cur",
	};

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		fuzz_mkdir(dirs[i]);
	fuzz_put_file("maildir/gizem/new/1700000001.M1P100.lab",
	              "From: Melek <melek@example.com>\nTo: gizem@example.com\n"
	              "Date: Mon, 2 Oct 2023 10:00:00 +0300\n"
	              "Message-ID: <1@lab>\nSubject: Selam\n\n"
	              "Bu bir test mesajidir.\n");
	fuzz_put_file("maildir/gizem/new/1700000002.M2P100.lab",
	              "From: melek@example.com\nSubject: =?utf-8?B?w4dp?=\n"
	              "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	              "boundary=\"=_b\"\n\n--=_b\nContent-Type: text/plain; "
	              "charset=utf-8\n\nek\n--=_b\nContent-Type: message/rfc822"
	              "\n\nFrom: a@b\nSubject: inner\n\ninner body\n--=_b\n"
	              "Content-Type: application/octet-stream; name=x.bin\n"
	              "Content-Disposition: attachment; filename=x.bin\n"
	              "Content-Transfer-Encoding: base64\n\nAAEC\n--=_b--\n");
	fuzz_put_file("maildir/gizem/new/1700000003.M3P100.lab",
	              "Subject: crlf\r\n\r\nline\r\nno newline at the end");
	fuzz_put_file("maildir/gizem/cur/1700000000.M0P100.lab:2,FS",
	              "Subject: old\n\nseen before\n");
	fuzz_put_file("maildir/test/new/1700000004.M4P100.lab",
	              "Subject: test\n\nhello\n");
}

/* Did the session say word (in any case) anywhere? */
static bool said(const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= fuzz_session_len; i++)
		if (strncasecmp((const char *)fuzz_session + i, word, n) == 0)
			return true;
	return false;
}

/* Is there a file whose name starts with base in DIR/new or DIR/cur? */
static bool has_message(const char *dir, const char *base)
{
	static const char *const subs[] = { "new", "cur" };
	char path[PATH_MAX];
	size_t n = strlen(base);

	for (size_t k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/%s", dir, subs[k]);
		DIR *d = opendir(path);
		struct dirent *e;
		bool found = false;
		fuzz_check(d != NULL);
		while (!found && (e = readdir(d)) != NULL)
			found = strncmp(e->d_name, base, n) == 0 &&
			        (e->d_name[n] == '\0' || e->d_name[n] == ':');
		closedir(d);
		if (found)
			return true;
	}
	return false;
}

/* A mailbox holds new/, cur/, tmp/ and imap_server's own two files;
 * tmp/ is empty between sessions (every write is tmp -> rename). */
static void check_box_files(const char *dir)
{
	char path[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;

	fuzz_check(d != NULL);
	while ((e = readdir(d)) != NULL)
		fuzz_check(strcmp(e->d_name, ".") == 0 ||
		           strcmp(e->d_name, "..") == 0 ||
		           strcmp(e->d_name, "new") == 0 ||
		           strcmp(e->d_name, "cur") == 0 ||
		           strcmp(e->d_name, "tmp") == 0 ||
		           strcmp(e->d_name, IMBOX_UIDLIST) == 0 ||
		           strcmp(e->d_name, IMBOX_LOCK) == 0);
	closedir(d);
	snprintf(path, sizeof path, "%s/tmp", dir);
	d = opendir(path);
	fuzz_check(d != NULL);
	while ((e = readdir(d)) != NULL)
		fuzz_check(e->d_name[0] == '.');
	closedir(d);
}

/* RFC 3501 2.3.1.1: "<magic> 1 <uidvalidity> <uidnext> <recent>", then
 * "<uid> <base>" lines, UIDs ascending, each below UIDNEXT, each base
 * a file name; and every message still there has its line. */
static void check_uidlist(const char *dir)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	unsigned long v, next, recent, last = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/" IMBOX_UIDLIST, dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	fuzz_check(getline(&line, &cap, f) > 0);
	fuzz_check(sscanf(line, "mailab-imap-uidlist 1 %lu %lu %lu", &v, &next,
	                  &recent) == 3);
	fuzz_check(v > 0 && next > 0 && recent <= next);
	while (getline(&line, &cap, f) > 0) {
		char *end;
		unsigned long uid = strtoul(line, &end, 10);
		fuzz_check(end != line && *end == ' ');
		fuzz_check(uid > last && uid < next);
		last = uid;
		char *base = end + 1;
		size_t n = strcspn(base, "\n");
		fuzz_check(n > 0 && base[n] == '\n');
		fuzz_check(memchr(base, '/', n) == NULL &&
		           memchr(base, ':', n) == NULL && base[0] != '.');
	}
	free(line);
	fclose(f);
}

static void check_store(void)
{
	static const char *const boxes[] = { "maildir/gizem", "maildir/test" };
	DIR *d = opendir("maildir");
	struct dirent *e;

	fuzz_check(d != NULL);
	while ((e = readdir(d)) != NULL)
		fuzz_check(strcmp(e->d_name, ".") == 0 ||
		           strcmp(e->d_name, "..") == 0 ||
		           strcmp(e->d_name, "gizem") == 0 ||
		           strcmp(e->d_name, "test") == 0);
	closedir(d);
	for (size_t i = 0; i < 2; i++) {
		check_box_files(boxes[i]);
		check_uidlist(boxes[i]);
	}
	/* Only STORE sets \Deleted (an atom: never split by a literal). */
	if ((said("expunge") || said("close")) && said("deleted"))
		return;
	for (size_t i = 0; i < sizeof gizem_msgs / sizeof gizem_msgs[0]; i++)
		fuzz_check(has_message("maildir/gizem", gizem_msgs[i]));
	fuzz_check(has_message("maildir/test", "1700000004.M4P100.lab"));
}

static struct fuzz_server server = {
	"imap_server", imap_server_main, base_args, opts,
	sizeof opts / sizeof opts[0], fill_store, check_store,
};

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	(void)argc;
	(void)argv;
	fuzz_server_init(&server);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_server_run(&server, data, size);
	return 0;
}
