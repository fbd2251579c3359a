/* imap_msg: structure, sections and search of a message.  See imap_msg.h. */
#include "imap_msg.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMSG_READ_BUF 16384

static const char *const hdr_names[H_COUNT] = {
	"date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc",
	"in-reply-to", "message-id", "content-type",
	"content-transfer-encoding", "content-id", "content-description",
	"content-disposition", "content-language", "content-location",
	"content-md5",
};

/* The parser's state between lines. */
struct parser {
	struct imsg *m;
	int open[IMSG_DEPTH_MAX + 1]; /* open parts, outermost first */
	int depth;                    /* index of the innermost in open[] */
	int hdr;                      /* header being read, -1 none */
	size_t vlen;
	char value[IMSG_VALUE_MAX + 1];
	long long off;                /* file offset of the current line */
	unsigned long long off_c, line;
	unsigned prev_eol, prev_eol_c; /* the last line's ending length */
};

const char *imsg_value(const struct imsg *m, int p, enum imsg_hdr h)
{
	size_t v = m->part[p].val[h];

	return v ? m->arena + v - 1 : NULL;
}

void imsg_free(struct imsg *m)
{
	free(m->part);
	free(m->arena);
	memset(m, 0, sizeof *m);
}

static int new_part(struct parser *ps, int parent, bool is_msg)
{
	struct imsg *m = ps->m;
	struct imsg_part *p;

	if (m->n == IMSG_PARTS_MAX)
		return -1;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		void *q = realloc(m->part, cap * sizeof *m->part);
		if (q == NULL)
			return -1;
		m->part = q;
		m->cap = cap;
	}
	p = &m->part[m->n];
	memset(p, 0, sizeof *p);
	p->parent = parent;
	p->first_child = p->next_sibling = p->last_child = -1;
	p->is_msg = is_msg;
	p->hdr_off = p->body_off = p->end_off = -1;
	if (parent >= 0) {
		struct imsg_part *up = &m->part[parent];
		p->depth = up->depth + 1;
		if (up->last_child >= 0)
			m->part[up->last_child].next_sibling = (int)m->n;
		else
			up->first_child = (int)m->n;
		up->last_child = (int)m->n;
	}
	return (int)m->n++;
}

/* Keep the header value read so far (the first of each name only). */
static void keep_value(struct parser *ps)
{
	struct imsg *m = ps->m;
	struct imsg_part *p = &m->part[ps->open[ps->depth]];

	if (ps->hdr < 0 || p->val[ps->hdr] != 0)
		return;
	while (m->alen + ps->vlen + 1 > m->acap) {
		size_t cap = m->acap ? m->acap * 2 : 1024;
		char *q = realloc(m->arena, cap);
		if (q == NULL)
			return;
		m->arena = q;
		m->acap = cap;
	}
	size_t s = 0, e = ps->vlen; /* trimmed */
	while (s < e && (ps->value[s] == ' ' || ps->value[s] == '\t'))
		s++;
	while (e > s && (ps->value[e - 1] == ' ' || ps->value[e - 1] == '\t'))
		e--;
	memcpy(m->arena + m->alen, ps->value + s, e - s);
	m->arena[m->alen + e - s] = '\0';
	p->val[ps->hdr] = m->alen + 1;
	m->alen += e - s + 1;
	ps->hdr = -1;
}

static void add_value(struct parser *ps, const char *s, size_t n)
{
	for (size_t i = 0; i < n && ps->vlen < IMSG_VALUE_MAX; i++)
		ps->value[ps->vlen++] = s[i] == '\t' ? ' ' : s[i];
}

/* "Name: value": start keeping it when it is one we need. */
static void header_start(struct parser *ps, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n);
	bool msg = ps->m->part[ps->open[ps->depth]].is_msg;

	ps->hdr = -1;
	if (colon == NULL)
		return;
	size_t k = (size_t)(colon - l);
	while (k > 0 && (l[k - 1] == ' ' || l[k - 1] == '\t'))
		k--;
	for (int h = msg ? 0 : H_CTYPE; h < H_COUNT; h++)
		if (strlen(hdr_names[h]) == k && str_ncase_eq(l, hdr_names[h], k)) {
			ps->hdr = h;
			ps->vlen = 0;
			add_value(ps, colon + 1, n - (size_t)(colon + 1 - l));
			return;
		}
}

