/* Unit tests: reading SASL PLAIN and LOGIN (lib/sasl). */
#include "check.h"
#include "sasl.h"

static enum sasl_error plain(const char *msg, size_t n, const char **user,
                             const char **pass)
{
	static char buf[128];

	memcpy(buf, msg, n);
	return sasl_plain(buf, n, user, pass);
}

int main(void)
{
	const char *u = NULL, *p = NULL;

	CHECK("no authzid", plain("\0gizem\0" "1234", 11, &u, &p) == SASL_OK);
	CHECK_STR("... user", u, "gizem");
	CHECK_STR("... password", p, "1234");
	CHECK("authzid equal to the user", plain("gizem\0gizem\0" "1234", 16, &u, &p) == SASL_OK);
	CHECK("authzid of someone else", plain("melek\0gizem\0" "1234", 16, &u, &p) == SASL_FORM);
	CHECK("password with spaces", plain("\0gizem\0a b c", 12, &u, &p) == SASL_OK &&
	                              strcmp(p, "a b c") == 0);
	CHECK("empty password is a form", plain("\0gizem\0", 7, &u, &p) == SASL_OK &&
	                                  strcmp(p, "") == 0);
	CHECK("one NUL only", plain("\0gizem", 6, &u, &p) == SASL_FORM);
	CHECK("no NUL", plain("gizem1234", 9, &u, &p) == SASL_FORM);
	CHECK("a third NUL", plain("\0gizem\0" "12\0" "34", 12, &u, &p) == SASL_FORM);
	CHECK("empty user", plain("\0\0" "1234", 6, &u, &p) == SASL_FORM);
	CHECK("LF in the user (log forging)", plain("\0bob\nx\0" "1", 8, &u, &p) == SASL_CONTROL);
	CHECK("plain user name", sasl_check_user("melek") == SASL_OK);
	CHECK("UTF-8 user name", sasl_check_user("çiğdem") == SASL_OK);
	CHECK("ESC in a user name", sasl_check_user("a\x1b[31m") == SASL_CONTROL);
	return CHECK_DONE();
}
