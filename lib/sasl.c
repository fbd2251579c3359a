/* sasl: PLAIN and LOGIN, the server's side.  See sasl.h. */
#include "sasl.h"

#include <string.h>

enum sasl_error sasl_check_user(const char *user)
{
	for (const char *p = user; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return SASL_CONTROL;
	return SASL_OK;
}

enum sasl_error sasl_plain(char *msg, size_t n, const char **user,
                           const char **pass)
{
	char *nul1 = memchr(msg, '\0', n), *nul2;

	/* authzid NUL authcid NUL passwd, and nothing after the password */
	if (nul1 == NULL)
		return SASL_FORM;
	nul2 = memchr(nul1 + 1, '\0', n - (size_t)(nul1 + 1 - msg));
	if (nul2 == NULL || memchr(nul2 + 1, '\0', n - (size_t)(nul2 + 1 - msg)))
		return SASL_FORM;
	msg[n] = '\0';
	*user = nul1 + 1;
	*pass = nul2 + 1;
	if (**user == '\0' || (msg[0] != '\0' && strcmp(msg, *user) != 0))
		return SASL_FORM;
	return sasl_check_user(*user);
}
