/*
 * pop_server: the reading side of the lab — a POP3 server (RFC 1939)
 * that hands out the messages smtp_server stored in the Maildir.
 *
 * Covers: RFC 1939 (USER, PASS, APOP, STAT, LIST, RETR, DELE, NOOP,
 * RSET, QUIT, TOP, UIDL; the AUTHORIZATION, TRANSACTION and UPDATE
 * states of 3-6; byte-stuffing of 3), RFC 2449 (CAPA, response codes
 * IN-USE, the 255-octet command limit of 4), RFC 3206 (AUTH, SYS/TEMP,
 * SYS/PERM).  Leaves out: STLS and SASL AUTH (the lab shows the clear
 * text on purpose), LOGIN-DELAY.
 *
 * One session is pop_session() below: greet with an APOP timestamp,
 * read a command line, look its verb up in the command table, check
 * the state, run the handler.  The maildrop is a snapshot of the
 * mailbox taken at login, under an fcntl() lock; deletions happen only
 * at QUIT.  Messages are streamed from their files, never held whole.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "maildir.h"
#include "md5.h"
#include "server.h"
#include "users.h"
#include "util.h"

#define POP_CMD_MAX 255         /* RFC 2449 4: 255 octets, CRLF included */
#define POP_ERRORS_MAX 10       /* bad commands in a row, then close */
#define POP_DEFAULT_TIMEOUT 600 /* RFC 1939 3: at least 10 minutes */
#define POP_DEFAULT_PORT 1110   /* 110 (RFC 1939 3) needs root */
#define POP_FILE_BUF 16384      /* RETR streams through this much */
#define POP_ARGS_MAX 2          /* TOP msg n and APOP name digest */

/* What the command line set; shared read-only by every session. */
struct pop_config {
	const char *maildir;
	const char *users_file;
	char hostname[256];
	int timeout;
	bool verbose;
};

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

struct session {
	const struct pop_config *cfg;
	struct conn conn;
	const char *peer;
	enum state state;
	unsigned errors;          /* -ERR replies in a row */
	const char *end;          /* why the session ended, for the log */
	char stamp[320];          /* the APOP timestamp of the greeting */
	char user[MAILDIR_BOX_MAX + 1];
	char box_name[MAILDIR_BOX_MAX + 1];
	struct maildir_box box;   /* the maildrop, in TRANSACTION */
	char line[POP_CMD_MAX + 1];
	int argc;                 /* the command's arguments, split by */
	char *arg[POP_ARGS_MAX];  /* dispatch(): they point into line */
};

/* ---- replies: every status line goes out through reply() ---- */

