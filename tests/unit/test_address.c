/* Unit tests: SMTP paths (lib/address) and mailbox names (lib/maildir). */
#include "address.h"
#include "check.h"
#include "maildir.h"

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
	CHECK_STR("quotes removed, last @ splits", local, "a@b");
	addr_split("postmaster", local, domain);
	CHECK_STR("no domain", domain, "");
}

static const char *box(const char *local)
{
	static char b[MAILDIR_BOX_MAX + 1];

	return maildir_box_name(local, strlen(local), b) == 0 ? b : "(refused)";
}

static void test_boxes(void)
{
	CHECK_STR("lower-cased", box("Gizem"), "gizem");
	CHECK_STR("+tag removed", box("gizem+lab"), "gizem");
	CHECK_STR("UTF-8 kept", box("çiğdem"), "çiğdem");
	CHECK_STR("empty", box(""), "(refused)");
	CHECK_STR("only a tag", box("+x"), "(refused)");
	CHECK_STR(".", box("."), "(refused)");
	CHECK_STR("..", box(".."), "(refused)");
	CHECK_STR("leading dot", box(".hidden"), "(refused)");
	CHECK_STR("slash", box("a/b"), "(refused)");
	CHECK_STR("backslash", box("a\\b"), "(refused)");
	CHECK_STR("control byte", box("a\tb"), "(refused)");
	CHECK_STR("DEL", box("a\x7f"), "(refused)");
	CHECK_STR("64 octets", box("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_STR("65 octets", box("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	          "(refused)");
}

int main(void)
{
	test_paths();
	test_split();
	test_boxes();
	return CHECK_DONE();
}
