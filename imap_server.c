/*
 * imap_server: the third protocol of the lab — IMAP4rev1 (RFC 3501),
 * where mail stays on the server, over the same Maildir as pop_server.
 *
 * Covers: RFC 3501 for one mailbox, INBOX: CAPABILITY, NOOP, LOGOUT
 * (6.1), LOGIN, AUTHENTICATE PLAIN (6.2), SELECT, EXAMINE, LIST, LSUB,
 * STATUS (6.3), CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, UID
 * (6.4); the states of 3 and the autologout timer of 5.4; RFC 2177
 * IDLE; RFC 7888 LITERAL+; RFC 4959 SASL-IR; RFC 2971 ID.
 * Leaves out: other mailboxes (LIST shows INBOX only; CREATE, DELETE,
 * RENAME get NO), APPEND, keywords, STARTTLS (the lab shows clear text).
 *
 * This file holds the protocol: its states, its command table and its
 * handlers.  lib/session.c runs the session as it does for smtp_server
 * and pop_server — the loop, the row checks (unknown verb, wrong state,
 * missing arguments: BAD), --fail, one final reply per command counted
 * in dispatch, ten NO/BAD in a row end it, traced state changes — and
 * lib/imap_session.c fits IMAP to it: a command read with its literals,
 * its tag and "UID", a tagged reply through lib/imap_out.  Logins go
 * through lib/imap_auth (the one identity rule of lib/identity).
 * Messages are streamed from their files (lib/imap_msg, lib/imap_fetch);
 * flags, UIDs and \Recent live in the Maildir (lib/imap_mbox), and what
 * the selected state does to it is in lib/imap_select, so pop_server
 * can read the same mailbox.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "i18n.h"
#include "imap_auth.h"
#include "imap_config.h"
#include "imap_search.h"
#include "imap_session.h"
#include "server.h"
#include "teach.h"
#include "users.h"
#include "util.h"

#define IMAP_DEFAULT_PORT 1143       /* 143 (RFC 3501 2.1) needs root */
#define IMAP_CAPS "IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN"

/* RFC 3501 3: the states of a session. */
enum state {
	ST_NOAUTH = 1 << 0,   /* Not Authenticated */
	ST_AUTH = 1 << 1,     /* Authenticated: no mailbox selected */
	ST_SELECTED = 1 << 2, /* a mailbox (INBOX) selected */
	ST_LOGOUT = 1 << 3    /* the session is over */
};
#define ST_IN (ST_AUTH | ST_SELECTED)
#define ST_ANY (ST_NOAUTH | ST_IN)

static const char *state_name(unsigned st)
{
	switch (st) {
	case ST_NOAUTH: return "not authenticated";
	case ST_AUTH: return "authenticated";
	case ST_SELECTED: return "selected";
	}
	return "logout";
}

/* Every state change goes through here (session traces it); leaving
 * the selected state closes the mailbox. */
static void set_state(struct imap *im, unsigned next)
{
	if (im->s.state == ST_SELECTED && next != ST_SELECTED)
		imbox_close(&im->box);
	session_set_state(&im->s, next);
}

/* Look at the Maildir again; tell the client what changed (7.3, 7.4). */
static void sync_box(struct imap *im)
{
	char err[MAILDIR_ERR_LEN];

	if (im->s.state == ST_SELECTED &&
	    isel_sync(err, &im->out, &im->box, im->uid) < 0)
		log_event(im->s.peer, "%s", err);
}

/* ---- any state (RFC 3501 6.1) ---- */

static void cmd_capability(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!imap_args_end(im, "CAPABILITY"))
		return;
	imap_untagged(im, "CAPABILITY " IMAP_CAPS);
	imap_reply(im, "OK", "CAPABILITY completed");
}

static void cmd_noop(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!imap_args_end(im, "NOOP"))
		return;
	sync_box(im);
	imap_reply(im, "OK", "NOOP completed");
}

