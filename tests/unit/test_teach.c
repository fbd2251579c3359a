/* Unit tests: the teaching options bundle (lib/teach). */
#include "check.h"
#include "i18n.h"
#include "session.h"
#include "teach.h"

#include <stdlib.h>
#include <string.h>

static void noop(struct session *s, char *arg)
{
	(void)s;
	(void)arg;
}

static const struct session_command table[] = {
	{ "HELO", 1, 0, 0, NULL, noop },
	{ "RCPT", 1, 0, 0, NULL, noop },
	{ NULL, 0, 0, 0, NULL, NULL },
};

/* teach_lang on these arguments: the language it picked. */
static enum i18n_lang lang_of(int argc, char **argv)
{
	teach_lang(argc, argv);
	return i18n_lang();
}

static void test_lang(void)
{
	char *a[] = { "prog", "-v", "--lang", "tr", NULL };
	char *b[] = { "prog", "--lang=en", NULL };
	char *c[] = { "prog", "--la", "tr", NULL };
	char *d[] = { "prog", "--", "--lang", "tr", NULL };
	char *e[] = { "prog", "--lang", "en", "--lang", "tr", NULL };

	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "C", 1);
	CHECK("--lang tr, after another option", lang_of(4, a) == I18N_TR);
	CHECK("--lang=en", lang_of(2, b) == I18N_EN);
	CHECK("--la tr: getopt_long's abbreviation too", lang_of(3, c) == I18N_TR);
	i18n_set(I18N_TR);
	CHECK("after --, --lang is an operand (LANG=C: English)", lang_of(4, d) == I18N_EN);
	CHECK("the last --lang wins, as in getopt", lang_of(5, e) == I18N_TR);
	setenv("LANG", "tr_TR.UTF-8", 1);
	CHECK("no --lang: LANG=tr_TR.UTF-8 decides", lang_of(1, a) == I18N_TR);
	i18n_set(I18N_EN);
}

static void test_options(void)
{
	static struct teach t, s;

	CHECK("-e", teach_option(&t, 'e', NULL) && t.explain);
	CHECK("--step", teach_option(&t, TEACH_OPT_STEP, NULL) && t.pace.step);
	CHECK("--delay 250", teach_option(&t, TEACH_OPT_DELAY, "250") && t.pace.delay_ms == 250);
	CHECK("a client has no --fail", !teach_option(&t, TEACH_OPT_FAIL, "RCPT=450"));
	CHECK("another option is not ours", !teach_option(&t, 'v', NULL));
	teach_server(&s, FAULT_SMTP, table);
	CHECK("a server's verbs come from its command table",
	      s.verbs[0] && strcmp(s.verbs[0], "HELO") == 0 &&
	      strcmp(s.verbs[1], "RCPT") == 0 && s.verbs[2] == NULL);
	CHECK("--fail RCPT@2=450 on a server",
	      teach_option(&s, TEACH_OPT_FAIL, "RCPT@2=450") && s.faults.n == 1 &&
	      s.faults.f[0].nth == 2 && strncmp(s.faults.f[0].reply, "450 4.2.0", 9) == 0);
	CHECK("--fail END=554 (SMTP's own END)",
	      teach_option(&s, TEACH_OPT_FAIL, "END=554") && s.faults.n == 2);
}

int main(void)
{
	test_lang();
	test_options();
	return CHECK_DONE();
}
