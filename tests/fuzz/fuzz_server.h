/*
 * fuzz_server.h: run one of the servers' --stdio sessions in-process,
 * fed a whole client session from memory.  The server's .c file is
 * compiled with -Dmain=<name>_main (see the Makefile), so the harness
 * calls its real main() with its real options: nothing in the server is
 * edited or mocked.
 *
 * Per input: stdin is a temporary file holding the session, stdout is
 * /dev/null, the mail store is put back as it was, getopt is reset, and
 * the signal handlers the session installs are put back afterwards.
 * The session runs with the working directory set to a private
 * temporary directory (./users.txt and ./maildir are the servers'
 * defaults), so give libFuzzer absolute paths (-artifact_prefix, corpus
 * directories) as tests/fuzz/smoke.sh does.
 *
 * Options: a session may start with a line "#! OPT OPT ...", each OPT
 * one of the names in the harness's option table (say "--strict-crlf"
 * or "-U"), which adds that row's arguments.  Rows the server does not
 * accept are dropped at start-up (each is tried once in a child), so
 * the table may name options a newer server will have.  Anything else
 * on that line is ignored; without it the session runs on defaults.
 *
 * A server that calls exit() in-process is a finding: libFuzzer reports
 * "fuzz target exited" and keeps the input.
 */
#ifndef MAILAB_FUZZ_SERVER_H
#define MAILAB_FUZZ_SERVER_H

#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define FUZZ_ARGS_MAX 40
#define FUZZ_OPT_ARGS 3

/* One "#!" option: its name in the session, the arguments it adds. */
struct fuzz_opt {
	const char *name;
	const char *args[FUZZ_OPT_ARGS]; /* NULL-ended */
	bool ok;                         /* the server accepts it */
};

/* What a harness supplies. */
struct fuzz_server {
	const char *prog;                   /* argv[0] */
	int (*main)(int, char **);
	const char *const *base_args;       /* always given, NULL-ended */
	struct fuzz_opt *opts;
	size_t nopts;
	void (*fill_store)(void);           /* the mail store before a session */
	void (*check_store)(void);          /* after it: what must hold, or NULL */
};

static char fuzz_dir[PATH_MAX]; /* the private working directory */
static int fuzz_home = -1;      /* the directory libFuzzer runs in */
static int fuzz_in = -1;        /* the session's stdin */
static int fuzz_null = -1;
static const uint8_t *fuzz_session; /* the session being run, for */
static size_t fuzz_session_len;     /* check_store() */

/* Write a small file (path relative to fuzz_dir's cwd). */
static void fuzz_put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fuzz_check(fd >= 0);
	fuzz_check(fuzz_write_all(fd, text, strlen(text)));
	close(fd);
}

static void fuzz_mkdir(const char *path)
{
	fuzz_check(mkdir(path, 0700) == 0 || errno == EEXIST);
}

/* Remove what is under path (a directory) and, unless keep, path. */
static void rm_tree(const char *path, bool keep)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[PATH_MAX];

	if (d == NULL) {
		remove(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(sub, false);
		else
			remove(sub);
	}
	closedir(d);
	if (!keep)
		rmdir(path);
}

/* Nothing a session does may write outside the mail store (SPEC: "or
 * writes outside DIR"): the working directory holds what it held. */
static void fuzz_check_outside(void)
{
	DIR *d = opendir(".");
	struct dirent *e;

	fuzz_check(d != NULL);
	while ((e = readdir(d)) != NULL)
		fuzz_check(strcmp(e->d_name, ".") == 0 ||
		           strcmp(e->d_name, "..") == 0 ||
		           strcmp(e->d_name, "users.txt") == 0 ||
		           strcmp(e->d_name, "maildir") == 0);
	closedir(d);
}

/* Empty ./maildir of everything a session left there. */
static void fuzz_clear_store(void)
{
	rm_tree("maildir", true);
	fuzz_mkdir("maildir");
}

/* Is name one of the space-separated words of line[0..len)? */
static bool has_word(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name), i = 0;

	while (line && i < len) {
		while (i < len && line[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && line[i] != ' ')
			i++;
		if (i - start == n && memcmp(line + start, name, n) == 0)
			return true;
	}
	return false;
}

/* argv: prog, base args, the options the "#!" line asks for. */
static size_t build_argv(const struct fuzz_server *s, char **argv,
                         const char *line, size_t len)
{
	size_t argc = 0;

	argv[argc++] = (char *)s->prog;
	for (size_t i = 0; s->base_args[i]; i++)
		argv[argc++] = (char *)s->base_args[i];
	for (size_t i = 0; i < s->nopts; i++) {
		const struct fuzz_opt *o = &s->opts[i];
		bool asked = has_word(line, len, o->name);

		if (!asked || !o->ok)
			continue;
		for (size_t k = 0; k < FUZZ_OPT_ARGS && o->args[k]; k++)
			if (argc < FUZZ_ARGS_MAX - 1)
				argv[argc++] = (char *)o->args[k];
	}
	argv[argc] = NULL;
	return argc;
}

