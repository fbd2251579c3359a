/*
 * Unit tests of lib/message (encoded words, folding, quoted-printable,
 * MIME types, RFC 2231 names, boundaries) and lib/mime_out (the
 * streamed message and its announced size).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "check.h"
#include "message.h"
#include "mime_out.h"

/* Every line of s (CRLF-separated) is at most max characters. */
static bool lines_within(const char *s, size_t max)
{
	while (*s) {
		size_t n = strcspn(s, "\r");
		if (n > max)
			return false;
		s += n;
		s += strspn(s, "\r\n");
	}
	return true;
}

/* Decode the B or Q words of a header back to UTF-8, for round trips. */
static void unfold_decode(const char *h, char *out)
{
	size_t o = 0;
	const char *w;

	while ((w = strstr(h, "=?UTF-8?")) != NULL) {
		char kind = w[8];
		const char *start = w + 10, *end = strstr(start, "?=");
		if (kind == 'B') {
			o += (size_t)base64_decode(start, (size_t)(end - start),
			                           (unsigned char *)out + o);
		} else {
			for (const char *p = start; p < end; p++) {
				if (*p == '=') {
					char hex[3] = { p[1], p[2], 0 };
					out[o++] = (char)strtol(hex, NULL, 16);
					p += 2;
				} else {
					out[o++] = *p == '_' ? ' ' : *p;
				}
			}
		}
		h = end + 2;
	}
	out[o] = '\0';
}

static void test_headers(void)
{
	struct msg_buf b = { 0 };
	char back[512];
	const char *tr = "\xc5\x9eubat ay\xc4\xb1 i\xc3\xa7in \xc3\xa7ok uzun bir "
	                 "konu sat\xc4\xb1r\xc4\xb1, T\xc3\xbcrk\xc3\xa7" "e "
	                 "karakterlerle dolu: \xc4\x9f\xc3\xbc\xc5\x9f\xc4\xb1";

	msg_header(&b, "Subject", "Selam");
	CHECK_STR("ASCII subject as is", b.p, "Subject: Selam\r\n");
	msg_buf_free(&b);
	msg_header(&b, "Subject", "Caf\xc3\xa9 ok");
	CHECK_STR("mostly ASCII: Q word", b.p,
	          "Subject: =?UTF-8?Q?Caf=C3=A9_ok?=\r\n");
	msg_buf_free(&b);
	msg_header(&b, "Subject", tr);
	CHECK("long UTF-8 subject: lines under 76", lines_within(b.p, 76));
	CHECK("long UTF-8 subject: folded", strstr(b.p, "?=\r\n =?UTF-8?") != NULL);
	unfold_decode(b.p, back);
	CHECK_STR("long UTF-8 subject: decodes back", back, tr);
	msg_buf_free(&b);
	msg_header(&b, "Subject", "\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0"
	           "\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0"
	           "\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0"
	           "\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0\xc4\xb0");
	unfold_decode(b.p, back);
	bool whole = true;
	for (const char *w = b.p; (w = strstr(w, "?B?")) != NULL; w += 3) {
		unsigned char one[64];
		long n = base64_decode(w + 3, strcspn(w + 3, "?"), one);
		whole = whole && n % 2 == 0; /* each word: whole 2-octet chars */
	}
	CHECK("encoded words never split a character", whole &&
	      strlen(back) == 52);
	msg_buf_free(&b);
	CHECK("a header value with a line break is refused",
	      msg_header(&b, "Subject", "a\r\nBcc: x@y") == -1 && b.len == 0);
	msg_header(&b, "To", "aaaaaaaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbb@"
	           "example.com, cccccccccccccccccccc@example.com");
	CHECK("long ASCII header folded at a space", lines_within(b.p, 78) &&
	      strstr(b.p, ",\r\n ") != NULL);
	msg_buf_free(&b);
}

/* Display names (RFC 5322 3.4, RFC 2047 5 (3)): atoms as they are, a
 * quoted-string when needed, UTF-8 as B words under 76 columns. */
