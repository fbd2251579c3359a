/*
 * util: the few things every program needs — its name in messages,
 * dying on start-up errors, the one-line session log, strict number
 * parsing, and the options every program shares.
 *
 * Contract: only main() and die() may end the process; everything else
 * returns an error to its caller.
 *
 * The return convention of lib/ (one for every module):
 *   - A function that can fail returns 0 on success and -1 on failure.
 *     When the caller needs the reason, the FIRST parameter is a
 *     caller's buffer `char *err` of the module's *_ERR_LEN (or reply
 *     size) that gets one line saying what failed and why (redis anet
 *     style); otherwise errno says it.
 *   - A third outcome is a documented positive value, never another
 *     negative one: 1 = found / held by another (users_lookup,
 *     maildir_lock), a count of partial failures (maildir_update).
 *   - Parsers with several distinct refusals return a named enum whose
 *     0 is OK (enum addr_error, enum sasl_error, enum pop3_status).
 *   - A question is a bool (id_is_canonical, addr_has_utf8); a sink that
 *     cannot fail, or keeps its error for later (maildir_write), is void.
 */
#ifndef MAILAB_UTIL_H
#define MAILAB_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define MAILAB_VERSION "1.0"

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* Set once at start-up from argv[0]; used as the prefix of every message. */
void util_set_progname(const char *argv0);
const char *util_progname(void);

/* Print "prog: message" on stderr and exit with a <sysexits.h> code. */
NORETURN void die(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Print "prog: message" on stderr and carry on. */
void warnmsg(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* One session event on stderr: "2026-11-27 06:40:01 [peer] event". */
void log_event(const char *peer, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Strict decimal: digits only, no sign, no spaces, no leading '+', and
 * no more than max.  Returns 0 and sets *out, or -1.
 */
int parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* A TCP port 0..65535 (0 asks the kernel for a free one). */
int parse_port(const char *s, unsigned *port);

/* Parse an option argument or die with EX_USAGE naming the option. */
unsigned long opt_ulong(const char *opt, const char *arg, unsigned long min,
                        unsigned long max);

/* Copy at most cap-1 bytes and always terminate; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t cap);

/* ASCII-only case-insensitive compare of the first n bytes. */
int str_ncase_eq(const char *a, const char *b, size_t n);

/* This host's name for banners and Received: headers. */
void util_hostname(char *buf, size_t cap);

#endif
