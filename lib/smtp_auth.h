/*
 * smtp_auth: SMTP's AUTH command (RFC 4954) on the server side, with the
 * two mechanisms the lab offers, PLAIN (RFC 4616) and LOGIN.  It drives
 * the exchange on a session (334 prompts, the client's base64 lines),
 * decodes through lib/sasl.c, maps the login name through the identity
 * rule (lib/identity.h) and checks the users file.
 *
 *   C: AUTH PLAIN AGdpemVtADEyMzQ=     ("\0gizem\01234")
 *   S: 235 2.7.0 Authentication successful
 *   C: AUTH LOGIN                      S: 334 VXNlcm5hbWU6 ("Username:")
 *   C: Z2l6ZW0=                        S: 334 UGFzc3dvcmQ6 ("Password:")
 *   C: MTIzNA==                        S: 235 2.7.0 ...
 *
 * Leaves out: CRAM-MD5, SCRAM, the AUTH= parameter's use.
 */
#ifndef MAILAB_SMTP_AUTH_H
#define MAILAB_SMTP_AUTH_H

#include "session.h"

/*
 * Run "AUTH mech [initial-response]" (arg is what follows the verb):
 * exactly one final reply.  Returns 1 when authenticated (box, of
 * ID_BOX_MAX + 1 bytes, gets the user's mailbox name), 0 when refused,
 * or -1 when the connection was lost (session_lost() called).
 */
int smtp_auth_run(struct session *s, const char *users_file, char *arg,
              char *box);

#endif
