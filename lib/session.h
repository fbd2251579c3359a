/*
 * session: the plumbing both servers share — one reply path that counts
 * the client's errors, one traced state change, the verb lookup in a
 * command table, the dispatcher that answers unknown and out-of-sequence
 * commands itself, and the loop from the first command to the last.
 * Each server keeps its own states, table and handlers (smtp_server.c,
 * pop_server.c); what differs between them is a struct session_proto.
 *
 * Exactly one reply per command (RFC 5321 4.2, RFC 1939 3): a handler
 * either refuses (one reply, nothing changed) or acts and replies once.
 * session_dispatch() counts the final replies of each command and, in
 * builds without NDEBUG, aborts the session on any count but one.  A
 * multi-line reply is one final line (session_reply) after its other
 * lines (session_send); an intermediate SMTP reply (3yz: 334, 354) is
 * not final.  A command during which the peer vanished needs none.
 *
 * Covers: the ten-errors rule of both servers (SMTP 421, POP3 -ERR);
 * the line limit's reply.  Leaves out: the greeting and the goodbye
 * (each server's own text).
 *
 * IMAP (lib/imap_session.c) fits through four optional hooks in its
 * session_proto: its commands carry literals and a tag, so it reads
 * them itself (read) and takes the tag and a "UID" prefix off before
 * the shared row check (run, then session_command_run); its final
 * reply is "tag OK|NO|BAD text" through lib/imap_out (send_reply), and
 * both NO and BAD count towards the ten (is_error).  Its untagged
 * "* ..." lines and "+ " prompts go out through imap_out and are never
 * a command's final reply.
 */
#ifndef MAILAB_SESSION_H
#define MAILAB_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "fault.h"
#include "util.h"

#define SESSION_ERRORS_MAX 10   /* client errors in a row, then close */
#define SESSION_LINE_MAX 512    /* the larger limit of the two (SMTP) */
#define SESSION_ARGS_MAX 2      /* POP3's TOP msg n / APOP name digest */
#define SESSION_REST (-1)       /* max_args: the rest of the line is one */

struct session;

/* One row of a server's command table; the last row has verb NULL. */
struct session_command {
	const char *verb;
	unsigned states;      /* the states (bits) where it is allowed */
	int min_args, max_args; /* words after the verb, or SESSION_REST */
	const char *text;     /* the server's own text: usage, 503 reason */
	void (*run)(struct session *s, char *arg);
};

/* What differs between the two protocols. */
struct session_proto {
	char error_mark;       /* a client error's first octet: '5' or '-' */
	size_t line_max;       /* command line limit, line ending included */
	unsigned done;         /* the state that ends the session */
	const char *too_long;  /* the reply to an over-long line */
	const char *too_many;  /* the reply after SESSION_ERRORS_MAX errors */
	const struct session_command *commands;
	const char *(*state_name)(unsigned state);
	/* Check the bytes of a line before lookup; false when replied. */
	bool (*line_ok)(struct session *s, size_t len);
	/* Replies for an unknown verb, a wrong state, wrong arguments. */
	void (*unknown)(struct session *s, const char *verb);
	void (*bad_state)(struct session *s, const struct session_command *c);
	void (*bad_args)(struct session *s, const struct session_command *c);
	/* Optional (NULL for SMTP and POP3; IMAP's are above): */
	/* send a final reply's text (else conn_printf) */
	void (*send_reply)(struct session *s, const char *text);
	/* is a final reply a client error (else its first octet is error_mark) */
	bool (*is_error)(const char *text);
	/* read one command (else conn's line reader into line); CONN_TOOLONG
	 * with too_long NULL means the hook has replied itself */
	enum conn_status (*read)(struct session *s, size_t *len);
	/* find and run the command read (else the verb is the first word) */
	void (*run)(struct session *s, size_t len);
};

struct session {
	const struct session_proto *proto;
	void *app;                 /* the server's own session data */
	struct conn conn;
	const char *peer;
	bool verbose;
	unsigned state;            /* one bit of the server's enum state */
	unsigned errors;           /* client errors in a row */
	unsigned replies;          /* final replies to the current command */
	enum conn_status end;      /* why it ended, when the peer did */
	const char *why;           /* why it ended, when we did */
	enum conn_ending ending;   /* how the last command line ended */
	struct fault_set *faults;  /* --fail, or NULL */
	bool hung_up;              /* a fault closed it with no reply */
	int argc;                  /* the words after the verb (dispatch) */
	char *argv[SESSION_ARGS_MAX];
	char line[SESSION_LINE_MAX + 1];
};

/* --fail: every session from now on injects these faults (counted
 * afresh in each session). */
void session_faults(struct fault_set *faults);

/*
 * VERB has come (or "CONNECT", "END"): when --fail says so, answer it
 * with the fault's reply (one final reply), log it, end the session on
 * a hang-up, and return true: the caller must not carry it out.
 * session_dispatch() asks it for every verb in the command table.
 */
bool session_fault(struct session *s, const char *verb);

/* Start a session on rfd/wfd in state first; logs "connected". */
void session_init(struct session *s, const struct session_proto *p,
                  void *app, int rfd, int wfd, const char *peer,
                  int timeout_s, bool verbose, unsigned first);

/* A final reply line: counted, and a client error counts towards the
 * close (any other final reply starts the count again). */
void session_reply(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Any other line: the first lines of a multi-line reply, an
 * intermediate prompt without a code, a listing line. */
void session_send(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* What is wrong with the octets of a command line (len of them), so
 * that no NUL, control byte or stray UTF-8 reaches a header or a log. */
enum session_bytes {
	SESSION_BYTES_OK,
	SESSION_NUL,       /* a NUL inside the line */
	SESSION_CONTROL,   /* a control byte (0x01-0x1F) or DEL */
	SESSION_NON_ASCII  /* an octet over 127 where utf8_ok is false */
};
enum session_bytes session_line_bytes(const char *line, size_t len,
                                      bool utf8_ok);

/* Change state; -v shows it as "   (state NAME)". */
void session_set_state(struct session *s, unsigned next);

/* The connection failed (gone, timeout, stop): the session is over. */
void session_lost(struct session *s, enum conn_status st);

/* The row for verb (vlen octets, any case), or the table's NULL row. */
const struct session_command *session_lookup(const struct session_command *t,
                                             const char *verb, size_t vlen);

/* The shared checks for a looked-up row c (the NULL row: unknown
 * verb): --fail, state, arguments (arg, after the verb; spaced: a
 * space followed the verb), then the handler. */
void session_command_run(struct session *s, const struct session_command *c,
                         const char *verb, char *arg, bool spaced);

/* Run the command in s->line (len octets): exactly one reply. */
void session_dispatch(struct session *s, size_t len);

/* Read and dispatch commands until the state is proto->done. */
void session_run(struct session *s);

/* Log the end: "disconnected (why)" plus the server's note. */
void session_log_end(struct session *s, const char *note);

#endif
