/* imap_search: SEARCH keys and their evaluation.  See imap_search.h. */
#include "imap_search.h"
#include "imap_msg.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum node_kind { N_AND, N_OR, N_NOT, N_ALL, N_FLAG, N_NOFLAG, N_NEW, N_OLD,
	         N_SEQ, N_UID, N_LARGER, N_SMALLER, N_BEFORE, N_ON, N_SINCE,
	         N_HEADER, N_BODY, N_TEXT, N_NONE };

struct node {
	enum node_kind kind;
	int first, next;   /* children (AND, OR, NOT), siblings */
	unsigned flag;
	unsigned long long num;  /* sizes, dates (days) */
	struct imap_seq *set;
	char field[64];
	char text[SEARCH_TEXT_MAX];
};

struct search_prog {
	struct node node[SEARCH_NODES_MAX];
	int n;
};

static int new_node(struct search_prog *pr, enum node_kind k)
{
	if (pr->n == SEARCH_NODES_MAX)
		return -1;
	memset(&pr->node[pr->n], 0, sizeof pr->node[0]);
	pr->node[pr->n].kind = k;
	pr->node[pr->n].first = pr->node[pr->n].next = -1;
	return pr->n++;
}

static const struct { const char *word; enum node_kind k; unsigned flag; } simple[] = {
	{ "ALL", N_ALL, 0 }, { "ANSWERED", N_FLAG, IF_ANSWERED },
	{ "DELETED", N_FLAG, IF_DELETED }, { "DRAFT", N_FLAG, IF_DRAFT },
	{ "FLAGGED", N_FLAG, IF_FLAGGED }, { "RECENT", N_FLAG, IF_RECENT },
	{ "SEEN", N_FLAG, IF_SEEN }, { "UNANSWERED", N_NOFLAG, IF_ANSWERED },
	{ "UNDELETED", N_NOFLAG, IF_DELETED }, { "UNDRAFT", N_NOFLAG, IF_DRAFT },
	{ "UNFLAGGED", N_NOFLAG, IF_FLAGGED }, { "UNSEEN", N_NOFLAG, IF_SEEN },
	{ "NEW", N_NEW, 0 }, { "OLD", N_OLD, 0 },
};

static const struct { const char *word; const char *field; } texts[] = {
	{ "FROM", "From" }, { "TO", "To" }, { "CC", "Cc" }, { "BCC", "Bcc" },
	{ "SUBJECT", "Subject" }, { "BODY", "" }, { "TEXT", NULL },
};

/* date = "dd-Mon-yyyy" (or quoted): days since 1970, -1 if bad. */
static long long parse_date(const struct imap_str *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char buf[16], mon[4];
	unsigned d, y;

	if (!imap_str_copy(s, buf, sizeof buf) ||
	    sscanf(buf, "%2u-%3[A-Za-z]-%4u", &d, mon, &y) != 3 || d < 1 || d > 31)
		return -1;
	for (int m = 0; m < 12; m++)
		if (strncasecmp(months + 3 * m, mon, 3) == 0) {
			/* days from the civil date, no time zone involved */
			long long yy = (long long)y - (m < 2), era = (yy >= 0 ? yy : yy - 399) / 400;
			long long yoe = yy - era * 400, mm = m + 1;
			long long doy = (153 * (mm + (mm > 2 ? -3 : 9)) + 2) / 5 + d - 1;
			long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
			return era * 146097 + doe - 719468;
		}
	return -1;
}

static int key(struct imap_p *ip, struct search_prog *pr);

/* search-key *(SP search-key): an AND node. */
static int key_list(struct imap_p *ip, struct search_prog *pr, bool paren)
{
	int and = new_node(pr, N_AND), last = -1;

	if (and < 0)
		return -1;
	do {
		int k = key(ip, pr);
		if (k < 0)
			return -1;
		if (last < 0)
			pr->node[and].first = k;
		else
			pr->node[last].next = k;
		last = k;
	} while (ip_sp(ip) && !(paren && ip->p < ip->end && *ip->p == ')'));
	return and;
}

