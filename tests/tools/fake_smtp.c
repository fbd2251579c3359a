/*
 * fake_smtp: a small, deliberately broken SMTP server, to show that
 * mail_send survives hostile replies with bounded memory and one clear
 * error.  It listens on a free loopback port (logged as "listening on
 * 127.0.0.1 port N", like the lab's servers) and serves clients one
 * after another until killed, each the same way:
 *
 *   fake_smtp endless    "220 " and then bytes without end, never a LF
 *   fake_smtp ehlo1000   a 1,000-line EHLO reply
 *   fake_smtp nocrlf     "220 no line end" and nothing more (hangs)
 *   fake_smtp tiny       "2\r\n": a reply too short to have a code
 *   fake_smtp garbage    an HTTP answer instead of a greeting
 *   fake_smtp five       a correct server with 5-octet replies "250\r\n"
 *   fake_smtp dropdata   takes DATA, then closes in the middle of it
 *   fake_smtp login      offers only AUTH LOGIN, and takes any password
 *   fake_smtp tlsonly    offers STARTTLS and no AUTH (AUTH after TLS, as
 *                        Exim does)
 *
 * "-p PORT" after the mode picks the port (0, the default: any free one).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "net.h"
#include "util.h"

#define FAKE_ENDLESS_MAX (256UL << 20) /* stop flooding after 256 MiB */
#define FAKE_LINE 1000

/* Write s whole; -1 when the client has gone. */
static int say(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
}

/* Answer commands like a small correct server, with minimal replies. */
static void serve(struct conn *c, int fd, const char *mode)
{
	char line[FAKE_LINE + 1];
	enum conn_ending end;
	size_t n;

	while (conn_read_command(c, line, FAKE_LINE, &n, &end) == CONN_LINE) {
		if (str_ncase_eq(line, "EHLO", 4) && strcmp(mode, "ehlo1000") == 0) {
			for (int i = 0; i < 1000 && say(fd, "250-X-FILLER-LINE\r\n") == 0; i++)
				;
			say(fd, "250 OK\r\n");
		} else if (str_ncase_eq(line, "EHLO", 4) && strcmp(mode, "login") == 0) {
			say(fd, "250-fake\r\n250 AUTH LOGIN\r\n");
		} else if (str_ncase_eq(line, "EHLO", 4) && strcmp(mode, "tlsonly") == 0) {
			say(fd, "250-fake\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
		} else if (str_ncase_eq(line, "AUTH LOGIN", 10)) {
			/* S: 334 "Username:"  C: user  S: 334 "Password:"  C: pass */
			say(fd, "334 VXNlcm5hbWU6\r\n");
			conn_read_command(c, line, FAKE_LINE, &n, &end);
			say(fd, "334 UGFzc3dvcmQ6\r\n");
			conn_read_command(c, line, FAKE_LINE, &n, &end);
			say(fd, "235 2.7.0 ok\r\n");
		} else if (str_ncase_eq(line, "DATA", 4)) {
			say(fd, "354\r\n");
			if (strcmp(mode, "dropdata") == 0)
				return;
			while (conn_read_command(c, line, FAKE_LINE, &n, &end) ==
			       CONN_LINE && strcmp(line, ".") != 0)
				;
			say(fd, "250\r\n");
		} else if (str_ncase_eq(line, "QUIT", 4)) {
			say(fd, "221\r\n");
			return;
		} else {
			say(fd, "250\r\n");
		}
	}
}

/* One client, treated according to mode. */
static void session(int fd, const char *mode)
{
	static char flood[65536];
	struct conn c;

	conn_init(&c, fd, fd, 30, false, CONN_SERVER);
	if (strcmp(mode, "endless") == 0) {
		memset(flood, 'x', sizeof flood);
		say(fd, "220 ");
		for (unsigned long sent = 0; sent < FAKE_ENDLESS_MAX; sent += sizeof flood)
			if (write(fd, flood, sizeof flood) < 0)
				return;
	} else if (strcmp(mode, "nocrlf") == 0) {
		say(fd, "220 no line end");
		char b[512];
		while (read(fd, b, sizeof b) > 0) /* until the client gives up */
			;
	} else if (strcmp(mode, "tiny") == 0) {
		say(fd, "2\r\n");
	} else if (strcmp(mode, "garbage") == 0) {
		say(fd, "HTTP/1.1 400 Bad Request\r\n\r\n");
	} else {
		say(fd, strcmp(mode, "five") == 0 ? "220\r\n" : "220 fake ESMTP\r\n");
		serve(&c, fd, mode);
	}
}

int main(int argc, char **argv)
{
	char err[NET_ERR_LEN], peer[NET_PEER_LEN];
	unsigned port = 0;
	int lfd;

	util_set_progname("fake_smtp");
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[2], "-p") == 0) /* as start_server adds */
		port = (unsigned)opt_ulong("-p", argv[3], 0, 65535);
	else if (argc != 2)
		die(2, "usage: fake_smtp MODE [-p PORT]; MODE: endless, ehlo1000, "
		    "nocrlf, tiny, garbage, five, dropdata, login or tlsonly");
	if (net_listen(err, "127.0.0.1", &port, &lfd, 1) < 0)
		die(1, "%s", err);
	fprintf(stderr, "fake_smtp: listening on 127.0.0.1 port %u\n", port);
	for (;;) {
		int fd = net_accept(err, lfd, peer);
		if (fd < 0)
			continue;
		session(fd, argv[1]);
		close(fd);
	}
}
