/*
 * fuzz_smtp_server: smtp_server's whole command dispatcher, one client
 * session per input (--stdio), from the greeting to QUIT or the end of
 * input: commands, AUTH exchanges, DATA with delivery into a scratch
 * Maildir.  See fuzz_server.h for how a session is run and for the
 * "#! OPT..." first line that switches options on.
 *
 * The sanitizers and the server's own checks are the oracle: no input
 * may crash it, read or write out of bounds, leak, or end the process;
 * and check_store() below looks at what the session left on disk.
 */
#include "fuzz_server.h"

#if defined(__has_include)
#if __has_include("identity.h")
#include "identity.h"
#define HAVE_IDENTITY 1
#endif
#endif

int smtp_server_main(int argc, char **argv);

static const char *const base_args[] = { "--stdio", NULL };

static struct fuzz_opt opts[] = {
	{ "-U", { "-U", "users.txt" }, false },
	{ "--auth-required", { "--auth-required" }, false },
	{ "--strict-crlf", { "--strict-crlf" }, false },
	{ "--no-pipelining", { "--no-pipelining" }, false },
	{ "--no-8bitmime", { "--no-8bitmime" }, false },
	{ "--no-esmtp", { "--no-esmtp" }, false },
	{ "--domain", { "--domain", "example.com" }, false },
	{ "--max-size", { "--max-size", "2000" }, false },
	{ "--fail-rcpt", { "--fail", "RCPT@2=451 4.3.0 Try again later" }, false },
	{ "--fail-end", { "--fail", "END=554" }, false },
	{ "--fail-close", { "--fail", "DATA=close" }, false },
	{ "-v", { "-v" }, false },
	{ "--explain", { "--explain" }, false },
	{ "--lang-tr", { "--lang", "tr" }, false },
};

/* The store starts empty: the session creates what it delivers. */
static void fill_store(void)
{
}

/*
 * After a session: each mailbox directory is a Maildir whose tmp/ is
 * empty again (a message is in new/ whole, or nowhere: SPEC "no input
 * ever ... leaves a partial file"), and, where lib/identity.h exists,
 * its name obeys the one identity rule (".queue" is the relay's).
 */
static void check_store(void)
{
	DIR *d = opendir("maildir");
	struct dirent *e;
	char path[PATH_MAX];

	fuzz_check(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (strcmp(e->d_name, ".") == 0 ||
		                            strcmp(e->d_name, "..") == 0 ||
		                            strcmp(e->d_name, ".queue") == 0))
			continue;
#ifdef HAVE_IDENTITY
		fuzz_check(id_is_canonical(e->d_name));
#endif
		snprintf(path, sizeof path, "maildir/%s/tmp", e->d_name);
		DIR *t = opendir(path);
		if (t == NULL)
			continue;
		struct dirent *f;
		while ((f = readdir(t)) != NULL)
			fuzz_check(f->d_name[0] == '.');
		closedir(t);
	}
	closedir(d);
}

static struct fuzz_server server = {
	"smtp_server", smtp_server_main, base_args, opts,
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
