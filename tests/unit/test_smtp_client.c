/*
 * Unit tests of lib/smtp_client: the client talks to pipes.  The
 * server's replies are written into one pipe before the call (all at
 * once, which is also how a pipelining server may answer); what the
 * client sent is read back from the other and compared byte for byte.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "smtp_client.h"

#define GREETING "220 mx.test ESMTP\r\n"
#define EHLO_FULL "250-mx.test\r\n250-SIZE 1000\r\n250-8BITMIME\r\n" \
	"250-PIPELINING\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n"
#define EHLO_PLAIN "250-mx.test\r\n250 8BITMIME\r\n"

struct peer {
	int to_client[2], from_client[2];
	char sent[16384];
	size_t sent_len;
};

/* A client on pipes, with replies already waiting for it. */
static void open_peer(struct smtp_client *c, struct peer *p, const char *replies,
                      int *rc)
{
	if (pipe(p->to_client) < 0 || pipe(p->from_client) < 0)
		exit(2);
	if (write(p->to_client[1], replies, strlen(replies)) < 0)
		exit(2);
	close(p->to_client[1]);
	*rc = smtp_open_fds(c, p->to_client[0], p->from_client[1], 2, false);
}

/* Close the client and collect every byte it wrote. */
static const char *sent(struct smtp_client *c, struct peer *p)
{
	ssize_t n;

	conn_flush(&c->conn);
	smtp_close(c);
	p->sent_len = 0;
	while ((n = read(p->from_client[0], p->sent + p->sent_len,
	                 sizeof p->sent - 1 - p->sent_len)) > 0)
		p->sent_len += (size_t)n;
	p->sent[p->sent_len] = '\0';
	close(p->from_client[0]);
	return p->sent;
}

/* A body source over a string, handing out at most step bytes a call. */
struct text_src {
	const char *p;
	size_t left, step;
	bool fail;
};

static ssize_t text_read(void *ctx, char *buf, size_t cap)
{
	struct text_src *t = ctx;
	size_t k = t->left < cap ? t->left : cap;

	if (t->fail && t->left == 0)
		return -1;
	if (t->step && k > t->step)
		k = t->step;
	memcpy(buf, t->p, k);
	t->p += k;
	t->left -= k;
	return (ssize_t)k;
}

/* Connect, EHLO, and one transaction with the given replies. */
static int one_send(struct peer *p, const char *replies, const char *body,
                    size_t step, const char *const *rcpt, size_t nrcpt,
                    struct smtp_result *res, const char **out)
{
	struct smtp_client c;
	struct text_src t = { body, strlen(body), step, false };
	struct smtp_source src = { text_read, &t };
	struct smtp_envelope env = { "a@b.test", rcpt, nrcpt, 100, false };
	int rc;

	open_peer(&c, p, replies, &rc);
	if (rc == SMTP_OK)
		rc = smtp_hello(&c, "client.test");
	if (rc == SMTP_OK)
		rc = smtp_send(&c, &env, &src, res);
	*out = sent(&c, p);
	return rc;
}

