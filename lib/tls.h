/*
 * tls: the one module that calls OpenSSL (1.1.1 or newer).  It makes
 * a server context from a certificate and key, a client context that
 * verifies the peer against the system's store (plus --cafile, or not
 * at all with --insecure), runs the handshake on a socket that is
 * already connected (STARTTLS, STLS, or implicit TLS on RFC 8314
 * ports), and then reads and writes for lib/conn, which keeps tracing
 * the decrypted lines.  With SSLKEYLOGFILE set, every session's secrets
 * are appended to that file in the NSS key log format, so Wireshark and
 * tshark can decrypt a capture of the lab.
 *
 * Built without TLS (plain `make`), the same functions exist but fail
 * with TLS_UNAVAILABLE, so the programs refuse TLS options with
 * EX_USAGE and no protocol file needs an #ifdef.
 *
 * Contract: the caller's error buffer comes first (err, cap); a
 * function that fails returns NULL or -1 with one readable line there.
 * Left out: client certificates, session resumption (each server
 * session is its own process), renegotiation, DANE, OCSP.
 */
#ifndef MAILAB_TLS_H
#define MAILAB_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TLS_UNAVAILABLE "this build has no TLS: rebuild with make TLS=1"
#define TLS_ERR_LEN 256

struct tls_ctx; /* the settings of one program: server or client side */
struct tls;     /* one TLS session on one connection */

/* Options of a client context (mail_send, pop_client, the relay). */
struct tls_client_opts {
	const char *host;   /* name (or address) the certificate must carry */
	const char *cafile; /* --cafile: trusted besides the system's store */
	bool insecure;      /* --insecure: no verification at all */
};

/* false in a build without TLS: every TLS option is then EX_USAGE. */
bool tls_available(void);

/* --tls-cert and --tls-key (PEM; the cert file may hold its chain). */
struct tls_ctx *tls_server_ctx(char *err, size_t cap, const char *cert,
                               const char *key);
struct tls_ctx *tls_client_ctx(char *err, size_t cap,
                               const struct tls_client_opts *o);
void tls_ctx_free(struct tls_ctx *ctx);

/*
 * Start TLS on a connected socket (rfd and wfd differ only for a
 * --stdio session).  The fds are made non-blocking until tls_free().
 * The handshake is run by tls_handshake(), which may be called again
 * after it fails with errno EINTR (a signal arrived, e.g. to stop).
 */
struct tls *tls_new(char *err, size_t cap, struct tls_ctx *ctx, int rfd,
                    int wfd, bool server);
int tls_handshake(struct tls *t, int timeout_ms);

/*
 * Like read(2) and write(2), each waiting at most timeout_ms (-1: no
 * limit) for the rest of a record: tls_read returns the bytes read, 0
 * at the end (close_notify, or the peer just closed), -1 with errno
 * EINTR (a signal: call again), ETIMEDOUT, or EPROTO (tls_error() says
 * why).  tls_write writes all n bytes or returns -1.
 * timeout_ms 0 never waits: -1 with errno EAGAIN means "poll() for
 * tls_wants(t) (POLLIN or POLLOUT; a read may need to write), then call
 * again with the same arguments"; tls_handshake() works the same way.
 */
ssize_t tls_read(struct tls *t, void *buf, size_t n, int timeout_ms);
ssize_t tls_write(struct tls *t, const void *buf, size_t n, int timeout_ms);
short tls_wants(const struct tls *t);

/* Decrypted or received bytes wait inside the library: a poll() on the
 * socket would not see them, so read before waiting. */
bool tls_pending(const struct tls *t);

/* The last failure of t, one line ("" if none). */
const char *tls_error(const struct tls *t);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate CN=localhost" (the
 * peer's certificate on a client, its own on a server). */
void tls_describe(const struct tls *t, char *buf, size_t cap);

/* tls_shutdown sends close_notify (not after a fatal error; it does not
 * wait for the peer's).  tls_free frees t and gives the fds their
 * blocking mode back; tls_free(NULL) does nothing. */
void tls_shutdown(struct tls *t);
void tls_free(struct tls *t);

#endif
