/*
 * i18n: the language a person reads, English or Turkish (SPEC "Teaching
 * modes").  Protocol text on the wire never goes through here: only
 * usage texts, errors, status lines, the decoded view and explanations.
 *
 * The rule: --lang en|tr wins; else the first of LC_ALL, LC_MESSAGES,
 * LANG that is set and non-empty decides; a value starting with "tr"
 * means Turkish; anything else (or nothing) means English.
 *
 * A message is looked up by its English text (the msgid), as gettext
 * does, from one table of {English, Turkish} pairs in i18n.c:
 *
 *     printf(_("%lu new messages saved in %s/new\n"), n, dir);
 *
 * Rules for msgids (tests/t_i18n.sh checks them): the argument of _()
 * or N_() is one or more adjacent plain string literals — no macro, no
 * \x or octal escape — and every msgid in the programs and in lib/ is in the table,
 * and every table entry is used.  The Turkish text keeps the printf
 * directives of the English one, in the same order (tests/unit/test_i18n).
 */
#ifndef MAILAB_I18N_H
#define MAILAB_I18N_H

#include <stddef.h>

enum i18n_lang { I18N_EN, I18N_TR };

#if defined(__GNUC__) || defined(__clang__)
#define I18N_FORMAT_ARG __attribute__((format_arg(1)))
#else
#define I18N_FORMAT_ARG
#endif

/*
 * The language for these settings (pure; for tests and for i18n_init):
 * opt is --lang's value or NULL.  Returns -1 when opt is neither "en"
 * nor "tr".
 */
int i18n_pick(const char *opt, const char *lc_all, const char *lc_messages,
              const char *lang, enum i18n_lang *out);

/*
 * At start-up, after the options: opt is --lang's value or NULL.
 * Returns 0, or -1 for a bad --lang value (the caller dies with
 * EX_USAGE: "--lang: 'xx' is not en or tr").
 */
int i18n_init(const char *opt);

void i18n_set(enum i18n_lang lang);
enum i18n_lang i18n_lang(void);

/* The text of msgid in the current language (msgid itself in English). */
const char *tr_(const char *msgid) I18N_FORMAT_ARG;

/* The text of msgid in lang, or NULL when the table lacks it. */
const char *i18n_lookup(const char *msgid, enum i18n_lang lang) I18N_FORMAT_ARG;

#define _(s) tr_(s)
/* Marks a msgid in a static table; translate it with _() where it is used. */
#define N_(s) (s)
/* The text of a msgid kept in a variable (marked with N_() where it is
 * written): the same look-up as _(), for what t_i18n.sh cannot see. */
#define i18n_text(s) tr_(s)

/* The table, for tests: entry i's English and Turkish texts. */
size_t i18n_count(void);
const char *i18n_en(size_t i);
const char *i18n_tr(size_t i);

/*
 * The table itself: messages in i18n_tr.c, grouped by program for
 * translators, and the usage texts in i18n_usage.c.
 */
struct i18n_msg {
	const char *en, *tr;
};
extern const struct i18n_msg i18n_msgs[], i18n_usage[];
extern const size_t i18n_nmsgs, i18n_nusage;

#endif
