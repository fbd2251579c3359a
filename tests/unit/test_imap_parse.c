/* Unit tests: the IMAP tokenizer and sequence sets (lib/imap_parse). */
#include "check.h"
#include "imap_parse.h"

#include <unistd.h>

static struct imap_p ip;

static void on(const char *s)
{
	ip_init(&ip, s, strlen(s));
}

static const char *copied(const struct imap_str *s)
{
	static char out[256];

	if (!imap_str_copy(s, out, sizeof out))
		return "(refused)";
	return out;
}

int main(void)
{
	struct imap_str s;
	struct imap_seq set;
	uint32_t n;

	on("a1 LOGIN");
	CHECK("tag", ip_tag(&ip, &s) && s.n == 2 && ip_sp(&ip));
	CHECK("atom", ip_atom(&ip, &s) && is_word(&s, "login") && ip_eol(&ip));
	on("+tag");
	CHECK("a tag may not hold '+'", !ip_tag(&ip, &s));
	on("\"a \\\"quoted\\\" \\\\ string\" rest");
	CHECK("quoted string", ip_string(&ip, &s) && s.quoted);
	CHECK_STR("... unescaped", copied(&s), "a \"quoted\" \\ string");
	CHECK("... is no word", !is_word(&s, "rest"));
	on("\"bad \\x escape\"");
	CHECK("only \\\" and \\\\ may be escaped", !ip_string(&ip, &s));
	on("\"open");
	CHECK("an unclosed quote", !ip_string(&ip, &s));
	ip_init(&ip, "{5}\r\nab\0de next", 15);
	CHECK("literal with a NUL", ip_string(&ip, &s) && s.n == 5 && ip_sp(&ip));
	CHECK_STR("... copying refuses the NUL", copied(&s), "(refused)");
	on("{3+}\r\nxyz");
	CHECK("LITERAL+ form", ip_astring(&ip, &s) && s.n == 3 && ip_eol(&ip));
	on("{9}\r\nshort");
	CHECK("a literal longer than what is there", !ip_string(&ip, &s));
	on("{3}xyz");
	CHECK("a literal without CRLF", !ip_string(&ip, &s));
	on("INBOX]x");
	CHECK("astring takes ']'", ip_astring(&ip, &s) && s.n == 7);
	on("NIL");
	CHECK("NIL", ip_nil(&ip) && ip_eol(&ip));
	on("NILE");
	CHECK("NILE is not NIL", !ip_nil(&ip) && ip.p[0] == 'N');
	on("4294967295");
	CHECK("a number over 2^32-1", !ip_number(&ip, &n));
	on("4294967294");
	CHECK("the largest number", ip_number(&ip, &n) && n == 4294967294u);

	on("1:3,7,9:*,*");
	CHECK("sequence set", ip_seqset(&ip, &set) && set.n == 4 && ip_eol(&ip));
	CHECK("... 2 in it", imap_seq_has(&set, 2, 20));
	CHECK("... 5 not", !imap_seq_has(&set, 5, 20));
	CHECK("... 15 in 9:*", imap_seq_has(&set, 15, 20));
	CHECK("... * is the largest", imap_seq_has(&set, 20, 20));
	on("5:2");
	CHECK("a reversed range", ip_seqset(&ip, &set) && imap_seq_has(&set, 3, 9));
	on("*:4");
	CHECK("*:4 with * = 2 is 2:4", ip_seqset(&ip, &set) && imap_seq_has(&set, 3, 2) &&
	                               imap_seq_has(&set, 2, 2) && !imap_seq_has(&set, 1, 2));
	on("0");
	CHECK("0 is no sequence number", !ip_seqset(&ip, &set));
	on("1,");
	CHECK("a trailing comma", !ip_seqset(&ip, &set));
	on("1:");
	CHECK("a range without its end", !ip_seqset(&ip, &set));

	char pat[64];
	on("In%");
	CHECK("list-mailbox with a wildcard", ip_list_mailbox(&ip, pat, sizeof pat) &&
	                                      strcmp(pat, "In%") == 0);
	on("\"*\"");
	CHECK("list-mailbox quoted", ip_list_mailbox(&ip, pat, sizeof pat) && strcmp(pat, "*") == 0);
	on("\"\"");
	CHECK("list-mailbox empty", ip_list_mailbox(&ip, pat, sizeof pat) && pat[0] == '\0');
	CHECK("* matches INBOX", imap_list_match("*", "INBOX"));
	CHECK("inbox in any case", imap_list_match("inbox", "INBOX"));
	CHECK("I%X", imap_list_match("I%X", "INBOX"));
	CHECK("Sent does not", !imap_list_match("Sent", "INBOX"));
	CHECK("INBOX.x does not", !imap_list_match("INBOX.x", "INBOX"));
	/* Found by fuzz_imap_parse: the recursive matcher took exponential
	 * time on many wildcards (a client's LIST "" %%%...%y hung the
	 * session); alarm() makes a hang a failure. */
	char many[260];
	memset(many, '%', 250);
	strcpy(many + 250, "y");
	alarm(5);
	CHECK("250 wildcards then y: no match, at once", !imap_list_match(many, "INBOX"));
	many[250] = 'X';
	CHECK("250 wildcards then x: matches", imap_list_match(many, "INBOX"));
	alarm(0);
	CHECK("% stops at the delimiter", !imap_list_match("%", "a/b") && imap_list_match("%/%", "a/b"));
	CHECK("* does not", imap_list_match("*", "a/b") && imap_list_match("a*", "a/b/c"));
	CHECK("only letters are folded ('[' is not '{')", !imap_list_match("INBO[", "INBO{"));
	CHECK("the empty pattern matches only the empty name",
	      imap_list_match("", "") && !imap_list_match("", "INBOX"));
	return CHECK_DONE();
}
