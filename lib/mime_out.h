/*
 * mime_out: builds the message mail_send sends (RFC 5322 headers, MIME
 * of RFC 2045-2046) and hands it out as a stream: headers and the text
 * part are built in memory; each attachment is read and base64-encoded
 * (RFC 2045 6.8, 76-character lines) a few KiB at a time while it is
 * sent, so a 50 MiB file costs no more memory than a small one.
 *
 * The whole text uses CRLF line endings, and its exact size is known
 * before the first byte goes out (for SMTP SIZE=, RFC 1870).
 * Display names go out as RFC 2047 words when they are not ASCII.
 * Left out: multipart/alternative, inline parts.
 */
#ifndef MAILAB_MIME_OUT_H
#define MAILAB_MIME_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "message.h"

#define MIME_B64_GROUP 57  /* input octets per 76-character base64 line */
#define MIME_B64_LINES 64  /* lines encoded per read of a file */
#define MIME_ERR_LEN 512

/* What the message says; every pointer is the caller's. */
struct mime_spec {
	const char *from, *from_name;    /* from_name: "" or NULL for none */
	const char *const *to;
	const char *const *to_names;     /* display names, or NULL: none */
	size_t nto;
	const char *const *cc;
	const char *const *cc_names;
	size_t ncc;
	const char *subject;
	const char *text;            /* the body, LF or CRLF lines */
	size_t text_len;
	const char *const *headers;  /* extra "Name: value" lines */
	size_t nheader;
	const char *const *files;    /* attachments, by path */
	size_t nfile;
	const char *host;            /* for the Message-ID */
	bool allow_8bit;             /* else quoted-printable (RFC 6152) */
};

enum mime_error {
	MIME_ERR_FILE = -1,   /* an attachment cannot be read */
	MIME_ERR_HEADER = -2, /* a bad --header or header value */
	MIME_ERR_NOMEM = -3
};

struct mime_file {
	const char *path;
	unsigned long long size;     /* from stat(); checked while reading */
	struct msg_buf head;         /* its boundary line and part headers */
};

struct mime_out {
	struct msg_buf head;         /* headers, and the text part */
	struct mime_file *file;
	size_t nfile;
	struct msg_buf tail;         /* the closing boundary */
	unsigned long long total;    /* octets of the whole message */
	bool body_8bit;              /* the text is sent as 8bit */
	char boundary[MSG_BOUNDARY_MAX + 1];
	/* the reader's place */
	size_t step;
	int fd;
	unsigned long long done;     /* octets of the current file read */
	const char *pend;
	size_t pend_len, pend_off;
	unsigned char raw[MIME_B64_GROUP * MIME_B64_LINES];
	char enc[(MIME_B64_GROUP / 3 * 4 + 2) * MIME_B64_LINES];
};

/* Build the message (every attachment stat()ed, none read yet).  0, or
 * an enum mime_error with err (MIME_ERR_LEN) saying what and why. */
int mime_build(struct mime_out *m, const struct mime_spec *s, char *err);

/* The message's next bytes, for struct smtp_source: up to cap bytes,
 * 0 at the end, -1 when an attachment fails or changed size. */
ssize_t mime_read(void *ctx, char *buf, size_t cap);

/* Free what mime_build allocated and close any open file. */
void mime_free(struct mime_out *m);

/* Octets of n bytes as base64 lines of 76 characters plus CRLF. */
unsigned long long mime_b64_size(unsigned long long n);

#endif
