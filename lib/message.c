/* message: RFC 5322 dates, Message-IDs, MIME encoders.  See message.h. */
#include "message.h"
#include "dot.h"
#include "base64.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

void msg_date(char *buf, size_t cap, time_t when)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
		                            "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		                              "May", "Jun", "Jul", "Aug",
		                              "Sep", "Oct", "Nov", "Dec" };
	struct tm local, utc;
	long off;

	localtime_r(&when, &local);
	gmtime_r(&when, &utc);
	/* The offset from the two broken-down times: portable, no tm_gmtoff. */
	off = (local.tm_hour - utc.tm_hour) * 60 + (local.tm_min - utc.tm_min);
	if (local.tm_yday != utc.tm_yday)
		off += (local.tm_year > utc.tm_year ||
		        (local.tm_year == utc.tm_year &&
		         local.tm_yday > utc.tm_yday))
		           ? 24 * 60
		           : -24 * 60;
	snprintf(buf, cap, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	         days[local.tm_wday], local.tm_mday, months[local.tm_mon],
	         local.tm_year + 1900, local.tm_hour, local.tm_min,
	         local.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	         (off < 0 ? -off : off) % 60);
}

void msg_id(char *buf, size_t cap, const char *host)
{
	static unsigned long counter;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	snprintf(buf, cap, "<%lld.%06ld.%ld.%lu@%s>", (long long)tv.tv_sec,
	         (long)tv.tv_usec, (long)getpid(), ++counter, host);
}

/* ---- a growing buffer ---- */

void msg_buf_put(struct msg_buf *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = cap <= MSG_BUF_MAX ? realloc(b->p, cap) : NULL;
		if (p == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0'; /* always a C string too */
}

void msg_buf_puts(struct msg_buf *b, const char *s)
{
	msg_buf_put(b, s, strlen(s));
}

void msg_buf_free(struct msg_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

bool msg_is_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] > 127)
			return false;
	return true;
}

/* ---- headers: folding and RFC 2047 encoded words ---- */

/* Octets in the UTF-8 character that starts with c (1 if malformed). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xF0 && c < 0xF8)
		return 4;
	if (c >= 0xE0)
		return c < 0xF0 ? 3 : 1;
	return c >= 0xC0 ? 2 : 1;
}

/* RFC 2047 4.2: what one octet costs in a Q word ("_" for a space). */
static size_t q_len(unsigned char c)
{
	if (c == ' ' || (c > 32 && c < 127 && c != '=' && c != '?' && c != '_'))
		return 1;
	return 3;
}

/* Characters of the encoded word for n octets, "=?UTF-8?X?" and "?=" in. */
static size_t word_len(const char *p, size_t n, bool use_b)
{
	size_t k = 12;

	if (use_b)
		return k + BASE64_ENCODED_LEN(n);
	for (size_t i = 0; i < n; i++)
		k += q_len((unsigned char)p[i]);
	return k;
}

static void put_word(struct msg_buf *b, const char *p, size_t n, bool use_b)
{
	char out[MSG_WORD_MAX + 1];
	size_t k = 0;

	msg_buf_puts(b, use_b ? "=?UTF-8?B?" : "=?UTF-8?Q?");
	if (use_b) {
		k = base64_encode(p, n, out);
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if (q_len(c) == 1)
				out[k++] = c == ' ' ? '_' : (char)c;
			else
				k += (size_t)snprintf(out + k, 4, "=%02X", c);
		}
	}
	msg_buf_put(b, out, k);
	msg_buf_puts(b, "?=");
}

/* RFC 2047 5 (1): the value as encoded words, one per folded line,
 * each holding whole UTF-8 characters (RFC 2047 5 last paragraph). */
static void put_encoded(struct msg_buf *b, const char *v, size_t col)
{
	size_t n = strlen(v), i = 0;
	bool use_b = word_len(v, n, true) < word_len(v, n, false);

	while (i < n) {
		size_t room = MSG_QP_LINE - col, take = 0;
		if (room > MSG_WORD_MAX)
			room = MSG_WORD_MAX;
		while (i + take < n) {
			size_t ch = utf8_len((unsigned char)v[i + take]);
			if (i + take + ch > n)
				ch = n - i - take;
			if (take > 0 && word_len(v + i, take + ch, use_b) > room)
				break;
			take += ch;
		}
		put_word(b, v + i, take, use_b);
		i += take;
		if (i < n)
			msg_buf_puts(b, "\r\n ");
		col = 1;
	}
}

