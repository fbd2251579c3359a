/*
 * Unit tests: lib/tls and conn_start_tls over socketpairs, with
 * certificates that scripts/mkcert.sh makes at test time.  Each case
 * forks: the child is the server, the parent the client.  Covered:
 * the handshake, verification (system store only, --cafile with a
 * self-signed certificate and with a CA chain, --insecure, a name or
 * address the certificate does not carry), SSLKEYLOGFILE, the
 * CVE-2011-0411 discard on both sides, data that waits inside TLS, the
 * end of a session, timeouts and plain-text peers, and the errors for
 * bad files.  Built without TLS it says so and checks the refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "conn.h"
#include "tls.h"

#ifndef MAILAB_TLS

int main(void)
{
	char err[TLS_ERR_LEN];
	struct tls_client_opts o = { "localhost", NULL, false };

	puts("skipped: built without TLS");
	CHECK("no TLS: tls_available() is false", !tls_available());
	CHECK_STR("no TLS: a server context is refused with the rebuild hint",
	          tls_server_ctx(err, sizeof err, "c", "k") ? "made" : err,
	          "this build has no TLS: rebuild with make TLS=1");
	CHECK_STR("no TLS: so is a client context",
	          tls_client_ctx(err, sizeof err, &o) ? "made" : err,
	          TLS_UNAVAILABLE);
	return CHECK_DONE();
}

#else

#define T_TIMEOUT 5 /* seconds: generous, the machine is shared */

static char dir[64];          /* the temporary directory */
static char path[8][128];     /* certificates, keys, the key log */
enum { SELF_CERT, SELF_KEY, CA_CERT, CA_LEAF, CA_KEY, KEYLOG, BAD };

static struct tls_ctx *self_srv, *chain_srv;
static bool trace_client; /* round_trip's client traces on stderr */

/* Fork the server half; fds[0] is the client's, fds[1] the server's. */
static pid_t fork_server(int fds[2], void (*serve)(int fd, void *), void *arg)
{
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return -1;
	fflush(stdout); /* the child must not print the parent's lines */
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		serve(fds[1], arg);
		_exit(0);
	}
	close(fds[1]);
	return pid;
}

