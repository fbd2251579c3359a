/*
 * relay: routing decisions and the queue runner.  See relay.h.
 *
 * One pass of the runner: list the envelopes that are due, then for
 * each route open ONE connection and send every due message that has
 * recipients there (RFC 5321 4.5.4.1: retry, and do not hammer).  After
 * each message its envelope is rewritten: delivered recipients removed,
 * refused ones (5xx) bounced, deferred ones (4xx, no answer) kept with
 * the next try at now + retry * 2^(attempts - 1), at most an hour;
 * a pass counts one attempt per message, however many routes it has.
 */
#include "relay.h"
#include "conn.h"
#include "dsn.h"
#include "i18n.h"
#include "queue.h"
#include "server.h"
#include "smtp_client.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define RELAY_DUE_MAX 100000 /* envelopes looked at in one pass */
#define RELAY_ORPHAN_AGE 3600 /* an envelope-less message this old is junk */

int relay_parse_route(const char *arg, struct relay_route *r)
{
	const char *eq = strchr(arg, '='), *colon = strrchr(arg, ':');
	unsigned long port;
	size_t dlen, hlen;

	if (eq == NULL || colon == NULL || colon < eq)
		return -1;
	dlen = (size_t)(eq - arg);
	hlen = (size_t)(colon - eq - 1);
	if (dlen == 0 || dlen > ADDR_DOMAIN_MAX || hlen == 0 ||
	    hlen >= sizeof r->host || parse_ulong(colon + 1, 65535, &port) < 0 ||
	    port == 0)
		return -1;
	for (size_t i = 0; i < dlen; i++)
		r->domain[i] = (char)((arg[i] >= 'A' && arg[i] <= 'Z') ? arg[i] + 32 : arg[i]);
	r->domain[dlen] = '\0';
	memcpy(r->host, eq + 1, hlen);
	r->host[hlen] = '\0';
	r->port = (unsigned)port;
	return 0;
}

const struct relay_route *relay_route_for(const struct relay_config *rc,
                                          const char *domain)
{
	for (size_t i = 0; i < rc->nroute; i++)
		if (str_ncase_eq(domain, rc->routes[i].domain, ADDR_DOMAIN_MAX + 1))
			return &rc->routes[i];
	return NULL;
}

enum relay_kind relay_kind(const struct relay_config *rc, const char *domain)
{
	if (domain[0] != '\0' && relay_route_for(rc, domain))
		return RELAY_ROUTED;
	if (rc->ndomain == 0 || domain[0] == '\0')
		return RELAY_LOCAL; /* no --domain: every other domain is ours */
	for (size_t i = 0; i < rc->ndomain; i++)
		if (str_ncase_eq(domain, rc->domains[i], ADDR_DOMAIN_MAX + 1))
			return RELAY_LOCAL;
	return RELAY_FOREIGN;
}

/* ---- one message to one route ---- */

/* The queued file, minus our Return-Path: line (RFC 5321 4.4: only the
 * final delivery adds one). */
struct msg_source {
	int fd;
	bool first;
};

static ssize_t msg_read(void *ctx, char *buf, size_t cap)
{
	struct msg_source *m = ctx;
	ssize_t n = read(m->fd, buf, cap);

	if (m->first && n > 12 && memcmp(buf, "Return-Path:", 12) == 0) {
		char *lf = memchr(buf, '\n', (size_t)n);
		size_t skip = lf ? (size_t)(lf + 1 - buf) : 0;
		memmove(buf, buf + skip, (size_t)n - skip);
		n -= (ssize_t)skip;
		m->first = false;
		if (n == 0)
			return msg_read(ctx, buf, cap);
	}
	m->first = false;
	return n;
}

/* Where one pass stands with one route's connection. */
struct hop {
	const struct relay_config *rc;
	const struct relay_route *route;
	struct smtp_client *client;
	bool open;          /* connected and greeted */
	char down[600];     /* why the route is unreachable this pass */
	time_t now;
};

