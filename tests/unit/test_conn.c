/* Unit tests: the line reader's limits and endings (lib/conn) over a pipe. */
#include <unistd.h>

#include "check.h"
#include "conn.h"

static struct conn c;
static int wfd;

static void feed(const char *s, size_t n)
{
	if (write(wfd, s, n) != (ssize_t)n)
		perror("write");
}

int main(void)
{
	char buf[16];
	size_t n;
	enum conn_ending end;
	int p[2];

	if (pipe(p) < 0)
		return 1;
	wfd = p[1];
	conn_init(&c, p[0], -1, 5, false, CONN_SERVER);

	feed("HELO a\r\n", 8);
	CHECK("CRLF line", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                   strcmp(buf, "HELO a") == 0 && end == END_CRLF);
	CHECK("saw a CR", c.saw_cr);
	feed("NOOP\n", 5);
	CHECK("bare LF line", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                      strcmp(buf, "NOOP") == 0 && end == END_LF);
	feed("12345678\r\n", 10);
	CHECK("exactly at the limit (CRLF counted)",
	      conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE && n == 8);
	feed("123456789\r\nNEXT\r\n", 17);
	CHECK("one over the limit", conn_read_command(&c, buf, 10, &n, &end) == CONN_TOOLONG);
	CHECK("the next line is whole after draining",
	      conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE && strcmp(buf, "NEXT") == 0);
	feed("a\0b\r\n", 5);
	CHECK("NUL kept, length-based", conn_read_command(&c, buf, 10, &n, &end) == CONN_LINE &&
	                                n == 3 && buf[1] == '\0');
	feed("0123456789abcdefXYZ\n", 20);
	CHECK("a long data line comes in parts",
	      conn_read_line(&c, buf, 16, &n) == CONN_PART && n == 16);
	CHECK("... then its end", conn_read_line(&c, buf, 16, &n) == CONN_LINE && n == 4 &&
	                         memcmp(buf, "XYZ\n", 4) == 0);
	feed("cut", 3);
	close(wfd);
	CHECK("EOF inside a line", conn_read_line(&c, buf, 16, &n) == CONN_EOF);
	return CHECK_DONE();
}
