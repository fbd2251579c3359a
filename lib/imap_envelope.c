/*
 * imap_envelope: FETCH ENVELOPE and BODYSTRUCTURE (RFC 3501 7.4.2) from
 * the structure imap_msg found.  Address lists are parsed by RFC 5322
 * 3.4 (display names, angle addresses, groups, comments skipped);
 * values are sent as they are in the header, encoded words included.
 */
#include "imap_msg.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

#define ADDR_MAX 64        /* addresses shown from one header */
#define ADDR_PART_MAX 256  /* each of name, mailbox, host */

struct addr {
	int kind;          /* 0 address, 1 group start, 2 group end */
	char name[ADDR_PART_MAX], spec[ADDR_PART_MAX];
	bool has_name;
};

struct addr_parse {
	struct addr a[ADDR_MAX];
	size_t n;
	char phrase[ADDR_PART_MAX], raw[ADDR_PART_MAX], angle[ADDR_PART_MAX];
	bool in_angle, got_angle;
};

static void cat(char *dst, const char *s, size_t n)
{
	size_t k = strlen(dst);

	if (k + n >= ADDR_PART_MAX)
		n = ADDR_PART_MAX - 1 - k;
	memcpy(dst + k, s, n);
	dst[k + n] = '\0';
}

static void emit(struct addr_parse *ap)
{
	const char *spec = ap->got_angle ? ap->angle : ap->raw;

	if ((spec[0] || ap->got_angle) && ap->n < ADDR_MAX) {
		struct addr *a = &ap->a[ap->n++];
		a->kind = 0;
		a->has_name = ap->got_angle && ap->phrase[0];
		str_copy(a->name, ap->phrase, sizeof a->name);
		str_copy(a->spec, spec, sizeof a->spec);
	}
	ap->phrase[0] = ap->raw[0] = ap->angle[0] = '\0';
	ap->in_angle = ap->got_angle = false;
}

static void mark(struct addr_parse *ap, int kind)
{
	if (ap->n < ADDR_MAX) {
		struct addr *a = &ap->a[ap->n++];
		a->kind = kind;
		str_copy(a->name, ap->phrase, sizeof a->name);
	}
	ap->phrase[0] = ap->raw[0] = '\0';
}

/* A word (atom or quoted string): into the phrase, the raw spec, or
 * the angle address. */
static void word(struct addr_parse *ap, const char *w, size_t n)
{
	if (ap->in_angle) {
		cat(ap->angle, w, n);
		return;
	}
	if (ap->phrase[0])
		cat(ap->phrase, " ", 1);
	cat(ap->phrase, w, n);
	cat(ap->raw, w, n);
}

/* Skip a comment, nested (RFC 5322 3.2.2). */
static const char *comment(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

static void parse_addrs(struct addr_parse *ap, const char *p)
{
	char q[ADDR_PART_MAX];

	memset(ap, 0, sizeof *ap);
	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
		} else if (*p == '(') {
			p = comment(p);
		} else if (*p == ')') {
			p++; /* a comment's end without its start: no word stops here */
		} else if (*p == '"') {
			size_t k = 0;
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (k + 1 < sizeof q)
					q[k++] = *p;
			}
			p += *p == '"';
			word(ap, q, k);
		} else if (strchr("<>@,;:", *p)) {
			char ch = *p++;
			if (ch == '<') {
				ap->in_angle = true;
				ap->angle[0] = '\0';
			} else if (ch == '>') {
				ap->in_angle = false;
				ap->got_angle = true;
			} else if (ch == '@') {
				cat(ap->in_angle ? ap->angle : ap->raw, "@", 1);
			} else if (ch == ':' && ap->in_angle) {
				ap->angle[0] = '\0'; /* a source route: dropped */
			} else if (ch == ':') {
				mark(ap, 1);
			} else if (ch == ',' && !ap->in_angle) {
				emit(ap);
			} else if (ch == ';') {
				emit(ap);
				mark(ap, 2);
			}
		} else {
			const char *s = p;
			while (*p && !strchr(" \t\r\n()\"<>@,;:", *p))
				p++;
			word(ap, s, (size_t)(p - s));
		}
	}
	emit(ap);
}

/* RFC 3501 9: address = "(" name SP adl SP mailbox SP host ")" */
static void send_addr(struct imap_out *o, const struct addr *a)
{
	const char *at = strrchr(a->spec, '@');

	if (a->kind == 1) {
		iout_puts(o, "(NIL NIL ");
		iout_nstring(o, a->name);
		iout_puts(o, " NIL)");
		return;
	}
	if (a->kind == 2) {
		iout_puts(o, "(NIL NIL NIL NIL)");
		return;
	}
	iout_puts(o, "(");
	iout_nstring(o, a->has_name ? a->name : NULL);
	iout_puts(o, " NIL ");
	iout_string(o, a->spec, at ? (size_t)(at - a->spec) : strlen(a->spec));
	iout_puts(o, " ");
	iout_nstring(o, at ? at + 1 : "MISSING_DOMAIN");
	iout_puts(o, ")");
}

static void send_addrs(struct imap_out *o, const char *value)
{
	static struct addr_parse ap; /* large; sessions are single-threaded */

	if (value)
		parse_addrs(&ap, value);
	if (value == NULL || ap.n == 0) {
		iout_puts(o, "NIL");
		return;
	}
	iout_puts(o, "(");
	for (size_t i = 0; i < ap.n; i++)
		send_addr(o, &ap.a[i]);
	iout_puts(o, ")");
}

