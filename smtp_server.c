/*
 * smtp_server: the receiving side of the lab — an SMTP server (RFC 5321)
 * that stores every accepted message in a Maildir, one file per
 * recipient.
 *
 * Covers: RFC 5321 (HELO, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT,
 * VRFY, HELP; reply codes of 4.2 and 4.3.2; limits of 4.5.3.1), SIZE
 * (RFC 1870), 8BITMIME (RFC 6152), PIPELINING (RFC 2920),
 * ENHANCEDSTATUSCODES (RFC 2034, 3463), SMTPUTF8 (RFC 6531), AUTH PLAIN
 * and LOGIN (RFC 4954, 4616); with make TLS=1, STARTTLS (RFC 3207) and
 * implicit TLS on --tls-port (RFC 8314).  Leaves out: CHUNKING, DSN
 * parameters, EXPN.
 *
 * With --relay DOMAIN=HOST:PORT it is also the sender's mail server of
 * the journey: mail for DOMAIN goes into the queue DIR/.queue/ before
 * the 250, and a queue runner (lib/relay.c) forwards it (RFC 5321 4.4:
 * every hop adds its Received: header; 3.6: never an open relay).
 *
 * This file holds the protocol: its states, its command table and its
 * handlers.  Each handler first checks (and refuses with one reply,
 * changing nothing), then acts and replies once; lib/session.c reads
 * the lines, answers unknown verbs and commands out of sequence, and
 * counts the replies.  Addresses and mailbox names: lib/identity.c;
 * DATA's decoder: lib/smtp_data.c; storing: lib/delivery.c; AUTH:
 * lib/smtp_auth.c; the options and --help: lib/smtp_config.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "conn.h"
#include "delivery.h"
#include "i18n.h"
#include "identity.h"
#include "maildir.h"
#include "net.h"
#include "queue.h"
#include "relay.h"
#include "server.h"
#include "session.h"
#include "smtp_auth.h"
#include "smtp_config.h"
#include "smtp_data.h"
#include "smtp_params.h"
#include "teach.h"
#include "tls_setup.h"
#include "users.h"
#include "util.h"

#define SMTP_CMD_MAX 512           /* RFC 5321 4.5.3.1.4, CRLF included */
#define SMTP_RCPT_MAX DELIVERY_RCPT_MAX /* RFC 5321 4.5.3.1.8: >= 100 */
#define SMTP_HOPS_MAX 30           /* Received: headers: a mail loop */

/* RFC 5321 4.1.4: the order of commands, as states. */
enum state {
	ST_INIT = 1 << 0, /* connected, no HELO/EHLO yet */
	ST_READY = 1 << 1, /* greeted: MAIL may start a transaction */
	ST_MAIL = 1 << 2, /* MAIL accepted, no recipient yet */
	ST_RCPT = 1 << 3, /* at least one recipient: DATA may follow */
	ST_QUIT = 1 << 4, /* the session is over */
	ST_REFUSED = 1 << 5 /* --fail CONNECT refused it: only QUIT (RFC 5321 3.1) */
};
#define ST_ANY (ST_INIT | ST_READY | ST_MAIL | ST_RCPT)

/* One SMTP session: the shared plumbing, and what SMTP remembers. */
struct smtp {
	const struct smtp_config *cfg;
	struct session s;
	char peer_addr[NET_PEER_LEN];
	bool esmtp, authenticated, smtputf8, body_8bit;
	char helo[256];
	char user[ID_BOX_MAX + 1];
	struct envelope env;
};

static const char *state_name(unsigned st)
{
	return st == ST_INIT ? "INIT" : st == ST_READY ? "READY"
	     : st == ST_MAIL ? "MAIL" : st == ST_RCPT  ? "RCPT"
	     : st == ST_REFUSED ? "REFUSED" : "QUIT";
}

/* Forget the envelope (RSET, HELO, end of DATA): RFC 5321 4.1.1.5. */
static void reset_transaction(struct smtp *m)
{
	envelope_reset(&m->env);
	m->smtputf8 = m->body_8bit = false;
	if (m->s.state & (ST_MAIL | ST_RCPT))
		session_set_state(&m->s, ST_READY);
}

/* ---- HELO and EHLO (RFC 5321 4.1.1.1) ---- */

