/*
 * Unit tests of mime_in: RFC 2047 words, charsets, quoted-printable and
 * base64 bodies, multipart structure, attachments, hostile input.
 */
#include <stdlib.h>

#include "charset.h"
#include "check.h"
#include "mime_in.h"

/* Feed msg line by line (split at "\n", or in pieces of piece bytes
 * when piece > 0) and return what mime_in shows (caller frees). */
static char *show(const char *msg, size_t piece)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct mime_in *m = malloc(sizeof *m);

	mime_in_init(m, out);
	while (*msg) {
		size_t n = strcspn(msg, "\n");
		size_t off = 0;
		while (piece > 0 && n - off > piece) {
			mime_in_line(m, msg + off, piece, false);
			off += piece;
		}
		mime_in_line(m, msg + off, n - off, true);
		msg += n + (msg[n] == '\n');
	}
	mime_in_finish(m);
	fclose(out);
	free(m);
	return buf;
}

static void check_show(const char *name, const char *msg, size_t piece,
                       const char *want)
{
	char *got = show(msg, piece);
	CHECK_STR(name, got, want);
	free(got);
}

static void test_words(void)
{
	char out[256];

	mime_decode_words("=?utf-8?B?U2VsYW0gxLHDp8Wfw7zDtsSw?=", out, sizeof out);
	CHECK_STR("RFC 2047 B word in UTF-8", out, "Selam ıçşüöİ");
	mime_decode_words("=?UTF-8?Q?Bu_bir_=C4=B1?= test", out, sizeof out);
	CHECK_STR("RFC 2047 Q word, underscore is a space", out, "Bu bir ı test");
	mime_decode_words("=?utf-8?Q?a?= =?utf-8?Q?b?=  c", out, sizeof out);
	CHECK_STR("space between two words dropped (6.2)", out, "ab  c");
	mime_decode_words("=?iso-8859-9?Q?=FD=FE=F0=DD?=", out, sizeof out);
	CHECK_STR("ISO-8859-9 word to UTF-8", out, "ışğİ");
	mime_decode_words("=?iso-8859-1?q?caf=E9?=", out, sizeof out);
	CHECK_STR("ISO-8859-1 word to UTF-8", out, "café");
	mime_decode_words("=?utf-8?X?abc?= =?utf-8?B?!!!?=", out, sizeof out);
	CHECK_STR("malformed words left as they are", out,
	          "=?utf-8?X?abc?= =?utf-8?B?!!!?=");
	mime_decode_words("=?utf-8*tr?B?U2VsYW0?=", out, sizeof out);
	CHECK_STR("RFC 2231 language suffix ignored", out, "Selam");
	mime_decode_words("red\x1b[31m alert\x07", out, sizeof out);
	CHECK_STR("terminal escapes shown as ?", out, "red?[31m alert?");
	mime_decode_words("=?utf-8?B?U2VsYW0gxLHDp8Wfw7zDtsSw?=", out, 8);
	CHECK("a small output buffer is never overrun", strlen(out) < 8);
}

static void test_plain(void)
{
	check_show("8-bit UTF-8 message: headers and text",
	           "Received: from x\nFrom: melek@example.com\n"
	           "To: gizem@example.com\nSubject: =?utf-8?B?U2VsYW0=?=\n"
	           "X-Other: hidden\n\nBu bir test: ı, ç, ş, ü, ö, İ\n", 0,
	           "From: melek@example.com\nTo: gizem@example.com\n"
	           "Subject: Selam\n\nBu bir test: ı, ç, ş, ü, ö, İ\n");
	check_show("folded Subject unfolded",
	           "Subject: =?utf-8?Q?S=C3=BC?=\n =?utf-8?Q?per?=\n\nx\n", 0,
	           "Subject: Süper\n\nx\n");
	check_show("quoted-printable with a soft break, ISO-8859-9",
	           "Content-Type: text/plain; charset=ISO-8859-9\n"
	           "Content-Transfer-Encoding: quoted-printable\n\n"
	           "Bu bir test: =FD, =E7, =FE, =FC, =F6, =DD, =\nson\n", 0,
	           "\nBu bir test: ı, ç, ş, ü, ö, İ, son\n");
	check_show("quoted-printable cut into 3-byte pieces",
	           "Content-Transfer-Encoding: quoted-printable\n\n"
	           "ab=C4=B1cd=3D=\nef\n", 3, "\nabıcd=ef\n");
	check_show("base64 text, CRLF inside shown as LF",
	           "Content-Type: text/plain; charset=\"utf-8\"\n"
	           "Content-Transfer-Encoding: base64\n\n"
	           "TWVyaGFiYSBkw7xueWEhDQrEsGtp\nbmNpIHNhdMSxci4NCg==\n", 0,
	           "\nMerhaba dünya!\nİkinci satır.\n");
	check_show("unknown charset shown as is, with a note",
	           "Content-Type: text/plain; charset=koi8-r\n\nabc\n", 0,
	           "\n[charset koi8-r shown as is]\nabc\n");
	check_show("a long line fed in pieces comes out whole",
	           "Subject: long\n\n0123456789012345678901234567890\n", 4,
	           "Subject: long\n\n0123456789012345678901234567890\n");
}