static void reply(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void reply(struct session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	conn_printf(&s->conn, "%s", text);
	/* Every -ERR counts towards closing the session; +OK resets. */
	s->errors = text[0] == '-' ? s->errors + 1 : 0;
}

/* RFC 1939's name for a state (ST_PASS is part of AUTHORIZATION). */
static const char *state_name(enum state st)
{
	switch (st) {
	case ST_AUTH:
	case ST_PASS:
		return "AUTHORIZATION";
	case ST_TRANS:
		return "TRANSACTION";
	case ST_UPDATE:
		return "UPDATE";
	case ST_DONE:
		break;
	}
	return "closed";
}

/* Every state change goes through here, so -v can show it. */
static void set_state(struct session *s, enum state next)
{
	if (s->cfg->verbose && state_name(next) != state_name(s->state))
		fprintf(stderr, "   (state %s)\n", state_name(next));
	s->state = next;
}

/* Count and size of the messages not marked deleted. */
static void drop_totals(const struct session *s, size_t *count,
                        unsigned long long *octets)
{
	*count = 0;
	*octets = 0;
	for (size_t i = 0; i < s->box.n; i++)
		if (!s->box.msg[i].deleted) {
			(*count)++;
			*octets += s->box.msg[i].size;
		}
}

/* ---- multi-line replies (RFC 1939 3) ---- */

/* One multi-line reply in progress: stuffing, CRLF, TOP's line count. */
struct stream {
	struct conn *conn;
	bool bol;             /* at the start of a line */
	bool prev_cr;         /* the last byte of this line was a CR */
	bool in_body;         /* past the blank line after the headers */
	bool done;            /* TOP has sent all it should */
	bool top;             /* TOP: stop after `left` body lines */
	unsigned long left;
	size_t line_len;      /* bytes of the current line so far */
	size_t tlen;          /* the line being traced (-v) */
	char tline[CONN_BUF];
};

/* Send bytes and keep them for the trace of the current line. */
static int stream_put(struct stream *st, const char *p, size_t n)
{
	if (st->conn->trace) {
		size_t k = sizeof st->tline - st->tlen;
		k = n < k ? n : k;
		memcpy(st->tline + st->tlen, p, k);
		st->tlen += k;
	}
	return conn_write(st->conn, p, n);
}

/* A line ends: CRLF out, trace it, count it for TOP. */
static int stream_eol(struct stream *st)
{
	bool empty = st->line_len == 0 || (st->line_len == 1 && st->prev_cr);

	if (stream_put(st, st->prev_cr ? "\n" : "\r\n", st->prev_cr ? 1 : 2) < 0)
		return -1;
	conn_trace(st->conn, st->conn->out_tag, st->tline, st->tlen);
	st->tlen = st->line_len = 0;
	st->bol = true;
	st->prev_cr = false;
	if (!st->in_body)
		st->in_body = empty; /* RFC 5322 2.1: headers end at a blank line */
	else if (st->top)
		st->left--;
	st->done = st->top && st->in_body && st->left == 0;
	return 0;
}

/*
 * Send one chunk of the file: a '.' doubled at the start of a line
 * (byte-stuffing), a bare LF sent as CRLF.  Runs between LFs go out in
 * one write.
 */
static int stream_chunk(struct stream *st, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !st->done) {
		if (st->bol && p[i] == '.' && stream_put(st, ".", 1) < 0)
			return -1;
		st->bol = false;
		const char *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n;
		if (end > i) {
			if (stream_put(st, p + i, end - i) < 0)
				return -1;
			st->line_len += end - i;
			st->prev_cr = p[end - 1] == '\r';
		}
		if (lf && stream_eol(st) < 0)
			return -1;
		i = end + 1;
	}
	return 0;
}

/*
 * Stream the open message file fd (all of it, or TOP's part) and the
 * final ".".  -1 when the file cannot be read or the client is gone:
 * the reply is broken then, and the session must end.
 */
static int send_message(struct session *s, int fd, bool top,
                        unsigned long lines)
{
	char buf[POP_FILE_BUF];
	struct stream st = { .conn = &s->conn, .bol = true, .top = top,
		             .left = lines };
	int rc = 0;
	ssize_t n = 0;

	while (rc == 0 && !st.done && (n = read(fd, buf, sizeof buf)) > 0)
		rc = stream_chunk(&st, buf, (size_t)n);
	close(fd);
	if (rc < 0 || n < 0)
		return -1;
	if (!st.bol && !st.done && stream_eol(&st) < 0)
		return -1; /* a last line without LF gets its CRLF */
	return conn_send_line(&s->conn, ".", 1);
}

/* ---- AUTHORIZATION (RFC 1939 4 and 7) ---- */

/* Lock and snapshot the user's maildrop; reply either way. */
static void open_maildrop(struct session *s, const char *user,
                          const char *how)
{
	char err[MAILDIR_ERR_LEN] = "";
	size_t count;
	unsigned long long octets;
	int rc = -1;

	if (maildir_box_name(user, strlen(user), s->box_name) < 0)
		snprintf(err, sizeof err, "'%s' is not a safe mailbox name", user);
	else if ((rc = maildir_lock(err, &s->box, s->cfg->maildir,
	                            s->box_name)) == 0 &&
	         maildir_scan(err, &s->box) < 0)
		rc = -1;
	if (rc != 0) {
		maildir_close(&s->box);
		set_state(s, ST_AUTH);
		/* RFC 2449 8.1.2: IN-USE; RFC 3206 4: SYS/TEMP. */
		reply(s, rc == 1 ? "-ERR [IN-USE] maildrop already locked by "
		                   "another session"
		                 : "-ERR [SYS/TEMP] cannot open the maildrop");
		log_event(s->peer, "login as %s: %s", user, err);
		return;
	}
	str_copy(s->user, user, sizeof s->user);
	set_state(s, ST_TRANS);
	drop_totals(s, &count, &octets);
	reply(s, "+OK %s has %zu messages (%llu octets)", user, count, octets);
	log_event(s->peer, "login as %s (%s): %zu messages, %llu octets", user,
	          how, count, octets);
}