static int reap(pid_t pid)
{
	int status = 0;

	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The server of most cases: handshake, then "250 got LINE" for the
 * first line it reads inside TLS, then close_notify. */
static void serve_echo(int fd, void *ctx)
{
	struct conn s;
	char err[TLS_ERR_LEN], line[512];
	size_t n;
	enum conn_ending end;

	conn_init(&s, fd, fd, T_TIMEOUT, false, CONN_SERVER);
	if (conn_start_tls(&s, ctx, true, err, sizeof err) < 0)
		_exit(1);
	if (conn_read_command(&s, line, 500, &n, &end) == CONN_LINE)
		conn_printf(&s, "250 got %s", line);
	conn_end_tls(&s);
}

/*
 * A client's whole round trip with the echo server: 0 when the
 * handshake worked and "HELLO" came back, -1 with err otherwise.
 * desc gets tls_describe()'s line.
 */
static int round_trip(struct tls_ctx *srv, const struct tls_client_opts *o,
                      char *err, size_t cap, char *desc, size_t dcap)
{
	struct conn c;
	struct tls_ctx *ctx = tls_client_ctx(err, cap, o);
	char line[512];
	size_t n;
	enum conn_ending end;
	int fds[2], rc = -1;

	if (ctx == NULL)
		return -1;
	pid_t pid = fork_server(fds, serve_echo, srv);
	conn_init(&c, fds[0], fds[0], T_TIMEOUT, trace_client, CONN_CLIENT);
	if (conn_start_tls(&c, ctx, false, err, cap) >= 0) {
		if (desc)
			tls_describe(c.tls, desc, dcap);
		conn_send_line(&c, "HELLO", 5);
		if (conn_read_command(&c, line, 500, &n, &end) == CONN_LINE &&
		    strcmp(line, "250 got HELLO") == 0 &&
		    conn_read_line(&c, line, sizeof line, &n) == CONN_EOF)
			rc = 0; /* the reply, then close_notify: a clean end */
		else
			snprintf(err, cap, "no echo: %.200s", line);
	}
	conn_end_tls(&c);
	close(fds[0]);
	reap(pid);
	tls_ctx_free(ctx);
	return rc;
}

static int make_certs(void)
{
	char cmd[512];

	snprintf(dir, sizeof dir, "%s/mailab-tls.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path[SELF_CERT], sizeof path[0], "%s/self/cert.pem", dir);
	snprintf(path[SELF_KEY], sizeof path[0], "%s/self/key.pem", dir);
	snprintf(path[CA_CERT], sizeof path[0], "%s/ca/ca.pem", dir);
	snprintf(path[CA_LEAF], sizeof path[0], "%s/ca/cert.pem", dir);
	snprintf(path[CA_KEY], sizeof path[0], "%s/ca/key.pem", dir);
	snprintf(path[KEYLOG], sizeof path[0], "%s/keys.log", dir);
	snprintf(path[BAD], sizeof path[0], "%s/no/such/dir/keys.log", dir);
	snprintf(cmd, sizeof cmd, "sh scripts/mkcert.sh %s/self >/dev/null && "
	         "sh scripts/mkcert.sh --ca %s/ca >/dev/null", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_verification(void)
{
	char err[TLS_ERR_LEN], desc[256] = "";
	struct tls_client_opts o = { "localhost", NULL, false };

	CHECK("self-signed, system store only: refused",
	      round_trip(self_srv, &o, err, sizeof err, NULL, 0) < 0);
	CHECK("... the error names the reason and --cafile",
	      strstr(err, "certificate verification failed: self") &&
	      strstr(err, "--cafile"));
	printf("#   %s\n", err);
	o.cafile = path[SELF_CERT];
	CHECK("self-signed with --cafile cert.pem: the line comes back",
	      round_trip(self_srv, &o, err, sizeof err, desc, sizeof desc) == 0);
	CHECK("describe: TLS 1.3, the IANA cipher name, the CN",
	      strncmp(desc, "TLSv1.3 TLS_", 12) == 0 &&
	      strstr(desc, ", certificate CN=localhost") &&
	      !strstr(desc, "insecure"));
	printf("#   %s\n", desc);
	o.cafile = NULL;
	CHECK("CA chain, system store only: refused",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) < 0 &&
	      strstr(err, "local issuer"));
	o.cafile = path[CA_CERT];
	CHECK("CA chain with --cafile ca.pem: accepted",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) == 0);
	o.host = "127.0.0.1";
	CHECK("by address 127.0.0.1 (SAN IP): accepted",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) == 0);
	o.host = "[::1]";
	CHECK("by address [::1]: accepted",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) == 0);
	o.host = "mail.example.org";
	CHECK("a name the certificate lacks: refused, named",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) < 0 &&
	      strstr(err, "not for mail.example.org"));
	printf("#   %s\n", err);
	o.host = "10.1.2.3";
	CHECK("an address the certificate lacks: refused",
	      round_trip(chain_srv, &o, err, sizeof err, NULL, 0) < 0 &&
	      strstr(err, "not for 10.1.2.3"));
	o = (struct tls_client_opts){ "mail.example.org", NULL, true };
	CHECK("--insecure: any certificate, any name",
	      round_trip(self_srv, &o, err, sizeof err, desc, sizeof desc) == 0);
	CHECK("... and describe says it was not verified",
	      strstr(desc, "(not verified: --insecure)") != NULL);
}

