/* users: look names up in a "name:password" file.  See users.h. */
#include "users.h"
#include "i18n.h"
#include "identity.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The next line of f into line, its end removed; false at the end.  An
 * over-long line is skipped whole: it is no entry. */
static bool next_line(FILE *f, char *line, unsigned *lineno)
{
	while (fgets(line, USERS_LINE_MAX, f)) {
		size_t n = strcspn(line, "\r\n");
		++*lineno;
		if (line[n] == '\0' && !feof(f)) {
			int ch;
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		line[n] = '\0';
		return true;
	}
	return false;
}

/* An entry's name, cut at its ':' in line; NULL for a comment, a blank
 * or a line without ':'. */
static const char *entry_name(char *line, char **pass)
{
	char *colon = strchr(line, ':');

	if (line[0] == '#' || colon == NULL)
		return NULL;
	*colon = '\0';
	*pass = colon + 1;
	return line;
}

int users_lookup(const char *path, const char *name, char *pass, size_t cap)
{
	char line[USERS_LINE_MAX], *pw;
	const char *entry;
	unsigned lineno = 0;
	int found = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (!found && next_line(f, line, &lineno)) {
		entry = entry_name(line, &pw);
		if (entry == NULL || !id_is_canonical(entry) ||
		    strcmp(entry, name) != 0)
			continue;
		str_copy(pass, pw, cap);
		found = 1;
	}
	memset(line, 0, sizeof line);
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
	char line[USERS_LINE_MAX], *pw;
	const char *entry;
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (next_line(f, line, &lineno)) {
		entry = entry_name(line, &pw);
		if (entry && !id_is_canonical(entry))
			warnmsg(_("%s:%u: user '%.64s' is not a canonical mailbox "
			          "name (%s, lower case): line ignored"),
			        path, lineno, entry, ID_RULE_TEXT);
	}
	memset(line, 0, sizeof line);
	fclose(f);
	return 0;
}
