/*
 * smtp_server: the receiving side of the lab — an SMTP server (RFC 5321)
 * that stores every accepted message in a Maildir, one file per
 * recipient.
 *
 * Covers: RFC 5321 (HELO, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT,
 * VRFY, HELP; reply codes of 4.2 and 4.3.2; limits of 4.5.3.1), SIZE
 * (RFC 1870), 8BITMIME (RFC 6152), PIPELINING (RFC 2920),
 * ENHANCEDSTATUSCODES (RFC 2034, 3463), SMTPUTF8 (RFC 6531), AUTH PLAIN
 * and LOGIN (RFC 4954, 4616).  Leaves out: STARTTLS (the lab shows the
 * clear text on purpose), CHUNKING, DSN parameters, EXPN.
 *
 * With --relay DOMAIN=HOST:PORT it is also the sender's mail server of
 * the journey: mail for DOMAIN goes into the queue DIR/.queue/ before
 * the 250, and a queue runner (lib/relay.c) forwards it (RFC 5321 4.4:
 * every hop adds its Received: header; 3.6: never an open relay).
 *
 * One session, from accept() to QUIT, is smtp_session() at the end:
 * read a command line, look its verb up in the command table (the
 * dispatcher answers unknown verbs and commands out of sequence), run
 * the handler.  DATA is read by data_read() through lib/smtp_data.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "address.h"
#include "base64.h"
#include "conn.h"
#include "maildir.h"
#include "message.h"
#include "net.h"
#include "queue.h"
#include "relay.h"
#include "sasl.h"
#include "server.h"
#include "smtp_data.h"
#include "users.h"
#include "util.h"

#define SMTP_CMD_MAX 512           /* RFC 5321 4.5.3.1.4, CRLF included */
#define SMTP_RCPT_MAX 100          /* RFC 5321 4.5.3.1.8: at least 100 */
#define SMTP_ERRORS_MAX 10         /* bad commands in a row, then 421 */
#define SMTP_HOPS_MAX 30           /* Received: headers: a mail loop */
#define SMTP_DEFAULT_SIZE 10485760 /* 10 MiB, advertised in SIZE */
#define SMTP_DEFAULT_TIMEOUT 300   /* RFC 5321 4.5.3.2.7: 5 minutes */
#define SMTP_DEFAULT_RETRY 30      /* --retry: first delay of a relay */
#define SMTP_DEFAULT_LIFETIME 86400 /* --queue-lifetime: a day, then bounce */

/* What the command line set; shared read-only by every session. */
struct smtp_config {
	const char *maildir;
	char hostname[256];
	unsigned long max_size;
	int timeout;
	const char *users_file;  /* AUTH checks it; -U also checks RCPT */
	bool check_rcpt;         /* -U given: unknown users get 550 5.1.1 */
	bool auth_required;
	bool strict_crlf;
	bool pipelining, eightbit, esmtp;
	bool verbose;
	struct relay_config relay; /* --domain, --relay and the queue */
};

/* RFC 5321 4.1.4: the order of commands, as states. */
enum state {
	ST_INIT = 1 << 0, /* connected, no HELO/EHLO yet */
	ST_READY = 1 << 1, /* greeted: MAIL may start a transaction */
	ST_MAIL = 1 << 2, /* MAIL accepted, no recipient yet */
	ST_RCPT = 1 << 3, /* at least one recipient: DATA may follow */
	ST_QUIT = 1 << 4  /* the session is over */
};
#define ST_ANY (ST_INIT | ST_READY | ST_MAIL | ST_RCPT)

struct session {
	const struct smtp_config *cfg;
	struct conn conn;
	const char *peer;
	char peer_addr[NET_PEER_LEN];
	enum state state;
	bool esmtp, authenticated, smtputf8, body_8bit;
	unsigned errors; /* bad commands in a row */
	enum conn_status end;    /* why the session ended, when not QUIT */
	enum conn_ending ending; /* how the last command line ended */
	char helo[256];
	char user[ADDR_MAX + 1];
	char from[ADDR_MAX + 1];
	char rcpt[SMTP_RCPT_MAX][ADDR_MAX + 1];
	bool routed[SMTP_RCPT_MAX]; /* for a --relay domain: queued */
	char box[SMTP_RCPT_MAX][MAILDIR_BOX_MAX + 1];
	size_t nrcpt, nbox, nrouted;
	char line[SMTP_CMD_MAX + 1];
};

/* ---- replies: every final reply line goes out through reply(); the
 * "250-" lines before the last line of EHLO and HELP go to conn_printf
 * (RFC 5321 4.2.1: only the last line is the reply) ---- */