/* Every line "LABEL <64 hex> <hex>"; the TLS 1.3 labels present. */
static void test_keylog(void)
{
	char err[TLS_ERR_LEN], buf[4096], label[64], rnd[80], secret[200];
	struct tls_client_opts o = { "localhost", path[SELF_CERT], false };
	struct stat st;
	int lines = 0, well_formed = 0;

	setenv("SSLKEYLOGFILE", path[KEYLOG], 1);
	CHECK("keylog: a round trip with SSLKEYLOGFILE set",
	      round_trip(self_srv, &o, err, sizeof err, NULL, 0) == 0);
	setenv("SSLKEYLOGFILE", path[BAD], 1);
	CHECK("keylog: an unwritable SSLKEYLOGFILE is an error naming it",
	      tls_client_ctx(err, sizeof err, &o) == NULL &&
	      strstr(err, "SSLKEYLOGFILE=") && strstr(err, "No such file"));
	unsetenv("SSLKEYLOGFILE");
	FILE *f = fopen(path[KEYLOG], "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = '\0';
	if (f) {
		rewind(f);
		while (fscanf(f, "%63s %79s %199s", label, rnd, secret) == 3) {
			lines++;
			well_formed += strlen(rnd) == 64 &&
			               strspn(rnd, "0123456789abcdef") == 64 &&
			               strspn(secret, "0123456789abcdef") ==
			                       strlen(secret);
		}
		fclose(f);
	}
	CHECK("keylog: CLIENT_HANDSHAKE_TRAFFIC_SECRET written",
	      strstr(buf, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") != NULL);
	CHECK("keylog: SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_ and "
	      "SERVER_TRAFFIC_SECRET_0 written",
	      strstr(buf, "SERVER_HANDSHAKE_TRAFFIC_SECRET ") &&
	      strstr(buf, "\nCLIENT_TRAFFIC_SECRET_0 ") &&
	      strstr(buf, "\nSERVER_TRAFFIC_SECRET_0 "));
	CHECK("keylog: every line is LABEL CLIENT_RANDOM SECRET in hex",
	      lines >= 4 && well_formed == lines);
	CHECK("keylog: the file is private (0600)",
	      stat(path[KEYLOG], &st) == 0 && (st.st_mode & 077) == 0);
}

/* The CVE-2011-0411 server: read one command in clear, say 220, start
 * TLS; then report what it discarded and the first line inside TLS. */
static void serve_starttls(int fd, void *ctx)
{
	struct conn s;
	char err[TLS_ERR_LEN], line[512];
	size_t n;
	enum conn_ending end;
	int dropped;

	conn_init(&s, fd, fd, T_TIMEOUT, false, CONN_SERVER);
	if (conn_read_command(&s, line, 500, &n, &end) != CONN_LINE)
		_exit(1);
	conn_printf(&s, "220 2.0.0 Ready to start TLS");
	dropped = conn_start_tls(&s, ctx, true, err, sizeof err);
	if (dropped < 0)
		_exit(2);
	if (conn_read_command(&s, line, 500, &n, &end) == CONN_LINE)
		conn_printf(&s, "250 dropped=%d first=%s", dropped, line);
	conn_end_tls(&s);
}

static void test_discard_on_server(struct tls_ctx *cli)
{
	static const char inject[] = "STARTTLS\r\nMAIL FROM:<evil@x>\r\n";
	char err[TLS_ERR_LEN], line[512];
	struct conn c;
	size_t n;
	enum conn_ending end;
	int fds[2];
	pid_t pid = fork_server(fds, serve_starttls, self_srv);

	/* Both commands in one segment: the server's reader buffers both. */
	CHECK("discard: the injected batch is written",
	      write(fds[0], inject, sizeof inject - 1) == sizeof inject - 1);
	conn_init(&c, fds[0], fds[0], T_TIMEOUT, false, CONN_CLIENT);
	CHECK("discard: 220 in clear",
	      conn_read_command(&c, line, 500, &n, &end) == CONN_LINE &&
	      strncmp(line, "220 ", 4) == 0);
	CHECK("discard: the handshake after the injection works",
	      conn_start_tls(&c, cli, false, err, sizeof err) == 0);
	conn_send_line(&c, "NOOP", 4);
	line[0] = '\0';
	conn_read_command(&c, line, 500, &n, &end);
	CHECK_STR("discard: the command pipelined in clear never runs in TLS",
	          line, "250 dropped=20 first=NOOP");
	conn_end_tls(&c);
	close(fds[0]);
	CHECK("discard: the server side ended well", reap(pid) == 0);
}

/* The other way (a response injected after "220"): the client drops it. */
static void serve_inject(int fd, void *ctx)
{
	static const char inject[] = "220 Ready\r\n250 injected\r\n";
	struct conn s;
	char err[TLS_ERR_LEN];

	if (write(fd, inject, sizeof inject - 1) != sizeof inject - 1)
		_exit(1);
	conn_init(&s, fd, fd, T_TIMEOUT, false, CONN_SERVER);
	if (conn_start_tls(&s, ctx, true, err, sizeof err) < 0)
		_exit(2);
	conn_printf(&s, "250 real");
	conn_end_tls(&s);
}

static void test_discard_on_client(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN], line[512] = "";
	struct conn c;
	size_t n;
	enum conn_ending end;
	int fds[2];
	pid_t pid = fork_server(fds, serve_inject, self_srv);

	conn_init(&c, fds[0], fds[0], T_TIMEOUT, false, CONN_CLIENT);
	conn_read_command(&c, line, 500, &n, &end);
	/* One write() on the server's side: both lines came in one read. */
	CHECK("client discard: 220 read, the injection buffered behind it",
	      strcmp(line, "220 Ready") == 0 && c.rlen - c.rpos == 14);
	CHECK("client discard: conn_start_tls reports 14 bytes dropped",
	      conn_start_tls(&c, cli, false, err, sizeof err) == 14);
	conn_read_command(&c, line, 500, &n, &end);
	CHECK_STR("client discard: the first reply inside TLS is the real one",
	          line, "250 real");
	conn_end_tls(&c);
	close(fds[0]);
	reap(pid);
}

/* 16000 bytes in one TLS record, more than conn's buffer: the rest
 * waits inside OpenSSL, where poll() on the socket cannot see it. */
#define BIG_LINES 160
static void serve_big(int fd, void *ctx)
{
	struct conn s;
	char err[TLS_ERR_LEN], big[BIG_LINES * 100], line[512];
	size_t n;
	enum conn_ending end;

	for (int i = 0; i < BIG_LINES; i++) {
		memset(big + i * 100, 'x', 99);
		big[i * 100 + 99] = '\n';
	}
	conn_init(&s, fd, fd, T_TIMEOUT, false, CONN_SERVER);
	if (conn_start_tls(&s, ctx, true, err, sizeof err) < 0 ||
	    tls_write(s.tls, big, sizeof big, 5000) != (ssize_t)sizeof big)
		_exit(1);
	/* Nothing more until the client has read it all. */
	if (conn_read_command(&s, line, 500, &n, &end) == CONN_LINE)
		conn_printf(&s, "250 read %s", line);
	conn_flush(&s);
	_exit(0); /* no close_notify: the client must see a plain EOF */
}

static void test_big_record(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN], line[512];
	struct conn c;
	size_t n;
	enum conn_ending end;
	int fds[2], lines = 0;
	pid_t pid = fork_server(fds, serve_big, self_srv);

	conn_init(&c, fds[0], fds[0], T_TIMEOUT, false, CONN_CLIENT);
	if (conn_start_tls(&c, cli, false, err, sizeof err) == 0)
		while (lines < BIG_LINES &&
		       conn_read_line(&c, line, sizeof line, &n) == CONN_LINE &&
		       n == 100)
			lines++;
	CHECK("a 16000-byte record read line by line (data pending in TLS)",
	      lines == BIG_LINES);
	conn_printf(&c, "%d", lines);
	line[0] = '\0';
	conn_read_command(&c, line, 500, &n, &end);
	CHECK_STR("... then the next exchange", line, "250 read 160");
	CHECK("a peer gone without close_notify reads as EOF",
	      conn_read_line(&c, line, sizeof line, &n) == CONN_EOF);
	conn_end_tls(&c);
	close(fds[0]);
	reap(pid);
}

/* -v inside TLS: the "-- TLS:" line, then the decrypted dialogue. */
static void test_trace(void)
{
	char err[TLS_ERR_LEN], buf[2048] = "", tpath[160];
	struct tls_client_opts o = { "localhost", path[SELF_CERT], false };
	int saved = dup(2), fd;
	size_t n = 0;

	snprintf(tpath, sizeof tpath, "%s/trace", dir);
	fd = open(tpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fflush(stderr);
	dup2(fd, 2);
	trace_client = true;
	int rc = round_trip(self_srv, &o, err, sizeof err, NULL, 0);
	trace_client = false;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	FILE *f = fopen(tpath, "r");
	if (f) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	CHECK("trace: a round trip with -v", rc == 0);
	CHECK("trace: -- TLS: TLSv1.3 TLS_..., certificate CN=localhost",
	      strncmp(buf, "-- TLS: TLSv1.3 TLS_", 20) == 0 &&
	      strstr(buf, ", certificate CN=localhost\n"));
	CHECK("trace: then the decrypted lines, C: and S:",
	      strstr(buf, "\nC: HELLO\nS: 250 got HELLO\n") != NULL);
}

/* --stdio: the server reads one pipe and writes another. */
static void test_pipes(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN], line[512] = "";
	struct conn c, s;
	int up[2], down[2], twice = 0;
	size_t n;
	enum conn_ending end;

	if (pipe(up) < 0 || pipe(down) < 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(up[1]);
		close(down[0]);
		conn_init(&s, up[0], down[1], T_TIMEOUT, false, CONN_SERVER);
		if (conn_start_tls(&s, self_srv, true, err, sizeof err) < 0)
			_exit(1);
		if (conn_read_command(&s, line, 500, &n, &end) == CONN_LINE)
			conn_printf(&s, "+OK %s", line);
		conn_end_tls(&s);
		_exit(0);
	}
	close(up[0]);
	close(down[1]);
	conn_init(&c, down[0], up[1], T_TIMEOUT, false, CONN_CLIENT);
	if (conn_start_tls(&c, cli, false, err, sizeof err) == 0) {
		twice = conn_start_tls(&c, cli, false, err, sizeof err);
		conn_send_line(&c, "STAT", 4);
		conn_read_command(&c, line, 500, &n, &end);
	}
	CHECK_STR("two pipes (--stdio): TLS works with rfd != wfd", line,
	          "+OK STAT");
	CHECK("starting TLS twice is refused",
	      twice < 0 && strstr(err, "already active"));
	CHECK("a client context on the server side is refused",
	      tls_new(err, sizeof err, cli, up[1], up[1], true) == NULL &&
	      strstr(err, "a client context on the server side"));
	conn_end_tls(&c);
	close(down[0]);
	close(up[1]);
	reap(pid);
}

/* timeout 0: the caller does the waiting (for conn's own wait loop). */
static void test_no_wait(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN], buf[64] = "";
	struct conn c;
	int fds[2];
	ssize_t n = -1;
	pid_t pid = fork_server(fds, serve_echo, self_srv);

	conn_init(&c, fds[0], fds[0], T_TIMEOUT, false, CONN_CLIENT);
	if (conn_start_tls(&c, cli, false, err, sizeof err) == 0) {
		errno = 0;
		n = tls_read(c.tls, buf, sizeof buf, 0);
		CHECK("timeout 0, nothing there: -1, EAGAIN, wants POLLIN",
		      n == -1 && errno == EAGAIN && tls_wants(c.tls) == POLLIN);
		conn_send_line(&c, "HELLO", 5);
		conn_flush(&c);
		for (int i = 0; i < 50 && n < 0; i++) {
			struct pollfd p = { fds[0], tls_wants(c.tls), 0 };
			poll(&p, 1, 100);
			n = tls_read(c.tls, buf, sizeof buf - 1, 0);
			if (n < 0 && errno != EAGAIN)
				break;
		}
	}
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR("... then poll() and the same call: the reply", buf,
	          "250 got HELLO\r\n");
	conn_end_tls(&c);
	close(fds[0]);
	reap(pid);
}

