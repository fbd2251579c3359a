/* smtp_params: MAIL FROM's parameters.  See smtp_params.h. */
#include "smtp_params.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The seen flag of keyword p, or NULL for one we do not know. */
static bool *seen_flag(const char *p, struct smtp_params *mp)
{
	return str_ncase_eq(p, "SIZE=", 5)    ? &mp->size
	     : str_ncase_eq(p, "BODY=", 5)    ? &mp->body
	     : str_ncase_eq(p, "SMTPUTF8", 9) ? &mp->utf8
	     : str_ncase_eq(p, "AUTH=", 5)    ? &mp->auth
	                                      : NULL;
}

/* One parameter.  0, or -1 with the reply. */
static int param(char *reply, char *p, const struct smtp_offer *o,
                 struct smtp_params *mp)
{
	const size_t cap = SMTP_PARAMS_REPLY;
	bool *seen = seen_flag(p, mp);
	char *value = strchr(p, '=');
	unsigned long size;

	if (seen && *seen) {
		snprintf(reply, cap, "501 5.5.4 Duplicate parameter %.40s", p);
		return -1;
	}
	if (value)
		*value++ = '\0';
	if (seen == &mp->size) {
		/* RFC 1870 6.1: refuse now what DATA would refuse later. */
		if (parse_ulong(value, (unsigned long)-1, &size) < 0) {
			snprintf(reply, cap, "501 5.5.4 Bad SIZE value");
			return -1;
		}
		if (size > o->max_size) {
			snprintf(reply, cap, "552 5.3.4 Message size exceeds "
			         "fixed limit of %lu octets", o->max_size);
			return -1;
		}
	} else if (seen == &mp->body && o->eightbit &&
	           (str_ncase_eq(value, "7BIT", 5) ||
	            str_ncase_eq(value, "8BITMIME", 9))) {
		mp->body_8bit = value[0] == '8';
	} else if (seen == NULL || seen == &mp->body) {
		snprintf(reply, cap, "555 5.5.4 Unsupported parameter %.40s",
		         p);
		return -1;
	}
	*seen = true;
	return 0;
}

int smtp_mail_params(char *reply, char *rest, const struct smtp_offer *o,
                     struct smtp_params *p)
{
	char *w;

	memset(p, 0, sizeof *p);
	while ((w = strsep(&rest, " ")) != NULL) {
		if (*w == '\0')
			continue;
		if (!o->esmtp) {
			snprintf(reply, SMTP_PARAMS_REPLY,
			         "555 5.5.4 Parameters need EHLO");
			return -1;
		}
		if (param(reply, w, o, p) < 0)
			return -1;
	}
	return 0;
}
