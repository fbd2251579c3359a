/*
 * fault: parsing and counting --fail specs (see fault.h).  Nothing
 * here touches a connection: the server asks fault_check() before it
 * carries out a verb and sends what it is given.
 */
#include "fault.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "util.h"

/* The usual texts for a bare code (RFC 5321 4.2.2, RFC 3463 codes). */
static const struct {
	const char *code, *line;
} smtp_usual[] = {
	{ "421", "421 4.3.0 Service not available, closing transmission channel" },
	{ "450", "450 4.2.0 Mailbox busy, try again later" },
	{ "451", "451 4.3.0 Try again later" },
	{ "452", "452 4.3.1 Insufficient system storage" },
	{ "454", "454 4.7.0 Temporary authentication failure" },
	{ "500", "500 5.5.2 Syntax error, command unrecognized" },
	{ "501", "501 5.5.4 Syntax error in parameters or arguments" },
	{ "502", "502 5.5.1 Command not implemented" },
	{ "503", "503 5.5.1 Bad sequence of commands" },
	{ "504", "504 5.5.4 Command parameter not implemented" },
	{ "530", "530 5.7.0 Authentication required" },
	{ "535", "535 5.7.8 Authentication credentials invalid" },
	{ "550", "550 5.1.1 Mailbox unavailable" },
	{ "551", "551 5.1.6 User not local" },
	{ "552", "552 5.3.4 Message size exceeds fixed maximum message size" },
	{ "553", "553 5.1.3 Mailbox name not allowed" },
	{ "554", "554 5.3.0 Transaction failed" },
	{ "555", "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized" },
};

/* RFC 5321 3.1: a server that will not talk says so in its greeting. */
#define SMTP_CONNECT_554 "554 5.3.2 No SMTP service here"
/* RFC 3206 4: a bare -ERR blames the server, so that clients retry. */
#define POP3_USUAL_ERR "-ERR [SYS/TEMP] Temporary failure, try again later"
#define POP3_USUAL_AUTH "-ERR [AUTH] Authentication failed"
#define FAULT_SHOWN_MAX 60 /* of a spec quoted in a message */
/* RFC 3501 7.1: NO is an operational error, BAD a protocol error, BYE
 * the server closing; RFC 5530 response codes. */
#define IMAP_USUAL_NO "NO [UNAVAILABLE] Temporary failure, try again later"
#define IMAP_USUAL_AUTH "NO [AUTHENTICATIONFAILED] Authentication failed"
#define IMAP_USUAL_BAD "BAD Command not accepted"
#define IMAP_USUAL_BYE "BYE [UNAVAILABLE] Server not available, closing connection"

/* The usual IMAP line for a bare NO, BAD or BYE, or NULL. */
static const char *imap_usual(const char *verb, const char *code)
{
	if (strcmp(code, "NO") == 0)
		return strcmp(verb, "LOGIN") == 0 || strcmp(verb, "AUTHENTICATE") == 0
		       ? IMAP_USUAL_AUTH : IMAP_USUAL_NO;
	if (strcmp(code, "BAD") == 0)
		return IMAP_USUAL_BAD;
	return strcmp(code, "BYE") == 0 ? IMAP_USUAL_BYE : NULL;
}

const char *fault_usual(enum fault_proto proto, const char *verb, const char *code)
{
	if (proto == FAULT_IMAP)
		return imap_usual(verb, code);
	if (proto == FAULT_POP3) {
		if (strcmp(code, "-ERR") != 0)
			return NULL;
		return strcmp(verb, "PASS") == 0 || strcmp(verb, "APOP") == 0 ||
		       strcmp(verb, "AUTH") == 0 ? POP3_USUAL_AUTH : POP3_USUAL_ERR;
	}
	if (strcmp(code, "554") == 0 && strcmp(verb, "CONNECT") == 0)
		return SMTP_CONNECT_554;
	for (size_t i = 0; i < sizeof smtp_usual / sizeof smtp_usual[0]; i++)
		if (strcmp(code, smtp_usual[i].code) == 0)
			return smtp_usual[i].line;
	return NULL;
}

