/* delivery: envelope, trace headers, commit.  See delivery.h. */
#include "delivery.h"
#include "message.h"
#include "queue.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void envelope_reset(struct envelope *e)
{
	e->from[0] = '\0';
	e->nrcpt = e->nbox = e->nrouted = 0;
}

int envelope_add(struct envelope *e, const char *rcpt, const char *box)
{
	size_t i;

	if (e->nrcpt == DELIVERY_RCPT_MAX)
		return -1;
	e->routed[e->nrcpt] = box == NULL;
	str_copy(e->rcpt[e->nrcpt++], rcpt, ADDR_MAX + 1);
	if (box == NULL) {
		e->nrouted++;
		return 0;
	}
	for (i = 0; i < e->nbox && strcmp(e->box[i], box) != 0; i++)
		;
	if (i == e->nbox)
		str_copy(e->box[e->nbox++], box, ID_BOX_MAX + 1);
	return 0;
}

/* Where smtp_data sends the message: the delivery's tmp/ file. */
static void to_maildir(void *ctx, const void *p, size_t n)
{
	maildir_write(ctx, p, n);
}

enum conn_status delivery_receive(struct conn *c, enum conn_ending prev,
                                  unsigned long long max,
                                  struct maildir_delivery *d,
                                  struct smtp_data *r)
{
	char frag[CONN_BUF];
	enum conn_status st;
	size_t n;

	smtp_data_init(r, prev, max, to_maildir, d);
	do {
		st = conn_read_line(c, frag, sizeof frag, &n);
		if (st != CONN_LINE && st != CONN_PART)
			return st;
	} while (!smtp_data_feed(r, frag, n, st == CONN_LINE, c->saw_cr));
	return CONN_LINE;
}

/* The log's id for a message: its unique name up to the host part. */
static void short_id(char *id, const char *uniq)
{
	size_t n = strcspn(uniq, ".");

	if (uniq[n] == '.')
		n += 1 + strcspn(uniq + n + 1, ".");
	snprintf(id, MAILDIR_UNIQ_MAX, "%.*s", (int)n, uniq);
}

int delivery_begin(char *err, struct maildir_delivery *d, const char *root,
                   const struct envelope *e, char *id)
{
	const char *box = e->nbox ? e->box[0] : QUEUE_BOX;

	maildir_sweep_tmp(root, box);
	if (maildir_begin(err, d, root, box) < 0)
		return -1;
	short_id(id, d->uniq);
	return 0;
}

void delivery_trace(struct maildir_delivery *d, const struct envelope *e,
                    const struct delivery_trace *t, const char *id)
{
	char date[MSG_DATE_LEN], head[2048];
	bool v6 = strchr(t->addr, ':') != NULL;
	int n;

	msg_date(date, sizeof date, time(NULL));
	/* RFC 5321 4.4: "from" the client (its claim, then the TCP-info
	 * address-literal), "by" us, "with", "id", "for". */
	n = snprintf(head, sizeof head,
	             "Return-Path: <%s>\n"
	             "Received: from %s ([%s%s])\n"
	             "\tby %s (mailab) with %s%s id %s%s%s%s;\n"
	             "\t%s\n",
	             e->from, t->helo, v6 ? "IPv6:" : "", t->addr, t->by,
	             t->with, t->authenticated ? "A" : "", id,
	             e->nrcpt == 1 ? "\n\tfor <" : "",
	             e->nrcpt == 1 ? e->rcpt[0] : "", e->nrcpt == 1 ? ">" : "",
	             date);
	maildir_write(d, head, (size_t)n < sizeof head ? (size_t)n
	                                               : sizeof head - 1);
}

/* The relay queue's envelope for the routed recipients (lib/queue.h). */
static int queue_envelope(char *err, const char *root,
                          const struct envelope *env,
                          const struct maildir_delivery *d)
{
	static struct queue_entry q; /* 26 KiB: not on the stack */

	memset(&q, 0, offsetof(struct queue_entry, rcpt));
	maildir_delivery_name(d, q.name, sizeof q.name);
	str_copy(q.from, env->from, sizeof q.from);
	q.arrived = q.next = (long long)time(NULL);
	for (size_t i = 0; i < env->nrcpt; i++)
		if (env->routed[i])
			str_copy(q.rcpt[q.nrcpt++], env->rcpt[i], ADDR_MAX + 1);
	return queue_write(err, root, &q);
}

int delivery_commit(char *err, struct maildir_delivery *d, const char *root,
                    const struct envelope *e)
{
	char name[MAILDIR_UNIQ_MAX + 48];
	const char *boxes[DELIVERY_RCPT_MAX + 1];
	size_t n = 0;

	for (size_t i = 0; i < e->nbox; i++)
		boxes[n++] = e->box[i];
	if (e->nrouted > 0)
		boxes[n++] = QUEUE_BOX;
	if (maildir_commit(err, d, root, boxes, n) < 0)
		return -1;
	if (e->nrouted > 0 && queue_envelope(err, root, e, d) < 0) {
		/* No envelope, no relay: take the local copies back too. */
		maildir_delivery_name(d, name, sizeof name);
		maildir_undo(root, boxes, n, name);
		return -1;
	}
	return 0;
}
