/*
 * message: RFC 5322 and MIME pieces that more than one program writes —
 * the date-time of Date: and Received: headers, Message-IDs, and the
 * encoders mail_send needs: RFC 2047 encoded words in headers, folding
 * (RFC 5322 2.2.3), quoted-printable (RFC 2045 6.7), MIME types by file
 * extension, RFC 2231 file names and multipart boundaries (RFC 2046 5.1).
 *
 * Left out: decoding (the lab's readers use Python's email package),
 * RFC 2047 in structured headers other than display names.
 */
#ifndef MAILAB_MESSAGE_H
#define MAILAB_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define MSG_DATE_LEN 40     /* "Fri, 27 Nov 2026 06:40:01 +0300" and NUL */
#define MSG_LINE_MAX 998    /* RFC 5322 2.1.1: octets per line, no CRLF */
#define MSG_FOLD_AT 78      /* RFC 5322 2.1.1: SHOULD stay under 78 */
#define MSG_WORD_MAX 75     /* RFC 2047 2: an encoded word is <= 75 */
#define MSG_QP_LINE 76      /* RFC 2045 6.7 (5): QP lines <= 76 chars */
#define MSG_BOUNDARY_MAX 70 /* RFC 2046 5.1.1: boundary <= 70 chars */
#define MSG_BUF_MAX (64UL << 20) /* a msg_buf never grows past 64 MiB */

/* RFC 5322 3.3 date-time in local time with its numeric offset. */
void msg_date(char *buf, size_t cap, time_t when);

/* RFC 5322 3.6.4 "<unique@host>" (angle brackets included). */
void msg_id(char *buf, size_t cap, const char *host);

/*
 * A growing byte buffer for building headers and small parts.  Start
 * it zeroed; it owns p (free with msg_buf_free).  On a failed
 * allocation or past MSG_BUF_MAX, failed is set and later puts do
 * nothing, so a builder checks once at the end.
 */
struct msg_buf {
	char *p;
	size_t len, cap;
	bool failed;
};

void msg_buf_put(struct msg_buf *b, const void *s, size_t n);
void msg_buf_puts(struct msg_buf *b, const char *s);
void msg_buf_free(struct msg_buf *b);

/* True when the n bytes are all 7-bit ASCII. */
bool msg_is_ascii(const char *p, size_t n);

/*
 * Append the header "Name: value" and its CRLF, folded under 78
 * columns.  An ASCII value is folded at its spaces (RFC 5322 2.2.3); a
 * non-ASCII one becomes UTF-8 encoded words, B or Q, whichever is
 * shorter (RFC 2047 4), each whole characters and under 76 columns.
 * Returns -1 (nothing appended) when the value holds CR, LF or NUL:
 * a header must never smuggle in another one.
 */
int msg_header(struct msg_buf *b, const char *name, const char *value);

/*
 * The same for From:, To: and Cc:, whose addresses must never become
 * encoded words (RFC 2047 5 (3)): folded at spaces, and UTF-8 kept as
 * is, which RFC 6532 3.2 allows when the mail goes with SMTPUTF8.
 */
int msg_address_header(struct msg_buf *b, const char *name, const char *value);

/*
 * Append one mailbox (RFC 5322 3.4) for From:, To: or Cc:: the bare
 * addr when name is "", else "name <addr>", the name as atoms, a
 * quoted-string, or (not ASCII) UTF-8 B encoded words (RFC 2047 5 (3)).
 * -1 (nothing appended) when the name holds CR or LF.
 */
int msg_mailbox(struct msg_buf *b, const char *name, const char *addr);

/*
 * Append n bytes as quoted-printable (RFC 2045 6.7): line breaks (LF or
 * CRLF) become CRLF, '=' and bytes outside printable ASCII become =XX,
 * a space or tab before a line break is encoded, and soft breaks "="
 * keep every line at most 76 characters.  Ends with a line break.
 */
void msg_qp_encode(struct msg_buf *b, const char *in, size_t n);

/* The MIME type for a file name's extension (RFC 2046), or
 * "application/octet-stream". */
const char *msg_mime_type(const char *filename);

/*
 * Append the filename parameter of Content-Disposition: `; filename="a.txt"`
 * for a short ASCII name, else RFC 2231 continuations
 * `;\r\n filename*0*=utf-8''%C3%A7...` folded under 78 columns.
 */
void msg_filename_param(struct msg_buf *b, const char *name);

/*
 * SMTP's DATA transparency (RFC 5321 4.5.2) and line endings (2.3.8),
 * for a message that streams through in chunks: LF, CRLF and a bare CR
 * all become CRLF, and a line that starts with "." gets another.
 * Start with { .bol = true }; msg_stuff() writes the n bytes, converted,
 * into out (room for MSG_STUFF_CAP(n)) and returns how many;
 * msg_stuff_end() ends an unfinished last line ("\r\n" or nothing).
 */
struct msg_stuffer {
	bool bol; /* at the beginning of a line */
	bool cr;  /* the last byte was a CR, already written as CRLF */
};
#define MSG_STUFF_CAP(n) (2 * (n) + 2)

size_t msg_stuff(struct msg_stuffer *s, const char *in, size_t n, char *out);
size_t msg_stuff_end(struct msg_stuffer *s, char *out);

/* A fresh multipart boundary (RFC 2046 5.1.1), "=_" first: that pair
 * can never occur in quoted-printable or base64 text. */
void msg_boundary(char *buf, size_t cap);

#endif
