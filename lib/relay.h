/*
 * relay: the email journey between two servers.  smtp_server queues
 * mail for a routed domain (--relay DOMAIN=HOST:PORT) in DIR/.queue/
 * (lib/queue.h) and a queue runner, a child process of the server,
 * forwards it over SMTP with the shared client (lib/smtp_client.h):
 * 250 removes a recipient, 4xx keeps it for a later try with backoff,
 * 5xx (or a message older than --queue-lifetime) bounces it with a
 * delivery status notification (lib/dsn.h).
 */
#ifndef MAILAB_RELAY_H
#define MAILAB_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"

#define RELAY_ROUTES_MAX 16
#define RELAY_DOMAINS_MAX 16
#define RELAY_BACKOFF_MAX 3600 /* retry delays double up to an hour */

struct relay_route {
	char domain[ADDR_DOMAIN_MAX + 1];
	char host[256];
	unsigned port;
};

/* The routing table and the queue's settings, shared by the SMTP
 * sessions (to decide) and the queue runner (to deliver). */
struct relay_config {
	const char *maildir;
	const char *hostname;
	const char *domains[RELAY_DOMAINS_MAX]; /* --domain: local ones */
	size_t ndomain;
	struct relay_route routes[RELAY_ROUTES_MAX];
	size_t nroute;
	unsigned long retry;    /* --retry: first delay, seconds */
	unsigned long lifetime; /* --queue-lifetime: then bounce */
	int timeout;            /* per SMTP reply on the outgoing side */
	bool verbose;
};

enum relay_kind {
	RELAY_LOCAL,   /* deliver into DIR/<mailbox> */
	RELAY_ROUTED,  /* queue for its --relay route */
	RELAY_FOREIGN  /* neither: 550 5.7.1, never an open relay */
};

/* Parse "DOMAIN=HOST:PORT" into r.  0, or -1 when malformed. */
int relay_parse_route(const char *arg, struct relay_route *r);

/* Which kind a recipient domain ("" for none: local) is. */
enum relay_kind relay_kind(const struct relay_config *rc, const char *domain);

/* The route for a domain, or NULL. */
const struct relay_route *relay_route_for(const struct relay_config *rc,
                                          const char *domain);

/* The queue runner: runs until SIGTERM/SIGINT or its server is gone;
 * server_wake_helper() wakes it for new mail.  Started by server_run()
 * as the server's helper process. */
void relay_runner(void *rc);

#endif
