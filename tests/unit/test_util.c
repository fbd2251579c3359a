/* Unit tests: strict number parsing (lib/util). */
#include "check.h"
#include "util.h"

static int num(const char *s, unsigned long max, unsigned long *v)
{
	return parse_ulong(s, max, v);
}

int main(void)
{
	unsigned long v = 0;
	unsigned port;

	CHECK("plain number", num("1025", 65535, &v) == 0 && v == 1025);
	CHECK("zero", num("0", 10, &v) == 0 && v == 0);
	CHECK("exactly max", num("65535", 65535, &v) == 0 && v == 65535);
	CHECK("one over max", num("65536", 65535, &v) < 0);
	CHECK("a single digit over a small max", num("9", 5, &v) < 0);
	CHECK("a single digit at max", num("5", 5, &v) == 0 && v == 5);
	CHECK("overflowing unsigned long", num("99999999999999999999999", (unsigned long)-1, &v) < 0);
	CHECK("empty", num("", 10, &v) < 0);
	CHECK("sign", num("-1", 10, &v) < 0 && num("+1", 10, &v) < 0);
	CHECK("trailing junk", num("1x", 10, &v) < 0);
	CHECK("space", num(" 1", 10, &v) < 0 && num("1 ", 10, &v) < 0);
	CHECK("port 0 (ask the kernel)", parse_port("0", &port) == 0 && port == 0);
	CHECK("port 70000", parse_port("70000", &port) < 0);
	CHECK("ASCII case-insensitive compare", str_ncase_eq("MaIl", "mail", 4));
	CHECK("... stops at the length", str_ncase_eq("MAILX", "mailY", 4));
	CHECK("... differs", !str_ncase_eq("RCPT", "MAIL", 4));
	return CHECK_DONE();
}