/* inetd's fds 0 and 1 share one open file: after TLS it must block
 * again, or the plain I/O that follows would fail with EAGAIN. */
static void test_fd_flags(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN], line[512] = "";
	struct conn c;
	int fds[2];
	size_t n;
	enum conn_ending end;
	pid_t pid = fork_server(fds, serve_echo, self_srv);
	int out = dup(fds[0]);

	conn_init(&c, fds[0], out, T_TIMEOUT, false, CONN_CLIENT);
	if (conn_start_tls(&c, cli, false, err, sizeof err) == 0) {
		CHECK("inside TLS the socket does not block",
		      fcntl(out, F_GETFL) & O_NONBLOCK);
		conn_send_line(&c, "X", 1);
		conn_read_command(&c, line, 500, &n, &end);
	}
	conn_end_tls(&c);
	CHECK_STR("one socket as two fds: the line comes back", line, "250 got X");
	CHECK("after TLS it blocks again, as before",
	      !(fcntl(fds[0], F_GETFL) & O_NONBLOCK) &&
	      !(fcntl(out, F_GETFL) & O_NONBLOCK));
	close(out);
	close(fds[0]);
	reap(pid);
}

static void serve_nothing(int fd, void *how)
{
	char buf[256];

	if (strcmp(how, "close") == 0)
		_exit(0);
	if (strcmp(how, "plain") == 0 &&
	    write(fd, "220 mail.example ESMTP\r\n", 24) != 24)
		_exit(1);
	while (read(fd, buf, sizeof buf) > 0)
		; /* until the client gives up */
}

