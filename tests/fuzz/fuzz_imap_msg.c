/*
 * fuzz_imap_msg: a stored message as imap_server shows it (lib/imap_msg,
 * lib/imap_envelope, the section syntax of lib/imap_fetch): its MIME
 * structure found by streaming the file, ENVELOPE and BODYSTRUCTURE of
 * every message part, and the sections a FETCH asks for, partial ones
 * included.  The input's first line is a FETCH item list, say
 * "(BODY[1.2.MIME] BODY.PEEK[HEADER.FIELDS (From)]<3.9>)", whose
 * sections are sent besides every part's own; the rest is the message
 * file.
 *
 * Checks: the parts' offsets nest and stay inside the message;
 * ENVELOPE and BODYSTRUCTURE are one well-formed parenthesised list
 * (quoted strings 7-bit, without CR or LF, literals exactly as long as
 * they say); every section is one string, a literal as long as it
 * announces; BODY[] is the file byte for byte in CRLF form, and a
 * partial BODY[]<o.c> the slice of it that RFC 3501 6.4.5 names.
 * To see a finding, FUZZ_SHOW=1 prints the parts and the lists checked.
 */
#include "fuzz.h"
#include "imap_fetch.h"
#include "imap_msg.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

static int msg_fd = -1, out_fd = -1;
static char *crlf;       /* the message in CRLF form */
static size_t crlf_len;
static char *sent;       /* what the last call wrote */
static size_t sent_len;

static int scratch(const char *what)
{
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(path, sizeof path, "%s/mailab-fuzz-%s.XXXXXX", tmp ? tmp : "/tmp",
	         what);
	int fd = mkstemp(path);
	fuzz_check(fd >= 0);
	unlink(path);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	msg_fd = scratch("msg");
	out_fd = scratch("out");
	return 0;
}

/* Run f through an imap_out writing to out_fd; sent/sent_len get it. */
#define CAPTURE(o, call)                                                  \
	do {                                                              \
		struct conn c_;                                           \
		fuzz_check(ftruncate(out_fd, 0) == 0);                    \
		fuzz_check(lseek(out_fd, 0, SEEK_SET) == 0);              \
		conn_init(&c_, -1, out_fd, 5, false, CONN_SERVER);        \
		iout_init(&(o), &c_);                                     \
		call;                                                     \
		fuzz_check(iout_flush(&(o)) == 0);                        \
		read_back();                                              \
	} while (0)

static void read_back(void)
{
	off_t n = lseek(out_fd, 0, SEEK_END);

	fuzz_check(n >= 0);
	free(sent);
	sent = malloc((size_t)n + 1);
	fuzz_check(sent != NULL);
	fuzz_check(pread(out_fd, sent, (size_t)n, 0) == n);
	sent_len = (size_t)n;
	sent[n] = '\0';
}

/* A literal "{n}" CRLF and n octets at *p: where its data starts. */
static const char *literal(const char **p, const char *end, size_t *len)
{
	unsigned long long n = 0;
	const char *q = *p + 1;

	fuzz_check(q < end && *q >= '0' && *q <= '9');
	while (q < end && *q >= '0' && *q <= '9')
		n = n * 10 + (unsigned long long)(*q++ - '0');
	fuzz_check(end - q >= 3 && memcmp(q, "}\r\n", 3) == 0);
	q += 3;
	fuzz_check((unsigned long long)(end - q) >= n);
	*len = (size_t)n;
	*p = q + n;
	return q;
}

/* One value of a FETCH response: NIL, a number, an atom, a string or
 * a parenthesised list of values, separated by spaces. */
