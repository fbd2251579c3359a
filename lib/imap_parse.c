/* imap_parse: command reader and tokenizer.  See imap_parse.h. */
#include "imap_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make room for n more octets (and a NUL).  false when out of memory. */
static bool grow(struct imap_cmd *cmd, size_t n)
{
	size_t cap = cmd->cap ? cmd->cap : IMAP_LINE_MAX + 2;

	while (cap < cmd->len + n + 1)
		cap *= 2;
	if (cap != cmd->cap) {
		char *p = realloc(cmd->buf, cap);
		if (p == NULL)
			return false;
		cmd->buf = p;
		cmd->cap = cap;
	}
	return true;
}

void imap_cmd_free(struct imap_cmd *cmd)
{
	free(cmd->buf);
	memset(cmd, 0, sizeof *cmd);
}

/* The "{n}" or "{n+}" at the end of a line (RFC 3501 4.3, RFC 7888). */
static bool literal_at_end(const char *p, size_t n, unsigned long long *size,
                           bool *sync)
{
	size_t i;
	unsigned long long v = 0;

	if (n < 3 || p[n - 1] != '}')
		return false;
	i = n - 2;
	*sync = p[i] != '+';
	if (!*sync)
		i--;
	size_t digits_end = i + 1;
	while (i > 0 && p[i] >= '0' && p[i] <= '9')
		i--;
	if (p[i] != '{' || i + 1 == digits_end || digits_end - i - 1 > 18)
		return false;
	for (size_t k = i + 1; k < digits_end; k++)
		v = v * 10 + (unsigned long long)(p[k] - '0');
	*size = v;
	return true;
}

/* The line reader without its own trace: commands are traced whole,
 * as their lines crossed the wire (see trace_to). */
static enum conn_status quiet_read(struct conn *c, char *buf, size_t cap,
                                   size_t *len)
{
	bool trace = c->trace;
	enum conn_status st;

	c->trace = false;
	st = conn_read_line(c, buf, cap, len);
	c->trace = trace;
	return st;
}

/* Read exactly n octets into the buffer (keep) or nowhere. */
static enum conn_status read_octets(struct conn *c, struct imap_cmd *cmd,
                                    unsigned long long n, bool keep)
{
	char sink[CONN_BUF];

	while (n > 0) {
		size_t want = n < sizeof sink ? (size_t)n : sizeof sink, got;
		char *to = keep ? cmd->buf + cmd->len : sink;
		enum conn_status st = quiet_read(c, to, want, &got);
		if (st != CONN_LINE && st != CONN_PART)
			return st;
		if (keep)
			cmd->len += got;
		n -= got;
	}
	return CONN_LINE;
}

/* Drain the rest of an overlong line, untraced. */
static enum conn_status drain_line(struct conn *c)
{
	char sink[CONN_BUF];
	enum conn_status st;
	size_t got;

	do
		st = quiet_read(c, sink, sizeof sink, &got);
	while (st == CONN_PART);
	return st;
}

/* One line of the command into the buffer, its ending stripped. */
static enum imap_read read_piece(struct conn *c, struct imap_cmd *cmd,
                                 size_t *start, enum conn_status *st)
{
	size_t room = IMAP_LINE_MAX + 2 - cmd->text, got;

	if (!grow(cmd, room))
		return IMAP_READ_NOMEM;
	*start = cmd->len;
	*st = quiet_read(c, cmd->buf + cmd->len, room, &got);
	cmd->len += got;
	if (*st == CONN_PART) {
		*st = drain_line(c);
		return *st == CONN_LINE ? IMAP_READ_TOOLONG : IMAP_READ_CONN;
	}
	if (*st != CONN_LINE)
		return IMAP_READ_CONN;
	cmd->len--; /* LF */
	if (cmd->len > *start && cmd->buf[cmd->len - 1] == '\r')
		cmd->len--;
	cmd->text += cmd->len - *start;
	if (cmd->text > IMAP_LINE_MAX)
		return IMAP_READ_TOOLONG;
	return IMAP_READ_OK;
}

