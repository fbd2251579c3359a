/*
 * explain: picks the row that explains one trace line and prints it
 * (see explain.h).  The protocol tables are in explain_smtp.c,
 * explain_pop3.c and explain_imap.c; the rows for the message's own
 * lines, shared by the three, in explain_common.c.
 *
 * The state follows the dialogue as the trace shows it, command and
 * reply in order, so it knows when a line is part of a message (after
 * 354, in a RETR/TOP response, in an IMAP literal) and which command a
 * reply answers (a queue: with PIPELINING several are pending).
 */
#include "explain.h"

#include <ctype.h>
#include <string.h>

#include "base64.h"
#include "i18n.h"
#include "mime_in.h"

#define EXPLAIN_LINE_MAX 1024 /* of a trace line, what is looked at */
#define EXPLAIN_B64_MAX 384   /* decoded SASL text shown; longer is cut */
#define EXPLAIN_INDENT "   "  /* under the text after "C: " */
#define EXPLAIN_KEYWORD_MAX 32 /* an EHLO keyword: ENHANCEDSTATUSCODES is 19 */

static const struct explain_entry *table(enum explain_proto p, size_t *n)
{
	switch (p) {
	case EXPLAIN_SMTP: *n = explain_nsmtp; return explain_smtp;
	case EXPLAIN_POP3: *n = explain_npop3; return explain_pop3;
	default: *n = explain_nimap; return explain_imap;
	}
}

size_t explain_count(enum explain_proto proto)
{
	size_t n;

	table(proto, &n);
	return n + explain_ncommon;
}

const struct explain_entry *explain_entry_at(enum explain_proto proto, size_t i)
{
	size_t n;
	const struct explain_entry *t = table(proto, &n);

	if (i < n)
		return &t[i];
	return i - n < explain_ncommon ? &explain_common[i - n] : NULL;
}