static void test_mailbox(void)
{
	struct msg_buf b = { 0 };
	const char *long_name = "Şeyma Gül Çağlayan Öztürk İnce Doğan Yıldırım "
	                        "Kılıç Aydın Çelik Şahin";

	msg_mailbox(&b, "", "a@x.test");
	msg_mailbox(&b, "Ali Veli", "a@x.test");
	msg_mailbox(&b, "Veli, Ali \"V\"", "a@x.test");
	msg_buf_put(&b, "", 1);
	CHECK_STR("bare address, atoms, quoted-string with escapes", b.p,
	          "a@x.testAli Veli <a@x.test>\"Veli, Ali \\\"V\\\"\" <a@x.test>");
	msg_buf_free(&b);
	msg_mailbox(&b, "Gizem Şentürk", "g@x.test");
	msg_buf_put(&b, "", 1);
	CHECK_STR("UTF-8 name: one B word", b.p,
	          "=?UTF-8?B?R2l6ZW0gxZ5lbnTDvHJr?= <g@x.test>");
	msg_buf_free(&b);
	msg_mailbox(&b, long_name, "g@x.test");
	msg_buf_put(&b, "", 1);
	bool short_words = true;
	for (char *w = strtok(b.p, " "); w; w = strtok(NULL, " "))
		short_words &= strlen(w) <= MSG_WORD_MAX;
	CHECK("long UTF-8 name: several words, each at most 75", short_words);
	msg_buf_free(&b);
	CHECK("a line break in a name: refused",
	      msg_mailbox(&b, "A\r\nBcc: x@y", "a@x.test") < 0 && b.len == 0);
	msg_buf_free(&b);
}

static void test_qp(void)
{
	struct msg_buf b = { 0 };
	char line[2100];

	msg_qp_encode(&b, "a=b \xc3\xa7 \nend\t", 12);
	CHECK_STR("QP: = and 8-bit encoded, trailing space and tab too", b.p,
	          "a=3Db =C3=A7=20\r\nend=09\r\n");
	msg_buf_free(&b);
	memset(line, 'x', sizeof line);
	msg_qp_encode(&b, line, sizeof line);
	CHECK("QP: a 2100-octet line becomes lines of 76", lines_within(b.p, 76) &&
	      strstr(b.p, "=\r\n") != NULL);
	msg_buf_free(&b);
	msg_qp_encode(&b, "a\r\nb\0c\rd", 8);
	CHECK_STR("QP: CRLF kept, NUL and bare CR encoded", b.p,
	          "a\r\nb=00c=0Dd\r\n");
	msg_buf_free(&b);
}

static void test_attachment_bits(void)
{
	struct msg_buf b = { 0 };
	char bound[MSG_BOUNDARY_MAX + 1], other[MSG_BOUNDARY_MAX + 1];

	CHECK_STR("type: pdf", msg_mime_type("a/b.c/report.PDF"), "application/pdf");
	CHECK_STR("type: jpg", msg_mime_type("x.jpg"), "image/jpeg");
	CHECK_STR("type: json", msg_mime_type("x.json"), "application/json");
	CHECK_STR("type: unknown", msg_mime_type("x.tar.xz"), "application/octet-stream");
	CHECK_STR("type: none", msg_mime_type("README"), "application/octet-stream");
	msg_filename_param(&b, "notes.txt");
	CHECK_STR("ASCII file name quoted", b.p, ";\r\n filename=\"notes.txt\"");
	msg_buf_free(&b);
	msg_filename_param(&b, "\xc3\xb6" "dev.txt");
	CHECK_STR("UTF-8 file name: RFC 2231", b.p,
	          ";\r\n filename*0*=utf-8''%C3%B6dev.txt");
	msg_buf_free(&b);
	msg_filename_param(&b, "\xc5\x9f\xc5\x9f\xc5\x9f\xc5\x9f\xc5\x9f\xc5\x9f"
	                       "\xc5\x9f\xc5\x9f\xc5\x9f\xc5\x9f\xc5\x9f.pdf");
	CHECK("long UTF-8 name: continued, lines short",
	      strstr(b.p, "filename*1*=") != NULL && lines_within(b.p, 78));
	msg_buf_free(&b);
	/* Found by tests/fuzz/fuzz_message: control bytes went in quoted. */
	msg_filename_param(&b, "a\x01\x1b[2Jb.txt");
	CHECK_STR("file name with control bytes: RFC 2231, encoded", b.p,
	          ";\r\n filename*0*=utf-8''a%01%1B%5B2Jb.txt");
	msg_buf_free(&b);
	msg_boundary(bound, sizeof bound);
	msg_boundary(other, sizeof other);
	CHECK("boundaries differ, start with =_", strcmp(bound, other) != 0 &&
	      strncmp(bound, "=_", 2) == 0 && strlen(bound) <= MSG_BOUNDARY_MAX);
}