static int text_key(struct imap_p *ip, struct search_prog *pr, const char *field)
{
	struct imap_str s;
	int k = new_node(pr, field == NULL ? N_TEXT : field[0] ? N_HEADER : N_BODY);

	if (k < 0 || !ip_sp(ip) || !ip_astring(ip, &s) ||
	    !imap_str_copy(&s, pr->node[k].text, SEARCH_TEXT_MAX))
		return -1;
	if (field)
		str_copy(pr->node[k].field, field, sizeof pr->node[k].field);
	return k;
}

static int key(struct imap_p *ip, struct search_prog *pr)
{
	struct imap_str w, s;
	int k;

	if (ip_char(ip, '(')) {
		k = key_list(ip, pr, true);
		return k >= 0 && ip_char(ip, ')') ? k : -1;
	}
	if (ip->p < ip->end && (*ip->p == '*' || (*ip->p >= '0' && *ip->p <= '9'))) {
		if ((k = new_node(pr, N_SEQ)) < 0 ||
		    !(pr->node[k].set = malloc(sizeof *pr->node[k].set)))
			return -1;
		return ip_seqset(ip, pr->node[k].set) ? k : -1;
	}
	if (!ip_atom(ip, &w))
		return -1;
	for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
		if (is_word(&w, simple[i].word)) {
			if ((k = new_node(pr, simple[i].k)) >= 0)
				pr->node[k].flag = simple[i].flag;
			return k;
		}
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (is_word(&w, texts[i].word))
			return text_key(ip, pr, texts[i].field);
	if (is_word(&w, "HEADER")) {
		char field[64];
		if (!ip_sp(ip) || !ip_astring(ip, &s) || !imap_str_copy(&s, field, sizeof field))
			return -1;
		return text_key(ip, pr, field);
	}
	if (is_word(&w, "NOT") || is_word(&w, "OR")) {
		bool or = w.n == 2;
		if ((k = new_node(pr, or ? N_OR : N_NOT)) < 0 || !ip_sp(ip))
			return -1;
		int a = key(ip, pr), b = 0;
		if (a < 0 || (or && (!ip_sp(ip) || (b = key(ip, pr)) < 0)))
			return -1;
		pr->node[k].first = a;
		if (or)
			pr->node[a].next = b;
		return k;
	}
	if (is_word(&w, "UID")) {
		if ((k = new_node(pr, N_UID)) < 0 || !ip_sp(ip) ||
		    !(pr->node[k].set = malloc(sizeof *pr->node[k].set)))
			return -1;
		return ip_seqset(ip, pr->node[k].set) ? k : -1;
	}
	if (is_word(&w, "KEYWORD") || is_word(&w, "UNKEYWORD")) {
		k = new_node(pr, w.n == 7 ? N_NONE : N_ALL);
		return k >= 0 && ip_sp(ip) && ip_atom(ip, &s) ? k : -1;
	}
	static const struct { const char *word; enum node_kind k; } nums[] = {
		{ "LARGER", N_LARGER }, { "SMALLER", N_SMALLER },
		{ "BEFORE", N_BEFORE }, { "ON", N_ON }, { "SINCE", N_SINCE },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		uint32_t n;
		long long days;
		if (!is_word(&w, nums[i].word))
			continue;
		if ((k = new_node(pr, nums[i].k)) < 0 || !ip_sp(ip))
			return -1;
		if (i < 2 && ip_number(ip, &n))
			pr->node[k].num = n;
		else if (i >= 2 && ip_astring(ip, &s) && (days = parse_date(&s)) >= 0)
			pr->node[k].num = (unsigned long long)days;
		else
			return -1;
		return k;
	}
	return -1;
}

enum search_parse search_parse(struct imap_p *ip, struct search_prog **prog)
{
	struct search_prog *pr = calloc(1, sizeof *pr);
	struct imap_p save = *ip;
	struct imap_str w, cs;

