/*
 * charset: text from a message (a header, an encoded word, a body) to
 * UTF-8 that is safe to print on a terminal, for pop_client's decoded
 * view (lib/mime_in).
 *
 * Covers: UTF-8 and US-ASCII (RFC 3629: only valid UTF-8 passes, no
 * overlong forms or surrogates), ISO-8859-1 and ISO-8859-9 (Turkish)
 * converted.  Control characters that could drive a terminal are shown
 * as '?': C0 (ESC...) except TAB and LF, DEL, and C1 (ECMA-48's
 * 0x80-0x9F, CSI among them), raw or as U+0080-U+009F in UTF-8.  A
 * charset it does not know is shown as UTF-8 would be.
 * Leaves out: every other charset (no iconv: libc only).
 */
#ifndef MAILAB_CHARSET_H
#define MAILAB_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Convert n bytes in charset (lower case; "" means US-ASCII) to UTF-8,
 * control characters shown as '?', CR dropped; for UTF-8 (and unknown
 * charsets) each byte that is not part of valid UTF-8 becomes '?'.
 * Writes at most cap - 1 bytes and a NUL; returns the length written.
 */
size_t charset_to_utf8(const char *charset, const unsigned char *in,
                       size_t n, char *out, size_t cap);

/* True for the charsets charset_to_utf8() really converts or passes. */
bool charset_known(const char *charset);

/*
 * How many bytes at the end of p (0 to 3) begin a UTF-8 character that
 * the next piece of the same text completes: the caller holds them
 * back so that a character cut between two pieces is not shown as '?'.
 * 0 for one-byte charsets.
 */
size_t charset_cut(const char *charset, const unsigned char *p, size_t n);

#endif