/* msg_stuff over s, fed in chunks of step bytes. */
static void stuff(const char *s, size_t step, char *out)
{
	struct msg_stuffer st = { .bol = true, .cr = false };
	size_t n = strlen(s), o = 0;

	for (size_t i = 0; i < n; i += step)
		o += msg_stuff(&st, s + i, n - i < step ? n - i : step, out + o);
	o += msg_stuff_end(&st, out + o);
	out[o] = '\0';
}

static void test_stuff(void)
{
	const char *in = ".a\n..b\r\nc\rd\n\n.\r\n.";
	const char *want = "..a\r\n...b\r\nc\r\nd\r\n\r\n..\r\n..\r\n";
	char out[128];

	stuff(in, 100, out);
	CHECK_STR("dot-stuffing and CRLF in one chunk", out, want);
	stuff(in, 1, out);
	CHECK_STR("dot-stuffing and CRLF a byte at a time", out, want);
	stuff("x\r", 1, out);
	CHECK_STR("a CR at the very end is one line break", out, "x\r\n");
	stuff("", 1, out);
	CHECK_STR("an empty body stays empty", out, "");
}

/* Read the whole stream in small reads; returns its length. */
static size_t drain(struct mime_out *m, char *out, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while ((n = mime_read(m, out + got, cap - got < 7 ? cap - got : 7)) > 0)
		got += (size_t)n;
	return n < 0 ? (size_t)-1 : got;
}

static void test_mime_out(void)
{
	static struct mime_out m;
	static char out[200000];
	char path[] = "/tmp/mailab-unit-XXXXXX", err[MIME_ERR_LEN];
	const char *to[] = { "b@x.test" }, *files[] = { path };
	unsigned char data[10000];
	struct mime_spec s = { .from = "a@x.test", .to = to, .nto = 1,
	                       .subject = "S", .text = "hi\n", .text_len = 3,
	                       .files = files, .host = "h", .allow_8bit = true };
	int fd = mkstemp(path);

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7);
	CHECK("temp file", fd >= 0 && write(fd, data, sizeof data) == sizeof data);
	close(fd);
	CHECK("base64 size: 57 octets is one line", mime_b64_size(57) == 78 &&
	      mime_b64_size(58) == 84 && mime_b64_size(0) == 0);
	CHECK("single part built", mime_build(&m, &s, err) == 0 && !m.body_8bit);
	CHECK("single part: size exact", drain(&m, out, sizeof out) == m.total);
	mime_free(&m);
	s.nfile = 1;
	CHECK("multipart built", mime_build(&m, &s, err) == 0);
	size_t n = drain(&m, out, sizeof out);
	CHECK("multipart: size exact", n == m.total);
	out[n < sizeof out ? n : 0] = '\0';
	CHECK("multipart: lines under 78", lines_within(out, 78));
	char *b64 = strstr(out, "\r\n\r\n" "AAcOFRwj");
	CHECK("multipart: base64 of the file", b64 != NULL);
	mime_free(&m);
	s.text = "\xc3\xa7";
	s.text_len = 2;
	s.nfile = 0;
	mime_build(&m, &s, err);
	CHECK("8-bit text: 8bit", m.body_8bit && strstr(m.head.p, "8bit"));
	mime_free(&m);
	s.allow_8bit = false;
	mime_build(&m, &s, err);
	CHECK("8-bit text, 7-bit server: quoted-printable", !m.body_8bit &&
	      strstr(m.head.p, "quoted-printable\r\n\r\n=C3=A7\r\n"));
	mime_free(&m);
	s.nfile = 1;
	unlink(path);
	CHECK("missing attachment: file error",
	      mime_build(&m, &s, err) == MIME_ERR_FILE && strstr(err, path));
	mime_free(&m);
}

int main(void)
{
	test_mailbox();
	test_headers();
	test_qp();
	test_attachment_bits();
	test_stuff();
	test_mime_out();
	return CHECK_DONE();
}
