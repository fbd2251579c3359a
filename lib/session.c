/* session: reply, state, lookup, dispatch, loop.  See session.h. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* Set once at start-up (--fail); each session counts its own. */
static struct fault_set *faults_all;

void session_faults(struct fault_set *faults)
{
	faults_all = faults;
}

void session_init(struct session *s, const struct session_proto *p,
                  void *app, int rfd, int wfd, const char *peer,
                  int timeout_s, bool verbose, unsigned first)
{
	s->proto = p;
	s->app = app;
	s->peer = peer;
	s->verbose = verbose;
	s->state = first;
	s->end = CONN_LINE;
	s->faults = faults_all;
	s->hung_up = false;
	if (s->faults)
		fault_session(s->faults);
	conn_init(&s->conn, rfd, wfd, timeout_s, verbose, CONN_SERVER);
	log_event(peer, _("connected"));
}

void session_reply(struct session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (s->proto->send_reply)
		s->proto->send_reply(s, text);
	else
		conn_printf(&s->conn, "%s", text);
	if (text[0] == '3')
		return; /* RFC 5321 4.2.1: 3yz asks for more; not the reply */
	s->replies++;
	if (s->proto->is_error ? s->proto->is_error(text)
	                       : text[0] == s->proto->error_mark)
		s->errors++;
	else
		s->errors = 0;
}

void session_send(struct session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	conn_printf(&s->conn, "%s", text);
}

enum session_bytes session_line_bytes(const char *line, size_t len,
                                      bool utf8_ok)
{
	enum session_bytes worst = SESSION_BYTES_OK;

	if (strlen(line) != len)
		return SESSION_NUL;
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return SESSION_CONTROL;
		else if (*p > 0x7f && !utf8_ok)
			worst = SESSION_NON_ASCII;
	return worst;
}

void session_set_state(struct session *s, unsigned next)
{
	const char *now = s->proto->state_name(s->state);
	const char *then = s->proto->state_name(next);

	/* Two states may share a name (POP3's USER step is AUTHORIZATION). */
	if (s->verbose && strcmp(now, then) != 0)
		fprintf(stderr, _("   (state %s)\n"), then);
	s->state = next;
}

void session_lost(struct session *s, enum conn_status st)
{
	s->end = st;
	session_set_state(s, s->proto->done);
}

const struct session_command *session_lookup(const struct session_command *t,
                                             const char *verb, size_t vlen)
{
	for (; t->verb; t++)
		if (strlen(t->verb) == vlen && str_ncase_eq(verb, t->verb, vlen))
			break;
	return t;
}

/* Split arg at single spaces (RFC 1939 3) into s->argv: 0, or -1 when
 * there are not min..max words or a word is empty.  spaced: a space
 * followed the verb. */
static int split_args(struct session *s, char *arg, bool spaced,
                      const struct session_command *c)
{
	s->argc = 0;
	if (c->max_args == SESSION_REST) {
		s->argv[s->argc++] = arg;
		return spaced || c->min_args == 0 ? 0 : -1;
	}
	if (c->max_args == 0 || !spaced)
		return *arg == '\0' && c->min_args == 0 ? 0 : -1;
	while (arg) {
		char *w = strsep(&arg, " ");
		if (*w == '\0' || s->argc == c->max_args)
			return -1;
		s->argv[s->argc++] = w;
	}
	return s->argc >= c->min_args ? 0 : -1;
}

bool session_fault(struct session *s, const char *verb)
{
	const struct fault *f = s->faults ? fault_check(s->faults, verb) : NULL;
	unsigned long nth;

	if (f == NULL)
		return false;
	nth = s->faults->seen[f - s->faults->f];
	if (f->reply[0]) {
		log_event(s->peer, _("fault injected: %s #%lu answered with %s"),
		          f->verb, nth, f->reply);
		session_reply(s, "%s", f->reply);
		if (f->reply[0] == '3')
			s->replies++; /* the command's one reply all the same */
	} else {
		log_event(s->peer, _("fault injected: %s #%lu: connection closed "
		                     "with no reply"), f->verb, nth);
	}
	if (s->verbose)
		fprintf(stderr, _("   (--fail: injected, not the server's own answer)\n"));
	if (f->hangup) {
		s->hung_up = true;
		s->why = N_("fault injected");
		session_set_state(s, s->proto->done);
	}
	return true;
}

/* Find the verb, check the state and the arguments, run the handler. */
static void run_command(struct session *s, size_t len)
{
	const struct session_proto *p = s->proto;
	const struct session_command *c;
	size_t vlen = strcspn(s->line, " ");
	char *arg = s->line + vlen;
	bool spaced = *arg == ' ';

	if (p->line_ok && !p->line_ok(s, len))
		return;
	if (*arg == ' ')
		*arg++ = '\0';
	c = session_lookup(p->commands, s->line, vlen);
	session_command_run(s, c, s->line, arg, spaced);
}

void session_command_run(struct session *s, const struct session_command *c,
                         const char *verb, char *arg, bool spaced)
{
	const struct session_proto *p = s->proto;

	if (c->verb != NULL && session_fault(s, c->verb))
		return; /* --fail: answered instead of carried out */
	if (c->verb == NULL)
		p->unknown(s, verb);
	else if (!(c->states & s->state))
		p->bad_state(s, c);
	else if (split_args(s, arg, spaced, c) < 0)
		p->bad_args(s, c);
	else
		c->run(s, arg);
}

void session_dispatch(struct session *s, size_t len)
{
	s->replies = 0;
	if (s->proto->run)
		s->proto->run(s, len);
	else
		run_command(s, len);
#ifndef NDEBUG
	/* The invariant of the whole design: one reply per command. */
	if (s->replies != 1 && s->end == CONN_LINE && !s->hung_up) {
		log_event(s->peer, "BUG: %u final replies to one command",
		          s->replies);
		abort();
	}
#endif
}

void session_run(struct session *s)
{
	const struct session_proto *p = s->proto;
	enum conn_status st;
	size_t len;

	while (s->state != p->done) {
		st = p->read ? p->read(s, &len)
		             : conn_read_command(&s->conn, s->line, p->line_max,
		                                 &len, &s->ending);
		if (st == CONN_TOOLONG) {
			if (p->too_long) /* else the read hook has replied */
				session_reply(s, "%s", p->too_long);
		} else if (st == CONN_LINE)
			session_dispatch(s, len);
		else
			session_lost(s, st);
		if (s->errors >= SESSION_ERRORS_MAX && s->state != p->done) {
			session_send(s, "%s", p->too_many);
			s->why = N_("too many errors");
			session_set_state(s, p->done);
		}
	}
}

void session_log_end(struct session *s, const char *note)
{
	log_event(s->peer, _("disconnected (%s)%s"),
	          s->end != CONN_LINE ? conn_status_text(&s->conn, s->end)
	          : s->why            ? i18n_text(s->why)
	                              : "QUIT",
	          note ? i18n_text(note) : "");
}
