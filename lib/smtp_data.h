/*
 * smtp_data: the body of SMTP's DATA command as a stream decoder, fed
 * the fragments the line reader returns.  It finds the end of the data,
 * undoes dot-stuffing (RFC 5321 4.5.2), stores lines with LF endings,
 * counts octets against the size limit and Received: headers against
 * mail loops.  Pure: no I/O of its own, so it is unit-tested alone.
 *
 * The end is <CRLF>.<CRLF> (RFC 5321 4.1.1.4).  <LF>.<LF> ends it only
 * in a session whose client never sent a CR (typed with nc); any other
 * bare LF or CR never ends the data, which is what makes SMTP smuggling
 * (CVE-2023-51766 and friends) impossible here.
 */
#ifndef MAILAB_SMTP_DATA_H
#define MAILAB_SMTP_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

typedef void (*smtp_data_sink)(void *ctx, const void *p, size_t n);

struct smtp_data {
	smtp_data_sink write;      /* where the message goes (LF endings) */
	void *ctx;
	unsigned long long max;    /* octets allowed; past it nothing is
	                              stored, but the data is read to its end */
	unsigned long long octets; /* received, dot-stuffing undone */
	unsigned hops;             /* Received: headers in the header section */
	bool too_big;              /* octets went over max */
	bool bare_lf;              /* some line ended in a bare LF */
	bool in_headers;           /* before the first empty line */
	bool held_cr;              /* the last fragment ended in a CR */
	enum conn_ending prev;     /* how the last line ended; END_NONE when
	                              inside a line */
};

/* Start a message.  prev: how the DATA command line itself ended. */
void smtp_data_init(struct smtp_data *d, enum conn_ending prev,
                    unsigned long long max, smtp_data_sink write, void *ctx);

/*
 * Feed one fragment of n bytes; whole when it ends with the line's LF
 * (CONN_LINE), not when the line goes on (CONN_PART).  saw_cr: the
 * client has sent a CR somewhere in the session.  Returns true when the
 * fragment was the end-of-data line (which is not stored).
 */
bool smtp_data_feed(struct smtp_data *d, const char *p, size_t n, bool whole,
                    bool saw_cr);

#endif
