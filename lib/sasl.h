/*
 * sasl: the server's reading of the two SASL mechanisms the lab offers
 * (RFC 4954 for SMTP): PLAIN (RFC 4616), one base64 message
 * "authzid NUL authcid NUL passwd", and LOGIN, the user name and the
 * password each in a base64 line.  Pure functions.  Neither hides the
 * password: base64 is an encoding, not encryption, which the lab shows.
 */
#ifndef MAILAB_SASL_H
#define MAILAB_SASL_H

#include <stddef.h>

enum sasl_error {
	SASL_OK = 0,
	SASL_BASE64 = -1, /* not valid base64: 501 5.5.2 */
	SASL_FORM = -2,   /* not the mechanism's shape: 501 5.5.2 */
	SASL_CONTROL = -3 /* a control byte in the user name: 501 5.5.2 */
};

/*
 * Split a decoded PLAIN message (n bytes) into the user (authcid) and
 * password; both point into msg, which is NUL-terminated there.  An
 * authzid, when given, must be the user itself: nobody here may act
 * for someone else (RFC 4616 2).
 */
enum sasl_error sasl_plain(char *msg, size_t n, const char **user,
                           const char **pass);

/* A user name may not carry control bytes (they would reach the log). */
enum sasl_error sasl_check_user(const char *user);

#endif