/* Check: a greeting needs the client's name.  False when refused. */
static bool helo_ok(struct session *s, const char *arg, const char *verb)
{
	if (*arg != '\0')
		return true;
	session_reply(s, "501 5.5.4 Syntax: %s hostname", verb);
	return false;
}

/* Proceed: remember the name, start afresh in READY. */
static void greet(struct smtp *m, const char *arg, bool esmtp)
{
	str_copy(m->helo, arg, sizeof m->helo);
	m->esmtp = esmtp;
	reset_transaction(m);
	session_set_state(&m->s, ST_READY);
}

static void cmd_helo(struct session *s, char *arg)
{
	struct smtp *m = s->app;

	if (!helo_ok(s, arg, "HELO"))
		return;
	greet(m, arg, false);
	session_reply(s, "250 %s Hello %s [%s]", m->cfg->hostname, m->helo,
	              m->peer_addr);
}

/* The last lines of EHLO: STARTTLS outside TLS (RFC 3207 4), AUTH
 * unless --auth-tls-only keeps it for inside TLS. */
static void ehlo_tls_auth(struct session *s, const struct smtp_config *c)
{
	bool tls = conn_tls_active(&s->conn);
	bool auth = !c->tls.auth_tls_only || tls;

	if (c->tls.ctx && !tls && auth)
		session_send(s, "250-STARTTLS");
	if (auth)
		session_reply(s, "250 AUTH PLAIN LOGIN");
	else /* --auth-tls-only needs a certificate: STARTTLS is offered */
		session_reply(s, "250 STARTTLS");
}

/* C: EHLO client.example   S: 250-... one line per extension */
static void cmd_ehlo(struct session *s, char *arg)
{
	struct smtp *m = s->app;
	const struct smtp_config *c = m->cfg;

	if (!c->esmtp) {
		session_reply(s, "502 5.5.1 EHLO not supported here, use HELO");
		return;
	}
	if (!helo_ok(s, arg, "EHLO"))
		return;
	greet(m, arg, true);
	session_send(s, "250-%s Hello %s [%s]", c->hostname, m->helo,
	             m->peer_addr);
	session_send(s, "250-SIZE %lu", c->max_size);
	if (c->eightbit)
		session_send(s, "250-8BITMIME");
	if (c->pipelining)
		session_send(s, "250-PIPELINING");
	session_send(s, "250-ENHANCEDSTATUSCODES");
	session_send(s, "250-SMTPUTF8");
	session_send(s, "250-HELP");
	ehlo_tls_auth(s, c);
}

/* ---- MAIL (RFC 5321 4.1.1.2) ---- */

/* Reply to an address that did not parse (SPEC: 501 5.1.7 for MAIL,
 * 501 5.1.3 for RCPT; RFC 6531 3.5: 553 5.6.7 for UTF-8). */
static void bad_address(struct session *s, enum addr_error e,
                        const char *which, const char *status)
{
	if (e == ADDR_NON_ASCII)
		session_reply(s, "553 5.6.7 Non-ASCII address needs SMTPUTF8");
	else if (e == ADDR_TOO_LONG)
		session_reply(s, "501 %s %s address too long", status, which);
	else
		session_reply(s, "501 %s Bad %s address syntax (RFC 5321 4.1.2)",
		              status, which);
}