static int hop_connect(struct hop *h)
{
	struct smtp_client *c = h->client;

	if (h->open)
		return 0;
	if (h->down[0])
		return -1;
	if (smtp_open(c, h->route->host, h->route->port, h->rc->timeout,
	              h->rc->verbose) != SMTP_OK ||
	    smtp_hello(c, h->rc->hostname) != SMTP_OK) {
		snprintf(h->down, sizeof h->down, "%s", smtp_error(c));
		smtp_close(c);
		return -1;
	}
	h->open = true;
	return 0;
}

/* Next try: retry * 2^(attempts - 1), capped (RFC 5321 4.5.4.1). */
static long long backoff(const struct relay_config *rc, unsigned attempts)
{
	unsigned long long d = rc->retry ? rc->retry : 1;

	for (unsigned i = 1; i < attempts && d < RELAY_BACKOFF_MAX; i++)
		d *= 2;
	return (long long)(d < RELAY_BACKOFF_MAX ? d : RELAY_BACKOFF_MAX);
}

/* The outcome for recipient i: 0 sent, 1 deferred, 2 refused (bounce). */
static int outcome(int rc, const struct smtp_result *res, size_t i)
{
	int code = res->rcpt[i].code;

	if (rc == SMTP_ERR_SIZE || rc == SMTP_ERR_UTF8)
		return 2; /* refused before sending: it would never fit */
	if (code / 100 == 5 || (code == 0 && res->mail.code / 100 == 5))
		return 2;
	if (code / 100 != 2)
		return 1;
	if (rc == SMTP_OK)
		return 0;
	return res->data.code / 100 == 5 ? 2 : 1;
}

/* Send e's recipients for this route; rewrite e with what is left. */
static void hop_send(struct hop *h, struct queue_entry *e, size_t *idx,
                     size_t n)
{
	const char *to[QUEUE_RCPT_MAX];
	struct smtp_reply replies[QUEUE_RCPT_MAX];
	struct smtp_result res = { .rcpt = replies };
	struct dsn_failure fail[QUEUE_RCPT_MAX];
	char diag[QUEUE_RCPT_MAX][640];
	struct msg_source src = { queue_open_msg(h->rc->maildir, e->name), true };
	struct smtp_source s = { msg_read, &src };
	const char *w = strstr(e->name, ",W=");
	/* SIZE= (RFC 1870): the CRLF size from the name is estimate enough. */
	struct smtp_envelope env = { e->from, to, n,
		                     w ? strtoull(w + 3, NULL, 10) : 0, true };
	bool keep[QUEUE_RCPT_MAX] = { false }, deferred = false;
	size_t nfail = 0, k = 0;
	int rc = SMTP_ERR_IO;

	for (size_t i = 0; i < n; i++)
		to[i] = e->rcpt[idx[i]];
	memset(replies, 0, sizeof replies);
	if (src.fd < 0) {
		log_event("relay", _("message %s: file gone, dropped"), e->name);
		queue_remove(h->rc->maildir, e->name);
		return;
	}
	if (hop_connect(h) == 0) {
		rc = smtp_send(h->client, &env, &s, &res);
		if (h->client->broken) {
			snprintf(h->down, sizeof h->down, "%s", smtp_error(h->client));
			smtp_close(h->client);
			h->open = false;
		}
	}
	close(src.fd);
	for (size_t i = 0; i < n; i++) {
		int o = h->down[0] && replies[i].code == 0 ? 1 : outcome(rc, &res, i);
		const struct smtp_reply *r = o == 0 || (replies[i].code / 100 == 2 &&
		                             res.data.code) ? &res.data
		                           : replies[i].code ? &replies[i] : &res.mail;
		if (h->down[0] && r->code == 0)
			snprintf(diag[i], sizeof diag[i], "%s", h->down);
		else if (r->code == 0)
			snprintf(diag[i], sizeof diag[i], "554 5.3.4 %s",
			         smtp_error(h->client));
		else
			snprintf(diag[i], sizeof diag[i], "%d %s", r->code, r->text);
		log_event("relay", _("message %s to <%s> via %s:%u: %s (%s)"), e->name,
		          to[i], h->route->host, h->route->port,
		          o == 0 ? _("sent") : o == 1 ? _("deferred") : _("refused"), diag[i]);
		if (o == 2)
			fail[nfail++] = (struct dsn_failure){ to[i], diag[i] };
		keep[idx[i]] = o == 1;
		deferred |= o == 1;
	}
	if (nfail)
		dsn_bounce(h->rc, e, fail, nfail);
	/* Keep the deferred ones, and every recipient of other routes. */
	for (size_t i = 0, j = 0; i < e->nrcpt; i++) {
		bool ours = j < n && idx[j] == i;
		j += ours;
		if (!ours || keep[i])
			memmove(e->rcpt[k++], e->rcpt[i], ADDR_MAX + 1);
	}
	e->nrcpt = k;
	/* One attempt per message per pass, however many routes it has:
	 * the first route to defer it moves its next try past now. */
	if (deferred && e->next <= (long long)h->now) {
		e->attempts++;
		e->next = (long long)h->now + backoff(h->rc, e->attempts);
	}
}