/* A parameter's value in a Content-Type (quotes removed), or "". */
static void param(const char *v, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	out[0] = '\0';
	for (const char *p = v ? strchr(v, ';') : NULL; p; p = strchr(p + 1, ';')) {
		const char *q = p + 1;
		while (*q == ' ')
			q++;
		if (!str_ncase_eq(q, name, nl) || q[nl] != '=')
			continue;
		q += nl + 1;
		size_t k = 0;
		bool quoted = *q == '"';
		for (q += quoted; *q && k + 1 < cap; q++) {
			if (quoted ? *q == '"' : (*q == ';' || *q == ' '))
				break;
			if (quoted && *q == '\\' && q[1])
				q++;
			out[k++] = *q;
		}
		out[k] = '\0';
		return;
	}
}

/* Is the Content-Type value of type/subtype (subtype NULL: any)? */
static bool is_type(const char *v, const char *type, const char *sub)
{
	size_t t = strlen(type);

	if (v == NULL || !str_ncase_eq(v, type, t) || v[t] != '/')
		return false;
	return sub == NULL || (str_ncase_eq(v + t + 1, sub, strlen(sub)) &&
	                       strchr("; \t", v[t + 1 + strlen(sub)]) != NULL);
}

/* The header of the innermost part ended; its body starts at next. */
static void header_end(struct parser *ps, long long next, unsigned long long next_c)
{
	int pi = ps->open[ps->depth];
	struct imsg_part *p = &ps->m->part[pi];
	const char *ct;

	keep_value(ps);
	p->in_body = true;
	p->body_off = next;
	p->body_c = next_c;
	p->body_line = ps->line + 1;
	ct = imsg_value(ps->m, pi, H_CTYPE);
	if (is_type(ct, "multipart", NULL)) {
		param(ct, "boundary", p->boundary, sizeof p->boundary);
		p->multipart = p->boundary[0] != '\0';
	} else if (is_type(ct, "message", "rfc822") && ps->depth < IMSG_DEPTH_MAX) {
		int c = new_part(ps, pi, true);
		ps->m->part[pi].rfc822 = c >= 0;
		if (c >= 0) {
			ps->m->part[c].hdr_off = next;
			ps->m->part[c].hdr_c = next_c;
			ps->open[++ps->depth] = c;
		}
	}
}

/* Close the parts open below depth d at this end; lf_end is the
 * number of the line whose LF is the first not in them (RFC 3501 7.4.2:
 * body-fld-lines counts the line breaks in the body, as Dovecot does).
 * A part that began, or whose body began, past the end (on the CRLF
 * a boundary owns, RFC 2046 5.1.1) is cut back to it: no part reaches
 * past the part that holds it. */
static void close_to(struct parser *ps, int d, long long end, unsigned long long end_c,
                     unsigned long long lf_end)
{
	for (; ps->depth > d; ps->depth--) {
		struct imsg_part *p = &ps->m->part[ps->open[ps->depth]];
		if (!p->in_body) /* no blank line: all header, no body */
			keep_value(ps);
		if (p->hdr_off > end || p->hdr_c > end_c) {
			p->hdr_off = end;
			p->hdr_c = end_c;
		}
		if (!p->in_body || p->body_off > end || p->body_c > end_c) {
			p->body_off = end;
			p->body_c = end_c;
			p->body_line = lf_end;
		}
		p->end_off = end;
		p->end_c = end_c;
		p->lines = lf_end > p->body_line ? lf_end - p->body_line : 0;
		p->closed = true;
	}
}

