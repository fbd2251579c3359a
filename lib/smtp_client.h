/*
 * smtp_client: the sending side of SMTP (RFC 5321), shared by mail_send
 * and smtp_server's relay.  One connection object, opened once, can
 * carry several messages (MAIL..DATA, MAIL..DATA, ...) before QUIT.
 *
 * Covers: the greeting, EHLO with a fall-back to HELO (RFC 5321 4.1.1.1),
 * multi-line replies read with hard limits (4.2.1), SIZE (RFC 1870),
 * 8BITMIME (RFC 6152), PIPELINING (RFC 2920), SMTPUTF8 (RFC 6531),
 * AUTH PLAIN (RFC 4616) and LOGIN over RFC 4954, dot-stuffing and CRLF
 * line endings while the body streams (4.5.2), RSET and QUIT.
 * STARTTLS (RFC 3207) and implicit TLS (RFC 8314) through lib/conn.
 * Leaves out: CHUNKING/BDAT, DSN parameters.
 *
 * A session, as the caller writes it:
 *
 *     struct smtp_client c;
 *     smtp_open(&c, "localhost", 1025, 60, verbose);    S: 220 ...
 *     smtp_hello(&c, "client.example");                  C: EHLO ...
 *     smtp_auth(&c, "gizem", "1234");        (optional)  C: AUTH PLAIN ...
 *     smtp_send(&c, &env, &body, &res);      (repeat)    C: MAIL, RCPT, DATA
 *     smtp_quit(&c);                                     C: QUIT
 *
 * Return values: every function returns SMTP_OK (0) or a negative
 * enum smtp_status; then smtp_error(&c) is one line saying what failed
 * and why (the server's reply included), for an error message or a log.
 * After SMTP_ERR_TIMEOUT, SMTP_ERR_IO, SMTP_ERR_PROTOCOL or
 * SMTP_ERR_SOURCE, or a 421 reply, the connection is unusable
 * (c.broken is true): call smtp_close.  After any other refusal of one
 * message (SMTP_ERR_TEMP/PERM/SIZE/UTF8) the session is clean again (an
 * RSET was sent when a transaction had begun): the next smtp_send may
 * follow on the same connection.
 *
 * Memory: the object is fixed-size (two conn buffers and one reply);
 * nothing grows with the message, the reply or the server's output.
 * The caller owns every buffer it passes in (addresses, the body
 * source, the result's recipient array); the client keeps no pointer
 * to them after a call returns.
 */
#ifndef MAILAB_SMTP_CLIENT_H
#define MAILAB_SMTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conn.h"

#define SMTP_REPLY_LINE_MAX 1000 /* RFC 5321 4.5.3.1.5 says 512; leeway */
#define SMTP_REPLY_LINES_MAX 100 /* lines in one reply: a hostile EHLO */
#define SMTP_REPLY_TEXT_MAX 512  /* reply text kept for messages */
#define SMTP_AUTH_FIELD_MAX 255  /* RFC 4616 2: authcid, passwd <= 255 */
#define SMTP_DEFAULT_PORT 1025
#define SMTP_DEFAULT_TIMEOUT 60  /* seconds per reply (4.5.3.2 has more) */

enum smtp_status {
	SMTP_OK = 0,
	SMTP_ERR_REFUSED = -1,  /* nobody listens at host:port */
	SMTP_ERR_NOHOST = -2,   /* the host name does not resolve */
	SMTP_ERR_TIMEOUT = -3,  /* no reply within the timeout */
	SMTP_ERR_IO = -4,       /* the connection broke or was closed */
	SMTP_ERR_PROTOCOL = -5, /* a reply that is not SMTP (too long, ...) */
	SMTP_ERR_TEMP = -6,     /* a 4xx reply: try again later */
	SMTP_ERR_PERM = -7,     /* a 5xx reply: do not retry */
	SMTP_ERR_AUTH = -8,     /* AUTH refused (535) or not offered */
	SMTP_ERR_SIZE = -9,     /* over the SIZE the server announced */
	SMTP_ERR_UTF8 = -10,    /* a UTF-8 address, and no SMTPUTF8 offered */
	SMTP_ERR_SOURCE = -11,  /* the body source failed (read error) */
	SMTP_ERR_TLS = -12      /* no STARTTLS offered, or TLS failed */
};

/* Extensions the server offered in its EHLO reply (RFC 5321 4.1.1.1). */
enum smtp_ext {
	SMTP_EXT_SIZE = 1 << 0,
	SMTP_EXT_8BITMIME = 1 << 1,
	SMTP_EXT_PIPELINING = 1 << 2,
	SMTP_EXT_SMTPUTF8 = 1 << 3,
	SMTP_EXT_AUTH_PLAIN = 1 << 4,
	SMTP_EXT_AUTH_LOGIN = 1 << 5,
	SMTP_EXT_ENHANCED = 1 << 6,
	SMTP_EXT_STARTTLS = 1 << 7,   /* RFC 3207: smtp_starttls() */
	SMTP_EXT_AUTH = 1 << 8        /* AUTH offered, any mechanism */
};