/* ---- one pass over the queue ---- */

struct due {
	char (*name)[MAILDIR_UNIQ_MAX + 48];
	size_t n, cap;
	time_t now;
	long long soonest; /* the next time anything is due; 0 none */
	const struct relay_config *rc;
	struct queue_entry *e;
};

static int collect(const char *name, void *ctx)
{
	struct due *d = ctx;
	char err[MAILDIR_ERR_LEN];

	if (queue_read(err, d->rc->maildir, name, d->e) < 0)
		return 0;
	if (d->e->next > (long long)d->now) {
		if (d->soonest == 0 || d->e->next < d->soonest)
			d->soonest = d->e->next;
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		void *p = realloc(d->name, cap * sizeof *d->name);
		if (p == NULL || cap > RELAY_DUE_MAX)
			return 1;
		d->name = p;
		d->cap = cap;
	}
	str_copy(d->name[d->n++], name, sizeof d->name[0]);
	return 0;
}

/* Give up on what is left of e once it is older than --queue-lifetime. */
static void expire(const struct relay_config *rc, struct queue_entry *e,
                   time_t now)
{
	struct dsn_failure fail[QUEUE_RCPT_MAX];
	char diag[160];

	if (e->nrcpt == 0 || now - e->arrived < (long long)rc->lifetime)
		return;
	snprintf(diag, sizeof diag, "4.4.7 delivery time expired: still "
	         "undelivered after %lld seconds (--queue-lifetime)",
	         (long long)(now - e->arrived));
	for (size_t i = 0; i < e->nrcpt; i++)
		fail[i] = (struct dsn_failure){ e->rcpt[i], diag };
	dsn_bounce(rc, e, fail, e->nrcpt);
	e->nrcpt = 0;
}

/* Route r's share of message `name`, then the envelope written back. */
static void route_message(struct hop *h, struct queue_entry *e,
                          const char *name)
{
	char err[MAILDIR_ERR_LEN];
	size_t idx[QUEUE_RCPT_MAX], n = 0;

	if (queue_read(err, h->rc->maildir, name, e) < 0)
		return;
	for (size_t i = 0; i < e->nrcpt; i++) {
		char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];
		if (addr_split(e->rcpt[i], local, domain) == 0 &&
		    relay_route_for(h->rc, domain) == h->route)
			idx[n++] = i;
	}
	if (n == 0)
		return;
	hop_send(h, e, idx, n);
	expire(h->rc, e, h->now);
	if (e->nrcpt == 0)
		queue_remove(h->rc->maildir, name);
	else if (queue_write(err, h->rc->maildir, e) < 0)
		log_event("relay", "%s", err);
}

/* One pass; returns when the next message is due (0: nothing queued). */
static long long run_pass(const struct relay_config *rc,
                          struct smtp_client *client, struct queue_entry *e)
{
	struct due d = { .now = time(NULL), .rc = rc, .e = e };
	char err[MAILDIR_ERR_LEN];

