/*
 * pop_server: the reading side of the lab — a POP3 server (RFC 1939)
 * that hands out the messages smtp_server stored in the Maildir.
 *
 * Covers: RFC 1939 (USER, PASS, APOP, STAT, LIST, RETR, DELE, NOOP,
 * RSET, QUIT, TOP, UIDL; the AUTHORIZATION, TRANSACTION and UPDATE
 * states of 3-6; byte-stuffing of 3), RFC 2449 (CAPA, response codes
 * IN-USE, the 255-octet command limit of 4), RFC 3206 (AUTH, SYS/TEMP,
 * SYS/PERM); with make TLS=1, STLS (RFC 2595 4) and implicit TLS on
 * --tls-port (RFC 8314).  Leaves out: SASL AUTH, LOGIN-DELAY.
 *
 * This file holds the protocol: its states, its command table and its
 * handlers; lib/session.c reads the lines, answers unknown verbs and
 * commands out of sequence, and counts one reply per command.  The
 * maildrop is a snapshot of the mailbox taken at login, under an
 * fcntl() lock; deletions happen only at QUIT.  Messages are streamed
 * from their files through lib/dot.c, never held whole.  Login names
 * become mailboxes by lib/identity.c's one rule.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "i18n.h"
#include "identity.h"
#include "maildir.h"
#include "md5.h"
#include "pop_config.h"
#include "pop_msg.h"
#include "server.h"
#include "session.h"
#include "teach.h"
#include "tls_setup.h"
#include "users.h"
#include "util.h"

#define POP_CMD_MAX 255         /* RFC 2449 4: 255 octets, CRLF included */
#define POP_DEFAULT_PORT 1110   /* 110 (RFC 1939 3) needs root */

/* RFC 1939 3: the states of a session. */
enum state {
	ST_AUTH = 1 << 0,   /* AUTHORIZATION: waiting for USER or APOP */
	ST_PASS = 1 << 1,   /* AUTHORIZATION, USER given: waiting for PASS */
	ST_TRANS = 1 << 2,  /* TRANSACTION: the maildrop is locked */
	ST_UPDATE = 1 << 3, /* UPDATE: QUIT is removing what DELE marked */
	ST_DONE = 1 << 4    /* the session is over */
};
#define ST_LOGIN (ST_AUTH | ST_PASS)
#define ST_ANY (ST_LOGIN | ST_TRANS)

/* One POP3 session: the shared plumbing, and what POP3 remembers. */
struct pop {
	const struct pop_config *cfg;
	struct session s;
	char stamp[320];          /* the APOP timestamp of the greeting */
	char user[ID_BOX_MAX + 1];    /* USER's name, as given */
	char box_name[ID_BOX_MAX + 1];
	struct maildir_box box;   /* the maildrop, in TRANSACTION */
};

/* RFC 1939's name for a state (ST_PASS is part of AUTHORIZATION). */
static const char *state_name(unsigned st)
{
	switch (st) {
	case ST_AUTH:
	case ST_PASS:
		return "AUTHORIZATION";
	case ST_TRANS:
		return "TRANSACTION";
	case ST_UPDATE:
		return "UPDATE";
	}
	return "closed";
}

/* "1 message", "2 messages": the reply texts a student reads. */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/* Count and size of the messages not marked deleted. */
static void drop_totals(const struct pop *p, size_t *count,
                        unsigned long long *octets)
{
	*count = 0;
	*octets = 0;
	for (size_t i = 0; i < p->box.n; i++)
		if (!p->box.msg[i].deleted) {
			(*count)++;
			*octets += p->box.msg[i].size;
		}
}

/* ---- AUTHORIZATION (RFC 1939 4 and 7) ---- */

/* Lock and snapshot the mailbox box; reply either way. */
static void open_maildrop(struct pop *p, const char *box, const char *how)
{
	struct session *s = &p->s;
	char err[MAILDIR_ERR_LEN] = "";
	size_t count;
	unsigned long long octets;
	int rc;

	if ((rc = maildir_lock(err, &p->box, p->cfg->maildir, box)) == 0 &&
	    maildir_scan(err, &p->box) < 0)
		rc = -1;
	if (rc != 0) {
		maildir_close(&p->box);
		session_set_state(s, ST_AUTH);
		/* RFC 2449 8.1.2: IN-USE; RFC 3206 4: SYS/TEMP. */
		session_reply(s, rc == 1 ? "-ERR [IN-USE] maildrop already locked "
		                           "by another session"
		                         : "-ERR [SYS/TEMP] cannot open the maildrop");
		log_event(s->peer, _("login as %s: %s"), box, err);
		return;
	}
	str_copy(p->box_name, box, sizeof p->box_name);
	session_set_state(s, ST_TRANS);
	drop_totals(p, &count, &octets);
	session_reply(s, "+OK %s has %zu message%s (%llu octets)", box, count,
	              PLURAL(count), octets);
	log_event(s->peer, _("login as %s (%s): %zu messages, %llu octets"), box,
	          how, count, octets);
}