/* "--boundary" or "--boundary--", then only white space (RFC 2046 5.1.1). */
static int boundary_kind(const char *l, size_t n, const char *b)
{
	size_t bl = strlen(b), i;
	int kind = 1;

	if (n < bl + 2 || l[0] != '-' || l[1] != '-' || memcmp(l + 2, b, bl) != 0)
		return 0;
	i = bl + 2;
	if (n >= i + 2 && l[i] == '-' && l[i + 1] == '-') {
		kind = 2;
		i += 2;
	}
	for (; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t')
			return 0;
	return kind;
}

/* A body line that may be a boundary of an enclosing multipart. */
static void body_line(struct parser *ps, const char *l, size_t n, long long next,
                      unsigned long long next_c)
{
	for (int d = ps->depth; d >= 0; d--) {
		int pi = ps->open[d];
		struct imsg_part *p = &ps->m->part[pi];
		int kind = p->multipart && !p->ended ? boundary_kind(l, n, p->boundary) : 0;
		if (kind == 0)
			continue;
		/* RFC 2046 5.1.1: the CRLF before a boundary belongs to it. */
		close_to(ps, d, ps->off - ps->prev_eol, ps->off_c - ps->prev_eol_c,
		         ps->line > 0 ? ps->line - 1 : 0);
		if (kind == 2 || ps->depth >= IMSG_DEPTH_MAX) {
			p->ended = kind == 2; /* the rest is its epilogue */
			return;
		}
		int c = new_part(ps, pi, false);
		if (c < 0)
			return;
		ps->m->part[c].hdr_off = next;
		ps->m->part[c].hdr_c = next_c;
		ps->open[++ps->depth] = c;
		ps->hdr = -1;
		return;
	}
}

/* One line: l holds its first kept bytes (ending stripped), n of them;
 * len and len_c are its whole length with the ending, eol its ending. */
static void on_line(struct parser *ps, const char *l, size_t n, size_t len,
                    size_t len_c, unsigned eol)
{
	struct imsg_part *p = &ps->m->part[ps->open[ps->depth]];
	long long next = ps->off + (long long)len;
	unsigned long long next_c = ps->off_c + len_c;

	if (!p->in_body && !p->closed) {
		if (len == eol && eol > 0)
			header_end(ps, next, next_c);
		else if (n > 0 && (l[0] == ' ' || l[0] == '\t'))
			add_value(ps, l, n);
		else {
			keep_value(ps);
			header_start(ps, l, n);
		}
	} else if (n >= 2 && l[0] == '-' && l[1] == '-') {
		body_line(ps, l, n, next, next_c);
	}
	ps->off = next;
	ps->off_c = next_c;
	ps->prev_eol = eol;
	ps->prev_eol_c = len_c - (len - eol);
	ps->line++;
}

int imsg_parse(int fd, struct imsg *m)
{
	struct parser *ps = calloc(1, sizeof *ps);
	char buf[IMSG_READ_BUF], line[IMSG_LINE_KEEP];
	size_t n_kept = 0, len = 0;
	bool cr = false;
	ssize_t r;

	memset(m, 0, sizeof *m);
	if (ps == NULL || lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	ps->m = m;
	ps->hdr = -1;
	if (new_part(ps, -1, true) < 0)
		goto fail;
	m->part[0].hdr_off = 0;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			char ch = buf[i];
			len++;
			if (ch != '\n') {
				if (n_kept < sizeof line)
					line[n_kept++] = ch;
				cr = ch == '\r';
				continue;
			}
			size_t kept = n_kept - (cr && n_kept > 0 && n_kept < sizeof line);
			on_line(ps, line, kept, len, cr ? len : len + 1, cr ? 2 : 1);
			n_kept = len = 0;
			cr = false;
		}
	}
	if (r < 0)
		goto fail;
	if (len > 0) /* a last line without LF: a CRLF in the CRLF form */
		on_line(ps, line, n_kept, len, len + 2, 0);
	close_to(ps, -1, ps->off, ps->off_c, ps->line - (len > 0));
	m->size = ps->off_c;
	free(ps);
	return 0;
fail:
	free(ps);
	imsg_free(m);
	return -1;
}

/* ---- sections (RFC 3501 6.4.5) ---- */

/*
 * The part a list of part numbers names.  Part 1 of a message that is
 * not multipart is its body; after a message/rfc822 part the numbers
 * go on inside the message it holds.  -1 when there is no such part.
 */
static int find_part(const struct imsg *m, const uint32_t *num, size_t n)
{
	int cur = 0;

	for (size_t i = 0; i < n; i++) {
		const struct imsg_part *p = &m->part[cur];
		if (p->rfc822 && i > 0)
			p = &m->part[cur = p->first_child];
		if (p->multipart) {
			int c = p->first_child;
			for (uint32_t k = 1; c >= 0 && k < num[i]; k++)
				c = m->part[c].next_sibling;
			if (c < 0)
				return -1;
			cur = c;
		} else if (num[i] != 1 || (!p->is_msg && i > 0)) {
			return -1;
		}
	}
	return cur;
}

