/*
 * Unit tests: the language rule (SPEC "Teaching modes"), the msgid
 * look-up, and the one table: no empty text, no duplicate msgid, every
 * Turkish text with the printf directives of its English one, in order.
 * "test_i18n --dump" prints every msgid C-escaped, one a line, for
 * tests/t_i18n.sh to compare with the msgids in the sources.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "i18n.h"

/*
 * The conversions of a printf format, each as its length modifier and
 * conversion ("lu", "s", "zu", "*" for a * width or precision), joined
 * by spaces.  Flags, widths and precisions may differ between languages
 * (%.0s swallows an English plural's "s"), the arguments may not.
 */
static void directives(const char *f, char *out, size_t cap)
{
	size_t k = 0;

	out[0] = '\0';
	for (; *f; f++) {
		if (*f != '%')
			continue;
		if (*++f == '%')
			continue;
		while (*f && strchr("-+ #0", *f))
			f++;
		for (int part = 0; part < 2; part++) { /* width, then .precision */
			if (part == 1 && *f == '.')
				f++;
			if (*f == '*')
				k += (size_t)snprintf(out + k, cap - k, "* "), f++;
			while (isdigit((unsigned char)*f))
				f++;
		}
		size_t start = k;
		while (*f && strchr("hljztL", *f) && k + 2 < cap)
			out[k++] = *f++;
		if (*f && k + 2 < cap)
			out[k++] = *f;
		if (k + 1 < cap)
			out[k++] = ' ';
		out[k] = '\0';
		if (!*f || k == start)
			break;
	}
}

static void dump(void)
{
	for (size_t i = 0; i < i18n_count(); i++) {
		for (const char *p = i18n_en(i); *p; p++) {
			switch (*p) {
			case '\n': fputs("\\n", stdout); break;
			case '\t': fputs("\\t", stdout); break;
			case '\r': fputs("\\r", stdout); break;
			case '"': fputs("\\\"", stdout); break;
			case '\\': fputs("\\\\", stdout); break;
			default: putchar(*p);
			}
		}
		putchar('\n');
	}
}

static void check_rule(void)
{
	enum i18n_lang l = I18N_TR;

	CHECK("rule: nothing set is English",
	      i18n_pick(NULL, NULL, NULL, NULL, &l) == 0 && l == I18N_EN);
	CHECK("rule: LANG=tr_TR.UTF-8 is Turkish",
	      i18n_pick(NULL, NULL, NULL, "tr_TR.UTF-8", &l) == 0 && l == I18N_TR);
	CHECK("rule: --lang en beats LANG=tr_TR.UTF-8",
	      i18n_pick("en", NULL, NULL, "tr_TR.UTF-8", &l) == 0 && l == I18N_EN);
	CHECK("rule: --lang tr beats LC_ALL=C",
	      i18n_pick("tr", "C", NULL, NULL, &l) == 0 && l == I18N_TR);
	CHECK("rule: LC_ALL beats LC_MESSAGES and LANG",
	      i18n_pick(NULL, "en_US.UTF-8", "tr_TR", "tr_TR", &l) == 0 && l == I18N_EN);
	CHECK("rule: empty LC_ALL is skipped, LC_MESSAGES decides",
	      i18n_pick(NULL, "", "tr", "en_US", &l) == 0 && l == I18N_TR);
	CHECK("rule: LC_MESSAGES beats LANG",
	      i18n_pick(NULL, NULL, "C", "tr_TR.UTF-8", &l) == 0 && l == I18N_EN);
	CHECK("rule: bare 'tr' is Turkish",
	      i18n_pick(NULL, NULL, NULL, "tr", &l) == 0 && l == I18N_TR);
	CHECK("rule: 'tt_RU' is not Turkish",
	      i18n_pick(NULL, NULL, NULL, "tt_RU", &l) == 0 && l == I18N_EN);
	CHECK("rule: --lang de refused", i18n_pick("de", NULL, NULL, NULL, &l) < 0);
	CHECK("rule: --lang TR refused (lower case only)",
	      i18n_pick("TR", NULL, NULL, NULL, &l) < 0);
	CHECK("rule: --lang '' refused", i18n_pick("", NULL, NULL, NULL, &l) < 0);
	CHECK("rule: --lang tr_TR refused", i18n_pick("tr_TR", NULL, NULL, NULL, &l) < 0);
}

static void check_lookup(void)
{
	i18n_set(I18N_EN);
	CHECK_STR("English is the msgid", _("Email sent successfully.\n"),
	          "Email sent successfully.\n");
	i18n_set(I18N_TR);
	CHECK_STR("Turkish success line", _("Email sent successfully.\n"),
	          "E-posta başarıyla gönderildi.\n");
	CHECK_STR("a msgid not in the table falls back to English",
	          tr_("no such msgid"), "no such msgid");
	CHECK("i18n_lookup says when a msgid is missing",
	      i18n_lookup("no such msgid", I18N_TR) == NULL);
	i18n_set(I18N_EN);
	setenv("LANG", "tr_TR.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	CHECK("i18n_init reads LANG", i18n_init(NULL) == 0 && i18n_lang() == I18N_TR);
	CHECK("i18n_init: --lang en beats LANG",
	      i18n_init("en") == 0 && i18n_lang() == I18N_EN);
	CHECK("i18n_init refuses --lang xx", i18n_init("xx") < 0);
}

static void check_table(void)
{
	size_t n = i18n_count(), empty = 0, dup = 0, bad = 0, lost = 0;
	char a[256], b[256];

	CHECK("table has entries", n > 100);
	CHECK("table fits the index (I18N_MSGS_MAX 1024)", n <= 1024);
	for (size_t i = 0; i < n; i++) {
		const char *en = i18n_en(i), *tr = i18n_tr(i);
		if (!en[0] || !tr[0])
			empty++;
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(en, i18n_en(j)) == 0)
				dup++, printf("#   duplicate msgid: %s\n", en);
		directives(en, a, sizeof a);
		directives(tr, b, sizeof b);
		if (strcmp(a, b) != 0)
			bad++, printf("#   directives differ: '%s' [%s] vs [%s]\n", en, a, b);
		if (i18n_lookup(en, I18N_TR) != tr)
			lost++, printf("#   look-up misses: %s\n", en);
	}
	CHECK("no empty text in either language", empty == 0);
	CHECK("no duplicate msgid", dup == 0);
	CHECK("printf directives match in order, every pair", bad == 0);
	CHECK("every msgid found by the sorted look-up", lost == 0);
	directives("%s: '%s' is %lu %.*s %%x %-5zu", a, sizeof a);
	CHECK_STR("directive parser", a, "s s lu * s zu ");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--dump") == 0) {
		dump();
		return 0;
	}
	check_rule();
	check_lookup();
	check_table();
	return CHECK_DONE();
}
