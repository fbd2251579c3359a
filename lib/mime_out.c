/* mime_out: the outgoing message, built then streamed.  See mime_out.h. */
#include "mime_out.h"
#include "base64.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the text part ---- */

/* RFC 2045 6.1: 7bit and 8bit need lines of at most 998 octets, no
 * NUL, no bare CR; else, or 8-bit text for a 7-bit server, QP. */
static const char *text_encoding(const char *p, size_t n, bool allow_8bit)
{
	size_t line = 0;
	bool ascii = true;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c == '\0' || (c == '\r' && (i + 1 == n || p[i + 1] != '\n')))
			return "quoted-printable";
		if (c != '\r' && ++line > MSG_LINE_MAX)
			return "quoted-printable";
		if (c > 127)
			ascii = false;
	}
	if (ascii)
		return "7bit";
	return allow_8bit ? "8bit" : "quoted-printable";
}

/* The text as is, with CRLF line endings and a final line break. */
static void put_text(struct msg_buf *b, const char *p, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		size_t end = i > start && p[i - 1] == '\r' ? i - 1 : i;
		msg_buf_put(b, p + start, end - start);
		msg_buf_puts(b, "\r\n");
		start = i + 1;
	}
	msg_buf_put(b, p + start, n - start);
	if (start < n)
		msg_buf_puts(b, "\r\n");
}

/* Content-Type and -Transfer-Encoding of the text, a blank line, it. */
static void put_text_part(struct mime_out *m, const struct mime_spec *s)
{
	const char *cte = text_encoding(s->text, s->text_len, s->allow_8bit);

	m->body_8bit = strcmp(cte, "8bit") == 0;
	msg_buf_puts(&m->head, "Content-Type: text/plain; charset=\"utf-8\"\r\n"
	                       "Content-Transfer-Encoding: ");
	msg_buf_puts(&m->head, cte);
	msg_buf_puts(&m->head, "\r\n\r\n");
	if (cte[0] == 'q')
		msg_qp_encode(&m->head, s->text, s->text_len);
	else
		put_text(&m->head, s->text, s->text_len);
}

/* ---- the headers (RFC 5322 3.6) ---- */

/* "a@b, Name <c@d>" for From:, To: and Cc:; names may be NULL. */
static int put_list(struct msg_buf *b, const char *name,
                    const char *const *addr, const char *const *names,
                    size_t n)
{
	struct msg_buf v = { 0 };
	int rc = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		msg_buf_puts(&v, i ? ", " : "");
		rc = msg_mailbox(&v, names && names[i] ? names[i] : "", addr[i]);
	}
	if (rc == 0)
		rc = v.failed ? MIME_ERR_NOMEM : msg_address_header(b, name, v.p);
	msg_buf_free(&v);
	return rc < 0 ? MIME_ERR_HEADER : 0;
}

/* Is this a header the builder writes itself?  RFC 5322 3.6 allows
 * one of each; a second would make the message ambiguous. */
static bool own_header(const char *name, size_t n)
{
	static const char *const own[] = {
		"Date", "From", "To", "Cc", "Bcc", "Subject", "Message-ID",
		"MIME-Version", "Content-Type", "Content-Transfer-Encoding", NULL
	};

	for (size_t i = 0; own[i]; i++)
		if (strlen(own[i]) == n && str_ncase_eq(name, own[i], n))
			return true;
	return false;
}

/* One --header "Name: value": RFC 5322 2.2 field name, any value. */
static int put_extra(struct msg_buf *b, const char *line, char *err)
{
	char name[80];
	size_t n = strcspn(line, ":");

	if (n > 0 && line[n] == ':' && own_header(line, n)) {
		snprintf(err, MIME_ERR_LEN, _("header %.*s is written by mail_send "
		         "itself (see its options)"), (int)n, line);
		return MIME_ERR_HEADER;
	}
	if (n == 0 || n >= sizeof name || line[n] != ':')
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (line[i] < 33 || line[i] > 126) /* RFC 5322 2.2 ftext */
			goto bad;
	memcpy(name, line, n);
	name[n] = '\0';
	if (msg_header(b, name, line + n + 1 + strspn(line + n + 1, " \t")) == 0)
		return 0;
bad:
	snprintf(err, MIME_ERR_LEN, _("bad header \"%.60s\": want \"Name: "
	         "value\" on one line"), line);
	return MIME_ERR_HEADER;
}

