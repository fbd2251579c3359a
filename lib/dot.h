/*
 * dot: the one dot-transparency codec of SMTP's DATA (RFC 5321 4.5.2)
 * and POP3's multi-line replies (RFC 1939 3), both directions.  Pure.
 *
 * Sending (stuffing): a line that starts with "." gets another one, and
 * line endings become CRLF, streamed chunk by chunk.  Two readings of a
 * lone CR: SMTP's client ends a line there too (DOT_CR_EOL: a bare CR
 * could smuggle), POP3's server keeps it as a byte (its W= size counts
 * it so).  Receiving (unstuffing): at the start of a line, "." alone is
 * the end mark and a leading "." is dropped.
 */
#ifndef MAILAB_DOT_H
#define MAILAB_DOT_H

#include <stdbool.h>
#include <stddef.h>

enum dot_cr { DOT_CR_KEEP, DOT_CR_EOL };

/* Start with { .bol = true, .cr_mode = ... }. */
struct dot_stuffer {
	bool bol;          /* at the beginning of a line */
	bool cr;           /* the last byte was a CR */
	enum dot_cr cr_mode;
};
#define DOT_STUFF_CAP(n) (2 * (n) + 2) /* the most out can need */

/*
 * Stuff n bytes of in into out (room for DOT_STUFF_CAP(n)); returns how
 * many were written.  LF and CRLF become CRLF; a lone CR per cr_mode.
 */
size_t dot_stuff(struct dot_stuffer *d, const char *in, size_t n, char *out);

/* End an unfinished last line: "\r\n" into out, or nothing.  Returns 2
 * or 0.  The end mark ".\r\n" (DOT_END) follows it on the wire. */
size_t dot_stuff_end(struct dot_stuffer *d, char *out);

#define DOT_END ".\r\n"

/* At the start of a received line of n bytes, its ending removed: is
 * it the end mark "." alone (whole: the line's ending was seen)? */
bool dot_is_end(const char *line, size_t n, bool whole);

/* At the start of a received line: how many bytes of stuffing to drop
 * (1 for a leading ".", else 0). */
size_t dot_unstuff(const char *line, size_t n);

#endif