/* A refused login: RFC 3206 4 [AUTH], or [SYS/TEMP] when we failed. */
static void login_refused(struct session *s, const char *user, int found,
                          const char *how)
{
	set_state(s, ST_AUTH);
	if (found < 0)
		reply(s, "-ERR [SYS/TEMP] cannot read the users file");
	else
		reply(s, "-ERR [AUTH] invalid user name or password");
	log_event(s->peer, "login as %.64s (%s): refused%s", user, how,
	          found < 0 ? " (users file unreadable)" : "");
}

/* C: USER gizem   S: +OK  (the name is checked with the password) */
static void cmd_user(struct session *s)
{
	if (strlen(s->arg[0]) > MAILDIR_BOX_MAX) {
		set_state(s, ST_AUTH);
		reply(s, "-ERR user name too long");
		return;
	}
	str_copy(s->user, s->arg[0], sizeof s->user);
	set_state(s, ST_PASS);
	reply(s, "+OK send PASS for %s", s->user);
}

/* C: PASS 1234  (the rest of the line, spaces included: RFC 1939 7) */
static void cmd_pass(struct session *s)
{
	int ok = users_check(s->cfg->users_file, s->user, s->arg[0]);

	memset(s->arg[0], 0, strlen(s->arg[0])); /* no copy left in memory */
	if (ok == 1)
		open_maildrop(s, s->user, "USER/PASS");
	else
		login_refused(s, s->user, ok, "USER/PASS");
}

/* C: APOP gizem <MD5 of the greeting's timestamp + password, in hex> */
static void cmd_apop(struct session *s)
{
	char pass[USERS_LINE_MAX], secret[sizeof s->stamp + USERS_LINE_MAX];
	char hex[MD5_HEX_LEN + 1] = "";
	int found = users_lookup(s->cfg->users_file, s->arg[0], pass, sizeof pass);

	if (found == 1) {
		int n = snprintf(secret, sizeof secret, "%s%s", s->stamp, pass);
		md5_hex(secret, (size_t)n < sizeof secret ? (size_t)n : 0, hex);
		memset(secret, 0, sizeof secret);
		memset(pass, 0, sizeof pass);
	}
	if (found == 1 && strlen(s->arg[1]) == MD5_HEX_LEN &&
	    str_ncase_eq(hex, s->arg[1], MD5_HEX_LEN))
		open_maildrop(s, s->arg[0], "APOP");
	else
		login_refused(s, s->arg[0], found == 1 ? 0 : found, "APOP");
}

/* ---- TRANSACTION (RFC 1939 5 and 7) ---- */

/* A message-number argument, strictly 1..n and not deleted: its index,
 * or -1 after the -ERR. */
static long msg_arg(struct session *s, const char *arg)
{
	unsigned long n;

	if (parse_ulong(arg, (unsigned long)-1, &n) < 0 || n == 0) {
		reply(s, "-ERR invalid message number: %.40s", arg);
		return -1;
	}
	if (n > s->box.n) {
		reply(s, "-ERR no such message: %lu (maildrop has %zu)", n,
		      s->box.n);
		return -1;
	}
	if (s->box.msg[n - 1].deleted) {
		reply(s, "-ERR message %lu already deleted", n);
		return -1;
	}
	return (long)(n - 1);
}

static void cmd_stat(struct session *s)
{
	size_t count;
	unsigned long long octets;

	drop_totals(s, &count, &octets);
	reply(s, "+OK %zu %llu", count, octets); /* RFC 1939 5: drop listing */
}

/* LIST and UIDL: one line per message; "n" alone answers for n. */
static void list_line(struct session *s, size_t i, bool uidl, bool multi)
{
	char uid[MAILDIR_UID_MAX + 1];

	if (uidl)
		maildir_uid(&s->box, i, uid);
	else
		snprintf(uid, sizeof uid, "%llu", s->box.msg[i].size);
	if (multi)
		conn_printf(&s->conn, "%zu %s", i + 1, uid);
	else
		reply(s, "+OK %zu %s", i + 1, uid);
}