/* Trace buf[from, to) as the wire lines it holds (split at CRLF). */
static void trace_span(const struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		const char *crlf = NULL;
		for (size_t i = 0; i + 1 < n && !crlf; i++)
			if (p[i] == '\r' && p[i + 1] == '\n')
				crlf = p + i;
		size_t k = crlf ? (size_t)(crlf - p) : n;
		conn_trace(c, c->in_tag, p, k);
		p += crlf ? k + 2 : k;
		n -= crlf ? k + 2 : k;
	}
}

/* The command's lines for -v, as they crossed the wire; a long literal
 * as one line saying how long it was. */
static void trace_to(struct conn *c, struct imap_cmd *cmd, size_t *traced)
{
	if (c->trace)
		trace_span(c, cmd->buf + *traced, cmd->len - *traced);
	*traced = cmd->len;
}

static enum imap_read read_command(struct conn *c, struct imap_out *out,
                                   struct imap_cmd *cmd,
                                   unsigned long long lit_max,
                                   enum conn_status *st)
{
	unsigned long long size;
	bool sync;
	size_t start, traced = 0;
	enum imap_read r;

	for (;;) {
		r = read_piece(c, cmd, &start, st);
		cmd->buf[cmd->len] = '\0';
		if (r != IMAP_READ_OK) {
			if (r == IMAP_READ_TOOLONG) /* its start only: a flood is not traced */
				conn_trace(c, c->in_tag, cmd->buf, cmd->len < 80 ? cmd->len : 80);
			return r;
		}
		trace_to(c, cmd, &traced);
		if (!literal_at_end(cmd->buf + start, cmd->len - start, &size, &sync))
			return IMAP_READ_OK;
		if (size > lit_max) {
			/* A refused synchronizing literal is never sent: the
			 * client goes on with the next command (RFC 3501 7.5). */
			*st = sync ? CONN_LINE : read_octets(c, cmd, size, false);
			return *st == CONN_LINE ? IMAP_READ_LITBIG : IMAP_READ_CONN;
		}
		if (!grow(cmd, (size_t)size + 2))
			return IMAP_READ_NOMEM;
		memcpy(cmd->buf + cmd->len, "\r\n", 2);
		cmd->len += 2;
		cmd->text += 2;
		traced = cmd->len;
		if (sync) {
			iout_puts(out, "+ Ready for literal data");
			iout_end(out);
		}
		if ((*st = read_octets(c, cmd, size, true)) != CONN_LINE)
			return IMAP_READ_CONN;
		if (c->trace && size > IMAP_TRACE_LITERAL_MAX) {
			char note[64];
			int n = snprintf(note, sizeof note, "[%llu octets of literal data]", size);
			conn_trace(c, c->in_tag, note, (size_t)n);
			traced = cmd->len;
		}
	}
}

enum imap_read imap_read_command(struct conn *c, struct imap_out *out,
                                 struct imap_cmd *cmd,
                                 unsigned long long lit_max,
                                 enum conn_status *st)
{
	cmd->len = cmd->text = 0;
	return read_command(c, out, cmd, lit_max, st);
}

/* ---- the tokenizer ---- */

void ip_init(struct imap_p *ip, const char *buf, size_t len)
{
	ip->p = buf;
	ip->end = buf + len;
}

bool ip_eol(const struct imap_p *ip)
{
	return ip->p == ip->end;
}

bool ip_char(struct imap_p *ip, char ch)
{
	if (ip->p == ip->end || *ip->p != ch)
		return false;
	ip->p++;
	return true;
}

bool ip_sp(struct imap_p *ip)
{
	return ip_char(ip, ' ');
}

/* RFC 3501 9: ATOM-CHAR is any CHAR but atom-specials. */
static bool atom_char(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && !strchr("(){%*\"\\]", ch);
}