static void cmd_logout(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!imap_args_end(im, "LOGOUT"))
		return;
	imap_untagged(im, "BYE mailab IMAP4rev1 server logging out");
	imap_reply(im, "OK", "LOGOUT completed");
	s->why = "LOGOUT";
	set_state(im, ST_LOGOUT);
}

/* RFC 2971: C: a1 ID ("name" "client")   S: * ID ("name" "mailab" ...) */
static void cmd_id(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!ip_id_params(&im->ip)) {
		imap_reply(im, "BAD", "syntax: ID NIL | ID (\"field\" \"value\" ...)");
		return;
	}
	imap_untagged(im, "ID (\"name\" \"mailab\" \"version\" \"%s\")", MAILAB_VERSION);
	imap_reply(im, "OK", "ID completed");
}

/* ---- Not Authenticated (RFC 3501 6.2) ---- */

/* Logged in (lib/imap_auth checked the name by the one identity rule
 * and the password): the authenticated state, then the OK. */
static void logged_in(struct imap *im, const char *box, const char *how)
{
	str_copy(im->user, box, sizeof im->user);
	set_state(im, ST_AUTH);
	imap_reply(im, "OK", "[CAPABILITY " IMAP_CAPS "] %s completed", how);
	log_event(im->s.peer, _("login as %s (%s)"), box, how);
}

/* C: a1 LOGIN gizem 1234 */
static void cmd_login(struct session *s, char *arg)
{
	struct imap *im = s->app;
	char box[ID_BOX_MAX + 1];

	(void)arg;
	if (imap_auth_login(im, im->cfg->users_file, box))
		logged_in(im, box, "LOGIN");
}

/* C: a1 AUTHENTICATE PLAIN [base64]  (SASL-IR, RFC 4959) */
static void cmd_authenticate(struct session *s, char *arg)
{
	struct imap *im = s->app;
	char box[ID_BOX_MAX + 1];

	(void)arg;
	if (imap_auth_plain(im, im->cfg->users_file, box))
		logged_in(im, box, "AUTHENTICATE PLAIN");
}

/* ---- Authenticated (RFC 3501 6.3) ---- */

/* A mailbox argument: true when it names INBOX (any case, 5.1). */
static bool mailbox_arg(struct imap *im, bool *ok)
{
	struct imap_str m;
	char name[16];

	*ok = ip_astring(&im->ip, &m);
	return *ok && imap_str_copy(&m, name, sizeof name) &&
	       str_ncase_eq(name, "INBOX", 6);
}

/* SELECT and EXAMINE: open INBOX, say what is in it (RFC 3501 6.3.1). */
static void select_box(struct imap *im, bool readonly)
{
	char err[MAILDIR_ERR_LEN];
	bool ok, inbox = mailbox_arg(im, &ok);

	if (!ok || !ip_eol(&im->ip)) {
		imap_reply(im, "BAD", "syntax: %s mailbox", readonly ? "EXAMINE" : "SELECT");
		return;
	}
	set_state(im, ST_AUTH); /* a failed SELECT leaves none selected */
	if (!inbox) {
		imap_reply(im, "NO", "[NONEXISTENT] only INBOX exists here");
		return;
	}
	if (imbox_open(err, &im->box, im->cfg->maildir, im->user, readonly) < 0) {
		log_event(im->s.peer, "%s", err);
		imap_reply(im, "NO", "[SERVERBUG] cannot open the mailbox");
		return;
	}
	isel_select_data(&im->out, &im->box);
	set_state(im, ST_SELECTED);
	imap_reply(im, "OK", "[%s] %s completed", readonly ? "READ-ONLY" : "READ-WRITE",
	           readonly ? "EXAMINE" : "SELECT");
}

static void cmd_select(struct session *s, char *arg)
{
	(void)arg;
	select_box(s->app, false);
}

static void cmd_examine(struct session *s, char *arg)
{
	(void)arg;
	select_box(s->app, true);
}

