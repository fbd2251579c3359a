/*
 * imap_session: IMAP's fit to lib/session, the session plumbing that
 * smtp_server and pop_server share.  lib/session runs the loop, checks
 * each command's row (unknown verb, wrong state, missing arguments),
 * injects --fail faults, counts one final reply per command and ends
 * the session after ten errors in a row.  What IMAP does differently
 * lives here, as the four hooks of its session_proto:
 *
 *   read        a command is a line plus its literals ({n} and {n+}:
 *               lib/imap_parse), with a BAD for one over the limits;
 *   run         "tag SP [UID SP] verb SP args": the tag is kept for the
 *               reply, UID only before a row marked IMAP_UID_OK
 *               (RFC 3501 6.4.8), then session_command_run();
 *   send_reply  the final reply "tag OK|NO|BAD text" goes out through
 *               lib/imap_out like every other line (a --fail BYE goes
 *               out untagged: RFC 3501 7.1.5);
 *   is_error    NO and BAD both count towards the ten.
 *
 * Untagged "* ..." lines (imap_untagged) and "+ " prompts are data,
 * never a command's final reply.  One line does not go through
 * imap_out: the "* BYE" after ten errors, which lib/session sends with
 * conn's line sender (the same connection, trace and pacing).
 */
#ifndef MAILAB_IMAP_SESSION_H
#define MAILAB_IMAP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "identity.h"
#include "imap_fetch.h"
#include "imap_mbox.h"
#include "imap_out.h"
#include "imap_parse.h"
#include "imap_select.h"
#include "session.h"

#define IMAP_TAG_MAX 64               /* a tag echoed back */
#define IMAP_LITERAL_MAX (10UL << 20) /* the lab's message size limit */
/* Not a state: a command row's mark that "UID " may come before it. */
#define IMAP_UID_OK (1u << 15)

struct imap_config; /* the server's options (lib/imap_config.h) */

/* One IMAP session: the shared plumbing, and what IMAP remembers. */
struct imap {
	const struct imap_config *cfg;
	struct session s;
	struct imap_out out;
	char tag[IMAP_TAG_MAX + 1];
	bool uid;               /* the command came as UID FETCH/... */
	char user[ID_BOX_MAX + 1];
	struct imbox box;       /* in the selected state */
	struct imap_cmd cmd;
	struct imap_p ip;       /* the arguments, after the verb */
};

/* The tagged reply that ends a command: status "OK", "NO" or "BAD". */
void imap_reply(struct imap *im, const char *status, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* An untagged "* ..." line. */
void imap_untagged(struct imap *im, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The arguments must end here; else BAD "syntax: usage".  true when
 * they did. */
bool imap_args_end(struct imap *im, const char *usage);

/* The hooks (see above). */
void imap_send_reply(struct session *s, const char *text);
bool imap_is_error(const char *text);
enum conn_status imap_read(struct session *s, size_t *len);
void imap_run(struct session *s, size_t len);

#endif