/* A run of chars that pass ok(), at least one. */
static bool run(struct imap_p *ip, struct imap_str *s, bool (*ok)(unsigned char))
{
	s->p = ip->p;
	s->quoted = false;
	while (ip->p < ip->end && ok((unsigned char)*ip->p))
		ip->p++;
	s->n = (size_t)(ip->p - s->p);
	return s->n > 0;
}

static bool tag_char(unsigned char ch)
{
	return ch == ']' || (atom_char(ch) && ch != '+');
}

static bool astring_char(unsigned char ch)
{
	return ch == ']' || atom_char(ch);
}

bool ip_tag(struct imap_p *ip, struct imap_str *s)
{
	return run(ip, s, tag_char);
}

bool ip_atom(struct imap_p *ip, struct imap_str *s)
{
	return run(ip, s, atom_char);
}

/* "{n}" CRLF octets, or "{n+}" CRLF octets (RFC 7888). */
static bool literal(struct imap_p *ip, struct imap_str *s)
{
	unsigned long long n = 0;
	const char *p = ip->p + 1;

	while (p < ip->end && *p >= '0' && *p <= '9' && n < (1ULL << 40))
		n = n * 10 + (unsigned long long)(*p++ - '0');
	if (p == ip->p + 1 || p == ip->end)
		return false;
	if (*p == '+')
		p++;
	if (ip->end - p < 3 || memcmp(p, "}\r\n", 3) != 0 ||
	    (unsigned long long)(ip->end - p - 3) < n)
		return false;
	s->p = p + 3;
	s->n = (size_t)n;
	s->quoted = false;
	ip->p = s->p + n;
	return true;
}

/* RFC 3501 9: quoted = DQUOTE *QUOTED-CHAR DQUOTE, \ escapes " and \. */
static bool quoted(struct imap_p *ip, struct imap_str *s)
{
	const char *p = ip->p + 1;

	s->p = p;
	s->quoted = true;
	for (; p < ip->end && *p != '"'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\0')
			return false;
		if (*p == '\\' && (++p == ip->end || (*p != '"' && *p != '\\')))
			return false;
	}
	if (p == ip->end)
		return false;
	s->n = (size_t)(p - s->p);
	ip->p = p + 1;
	return true;
}

bool ip_string(struct imap_p *ip, struct imap_str *s)
{
	if (ip->p == ip->end)
		return false;
	if (*ip->p == '"')
		return quoted(ip, s);
	if (*ip->p == '{')
		return literal(ip, s);
	return false;
}

bool ip_astring(struct imap_p *ip, struct imap_str *s)
{
	if (ip->p < ip->end && (*ip->p == '"' || *ip->p == '{'))
		return ip_string(ip, s);
	return run(ip, s, astring_char);
}

bool ip_nil(struct imap_p *ip)
{
	struct imap_p save = *ip;
	struct imap_str s;

	if (ip_atom(ip, &s) && is_word(&s, "NIL"))
		return true;
	*ip = save;
	return false;
}

bool ip_number(struct imap_p *ip, uint32_t *n)
{
	unsigned long long v = 0;
	const char *start = ip->p;

	while (ip->p < ip->end && *ip->p >= '0' && *ip->p <= '9') {
		v = v * 10 + (unsigned long long)(*ip->p++ - '0');
		if (v > UINT32_MAX - 1ULL)
			return false;
	}
	*n = (uint32_t)v;
	return ip->p > start;
}

bool is_word(const struct imap_str *s, const char *word)
{
	return !s->quoted && strlen(word) == s->n &&
	       str_ncase_eq(s->p, word, s->n);
}

bool imap_str_copy(const struct imap_str *s, char *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->quoted && s->p[i] == '\\')
			i++;
		if (s->p[i] == '\0' || k + 1 >= cap)
			return false;
		out[k++] = s->p[i];
	}
	out[k] = '\0';
	return true;
}

