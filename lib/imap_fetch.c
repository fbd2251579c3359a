/* imap_fetch: FETCH items.  See imap_fetch.h. */
#include "imap_fetch.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct fetch_att *add(struct fetch_req *r, enum fetch_kind k, const char *label)
{
	struct fetch_att *a;

	if (r->n == FETCH_ATT_MAX)
		return NULL;
	a = &r->att[r->n++];
	memset(a, 0, sizeof *a);
	a->kind = k;
	str_copy(a->label, label, sizeof a->label);
	return a;
}

/* A name made of letters, digits and dots: "BODY.PEEK", "RFC822.SIZE". */
static size_t name_len(const struct imap_p *ip)
{
	size_t n = 0;

	while (ip->p + n < ip->end &&
	       (ip->p[n] == '.' || (ip->p[n] >= '0' && ip->p[n] <= '9') ||
	        ((ip->p[n] | 0x20) >= 'a' && (ip->p[n] | 0x20) <= 'z')))
		n++;
	return n;
}

static bool eat(struct imap_p *ip, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ip->end - ip->p) < n || !str_ncase_eq(ip->p, word, n))
		return false;
	ip->p += n;
	return true;
}

/* header-list = "(" header-fld-name *(SP header-fld-name) ")" */
static bool header_list(struct imap_p *ip, struct imsg_section *sec)
{
	struct imap_str s;

	if (!ip_sp(ip) || !ip_char(ip, '('))
		return false;
	do {
		if (sec->nfields == IMSG_SECTION_FIELDS || !ip_astring(ip, &s) ||
		    !imap_str_copy(&s, sec->field[sec->nfields++], IMSG_FIELD_MAX))
			return false;
	} while (ip_sp(ip));
	return ip_char(ip, ')');
}

/* section = "[" [section-spec] "]", then an optional <origin.count>. */
static bool section(struct imap_p *ip, struct imsg_section *sec)
{
	uint32_t n;

	while (sec->nparts < IMSG_DEPTH_MAX && ip_number(ip, &n) && n > 0) {
		sec->part[sec->nparts++] = n;
		if (!ip_char(ip, '.'))
			break;
	}
	if (ip->p < ip->end && ip->p[0] == ']')
		sec->kind = SEC_ALL;
	else if (eat(ip, "HEADER.FIELDS.NOT"))
		sec->kind = SEC_FIELDS_NOT;
	else if (eat(ip, "HEADER.FIELDS"))
		sec->kind = SEC_FIELDS;
	else if (eat(ip, "HEADER"))
		sec->kind = SEC_HEADER;
	else if (eat(ip, "TEXT"))
		sec->kind = SEC_TEXT;
	else if (sec->nparts > 0 && eat(ip, "MIME"))
		sec->kind = SEC_MIME;
	else
		return false;
	if ((sec->kind == SEC_FIELDS || sec->kind == SEC_FIELDS_NOT) &&
	    !header_list(ip, sec))
		return false;
	if (!ip_char(ip, ']'))
		return false;
	if (ip_char(ip, '<')) {
		uint32_t a, b;
		if (!ip_number(ip, &a) || !ip_char(ip, '.') || !ip_number(ip, &b) ||
		    b == 0 || !ip_char(ip, '>'))
			return false;
		sec->partial = true;
		sec->origin = a;
		sec->count = b;
	}
	return true;
}

/* BODY[...] or BODY.PEEK[...]: the label echoes the section as sent. */
static bool body_section(struct imap_p *ip, struct fetch_req *r, bool peek)
{
	const char *start = ip->p;
	struct fetch_att *a = add(r, FA_SECTION, "");

	if (a == NULL || !section(ip, &a->sec))
		return false;
	a->peek = peek;
	const char *end = ip->p;
	if (a->sec.partial) /* the response names only the origin */
		end = memchr(start, '<', (size_t)(ip->p - start));
	snprintf(a->label, sizeof a->label, "BODY[%.*s", (int)(end - start), start);
	for (char *c = a->label; *c; c++) /* Dovecot's form: field names in capitals */
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	if (a->sec.partial)
		snprintf(a->label + strlen(a->label), sizeof a->label - strlen(a->label),
		         "<%llu>", a->sec.origin);
	return true;
}

