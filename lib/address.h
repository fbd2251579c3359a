/*
 * address: the paths of SMTP's MAIL and RCPT commands (RFC 5321 4.1.2),
 * parsed into a plain "local@domain" string.  Pure functions.
 *
 * Lenient where a hand-typed session needs it (a space after the colon,
 * a missing pair of angle brackets), strict where safety needs it (no
 * control bytes, limits from RFC 5321 4.5.3.1).
 */
#ifndef MAILAB_ADDRESS_H
#define MAILAB_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define ADDR_MAX 256        /* RFC 5321 4.5.3.1.3: a path is <= 256 */
#define ADDR_LOCAL_MAX 64   /* RFC 5321 4.5.3.1.1 */
#define ADDR_DOMAIN_MAX 255 /* RFC 5321 4.5.3.1.2 */

enum addr_error {
	ADDR_OK = 0,
	ADDR_SYNTAX = -1,   /* not a path: 501 5.1.7 / 5.1.3 */
	ADDR_TOO_LONG = -2, /* over a limit: 501 (or 553 for a mailbox) */
	ADDR_NON_ASCII = -3 /* UTF-8 without SMTPUTF8: 553 5.6.7 */
};

/*
 * Parse the path after "FROM:" or "TO:" in s.  addr (ADDR_MAX + 1
 * bytes) gets "local@domain" ("" for the null path <>); *rest points
 * past the path, at the parameters.  utf8 allows non-ASCII bytes
 * (RFC 6531 SMTPUTF8).
 */
enum addr_error addr_parse_path(const char *s, char *addr, const char **rest,
                                bool utf8);

/*
 * Split "local@domain" at its last '@': local (ADDR_LOCAL_MAX + 1 bytes,
 * quotes and backslash escapes removed) and domain (lower-cased,
 * ADDR_DOMAIN_MAX + 1 bytes, "" when there is none).  0 or -1.
 */
int addr_split(const char *addr, char *local, char *domain);

/* True when the string has a byte over 127. */
bool addr_has_utf8(const char *s);

#endif