void imsg_envelope(struct imap_out *o, const struct imsg *m, int p)
{
	const char *from = imsg_value(m, p, H_FROM);
	const char *sender = imsg_value(m, p, H_SENDER);
	const char *reply_to = imsg_value(m, p, H_REPLY_TO);

	iout_puts(o, "(");
	iout_nstring(o, imsg_value(m, p, H_DATE));
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_SUBJECT));
	iout_puts(o, " ");
	send_addrs(o, from);
	iout_puts(o, " ");
	send_addrs(o, sender ? sender : from);     /* RFC 3501 7.4.2 */
	iout_puts(o, " ");
	send_addrs(o, reply_to ? reply_to : from);
	for (int h = H_TO; h <= H_BCC; h++) {
		iout_puts(o, " ");
		send_addrs(o, imsg_value(m, p, (enum imsg_hdr)h));
	}
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_IN_REPLY_TO));
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_MESSAGE_ID));
	iout_puts(o, ")");
}

/* ---- BODYSTRUCTURE ---- */

/* Next "; attr=value" of a header value; false at the end. */
static bool next_param(const char **pp, char *attr, size_t acap, char *val,
                       size_t vcap)
{
	const char *p = *pp ? strchr(*pp, ';') : NULL;
	size_t a = 0, v = 0;

	if (p == NULL)
		return false;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	while (*p && *p != '=' && *p != ';' && *p != ' ' && a + 1 < acap)
		attr[a++] = *p++;
	attr[a] = '\0';
	while (*p == ' ')
		p++;
	if (*p == '=') {
		for (p++; *p == ' '; p++)
			;
		bool quoted = *p == '"';
		for (p += quoted; *p && (quoted ? *p != '"' : (*p != ';' && *p != ' ')); p++) {
			if (quoted && *p == '\\' && p[1])
				p++;
			if (v + 1 < vcap)
				val[v++] = *p;
		}
		p += quoted && *p == '"';
	}
	val[v] = '\0';
	while (*p && *p != ';')
		p++;
	*pp = p;
	return true;
}

/* ("attr" "value" ...) or NIL; text parts default to us-ascii. */
static void send_params(struct imap_out *o, const char *value, bool text)
{
	char attr[128], val[IMSG_VALUE_MAX];
	const char *p = value;
	bool any = false;

	while (next_param(&p, attr, sizeof attr, val, sizeof val)) {
		if (attr[0] == '\0')
			continue;
		iout_puts(o, any ? " " : "(");
		any = true;
		iout_string(o, attr, strlen(attr));
		iout_puts(o, " ");
		iout_string(o, val, strlen(val));
	}
	if (!any && text)
		iout_puts(o, "(\"charset\" \"us-ascii\"");
	iout_puts(o, any || text ? ")" : "NIL");
}

/* The first word of a value (up to ';' or '/'), or dflt. */
static void send_token(struct imap_out *o, const char *v, const char *stop,
                       const char *dflt)
{
	size_t n = v ? strcspn(v, stop) : 0;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0)
		iout_string(o, dflt, strlen(dflt));
	else
		iout_string(o, v, n);
}

/* body-fld-dsp: ("attachment" ("filename" "a.txt")) or NIL */
static void send_disposition(struct imap_out *o, const char *v)
{
	if (v == NULL) {
		iout_puts(o, "NIL");
		return;
	}
	iout_puts(o, "(");
	send_token(o, v, ";", "attachment");
	iout_puts(o, " ");
	send_params(o, v, false);
	iout_puts(o, ")");
}

static void send_extension(struct imap_out *o, const struct imsg *m, int p,
                           bool multipart)
{
	if (multipart) {
		iout_puts(o, " ");
		send_params(o, imsg_value(m, p, H_CTYPE), false);
	} else {
		iout_puts(o, " ");
		iout_nstring(o, imsg_value(m, p, H_CMD5));
	}
	iout_puts(o, " ");
	send_disposition(o, imsg_value(m, p, H_CDISP));
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_CLANG));
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_CLOC));
}

void imsg_bodystructure(struct imap_out *o, const struct imsg *m, int p,
                        bool extended)
{
	const struct imsg_part *pt = &m->part[p];
	const char *ct = imsg_value(m, p, H_CTYPE);
	const char *slash = ct ? strchr(ct, '/') : NULL;
	bool text = ct == NULL || str_ncase_eq(ct, "text/", 5);

	iout_puts(o, "(");
	if (pt->multipart) {
		for (int c = pt->first_child; c >= 0; c = m->part[c].next_sibling)
			imsg_bodystructure(o, m, c, extended);
		if (pt->first_child < 0) /* RFC 3501 9: at least one part */
			iout_puts(o, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
		iout_puts(o, " ");
		send_token(o, slash ? slash + 1 : NULL, "; \t", "mixed");
		if (extended)
			send_extension(o, m, p, true);
		iout_puts(o, ")");
		return;
	}
	send_token(o, slash ? ct : NULL, "/", "text");
	iout_puts(o, " ");
	send_token(o, slash ? slash + 1 : NULL, "; \t", "plain");
	iout_puts(o, " ");
	send_params(o, ct, text);
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_CID));
	iout_puts(o, " ");
	iout_nstring(o, imsg_value(m, p, H_CDESC));
	iout_puts(o, " ");
	send_token(o, imsg_value(m, p, H_CTE), "; \t", "7bit");
	iout_printf(o, " %llu", pt->end_c - pt->body_c);
	if (pt->rfc822) {
		iout_puts(o, " ");
		imsg_envelope(o, m, pt->first_child);
		iout_puts(o, " ");
		imsg_bodystructure(o, m, pt->first_child, extended);
	}
	if (text || pt->rfc822)
		iout_printf(o, " %llu", pt->lines);
	if (extended)
		send_extension(o, m, p, false);
	iout_puts(o, ")");
}