/* One reply: its code (0 when none came) and its text after the code,
 * the lines of a multi-line reply joined by spaces, cut to fit. */
struct smtp_reply {
	int code;
	char text[SMTP_REPLY_TEXT_MAX];
};

/*
 * Where the message comes from: read() fills buf with up to cap bytes
 * and returns how many, 0 at the end, -1 on error.  Lines may end in
 * LF or CRLF; the client sends CRLF and dot-stuffs (RFC 5321 4.5.2).
 * The message is the caller's RFC 5322 text, headers first.
 */
struct smtp_source {
	ssize_t (*read)(void *ctx, char *buf, size_t cap);
	void *ctx;
};

/* The envelope of one message (RFC 5321 3.3).  from "" is <>. */
struct smtp_envelope {
	const char *from;
	const char *const *rcpt;
	size_t nrcpt;
	unsigned long long size; /* octets with CRLF, for SIZE=; 0 unknown */
	bool body_8bit;          /* ask for BODY=8BITMIME when offered */
};

/* What the server said to each step; rcpt[] is the caller's, nrcpt long. */
struct smtp_result {
	struct smtp_reply mail;
	struct smtp_reply *rcpt;  /* one per envelope recipient, same order */
	size_t accepted;          /* recipients that got 2xx */
	struct smtp_reply data;   /* the final reply after the body (or DATA's
	                             refusal); code 0 when DATA was not sent */
};

struct smtp_client {
	struct conn conn;
	unsigned ext;               /* enum smtp_ext bits */
	unsigned long max_size;     /* SIZE n; 0 when none announced */
	bool esmtp;                 /* EHLO was accepted */
	bool broken;                /* unusable: only smtp_close is left */
	struct smtp_reply reply;    /* the last reply read */
	char err[SMTP_REPLY_TEXT_MAX + 160];
};

/* Connect to host:port and read the greeting (RFC 5321 3.1).  timeout_s
 * bounds the connect and every reply; trace prints C:/S: on stderr. */
int smtp_open(struct smtp_client *c, const char *host, unsigned port,
              int timeout_s, bool trace);

/* The same over descriptors the caller opened (pipes in tests, a
 * child's stdin/stdout); the client owns and closes them from then on. */
int smtp_open_fds(struct smtp_client *c, int rfd, int wfd, int timeout_s,
                  bool trace);

struct tls_ctx;

/* Implicit TLS (RFC 8314): the handshake before the greeting; a NULL
 * ctx is smtp_open(). */
int smtp_open_tls(struct smtp_client *c, const char *host, unsigned port,
                  int timeout_s, bool trace, struct tls_ctx *ctx);

/* C: STARTTLS, S: 220, the handshake (RFC 3207); fails (SMTP_ERR_TLS)
 * and sends nothing when EHLO did not offer it.  Then smtp_hello()
 * again: what the server offered before no longer counts. */
int smtp_starttls(struct smtp_client *c, struct tls_ctx *ctx);

/* EHLO name; on a 5xx, HELO name (RFC 5321 4.1.1.1, 3.2).  Fills ext. */
int smtp_hello(struct smtp_client *c, const char *name);

/* AUTH PLAIN, or LOGIN when PLAIN is not offered (RFC 4954).  The trace
 * shows each base64 line with its decoded text: base64 is not secrecy. */
int smtp_auth(struct smtp_client *c, const char *user, const char *pass);

/*
 * One transaction: MAIL, RCPT for each recipient, DATA, the body from
 * src, "." (pipelined when the server offers it, RFC 2920).  SMTP_OK
 * when the server took the message for res->accepted recipients (1 to
 * nrcpt: compare to nrcpt for a partial refusal).  When every recipient
 * was refused, SMTP_ERR_TEMP if any refusal was 4xx, else SMTP_ERR_PERM.
 */
int smtp_send(struct smtp_client *c, const struct smtp_envelope *env,
              const struct smtp_source *src, struct smtp_result *res);

/* RSET (RFC 5321 4.1.1.5): abandon a transaction, keep the session. */
int smtp_rset(struct smtp_client *c);

/* QUIT (RFC 5321 4.1.1.10), then close.  Always closes. */
int smtp_quit(struct smtp_client *c);

/* Close without QUIT (after an error). */
void smtp_close(struct smtp_client *c);

/* The last error as one line, e.g. "RCPT TO:<x@y> refused: 550 ...". */
const char *smtp_error(const struct smtp_client *c);

#endif