static const char *value(const char *p, const char *end, unsigned depth)
{
	size_t n;

	fuzz_check(p < end && depth < 100);
	if (*p == '(') {
		p++;
		if (p < end && *p == ')')
			return p + 1;
		for (;;) {
			p = value(p, end, depth + 1);
			/* Lists of addresses and of body parts follow each
			 * other without a space (RFC 3501 9: 1*address, 1*body). */
			fuzz_check(p < end && (*p == ' ' || *p == ')' ||
			                       (*p == '(' && p[-1] == ')')));
			if (*p == ')')
				return p + 1;
			p += *p == ' ';
		}
	}
	if (*p == '{') {
		literal(&p, end, &n);
		return p;
	}
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			unsigned char c = (unsigned char)*p;
			fuzz_check(c != '\r' && c != '\n' && c != 0 && c < 0x80);
			if (c == '\\') {
				p++;
				fuzz_check(p < end && (*p == '"' || *p == '\\'));
			}
		}
		fuzz_check(p < end);
		return p + 1;
	}
	const char *start = p; /* an atom: NIL, a number, a word */
	while (p < end && !strchr("(){ %*\"\\]", *p) &&
	       (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f)
		p++;
	fuzz_check(p > start);
	return p;
}

static void check_list(void)
{
	if (getenv("FUZZ_SHOW")) /* what was sent, to see a finding */
		fprintf(stderr, "%.*s\n", (int)sent_len, sent);
	fuzz_check(sent_len > 0 && sent[0] == '(');
	fuzz_check(value(sent, sent + sent_len, 0) == sent + sent_len);
}

/* A section sent: one literal (or NIL), nothing after it.  Returns its
 * data, or NULL for NIL. */
static const char *check_string(size_t *len)
{
	const char *p = sent;

	*len = 0;
	if (sent_len == 3 && memcmp(sent, "NIL", 3) == 0)
		return NULL;
	fuzz_check(sent_len > 0 && sent[0] == '{');
	const char *data = literal(&p, sent + sent_len, len);
	fuzz_check(p == sent + sent_len);
	return data;
}

static void make_crlf(const uint8_t *d, size_t n)
{
	free(crlf);
	crlf = malloc(2 * n + 2);
	fuzz_check(crlf != NULL);
	crlf_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r'))
			crlf[crlf_len++] = '\r';
		crlf[crlf_len++] = (char)d[i];
	}
	if (n > 0 && d[n - 1] != '\n') {
		crlf[crlf_len++] = '\r';
		crlf[crlf_len++] = '\n';
	}
}

static void check_parts(const struct imsg *m)
{
	fuzz_check(m->n >= 1 && m->n <= IMSG_PARTS_MAX + 1);
	fuzz_check(m->size == crlf_len);
	for (size_t i = 0; i < m->n; i++) {
		const struct imsg_part *p = &m->part[i];
		if (getenv("FUZZ_SHOW"))
			fprintf(stderr, "part %zu: parent %d depth %u msg %d mp %d "
			        "rfc822 %d ended %d off %lld %lld %lld c %llu %llu %llu\n",
			        i, p->parent, p->depth, p->is_msg, p->multipart,
			        p->rfc822, p->ended, p->hdr_off, p->body_off,
			        p->end_off, p->hdr_c, p->body_c, p->end_c);
		fuzz_check(p->hdr_off <= p->body_off && p->body_off <= p->end_off);
		fuzz_check(p->hdr_c <= p->body_c && p->body_c <= p->end_c);
		fuzz_check(p->end_c <= m->size);
		fuzz_check(p->parent < (int)i && (i == 0) == (p->parent < 0));
		if (p->parent >= 0) {
			const struct imsg_part *up = &m->part[p->parent];
			fuzz_check(p->hdr_c >= up->body_c && p->end_c <= up->end_c);
		}
	}
}

/* The part numbers of part i (RFC 3501 6.4.5), innermost last. */
static size_t part_path(const struct imsg *m, int i, uint32_t *num)
{
	uint32_t rev[64];
	size_t n = 0;

	while (i > 0 && n < 64) {
		int up = m->part[i].parent;
		if (m->part[up].multipart) {
			uint32_t k = 1;
			for (int c = m->part[up].first_child; c >= 0 && c != i;
			     c = m->part[c].next_sibling)
				k++;
			rev[n++] = k;
		} else if (!m->part[up].rfc822) {
			rev[n++] = 1;
		}
		i = up;
	}
	for (size_t k = 0; k < n && k < IMSG_DEPTH_MAX; k++)
		num[k] = rev[n - 1 - k];
	return n < IMSG_DEPTH_MAX ? n : IMSG_DEPTH_MAX;
}

