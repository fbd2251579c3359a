/* imap_session: IMAP's hooks into lib/session.  See imap_session.h. */
#include "imap_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void imap_reply(struct imap *im, const char *status, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	session_reply(&im->s, "%s%s%s", status, *text ? " " : "", text);
}

void imap_untagged(struct imap *im, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	iout_printf(&im->out, "* %s", text);
	iout_end(&im->out);
}

bool imap_args_end(struct imap *im, const char *usage)
{
	if (ip_eol(&im->ip))
		return true;
	imap_reply(im, "BAD", "syntax: %s", usage);
	return false;
}

/* S: a1 OK ...  ("*" before the command has a tag) */
void imap_send_reply(struct session *s, const char *text)
{
	struct imap *im = s->app;
	bool bye = strncmp(text, "BYE", 3) == 0;

	iout_printf(&im->out, "%s %s", im->tag[0] && !bye ? im->tag : "*", text);
	iout_end(&im->out);
}

/* RFC 3501 7.1: NO is a failure, BAD a protocol error: both the client's. */
bool imap_is_error(const char *text)
{
	return strncmp(text, "OK", 2) != 0;
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

enum conn_status imap_read(struct session *s, size_t *len)
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
		imap_reply(im, "BAD", "line too long (limit %d octets outside literals)",
		           IMAP_LINE_MAX);
	else
		imap_reply(im, "BAD", "[TOOBIG] literal over %lu octets", IMAP_LITERAL_MAX);
	return CONN_TOOLONG; /* replied: session_run sends nothing more */
}

/* C: a1 UID FETCH 1:* FLAGS  — the tag kept, then the row's checks. */
void imap_run(struct session *s, size_t len)
{
	struct imap *im = s->app;
	const struct session_command *c, *rows = s->proto->commands;
	struct imap_str tag, verb;
	char name[41];

	ip_init(&im->ip, im->cmd.buf, len);
	im->uid = false;
	im->tag[0] = '\0';
	if (!ip_tag(&im->ip, &tag) || tag.n > IMAP_TAG_MAX || !ip_sp(&im->ip) ||
	    !ip_atom(&im->ip, &verb)) {
		imap_reply(im, "BAD", "expected: tag SP command (RFC 3501 2.2.1)");
		return;
	}
	imap_str_copy(&tag, im->tag, sizeof im->tag);
	if (is_word(&verb, "UID") && ip_sp(&im->ip) && ip_atom(&im->ip, &verb)) {
		im->uid = true;
		if (!(session_lookup(rows, verb.p, verb.n)->states & IMAP_UID_OK)) {
			imap_reply(im, "BAD", "UID takes FETCH, STORE, SEARCH or COPY");
			return;
		}
	}
	c = session_lookup(rows, verb.p, verb.n);
	snprintf(name, sizeof name, "%.*s", (int)(verb.n < 40 ? verb.n : 40), verb.p);
	const char *args = im->ip.p;
	bool spaced = ip_sp(&im->ip);
	if (c->verb && c->min_args == 0)
		im->ip.p = args; /* no arguments: a space there is the handler's BAD */
	session_command_run(s, c, name, im->cmd.buf + (im->ip.p - im->cmd.buf), spaced);
}
