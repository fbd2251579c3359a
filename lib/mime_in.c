/* mime_in: decode a received message for reading.  See mime_in.h. */
#include "mime_in.h"
#include "base64.h"
#include "charset.h"
#include "i18n.h"
#include "util.h"

#include <string.h>

#define DECODE_CHUNK 1024 /* decoded bytes handed on at a time */
#define WORD_TEXT_MAX 1024 /* an encoded word's text; RFC 2047 2 says 75 */

/* ---- RFC 2047 encoded words ---- */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 2047 4.2: Q encoding, "_" is a space.  Returns the byte count. */
static size_t decode_q(const char *t, size_t n, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (t[i] == '_')
			out[o++] = ' ';
		else if (t[i] == '=' && i + 2 < n &&
		         (hi = hex_value(t[i + 1])) >= 0 &&
		         (lo = hex_value(t[i + 2])) >= 0) {
			out[o++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = (unsigned char)t[i];
	}
	return o;
}

/* RFC 2047 4.1: B encoding; missing "=" padding is tolerated. */
static long decode_b(const char *t, size_t n, unsigned char *out)
{
	char padded[WORD_TEXT_MAX + 4];

	memcpy(padded, t, n);
	while (n % 4 != 0)
		padded[n++] = '=';
	return base64_decode(padded, n, out);
}

/*
 * One "=?charset?B|Q?text?=" at s.  Returns its length and appends the
 * UTF-8 text to out at *o, or returns 0 when s is not an encoded word.
 */
static size_t decode_word(const char *s, char *out, size_t *o, size_t cap)
{
	char charset[MIME_CHARSET_MAX];
	unsigned char bytes[WORD_TEXT_MAX];
	const char *p = s + 2, *q, *text, *end;
	size_t k = 0;
	bool star = false;
	long n;

	for (q = p; *q && *q != '?' && *q != ' '; q++) {
		if (*q == '*')
			star = true; /* RFC 2231 5: "charset*language" */
		if (!star && k < sizeof charset - 1)
			charset[k++] = (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q);
	}
	charset[k] = '\0';
	if (*q != '?' || k == 0 || !q[1] || q[2] != '?')
		return 0;
	text = q + 3;
	end = strstr(text, "?=");
	if (end == NULL || (size_t)(end - text) > WORD_TEXT_MAX ||
	    memchr(text, ' ', (size_t)(end - text)))
		return 0;
	if (q[1] == 'B' || q[1] == 'b')
		n = decode_b(text, (size_t)(end - text), bytes);
	else if (q[1] == 'Q' || q[1] == 'q')
		n = (long)decode_q(text, (size_t)(end - text), bytes);
	else
		return 0;
	if (n < 0)
		return 0;
	*o += charset_to_utf8(charset, bytes, (size_t)n, out + *o, cap - *o);
	return (size_t)(end + 2 - s);
}

size_t mime_decode_words(const char *in, char *out, size_t cap)
{
	size_t o = 0, used;
	bool after_word = false;

	out[0] = '\0';
	while (*in && o + 4 < cap) {
		if (in[0] == '=' && in[1] == '?' &&
		    (used = decode_word(in, out, &o, cap)) > 0) {
			in += used;
			after_word = true;
			continue;
		}
		if (after_word && (*in == ' ' || *in == '\t')) {
			/* RFC 2047 6.2: space between two words is dropped. */
			const char *q = in + strspn(in, " \t");
			char scratch[8];
			size_t zero = 0;
			if (q[0] == '=' && q[1] == '?' &&
			    decode_word(q, scratch, &zero, 1) > 0) {
				in = q;
				continue;
			}
		}
		after_word = false;
		/* Text up to the next "=": one call, so that a UTF-8
		 * character is never cut in two. */
		size_t k = 1 + strcspn(in + 1, "=");
		o += charset_to_utf8("utf-8", (const unsigned char *)in, k,
		                  out + o, cap - o);
		in += k;
	}
	return o;
}

/* ---- header fields: Content-Type and friends (RFC 2045) ---- */

/* Types, charsets and parameter names are RFC 2045 tokens: lower-cased,
 * and any byte that cannot be in one (a control, a space, 8-bit) becomes
 * '?', so a hostile header can never reach the terminal raw. */
static void lower_copy(char *dst, const char *src, size_t n, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch + 32);
		else if (ch < 0x21 || ch > 0x7e)
			ch = '?';
		dst[k++] = (char)ch;
	}
	dst[k] = '\0';
}

