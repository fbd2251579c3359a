/*
 * fake_pop: a small, deliberately broken POP3 server (RFC 1939) for
 * pop_client's tests.  It serves the files named on the command line
 * as messages 1..n (LF turned into CRLF, dots stuffed), to one client
 * at a time, and misbehaves the way the chosen -m MODE says:
 *
 *   ok          a correct server (USER/PASS gizem/1234, APOP, CAPA...)
 *   big-uidl    a 10 KB UIDL line           list-neg   LIST "-5 100"
 *   list-huge   a 30-digit LIST size        endless    RETR: a line that
 *   eof-retr    RETR ends at EOF, no "."               never ends
 *   long-retr   RETR sends 1 KB more than LIST said
 *   huge-retr   RETR sends 2 MiB more than LIST said
 *   short-retr  LIST says 100 octets more than RETR sends
 *   hang-retr   RETR of the last message: half of it, then silence
 *   in-use      PASS: -ERR [IN-USE]         no-ts      greeting without
 *   no-uidl     UIDL: -ERR                             an APOP timestamp
 *   err-retr1   RETR 1: -ERR (message 1 cannot be read)
 *   endless-greeting  the greeting never ends
 *
 *   fake_pop [-m MODE] [-l LOGFILE] [-p PORT] FILE...
 * It listens on 127.0.0.1 on a free port, says "listening on 127.0.0.1
 * port N" on stderr (as our servers do) and logs each command it gets
 * to LOGFILE, so that a test can see what the client sent.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "md5.h"
#include "net.h"
#include "server.h"
#include "util.h"

#define FAKE_MSGS_MAX 64
#define FAKE_MSG_MAX (64 << 20)
#define FAKE_TS "<4242.1764225601@fake.test>"

struct fake {
	const char *mode;
	FILE *log;
	size_t nmsg;
	char *msg[FAKE_MSGS_MAX];   /* as sent: CRLF, stuffed, no "." */
	size_t len[FAKE_MSGS_MAX];
	size_t size[FAKE_MSGS_MAX]; /* RFC 1939 11: without the stuffing */
	bool deleted[FAKE_MSGS_MAX];
	struct conn c;
};

static bool mode_is(const struct fake *f, const char *m)
{
	return strcmp(f->mode, m) == 0;
}

/* Read a file and turn it into its wire form. */
static void load(struct fake *f, const char *path)
{
	FILE *in = fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *out = malloc(cap), *w;
	int ch, bol = 1;

	if (in == NULL || out == NULL || f->nmsg == FAKE_MSGS_MAX)
		die(2, "cannot load %s", path);
	while ((ch = getc(in)) != EOF) {
		if (n + 3 > cap) {
			cap *= 2;
			if (cap > 2 * (size_t)FAKE_MSG_MAX || !(w = realloc(out, cap)))
				die(2, "%s is too big", path);
			out = w;
		}
		if (bol && ch == '.')
			out[n++] = '.'; /* RFC 1939 3: byte-stuffed */
		f->size[f->nmsg] += 1 + (ch == '\n');
		if (ch == '\n')
			out[n++] = '\r';
		out[n++] = (char)ch;
		bol = ch == '\n';
	}
	fclose(in);
	f->msg[f->nmsg] = out;
	f->len[f->nmsg++] = n;
}

