/*
 * md5: the MD5 message digest (RFC 1321), for POP3's APOP command
 * (RFC 1939 section 7), whose digest is MD5(timestamp + password).
 * MD5 is broken for signatures; APOP is here because the lab shows it.
 */
#ifndef MAILAB_MD5_H
#define MAILAB_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN 16
#define MD5_HEX_LEN (2 * MD5_DIGEST_LEN) /* lower-case hex, no NUL */

struct md5 {
	uint32_t state[4];     /* A, B, C, D of RFC 1321 3.3 */
	uint64_t bytes;        /* message length so far */
	unsigned char block[64];
	size_t used;           /* bytes waiting in block */
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *p, size_t n);
void md5_final(struct md5 *m, unsigned char digest[MD5_DIGEST_LEN]);

/* The digest of n bytes as 32 lower-case hex digits and a NUL. */
void md5_hex(const void *p, size_t n, char hex[MD5_HEX_LEN + 1]);

#endif
