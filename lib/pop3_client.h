/*
 * pop3_client: the client side of POP3 (RFC 1939) with CAPA (RFC 2449)
 * and the RESP-CODES [IN-USE] (RFC 2449 8.1, RFC 3206), one function
 * per command.  Each reads and checks the server's answer with hard
 * limits, so a broken or hostile server can only make a call fail:
 * never grow memory or crash.
 *
 * Message bodies (RETR, TOP) are streamed to a callback a piece at a
 * time, byte-stuffing undone (RFC 1939 3), and counted against the size
 * LIST gave.  RETR can be pipelined (RFC 2449 6.6): send several, then
 * read their answers in order.  STLS (RFC 2595 4) and implicit TLS
 * (RFC 8314) through lib/conn.  Leaves out: AUTH (SASL).
 */
#ifndef MAILAB_POP3_CLIENT_H
#define MAILAB_POP3_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

#define POP3_CMD_MAX 255        /* RFC 2449 4: a command, CRLF included */
#define POP3_REPLY_MAX 512      /* RFC 2449 4: a reply line, CRLF included */
#define POP3_UIDL_MAX 70        /* RFC 1939 7: unique-id is 1 to 70 octets */
#define POP3_MSGS_MAX 100000UL /* messages in a drop we keep track of */
#define POP3_SIZE_MAX 4294967295UL /* a LIST size over this is not a size */
#define POP3_OVERRUN_MAX 1048576UL /* RETR may exceed LIST by this, no more */
#define POP3_PIECE 8192         /* body bytes handed on at a time */
#define POP3_ERR_LEN (POP3_REPLY_MAX + 128)

enum pop3_status {
	POP3_OK = 0,
	POP3_ERR = -1,   /* the server said -ERR: its text is in p->reply */
	POP3_PROTO = -2, /* the server broke the protocol: p->err says how */
	POP3_NET = -3,   /* connection lost or timed out: p->err says how */
	POP3_TLS = -4    /* STLS not offered, or TLS failed: p->err */
};

/* How a body piece ends: inside a line, or at its LF or CRLF. */
enum pop3_eol { POP3_MORE, POP3_LF, POP3_CRLF };

/* Receives the message a piece at a time; returns 0, or -1 to stop. */
typedef int (*pop3_sink)(void *ctx, const char *p, size_t n,
                         enum pop3_eol eol);

struct pop3 {
	struct conn conn;
	char reply[POP3_REPLY_MAX + 1];     /* the last status line */
	char timestamp[POP3_REPLY_MAX + 1]; /* the greeting's <...@...> */
	char err[POP3_ERR_LEN];
	bool capa_top, capa_uidl, capa_user, capa_resp_codes, capa_pipelining;
	bool capa_stls;
	bool in_use;                        /* the last -ERR said [IN-USE] */
	unsigned long long received;        /* octets of the last body */
	char piece[POP3_PIECE + 1];
};

/* Start a session on a connected socket: read the greeting (+OK). */
int pop3_open(struct pop3 *p, int fd, int timeout_s, bool trace);

struct tls_ctx;

/* Implicit TLS (RFC 8314): the handshake, then the greeting; a NULL
 * ctx is pop3_open(). */
int pop3_open_tls(struct pop3 *p, int fd, int timeout_s, bool trace,
                  struct tls_ctx *ctx);

/* STLS and the handshake (RFC 2595 4): POP3_TLS, nothing sent, when
 * CAPA did not offer it.  CAPA's answers are forgotten: ask again. */
int pop3_stls(struct pop3 *p, struct tls_ctx *ctx);

/* TLS's close_notify, if any; the caller closes the fd. */
void pop3_close(struct pop3 *p);

/* CAPA (RFC 2449 5): sets capa_*.  POP3_ERR when the server has none. */
int pop3_capa(struct pop3 *p);

/* USER name, PASS password (RFC 1939 7). */
int pop3_login(struct pop3 *p, const char *user, const char *pass);

/* True when the greeting had an APOP timestamp "<...@...>". */
bool pop3_has_timestamp(const struct pop3 *p);

/* APOP name digest (RFC 1939 7): MD5 of timestamp and password. */
int pop3_apop(struct pop3 *p, const char *user, const char *pass);

/* STAT (RFC 1939 5): the count of messages and their octets. */
int pop3_stat(struct pop3 *p, unsigned long *count,
              unsigned long long *octets);

/* LIST (RFC 1939 5): sizes[1..count] set; numbers out of range fail. */
int pop3_list(struct pop3 *p, unsigned long count, unsigned long *sizes);

/* UIDL (RFC 1939 7): ids[1..count], each POP3_UIDL_MAX + 1 bytes. */
int pop3_uidl(struct pop3 *p, unsigned long count,
              char (*ids)[POP3_UIDL_MAX + 1]);

/*
 * RETR n (lines < 0) or TOP n lines (RFC 1939 5 and 7): the message goes
 * to sink un-stuffed.  It fails (POP3_PROTO) when the body exceeds max
 * octets or the connection ends before the final ".".  p->received
 * says how many octets came (line endings included, stuffing not).
 */
int pop3_retr(struct pop3 *p, unsigned long n, long lines,
              unsigned long long max, pop3_sink sink, void *ctx);

/* The two halves of pop3_retr(), for pipelining (RFC 2449 6.6): queue
 * the command (sent when the next answer is awaited), and read one
 * answer and its body. */
int pop3_send_retr(struct pop3 *p, unsigned long n, long lines);
int pop3_read_body(struct pop3 *p, unsigned long long max, pop3_sink sink,
                   void *ctx);

/* DELE n (RFC 1939 5): marked, deleted at QUIT. */
int pop3_dele(struct pop3 *p, unsigned long n);

/* QUIT (RFC 1939 6): the server commits DELEs and says +OK. */
int pop3_quit(struct pop3 *p);

#endif
