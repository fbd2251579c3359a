/* imap_select: a selected mailbox's operations.  See imap_select.h. */
#include "imap_select.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

size_t isel_recent(const struct imbox *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += (b->msg[i].flags & IF_RECENT) != 0;
	return n;
}

/* S: * FLAGS (...)  * OK [PERMANENTFLAGS (...)]  * n EXISTS  * n RECENT
 *    * OK [UNSEEN n]  * OK [UIDVALIDITY n]  * OK [UIDNEXT n] */
void isel_select_data(struct imap_out *o, const struct imbox *b)
{
	size_t unseen = 0;

	for (size_t i = b->n; i > 0; i--)
		if (!(b->msg[i - 1].flags & IF_SEEN))
			unseen = i;
	iout_puts(o, "* FLAGS (" ISEL_FLAGS ")");
	iout_end(o);
	iout_printf(o, "* OK [PERMANENTFLAGS (%s)] Flags kept in the Maildir",
	            b->readonly ? "" : ISEL_FLAGS);
	iout_end(o);
	iout_printf(o, "* %zu EXISTS", b->n);
	iout_end(o);
	iout_printf(o, "* %zu RECENT", isel_recent(b));
	iout_end(o);
	if (unseen) {
		iout_printf(o, "* OK [UNSEEN %zu] First unseen", unseen);
		iout_end(o);
	}
	iout_printf(o, "* OK [UIDVALIDITY %lu] UIDs valid", (unsigned long)b->uidvalidity);
	iout_end(o);
	iout_printf(o, "* OK [UIDNEXT %lu] Predicted next UID", (unsigned long)b->uidnext);
	iout_end(o);
}

bool isel_status_items(struct imap_p *ip, const struct imbox_counts *c,
                       char *line)
{
	static const char *const items[] = { "MESSAGES", "RECENT", "UIDNEXT",
		                             "UIDVALIDITY", "UNSEEN" };
	struct imap_str w;

	line[0] = '\0';
	do {
		size_t k = ip_atom(ip, &w) ? 0 : 5;
		while (k < 5 && !is_word(&w, items[k]))
			k++;
		if (k == 5)
			return false;
		unsigned long v = k == 0 ? c->messages : k == 1 ? c->recent
		                : k == 2 ? c->uidnext : k == 3 ? c->uidvalidity
		                : c->unseen;
		size_t used = strlen(line);
		snprintf(line + used, ISEL_STATUS_MAX - used, "%s%s %lu",
		         used ? " " : "", items[k], v);
	} while (ip_sp(ip));
	return ip_char(ip, ')');
}

bool isel_in_range(const struct imbox *b, const struct imap_seq *set,
                   bool uid)
{
	for (size_t i = 0; !uid && i < set->n; i++)
		if (set->hi[i] != IMAP_STAR && set->hi[i] > b->n)
			return false; /* "1:*" is fine even when empty */
	return true;
}

enum isel_store_parse isel_store_parse(struct imap_p *ip, struct isel_store *r)
{
	struct imap_str w;
	char item[32];

	if (!ip_atom(ip, &w) || !imap_str_copy(&w, item, sizeof item) ||
	    !ip_sp(ip) || !fetch_parse_flags(ip, &r->flags) || !ip_eol(ip))
		return ISEL_STORE_SYNTAX;
	const char *name = item + (item[0] == '+' || item[0] == '-');
	r->how = item[0] == '+' ? 1 : item[0] == '-' ? -1 : 0;
	r->silent = str_ncase_eq(name, "FLAGS.SILENT", 13);
	if (!r->silent && !str_ncase_eq(name, "FLAGS", 6))
		return ISEL_STORE_ITEM;
	return ISEL_STORE_OK;
}

void isel_send_flags(struct imap_out *o, uint32_t seq, const uint32_t *uid,
                     unsigned flags)
{
	iout_printf(o, "* %lu FETCH (", (unsigned long)seq);
	if (uid)
		iout_printf(o, "UID %lu ", (unsigned long)*uid);
	iout_puts(o, "FLAGS ");
	fetch_send_flags(o, flags);
	iout_puts(o, ")");
	iout_end(o);
}

/* What isel_sync's callbacks need. */
struct sync_ctx {
	struct imap_out *o;
	bool uid;
};

