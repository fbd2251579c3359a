/* Unit tests: base64 (RFC 4648 section 10 test vectors) and users. */
#include "base64.h"
#include "check.h"
#include "users.h"

static const char *enc(const char *s)
{
	static char out[64];

	base64_encode(s, strlen(s), out);
	return out;
}

static const char *dec(const char *s)
{
	static unsigned char out[64];
	long n = base64_decode(s, strlen(s), out);

	if (n < 0)
		return "(invalid)";
	out[n] = '\0';
	return (const char *)out;
}

int main(void)
{
	static const char *const vec[][2] = {
		{ "", "" },         { "f", "Zg==" },     { "fo", "Zm8=" },
		{ "foo", "Zm9v" },  { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char out[16];

	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		CHECK_STR("RFC 4648 encode", enc(vec[i][0]), vec[i][1]);
		CHECK_STR("RFC 4648 decode", dec(vec[i][1]), vec[i][0]);
	}
	CHECK("AUTH PLAIN with NULs", base64_decode("AGdpemVtADEyMzQ=", 16, out) == 11 &&
	                              memcmp(out, "\0gizem\0" "1234", 11) == 0);
	CHECK_STR("bad length", dec("Zm9"), "(invalid)");
	CHECK_STR("bad character", dec("Zm9*"), "(invalid)");
	CHECK_STR("padding in the middle", dec("Zg==Zm9v"), "(invalid)");
	CHECK_STR("white space", dec("Zm9v YmFy"), "(invalid)");
	CHECK_STR("three pads", dec("Z==="), "(invalid)");

	FILE *f = fopen("users.test.tmp", "w");
	fputs("# comment\ngizem:1234\nmelek:pass word:colon\n", f);
	fclose(f);
	CHECK("users: right password", users_check("users.test.tmp", "gizem", "1234") == 1);
	CHECK("users: wrong password", users_check("users.test.tmp", "gizem", "12345") == 0);
	CHECK("users: prefix of a name", users_check("users.test.tmp", "giz", "1234") == 0);
	CHECK("users: password with space and colon",
	      users_check("users.test.tmp", "melek", "pass word:colon") == 1);
	CHECK("users: comment is no user", users_check("users.test.tmp", "# comment", "") == 0);
	CHECK("users: missing file", users_check("no-such-file.tmp", "gizem", "1234") == -1);
	remove("users.test.tmp");
	return CHECK_DONE();
}
