/*
 * fuzz_address: the RFC 5321 path parser (lib/address) as MAIL FROM
 * and RCPT TO use it, with and without SMTPUTF8, and the split into
 * local part and domain that mailbox names are made from.
 *
 * Each entry of checks[] gets the input as a C string (the text after
 * "FROM:" / "TO:"); a new rule over addresses (the identity module's
 * mailbox-name mapping, say) is one more function and one more row.
 * What is checked is what no caller may ever see, whatever the grammar
 * decides: an accepted path within its limits and free of control
 * bytes, non-ASCII only with SMTPUTF8, parameters that start at a
 * space, and a split whose parts fit their buffers.
 *
 * Where lib/identity.h exists (the one identity rule, SPEC "Identity,
 * one rule"), its rows are compiled in too: the shapes SPEC refuses by
 * name never parse, and every mailbox the mappings give obeys the rule
 * by an independent reading of it.
 */
#include "fuzz.h"
#include "address.h"

#if defined(__has_include)
#if __has_include("identity.h")
#include "identity.h"
#define HAVE_IDENTITY 1
#endif
#endif

/* No byte a log line, a header or a file name must never carry. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* local and domain from an accepted path: within limits, domain lower. */
static void check_split(const char *addr)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];

	if (addr_split(addr, local, domain) < 0)
		return;
	fuzz_check(strlen(local) <= ADDR_LOCAL_MAX);
	fuzz_check(strlen(domain) <= ADDR_DOMAIN_MAX);
	/* Only an address literal may hold an '@' (RFC 5321 4.1.3). */
	fuzz_check(domain[0] == '[' || strchr(domain, '@') == NULL);
	for (const char *d = domain; *d; d++)
		fuzz_check(!(*d >= 'A' && *d <= 'Z'));
	fuzz_check(!has_control(local) && !has_control(domain));
}

static void check_path(const char *s, bool utf8)
{
	char addr[ADDR_MAX + 1];
	const char *rest = NULL;

	memset(addr, 0, sizeof addr);
	enum addr_error e = addr_parse_path(s, addr, &rest, utf8);
	fuzz_check(e == ADDR_OK || e == ADDR_SYNTAX || e == ADDR_TOO_LONG ||
	           e == ADDR_NON_ASCII);
	if (e != ADDR_OK)
		return;
	fuzz_check(strlen(addr) <= ADDR_MAX);
	fuzz_check(!has_control(addr));
	fuzz_check(utf8 || !addr_has_utf8(addr));
	fuzz_check(rest != NULL && rest >= s && rest <= s + strlen(s));
	fuzz_check(*rest == '\0' || *rest == ' ');
	/* RFC 5321 4.1.2: "@b" and "a@" are not mailboxes. */
	size_t n = strlen(addr);
	fuzz_check(n == 0 || (addr[0] != '@' && addr[n - 1] != '@'));
	check_split(addr);
}

static void path_ascii(const char *s) { check_path(s, false); }
static void path_utf8(const char *s) { check_path(s, true); }

static void has_utf8(const char *s)
{
	bool any = false;

	for (const char *p = s; *p; p++)
		any |= (unsigned char)*p > 127;
	fuzz_check(addr_has_utf8(s) == any);
}

#ifdef HAVE_IDENTITY
/* Length of one valid UTF-8 character at p (not C1, no overlong form,
 * no surrogate, at most U+10FFFF), or 0. */
static size_t utf8_char(const unsigned char *p)
{
	unsigned cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

/* The mailbox-name rule, read from SPEC, in canonical (lower) form. */
static bool rule_ok(const char *name)
{
	size_t len = strlen(name);

	if (len < 1 || len > ID_BOX_MAX || name[0] == '.' || name[0] == '-' ||
	    name[len - 1] == '.' || strstr(name, "..") != NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		size_t n = utf8_char(p);
		if (n == 0)
			return false;
		if (n == 1 && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		                *p == '.' || *p == '_' || *p == '-'))
			return false;
		p += n;
	}
	return true;
}

static void ascii_lower(const char *s, char *out, size_t cap)
{
	size_t i = 0;

	for (; s[i] && i + 1 < cap; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
}

/* id_is_canonical() says yes exactly when the rule does. */
static void canonical(const char *s)
{
	fuzz_check(id_is_canonical(s) == rule_ok(s));
}

/* A login maps to itself lower-cased, and to the same box as mail for it. */
static void login_box(const char *s)
{
	char box[ID_BOX_MAX + 1], again[ID_BOX_MAX + 1], low[ID_BOX_MAX + 2];

	if (id_login_box(s, box) < 0)
		return;
	fuzz_check(rule_ok(box));
	ascii_lower(s, low, sizeof low);
	fuzz_check(strcmp(box, low) == 0);
	fuzz_check(id_rcpt_box(s, again) == 0 && strcmp(again, box) == 0);
}

/* A recipient's box obeys the rule, and maps to itself. */
static void rcpt_box(const char *s)
{
	char box[ID_BOX_MAX + 1], again[ID_BOX_MAX + 1];

	if (id_rcpt_box(s, box) < 0)
		return;
	fuzz_check(rule_ok(box));
	fuzz_check(id_rcpt_box(box, again) == 0 && strcmp(again, box) == 0);
	fuzz_check(id_login_box(box, again) == 0 && strcmp(again, box) == 0);
}

/* The shapes SPEC names ("<<a@b>", "a@@b", "a@b,c@d", "a@", "@b",
 * "a@b.", a missing '>') never parse; an accepted path's parts obey
 * RFC 5321 4.1.2, and its local part maps to a valid box or to none. */
static void strict_path(const char *s)
{
	char addr[ADDR_MAX + 1], local[ADDR_LOCAL_MAX + 1];
	char domain[ADDR_DOMAIN_MAX + 1], box[ID_BOX_MAX + 1];
	const char *rest;

	if (addr_parse_path(s, addr, &rest, true) != ADDR_OK || addr[0] == '\0')
		return;
	fuzz_check(addr_split(addr, local, domain) == 0);
	if (domain[0] == '\0') { /* RFC 5321 4.5.1: <Postmaster> alone */
		ascii_lower(local, box, sizeof box);
		fuzz_check(strcmp(box, "postmaster") == 0);
		return;
	}
	size_t dl = strlen(domain);
	/* addr_split cuts at the first '@' outside quotes, so a literal
	 * holding an '@' ("a@[x:b@c]") stays whole in the domain. */
	if (domain[0] == '[') { /* an address literal: dcontent is %d33-90 /
	                           %d94-126, so "<", "," and "@" may be in it */
		fuzz_check(dl >= 3 && domain[dl - 1] == ']');
		fuzz_check(strpbrk(domain + 1, "[\\ ") == NULL);
		fuzz_check(memchr(domain + 1, ']', dl - 2) == NULL);
	} else {
		fuzz_check(domain[0] != '.' && domain[dl - 1] != '.');
		fuzz_check(strstr(domain, "..") == NULL);
		fuzz_check(strpbrk(domain, "<>,@\"[] ") == NULL);
	}
	if (id_rcpt_box(local, box) == 0)
		fuzz_check(rule_ok(box));
}
#endif

/* Every rule over addresses that reads client input: add rows here. */
static void (*const checks[])(const char *) = {
	path_ascii,
	path_utf8,
	has_utf8,
#ifdef HAVE_IDENTITY
	canonical,
	login_box,
	rcpt_box,
	strict_path,
#endif
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);

	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		checks[i](s);
	free(s);
	return 0;
}
