/* Unit tests: the dot-transparency codec (lib/dot). */
#include "check.h"
#include "dot.h"

/* Stuff in (in two chunks, split at cut) and end it; as a string. */
static const char *stuff(const char *in, size_t cut, enum dot_cr mode)
{
	static char out[256];
	struct dot_stuffer d = { .bol = true, .cr_mode = mode };
	size_t n = strlen(in), o;

	cut = cut < n ? cut : n;
	o = dot_stuff(&d, in, cut, out);
	o += dot_stuff(&d, in + cut, n - cut, out + o);
	o += dot_stuff_end(&d, out + o);
	out[o] = '\0';
	return out;
}

static void test_stuff(void)
{
	for (size_t cut = 0; cut < 6; cut++) { /* chunk borders anywhere */
		CHECK_STR("LF to CRLF", stuff("a\nb\n", cut, DOT_CR_EOL), "a\r\nb\r\n");
		CHECK_STR("CRLF kept", stuff("a\r\nb\r\n", cut, DOT_CR_EOL), "a\r\nb\r\n");
		CHECK_STR("leading dot doubled", stuff(".a\n..b\n", cut, DOT_CR_EOL),
		          "..a\r\n...b\r\n");
		CHECK_STR("dot alone doubled", stuff("a\n.\nb", cut, DOT_CR_EOL),
		          "a\r\n..\r\nb\r\n");
		CHECK_STR("inner dot kept", stuff("a.b\n", cut, DOT_CR_EOL), "a.b\r\n");
		CHECK_STR("bare CR ends a line (SMTP)", stuff("a\r.b", cut, DOT_CR_EOL),
		          "a\r\n..b\r\n");
		CHECK_STR("bare CR kept (POP3)", stuff("a\r.b\n", cut, DOT_CR_KEEP),
		          "a\r.b\r\n");
		CHECK_STR("CRLF kept (POP3)", stuff("a\r\n.\r\n", cut, DOT_CR_KEEP),
		          "a\r\n..\r\n");
	}
	CHECK_STR("no last LF gets CRLF", stuff("abc", 1, DOT_CR_EOL), "abc\r\n");
	CHECK_STR("empty stays empty", stuff("", 0, DOT_CR_EOL), "");
	CHECK_STR("a last CR as counted by W=", stuff("abc\r", 2, DOT_CR_KEEP),
	          "abc\r\r\n");
}

static void test_unstuff(void)
{
	CHECK("end mark", dot_is_end(".", 1, true));
	CHECK("end mark needs the line end", !dot_is_end(".", 1, false));
	CHECK("two dots are no end", !dot_is_end("..", 2, true));
	CHECK("stuffed dot dropped", dot_unstuff("..a", 3) == 1);
	CHECK("plain line kept", dot_unstuff("a.", 2) == 0);
	CHECK("empty line kept", dot_unstuff("", 0) == 0);
}

int main(void)
{
	test_stuff();
	test_unstuff();
	return CHECK_DONE();
}
