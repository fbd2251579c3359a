/* tls: OpenSSL behind a small API (make TLS=1; tls_none.c otherwise).
 * See tls.h. */
#include "tls.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#if OPENSSL_VERSION_NUMBER < 0x10101000L
#error "mailab's TLS needs OpenSSL 1.1.1 or newer (the key log callback)"
#endif

/* TLS 1.0 and 1.1 are retired (RFC 8996); RFC 8314 4.1 asks for 1.2+. */
#define TLS_MIN_VERSION TLS1_2_VERSION
#define TLS_HOST_MAX 255      /* a DNS name (RFC 1035 2.3.4) */
#define TLS_KEYLOG_LINE 1024  /* NSS key log lines are about 200 bytes */
#define TLS_CLOSE_WAIT_MS 1000 /* close_notify is one small record */

struct tls_ctx {
	SSL_CTX *ssl;
	bool server, insecure;
	int keylog_fd;             /* SSLKEYLOGFILE, or -1 */
	char host[TLS_HOST_MAX + 1]; /* client: the name to verify */
};

struct tls {
	SSL *ssl;
	const struct tls_ctx *ctx;
	bool server;
	bool broken;            /* a fatal error: no close_notify may follow */
	short want;             /* POLLIN or POLLOUT: what the last call awaited */
	int rfd, wfd;
	int rflags, wflags;     /* the fds' flags before TLS, given back */
	char err[TLS_ERR_LEN];
};

bool tls_available(void)
{
	return true;
}

/* "what: reason" with OpenSSL's first reason (the cause; later ones
 * only say which layer passed it up), then a clean queue. */
static void ssl_fail(char *err, size_t cap, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static void ssl_fail(char *err, size_t cap, const char *fmt, ...)
{
	unsigned long e = ERR_peek_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	n = strlen(err);
	snprintf(err + n, cap - n, ": %s", reason ? reason : "unknown TLS error");
	ERR_clear_error();
}

/* An unreadable file gets strerror's words, not OpenSSL's "system lib". */
static bool readable(char *err, size_t cap, const char *opt, const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;

	if (f == NULL) {
		snprintf(err, cap, "%s %s: %s", opt, path ? path : "(none)",
		         path ? strerror(errno) : "missing");
		return false;
	}
	fclose(f);
	return true;
}

/* OpenSSL's keylog callback: one NSS key log line per secret, appended
 * in one write() so that forked sessions never interleave lines. */
static void keylog_line(const SSL *ssl, const char *line)
{
	const struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	char buf[TLS_KEYLOG_LINE];
	size_t n = strlen(line);

	if (ctx == NULL || ctx->keylog_fd < 0 || n + 1 > sizeof buf)
		return;
	memcpy(buf, line, n);
	buf[n] = '\n';
	ssize_t w = write(ctx->keylog_fd, buf, n + 1);
	(void)w; /* a full disk must not end the session */
}

/* SSLKEYLOGFILE, as browsers and curl read it: secrets, so mode 0600. */
static bool open_keylog(char *err, size_t cap, struct tls_ctx *ctx)
{
	const char *path = getenv("SSLKEYLOGFILE");

	ctx->keylog_fd = -1;
	if (path == NULL || *path == '\0')
		return true;
	ctx->keylog_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	                      0600);
	if (ctx->keylog_fd < 0) {
		snprintf(err, cap, "SSLKEYLOGFILE=%s: cannot open: %s", path,
		         strerror(errno));
		return false;
	}
	SSL_CTX_set_keylog_callback(ctx->ssl, keylog_line);
	return true;
}

static struct tls_ctx *ctx_new(char *err, size_t cap, bool server)
{
	struct tls_ctx *ctx = calloc(1, sizeof *ctx);

	if (ctx == NULL) {
		snprintf(err, cap, "TLS: out of memory");
		return NULL;
	}
	ctx->keylog_fd = -1;
	ctx->server = server;
	ctx->ssl = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx->ssl == NULL) {
		ssl_fail(err, cap, "cannot set up TLS");
		free(ctx);
		return NULL;
	}
	SSL_CTX_set_app_data(ctx->ssl, ctx);
	/* A write retried after EAGAIN may come from another address. */
	SSL_CTX_set_mode(ctx->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_min_proto_version(ctx->ssl, TLS_MIN_VERSION);
	if (!open_keylog(err, cap, ctx)) {
		tls_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->keylog_fd >= 0)
		close(ctx->keylog_fd);
	SSL_CTX_free(ctx->ssl);
	free(ctx);
}

/* A key with a passphrase would make OpenSSL prompt on the terminal of
 * a server running in the background: refuse it instead. */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf, (void)size, (void)rwflag;
	if (asked != NULL)
		*(bool *)asked = true;
	return -1;
}

