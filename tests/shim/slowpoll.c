/*
 * slowpoll: an LD_PRELOAD shim for the lost-wakeup test.  Each poll()
 * that waits for input sleeps $SLOW_POLL_MS first, so a signal lands
 * between a program's last look at its stop flag and the real poll()
 * almost every time, instead of once in a million: code that checks a
 * flag and then sleeps hangs, code whose poll() also watches a
 * self-pipe the handler writes to returns at once.  Linux (glibc).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int (*real)(struct pollfd *, nfds_t, int) =
		(int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	const char *ms = getenv("SLOW_POLL_MS");

	if (ms && n > 0 && (fds[0].events & POLLIN) && timeout != 0) {
		long v = atol(ms);
		struct timespec ts = { v / 1000, (v % 1000) * 1000000L };
		nanosleep(&ts, NULL); /* interrupted by a signal: fine too */
	}
	return real(fds, n, timeout);
}