/* A refused login: RFC 3206 4 [AUTH], or [SYS/TEMP] when we failed. */
static void login_refused(struct pop *p, const char *user, int found,
                          const char *how)
{
	session_set_state(&p->s, ST_AUTH);
	if (found < 0)
		session_reply(&p->s, "-ERR [SYS/TEMP] cannot read the users file");
	else
		session_reply(&p->s, "-ERR [AUTH] invalid user name or password");
	log_event(p->s.peer, _("login as %.64s (%s): refused%s"), user, how,
	          found < 0 ? " (users file unreadable)" : "");
}

/* C: USER gizem   S: +OK  (the name is checked with the password) */
static void cmd_user(struct session *s, char *arg)
{
	struct pop *p = s->app;

	(void)arg;
	if (strlen(s->argv[0]) > ID_BOX_MAX) {
		session_set_state(s, ST_AUTH);
		session_reply(s, "-ERR user name too long");
		return;
	}
	str_copy(p->user, s->argv[0], sizeof p->user);
	session_set_state(s, ST_PASS);
	session_reply(s, "+OK send PASS for %s", p->user);
}

/* C: PASS 1234  (the rest of the line, spaces included: RFC 1939 7) */
static void cmd_pass(struct session *s, char *arg)
{
	struct pop *p = s->app;
	char box[ID_BOX_MAX + 1];
	int ok = 0;

	/* The one identity rule: the login name is the mailbox's name. */
	if (id_login_box(p->user, box) == 0)
		ok = users_check(p->cfg->users_file, box, arg);
	memset(arg, 0, strlen(arg)); /* no copy left in memory */
	if (ok == 1)
		open_maildrop(p, box, "USER/PASS");
	else
		login_refused(p, p->user, ok, "USER/PASS");
}

/* C: APOP gizem <MD5 of the greeting's timestamp + password, in hex> */
static void cmd_apop(struct session *s, char *arg)
{
	struct pop *p = s->app;
	char pass[USERS_LINE_MAX], secret[sizeof p->stamp + USERS_LINE_MAX];
	char hex[MD5_HEX_LEN + 1] = "", box[ID_BOX_MAX + 1];
	int found = 0;

	(void)arg;
	if (id_login_box(s->argv[0], box) == 0)
		found = users_lookup(p->cfg->users_file, box, pass, sizeof pass);
	if (found == 1) {
		int n = snprintf(secret, sizeof secret, "%s%s", p->stamp, pass);
		md5_hex(secret, (size_t)n < sizeof secret ? (size_t)n : 0, hex);
		memset(secret, 0, sizeof secret);
		memset(pass, 0, sizeof pass);
	}
	if (found == 1 && strlen(s->argv[1]) == MD5_HEX_LEN &&
	    str_ncase_eq(hex, s->argv[1], MD5_HEX_LEN))
		open_maildrop(p, box, "APOP");
	else
		login_refused(p, s->argv[0], found == 1 ? 0 : found, "APOP");
}

/*
 * C: STLS   S: +OK Begin TLS negotiation   then the handshake (RFC 2595
 * 4).  Whatever came before it (a USER name) no longer counts.
 */
static void cmd_stls(struct session *s, char *arg)
{
	struct pop *p = s->app;

	(void)arg; /* the table allows none */
	if (p->cfg->tls.ctx == NULL) {
		session_reply(s, "-ERR STLS not available in this lab server");
		return;
	}
	if (conn_tls_active(&s->conn)) {
		session_reply(s, "-ERR TLS already active");
		return;
	}
	session_reply(s, "+OK Begin TLS negotiation");
	if (tls_session_start(s, p->cfg->tls.ctx))
		session_set_state(s, ST_AUTH);
}

/* ---- TRANSACTION (RFC 1939 5 and 7) ---- */

/* A message-number argument, strictly 1..n and not deleted: its index,
 * or -1 after the -ERR. */