/* RFC 2231 4: "charset'language'%XX..." as UTF-8 into out. */
static void decode_2231(const char *v, char *out, size_t cap)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	unsigned char bytes[MIME_NAME_MAX];
	char charset[MIME_CHARSET_MAX];
	size_t n = 0;

	if (q2 == NULL) {
		mime_decode_words(v, out, cap);
		return;
	}
	lower_copy(charset, v, (size_t)(q1 - v), sizeof charset);
	for (const char *p = q2 + 1; *p && n < sizeof bytes; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hex_value(p[1])) >= 0 &&
		    (lo = hex_value(p[2])) >= 0) {
			bytes[n++] = (unsigned char)(hi << 4 | lo);
			p += 2;
		} else
			bytes[n++] = (unsigned char)*p;
	}
	charset_to_utf8(charset, bytes, n, out, cap);
}

/* Copy a parameter value (a token or a quoted-string, RFC 2045 5.1). */
static const char *param_value(const char *p, char *val, size_t cap)
{
	size_t k = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (k + 1 < cap)
				val[k++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
			if (k + 1 < cap)
				val[k++] = *p;
	}
	val[k] = '\0';
	return p;
}

/* One "name=value" of Content-Type or Content-Disposition. */
static void take_param(struct mime_part *pt, const char *name, size_t nlen,
                       const char *val)
{
	char key[16];

	lower_copy(key, name, nlen, sizeof key);
	if (strcmp(key, "charset") == 0)
		lower_copy(pt->charset, val, strlen(val), sizeof pt->charset);
	else if (strcmp(key, "boundary") == 0)
		str_copy(pt->boundary, val, sizeof pt->boundary);
	else if ((strcmp(key, "name") == 0 && pt->name[0] == '\0') ||
	         strcmp(key, "filename") == 0)
		mime_decode_words(val, pt->name, sizeof pt->name);
	else if (strcmp(key, "filename*") == 0 || strcmp(key, "name*") == 0)
		decode_2231(val, pt->name, sizeof pt->name);
}