const struct explain_entry *explain_find(enum explain_proto proto, const char *key)
{
	for (size_t i = 0; i < explain_count(proto); i++) {
		const struct explain_entry *e = explain_entry_at(proto, i);
		if (strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

/* Print key's row with up to two %s filled in; nothing when there is no row. */
static void say(enum explain_proto p, const char *key, const char *a,
                const char *b, FILE *out)
{
	const struct explain_entry *e = explain_find(p, key);
	char text[EXPLAIN_TEXT_MAX];

	if (e == NULL)
		return;
	/* The templates are ours, checked by tests/unit/test_explain: %s only. */
	snprintf(text, sizeof text, i18n_lang() == I18N_TR ? e->tr : e->en,
	         a ? a : "", b ? b : "");
	fprintf(out, EXPLAIN_INDENT "%s\n", text);
}

void explain_init(struct explain_state *st)
{
	memset(st, 0, sizeof *st);
}

void explain_batch(enum explain_proto proto, unsigned n, FILE *out)
{
	char count[16];

	if (n < 2)
		return;
	snprintf(count, sizeof count, "%u", n);
	say(proto, "batch", count, NULL, out);
}

/* ---- the command queue: which command is a reply for ---- */

static void push(struct explain_state *st, const char *verb)
{
	unsigned i;

	if (st->npending == EXPLAIN_PENDING_MAX)
		return; /* a trace we cannot follow: forget the newest */
	i = (st->head + st->npending++) % EXPLAIN_PENDING_MAX;
	snprintf(st->pending[i], EXPLAIN_VERB_MAX, "%s", verb);
}

/* The command the next reply answers ("" when none is pending). */
static const char *front(const struct explain_state *st)
{
	return st->npending ? st->pending[st->head] : "";
}

static void pop(struct explain_state *st)
{
	if (st->npending) {
		st->head = (st->head + 1) % EXPLAIN_PENDING_MAX;
		st->npending--;
	}
}

/* ---- pieces of a line ---- */

/* Word number `which` (0-based) of s, upper-cased, into w. */
static void word(const char *s, int which, char *w, size_t cap)
{
	size_t k = 0;

	while (which-- > 0) {
		s += strcspn(s, " ");
		s += strspn(s, " ");
	}
	while (*s && *s != ' ' && k + 1 < cap)
		w[k++] = (char)toupper((unsigned char)*s++);
	w[k] = '\0';
}

/* A SASL line decoded for showing: NUL as <NUL>, control bytes as '?'. */
static bool b64_text(const char *in, char *shown, size_t cap)
{
	unsigned char raw[EXPLAIN_LINE_MAX];
	size_t n = strlen(in), k = 0;
	long got;

	if (n == 0 || n / 4 * 3 > sizeof raw ||
	    (got = base64_decode(in, n, raw)) < 0)
		return false;
	for (long i = 0; i < got && k + 6 < cap; i++) {
		if (raw[i] == '\0') {
			memcpy(shown + k, "<NUL>", 5);
			k += 5;
		} else {
			shown[k++] = raw[i] < 32 || raw[i] == 127 ? '?' : (char)raw[i];
		}
	}
	shown[k] = '\0';
	return true;
}

/* A client's SASL response: base64, or "*" to cancel. */
static void sasl_response(enum explain_proto p, const char *s, FILE *out)
{
	char shown[EXPLAIN_B64_MAX];

	if (strcmp(s, "*") == 0)
		say(p, "b64-cancel", NULL, NULL, out);
	else if (b64_text(s, shown, sizeof shown))
		say(p, "b64", shown, NULL, out);
}

/* A line of a message (DATA, RETR, TOP, an IMAP literal). */
static void message_line(enum explain_proto p, struct explain_state *st,
                         const char *s, FILE *out)
{
	char name[40], decoded[EXPLAIN_TEXT_MAX / 2], key[48];
	size_t n = strcspn(s, ":");

	if (s[0] == '.' && s[1] == '.') {
		say(p, "dot-stuffed", NULL, NULL, out);
		return;
	}
	if (!st->in_header)
		return;
	if (s[0] == '\0') {
		st->in_header = false;
		say(p, "blank", NULL, NULL, out);
		return;
	}
	if (s[n] != ':' || n == 0 || n >= sizeof name || s[0] == ' ' || s[0] == '\t')
		return; /* a folded continuation line, or not a field */
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[n] = '\0';
	if (strcmp(name, "subject") == 0 && strstr(s, "=?")) {
		mime_decode_words(s + n + 1 + strspn(s + n + 1, " \t"), decoded,
		                  sizeof decoded);
		say(p, "hdr:subject-2047", decoded, NULL, out);
		return;
	}
	snprintf(key, sizeof key, "hdr:%s", name);
	say(p, key, NULL, NULL, out);
}

/* Two rows on one line, "first; second"; the second only if it exists. */
static void say2(enum explain_proto p, const char *key1, const char *a,
                 const char *key2, const char *b, FILE *out)
{
	const struct explain_entry *e1 = explain_find(p, key1);
	const struct explain_entry *e2 = key2 ? explain_find(p, key2) : NULL;
	char t1[EXPLAIN_TEXT_MAX], t2[EXPLAIN_TEXT_MAX];
	bool tr = i18n_lang() == I18N_TR;

	if (e1 == NULL || e2 == NULL) {
		say(p, e1 ? key1 : key2, e1 ? a : b, NULL, out);
		return;
	}
	snprintf(t1, sizeof t1, tr ? e1->tr : e1->en, a ? a : "", "");
	snprintf(t2, sizeof t2, tr ? e2->tr : e2->en, b ? b : "", "");
	fprintf(out, EXPLAIN_INDENT "%s; %s\n", t1, t2);
}

/* ---- SMTP (RFC 5321) ---- */

static void smtp_client(struct explain_state *st, const char *s, FILE *out)
{
	char verb[EXPLAIN_VERB_MAX], ir[EXPLAIN_LINE_MAX], shown[EXPLAIN_B64_MAX];

	if (st->in_data) {
		if (strcmp(s, ".") == 0) { /* C: .   the reply is the END reply */
			st->in_data = false;
			push(st, ".");
			say(EXPLAIN_SMTP, "data-end", NULL, NULL, out);
		} else {
			message_line(EXPLAIN_SMTP, st, s, out);
		}
		return;
	}
	if (st->auth_wait) { /* C: bWVsZWs=   after S: 334 */
		st->auth_wait = false;
		sasl_response(EXPLAIN_SMTP, s, out);
		return;
	}
	word(s, 0, verb, sizeof verb);
	push(st, verb);
	word(s, 2, ir, sizeof ir); /* AUTH PLAIN <initial response> (RFC 4954 4) */
	if (strcmp(verb, "AUTH") == 0 && ir[0] && strcmp(ir, "=") != 0) {
		s += strcspn(s, " "), s += strspn(s, " ");
		s += strcspn(s, " "), s += strspn(s, " ");
		if (b64_text(s, shown, sizeof shown)) {
			say(EXPLAIN_SMTP, "auth-ir", shown, NULL, out);
			return;
		}
	}
	say(EXPLAIN_SMTP, verb, NULL, NULL, out);
}

/* "5.1.1" at the start of a reply's text: its class key "x.1", or NULL. */
static const char *status_class(const char *text, int code, char *cls,
                                char *key)
{
	size_t a, b, c;

	if (text[0] != code / 100 + '0' || text[1] != '.')
		return NULL;
	a = strspn(text + 2, "0123456789");
	if (a < 1 || a > 3 || text[2 + a] != '.')
		return NULL;
	b = strspn(text + 3 + a, "0123456789");
	c = 3 + a + b;
	if (b < 1 || b > 3 || (text[c] && text[c] != ' '))
		return NULL;
	snprintf(cls, 16, "%.*s", (int)c, text);
	snprintf(key, 16, "x.%.*s", (int)a, text + 2);
	return key;
}

static void smtp_server(struct explain_state *st, const char *s, FILE *out)
{
	char verb[EXPLAIN_VERB_MAX], key[EXPLAIN_KEYWORD_MAX + 8], cls[EXPLAIN_KEYWORD_MAX];
	char ckey[16], shown[EXPLAIN_B64_MAX];
	const char *text = s[3] ? s + 4 : "", *enh;
	bool first = !st->in_multi, last = s[3] != '-';
	int code;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]) || (s[3] && s[3] != ' ' && s[3] != '-'))
		return;
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	snprintf(verb, sizeof verb, "%s", front(st));
	st->in_multi = !last;
	if (last && code != 334)
		pop(st);
	if (!first) { /* S: 250-PIPELINING   one line of a multi-line reply */
		word(text, 0, cls, sizeof cls);
		snprintf(key, sizeof key, "ext:%s", cls);
		if (strcmp(verb, "EHLO") == 0)
			say(EXPLAIN_SMTP, key, NULL, NULL, out);
		return;
	}
	st->auth_wait = code == 334;
	if (code == 354) {
		st->in_data = st->in_header = true;
	}
	if (code == 334 && text[0] && b64_text(text, shown, sizeof shown)) {
		say(EXPLAIN_SMTP, "334-b64", shown, NULL, out);
		return;
	}
	/* the reply to this command ("250:EHLO"), else the code, else its class */
	snprintf(key, sizeof key, "%d:%s", code, strcmp(verb, ".") == 0 ? "END" : verb);
	if (!explain_find(EXPLAIN_SMTP, key))
		snprintf(key, sizeof key, "%d", code);
	if (!explain_find(EXPLAIN_SMTP, key))
		snprintf(key, sizeof key, "%dxx", code / 100);
	enh = code >= 400 ? status_class(text, code, cls, ckey) : NULL;
	say2(EXPLAIN_SMTP, key, NULL, enh, cls, out);
}