/* CREATE, DELETE, RENAME: one mailbox only in this lab. */
static void cmd_create(struct session *s, char *arg)
{
	(void)arg;
	imap_reply(s->app, "NO", "[CANNOT] this server keeps one mailbox, INBOX");
}

/* LIST and LSUB: INBOX is the one mailbox, always subscribed. */
static void list_or_lsub(struct imap *im, const char *verb)
{
	char ref[256], pat[256], full[512];
	struct imap_str r;

	if (!ip_astring(&im->ip, &r) || !imap_str_copy(&r, ref, sizeof ref) ||
	    !ip_sp(&im->ip) || !ip_list_mailbox(&im->ip, pat, sizeof pat) ||
	    !ip_eol(&im->ip)) {
		imap_reply(im, "BAD", "syntax: %s reference mailbox", verb);
		return;
	}
	snprintf(full, sizeof full, "%s%s", ref, pat);
	if (pat[0] == '\0' && strcmp(verb, "LIST") == 0)
		imap_untagged(im, "LIST (\\Noselect) \"/\" \"\""); /* the hierarchy delimiter */
	else if (imap_list_match(full, "INBOX"))
		imap_untagged(im, "%s (%s) \"/\" INBOX", verb,
		              strcmp(verb, "LIST") == 0 ? "\\HasNoChildren" : "");
	imap_reply(im, "OK", "%s completed", verb);
}

static void cmd_list(struct session *s, char *arg)
{
	(void)arg;
	list_or_lsub(s->app, "LIST");
}

static void cmd_lsub(struct session *s, char *arg)
{
	(void)arg;
	list_or_lsub(s->app, "LSUB");
}

/* C: a1 STATUS INBOX (MESSAGES UNSEEN)   (RFC 3501 6.3.10) */
static void cmd_status(struct session *s, char *arg)
{
	struct imap *im = s->app;
	char err[MAILDIR_ERR_LEN], line[ISEL_STATUS_MAX];
	struct imbox_counts c = { 0 };
	bool ok, inbox = mailbox_arg(im, &ok);

	(void)arg;
	if (!ok || !ip_sp(&im->ip) || !ip_char(&im->ip, '(')) {
		imap_reply(im, "BAD", "syntax: STATUS mailbox (items)");
		return;
	}
	if (inbox && imbox_status(err, im->cfg->maildir, im->user, &c) < 0)
		log_event(im->s.peer, "%s", err);
	if (!isel_status_items(&im->ip, &c, line))
		imap_reply(im, "BAD", "STATUS items: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN");
	else if (!imap_args_end(im, "STATUS mailbox (items)"))
		return;
	else if (!inbox)
		imap_reply(im, "NO", "[NONEXISTENT] only INBOX exists here");
	else {
		imap_untagged(im, "STATUS INBOX (%s)", line);
		imap_reply(im, "OK", "STATUS completed");
	}
}

/* ---- Selected (RFC 3501 6.4) ---- */

static void cmd_check(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!imap_args_end(im, "CHECK"))
		return;
	sync_box(im);
	imap_reply(im, "OK", "CHECK completed");
}

/* S: * 3 EXPUNGE  (RFC 3501 7.4.1: the numbers after it move down) */
static void on_expunge(void *ctx, uint32_t seq)
{
	imap_untagged(ctx, "%lu EXPUNGE", (unsigned long)seq);
}

static void quiet_expunge(void *ctx, uint32_t seq)
{
	(void)ctx;
	(void)seq;
}

/* CLOSE: remove the \Deleted messages silently, deselect (6.4.2). */
static void cmd_close(struct session *s, char *arg)
{
	struct imap *im = s->app;
	const struct imbox_events quiet = { im, quiet_expunge, NULL };

	(void)arg;
	if (!imap_args_end(im, "CLOSE"))
		return;
	if (!im->box.readonly && imbox_expunge(&im->box, &quiet) > 0)
		log_event(s->peer, _("CLOSE: some deleted messages not removed"));
	set_state(im, ST_AUTH);
	imap_reply(im, "OK", "CLOSE completed");
}