/* "value; a=b; c="d"": the value goes to first, the rest to take_param. */
static void parse_params(struct mime_part *pt, const char *v, char *first,
                         size_t cap)
{
	char val[MIME_HEADER_MAX];

	lower_copy(first, v, strcspn(v, "; \t"), cap);
	for (v = strchr(v, ';'); v; v = strchr(v, ';')) {
		const char *name = v + 1 + strspn(v + 1, " \t");
		const char *eq = strchr(name, '=');
		size_t nlen;
		if (eq == NULL)
			break;
		nlen = (size_t)(eq - name);
		while (nlen > 0 && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
			nlen--;
		eq++;
		v = param_value(eq + strspn(eq, " \t"), val, sizeof val);
		take_param(pt, name, nlen, val);
	}
}

/* The top-level headers a reader wants to see, shown decoded. */
static bool shown_header(const char *key)
{
	static const char *const names[] = { "from", "to", "cc", "date",
		                             "subject", NULL };
	for (int i = 0; names[i]; i++)
		if (strcmp(key, names[i]) == 0)
			return true;
	return false;
}

/* The name of a shown header in the reader's language (key: lower case). */
static const char *header_label(const char *key)
{
	return key[0] == 'f' ? _("From") : key[0] == 't' ? _("To")
	     : key[0] == 'c' ? _("Cc") : key[0] == 'd' ? _("Date")
	     : _("Subject");
}

/* One whole (unfolded) header field in m->hdr. */
static void header_field(struct mime_in *m)
{
	char key[32], decoded[MIME_HEADER_MAX + 1];
	char *colon = memchr(m->hdr, ':', m->hlen);
	const char *v;

	m->hdr[m->hlen] = '\0';
	m->hlen = 0;
	if (colon == NULL || (size_t)(colon - m->hdr) >= sizeof key)
		return; /* not a field (an mbox "From " line, junk): ignored */
	lower_copy(key, m->hdr, (size_t)(colon - m->hdr), sizeof key);
	v = colon + 1 + strspn(colon + 1, " \t");
	if (m->top && shown_header(key)) {
		mime_decode_words(v, decoded, sizeof decoded);
		fprintf(m->out, "%s: %s\n", header_label(key), decoded);
		char *keep = key[0] == 'f' ? m->from : key[0] == 's' ? m->subject
		           : key[0] == 'd' ? m->date : NULL;
		if (keep)
			str_copy(keep, decoded, MIME_SUMMARY_MAX);
	} else if (strcmp(key, "content-type") == 0) {
		parse_params(&m->part, v, m->part.type, sizeof m->part.type);
	} else if (strcmp(key, "content-disposition") == 0) {
		parse_params(&m->part, v, key, sizeof key);
		m->part.attachment = strcmp(key, "attachment") == 0;
	} else if (strcmp(key, "content-transfer-encoding") == 0) {
		lower_copy(key, v, strcspn(v, " \t;"), sizeof key);
		m->part.enc = strcmp(key, "base64") == 0 ? MIME_BASE64
		            : strcmp(key, "quoted-printable") == 0 ? MIME_QP
		                                                     : MIME_IDENTITY;
	}
}

/* Append a piece of a header line, cut at MIME_HEADER_MAX. */
static void header_append(struct mime_in *m, const char *p, size_t n)
{
	size_t room = MIME_HEADER_MAX - m->hlen;

	if (n > room)
		n = room;
	memcpy(m->hdr + m->hlen, p, n);
	m->hlen += n;
}

/* ---- bodies: decoded bytes go to sink() ---- */

/* Show text bytes: a UTF-8 character cut at the end of one piece is
 * held (m->hold) until the next piece completes it. */
static void show_text(struct mime_in *m, const unsigned char *p, size_t n)
{
	unsigned char in[DECODE_CHUNK + sizeof m->hold];
	char text[2 * sizeof in + 4];

	for (size_t off = 0; off < n;) {
		size_t k = n - off < DECODE_CHUNK ? n - off : DECODE_CHUNK;
		size_t have = m->nhold;
		memcpy(in, m->hold, have);
		memcpy(in + have, p + off, k);
		have += k;
		off += k;
		m->nhold = charset_cut(m->part.charset, in, have);
		memcpy(m->hold, in + have - m->nhold, m->nhold);
		fwrite(text, 1, charset_to_utf8(m->part.charset, in, have - m->nhold,
		                             text, sizeof text), m->out);
	}
}

/* Decoded bytes of the current part: shown, or only counted. */
static void sink(struct mime_in *m, const unsigned char *p, size_t n)
{
	m->part_size += n;
	if (m->role == ROLE_TEXT)
		show_text(m, p, n);
}

/* RFC 2045 6.8: base64 ignores what is not in its alphabet. */
static void body_base64(struct mime_in *m, const char *p, size_t n)
{
	unsigned char out[DECODE_CHUNK + 3];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			continue;
		m->pend[m->npend++] = c;
		if (m->npend < 4)
			continue;
		long k = base64_decode(m->pend, 4, out + o);
		o += k > 0 ? (size_t)k : 0; /* a broken quad is dropped */
		m->npend = 0;
		if (o >= DECODE_CHUNK) {
			sink(m, out, o);
			o = 0;
		}
	}
	sink(m, out, o);
}

/* An "=XX" of quoted-printable at p (3 bytes): the byte, or -1. */
static int qp_byte(const char *p)
{
	int hi = hex_value(p[0] == '=' ? p[1] : -1), lo = hex_value(p[2]);

	return hi >= 0 && lo >= 0 ? hi << 4 | lo : -1;
}

