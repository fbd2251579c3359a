/*
 * fuzz_message: lib/message's writers, given text that came from
 * outside (a subject, an address, a file name, a body): headers with
 * folding and encoded words, quoted-printable, RFC 2231 file names.
 *
 * Checks: a header is refused exactly when the value holds CR or LF,
 * and an accepted one is well formed: every line ends in CRLF, no
 * bare CR or LF, every line after the first is a continuation (starts
 * with a space or TAB), so a value can never start a header of its
 * own; quoted-printable lines are printable ASCII within 76 columns
 * (RFC 2045 6.7).
 */
#include "fuzz.h"
#include "message.h"

/* CRLF lines only; after the first, each starts with white space. */
static void check_lines(const char *p, size_t n, size_t max, bool folded)
{
	size_t start = 0;

	fuzz_check(n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r') {
			fuzz_check(i + 1 < n && p[i + 1] == '\n');
			fuzz_check(i - start <= max);
			i++;
			start = i + 1;
			if (folded && start < n)
				fuzz_check(p[start] == ' ' || p[start] == '\t');
		} else {
			fuzz_check(p[i] != '\n' && p[i] != '\0');
		}
	}
}

static void header(const char *s, bool address)
{
	struct msg_buf b = { 0 };
	int rc = address ? msg_address_header(&b, "Subject", s)
	                 : msg_header(&b, "Subject", s);
	bool has_break = strpbrk(s, "\r\n") != NULL;

	fuzz_check((rc < 0) == has_break);
	if (rc == 0 && !b.failed)
		check_lines(b.p, b.len, (size_t)-1, true);
	/* An all-ASCII-or-UTF-8 value that needs encoding stays in limits. */
	msg_buf_free(&b);
}

static void qp(const uint8_t *data, size_t size)
{
	struct msg_buf b = { 0 };

	msg_qp_encode(&b, (const char *)data, size);
	if (!b.failed && b.len > 0) {
		check_lines(b.p, b.len, MSG_QP_LINE, false);
		for (size_t i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.p[i];
			fuzz_check(c == '\r' || c == '\n' || c == '\t' ||
			           (c >= 0x20 && c < 0x7f));
		}
	}
	msg_buf_free(&b);
}

static void filename(const char *s)
{
	struct msg_buf b = { 0 };

	msg_filename_param(&b, s);
	for (size_t i = 0; !b.failed && i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		/* folded with CRLF + space, never a control byte otherwise */
		fuzz_check(c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7f));
	}
	(void)msg_mime_type(s);
	msg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);

	header(s, false);
	header(s, true);
	filename(s);
	qp(data, size);
	free(s);
	return 0;
}
