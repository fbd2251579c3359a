/* Unit tests: SMTP paths, RFC 5321 4.1.2 (lib/identity). */
#include "check.h"
#include "identity.h"

#include <string.h>

static const char *path(const char *s, bool utf8, enum addr_error *e)
{
	static char addr[ADDR_MAX + 1];
	const char *rest;

	*e = addr_parse_path(s, addr, &rest, utf8);
	return *e == ADDR_OK ? addr : "(error)";
}

static void test_paths(void)
{
	enum addr_error e;
	char big[400];

	CHECK_STR("plain path", path("<a@b.c>", false, &e), "a@b.c");
	CHECK_STR("space after colon", path(" <a@b.c>", false, &e), "a@b.c");
	CHECK_STR("no brackets", path("a@b.c", false, &e), "a@b.c");
	CHECK_STR("null path", path("<>", false, &e), "");
	CHECK_STR("source route dropped", path("<@x,@y:a@b.c>", false, &e), "a@b.c");
	CHECK_STR("quoted local part", path("<\"a b\"@c>", false, &e), "\"a b\"@c");
	CHECK_STR("trailing space kept for params", path("<a@b> ", false, &e), "a@b");
	path("<a@b", false, &e);
	CHECK("unterminated", e == ADDR_SYNTAX);
	path("<a b@c>", false, &e);
	CHECK("space inside", e == ADDR_SYNTAX);
	path("<a@b>x", false, &e);
	CHECK("junk after path", e == ADDR_SYNTAX);
	path("<\"a>", false, &e);
	CHECK("unterminated quote", e == ADDR_SYNTAX);
	path("<a\x01@b>", false, &e);
	CHECK("control byte", e == ADDR_SYNTAX);
	path("<ü@b>", false, &e);
	CHECK("UTF-8 without SMTPUTF8", e == ADDR_NON_ASCII);
	CHECK_STR("UTF-8 with SMTPUTF8", path("<ü@b>", true, &e), "ü@b");
	memset(big, 'x', sizeof big - 1);
	big[0] = '<';
	big[sizeof big - 2] = '>';
	big[sizeof big - 1] = '\0';
	path(big, false, &e);
	CHECK("over 256 octets", e == ADDR_TOO_LONG);
}

static void test_split(void)
{
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];

	CHECK("split", addr_split("Gizem@EXAMPLE.com", local, domain) == 0);
	CHECK_STR("local part keeps case", local, "Gizem");
	CHECK_STR("domain lower-cased", domain, "example.com");
	addr_split("\"a@b\"@c", local, domain);
	CHECK_STR("quotes removed, the @ after them splits", local, "a@b");
	/* Found by fuzz_address: a general address literal may hold an '@'
	 * (RFC 5321 4.1.3 dcontent); the split is before the domain. */
	CHECK("address literal with an @: split",
	      addr_split("ali@[N::@]", local, domain) == 0);
	CHECK_STR("... local part", local, "ali");
	CHECK_STR("... domain", domain, "[n::@]");
	addr_split("postmaster", local, domain);
	CHECK_STR("no domain", domain, "");
}

/* Each bad form the issue found, and the good forms beside them. */
static void test_strict(void)
{
	static const char *const bad[] = {
		"<<a@b>", "<<bad@x>", "<a@@b>", "<a@b,c@d>", "<a@>", "<@b>",
		"<a@b.>", "<a@b", "<gizem@x@y>", "<@a,@b:>", "<.a@b>", "<a.@b>",
		"<a..b@c>", "<a@-b>", "<a@b-.c>", "<a@b..c>", "<a@[1.2.3]>",
		"<a@[300.1.1.1]>", "<a@[IPv6:zz]>", "<a@[]>", "<a b@c>", "<a>",
		"<a@b>>", "<\"a\x01\"@b>", "<a@b c>", "<a@\xc0\xaf>",
		"<\xff\xfe@b>", "<a@b>x", "<a@[1.2.3.4>", "<$(id)@c>",
	};
	static const char *const good[][2] = {
		{ "<a@[127.0.0.1]>", "a@[127.0.0.1]" },
		{ "<a@[IPv6:::1]>", "a@[IPv6:::1]" },
		{ "<a%b@c>", "a%b@c" },
		{ "<-rf@c>", "-rf@c" },
		{ "<\"$(id)\"@c>", "\"$(id)\"@c" },
		{ "<Postmaster>", "Postmaster" },
		{ "<@a,@b:x@y.z>", "x@y.z" },
		{ "<a.b-c_d+tag@mail-1.example.com>", "a.b-c_d+tag@mail-1.example.com" },
	};
	enum addr_error e;
	char name[80];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *got = path(bad[i], true, &e);
		snprintf(name, sizeof name, "refused: %s", bad[i]);
		CHECK(name, strcmp(got, "(error)") == 0);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(name, sizeof name, "accepted: %s", good[i][0]);
		CHECK_STR(name, path(good[i][0], false, &e), good[i][1]);
	}
	CHECK_STR("UTF-8 domain with SMTPUTF8", path("<a@örnek.com>", true, &e),
	          "a@örnek.com");
	path("<a@örnek.com>", false, &e);
	CHECK("UTF-8 domain without SMTPUTF8", e == ADDR_NON_ASCII);
	path("<@a,@b:>", false, &e);
	CHECK("source route alone is no null sender", e == ADDR_SYNTAX);
}

int main(void)
{
	test_paths();
	test_split();
	test_strict();
	return CHECK_DONE();
}