/* Finish an "=X" that the previous piece cut; returns bytes used. */
static size_t qp_pending(struct mime_in *m, const char *p, size_t n, bool eol,
                         unsigned char *out, size_t *o)
{
	size_t i = 0;

	while (m->npend > 0 && m->npend < 3 && i < n)
		m->pend[m->npend++] = p[i++];
	if (m->npend == 3) {
		int b = qp_byte(m->pend);
		if (b >= 0) {
			out[(*o)++] = (unsigned char)b;
		} else { /* not an escape: the bytes as they came */
			memcpy(out + *o, m->pend, 3);
			*o += 3;
		}
		m->npend = 0;
	} else if (m->npend > 0 && eol) {
		m->soft_break = m->npend == 1; /* "=" then the line's end */
		if (m->npend == 2) {
			memcpy(out + *o, m->pend, 2);
			*o += 2;
		}
		m->npend = 0;
	}
	return i;
}

/* RFC 2045 6.7: "=XX" is a byte, a final "=" a soft line break. */
static void body_qp(struct mime_in *m, const char *p, size_t n, bool eol)
{
	unsigned char out[DECODE_CHUNK];
	size_t o = 0, i;

	m->soft_break = false;
	i = qp_pending(m, p, n, eol, out, &o);
	for (; i < n; i++) {
		if (o + 4 >= sizeof out) {
			sink(m, out, o);
			o = 0;
		}
		if (p[i] != '=') {
			out[o++] = (unsigned char)p[i];
		} else if (i + 2 < n) {
			int b = qp_byte(p + i);
			out[o++] = b >= 0 ? (unsigned char)b : '=';
			i += b >= 0 ? 2 : 0;
		} else if (!eol) {
			memcpy(m->pend, p + i, n - i); /* finish in the next piece */
			m->npend = n - i;
			break;
		} else if (i + 1 == n) {
			m->soft_break = true;
		} else {
			out[o++] = '=';
		}
	}
	sink(m, out, o);
}

/* ---- the structure: parts, boundaries (RFC 2046 5.1) ---- */

/* Fresh headers for the next entity (RFC 2045 5.2: text/plain default). */
static void part_reset(struct mime_in *m)
{
	memset(&m->part, 0, sizeof m->part);
	m->state = MIME_HEADERS;
	m->role = ROLE_SKIP;
	m->hlen = 0;
}

/* The headers are read: decide what the body is for. */
static void begin_body(struct mime_in *m)
{
	struct mime_part *pt = &m->part;
	bool text = strncmp(pt->type, "text/", 5) == 0 || pt->type[0] == '\0';

	if (pt->type[0] == '\0')
		str_copy(pt->type, "text/plain", sizeof pt->type);
	if (m->top)
		fputc('\n', m->out);
	m->state = MIME_BODY;
	m->part_size = 0;
	m->npend = 0;
	m->soft_break = false;
	if (strncmp(pt->type, "multipart/", 10) == 0 && pt->boundary[0] &&
	    m->depth < MIME_DEPTH_MAX) {
		str_copy(m->bounds[m->depth++], pt->boundary, sizeof m->bounds[0]);
		m->role = ROLE_SKIP; /* the preamble */
	} else if (text && !m->text_shown && !pt->attachment &&
	           (m->top || strcmp(pt->type, "text/plain") == 0)) {
		m->role = ROLE_TEXT;
		m->text_shown = true;
		if (!charset_known(pt->charset))
			fprintf(m->out, _("[charset %s shown as is]\n"), pt->charset);
	} else {
		m->role = ROLE_ATTACH;
	}
	m->top = false;
}

/* A part ends (boundary or end of message): list it if it is one. */
static void end_part(struct mime_in *m)
{
	struct mime_attach *a;

	if (m->state == MIME_HEADERS && m->hlen > 0)
		header_field(m);
	if (m->state == MIME_HEADERS)
		begin_body(m); /* headers cut short: an empty part */
	if (m->role == ROLE_TEXT && m->nhold > 0) { /* cut short: not UTF-8 */
		char text[sizeof m->hold * 2 + 4];
		fwrite(text, 1, charset_to_utf8("utf-8", m->hold, m->nhold, text,
		                             sizeof text), m->out);
		m->nhold = 0;
	}
	if (m->role == ROLE_ATTACH && m->nattach < MIME_ATTACH_MAX) {
		a = &m->attach[m->nattach++];
		str_copy(a->name, m->part.name, sizeof a->name);
		str_copy(a->type, m->part.type, sizeof a->type);
		a->size = m->part_size;
	} else if (m->role == ROLE_ATTACH) {
		m->more_attach++;
	}
	m->role = ROLE_SKIP;
}

