/*
 * fuzz_pop_server: pop_server's whole command dispatcher, one client
 * session per input (--stdio): USER/PASS and APOP, then STAT, LIST,
 * UIDL, TOP, RETR, DELE, RSET and QUIT's UPDATE over a scratch Maildir
 * that is put back before every session.  See fuzz_server.h for how a
 * session is run and for the "#! OPT..." first line.
 *
 * The sanitizers and the server's own checks are the oracle: no input
 * may crash it, read or write out of bounds, leak, or end the process;
 * and check_store() below: no message goes without a QUIT.
 */
#include "fuzz_server.h"

#include <strings.h>

int pop_server_main(int argc, char **argv);

static const char *const base_args[] = { "--stdio", "-U", "users.txt",
                                         NULL };

static struct fuzz_opt opts[] = {
	{ "-v", { "-v" }, false },
	{ "--explain", { "--explain" }, false },
	{ "--lang-tr", { "--lang", "tr" }, false },
	{ "--fail-retr", { "--fail", "RETR=-ERR [SYS/TEMP] busy" }, false },
	{ "--fail-close", { "--fail", "USER@2=close" }, false },
};

/* gizem's drop: a plain message, a MIME one, one with dot lines and no
 * final newline, and one already seen (in cur/); test's: one message. */
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
	              "From: melek@example.com\nTo: gizem@example.com\n"
	              "Subject: Selam\n\nBu bir test mesajidir.\n");
	fuzz_put_file("maildir/gizem/new/1700000002.M2P100.lab",
	              "From: melek@example.com\nSubject: =?utf-8?B?w4dp?=\n"
	              "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	              "boundary=\"=_b\"\n\n--=_b\nContent-Type: text/plain\n\n"
	              "ek\n--=_b\nContent-Type: application/octet-stream\n"
	              "Content-Transfer-Encoding: base64\n\nAAEC\n--=_b--\n");
	fuzz_put_file("maildir/gizem/new/1700000003.M3P100.lab",
	              "Subject: dots\n\n.\n..\n.x\nno newline at the end");
	fuzz_put_file("maildir/gizem/cur/1700000000.M0P100.lab:2,S",
	              "Subject: old\n\nseen before\n");
	fuzz_put_file("maildir/test/new/1700000004.M4P100.lab",
	              "Subject: test\n\nhello\n");
}

/* Files in a directory, "." and ".." aside. */
static size_t count_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* RFC 1939 6: messages are removed only in the UPDATE state, after a
 * QUIT; a session that never said QUIT (in any case) removed nothing. */
static void check_store(void)
{
	for (size_t i = 0; i + 4 <= fuzz_session_len; i++)
		if (strncasecmp((const char *)fuzz_session + i, "quit", 4) == 0)
			return;
	fuzz_check(count_files("maildir/gizem/new") +
	           count_files("maildir/gizem/cur") == 4);
	fuzz_check(count_files("maildir/test/new") +
	           count_files("maildir/test/cur") == 1);
}

static struct fuzz_server server = {
	"pop_server", pop_server_main, base_args, opts,
	sizeof opts / sizeof opts[0], fill_store, check_store,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
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