static void test_ehlo(void)
{
	struct smtp_client c;
	struct peer p;
	int rc;

	open_peer(&c, &p, GREETING EHLO_FULL, &rc);
	CHECK("greeting read", rc == SMTP_OK);
	CHECK("EHLO accepted", smtp_hello(&c, "client.test") == SMTP_OK);
	CHECK("EHLO: SIZE 1000", c.max_size == 1000 && (c.ext & SMTP_EXT_SIZE));
	CHECK("EHLO: all extensions seen",
	      c.ext == (SMTP_EXT_SIZE | SMTP_EXT_8BITMIME | SMTP_EXT_PIPELINING |
	                SMTP_EXT_SMTPUTF8 | SMTP_EXT_AUTH | SMTP_EXT_AUTH_PLAIN |
	                SMTP_EXT_AUTH_LOGIN));
	CHECK_STR("EHLO sent", sent(&c, &p), "EHLO client.test\r\n");

	open_peer(&c, &p, GREETING "502 5.5.1 no EHLO\r\n250 mx.test\r\n", &rc);
	CHECK("EHLO refused: HELO works", smtp_hello(&c, "h") == SMTP_OK &&
	      !c.esmtp && c.ext == 0);
	CHECK_STR("EHLO then HELO sent", sent(&c, &p), "EHLO h\r\nHELO h\r\n");

	open_peer(&c, &p, GREETING "250-mx\r\n250 \r\n", &rc);
	CHECK("EHLO with an empty last line (smtp-sink)",
	      smtp_hello(&c, "h") == SMTP_OK);
	sent(&c, &p);

	/* A bare "AUTH" after a line whose bytes still sit in the buffer:
	 * nothing may be read past the line's end (issue 10, 4). */
	open_peer(&c, &p, GREETING "250-mx\r\n250-XXXXX PLAIN\r\n250 AUTH\r\n",
	          &rc);
	CHECK("bare AUTH: accepted", smtp_hello(&c, "h") == SMTP_OK);
	CHECK("bare AUTH: no mechanism taken from the line before",
	      c.ext == SMTP_EXT_AUTH);
	sent(&c, &p);
	open_peer(&c, &p, GREETING "250-mx\r\n250-SIZE\r\n250-AUTH=LOGIN\r\n"
	          "250 auth  cram-md5   plain\r\n", &rc);
	CHECK("old AUTH=LOGIN, lower case, runs of spaces, bare SIZE",
	      smtp_hello(&c, "h") == SMTP_OK && c.max_size == 0 &&
	      c.ext == (SMTP_EXT_SIZE | SMTP_EXT_AUTH | SMTP_EXT_AUTH_LOGIN |
	                SMTP_EXT_AUTH_PLAIN));
	sent(&c, &p);
	open_peer(&c, &p, GREETING "250-mx\r\n250-SIZEX 5\r\n250 AUTHX PLAIN\r\n",
	          &rc);
	CHECK("keywords match whole: SIZEX and AUTHX are not SIZE and AUTH",
	      smtp_hello(&c, "h") == SMTP_OK && c.ext == 0);
	sent(&c, &p);

	open_peer(&c, &p, "554 5.3.2 go away\r\n", &rc);
	CHECK("greeting 554: permanent", rc == SMTP_ERR_PERM &&
	      strstr(smtp_error(&c), "554 5.3.2 go away") != NULL);
	sent(&c, &p);
}

static void test_pipelined(void)
{
	const char *rcpt[] = { "c@d.test" }, *out;
	struct smtp_reply r[1];
	struct smtp_result res = { .rcpt = r };
	struct peer p;
	int rc;

	rc = one_send(&p, GREETING EHLO_FULL "250 ok\r\n250 ok\r\n354 go\r\n"
	              "250 queued\r\n", "a\n.b\r\n..c\rd", 0, rcpt, 1, &res, &out);
	CHECK("pipelined send: ok", rc == SMTP_OK && res.accepted == 1 &&
	      res.data.code == 250 && strcmp(res.data.text, "queued") == 0);
	CHECK_STR("pipelined: one batch, then CRLF and dot-stuffed body", out,
	          "EHLO client.test\r\nMAIL FROM:<a@b.test> SIZE=100\r\n"
	          "RCPT TO:<c@d.test>\r\nDATA\r\n"
	          "a\r\n..b\r\n...c\r\nd\r\n.\r\n");

	rc = one_send(&p, GREETING EHLO_FULL "250 ok\r\n250 ok\r\n354 go\r\n"
	              "250 queued\r\n", "x\r\n.\r\n.\n\ny\r\n", 1, rcpt, 1, &res, &out);
	CHECK_STR("body one byte at a time: same conversion", out,
	          "EHLO client.test\r\nMAIL FROM:<a@b.test> SIZE=100\r\n"
	          "RCPT TO:<c@d.test>\r\nDATA\r\n"
	          "x\r\n..\r\n..\r\n\r\ny\r\n.\r\n");
}

