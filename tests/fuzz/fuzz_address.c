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
 */
#include "fuzz.h"
#include "address.h"

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
	fuzz_check(strchr(domain, '@') == NULL);
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

/* Every rule over addresses that reads client input: add rows here. */
static void (*const checks[])(const char *) = {
	path_ascii,
	path_utf8,
	has_utf8,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);

	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		checks[i](s);
	free(s);
	return 0;
}
