/*
 * imap_out: every line imap_server sends goes through here.  An IMAP
 * response may carry literals ({n} CRLF and n octets) in its middle,
 * so it is written in pieces; the -v trace still shows one "S: " line
 * per line on the wire, a literal's text included, line by line.
 *
 * Also the one way a string is sent (RFC 3501 4.3): quoted when it
 * can be, a literal when it holds CR, LF, NUL, 8-bit or is long.
 *
 * --step and --delay (lib/teach) pace each line on the wire outside
 * literals, as conn_send_line does for the other servers: the line is
 * held until its LF, shown or waited on, then sent.  A literal's octets
 * (a message body) go out unpaced, as pop_server's RETR does.
 */
#ifndef MAILAB_IMAP_OUT_H
#define MAILAB_IMAP_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

#define IMAP_QUOTED_MAX 1024 /* longer strings go out as literals */

struct imap_out {
	struct conn *conn;
	size_t tlen;           /* the current line so far, for the trace */
	char tline[CONN_BUF];
	size_t held;           /* paced: the last octets of tline, not yet sent */
	unsigned long long lit_left; /* octets of a literal still to come */
	bool failed;           /* a write failed: the peer is gone */
};

void iout_init(struct imap_out *o, struct conn *c);

/* Raw bytes; each LF among them ends a trace line. */
void iout_put(struct imap_out *o, const void *p, size_t n);
void iout_puts(struct imap_out *o, const char *s);
void iout_printf(struct imap_out *o, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* End the response line: CRLF. */
void iout_end(struct imap_out *o);

/* A string (quoted or literal); iout_nstring sends NIL for NULL. */
void iout_string(struct imap_out *o, const char *s, size_t n);
void iout_nstring(struct imap_out *o, const char *s);

/* A literal's header, "{n}" CRLF; the caller then sends n octets. */
void iout_literal(struct imap_out *o, unsigned long long n);

/* 0, or -1 when the peer is gone. */
int iout_flush(struct imap_out *o);

#endif
