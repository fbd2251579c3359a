/* base64 encode and strict decode (RFC 4648 section 4). */
#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t o = 0;

	for (; n >= 3; n -= 3, p += 3) {
		out[o++] = alphabet[p[0] >> 2];
		out[o++] = alphabet[((p[0] & 3) << 4) | (p[1] >> 4)];
		out[o++] = alphabet[((p[1] & 15) << 2) | (p[2] >> 6)];
		out[o++] = alphabet[p[2] & 63];
	}
	if (n > 0) {
		out[o++] = alphabet[p[0] >> 2];
		if (n == 1) {
			out[o++] = alphabet[(p[0] & 3) << 4];
			out[o++] = '=';
		} else {
			out[o++] = alphabet[((p[0] & 3) << 4) | (p[1] >> 4)];
			out[o++] = alphabet[(p[1] & 15) << 2];
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *in, size_t n, unsigned char *out)
{
	size_t o = 0;

	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 || (v[k] = value(in[i + k])) < 0) {
				return -1;
			}
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return (long)o;
}
