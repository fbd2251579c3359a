/* imap_auth: LOGIN and AUTHENTICATE PLAIN.  See imap_auth.h. */
#include "imap_auth.h"

#include <string.h>

#include "base64.h"
#include "i18n.h"
#include "sasl.h"
#include "users.h"

/* The one identity rule, then the users file: 1, or 0 after the NO. */
static int check(struct imap *im, const char *file, const char *user,
                 const char *pass, const char *how, char *box)
{
	int ok = id_login_box(user, box) < 0 ? 0 : users_check(file, box, pass);

	if (ok == 1)
		return 1;
	if (ok < 0)
		imap_reply(im, "NO", "[UNAVAILABLE] cannot read the users file");
	else
		imap_reply(im, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
	log_event(im->s.peer, _("login as %.64s (%s): refused%s"), user, how,
	          ok < 0 ? " (users file unreadable)" : "");
	return 0;
}

int imap_auth_login(struct imap *im, const char *users_file, char *box)
{
	struct imap_str u, p;
	char user[USERS_LINE_MAX], pass[USERS_LINE_MAX];
	int ok = 0;

	if (!ip_astring(&im->ip, &u) || !ip_sp(&im->ip) ||
	    !ip_astring(&im->ip, &p) || !ip_eol(&im->ip))
		imap_reply(im, "BAD", "syntax: LOGIN user password");
	else if (!imap_str_copy(&u, user, sizeof user) ||
	         !imap_str_copy(&p, pass, sizeof pass))
		imap_reply(im, "NO", "[AUTHENTICATIONFAILED] invalid user name or password");
	else
		ok = check(im, users_file, user, pass, "LOGIN", box);
	memset(pass, 0, sizeof pass);
	return ok;
}

/* The base64 PLAIN message: SASL-IR's, or read after "+ " (6.2.2). */
static bool response(struct imap *im, struct imap_str *ir, char *line,
                     size_t cap)
{
	enum conn_ending ending;
	size_t len;

	if (ir->p != NULL)
		return imap_str_copy(ir, line, cap);
	iout_puts(&im->out, "+ "); /* S: + (an empty challenge) */
	iout_end(&im->out);
	return conn_read_command(&im->s.conn, line, cap - 1, &len, &ending) == CONN_LINE;
}

int imap_auth_plain(struct imap *im, const char *users_file, char *box)
{
	struct imap_str mech, ir = { NULL, 0, false };
	char line[IMAP_LINE_MAX];
	unsigned char msg[IMAP_LINE_MAX];
	const char *user, *pass;
	long n;
	int ok = 0;

	if (!ip_atom(&im->ip, &mech) || (ip_sp(&im->ip) && !ip_astring(&im->ip, &ir)) ||
	    !ip_eol(&im->ip)) {
		imap_reply(im, "BAD", "syntax: AUTHENTICATE mechanism [initial-response]");
		return 0;
	}
	if (!is_word(&mech, "PLAIN"))
		imap_reply(im, "NO", "[CANNOT] only AUTHENTICATE PLAIN is offered");
	else if (!response(im, &ir, line, sizeof line))
		imap_reply(im, "BAD", "authentication exchange broken off");
	else if (strcmp(line, "*") == 0) /* RFC 3501 6.2.2: the client cancels */
		imap_reply(im, "BAD", "AUTHENTICATE cancelled");
	else if ((n = strcmp(line, "=") == 0 ? 0 : base64_decode(line, strlen(line), msg)) < 0 ||
	         (size_t)n >= sizeof msg ||
	         sasl_plain((char *)msg, (size_t)n, &user, &pass) != SASL_OK)
		imap_reply(im, "BAD", "not a valid base64 PLAIN message (RFC 4616)");
	else
		ok = check(im, users_file, user, pass, "AUTHENTICATE PLAIN", box);
	memset(msg, 0, sizeof msg);
	memset(line, 0, sizeof line);
	return ok;
}