/* conn_start_tls as a client against a peer that does not do TLS. */
static int fail_client(struct tls_ctx *cli, const char *how, int timeout_s,
                       char *err, size_t cap)
{
	struct conn c;
	int fds[2];
	pid_t pid = fork_server(fds, serve_nothing, (void *)how);

	conn_init(&c, fds[0], fds[0], timeout_s, false, CONN_CLIENT);
	int rc = conn_start_tls(&c, cli, false, err, cap);
	printf("#   %s: %s\n", how, err);
	CHECK("... and leaves no TLS behind", c.tls == NULL);
	close(fds[0]);
	reap(pid);
	return rc;
}

/* The implicit-TLS port reached by a client speaking SMTP in clear. */
static void serve_expect_fail(int fd, void *ctx)
{
	struct conn s;
	char err[TLS_ERR_LEN];

	conn_init(&s, fd, fd, T_TIMEOUT, false, CONN_SERVER);
	if (conn_start_tls(&s, ctx, true, err, sizeof err) == 0)
		_exit(1);
	printf("#   server: %s\n", err);
	fflush(stdout);
	_exit(strstr(err, "TLS handshake failed") ? 0 : 2);
}

static void test_failures(struct tls_ctx *cli)
{
	char err[TLS_ERR_LEN] = "", buf[64];
	int fds[2];

	CHECK("a silent peer: the handshake times out",
	      fail_client(cli, "silent", 1, err, sizeof err) < 0 &&
	      strstr(err, "timed out"));
	CHECK("a peer that closes: said so",
	      fail_client(cli, "close", T_TIMEOUT, err, sizeof err) < 0 &&
	      strstr(err, "TLS handshake failed: the peer closed the connection"));
	CHECK("a plain-text server: the hint asks whether it speaks TLS",
	      fail_client(cli, "plain", T_TIMEOUT, err, sizeof err) < 0 &&
	      strstr(err, "does the other side speak TLS"));
	pid_t pid = fork_server(fds, serve_expect_fail, self_srv);
	if (write(fds[0], "EHLO x\r\n", 8) == 8)
		while (read(fds[0], buf, sizeof buf) > 0)
			;
	close(fds[0]);
	CHECK("a plain-text client on the TLS side: the server says why",
	      reap(pid) == 0);
}

