/* Unit tests: the line reader's limits and endings (lib/conn) over a
 * pipe; its deadline per command line; the stop through the self-pipe. */
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "conn.h"

static struct conn c;
static int wfd;

static void feed(const char *s, size_t n)
{
	if (write(wfd, s, n) != (ssize_t)n)
		perror("write");
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Slowloris: a line trickling in one byte every 100 ms for 3 s must
 * still time out after the 1 s timeout, not 1 s after the last byte
 * (an idle limit restarts on every byte).
 */
static void trickle_times_out(void)
{
	struct timespec gap = { 0, 100000000L };
	struct conn t;
	char buf[64];
	size_t n;
	enum conn_ending end;
	enum conn_status st;
	int p[2];
	pid_t pid;
	double t0;

	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 30; i++) {
			if (write(p[1], "x", 1) != 1)
				break;
			nanosleep(&gap, NULL);
		}
		_exit(0);
	}
	close(p[1]);
	conn_init(&t, p[0], -1, 1, false, CONN_SERVER);
	t0 = seconds();
	st = conn_read_command(&t, buf, 40, &n, &end);
	t0 = seconds() - t0;
	CHECK("a trickling command line times out", st == CONN_TIMEOUT);
	CHECK("... within the timeout of its start (not of its last byte)",
	      t0 > 0.8 && t0 < 1.8);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
}

/* A stop that came before the wait still ends it: the self-pipe is
 * readable for good once conn_request_stop() ran. */
static void stop_through_pipe(void)
{
	struct pollfd pfd;
	struct conn t;
	char buf[16];
	size_t n;
	enum conn_ending end;
	int p[2];

	CHECK("the stop pipe is made", conn_stop_init() == 0 && conn_stop_fd() >= 0);
	pfd = (struct pollfd){ .fd = conn_stop_fd(), .events = POLLIN };
	CHECK("... and quiet before a stop", poll(&pfd, 1, 0) == 0);
	conn_request_stop();
	CHECK("a stop makes it readable", poll(&pfd, 1, 0) == 1);
	CHECK("... and it stays readable", poll(&pfd, 1, 0) == 1);
	if (pipe(p) < 0)
		return;
	conn_init(&t, p[0], -1, 30, false, CONN_SERVER);
	CHECK("a read after the stop returns CONN_STOP at once",
	      conn_read_command(&t, buf, 10, &n, &end) == CONN_STOP);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	char buf[16];
	size_t n;
	enum conn_ending end;
	int p[2];

	if (pipe(p) < 0)
		return 1;
	wfd = p[1];
	conn_init(&c, p[0], -1, 5, false, CONN_SERVER);

	feed("HELO a\r\n", 8);
	CHECK("CRLF line", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                   strcmp(buf, "HELO a") == 0 && end == END_CRLF);
	CHECK("saw a CR", c.saw_cr);
	feed("NOOP\n", 5);
	CHECK("bare LF line", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                      strcmp(buf, "NOOP") == 0 && end == END_LF);
	feed("12345678\r\n", 10);
	CHECK("exactly at the limit (CRLF counted)",
	      conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE && n == 8);
	feed("123456789\r\nNEXT\r\n", 17);
	CHECK("one over the limit", conn_read_command(&c, buf, 10, &n, &end) == CONN_TOOLONG);
	CHECK("the next line is whole after draining",
	      conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE && strcmp(buf, "NEXT") == 0);
	feed("a\0b\r\n", 5);
	CHECK("NUL kept, length-based", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                                n == 3 && buf[1] == '\0');
	feed("0123456789abcdefXYZ\n", 20);
	CHECK("a long data line comes in parts",
	      conn_read_line(&c, buf, 16, &n) == CONN_PART && n == 16);
	CHECK("... then its end", conn_read_line(&c, buf, 16, &n) == CONN_LINE && n == 4 &&
	                         memcmp(buf, "XYZ\n", 4) == 0);
	feed("cut", 3);
	close(wfd);
	CHECK("EOF inside a line", conn_read_line(&c, buf, 16, &n) == CONN_EOF);
	trickle_times_out();
	stop_through_pipe(); /* last: the stop is for good */
	return CHECK_DONE();
}
