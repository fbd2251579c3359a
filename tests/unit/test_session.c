/* Unit tests: the servers' shared plumbing (lib/session), with the
 * hooks IMAP uses (its own reader, a tag, a tagged reply, NO and BAD
 * as errors). */
#include "check.h"
#include "session.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ST_A = 1, ST_B = 2, ST_END = 4 };

static void one(struct session *s, char *arg)
{
	(void)arg;
	session_send(s, "250-first line of a multi-line reply");
	session_reply(s, "250 one reply");
}

static void two(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, "501 refused");
	session_reply(s, "250 and done anyway"); /* the bug class */
}

static void none(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, "334 an intermediate reply is not final");
}

static const struct session_command table[] = {
	{ "ONE", ST_A, 0, 0, "one", one },
	{ "TWO", ST_A, 0, 0, "two", two },
	{ "NONE", ST_A, 0, 0, "none", none },
	{ "LATE", ST_B, 0, 0, "late", one },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const char *name(unsigned st)
{
	return st == ST_A ? "A" : st == ST_B ? "B" : "END";
}

static void unknown(struct session *s, const char *verb)
{
	session_reply(s, "500 unknown %s", verb);
}

static void bad_state(struct session *s, const struct session_command *c)
{
	session_reply(s, "503 not now: %s", c->text);
}

static void bad_args(struct session *s, const struct session_command *c)
{
	session_reply(s, "501 syntax: %s", c->text);
}

static const struct session_proto proto = {
	.error_mark = '5', .line_max = 512, .done = ST_END,
	.too_long = "500 too long", .too_many = "421 too many errors",
	.commands = table, .state_name = name, .unknown = unknown,
	.bad_state = bad_state, .bad_args = bad_args,
};

/* Run verb through session_dispatch in a child; its wait status. */
static int dispatch_in_child(const char *verb)
{
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		static struct session s;
		session_init(&s, &proto, NULL, sv[0], sv[0], "test", 5, false,
		             ST_A);
		snprintf(s.line, sizeof s.line, "%s", verb);
		session_dispatch(&s, strlen(s.line));
		conn_flush(&s.conn);
		_exit(0);
	}
	close(sv[0]);
	waitpid(pid, &status, 0);
	close(sv[1]);
	return status;
}

