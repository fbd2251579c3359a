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
 * and pop_server — the loop, the row checks (unknown verb, wrong
 * state, missing arguments: BAD), --fail, one final reply per command
 * counted in dispatch, ten NO/BAD in a row end it, traced state
 * changes — through four hooks, because IMAP differs: a command is
 * read with its literals (lib/imap_parse), starts with a tag and maybe
 * "UID", and its final reply echoes the tag and goes out through
 * lib/imap_out like every other line (untagged "* " lines and "+ "
 * prompts are not final replies).  Login names become mailboxes by
 * lib/identity's one rule.  Messages are streamed from their files
 * (lib/imap_msg, lib/imap_fetch); flags, UIDs and \Recent live in the
 * Maildir (lib/imap_mbox, lib/imap_select), so pop_server can read the
 * same mailbox.
 */
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "base64.h"
#include "conn.h"
#include "i18n.h"
#include "identity.h"
#include "imap_fetch.h"
#include "imap_mbox.h"
#include "imap_out.h"
#include "imap_parse.h"
#include "imap_search.h"
#include "imap_select.h"
#include "sasl.h"
#include "server.h"
#include "session.h"
#include "teach.h"
#include "users.h"
#include "util.h"

#define IMAP_DEFAULT_TIMEOUT 1800    /* RFC 3501 5.4: at least 30 minutes */
#define IMAP_DEFAULT_PORT 1143       /* 143 (RFC 3501 2.1) needs root */
#define IMAP_LITERAL_MAX (10UL << 20) /* the lab's message size limit */
#define IMAP_IDLE_POLL_MS 1000       /* IDLE looks at the Maildir this often */
#define IMAP_TAG_MAX 64              /* a tag echoed back */
#define IMAP_CAPS "IMAP4rev1 LITERAL+ SASL-IR ID IDLE AUTH=PLAIN"

struct imap_config {
	const char *maildir;
	const char *users_file;
	int timeout;
	bool verbose;
};

/* RFC 3501 3: the states of a session. */
enum state {
	ST_NOAUTH = 1 << 0,   /* Not Authenticated */
	ST_AUTH = 1 << 1,     /* Authenticated: no mailbox selected */
	ST_SELECTED = 1 << 2, /* a mailbox (INBOX) selected */
	ST_LOGOUT = 1 << 3    /* the session is over */
};
#define ST_IN (ST_AUTH | ST_SELECTED)
#define ST_ANY (ST_NOAUTH | ST_IN)
/* Not a state: a table row's mark that the verb may follow "UID "
 * (RFC 3501 6.4.8). */
#define UID_OK (1 << 8)

/* One IMAP session: the shared plumbing, and what IMAP remembers. */
struct imap {
	const struct imap_config *cfg;
	struct session s;
	struct imap_out out;
	char tag[IMAP_TAG_MAX + 1];
	bool uid;               /* the command came as UID FETCH/... */
	char user[ID_BOX_MAX + 1];
	struct imbox box;       /* in ST_SELECTED */
	struct imap_cmd cmd;
	struct imap_p ip;       /* the arguments, after the verb */
	const struct fetch_req *fetch; /* the FETCH or STORE running */
	struct isel_store store;
};

/* ---- replies: every line goes out through imap_out ---- */

/* The tagged reply that ends a command, "OK text", "NO text" or "BAD
 * text": lib/session counts it (NO and BAD towards the ten). */
