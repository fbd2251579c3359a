/*
 * mime_in: the reading side of MIME, for showing a received message as
 * readable UTF-8 text.  It is fed the message one line at a time (or a
 * long line in pieces) and writes as it goes, so memory stays the same
 * whatever the size of the message.
 *
 * Covers: header unfolding (RFC 5322 2.2.3); encoded words in headers
 * and in attachment names (RFC 2047, B and Q); RFC 2231 "name*=" values
 * in their simple one-piece form; Content-Type and its parameters,
 * Content-Transfer-Encoding 7bit/8bit/binary/quoted-printable/base64
 * (RFC 2045 6); multipart bodies with their boundaries, nested up to
 * MIME_DEPTH_MAX (RFC 2046 5.1).  Charsets: UTF-8 and US-ASCII as they
 * are, ISO-8859-1 and ISO-8859-9 (Turkish) converted to UTF-8 (lib/charset);
 * any other charset is shown as UTF-8 would be, with a note.
 *
 * What it shows: the From, To, Cc, Date and Subject headers decoded
 * (and keeps From, Subject and Date for a table of messages),
 * the first text part decoded, then a list of the other parts
 * (attachments) with name, type and decoded size.  Control characters
 * that could drive a terminal are shown as '?': C0 (ESC...), DEL and
 * C1 (0x80-0x9F raw, or U+0080-U+009F such as CSI U+009B in UTF-8),
 * and any byte that is not valid UTF-8 in a UTF-8 (or unknown) text.
 *
 * Leaves out: RFC 2231 continuations (name*0*=), message/rfc822 parts
 * shown inside (they are listed as attachments), other charsets.
 */
#ifndef MAILAB_MIME_IN_H
#define MAILAB_MIME_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MIME_HEADER_MAX 4096  /* one unfolded header kept; more is cut */
#define MIME_DEPTH_MAX 8      /* nested multiparts followed */
#define MIME_BOUNDARY_MAX 70  /* RFC 2046 5.1.1: 1 to 70 characters */
#define MIME_NAME_MAX 256     /* an attachment's name as shown */
#define MIME_TYPE_MAX 128     /* "type/subtype" as shown */
#define MIME_CHARSET_MAX 40
#define MIME_ATTACH_MAX 64    /* attachments listed; the rest counted */
#define MIME_SUMMARY_MAX 256  /* From, Subject, Date kept for a table */
#define MIME_PIECE_MIN 80     /* pieces at least this long: boundary
                                 lines (RFC 2046 5.1.1) come whole */

enum mime_enc { MIME_IDENTITY, MIME_QP, MIME_BASE64 };
enum mime_state { MIME_HEADERS, MIME_BODY };
enum mime_role { ROLE_SKIP, ROLE_TEXT, ROLE_ATTACH };

/* One entity's headers as far as they matter here. */
struct mime_part {
	char type[MIME_TYPE_MAX];       /* lower case, "text/plain" */
	char charset[MIME_CHARSET_MAX]; /* lower case, "" when none */
	char name[MIME_NAME_MAX];       /* decoded to UTF-8, "" when none */
	char boundary[MIME_BOUNDARY_MAX + 1];
	enum mime_enc enc;
	bool attachment;                /* Content-Disposition: attachment */
};

/* One listed attachment. */
struct mime_attach {
	char name[MIME_NAME_MAX];
	char type[MIME_TYPE_MAX];
	unsigned long long size;        /* decoded octets */
};

struct mime_in {
	FILE *out;
	enum mime_state state;
	enum mime_role role;
	bool top;                       /* reading the message's own headers */
	bool at_bol;                    /* the next piece starts a line */
	bool text_shown;                /* the first text part has been shown */
	bool soft_break;                /* QP: the last line ended in '=' */
	int depth;                      /* boundaries in force */
	char bounds[MIME_DEPTH_MAX][MIME_BOUNDARY_MAX + 1];
	struct mime_part part;
	unsigned long long part_size;
	char hdr[MIME_HEADER_MAX + 1];  /* the header field being unfolded */
	size_t hlen;
	char pend[4];                   /* base64 quad or QP "=X" pending */
	size_t npend;
	unsigned char hold[4];          /* a UTF-8 character cut by a piece */
	size_t nhold;
	char from[MIME_SUMMARY_MAX];    /* the message's From, Subject and */
	char subject[MIME_SUMMARY_MAX]; /* Date decoded, for a table of */
	char date[MIME_SUMMARY_MAX];    /* messages ("" when absent) */
	struct mime_attach attach[MIME_ATTACH_MAX];
	size_t nattach;
	unsigned long long more_attach; /* beyond MIME_ATTACH_MAX */
};

/* Start reading a message; the readable text goes to out. */
void mime_in_init(struct mime_in *m, FILE *out);

/*
 * Feed one line without its line ending (eol true), or a piece of a
 * longer line (eol false: more of the same line follows), of at least
 * MIME_PIECE_MIN bytes.
 */
void mime_in_line(struct mime_in *m, const char *p, size_t n, bool eol);

/* End of the message: flush what is pending and list the attachments. */
void mime_in_finish(struct mime_in *m);

/*
 * Decode the RFC 2047 encoded words of a header value into UTF-8 in out
 * (cap bytes, always NUL-terminated), dropping the white space between
 * two encoded words (RFC 2047 6.2).  Returns the length written.
 */
size_t mime_decode_words(const char *in, char *out, size_t cap);

#endif
