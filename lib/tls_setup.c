/* tls_setup: the programs' TLS options and shared steps.  See the .h. */
#include "tls_setup.h"

#include <stdio.h>
#include <sysexits.h>

#include "i18n.h"
#include "util.h"

bool tls_server_option(struct tls_server_setup *t, int ch, const char *arg)
{
	switch (ch) {
	case TLS_OPT_CERT: t->cert = arg; return true;
	case TLS_OPT_KEY: t->key = arg; return true;
	case TLS_OPT_AUTH_ONLY: t->auth_tls_only = true; return true;
	}
	return false;
}

void tls_server_ready(struct tls_server_setup *t, struct server_config *srv,
                      session_fn run)
{
	char err[TLS_ERR_LEN];

	if (!t->cert && !t->key && !srv->tls_listen && !t->auth_tls_only)
		return;
	if (!tls_available())
		die(EX_USAGE, "%s", _("this build has no TLS: rebuild with make "
		                      "TLS=1"));
	if (!t->cert || !t->key)
		die(EX_USAGE, "%s", _("TLS needs both --tls-cert FILE and "
		                      "--tls-key FILE (scripts/mkcert.sh makes them)"));
	t->ctx = tls_server_ctx(err, sizeof err, t->cert, t->key);
	if (t->ctx == NULL)
		die(EX_CONFIG, "%s", err);
	srv->tls_session = run;
}

bool tls_session_start(struct session *s, struct tls_ctx *ctx)
{
	char err[TLS_ERR_LEN];
	int dropped = conn_start_tls(&s->conn, ctx, true, err, sizeof err);

	if (dropped < 0) {
		log_event(s->peer, _("TLS failed: %s"), err);
		s->why = N_("no TLS");
		session_set_state(s, s->proto->done);
		return false;
	}
	if (dropped > 0) /* RFC 3207 6, RFC 2595 4: never executed */
		log_event(s->peer, _("discarded %d bytes sent in clear text "
		                     "after STARTTLS/STLS"), dropped);
	log_event(s->peer, _("TLS started"));
	return true;
}

bool tls_client_option(struct tls_client_setup *t, int ch, const char *arg)
{
	switch (ch) {
	case TLS_OPT_STARTTLS: t->mode = TLS_STARTTLS; return true;
	case TLS_OPT_IMPLICIT: t->mode = TLS_IMPLICIT; return true;
	case TLS_OPT_CAFILE: t->cafile = arg; return true;
	case TLS_OPT_INSECURE: t->insecure = true; return true;
	}
	return false;
}

void tls_client_ready(const struct tls_client_setup *t)
{
	if (t->mode == TLS_NONE && !t->cafile && !t->insecure)
		return;
	if (!tls_available())
		die(EX_USAGE, "%s", _("this build has no TLS: rebuild with make "
		                      "TLS=1"));
	if (t->mode == TLS_NONE)
		die(EX_USAGE, "%s", _("--cafile and --insecure go with --tls or "
		                      "--starttls/--stls"));
	if (t->insecure)
		warnmsg("%s", _("--insecure: the server's certificate is not "
		                "checked; anyone in between can read and change "
		                "this session"));
}

struct tls_ctx *tls_client_for(const struct tls_client_setup *t,
                               const char *host)
{
	struct tls_client_opts o = { .host = host, .cafile = t->cafile,
		                     .insecure = t->insecure };
	char err[TLS_ERR_LEN];
	struct tls_ctx *ctx = tls_client_ctx(err, sizeof err, &o);

	if (ctx == NULL)
		die(EX_CONFIG, "%s", err);
	return ctx;
}