static long msg_arg(struct pop *p, const char *arg)
{
	unsigned long n;

	if (parse_ulong(arg, (unsigned long)-1, &n) < 0 || n == 0) {
		session_reply(&p->s, "-ERR invalid message number: %.40s", arg);
		return -1;
	}
	if (n > p->box.n) {
		session_reply(&p->s, "-ERR no such message: %lu (maildrop has "
		                     "%zu)", n, p->box.n);
		return -1;
	}
	if (p->box.msg[n - 1].deleted) {
		session_reply(&p->s, "-ERR message %lu already deleted", n);
		return -1;
	}
	return (long)(n - 1);
}

static void cmd_stat(struct session *s, char *arg)
{
	size_t count;
	unsigned long long octets;

	(void)arg;
	drop_totals(s->app, &count, &octets);
	session_reply(s, "+OK %zu %llu", count, octets); /* RFC 1939 5 */
}

/* One LIST or UIDL value: the size, or the unique id. */
static void list_value(struct pop *p, size_t i, bool uidl,
                       char uid[MAILDIR_UID_MAX + 1])
{
	if (uidl)
		maildir_uid(&p->box, i, uid);
	else
		snprintf(uid, MAILDIR_UID_MAX + 1, "%llu", p->box.msg[i].size);
}

/* LIST and UIDL: one line per message; "n" alone answers for n. */
static void list_or_uidl(struct session *s, bool uidl)
{
	struct pop *p = s->app;
	char v[MAILDIR_UID_MAX + 1];
	size_t count;
	unsigned long long octets;
	long i;

	if (s->argc == 1) {
		if ((i = msg_arg(p, s->argv[0])) < 0)
			return;
		list_value(p, (size_t)i, uidl, v);
		session_reply(s, "+OK %ld %s", i + 1, v);
		return;
	}
	drop_totals(p, &count, &octets);
	if (uidl)
		session_reply(s, "+OK unique-id listing follows");
	else
		session_reply(s, "+OK %zu message%s (%llu octets)", count,
		              PLURAL(count), octets);
	for (size_t k = 0; k < p->box.n; k++)
		if (!p->box.msg[k].deleted) {
			list_value(p, k, uidl, v);
			session_send(s, "%zu %s", k + 1, v);
		}
	conn_send_line(&s->conn, ".", 1);
}

static void cmd_list(struct session *s, char *arg)
{
	(void)arg;
	list_or_uidl(s, false);
}

/* RFC 1939 7: unique ids of 1-70 characters 0x21-0x7E. */
static void cmd_uidl(struct session *s, char *arg)
{
	(void)arg;
	list_or_uidl(s, true);
}

/* RETR and TOP: "+OK N octets", then the message and ".".  N is exact
 * for what follows (CRLF endings, before stuffing): for RETR the size
 * LIST gave (W=, or measured at login; RFC 1939 wants them equal), for
 * TOP a counting pass first.  A RETR whose file disagrees is logged. */
static void send_reply(struct pop *p, const char *arg, bool top,
                       unsigned long lines)
{
	struct session *s = &p->s;
	long i = msg_arg(p, arg);
	int fd = i < 0 ? -1 : maildir_open_msg(&p->box, (size_t)i);
	long long octets = fd < 0 ? -1 : !top ? (long long)p->box.msg[i].size
	                                      : pop_msg_send(NULL, fd, true, lines);
	long long sent;

	if (i < 0)
		return;
	if (octets < 0) {
		if (fd >= 0)
			close(fd);
		session_reply(s, "-ERR [SYS/TEMP] cannot read message %ld", i + 1);
		log_event(s->peer, _("cannot read %s"),
		          maildir_msg_name(&p->box, (size_t)i));
		return;
	}
	session_reply(s, "+OK %lld octets", octets);
	sent = pop_msg_send(&s->conn, fd, top, lines);
	close(fd);
	if (sent < 0 || conn_send_line(&s->conn, ".", 1) < 0) {
		log_event(s->peer, _("message %ld not sent whole: ending session"),
		          i + 1);
		s->why = "message not sent whole";
		session_set_state(s, ST_DONE); /* the reply is broken: no UPDATE */
		return;
	}
	if (sent != octets) /* a hand-made name with a wrong W= */
		log_event(s->peer, _("message %ld: %lld octets sent, %lld announced "
		          "(W= in %s)"), i + 1, sent, octets,
		          maildir_msg_name(&p->box, (size_t)i));
	if (!top)
		p->box.msg[i].seen = 1;
}

static void cmd_retr(struct session *s, char *arg)
{
	(void)arg;
	send_reply(s->app, s->argv[0], false, 0);
}