/* RFC 5322 2.2.3: fold an ASCII value at its spaces before column 78. */
static void put_folded(struct msg_buf *b, const char *v, size_t col)
{
	bool line_used = false;

	for (;;) {
		size_t tok = strcspn(v, " ");
		if (line_used && col + 1 + tok > MSG_FOLD_AT) {
			msg_buf_puts(b, "\r\n");
			col = 0;
		}
		msg_buf_puts(b, " ");
		msg_buf_put(b, v, tok);
		col += 1 + tok;
		line_used = true;
		if (v[tok] == '\0')
			break;
		v += tok + 1;
	}
}

int msg_header(struct msg_buf *b, const char *name, const char *value)
{
	size_t col = strlen(name) + 1;

	if (value[strcspn(value, "\r\n")] != '\0')
		return -1;
	msg_buf_puts(b, name);
	msg_buf_puts(b, ":");
	if (msg_is_ascii(value, strlen(value))) {
		put_folded(b, value, col);
	} else {
		/* A long name leaves no room: start the words on a new line. */
		if (col + 1 + 24 > MSG_QP_LINE) {
			msg_buf_puts(b, "\r\n");
			col = 0;
		}
		msg_buf_puts(b, " ");
		put_encoded(b, value, col + 1);
	}
	msg_buf_puts(b, "\r\n");
	return 0;
}

/* RFC 5322 3.2.3: may the name go out as it is (atoms and spaces)? */
static bool plain_phrase(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr(" !#$%&'*+-/=?^_`{|}~", *p)))
			return false;
	return name[0] != ' ' && name[strlen(name) - 1] != ' ' &&
	       !strstr(name, "  ");
}

/* A non-ASCII display name: B words of whole UTF-8 characters, each at
 * most MSG_WORD_MAX, one space apart (RFC 2047 5 (3), 6.2: the space
 * between two words is not part of the name). */
static void put_phrase_words(struct msg_buf *b, const char *name)
{
	size_t n = strlen(name), i = 0;

	while (i < n) {
		size_t take = 0;
		while (i + take < n) {
			size_t ch = utf8_len((unsigned char)name[i + take]);
			if (i + take + ch > n)
				ch = n - i - take;
			if (take > 0 && word_len(name + i, take + ch, true) >
			                    MSG_WORD_MAX)
				break;
			take += ch;
		}
		if (i > 0)
			msg_buf_puts(b, " ");
		put_word(b, name + i, take, true);
		i += take;
	}
}

int msg_mailbox(struct msg_buf *b, const char *name, const char *addr)
{
	if (name[strcspn(name, "\r\n")] != '\0')
		return -1;
	if (name[0] == '\0') {
		msg_buf_puts(b, addr);
		return 0;
	}
	if (!msg_is_ascii(name, strlen(name))) {
		put_phrase_words(b, name);
	} else if (plain_phrase(name)) {
		msg_buf_puts(b, name);
	} else { /* RFC 5322 3.2.4: a quoted-string, " and \ escaped */
		msg_buf_puts(b, "\"");
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				msg_buf_puts(b, "\\");
			msg_buf_put(b, p, 1);
		}
		msg_buf_puts(b, "\"");
	}
	msg_buf_puts(b, " <");
	msg_buf_puts(b, addr);
	msg_buf_puts(b, ">");
	return 0;
}

int msg_address_header(struct msg_buf *b, const char *name, const char *value)
{
	if (value[strcspn(value, "\r\n")] != '\0')
		return -1;
	msg_buf_puts(b, name);
	msg_buf_puts(b, ":");
	put_folded(b, value, strlen(name) + 1);
	msg_buf_puts(b, "\r\n");
	return 0;
}

/* ---- quoted-printable (RFC 2045 6.7) ---- */

/* Does a line break (LF or CRLF) or the end follow position i? */
static bool qp_at_eol(const char *in, size_t n, size_t i)
{
	return i + 1 == n || in[i + 1] == '\n' ||
	       (in[i + 1] == '\r' && i + 2 < n && in[i + 2] == '\n');
}

