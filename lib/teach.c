/* teach: the teaching options and their hooks into conn.  See teach.h. */
#include "teach.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "conn.h"
#include "i18n.h"
#include "server.h"
#include "session.h"
#include "util.h"

void teach_lang(int argc, char **argv)
{
	const char *lang = NULL;

	/* getopt_long would also take "--la tr"; so does this. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		if (n < 4 || strncmp(a, "--lang", n) != 0)
			continue;
		lang = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
	}
	if (i18n_init(lang) < 0)
		die(EX_USAGE, _("--lang: '%s' is not en or tr"), lang);
}

void teach_server(struct teach *t, enum fault_proto p,
                  const struct session_command *commands)
{
	size_t n = 0;

	t->server = true;
	t->fproto = p;
	/* A fresh list each start: main() may run more than once in one
	 * process (the fuzz harnesses call it per input). */
	memset(&t->faults, 0, sizeof t->faults);
	for (; commands->verb && n < TEACH_VERBS_MAX; commands++)
		t->verbs[n++] = commands->verb;
	t->verbs[n] = NULL;
}

bool teach_option(struct teach *t, int ch, const char *arg)
{
	char err[PACE_ERR_LEN > FAULT_ERR_LEN ? PACE_ERR_LEN : FAULT_ERR_LEN];

	switch (ch) {
	case 'e': t->explain = true; return true;
	case TEACH_OPT_LANG: return true; /* taken by teach_lang() */
	case TEACH_OPT_STEP: t->pace.step = true; return true;
	case TEACH_OPT_DELAY:
		if (pace_set_delay(&t->pace, arg, err, sizeof err) < 0)
			die(EX_USAGE, "%s", err);
		return true;
	case TEACH_OPT_FAIL:
		if (!t->server)
			return false;
		if (fault_add(&t->faults, t->fproto, arg, t->verbs, err, sizeof err) < 0)
			die(EX_USAGE, "%s", err);
		return true;
	default:
		return false;
	}
}

void teach_start(struct teach *t, enum explain_proto proto, bool *verbose)
{
	char err[PACE_ERR_LEN];
	bool step = t->pace.step;
	unsigned delay = t->pace.delay_ms;

	pace_init(&t->pace, NULL); /* the tag: each connection's own */
	t->pace.step = step;
	t->pace.delay_ms = delay;
	if (pace_open(&t->pace, err, sizeof err) < 0)
		die(EX_USAGE, "%s", err);
	t->proto = proto;
	if (t->explain)
		*verbose = true;
	if (t->explain || pace_active(&t->pace))
		conn_teach_all(t);
	if (t->server)
		session_faults(&t->faults);
}

void teach_serve(const struct teach *t, struct server_config *srv)
{
	if (t->pace.step)
		srv->max_clients = 1; /* one terminal answers one session */
}

void teach_usage(FILE *f, enum teach_usage which)
{
	fputs(_("\n"
	        "Teaching modes:\n"
	        "  -e, --explain          after each C:/S: line, say in one sentence what it\n"
	        "                         does and which RFC defines it (implies -v)\n"
	        "      --lang en|tr       language of every text a person reads (default:\n"
	        "                         LC_ALL, LC_MESSAGES or LANG; tr... means Turkish)\n"
	        "      --step             show each line before it is sent and wait for Enter\n"
	        "                         on the terminal (c then Enter: go on without pausing)\n"
	        "      --delay MS         wait MS milliseconds before sending each line\n"
	        "                         (0 to 10000)\n"), f);
	if (which == TEACH_USAGE_SMTP)
		fputs(_("      --fail VERB[@N]=REPLY\n"
		        "                         answer the Nth VERB of each session (every one\n"
		        "                         without @N) with REPLY instead of carrying it out:\n"
		        "                         a whole reply line, a bare code (the usual text is\n"
		        "                         added) or close (hang up with no reply); VERB may\n"
		        "                         also be CONNECT (the greeting) or END (the reply\n"
		        "                         after the final dot); repeatable\n"), f);
	else if (which == TEACH_USAGE_POP3)
		fputs(_("      --fail VERB[@N]=REPLY\n"
		        "                         answer the Nth VERB of each session (every one\n"
		        "                         without @N) with REPLY instead of carrying it out:\n"
		        "                         a whole reply line, a bare -ERR (the usual text is\n"
		        "                         added) or close (hang up with no reply); VERB may\n"
		        "                         also be CONNECT (the greeting); repeatable\n"), f);
	else if (which == TEACH_USAGE_IMAP)
		fputs(_("      --fail VERB[@N]=REPLY\n"
		        "                         answer the Nth VERB of each session (every one\n"
		        "                         without @N) with REPLY instead of carrying it out:\n"
		        "                         NO, BAD or OK and a text (the tag is added), a\n"
		        "                         bare NO or BAD (the usual text is added), BYE\n"
		        "                         (closes) or close (hang up with no reply); VERB\n"
		        "                         may also be CONNECT (the greeting); repeatable\n"), f);
}

void teach_reset(struct teach *t)
{
	explain_init(&t->st);
	t->out_last = false;
}

/* Is a line with this tag one we send?  (A server's relay is a client.) */
static bool sent(const char *tag)
{
	return tag[0] == 'C'; /* only clients pipeline (RFC 2920 3.1) */
}

void teach_tracing(struct teach *t, const char *tag)
{
	/* Commands sent before the first of their replies: a batch. */
	if (t->explain && !sent(tag) && t->out_last)
		explain_batch(t->proto, t->st.npending, stderr);
}

void teach_traced(struct teach *t, const char *tag, const char *line,
                  size_t len)
{
	enum explain_dir dir = tag[0] == 'C' ? EXPLAIN_C : EXPLAIN_S;

	if (!t->explain)
		return;
	t->out_last = sent(tag);
	explain_line(t->proto, dir, line, len, &t->st, stderr);
}

bool teach_paced(const struct teach *t)
{
	return pace_active(&t->pace);
}

void teach_before_send(struct teach *t, const char *tag, const char *line,
                       size_t len)
{
	t->pace.tag = tag; /* a server's relay speaks as a client */
	pace_before_send(&t->pace, line, len);
}