/* Send file bytes [off, end) in CRLF form, skipping the first skip
 * octets of that form and sending count; pads (CRLF, then spaces) if
 * the file gives less, so the literal stays exactly as announced. */
static void send_range(struct imap_out *o, int fd, long long off, long long end,
                       unsigned long long skip, unsigned long long count)
{
	char buf[IMSG_READ_BUF], out[2 * IMSG_READ_BUF];
	bool cr = false;
	ssize_t r = 0;

	if (lseek(fd, off, SEEK_SET) < 0)
		off = end;
	while (count > 0 && off < end) {
		size_t want = (size_t)(end - off) < sizeof buf ? (size_t)(end - off) : sizeof buf;
		if ((r = read(fd, buf, want)) <= 0)
			break;
		off += r;
		size_t k = 0;
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] == '\n' && !cr)
				out[k++] = '\r';
			out[k++] = buf[i];
			cr = buf[i] == '\r';
		}
		size_t from = skip < k ? (size_t)skip : k;
		skip -= from;
		size_t take = k - from < count ? k - from : (size_t)count;
		iout_put(o, out + from, take);
		count -= take;
	}
	for (const char *pad = "\r\n"; count > 0; count--, pad += *pad != '\0')
		if (skip > 0)
			skip--, count++;
		else
			iout_put(o, *pad ? pad : " ", 1);
}

/* Send [start_c, end_c) of a region as a string, partial applied. */
static void send_region(struct imap_out *o, int fd, const struct imsg_section *sec,
                        long long off, long long end, unsigned long long len)
{
	unsigned long long skip = 0, count = len;

	if (sec->partial) {
		skip = sec->origin < len ? sec->origin : len;
		count = len - skip < sec->count ? len - skip : sec->count;
	}
	iout_literal(o, count);
	send_range(o, fd, off, end, skip, count);
}

/* Does header line l (name: ...) name one of the section's fields? */
static bool field_listed(const struct imsg_section *sec, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n);
	size_t k = colon ? (size_t)(colon - l) : n;

	while (k > 0 && (l[k - 1] == ' ' || l[k - 1] == '\t'))
		k--;
	for (size_t i = 0; colon && i < sec->nfields; i++)
		if (strlen(sec->field[i]) == k && str_ncase_eq(l, sec->field[i], k))
			return true;
	return false;
}

/* HEADER.FIELDS [.NOT]: the chosen fields, CRLF form, a blank line. */
static void send_fields(struct imap_out *o, int fd, const struct imsg_section *sec,
                        const struct imsg_part *p)
{
	size_t hn = (size_t)(p->body_off - p->hdr_off), got = 0, k = 0;
	char *h = malloc((hn < IMSG_FIELDS_MAX ? hn : IMSG_FIELDS_MAX) + 1);
	char *out = malloc(2 * IMSG_FIELDS_MAX + 2);
	bool keep = false;
	ssize_t r;

	if (hn > IMSG_FIELDS_MAX)
		hn = IMSG_FIELDS_MAX;
	if (h && out && lseek(fd, p->hdr_off, SEEK_SET) >= 0)
		while (got < hn && (r = read(fd, h + got, hn - got)) > 0)
			got += (size_t)r;
	for (size_t i = 0; h && out && i < got;) {
		char *lf = memchr(h + i, '\n', got - i);
		size_t e = lf ? (size_t)(lf - h) : got, n = e - i;
		if (n > 0 && h[e - 1] == '\r')
			n--;
		if (n == 0)
			break; /* the blank line: added below */
		if (h[i] != ' ' && h[i] != '\t')
			keep = field_listed(sec, h + i, n) == (sec->kind == SEC_FIELDS);
		if (keep) {
			memcpy(out + k, h + i, n);
			k += n;
			memcpy(out + k, "\r\n", 2);
			k += 2;
		}
		i = e + 1;
	}
	if (out)
		memcpy(out + k, "\r\n", 2), k += 2;
	unsigned long long skip = 0, count = out ? k : 0;
	if (sec->partial) {
		skip = sec->origin < count ? sec->origin : count;
		count = count - skip < sec->count ? count - skip : sec->count;
	}
	iout_literal(o, count);
	if (out)
		iout_put(o, out + skip, (size_t)count);
	free(h);
	free(out);
}