/* Why the key would not load, for the three usual mistakes. */
static void key_error(char *err, size_t cap, const char *key,
                      const char *cert, bool asked)
{
	unsigned long e = ERR_peek_error();

	if (asked) {
		snprintf(err, cap, _("--tls-key %s is protected by a "
		         "passphrase: make one without (scripts/mkcert.sh)"), key);
		ERR_clear_error();
	} else if (ERR_GET_LIB(e) == ERR_LIB_X509 &&
	           ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
		snprintf(err, cap, _("--tls-key %s does not belong to the "
		         "certificate in %s"), key, cert);
		ERR_clear_error();
	} else {
		ssl_fail(err, cap, _("--tls-key %s: no PEM private key"), key);
	}
}

struct tls_ctx *tls_server_ctx(char *err, size_t cap, const char *cert,
                               const char *key)
{
	struct tls_ctx *ctx;
	bool asked = false;

	if (!readable(err, cap, "--tls-cert", cert) ||
	    !readable(err, cap, "--tls-key", key))
		return NULL;
	ctx = ctx_new(err, cap, true);
	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_default_passwd_cb(ctx->ssl, no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx->ssl, &asked);
	if (SSL_CTX_use_certificate_chain_file(ctx->ssl, cert) != 1) {
		ssl_fail(err, cap, _("--tls-cert %s: no PEM certificate"), cert);
	} else if (SSL_CTX_use_PrivateKey_file(ctx->ssl, key,
	                                       SSL_FILETYPE_PEM) != 1 ||
	           SSL_CTX_check_private_key(ctx->ssl) != 1) {
		key_error(err, cap, key, cert, asked);
	} else {
		SSL_CTX_set_default_passwd_cb_userdata(ctx->ssl, NULL);
		/* A session is a process of its own: nothing to resume, so
		 * no tickets to clutter the students' capture. */
		SSL_CTX_set_session_cache_mode(ctx->ssl, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_num_tickets(ctx->ssl, 0);
		return ctx;
	}
	tls_ctx_free(ctx);
	return NULL;
}

/* "[::1]" names the address ::1. */
static bool copy_host(char *err, size_t cap, char *dst, const char *host)
{
	size_t n = host ? strlen(host) : 0;

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n > TLS_HOST_MAX) {
		snprintf(err, cap, "TLS: no valid host name to check the "
		         "certificate against");
		return false;
	}
	memcpy(dst, host, n);
	dst[n] = '\0';
	return true;
}

struct tls_ctx *tls_client_ctx(char *err, size_t cap,
                               const struct tls_client_opts *o)
{
	struct tls_ctx *ctx;

	if (o->cafile && !o->insecure && !readable(err, cap, "--cafile", o->cafile))
		return NULL;
	ctx = ctx_new(err, cap, false);
	if (ctx == NULL)
		return NULL;
	ctx->insecure = o->insecure;
	if (!copy_host(err, cap, ctx->host, o->host))
		goto fail;
	if (o->insecure) {
		SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_NONE, NULL);
		return ctx;
	}
	SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_default_verify_paths(ctx->ssl) != 1) {
		ssl_fail(err, cap, "%s",
		         _("cannot load the system's certificate store"));
		goto fail;
	}
	if (o->cafile &&
	    SSL_CTX_load_verify_locations(ctx->ssl, o->cafile, NULL) != 1) {
		ssl_fail(err, cap, _("--cafile %s: no PEM certificate"),
		         o->cafile);
		goto fail;
	}
	return ctx;
fail:
	tls_ctx_free(ctx);
	return NULL;
}