/* ---- POP3 (RFC 1939, RFC 2449) ---- */

static void pop3_client(struct explain_state *st, const char *s, FILE *out)
{
	char verb[EXPLAIN_VERB_MAX], arg[EXPLAIN_VERB_MAX], queued[EXPLAIN_VERB_MAX];
	bool multi;

	if (st->auth_wait) { /* C: AHRlc3QAMTIzNA==   after S: + */
		st->auth_wait = false;
		sasl_response(EXPLAIN_POP3, s, out);
		return;
	}
	word(s, 0, verb, sizeof verb);
	word(s, 1, arg, sizeof arg);
	/* RFC 1939 3: which replies are multi-line, ended by a dot */
	multi = strcmp(verb, "RETR") == 0 || strcmp(verb, "TOP") == 0 ||
	        strcmp(verb, "CAPA") == 0 ||
	        (!arg[0] && (strcmp(verb, "LIST") == 0 || strcmp(verb, "UIDL") == 0 ||
	                     strcmp(verb, "AUTH") == 0));
	snprintf(queued, sizeof queued, "%.*s%s", EXPLAIN_VERB_MAX - 2, verb, multi ? "*" : "");
	push(st, queued);
	say(EXPLAIN_POP3, verb, NULL, NULL, out);
}

/* One line of a multi-line response (after +OK, before the dot). */
static void pop3_listing(struct explain_state *st, const char *s, FILE *out)
{
	char a[EXPLAIN_VERB_MAX * 4], b[EXPLAIN_VERB_MAX * 4], key[EXPLAIN_VERB_MAX * 4 + 8];

	if (strcmp(s, ".") == 0) {
		st->in_data = false;
		say(EXPLAIN_POP3, "list-end", NULL, NULL, out);
		return;
	}
	word(s, 0, a, sizeof a);
	word(s, 1, b, sizeof b);
	switch (st->list_kind) {
	case 'm':
		message_line(EXPLAIN_POP3, st, s, out);
		break;
	case 'l':
		say(EXPLAIN_POP3, "list-line", a, b, out);
		break;
	case 'u': /* the id keeps its case: take it from the line */
		snprintf(b, sizeof b, "%s", s + strcspn(s, " ") + strspn(s + strcspn(s, " "), " "));
		say(EXPLAIN_POP3, "uidl-line", a, b, out);
		break;
	case 'c':
		snprintf(key, sizeof key, "cap:%s", a);
		say(EXPLAIN_POP3, key, NULL, NULL, out);
		break;
	}
}

