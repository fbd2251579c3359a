/*
 * pop_fetch: a minimal POP3 client for the tests and the benchmark.
 * It checks what a real client relies on: that the bytes of each RETR,
 * after un-stuffing, are exactly as many as LIST said.
 *
 *   pop_fetch [-u USER] [-w PASS] [-a] [-m MODE] [-o DIR] HOST PORT
 *   pop_fetch [...] -- COMMAND [ARG]...    (a server run with --stdio)
 *
 * -a logs in with APOP (RFC 1939 7), the digest made from the greeting.
 * -n expects no greeting and does not log in (Dovecot's pop3 run
 * pre-authenticated on stdin/stdout starts in TRANSACTION state,
 * silently).  MODE:
 *   fetch  LIST, RETR each; with -o, message n goes to DIR/n; prints
 *          "n LISTSIZE GOT" per message; exit 1 if any differ (default)
 *   bench  STAT, LIST, UIDL, RETR all, QUIT; prints
 *          "messages N octets B seconds S"
 *   stat   STAT, QUIT; prints "messages N octets B seconds S"
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "md5.h"
#include "net.h"
#include "util.h"

#define FETCH_LINE_MAX 65536

static struct conn c;
static char line[FETCH_LINE_MAX + 1];

/* Run argv with its stdin and stdout on pipes to us. */
static void spawn(char **argv, int *rfd, int *wfd)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe(in) < 0 || pipe(out) < 0 || (pid = fork()) < 0)
		die(1, "cannot start %s", argv[0]);
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
}

/* One status line; dies unless it is +OK. */
static const char *status(void)
{
	enum conn_ending end;
	size_t n;

	if (conn_read_command(&c, line, FETCH_LINE_MAX, &n, &end) != CONN_LINE)
		die(1, "server closed the connection");
	if (strncmp(line, "+OK", 3) != 0)
		die(1, "server said: %s", line);
	return line;
}

static const char *command(const char *fmt, const char *arg)
{
	conn_printf(&c, fmt, arg);
	return status();
}

/* Read a multi-line body, un-stuffed, into f (may be NULL); its octets. */
static unsigned long long body(FILE *f)
{
	unsigned long long total = 0;
	bool bol = true;
	size_t n;

	for (;;) {
		enum conn_status st = conn_read_line(&c, line, FETCH_LINE_MAX, &n);
		char *p = line;
		if (st != CONN_LINE && st != CONN_PART)
			die(1, "connection lost inside a multi-line reply");
		if (bol && n == 3 && memcmp(line, ".\r\n", 3) == 0)
			return total;
		if (bol && line[0] == '.') {
			p++; /* RFC 1939 3: un-stuff */
			n--;
		}
		if (f)
			fwrite(p, 1, n, f);
		total += n;
		bol = st == CONN_LINE;
	}
}

/* USER/PASS, APOP, or nothing for a pre-authenticated server. */
static void login(const char *greeting, const char *user, const char *pass,
                  bool apop)
{
	char stamp[512], hex[MD5_HEX_LEN + 1], cmd[1024];
	const char *lt = strchr(greeting, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (!apop) {
		command("USER %s", user);
		command("PASS %s", pass);
		return;
	}
	if (gt == NULL)
		die(1, "no APOP timestamp in the greeting");
	snprintf(stamp, sizeof stamp, "%.*s%s", (int)(gt - lt + 1), lt, pass);
	md5_hex(stamp, strlen(stamp), hex);
	snprintf(cmd, sizeof cmd, "%s %s", user, hex);
	command("APOP %s", cmd);
}

/* Read a LIST reply's lines "n size" into sizes[]; how many. */
static unsigned long list(unsigned long *sizes, unsigned long max)
{
	unsigned long n = 0, num, size;
	enum conn_ending end;
	size_t len;

	command("LIST%s", "");
	while (conn_read_command(&c, line, FETCH_LINE_MAX, &len, &end) == CONN_LINE &&
	       strcmp(line, ".") != 0)
		if (n < max && sscanf(line, "%lu %lu", &num, &size) == 2)
			sizes[n++] = size;
	return n;
}

/* fetch mode: RETR every message LIST names, compare the sizes. */
static int fetch(const char *dir)
{
	static unsigned long sizes[200000];
	unsigned long n = list(sizes, 200000);
	int bad = 0;

	for (unsigned long i = 0; i < n; i++) {
		char path[4096], arg[32];
		FILE *f = NULL;
		snprintf(arg, sizeof arg, "%lu", i + 1);
		snprintf(path, sizeof path, "%s/%lu", dir ? dir : ".", i + 1);
		if (dir && (f = fopen(path, "wb")) == NULL)
			die(1, "cannot write %s", path);
		command("RETR %s", arg);
		unsigned long long got = body(f);
		if (f)
			fclose(f);
		printf("%lu %lu %llu\n", i + 1, sizes[i], got);
		bad |= got != sizes[i];
	}
	command("QUIT%s", "");
	return bad;
}

/* bench and stat modes: the session a client makes to download all. */
static int bench(bool all, double start)
{
	unsigned long count = 0;
	unsigned long long octets = 0;
	struct timespec ts;

	sscanf(command("STAT%s", ""), "+OK %lu %llu", &count, &octets);
	if (all) {
		command("LIST%s", "");
		body(NULL);
		command("UIDL%s", "");
		body(NULL);
		for (unsigned long i = 1; i <= count; i++) {
			char arg[32];
			snprintf(arg, sizeof arg, "%lu", i);
			command("RETR %s", arg);
			body(NULL);
		}
	}
	command("QUIT%s", "");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("messages %lu octets %llu seconds %.3f\n", count, octets,
	       (double)ts.tv_sec + ts.tv_nsec / 1e9 - start);
	return 0;
}

int main(int argc, char **argv)
{
	const char *user = "gizem", *pass = "1234", *mode = "fetch", *dir = NULL;
	bool apop = false, preauth = false;
	int opt, rfd, wfd, rc;
	char err[NET_ERR_LEN];
	struct timespec ts;

	util_set_progname("pop_fetch");
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "u:w:anm:o:")) != -1) {
		switch (opt) {
		case 'u': user = optarg; break;
		case 'w': pass = optarg; break;
		case 'a': apop = true; break;
		case 'n': preauth = true; break;
		case 'm': mode = optarg; break;
		case 'o': dir = optarg; break;
		default: die(2, "usage: pop_fetch [-u U] [-w P] [-a|-n] [-m fetch|bench|stat] [-o DIR] HOST PORT | -- CMD...");
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0) {
		spawn(argv + optind, &rfd, &wfd);
	} else if (argc - optind == 2) {
		rfd = wfd = net_connect(err, argv[optind],
		                        (unsigned)atoi(argv[optind + 1]), 10);
		if (rfd < 0)
			die(1, "%s", err);
	} else {
		die(2, "need HOST PORT or -- COMMAND");
	}
	conn_init(&c, rfd, wfd, 60, false, CONN_CLIENT);
	if (!preauth)
		login(status(), user, pass, apop);
	if (strcmp(mode, "fetch") == 0)
		rc = fetch(dir);
	else
		rc = bench(strcmp(mode, "bench") == 0,
		           (double)ts.tv_sec + ts.tv_nsec / 1e9);
	close(wfd);
	while (wait(NULL) > 0)
		;
	return rc;
}
