/* Unit tests of lib/md5: the RFC 1321 A.5 test suite and RFC 1939's
 * APOP example. */
#include "check.h"
#include "md5.h"

static void vector(const char *in, const char *want)
{
	char hex[MD5_HEX_LEN + 1], name[160];

	md5_hex(in, strlen(in), hex);
	snprintf(name, sizeof name, "md5 RFC 1321 A.5: \"%.40s\"", in);
	CHECK_STR(name, hex, want);
}

/* Feeding the data in pieces of every size gives the same digest. */
static void pieces(void)
{
	const char *in = "12345678901234567890123456789012345678901234567890"
	                 "123456789012345678901234567890";
	unsigned char d[MD5_DIGEST_LEN], whole[MD5_DIGEST_LEN];
	struct md5 m;
	int same = 1;

	md5_init(&m);
	md5_update(&m, in, strlen(in));
	md5_final(&m, whole);
	for (size_t step = 1; step < 70; step++) {
		md5_init(&m);
		for (size_t i = 0; i < strlen(in); i += step) {
			size_t k = strlen(in) - i < step ? strlen(in) - i : step;
			md5_update(&m, in + i, k);
		}
		md5_final(&m, d);
		same &= memcmp(d, whole, sizeof d) == 0;
	}
	CHECK("md5 in pieces of 1..69 bytes equals one update", same);
}

int main(void)
{
	char hex[MD5_HEX_LEN + 1];
	const char *apop = "<1896.697170952@dbc.mtview.ca.us>tanstaaf";

	vector("", "d41d8cd98f00b204e9800998ecf8427e");
	vector("a", "0cc175b9c0f1b6a831c399e269772661");
	vector("abc", "900150983cd24fb0d6963f7d28e17f72");
	vector("message digest", "f96b697d7cb7938d525a2f31aaf161d0");
	vector("abcdefghijklmnopqrstuvwxyz",
	       "c3fcd3d76192e4007dfb496cca67e13b");
	vector("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	       "d174ab98d277d9f5a5611c2c9f419d9f");
	vector("1234567890123456789012345678901234567890"
	       "1234567890123456789012345678901234567890",
	       "57edf4a22be3c955ac49da2e2107b67a");
	pieces();
	md5_hex(apop, strlen(apop), hex);
	CHECK_STR("md5 RFC 1939 7 APOP example digest", hex,
	          "c4c9334bac560ecc979e58001b3e22fb");
	return CHECK_DONE();
}
