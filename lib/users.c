/* users: look names up in a "name:password" file.  See users.h. */
#include "users.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int users_lookup(const char *path, const char *name, char *pass, size_t cap)
{
	char line[USERS_LINE_MAX];
	size_t nlen = strlen(name);
	int found = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (!found && fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		if (line[n] == '\0' && !feof(f)) {
			int ch; /* over-long line: skip it, it is no entry */
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		line[n] = '\0';
		if (line[0] == '#' || strncmp(line, name, nlen) != 0 ||
		    line[nlen] != ':')
			continue;
		str_copy(pass, line + nlen + 1, cap);
		found = 1;
	}
	fclose(f);
	return found;
}

/* Compare without stopping at the first difference. */
static int same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int users_check(const char *path, const char *name, const char *password)
{
	char stored[USERS_LINE_MAX];
	int rc = users_lookup(path, name, stored, sizeof stored);

	if (rc <= 0)
		return rc;
	rc = same(stored, password);
	memset(stored, 0, sizeof stored);
	return rc;
}

int users_readable(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	fclose(f);
	return 0;
}
