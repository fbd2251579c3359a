/*
 * fault: --fail VERB[@N]=REPLY, fault injection for the error lab
 * (SPEC "Teaching modes", servers only).  The Nth VERB of each session
 * (every one without @N) is answered with REPLY instead of being
 * carried out.  REPLY is
 *   - a whole reply line: SMTP "451 4.3.0 Try again later" (one line,
 *     no "ddd-"), POP3 "-ERR [SYS/TEMP] busy" or "+OK ...";
 *   - a bare code, completed with its usual text: SMTP "450", "554"...,
 *     POP3 "-ERR";
 *   - "close": the connection is closed with no reply, as if the
 *     server had crashed.
 * Besides the protocol verbs, SMTP knows CONNECT (the greeting) and
 * END (the reply after the message's final dot: a failed END stores
 * nothing); POP3 knows CONNECT.  A 421 reply also closes the session.
 * IMAP (RFC 3501 7.1): REPLY is "OK text", "NO text", "BAD text" or
 * "BYE text" (the server's tag is put before the first three; BYE is
 * untagged and closes the session), or a bare NO, BAD or BYE with the
 * usual text; IMAP knows CONNECT too (the greeting: "CONNECT=BYE"
 * refuses the connection, RFC 3501 7.1.5).
 *
 * In a server:
 *     static struct fault_set faults;           (zeroed: no faults)
 *     --fail SPEC:  if (fault_add(&faults, FAULT_SMTP, optarg, verbs,
 *                                 err, sizeof err) < 0)
 *                           die(EX_USAGE, "%s", err);
 *     at the start of each session:  fault_session(&faults);
 *     before carrying out VERB (and "CONNECT" before the greeting,
 *     "END" after the final dot):
 *         const struct fault *f = fault_check(&faults, "RCPT");
 *         if (f) { log it; if (f->reply[0]) reply(f->reply);
 *                  if (f->hangup) end the session; else go on reading; }
 */
#ifndef MAILAB_FAULT_H
#define MAILAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#define FAULT_MAX 32          /* --fail options per server */
#define FAULT_VERB_MAX 16     /* longest verb: STARTTLS, AUTHENTICATE */
#define FAULT_NTH_MAX 1000000 /* @N: a session never gets that far */
/* A reply line with its CRLF: RFC 5321 4.5.3.1.5 (512), RFC 2449 4 (512). */
#define FAULT_REPLY_MAX 510
#define FAULT_ERR_LEN 320 /* room for IMAP's 22 verbs in "unknown verb" */

enum fault_proto { FAULT_SMTP, FAULT_POP3, FAULT_IMAP };

struct fault {
	char verb[FAULT_VERB_MAX]; /* upper case */
	unsigned long nth;         /* 1..: that occurrence; 0: every one */
	char reply[FAULT_REPLY_MAX + 1]; /* the line to send; "" for close */
	bool hangup;               /* close the connection after (or instead of) the reply */
};

struct fault_set {
	size_t n;
	struct fault f[FAULT_MAX];
	/* per session: how often each fault's verb has come so far */
	unsigned long seen[FAULT_MAX];
};

/*
 * Parse and add one --fail spec.  verbs: the server's command verbs
 * (NULL-terminated); CONNECT (and END for SMTP) are added here.
 * Returns 0, or -1 with err naming what is wrong (the caller exits
 * with EX_USAGE).
 */
int fault_add(struct fault_set *s, enum fault_proto proto, const char *spec,
              const char *const *verbs, char *err, size_t cap);

/* A new session: every count starts again from zero. */
void fault_session(struct fault_set *s);

/*
 * VERB has come (any case): the fault to inject for it, or NULL to
 * carry it out.  Counts the occurrence whether or not a fault fires.
 */
const struct fault *fault_check(struct fault_set *s, const char *verb);

/* The usual reply for a bare code, or NULL: "450" -> "450 4.2.0 Mailbox busy". */
const char *fault_usual(enum fault_proto proto, const char *verb, const char *code);

#endif
