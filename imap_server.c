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
 * One session is imap_session() below: greet, read a command (with its
 * literals: lib/imap_parse), look its verb up in the command table,
 * check the state, run the handler.  Messages are streamed from their
 * files (lib/imap_msg, lib/imap_fetch); flags, UIDs and \Recent live in
 * the Maildir (lib/imap_mbox), so pop_server can read the same mailbox.
 */
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "conn.h"
#include "imap_fetch.h"
#include "imap_mbox.h"
#include "imap_out.h"
#include "imap_parse.h"
#include "imap_search.h"
#include "maildir.h"
#include "sasl.h"
#include "server.h"
#include "users.h"
#include "util.h"

#define IMAP_ERRORS_MAX 10           /* BAD/NO replies in a row, then BYE */
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

struct session {
	const struct imap_config *cfg;
	struct conn conn;
	struct imap_out out;
	const char *peer;
	enum state state;
	unsigned errors;        /* BAD/NO in a row */
	const char *end;        /* why the session ended, for the log */
	char tag[IMAP_TAG_MAX + 1];
	bool uid;               /* the command came as UID FETCH/... */
	char user[MAILDIR_BOX_MAX + 1];
	struct imbox box;       /* in ST_SELECTED */
	struct imap_cmd cmd;
	struct imap_p ip;       /* the arguments, after the verb */
};

/* ---- replies: every line goes out through imap_out ---- */

static void vreply(struct session *s, const char *tag, const char *status,
                   const char *fmt, va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof text, fmt, ap);
	iout_printf(&s->out, "%s %s%s%s", tag, status, *status && *text ? " " : "", text);
	iout_end(&s->out);
}