static bool att(struct imap_p *ip, struct fetch_req *r)
{
	static const struct { const char *name; enum fetch_kind k; } plain[] = {
		{ "FLAGS", FA_FLAGS }, { "UID", FA_UID },
		{ "INTERNALDATE", FA_INTERNALDATE }, { "RFC822.SIZE", FA_SIZE },
		{ "ENVELOPE", FA_ENVELOPE }, { "BODYSTRUCTURE", FA_BODYSTRUCTURE },
	};
	size_t n = name_len(ip);
	struct imap_str w = { ip->p, n, false };
	struct fetch_att *a;

	ip->p += n;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (is_word(&w, plain[i].name))
			return add(r, plain[i].k, plain[i].name) != NULL;
	if (is_word(&w, "BODY") || is_word(&w, "BODY.PEEK")) {
		if (ip_char(ip, '['))
			return body_section(ip, r, n == 9);
		return n == 4 && add(r, FA_BODY, "BODY") != NULL;
	}
	/* RFC 3501 6.4.5: the RFC822 forms are BODY[] sections by another name */
	if (is_word(&w, "RFC822") && (a = add(r, FA_SECTION, "RFC822")))
		return true;
	if (is_word(&w, "RFC822.HEADER") && (a = add(r, FA_SECTION, "RFC822.HEADER"))) {
		a->sec.kind = SEC_HEADER;
		return a->peek = true;
	}
	if (is_word(&w, "RFC822.TEXT") && (a = add(r, FA_SECTION, "RFC822.TEXT"))) {
		a->sec.kind = SEC_TEXT;
		return true;
	}
	return false;
}

/* Macros (RFC 3501 6.4.5): ALL, FAST, FULL. */
static bool macro(struct imap_p *ip, struct fetch_req *r)
{
	static const char *const all[] = { "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE" };
	struct imap_p save = *ip;
	size_t n = name_len(ip), k = 0;
	struct imap_str w = { ip->p, n, false };

	if (is_word(&w, "FAST"))
		k = 3;
	else if (is_word(&w, "ALL") || is_word(&w, "FULL"))
		k = 4;
	if (k == 0)
		return false;
	for (size_t i = 0; i < k; i++) {
		struct imap_p one;
		ip_init(&one, all[i], strlen(all[i]));
		att(&one, r);
	}
	if (n == 4 && is_word(&w, "FULL"))
		add(r, FA_BODY, "BODY");
	ip->p = save.p + n;
	return true;
}

bool fetch_parse(struct imap_p *ip, struct fetch_req *r, bool uid)
{
	r->n = 0;
	if (uid)
		add(r, FA_UID, "UID"); /* RFC 3501 6.4.8 */
	if (macro(ip, r))
		return ip_eol(ip);
	if (!ip_char(ip, '('))
		return att(ip, r) && ip_eol(ip);
	do
		if (!att(ip, r))
			return false;
	while (ip_sp(ip));
	return ip_char(ip, ')') && ip_eol(ip);
}

bool fetch_parse_flags(struct imap_p *ip, unsigned *flags)
{
	static const struct { const char *name; unsigned f; } names[] = {
		{ "\\Seen", IF_SEEN }, { "\\Answered", IF_ANSWERED },
		{ "\\Flagged", IF_FLAGGED }, { "\\Deleted", IF_DELETED },
		{ "\\Draft", IF_DRAFT }, { "\\Recent", 0 },
	};
	bool paren = ip_char(ip, '(');
	struct imap_str w;

	*flags = 0;
	if (paren && ip_char(ip, ')'))
		return true;
	do {
		bool bs = ip_char(ip, '\\');
		if (!ip_atom(ip, &w))
			return false;
		w.p -= bs;
		w.n += bs;
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (is_word(&w, names[k].name))
				*flags |= names[k].f;
	} while (ip_sp(ip));
	return !paren || ip_char(ip, ')');
}

void fetch_send_flags(struct imap_out *o, unsigned flags)
{
	static const struct { unsigned f; const char *name; } names[] = {
		{ IF_ANSWERED, "\\Answered" }, { IF_FLAGGED, "\\Flagged" },
		{ IF_DELETED, "\\Deleted" }, { IF_SEEN, "\\Seen" },
		{ IF_DRAFT, "\\Draft" }, { IF_RECENT, "\\Recent" },
	};
	bool first = true;

	iout_puts(o, "(");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].f) {
			iout_puts(o, first ? "" : " ");
			iout_puts(o, names[i].name);
			first = false;
		}
	iout_puts(o, ")");
}