static int server_error(const char *cert, const char *key, const char *want,
                        const char *want2)
{
	char err[TLS_ERR_LEN] = "";
	struct tls_ctx *ctx = tls_server_ctx(err, sizeof err, cert, key);

	tls_ctx_free(ctx);
	printf("#   %s\n", err);
	return ctx == NULL && strstr(err, want) && strstr(err, want2);
}

static void test_bad_files(void)
{
	char nope[160], enc[160], cmd[512], err[TLS_ERR_LEN] = "";
	struct tls_client_opts o = { "localhost", NULL, false };

	snprintf(nope, sizeof nope, "%s/nope.pem", dir);
	snprintf(enc, sizeof enc, "%s/enc.pem", dir);
	CHECK("--tls-cert missing: the file and strerror",
	      server_error(nope, path[SELF_KEY], nope, "No such file"));
	CHECK("--tls-cert holding a key: no PEM certificate",
	      server_error(path[SELF_KEY], path[SELF_KEY], "--tls-cert",
	                   "no PEM certificate"));
	CHECK("--tls-key holding a certificate: no PEM key",
	      server_error(path[SELF_CERT], path[SELF_CERT], "--tls-key",
	                   "no PEM private key"));
	CHECK("--tls-key of another certificate: does not belong",
	      server_error(path[SELF_CERT], path[CA_KEY], "--tls-key",
	                   "does not belong"));
	snprintf(cmd, sizeof cmd, "openssl genpkey -algorithm EC -pkeyopt "
	         "ec_paramgen_curve:P-256 -aes-256-cbc -pass pass:x -out %s "
	         "2>/dev/null", enc);
	if (system(cmd) == 0)
		CHECK("--tls-key with a passphrase: refused, never prompted",
		      server_error(path[SELF_CERT], enc, "--tls-key",
		                   "protected by a passphrase"));
	o.cafile = nope;
	CHECK("--cafile missing: named",
	      tls_client_ctx(err, sizeof err, &o) == NULL &&
	      strstr(err, "--cafile") && strstr(err, "No such file"));
	o.cafile = path[SELF_KEY];
	CHECK("--cafile without a certificate: said so",
	      tls_client_ctx(err, sizeof err, &o) == NULL &&
	      strstr(err, "no PEM certificate"));
	o = (struct tls_client_opts){ "", NULL, false };
	CHECK("a client without a host name to verify: refused",
	      tls_client_ctx(err, sizeof err, &o) == NULL &&
	      strstr(err, "host name"));
}

