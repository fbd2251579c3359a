/* smtp_auth: AUTH PLAIN and LOGIN, the server's side.  See smtp_auth.h. */
#include "smtp_auth.h"
#include "base64.h"
#include "i18n.h"
#include "identity.h"
#include "sasl.h"
#include "users.h"

#include <string.h>

#define AUTH_LINE_MAX 512 /* RFC 4954 4: 12288 allowed; ours fit in 512 */

/*
 * One step of an AUTH exchange: the initial response given with the
 * command, or else the prompt sent and a line read (RFC 4954 4).  out
 * (AUTH_LINE_MAX bytes) gets it decoded; its length, or -1 when replied
 * or the connection was lost.
 */
static long auth_response(struct session *s, const char *initial,
                          const char *prompt, char *out)
{
	size_t n;
	enum conn_ending end;
	enum conn_status st;
	long k;

	if (*initial == '\0') {
		session_reply(s, "%s", prompt); /* 334: intermediate */
		st = conn_read_command(&s->conn, s->line, AUTH_LINE_MAX, &n, &end);
		if (st != CONN_LINE && st != CONN_TOOLONG) { /* gone, timeout */
			session_lost(s, st);
			return -1;
		}
		if (st == CONN_TOOLONG) {
			session_reply(s, "501 5.5.2 Authentication line too long");
			return -1;
		}
		if (strcmp(s->line, "*") == 0) {
			session_reply(s, "501 5.0.0 Authentication cancelled");
			return -1;
		}
		initial = s->line;
	}
	if (strlen(initial) / 4 * 3 >= AUTH_LINE_MAX)
		k = -1;
	else
		k = base64_decode(initial, strlen(initial), (unsigned char *)out);
	if (k < 0)
		session_reply(s, "501 5.5.2 Cannot decode base64");
	else
		out[k] = '\0';
	return k;
}

/* Map the login name, check it with the password; reply either way. */
static int auth_check(struct session *s, const char *file, const char *user,
                      const char *pass, char *box)
{
	int ok = id_login_box(user, box) < 0 ? 0 : users_check(file, box, pass);

	if (ok < 0) { /* RFC 4954 6: a temporary failure, not a wrong password */
		session_reply(s, "454 4.7.0 Temporary authentication failure");
		log_event(s->peer, _("AUTH as %s: users file unreadable"), box);
	} else if (ok == 1) {
		session_reply(s, "235 2.7.0 Authentication successful");
		log_event(s->peer, _("AUTH as %s: ok"), box);
	} else {
		session_reply(s, "535 5.7.8 Authentication credentials invalid");
		log_event(s->peer, _("AUTH as %.64s: refused"), user);
	}
	return ok == 1;
}

/* C: AUTH PLAIN AGdpemVtADEyMzQ=  ("\0gizem\01234", RFC 4616 2) */
static int auth_plain(struct session *s, const char *file,
                      const char *initial, char *box)
{
	char buf[AUTH_LINE_MAX];
	const char *user, *pass;
	long n = auth_response(s, initial, "334 ", buf);
	enum sasl_error e;
	int ok = 0;

	if (n < 0)
		return s->end == CONN_LINE ? 0 : -1;
	e = sasl_plain(buf, (size_t)n, &user, &pass);
	if (e == SASL_CONTROL)
		session_reply(s, "501 5.5.2 Control byte in the user name");
	else if (e != SASL_OK)
		session_reply(s, "501 5.5.2 PLAIN needs authzid NUL user NUL "
		                 "password");
	else
		ok = auth_check(s, file, user, pass, box);
	memset(buf, 0, sizeof buf);
	return ok;
}

/* S: 334 VXNlcm5hbWU6 ("Username:")  S: 334 UGFzc3dvcmQ6 ("Password:") */
static int auth_login(struct session *s, const char *file,
                      const char *initial, char *box)
{
	char user[AUTH_LINE_MAX], pass[AUTH_LINE_MAX];
	int ok = 0;

	if (auth_response(s, initial, "334 VXNlcm5hbWU6", user) < 0 ||
	    auth_response(s, "", "334 UGFzc3dvcmQ6", pass) < 0)
		return s->end == CONN_LINE ? 0 : -1;
	if (sasl_check_user(user) != SASL_OK)
		session_reply(s, "501 5.5.2 Control byte in the user name");
	else
		ok = auth_check(s, file, user, pass, box);
	memset(pass, 0, sizeof pass);
	return ok;
}

int smtp_auth_run(struct session *s, const char *users_file, char *arg,
              char *box)
{
	char *mech = strsep(&arg, " ");
	const char *initial = arg ? arg : "";

	if (strcmp(initial, "=") == 0)
		initial = ""; /* RFC 4954 4: "=" is an empty initial response */
	if (str_ncase_eq(mech, "PLAIN", 6))
		return auth_plain(s, users_file, initial, box);
	if (str_ncase_eq(mech, "LOGIN", 6))
		return auth_login(s, users_file, initial, box);
	session_reply(s, "504 5.5.4 Unrecognized authentication type");
	return 0;
}