/* RFC 3501 9: date-time = "dd-Mon-yyyy hh:mm:ss +zzzz", here in UTC. */
static void send_date(struct imap_out *o, struct imbox *b, size_t i, int fd)
{
	struct stat st;
	time_t t = (time_t)b->msg[i].date;
	struct tm tm;
	char text[40];

	if (t == 0 && fstat(fd, &st) == 0)
		t = st.st_mtime;
	gmtime_r(&t, &tm);
	strftime(text, sizeof text, "\"%d-%b-%Y %H:%M:%S +0000\"", &tm);
	iout_puts(o, text);
}

/* Does any item need the structure, or set \Seen? */
static void needs(const struct fetch_req *r, bool *parse, bool *seen)
{
	*parse = *seen = false;
	for (size_t k = 0; k < r->n; k++) {
		const struct fetch_att *a = &r->att[k];
		*parse |= a->kind == FA_ENVELOPE || a->kind == FA_BODY ||
		          a->kind == FA_BODYSTRUCTURE ||
		          (a->kind == FA_SECTION && (a->sec.nparts > 0 || a->sec.kind != SEC_ALL));
		*seen |= a->kind == FA_SECTION && !a->peek;
	}
}

static void send_att(struct imap_out *o, struct imbox *b, size_t i, int fd,
                     const struct imsg *m, const struct fetch_att *a)
{
	iout_puts(o, a->label);
	iout_puts(o, " ");
	switch (a->kind) {
	case FA_FLAGS: fetch_send_flags(o, b->msg[i].flags); break;
	case FA_UID: iout_printf(o, "%lu", (unsigned long)b->msg[i].uid); break;
	case FA_INTERNALDATE: send_date(o, b, i, fd); break;
	case FA_SIZE: iout_printf(o, "%llu", imbox_size(b, i)); break;
	case FA_ENVELOPE: imsg_envelope(o, m, 0); break;
	case FA_BODY: imsg_bodystructure(o, m, 0, false); break;
	case FA_BODYSTRUCTURE: imsg_bodystructure(o, m, 0, true); break;
	case FA_SECTION:
		imsg_send_section(o, fd, (a->sec.nparts || a->sec.kind != SEC_ALL) ? m : NULL,
		                  &a->sec, imbox_size(b, i));
		break;
	}
}

int fetch_one(struct imap_out *o, struct imbox *b, size_t i,
              const struct fetch_req *r)
{
	struct imsg m = { 0 };
	bool parse, seen, flags_asked = false, file = false;
	int fd = -1;

	needs(r, &parse, &seen);
	for (size_t k = 0; k < r->n; k++) /* FLAGS and UID need no file */
		file |= r->att[k].kind == FA_SECTION ||
		        (r->att[k].kind == FA_SIZE && b->msg[i].size == 0) ||
		        (r->att[k].kind == FA_INTERNALDATE && b->msg[i].date == 0);
	if ((parse || file) && (fd = imbox_open_msg(b, i)) < 0)
		return -1;
	if (parse && imsg_parse(fd, &m) < 0) {
		close(fd);
		return -1;
	}
	/* RFC 3501 6.4.5: BODY[...] sets \Seen; the new flags are sent. */
	seen = seen && !b->readonly && !(b->msg[i].flags & IF_SEEN) &&
	       imbox_set_flags(b, i, b->msg[i].flags | IF_SEEN) == 0;
	for (size_t k = 0; k < r->n; k++)
		flags_asked |= r->att[k].kind == FA_FLAGS;
	iout_printf(o, "* %zu FETCH (", i + 1);
	if (seen && !flags_asked) { /* first, where Dovecot puts it */
		iout_puts(o, "FLAGS ");
		fetch_send_flags(o, b->msg[i].flags);
		iout_puts(o, r->n ? " " : "");
	}
	for (size_t k = 0; k < r->n; k++) {
		iout_puts(o, k ? " " : "");
		send_att(o, b, i, fd, &m, &r->att[k]);
	}
	iout_puts(o, ")");
	iout_end(o);
	imsg_free(&m);
	if (fd >= 0)
		close(fd);
	return 0;
}