int main(void)
{
	char err[TLS_ERR_LEN];
	struct tls_client_opts self = { "localhost", NULL, false };
	struct tls_ctx *cli;

	signal(SIGPIPE, SIG_IGN);
	if (system("command -v openssl >/dev/null 2>&1") != 0) {
		puts("skipped: openssl not installed (scripts/mkcert.sh needs it)");
		return 0;
	}
	if (make_certs() < 0) {
		puts("FAIL - scripts/mkcert.sh made the test certificates");
		return 1;
	}
	CHECK("tls_available() in a TLS build", tls_available());
	self_srv = tls_server_ctx(err, sizeof err, path[SELF_CERT], path[SELF_KEY]);
	chain_srv = tls_server_ctx(err, sizeof err, path[CA_LEAF], path[CA_KEY]);
	CHECK("server contexts from mkcert.sh's files", self_srv && chain_srv);
	self.cafile = path[SELF_CERT];
	cli = tls_client_ctx(err, sizeof err, &self);
	if (!self_srv || !chain_srv || !cli) {
		printf("#   %s\n", err);
		return 1;
	}
	test_verification();
	test_keylog();
	test_discard_on_server(cli);
	test_discard_on_client(cli);
	test_big_record(cli);
	test_trace();
	test_pipes(cli);
	test_fd_flags(cli);
	test_no_wait(cli);
	test_failures(cli);
	test_bad_files();
	tls_ctx_free(cli);
	tls_ctx_free(self_srv);
	tls_ctx_free(chain_srv);
	snprintf(err, sizeof err, "rm -rf %s", dir);
	if (system(err) != 0)
		puts("#   could not remove the temporary directory");
	return CHECK_DONE();
}

#endif