/* Printable ASCII and spaces only: a reply is one line on the wire. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

/* A whole SMTP reply line: "ddd" or "ddd text", 200..599 (RFC 5321 4.2). */
static bool smtp_line(const char *r)
{
	return r[0] >= '2' && r[0] <= '5' && r[1] >= '0' && r[1] <= '9' &&
	       r[2] >= '0' && r[2] <= '9' && (r[3] == '\0' || (r[3] == ' ' && r[4])) &&
	       printable(r);
}

/* A whole POP3 status line: "+OK" or "-ERR", maybe with text (RFC 1939 3). */
static bool pop3_line(const char *r)
{
	size_t n = r[0] == '+' ? 3 : 4;

	return (strncmp(r, "+OK", 3) == 0 || strncmp(r, "-ERR", 4) == 0) &&
	       (r[n] == '\0' || (r[n] == ' ' && r[n + 1])) && printable(r);
}

/* A whole IMAP status: OK, NO, BAD or BYE, then a space and text
 * (RFC 3501 7.1: resp-text is never empty). */
static bool imap_line(const char *r)
{
	static const char *const st[] = { "OK ", "NO ", "BAD ", "BYE " };

	for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
		if (strncmp(r, st[i], strlen(st[i])) == 0 && r[strlen(st[i])])
			return printable(r);
	return false;
}

/* A whole reply line in proto's form. */
static bool whole_line(enum fault_proto proto, const char *r)
{
	return proto == FAULT_SMTP ? smtp_line(r)
	     : proto == FAULT_POP3 ? pop3_line(r) : imap_line(r);
}

/* Is verb (upper case) one this server knows? */
static bool known(enum fault_proto proto, const char *verb, const char *const *verbs)
{
	if (strcmp(verb, "CONNECT") == 0 || (proto == FAULT_SMTP && strcmp(verb, "END") == 0))
		return true;
	for (size_t i = 0; verbs && verbs[i]; i++)
		if (strcasecmp(verb, verbs[i]) == 0)
			return true;
	return false;
}

