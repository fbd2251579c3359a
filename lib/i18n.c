/*
 * i18n: the language rule and the msgid look-up (see i18n.h).  The
 * table is kept in source order (grouped by program, as a translator
 * reads it); an index sorted by strcmp() is built once, before the
 * first look-up, so a look-up is a binary search.
 */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

/* Bounds the index; tests/unit/test_i18n checks the table fits. */
#define I18N_MSGS_MAX 1024

static enum i18n_lang current = I18N_EN;
static const struct i18n_msg *sorted[I18N_MSGS_MAX];
static size_t nsorted;

int i18n_pick(const char *opt, const char *lc_all, const char *lc_messages,
              const char *lang, enum i18n_lang *out)
{
	const char *env[3] = { lc_all, lc_messages, lang };

	if (opt) {
		if (strcmp(opt, "en") != 0 && strcmp(opt, "tr") != 0)
			return -1;
		*out = opt[0] == 't' ? I18N_TR : I18N_EN;
		return 0;
	}
	*out = I18N_EN;
	/* POSIX 8.2: the first of these that is set and non-empty wins. */
	for (int i = 0; i < 3; i++) {
		if (env[i] && env[i][0]) {
			if (strncmp(env[i], "tr", 2) == 0)
				*out = I18N_TR;
			return 0;
		}
	}
	return 0;
}

/* Entry i of the one table: the messages, then the usage texts. */
static const struct i18n_msg *entry(size_t i)
{
	if (i < i18n_nmsgs)
		return &i18n_msgs[i];
	return i - i18n_nmsgs < i18n_nusage ? &i18n_usage[i - i18n_nmsgs] : NULL;
}

static int by_en(const void *a, const void *b)
{
	const struct i18n_msg *const *x = a, *const *y = b;

	return strcmp((*x)->en, (*y)->en);
}

static void build_index(void)
{
	if (nsorted)
		return;
	for (size_t i = 0; i < i18n_count() && i < I18N_MSGS_MAX; i++)
		sorted[nsorted++] = entry(i);
	qsort(sorted, nsorted, sizeof sorted[0], by_en);
}

int i18n_init(const char *opt)
{
	enum i18n_lang l;

	build_index();
	if (i18n_pick(opt, getenv("LC_ALL"), getenv("LC_MESSAGES"),
	              getenv("LANG"), &l) < 0)
		return -1;
	current = l;
	return 0;
}

void i18n_set(enum i18n_lang lang)
{
	current = lang;
}

enum i18n_lang i18n_lang(void)
{
	return current;
}

static int key_cmp(const void *key, const void *elem)
{
	const struct i18n_msg *const *m = elem;

	return strcmp(key, (*m)->en);
}

const char *i18n_lookup(const char *msgid, enum i18n_lang lang)
{
	const struct i18n_msg *const *m;

	build_index();
	m = bsearch(msgid, sorted, nsorted, sizeof sorted[0], key_cmp);
	if (!m)
		return NULL;
	return lang == I18N_TR ? (*m)->tr : (*m)->en;
}

const char *tr_(const char *msgid)
{
	const char *t;

	if (current == I18N_EN)
		return msgid;
	t = i18n_lookup(msgid, current);
	return t ? t : msgid; /* a missing entry is a test failure, not a crash */
}

size_t i18n_count(void)
{
	return i18n_nmsgs + i18n_nusage;
}

const char *i18n_en(size_t i)
{
	return entry(i) ? entry(i)->en : NULL;
}

const char *i18n_tr(size_t i)
{
	return entry(i) ? entry(i)->tr : NULL;
}