/* The tagged reply that ends a command: OK resets the error count. */
static void reply(struct session *s, const char *status, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static void reply(struct session *s, const char *status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreply(s, s->tag[0] ? s->tag : "*", status, fmt, ap);
	va_end(ap);
	s->errors = strcmp(status, "OK") == 0 ? 0 : s->errors + 1;
}

/* An untagged "* ..." line. */
static void untagged(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void untagged(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreply(s, "*", "", fmt, ap);
	va_end(ap);
}

static const char *state_name(enum state st)
{
	switch (st) {
	case ST_NOAUTH: return "not authenticated";
	case ST_AUTH: return "authenticated";
	case ST_SELECTED: return "selected";
	case ST_LOGOUT: break;
	}
	return "logout";
}

/* Every state change goes through here, so -v can show it. */
static void set_state(struct session *s, enum state next)
{
	if (s->cfg->verbose && next != s->state)
		fprintf(stderr, "   (state %s)\n", state_name(next));
	if (s->state == ST_SELECTED && next != ST_SELECTED)
		imbox_close(&s->box);
	s->state = next;
}

/* The arguments must end here; else BAD.  true when they did. */
static bool args_end(struct session *s, const char *usage)
{
	if (ip_eol(&s->ip))
		return true;
	reply(s, "BAD", "syntax: %s", usage);
	return false;
}

/* ---- mailbox updates (RFC 3501 7.3, 7.4.1) ---- */

static void on_expunge(void *ctx, uint32_t seq)
{
	untagged(ctx, "%lu EXPUNGE", (unsigned long)seq);
}

static void on_flags(void *ctx, uint32_t seq, uint32_t uid, unsigned flags)
{
	struct session *s = ctx;

	iout_printf(&s->out, "* %lu FETCH (", (unsigned long)seq);
	if (s->uid)
		iout_printf(&s->out, "UID %lu ", (unsigned long)uid);
	iout_puts(&s->out, "FLAGS ");
	fetch_send_flags(&s->out, flags);
	iout_puts(&s->out, ")");
	iout_end(&s->out);
}

static size_t count_recent(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->box.n; i++)
		n += (s->box.msg[i].flags & IF_RECENT) != 0;
	return n;
}

/* Look at the Maildir again; tell the client what changed. */
static void sync_box(struct session *s)
{
	const struct imbox_events ev = { s, on_expunge, on_flags };
	char err[MAILDIR_ERR_LEN];
	size_t added;

	if (s->state != ST_SELECTED)
		return;
	if (imbox_sync(err, &s->box, &ev, &added) < 0) {
		log_event(s->peer, "%s", err);
		return;
	}
	if (added == 0)
		return;
	untagged(s, "%zu EXISTS", s->box.n);
	untagged(s, "%zu RECENT", count_recent(s));
}

/* ---- any state (RFC 3501 6.1) ---- */

static void cmd_capability(struct session *s)
{
	if (!args_end(s, "CAPABILITY"))
		return;
	untagged(s, "CAPABILITY " IMAP_CAPS);
	reply(s, "OK", "CAPABILITY completed");
}

static void cmd_noop(struct session *s)
{
	if (!args_end(s, "NOOP"))
		return;
	sync_box(s);
	reply(s, "OK", "NOOP completed");
}

static void cmd_logout(struct session *s)
{
	if (!args_end(s, "LOGOUT"))
		return;
	untagged(s, "BYE mailab IMAP4rev1 server logging out");
	reply(s, "OK", "LOGOUT completed");
	s->end = "LOGOUT";
	set_state(s, ST_LOGOUT);
}

/* RFC 2971: C: a1 ID ("name" "client")   S: * ID ("name" "mailab" ...) */
static void cmd_id(struct session *s)
{
	struct imap_str k, v;
	bool ok = ip_nil(&s->ip);

	if (!ok && ip_char(&s->ip, '(')) {
		do
			ok = ip_string(&s->ip, &k) && ip_sp(&s->ip) &&
			     (ip_nil(&s->ip) || ip_string(&s->ip, &v));
		while (ok && ip_sp(&s->ip));
		ok = ok && ip_char(&s->ip, ')');
	}
	if (!ok || !ip_eol(&s->ip)) {
		reply(s, "BAD", "syntax: ID NIL | ID (\"field\" \"value\" ...)");
		return;
	}
	untagged(s, "ID (\"name\" \"mailab\" \"version\" \"%s\")", MAILAB_VERSION);
	reply(s, "OK", "ID completed");
}

/* ---- Not Authenticated (RFC 3501 6.2) ---- */

/*
 * The SPEC's identity rule, until the shared lib/identity lands: the
 * login name lower-cased (ASCII) must itself be a canonical mailbox
 * name — ASCII letters, digits, '.', '_', '-', UTF-8 letters (octets
 * >= 0x80, valid UTF-8), 1 to 64 octets, no leading or trailing dot,
 * no "..".  Fills box (MAILDIR_BOX_MAX + 1); 0, or -1 when it is not.
 */
static int login_mailbox(const char *name, char *box)
{
	size_t n = strlen(name);

	if (n == 0 || n > MAILDIR_BOX_MAX || name[0] == '.' ||
	    name[n - 1] == '.' || strstr(name, ".."))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		size_t more = ch >= 0xf5 ? 0 : ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2
		            : ch >= 0xc2 ? 1 : 0;
		if (ch >= 0x80 && more == 0)
			return -1; /* not a UTF-8 lead byte */
		if (ch < 0x80 && !(ch == '.' || ch == '_' || ch == '-' ||
		                   (ch >= '0' && ch <= '9') ||
		                   ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')))
			return -1;
		box[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		for (size_t k = 1; k <= more; k++) {
			if (i + k >= n || ((unsigned char)name[i + k] & 0xc0) != 0x80)
				return -1;
			box[i + k] = name[i + k];
		}
		i += more;
	}
	box[n] = '\0';
	return 0;
}

/* Check the name and password; reply either way. */
static void do_login(struct session *s, const char *user, const char *pass,
                     const char *how)
{
	char box[MAILDIR_BOX_MAX + 1];
	int ok = login_mailbox(user, box) < 0 ? 0
	       : users_check(s->cfg->users_file, box, pass);

	if (ok == 1) {
		str_copy(s->user, box, sizeof s->user);
		set_state(s, ST_AUTH);
		reply(s, "OK", "[CAPABILITY " IMAP_CAPS "] %s completed", how);
		log_event(s->peer, "login as %s (%s)", box, how);
		return;
	}
	if (ok < 0)
		reply(s, "NO", "[UNAVAILABLE] cannot read the users file");
	else
		reply(s, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
	log_event(s->peer, "login as %.64s (%s): refused", user, how);
}

/* C: a1 LOGIN gizem 1234 */
static void cmd_login(struct session *s)
{
	struct imap_str u, p;
	char user[USERS_LINE_MAX], pass[USERS_LINE_MAX];

	if (!ip_astring(&s->ip, &u) || !ip_sp(&s->ip) || !ip_astring(&s->ip, &p) ||
	    !ip_eol(&s->ip)) {
		reply(s, "BAD", "syntax: LOGIN user password");
		return;
	}
	if (!imap_str_copy(&u, user, sizeof user) || !imap_str_copy(&p, pass, sizeof pass)) {
		reply(s, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
		return;
	}
	do_login(s, user, pass, "LOGIN");
	memset(pass, 0, sizeof pass);
}

/* The base64 PLAIN message: SASL-IR's, or read after "+ " (RFC 3501 6.2.2). */
static bool sasl_response(struct session *s, struct imap_str *ir, char *line,
                          size_t cap)
{
	enum conn_ending ending;
	size_t len;

	if (ir->p != NULL) {
		if (!imap_str_copy(ir, line, cap))
			return false;
	} else {
		iout_puts(&s->out, "+ ");
		iout_end(&s->out);
		if (conn_read_command(&s->conn, line, cap - 1, &len, &ending) != CONN_LINE)
			return false;
	}
	return true;
}

/* C: a1 AUTHENTICATE PLAIN [base64]  (SASL-IR, RFC 4959) */
static void cmd_authenticate(struct session *s)
{
	struct imap_str mech, ir = { NULL, 0, false };
	char line[IMAP_LINE_MAX];
	unsigned char msg[IMAP_LINE_MAX];
	const char *user, *pass;
	long n;

	if (!ip_atom(&s->ip, &mech) || (ip_sp(&s->ip) && !ip_astring(&s->ip, &ir)) ||
	    !args_end(s, "AUTHENTICATE mechanism [initial-response]"))
		return;
	if (!is_word(&mech, "PLAIN")) {
		reply(s, "NO", "[CANNOT] only AUTHENTICATE PLAIN is offered");
		return;
	}
	if (!sasl_response(s, &ir, line, sizeof line)) {
		reply(s, "BAD", "authentication exchange broken off");
		return;
	}
	if (strcmp(line, "*") == 0) { /* RFC 3501 6.2.2: the client cancels */
		reply(s, "BAD", "AUTHENTICATE cancelled");
		return;
	}
	n = strcmp(line, "=") == 0 ? 0 : base64_decode(line, strlen(line), msg);
	if (n < 0 || (size_t)n >= sizeof msg ||
	    sasl_plain((char *)msg, (size_t)n, &user, &pass) != SASL_OK) {
		reply(s, "BAD", "not a valid base64 PLAIN message (RFC 4616)");
		return;
	}
	do_login(s, user, pass, "AUTHENTICATE PLAIN");
	memset(msg, 0, sizeof msg);
	memset(line, 0, sizeof line);
}

/* ---- Authenticated (RFC 3501 6.3) ---- */

/* A mailbox argument: true when it names INBOX (any case, 5.1). */
static bool mailbox_arg(struct session *s, bool *ok)
{
	struct imap_str m;
	char name[16];

	*ok = ip_astring(&s->ip, &m);
	return *ok && imap_str_copy(&m, name, sizeof name) &&
	       str_ncase_eq(name, "INBOX", 6);
}

/* SELECT and EXAMINE: open INBOX, say what is in it (RFC 3501 6.3.1). */
static void select_box(struct session *s, bool readonly)
{
	char err[MAILDIR_ERR_LEN];
	size_t recent = 0, unseen = 0;
	bool ok, inbox = mailbox_arg(s, &ok);

	if (!ok || !ip_eol(&s->ip)) {
		reply(s, "BAD", "syntax: %s mailbox", readonly ? "EXAMINE" : "SELECT");
		return;
	}
	set_state(s, ST_AUTH); /* a failed SELECT leaves none selected */
	if (!inbox) {
		reply(s, "NO", "[NONEXISTENT] only INBOX exists here");
		return;
	}
	if (imbox_open(err, &s->box, s->cfg->maildir, s->user, readonly) < 0) {
		log_event(s->peer, "%s", err);
		reply(s, "NO", "[SERVERBUG] cannot open the mailbox");
		return;
	}
	for (size_t i = s->box.n; i > 0; i--) {
		recent += (s->box.msg[i - 1].flags & IF_RECENT) != 0;
		if (!(s->box.msg[i - 1].flags & IF_SEEN))
			unseen = i;
	}
	untagged(s, "FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
	untagged(s, "OK [PERMANENTFLAGS (%s)] Flags kept in the Maildir",
	         readonly ? "" : "\\Answered \\Flagged \\Deleted \\Seen \\Draft");
	untagged(s, "%zu EXISTS", s->box.n);
	untagged(s, "%zu RECENT", recent);
	if (unseen)
		untagged(s, "OK [UNSEEN %zu] First unseen", unseen);
	untagged(s, "OK [UIDVALIDITY %lu] UIDs valid", (unsigned long)s->box.uidvalidity);
	untagged(s, "OK [UIDNEXT %lu] Predicted next UID", (unsigned long)s->box.uidnext);
	set_state(s, ST_SELECTED);
	reply(s, "OK", "[%s] %s completed", readonly ? "READ-ONLY" : "READ-WRITE",
	      readonly ? "EXAMINE" : "SELECT");
}

static void cmd_select(struct session *s)
{
	select_box(s, false);
}

static void cmd_examine(struct session *s)
{
	select_box(s, true);
}

/* CREATE, DELETE, RENAME: one mailbox only in this lab. */
static void cmd_create(struct session *s)
{
	reply(s, "NO", "[CANNOT] this server keeps one mailbox, INBOX");
}

/* LIST and LSUB: INBOX is the one mailbox, always subscribed. */
static void list_or_lsub(struct session *s, const char *verb)
{
	char ref[256], pat[256], full[512];
	struct imap_str r;

	if (!ip_astring(&s->ip, &r) || !imap_str_copy(&r, ref, sizeof ref) ||
	    !ip_sp(&s->ip) || !ip_list_mailbox(&s->ip, pat, sizeof pat) || !ip_eol(&s->ip)) {
		reply(s, "BAD", "syntax: %s reference mailbox", verb);
		return;
	}
	snprintf(full, sizeof full, "%s%s", ref, pat);
	if (pat[0] == '\0' && verb[0] == 'L' && verb[1] == 'I')
		untagged(s, "LIST (\\Noselect) \"/\" \"\""); /* the hierarchy delimiter */
	else if (imap_list_match(full, "INBOX"))
		untagged(s, "%s (%s) \"/\" INBOX", verb,
		         verb[1] == 'I' ? "\\HasNoChildren" : "");
	reply(s, "OK", "%s completed", verb);
}

static void cmd_list(struct session *s)
{
	list_or_lsub(s, "LIST");
}

static void cmd_lsub(struct session *s)
{
	list_or_lsub(s, "LSUB");
}

/* C: a1 STATUS INBOX (MESSAGES UNSEEN)   (RFC 3501 6.3.10) */
static void cmd_status(struct session *s)
{
	static const char *const items[] = { "MESSAGES", "RECENT", "UIDNEXT",
		                             "UIDVALIDITY", "UNSEEN" };
	char err[MAILDIR_ERR_LEN];
	struct imbox_counts c = { 0 };
	struct imap_str w;
	bool ok, inbox = mailbox_arg(s, &ok);
	char line[256] = "";

	if (!ok || !ip_sp(&s->ip) || !ip_char(&s->ip, '(')) {
		reply(s, "BAD", "syntax: STATUS mailbox (items)");
		return;
	}
	if (inbox && imbox_status(err, s->cfg->maildir, s->user, &c) < 0)
		log_event(s->peer, "%s", err);
	do {
		size_t k = ip_atom(&s->ip, &w) ? 0 : 5;
		while (k < 5 && !is_word(&w, items[k]))
			k++;
		if (k == 5) {
			reply(s, "BAD", "STATUS items: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN");
			return;
		}
		unsigned long v = k == 0 ? c.messages : k == 1 ? c.recent : k == 2 ? c.uidnext
		                : k == 3 ? c.uidvalidity : c.unseen;
		if (inbox)
			snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s %lu",
			         line[0] ? " " : "", items[k], v);
	} while (ip_sp(&s->ip));
	if (!ip_char(&s->ip, ')') || !args_end(s, "STATUS mailbox (items)"))
		return;
	if (!inbox) {
		reply(s, "NO", "[NONEXISTENT] only INBOX exists here");
		return;
	}
	untagged(s, "STATUS INBOX (%s)", line);
	reply(s, "OK", "STATUS completed");
}

/* ---- Selected (RFC 3501 6.4) ---- */

static void cmd_check(struct session *s)
{
	if (!args_end(s, "CHECK"))
		return;
	sync_box(s);
	reply(s, "OK", "CHECK completed");
}

static void quiet_expunge(void *ctx, uint32_t seq)
{
	(void)ctx;
	(void)seq;
}

/* CLOSE: remove the \Deleted messages silently, deselect (6.4.2). */
static void cmd_close(struct session *s)
{
	const struct imbox_events quiet = { s, quiet_expunge, NULL };

	if (!args_end(s, "CLOSE"))
		return;
	if (!s->box.readonly && imbox_expunge(&s->box, &quiet) > 0)
		log_event(s->peer, "CLOSE: some deleted messages not removed");
	set_state(s, ST_AUTH);
	reply(s, "OK", "CLOSE completed");
}

static void cmd_expunge(struct session *s)
{
	const struct imbox_events ev = { s, on_expunge, NULL };

	if (!args_end(s, "EXPUNGE"))
		return;
	if (s->box.readonly) {
		reply(s, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
		return;
	}
	size_t recent = count_recent(s), failed = imbox_expunge(&s->box, &ev);
	if (count_recent(s) != recent) /* RFC 3501 7.3.2: the new count */
		untagged(s, "%zu RECENT", count_recent(s));
	if (failed > 0)
		reply(s, "NO", "some deleted messages could not be removed");
	else
		reply(s, "OK", "EXPUNGE completed");
}

/* The messages a sequence set names, by number or by UID: calls fn for
 * each message index; returns how many failed (fn returned < 0). */
static size_t each_msg(struct session *s, const struct imap_seq *set,
                       int (*fn)(struct session *, size_t, void *), void *arg)
{
	uint32_t star = s->uid ? (s->box.n ? s->box.msg[s->box.n - 1].uid : 0)
	                       : (uint32_t)s->box.n;
	size_t failed = 0;

	for (size_t i = 0; i < s->box.n && s->state == ST_SELECTED; i++)
		if (imap_seq_has(set, s->uid ? s->box.msg[i].uid : (uint32_t)i + 1, star))
			failed += fn(s, i, arg) < 0;
	return failed;
}

/* Message numbers past the end are a client error (RFC 3501 9:
 * seq-number); UIDs that do not exist are just not there. */
static bool set_in_range(struct session *s, const struct imap_seq *set)
{
	for (size_t i = 0; !s->uid && i < set->n; i++)
		if (set->hi[i] != IMAP_STAR && set->hi[i] > s->box.n)
			return false; /* "1:*" is fine even when empty */
	return true;
}

static int fetch_fn(struct session *s, size_t i, void *arg)
{
	return fetch_one(&s->out, &s->box, i, arg);
}

/* C: a1 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) */
static void cmd_fetch(struct session *s)
{
	struct imap_seq *set = malloc(sizeof *set);
	struct fetch_req *r = malloc(sizeof *r);
	size_t gone;

	if (!set || !r || !ip_seqset(&s->ip, set) || !ip_sp(&s->ip) ||
	    !fetch_parse(&s->ip, r, s->uid))
		reply(s, "BAD", "syntax: FETCH sequence-set items");
	else if (!set_in_range(s, set))
		reply(s, "BAD", "no such message (the mailbox has %zu)", s->box.n);
	else if ((gone = each_msg(s, set, fetch_fn, r)) > 0)
		reply(s, "NO", "[EXPUNGEISSUED] %zu message(s) removed by another "
		      "session (POP3 or IMAP); NOOP shows what is left", gone);
	else
		reply(s, "OK", "FETCH completed");
	free(set);
	free(r);
}

static void cmd_search(struct session *s)
{
	struct search_prog *prog;
	enum search_parse rc = search_parse(&s->ip, &prog);

	if (rc == SEARCH_BADCHARSET)
		reply(s, "NO", "[BADCHARSET (US-ASCII UTF-8)] unknown charset");
	else if (rc != SEARCH_OK)
		reply(s, "BAD", "syntax: SEARCH [CHARSET name] keys (RFC 3501 6.4.4)");
	else if (search_run(&s->out, &s->box, prog, s->uid) > 0)
		reply(s, "NO", "[EXPUNGEISSUED] some messages were removed by another session");
	else
		reply(s, "OK", "SEARCH completed");
	search_free(prog);
}

/* STORE's request: which flags, and how (RFC 3501 6.4.6). */
struct store_req {
	int how;        /* -1 remove, 0 replace, +1 add */
	bool silent;
	unsigned flags;
};

static int store_fn(struct session *s, size_t i, void *arg)
{
	const struct store_req *r = arg;
	unsigned f = s->box.msg[i].flags & IF_STORABLE;

	f = r->how > 0 ? f | r->flags : r->how < 0 ? f & ~r->flags : r->flags;
	if (imbox_set_flags(&s->box, i, f) < 0)
		return -1;
	if (!r->silent)
		on_flags(s, (uint32_t)i + 1, s->box.msg[i].uid, s->box.msg[i].flags);
	return 0;
}

/* C: a1 STORE 1:3 +FLAGS.SILENT (\Deleted) */
static void cmd_store(struct session *s)
{
	struct imap_seq *set = malloc(sizeof *set);
	struct store_req r = { 0, false, 0 };
	struct imap_str w;
	char item[32];

	if (!set || !ip_seqset(&s->ip, set) || !ip_sp(&s->ip) || !ip_atom(&s->ip, &w) ||
	    !imap_str_copy(&w, item, sizeof item) || !ip_sp(&s->ip) ||
	    !fetch_parse_flags(&s->ip, &r.flags) || !ip_eol(&s->ip)) {
		reply(s, "BAD", "syntax: STORE sequence-set [+-]FLAGS[.SILENT] (flags)");
		free(set);
		return;
	}
	char *name = item + (item[0] == '+' || item[0] == '-');
	r.how = item[0] == '+' ? 1 : item[0] == '-' ? -1 : 0;
	r.silent = str_ncase_eq(name, "FLAGS.SILENT", 13);
	if (!r.silent && !str_ncase_eq(name, "FLAGS", 6))
		reply(s, "BAD", "STORE takes FLAGS, +FLAGS or -FLAGS (.SILENT)");
	else if (s->box.readonly)
		reply(s, "NO", "[READ-ONLY] mailbox opened with EXAMINE");
	else if (!set_in_range(s, set))
		reply(s, "BAD", "no such message (the mailbox has %zu)", s->box.n);
	else if (each_msg(s, set, store_fn, &r) > 0)
		reply(s, "NO", "[EXPUNGEISSUED] some messages were removed by another "
		      "session; NOOP shows what is left");
	else
		reply(s, "OK", "STORE completed");
	free(set);
}

static int copy_fn(struct session *s, size_t i, void *arg)
{
	char err[MAILDIR_ERR_LEN];

	(void)arg;
	if (imbox_copy(err, &s->box, i) == 0)
		return 0;
	log_event(s->peer, "COPY: %s", err);
	return -1;
}

/* COPY to INBOX: the same mailbox, a new message with the same flags. */
static void cmd_copy(struct session *s)
{
	struct imap_seq *set = malloc(sizeof *set);
	bool ok = set && ip_seqset(&s->ip, set) && ip_sp(&s->ip), inbox = false;

	if (ok)
		inbox = mailbox_arg(s, &ok);
	if (!ok || !ip_eol(&s->ip))
		reply(s, "BAD", "syntax: COPY sequence-set mailbox");
	else if (!inbox)
		reply(s, "NO", "[TRYCREATE] only INBOX exists here");
	else if (!set_in_range(s, set))
		reply(s, "BAD", "no such message (the mailbox has %zu)", s->box.n);
	else if (each_msg(s, set, copy_fn, NULL) > 0)
		reply(s, "NO", "some messages could not be copied");
	else {
		sync_box(s); /* the copies: * n EXISTS */
		reply(s, "OK", "COPY completed");
	}
	free(set);
}

/*
 * RFC 2177 IDLE: "+ idling", then every second a look at the Maildir
 * (portable: no inotify), "* n EXISTS" as mail arrives, until DONE.
 */
static void cmd_idle(struct session *s)
{
	char line[16];
	struct pollfd p = { .fd = s->conn.rfd, .events = POLLIN };
	int idle_ms = 0;

	if (!args_end(s, "IDLE"))
		return;
	iout_puts(&s->out, "+ idling");
	iout_end(&s->out);
	for (;;) {
		if (conn_stop_requested()) {
			untagged(s, "BYE server shutting down");
			s->end = "stopping on signal";
			set_state(s, ST_LOGOUT);
			return;
		}
		if (iout_flush(&s->out) < 0)
			break;
		int ready = s->conn.rpos < s->conn.rlen ? 1 : poll(&p, 1, IMAP_IDLE_POLL_MS);
		if (ready > 0)
			break;
		idle_ms += IMAP_IDLE_POLL_MS;
		if (s->cfg->timeout > 0 && idle_ms / 1000 >= s->cfg->timeout) {
			s->end = "autologout in IDLE";
			untagged(s, "BYE autologout: idle for too long");
			set_state(s, ST_LOGOUT);
			return;
		}
		sync_box(s);
	}
	size_t len;
	enum conn_ending ending;
	enum conn_status st = conn_read_command(&s->conn, line, sizeof line - 1, &len, &ending);
	if (st == CONN_LINE && str_ncase_eq(line, "DONE", 5))
		reply(s, "OK", "IDLE terminated");
	else if (st == CONN_LINE || st == CONN_TOOLONG)
		reply(s, "BAD", "IDLE ends with DONE");
	else
		set_state(s, ST_LOGOUT);
}

/* ---- the command table and dispatch ---- */

struct command {
	const char *verb;
	unsigned states;   /* where it is allowed */
	bool uid_ok;       /* may follow "UID " (RFC 3501 6.4.8) */
	void (*run)(struct session *);
};

static const struct command commands[] = {
	{ "CAPABILITY", ST_ANY, false, cmd_capability },
	{ "NOOP", ST_ANY, false, cmd_noop },
	{ "LOGOUT", ST_ANY, false, cmd_logout },
	{ "ID", ST_ANY, false, cmd_id },
	{ "LOGIN", ST_NOAUTH, false, cmd_login },
	{ "AUTHENTICATE", ST_NOAUTH, false, cmd_authenticate },
	{ "SELECT", ST_IN, false, cmd_select },
	{ "EXAMINE", ST_IN, false, cmd_examine },
	{ "CREATE", ST_IN, false, cmd_create },
	{ "DELETE", ST_IN, false, cmd_create },
	{ "RENAME", ST_IN, false, cmd_create },
	{ "LIST", ST_IN, false, cmd_list },
	{ "LSUB", ST_IN, false, cmd_lsub },
	{ "STATUS", ST_IN, false, cmd_status },
	{ "IDLE", ST_IN, false, cmd_idle },
	{ "CHECK", ST_SELECTED, false, cmd_check },
	{ "CLOSE", ST_SELECTED, false, cmd_close },
	{ "EXPUNGE", ST_SELECTED, false, cmd_expunge },
	{ "SEARCH", ST_SELECTED, true, cmd_search },
	{ "FETCH", ST_SELECTED, true, cmd_fetch },
	{ "STORE", ST_SELECTED, true, cmd_store },
	{ "COPY", ST_SELECTED, true, cmd_copy },
	{ NULL, 0, false, NULL } /* anything else: BAD */
};

static const struct command *lookup(const struct imap_str *verb)
{
	const struct command *c;

	for (c = commands; c->verb; c++)
		if (is_word(verb, c->verb))
			break;
	return c;
}

/* tag SP command [SP arguments]: find the verb, check the state, run. */
static void dispatch(struct session *s)
{
	struct imap_str tag, verb;
	const struct command *c;

	ip_init(&s->ip, s->cmd.buf, s->cmd.len);
	s->uid = false;
	s->tag[0] = '\0';
	if (!ip_tag(&s->ip, &tag) || tag.n > IMAP_TAG_MAX || !ip_sp(&s->ip) ||
	    !ip_atom(&s->ip, &verb)) {
		reply(s, "BAD", "expected: tag SP command (RFC 3501 2.2.1)");
		return;
	}
	imap_str_copy(&tag, s->tag, sizeof s->tag);
	if (is_word(&verb, "UID") && ip_sp(&s->ip) && ip_atom(&s->ip, &verb)) {
		s->uid = true;
		if (!lookup(&verb)->uid_ok) {
			reply(s, "BAD", "UID takes FETCH, STORE, SEARCH or COPY");
			return;
		}
	}
	c = lookup(&verb);
	if (c->verb == NULL)
		reply(s, "BAD", "unknown command: \"%.*s\"", (int)(verb.n > 40 ? 40 : verb.n), verb.p);
	else if (!(c->states & s->state))
		reply(s, "BAD", "%s not allowed in the %s state", c->verb, state_name(s->state));
	else if (c->run != cmd_capability && c->run != cmd_logout &&
	         c->run != cmd_noop && c->run != cmd_idle && c->run != cmd_check &&
	         c->run != cmd_close && c->run != cmd_expunge && !ip_sp(&s->ip))
		reply(s, "BAD", "%s needs arguments", c->verb);
	else
		c->run(s);
}

/* The tag of a command that could not be read whole, for its reply. */
static void salvage_tag(struct session *s)
{
	struct imap_p ip;
	struct imap_str tag;

	ip_init(&ip, s->cmd.buf, s->cmd.len);
	s->tag[0] = '\0';
	if (ip_tag(&ip, &tag) && tag.n <= IMAP_TAG_MAX && ip_sp(&ip))
		imap_str_copy(&tag, s->tag, sizeof s->tag);
}

/* Tell the client why the session ends, when it can still hear it. */
static void session_end(struct session *s, enum conn_status st)
{
	if (st == CONN_TIMEOUT) /* RFC 3501 5.4: autologout */
		untagged(s, "BYE autologout: idle for too long");
	else if (st == CONN_STOP)
		untagged(s, "BYE server shutting down");
	iout_flush(&s->out);
	set_state(s, ST_LOGOUT);
	imap_cmd_free(&s->cmd);
	log_event(s->peer, "disconnected (%s)",
	          st != CONN_LINE ? conn_status_text(&s->conn, st)
	          : s->end        ? s->end
	                          : "LOGOUT");
}

/* One IMAP session, from the greeting to LOGOUT (or the peer vanishing). */
static void imap_session(int rfd, int wfd, const char *peer, void *ctx)
{
	struct session *s = calloc(1, sizeof *s);
	enum conn_status st = CONN_LINE;

	if (s == NULL)
		return;
	s->cfg = ctx;
	s->peer = peer;
	s->state = ST_NOAUTH;
	conn_init(&s->conn, rfd, wfd, s->cfg->timeout, s->cfg->verbose, CONN_SERVER);
	iout_init(&s->out, &s->conn);
	log_event(peer, "connected");
	untagged(s, "OK [CAPABILITY " IMAP_CAPS "] mailab IMAP4rev1 server ready");
	while (s->state != ST_LOGOUT) {
		enum imap_read r = imap_read_command(&s->conn, &s->out, &s->cmd,
		                                     IMAP_LITERAL_MAX, &st);
		if (r == IMAP_READ_CONN || r == IMAP_READ_NOMEM)
			break;
		if (r == IMAP_READ_TOOLONG) {
			salvage_tag(s);
			reply(s, "BAD", "line too long (limit %d octets outside literals)", IMAP_LINE_MAX);
		} else if (r == IMAP_READ_LITBIG) {
			salvage_tag(s);
			reply(s, "BAD", "[TOOBIG] literal over %lu octets", IMAP_LITERAL_MAX);
		} else {
			dispatch(s);
		}
		if (s->errors >= IMAP_ERRORS_MAX && s->state != ST_LOGOUT) {
			untagged(s, "BYE too many bad commands, closing connection");
			s->end = "too many bad commands";
			set_state(s, ST_LOGOUT);
		}
	}
	session_end(s, st);
	free(s);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: imap_server [-p PORT] [-b ADDR]... [-d DIR] [-U FILE]\n"
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
	    "  -h, --help             this text;  --version  the version\n"
	    "\n"
	    "Example:\n"
	    "  ./imap_server -v           then, in another terminal:\n"
	    "  nc -C localhost 1143       and type a LOGIN gizem 1234, b SELECT INBOX,\n"
	    "                             c FETCH 1 BODY[], d LOGOUT\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1143\n"
	    "Port 1143 is not IMAP's usual 143, so use Analyze > Decode As... >\n"
	    "TCP port 1143 > IMAP to see the commands decoded.\n");
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
	{ "stdio", no_argument, NULL, OPT_STDIO },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* Fill cfg and srv from argv; returns true for --stdio. */
static bool parse_options(int argc, char **argv, struct imap_config *cfg,
                          struct server_config *srv)
{
	bool stdio = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "p:b:d:U:vh", options, NULL)) != -1) {
		switch (ch) {
		case 'd': cfg->maildir = optarg; break;
		case 'U': cfg->users_file = optarg; break;
		case 'v': cfg->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_TIMEOUT: cfg->timeout = (int)opt_ulong("--timeout", optarg, 1, 86400); break;
		case OPT_STDIO: stdio = true; break;
		case OPT_VERSION: printf("imap_server (mailab) %s\n", MAILAB_VERSION); exit(0);
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
	struct imap_config cfg = {
		.maildir = "./maildir", .users_file = "./users.txt",
		.timeout = IMAP_DEFAULT_TIMEOUT,
	};
	struct server_config srv = {
		.port = IMAP_DEFAULT_PORT, .max_clients = 100,
		.busy_reply = "* BYE [UNAVAILABLE] too many connections, try again later",
		.session = imap_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	bool stdio = parse_options(argc, argv, &cfg, &srv);
	if (users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, "cannot read users file %s", cfg.users_file);
	return stdio ? server_stdio(&srv) : server_run(&srv);
}
