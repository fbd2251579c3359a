/*
 * fuzz_sasl: what an AUTH command hands the server (lib/sasl, RFC 4954)
 * and the base64 under it (lib/base64, RFC 4648 4).
 *
 * The input is used three ways: as base64 text as it arrives after
 * "AUTH PLAIN " (decoded, then split as PLAIN), as an already decoded
 * PLAIN message, and as bytes to encode and decode again.  Checks: a
 * decoder never writes past n / 4 * 3 bytes and agrees with the
 * encoder; an accepted PLAIN gives a non-empty user without control
 * bytes, inside the message, acting for nobody else (RFC 4616 2).
 */
#include "fuzz.h"
#include "base64.h"
#include "sasl.h"

/* Split msg (n bytes, room for n + 1) as AUTH PLAIN does. */
static void plain(char *msg, size_t n)
{
	const char *user = NULL, *pass = NULL;
	char authzid[1024];

	/* sasl_plain terminates msg in place: keep the authzid aside. */
	size_t zlen = strnlen(msg, n);
	if (zlen >= sizeof authzid)
		zlen = sizeof authzid - 1;
	memcpy(authzid, msg, zlen);
	authzid[zlen] = '\0';

	enum sasl_error e = sasl_plain(msg, n, &user, &pass);
	fuzz_check(e == SASL_OK || e == SASL_FORM || e == SASL_CONTROL ||
	           e == SASL_BASE64);
	if (e != SASL_OK)
		return;
	fuzz_check(user > msg && user <= msg + n);
	fuzz_check(pass > user && pass <= msg + n);
	fuzz_check(*user != '\0');
	fuzz_check(sasl_check_user(user) == SASL_OK);
	fuzz_check(authzid[0] == '\0' || strcmp(authzid, user) == 0);
	for (const char *p = user; *p; p++)
		fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f);
}

/* The input as base64 text: decode it, and if it is PLAIN, split it. */
static void as_base64(const char *in, size_t n)
{
	size_t cap = n / 4 * 3;
	/* Exactly the room the header promises, so ASan sees an overrun. */
	unsigned char *out = malloc(cap + 1);

	fuzz_check(out != NULL);
	long got = base64_decode(in, n, out);
	if (got >= 0) {
		fuzz_check((size_t)got <= cap && (size_t)got + 2 >= cap);
		/* Its encoding is as long as the text it came from. */
		char *again = malloc(BASE64_ENCODED_LEN((size_t)got) + 1);
		fuzz_check(again != NULL);
		fuzz_check(base64_encode(out, (size_t)got, again) == n);
		free(again);
		plain((char *)out, (size_t)got);
	}
	free(out);
}

/* Encode the bytes and decode them again: the same bytes. */
static void round_trip(const uint8_t *data, size_t size)
{
	size_t elen = BASE64_ENCODED_LEN(size);
	char *enc = malloc(elen + 1);
	unsigned char *dec = malloc(elen / 4 * 3 + 1);

	fuzz_check(enc != NULL && dec != NULL);
	fuzz_check(base64_encode(data, size, enc) == elen);
	fuzz_check(strlen(enc) == elen);
	fuzz_check(base64_decode(enc, elen, dec) == (long)size);
	fuzz_check(size == 0 || memcmp(dec, data, size) == 0);
	free(enc);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(size + 1);

	fuzz_check(msg != NULL);
	memcpy(msg, data, size);
	as_base64(msg, size);
	memcpy(msg, data, size);
	plain(msg, size);
	free(msg);
	round_trip(data, size);

	char *s = fuzz_strdup(data, size);
	(void)sasl_check_user(s);
	free(s);
	return 0;
}
