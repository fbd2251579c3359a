/*
 * message: RFC 5322 pieces that more than one program writes — the
 * date-time of Date: and Received: headers, and Message-IDs.
 */
#ifndef MAILAB_MESSAGE_H
#define MAILAB_MESSAGE_H

#include <stddef.h>
#include <time.h>

#define MSG_DATE_LEN 40 /* "Fri, 27 Nov 2026 06:40:01 +0300" and NUL */

/* RFC 5322 3.3 date-time in local time with its numeric offset. */
void msg_date(char *buf, size_t cap, time_t when);

/* RFC 5322 3.6.4 "<unique@host>" (angle brackets included). */
void msg_id(char *buf, size_t cap, const char *host);

#endif