static const char multipart[] =
    "From: melek@example.com\n"
    "Subject: Ekler\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed;\n boundary=\"==b1==\"\n"
    "\n"
    "This is a multi-part message in MIME format.\n"
    "--==b1==\n"
    "Content-Type: multipart/alternative; boundary=b2\n"
    "\n"
    "--b2\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Merhaba, ekler ş.\n"
    "--b2\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>Merhaba</p>\n"
    "--b2--\n"
    "--==b1==\n"
    "Content-Type: application/pdf; name=\"=?utf-8?B?cmFwb3JfxZ8ucGRm?=\"\n"
    "Content-Disposition: attachment\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "AAECAwQF\n"
    "BgcI\n"
    "--==b1==   \n"
    "Content-Type: text/plain\n"
    "Content-Disposition: attachment; filename*=utf-8''not%C4%B1.txt\n"
    "\n"
    "a note\n"
    "--==b1==--\n"
    "epilogue, never shown\n";

static void test_multipart(void)
{
	check_show("multipart: first text part, then the attachments",
	           multipart, 0,
	           "From: melek@example.com\nSubject: Ekler\n\n"
	           "Merhaba, ekler ş.\n\nAttachments:\n"
	           "  (no name) (text/html, 15 bytes)\n"
	           "  rapor_ş.pdf (application/pdf, 9 bytes)\n"
	           "  notı.txt (text/plain, 7 bytes)\n");
	check_show("multipart fed in pieces of MIME_PIECE_MIN: same result",
	           multipart, MIME_PIECE_MIN,
	           "From: melek@example.com\nSubject: Ekler\n\n"
	           "Merhaba, ekler ş.\n\nAttachments:\n"
	           "  (no name) (text/html, 15 bytes)\n"
	           "  rapor_ş.pdf (application/pdf, 9 bytes)\n"
	           "  notı.txt (text/plain, 7 bytes)\n");
	check_show("multipart without its closing boundary still ends",
	           "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
	           "Content-Type: image/png; name=a.png\n\nabc\n", 0,
	           "\n(no text part)\n\nAttachments:\n"
	           "  a.png (image/png, 4 bytes)\n");
}

/* C1 controls (issue 10, 6): raw 0x80-0x9F and U+0080-U+009F in UTF-8
 * (CSI is 0x9B / U+009B) reach the terminal as '?', like C0 ones. */
