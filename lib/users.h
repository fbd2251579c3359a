/*
 * users: the lab's credentials file, one "name:password" a line, "#"
 * starts a comment.  Clear-text on purpose: the lab shows that USER,
 * PASS and AUTH cross the wire readable.
 */
#ifndef MAILAB_USERS_H
#define MAILAB_USERS_H

#include <stddef.h>

#define USERS_LINE_MAX 512 /* longer lines are ignored as malformed */

/*
 * Names are mailbox names in canonical form (lib/identity.h): a line
 * whose name is not is no entry (users_readable() warns about it).
 * Callers map a login name with id_login_box() first.
 *
 * Look name up (exact, case-sensitive).  Returns 1 and copies the
 * password into pass (cap bytes) when found, 0 when not, -1 when the
 * file cannot be read (errno set).
 */
int users_lookup(const char *path, const char *name, char *pass, size_t cap);

/* 1 when name exists and password matches, 0 when not, -1 on error. */
int users_check(const char *path, const char *name, const char *password);

/* Check that the file can be read at start-up, and warn once on stderr
 * about each line whose name is not canonical, naming the file and the
 * line: 0, or -1 with errno. */
int users_readable(const char *path);

#endif
