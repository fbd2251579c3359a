/*
 * chat: a scripted peer for tests, in the spirit of toybox's runtest:
 * one line of script per protocol line, and the first mismatch fails.
 *
 *   chat [-x] [-t SECONDS] HOST PORT < script      talk to a server
 *   chat [-x] [-t SECONDS] -- COMMAND [ARG]... < script
 *                                             run COMMAND (e.g. a server
 *                                             with --stdio) on pipes
 * Script lines:
 *   C: text      send text and CRLF ("C:" alone: an empty line)
 *   L: text      send text and a bare LF
 *   R: text      send text as is, with \r \n \t \0 \\ \xHH escapes
 *   REPEAT n text  send text (escapes allowed) n times
 *   S: pattern   read one line; it must match the fnmatch(3) pattern
 *   S= text      read one line; it must equal text
 *   S~ pattern   read lines until one matches (skipping the others)
 *   EOF          the peer must close the connection
 *   CLOSE        shut down our sending side
 *   SLEEP ms     wait
 *   # ...        a comment
 * -x, "and nothing more": every line the server sends must be expected.
 * S~ may then skip only the first lines of a multi-line SMTP reply
 * ("250-...") or IMAP's untagged lines ("* ..."), and after the script chat closes its side and fails if
 * any line still arrives before the peer closes (an extra reply).
 * Exit 0 when every line matched, 1 (with the reason on stderr) if not.
 */
#include <fnmatch.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "net.h"
#include "util.h"

#define CHAT_LINE_MAX 65536

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s != '\\' || s[1] == '\0') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case '0': out[n++] = '\0'; break;
		case 'x': {
			char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };
			out[n++] = (char)strtol(hex, NULL, 16);
			s += 2;
			break;
		}
		default: out[n++] = *s;
		}
	}
	return n;
}

static int spawn(char **argv, int *rfd, int *wfd)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*wfd = in[1];
	*rfd = out[0];
	return 0;
}

/* A line S~ may skip under -x: one before the last of a multi-line
 * SMTP reply (RFC 5321 4.2.1: "250-"), or an IMAP untagged line
 * before the tagged one that ends the command (RFC 3501 2.2.2). */
static bool continuation(const char *line)
{
	if (line[0] == '*' && line[1] == ' ')
		return true;
	return strlen(line) >= 4 && line[0] >= '0' && line[0] <= '9' &&
	       line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
	       line[2] <= '9' && line[3] == '-';
}

/* -x, at the end: we close; nothing but the peer's close may follow. */
static int nothing_more(struct conn *c, int rfd, int wfd, char *got)
{
	enum conn_ending end;
	enum conn_status st;
	size_t n;

	conn_flush(c);
	if (rfd == wfd)
		shutdown(wfd, SHUT_WR);
	else
		close(wfd);
	st = conn_read_command(c, got, CHAT_LINE_MAX, &n, &end);
	if (st == CONN_EOF || st == CONN_ERROR)
		return 0;
	fprintf(stderr, "chat: after the script: %s%s%s\n",
	        st == CONN_LINE ? "unexpected line '" : "no close: ",
	        st == CONN_LINE ? got : conn_status_text(c, st),
	        st == CONN_LINE ? "' (and nothing more was expected)" : "");
	return 1;
}

static int mismatch(int lineno, const char *want, const char *got)
{
	fprintf(stderr, "chat: script line %d: expected '%s', got '%s'\n",
	        lineno, want, got);
	return 1;
}