static void test_refusals(void)
{
	const char *rcpt[] = { "c@d.test", "e@f.test" }, *out;
	struct smtp_reply r[2];
	struct smtp_result res = { .rcpt = r };
	struct peer p;
	int rc;

	rc = one_send(&p, GREETING EHLO_FULL "250 ok\r\n550 5.1.1 no such user\r\n"
	              "250 ok\r\n354 go\r\n250 queued\r\n", "hi", 0, rcpt, 2,
	              &res, &out);
	CHECK("partial refusal: sent to the other", rc == SMTP_OK &&
	      res.accepted == 1 && r[0].code == 550 && r[1].code == 250 &&
	      strcmp(r[0].text, "5.1.1 no such user") == 0);

	rc = one_send(&p, GREETING EHLO_FULL "250 ok\r\n550 no\r\n450 later\r\n"
	              "554 no valid recipients\r\n250 reset\r\n", "hi", 0, rcpt, 2,
	              &res, &out);
	CHECK("all refused, one 4xx: temporary", rc == SMTP_ERR_TEMP &&
	      res.accepted == 0);
	CHECK("all refused: RSET sent, no body",
	      strstr(out, "DATA\r\nRSET\r\n") != NULL && !strstr(out, "hi"));

	rc = one_send(&p, GREETING EHLO_PLAIN "553 bad sender\r\n250 reset\r\n",
	              "hi", 0, rcpt, 2, &res, &out);
	CHECK("no PIPELINING: MAIL refused stops at once",
	      rc == SMTP_ERR_PERM && strcmp(out, "EHLO client.test\r\n"
	      "MAIL FROM:<a@b.test>\r\nRSET\r\n") == 0);

	rc = one_send(&p, GREETING EHLO_PLAIN "250 ok\r\n250 ok\r\n250 ok\r\n"
	              "354 go\r\n452 4.3.1 disk full\r\n", "hi", 0, rcpt, 2,
	              &res, &out);
	CHECK("no PIPELINING: one command a reply, 4xx after the body",
	      rc == SMTP_ERR_TEMP && strstr(out, "MAIL FROM:<a@b.test>\r\n"
	      "RCPT TO:<c@d.test>\r\nRCPT TO:<e@f.test>\r\nDATA\r\nhi\r\n.\r\n"));
}

static void test_limits(void)
{
	const char *rcpt[] = { "c@d.test" }, *utf8[] = { "\xc3\xa7@d.test" }, *out;
	struct smtp_reply r[1];
	struct smtp_result res = { .rcpt = r };
	char big[2200];
	struct peer p;
	int rc;

	memset(big, 'x', sizeof big);
	memcpy(big, "220 ", 4);
	strcpy(big + sizeof big - 3, "\r\n");
	rc = one_send(&p, big, "", 0, rcpt, 1, &res, &out);
	CHECK("reply line over 1000 octets: protocol error", rc == SMTP_ERR_PROTOCOL);

	char many[4000] = GREETING;
	for (int i = 0; i < 120; i++)
		strcat(many, "250-X\r\n");
	rc = one_send(&p, many, "", 0, rcpt, 1, &res, &out);
	CHECK("120-line reply: protocol error", rc == SMTP_ERR_PROTOCOL);
	rc = one_send(&p, "220 x\r\n250-a\r\n251 b\r\n", "", 0, rcpt, 1, &res, &out);
	CHECK("codes differ inside a reply: protocol error", rc == SMTP_ERR_PROTOCOL);
	rc = one_send(&p, "2x0 hi\r\n", "", 0, rcpt, 1, &res, &out);
	CHECK("not a code: protocol error", rc == SMTP_ERR_PROTOCOL);
	rc = one_send(&p, "220 no line end", "", 0, rcpt, 1, &res, &out);
	CHECK("reply cut short: connection lost", rc == SMTP_ERR_IO);
	rc = one_send(&p, "220\r\n250\r\n250\r\n250\r\n354\r\n250\r\n", "hi", 0,
	              rcpt, 1, &res, &out);
	CHECK("5-octet replies (\"250\\r\\n\") are valid", rc == SMTP_OK);
	rc = one_send(&p, GREETING EHLO_PLAIN, "", 0, utf8, 1, &res, &out);
	CHECK("UTF-8 address, no SMTPUTF8: refused before MAIL",
	      rc == SMTP_ERR_UTF8 && !strstr(out, "MAIL"));
}