static void cmd_expunge(struct session *s, char *arg)
{
	struct imap *im = s->app;
	const struct imbox_events ev = { im, on_expunge, NULL };

	(void)arg;
	if (!imap_args_end(im, "EXPUNGE"))
		return;
	if (im->box.readonly) {
		imap_reply(im, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
		return;
	}
	size_t recent = isel_recent(&im->box), failed = imbox_expunge(&im->box, &ev);
	if (isel_recent(&im->box) != recent) /* RFC 3501 7.3.2: the new count */
		imap_untagged(im, "%zu RECENT", isel_recent(&im->box));
	if (failed > 0)
		imap_reply(im, "NO", "some deleted messages could not be removed");
	else
		imap_reply(im, "OK", "EXPUNGE completed");
}

/* C: a1 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) */
static void cmd_fetch(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_seq *set = malloc(sizeof *set);
	struct fetch_req *r = malloc(sizeof *r);
	size_t gone;

	(void)arg;
	if (!set || !r || !ip_seqset(&im->ip, set) || !ip_sp(&im->ip) ||
	    !fetch_parse(&im->ip, r, im->uid))
		imap_reply(im, "BAD", "syntax: FETCH sequence-set items");
	else if (!isel_in_range(&im->box, set, im->uid))
		imap_reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if ((gone = isel_fetch(&im->out, &im->box, set, im->uid, r)) > 0)
		imap_reply(im, "NO", "[EXPUNGEISSUED] %zu message(s) removed by another "
		           "session (POP3 or IMAP); NOOP shows what is left", gone);
	else
		imap_reply(im, "OK", "FETCH completed");
	free(set);
	free(r);
}

static void cmd_search(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct search_prog *prog;
	enum search_parse rc = search_parse(&im->ip, &prog);

	(void)arg;
	if (rc == SEARCH_BADCHARSET)
		imap_reply(im, "NO", "[BADCHARSET (US-ASCII UTF-8)] unknown charset");
	else if (rc != SEARCH_OK)
		imap_reply(im, "BAD", "syntax: SEARCH [CHARSET name] keys (RFC 3501 6.4.4)");
	else if (search_run(&im->out, &im->box, prog, im->uid) > 0)
		imap_reply(im, "NO", "[EXPUNGEISSUED] some messages were removed by another session");
	else
		imap_reply(im, "OK", "SEARCH completed");
	search_free(prog);
}

/* C: a1 STORE 1:3 +FLAGS.SILENT (\Deleted) */
static void cmd_store(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_seq *set = malloc(sizeof *set);
	struct isel_store r;
	enum isel_store_parse rc = ISEL_STORE_SYNTAX;

	(void)arg;
	if (set && ip_seqset(&im->ip, set) && ip_sp(&im->ip))
		rc = isel_store_parse(&im->ip, &r);
	if (rc == ISEL_STORE_SYNTAX)
		imap_reply(im, "BAD", "syntax: STORE sequence-set [+-]FLAGS[.SILENT] (flags)");
	else if (rc == ISEL_STORE_ITEM)
		imap_reply(im, "BAD", "STORE takes FLAGS, +FLAGS or -FLAGS (.SILENT)");
	else if (im->box.readonly)
		imap_reply(im, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
	else if (!isel_in_range(&im->box, set, im->uid))
		imap_reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if (isel_store(&im->out, &im->box, set, im->uid, &r) > 0)
		imap_reply(im, "NO", "[EXPUNGEISSUED] some messages were removed by another "
		           "session; NOOP shows what is left");
	else
		imap_reply(im, "OK", "STORE completed");
	free(set);
}

/* COPY to INBOX: the same mailbox, a new message with the same flags. */
static void cmd_copy(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_seq *set = malloc(sizeof *set);
	bool ok = set && ip_seqset(&im->ip, set) && ip_sp(&im->ip), inbox = false;

	(void)arg;
	if (ok)
		inbox = mailbox_arg(im, &ok);
	if (!ok || !ip_eol(&im->ip))
		imap_reply(im, "BAD", "syntax: COPY sequence-set mailbox");
	else if (!inbox)
		imap_reply(im, "NO", "[TRYCREATE] only INBOX exists here");
	else if (!isel_in_range(&im->box, set, im->uid))
		imap_reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if (isel_copy(&im->box, set, im->uid, s->peer) > 0)
		imap_reply(im, "NO", "some messages could not be copied");
	else {
		sync_box(im); /* the copies: * n EXISTS */
		imap_reply(im, "OK", "COPY completed");
	}
	free(set);
}

/* RFC 2177 IDLE: "+ idling", then "* n EXISTS" as mail arrives, until DONE. */
static void cmd_idle(struct session *s, char *arg)
{
	struct imap *im = s->app;
	char line[16];
	size_t len;
	enum conn_ending ending;
	enum conn_status st;

	(void)arg;
	if (!imap_args_end(im, "IDLE"))
		return;
	iout_puts(&im->out, "+ idling");
	iout_end(&im->out);
	st = isel_idle_wait(&s->conn, &im->out, s->state == ST_SELECTED ? &im->box : NULL,
	                    im->uid, im->cfg->timeout, s->peer);
	if (st == CONN_LINE)
		st = conn_read_command(&s->conn, line, sizeof line - 1, &len, &ending);
	if (st == CONN_LINE && str_ncase_eq(line, "DONE", 5))
		imap_reply(im, "OK", "IDLE terminated");
	else if (st == CONN_LINE || st == CONN_TOOLONG)
		imap_reply(im, "BAD", "IDLE ends with DONE");
	else
		session_lost(s, st); /* the goodbye is the session's end's */
}

/* ---- the command table and what the dispatcher says ---- */

/* min_args 1: the verb needs arguments; the handlers parse them
 * (lib/imap_parse).  IMAP_UID_OK: "UID FETCH ...". */
static const struct session_command commands[] = {
	{ "CAPABILITY", ST_ANY, 0, SESSION_REST, "CAPABILITY", cmd_capability },
	{ "NOOP", ST_ANY, 0, SESSION_REST, "NOOP", cmd_noop },
	{ "LOGOUT", ST_ANY, 0, SESSION_REST, "LOGOUT", cmd_logout },
	{ "ID", ST_ANY, 1, SESSION_REST, "ID", cmd_id },
	{ "LOGIN", ST_NOAUTH, 1, SESSION_REST, "LOGIN", cmd_login },
	{ "AUTHENTICATE", ST_NOAUTH, 1, SESSION_REST, "AUTHENTICATE", cmd_authenticate },
	{ "SELECT", ST_IN, 1, SESSION_REST, "SELECT", cmd_select },
	{ "EXAMINE", ST_IN, 1, SESSION_REST, "EXAMINE", cmd_examine },
	{ "CREATE", ST_IN, 1, SESSION_REST, "CREATE", cmd_create },
	{ "DELETE", ST_IN, 1, SESSION_REST, "DELETE", cmd_create },
	{ "RENAME", ST_IN, 1, SESSION_REST, "RENAME", cmd_create },
	{ "LIST", ST_IN, 1, SESSION_REST, "LIST", cmd_list },
	{ "LSUB", ST_IN, 1, SESSION_REST, "LSUB", cmd_lsub },
	{ "STATUS", ST_IN, 1, SESSION_REST, "STATUS", cmd_status },
	{ "IDLE", ST_IN, 0, SESSION_REST, "IDLE", cmd_idle },
	{ "CHECK", ST_SELECTED, 0, SESSION_REST, "CHECK", cmd_check },
	{ "CLOSE", ST_SELECTED, 0, SESSION_REST, "CLOSE", cmd_close },
	{ "EXPUNGE", ST_SELECTED, 0, SESSION_REST, "EXPUNGE", cmd_expunge },
	{ "SEARCH", ST_SELECTED | IMAP_UID_OK, 1, SESSION_REST, "SEARCH", cmd_search },
	{ "FETCH", ST_SELECTED | IMAP_UID_OK, 1, SESSION_REST, "FETCH", cmd_fetch },
	{ "STORE", ST_SELECTED | IMAP_UID_OK, 1, SESSION_REST, "STORE", cmd_store },
	{ "COPY", ST_SELECTED | IMAP_UID_OK, 1, SESSION_REST, "COPY", cmd_copy },
	{ NULL, 0, 0, 0, NULL, NULL } /* anything else: BAD */
};

static void unknown(struct session *s, const char *verb)
{
	imap_reply(s->app, "BAD", "unknown command: \"%.40s\"", verb);
}

static void bad_state(struct session *s, const struct session_command *c)
{
	imap_reply(s->app, "BAD", "%s not allowed in the %s state", c->verb,
	           state_name(s->state));
}

static void bad_args(struct session *s, const struct session_command *c)
{
	imap_reply(s->app, "BAD", "%s needs arguments", c->verb);
}

static const struct session_proto imap_proto = {
	.line_max = IMAP_LINE_MAX, .done = ST_LOGOUT,
	.too_long = NULL, /* imap_read replies itself */
	.too_many = "* BYE too many bad commands, closing connection",
	.commands = commands, .state_name = state_name,
	.unknown = unknown, .bad_state = bad_state, .bad_args = bad_args,
	.send_reply = imap_send_reply, .is_error = imap_is_error,
	.read = imap_read, .run = imap_run,
};

/* One IMAP session, from the greeting to LOGOUT (or the peer vanishing). */
static void imap_session(int rfd, int wfd, const char *peer, void *ctx)
{
	struct imap *im = calloc(1, sizeof *im);
	const struct imap_config *c = ctx;

	if (im == NULL)
		return;
	im->cfg = c;
	session_init(&im->s, &imap_proto, im, rfd, wfd, peer, c->timeout,
	             c->verbose, ST_NOAUTH);
	iout_init(&im->out, &im->s.conn);
	if (!session_fault(&im->s, "CONNECT")) /* --fail CONNECT=BYE */
		imap_untagged(im, "OK [CAPABILITY " IMAP_CAPS "] mailab IMAP4rev1 server ready");
	session_run(&im->s);
	if (im->s.end == CONN_TIMEOUT) /* RFC 3501 5.4: autologout */
		imap_untagged(im, "BYE autologout: idle for too long");
	else if (im->s.end == CONN_STOP)
		imap_untagged(im, "BYE server shutting down");
	iout_flush(&im->out);
	imbox_close(&im->box);
	imap_cmd_free(&im->cmd);
	session_log_end(&im->s, NULL);
	free(im);
}

/* ---- start-up: the options are lib/imap_config.c's ---- */

/* --explain, --lang, --step, --delay, --fail; static, so that main()
 * can run again in one process (the fuzz harness) with a fresh set. */
static struct teach teach;

int main(int argc, char **argv)
{
	struct imap_config cfg;
	struct server_config srv = {
		.port = IMAP_DEFAULT_PORT, .max_clients = 100,
		.busy_reply = "* BYE [UNAVAILABLE] too many connections, try again later",
		.per_ip_reply = "* BYE [UNAVAILABLE] too many connections from your address, try again later",
		.session = imap_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	teach_lang(argc, argv);
	teach_server(&teach, FAULT_IMAP, commands);
	bool stdio = imap_config_parse(argc, argv, &cfg, &srv, &teach);
	teach_start(&teach, EXPLAIN_IMAP, &cfg.verbose);
	teach_serve(&teach, &srv);
	if (users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, _("cannot read users file %s"), cfg.users_file);
	return stdio ? server_stdio(&srv) : server_run(&srv);
}