static void pop3_server(struct explain_state *st, const char *s, FILE *out)
{
	char verb[EXPLAIN_VERB_MAX], key[EXPLAIN_VERB_MAX + 8], a[24], b[24];
	const char *lt, *gt, *rb;
	bool multi, ok = strncmp(s, "+OK", 3) == 0;

	if (st->in_data) {
		pop3_listing(st, s, out);
		return;
	}
	if (!st->seen_server) { /* S: +OK POP3 ready <1896.697170952@dbc.mtview.ca.us> */
		st->seen_server = true;
		lt = strchr(s, '<');
		gt = lt ? strchr(lt, '>') : NULL;
		if (ok && gt && memchr(lt, '@', (size_t)(gt - lt))) {
			char stamp[EXPLAIN_TEXT_MAX / 2];
			snprintf(stamp, sizeof stamp, "%.*s", (int)(gt - lt + 1), lt);
			say(EXPLAIN_POP3, "greeting-apop", stamp, NULL, out);
		} else {
			say(EXPLAIN_POP3, ok ? "greeting" : "-ERR", NULL, NULL, out);
		}
		return;
	}
	if (s[0] == '+' && (s[1] == ' ' || s[1] == '\0')) { /* S: +   (RFC 5034 4) */
		st->auth_wait = true;
		say(EXPLAIN_POP3, "+ ", NULL, NULL, out);
		return;
	}
	if (!ok && strncmp(s, "-ERR", 4) != 0)
		return;
	snprintf(verb, sizeof verb, "%s", front(st));
	pop(st);
	multi = verb[0] && verb[strlen(verb) - 1] == '*';
	if (multi)
		verb[strlen(verb) - 1] = '\0';
	if (!ok) { /* S: -ERR [IN-USE] ...   (RFC 2449 8) */
		st->auth_wait = false;
		rb = s[4] == ' ' && s[5] == '[' ? strchr(s + 5, ']') : NULL;
		snprintf(key, sizeof key, "%.*s", rb ? (int)(rb - s - 4) : 0, s + 5);
		say(EXPLAIN_POP3, rb && explain_find(EXPLAIN_POP3, key) ? key : "-ERR",
		    NULL, NULL, out);
		return;
	}
	if (multi) {
		st->in_data = true;
		st->list_kind = strcmp(verb, "RETR") == 0 || strcmp(verb, "TOP") == 0 ? 'm'
		              : strcmp(verb, "LIST") == 0 ? 'l'
		              : strcmp(verb, "UIDL") == 0 ? 'u'
		              : strcmp(verb, "CAPA") == 0 ? 'c' : 's';
		st->in_header = st->list_kind == 'm';
	}
	snprintf(key, sizeof key, "+OK:%s", verb);
	word(s, 1, a, sizeof a);
	word(s, 2, b, sizeof b);
	say(EXPLAIN_POP3, explain_find(EXPLAIN_POP3, key) ? key : "+OK", a, b, out);
}