static bool is_address(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

/* The client's checks for one session: the name (or address) the
 * certificate must carry, and SNI, which may only carry a name
 * (RFC 6066 3). */
static bool client_checks(struct tls *t)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
	const char *host = t->ctx->host;

	if (is_address(host)) {
		if (!t->ctx->insecure &&
		    X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1)
			return false;
		return true;
	}
	if (!t->ctx->insecure) {
		X509_VERIFY_PARAM_set_hostflags(
			vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (X509_VERIFY_PARAM_set1_host(vp, host, 0) != 1)
			return false;
	}
	return SSL_set_tlsext_host_name(t->ssl, t->ctx->host) == 1;
}

/* Non-blocking, so that a record cut short can never outlast the
 * timeout: every wait is a poll() with it. */
static int set_nonblock(int fd, int *saved)
{
	*saved = fcntl(fd, F_GETFL);
	if (*saved < 0)
		return -1;
	return fcntl(fd, F_SETFL, *saved | O_NONBLOCK);
}

struct tls *tls_new(char *err, size_t cap, struct tls_ctx *ctx, int rfd,
                    int wfd, bool server)
{
	struct tls *t;

	if (ctx->server != server) {
		snprintf(err, cap, "cannot start TLS: a %s context on the %s "
		         "side", ctx->server ? "server" : "client",
		         server ? "server" : "client");
		return NULL;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL) {
		snprintf(err, cap, "TLS: out of memory");
		return NULL;
	}
	t->ctx = ctx;
	t->server = server;
	t->rfd = rfd;
	t->wfd = wfd;
	t->rflags = t->wflags = -1;
	t->ssl = SSL_new(ctx->ssl);
	if (t->ssl == NULL || SSL_set_rfd(t->ssl, rfd) != 1 ||
	    SSL_set_wfd(t->ssl, wfd) != 1 || (!server && !client_checks(t))) {
		ssl_fail(err, cap, "cannot start TLS");
		tls_free(t);
		return NULL;
	}
	if (set_nonblock(rfd, &t->rflags) < 0 ||
	    (wfd != rfd && set_nonblock(wfd, &t->wflags) < 0)) {
		snprintf(err, cap, "cannot start TLS: %s", strerror(errno));
		tls_free(t);
		return NULL;
	}
	/* Whole records already: Nagle would hold the first line after
	 * the handshake until a delayed ACK (40 ms on Linux). */
	setsockopt(wfd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	if (server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	return t;
}

/* 0 when fd is ready; -1 with errno EINTR or ETIMEDOUT. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc = poll(&p, 1, timeout_ms);

	if (rc > 0)
		return 0;
	if (rc == 0)
		errno = ETIMEDOUT;
	return -1;
}

/* Wait for fd, or (timeout_ms 0) let the caller wait: -1, EAGAIN. */
static int wait_for(struct tls *t, int fd, short events, int timeout_ms)
{
	t->want = events;
	if (timeout_ms == 0) {
		errno = EAGAIN;
		return -1;
	}
	return wait_fd(fd, events, timeout_ms);
}

/* What a failed handshake means, in words that say what to do. */
static void handshake_error(struct tls *t)
{
	long v = SSL_get_verify_result(t->ssl);
	unsigned long e = ERR_peek_last_error();
	const char *hint = "";

	if (!t->server && !t->ctx->insecure && v != X509_V_OK) {
		if (v == X509_V_ERR_HOSTNAME_MISMATCH ||
		    v == X509_V_ERR_IP_ADDRESS_MISMATCH)
			snprintf(t->err, sizeof t->err, _("certificate "
			         "verification failed: %s (the certificate is "
			         "not for %.100s)"),
			         X509_verify_cert_error_string(v), t->ctx->host);
		else
			snprintf(t->err, sizeof t->err, _("certificate "
			         "verification failed: %s (trust its issuer with "
			         "--cafile FILE, or skip the check with "
			         "--insecure)"),
			         X509_verify_cert_error_string(v));
		ERR_clear_error();
		return;
	}
	if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    (ERR_GET_REASON(e) == SSL_R_WRONG_VERSION_NUMBER ||
	     ERR_GET_REASON(e) == SSL_R_PACKET_LENGTH_TOO_LONG ||
	     ERR_GET_REASON(e) == SSL_R_HTTP_REQUEST))
		hint = _(" (does the other side speak TLS on this port?)");
	ssl_fail(t->err, sizeof t->err, "%s", _("TLS handshake failed"));
	size_t n = strlen(t->err);
	snprintf(t->err + n, sizeof t->err - n, "%s", hint);
}

/*
 * After an SSL call that returned rc <= 0: wait for what it needs.
 * 0: call it again; 1: the peer ended the stream; -1: errno is EINTR,
 * ETIMEDOUT or the socket's error; -2: a TLS error that OpenSSL's
 * queue explains (the caller words it).
 */
static int settle(struct tls *t, int rc, int timeout_ms)
{
	int saved = errno;

	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return wait_for(t, t->rfd, POLLIN, timeout_ms);
	case SSL_ERROR_WANT_WRITE:
		return wait_for(t, t->wfd, POLLOUT, timeout_ms);
	case SSL_ERROR_ZERO_RETURN:
		return 1;
	case SSL_ERROR_SYSCALL:
		t->broken = true;
		ERR_clear_error();
		if (saved == 0)
			return 1; /* closed without close_notify: most clients */
		errno = saved;
		return -1;
	}
	t->broken = true;
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
	if (ERR_GET_REASON(ERR_peek_last_error()) ==
	    SSL_R_UNEXPECTED_EOF_WHILE_READING) { /* OpenSSL 3's word for it */
		ERR_clear_error();
		return 1;
	}
#endif
	return -2;
}

/* errno and t->err for a failure settle() reported. */
static int failed(struct tls *t, int s, const char *what)
{
	if (s == -1 && errno == EAGAIN)
		return -1; /* no failure: the caller waits (timeout_ms 0) */
	if (s == -2) {
		ssl_fail(t->err, sizeof t->err, "TLS %s failed", what);
		errno = EPROTO;
	} else {
		snprintf(t->err, sizeof t->err, "TLS %s failed: %s", what,
		         errno == ETIMEDOUT ? "timed out" : strerror(errno));
	}
	return -1;
}

int tls_handshake(struct tls *t, int timeout_ms)
{
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int rc = SSL_do_handshake(t->ssl);
		if (rc == 1)
			return 0;
		int s = settle(t, rc, timeout_ms);
		if (s == 0)
			continue;
		if (s == -2) {
			handshake_error(t);
			errno = EPROTO;
			return -1;
		}
		if (s == 1 || errno == EPIPE || errno == ECONNRESET) {
			/* however the close reached us: the same words */
			snprintf(t->err, sizeof t->err, "%s", _("TLS handshake "
			         "failed: the peer closed the connection"));
			errno = EPROTO;
			return -1;
		}
		return failed(t, s, "handshake");
	}
}