/* "MAIL FROM:<path> [params]": start a transaction. */
static void cmd_mail(struct session *s, char *arg)
{
	struct smtp *m = s->app;
	struct smtp_offer offer = { m->esmtp, m->cfg->eightbit,
		                    m->cfg->max_size };
	struct smtp_params mp;
	const char *rest;
	char path[ADDR_MAX + 1], refusal[SMTP_PARAMS_REPLY];
	enum addr_error e;

	if (!str_ncase_eq(arg, "FROM:", 5)) {
		session_reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if (m->cfg->auth_required && !m->authenticated) {
		session_reply(s, "530 5.7.0 Authentication required");
		return;
	}
	/* UTF-8 is parsed first, then allowed only with SMTPUTF8. */
	e = addr_parse_path(arg + 5, path, &rest, true);
	if (e != ADDR_OK) {
		bad_address(s, e, "sender", "5.1.7");
		return;
	}
	if (smtp_mail_params(refusal, (char *)rest, &offer, &mp) < 0) {
		session_reply(s, "%s", refusal);
		return;
	}
	if (!mp.utf8 && addr_has_utf8(path)) {
		bad_address(s, ADDR_NON_ASCII, "sender", "5.1.7");
		return;
	}
	m->smtputf8 = mp.utf8; /* RFC 6531 3.4 */
	m->body_8bit = mp.body_8bit;
	str_copy(m->env.from, path, sizeof m->env.from);
	session_set_state(s, ST_MAIL);
	session_reply(s, "250 2.1.0 Sender <%s> ok", m->env.from);
}

/* ---- RCPT (RFC 5321 4.1.1.3) ---- */

/*
 * Decide what to do with a parsed recipient: RELAY_LOCAL (box filled by
 * the identity rule), RELAY_ROUTED (queue it), or -1 when refused.
 */
static int check_rcpt(struct smtp *m, const char *path, char *box)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];
	char pass[USERS_LINE_MAX];
	enum relay_kind kind;
	int known;

	if (addr_split(path, local, domain) < 0) {
		session_reply(&m->s, "501 5.1.3 Bad recipient address syntax");
		return -1;
	}
	kind = relay_kind(&m->cfg->relay, domain);
	if (kind == RELAY_FOREIGN) { /* never an open relay */
		session_reply(&m->s, "550 5.7.1 Relaying denied: <%s> is not "
		                     "local", path);
		return -1;
	}
	if (kind == RELAY_ROUTED)
		return RELAY_ROUTED;
	if (id_rcpt_box(local, box) < 0) {
		session_reply(&m->s, "553 5.1.3 <%s>: not a mailbox name here "
		                     "(" ID_RULE_TEXT ")", path);
		return -1;
	}
	if (!m->cfg->check_rcpt)
		return RELAY_LOCAL;
	known = users_lookup(m->cfg->users_file, box, pass, sizeof pass);
	memset(pass, 0, sizeof pass);
	if (known < 0) /* our trouble, not the address's: try later */
		session_reply(&m->s, "451 4.3.0 Cannot read the users file now");
	else if (known == 0)
		session_reply(&m->s, "550 5.1.1 <%s>: no such user here", path);
	return known == 1 ? RELAY_LOCAL : -1;
}