/* ---- IMAP4rev1 (RFC 3501) ---- */

/* A literal announced at the end of the line, "{n}" or "{n+}": n, else 0. */
static unsigned long literal_at_end(const char *s)
{
	size_t n = strlen(s);
	const char *open;
	unsigned long v = 0;

	if (n < 3 || s[n - 1] != '}' || (open = strrchr(s, '{')) == NULL)
		return 0;
	for (const char *p = open + 1; isdigit((unsigned char)*p); p++)
		v = v < 100000000UL ? v * 10 + (unsigned long)(*p - '0') : v;
	return v;
}

/*
 * Lines inside a literal: they are data, not protocol.  Returns true
 * when s was (all or the start of) a literal; a message's header lines
 * in it are explained like RETR's.
 */
static bool imap_literal(struct explain_state *st, enum explain_dir d,
                         const char *s, size_t len, FILE *out)
{
	if (st->literal[d] == 0)
		return false;
	if (len + 2 <= st->literal[d]) {
		st->literal[d] -= len + 2;
		if (d == EXPLAIN_S)
			message_line(EXPLAIN_IMAP, st, s, out);
	} else {
		/* the command or response goes on after it, maybe to another */
		st->literal[d] = literal_at_end(s);
	}
	return true;
}

static const char *imap_back(const struct explain_state *st)
{
	return st->npending ? st->pending[(st->head + st->npending - 1) % EXPLAIN_PENDING_MAX] : "";
}

static void imap_client(struct explain_state *st, const char *s, size_t len, FILE *out)
{
	char cmd[EXPLAIN_VERB_MAX];

	if (imap_literal(st, EXPLAIN_C, s, len, out))
		return;
	if (st->auth_wait) {
		st->auth_wait = false;
		sasl_response(EXPLAIN_IMAP, s, out);
		return;
	}
	word(s, 0, cmd, sizeof cmd);
	if (st->idling && strcmp(cmd, "DONE") == 0) {
		st->idling = false;
		say(EXPLAIN_IMAP, "DONE", NULL, NULL, out);
		return;
	}
	word(s, 1, cmd, sizeof cmd); /* after the tag */
	push(st, cmd);
	st->literal[EXPLAIN_C] = literal_at_end(s);
	say(EXPLAIN_IMAP, cmd, NULL, NULL, out);
}

static void imap_continuation(struct explain_state *st, FILE *out)
{
	const char *cmd = imap_back(st);

	if (strcmp(cmd, "AUTHENTICATE") == 0) {
		st->auth_wait = true;
		say(EXPLAIN_IMAP, "+b64", NULL, NULL, out);
	} else if (strcmp(cmd, "IDLE") == 0) {
		st->idling = true;
		say(EXPLAIN_IMAP, "+idle", NULL, NULL, out);
	} else {
		say(EXPLAIN_IMAP, "+", NULL, NULL, out);
	}
}