static void test_c1(void)
{
	char out[256];
	unsigned char latin[] = { 'a', 0x9B, '3', '1', 'm', 0xE7, 0 };

	mime_decode_words("red\xc2\x9b" "31m \x9b" "2J end", out, sizeof out);
	CHECK_STR("C1 in a raw header: U+009B and raw 0x9B shown as ?", out,
	          "red?31m ?2J end");
	mime_decode_words("=?utf-8?Q?a=C2=9B31m_b=9Bc?=", out, sizeof out);
	CHECK_STR("C1 in a Q encoded word (UTF-8 and raw)", out, "a?31m b?c");
	mime_decode_words("=?utf-8?B?wpsyShs=?=", out, sizeof out);
	CHECK_STR("C1 and ESC in a B encoded word", out, "?2J?");
	mime_decode_words("=?iso-8859-1?Q?=9B1m=E7?=", out, sizeof out);
	CHECK_STR("C1 in an ISO-8859-1 word", out, "?1mç");
	charset_to_utf8("iso-8859-9", latin, strlen((char *)latin), out, sizeof out);
	CHECK_STR("C1 in ISO-8859-9 text", out, "a?31mç");
	mime_decode_words("ok \xc3\xa7 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80"
	                  " \xf0\x9f\x98\x80", out, sizeof out);
	CHECK_STR("valid UTF-8 kept, overlong/surrogate/too big shown as ?",
	          out, "ok ç ?? ??? ???? \xf0\x9f\x98\x80");
	check_show("C1 in an 8-bit body, UTF-8 and raw",
	           "Subject: x\n\nab\xc2\x9b" "31mcd\x9b" "2Jef \xc5\x9f\n", 0,
	           "Subject: x\n\nab?31mcd?2Jef ş\n");
	check_show("C1 in a base64 body (U+009B)",
	           "Content-Transfer-Encoding: base64\n\nYcKbMzFtYg==\n", 0,
	           "\na?31mb");
	check_show("C1 in a quoted-printable body",
	           "Content-Transfer-Encoding: quoted-printable\n\n"
	           "a=C2=9B=9Bb=C5=9F\n", 0, "\na??bş\n");
	check_show("a UTF-8 character cut between two pieces stays whole",
	           "Subject: x\n\nabcdefghi\xc5\x9fjklmnopq\xe2\x82\xacrstuvwx\n", 5,
	           "Subject: x\n\nabcdefghişjklmnopq€rstuvwx\n");
	check_show("base64 cuts a UTF-8 character between quads: whole",
	           "Content-Transfer-Encoding: base64\n\nYcWf\nYg==\n", 0,
	           "\naşb");
	check_show("a UTF-8 character cut by the end of the text: ?",
	           "Subject: x\n\nab\xc5", 0, "Subject: x\n\nab?\n");
}

/* --list reads one message after another with one mime_in: a message
 * without From/Date must not show the previous message's (issue 10, 4). */
static void test_reset(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct mime_in *m = malloc(sizeof *m);
	const char *first[] = { "From: a@x", "Date: Mon, 1 Jan 2024", "Subject: s1",
		                "" };

	mime_in_init(m, out);
	for (size_t i = 0; i < 4; i++)
		mime_in_line(m, first[i], strlen(first[i]), true);
	mime_in_finish(m);
	mime_in_init(m, out);
	mime_in_line(m, "X-Only: this", 12, true);
	mime_in_line(m, "", 0, true);
	mime_in_finish(m);
	CHECK("next message without From/Subject/Date: all empty",
	      m->from[0] == '\0' && m->subject[0] == '\0' && m->date[0] == '\0');
	fclose(out);
	free(buf);
	free(m);
}

static void test_hostile(void)
{
	char *big = malloc(200000), *got;
	size_t n = 0;

	n += (size_t)sprintf(big, "Subject: ");
	memset(big + n, 'A', 100000);
	n += 100000;
	n += (size_t)sprintf(big + n, "\nContent-Type: multipart/mixed; "
	                              "boundary=");
	for (int i = 0; i < 12; i++) /* nesting deeper than the limit */
		n += (size_t)sprintf(big + n, "b%d\n\n--b%d\nContent-Type: "
		                              "multipart/mixed; boundary=", i, i);
	sprintf(big + n, "z\n\n--z\n\ntext\n");
	got = show(big, 0);
	CHECK("a 100 KB header is cut to MIME_HEADER_MAX",
	      got && strlen(got) < MIME_HEADER_MAX + 200);
	free(got);
	free(big);
	check_show("an empty message", "", 0, "\n");
}

/* Found by fuzz_mime_in: a Content-Type or charset with control bytes
 * reached the terminal raw in the attachment list and the charset
 * note.  Tokens now show such bytes as '?'. */
static void test_hostile_tokens(void)
{
	check_show("ESC in an attachment's type shown as ?",
	           "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
	           "Content-Type: image/\033[31mpng; name=a.png\n\nabc\n--x--\n", 0,
	           "\n(no text part)\n\nAttachments:\n"
	           "  a.png (image/?[31mpng, 4 bytes)\n");
	char *got = show("Content-Type: text/plain; charset=\"x\033]0;t\x9b\"\n\nhi\n", 0);
	CHECK("ESC and C1 in a charset note shown as ?",
	      got && !strchr(got, '\033') && !strchr(got, '\x9b'));
	free(got);
}

int main(void)
{
	test_words();
	test_plain();
	test_multipart();
	test_c1();
	test_reset();
	test_hostile();
	test_hostile_tokens();
	return CHECK_DONE();
}