/* C: TOP msg n   headers, the blank line, n body lines (RFC 1939 7). */
static void cmd_top(struct session *s, char *arg)
{
	unsigned long lines;

	(void)arg;
	if (parse_ulong(s->argv[1], (unsigned long)-1, &lines) < 0)
		session_reply(s, "-ERR invalid number of lines: %.40s",
		              s->argv[1]);
	else
		send_reply(s->app, s->argv[0], true, lines);
}

/* DELE only marks: the file goes at QUIT (RFC 1939 5 and 6). */
static void cmd_dele(struct session *s, char *arg)
{
	struct pop *p = s->app;
	long i = msg_arg(p, s->argv[0]);

	(void)arg;
	if (i < 0)
		return;
	p->box.msg[i].deleted = 1;
	session_reply(s, "+OK message %ld deleted", i + 1);
}

static void cmd_noop(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, "+OK");
}

/* RSET unmarks every deleted message (RFC 1939 5). */
static void cmd_rset(struct session *s, char *arg)
{
	struct pop *p = s->app;
	size_t count;
	unsigned long long octets;

	(void)arg;
	for (size_t i = 0; i < p->box.n; i++)
		p->box.msg[i].deleted = 0;
	drop_totals(p, &count, &octets);
	session_reply(s, "+OK maildrop has %zu message%s (%llu octets)", count,
	              PLURAL(count), octets);
}

/* QUIT: in TRANSACTION, the UPDATE state removes what DELE marked. */
static void cmd_quit(struct session *s, char *arg)
{
	struct pop *p = s->app;
	char err[MAILDIR_ERR_LEN];
	size_t count;
	unsigned long long octets;
	int failed;

	(void)arg;
	if (s->state != ST_TRANS) { /* RFC 1939 4: just close */
		session_reply(s, "+OK %s POP3 server signing off",
		              p->cfg->hostname);
		session_set_state(s, ST_DONE);
		return;
	}
	session_set_state(s, ST_UPDATE);
	failed = maildir_update(err, &p->box);
	drop_totals(p, &count, &octets);
	/* Unlock before the last reply: a client that logs in again as soon
	 * as it reads +OK must not find its own old session in the way. */
	maildir_close(&p->box);
	if (failed != 0) {
		session_reply(s, "-ERR [SYS/PERM] some deleted messages not "
		                 "removed");
		log_event(s->peer, _("update of %s: %s"), p->box_name, err);
	} else {
		session_reply(s, "+OK %s POP3 server signing off (%zu message%s "
		                 "left)", p->cfg->hostname, count, PLURAL(count));
	}
	session_set_state(s, ST_DONE);
}

/* RFC 2449 5: the capabilities, one per line. */
static void cmd_capa(struct session *s, char *arg)
{
	static const char *const capa[] = {
		"TOP", "USER", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
		"PIPELINING", "EXPIRE NEVER",
		("IMPLEMENTATION mailab-" MAILAB_VERSION),
	};

	(void)arg;
	session_reply(s, "+OK Capability list follows");
	for (size_t i = 0; i < sizeof capa / sizeof capa[0]; i++)
		session_send(s, "%s", capa[i]);
	if (((struct pop *)s->app)->cfg->tls.ctx && !conn_tls_active(&s->conn))
		session_send(s, "STLS");
	conn_send_line(&s->conn, ".", 1);
}

/* ---- the command table and what the dispatcher says ---- */

static const struct session_command commands[] = {
	{ "USER", ST_LOGIN, 1, 1, "USER name", cmd_user },
	{ "PASS", ST_PASS, 1, SESSION_REST, "PASS password", cmd_pass },
	{ "APOP", ST_LOGIN, 2, 2, "APOP name digest", cmd_apop },
	{ "STLS", ST_LOGIN, 0, 0, "STLS", cmd_stls },
	{ "STAT", ST_TRANS, 0, 0, "STAT", cmd_stat },
	{ "LIST", ST_TRANS, 0, 1, "LIST [msg]", cmd_list },
	{ "RETR", ST_TRANS, 1, 1, "RETR msg", cmd_retr },
	{ "DELE", ST_TRANS, 1, 1, "DELE msg", cmd_dele },
	{ "NOOP", ST_TRANS, 0, 0, "NOOP", cmd_noop },
	{ "RSET", ST_TRANS, 0, 0, "RSET", cmd_rset },
	{ "TOP", ST_TRANS, 2, 2, "TOP msg n", cmd_top },
	{ "UIDL", ST_TRANS, 0, 1, "UIDL [msg]", cmd_uidl },
	{ "CAPA", ST_ANY, 0, 0, "CAPA", cmd_capa },
	{ "QUIT", ST_ANY, 0, 0, "QUIT", cmd_quit },
	{ NULL, 0, 0, 0, NULL, NULL } /* anything else: -ERR */
};

