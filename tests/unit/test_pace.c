/*
 * Unit tests: lib/pace.  --delay's range and its wait measured; --step
 * refused without a terminal (a child in a new session has none); and
 * --step on a real pseudo-terminal: the line is shown and nothing goes
 * on before Enter, "c" Enter stops the pausing.  (The same through
 * tmux with the real programs is phase 2's test.)
 */
#define _XOPEN_SOURCE 700 /* posix_openpt(), grantpt(), ptsname() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "pace.h"

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void check_delay(void)
{
	static const char *const bad[] = { "10001", "-1", "abc", "", "5x", " 5",
	                                   "+5", "99999999999999999999", NULL };
	struct pace p;
	struct timespec t0;
	char err[PACE_ERR_LEN];
	int refused = 0;

	pace_init(&p, "C: ");
	CHECK("--delay 0 accepted", pace_set_delay(&p, "0", err, sizeof err) == 0 && p.delay_ms == 0);
	CHECK("--delay 10000 accepted",
	      pace_set_delay(&p, "10000", err, sizeof err) == 0 && p.delay_ms == 10000);
	for (int i = 0; bad[i]; i++)
		refused += pace_set_delay(&p, bad[i], err, sizeof err) < 0;
	CHECK("--delay refuses 10001, -1, abc, '', 5x, ' 5', +5, a huge number", refused == 8);
	CHECK("--delay's message names the option and the range",
	      strstr(err, "--delay") && strstr(err, "10000"));
	CHECK("a refused --delay leaves the old value", p.delay_ms == 10000);

	pace_init(&p, "C: ");
	CHECK("nothing asked: not active", !pace_active(&p));
	CHECK("nothing asked: pace_open needs no terminal", pace_open(&p, err, sizeof err) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pace_before_send(&p, "NOOP", 4);
	CHECK("nothing asked: no wait", ms_since(&t0) < 50);
	pace_set_delay(&p, "120", err, sizeof err);
	CHECK("--delay: active", pace_active(&p));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pace_before_send(&p, "NOOP", 4);
	pace_before_send(&p, "QUIT", 4);
	CHECK("--delay 120: two lines wait at least 240 ms", ms_since(&t0) >= 240);
}

/* In a child with no controlling terminal, --step must be refused. */
static void check_no_tty(void)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct pace p;
		char err[PACE_ERR_LEN] = "";
		setsid(); /* a new session: no controlling terminal */
		pace_init(&p, "C: ");
		p.step = true;
		_exit(pace_open(&p, err, sizeof err) < 0 && strstr(err, "/dev/tty") &&
		      strstr(err, "--delay") ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK("--step without a terminal refused, naming /dev/tty and --delay",
	      WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Read from the pty master until want shows up (or 5 s pass). */
static int wait_for(int master, const char *want)
{
	static char seen[8192];
	static size_t n;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < 5000) {
		ssize_t r = read(master, seen + n, sizeof seen - 1 - n);
		if (r > 0) {
			n += (size_t)r;
			seen[n] = '\0';
			if (strstr(seen, want)) {
				n = 0;
				return 1;
			}
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			return 0;
		}
		usleep(10000);
	}
	return 0;
}

/* How many "sent" marks the child has written so far. */
static int sent(int fd)
{
	static int count;
	char c;

	while (read(fd, &c, 1) == 1)
		count++;
	return count;
}

static void child_steps(const char *slave, int marks)
{
	struct pace p;
	char err[PACE_ERR_LEN];
	int fd;

	alarm(10);
	setsid();
	fd = open(slave, O_RDWR); /* becomes the controlling terminal */
#ifdef TIOCSCTTY
	ioctl(fd, TIOCSCTTY, 0);
#endif
	pace_init(&p, "C: ");
	p.step = true;
	if (fd < 0 || pace_open(&p, err, sizeof err) < 0)
		_exit(2);
	pace_before_send(&p, "MAIL FROM:<melek@example.com>", 29);
	write(marks, "1", 1);
	pace_before_send(&p, "RCPT TO:<gizem@example.com>", 27);
	write(marks, "2", 1);
	pace_before_send(&p, "DATA", 4); /* after "c": no prompt */
	write(marks, "3", 1);
	pace_close(&p);
	_exit(0);
}

static void check_step(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), pipefd[2], st = -1;
	const char *slave;
	pid_t pid;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (slave = ptsname(master)) == NULL || pipe(pipefd) < 0) {
		printf("skipped: --step on a pseudo-terminal: no pty here\n");
		return;
	}
	fcntl(master, F_SETFL, O_NONBLOCK);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		child_steps(slave, pipefd[1]);
	}
	close(pipefd[1]);
	CHECK("--step shows the line before sending it",
	      wait_for(master, "C: MAIL FROM:<melek@example.com>"));
	usleep(200000);
	CHECK("--step: nothing goes on before Enter", sent(pipefd[0]) == 0);
	write(master, "\n", 1);
	CHECK("--step: Enter sends, then the next line is shown",
	      wait_for(master, "C: RCPT TO:<gizem@example.com>"));
	CHECK("--step: exactly one line went on", sent(pipefd[0]) == 1);
	write(master, "c\n", 2);
	waitpid(pid, &st, 0);
	CHECK("--step: c Enter goes on without pausing", WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0 && sent(pipefd[0]) == 3);
	close(pipefd[0]);
	close(master);
}

int main(void)
{
	check_delay();
	check_no_tty();
	check_step();
	return CHECK_DONE();
}