ssize_t tls_read(struct tls *t, void *buf, size_t n, int timeout_ms)
{
	int want = n > INT_MAX ? INT_MAX : (int)n;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		int rc = SSL_read(t->ssl, buf, want);
		if (rc > 0)
			return rc;
		int s = settle(t, rc, timeout_ms);
		if (s == 1)
			return 0;
		if (s < 0)
			return failed(t, s, "read");
	}
}

ssize_t tls_write(struct tls *t, const void *buf, size_t n, int timeout_ms)
{
	const char *p = buf;
	size_t done = 0;

	while (done < n) {
		size_t left = n - done;
		int want = left > INT_MAX ? INT_MAX : (int)left;
		ERR_clear_error();
		errno = 0;
		int rc = SSL_write(t->ssl, p + done, want);
		if (rc > 0) {
			done += (size_t)rc;
			continue;
		}
		int s = settle(t, rc, timeout_ms);
		if (s == 1)
			errno = EPIPE; /* the peer is gone: nothing to write to */
		if (s != 0)
			return failed(t, s < 0 ? s : -1, "write");
	}
	return (ssize_t)done;
}

short tls_wants(const struct tls *t)
{
	return t ? t->want : 0;
}

bool tls_pending(const struct tls *t)
{
	return t && (SSL_pending(t->ssl) > 0 || SSL_has_pending(t->ssl));
}

const char *tls_error(const struct tls *t)
{
	return t ? t->err : "";
}

/* Wireshark shows the IANA name (TLS_ECDHE_RSA_WITH_...), so do we. */
static const char *cipher_name(const SSL *ssl)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const char *name = c ? SSL_CIPHER_standard_name(c) : NULL;

	if (name == NULL && c)
		name = SSL_CIPHER_get_name(c);
	return name ? name : "no cipher";
}

void tls_describe(const struct tls *t, char *buf, size_t cap)
{
	X509 *cert;
	char cn[256] = "";

	if (t->server)
		cert = SSL_get_certificate(t->ssl);
	else
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		cert = SSL_get1_peer_certificate(t->ssl);
#else
		cert = SSL_get_peer_certificate(t->ssl);
#endif
	if (cert && X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	                                      NID_commonName, cn,
	                                      sizeof cn) < 0)
		str_copy(cn, "(none)", sizeof cn);
	snprintf(buf, cap, "%s %s, %s%s%s", SSL_get_version(t->ssl),
	         cipher_name(t->ssl), cert ? "certificate CN=" : "no certificate",
	         cn, !t->server && t->ctx->insecure ?
	         " (not verified: --insecure)" : "");
	if (!t->server)
		X509_free(cert);
}

void tls_shutdown(struct tls *t)
{
	if (t == NULL || t->broken || !SSL_is_init_finished(t->ssl))
		return;
	ERR_clear_error();
	int rc = SSL_shutdown(t->ssl);
	if (rc < 0 && SSL_get_error(t->ssl, rc) == SSL_ERROR_WANT_WRITE &&
	    wait_fd(t->wfd, POLLOUT, TLS_CLOSE_WAIT_MS) == 0)
		SSL_shutdown(t->ssl);
	ERR_clear_error();
}

void tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	/* Reverse order: fds 0 and 1 of an inetd session may share one
	 * open file, whose flags wflags saw after rfd's change. */
	if (t->wflags >= 0)
		fcntl(t->wfd, F_SETFL, t->wflags);
	if (t->rflags >= 0)
		fcntl(t->rfd, F_SETFL, t->rflags);
	SSL_free(t->ssl);
	free(t);
}