/* "RCPT TO:<path>": add a recipient. */
static void cmd_rcpt(struct session *s, char *arg)
{
	struct smtp *m = s->app;
	const char *rest;
	char path[ADDR_MAX + 1], box[ID_BOX_MAX + 1];
	enum addr_error e;
	int kind;

	if (!str_ncase_eq(arg, "TO:", 3)) {
		session_reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	e = addr_parse_path(arg + 3, path, &rest, m->smtputf8);
	if (e == ADDR_OK && path[0] == '\0')
		e = ADDR_SYNTAX; /* <> is a sender only */
	if (e != ADDR_OK) {
		bad_address(s, e, "recipient", "5.1.3");
		return;
	}
	if (rest[strspn(rest, " ")] != '\0') { /* spaces alone, as in MAIL */
		session_reply(s, "555 5.5.4 RCPT parameters are not supported");
		return;
	}
	if (m->env.nrcpt == SMTP_RCPT_MAX) {
		session_reply(s, "452 4.5.3 Too many recipients");
		return;
	}
	if ((kind = check_rcpt(m, path, box)) < 0)
		return;
	envelope_add(&m->env, path, kind == RELAY_ROUTED ? NULL : box);
	session_set_state(s, ST_RCPT);
	session_reply(s, "250 2.1.5 Recipient <%s> ok", path);
}

/* ---- DATA (RFC 5321 4.1.1.4) ---- */

/* Check the message; refuse it, or store it: one reply either way. */
static void data_finish(struct smtp *m, struct maildir_delivery *d,
                        const struct smtp_data *r, const char *id)
{
	struct session *s = &m->s;
	char err[MAILDIR_ERR_LEN];

	if (session_fault(s, "END")) { /* --fail END=...: store nothing */
		maildir_abort(d);
		return;
	}
	if (r->too_big || r->bare_lf || r->hops > SMTP_HOPS_MAX) {
		maildir_abort(d);
		if (r->too_big)
			session_reply(s, "552 5.3.4 Message size exceeds fixed "
			                 "limit of %lu octets", m->cfg->max_size);
		else if (r->bare_lf)
			session_reply(s, "550 5.6.0 Bare LF in message: use CRLF");
		else
			session_reply(s, "554 5.4.6 Too many hops (%u Received: "
			                 "headers): mail loop?", r->hops);
		log_event(s->peer, _("message %s refused"), id);
		return;
	}
	if (delivery_commit(err, d, m->cfg->maildir, &m->env) < 0) {
		log_event(s->peer, _("message %s not stored: %s"), id, err);
		session_reply(s, "451 4.3.0 Local error, message not stored");
		return;
	}
	session_reply(s, "250 2.0.0 Ok: queued as %s", id);
	log_event(s->peer, _("message %s stored: %llu octets from <%s> (HELO %s) "
	          "for <%s>%s, %zu mailbox(es)"), id, r->octets, m->env.from,
	          m->helo, m->env.rcpt[0], m->env.nrcpt > 1 ? _(" and others") : "",
	          m->env.nbox);
	if (m->env.nrouted > 0)
		server_wake_helper(); /* the queue runner: new mail to relay */
}

/* Received: "with" (RFC 3848, RFC 6531): S for TLS; "A" comes later. */
static const char *with_protocol(const struct smtp *m)
{
	bool tls = conn_tls_active(&m->s.conn);

	if (m->smtputf8)
		return tls ? "UTF8SMTPS" : "UTF8SMTP";
	if (m->esmtp)
		return tls ? "ESMTPS" : "ESMTP";
	return "SMTP";
}

/* "DATA": 354, the message, then one reply for it. */
static void cmd_data(struct session *s, char *arg)
{
	struct smtp *m = s->app;
	struct delivery_trace t = {
		.helo = m->helo, .addr = m->peer_addr, .by = m->cfg->hostname,
		.with = with_protocol(m),
		.authenticated = m->authenticated,
	};
	struct maildir_delivery d;
	struct smtp_data r;
	enum conn_status st;
	char err[MAILDIR_ERR_LEN], id[MAILDIR_UNIQ_MAX];

	(void)arg; /* the table allows none */
	if (delivery_begin(err, &d, m->cfg->maildir, &m->env, id) < 0) {
		session_reply(s, "451 4.3.0 Local error: cannot store mail now");
		log_event(s->peer, "%s", err);
		return;
	}
	session_reply(s, "354 End data with <CR><LF>.<CR><LF>");
	delivery_trace(&d, &m->env, &t, id);
	st = delivery_receive(&s->conn, s->ending, m->cfg->max_size, &d, &r);
	if (st != CONN_LINE) {
		maildir_abort(&d); /* cut short: keep nothing */
		log_event(s->peer, _("message %s dropped: %s"), id,
		          conn_status_text(&s->conn, st));
		session_lost(s, st);
		return;
	}
	if (!m->cfg->strict_crlf)
		r.bare_lf = false;
	data_finish(m, &d, &r, id);
	reset_transaction(m);
}

/* ---- AUTH (RFC 4954), the rest of it in lib/smtp_auth.c ---- */

static void cmd_auth(struct session *s, char *arg)
{
	struct smtp *m = s->app;

	if (m->authenticated) {
		session_reply(s, "503 5.5.1 Already authenticated");
		return;
	}
	if (!m->esmtp) {
		session_reply(s, "503 5.5.1 AUTH needs EHLO first");
		return;
	}
	if (m->cfg->tls.auth_tls_only && !conn_tls_active(&s->conn)) {
		/* RFC 4954 6: no password crosses the wire in clear text */
		session_reply(s, "538 5.7.11 Encryption required for requested "
		                 "authentication mechanism");
		return;
	}
	if (smtp_auth_run(s, m->cfg->users_file, arg, m->user) == 1)
		m->authenticated = true;
}

/* ---- the simple ones ---- */

static void cmd_rset(struct session *s, char *arg)
{
	(void)arg;
	reset_transaction(s->app);
	session_reply(s, "250 2.0.0 Ok");
}

static void cmd_noop(struct session *s, char *arg)
{
	(void)arg; /* RFC 5321 4.1.1.9: a parameter is ignored */
	session_reply(s, "250 2.0.0 Ok");
}

static void cmd_vrfy(struct session *s, char *arg)
{
	if (*arg == '\0')
		session_reply(s, "501 5.5.4 Syntax: VRFY address");
	else /* RFC 5321 3.5.3: neither confirm nor deny */
		session_reply(s, "252 2.5.2 Cannot VRFY user, but will accept "
		                 "message and attempt delivery");
}

static void cmd_help(struct session *s, char *arg)
{
	(void)arg;
	session_send(s, "214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA");
	session_send(s, "214-2.0.0 RSET NOOP QUIT VRFY HELP AUTH");
	session_reply(s, "214 2.0.0 See RFC 5321 for details");
}

static void cmd_quit(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, "221 2.0.0 %s closing connection",
	              ((struct smtp *)s->app)->cfg->hostname);
	session_set_state(s, ST_QUIT);
}