bool ip_list_mailbox(struct imap_p *ip, char *out, size_t cap)
{
	const char *start = ip->p;
	struct imap_str m;
	size_t n = 0;

	if (ip_astring(ip, &m) && (ip_eol(ip) || *ip->p == ' '))
		return imap_str_copy(&m, out, cap);
	ip->p = start; /* list-char: ATOM-CHAR, list-wildcards, resp-specials */
	while (ip->p < ip->end && n + 1 < cap &&
	       ((unsigned char)*ip->p > 0x20 && (unsigned char)*ip->p < 0x7f) &&
	       !strchr("(){\"\\", *ip->p))
		out[n++] = *ip->p++;
	out[n] = '\0';
	return n > 0;
}

/* ASCII letters in either case; nothing else is folded ('[' is not '{'). */
static bool same_letter(char a, char b)
{
	if (a >= 'a' && a <= 'z')
		a = (char)(a - 32);
	if (b >= 'a' && b <= 'z')
		b = (char)(b - 32);
	return a == b;
}

/*
 * RFC 3501 6.3.8: "*" matches anything, "%" anything but the hierarchy
 * delimiter "/".  Matched position by position (can[j]: the pattern so
 * far matches the first j octets of name), so the time is the product
 * of the two lengths: the obvious recursion takes exponential time on
 * a client's "%%%%...%x".  Longer names than IMAP_LIST_NAME_MAX never
 * match.
 */
bool imap_list_match(const char *pat, const char *name)
{
	bool can[IMAP_LIST_NAME_MAX + 1];
	size_t n = strlen(name);

	if (n > IMAP_LIST_NAME_MAX)
		return false;
	can[0] = true;
	for (size_t j = 1; j <= n; j++)
		can[j] = false;
	for (; *pat != '\0'; pat++) {
		if (*pat == '*' || *pat == '%') {
			for (size_t j = 1; j <= n; j++)
				can[j] = can[j] || (can[j - 1] &&
				         (*pat == '*' || name[j - 1] != '/'));
			continue;
		}
		for (size_t j = n; j >= 1; j--)
			can[j] = can[j - 1] && same_letter(*pat, name[j - 1]);
		can[0] = false;
	}
	return can[n];
}

/* seq-number = nz-number / "*" */
static bool seq_number(struct imap_p *ip, uint32_t *n)
{
	if (ip_char(ip, '*')) {
		*n = IMAP_STAR;
		return true;
	}
	return ip_number(ip, n) && *n > 0;
}

bool ip_seqset(struct imap_p *ip, struct imap_seq *set)
{
	set->n = 0;
	do {
		uint32_t a, b;
		if (set->n == IMAP_SEQ_MAX || !seq_number(ip, &a))
			return false;
		b = a;
		if (ip_char(ip, ':') && !seq_number(ip, &b))
			return false;
		set->lo[set->n] = a < b ? a : b;
		set->hi[set->n++] = a < b ? b : a;
	} while (ip_char(ip, ','));
	return true;
}

bool imap_seq_has(const struct imap_seq *set, uint32_t x, uint32_t star)
{
	for (size_t i = 0; i < set->n; i++) {
		uint32_t lo = set->lo[i] == IMAP_STAR ? star : set->lo[i];
		uint32_t hi = set->hi[i] == IMAP_STAR ? star : set->hi[i];
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		if (x >= lo && x <= hi)
			return true;
	}
	return false;
}

bool ip_id_params(struct imap_p *ip)
{
	struct imap_str k, v;
	bool ok = ip_nil(ip);

	if (!ok && ip_char(ip, '(')) {
		do
			ok = ip_string(ip, &k) && ip_sp(ip) &&
			     (ip_nil(ip) || ip_string(ip, &v));
		while (ok && ip_sp(ip));
		ok = ok && ip_char(ip, ')');
	}
	return ok && ip_eol(ip);
}
