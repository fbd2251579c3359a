/*
 * base64 (RFC 4648 section 4): SMTP AUTH (RFC 4954) and MIME
 * attachments (RFC 2045 6.8).  Pure functions, no allocation.
 */
#ifndef MAILAB_BASE64_H
#define MAILAB_BASE64_H

#include <stddef.h>

/* Bytes needed to encode n bytes, without a terminating NUL. */
#define BASE64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)

/* Encode n bytes into out (BASE64_ENCODED_LEN(n) + 1 bytes); NUL-ends. */
size_t base64_encode(const void *in, size_t n, char *out);

/*
 * Decode n characters (no white space allowed) into out, which must
 * hold n / 4 * 3 bytes.  Returns the decoded length, or -1 when the
 * text is not valid base64 (bad character, bad padding, bad length).
 */
long base64_decode(const char *in, size_t n, unsigned char *out);

#endif