/* Date, From, To, Cc, Subject, Message-ID, MIME-Version, extras. */
static int put_headers(struct mime_out *m, const struct mime_spec *s,
                       char *err)
{
	char date[MSG_DATE_LEN], id[300];
	struct msg_buf *b = &m->head;
	int rc = 0;

	msg_date(date, sizeof date, time(NULL));
	msg_id(id, sizeof id, s->host);
	msg_header(b, "Date", date);
	if ((s->from[0] ? put_list(b, "From", &s->from, &s->from_name, 1)
	                : msg_address_header(b, "From", "<>")) < 0 ||
	    put_list(b, "To", s->to, s->to_names, s->nto) < 0 ||
	    put_list(b, "Cc", s->cc, s->cc_names, s->ncc) < 0 ||
	    msg_header(b, "Subject", s->subject) < 0) {
		snprintf(err, MIME_ERR_LEN, _("an address or the subject holds "
		         "a line break"));
		return MIME_ERR_HEADER;
	}
	msg_header(b, "Message-ID", id);
	msg_buf_puts(b, "MIME-Version: 1.0\r\n");
	for (size_t i = 0; i < s->nheader && rc == 0; i++)
		rc = put_extra(b, s->headers[i], err);
	return rc;
}

/* ---- attachments ---- */

unsigned long long mime_b64_size(unsigned long long n)
{
	unsigned long long lines = n / MIME_B64_GROUP, rest = n % MIME_B64_GROUP;

	return lines * (MIME_B64_GROUP / 3 * 4 + 2) +
	       (rest ? BASE64_ENCODED_LEN(rest) + 2 : 0);
}

/* Stat one attachment and write its part headers (RFC 2183). */
static int add_file(struct mime_out *m, struct mime_file *f, char *err)
{
	const char *slash = strrchr(f->path, '/');
	const char *name = slash ? slash + 1 : f->path;
	struct stat st;

	if (stat(f->path, &st) < 0 || access(f->path, R_OK) < 0) {
		snprintf(err, MIME_ERR_LEN, _("cannot read attachment %s: %s"),
		         f->path, strerror(errno));
		return MIME_ERR_FILE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, MIME_ERR_LEN, _("attachment %s is not a regular "
		         "file"), f->path);
		return MIME_ERR_FILE;
	}
	f->size = (unsigned long long)st.st_size;
	/* RFC 2046 5.1.1: the CRLF before "--" belongs to the boundary, so
	 * one more keeps the text part's last line break. */
	msg_buf_puts(&f->head, "\r\n--");
	msg_buf_puts(&f->head, m->boundary);
	msg_buf_puts(&f->head, "\r\nContent-Type: ");
	msg_buf_puts(&f->head, msg_mime_type(name));
	msg_buf_puts(&f->head, "\r\nContent-Transfer-Encoding: base64\r\n"
	                       "Content-Disposition: attachment");
	msg_filename_param(&f->head, name);
	msg_buf_puts(&f->head, "\r\n\r\n");
	m->total += f->head.len + mime_b64_size(f->size);
	return f->head.failed ? MIME_ERR_NOMEM : 0;
}

/* Does needle occur in the n bytes at p?  (memmem is not POSIX.) */
static bool contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == needle[0] && memcmp(p + i, needle, k) == 0)
			return true;
	return false;
}

/* RFC 2046 5.1: multipart/mixed, the text first, then each file. */
static int put_multipart(struct mime_out *m, const struct mime_spec *s,
                         char *err)
{
	int rc = 0;

	/* The boundary must not occur in the (unencoded) text. */
	do
		msg_boundary(m->boundary, sizeof m->boundary);
	while (contains(s->text, s->text_len, m->boundary));
	msg_buf_puts(&m->head, "Content-Type: multipart/mixed;\r\n boundary=\"");
	msg_buf_puts(&m->head, m->boundary);
	msg_buf_puts(&m->head, "\"\r\n\r\nThis is a multi-part message in "
	                       "MIME format.\r\n\r\n--");
	msg_buf_puts(&m->head, m->boundary);
	msg_buf_puts(&m->head, "\r\n");
	put_text_part(m, s);
	m->file = calloc(s->nfile, sizeof *m->file);
	if (m->file == NULL)
		return MIME_ERR_NOMEM;
	m->nfile = s->nfile;
	for (size_t i = 0; i < s->nfile && rc == 0; i++) {
		m->file[i].path = s->files[i];
		rc = add_file(m, &m->file[i], err);
	}
	msg_buf_puts(&m->tail, "\r\n--");
	msg_buf_puts(&m->tail, m->boundary);
	msg_buf_puts(&m->tail, "--\r\n");
	return rc;
}

