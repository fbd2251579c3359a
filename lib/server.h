/*
 * server: the accept loop both servers share.  It listens (loopback on
 * both stacks unless -b says otherwise), forks one process per session
 * so that one client's trouble never touches another's, enforces
 * --max-clients, and stops cleanly on SIGINT/SIGTERM.
 */
#ifndef MAILAB_SERVER_H
#define MAILAB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "net.h"

/* Runs one session in a child process: read rfd, write wfd. */
typedef void (*session_fn)(int rfd, int wfd, const char *peer, void *ctx);

struct server_config {
	const char *binds[NET_MAX_LISTEN]; /* -b; none: 127.0.0.1 and ::1 */
	size_t nbind;
	unsigned port;
	unsigned long max_clients;
	unsigned long max_per_ip; /* --max-per-ip; 0: SERVER_MAX_PER_IP */
	const char *busy_reply;   /* sent (with CRLF) when at max_clients */
	const char *per_ip_reply; /* ... when one address is at max_per_ip;
	                           * NULL: a generic one in busy_reply's
	                           * protocol (421 or -ERR [SYS/TEMP]) */
	session_fn session;
	void *ctx;
	/* --tls-port: a second set of listeners (same addresses) whose
	 * sessions run tls_session instead, TLS from the first byte
	 * (RFC 8314).  Logged as "implicit TLS on ... port N", never as
	 * "listening on": scripts read that line for the plain port. */
	bool tls_listen;
	unsigned tls_port;        /* 0: any free port (tests) */
	session_fn tls_session;
	/* Optional: a helper process kept alive beside the sessions
	 * (the relay's queue runner), restarted with a growing delay if it
	 * dies.  It should return when asked to stop, and when its wake
	 * pipe reads EOF (the server and every session are gone; with
	 * --stdio: the session is over), after one last pass. */
	void (*helper)(void *ctx);
	void *helper_ctx;
};

/* getopt_long's values for the shared options in both servers' tables:
 *   { "max-clients", required_argument, NULL, SERVER_OPT_MAX_CLIENTS },
 *   { "max-per-ip", required_argument, NULL, SERVER_OPT_MAX_PER_IP }, */
#define SERVER_OPT_MAX_CLIENTS 1000
#define SERVER_OPT_MAX_PER_IP 1001
#define SERVER_OPT_TLS_PORT 1002  /* { "tls-port", required_argument... } */

/* Sessions one non-loopback address may hold at once, so that a few
 * slow hosts cannot take every --max-clients slot (slowloris). */
#define SERVER_MAX_PER_IP 10

/*
 * The options both servers share: -p/--port, -b/--bind (repeatable),
 * --max-clients, --max-per-ip.  Returns true when ch was one of them (dies with
 * EX_USAGE on a bad value), false when it is not.
 */
bool server_option(struct server_config *srv, int ch, const char *arg);

/* Listen and serve until SIGINT/SIGTERM (sessions get a few seconds to
 * end, then SIGKILL).  Returns a <sysexits.h> code. */
int server_run(const struct server_config *cfg);

/* One session on stdin/stdout, inetd style (--stdio); with a helper,
 * that runs beside it and makes its last pass after it. */
int server_stdio(const struct server_config *cfg);

/* Install the stop handlers (and conn's stop pipe) a session needs. */
void server_session_signals(void);

/* Tell the helper process there is new work (e.g. mail queued); a
 * no-op without one.  The helper waits on server_wake_fd() (readable:
 * read it empty, then work), -1 when there is none. */
void server_wake_helper(void);
int server_wake_fd(void);

#endif
