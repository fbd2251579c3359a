/*
 * smtp_params: the ESMTP parameters of MAIL FROM (RFC 5321 4.1.2
 * esmtp-param): SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531)
 * and AUTH= (RFC 4954 5, accepted and not used).  Keywords in any
 * case; each at most once (BODY=8BITMIME BODY=7BIT says two things).
 * Pure: the caller sends the reply it is given.
 *
 * Return convention (lib/util.h): 0, or -1 with the reply in reply.
 */
#ifndef MAILAB_SMTP_PARAMS_H
#define MAILAB_SMTP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_PARAMS_REPLY 128 /* room for a refusal's reply line */

/* What the server offers, which decides what is accepted. */
struct smtp_offer {
	bool esmtp;              /* the client said EHLO */
	bool eightbit;           /* 8BITMIME offered */
	unsigned long max_size;  /* the SIZE limit */
};

/* The parameters given: each seen flag, and what they ask for. */
struct smtp_params {
	bool size, body, utf8, auth;
	bool body_8bit;
};

/* Parse rest (the text after the path; cut up in place) into p.  0, or
 * -1 with the reply line in reply (SMTP_PARAMS_REPLY bytes). */
int smtp_mail_params(char *reply, char *rest, const struct smtp_offer *o,
                     struct smtp_params *p);

#endif