static void test_one_reply(void)
{
	int st;

	CHECK("one final reply (after a 250- line): fine",
	      dispatch_in_child("ONE") == 0);
	CHECK("an unknown verb: the dispatcher answers once",
	      dispatch_in_child("FOO") == 0);
	CHECK("a wrong state: the dispatcher answers once",
	      dispatch_in_child("LATE") == 0);
	CHECK("an argument where none is allowed: answered once",
	      dispatch_in_child("ONE x") == 0);
#ifndef NDEBUG
	st = dispatch_in_child("TWO");
	CHECK("two final replies abort", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = dispatch_in_child("NONE");
	CHECK("no final reply aborts", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
#else
	(void)st;
#endif
}

static void test_errors(void)
{
	static struct session s;
	int sv[2];
	char buf[4096];
	ssize_t n;
	size_t got = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	/* Nine errors, a good command, ten errors: then 421 and the end. */
	const char *in = "X\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nONE\r\n"
	                 "X\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nX\r\nONE\r\n";
	if (write(sv[1], in, strlen(in)) < 0)
		return;
	session_init(&s, &proto, NULL, sv[0], sv[0], "test", 5, false, ST_A);
	session_run(&s);
	conn_flush(&s.conn);
	close(sv[0]);
	while ((n = read(sv[1], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(sv[1]);
	CHECK("a good reply starts the count again; ten errors end it",
	      strstr(buf, "250 one reply\r\n500 unknown X") != NULL &&
	      strstr(buf, "500 unknown X\r\n421 too many errors\r\n") != NULL);
	CHECK("... and nothing is read after the 421",
	      strstr(buf, "421 too many errors\r\n250") == NULL);
	CHECK("... the reason is kept for the log",
	      s.why && strcmp(s.why, "too many errors") == 0);
}

/* Run in on a session with the faults in specs; what it sent back. */
static void run_faults(const char *in, const char *const *specs, char *buf,
                       size_t cap, struct session *s)
{
	static const char *const verbs[] = { "ONE", "TWO", "NONE", "LATE", NULL };
	static struct fault_set set;
	char err[FAULT_ERR_LEN];
	int sv[2];
	ssize_t n;
	size_t got = 0;

	memset(&set, 0, sizeof set);
	for (; *specs; specs++)
		if (fault_add(&set, FAULT_SMTP, *specs, verbs, err, sizeof err) < 0)
			fprintf(stderr, "%s\n", err);
	buf[0] = '\0';
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	if (write(sv[1], in, strlen(in)) < 0)
		return;
	shutdown(sv[1], SHUT_WR); /* the end of input ends the session */
	session_faults(&set);
	session_init(s, &proto, NULL, sv[0], sv[0], "test", 5, false, ST_A);
	session_run(s);
	conn_flush(&s->conn);
	close(sv[0]);
	while ((n = read(sv[1], buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(sv[1]);
	session_faults(NULL);
}

static void test_faults(void)
{
	static struct session s;
	static const char *const twice[] = { "ONE@2=451 4.3.0 later", NULL };
	static const char *const bye[] = { "TWO=421", NULL };
	static const char *const gone[] = { "ONE@2=close", NULL };
	char buf[4096];

	/* TWO would abort (two replies): a fault answers it instead. */
	static const char *const two[] = { "TWO=554", NULL };
	run_faults("TWO\r\nONE\r\nX\r\n", two, buf, sizeof buf, &s);
	CHECK("--fail: the reply instead of the handler, counted as its one reply",
	      strstr(buf, "554 5.3.0 Transaction failed\r\n250-first") == buf);
	run_faults("ONE\r\nONE\r\nONE\r\n", twice, buf, sizeof buf, &s);
	CHECK("--fail VERB@2: only the second of the session",
	      strstr(buf, "250 one reply\r\n451 4.3.0 later\r\n250-first") != NULL);
	run_faults("ONE\r\nONE\r\nONE\r\n", twice, buf, sizeof buf, &s);
	CHECK("... counted again in the next session",
	      strstr(buf, "250 one reply\r\n451 4.3.0 later\r\n250-first") != NULL);
	run_faults("TWO\r\nONE\r\n", bye, buf, sizeof buf, &s);
	CHECK("--fail 421: the reply, then the session ends",
	      strncmp(buf, "421 4.3.0 ", 10) == 0 && strstr(buf, "250") == NULL &&
	      s.state == ST_END);
	run_faults("ONE\r\nONE\r\nONE\r\n", gone, buf, sizeof buf, &s);
	CHECK("--fail close: no reply, the session ends, nothing after",
	      strcmp(buf, "250-first line of a multi-line reply\r\n250 one reply\r\n") == 0 &&
	      s.hung_up && s.state == ST_END);
	CHECK("... the reason is kept for the log",
	      s.why && strcmp(s.why, "fault injected") == 0);
	CHECK("no --fail: session_fault answers nothing", !session_fault(&s, "ONE"));
}

/* ---- the hooks (imap_server's shape: "tag verb", "tag OK|NO text") ---- */

static char tag[16];

static void ok_cmd(struct session *s, char *arg)
{
	(void)arg;
	session_send(s, "* untagged data, not the reply");
	session_reply(s, "OK done");
}

static void no_cmd(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, "NO refused");
}

static const struct session_command tagged_table[] = {
	{ "OKAY", ST_A, 0, SESSION_REST, "OKAY", ok_cmd },
	{ "NOPE", ST_A, 0, SESSION_REST, "NOPE", no_cmd },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static void tagged_send(struct session *s, const char *text)
{
	conn_printf(&s->conn, "%s %s", tag, text);
}

static bool tagged_error(const char *text)
{
	return strncmp(text, "OK", 2) != 0;
}

/* A line "t LONG" stands for one over the limit: the hook replies. */
static enum conn_status tagged_read(struct session *s, size_t *len)
{
	enum conn_status st = conn_read_command(&s->conn, s->line, 512, len, &s->ending);

	if (st == CONN_LINE && strstr(s->line, " LONG")) {
		snprintf(tag, sizeof tag, "%.*s", (int)strcspn(s->line, " "), s->line);
		session_reply(s, "BAD too long");
		return CONN_TOOLONG;
	}
	return st;
}

static void tagged_run(struct session *s, size_t len)
{
	size_t t = strcspn(s->line, " ");
	char *verb = s->line + t + (s->line[t] == ' ');
	size_t vlen = strcspn(verb, " ");

	(void)len;
	snprintf(tag, sizeof tag, "%.*s", (int)t, s->line);
	session_command_run(s, session_lookup(tagged_table, verb, vlen), verb,
	                    verb + vlen, false);
}

static void tagged_unknown(struct session *s, const char *verb)
{
	session_reply(s, "BAD unknown %s", verb);
}

static const struct session_proto tagged = {
	.line_max = 512, .done = ST_END, .too_long = NULL,
	.too_many = "* BYE too many", .commands = tagged_table,
	.state_name = name, .unknown = tagged_unknown, .bad_state = bad_state,
	.bad_args = bad_args, .send_reply = tagged_send, .is_error = tagged_error,
	.read = tagged_read, .run = tagged_run,
};

static void test_hooks(void)
{
	static struct session s;
	int sv[2];
	char buf[4096];
	ssize_t n;
	size_t got = 0;
	const char *in = "a OKAY\r\nb NOPE\r\nc LONG\r\nd OKAY\r\n"
	                 "e NOPE\r\ne NOPE\r\ne NOPE\r\ne NOPE\r\ne NOPE\r\n"
	                 "e NOPE\r\ne NOPE\r\ne NOPE\r\ne NOPE\r\nf LONG\r\ng OKAY\r\n";

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
	    write(sv[1], in, strlen(in)) < 0)
		return;
	session_init(&s, &tagged, NULL, sv[0], sv[0], "test", 5, false, ST_A);
	session_run(&s);
	conn_flush(&s.conn);
	close(sv[0]);
	while ((n = read(sv[1], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(sv[1]);
	CHECK("hooks: the final reply goes out through send_reply, with the tag",
	      strstr(buf, "* untagged data, not the reply\r\na OK done\r\nb NO refused\r\n") == buf);
	CHECK("hooks: the read hook's own reply to an over-long line, and no other",
	      strstr(buf, "c BAD too long\r\n* untagged data, not the reply\r\nd OK done\r\n") != NULL);
	CHECK("hooks: is_error counts NO and BAD; nine NO and a BAD end it",
	      strstr(buf, "e NO refused\r\nf BAD too long\r\n* BYE too many\r\n") != NULL &&
	      strstr(buf, "g OK") == NULL);
}

int main(void)
{
	test_one_reply();
	test_errors();
	test_faults();
	test_hooks();
	return CHECK_DONE();
}
