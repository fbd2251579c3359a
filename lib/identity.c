/* identity: SMTP paths, mailbox names and their mapping.  See identity.h. */
#include "identity.h"

#include <arpa/inet.h>
#include <string.h>

#define ID_LABEL_MAX 63 /* RFC 1035 2.3.4: a label is 63 octets at most */

bool addr_has_utf8(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 127)
			return true;
	return false;
}

/* The length (2-4) of the valid UTF-8 sequence at p, or 0 (RFC 3629 4:
 * no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;

	if (n == 0 || c > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* RFC 5322 3.2.3 atext, as RFC 5321 4.1.2 uses it. */
static bool is_atext(int c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* One UTF-8 character at *p when allowed: advance and true. */
static bool take_utf8(const char **p)
{
	size_t n = utf8_len((const unsigned char *)*p);

	*p += n;
	return n > 0;
}

static bool is_ldh(int c)
{
	return is_alnum(c) || c == '-';
}

/* One character of the class ok, or (RFC 6531) a UTF-8 one: advance. */
static bool take(const char **p, bool (*ok)(int))
{
	unsigned char c = (unsigned char)**p;

	if (c < 0x80 && c && ok(c)) {
		(*p)++;
		return true;
	}
	return c >= 0x80 && take_utf8(p);
}

/* Dot-string = Atom *("." Atom); Atom = 1*atext (RFC 6531: or UTF-8). */
static bool dot_string(const char **p)
{
	const char *s = *p;

	for (;;) {
		const char *atom = s;
		while (take(&s, is_atext))
			;
		if (s == atom)
			return false;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return true;
}

/* Quoted-string: qtextSMTP %d32-33 / %d35-91 / %d93-126 (or UTF-8), and
 * quoted-pairSMTP %d92 %d32-126. */
static bool quoted_string(const char **p)
{
	const char *s = *p + 1;

	for (;;) {
		unsigned char c = (unsigned char)*s;
		if (c == '"')
			break;
		if (c == '\\' && s[1] >= 32 && s[1] <= 126)
			s += 2;
		else if (c >= 32 && c <= 126 && c != '\\')
			s++;
		else if (!(c >= 0x80 && take_utf8(&s)))
			return false;
	}
	*p = s + 1;
	return true;
}

/* Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]
 * (RFC 5321 4.1.2; RFC 6531 3.3: or a U-label). */
static bool domain(const char **p)
{
	const char *s = *p;

	for (;;) {
		const char *label = s;
		while (take(&s, is_ldh))
			;
		if (s == label || *label == '-' || s[-1] == '-' ||
		    s - label > ID_LABEL_MAX)
			return false;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return true;
}

/* address-literal: "[" IPv4 / "IPv6:" IPv6 / tag ":" dcontent "]". */
static bool address_literal(const char **p)
{
	const char *s = *p + 1, *end = strchr(s, ']');
	char text[64];
	unsigned char bin[16];
	size_t n;

	if (end == NULL || (n = (size_t)(end - s)) == 0 || n >= sizeof text)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	*p = end + 1;
	if (strncmp(text, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, text + 5, bin) == 1;
	if (strchr(text, ':') == NULL) /* strictly four decimal octets */
		return strspn(text, "0123456789.") == n &&
		       inet_pton(AF_INET, text, bin) == 1;
	for (s = text; is_alnum((unsigned char)*s) || *s == '-'; s++)
		; /* General-address-literal: Standardized-tag ":" dcontent */
	if (s == text || *s != ':' || s[1] == '\0')
		return false;
	for (s++; *s; s++)
		if (*s < 33 || *s > 126 || *s == '[' || *s == '\\' || *s == ']')
			return false;
	return true;
}

/* A-d-l = At-domain *( "," At-domain ) ":"  — accepted, then ignored. */
static bool source_route(const char **p)
{
	const char *s = *p;

	do {
		s++; /* the '@' */
		if (!domain(&s))
			return false;
	} while (*s == ',' && *++s == '@');
	if (*s != ':')
		return false;
	*p = s + 1;
	return true;
}

/* Mailbox = Local-part "@" ( Domain / address-literal ), or Postmaster. */
static enum addr_error mailbox(const char **p)
{
	const char *s = *p, *local = s;

	if (!(*s == '"' ? quoted_string(&s) : dot_string(&s)))
		return ADDR_SYNTAX;
	if ((size_t)(s - local) > ADDR_LOCAL_MAX)
		return ADDR_TOO_LONG;
	if (*s != '@') { /* RFC 5321 4.5.1: <Postmaster> needs no domain */
		if (s - local != 10 || strncmp(local, "Postmaster", 10) != 0)
			if (s - local != 10 || strncmp(local, "postmaster", 10) != 0)
				return ADDR_SYNTAX;
		*p = s;
		return ADDR_OK;
	}
	local = ++s;
	if (!(*s == '[' ? address_literal(&s) : domain(&s)))
		return ADDR_SYNTAX;
	if ((size_t)(s - local) > ADDR_DOMAIN_MAX)
		return ADDR_TOO_LONG;
	*p = s;
	return ADDR_OK;
}

enum addr_error addr_parse_path(const char *s, char *addr, const char **rest,
                                bool utf8)
{
	const char *start, *end;
	bool bracket;
	enum addr_error e = ADDR_OK;
	size_t n;

	while (*s == ' ')
		s++; /* "MAIL FROM: <a@b>" as people type it */
	bracket = *s == '<';
	start = end = s + bracket;
	if (bracket && *start == '@' && !source_route(&start))
		return ADDR_SYNTAX;
	end = start;
	if (!(bracket && *start == '>' && start == s + 1)) /* not <> */
		e = mailbox(&end);
	if (e != ADDR_OK)
		return e;
	if (bracket && *end++ != '>')
		return ADDR_SYNTAX;
	if (*end != '\0' && *end != ' ')
		return ADDR_SYNTAX;
	n = (size_t)(end - bracket - start);
	if (n > ADDR_MAX)
		return ADDR_TOO_LONG;
	memcpy(addr, start, n);
	addr[n] = '\0';
	if (!utf8 && addr_has_utf8(addr))
		return ADDR_NON_ASCII;
	*rest = end;
	return ADDR_OK;
}

/* The '@' between local part and domain: the first one outside a
 * quoted local part (a Dot-string has none; an address literal such as
 * [IPv6:...] or a general literal may hold more after it).  NULL when
 * there is none. */
static const char *local_end(const char *addr)
{
	bool quoted = false;

	for (const char *p = addr; *p; p++) {
		if (quoted && *p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '@')
			return p;
	}
	return NULL;
}

int addr_split(const char *addr, char *local, char *domain)
{
	const char *at = local_end(addr);
	size_t llen = at ? (size_t)(at - addr) : strlen(addr), n = 0;

	for (size_t i = 0; i < llen; i++) {
		if (addr[i] == '"')
			continue;
		if (addr[i] == '\\' && i + 1 < llen)
			i++;
		if (n == ADDR_LOCAL_MAX)
			return -1;
		local[n++] = addr[i];
	}
	local[n] = '\0';
	n = 0;
	if (at) {
		for (const char *d = at + 1; *d; d++) {
			if (n == ADDR_DOMAIN_MAX)
				return -1;
			domain[n++] = (*d >= 'A' && *d <= 'Z') ? *d + 32 : *d;
		}
	}
	domain[n] = '\0';
	return 0;
}

bool id_is_canonical(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);

	if (len == 0 || len > ID_BOX_MAX || name[0] == '.' || name[0] == '-' ||
	    name[len - 1] == '.' || strstr(name, ".."))
		return false;
	while (*p) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-') {
			p++;
			continue;
		}
		size_t n = *p >= 0x80 ? utf8_len(p) : 0;
		if (n == 0 || (p[0] == 0xc2 && p[1] < 0xa0)) /* C1 controls */
			return false;
		p += n;
	}
	return true;
}

/* Lower-case the first len octets of in into box; -1 when too long. */
static int lower(const char *in, size_t len, char *box)
{
	if (len > ID_BOX_MAX)
		return -1;
	for (size_t i = 0; i < len; i++)
		box[i] = (in[i] >= 'A' && in[i] <= 'Z') ? in[i] + 32 : in[i];
	box[len] = '\0';
	return 0;
}

int id_rcpt_box(const char *local, char *box)
{
	if (lower(local, strcspn(local, "+"), box) < 0 || !id_is_canonical(box))
		return -1;
	return 0;
}

int id_login_box(const char *login, char *box)
{
	if (lower(login, strlen(login), box) < 0 || !id_is_canonical(box))
		return -1;
	return 0;
}