	*prog = pr;
	if (pr == NULL)
		return SEARCH_BAD;
	/* RFC 3501 6.4.4: [CHARSET astring SP] */
	if (ip_atom(ip, &w) && is_word(&w, "CHARSET")) {
		char name[32];
		if (!ip_sp(ip) || !ip_astring(ip, &cs) || !ip_sp(ip))
			return SEARCH_BAD;
		if (!imap_str_copy(&cs, name, sizeof name) ||
		    (strcasecmp(name, "UTF-8") != 0 && strcasecmp(name, "US-ASCII") != 0))
			return SEARCH_BADCHARSET;
	} else {
		*ip = save;
	}
	return key_list(ip, pr, false) == 0 && ip_eol(ip) ? SEARCH_OK : SEARCH_BAD;
}

void search_free(struct search_prog *pr)
{
	for (int i = 0; pr && i < pr->n; i++)
		free(pr->node[i].set);
	free(pr);
}

/* One message being tried: its file and structure opened on demand. */
struct trial {
	struct imbox *b;
	size_t i;
	int fd;
	bool parsed, gone;
	struct imsg m;
};

static bool text_match(struct trial *t, const struct node *nd)
{
	if (t->fd < 0 && !t->gone && (t->fd = imbox_open_msg(t->b, t->i)) < 0)
		t->gone = true;
	if (!t->gone && !t->parsed) {
		t->parsed = imsg_parse(t->fd, &t->m) == 0;
		t->gone = !t->parsed;
	}
	if (t->gone)
		return false;
	return imsg_contains(t->fd, &t->m, nd->kind == N_TEXT ? NULL
	                                   : nd->kind == N_BODY ? "" : nd->field,
	                     nd->text);
}

static bool eval(struct trial *t, const struct search_prog *pr, int k)
{
	const struct node *nd = &pr->node[k];
	const struct imbox_msg *msg = &t->b->msg[t->i];
	long long day = msg->date / 86400;

	switch (nd->kind) {
	case N_AND:
		for (int c = nd->first; c >= 0; c = pr->node[c].next)
			if (!eval(t, pr, c))
				return false;
		return true;
	case N_OR:
		return eval(t, pr, nd->first) || eval(t, pr, pr->node[nd->first].next);
	case N_NOT: return !eval(t, pr, nd->first);
	case N_ALL: return true;
	case N_NONE: return false;
	case N_FLAG: return (msg->flags & nd->flag) != 0;
	case N_NOFLAG: return (msg->flags & nd->flag) == 0;
	case N_NEW: return (msg->flags & (IF_RECENT | IF_SEEN)) == IF_RECENT;
	case N_OLD: return (msg->flags & IF_RECENT) == 0;
	case N_SEQ: return imap_seq_has(nd->set, (uint32_t)t->i + 1, (uint32_t)t->b->n);
	case N_UID:
		return imap_seq_has(nd->set, msg->uid,
		                    t->b->n ? t->b->msg[t->b->n - 1].uid : 0);
	case N_LARGER: return imbox_size(t->b, t->i) > nd->num;
	case N_SMALLER: return imbox_size(t->b, t->i) < nd->num;
	case N_BEFORE: return day < (long long)nd->num;
	case N_ON: return day == (long long)nd->num;
	case N_SINCE: return day >= (long long)nd->num;
	case N_HEADER:
	case N_BODY:
	case N_TEXT:
		return text_match(t, nd);
	}
	return false;
}

size_t search_run(struct imap_out *o, struct imbox *b,
                  const struct search_prog *prog, bool uid)
{
	size_t gone = 0;

	iout_puts(o, "* SEARCH");
	for (size_t i = 0; i < b->n; i++) {
		struct trial t = { .b = b, .i = i, .fd = -1 };
		if (eval(&t, prog, 0))
			iout_printf(o, " %lu", uid ? (unsigned long)b->msg[i].uid
			                           : (unsigned long)i + 1);
		gone += t.gone;
		if (t.fd >= 0)
			close(t.fd);
		if (t.parsed)
			imsg_free(&t.m);
	}
	iout_end(o);
	return gone;
}
