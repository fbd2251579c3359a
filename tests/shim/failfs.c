/*
 * failfs: an LD_PRELOAD shim for crash-point tests.  fsync() fails with
 * EIO on any directory whose path contains $FAIL_FSYNC, so that tests
 * can see what the servers do when the disk refuses at the last step.
 * Linux only (it reads /proc/self/fd); the tests skip it elsewhere.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fsync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	const char *pat = getenv("FAIL_FSYNC");
	char link[64], path[4096];
	struct stat st;
	ssize_t n;

	if (pat && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof path - 1);
		if (n > 0) {
			path[n] = '\0';
			if (strstr(path, pat)) {
				errno = EIO;
				return -1;
			}
		}
	}
	return real(fd);
}