/* "RCPT@2": verb (upper-cased) and N; -1 with err when malformed. */
static int parse_target(struct fault *f, enum fault_proto proto, const char *spec,
                        size_t n, const char *shown, const char *const *verbs,
                        char *err, size_t cap)
{
	const char *at = memchr(spec, '@', n);
	size_t vlen = at ? (size_t)(at - spec) : n;
	char num[24];
	char list[FAULT_ERR_LEN - 64] = "";

	if (vlen == 0 || vlen >= FAULT_VERB_MAX) {
		snprintf(err, cap, _("--fail: '%s' is not VERB[@N]=REPLY"), shown);
		return -1;
	}
	for (size_t i = 0; i < vlen; i++)
		f->verb[i] = (char)((spec[i] >= 'a' && spec[i] <= 'z') ? spec[i] - 32 : spec[i]);
	f->verb[vlen] = '\0';
	if (!known(proto, f->verb, verbs)) {
		for (size_t i = 0; verbs && verbs[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s ", verbs[i]);
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s",
		         proto == FAULT_SMTP ? "CONNECT END" : "CONNECT");
		snprintf(err, cap, _("--fail: unknown verb '%.*s' (this server knows: %s)"),
		         (int)vlen, spec, list);
		return -1;
	}
	f->nth = 0;
	if (at) {
		size_t k = n - vlen - 1;
		if (k == 0 || k >= sizeof num)
			k = sizeof num - 1; /* too long: let parse_ulong refuse it */
		snprintf(num, sizeof num, "%.*s", (int)k, at + 1);
		if (n - vlen - 1 == 0 || parse_ulong(num, FAULT_NTH_MAX, &f->nth) < 0 || f->nth == 0) {
			snprintf(err, cap, _("--fail: '%s': N in @N must be a whole number from 1 to %lu"),
			         shown, (unsigned long)FAULT_NTH_MAX);
			return -1;
		}
	}
	return 0;
}

/* "451 4.3.0 ...", "450", "-ERR", "close": the line to send, or -1. */
static int parse_reply(struct fault *f, enum fault_proto proto, const char *spec,
                       const char *r, char *err, size_t cap)
{
	const char *usual;

	f->hangup = false;
	if (strcmp(r, "close") == 0) {
		f->reply[0] = '\0';
		f->hangup = true;
		return 0;
	}
	if (strlen(r) > FAULT_REPLY_MAX) {
		snprintf(err, cap, _("--fail: '%s': a reply line is at most %d octets"), spec,
		         FAULT_REPLY_MAX);
		return -1;
	}
	usual = fault_usual(proto, f->verb, r);
	if (proto == FAULT_SMTP && !usual && smtp_line(r) && r[3] == '\0') {
		snprintf(err, cap, _("--fail: '%s': no usual text for code %s; give the whole reply line "
		                     "(e.g. %s Try again later)"),
		         spec, r, r);
		return -1;
	}
	if (!usual && !whole_line(proto, r)) {
		snprintf(err, cap, proto == FAULT_SMTP
		         ? _("--fail: '%s': a reply is one line: a code from 200 to 599, then a "
		             "space and printable ASCII text")
		         : proto == FAULT_POP3
		         ? _("--fail: '%s': a reply is one line: +OK or -ERR, then a space and "
		             "printable ASCII text")
		         : _("--fail: '%s': a reply is one line: OK, NO, BAD or BYE, then a "
		             "space and printable ASCII text (or a bare NO, BAD or BYE)"),
		         spec);
		return -1;
	}
	snprintf(f->reply, sizeof f->reply, "%s", usual ? usual : r);
	/* RFC 5321 3.8: a server that sends 421 closes the connection;
	 * RFC 3501 7.1.5: so does one that sends BYE. */
	f->hangup = (proto == FAULT_SMTP && strncmp(f->reply, "421", 3) == 0) ||
	            (proto == FAULT_IMAP && strncmp(f->reply, "BYE", 3) == 0);
	return 0;
}

int fault_add(struct fault_set *s, enum fault_proto proto, const char *spec,
              const char *const *verbs, char *err, size_t cap)
{
	const char *eq = strchr(spec, '=');
	char shown[FAULT_SHOWN_MAX + 4]; /* the spec as messages quote it */
	struct fault f;

	memset(&f, 0, sizeof f);
	snprintf(shown, sizeof shown, "%.*s%s", FAULT_SHOWN_MAX, spec,
	         strlen(spec) > FAULT_SHOWN_MAX ? "..." : "");
	if (s->n == FAULT_MAX) {
		snprintf(err, cap, _("--fail: at most %d faults"), FAULT_MAX);
		return -1;
	}
	if (eq == NULL || eq[1] == '\0') {
		snprintf(err, cap, _("--fail: '%s' is not VERB[@N]=REPLY"), shown);
		return -1;
	}
	if (parse_target(&f, proto, spec, (size_t)(eq - spec), shown, verbs, err, cap) < 0 ||
	    parse_reply(&f, proto, shown, eq + 1, err, cap) < 0)
		return -1;
	s->f[s->n++] = f;
	return 0;
}

void fault_session(struct fault_set *s)
{
	memset(s->seen, 0, sizeof s->seen);
}

const struct fault *fault_check(struct fault_set *s, const char *verb)
{
	const struct fault *hit = NULL;

	/* Every fault on this verb counts the occurrence; the first match fires. */
	for (size_t i = 0; i < s->n; i++) {
		if (strcasecmp(s->f[i].verb, verb) != 0)
			continue;
		s->seen[i]++;
		if (!hit && (s->f[i].nth == 0 || s->f[i].nth == s->seen[i]))
			hit = &s->f[i];
	}
	return hit;
}