static void reply(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void reply(struct session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	conn_printf(&s->conn, "%s", text);
	/* The client's mistakes (5xx) count towards the 421 below; our own
	 * temporary trouble (4xx, e.g. 452 too many recipients) does not. */
	if (text[0] == '5')
		s->errors++;
	else
		s->errors = 0;
}

/* Every state change goes through here, so that -v can show it. */
static void set_state(struct session *s, enum state next)
{
	static const char *const names[] = { "INIT", "READY", "MAIL", "RCPT",
		                             "QUIT" };
	if (s->cfg->verbose && next != s->state) {
		int i = 0;
		while ((1 << i) != (int)next)
			i++;
		fprintf(stderr, "   (state %s)\n", names[i]);
	}
	s->state = next;
}

/* Forget the envelope (RSET, HELO, end of DATA): RFC 5321 4.1.1.5. */
static void reset_transaction(struct session *s)
{
	s->from[0] = '\0';
	s->nrcpt = s->nbox = s->nrouted = 0;
	s->smtputf8 = s->body_8bit = false;
	if (s->state & (ST_MAIL | ST_RCPT))
		set_state(s, ST_READY);
}

/* ---- the commands ---- */

/* "HELO name" / "EHLO name": greet, and say which extensions we have. */
static void greet(struct session *s, const char *arg, bool esmtp)
{
	if (*arg == '\0') {
		reply(s, "501 5.5.4 Syntax: %s hostname", esmtp ? "EHLO" : "HELO");
		return;
	}
	str_copy(s->helo, arg, sizeof s->helo);
	s->esmtp = esmtp;
	reset_transaction(s);
	set_state(s, ST_READY);
}

static void cmd_helo(struct session *s, char *arg)
{
	greet(s, arg, false);
	if (s->state == ST_READY)
		reply(s, "250 %s Hello %s [%s]", s->cfg->hostname, s->helo,
		      s->peer_addr);
}

static void cmd_ehlo(struct session *s, char *arg)
{
	const struct smtp_config *c = s->cfg;

	if (!c->esmtp) {
		reply(s, "502 5.5.1 EHLO not supported here, use HELO");
		return;
	}
	greet(s, arg, true);
	if (s->state != ST_READY)
		return;
	/* C: EHLO client.example   S: 250-... one line per extension */
	conn_printf(&s->conn, "250-%s Hello %s [%s]", c->hostname, s->helo,
	            s->peer_addr);
	conn_printf(&s->conn, "250-SIZE %lu", c->max_size);
	if (c->eightbit)
		conn_printf(&s->conn, "250-8BITMIME");
	if (c->pipelining)
		conn_printf(&s->conn, "250-PIPELINING");
	conn_printf(&s->conn, "250-ENHANCEDSTATUSCODES");
	conn_printf(&s->conn, "250-SMTPUTF8");
	conn_printf(&s->conn, "250-HELP");
	reply(s, "250 AUTH PLAIN LOGIN");
}

/* One MAIL parameter (RFC 5321 4.1.2 esmtp-param).  0, or -1 replied. */
static int mail_param(struct session *s, char *p)
{
	char *value = strchr(p, '=');
	unsigned long size;

	if (value)
		*value++ = '\0';
	if (str_ncase_eq(p, "SIZE", 5) && value) {
		/* RFC 1870 6.1: refuse now what DATA would refuse later. */
		if (parse_ulong(value, (unsigned long)-1, &size) < 0) {
			reply(s, "501 5.5.4 Bad SIZE value");
			return -1;
		}
		if (size > s->cfg->max_size) {
			reply(s, "552 5.3.4 Message size exceeds fixed limit "
			         "of %lu octets", s->cfg->max_size);
			return -1;
		}
		return 0;
	}
	if (str_ncase_eq(p, "BODY", 5) && value && s->cfg->eightbit &&
	    (str_ncase_eq(value, "7BIT", 5) ||
	     str_ncase_eq(value, "8BITMIME", 9))) {
		s->body_8bit = value[0] == '8';
		return 0;
	}
	if (str_ncase_eq(p, "SMTPUTF8", 9) && !value) {
		s->smtputf8 = true; /* RFC 6531 3.4 */
		return 0;
	}
	if (str_ncase_eq(p, "AUTH", 5) && value)
		return 0; /* RFC 4954 5: accepted and not used */
	reply(s, "555 5.5.4 Unsupported parameter %s", p);
	return -1;
}

/* Split " A B=c" into parameters and check each; 0 or -1 (replied). */
static int mail_params(struct session *s, char *rest)
{
	char *p;

	while ((p = strsep(&rest, " ")) != NULL) {
		if (*p == '\0')
			continue;
		if (!s->esmtp) {
			reply(s, "555 5.5.4 Parameters need EHLO");
			return -1;
		}
		if (mail_param(s, p) < 0)
			return -1;
	}
	return 0;
}

/* Reply to an address that did not parse; 501 or 553 as RFC 5321 says. */
static void bad_address(struct session *s, enum addr_error e,
                        const char *which)
{
	if (e == ADDR_NON_ASCII)
		reply(s, "553 5.6.7 Non-ASCII address needs SMTPUTF8");
	else if (e == ADDR_TOO_LONG)
		reply(s, "501 5.1.3 %s address too long", which);
	else
		reply(s, "501 5.1.7 Bad %s address syntax", which);
}

/* "MAIL FROM:<path> [params]": start a transaction (RFC 5321 4.1.1.2). */
static void cmd_mail(struct session *s, char *arg)
{
	const char *rest;
	char path[ADDR_MAX + 1];
	enum addr_error e;
	bool utf8 = strstr(arg, " SMTPUTF8") || strstr(arg, " smtputf8");

	if (!str_ncase_eq(arg, "FROM:", 5)) {
		reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if (s->cfg->auth_required && !s->authenticated) {
		reply(s, "530 5.7.0 Authentication required");
		return;
	}
	e = addr_parse_path(arg + 5, path, &rest, utf8);
	if (e != ADDR_OK) {
		bad_address(s, e, "sender");
		return;
	}
	s->smtputf8 = s->body_8bit = false;
	if (mail_params(s, (char *)rest) < 0)
		return;
	str_copy(s->from, path, sizeof s->from);
	set_state(s, ST_MAIL);
	reply(s, "250 2.1.0 Sender <%s> ok", s->from);
}

/*
 * Decide what to do with a parsed recipient: RELAY_LOCAL (box filled),
 * RELAY_ROUTED (queue it), or -1 when refused (replied).
 */
static int check_rcpt(struct session *s, const char *path, char *box)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];
	char pass[USERS_LINE_MAX];
	enum relay_kind kind;

	if (addr_split(path, local, domain) < 0) {
		reply(s, "553 5.1.3 Mailbox name not allowed: <%s>", path);
		return -1;
	}
	kind = relay_kind(&s->cfg->relay, domain);
	if (kind == RELAY_FOREIGN) { /* never an open relay */
		reply(s, "550 5.7.1 Relaying denied: <%s> is not local", path);
		return -1;
	}
	if (kind == RELAY_ROUTED)
		return RELAY_ROUTED;
	if (maildir_box_name(local, strlen(local), box) < 0) {
		reply(s, "553 5.1.3 Mailbox name not allowed: <%s>", path);
		return -1;
	}
	if (s->cfg->check_rcpt) {
		int known = users_lookup(s->cfg->users_file, box, pass, sizeof pass);
		if (known < 0) { /* our trouble, not the address's: try later */
			reply(s, "451 4.3.0 Cannot read the users file now");
			return -1;
		}
		if (known == 0) {
			reply(s, "550 5.1.1 <%s>: no such user here", path);
			return -1;
		}
	}
	return RELAY_LOCAL;
}

