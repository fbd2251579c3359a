/*
 * fuzz_mime_in: the MIME reader pop_client shows messages with
 * (lib/mime_in: headers, encoded words, multipart, base64 and
 * quoted-printable bodies, charsets), fed a message the way
 * pop3_client hands it over: line by line, a long line in pieces.
 * The first input byte picks the piece size; the rest is the message.
 *
 * Checks: what it writes for the terminal carries no control byte but
 * TAB and LF (an ESC from a hostile message must never reach the
 * terminal); mime_decode_words() and mime_to_utf8() stay inside their
 * buffers, NUL-terminate, and never write a control byte either
 * (C1 controls as U+0080..U+009F included).
 */
#include "fuzz.h"
#include "mime_in.h"

/* The charset conversion lives in lib/charset once that module exists
 * (charset_to_utf8), in lib/mime_in before (mime_to_utf8); lib/charset
 * also promises DEL as '?'. */
#if defined(__has_include)
#if __has_include("charset.h")
#include "charset.h"
#define HAVE_CHARSET 1
#endif
#endif
#ifdef HAVE_CHARSET
#define to_utf8 charset_to_utf8
#define known_charset charset_known
#define DEL_SHOWN 0
#else
#define to_utf8 mime_to_utf8
#define known_charset mime_charset_known
#define DEL_SHOWN 1
#endif

static const size_t piece_sizes[4] = { MIME_PIECE_MIN, MIME_PIECE_MIN + 1,
                                       333, 8192 };

/* Nothing here may drive a terminal: C0 controls but TAB and LF, and
 * the C1 controls U+0080..U+009F (CSI is U+009B) written as UTF-8. */
static void check_shown(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		fuzz_check(c >= 0x20 || c == '\t' || c == '\n');
		fuzz_check(c != 0x7f || DEL_SHOWN);
		fuzz_check(!(c == 0xc2 && i + 1 < n &&
		             (unsigned char)p[i + 1] >= 0x80 &&
		             (unsigned char)p[i + 1] <= 0x9f));
	}
}

/* The message through mime_in, as pop_client's sink_mime feeds it. */
static void reader(const char *in, size_t n, size_t piece)
{
	static struct mime_in m; /* large: not on the stack */
	char *shown = NULL;
	size_t shown_len = 0;
	FILE *out = open_memstream(&shown, &shown_len);

	fuzz_check(out != NULL);
	mime_in_init(&m, out);
	for (size_t pos = 0; pos < n;) {
		const char *lf = memchr(in + pos, '\n', n - pos);
		size_t line = lf ? (size_t)(lf - (in + pos)) : n - pos;
		size_t end = line; /* without its CRLF or LF */
		if (lf && end > 0 && in[pos + end - 1] == '\r')
			end--;
		size_t off = 0;
		while (end - off > piece) { /* a long line goes in pieces */
			mime_in_line(&m, in + pos + off, piece, false);
			off += piece;
		}
		mime_in_line(&m, in + pos + off, end - off, true);
		pos += line + (lf != NULL);
	}
	mime_in_finish(&m);
	fclose(out);
	check_shown(shown, shown_len);
	check_shown(m.from, strlen(m.from));
	check_shown(m.subject, strlen(m.subject));
	check_shown(m.date, strlen(m.date));
	free(shown);
}

/* Each line as a header value for the encoded-word decoder. */
static void words(const char *in, size_t n)
{
	char line[1024], out[256];

	for (size_t pos = 0; pos < n;) {
		const char *lf = memchr(in + pos, '\n', n - pos);
		size_t len = lf ? (size_t)(lf - (in + pos)) : n - pos;
		size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
		memcpy(line, in + pos, k);
		line[k] = '\0';
		memset(out, 'X', sizeof out);
		size_t got = mime_decode_words(line, out, sizeof out);
		fuzz_check(got < sizeof out && out[got] == '\0');
		fuzz_check(strlen(out) <= got);
		check_shown(out, strlen(out)); /* LF never reaches here */
		pos += len + (lf != NULL);
	}
}

/* The raw bytes in each charset the reader knows, and one it does not. */
static void charsets(const char *in, size_t n)
{
	static const char *const names[] = { "", "utf-8", "us-ascii",
	                                     "iso-8859-1", "iso-8859-9",
	                                     "windows-1254", "x-unknown" };
	char out[512];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t got = to_utf8(names[i], (const unsigned char *)in, n, out,
		                     sizeof out);
		fuzz_check(got < sizeof out && out[got] == '\0');
		if (known_charset(names[i]))
			check_shown(out, got);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *in = (const char *)data + 1;

	reader(in, size - 1, piece_sizes[data[0] & 3]);
	words(in, size - 1);
	charsets(in, size - 1);
	return 0;
}