static void test_size_and_source(void)
{
	const char *rcpt[] = { "c@d.test" };
	struct smtp_reply r[1];
	struct smtp_result res = { .rcpt = r };
	struct text_src t = { "abc", 3, 0, true };
	struct smtp_source src = { text_read, &t };
	struct smtp_envelope env = { "a@b.test", rcpt, 1, 5000, false };
	struct smtp_client c;
	struct peer p;
	int rc;

	open_peer(&c, &p, GREETING EHLO_FULL "250 ok\r\n250 ok\r\n354 go\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("SIZE 1000, message 5000: refused up front",
	      smtp_send(&c, &env, &src, &res) == SMTP_ERR_SIZE && !c.broken);
	env.size = 10;
	CHECK("source fails: error, connection dropped",
	      smtp_send(&c, &env, &src, &res) == SMTP_ERR_SOURCE && c.broken);
	const char *out = sent(&c, &p);
	CHECK("source fails: no end-of-data dot sent",
	      strstr(out, "abc") != NULL && strstr(out, "\r\n.\r\n") == NULL);
}

static void test_auth(void)
{
	struct smtp_client c;
	struct peer p;
	int rc;

	open_peer(&c, &p, GREETING EHLO_FULL "235 ok\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("AUTH PLAIN accepted", smtp_auth(&c, "gizem", "1234") == SMTP_OK);
	CHECK_STR("AUTH PLAIN line", sent(&c, &p),
	          "EHLO h\r\nAUTH PLAIN AGdpemVtADEyMzQ=\r\n");

	open_peer(&c, &p, GREETING "250-mx\r\n250 AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\n"
	          "334 UGFzc3dvcmQ6\r\n535 5.7.8 bad\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("AUTH LOGIN refused: auth error",
	      smtp_auth(&c, "gizem", "0000") == SMTP_ERR_AUTH);
	CHECK_STR("AUTH LOGIN lines", sent(&c, &p),
	          "EHLO h\r\nAUTH LOGIN\r\nZ2l6ZW0=\r\nMDAwMA==\r\n");

	open_peer(&c, &p, GREETING "250 mx\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("no AUTH offered: auth error", smtp_auth(&c, "a", "b") == SMTP_ERR_AUTH);
	CHECK("no AUTH offered: says so", strstr(smtp_error(&c), "offers no AUTH"));
	sent(&c, &p);

	open_peer(&c, &p, GREETING "250-mx\r\n250 STARTTLS\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("STARTTLS, no AUTH: auth error, nothing sent",
	      smtp_auth(&c, "a", "b") == SMTP_ERR_AUTH);
	CHECK("STARTTLS, no AUTH: says AUTH probably comes after STARTTLS",
	      strstr(smtp_error(&c), "only after STARTTLS") != NULL);
	CHECK_STR("STARTTLS, no AUTH: only EHLO sent", sent(&c, &p), "EHLO h\r\n");

	open_peer(&c, &p, GREETING "250-mx\r\n250 AUTH CRAM-MD5\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("AUTH CRAM-MD5 only: neither PLAIN nor LOGIN",
	      smtp_auth(&c, "a", "b") == SMTP_ERR_AUTH &&
	      strstr(smtp_error(&c), "neither AUTH PLAIN nor AUTH LOGIN"));
	sent(&c, &p);
}

static void test_two_messages(void)
{
	const char *rcpt[] = { "c@d.test" };
	struct smtp_reply r[1];
	struct smtp_result res = { .rcpt = r };
	struct text_src t1 = { "one", 3, 0, false }, t2 = { "two", 3, 0, false };
	struct smtp_source s1 = { text_read, &t1 }, s2 = { text_read, &t2 };
	struct smtp_envelope env = { "a@b.test", rcpt, 1, 0, false };
	struct smtp_client c;
	struct peer p;
	int rc;

	open_peer(&c, &p, GREETING EHLO_FULL "250 ok\r\n250 ok\r\n354 go\r\n250 1\r\n"
	          "250 ok\r\n250 ok\r\n354 go\r\n250 2\r\n221 bye\r\n", &rc);
	smtp_hello(&c, "h");
	CHECK("two messages on one connection",
	      smtp_send(&c, &env, &s1, &res) == SMTP_OK &&
	      smtp_send(&c, &env, &s2, &res) == SMTP_OK &&
	      strcmp(res.data.text, "2") == 0);
	CHECK("QUIT after them", smtp_quit(&c) == SMTP_OK);
	close(p.from_client[0]);
}

int main(void)
{
	test_ehlo();
	test_pipelined();
	test_refusals();
	test_limits();
	test_size_and_source();
	test_auth();
	test_two_messages();
	return CHECK_DONE();
}
