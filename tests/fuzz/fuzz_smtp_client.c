/*
 * fuzz_smtp_client: lib/smtp_client's reading of a server's replies
 * (greeting, multi-line EHLO with its extensions, AUTH challenges, the
 * replies to a pipelined or stepwise envelope, DATA and the final
 * reply), the way mail_send and the relay use it.  The input is
 * everything "the server" says, waiting in a socketpair; the client's
 * own lines go to the other end and are not read.
 *
 * Checks: every call returns SMTP_OK or one of its error codes; reply
 * texts and the error line stay NUL-terminated inside their buffers;
 * an accepted message has 1 to nrcpt accepted recipients; a broken
 * connection stays broken.
 */
#include "fuzz.h"
#include "smtp_client.h"

#include <signal.h>

static const char body[] =
    "From: melek@example.com\nTo: gizem@example.com\nSubject: Selam\n\n"
    "Bu bir test mesajidir.\n.dot line\n";

struct src {
	size_t off;
};

static ssize_t src_read(void *ctx, char *buf, size_t cap)
{
	struct src *s = ctx;
	size_t n = sizeof body - 1 - s->off;

	if (n > cap)
		n = cap;
	memcpy(buf, body + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void check_rc(const struct smtp_client *c, int rc)
{
	fuzz_check(rc <= SMTP_OK && rc >= SMTP_ERR_SOURCE);
	fuzz_check(memchr(c->reply.text, '\0', sizeof c->reply.text));
	fuzz_check(memchr(c->err, '\0', sizeof c->err));
	fuzz_check(strlen(smtp_error(c)) < sizeof c->err);
}

static void check_result(const struct smtp_result *res,
                         const struct smtp_envelope *env, int rc)
{
	fuzz_check(res->accepted <= env->nrcpt);
	if (rc == SMTP_OK)
		fuzz_check(res->accepted >= 1);
	fuzz_check(memchr(res->mail.text, '\0', sizeof res->mail.text));
	fuzz_check(memchr(res->data.text, '\0', sizeof res->data.text));
	for (size_t i = 0; i < env->nrcpt; i++)
		fuzz_check(memchr(res->rcpt[i].text, '\0',
		                  sizeof res->rcpt[i].text));
}

/* One message; true while the session can go on. */
static bool send_one(struct smtp_client *c, bool big)
{
	static const char *const rcpt[] = { "gizem@example.com",
	                                    "test@example.com",
	                                    "melek@example.com" };
	struct smtp_reply replies[3];
	struct smtp_result res = { .rcpt = replies };
	struct smtp_envelope env = {
		.from = "melek@example.com", .rcpt = rcpt, .nrcpt = 3,
		.size = big ? 5000000 : sizeof body - 1, .body_8bit = true,
	};
	struct src s = { 0 };
	struct smtp_source src = { src_read, &s };
	bool was_broken = c->broken;

	int rc = smtp_send(c, &env, &src, &res);
	check_rc(c, rc);
	check_result(&res, &env, rc);
	fuzz_check(!was_broken || c->broken);
	return !c->broken;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smtp_client c; /* two conn buffers: not on the stack */
	int other, fd = fuzz_peer(data, size, &other);

	if (fd < 0)
		return 0;
	int rc = smtp_open_fds(&c, fd, fd, 5, false);
	check_rc(&c, rc);
	if (rc == SMTP_OK) {
		/* C: EHLO   S: 250-... (or 5xx, then C: HELO) */
		rc = smtp_hello(&c, "client.example");
		check_rc(&c, rc);
	}
	if (rc == SMTP_OK &&
	    (c.ext & (SMTP_EXT_AUTH_PLAIN | SMTP_EXT_AUTH_LOGIN))) {
		rc = smtp_auth(&c, "gizem", "1234");
		check_rc(&c, rc);
	}
	if (!c.broken && send_one(&c, false) && send_one(&c, true)) {
		rc = smtp_rset(&c);
		check_rc(&c, rc);
	}
	check_rc(&c, smtp_quit(&c)); /* always closes */
	close(other);
	return 0;
}