static void reply(struct imap *im, const char *status, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static void reply(struct imap *im, const char *status, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	session_reply(&im->s, "%s%s%s", status, *text ? " " : "", text);
}

/* An untagged "* ..." line: data, never the command's reply. */
static void untagged(struct imap *im, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void untagged(struct imap *im, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	iout_printf(&im->out, "* %s", text);
	iout_end(&im->out);
}

/* session's hook: a final reply goes out with the command's tag ("*"
 * before it has one); a --fail BYE is untagged (RFC 3501 7.1.5). */
static void send_reply(struct session *s, const char *text)
{
	struct imap *im = s->app;
	bool bye = strncmp(text, "BYE", 3) == 0;

	iout_printf(&im->out, "%s %s", im->tag[0] && !bye ? im->tag : "*", text);
	iout_end(&im->out);
}

/* session's hook: NO and BAD are the client's errors (RFC 3501 7.1). */
static bool is_error(const char *text)
{
	return strncmp(text, "OK", 2) != 0;
}

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

/* The arguments must end here; else BAD.  true when they did. */
static bool args_end(struct imap *im, const char *usage)
{
	if (ip_eol(&im->ip))
		return true;
	reply(im, "BAD", "syntax: %s", usage);
	return false;
}

/* ---- mailbox updates (RFC 3501 7.3, 7.4.1) ---- */

static void on_expunge(void *ctx, uint32_t seq)
{
	untagged(ctx, "%lu EXPUNGE", (unsigned long)seq);
}

static void on_flags(void *ctx, uint32_t seq, uint32_t uid, unsigned flags)
{
	struct imap *im = ctx;

	isel_send_flags(&im->out, seq, im->uid ? &uid : NULL, flags);
}

/* Look at the Maildir again; tell the client what changed. */
static void sync_box(struct imap *im)
{
	const struct imbox_events ev = { im, on_expunge, on_flags };
	char err[MAILDIR_ERR_LEN];
	size_t added;

	if (im->s.state != ST_SELECTED)
		return;
	if (imbox_sync(err, &im->box, &ev, &added) < 0) {
		log_event(im->s.peer, "%s", err);
		return;
	}
	if (added == 0)
		return;
	untagged(im, "%zu EXISTS", im->box.n);
	untagged(im, "%zu RECENT", isel_recent(&im->box));
}

/* ---- any state (RFC 3501 6.1) ---- */

static void cmd_capability(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!args_end(im, "CAPABILITY"))
		return;
	untagged(im, "CAPABILITY " IMAP_CAPS);
	reply(im, "OK", "CAPABILITY completed");
}

static void cmd_noop(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!args_end(im, "NOOP"))
		return;
	sync_box(im);
	reply(im, "OK", "NOOP completed");
}

static void cmd_logout(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!args_end(im, "LOGOUT"))
		return;
	untagged(im, "BYE mailab IMAP4rev1 server logging out");
	reply(im, "OK", "LOGOUT completed");
	s->why = "LOGOUT";
	set_state(im, ST_LOGOUT);
}

/* RFC 2971: C: a1 ID ("name" "client")   S: * ID ("name" "mailab" ...) */
static void cmd_id(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!ip_id_params(&im->ip)) {
		reply(im, "BAD", "syntax: ID NIL | ID (\"field\" \"value\" ...)");
		return;
	}
	untagged(im, "ID (\"name\" \"mailab\" \"version\" \"%s\")", MAILAB_VERSION);
	reply(im, "OK", "ID completed");
}

/* ---- Not Authenticated (RFC 3501 6.2) ---- */

/* The one identity rule (lib/identity): the login name, lower-cased,
 * is the mailbox's name.  Check it with the password; reply either way. */