	queue_each(rc->maildir, collect, &d);
	for (size_t r = 0; r < rc->nroute && !conn_stop_requested(); r++) {
		struct hop h = { rc, &rc->routes[r], client, false, "", d.now };
		for (size_t i = 0; i < d.n && !conn_stop_requested(); i++)
			route_message(&h, e, d.name[i]);
		if (h.open)
			smtp_quit(client);
	}
	/* Recipients with no route (the routes changed) wait, then expire. */
	for (size_t i = 0; i < d.n; i++) {
		if (queue_read(err, rc->maildir, d.name[i], e) < 0)
			continue;
		expire(rc, e, d.now);
		if (e->nrcpt == 0)
			queue_remove(rc->maildir, d.name[i]);
		else if (e->next <= (long long)d.now) {
			e->next = (long long)d.now + backoff(rc, ++e->attempts);
			queue_write(err, rc->maildir, e);
		}
		if (e->nrcpt && (d.soonest == 0 || e->next < d.soonest))
			d.soonest = e->next;
	}
	free(d.name);
	return d.soonest;
}

/* ---- the runner process ---- */

/*
 * Sleep until ms pass, new mail is queued (a byte on the wake pipe) or
 * the server stops.  The stop is seen through conn's self-pipe, which
 * poll() watches too, so a SIGTERM landing just before poll() cannot be
 * slept on.  Returns -1 when the wake pipe reads EOF: the server and
 * every session are gone (or a --stdio session is over).
 */
static int wait_for_work(int wake, int ms)
{
	struct pollfd p[2] = { { .fd = wake, .events = POLLIN },
		               { .fd = conn_stop_fd(), .events = POLLIN } };
	char buf[256];
	ssize_t n;

	if (conn_stop_requested() || poll(p, 2, ms) <= 0 || p[0].revents == 0)
		return 0;
	while ((n = read(wake, buf, sizeof buf)) > 0)
		; /* empty it: one pass serves every wake-up */
	return n == 0 ? -1 : 0;
}

/* Only one runner per queue: an fcntl lock the kernel drops on exit.
 * A queue that cannot be made is logged (once per runner). */
static int queue_lock(const struct relay_config *rc, bool *told)
{
	char path[MAILDIR_PATH_MAX], err[MAILDIR_ERR_LEN];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	if (queue_make(err, rc->maildir) < 0 ||
	    maildir_path(path, rc->maildir, QUEUE_BOX, ".lock", NULL) < 0) {
		if (!*told)
			log_event("relay", _("%s: the queue waits until it can "
			            "be made"), err);
		*told = true;
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd >= 0 && fcntl(fd, F_SETLK, &fl) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void relay_runner(void *arg)
{
	const struct relay_config *rc = arg;
	struct smtp_client *client = calloc(1, sizeof *client);
	struct queue_entry *e = calloc(1, sizeof *e);
	int wake = server_wake_fd();
	pid_t parent = getppid();
	int lock = -1;
	bool last = false, told = false;

	if (client == NULL || e == NULL)
		return;
	log_event("relay", _("queue runner started for %zu route(s)"), rc->nroute);
	queue_sweep_orphans(rc->maildir, (long long)time(NULL) - RELAY_ORPHAN_AGE);
	/* Stop with the server, even one killed with SIGKILL (we would
	 * become init's child then); after its last session, one more
	 * pass delivers what that session queued. */
	while (!conn_stop_requested() && getppid() == parent) {
		long long next = 0, now = (long long)time(NULL);
		int ms = 5000; /* no lock yet: look again soon */

		if (lock < 0)
			lock = queue_lock(rc, &told);
		if (lock >= 0) {
			next = run_pass(rc, client, e);
			ms = next ? (next > now ? (int)(next - now) * 1000 : 0) : 5000;
			if (ms > 5000) /* look at getppid() now and then */
				ms = 5000;
		}
		if (last)
			break;
		last = wait_for_work(wake, ms) < 0;
	}
	free(client);
	free(e);
}
