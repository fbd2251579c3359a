/* util: progname, die, the session log, strict number parsing. */
#include "util.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static const char *progname = "mailab";

void util_set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *util_progname(void)
{
	return progname;
}

static void vmessage(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s: %s\n", progname, line);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(code);
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void log_event(const char *peer, const char *fmt, ...)
{
	char when[32], what[512];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	/* A name from the network may hold a CR or LF: never let it forge
	 * a second log line or drive the terminal. */
	for (char *p = what; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* One write per line so lines from many sessions never interleave. */
	fprintf(stderr, "%s %s[%ld] [%s] %s\n", when, progname, (long)getpid(),
	        peer ? peer : "-", what);
}

int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long d = (unsigned long)(*s - '0');
		if (d > max || v > (max - d) / 10) /* v * 10 + d > max */
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_port(const char *s, unsigned *port)
{
	unsigned long v;

	if (parse_ulong(s, 65535, &v) < 0)
		return -1;
	*port = (unsigned)v;
	return 0;
}

unsigned long opt_ulong(const char *opt, const char *arg, unsigned long min,
                        unsigned long max)
{
	unsigned long v;

	if (parse_ulong(arg, max, &v) < 0 || v < min)
		die(EX_USAGE, _("%s: '%s' is not a whole number from %lu to %lu"),
		    opt, arg, min, max);
	return v;
}

size_t str_copy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (cap > 0) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int str_ncase_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

void util_hostname(char *buf, size_t cap)
{
	if (gethostname(buf, cap) != 0 || buf[0] == '\0')
		str_copy(buf, "localhost", cap);
	buf[cap - 1] = '\0';
}