/*
 * C: STARTTLS   S: 220 2.0.0 Ready to start TLS   then the handshake.
 * RFC 3207 4.2: the session starts over, so the client must EHLO
 * again, and nothing it said before (its name, AUTH) still counts.
 */
static void cmd_starttls(struct session *s, char *arg)
{
	struct smtp *m = s->app;

	(void)arg; /* the table allows none */
	if (m->cfg->tls.ctx == NULL) {
		session_reply(s, "502 5.5.1 STARTTLS not available in this lab "
		                 "server");
		return;
	}
	if (conn_tls_active(&s->conn)) {
		session_reply(s, "554 5.5.1 TLS already active");
		return;
	}
	if (s->state & (ST_MAIL | ST_RCPT)) {
		session_reply(s, "503 5.5.1 Bad sequence of commands: STARTTLS "
		                 "inside a mail transaction");
		return;
	}
	session_reply(s, "220 2.0.0 Ready to start TLS");
	if (!tls_session_start(s, m->cfg->tls.ctx))
		return;
	reset_transaction(m);
	m->helo[0] = '\0';
	m->esmtp = m->authenticated = false;
	session_set_state(s, ST_INIT);
}

/* ---- the command table and what the dispatcher says ---- */

#define ARG SESSION_REST /* the rest of the line is the argument */

static const struct session_command commands[] = {
	{ "HELO", ST_ANY, 0, ARG, NULL, cmd_helo },
	{ "EHLO", ST_ANY, 0, ARG, NULL, cmd_ehlo },
	{ "AUTH", ST_READY, 1, ARG, "AUTH not allowed now", cmd_auth },
	{ "MAIL", ST_READY, 0, ARG, "Send HELO/EHLO first, one MAIL at a time",
	  cmd_mail },
	{ "RCPT", ST_MAIL | ST_RCPT, 0, ARG, "Need MAIL before RCPT", cmd_rcpt },
	{ "DATA", ST_RCPT, 0, 0, "Need RCPT (a valid recipient) before DATA",
	  cmd_data },
	{ "RSET", ST_ANY, 0, 0, NULL, cmd_rset },
	{ "NOOP", ST_ANY, 0, ARG, NULL, cmd_noop },
	{ "VRFY", ST_ANY, 0, ARG, NULL, cmd_vrfy },
	{ "HELP", ST_ANY, 0, ARG, NULL, cmd_help },
	{ "QUIT", ST_ANY | ST_REFUSED, 0, 0, NULL, cmd_quit },
	{ "STARTTLS", ST_ANY, 0, 0, NULL, cmd_starttls },
	{ NULL, 0, 0, 0, NULL, NULL } /* anything else: 500 */
};

/* Is every byte of the command acceptable?  Replies when not. */
static bool line_ok(struct session *s, size_t len)
{
	static const char *const refusal[] = {
		[SESSION_NUL] = "500 5.5.2 NUL byte in command",
		/* A CR or an escape in HELO's name would reach headers, logs. */
		[SESSION_CONTROL] = "501 5.5.2 Control byte in command",
		[SESSION_NON_ASCII] = "500 5.5.2 Non-ASCII byte in command",
	};
	/* Non-ASCII only inside an SMTPUTF8 address (the parser checks). */
	enum session_bytes b = session_line_bytes(s->line, len,
	        str_ncase_eq(s->line, "MAIL ", 5) ||
	        str_ncase_eq(s->line, "RCPT ", 5));

	if (b == SESSION_BYTES_OK && s->ending != END_CRLF &&
	    ((const struct smtp *)s->app)->cfg->strict_crlf) {
		session_reply(s, "500 5.5.2 Bare LF: end commands with CRLF");
		return false;
	}
	if (b != SESSION_BYTES_OK)
		session_reply(s, "%s", refusal[b]);
	return b == SESSION_BYTES_OK;
}

