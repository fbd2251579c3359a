/*
 * smtp_client_auth: the client side of AUTH (RFC 4954) for
 * lib/smtp_client — PLAIN (RFC 4616) in one line, LOGIN in three
 * exchanges.  The base64 lines are traced like any other (-v shows
 * what crossed the wire); --explain decodes them (lib/explain).
 */
#include "smtp_client.h"
#include "smtp_client_int.h"

#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "i18n.h"

/* Send prefix + base64(data): traced by conn as it crosses the wire
 * (SPEC: -v shows the bytes, nothing added); -e decodes it. */
static int send_b64(struct smtp_client *c, const char *prefix,
                    const char *data, size_t n)
{
	char line[SMTP_CMD_LINE + 120];
	size_t k = str_copy(line, prefix, sizeof line);

	base64_encode(data, n, line + k);
	if (conn_send_line(&c->conn, line, strlen(line)) < 0)
		return smtp_fail(c, SMTP_ERR_IO, _("sending to server: %s"),
		                 conn_status_text(&c->conn, CONN_ERROR));
	return SMTP_OK;
}

/* The end of an exchange: 235 is success (RFC 4954 6). */
static int auth_result(struct smtp_client *c, const struct smtp_reply *r)
{
	if (r->code == 235)
		return SMTP_OK;
	if (r->code / 100 == 5)
		return smtp_fail(c, SMTP_ERR_AUTH, _("AUTH refused: %d %s"), r->code,
		                 r->text);
	return smtp_refused(c, r, "AUTH");
}

/* C: AUTH PLAIN base64("\0user\0pass")   S: 235 (RFC 4616 2) */
static int auth_plain(struct smtp_client *c, const char *user,
                      const char *pass)
{
	char blob[2 * SMTP_AUTH_FIELD_MAX + 2];
	size_t u = strlen(user), p = strlen(pass);
	struct smtp_reply r;

	blob[0] = '\0';
	memcpy(blob + 1, user, u);
	blob[1 + u] = '\0';
	memcpy(blob + 2 + u, pass, p);
	int rc = send_b64(c, "AUTH PLAIN ", blob, u + p + 2);
	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &r, NULL);
	return rc == SMTP_OK ? auth_result(c, &r) : rc;
}

/* C: AUTH LOGIN  S: 334 VXNlcm5hbWU6  C: user  S: 334 UGFzc3dvcmQ6  C: pass */
static int auth_login(struct smtp_client *c, const char *user,
                      const char *pass)
{
	const char *answer[] = { user, pass };
	struct smtp_reply r;
	int rc = smtp_send_cmd(c, "AUTH LOGIN");

	for (size_t i = 0; rc == SMTP_OK && i < 2; i++) {
		rc = smtp_read_reply(c, &r, NULL);
		if (rc == SMTP_OK && r.code != 334)
			return auth_result(c, &r);
		if (rc == SMTP_OK)
			rc = send_b64(c, "", answer[i], strlen(answer[i]));
	}
	if (rc == SMTP_OK)
		rc = smtp_read_reply(c, &r, NULL);
	return rc == SMTP_OK ? auth_result(c, &r) : rc;
}

int smtp_auth(struct smtp_client *c, const char *user, const char *pass)
{
	if (strlen(user) > SMTP_AUTH_FIELD_MAX ||
	    strlen(pass) > SMTP_AUTH_FIELD_MAX)
		return smtp_fail(c, SMTP_ERR_AUTH, _("user name or password over %d "
		                 "octets"), SMTP_AUTH_FIELD_MAX);
	if (c->ext & SMTP_EXT_AUTH_PLAIN)
		return auth_plain(c, user, pass);
	if (c->ext & SMTP_EXT_AUTH_LOGIN)
		return auth_login(c, user, pass);
	if (!(c->ext & SMTP_EXT_AUTH) && (c->ext & SMTP_EXT_STARTTLS))
		return smtp_fail(c, SMTP_ERR_AUTH, _("the server offers STARTTLS but no "
		                 "AUTH: it probably offers AUTH only after STARTTLS "
		                 "(RFC 3207); try --starttls"));
	if (!(c->ext & SMTP_EXT_AUTH))
		return smtp_fail(c, SMTP_ERR_AUTH, _("the server offers no AUTH "
		                 "(RFC 4954): it takes no login"));
	return smtp_fail(c, SMTP_ERR_AUTH, _("the server offers neither AUTH PLAIN "
	                 "nor AUTH LOGIN"));
}
