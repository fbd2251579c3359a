/*
 * pace: --step and --delay, the slow-motion teaching modes (SPEC
 * "Teaching modes").  Before each protocol line goes out, --delay MS
 * waits MS milliseconds; --step shows the line on the terminal and
 * waits for Enter ("c" then Enter goes on without pausing again).
 *
 * The keys come from /dev/tty, not stdin: stdin may be the message
 * (mail_send) or the session (--stdio).  No terminal with --step is a
 * start-up error (EX_USAGE), found by pace_open() before any network.
 *
 * In a program:
 *     struct pace pace;
 *     pace_init(&pace, "C: ");                  ("S: " in a server)
 *     --delay MS:  if (pace_set_delay(&pace, optarg, err, sizeof err) < 0)
 *                          die(EX_USAGE, "%s", err);
 *     --step:      pace.step = true;
 *     after the options:  if (pace_open(&pace, err, sizeof err) < 0)
 *                          die(EX_USAGE, "%s", err);
 *     before each line is written:  pace_before_send(&pace, line, len);
 */
#ifndef MAILAB_PACE_H
#define MAILAB_PACE_H

#include <stdbool.h>
#include <stddef.h>

#define PACE_DELAY_MAX_MS 10000 /* SPEC: --delay 0 to 10000 */
#define PACE_ERR_LEN 256

struct pace {
	unsigned delay_ms;  /* --delay: before every line */
	bool step;          /* --step: wait for Enter before every line */
	bool go_on;         /* "c" was typed: no more waiting for Enter */
	const char *tag;    /* "C: " or "S: ", shown before the line */
	int tty;            /* /dev/tty while stepping, else -1 */
};

void pace_init(struct pace *p, const char *tag);

/* --delay's argument: 0..PACE_DELAY_MAX_MS.  Returns 0, or -1 with err. */
int pace_set_delay(struct pace *p, const char *arg, char *err, size_t cap);

/* With --step, open /dev/tty; returns 0, or -1 with err (no terminal). */
int pace_open(struct pace *p, char *err, size_t cap);

/* Before the line (len bytes, no CRLF needed) is sent: wait as asked. */
void pace_before_send(struct pace *p, const char *line, size_t len);

/* Is there anything to do at all?  (The fast path skips the call.) */
bool pace_active(const struct pace *p);

void pace_close(struct pace *p);

#endif
