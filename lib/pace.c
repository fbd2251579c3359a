/*
 * pace: --step and --delay (see pace.h).  The wait is a plain
 * nanosleep(): a signal that stops the program cuts it short, so a
 * server with --delay 10000 still stops at once on SIGTERM.
 */
#include "pace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#define PACE_SHOWN_MAX 1000 /* of a line shown in the prompt (a DATA line may be long) */
#define PACE_PROMPT_MAX (PACE_SHOWN_MAX + 200)

void pace_init(struct pace *p, const char *tag)
{
	memset(p, 0, sizeof *p);
	p->tag = tag;
	p->tty = -1;
}

int pace_set_delay(struct pace *p, const char *arg, char *err, size_t cap)
{
	unsigned long ms;

	if (parse_ulong(arg, PACE_DELAY_MAX_MS, &ms) < 0) {
		snprintf(err, cap, _("--delay: '%s' is not a whole number of milliseconds from 0 to %d"),
		         arg, PACE_DELAY_MAX_MS);
		return -1;
	}
	p->delay_ms = (unsigned)ms;
	return 0;
}

int pace_open(struct pace *p, char *err, size_t cap)
{
	if (!p->step || p->tty >= 0)
		return 0;
	p->tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (p->tty < 0) {
		snprintf(err, cap, _("--step needs a terminal: cannot open /dev/tty (%s); run it in a "
		                     "terminal, or use --delay MS instead"),
		         strerror(errno));
		return -1;
	}
	return 0;
}

bool pace_active(const struct pace *p)
{
	return p->delay_ms > 0 || (p->step && !p->go_on);
}

/* One answer from the terminal: its first non-blank key, or -1 at EOF. */
static int answer(int fd)
{
	int first = 0;
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			return -1; /* a signal: the program is stopping */
		if (n <= 0)
			return -1;
		if (c == '\n')
			return first;
		if (!first && c != ' ' && c != '\t')
			first = (unsigned char)c;
	}
}

/* Show the line, wait for Enter; "c" Enter (or a closed terminal) goes on. */
static void step(struct pace *p, const char *line, size_t len)
{
	char prompt[PACE_PROMPT_MAX];
	int n, key;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	n = snprintf(prompt, sizeof prompt,
	             _("[step] %s%.*s   (Enter: send, c Enter: go on without pausing) "),
	             p->tag ? p->tag : "", (int)(len < PACE_SHOWN_MAX ? len : PACE_SHOWN_MAX), line);
	if (n > 0 && write(p->tty, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) < 0)
		n = -1;
	key = n < 0 ? -1 : answer(p->tty);
	if (key < 0 || key == 'c' || key == 'C')
		p->go_on = true; /* a terminal gone away must not hang the program */
}

void pace_before_send(struct pace *p, const char *line, size_t len)
{
	if (p->step && !p->go_on && p->tty >= 0)
		step(p, line, len);
	if (p->delay_ms > 0) {
		struct timespec ts = { (time_t)(p->delay_ms / 1000),
		                       (long)(p->delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

void pace_close(struct pace *p)
{
	if (p->tty >= 0)
		close(p->tty);
	p->tty = -1;
}
