/* dsn: RFC 3464 bounces into the sender's Maildir.  See dsn.h. */
#include "dsn.h"
#include "i18n.h"
#include "identity.h"
#include "message.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DSN_COPY_BUF 4096

void dsn_status(const char *diag, const char *fallback, char *out, size_t cap)
{
	const char *p = strchr(diag, ' ');
	size_t n;

	/* "550 5.1.1 text": the second word, when it is class.subject.detail */
	if (p && (p[1] == '2' || p[1] == '4' || p[1] == '5') && p[2] == '.') {
		n = strspn(p + 1, "0123456789.");
		if (n >= 5 && n < cap) {
			memcpy(out, p + 1, n);
			out[n] = '\0';
			return;
		}
	}
	str_copy(out, fallback, cap);
}

/* Print into the delivery, like fprintf. */
static void put(struct maildir_delivery *d, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

static void put(struct maildir_delivery *d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		maildir_write(d, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* The original message's header section (RFC 6522 text/rfc822-headers),
 * streamed: our Return-Path line is skipped, the body never read. */
static void copy_headers(struct maildir_delivery *d, const char *root,
                         const char *name)
{
	char buf[DSN_COPY_BUF];
	int fd = queue_open_msg(root, name), at_start = 1, line = 0;
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (at_start && buf[i] == '\n') /* the blank line */
				goto done;
			if (line > 0) /* line 0 is our Return-Path: */
				maildir_write(d, buf + i, 1);
			at_start = buf[i] == '\n';
			line += at_start;
		}
	}
done:
	close(fd);
}

/* The human-readable part and the machine-readable one (RFC 3464 2). */
static void write_report(struct maildir_delivery *d,
                         const struct relay_config *rc,
                         const struct queue_entry *e,
                         const struct dsn_failure *f, size_t n,
                         const char *boundary)
{
	char date[MSG_DATE_LEN], status[16];

	msg_date(date, sizeof date, (time_t)e->arrived);
	put(d, "--%s\nContent-Type: text/plain; charset=utf-8\n\n", boundary);
	put(d, "This is the mail system at %s.\n\n"
	       "Your message could not be delivered to the recipients below.\n"
	       "It was handed to us on %s.\n\n", rc->hostname, date);
	for (size_t i = 0; i < n; i++)
		put(d, "  <%s>: %s\n", f[i].rcpt, f[i].diag);
	put(d, "\n--%s\nContent-Type: message/delivery-status\n\n", boundary);
	put(d, "Reporting-MTA: dns; %s\nArrival-Date: %s\n", rc->hostname, date);
	for (size_t i = 0; i < n; i++) {
		dsn_status(f[i].diag, f[i].diag[0] == '4' ? "4.4.7" : "5.0.0",
		           status, sizeof status);
		if (status[0] == '4')
			status[0] = '5'; /* given up on: permanent now */
		put(d, "\nFinal-Recipient: rfc822; %s\nAction: failed\n"
		       "Status: %s\nDiagnostic-Code: smtp; %s\n",
		    f[i].rcpt, status, f[i].diag);
	}
	put(d, "\n--%s\nContent-Type: text/rfc822-headers\n\n", boundary);
}

/* Is the sender someone with a mailbox here?  Fills box when so. */
static int local_sender(const struct relay_config *rc, const char *from,
                        char *box)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];

	return from[0] != '\0' && addr_split(from, local, domain) == 0 &&
	       relay_kind(rc, domain) == RELAY_LOCAL &&
	       id_rcpt_box(local, box) == 0; /* the one identity rule */
}

int dsn_bounce(const struct relay_config *rc, const struct queue_entry *e,
               const struct dsn_failure *f, size_t n)
{
	struct maildir_delivery d;
	char box[ID_BOX_MAX + 1], err[MAILDIR_ERR_LEN];
	char date[MSG_DATE_LEN], id[256], boundary[64];
	const char *boxes[1] = { box };

	if (!local_sender(rc, e->from, box)) {
		for (size_t i = 0; i < n; i++) /* never bounce a bounce */
			log_event("relay", _("message %s to <%s> failed (%s); sender <%s> "
			          "is not local: bounce only logged"), e->name,
			          f[i].rcpt, f[i].diag, e->from);
		return 0;
	}
	if (maildir_begin(err, &d, rc->maildir, box) < 0) {
		log_event("relay", _("cannot bounce to <%s>: %s"), e->from, err);
		return -1;
	}
	msg_date(date, sizeof date, time(NULL));
	msg_id(id, sizeof id, rc->hostname);
	snprintf(boundary, sizeof boundary, "mailab-dsn-%lld-%ld",
	         (long long)time(NULL), (long)getpid());
	put(&d, "Return-Path: <>\nFrom: Mail Delivery System <MAILER-DAEMON@%s>\n"
	        "To: <%s>\nSubject: Undelivered Mail Returned to Sender\n"
	        "Date: %s\nMessage-ID: %s\nAuto-Submitted: auto-replied\n"
	        "MIME-Version: 1.0\nContent-Type: multipart/report; "
	        "report-type=delivery-status;\n\tboundary=\"%s\"\n\n",
	    rc->hostname, e->from, date, id, boundary);
	write_report(&d, rc, e, f, n, boundary);
	copy_headers(&d, rc->maildir, e->name);
	put(&d, "\n--%s--\n", boundary);
	if (maildir_commit(err, &d, rc->maildir, boxes, 1) < 0) {
		log_event("relay", _("cannot bounce to <%s>: %s"), e->from, err);
		return -1;
	}
	log_event("relay", _("message %s: bounce for %zu recipient(s) delivered "
	          "to <%s>"), e->name, n, e->from);
	return 0;
}