static void on_expunge(void *ctx, uint32_t seq)
{
	struct sync_ctx *x = ctx;

	iout_printf(x->o, "* %lu EXPUNGE", (unsigned long)seq);
	iout_end(x->o);
}

static void on_flags(void *ctx, uint32_t seq, uint32_t uid, unsigned flags)
{
	struct sync_ctx *x = ctx;

	isel_send_flags(x->o, seq, x->uid ? &uid : NULL, flags);
}

int isel_sync(char *err, struct imap_out *o, struct imbox *b, bool uid)
{
	struct sync_ctx x = { o, uid };
	const struct imbox_events ev = { &x, on_expunge, on_flags };
	size_t added;

	if (imbox_sync(err, b, &ev, &added) < 0)
		return -1;
	if (added > 0) {
		iout_printf(o, "* %zu EXISTS", b->n);
		iout_end(o);
		iout_printf(o, "* %zu RECENT", isel_recent(b));
		iout_end(o);
	}
	return 0;
}

enum conn_status isel_idle_wait(struct conn *c, struct imap_out *o,
                                struct imbox *b, bool uid, int timeout_s,
                                const char *peer)
{
	struct pollfd p = { .fd = c->rfd, .events = POLLIN };
	char err[MAILDIR_ERR_LEN];
	long long idle_ms = 0;

	for (;;) {
		if (conn_stop_requested())
			return CONN_STOP;
		if (iout_flush(o) < 0)
			return CONN_ERROR;
		if (c->rpos < c->rlen || poll(&p, 1, ISEL_IDLE_POLL_MS) > 0)
			return CONN_LINE;
		idle_ms += ISEL_IDLE_POLL_MS;
		if (timeout_s > 0 && idle_ms / 1000 >= timeout_s)
			return CONN_TIMEOUT;
		if (b && isel_sync(err, o, b, uid) < 0)
			log_event(peer, "%s", err);
	}
}

/* What a function run over a sequence set needs. */
struct each {
	struct imap_out *o;
	struct imbox *b;
	bool uid;
	const void *req;
	const char *peer;
};

/* fn for each message the set names; how many calls failed. */
static size_t each(struct each *x, const struct imap_seq *set,
                   int (*fn)(struct each *, size_t))
{
	const struct imbox *b = x->b;
	uint32_t star = x->uid ? (b->n ? b->msg[b->n - 1].uid : 0) : (uint32_t)b->n;
	size_t failed = 0;

	for (size_t i = 0; i < b->n && !(x->o && x->o->failed); i++)
		if (imap_seq_has(set, x->uid ? b->msg[i].uid : (uint32_t)i + 1, star))
			failed += fn(x, i) < 0;
	return failed;
}

static int fetch_fn(struct each *x, size_t i)
{
	return fetch_one(x->o, x->b, i, x->req);
}

size_t isel_fetch(struct imap_out *o, struct imbox *b, const struct imap_seq *set,
                  bool uid, const struct fetch_req *r)
{
	struct each x = { o, b, uid, r, NULL };

	return each(&x, set, fetch_fn);
}

/* STORE: FLAGS replaces, +FLAGS adds, -FLAGS removes (RFC 3501 6.4.6). */
static int store_fn(struct each *x, size_t i)
{
	const struct isel_store *r = x->req;
	unsigned f = x->b->msg[i].flags & IF_STORABLE;

	f = r->how > 0 ? f | r->flags : r->how < 0 ? f & ~r->flags : r->flags;
	if (imbox_set_flags(x->b, i, f) < 0)
		return -1;
	if (!r->silent)
		isel_send_flags(x->o, (uint32_t)i + 1, x->uid ? &x->b->msg[i].uid : NULL,
		                x->b->msg[i].flags);
	return 0;
}

size_t isel_store(struct imap_out *o, struct imbox *b, const struct imap_seq *set,
                  bool uid, const struct isel_store *r)
{
	struct each x = { o, b, uid, r, NULL };

	return each(&x, set, store_fn);
}

static int copy_fn(struct each *x, size_t i)
{
	char err[MAILDIR_ERR_LEN];

	if (imbox_copy(err, x->b, i) == 0)
		return 0;
	log_event(x->peer, _("COPY: %s"), err);
	return -1;
}

size_t isel_copy(struct imbox *b, const struct imap_seq *set, bool uid,
                 const char *peer)
{
	struct each x = { NULL, b, uid, NULL, peer };

	return each(&x, set, copy_fn);
}