/* "RCPT TO:<path>": add a recipient (RFC 5321 4.1.1.3). */
static void cmd_rcpt(struct session *s, char *arg)
{
	const char *rest;
	char path[ADDR_MAX + 1], box[MAILDIR_BOX_MAX + 1];
	enum addr_error e;
	size_t i;
	int kind;

	if (!str_ncase_eq(arg, "TO:", 3)) {
		reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	e = addr_parse_path(arg + 3, path, &rest, s->smtputf8);
	if (e == ADDR_OK && path[0] == '\0')
		e = ADDR_SYNTAX; /* <> is a sender only */
	if (e != ADDR_OK) {
		bad_address(s, e, "recipient");
		return;
	}
	if (*rest != '\0') {
		reply(s, "555 5.5.4 RCPT parameters are not supported");
		return;
	}
	if (s->nrcpt == SMTP_RCPT_MAX) {
		reply(s, "452 4.5.3 Too many recipients");
		return;
	}
	if ((kind = check_rcpt(s, path, box)) < 0)
		return;
	s->routed[s->nrcpt] = kind == RELAY_ROUTED;
	str_copy(s->rcpt[s->nrcpt++], path, ADDR_MAX + 1);
	if (kind == RELAY_ROUTED) {
		s->nrouted++;
	} else {
		for (i = 0; i < s->nbox && strcmp(s->box[i], box) != 0; i++)
			;
		if (i == s->nbox) /* one copy per mailbox, however named */
			str_copy(s->box[s->nbox++], box, MAILDIR_BOX_MAX + 1);
	}
	set_state(s, ST_RCPT);
	reply(s, "250 2.1.5 Recipient <%s> ok", path);
}

/* ---- DATA: read the message and deliver it ---- */

/* Where smtp_data sends the message: the delivery's tmp/ file. */
static void to_maildir(void *ctx, const void *p, size_t n)
{
	maildir_write(ctx, p, n);
}

/*
 * Read the message up to its end, streaming it into d through the DATA
 * decoder.  Memory stays at one fragment whatever the size: a 1 MiB
 * line arrives in pieces.  Returns CONN_LINE when the end was seen.
 */
static enum conn_status data_read(struct session *s,
                                  struct maildir_delivery *d,
                                  struct smtp_data *r)
{
	char frag[CONN_BUF];
	enum conn_status st;
	size_t n;

	smtp_data_init(r, s->ending, s->cfg->max_size, to_maildir, d);
	do {
		st = conn_read_line(&s->conn, frag, sizeof frag, &n);
		if (st != CONN_LINE && st != CONN_PART)
			return st;
	} while (!smtp_data_feed(r, frag, n, st == CONN_LINE, s->conn.saw_cr));
	return CONN_LINE;
}

/* The Return-Path and Received headers every delivery prepends. */
static void trace_headers(struct session *s, struct maildir_delivery *d,
                          const char *id)
{
	char date[MSG_DATE_LEN], head[2048];
	const char *proto = s->smtputf8 ? "UTF8SMTP"
	                    : s->esmtp  ? "ESMTP"
	                                : "SMTP";
	int n;

	msg_date(date, sizeof date, time(NULL));
	/* RFC 5321 4.4: "from" the client, "by" us, "with", "id", "for". */
	n = snprintf(head, sizeof head,
	             "Return-Path: <%s>\n"
	             "Received: from %s (%s [%s])\n"
	             "\tby %s (mailab) with %s%s id %s%s%s%s;\n"
	             "\t%s\n",
	             s->from, s->helo, s->helo, s->peer_addr, s->cfg->hostname,
	             proto, s->authenticated ? "A" : "", id,
	             s->nrcpt == 1 ? "\n\tfor <" : "",
	             s->nrcpt == 1 ? s->rcpt[0] : "", s->nrcpt == 1 ? ">" : "",
	             date);
	maildir_write(d, head, (size_t)n < sizeof head ? (size_t)n : sizeof head - 1);
}

/* The relay queue's envelope for the routed recipients (lib/queue.h). */
static int queue_envelope(char *err, struct session *s,
                          const struct maildir_delivery *d)
{
	static struct queue_entry e; /* 26 KiB: not on the stack */
	time_t now = time(NULL);

	memset(&e, 0, offsetof(struct queue_entry, rcpt));
	maildir_delivery_name(d, e.name, sizeof e.name);
	str_copy(e.from, s->from, sizeof e.from);
	e.arrived = e.next = (long long)now;
	for (size_t i = 0; i < s->nrcpt; i++)
		if (s->routed[i])
			str_copy(e.rcpt[e.nrcpt++], s->rcpt[i], ADDR_MAX + 1);
	return queue_write(err, s->cfg->maildir, &e);
}

/* Link the message into every local mailbox and, for routed recipients,
 * into the queue with its envelope.  All or nothing; 0 or -1 (logged). */
static int deliver(struct session *s, struct maildir_delivery *d,
                   const char *id)
{
	char err[MAILDIR_ERR_LEN], name[MAILDIR_UNIQ_MAX + 48];
	const char *boxes[SMTP_RCPT_MAX + 1];
	size_t n = 0;

	for (size_t i = 0; i < s->nbox; i++)
		boxes[n++] = s->box[i];
	if (s->nrouted > 0)
		boxes[n++] = QUEUE_BOX;
	if (maildir_commit(err, d, s->cfg->maildir, boxes, n) < 0) {
		log_event(s->peer, "message %s not stored: %s", id, err);
		return -1;
	}
	if (s->nrouted > 0 && queue_envelope(err, s, d) < 0) {
		/* No envelope, no relay: take the local copies back too. */
		maildir_delivery_name(d, name, sizeof name);
		maildir_undo(s->cfg->maildir, boxes, n, name);
		log_event(s->peer, "message %s not queued: %s", id, err);
		return -1;
	}
	return 0;
}

/* Reply to the end of DATA: 250 only when every copy is on disk. */
static void data_finish(struct session *s, struct maildir_delivery *d,
                        const struct smtp_data *r, const char *id)
{
	if (r->too_big || r->bare_lf || r->hops > SMTP_HOPS_MAX) {
		maildir_abort(d);
		if (r->too_big)
			reply(s, "552 5.3.4 Message size exceeds fixed limit of "
			         "%lu octets", s->cfg->max_size);
		else if (r->bare_lf)
			reply(s, "550 5.6.0 Bare LF in message: use CRLF");
		else
			reply(s, "554 5.4.6 Too many hops (%u Received: headers): "
			         "mail loop?", r->hops);
		log_event(s->peer, "message %s refused", id);
		return;
	}
	if (deliver(s, d, id) < 0) {
		reply(s, "451 4.3.0 Local error, message not stored");
		return;
	}
	reply(s, "250 2.0.0 Ok: queued as %s", id);
	log_event(s->peer, "message %s stored: %llu octets from <%s> (HELO %s) "
	          "for <%s>%s, %zu mailbox(es)", id, r->octets, s->from, s->helo,
	          s->rcpt[0], s->nrcpt > 1 ? " and others" : "", s->nbox);
	if (s->nrouted > 0)
		server_wake_helper(); /* the queue runner: new mail to relay */
}

/* The log's id for a message: its unique name up to the host part. */
static void queue_id(char *id, const char *uniq)
{
	size_t n = strcspn(uniq, ".");

	if (uniq[n] == '.')
		n += 1 + strcspn(uniq + n + 1, ".");
	snprintf(id, MAILDIR_UNIQ_MAX, "%.*s", (int)n, uniq);
}

/* "DATA": 354, the message, then one reply for it (RFC 5321 4.1.1.4). */
static void cmd_data(struct session *s, char *arg)
{
	struct maildir_delivery d;
	struct smtp_data r;
	enum conn_status st;
	char err[MAILDIR_ERR_LEN], id[MAILDIR_UNIQ_MAX];

	if (*arg != '\0') {
		reply(s, "501 5.5.4 Syntax: DATA");
		return;
	}
	/* Stream into the first local mailbox's tmp/, or the queue's. */
	if (maildir_begin(err, &d, s->cfg->maildir,
	                  s->nbox ? s->box[0] : QUEUE_BOX) < 0) {
		reply(s, "451 4.3.0 Local error: cannot store mail now");
		log_event(s->peer, "%s", err);
		return;
	}
	queue_id(id, d.uniq);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	trace_headers(s, &d, id);
	st = data_read(s, &d, &r);
	if (st != CONN_LINE) {
		maildir_abort(&d); /* cut short: keep nothing */
		log_event(s->peer, "message %s dropped: %s", id,
		          conn_status_text(&s->conn, st));
		s->end = st;
		set_state(s, ST_QUIT);
		return;
	}
	if (!s->cfg->strict_crlf)
		r.bare_lf = false;
	data_finish(s, &d, &r, id);
	reset_transaction(s);
}

/* ---- AUTH (RFC 4954): PLAIN (RFC 4616) and LOGIN ---- */

/*
 * One step of an AUTH exchange: the initial response given with the
 * command, or else the prompt sent and a line read (RFC 4954 4).  out
 * (SMTP_CMD_MAX bytes) gets it decoded; the length, or -1 (replied).
 */
static long auth_response(struct session *s, const char *initial,
                          const char *prompt, char *out)
{
	size_t n;
	enum conn_ending end;
	enum conn_status st;
	long k;

	if (*initial == '\0') {
		conn_printf(&s->conn, "%s", prompt);
		st = conn_read_command(&s->conn, s->line, SMTP_CMD_MAX, &n, &end);
		if (st != CONN_LINE && st != CONN_TOOLONG) { /* gone, timeout */
			s->end = st;
			set_state(s, ST_QUIT);
			return -1;
		}
		if (st == CONN_TOOLONG) {
			reply(s, "501 5.5.2 Authentication line too long");
			return -1;
		}
		if (strcmp(s->line, "*") == 0) {
			reply(s, "501 5.0.0 Authentication cancelled");
			return -1;
		}
		initial = s->line;
	}
	k = base64_decode(initial, strlen(initial), (unsigned char *)out);
	if (k < 0)
		reply(s, "501 5.5.2 Cannot decode base64");
	else
		out[k] = '\0';
	return k;
}

/* Check a user and password against the users file; reply either way. */
static void auth_check(struct session *s, const char *user, const char *pass)
{
	int ok = users_check(s->cfg->users_file, user, pass);

	if (ok < 0) { /* RFC 4954 6: a temporary failure, not a wrong password */
		reply(s, "454 4.7.0 Temporary authentication failure");
		log_event(s->peer, "AUTH as %s: users file unreadable", user);
	} else if (ok == 1) {
		s->authenticated = true;
		str_copy(s->user, user, sizeof s->user);
		reply(s, "235 2.7.0 Authentication successful");
		log_event(s->peer, "AUTH as %s: ok", user);
	} else {
		reply(s, "535 5.7.8 Authentication credentials invalid");
		log_event(s->peer, "AUTH as %s: refused", user);
	}
}

/* C: AUTH PLAIN AGdpemVtADEyMzQ=  ("\0gizem\01234", RFC 4616 2) */
static void auth_plain(struct session *s, const char *initial)
{
	char buf[SMTP_CMD_MAX];
	const char *user, *pass;
	long n = auth_response(s, initial, "334 ", buf);
	enum sasl_error e;

	if (n < 0)
		return;
	e = sasl_plain(buf, (size_t)n, &user, &pass);
	if (e == SASL_CONTROL)
		reply(s, "501 5.5.2 Control byte in the user name");
	else if (e != SASL_OK)
		reply(s, "501 5.5.2 PLAIN needs authzid NUL user NUL password");
	else
		auth_check(s, user, pass);
	memset(buf, 0, sizeof buf);
}

/* S: 334 VXNlcm5hbWU6 ("Username:")  S: 334 UGFzc3dvcmQ6 ("Password:") */
static void auth_login(struct session *s, const char *initial)
{
	char user[SMTP_CMD_MAX], pass[SMTP_CMD_MAX];

	if (auth_response(s, initial, "334 VXNlcm5hbWU6", user) < 0 ||
	    auth_response(s, "", "334 UGFzc3dvcmQ6", pass) < 0)
		return;
	if (sasl_check_user(user) != SASL_OK)
		reply(s, "501 5.5.2 Control byte in the user name");
	else
		auth_check(s, user, pass);
	memset(pass, 0, sizeof pass);
}

static void cmd_auth(struct session *s, char *arg)
{
	char *mech = strsep(&arg, " ");
	const char *initial = arg ? arg : "";

	if (s->authenticated) {
		reply(s, "503 5.5.1 Already authenticated");
		return;
	}
	if (!s->esmtp) {
		reply(s, "503 5.5.1 AUTH needs EHLO first");
		return;
	}
	if (strcmp(initial, "=") == 0)
		initial = ""; /* RFC 4954 4: "=" is an empty initial response */
	if (str_ncase_eq(mech, "PLAIN", 6))
		auth_plain(s, initial);
	else if (str_ncase_eq(mech, "LOGIN", 6))
		auth_login(s, initial);
	else
		reply(s, "504 5.5.4 Unrecognized authentication type");
}

/* ---- the simple ones ---- */

static void cmd_rset(struct session *s, char *arg)
{
	(void)arg;
	reset_transaction(s);
	reply(s, "250 2.0.0 Ok");
}

static void cmd_noop(struct session *s, char *arg)
{
	(void)arg; /* RFC 5321 4.1.1.9: a parameter is ignored */
	reply(s, "250 2.0.0 Ok");
}

static void cmd_vrfy(struct session *s, char *arg)
{
	if (*arg == '\0')
		reply(s, "501 5.5.4 Syntax: VRFY address");
	else /* RFC 5321 3.5.3: neither confirm nor deny */
		reply(s, "252 2.5.2 Cannot VRFY user, but will accept message "
		         "and attempt delivery");
}

static void cmd_help(struct session *s, char *arg)
{
	(void)arg;
	conn_printf(&s->conn, "214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA");
	conn_printf(&s->conn, "214-2.0.0 RSET NOOP QUIT VRFY HELP AUTH");
	reply(s, "214 2.0.0 See RFC 5321 for details");
}

static void cmd_quit(struct session *s, char *arg)
{
	(void)arg;
	reply(s, "221 2.0.0 %s closing connection", s->cfg->hostname);
	set_state(s, ST_QUIT);
}

static void cmd_starttls(struct session *s, char *arg)
{
	(void)arg; /* the lab shows clear text; RFC 3207 is not here */
	reply(s, "502 5.5.1 STARTTLS not available in this lab server");
}

/* ---- the command table and dispatch ---- */

struct command {
	const char *verb;
	unsigned states;      /* where it is allowed */
	const char *too_soon; /* the 503 text elsewhere */
	bool takes_arg;       /* false: anything after the verb is a 501 */
	void (*run)(struct session *, char *arg);
};

static const struct command commands[] = {
	{ "HELO", ST_ANY, NULL, true, cmd_helo },
	{ "EHLO", ST_ANY, NULL, true, cmd_ehlo },
	{ "AUTH", ST_READY, "AUTH not allowed now", true, cmd_auth },
	{ "MAIL", ST_READY, "Send HELO/EHLO first, one MAIL at a time", true,
	  cmd_mail },
	{ "RCPT", ST_MAIL | ST_RCPT, "Need MAIL before RCPT", true, cmd_rcpt },
	{ "DATA", ST_RCPT, "Need RCPT (a valid recipient) before DATA", true,
	  cmd_data },
	{ "RSET", ST_ANY, NULL, false, cmd_rset },
	{ "NOOP", ST_ANY, NULL, true, cmd_noop },
	{ "VRFY", ST_ANY, NULL, true, cmd_vrfy },
	{ "HELP", ST_ANY, NULL, true, cmd_help },
	{ "QUIT", ST_ANY, NULL, false, cmd_quit },
	{ "STARTTLS", ST_ANY, NULL, false, cmd_starttls },
	{ NULL, 0, NULL, false, NULL } /* anything else: 500 */
};

/* Is every byte of the command acceptable?  Replies when not. */
static bool clean_command(struct session *s, size_t len)
{
	bool mail_or_rcpt = str_ncase_eq(s->line, "MAIL ", 5) ||
	                    str_ncase_eq(s->line, "RCPT ", 5);

	if (strlen(s->line) != len) {
		reply(s, "500 5.5.2 NUL byte in command");
		return false;
	}
	if (s->cfg->strict_crlf && s->ending != END_CRLF) {
		reply(s, "500 5.5.2 Bare LF: end commands with CRLF");
		return false;
	}
	/* Non-ASCII only inside an SMTPUTF8 address (checked by the parser). */
	if (!mail_or_rcpt && addr_has_utf8(s->line)) {
		reply(s, "500 5.5.2 Non-ASCII byte in command");
		return false;
	}
	/* A CR or an escape in HELO's name would reach headers and logs. */
	for (const char *p = s->line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			reply(s, "501 5.5.2 Control byte in command");
			return false;
		}
	return true;
}

/* Find the verb, check the state, run the handler. */
static void dispatch(struct session *s, size_t len)
{
	const struct command *c;
	size_t vlen = strcspn(s->line, " ");
	char *arg = s->line + vlen;

	if (!clean_command(s, len))
		return;
	if (*arg == ' ')
		*arg++ = '\0';
	for (c = commands; c->verb; c++)
		if (strlen(c->verb) == vlen && str_ncase_eq(s->line, c->verb, vlen))
			break;
	if (c->verb == NULL)
		reply(s, "500 5.5.2 Command unrecognized: \"%.40s\"", s->line);
	else if (!(c->states & s->state))
		reply(s, "503 5.5.1 Bad sequence of commands: %s", c->too_soon);
	else if (!c->takes_arg && *arg != '\0')
		reply(s, "501 5.5.4 Syntax: %s takes no argument", c->verb);
	else
		c->run(s, arg);
}

/* Tell the client why the session ends, when it can still hear it. */
static void session_end(struct session *s)
{
	if (s->end == CONN_TIMEOUT)
		reply(s, "421 4.4.2 %s Timeout, closing connection",
		      s->cfg->hostname);
	else if (s->end == CONN_STOP)
		reply(s, "421 4.3.2 %s Service shutting down", s->cfg->hostname);
	conn_flush(&s->conn);
	log_event(s->peer, "disconnected (%s)",
	          s->end != CONN_LINE ? conn_status_text(&s->conn, s->end)
	          : s->errors >= SMTP_ERRORS_MAX ? "too many errors" : "QUIT");
}

/* One SMTP session, from the greeting to QUIT (or the peer vanishing). */
static void smtp_session(int rfd, int wfd, const char *peer, void *ctx)
{
	struct session *s = calloc(1, sizeof *s);
	enum conn_status st;
	size_t len;

	if (s == NULL)
		return;
	s->cfg = ctx;
	s->peer = peer;
	s->state = ST_INIT;
	s->end = CONN_LINE;
	net_peer_addr(rfd, s->peer_addr, sizeof s->peer_addr);
	conn_init(&s->conn, rfd, wfd, s->cfg->timeout, s->cfg->verbose,
	          CONN_SERVER);
	log_event(peer, "connected");
	reply(s, "220 %s %s mailab ready", s->cfg->hostname,
	      s->cfg->esmtp ? "ESMTP" : "SMTP");
	while (s->state != ST_QUIT) {
		st = conn_read_command(&s->conn, s->line, SMTP_CMD_MAX, &len,
		                       &s->ending);
		if (st == CONN_TOOLONG)
			reply(s, "500 5.5.2 Line too long (limit %d octets)",
			      SMTP_CMD_MAX);
		else if (st == CONN_LINE)
			dispatch(s, len);
		else { /* gone, timed out, or the server is stopping */
			s->end = st;
			set_state(s, ST_QUIT);
		}
		if (s->errors >= SMTP_ERRORS_MAX && s->state != ST_QUIT) {
			reply(s, "421 4.7.0 Too many errors, closing connection");
			set_state(s, ST_QUIT);
		}
	}
	session_end(s);
	free(s);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: smtp_server [-p PORT] [-b ADDR]... [-d DIR] [-n HOSTNAME]\n"
	    "                   [--max-size BYTES] [--timeout SECONDS]\n"
	    "                   [--max-clients N] [--domain DOMAIN]... [-U FILE]\n"
	    "                   [--auth-required] [--strict-crlf] [--stdio]\n"
	    "                   [--no-pipelining] [--no-8bitmime] [--no-esmtp] [-v]\n"
	    "\n"
	    "Receive mail over SMTP and store it in DIR/<user>/new/ (Maildir).\n"
	    "\n"
	    "  -p, --port PORT        port to listen on (default 1025)\n"
	    "  -b, --bind ADDR        address to listen on, repeatable\n"
	    "                         (default 127.0.0.1 and ::1)\n"
	    "  -d, --maildir DIR      mail store (default ./maildir)\n"
	    "  -n, --hostname NAME    name in the greeting and Received:\n"
	    "      --max-size BYTES   largest message (default 10485760)\n"
	    "      --timeout SECONDS  idle limit per session (default 300)\n"
	    "      --max-clients N    sessions at once (default 100)\n"
	    "      --domain DOMAIN    accept mail only for DOMAIN (repeatable)\n"
	    "      --relay DOMAIN=HOST:PORT  queue mail for DOMAIN and forward it\n"
	    "                         to that SMTP server (repeatable)\n"
	    "      --retry SECONDS    first retry delay, doubling (default 30)\n"
	    "      --queue-lifetime SECONDS  then bounce (default 86400)\n"
	    "  -U, --users FILE       users file for AUTH (default ./users.txt);\n"
	    "                         given, it also refuses unknown recipients\n"
	    "      --auth-required    refuse MAIL before AUTH (530)\n"
	    "      --strict-crlf      refuse bare LF line endings\n"
	    "      --stdio            one session on stdin/stdout (inetd style)\n"
	    "      --no-pipelining, --no-8bitmime  do not offer the extension\n"
	    "      --no-esmtp         refuse EHLO (502): HELO only\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"
	    "\n"
	    "Example:\n"
	    "  ./smtp_server -v            then, in another terminal:\n"
	    "  nc -C localhost 1025        and type HELO, MAIL FROM:, ...\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1025\n"
	    "Port 1025 is not SMTP's usual 25, so use Analyze > Decode As... >\n"
	    "TCP port 1025 > SMTP to see the commands decoded.\n");
}

