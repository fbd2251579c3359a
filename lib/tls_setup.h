/*
 * tls_setup: the TLS options of the four programs and the few steps
 * around lib/tls that both servers and both clients share, so that the
 * protocol files hold only their protocol's words (STARTTLS, STLS):
 *
 *   servers: --tls-cert FILE --tls-key FILE (STARTTLS / STLS),
 *            --tls-port PORT (implicit TLS, RFC 8314; lib/server),
 *            --auth-tls-only (SMTP: AUTH only inside TLS)
 *   clients: --starttls / --stls, --tls (implicit), --cafile FILE,
 *            --insecure
 *
 * In a build without TLS every one of them exits EX_USAGE with
 * "this build has no TLS: rebuild with make TLS=1".
 */
#ifndef MAILAB_TLS_SETUP_H
#define MAILAB_TLS_SETUP_H

#include <stdbool.h>

#include "server.h"
#include "session.h"
#include "tls.h"

/* getopt_long values; SERVER_OPT_TLS_PORT (lib/server.h) is the port. */
enum {
	TLS_OPT_CERT = 1100, TLS_OPT_KEY, TLS_OPT_AUTH_ONLY,
	TLS_OPT_STARTTLS, TLS_OPT_IMPLICIT, TLS_OPT_CAFILE, TLS_OPT_INSECURE
};

#define TLS_SERVER_OPTIONS \
	{ "tls-cert", required_argument, NULL, TLS_OPT_CERT }, \
	{ "tls-key", required_argument, NULL, TLS_OPT_KEY }, \
	{ "tls-port", required_argument, NULL, SERVER_OPT_TLS_PORT }
#define TLS_AUTH_ONLY_OPTION \
	{ "auth-tls-only", no_argument, NULL, TLS_OPT_AUTH_ONLY }
/* name: "starttls" (mail_send) or "stls" (pop_client) */
#define TLS_CLIENT_OPTIONS(name) \
	{ name, no_argument, NULL, TLS_OPT_STARTTLS }, \
	{ "tls", no_argument, NULL, TLS_OPT_IMPLICIT }, \
	{ "cafile", required_argument, NULL, TLS_OPT_CAFILE }, \
	{ "insecure", no_argument, NULL, TLS_OPT_INSECURE }

struct tls_server_setup {
	const char *cert, *key;
	bool auth_tls_only;
	struct tls_ctx *ctx;   /* after tls_server_ready(): NULL without TLS */
};

/* One of the options above for a server: true when it was. */
bool tls_server_option(struct tls_server_setup *t, int ch, const char *arg);

/*
 * After the options: refuse them in a build without TLS (EX_USAGE),
 * insist on both files where one is given or --tls-port is, and load
 * them (EX_CONFIG when they will not do).  run is the session of
 * --tls-port's listeners.
 */
void tls_server_ready(struct tls_server_setup *t, struct server_config *srv,
                      session_fn run);

/*
 * The server's half of STARTTLS/STLS or of --tls-port, after its
 * go-ahead reply: the handshake, with whatever the client pipelined in
 * clear text discarded and logged (CVE-2011-0411).  true when TLS is
 * up; false when the session is over (logged, state done).
 */
bool tls_session_start(struct session *s, struct tls_ctx *ctx);

enum tls_client_mode { TLS_NONE, TLS_STARTTLS, TLS_IMPLICIT };

struct tls_client_setup {
	enum tls_client_mode mode;
	const char *cafile;
	bool insecure;
};

bool tls_client_option(struct tls_client_setup *t, int ch, const char *arg);

/* After the options: EX_USAGE without TLS, or for --cafile/--insecure
 * with no --tls/--starttls; says so on stderr for --insecure. */
void tls_client_ready(const struct tls_client_setup *t);

/* The context to verify host with; dies EX_CONFIG when it cannot. */
struct tls_ctx *tls_client_for(const struct tls_client_setup *t,
                               const char *host);

#endif
