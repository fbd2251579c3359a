/*
 * identity: who a name is, by one rule for every program and protocol.
 * It owns (1) the grammar of SMTP paths (RFC 5321 4.1.2, with RFC 6531
 * for SMTPUTF8), (2) the mailbox-name rule and its canonical form, and
 * (3) the mapping from a recipient's local part or a login name to the
 * mailbox.  RCPT, bounces, the users file, SMTP AUTH and POP3 USER/APOP
 * all call it; nothing else builds a mailbox name.  Pure functions.
 *
 * Mailbox names (SPEC "Identity, one rule"): ASCII letters, digits,
 * '.', '_', '-' and valid UTF-8 (octets >= 0x80; no overlong forms,
 * surrogates or C1 controls), 1 to 64 octets, no leading or trailing
 * dot, no "..".  One addition to the SPEC: no leading '-', so that no
 * mailbox directory reads as a command option ("-rf").  Canonical form:
 * ASCII lower case.  A recipient's mailbox is its local part with any
 * "+tag" removed, lower-cased; a login name is lower-cased and must
 * itself be a mailbox name (so "bob+x" is no login at all).
 *
 * Paths: Dot-string or Quoted-string local part, "@", a domain of
 * LDH labels or an address literal ([127.0.0.1], [IPv6:::1]).  Lenient
 * only where a hand-typed session needs it: a space after the colon,
 * and a path given without its angle brackets.  A source route
 * "<@a,@b:x@y>" is accepted and ignored (RFC 5321 4.1.2 and C.6: it
 * "MUST be accepted", its hosts "SHOULD be ignored"); "<@a,@b:>" is a
 * syntax error, never the null sender.  "<Postmaster>" alone is allowed
 * as RFC 5321 4.5.1 requires.
 *
 * Return convention (lib/util.h): 0 / -1, or the enum below.
 */
#ifndef MAILAB_IDENTITY_H
#define MAILAB_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#define ADDR_MAX 256        /* RFC 5321 4.5.3.1.3: a path is <= 256 */
#define ADDR_LOCAL_MAX 64   /* RFC 5321 4.5.3.1.1 */
#define ADDR_DOMAIN_MAX 255 /* RFC 5321 4.5.3.1.2 */
#define ID_BOX_MAX 64       /* a mailbox name: a local part's limit */

enum addr_error {
	ADDR_OK = 0,
	ADDR_SYNTAX = -1,   /* not a path: 501 5.1.7 (MAIL) / 5.1.3 (RCPT) */
	ADDR_TOO_LONG = -2, /* over a limit of RFC 5321 4.5.3.1: 501 */
	ADDR_NON_ASCII = -3 /* UTF-8 without SMTPUTF8: 553 5.6.7 */
};

/*
 * Parse the path after "FROM:" or "TO:" in s.  addr (ADDR_MAX + 1
 * bytes) gets "local@domain" ("" for the null path <>); *rest points
 * past the path, at the parameters (spaces before them included).
 * utf8 allows non-ASCII bytes (RFC 6531 SMTPUTF8).
 */
enum addr_error addr_parse_path(const char *s, char *addr, const char **rest,
                                bool utf8);

/*
 * Split a parsed "local@domain" at its last '@': local (ADDR_LOCAL_MAX
 * + 1 bytes, quotes and backslash escapes removed) and domain
 * (lower-cased, ADDR_DOMAIN_MAX + 1 bytes, "" when there is none).
 * 0 or -1.
 */
int addr_split(const char *addr, char *local, char *domain);

/* True when the string has a byte over 127. */
bool addr_has_utf8(const char *s);

/* Is name (NUL-terminated) a valid mailbox name in canonical form? */
bool id_is_canonical(const char *name);

/*
 * The mailbox of a recipient's local part (quotes already removed by
 * addr_split): "+tag" dropped, lower-cased.  box (ID_BOX_MAX + 1 bytes)
 * gets it; 0, or -1 when the result is no valid mailbox name.
 */
int id_rcpt_box(const char *local, char *box);

/*
 * The mailbox of a login name (POP3 USER/APOP, SMTP AUTH): lower-cased,
 * and it must then be a valid mailbox name itself.  0 or -1.
 */
int id_login_box(const char *login, char *box);

/* The rule, for replies and warnings: one English line. */
#define ID_RULE_TEXT "letters, digits, '.', '_', '-' or UTF-8, 1-64 " \
                     "octets, no leading '.' or '-', no '..'"

#endif