static void do_login(struct imap *im, const char *user, const char *pass,
                     const char *how)
{
	char box[ID_BOX_MAX + 1];
	int ok = id_login_box(user, box) < 0 ? 0
	       : users_check(im->cfg->users_file, box, pass);

	if (ok == 1) {
		str_copy(im->user, box, sizeof im->user);
		set_state(im, ST_AUTH);
		reply(im, "OK", "[CAPABILITY " IMAP_CAPS "] %s completed", how);
		log_event(im->s.peer, _("login as %s (%s)"), box, how);
		return;
	}
	if (ok < 0)
		reply(im, "NO", "[UNAVAILABLE] cannot read the users file");
	else
		reply(im, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
	log_event(im->s.peer, _("login as %.64s (%s): refused%s"), user, how,
	          ok < 0 ? " (users file unreadable)" : "");
}

/* C: a1 LOGIN gizem 1234 */
static void cmd_login(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_str u, p;
	char user[USERS_LINE_MAX], pass[USERS_LINE_MAX];

	(void)arg;
	if (!ip_astring(&im->ip, &u) || !ip_sp(&im->ip) ||
	    !ip_astring(&im->ip, &p) || !ip_eol(&im->ip)) {
		reply(im, "BAD", "syntax: LOGIN user password");
		return;
	}
	if (!imap_str_copy(&u, user, sizeof user) || !imap_str_copy(&p, pass, sizeof pass))
		reply(im, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
	else
		do_login(im, user, pass, "LOGIN");
	memset(pass, 0, sizeof pass);
}

/* The base64 PLAIN message: SASL-IR's, or read after "+ " (RFC 3501 6.2.2). */
static bool sasl_response(struct imap *im, struct imap_str *ir, char *line,
                          size_t cap)
{
	enum conn_ending ending;
	size_t len;

	if (ir->p != NULL)
		return imap_str_copy(ir, line, cap);
	iout_puts(&im->out, "+ "); /* S: + (an empty challenge) */
	iout_end(&im->out);
	return conn_read_command(&im->s.conn, line, cap - 1, &len, &ending) == CONN_LINE;
}

/* C: a1 AUTHENTICATE PLAIN [base64]  (SASL-IR, RFC 4959; lib/sasl) */
static void cmd_authenticate(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_str mech, ir = { NULL, 0, false };
	char line[IMAP_LINE_MAX];
	unsigned char msg[IMAP_LINE_MAX];
	const char *user, *pass;
	long n;

	(void)arg;
	if (!ip_atom(&im->ip, &mech) || (ip_sp(&im->ip) && !ip_astring(&im->ip, &ir)) ||
	    !args_end(im, "AUTHENTICATE mechanism [initial-response]"))
		return;
	if (!is_word(&mech, "PLAIN"))
		reply(im, "NO", "[CANNOT] only AUTHENTICATE PLAIN is offered");
	else if (!sasl_response(im, &ir, line, sizeof line))
		reply(im, "BAD", "authentication exchange broken off");
	else if (strcmp(line, "*") == 0) /* RFC 3501 6.2.2: the client cancels */
		reply(im, "BAD", "AUTHENTICATE cancelled");
	else if ((n = strcmp(line, "=") == 0 ? 0 : base64_decode(line, strlen(line), msg)) < 0 ||
	         (size_t)n >= sizeof msg ||
	         sasl_plain((char *)msg, (size_t)n, &user, &pass) != SASL_OK)
		reply(im, "BAD", "not a valid base64 PLAIN message (RFC 4616)");
	else
		do_login(im, user, pass, "AUTHENTICATE PLAIN");
	memset(msg, 0, sizeof msg);
	memset(line, 0, sizeof line);
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
		reply(im, "BAD", "syntax: %s mailbox", readonly ? "EXAMINE" : "SELECT");
		return;
	}
	set_state(im, ST_AUTH); /* a failed SELECT leaves none selected */
	if (!inbox) {
		reply(im, "NO", "[NONEXISTENT] only INBOX exists here");
		return;
	}
	if (imbox_open(err, &im->box, im->cfg->maildir, im->user, readonly) < 0) {
		log_event(im->s.peer, "%s", err);
		reply(im, "NO", "[SERVERBUG] cannot open the mailbox");
		return;
	}
	isel_select_data(&im->out, &im->box);
	set_state(im, ST_SELECTED);
	reply(im, "OK", "[%s] %s completed", readonly ? "READ-ONLY" : "READ-WRITE",
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
	reply(s->app, "NO", "[CANNOT] this server keeps one mailbox, INBOX");
}

/* LIST and LSUB: INBOX is the one mailbox, always subscribed. */
static void list_or_lsub(struct imap *im, const char *verb)
{
	char ref[256], pat[256], full[512];
	struct imap_str r;

	if (!ip_astring(&im->ip, &r) || !imap_str_copy(&r, ref, sizeof ref) ||
	    !ip_sp(&im->ip) || !ip_list_mailbox(&im->ip, pat, sizeof pat) ||
	    !ip_eol(&im->ip)) {
		reply(im, "BAD", "syntax: %s reference mailbox", verb);
		return;
	}
	snprintf(full, sizeof full, "%s%s", ref, pat);
	if (pat[0] == '\0' && strcmp(verb, "LIST") == 0)
		untagged(im, "LIST (\\Noselect) \"/\" \"\""); /* the hierarchy delimiter */
	else if (imap_list_match(full, "INBOX"))
		untagged(im, "%s (%s) \"/\" INBOX", verb,
		         strcmp(verb, "LIST") == 0 ? "\\HasNoChildren" : "");
	reply(im, "OK", "%s completed", verb);
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
		reply(im, "BAD", "syntax: STATUS mailbox (items)");
		return;
	}
	if (inbox && imbox_status(err, im->cfg->maildir, im->user, &c) < 0)
		log_event(im->s.peer, "%s", err);
	if (!isel_status_items(&im->ip, &c, line))
		reply(im, "BAD", "STATUS items: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN");
	else if (!args_end(im, "STATUS mailbox (items)"))
		return;
	else if (!inbox)
		reply(im, "NO", "[NONEXISTENT] only INBOX exists here");
	else {
		untagged(im, "STATUS INBOX (%s)", line);
		reply(im, "OK", "STATUS completed");
	}
}

/* ---- Selected (RFC 3501 6.4) ---- */

static void cmd_check(struct session *s, char *arg)
{
	struct imap *im = s->app;

	(void)arg;
	if (!args_end(im, "CHECK"))
		return;
	sync_box(im);
	reply(im, "OK", "CHECK completed");
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
	if (!args_end(im, "CLOSE"))
		return;
	if (!im->box.readonly && imbox_expunge(&im->box, &quiet) > 0)
		log_event(s->peer, _("CLOSE: some deleted messages not removed"));
	set_state(im, ST_AUTH);
	reply(im, "OK", "CLOSE completed");
}

static void cmd_expunge(struct session *s, char *arg)
{
	struct imap *im = s->app;
	const struct imbox_events ev = { im, on_expunge, NULL };

	(void)arg;
	if (!args_end(im, "EXPUNGE"))
		return;
	if (im->box.readonly) {
		reply(im, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
		return;
	}
	size_t recent = isel_recent(&im->box), failed = imbox_expunge(&im->box, &ev);
	if (isel_recent(&im->box) != recent) /* RFC 3501 7.3.2: the new count */
		untagged(im, "%zu RECENT", isel_recent(&im->box));
	if (failed > 0)
		reply(im, "NO", "some deleted messages could not be removed");
	else
		reply(im, "OK", "EXPUNGE completed");
}

/* The messages a sequence set names: fn for each; how many failed. */
static size_t each_msg(struct imap *im, const struct imap_seq *set,
                       int (*fn)(void *, size_t))
{
	return isel_each(&im->box, set, im->uid, fn, im, &im->out.failed);
}

static int fetch_fn(void *ctx, size_t i)
{
	struct imap *im = ctx;

	return fetch_one(&im->out, &im->box, i, im->fetch);
}

/* C: a1 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) */
static void cmd_fetch(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_seq *set = malloc(sizeof *set);
	struct fetch_req *r = malloc(sizeof *r);
	size_t gone;

	(void)arg;
	im->fetch = r;
	if (!set || !r || !ip_seqset(&im->ip, set) || !ip_sp(&im->ip) ||
	    !fetch_parse(&im->ip, r, im->uid))
		reply(im, "BAD", "syntax: FETCH sequence-set items");
	else if (!isel_in_range(&im->box, set, im->uid))
		reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if ((gone = each_msg(im, set, fetch_fn)) > 0)
		reply(im, "NO", "[EXPUNGEISSUED] %zu message(s) removed by another "
		      "session (POP3 or IMAP); NOOP shows what is left", gone);
	else
		reply(im, "OK", "FETCH completed");
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
		reply(im, "NO", "[BADCHARSET (US-ASCII UTF-8)] unknown charset");
	else if (rc != SEARCH_OK)
		reply(im, "BAD", "syntax: SEARCH [CHARSET name] keys (RFC 3501 6.4.4)");
	else if (search_run(&im->out, &im->box, prog, im->uid) > 0)
		reply(im, "NO", "[EXPUNGEISSUED] some messages were removed by another session");
	else
		reply(im, "OK", "SEARCH completed");
	search_free(prog);
}

static int store_fn(void *ctx, size_t i)
{
	struct imap *im = ctx;

	if (imbox_set_flags(&im->box, i, isel_store_apply(&im->store, im->box.msg[i].flags)) < 0)
		return -1;
	if (!im->store.silent)
		on_flags(im, (uint32_t)i + 1, im->box.msg[i].uid, im->box.msg[i].flags);
	return 0;
}

/* C: a1 STORE 1:3 +FLAGS.SILENT (\Deleted) */
static void cmd_store(struct session *s, char *arg)
{
	struct imap *im = s->app;
	struct imap_seq *set = malloc(sizeof *set);
	enum isel_store_parse rc = ISEL_STORE_SYNTAX;

	(void)arg;
	if (set && ip_seqset(&im->ip, set) && ip_sp(&im->ip))
		rc = isel_store_parse(&im->ip, &im->store);
	if (rc == ISEL_STORE_SYNTAX)
		reply(im, "BAD", "syntax: STORE sequence-set [+-]FLAGS[.SILENT] (flags)");
	else if (rc == ISEL_STORE_ITEM)
		reply(im, "BAD", "STORE takes FLAGS, +FLAGS or -FLAGS (.SILENT)");
	else if (im->box.readonly)
		reply(im, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
	else if (!isel_in_range(&im->box, set, im->uid))
		reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if (each_msg(im, set, store_fn) > 0)
		reply(im, "NO", "[EXPUNGEISSUED] some messages were removed by another "
		      "session; NOOP shows what is left");
	else
		reply(im, "OK", "STORE completed");
	free(set);
}

static int copy_fn(void *ctx, size_t i)
{
	struct imap *im = ctx;
	char err[MAILDIR_ERR_LEN];

	if (imbox_copy(err, &im->box, i) == 0)
		return 0;
	log_event(im->s.peer, _("COPY: %s"), err);
	return -1;
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
		reply(im, "BAD", "syntax: COPY sequence-set mailbox");
	else if (!inbox)
		reply(im, "NO", "[TRYCREATE] only INBOX exists here");
	else if (!isel_in_range(&im->box, set, im->uid))
		reply(im, "BAD", "no such message (the mailbox has %zu)", im->box.n);
	else if (each_msg(im, set, copy_fn) > 0)
		reply(im, "NO", "some messages could not be copied");
	else {
		sync_box(im); /* the copies: * n EXISTS */
		reply(im, "OK", "COPY completed");
	}
	free(set);
}

/* Wait for the client's DONE, looking at the Maildir every second
 * (portable: no inotify).  CONN_LINE when input came. */
static enum conn_status idle_wait(struct imap *im)
{
	struct pollfd p = { .fd = im->s.conn.rfd, .events = POLLIN };
	int idle_ms = 0;

	for (;;) {
		if (conn_stop_requested())
			return CONN_STOP;
		if (iout_flush(&im->out) < 0)
			return CONN_ERROR;
		if (im->s.conn.rpos < im->s.conn.rlen ||
		    poll(&p, 1, IMAP_IDLE_POLL_MS) > 0)
			return CONN_LINE;
		idle_ms += IMAP_IDLE_POLL_MS;
		if (im->cfg->timeout > 0 && idle_ms / 1000 >= im->cfg->timeout)
			return CONN_TIMEOUT; /* RFC 3501 5.4, RFC 2177 3 */
		sync_box(im);
	}
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
	if (!args_end(im, "IDLE"))
		return;
	iout_puts(&im->out, "+ idling");
	iout_end(&im->out);
	st = idle_wait(im);
	if (st == CONN_LINE)
		st = conn_read_command(&s->conn, line, sizeof line - 1, &len, &ending);
	if (st == CONN_LINE && str_ncase_eq(line, "DONE", 5))
		reply(im, "OK", "IDLE terminated");
	else if (st == CONN_LINE || st == CONN_TOOLONG)
		reply(im, "BAD", "IDLE ends with DONE");
	else
		session_lost(s, st); /* the goodbye is the session's end's */
}

/* ---- the command table and what the dispatcher says ---- */

/* min_args 1: the verb needs arguments; the handlers parse them
 * (lib/imap_parse).  UID_OK: "UID FETCH ...". */
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
	{ "SEARCH", ST_SELECTED | UID_OK, 1, SESSION_REST, "SEARCH", cmd_search },
	{ "FETCH", ST_SELECTED | UID_OK, 1, SESSION_REST, "FETCH", cmd_fetch },
	{ "STORE", ST_SELECTED | UID_OK, 1, SESSION_REST, "STORE", cmd_store },
	{ "COPY", ST_SELECTED | UID_OK, 1, SESSION_REST, "COPY", cmd_copy },
	{ NULL, 0, 0, 0, NULL, NULL } /* anything else: BAD */
};

static void unknown(struct session *s, const char *verb)
{
	reply(s->app, "BAD", "unknown command: \"%.40s\"", verb);
}

static void bad_state(struct session *s, const struct session_command *c)
{
	reply(s->app, "BAD", "%s not allowed in the %s state", c->verb,
	      state_name(s->state));
}

static void bad_args(struct session *s, const struct session_command *c)
{
	reply(s->app, "BAD", "%s needs arguments", c->verb);
}

/* The tag of a command that could not be read whole, for its reply. */
static void salvage_tag(struct imap *im)
{
	struct imap_p ip;
	struct imap_str tag;

	ip_init(&ip, im->cmd.buf, im->cmd.len);
	im->tag[0] = '\0';
	if (ip_tag(&ip, &tag) && tag.n <= IMAP_TAG_MAX && ip_sp(&ip))
		imap_str_copy(&tag, im->tag, sizeof im->tag);
}

/* session's hook: one command with its literals (lib/imap_parse); an
 * over-long line or literal gets its BAD here. */
static enum conn_status read_command(struct session *s, size_t *len)
{
	struct imap *im = s->app;
	enum conn_status st = CONN_ERROR;
	enum imap_read r = imap_read_command(&s->conn, &im->out, &im->cmd,
	                                     IMAP_LITERAL_MAX, &st);

	*len = im->cmd.len;
	if (r == IMAP_READ_OK)
		return CONN_LINE;
	if (r == IMAP_READ_CONN || r == IMAP_READ_NOMEM)
		return r == IMAP_READ_CONN ? st : CONN_ERROR;
	salvage_tag(im);
	if (r == IMAP_READ_TOOLONG)
		reply(im, "BAD", "line too long (limit %d octets outside literals)", IMAP_LINE_MAX);
	else
		reply(im, "BAD", "[TOOBIG] literal over %lu octets", IMAP_LITERAL_MAX);
	return CONN_TOOLONG;
}

/* session's hook: tag SP [UID SP] verb [SP arguments] — the tag kept
 * for the reply, then the shared checks of the verb's row. */
static void run_command(struct session *s, size_t len)
{
	struct imap *im = s->app;
	struct imap_str tag, verb;
	const struct session_command *c;
	char name[41];

	ip_init(&im->ip, im->cmd.buf, len);
	im->uid = false;
	im->tag[0] = '\0';
	if (!ip_tag(&im->ip, &tag) || tag.n > IMAP_TAG_MAX || !ip_sp(&im->ip) ||
	    !ip_atom(&im->ip, &verb)) {
		reply(im, "BAD", "expected: tag SP command (RFC 3501 2.2.1)");
		return;
	}
	imap_str_copy(&tag, im->tag, sizeof im->tag);
	if (is_word(&verb, "UID") && ip_sp(&im->ip) && ip_atom(&im->ip, &verb)) {
		im->uid = true;
		if (!(session_lookup(commands, verb.p, verb.n)->states & UID_OK)) {
			reply(im, "BAD", "UID takes FETCH, STORE, SEARCH or COPY");
			return;
		}
	}
	c = session_lookup(commands, verb.p, verb.n);
	snprintf(name, sizeof name, "%.*s", (int)(verb.n < 40 ? verb.n : 40), verb.p);
	const char *args = im->ip.p;
	bool spaced = ip_sp(&im->ip);
	if (c->verb && c->min_args == 0)
		im->ip.p = args; /* a space there is the handler's BAD */
	session_command_run(s, c, name, (char *)im->cmd.buf + (im->ip.p - im->cmd.buf),
	                    spaced);
}

static const struct session_proto imap_proto = {
	.line_max = IMAP_LINE_MAX, .done = ST_LOGOUT,
	.too_long = NULL, /* read_command replies itself */
	.too_many = "* BYE too many bad commands, closing connection",
	.commands = commands, .state_name = state_name,
	.unknown = unknown, .bad_state = bad_state, .bad_args = bad_args,
	.send_reply = send_reply, .is_error = is_error,
	.read = read_command, .run = run_command,
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
		untagged(im, "OK [CAPABILITY " IMAP_CAPS "] mailab IMAP4rev1 server ready");
	session_run(&im->s);
	if (im->s.end == CONN_TIMEOUT) /* RFC 3501 5.4: autologout */
		untagged(im, "BYE autologout: idle for too long");
	else if (im->s.end == CONN_STOP)
		untagged(im, "BYE server shutting down");
	iout_flush(&im->out);
	imbox_close(&im->box);
	imap_cmd_free(&im->cmd);
	session_log_end(&im->s, NULL);
	free(im);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fputs(_("usage: imap_server [-p PORT] [-b ADDR]... [-d DIR] [-U FILE]\n"
	    "                   [--timeout SECONDS] [--max-clients N] [--stdio] [-v]\n"
	    "\n"
	    "Serve the mail in DIR/<user>/{new,cur}/ (Maildir) over IMAP4rev1 as INBOX;\n"
	    "mail stays on the server, flags and UIDs are kept in the Maildir.\n"
	    "\n"
	    "  -p, --port PORT        port to listen on (default 1143;\n"
	    "                         the standard 143 needs root)\n"
	    "  -b, --bind ADDR        address to listen on, repeatable\n"
	    "                         (default 127.0.0.1 and ::1)\n"
	    "  -d, --maildir DIR      mail store (default ./maildir)\n"
	    "  -U, --users FILE       name:password lines (default ./users.txt)\n"
	    "      --timeout SECONDS  autologout after this idle time (default 1800)\n"
	    "      --max-clients N    sessions at once (default 100)\n"
	    "      --stdio            one session on stdin/stdout (inetd style)\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"), f);
	teach_usage(f, TEACH_USAGE_IMAP);
	fputs(_("\n"
	    "Example:\n"
	    "  ./imap_server -v           then, in another terminal:\n"
	    "  nc -C localhost 1143       and type a LOGIN gizem 1234, b SELECT INBOX,\n"
	    "                             c FETCH 1 BODY[], d LOGOUT\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1143\n"
	    "Port 1143 is not IMAP's usual 143, so use Analyze > Decode As... >\n"
	    "TCP port 1143 > IMAP to see the commands decoded.\n"), f);
}

enum { OPT_TIMEOUT = 256, OPT_STDIO, OPT_VERSION };

static const struct option options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "maildir", required_argument, NULL, 'd' },
	{ "users", required_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-clients", required_argument, NULL, SERVER_OPT_MAX_CLIENTS },
	{ "max-per-ip", required_argument, NULL, SERVER_OPT_MAX_PER_IP },
	{ "stdio", no_argument, NULL, OPT_STDIO },
	{ "version", no_argument, NULL, OPT_VERSION },
	TEACH_OPTIONS, TEACH_FAIL_OPTION,
	{ NULL, 0, NULL, 0 }
};

/* --explain, --lang, --step, --delay, --fail */
static struct teach teach;

/* Fill cfg and srv from argv; returns true for --stdio. */
static bool parse_options(int argc, char **argv, struct imap_config *cfg,
                          struct server_config *srv)
{
	bool stdio = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "p:b:d:U:vh" TEACH_SHORT, options, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg->maildir = optarg; break;
		case 'U': cfg->users_file = optarg; break;
		case 'v': cfg->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_TIMEOUT: cfg->timeout = (int)opt_ulong("--timeout", optarg, 1, 86400); break;
		case OPT_STDIO: stdio = true; break;
		case OPT_VERSION: printf("imap_server (mailab) %s\n", MAILAB_VERSION); exit(0);
		default: /* -p, -b, ..., the teaching modes */
			if (!server_option(srv, ch, optarg) &&
			    !teach_option(&teach, ch, optarg))
				die(EX_USAGE, _("try 'imap_server --help' for the "
				                "options")); /* getopt named the typo */
		}
	}
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument '%s' (see --help)"), argv[optind]);
	return stdio;
}

int main(int argc, char **argv)
{
	struct imap_config cfg = {
		.maildir = "./maildir", .users_file = "./users.txt",
		.timeout = IMAP_DEFAULT_TIMEOUT,
	};
	struct server_config srv = {
		.port = IMAP_DEFAULT_PORT, .max_clients = 100,
		.busy_reply = "* BYE [UNAVAILABLE] too many connections, try again later",
		.per_ip_reply = "* BYE [UNAVAILABLE] too many connections from your address, try again later",
		.session = imap_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	teach_lang(argc, argv);
	teach_server(&teach, FAULT_IMAP, commands);
	bool stdio = parse_options(argc, argv, &cfg, &srv);
	teach_start(&teach, EXPLAIN_IMAP, &cfg.verbose);
	teach_serve(&teach, &srv);
	if (users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, _("cannot read users file %s"), cfg.users_file);
	return stdio ? server_stdio(&srv) : server_run(&srv);
}