static void reset_getopt(void)
{
#ifdef __GLIBC__
	optind = 0; /* glibc: 0 starts getopt over completely */
#else
	optind = 1;
#endif
	opterr = 1;
}

/* Does the server take option row o?  A child tries an empty session. */
static bool option_works(const struct fuzz_server *s, struct fuzz_opt *o)
{
	char *argv[FUZZ_ARGS_MAX];
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		o->ok = true; /* in the child only: try it */
		size_t argc = build_argv(s, argv, o->name, strlen(o->name));
		dup2(fuzz_null, 0);
		dup2(fuzz_null, 1);
		dup2(fuzz_null, 2);
		reset_getopt();
		_exit(s->main((int)argc, argv) == 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static pid_t fuzz_owner; /* the process that made fuzz_dir */

/* At the end of the run the private directory goes; a child trying an
 * option may exit() through here, and must leave it alone. */
static void fuzz_server_cleanup(void)
{
	if (fuzz_dir[0] != '\0' && getpid() == fuzz_owner)
		rm_tree(fuzz_dir, false);
}

static void fuzz_server_init(struct fuzz_server *s)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	signal(SIGPIPE, SIG_IGN);
	/* tmpfs where there is one: every session writes the store. */
	if (stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/mailab-fuzz.XXXXXX",
	         tmp ? tmp : "/tmp");
	fuzz_check(mkdtemp(fuzz_dir) != NULL);
	fuzz_owner = getpid();
	atexit(fuzz_server_cleanup);
	fuzz_home = open(".", O_RDONLY | O_DIRECTORY);
	fuzz_null = open("/dev/null", O_RDWR);
	fuzz_check(fuzz_home >= 0 && fuzz_null >= 0);
	fuzz_check(chdir(fuzz_dir) == 0);
	fuzz_put_file("users.txt", "test:1234\ngizem:1234\nmelek:1234\n");
	fuzz_clear_store();
	s->fill_store();
	char name[] = "session.XXXXXX";
	fuzz_in = mkstemp(name);
	fuzz_check(fuzz_in >= 0);
	unlink(name);
	for (size_t i = 0; i < s->nopts; i++) {
		s->opts[i].ok = option_works(s, &s->opts[i]);
		fuzz_clear_store();
		s->fill_store();
	}
	fuzz_check(fchdir(fuzz_home) == 0);
	if (getenv("FUZZ_SERVER_OPTIONS"))
		for (size_t i = 0; i < s->nopts; i++)
			fprintf(stderr, "%s: option %s %s\n", s->prog,
			        s->opts[i].name, s->opts[i].ok ? "on" : "not taken");
}

static const int saved_signals[] = { SIGINT, SIGTERM, SIGCHLD, SIGPIPE,
                                     SIGHUP, SIGALRM, SIGUSR1 };
#define NSAVED (sizeof saved_signals / sizeof saved_signals[0])

/* One whole session from data; the store is refilled afterwards. */
static void fuzz_server_run(const struct fuzz_server *s, const uint8_t *data,
                            size_t size)
{
	struct sigaction old[NSAVED];
	char *argv[FUZZ_ARGS_MAX];
	size_t head = 0;
	int out_fd = dup(1), in_fd = dup(0);

	if (size >= 2 && data[0] == '#' && data[1] == '!') {
		const uint8_t *lf = memchr(data, '\n', size);
		head = lf ? (size_t)(lf - data) + 1 : size;
	}
	size_t argc = head > 2
	    ? build_argv(s, argv, (const char *)data + 2,
	                 head - 2 - (data[head - 1] == '\n'))
	    : build_argv(s, argv, NULL, 0);
	fuzz_check(ftruncate(fuzz_in, 0) == 0);
	fuzz_check(pwrite(fuzz_in, data + head, size - head, 0) ==
	           (ssize_t)(size - head));
	fuzz_check(lseek(fuzz_in, 0, SEEK_SET) == 0);
	fuzz_check(dup2(fuzz_in, 0) == 0 && dup2(fuzz_null, 1) == 1);
	for (size_t i = 0; i < NSAVED; i++)
		sigaction(saved_signals[i], NULL, &old[i]);
	fuzz_check(chdir(fuzz_dir) == 0);

	reset_getopt();
	fuzz_session = data + head;
	fuzz_session_len = size - head;
	s->main((int)argc, argv);
	fuzz_check_outside();
	if (s->check_store)
		s->check_store();

	fuzz_clear_store();
	s->fill_store();
	fuzz_check(fchdir(fuzz_home) == 0);
	for (size_t i = 0; i < NSAVED; i++)
		sigaction(saved_signals[i], &old[i], NULL);
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	close(in_fd);
	close(out_fd);
}

#endif