static bool line_ok(struct session *s, size_t len)
{
	if (strlen(s->line) == len)
		return true;
	session_reply(s, "-ERR NUL byte in command");
	return false;
}

static void unknown(struct session *s, const char *verb)
{
	session_reply(s, "-ERR unknown command: \"%.40s\"", verb);
}

static void bad_state(struct session *s, const struct session_command *c)
{
	session_reply(s, "-ERR %s not allowed in the %s state%s", c->verb,
	              state_name(s->state),
	              s->state == ST_AUTH && c->run == cmd_pass ? " (USER first)"
	                                                        : "");
}

static void bad_args(struct session *s, const struct session_command *c)
{
	session_reply(s, "-ERR syntax: %s", c->text);
}

static const struct session_proto pop_proto = {
	.error_mark = '-', .line_max = POP_CMD_MAX, .done = ST_DONE,
	.too_long = "-ERR line too long (limit 255 octets)",
	.too_many = "-ERR too many bad commands, closing connection",
	.commands = commands, .state_name = state_name, .line_ok = line_ok,
	.unknown = unknown, .bad_state = bad_state, .bad_args = bad_args,
};

/* One POP3 session, from the greeting to QUIT (or the peer vanishing);
 * tls: implicit TLS (--tls-port), the handshake before the greeting. */
static void pop_serve(int rfd, int wfd, const char *peer,
                      const struct pop_config *c, bool tls)
{
	struct pop *p = calloc(1, sizeof *p);
	bool dropped;

	if (p == NULL)
		return;
	p->cfg = c;
	p->box.lock_fd = -1;
	session_init(&p->s, &pop_proto, p, rfd, wfd, peer, c->timeout,
	             c->verbose, ST_AUTH);
	/* RFC 1939 7: a timestamp unique to this greeting, for APOP. */
	snprintf(p->stamp, sizeof p->stamp, "<%ld.%lld@%.255s>", (long)getpid(),
	         (long long)time(NULL), c->hostname);
	if (tls && !tls_session_start(&p->s, c->tls.ctx))
		; /* logged; the session is over */
	else if (!session_fault(&p->s, "CONNECT")) /* --fail CONNECT=-ERR */
		session_reply(&p->s, "+OK mailab POP3 server ready %s", p->stamp);
	session_run(&p->s);
	dropped = p->s.end != CONN_LINE && p->box.lock_fd >= 0;
	if (p->s.end == CONN_TIMEOUT) /* RFC 1939 3: autologout, no UPDATE */
		session_send(&p->s, "-ERR autologout: idle for too long");
	else if (p->s.end == CONN_STOP)
		session_send(&p->s, "-ERR [SYS/TEMP] server shutting down");
	conn_flush(&p->s.conn);
	conn_end_tls(&p->s.conn);
	maildir_close(&p->box); /* releases the lock; removes nothing */
	session_log_end(&p->s, dropped ? N_(": no QUIT, maildrop left unchanged")
	                               : NULL);
	free(p);
}

static void pop_session(int rfd, int wfd, const char *peer, void *ctx)
{
	pop_serve(rfd, wfd, peer, ctx, false);
}

static void pop_tls_session(int rfd, int wfd, const char *peer, void *ctx)
{
	pop_serve(rfd, wfd, peer, ctx, true);
}

/* ---- start-up: the options are lib/pop_config.c's ---- */

/* --explain, --lang, --step, --delay, --fail; static, so that main()
 * can run again in one process (the fuzz harness) with a fresh set. */
static struct teach teach;

int main(int argc, char **argv)
{
	struct pop_config cfg;
	struct server_config srv = {
		.port = POP_DEFAULT_PORT, .max_clients = 100,
		.busy_reply = "-ERR [SYS/TEMP] too many connections, try again later",
		.per_ip_reply = "-ERR [SYS/TEMP] too many connections from your address, try again later",
		.session = pop_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	teach_lang(argc, argv);
	teach_server(&teach, FAULT_POP3, commands);
	bool stdio = pop_config_parse(argc, argv, &cfg, &srv, &teach);
	teach_start(&teach, EXPLAIN_POP3, &cfg.verbose);
	teach_serve(&teach, &srv);
	tls_server_ready(&cfg.tls, &srv, pop_tls_session);
	if (users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, _("cannot read users file %s"), cfg.users_file);
	int rc = stdio ? server_stdio(&srv) : server_run(&srv);
	tls_ctx_free(cfg.tls.ctx);
	return rc;
}
