/*
 * conn: buffered I/O with one peer — the only module that read()s or
 * write()s a network peer.  It owns the line reader with its hard
 * limit and its deadline (a command line must be whole within the
 * timeout), sending lines with CRLF, the idle timeout, the -v trace,
 * and the stop on SIGINT/SIGTERM (a self-pipe every wait watches).
 *
 * The trace prints each protocol line on stderr exactly as it crossed
 * the wire minus its line ending, prefixed "C: " (client to server) or
 * "S: " (server to client), so students can hold it beside Wireshark.
 */
#ifndef MAILAB_CONN_H
#define MAILAB_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define CONN_BUF 8192 /* read and write buffers: small per session */

enum conn_role { CONN_SERVER, CONN_CLIENT };

struct teach; /* lib/teach.h: --explain, --step, --delay */

enum conn_status {
	CONN_LINE,    /* a whole line, its LF included */
	CONN_PART,    /* the buffer is full and the line goes on */
	CONN_TOOLONG, /* command over the limit; drained up to its LF */
	CONN_EOF,     /* the peer closed (a line cut short is dropped) */
	CONN_TIMEOUT, /* nothing arrived within the timeout */
	CONN_ERROR,   /* read/write failed; errno is in err */
	CONN_STOP     /* SIGINT/SIGTERM arrived: the program is stopping */
};

enum conn_ending { END_NONE, END_LF, END_CRLF };

struct tls;
struct tls_ctx;

struct conn {
	int rfd, wfd;
	int timeout_ms;          /* idle limit for each read and write */
	long long deadline_ms;   /* a command line must be whole by then;
	                          * 0 none (monotonic clock) */
	bool trace;              /* -v: print every line on stderr */
	const char *in_tag;      /* "C: " on a server, "S: " on a client */
	const char *out_tag;
	bool saw_cr;             /* the peer has sent a CR at some point */
	bool write_failed;       /* a write failed or timed out: no more */
	struct teach *teach;     /* teaching modes, or NULL */
	int err;                 /* errno of the last CONN_ERROR */
	struct tls *tls;         /* after conn_start_tls(): all I/O goes here */
	size_t rpos, rlen, wlen;
	unsigned char rbuf[CONN_BUF];
	unsigned char wbuf[CONN_BUF];
};

void conn_init(struct conn *c, int rfd, int wfd, int timeout_s, bool trace,
               enum conn_role role);

/*
 * The line reader.  Copies bytes up to and including the next LF into
 * buf, at most cap bytes.  Returns CONN_LINE with *len bytes (the last
 * one LF), or CONN_PART when buf filled first: call again for the rest.
 * Pending output is flushed before it waits for input (RFC 2920: a
 * pipelined batch gets its replies in one go).
 */
enum conn_status conn_read_line(struct conn *c, char *buf, size_t cap,
                                size_t *len);

/*
 * A command or reply line of at most max octets, its line ending
 * included (RFC 5321 4.5.3.1.4 and RFC 2449 count the CRLF): buf, of
 * max + 1 bytes, gets it without the ending, NUL-terminated, and
 * *ending says how it ended.  The whole line must arrive within the
 * timeout (CONN_TIMEOUT otherwise), however slowly it trickles in.
 * An overlong line is drained to its LF and returns CONN_TOOLONG, so
 * the session can answer "line too long" and carry on.
 */
enum conn_status conn_read_command(struct conn *c, char *buf, size_t max,
                                   size_t *len, enum conn_ending *ending);

/* Send one line plus CRLF (traced).  0 or -1. */
int conn_send_line(struct conn *c, const char *line, size_t len);
int conn_printf(struct conn *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Raw bytes, not traced (message bodies trace themselves line by line). */
int conn_write(struct conn *c, const void *p, size_t n);
int conn_flush(struct conn *c);

/* Print one line of the trace: tag then text minus its line ending. */
void conn_trace(const struct conn *c, const char *tag, const char *p,
                size_t n);

/*
 * Stopping on a signal.  conn_stop_init() makes this process's
 * self-pipe (call it once per process, before the handlers that call
 * conn_request_stop() are installed; 0 or -1).  conn_request_stop() is
 * async-signal-safe: blocked reads return CONN_STOP.  conn_stop_fd() is
 * the pipe's read end, readable once a stop was requested (-1 without
 * one): add it to any other poll() so that no sleep misses the signal.
 */
int conn_stop_init(void);

/*
 * The teaching modes: every connection set up after this call (in this
 * process) explains each traced line and paces each line it sends.
 */
void conn_teach_all(struct teach *t);

/*
 * TLS (lib/tls; a build without it fails here with TLS_UNAVAILABLE).
 * conn_start_tls flushes what is pending, DISCARDS whatever the peer
 * sent in clear text and is still unread (CVE-2011-0411: a command
 * pipelined after STARTTLS/STLS must never run inside TLS), runs the
 * handshake and traces "-- TLS: ..." under -v.  Returns how many bytes
 * it discarded, or -1 with err saying why; after a failed handshake the
 * connection is of no more use: end the session.  server picks the
 * side; a client's ctx carries the host name to verify.
 */
int conn_start_tls(struct conn *c, struct tls_ctx *ctx, bool server,
                   char *err, size_t cap);
/* close_notify, then back to nothing: the caller closes the fds. */
void conn_end_tls(struct conn *c);
bool conn_tls_active(const struct conn *c);
/* Bytes wait inside TLS that a poll() on the fd cannot see. */
bool conn_tls_pending(const struct conn *c);

void conn_request_stop(void);
bool conn_stop_requested(void);
int conn_stop_fd(void);

/* "timed out", "closed by peer"... for log lines and error messages. */
const char *conn_status_text(const struct conn *c, enum conn_status st);

#endif