int imsg_send_section(struct imap_out *o, int fd, const struct imsg *m,
                      const struct imsg_section *sec,
                      unsigned long long full_size)
{
	int pi = m ? find_part(m, sec->part, sec->nparts) : 0;
	const struct imsg_part *p;

	if (m == NULL) { /* BODY[] of the whole message: no parse needed */
		unsigned long long skip = 0, count = full_size;
		if (sec->partial) {
			skip = sec->origin < full_size ? sec->origin : full_size;
			count = full_size - skip < sec->count ? full_size - skip : sec->count;
		}
		iout_literal(o, count);
		send_range(o, fd, 0, (long long)1 << 62, skip, count);
		return 0;
	}
	if (pi < 0) { /* no such part: an empty string, as Dovecot sends */
		iout_literal(o, 0);
		return -1;
	}
	p = &m->part[pi];
	bool header_like = sec->kind == SEC_HEADER || sec->kind == SEC_FIELDS ||
	                   sec->kind == SEC_FIELDS_NOT || sec->kind == SEC_TEXT;
	if (header_like && sec->nparts > 0) {
		if (!p->rfc822 && !(p->is_msg)) {
			iout_literal(o, 0);
			return -1;
		}
		if (p->rfc822)
			p = &m->part[p->first_child];
	}
	switch (sec->kind) {
	case SEC_ALL:
		if (sec->nparts == 0)
			send_region(o, fd, sec, p->hdr_off, p->end_off, p->end_c - p->hdr_c);
		else
			send_region(o, fd, sec, p->body_off, p->end_off, p->end_c - p->body_c);
		break;
	case SEC_HEADER:
	case SEC_MIME:
		send_region(o, fd, sec, p->hdr_off, p->body_off, p->body_c - p->hdr_c);
		break;
	case SEC_TEXT:
		send_region(o, fd, sec, p->body_off, p->end_off, p->end_c - p->body_c);
		break;
	case SEC_FIELDS:
	case SEC_FIELDS_NOT:
		send_fields(o, fd, sec, p);
		break;
	}
	return 0;
}

/* ---- SEARCH text (RFC 3501 6.4.4) ---- */

/* Stream [off, end) of the file looking for needle, ignoring ASCII case;
 * with field, only in the lines of that header field. */
static bool scan_for(int fd, long long off, long long end, const char *field,
                     const char *needle)
{
	size_t nl = strlen(needle), fl = field ? strlen(field) : 0, have = 0;
	char buf[IMSG_READ_BUF + 512];
	bool in_field = field == NULL, bol = true;
	ssize_t r;

	if (nl == 0)
		return true;
	if (nl > 256 || lseek(fd, off, SEEK_SET) < 0)
		return false;
	while (off < end) {
		size_t want = (size_t)(end - off) < IMSG_READ_BUF ? (size_t)(end - off) : IMSG_READ_BUF;
		if ((r = read(fd, buf + have, want)) <= 0)
			break;
		off += r;
		size_t n = have + (size_t)r;
		for (size_t i = have; i < n && field; i++) {
			if (bol && buf[i] != ' ' && buf[i] != '\t')
				in_field = n - i > fl && str_ncase_eq(buf + i, field, fl) &&
				           buf[i + fl] == ':';
			bol = buf[i] == '\n';
			if (!in_field)
				buf[i] = '\n'; /* blank out other fields */
		}
		for (size_t i = 0; i + nl <= n; i++)
			if (str_ncase_eq(buf + i, needle, nl))
				return true;
		have = nl - 1 < n ? nl - 1 : n;
		memmove(buf, buf + n - have, have);
	}
	return false;
}

bool imsg_contains(int fd, const struct imsg *m, const char *field,
                   const char *needle)
{
	const struct imsg_part *root = &m->part[0];

	if (field == NULL)
		return scan_for(fd, 0, root->end_off, NULL, needle);
	if (field[0] == '\0')
		return scan_for(fd, root->body_off, root->end_off, NULL, needle);
	return scan_for(fd, root->hdr_off, root->body_off, field, needle);
}
