/*
 * imap_msg: one stored message as IMAP sees it (RFC 3501 6.4.5, 7.4.2):
 * its MIME structure, ENVELOPE, BODYSTRUCTURE, and the sections a FETCH
 * can ask for, sent in CRLF form whatever the file's line endings.
 *
 * The structure is found by streaming the file once, line by line, and
 * keeping only what the answers need: for each MIME part (RFC 2045,
 * RFC 2046 5.1) where its header, body and end lie, both as offsets in
 * the file (LF endings) and in the CRLF form a client sees, its line
 * count, and the few header values ENVELOPE and BODYSTRUCTURE show,
 * each cut at IMSG_VALUE_MAX.  Memory does not grow with the message:
 * bodies are never held, only sent again from the file.
 *
 * The CRLF form: each bare LF is CR LF, and a last line without an LF
 * gets a CRLF, as maildir.h's W= size counts it (RFC822.SIZE).
 *
 * Leaves out: decoding of encoded words and RFC 2231 values (IMAP sends
 * them as they are), MD5 checks, multipart/digest's default type.
 */
#ifndef MAILAB_IMAP_MSG_H
#define MAILAB_IMAP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imap_out.h"

#define IMSG_PARTS_MAX 256     /* MIME parts described; deeper ones are
                                  shown as opaque bodies */
#define IMSG_DEPTH_MAX 16      /* nesting followed (RFC 2046 5.1) */
#define IMSG_VALUE_MAX 2048    /* one header value kept, unfolded */
#define IMSG_LINE_KEEP 1024    /* of a line, what header parsing sees */
#define IMSG_FIELDS_MAX 65536  /* a header read for HEADER.FIELDS */
#define IMSG_SECTION_FIELDS 32 /* names in one HEADER.FIELDS list */
#define IMSG_FIELD_MAX 128

enum imsg_hdr {
	H_DATE, H_SUBJECT, H_FROM, H_SENDER, H_REPLY_TO, H_TO, H_CC, H_BCC,
	H_IN_REPLY_TO, H_MESSAGE_ID,        /* the ENVELOPE's, RFC 3501 7.4.2 */
	H_CTYPE, H_CTE, H_CID, H_CDESC, H_CDISP, H_CLANG, H_CLOC, H_CMD5,
	H_COUNT
};

struct imsg_part {
	int parent, first_child, next_sibling, last_child;
	unsigned depth;
	bool is_msg;      /* an RFC 5322 message: the root, or in message/rfc822 */
	bool multipart;   /* multipart/<x> with a boundary */
	bool rfc822;      /* message/rfc822: its one child is the message */
	bool in_body, closed;
	bool ended;       /* multipart: its close-delimiter was seen */
	long long hdr_off, body_off, end_off;        /* in the file */
	unsigned long long hdr_c, body_c, end_c;     /* in the CRLF form */
	unsigned long long body_line, lines;
	char boundary[72];
	size_t val[H_COUNT]; /* 1 + offset of the value in arena; 0: none */
};

struct imsg {
	struct imsg_part *part;
	size_t n, cap;
	char *arena;
	size_t alen, acap;
	unsigned long long size;   /* the whole message in CRLF form */
};

/* Read the structure of the message in fd (from offset 0).  0 or -1. */
int imsg_parse(int fd, struct imsg *m);
void imsg_free(struct imsg *m);

/* A header value of part p, or NULL. */
const char *imsg_value(const struct imsg *m, int p, enum imsg_hdr h);

/* FETCH ENVELOPE / BODY / BODYSTRUCTURE of the whole message. */
void imsg_envelope(struct imap_out *o, const struct imsg *m, int p);
void imsg_bodystructure(struct imap_out *o, const struct imsg *m, int p,
                        bool extended);

/* RFC 3501 6.4.5: section-spec. */
enum imsg_sec_kind { SEC_ALL, SEC_HEADER, SEC_FIELDS, SEC_FIELDS_NOT,
	             SEC_TEXT, SEC_MIME };

struct imsg_section {
	uint32_t part[IMSG_DEPTH_MAX];
	size_t nparts;
	enum imsg_sec_kind kind;
	size_t nfields;
	char field[IMSG_SECTION_FIELDS][IMSG_FIELD_MAX];
	bool partial;                 /* <origin.count> */
	unsigned long long origin, count;
};

/*
 * Send the section as an IMAP string (a literal, or "" / NIL): the
 * part numbers resolved in m, partial applied.  full_size, for
 * SEC_ALL without parts, avoids needing m (NULL m: not parsed).
 * Returns 0, or -1 when the part does not exist (then nothing is sent
 * but NIL).
 */
int imsg_send_section(struct imap_out *o, int fd, const struct imsg *m,
                      const struct imsg_section *sec,
                      unsigned long long full_size);

/* Case-insensitive search (SEARCH FROM/TO/SUBJECT/... BODY, TEXT).
 * field: a header name, "" for the body, NULL for the whole text. */
bool imsg_contains(int fd, const struct imsg *m, const char *field,
                   const char *needle);

#endif