static void send_line(struct fake *f, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void send_line(struct fake *f, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	conn_printf(&f->c, "%s", line);
}

/* Message number from the argument, or 0 after an -ERR. */
static size_t msg_arg(struct fake *f, const char *arg)
{
	unsigned long n;

	if (parse_ulong(arg, f->nmsg, &n) < 0 || n == 0 || f->deleted[n - 1]) {
		send_line(f, "-ERR no such message");
		return 0;
	}
	return n;
}

/* The size LIST reports: wrong on purpose in some modes. */
static size_t list_size(const struct fake *f, size_t i)
{
	return f->size[i] + (mode_is(f, "short-retr") ? 100 : 0);
}

static void cmd_list(struct fake *f)
{
	send_line(f, "+OK scan listing follows");
	if (mode_is(f, "list-neg"))
		send_line(f, "-5 100");
	for (size_t i = 0; i < f->nmsg; i++) {
		if (f->deleted[i])
			continue;
		if (mode_is(f, "list-huge"))
			send_line(f, "%zu 123456789012345678901234567890", i + 1);
		else
			send_line(f, "%zu %zu", i + 1, list_size(f, i));
	}
	send_line(f, ".");
}

static void cmd_uidl(struct fake *f)
{
	if (mode_is(f, "no-uidl")) {
		send_line(f, "-ERR UIDL not supported");
		return;
	}
	send_line(f, "+OK unique-id listing follows");
	for (size_t i = 0; i < f->nmsg; i++) {
		if (f->deleted[i])
			continue;
		if (mode_is(f, "big-uidl") && i == 0) {
			static char big[10241];
			memset(big, 'u', sizeof big - 1);
			conn_write(&f->c, "1 ", 2);
			conn_write(&f->c, big, sizeof big - 1);
			conn_write(&f->c, "\r\n", 2);
		} else
			send_line(f, "%zu fake-%zu-%zu", i + 1, i + 1, f->len[i]);
	}
	send_line(f, ".");
}

/* Lots of bytes that do not form a line; until the client goes. */
static void endless(struct fake *f)
{
	static char junk[65536];

	memset(junk, 'x', sizeof junk);
	while (conn_write(&f->c, junk, sizeof junk) == 0)
		;
}

/* RETR, right or wrong as the mode says. */
static void cmd_retr(struct fake *f, const char *arg)
{
	size_t n = msg_arg(f, arg), len;

	if (n == 0)
		return;
	if (mode_is(f, "err-retr1") && n == 1) {
		send_line(f, "-ERR cannot read message 1");
		return;
	}
	len = f->len[n - 1];
	send_line(f, "+OK %zu octets", list_size(f, n - 1));
	if (mode_is(f, "endless"))
		endless(f);
	if (mode_is(f, "hang-retr") && n == f->nmsg) {
		conn_write(&f->c, f->msg[n - 1], len / 2);
		conn_flush(&f->c);
		pause(); /* killed here by the test */
	}
	conn_write(&f->c, f->msg[n - 1],
	           mode_is(f, "eof-retr") ? len / 2 : len);
	for (long extra = mode_is(f, "long-retr") ? 1024
	                  : mode_is(f, "huge-retr") ? 2 << 20 : 0;
	     extra > 0; extra -= 64)
		conn_write(&f->c, "padding padding padding padding padding "
		                  "padding padding paddin\r\n", 64);
	if (mode_is(f, "eof-retr")) {
		conn_flush(&f->c);
		exit(0);
	}
	send_line(f, ".");
}

/* TOP n k: the headers, the empty line and k body lines. */
static void cmd_top(struct fake *f, char *arg)
{
	char *sp = strchr(arg, ' ');
	unsigned long k;
	size_t n, i = 0;
	bool body = false;

	if (sp == NULL || parse_ulong(sp + 1, 1000000, &k) < 0) {
		send_line(f, "-ERR usage: TOP msg lines");
		return;
	}
	*sp = '\0';
	if ((n = msg_arg(f, arg)) == 0)
		return;
	send_line(f, "+OK top of message follows");
	const char *m = f->msg[n - 1], *end = m + f->len[n - 1];
	while (m + i < end && (!body || k-- > 0)) {
		const char *lf = memchr(m + i, '\n', (size_t)(end - m - i));
		size_t next = lf ? (size_t)(lf - m) + 1 : (size_t)(end - m);
		body |= next - i == 2; /* the empty line */
		conn_write(&f->c, m + i, next - i);
		i = next;
	}
	send_line(f, ".");
}

static bool cmd_pass(struct fake *f, const char *arg)
{
	if (mode_is(f, "in-use")) {
		send_line(f, "-ERR [IN-USE] mailbox locked by another session");
		return false;
	}
	if (strcmp(arg, "1234") != 0) {
		send_line(f, "-ERR [AUTH] invalid user name or password");
		return false;
	}
	send_line(f, "+OK logged in");
	return true;
}

static bool cmd_apop(struct fake *f, const char *arg)
{
	char want[MD5_HEX_LEN + 1], buf[64];
	const char *sp = strchr(arg, ' ');

	snprintf(buf, sizeof buf, "%s1234", FAKE_TS);
	md5_hex(buf, strlen(buf), want);
	if (sp == NULL || strcmp(sp + 1, want) != 0) {
		send_line(f, "-ERR [AUTH] bad APOP digest");
		return false;
	}
	send_line(f, "+OK logged in with APOP");
	return true;
}

/* One command; false when the session is over. */
static bool command(struct fake *f, char *line, bool *authed)
{
	char *arg = strchr(line, ' ');
	size_t n;

	arg = arg ? (*arg = '\0', arg + 1) : line + strlen(line);
	fprintf(f->log, "%s%s%s\n", line, *arg ? " " : "", *arg ? arg : "");
	fflush(f->log);
	if (strcmp(line, "QUIT") == 0) {
		send_line(f, "+OK bye");
		return false;
	}
	if (strcmp(line, "CAPA") == 0)
		send_line(f, "+OK\r\nUSER\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n.");
	else if (strcmp(line, "USER") == 0)
		send_line(f, "+OK send PASS");
	else if (strcmp(line, "PASS") == 0)
		*authed = cmd_pass(f, arg);
	else if (strcmp(line, "APOP") == 0)
		*authed = cmd_apop(f, arg);
	else if (!*authed)
		send_line(f, "-ERR log in first");
	else if (strcmp(line, "STAT") == 0) {
		size_t total = 0, count = 0;
		for (size_t i = 0; i < f->nmsg; i++)
			if (!f->deleted[i]) {
				total += list_size(f, i);
				count++;
			}
		send_line(f, "+OK %zu %zu", count, total);
	} else if (strcmp(line, "LIST") == 0)
		cmd_list(f);
	else if (strcmp(line, "UIDL") == 0)
		cmd_uidl(f);
	else if (strcmp(line, "RETR") == 0)
		cmd_retr(f, arg);
	else if (strcmp(line, "TOP") == 0)
		cmd_top(f, arg);
	else if (strcmp(line, "DELE") == 0 && (n = msg_arg(f, arg)) > 0) {
		f->deleted[n - 1] = true; /* a fake: never really deleted */
		send_line(f, "+OK marked");
	} else if (strcmp(line, "DELE") != 0)
		send_line(f, "-ERR unknown command");
	return true;
}

static void session(struct fake *f, int fd)
{
	char line[256];
	size_t len;
	enum conn_ending end;
	bool authed = false;

	conn_init(&f->c, fd, fd, 10, false, CONN_SERVER);
	memset(f->deleted, 0, sizeof f->deleted);
	if (mode_is(f, "endless-greeting"))
		endless(f);
	send_line(f, "+OK fake POP3 ready%s",
	          mode_is(f, "no-ts") ? "" : " " FAKE_TS);
	while (conn_read_command(&f->c, line, 255, &len, &end) == CONN_LINE &&
	       command(f, line, &authed))
		;
	conn_flush(&f->c);
	fprintf(f->log, "(connection closed)\n");
	fflush(f->log);
}

int main(int argc, char **argv)
{
	static struct fake f = { .mode = "ok" };
	char err[NET_ERR_LEN], peer[NET_PEER_LEN];
	unsigned port = 0;
	int lfd, ch;

	util_set_progname(argv[0]);
	f.log = stderr;
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	/* getopt_long: options may follow the files (start_server adds -p) */
	while ((ch = getopt_long(argc, argv, "m:l:p:", none, NULL)) != -1) {
		if (ch == 'm')
			f.mode = optarg;
		else if (ch == 'p')
			port = (unsigned)opt_ulong("-p", optarg, 0, 65535);
		else if (ch != 'l' || (f.log = fopen(optarg, "a")) == NULL)
			die(2, "usage: fake_pop [-m MODE] [-l LOG] FILE...");
	}
	for (int i = optind; i < argc; i++)
		load(&f, argv[i]);
	if (net_listen(err, "127.0.0.1", &port, &lfd, 1) < 0)
		die(2, "%s", err);
	fprintf(stderr, "fake_pop: listening on 127.0.0.1 port %u\n", port);
	signal(SIGPIPE, SIG_IGN);
	for (;;) { /* one client at a time is all a test needs */
		int fd = net_accept(err, lfd, peer);
		if (fd >= 0) {
			session(&f, fd);
			close(fd);
		}
	}
}
