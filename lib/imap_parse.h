/*
 * imap_parse: reading an IMAP command off the wire and taking it apart
 * (RFC 3501 9, the formal syntax).
 *
 * A command is one line, or several when it carries literals: a line
 * ending in "{n}" (synchronizing: the server answers "+" first) or
 * "{n+}" (RFC 7888 LITERAL+: the octets follow at once) is followed by
 * n octets and the rest of the command.  imap_read_command() gathers
 * all of it into one buffer, exactly as it crossed the wire, with a
 * hard limit on the text outside literals and on each literal.
 *
 * The tokenizer then walks that buffer: tags, atoms, quoted strings,
 * literals, astrings, numbers, parenthesised lists and sequence sets.
 * Pure functions over memory, unit-tested in tests/unit/test_imap_parse.
 */
#ifndef MAILAB_IMAP_PARSE_H
#define MAILAB_IMAP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "imap_out.h"

#define IMAP_LINE_MAX 8192   /* octets of a command outside its literals */
#define IMAP_SEQ_MAX 1024    /* ranges in one sequence set */
#define IMAP_STAR UINT32_MAX /* "*" in a sequence set: the largest */
#define IMAP_TRACE_LITERAL_MAX 1024 /* -v shows longer literals as a note */
#define IMAP_LIST_NAME_MAX 255 /* a mailbox name LIST matches patterns on */

/* One command as read: the wire bytes, CRLF before each literal. */
struct imap_cmd {
	char *buf;
	size_t len, cap;
	size_t text;   /* octets outside literals so far */
};

enum imap_read {
	IMAP_READ_OK,
	IMAP_READ_TOOLONG,  /* over IMAP_LINE_MAX: drained to its end */
	IMAP_READ_LITBIG,   /* a literal over the limit: refused/dropped */
	IMAP_READ_NOMEM,
	IMAP_READ_CONN      /* the connection ended: see *st */
};

/*
 * Read one whole command.  A synchronizing literal gets "+ Ready for
 * literal data" through out before its octets are read; one over
 * lit_max is refused instead (the client then sends the rest of the
 * line, which is read and dropped).  A non-synchronizing one over the
 * limit is read and thrown away.
 */
enum imap_read imap_read_command(struct conn *c, struct imap_out *out,
                                 struct imap_cmd *cmd,
                                 unsigned long long lit_max,
                                 enum conn_status *st);
void imap_cmd_free(struct imap_cmd *cmd);

/* A piece of the buffer: strings may hold NUL (literals). */
struct imap_str {
	const char *p;
	size_t n;
	bool quoted;   /* p still holds the backslash escapes */
};

struct imap_p {
	const char *p, *end;
};

void ip_init(struct imap_p *ip, const char *buf, size_t len);
bool ip_eol(const struct imap_p *ip);
bool ip_sp(struct imap_p *ip);                 /* one space */
bool ip_char(struct imap_p *ip, char ch);      /* that character */
bool ip_tag(struct imap_p *ip, struct imap_str *s);
bool ip_atom(struct imap_p *ip, struct imap_str *s);
bool ip_string(struct imap_p *ip, struct imap_str *s);   /* quoted/literal */
bool ip_astring(struct imap_p *ip, struct imap_str *s);
bool ip_nil(struct imap_p *ip);                /* the atom NIL */
bool ip_number(struct imap_p *ip, uint32_t *n);   /* 1..2^32-1 or 0 */
/* Does a string equal word, ignoring ASCII case? */
bool is_word(const struct imap_str *s, const char *word);
/*
 * Copy a string out, NUL-terminated: false when it holds NUL or does
 * not fit in cap.  Quoted strings are unescaped.
 */
bool imap_str_copy(const struct imap_str *s, char *out, size_t cap);

/* RFC 3501 6.3.8: list-mailbox, an astring that may hold % and *;
 * copied into out.  And whether a mailbox name matches such a pattern
 * (INBOX in any case, RFC 3501 5.1; "%" stops at "/"), in time the
 * product of their lengths. */
bool ip_list_mailbox(struct imap_p *ip, char *out, size_t cap);
bool imap_list_match(const char *pattern, const char *name);

/* RFC 2971 3.1: ID's argument, NIL or ("field" "value" ...), up to
 * the end of the command; false: a syntax error. */
bool ip_id_params(struct imap_p *ip);

/* RFC 3501 9: sequence-set, "*" kept as IMAP_STAR until used. */
struct imap_seq {
	size_t n;
	uint32_t lo[IMAP_SEQ_MAX], hi[IMAP_SEQ_MAX];
};
bool ip_seqset(struct imap_p *ip, struct imap_seq *set);
/* Is x in the set, with "*" meaning star (the largest number)? */
bool imap_seq_has(const struct imap_seq *set, uint32_t x, uint32_t star);

#endif
