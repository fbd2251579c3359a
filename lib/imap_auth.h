/*
 * imap_auth: IMAP's LOGIN (RFC 3501 6.2.3) and AUTHENTICATE PLAIN
 * (6.2.2, RFC 4616, with RFC 4959's initial response) on the server
 * side.  Like lib/smtp_auth it decodes through lib/sasl, maps the login
 * name by the one identity rule (lib/identity: "Ali" is the mailbox
 * ali, "bob+x" is no login) and checks the users file.
 *
 *   C: a LOGIN gizem 1234
 *   C: b AUTHENTICATE PLAIN AGdpemVtADEyMzQ=     ("\0gizem\01234")
 *   C: c AUTHENTICATE PLAIN      S: +      C: AGdpemVtADEyMzQ=
 *
 * Each is the check step of its command: a refusal is replied here (NO
 * or BAD, logged); a success is not, so that the server changes state
 * before its OK.  Leaves out: other SASL mechanisms (NO [CANNOT]).
 */
#ifndef MAILAB_IMAP_AUTH_H
#define MAILAB_IMAP_AUTH_H

#include "imap_session.h"

/* LOGIN user password (im->ip after the verb): 1 and box (ID_BOX_MAX
 * + 1 bytes) filled when they check, else 0 (replied). */
int imap_auth_login(struct imap *im, const char *users_file, char *box);

/* AUTHENTICATE mechanism [initial-response]: the same. */
int imap_auth_plain(struct imap *im, const char *users_file, char *box);

#endif