/* "[CODE" at the start of text: its key "[CODE]" in code, or NULL. */
static const char *resp_code(const char *text, char *code, size_t cap)
{
	size_t n;

	if (text[0] != '[')
		return NULL;
	n = strcspn(text + 1, " ]");
	snprintf(code, cap, "[%.*s]", (int)n, text + 1);
	for (char *p = code; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return explain_find(EXPLAIN_IMAP, code) ? code : NULL;
}

static void imap_untagged(struct explain_state *st, const char *s, FILE *out)
{
	char w1[EXPLAIN_VERB_MAX], w2[EXPLAIN_VERB_MAX], key[EXPLAIN_VERB_MAX + 2], code[32];
	const char *rest = s + 2 + strcspn(s + 2, " ");
	bool greeting = !st->seen_server;

	rest += strspn(rest, " ");
	word(s, 1, w1, sizeof w1);
	word(s, 2, w2, sizeof w2);
	st->seen_server = true;
	if (isdigit((unsigned char)w1[0])) { /* S: * 3 EXISTS, * 1 FETCH (...) */
		snprintf(key, sizeof key, "*%s", w2);
		say(EXPLAIN_IMAP, key, w1, NULL, out);
		if (strcmp(w2, "FETCH") == 0 && (st->literal[EXPLAIN_S] = literal_at_end(s)))
			st->in_header = true;
		return;
	}
	snprintf(key, sizeof key, "*%s", w1);
	if (greeting && strcmp(w1, "OK") == 0)
		say(EXPLAIN_IMAP, "*greeting", NULL, NULL, out);
	else if (strcmp(w1, "OK") == 0 && resp_code(rest, code, sizeof code))
		say(EXPLAIN_IMAP, code, NULL, NULL, out);
	else
		say(EXPLAIN_IMAP, key, NULL, NULL, out);
	st->literal[EXPLAIN_S] = literal_at_end(s);
}

static void imap_server(struct explain_state *st, const char *s, size_t len, FILE *out)
{
	char status[EXPLAIN_VERB_MAX], code[32];
	const char *rest;

	if (imap_literal(st, EXPLAIN_S, s, len, out))
		return;
	if (s[0] == '+' && (s[1] == ' ' || s[1] == '\0')) {
		imap_continuation(st, out);
		return;
	}
	if (s[0] == '*' && s[1] == ' ') {
		imap_untagged(st, s, out);
		return;
	}
	word(s, 1, status, sizeof status); /* S: a1 OK [READ-WRITE] SELECT completed */
	if (strcmp(status, "OK") != 0 && strcmp(status, "NO") != 0 &&
	    strcmp(status, "BAD") != 0)
		return;
	pop(st);
	st->auth_wait = false;
	rest = s + strcspn(s, " ");
	rest += strspn(rest, " ");
	rest += strcspn(rest, " ");
	rest += strspn(rest, " ");
	say2(EXPLAIN_IMAP, status, NULL, resp_code(rest, code, sizeof code), NULL, out);
}

void explain_line(enum explain_proto proto, enum explain_dir dir,
                  const char *line, size_t len, struct explain_state *st,
                  FILE *out)
{
	char s[EXPLAIN_LINE_MAX];
	size_t n = len < sizeof s - 1 ? len : sizeof s - 1;

	memcpy(s, line, n); /* a NUL in the line: what comes before it counts */
	s[n] = '\0';
	switch (proto) {
	case EXPLAIN_SMTP:
		if (dir == EXPLAIN_C)
			smtp_client(st, s, out);
		else
			smtp_server(st, s, out);
		break;
	case EXPLAIN_POP3:
		if (dir == EXPLAIN_C)
			pop3_client(st, s, out);
		else
			pop3_server(st, s, out);
		break;
	case EXPLAIN_IMAP:
		if (dir == EXPLAIN_C)
			imap_client(st, s, len, out);
		else
			imap_server(st, s, len, out);
		break;
	}
}