void msg_qp_encode(struct msg_buf *b, const char *in, size_t n)
{
	size_t col = 0;
	char hex[4];

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue; /* the CR of a CRLF: the LF writes the break */
		if (c == '\n') {
			msg_buf_puts(b, "\r\n"); /* rule (4): a hard break */
			col = 0;
			continue;
		}
		bool eol = qp_at_eol(in, n, i);
		bool enc = c == '=' || (c < 32 && c != '\t') || c > 126 ||
		           ((c == ' ' || c == '\t') && eol); /* rule (3) */
		size_t len = enc ? 3 : 1;
		/* Rule (5): a soft break "=" keeps lines at 76 characters. */
		if (col + len > MSG_QP_LINE - 1 && !(eol && col + len <= MSG_QP_LINE)) {
			msg_buf_puts(b, "=\r\n");
			col = 0;
		}
		snprintf(hex, sizeof hex, "=%02X", c);
		msg_buf_put(b, enc ? hex : (const char *)&in[i], len);
		col += len;
	}
	if (n == 0 || in[n - 1] != '\n')
		msg_buf_puts(b, "\r\n");
}

/* ---- SMTP transparency: CRLF and dot-stuffing (RFC 5321 4.5.2) ---- */

/* Both are lib/dot's codec, in its SMTP reading of a lone CR. */
size_t msg_stuff(struct msg_stuffer *s, const char *in, size_t n, char *out)
{
	struct dot_stuffer d = { s->bol, s->cr, DOT_CR_EOL };
	size_t o = dot_stuff(&d, in, n, out);

	s->bol = d.bol;
	s->cr = d.cr;
	return o;
}

size_t msg_stuff_end(struct msg_stuffer *s, char *out)
{
	struct dot_stuffer d = { s->bol, s->cr, DOT_CR_EOL };
	size_t o = dot_stuff_end(&d, out);

	s->bol = d.bol;
	s->cr = d.cr;
	return o;
}

/* ---- attachments: types, file names, boundaries ---- */

const char *msg_mime_type(const char *filename)
{
	static const struct { const char *ext, *type; } types[] = {
		{ "txt", "text/plain" },      { "html", "text/html" },
		{ "htm", "text/html" },       { "csv", "text/csv" },
		{ "pdf", "application/pdf" }, { "json", "application/json" },
		{ "zip", "application/zip" }, { "png", "image/png" },
		{ "jpg", "image/jpeg" },      { "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
	};
	const char *dot = strrchr(filename, '.');

	if (dot == NULL || strchr(dot, '/'))
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i].ext) == strlen(dot + 1) &&
		    str_ncase_eq(dot + 1, types[i].ext, strlen(types[i].ext)))
			return types[i].type;
	return "application/octet-stream";
}

/* RFC 2231 7 attribute-char: what may stand unencoded in a value. */
static bool attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

#define MSG_PARAM_PIECE 56 /* encoded octets per continuation line */

/* Can name go in a quoted-string as it is?  Printable ASCII but '"'
 * and '\\' (RFC 5322 3.2.4 qtext); a control byte never reaches a
 * header raw. */
static bool quotable(const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			return false;
	}
	return true;
}

void msg_filename_param(struct msg_buf *b, const char *name)
{
	size_t n = strlen(name), piece = 0, used = 0;
	char seg[32];

	if (n <= MSG_PARAM_PIECE && quotable(name, n)) {
		msg_buf_puts(b, ";\r\n filename=\"");
		msg_buf_puts(b, name);
		msg_buf_puts(b, "\"");
		return;
	}
	/* RFC 2231 3 and 4: filename*0*=utf-8''..., filename*1*=... */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (used == 0 || used >= MSG_PARAM_PIECE) {
			snprintf(seg, sizeof seg, ";\r\n filename*%zu*=%s", piece,
			         piece == 0 ? "utf-8''" : "");
			msg_buf_puts(b, seg);
			piece++;
			used = 1;
		}
		if (attr_char(c)) {
			msg_buf_put(b, &name[i], 1);
			used++;
		} else {
			snprintf(seg, sizeof seg, "%%%02X", c);
			msg_buf_puts(b, seg);
			used += 3;
		}
	}
}

void msg_boundary(char *buf, size_t cap)
{
	static unsigned long counter;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	snprintf(buf, cap < MSG_BOUNDARY_MAX + 1 ? cap : MSG_BOUNDARY_MAX + 1,
	         "=_mailab_%lld_%06ld_%ld_%lu", (long long)tv.tv_sec,
	         (long)tv.tv_usec, (long)getpid(), ++counter);
}
