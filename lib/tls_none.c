/*
 * tls_none: lib/tls for a build without TLS (plain `make`).  Every
 * entry point fails saying how to get TLS, so the programs refuse their
 * TLS options with EX_USAGE and no protocol file needs an #ifdef.
 * The Makefile compiles this file or tls.c, never both.
 */
#include "tls.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>

/* TLS_UNAVAILABLE, in the reader's language. */
static const char *unavailable(void)
{
	return _("this build has no TLS: rebuild with make TLS=1");
}

bool tls_available(void) { return false; }

struct tls_ctx *tls_server_ctx(char *err, size_t cap, const char *cert,
                               const char *key)
{
	(void)cert, (void)key;
	snprintf(err, cap, "%s", unavailable());
	return NULL;
}

struct tls_ctx *tls_client_ctx(char *err, size_t cap,
                               const struct tls_client_opts *o)
{
	return tls_server_ctx(err, cap, o->host, NULL);
}

struct tls *tls_new(char *err, size_t cap, struct tls_ctx *ctx, int rfd,
                    int wfd, bool server)
{
	(void)ctx, (void)rfd, (void)wfd, (void)server;
	snprintf(err, cap, "%s", unavailable());
	return NULL;
}

/* No context and no session can exist here: the rest are never
 * reached with anything but NULL, and only keep the linker content. */
void tls_ctx_free(struct tls_ctx *ctx) { (void)ctx; }
void tls_shutdown(struct tls *t) { (void)t; }
void tls_free(struct tls *t) { (void)t; }
bool tls_pending(const struct tls *t) { (void)t; return false; }
short tls_wants(const struct tls *t) { (void)t; return 0; }
const char *tls_error(const struct tls *t) { (void)t; return unavailable(); }

int tls_handshake(struct tls *t, int timeout_ms)
{
	(void)t, (void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

ssize_t tls_read(struct tls *t, void *buf, size_t n, int timeout_ms)
{
	(void)buf, (void)n;
	return tls_handshake(t, timeout_ms);
}

ssize_t tls_write(struct tls *t, const void *buf, size_t n, int timeout_ms)
{
	(void)buf, (void)n;
	return tls_handshake(t, timeout_ms);
}

void tls_describe(const struct tls *t, char *buf, size_t cap)
{
	(void)t;
	snprintf(buf, cap, "%s", unavailable());
}
