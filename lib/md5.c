/*
 * md5: RFC 1321, written from the RFC's description (section 3):
 * pad to 56 mod 64 bytes, append the 64-bit length, then four rounds
 * of sixteen steps on each 512-bit block.
 */
#include "md5.h"

#include <stdio.h>
#include <string.h>

/* RFC 1321 3.4: T[i] = floor(2^32 * abs(sin(i))), i = 1..64. */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* The left rotations of each round's four steps (RFC 1321 3.4). */
static const unsigned md5_shift[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 }
};

static uint32_t rotl(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

/* One 64-byte block: X[k] little-endian words, rounds F, G, H, I. */
static void md5_block(uint32_t st[4], const unsigned char *p)
{
	uint32_t x[16], a = st[0], b = st[1], c = st[2], d = st[3];

	for (int k = 0; k < 16; k++)
		x[k] = (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 |
		       (uint32_t)p[4 * k + 2] << 16 | (uint32_t)p[4 * k + 3] << 24;
	for (unsigned i = 0; i < 64; i++) {
		uint32_t f;
		unsigned k, r = i / 16;
		if (r == 0) {
			f = (b & c) | (~b & d);
			k = i;
		} else if (r == 1) {
			f = (b & d) | (c & ~d);
			k = (5 * i + 1) % 16;
		} else if (r == 2) {
			f = b ^ c ^ d;
			k = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			k = (7 * i) % 16;
		}
		f = b + rotl(a + f + x[k] + md5_t[i], md5_shift[r][i % 4]);
		a = d;
		d = c;
		c = b;
		b = f;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
}

/* RFC 1321 3.3: the initial words A..D. */
void md5_init(struct md5 *m)
{
	m->state[0] = 0x67452301;
	m->state[1] = 0xefcdab89;
	m->state[2] = 0x98badcfe;
	m->state[3] = 0x10325476;
	m->bytes = 0;
	m->used = 0;
}

void md5_update(struct md5 *m, const void *p, size_t n)
{
	const unsigned char *s = p;

	m->bytes += n;
	while (n > 0) {
		size_t k = sizeof m->block - m->used;
		if (k > n)
			k = n;
		memcpy(m->block + m->used, s, k);
		m->used += k;
		s += k;
		n -= k;
		if (m->used == sizeof m->block) {
			md5_block(m->state, m->block);
			m->used = 0;
		}
	}
}

/* RFC 1321 3.1-3.2 and 3.5: pad, append the bit length, output A..D. */
void md5_final(struct md5 *m, unsigned char digest[MD5_DIGEST_LEN])
{
	static const unsigned char pad[64] = { 0x80 };
	unsigned char len[8];
	uint64_t bits = m->bytes * 8;

	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (8 * i));
	md5_update(m, pad, m->used < 56 ? 56 - m->used : 120 - m->used);
	md5_update(m, len, 8);
	for (int i = 0; i < 16; i++)
		digest[i] = (unsigned char)(m->state[i / 4] >> (8 * (i % 4)));
}

void md5_hex(const void *p, size_t n, char hex[MD5_HEX_LEN + 1])
{
	unsigned char d[MD5_DIGEST_LEN];
	struct md5 m;

	md5_init(&m);
	md5_update(&m, p, n);
	md5_final(&m, d);
	for (int i = 0; i < MD5_DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