enum { OPT_MAX_SIZE = 256, OPT_TIMEOUT, OPT_DOMAIN,
       OPT_AUTH_REQUIRED, OPT_STRICT, OPT_STDIO, OPT_NO_PIPELINING,
       OPT_NO_8BITMIME, OPT_NO_ESMTP, OPT_VERSION, OPT_RELAY, OPT_RETRY,
       OPT_LIFETIME };

static const struct option options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "maildir", required_argument, NULL, 'd' },
	{ "hostname", required_argument, NULL, 'n' },
	{ "users", required_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-clients", required_argument, NULL, SERVER_OPT_MAX_CLIENTS },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "auth-required", no_argument, NULL, OPT_AUTH_REQUIRED },
	{ "strict-crlf", no_argument, NULL, OPT_STRICT },
	{ "stdio", no_argument, NULL, OPT_STDIO },
	{ "no-pipelining", no_argument, NULL, OPT_NO_PIPELINING },
	{ "no-8bitmime", no_argument, NULL, OPT_NO_8BITMIME },
	{ "no-esmtp", no_argument, NULL, OPT_NO_ESMTP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "relay", required_argument, NULL, OPT_RELAY },
	{ "retry", required_argument, NULL, OPT_RETRY },
	{ "queue-lifetime", required_argument, NULL, OPT_LIFETIME },
	{ NULL, 0, NULL, 0 }
};