static void unknown(struct session *s, const char *verb)
{
	session_reply(s, "500 5.5.2 Command unrecognized: \"%.40s\"", verb);
}

static void bad_state(struct session *s, const struct session_command *c)
{
	session_reply(s, "503 5.5.1 Bad sequence of commands: %s", c->text ? c->text
	              : "the greeting refused this session, only QUIT now");
}

static void bad_args(struct session *s, const struct session_command *c)
{
	session_reply(s, "501 5.5.4 Syntax: %s %s", c->verb,
	              c->max_args == 0 ? "takes no argument"
	                               : "needs an argument");
}

static const struct session_proto smtp_proto = {
	.error_mark = '5', .line_max = SMTP_CMD_MAX, .done = ST_QUIT,
	.too_long = "500 5.5.2 Line too long (limit 512 octets)",
	.too_many = "421 4.7.0 Too many errors, closing connection",
	.commands = commands, .state_name = state_name, .line_ok = line_ok,
	.unknown = unknown, .bad_state = bad_state, .bad_args = bad_args,
};

/* One SMTP session, from the greeting to QUIT (or the peer vanishing);
 * tls: implicit TLS (--tls-port), the handshake before the greeting. */
static void smtp_serve(int rfd, int wfd, const char *peer,
                       const struct smtp_config *c, bool tls)
{
	struct smtp *m = calloc(1, sizeof *m);

	if (m == NULL)
		return;
	m->cfg = c;
	session_init(&m->s, &smtp_proto, m, rfd, wfd, peer, c->timeout,
	             c->verbose, ST_INIT);
	net_peer_addr(rfd, m->peer_addr, sizeof m->peer_addr);
	if (tls && !tls_session_start(&m->s, c->tls.ctx))
		; /* logged; the session is over */
	else if (!session_fault(&m->s, "CONNECT")) /* --fail CONNECT=554 */
		session_reply(&m->s, "220 %s %s mailab ready", c->hostname,
		              c->esmtp ? "ESMTP" : "SMTP");
	else if (m->s.state != ST_QUIT) /* RFC 5321 3.1: wait for QUIT */
		session_set_state(&m->s, ST_REFUSED);
	session_run(&m->s);
	/* Tell the client why the session ends, when it can still hear it. */
	if (m->s.end == CONN_TIMEOUT)
		session_send(&m->s, "421 4.4.2 %s Timeout, closing connection",
		             c->hostname);
	else if (m->s.end == CONN_STOP)
		session_send(&m->s, "421 4.3.2 %s Service shutting down",
		             c->hostname);
	conn_flush(&m->s.conn);
	conn_end_tls(&m->s.conn);
	session_log_end(&m->s, NULL);
	free(m);
}

static void smtp_session(int rfd, int wfd, const char *peer, void *ctx)
{
	smtp_serve(rfd, wfd, peer, ctx, false);
}

static void smtp_tls_session(int rfd, int wfd, const char *peer, void *ctx)
{
	smtp_serve(rfd, wfd, peer, ctx, true);
}

/* ---- start-up: the options are lib/smtp_config.c's ---- */

/* --explain, --lang, --step, --delay, --fail; static, so that main()
 * can run again in one process (the fuzz harness) with a fresh set. */
static struct teach teach;

int main(int argc, char **argv)
{
	struct smtp_config cfg;
	struct server_config srv = {
		.port = 1025, .max_clients = 100,
		.busy_reply = "421 4.3.2 Too many connections, try again later",
		.per_ip_reply = "421 4.7.0 Too many connections from your address, try again later",
		.session = smtp_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	teach_lang(argc, argv);
	teach_server(&teach, FAULT_SMTP, commands);
	bool stdio = smtp_config_parse(argc, argv, &cfg, &srv, &teach);
	teach_start(&teach, EXPLAIN_SMTP, &cfg.verbose);
	teach_serve(&teach, &srv);
	tls_server_ready(&cfg.tls, &srv, smtp_tls_session);
	smtp_config_relay(&cfg, &srv);
	/* users_readable() also warns about names that are no mailbox. */
	if (users_readable(cfg.users_file) < 0 && cfg.check_rcpt)
		die(EX_NOINPUT, _("cannot read users file %s"), cfg.users_file);
	int rc = stdio ? server_stdio(&srv) : server_run(&srv);
	tls_ctx_free(cfg.tls.ctx);
	return rc;
}