int main(int argc, char **argv)
{
	static char script[CHAT_LINE_MAX], buf[CHAT_LINE_MAX], got[CHAT_LINE_MAX + 1];
	struct conn c;
	int timeout = 10, rfd, wfd, lineno = 0, opt;
	bool exact = false, closed = false;
	char err[NET_ERR_LEN];

	util_set_progname("chat");
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "xt:")) != -1) {
		if (opt == 'x')
			exact = true;
		else if (opt == 't')
			timeout = (int)opt_ulong("-t", optarg, 1, 3600);
		else
			die(2, "usage: chat [-x] [-t SECONDS] HOST PORT | -- COMMAND...");
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0) {
		if (spawn(argv + optind, &rfd, &wfd) < 0)
			die(1, "cannot run %s", argv[optind]);
	} else if (argc - optind == 2) {
		rfd = wfd = net_connect(err, argv[optind],
		                        (unsigned)atoi(argv[optind + 1]), timeout);
		if (rfd < 0)
			die(1, "%s", err);
	} else {
		die(2, "usage: chat [-x] [-t SECONDS] HOST PORT | -- COMMAND...");
	}
	conn_init(&c, rfd, wfd, timeout, false, CONN_CLIENT);
	while (fgets(script, sizeof script, stdin)) {
		size_t n, len = strcspn(script, "\n");
		enum conn_ending end;
		enum conn_status st;
		char *arg;

		script[len] = '\0';
		/* "C:" alone is an empty line: editors strip trailing blanks. */
		if (len == 2 && script[1] == ':')
			script[2] = ' ', script[3] = '\0';
		arg = script + 3;
		lineno++;
		if (script[0] == '#' || script[0] == '\0')
			continue;
		if (strncmp(script, "C: ", 3) == 0 || strncmp(script, "L: ", 3) == 0) {
			conn_write(&c, arg, strlen(arg));
			conn_write(&c, script[0] == 'C' ? "\r\n" : "\n",
			           script[0] == 'C' ? 2 : 1);
		} else if (strncmp(script, "R: ", 3) == 0) {
			n = unescape(arg, buf);
			conn_write(&c, buf, n);
		} else if (strncmp(script, "REPEAT ", 7) == 0) {
			char *text;
			long times = strtol(script + 7, &text, 10);
			n = unescape(text + 1, buf);
			for (long i = 0; i < times; i++)
				conn_write(&c, buf, n);
		} else if (script[0] == 'S' && (script[1] == ':' || script[1] == '=' ||
		                                 script[1] == '~')) {
			do {
				conn_flush(&c);
				st = conn_read_command(&c, got, CHAT_LINE_MAX, &n, &end);
				if (st != CONN_LINE) {
					fprintf(stderr, "chat: script line %d: expected '%s': %s\n",
					        lineno, arg, conn_status_text(&c, st));
					return 1;
				}
				if (script[1] == '~' && exact &&
				    fnmatch(arg, got, 0) != 0 && !continuation(got))
					return mismatch(lineno, arg, got);
			} while (script[1] == '~' && fnmatch(arg, got, 0) != 0);
			if (script[1] == '=' ? strcmp(arg, got) != 0
			                     : fnmatch(arg, got, 0) != 0)
				return mismatch(lineno, arg, got);
		} else if (strcmp(script, "EOF") == 0) {
			conn_flush(&c);
			st = conn_read_command(&c, got, CHAT_LINE_MAX, &n, &end);
			if (st != CONN_EOF && st != CONN_ERROR)
				return mismatch(lineno, "EOF", st == CONN_LINE ? got : "no EOF");
			closed = true;
		} else if (strcmp(script, "CLOSE") == 0) {
			conn_flush(&c);
			if (rfd == wfd)
				shutdown(wfd, SHUT_WR);
			else
				close(wfd);
			wfd = rfd == wfd ? wfd : -1;
		} else if (strncmp(script, "SLEEP ", 6) == 0) {
			conn_flush(&c);
			struct timespec ts = { 0, 0 };
			long ms = atol(script + 6);
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000L;
			nanosleep(&ts, NULL);
		} else {
			die(2, "script line %d: unknown '%s'", lineno, script);
		}
	}
	conn_flush(&c);
	if (exact && !closed)
		return nothing_more(&c, rfd, wfd, got);
	return 0;
}