/* Fill cfg and srv from argv; returns true for --stdio. */
static bool parse_options(int argc, char **argv, struct smtp_config *cfg,
                          struct server_config *srv)
{
	bool stdio = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "p:b:d:n:U:vh", options, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg->maildir = optarg; break;
		case 'n': str_copy(cfg->hostname, optarg, sizeof cfg->hostname); break;
		case 'U': cfg->users_file = optarg; cfg->check_rcpt = true; break;
		case 'v': cfg->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_MAX_SIZE: cfg->max_size = opt_ulong("--max-size", optarg, 1, (unsigned long)-1); break;
		case OPT_TIMEOUT: cfg->timeout = (int)opt_ulong("--timeout", optarg, 1, 86400); break;
		case OPT_DOMAIN:
			if (cfg->relay.ndomain == RELAY_DOMAINS_MAX)
				die(EX_USAGE, "--domain: at most %d domains", RELAY_DOMAINS_MAX);
			cfg->relay.domains[cfg->relay.ndomain++] = optarg;
			break;
		case OPT_RELAY:
			if (cfg->relay.nroute == RELAY_ROUTES_MAX ||
			    relay_parse_route(optarg, &cfg->relay.routes[cfg->relay.nroute++]) < 0)
				die(EX_USAGE, "--relay: '%s' is not DOMAIN=HOST:PORT "
				    "(at most %d routes)", optarg, RELAY_ROUTES_MAX);
			break;
		case OPT_RETRY: cfg->relay.retry = opt_ulong("--retry", optarg, 1, 86400); break;
		case OPT_LIFETIME: cfg->relay.lifetime = opt_ulong("--queue-lifetime", optarg, 0, 31536000); break;
		case OPT_AUTH_REQUIRED: cfg->auth_required = true; break;
		case OPT_STRICT: cfg->strict_crlf = true; break;
		case OPT_STDIO: stdio = true; break;
		case OPT_NO_PIPELINING: cfg->pipelining = false; break;
		case OPT_NO_8BITMIME: cfg->eightbit = false; break;
		case OPT_NO_ESMTP: cfg->esmtp = false; break;
		case OPT_VERSION: printf("smtp_server (mailab) %s\n", MAILAB_VERSION); exit(0);
		default:
			if (!server_option(srv, ch, optarg)) { /* -p, -b, ... */
				usage(stderr);
				exit(EX_USAGE);
			}
		}
	}
	if (optind < argc)
		die(EX_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);
	return stdio;
}

int main(int argc, char **argv)
{
	struct smtp_config cfg = {
		.maildir = "./maildir", .max_size = SMTP_DEFAULT_SIZE,
		.timeout = SMTP_DEFAULT_TIMEOUT, .users_file = "./users.txt",
		.pipelining = true, .eightbit = true, .esmtp = true,
		.relay = { .retry = SMTP_DEFAULT_RETRY,
		           .lifetime = SMTP_DEFAULT_LIFETIME, .timeout = 60 },
	};
	struct server_config srv = {
		.port = 1025, .max_clients = 100,
		.busy_reply = "421 4.3.2 Too many connections, try again later",
		.session = smtp_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	util_hostname(cfg.hostname, sizeof cfg.hostname);
	bool stdio = parse_options(argc, argv, &cfg, &srv);
	cfg.relay.maildir = cfg.maildir;
	cfg.relay.hostname = cfg.hostname;
	cfg.relay.verbose = cfg.verbose;
	if (cfg.relay.nroute > 0) {
		srv.helper = relay_runner;
		srv.helper_ctx = &cfg.relay;
	}
	if (cfg.check_rcpt && users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, "cannot read users file %s", cfg.users_file);
	return stdio ? server_stdio(&srv) : server_run(&srv);
}
