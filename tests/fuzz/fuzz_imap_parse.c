/*
 * fuzz_imap_parse: imap_server's command reader and tokenizer
 * (lib/imap_parse), fed everything a client says.  The input goes
 * through imap_read_command() over a socketpair (lines, literals {n}
 * and {n+}, the line and literal limits), and each command it returns
 * is taken apart as imap_server would: tag, verb, then the argument
 * parsers in turn on what follows (sequence set, LIST pattern,
 * astrings, ID parameters, FETCH items, SEARCH keys, STORE flags).
 *
 * Checks: a command read whole keeps to IMAP_LINE_MAX outside its
 * literals and is NUL-terminated; a sequence set keeps to IMAP_SEQ_MAX
 * ranges and imap_seq_has() agrees with its ranges; a string copied
 * out holds no NUL and fits; a LIST pattern without wildcards matches
 * itself and "*" matches every name.
 */
#include "fuzz.h"
#include "imap_fetch.h"
#include "imap_parse.h"
#include "imap_search.h"

#include <strings.h>

#define LIT_MAX 4096 /* the literal limit the reader is given */

static void check_seqset(const struct imap_seq *set)
{
	fuzz_check(set->n >= 1 && set->n <= IMAP_SEQ_MAX);
	for (size_t i = 0; i < set->n; i++) {
		uint32_t lo = set->lo[i] < set->hi[i] ? set->lo[i] : set->hi[i];
		uint32_t hi = set->lo[i] < set->hi[i] ? set->hi[i] : set->lo[i];
		uint32_t star = hi == IMAP_STAR ? 100 : hi;
		if (lo == IMAP_STAR)
			lo = star;
		if (lo == 0) /* "0" is refused by ip_number's callers */
			continue;
		fuzz_check(imap_seq_has(set, lo, star));
		fuzz_check(imap_seq_has(set, star, star));
	}
}

static void check_copy(const struct imap_str *s)
{
	char out[64];

	memset(out, 'X', sizeof out);
	if (imap_str_copy(s, out, sizeof out)) {
		size_t n = strnlen(out, sizeof out);
		fuzz_check(n < sizeof out);
		fuzz_check(s->quoted || n == s->n);
	}
}

/* Every argument parser from the same place; each gets a fresh start. */
static void arguments(const char *p, const char *end)
{
	static struct imap_seq set;  /* large: not on the stack */
	static struct fetch_req req;
	struct imap_p ip;
	struct imap_str s;
	char pattern[256];
	uint32_t n;
	unsigned flags;

	ip_init(&ip, p, (size_t)(end - p));
	if (ip_seqset(&ip, &set))
		check_seqset(&set);
	ip_init(&ip, p, (size_t)(end - p));
	if (ip_list_mailbox(&ip, pattern, sizeof pattern)) {
		fuzz_check(strlen(pattern) < sizeof pattern);
		if (strpbrk(pattern, "%*") == NULL && pattern[0] != '\0')
			fuzz_check(imap_list_match(pattern, pattern));
		imap_list_match(pattern, "INBOX");
		imap_list_match(pattern, "a/b.c");
		fuzz_check(imap_list_match("*", pattern) || pattern[0] == '\0');
	}
	ip_init(&ip, p, (size_t)(end - p));
	while (ip_astring(&ip, &s)) {
		fuzz_check(s.p >= p && s.p + s.n <= end);
		check_copy(&s);
		if (!ip_sp(&ip))
			break;
	}
	ip_init(&ip, p, (size_t)(end - p));
	ip_id_params(&ip);
	ip_init(&ip, p, (size_t)(end - p));
	if (ip_seqset(&ip, &set) && ip_sp(&ip)) {
		struct imap_p at = ip;
		if (fetch_parse(&ip, &req, false))
			fuzz_check(req.n >= 1 && req.n <= FETCH_ATT_MAX);
		ip = at;
		if (ip_atom(&ip, &s) && ip_sp(&ip))
			fetch_parse_flags(&ip, &flags);
	}
	ip_init(&ip, p, (size_t)(end - p));
	struct search_prog *prog = NULL;
	search_parse(&ip, &prog);
	search_free(prog);
	ip_init(&ip, p, (size_t)(end - p));
	while (ip_number(&ip, &n) && ip_sp(&ip))
		;
}

/* One command as imap_session takes it: tag SP verb [SP args]. */
static void command(const struct imap_cmd *cmd)
{
	struct imap_p ip;
	struct imap_str tag, verb;

	ip_init(&ip, cmd->buf, cmd->len);
	if (!ip_tag(&ip, &tag) || !ip_sp(&ip) || !ip_atom(&ip, &verb))
		return;
	fuzz_check(tag.n > 0 && verb.n > 0);
	if (is_word(&verb, "UID") && ip_sp(&ip))
		ip_atom(&ip, &verb);
	if (ip_eol(&ip) || !ip_sp(&ip))
		return;
	arguments(ip.p, ip.end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_cmd cmd = { 0 };
	struct conn c;
	struct imap_out out;
	enum conn_status st = CONN_LINE;
	int other, fd = fuzz_peer(data, size, &other);

	if (fd < 0)
		return 0;
	conn_init(&c, fd, fd, 5, false, CONN_SERVER);
	iout_init(&out, &c);
	for (int k = 0; k < 1000; k++) {
		cmd.len = cmd.text = 0;
		enum imap_read r = imap_read_command(&c, &out, &cmd, LIT_MAX, &st);
		if (r == IMAP_READ_CONN || r == IMAP_READ_NOMEM)
			break;
		fuzz_check(cmd.buf != NULL && cmd.len < cmd.cap);
		fuzz_check(cmd.buf[cmd.len] == '\0');
		if (r != IMAP_READ_OK)
			continue;
		fuzz_check(cmd.text <= IMAP_LINE_MAX);
		command(&cmd);
	}
	iout_flush(&out);
	imap_cmd_free(&cmd);
	close(fd);
	close(other);
	return 0;
}