int mime_build(struct mime_out *m, const struct mime_spec *s, char *err)
{
	int rc;

	memset(m, 0, offsetof(struct mime_out, raw));
	m->fd = -1;
	rc = put_headers(m, s, err);
	if (rc == 0 && s->nfile > 0)
		rc = put_multipart(m, s, err);
	else if (rc == 0)
		put_text_part(m, s);
	if (rc == 0 && (m->head.failed || m->tail.failed))
		rc = MIME_ERR_NOMEM;
	if (rc == MIME_ERR_NOMEM)
		snprintf(err, MIME_ERR_LEN, _("out of memory building the message"));
	m->total += m->head.len + m->tail.len;
	return rc;
}

/* ---- the reader ---- */

/* Read up to cap octets, short only at the end of the file. */
static ssize_t read_full(int fd, unsigned char *p, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(fd, p + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Encode the file's next lines into enc; 1 more, 0 at its end, -1. */
static int refill(struct mime_out *m, struct mime_file *f)
{
	ssize_t n = read_full(m->fd, m->raw, sizeof m->raw);
	size_t k = 0;

	if (n < 0 || m->done + (unsigned long long)n > f->size ||
	    (n == 0 && m->done != f->size))
		return -1; /* unreadable, or the file changed size */
	if (n == 0) {
		close(m->fd);
		m->fd = -1;
		return 0;
	}
	m->done += (unsigned long long)n;
	for (ssize_t i = 0; i < n; i += MIME_B64_GROUP) {
		size_t len = (size_t)(n - i) < MIME_B64_GROUP ? (size_t)(n - i)
		                                               : MIME_B64_GROUP;
		k += base64_encode(m->raw + i, len, m->enc + k);
		m->enc[k++] = '\r';
		m->enc[k++] = '\n';
	}
	m->pend = m->enc;
	m->pend_len = k;
	m->pend_off = 0;
	return 1;
}

/* Move to the next piece: head, (file head, file)..., tail, end. */
static int next_step(struct mime_out *m)
{
	size_t step = m->step++, last = 2 * m->nfile + 1;

	m->pend_off = m->pend_len = 0;
	if (step == 0) {
		m->pend = m->head.p;
		m->pend_len = m->head.len;
	} else if (step < last && step % 2 == 1) {
		m->pend = m->file[step / 2].head.p;
		m->pend_len = m->file[step / 2].head.len;
	} else if (step < last) {
		m->fd = open(m->file[step / 2 - 1].path, O_RDONLY);
		m->done = 0;
		return m->fd < 0 ? -1 : 0;
	} else if (step == last && m->nfile > 0) {
		m->pend = m->tail.p;
		m->pend_len = m->tail.len;
	} else if (step >= last) {
		m->step = last + 1;
		return 1;
	}
	return 0;
}

ssize_t mime_read(void *ctx, char *buf, size_t cap)
{
	struct mime_out *m = ctx;
	size_t got = 0;

	while (got < cap) {
		if (m->pend_off < m->pend_len) {
			size_t k = m->pend_len - m->pend_off;
			k = k < cap - got ? k : cap - got;
			memcpy(buf + got, m->pend + m->pend_off, k);
			m->pend_off += k;
			got += k;
			continue;
		}
		/* step 2i + 2 opened file i; m->step is one past it */
		int rc = m->fd >= 0 ? refill(m, &m->file[(m->step - 1) / 2 - 1])
		                    : next_step(m);
		if (rc < 0)
			return -1;
		if (rc == 1 && m->fd < 0)
			break; /* next_step: the end */
	}
	return (ssize_t)got;
}

void mime_free(struct mime_out *m)
{
	if (m->fd >= 0)
		close(m->fd);
	for (size_t i = 0; i < m->nfile; i++)
		msg_buf_free(&m->file[i].head);
	free(m->file);
	msg_buf_free(&m->head);
	msg_buf_free(&m->tail);
	m->file = NULL;
	m->nfile = 0;
	m->fd = -1;
}