static void section(const struct imsg *m, const struct imsg_section *sec)
{
	struct imap_out o;
	size_t len;

	CAPTURE(o, imsg_send_section(&o, msg_fd, m, sec, m->size));
	const char *data = check_string(&len);
	if (sec->nparts > 0 || sec->kind != SEC_ALL)
		return;
	/* BODY[] and BODY[]<o.c>: the CRLF form, byte for byte. */
	size_t from = 0, want = crlf_len;
	if (sec->partial) {
		from = sec->origin < crlf_len ? (size_t)sec->origin : crlf_len;
		want = crlf_len - from < sec->count ? crlf_len - from
		                                    : (size_t)sec->count;
	}
	fuzz_check(data != NULL && len == want);
	fuzz_check(memcmp(data, crlf + from, want) == 0);
	/* The same without the structure, as FETCH BODY[] sends it. */
	CAPTURE(o, imsg_send_section(&o, msg_fd, NULL, sec, m->size));
	fuzz_check(check_string(&len) != NULL && len == want);
}

/* Each part's own sections, whole and in part. */
static void part_sections(const struct imsg *m, uint16_t cut)
{
	static const enum imsg_sec_kind kinds[] = { SEC_ALL, SEC_HEADER,
		SEC_TEXT, SEC_MIME, SEC_FIELDS, SEC_FIELDS_NOT };
	static struct imsg_section sec;

	for (size_t i = 0; i < m->n && i < 40; i++) {
		memset(&sec, 0, sizeof sec);
		sec.nparts = part_path(m, (int)i, sec.part);
		sec.nfields = 2;
		strcpy(sec.field[0], "subject");
		strcpy(sec.field[1], "CONTENT-TYPE");
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			sec.kind = kinds[k];
			if (sec.kind == SEC_MIME && sec.nparts == 0)
				continue;
			sec.partial = false;
			section(m, &sec);
			sec.partial = true;
			sec.origin = cut & 0xff;
			sec.count = (cut >> 8) + 1u;
			section(m, &sec);
		}
	}
}

static void structures(const struct imsg *m)
{
	struct imap_out o;

	for (size_t i = 0; i < m->n && i < 40; i++) {
		if (m->part[i].is_msg) {
			CAPTURE(o, imsg_envelope(&o, m, (int)i));
			check_list();
		}
		CAPTURE(o, imsg_bodystructure(&o, m, (int)i, true));
		check_list();
		CAPTURE(o, imsg_bodystructure(&o, m, (int)i, false));
		check_list();
	}
}

/* The FETCH items of the first line: their sections. */
static void asked(const struct imsg *m, const char *line, size_t n)
{
	static struct fetch_req req;
	struct imap_p ip;

	ip_init(&ip, line, n);
	if (!fetch_parse(&ip, &req, false))
		return;
	for (size_t i = 0; i < req.n; i++)
		if (req.att[i].kind == FA_SECTION)
			section(m, &req.att[i].sec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *lf = memchr(data, '\n', size);
	size_t head = lf ? (size_t)(lf - data) + 1 : 0;
	const uint8_t *msg = data + head;
	size_t n = size - head;
	struct imsg m = { 0 };

	fuzz_check(ftruncate(msg_fd, 0) == 0);
	fuzz_check(pwrite(msg_fd, msg, n, 0) == (ssize_t)n);
	fuzz_check(lseek(msg_fd, 0, SEEK_SET) == 0);
	make_crlf(msg, n);
	if (imsg_parse(msg_fd, &m) < 0)
		return 0;
	check_parts(&m);
	structures(&m);
	part_sections(&m, head >= 3 ? (uint16_t)(data[0] | data[1] << 8) : 0x0300);
	if (head > 0)
		asked(&m, (const char *)data, head - 1);
	imsg_free(&m);
	return 0;
}
