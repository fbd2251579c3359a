/*
 * teach: the teaching modes as one bundle of options that all four
 * programs share (SPEC "Teaching modes"): -e/--explain, --lang,
 * --step, --delay, and on the servers --fail.  The modules that do the
 * work are lib/explain, lib/i18n, lib/pace and lib/fault; this one
 * parses their options, checks them at start-up and hooks them into
 * lib/conn, so that every line of every connection is explained and
 * paced without a handler knowing.
 *
 * In a program:
 *     static struct teach teach;
 *     teach_lang(argc, argv);                  before anything is printed
 *     options[]: TEACH_OPTIONS (and TEACH_FAIL_OPTION on a server)
 *     in the getopt loop: if (teach_option(&teach, ch, optarg)) continue;
 *     usage: after the options, teach_usage(f, TEACH_USAGE_...);
 *     after the options: teach_start(&teach, EXPLAIN_SMTP, &verbose);
 * A server also calls teach_server() before the options (its verbs for
 * --fail) and teach_serve() after (one session at a time with --step).
 */
#ifndef MAILAB_TEACH_H
#define MAILAB_TEACH_H

#include <stdbool.h>
#include <stdio.h>

#include "explain.h"
#include "fault.h"
#include "pace.h"

struct session_command;
struct server_config;

/* getopt_long values, clear of every program's own (256..) */
enum { TEACH_OPT_LANG = 3000, TEACH_OPT_STEP, TEACH_OPT_DELAY, TEACH_OPT_FAIL };

#define TEACH_SHORT "e" /* -e, --explain */
#define TEACH_OPTIONS                                              \
	{ "explain", no_argument, NULL, 'e' },                     \
	{ "lang", required_argument, NULL, TEACH_OPT_LANG },       \
	{ "step", no_argument, NULL, TEACH_OPT_STEP },             \
	{ "delay", required_argument, NULL, TEACH_OPT_DELAY }
#define TEACH_FAIL_OPTION { "fail", required_argument, NULL, TEACH_OPT_FAIL }
#define TEACH_VERBS_MAX 32

struct teach {
	bool explain;              /* -e: explain every traced line */
	enum explain_proto proto;
	struct explain_state st;   /* reset for each connection */
	bool out_last;             /* the last traced line went out (C: at a client) */
	struct pace pace;
	/* servers only: --fail */
	bool server;
	enum fault_proto fproto;
	const char *verbs[TEACH_VERBS_MAX + 1];
	struct fault_set faults;
};

/* --lang, found before the options are parsed, so that every message
 * (a bad option's too) is in the user's language.  Dies on a bad value. */
void teach_lang(int argc, char **argv);

/* A server: its protocol and command table, for --fail's verbs. */
void teach_server(struct teach *t, enum fault_proto p,
                  const struct session_command *commands);

/* One of the teaching options?  Handles it (dies with EX_USAGE on a bad
 * value) and returns true; false when ch is another option. */
bool teach_option(struct teach *t, int ch, const char *arg);

/* After the options: --step's terminal (EX_USAGE without one), -e's -v,
 * and the hooks into every connection made from now on. */
void teach_start(struct teach *t, enum explain_proto proto, bool *verbose);

/* A server with --step serves one session at a time. */
void teach_serve(const struct teach *t, struct server_config *srv);

/* --help: the teaching options' lines (fail: a server's --fail text). */
enum teach_usage { TEACH_USAGE_CLIENT, TEACH_USAGE_SMTP, TEACH_USAGE_POP3,
	           TEACH_USAGE_IMAP };
void teach_usage(FILE *f, enum teach_usage which);

/* conn's hooks (lib/conn.c): a line is about to be traced, and was
 * traced (tag "C: "/"S: "); is
 * sending paced (then conn flushes around each line); a line is about
 * to go out (wait as --step/--delay ask). */
void teach_tracing(struct teach *t, const char *tag);
void teach_traced(struct teach *t, const char *tag, const char *line,
                  size_t len);
bool teach_paced(const struct teach *t);
void teach_before_send(struct teach *t, const char *tag, const char *line,
                       size_t len);
void teach_reset(struct teach *t);

#endif