static void list_or_uidl(struct session *s, bool uidl)
{
	size_t count;
	unsigned long long octets;
	long i;

	if (s->argc == 1) {
		if ((i = msg_arg(s, s->arg[0])) >= 0)
			list_line(s, (size_t)i, uidl, false);
		return;
	}
	drop_totals(s, &count, &octets);
	if (uidl)
		reply(s, "+OK unique-id listing follows");
	else
		reply(s, "+OK %zu messages (%llu octets)", count, octets);
	for (size_t k = 0; k < s->box.n; k++)
		if (!s->box.msg[k].deleted)
			list_line(s, k, uidl, true);
	conn_send_line(&s->conn, ".", 1);
}

static void cmd_list(struct session *s)
{
	list_or_uidl(s, false);
}

/* RFC 1939 7: unique ids of 1-70 characters 0x21-0x7E. */
static void cmd_uidl(struct session *s)
{
	list_or_uidl(s, true);
}

/* RETR and TOP: +OK, then the message streamed from its file. */
static void send_reply(struct session *s, const char *arg, bool top,
                       unsigned long lines)
{
	long i = msg_arg(s, arg);
	int fd = i < 0 ? -1 : maildir_open_msg(&s->box, (size_t)i);

	if (i < 0)
		return;
	if (fd < 0) {
		reply(s, "-ERR [SYS/TEMP] cannot read message %ld", i + 1);
		log_event(s->peer, "cannot open %s", maildir_msg_name(&s->box, (size_t)i));
		return;
	}
	if (top)
		reply(s, "+OK top of message follows");
	else
		reply(s, "+OK %llu octets", s->box.msg[i].size);
	if (send_message(s, fd, top, lines) < 0) {
		log_event(s->peer, "message %ld not sent whole: ending session",
		          i + 1);
		s->end = "message not sent whole";
		set_state(s, ST_DONE); /* the reply is broken: no UPDATE */
		return;
	}
	if (!top)
		s->box.msg[i].seen = 1;
}

static void cmd_retr(struct session *s)
{
	send_reply(s, s->arg[0], false, 0);
}

/* C: TOP msg n   headers, the blank line, n body lines (RFC 1939 7). */
static void cmd_top(struct session *s)
{
	unsigned long lines;

	if (parse_ulong(s->arg[1], (unsigned long)-1, &lines) < 0)
		reply(s, "-ERR invalid number of lines: %.40s", s->arg[1]);
	else
		send_reply(s, s->arg[0], true, lines);
}

/* DELE only marks: the file goes at QUIT (RFC 1939 5 and 6). */
static void cmd_dele(struct session *s)
{
	long i = msg_arg(s, s->arg[0]);

	if (i < 0)
		return;
	s->box.msg[i].deleted = 1;
	reply(s, "+OK message %ld deleted", i + 1);
}

static void cmd_noop(struct session *s)
{
	reply(s, "+OK");
}

/* RSET unmarks every deleted message (RFC 1939 5). */
static void cmd_rset(struct session *s)
{
	size_t count;
	unsigned long long octets;

	for (size_t i = 0; i < s->box.n; i++)
		s->box.msg[i].deleted = 0;
	drop_totals(s, &count, &octets);
	reply(s, "+OK maildrop has %zu messages (%llu octets)", count, octets);
}

/* QUIT: in TRANSACTION, the UPDATE state removes what DELE marked. */
static void cmd_quit(struct session *s)
{
	char err[MAILDIR_ERR_LEN];
	size_t count;
	unsigned long long octets;
	int failed;

	if (s->state != ST_TRANS) { /* RFC 1939 4: just close */
		reply(s, "+OK %s POP3 server signing off", s->cfg->hostname);
		set_state(s, ST_DONE);
		return;
	}
	set_state(s, ST_UPDATE);
	failed = maildir_update(err, &s->box);
	drop_totals(s, &count, &octets);
	/* Unlock before the last reply: a client that logs in again as soon
	 * as it reads +OK must not find its own old session in the way. */
	maildir_close(&s->box);
	if (failed != 0) {
		reply(s, "-ERR [SYS/PERM] some deleted messages not removed");
		log_event(s->peer, "update of %s: %s", s->box_name, err);
	} else {
		reply(s, "+OK %s POP3 server signing off (%zu messages left)",
		      s->cfg->hostname, count);
	}
	set_state(s, ST_DONE);
}