/* "--boundary" or "--boundary--" of a multipart in force?  Returns its
 * level + 1 (negated for the closing one), or 0 for an ordinary line. */
static int boundary_level(const struct mime_in *m, const char *p, size_t n)
{
	if (n < 3 || p[0] != '-' || p[1] != '-')
		return 0;
	for (int i = m->depth - 1; i >= 0; i--) {
		size_t bl = strlen(m->bounds[i]), k;
		if (n < 2 + bl || memcmp(p + 2, m->bounds[i], bl) != 0)
			continue;
		k = 2 + bl;
		bool closing = n >= k + 2 && p[k] == '-' && p[k + 1] == '-';
		k += closing ? 2 : 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++; /* RFC 2046 5.1.1: transport padding */
		if (k == n)
			return closing ? -(i + 1) : i + 1;
	}
	return 0;
}

/* A body line, or a piece of one: decode it by the part's encoding. */
static void body_piece(struct mime_in *m, const char *p, size_t n, bool eol)
{
	if (m->role == ROLE_SKIP)
		return;
	if (m->part.enc == MIME_BASE64) {
		body_base64(m, p, n);
	} else if (m->part.enc == MIME_QP) {
		body_qp(m, p, n, eol);
		if (eol && !m->soft_break)
			sink(m, (const unsigned char *)"\n", 1);
	} else {
		sink(m, (const unsigned char *)p, n);
		if (eol)
			sink(m, (const unsigned char *)"\n", 1);
	}
}

/* A header line, or a piece of one. */
static void header_piece(struct mime_in *m, const char *p, size_t n, bool eol)
{
	if (m->at_bol && n == 0 && eol) { /* the empty line: body next */
		if (m->hlen > 0)
			header_field(m);
		begin_body(m);
		return;
	}
	if (m->at_bol && n > 0 && p[0] != ' ' && p[0] != '\t' && m->hlen > 0)
		header_field(m); /* a new field starts: the last one is whole */
	header_append(m, p, n);
}

void mime_in_init(struct mime_in *m, FILE *out)
{
	memset(m, 0, sizeof *m); /* all of it: From/Subject/Date too */
	m->out = out;
	m->top = true;
	m->at_bol = true;
	part_reset(m);
}

void mime_in_line(struct mime_in *m, const char *p, size_t n, bool eol)
{
	int level = m->at_bol && eol && m->depth > 0 ? boundary_level(m, p, n)
	                                            : 0;

	if (level != 0) {
		end_part(m);
		if (level > 0) { /* the next part of that multipart */
			m->depth = level;
			part_reset(m);
		} else { /* its end: what follows is the epilogue */
			m->depth = -level - 1;
			m->state = MIME_BODY;
		}
	} else if (m->state == MIME_HEADERS) {
		header_piece(m, p, n, eol);
	} else {
		body_piece(m, p, n, eol);
	}
	m->at_bol = eol;
}

void mime_in_finish(struct mime_in *m)
{
	end_part(m);
	if (!m->text_shown)
		fprintf(m->out, _("(no text part)\n"));
	if (m->nattach == 0)
		return;
	fprintf(m->out, _("\nAttachments:\n"));
	for (size_t i = 0; i < m->nattach; i++)
		fprintf(m->out, _("  %s (%s, %llu bytes)\n"),
		        m->attach[i].name[0] ? m->attach[i].name : "(no name)",
		        m->attach[i].type, m->attach[i].size);
	if (m->more_attach)
		fprintf(m->out, _("  and %llu more\n"), m->more_attach);
}
