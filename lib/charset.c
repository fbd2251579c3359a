/* charset: message text to UTF-8 that is safe on a terminal.  See
 * charset.h. */
#include "charset.h"

#include <string.h>

enum cs_kind { CS_UTF8, CS_LATIN1, CS_LATIN5, CS_OTHER };

static enum cs_kind charset_kind(const char *cs)
{
	static const struct { const char *name; enum cs_kind kind; } known[] = {
		{ "", CS_UTF8 }, { "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 },
		{ "us-ascii", CS_UTF8 }, { "ascii", CS_UTF8 },
		{ "iso-8859-1", CS_LATIN1 }, { "iso8859-1", CS_LATIN1 },
		{ "latin1", CS_LATIN1 }, { "windows-1252", CS_LATIN1 },
		{ "iso-8859-9", CS_LATIN5 }, { "iso8859-9", CS_LATIN5 },
		{ "latin5", CS_LATIN5 }, { "windows-1254", CS_LATIN5 },
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(cs, known[i].name) == 0)
			return known[i].kind;
	return CS_OTHER;
}

bool charset_known(const char *charset)
{
	return charset_kind(charset) != CS_OTHER;
}

/* ISO-8859-9 is Latin-1 with six Turkish letters in place of others. */
static unsigned latin5_code(unsigned char b)
{
	switch (b) {
	case 0xD0: return 0x011E; /* G with breve */
	case 0xDD: return 0x0130; /* capital I with dot */
	case 0xDE: return 0x015E; /* S with cedilla */
	case 0xF0: return 0x011F; /* g with breve */
	case 0xFD: return 0x0131; /* dotless i */
	case 0xFE: return 0x015F; /* s with cedilla */
	default: return b;
	}
}

/*
 * The valid UTF-8 sequence at s (n bytes there, s[0] >= 0x80): its
 * length, 0 when it is not one, -1 when it may be one but is cut short.
 * RFC 3629 4: no overlong forms, no surrogates, nothing over U+10FFFF.
 */
static int utf8_len(const unsigned char *s, size_t n)
{
	unsigned lo = 0x80, hi = 0xBF;
	int len;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	for (int i = 1; i < len; i++, lo = 0x80, hi = 0xBF) {
		if ((size_t)i == n)
			return -1;
		if (s[i] < lo || s[i] > hi)
			return 0;
	}
	return len;
}

/* A C1 control (U+0080..U+009F, ECMA-48's CSI U+009B among them) as
 * UTF-8: C2 80..C2 9F.  Terminals obey them like ESC sequences. */
static bool utf8_c1(const unsigned char *s)
{
	return s[0] == 0xC2 && s[1] < 0xA0;
}

size_t charset_to_utf8(const char *charset, const unsigned char *in, size_t n,
                    char *out, size_t cap)
{
	enum cs_kind kind = charset_kind(charset);
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		unsigned c = in[i];
		int k;
		if (c == '\r')
			continue;
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			out[o++] = '?'; /* never let a message drive the terminal */
			continue;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (kind == CS_UTF8 || kind == CS_OTHER) {
			/* Only valid UTF-8 passes, and no C1 in it; a stray
			 * 0x80..0x9F byte is a C1 control on some terminals. */
			k = utf8_len(in + i, n - i);
			if (k <= 0 || utf8_c1(in + i)) {
				out[o++] = '?';
				i += k == 2; /* a C1: both its bytes */
				continue;
			}
			memcpy(out + o, in + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k - 1;
		} else if (c < 0xA0) { /* C1 controls */
			out[o++] = '?';
		} else {
			if (kind == CS_LATIN5)
				c = latin5_code((unsigned char)c);
			out[o++] = (char)(0xC0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
	return o;
}

size_t charset_cut(const char *charset, const unsigned char *p, size_t n)
{
	enum cs_kind kind = charset_kind(charset);

	if (kind != CS_UTF8 && kind != CS_OTHER)
		return 0; /* one byte, one character */
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned char c = p[n - back];
		if (c < 0x80)
			return 0;
		if (c >= 0xC0) /* a lead byte: is its sequence cut short? */
			return utf8_len(p + n - back, back) < 0 ? back : 0;
	}
	return 0;
}