/* RFC 2449 5: the capabilities, one per line. */
static void cmd_capa(struct session *s)
{
	static const char *const capa[] = {
		"TOP", "USER", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
		"PIPELINING", "EXPIRE NEVER",
		("IMPLEMENTATION mailab-" MAILAB_VERSION),
	};

	reply(s, "+OK Capability list follows");
	for (size_t i = 0; i < sizeof capa / sizeof capa[0]; i++)
		conn_printf(&s->conn, "%s", capa[i]);
	conn_send_line(&s->conn, ".", 1);
}

/* ---- the command table and dispatch ---- */

#define REST_OF_LINE -1 /* max_args: the whole rest is one argument */

struct command {
	const char *verb;
	unsigned states;   /* where it is allowed */
	int min_args, max_args;
	const char *usage; /* the -ERR text for a wrong argument count */
	void (*run)(struct session *);
};

static const struct command commands[] = {
	{ "USER", ST_LOGIN, 1, 1, "USER name", cmd_user },
	{ "PASS", ST_PASS, 1, REST_OF_LINE, "PASS password", cmd_pass },
	{ "APOP", ST_LOGIN, 2, 2, "APOP name digest", cmd_apop },
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

/* Split at single spaces (RFC 1939 3) into s->arg[]: 0, or -1 if
 * there are not min..max words or a word is empty. */
static int split_args(struct session *s, char *arg, const struct command *c)
{
	s->argc = 0;
	if (c->max_args == REST_OF_LINE) {
		s->arg[s->argc++] = arg;
		return arg ? 0 : -1;
	}
	while (arg) {
		char *w = strsep(&arg, " ");
		if (*w == '\0' || s->argc == c->max_args)
			return -1;
		s->arg[s->argc++] = w;
	}
	return s->argc >= c->min_args ? 0 : -1;
}

/* Find the verb, check the state and the arguments, run the handler. */
static void dispatch(struct session *s, size_t len)
{
	const struct command *c;
	char *arg = NULL;
	size_t vlen = strcspn(s->line, " ");

	if (strlen(s->line) != len) {
		reply(s, "-ERR NUL byte in command");
		return;
	}
	if (s->line[vlen] == ' ') {
		s->line[vlen] = '\0';
		arg = s->line + vlen + 1;
	}
	for (c = commands; c->verb; c++)
		if (strlen(c->verb) == vlen && str_ncase_eq(s->line, c->verb, vlen))
			break;
	if (c->verb == NULL)
		reply(s, "-ERR unknown command: \"%.40s\"", s->line);
	else if (!(c->states & s->state))
		reply(s, "-ERR %s not allowed in the %s state%s", c->verb,
		      state_name(s->state),
		      s->state == ST_AUTH && c->run == cmd_pass ? " (USER first)" : "");
	else if (split_args(s, arg, c) < 0)
		reply(s, "-ERR syntax: %s", c->usage);
	else
		c->run(s);
}

/* Tell the client why the session ends, when it can still hear it. */
static void session_end(struct session *s, enum conn_status st)
{
	bool dropped = s->state == ST_TRANS;

	if (st == CONN_TIMEOUT) /* RFC 1939 3: autologout, no UPDATE */
		reply(s, "-ERR autologout: idle for too long");
	else if (st == CONN_STOP)
		reply(s, "-ERR [SYS/TEMP] server shutting down");
	conn_flush(&s->conn);
	maildir_close(&s->box); /* releases the lock; removes nothing */
	log_event(s->peer, "disconnected (%s)%s",
	          st != CONN_LINE ? conn_status_text(&s->conn, st)
	          : s->end        ? s->end
	                          : "QUIT",
	          dropped ? ": no QUIT, maildrop left unchanged" : "");
}

/* One POP3 session, from the greeting to QUIT (or the peer vanishing). */
static void pop_session(int rfd, int wfd, const char *peer, void *ctx)
{
	struct session *s = calloc(1, sizeof *s);
	enum conn_status st = CONN_LINE;
	enum conn_ending ending;
	size_t len;

	if (s == NULL)
		return;
	s->cfg = ctx;
	s->peer = peer;
	s->state = ST_AUTH;
	s->box.lock_fd = -1;
	conn_init(&s->conn, rfd, wfd, s->cfg->timeout, s->cfg->verbose,
	          CONN_SERVER);
	/* RFC 1939 7: a timestamp unique to this greeting, for APOP. */
	snprintf(s->stamp, sizeof s->stamp, "<%ld.%lld@%.255s>", (long)getpid(),
	         (long long)time(NULL), s->cfg->hostname);
	log_event(peer, "connected");
	reply(s, "+OK mailab POP3 server ready %s", s->stamp);
	while (s->state != ST_DONE) {
		st = conn_read_command(&s->conn, s->line, POP_CMD_MAX, &len, &ending);
		if (st == CONN_TOOLONG)
			reply(s, "-ERR line too long (limit %d octets)", POP_CMD_MAX);
		else if (st != CONN_LINE)
			break;
		else
			dispatch(s, len);
		if (s->errors >= POP_ERRORS_MAX && s->state != ST_DONE) {
			reply(s, "-ERR too many bad commands, closing connection");
			s->end = "too many bad commands";
			set_state(s, ST_DONE);
		}
	}
	session_end(s, st);
	free(s);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: pop_server [-p PORT] [-b ADDR]... [-d DIR] [-U FILE]\n"
	    "                  [--timeout SECONDS] [--max-clients N] [--stdio] [-v]\n"
	    "\n"
	    "Serve the mail in DIR/<user>/{new,cur}/ (Maildir) over POP3.\n"
	    "\n"
	    "  -p, --port PORT        port to listen on (default 1110;\n"
	    "                         the standard 110 needs root)\n"
	    "  -b, --bind ADDR        address to listen on, repeatable\n"
	    "                         (default 127.0.0.1 and ::1)\n"
	    "  -d, --maildir DIR      mail store (default ./maildir)\n"
	    "  -U, --users FILE       name:password lines (default ./users.txt)\n"
	    "      --timeout SECONDS  autologout after this idle time (default 600)\n"
	    "      --max-clients N    sessions at once (default 100)\n"
	    "      --stdio            one session on stdin/stdout (inetd style)\n"
	    "  -v, --verbose          print the dialogue (C:/S: lines) on stderr\n"
	    "  -h, --help             this text;  --version  the version\n"
	    "\n"
	    "Example:\n"
	    "  ./pop_server -v            then, in another terminal:\n"
	    "  nc -C localhost 1110       and type USER gizem, PASS 1234, LIST\n"
	    "\n"
	    "In Wireshark, capture on the loopback interface (lo / lo0) with the\n"
	    "display filter:  tcp.port == 1110\n"
	    "Port 1110 is not POP3's usual 110, so use Analyze > Decode As... >\n"
	    "TCP port 1110 > POP to see the commands decoded.\n");
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
static bool parse_options(int argc, char **argv, struct pop_config *cfg,
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
		case OPT_VERSION: printf("pop_server (mailab) %s\n", MAILAB_VERSION); exit(0);
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
	struct pop_config cfg = {
		.maildir = "./maildir", .users_file = "./users.txt",
		.timeout = POP_DEFAULT_TIMEOUT,
	};
	struct server_config srv = {
		.port = POP_DEFAULT_PORT, .max_clients = 100,
		.busy_reply = "-ERR [SYS/TEMP] too many connections, try again later",
		.session = pop_session, .ctx = &cfg,
	};

	util_set_progname(argv[0]);
	util_hostname(cfg.hostname, sizeof cfg.hostname);
	bool stdio = parse_options(argc, argv, &cfg, &srv);
	if (users_readable(cfg.users_file) < 0)
		die(EX_NOINPUT, "cannot read users file %s", cfg.users_file);
	return stdio ? server_stdio(&srv) : server_run(&srv);
}
