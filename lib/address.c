/* address: parse RFC 5321 paths.  See address.h. */
#include "address.h"

#include <string.h>

bool addr_has_utf8(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 127)
			return true;
	return false;
}

/* Bytes never allowed in a path: controls, space (outside quotes). */
static bool bad_byte(unsigned char c)
{
	return c < 0x21 || c == 0x7f;
}

enum addr_error addr_parse_path(const char *s, char *addr, const char **rest,
                                bool utf8)
{
	const char *start, *end;
	bool bracket, quoted = false;
	size_t n;

	while (*s == ' ')
		s++; /* "MAIL FROM: <a@b>" as people type it */
	bracket = *s == '<';
	start = s + bracket;
	/* RFC 5321 4.1.2: an obsolete source route "@a,@b:" is ignored. */
	if (bracket && *start == '@') {
		const char *colon = strchr(start, ':');
		if (colon == NULL)
			return ADDR_SYNTAX;
		start = colon + 1;
	}
	for (end = start; *end; end++) {
		if (*end == '\\' && quoted && end[1]) {
			/* RFC 5321 4.1.2 quoted-pairSMTP: %d92 %d32-126 */
			if ((unsigned char)end[1] < 0x20 || end[1] == 0x7f)
				return ADDR_SYNTAX;
			end++;
			continue;
		}
		if (*end == '"')
			quoted = !quoted;
		else if (!quoted && (bracket ? *end == '>' : *end == ' '))
			break;
		else if (!quoted && bad_byte((unsigned char)*end))
			return ADDR_SYNTAX;
		else if ((unsigned char)*end < 0x20 || *end == 0x7f)
			return ADDR_SYNTAX;
	}
	if (quoted || (bracket && *end != '>'))
		return ADDR_SYNTAX;
	n = (size_t)(end - start);
	if (n > ADDR_MAX)
		return ADDR_TOO_LONG;
	memcpy(addr, start, n);
	addr[n] = '\0';
	if (!bracket && n == 0)
		return ADDR_SYNTAX;
	if (!utf8 && addr_has_utf8(addr))
		return ADDR_NON_ASCII;
	if (n > 0 && (addr[0] == '@' || addr[n - 1] == '@'))
		return ADDR_SYNTAX;
	*rest = end + bracket;
	if (**rest != '\0' && **rest != ' ')
		return ADDR_SYNTAX;
	return ADDR_OK;
}

int addr_split(const char *addr, char *local, char *domain)
{
	const char *at = strrchr(addr, '@');
	size_t llen = at ? (size_t)(at - addr) : strlen(addr), n = 0;

	for (size_t i = 0; i < llen; i++) {
		if (addr[i] == '"')
			continue;
		if (addr[i] == '\\' && i + 1 < llen)
			i++;
		if (n == ADDR_LOCAL_MAX)
			return -1;
		local[n++] = addr[i];
	}
	local[n] = '\0';
	n = 0;
	if (at) {
		for (const char *d = at + 1; *d; d++) {
			if (n == ADDR_DOMAIN_MAX)
				return -1;
			domain[n++] = (*d >= 'A' && *d <= 'Z') ? *d + 32 : *d;
		}
	}
	domain[n] = '\0';
	return 0;
}
