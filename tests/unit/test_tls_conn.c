/*
 * Unit tests: lib/conn's own limits hold inside TLS, because TLS never
 * waits by itself there (tls_read/tls_write with timeout 0) and conn's
 * wait loop does: a command line trickled in as a TLS record cut into
 * single bytes still ends at the line's deadline (slowloris inside
 * TLS), and a stop request (SIGTERM's self-pipe) wakes a read blocked
 * inside TLS.  Built without TLS it says so.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "conn.h"
#include "tls.h"

#ifndef MAILAB_TLS

int main(void)
{
	puts("skipped: built without TLS");
	return CHECK_DONE(); /* nothing checked: 0 */
}

#else

static char dir[64], cert[128], key[128];

/* The server half: TLS, then one command line; exit status = status. */
static void serve(int fd, struct tls_ctx *ctx, int timeout_s)
{
	struct conn s;
	char err[TLS_ERR_LEN], line[600];
	size_t n;
	enum conn_ending end;

	conn_init(&s, fd, fd, timeout_s, false, CONN_SERVER);
	if (conn_start_tls(&s, ctx, true, err, sizeof err) < 0)
		_exit(100);
	_exit((int)conn_read_command(&s, line, 512, &n, &end));
}

static void on_alarm(int sig)
{
	(void)sig;
	conn_request_stop();
}

/* A client that does the handshake, then what(fd); the server's exit
 * status and how long it took, in ms. */
static int run(struct tls_ctx *srv, struct tls_ctx *cli, int timeout_s,
               bool stop, void (*what)(int fd), long *ms)
{
	struct conn c;
	struct timespec a, b;
	char err[TLS_ERR_LEN];
	int fds[2], status = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return -1;
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (stop) {
			conn_stop_init();
			signal(SIGALRM, on_alarm);
			alarm(1);
		}
		serve(fds[1], srv, timeout_s);
	}
	close(fds[1]);
	conn_init(&c, fds[0], fds[0], 10, false, CONN_CLIENT);
	if (conn_start_tls(&c, cli, false, err, sizeof err) >= 0)
		what(fds[0]);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	*ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	conn_end_tls(&c);
	close(fds[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A TLS application-data record's header announcing 64 bytes, then one
 * byte every 200 ms: each byte well within the idle timeout. */
static void trickle(int fd)
{
	static const unsigned char hdr[] = { 0x17, 0x03, 0x03, 0x00, 0x40 };

	if (write(fd, hdr, sizeof hdr) < 0)
		return;
	for (int i = 0; i < 30; i++) {
		usleep(200000);
		if (write(fd, "x", 1) < 0)
			return;
	}
}

/* Send nothing: the connection stays open until the server ends. */
static void silent(int fd)
{
	(void)fd;
}

int main(void)
{
	struct tls_client_opts o = { "localhost", cert, false };
	struct tls_ctx *srv, *cli;
	char err[TLS_ERR_LEN], cmd[256];
	long ms;
	int st;

	signal(SIGPIPE, SIG_IGN);
	if (system("command -v openssl >/dev/null 2>&1") != 0) {
		puts("skipped: openssl not installed (scripts/mkcert.sh needs it)");
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/mailab-tlsc.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cert, sizeof cert, "%s/cert.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	snprintf(cmd, sizeof cmd, "sh scripts/mkcert.sh %s >/dev/null", dir);
	srv = system(cmd) == 0 ? tls_server_ctx(err, sizeof err, cert, key) : NULL;
	cli = srv ? tls_client_ctx(err, sizeof err, &o) : NULL;
	CHECK("certificates and contexts", srv && cli);
	if (!srv || !cli)
		return 1;

	st = run(srv, cli, 1, false, trickle, &ms);
	CHECK("a record trickled a byte at a time: the line's deadline ends it "
	      "(CONN_TIMEOUT)", st == CONN_TIMEOUT);
	CHECK("... within the 1 s timeout, not 6 s of trickle", ms < 3000);
	printf("#   trickled record: status %d after %ld ms\n", st, ms);

	st = run(srv, cli, 30, true, silent, &ms);
	CHECK("a stop request wakes a read blocked inside TLS (CONN_STOP)",
	      st == CONN_STOP);
	CHECK("... at once, not after the 30 s timeout", ms < 2500);

	tls_ctx_free(cli);
	tls_ctx_free(srv);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		puts("#   could not remove the temporary directory");
	return CHECK_DONE();
}

#endif
