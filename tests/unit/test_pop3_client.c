/*
 * Unit tests of pop3_client: replies parsed strictly, byte-stuffing
 * undone, octets counted, CRLF cut across pieces, APOP's digest
 * (RFC 1939 7 example), and every broken-server case failing cleanly.
 * The "server" is the other end of a socketpair, written in advance.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "pop3_client.h"

static struct pop3 pop;
static int peer = -1;

/* A session whose server has already said everything in script. */
static int session(const char *script, size_t len)
{
	int sv[2];

	if (peer >= 0)
		close(peer);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[1], script, len) != (ssize_t)len)
		return -1;
	shutdown(sv[1], SHUT_WR);
	peer = sv[1];
	return pop3_open(&pop, sv[0], 5, false);
}

/* What the client sent so far, as text. */
static const char *sent(void)
{
	static char buf[4096];
	ssize_t n;

	conn_flush(&pop.conn);
	shutdown(pop.conn.wfd, SHUT_WR);
	n = read(peer, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static char body[20000];
static size_t body_len;

static int collect(void *ctx, const char *p, size_t n, enum pop3_eol eol)
{
	(void)ctx;
	memcpy(body + body_len, p, n);
	body_len += n;
	if (eol != POP3_MORE)
		body[body_len++] = eol == POP3_CRLF ? '|' : '/';
	return 0;
}

static void test_greeting(void)
{
	CHECK("greeting +OK", session("+OK ready <1.2@h>\r\n", 19) == POP3_OK);
	CHECK("timestamp kept", pop3_has_timestamp(&pop));
	session("+OK ready <nothing>\r\n", 21);
	CHECK("<...> without @ is no timestamp", !pop3_has_timestamp(&pop));
	session("+OK ready <a b@c>\r\n", 19);
	CHECK("<...> with a space is no timestamp", !pop3_has_timestamp(&pop));
	CHECK("-ERR greeting", session("-ERR go away\r\n", 14) == POP3_ERR);
	CHECK("junk greeting is a protocol error",
	      session("HTTP/1.1 400\r\n", 14) == POP3_PROTO);
}

static void test_apop(void)
{
	static const char s[] = "+OK <1896.697170952@dbc.mtview.ca.us>\r\n+OK\r\n";

	session(s, sizeof s - 1);
	CHECK("APOP accepted", pop3_apop(&pop, "mrose", "tanstaaf") == POP3_OK);
	CHECK_STR("APOP digest of RFC 1939 7", sent(),
	          "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
}

static void test_stat_list(void)
{
	static const char ok[] = "+OK\r\n+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n";
	unsigned long count, sizes[3] = { 0, 0, 0 };
	unsigned long long octets;

	session(ok, sizeof ok - 1);
	CHECK("STAT parsed", pop3_stat(&pop, &count, &octets) == POP3_OK &&
	      count == 2 && octets == 320);
	CHECK("LIST parsed", pop3_list(&pop, 2, sizes) == POP3_OK &&
	      sizes[1] == 120 && sizes[2] == 200);
	session("+OK\r\n+OK -1 5\r\n", 15);
	CHECK("STAT -1 refused", pop3_stat(&pop, &count, &octets) == POP3_PROTO);
	session("+OK\r\n+OK\r\n3 10\r\n.\r\n", 19);
	CHECK("LIST number beyond STAT refused",
	      pop3_list(&pop, 2, sizes) == POP3_PROTO);
	session("+OK\r\n+OK\r\n1 99999999999\r\n.\r\n", 28);
	CHECK("LIST size over 4 GiB refused",
	      pop3_list(&pop, 2, sizes) == POP3_PROTO);
	session("+OK\r\n+OK\r\n1 10\r\n", 16);
	CHECK("LIST cut before '.' refused",
	      pop3_list(&pop, 2, sizes) == POP3_PROTO);
}

static void test_uidl(void)
{
	static char script[1200];
	char (*ids)[POP3_UIDL_MAX + 1] = calloc(3, sizeof *ids);
	int n = snprintf(script, sizeof script, "+OK\r\n+OK\r\n1 abc\r\n2 x\"y\r\n.\r\n");

	session(script, (size_t)n);
	CHECK("UIDL parsed", pop3_uidl(&pop, 2, ids) == POP3_OK &&
	      strcmp(ids[1], "abc") == 0 && strcmp(ids[2], "x\"y") == 0);
	n = snprintf(script, sizeof script, "+OK\r\n+OK\r\n1 %071d\r\n.\r\n", 0);
	session(script, (size_t)n);
	CHECK("UIDL of 71 characters refused", pop3_uidl(&pop, 2, ids) == POP3_PROTO);
	memcpy(script, "+OK\r\n+OK\r\n1 ", 12);
	memset(script + 12, 'u', 1000);
	memcpy(script + 1012, "\r\n.\r\n", 5);
	session(script, 1017);
	CHECK("1 KB UIDL line: line too long", pop3_uidl(&pop, 2, ids) == POP3_PROTO &&
	      strstr(pop.err, "longer than 512") != NULL);
	free(ids);
}

static void test_retr(void)
{
	static const char s[] = "+OK\r\n+OK 17\r\n..stuffed\r\nline\r\n.\r\n";
	static char big[9000];

	session(s, sizeof s - 1);
	body_len = 0;
	CHECK("RETR read", pop3_retr(&pop, 1, -1, 100, collect, NULL) == POP3_OK);
	body[body_len] = '\0';
	CHECK_STR("RETR un-stuffed, endings kept", body, ".stuffed|line|");
	CHECK("RETR octets counted without the stuffing", pop.received == 16);
	CHECK_STR("RETR command sent", sent(), "RETR 1\r\n");

	/* A line of 8191 octets: the CR ends one piece, the LF the next. */
	memcpy(big, "+OK\r\n+OK\r\n", 10);
	memset(big + 10, 'a', 8191);
	memcpy(big + 8201, "\r\n.\r\n", 5);
	session(big, 8206);
	body_len = 0;
	CHECK("CRLF split across pieces", pop3_retr(&pop, 1, -1, 9000, collect,
	                                            NULL) == POP3_OK &&
	      body_len == 8192 && body[8191] == '|' && body[8190] == 'a');

	session("+OK\r\n+OK\r\nhalf a message\r\n", 27);
	CHECK("RETR ending at EOF without '.' fails",
	      pop3_retr(&pop, 1, -1, 100, collect, NULL) == POP3_PROTO &&
	      strstr(pop.err, "message incomplete") != NULL);
	session(s, sizeof s - 1);
	CHECK("RETR longer than max fails",
	      pop3_retr(&pop, 1, -1, 10, collect, NULL) == POP3_PROTO);
	session("+OK\r\n-ERR [IN-USE] locked\r\n", 27);
	CHECK("[IN-USE] recognised", pop3_login(&pop, "u", "p") == POP3_ERR &&
	      pop.in_use);
}

int main(void)
{
	test_greeting();
	test_apop();
	test_stat_list();
	test_uidl();
	test_retr();
	return CHECK_DONE();
}
