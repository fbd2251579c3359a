/*
 * check.h: the unit tests' only macros.  Each check prints one line,
 * "ok - name" or "FAIL - name (file:line)", which tests/run.sh counts.
 */
#ifndef MAILAB_CHECK_H
#define MAILAB_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(name, cond)                                                  \
	do {                                                               \
		if (cond) {                                                \
			printf("ok - %s\n", name);                         \
		} else {                                                   \
			printf("FAIL - %s (%s:%d)\n", name, __FILE__,      \
			       __LINE__);                                  \
			check_failures++;                                  \
		}                                                          \
	} while (0)

#define CHECK_STR(name, got, want)                                         \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		CHECK(name, strcmp(g_, w_) == 0);                          \
		if (strcmp(g_, w_) != 0)                                   \
			printf("#   got '%s', want '%s'\n", g_, w_);          \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)

#endif
