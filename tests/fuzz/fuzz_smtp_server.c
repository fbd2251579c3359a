/*
 * fuzz_smtp_server: smtp_server's whole command dispatcher, one client
 * session per input (--stdio), from the greeting to QUIT or the end of
 * input: commands, AUTH exchanges, DATA with delivery into a scratch
 * Maildir.  See fuzz_server.h for how a session is run and for the
 * "#! OPT..." first line that switches options on.
 *
 * The sanitizers and the server's own checks are the oracle: no input
 * may crash it, read or write out of bounds, leak, or end the process.
 */
#include "fuzz_server.h"

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

static struct fuzz_server server = {
	"smtp_server", smtp_server_main, base_args, opts,
	sizeof opts / sizeof opts[0], fill_store,
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
