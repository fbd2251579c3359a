/* Unit tests: the mailbox-name rule and its mappings (lib/identity). */
#include "check.h"
#include "identity.h"

static const char *rcpt(const char *local)
{
	static char b[ID_BOX_MAX + 1];

	return id_rcpt_box(local, b) == 0 ? b : "(refused)";
}

static const char *login(const char *name)
{
	static char b[ID_BOX_MAX + 1];

	return id_login_box(name, b) == 0 ? b : "(refused)";
}

static void test_rcpt(void)
{
	CHECK_STR("lower-cased", rcpt("Gizem"), "gizem");
	CHECK_STR("+tag removed", rcpt("gizem+lab"), "gizem");
	CHECK_STR("UTF-8 kept", rcpt("çiğdem"), "çiğdem");
	CHECK_STR("dots, _ and - inside", rcpt("a.b_c-d"), "a.b_c-d");
	CHECK_STR("empty", rcpt(""), "(refused)");
	CHECK_STR("only a tag", rcpt("+x"), "(refused)");
	CHECK_STR(".", rcpt("."), "(refused)");
	CHECK_STR("..", rcpt(".."), "(refused)");
	CHECK_STR("a..b", rcpt("a..b"), "(refused)");
	CHECK_STR("leading dot", rcpt(".hidden"), "(refused)");
	CHECK_STR("trailing dot", rcpt("a."), "(refused)");
	CHECK_STR("slash", rcpt("a/b"), "(refused)");
	CHECK_STR("backslash", rcpt("a\\b"), "(refused)");
	CHECK_STR("control byte", rcpt("a\tb"), "(refused)");
	CHECK_STR("DEL", rcpt("a\x7f"), "(refused)");
	CHECK_STR("<bad (from <<bad@x>)", rcpt("<bad"), "(refused)");
	CHECK_STR("a@ (from <a@@b>)", rcpt("a@"), "(refused)");
	CHECK_STR("a b (from \"a b\"@x)", rcpt("a b"), "(refused)");
	CHECK_STR("a%b", rcpt("a%b"), "(refused)");
	CHECK_STR("comma list", rcpt("gizem@example.com,test"), "(refused)");
	CHECK_STR("-rf", rcpt("-rf"), "(refused)");
	CHECK_STR("$(id)", rcpt("$(id)"), "(refused)");
	CHECK_STR("*", rcpt("*"), "(refused)");
	CHECK_STR("a;b|c&d", rcpt("a;b|c&d"), "(refused)");
	CHECK_STR("invalid UTF-8 \\xff\\xfe", rcpt("\xff\xfe"), "(refused)");
	CHECK_STR("overlong \\xc0\\xaf", rcpt("a\xc0\xaf"), "(refused)");
	CHECK_STR("overlong 3-octet", rcpt("\xe0\x80\xaf"), "(refused)");
	CHECK_STR("surrogate", rcpt("\xed\xa0\x80"), "(refused)");
	CHECK_STR("past U+10FFFF", rcpt("\xf4\x90\x80\x80"), "(refused)");
	CHECK_STR("C1 control U+009B", rcpt("a\xc2\x9b"), "(refused)");
	CHECK_STR("cut UTF-8", rcpt("a\xc3"), "(refused)");
	CHECK_STR("64 octets",
	          rcpt("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_STR("65 octets",
	          rcpt("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	          "(refused)");
}

static void test_login(void)
{
	CHECK_STR("login as is", login("gizem"), "gizem");
	CHECK_STR("Ali logs in as ali", login("Ali"), "ali");
	CHECK_STR("bob+x is no login", login("bob+x"), "(refused)");
	CHECK_STR("../evil", login("../evil"), "(refused)");
	CHECK_STR("-rf", login("-rf"), "(refused)");
	CHECK_STR("empty", login(""), "(refused)");
	CHECK_STR("space", login("a b"), "(refused)");
	CHECK("canonical: gizem", id_is_canonical("gizem"));
	CHECK("canonical: Ali is not", !id_is_canonical("Ali"));
	CHECK("canonical: bob+x is not", !id_is_canonical("bob+x"));
	CHECK("canonical: çiğdem", id_is_canonical("çiğdem"));
}

int main(void)
{
	test_rcpt();
	test_login();
	return CHECK_DONE();
}
