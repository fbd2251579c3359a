/*
 * Unit tests: lib/explain.  Every verb of each server's command table
 * (listed here from SPEC) and every reply class and notable code has a
 * row in English and Turkish; each row is one line with its RFC and
 * only %s directives, the same in both languages; whole dialogues get
 * the right sentence after each line, message lines are never taken
 * for commands, base64 is shown decoded, and a line it cannot explain
 * gets nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "explain.h"
#include "i18n.h"

static const char *const smtp_verbs[] = {
	"HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY",
	"HELP", "AUTH", "STARTTLS", "EXPN", NULL
};
static const char *const smtp_keys[] = {
	"2xx", "3xx", "4xx", "5xx", "220", "221", "235", "250", "251", "252",
	"334", "354", "421", "450", "451", "452", "500", "501", "502", "503",
	"504", "530", "535", "550", "551", "552", "553", "554", "555",
	"x.0", "x.1", "x.2", "x.3", "x.4", "x.5", "x.6", "x.7", "250:END",
	"ext:PIPELINING", "ext:SIZE", "ext:8BITMIME", "ext:AUTH", "auth-ir",
	"b64", "data-end", "dot-stuffed", "blank", "batch", "hdr:subject",
	"hdr:subject-2047", "hdr:from", "hdr:to", "hdr:date", "hdr:message-id",
	"hdr:received", "hdr:return-path", NULL
};
static const char *const pop3_verbs[] = {
	"USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET",
	"QUIT", "TOP", "UIDL", "CAPA", "STLS", "AUTH", NULL
};
static const char *const pop3_keys[] = {
	"+OK", "-ERR", "[IN-USE]", "[AUTH]", "[SYS/TEMP]", "[SYS/PERM]",
	"[LOGIN-DELAY]", "greeting", "greeting-apop", "list-end", "list-line",
	"uidl-line", "cap:TOP", "cap:USER", "cap:UIDL", "cap:RESP-CODES",
	"cap:PIPELINING", "cap:IMPLEMENTATION", "cap:SASL", "+ ", NULL
};
static const char *const imap_verbs[] = {
	"CAPABILITY", "NOOP", "LOGOUT", "LOGIN", "AUTHENTICATE", "SELECT",
	"EXAMINE", "LIST", "LSUB", "STATUS", "CHECK", "CLOSE", "EXPUNGE",
	"SEARCH", "FETCH", "STORE", "COPY", "UID", "IDLE", "DONE", "ID",
	"CREATE", "DELETE", "RENAME", "STARTTLS", NULL
};
static const char *const imap_keys[] = {
	"OK", "NO", "BAD", "*EXISTS", "*RECENT", "*FLAGS", "*FETCH", "*SEARCH",
	"*CAPABILITY", "*BYE", "*OK", "*LIST", "*EXPUNGE", "*greeting", "+",
	"[UIDVALIDITY]", "[READ-WRITE]", "[PERMANENTFLAGS]", NULL
};

/* How many %s (and no other directive) a text holds; -1 for others. */
static int percent_s(const char *t)
{
	int n = 0;

	for (; (t = strchr(t, '%')) != NULL; t += 2) {
		if (t[1] == 's')
			n++;
		else if (t[1] != '%')
			return -1;
	}
	return n;
}

static void check_keys(const char *what, enum explain_proto p,
                       const char *const *keys)
{
	size_t missing = 0;

	for (size_t i = 0; keys[i]; i++) {
		const struct explain_entry *e = explain_find(p, keys[i]);
		if (!e || !e->en[0] || !e->tr[0])
			missing++, printf("#   %s: no row for %s\n", what, keys[i]);
	}
	CHECK(what, missing == 0);
}

static void check_rows(const char *what, enum explain_proto p)
{
	size_t bad = 0, n = explain_count(p);

	for (size_t i = 0; i < n; i++) {
		const struct explain_entry *e = explain_entry_at(p, i);
		int a = percent_s(e->en), b = percent_s(e->tr);
		if (a < 0 || a > 2 || a != b || !strstr(e->en, "(RFC ") ||
		    !strstr(e->tr, "(RFC ") || strchr(e->en, '\n') ||
		    strlen(e->en) > EXPLAIN_TEXT_MAX / 2 || strlen(e->tr) > EXPLAIN_TEXT_MAX / 2)
			bad++, printf("#   %s: bad row %s\n", what, e->key);
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(e->key, explain_entry_at(p, j)->key) == 0)
				bad++, printf("#   %s: duplicate key %s\n", what, e->key);
	}
	CHECK(what, n > 20 && bad == 0);
}

/* ---- dialogues: feed lines, collect what explain prints ---- */

static struct explain_state st;
static enum explain_proto proto;
static char got[4096];

/* One trace line, "C: ..." or "S: ...": its explanation, "" for none. */
static const char *feed(const char *tagged)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	explain_line(proto, tagged[0] == 'C' ? EXPLAIN_C : EXPLAIN_S, tagged + 3,
	             strlen(tagged + 3), &st, f);
	fclose(f);
	snprintf(got, sizeof got, "%s", buf);
	free(buf);
	return got;
}

static void start(enum explain_proto p)
{
	proto = p;
	explain_init(&st);
}

/* The line's explanation holds want (and is one indented line). */
#define SAYS(name, line, want)                                              \
	do {                                                                \
		const char *g = feed(line);                                 \
		CHECK(name, strstr(g, want) != NULL && g[0] == ' ' &&       \
		                strchr(g, '\n') == g + strlen(g) - 1);      \
		if (!strstr(g, want))                                       \
			printf("#   got '%s', want '%s'\n", g, want);      \
	} while (0)
#define SILENT(name, line) CHECK_STR(name, feed(line), "")

static void smtp_session(void)
{
	start(EXPLAIN_SMTP);
	SAYS("smtp greeting", "S: 220 mail.example ESMTP", "greeting");
	SAYS("smtp EHLO", "C: EHLO client.example", "RFC 5321 4.1.1.1");
	SAYS("smtp EHLO reply's first line", "S: 250-mail.example Hello", "extensions it offers");
	SAYS("smtp EHLO keyword PIPELINING", "S: 250-PIPELINING", "RFC 2920");
	SILENT("smtp unknown EHLO keyword", "S: 250-XFOO");
	SAYS("smtp EHLO keyword ENHANCEDSTATUSCODES", "S: 250-ENHANCEDSTATUSCODES", "RFC 2034");
	SAYS("smtp EHLO last keyword", "S: 250 HELP", "extension HELP");
	SAYS("smtp AUTH PLAIN decoded", "C: AUTH PLAIN AG1lbGVrADEyMzQ=",
	     "\"<NUL>melek<NUL>1234\"; base64 is not encryption");
	SAYS("smtp 235", "S: 235 2.7.0 Authentication successful", "RFC 4954 6");
	SAYS("smtp MAIL", "C: MAIL FROM:<melek@example.com>",
	     "the envelope sender starts a mail transaction; bounces go to this address (RFC 5321 4.1.1.2)");
	SAYS("smtp 250", "S: 250 2.1.0 Ok", "RFC 5321 4.2.2");
	SAYS("smtp RCPT", "C: RCPT TO:<nobody@example.com>", "RFC 5321 4.1.1.3");
	SAYS("smtp 550 with its enhanced class", "S: 550 5.1.1 No such user",
	     "(RFC 5321 4.2.3); status 5.1.1: about the address");
	SAYS("smtp lower-case verb", "C: rcpt to:<gizem@example.com>", "RFC 5321 4.1.1.3");
	SAYS("smtp 250 again", "S: 250 2.1.5 Ok", "RFC 5321 4.2.2");
	SAYS("smtp DATA", "C: DATA", "RFC 5321 4.1.1.4");
	SAYS("smtp 354", "S: 354 End data with <CR><LF>.<CR><LF>", "only a dot");
	SAYS("smtp RFC 2047 subject decoded", "C: Subject: =?UTF-8?B?TWVyaGFiYSBkw7xueWE=?=",
	     "decoded: \"Merhaba dünya\"");
	SAYS("smtp From header", "C: From: melek@example.com", "RFC 5322 3.6.2");
	SILENT("smtp folded header line", "C:  continued");
	SILENT("smtp unknown header", "C: X-Mailer: mailab");
	SAYS("smtp blank line", "C: ", "ends the header");
	SILENT("smtp body line that looks like a command", "C: MAIL FROM:<evil@example.com>");
	SILENT("smtp body line From:", "C: From: this is body text");
	SAYS("smtp dot-stuffed line", "C: ..hidden dot", "RFC 5321 4.5.2");
	SAYS("smtp final dot", "C: .", "ends the message");
	SAYS("smtp reply after the dot", "S: 250 2.0.0 Ok: queued", "the server is responsible");
	SAYS("smtp 4xx class for an unlisted code", "S: 471 whatever", "temporary failure");
	SAYS("smtp STARTTLS", "C: STARTTLS", "RFC 3207 4");
	SAYS("smtp 220 after STARTTLS is not a greeting", "S: 220 2.0.0 Ready to start TLS",
	     "TLS negotiation starts now");
	SAYS("smtp HELO", "C: HELO client.example", "no extensions");
	SAYS("smtp 250 after HELO", "S: 250 mail.example", "no extensions offered");
	SAYS("smtp QUIT", "C: QUIT", "RFC 5321 4.1.1.10");
	SAYS("smtp 221", "S: 221 2.0.0 Bye", "closes the connection");
	SILENT("smtp unknown verb", "C: XYZZY");
	SILENT("smtp server line without a code", "S: hello there");
	SILENT("smtp server line with a bad code", "S: 25x oops");
}

static void smtp_auth_login(void)
{
	start(EXPLAIN_SMTP);
	feed("S: 220 mail.example ESMTP");
	SAYS("smtp AUTH LOGIN", "C: AUTH LOGIN", "RFC 4954 4");
	SAYS("smtp 334 decoded", "S: 334 VXNlcm5hbWU6", "\"Username:\"");
	SAYS("smtp user name decoded", "C: bWVsZWs=", "base64 of \"melek\"");
	SAYS("smtp 334 password", "S: 334 UGFzc3dvcmQ6", "\"Password:\"");
	SAYS("smtp password decoded as sent", "C: MTIzNA==", "base64 of \"1234\"");
	SAYS("smtp 535", "S: 535 5.7.8 Authentication failed",
	     "(RFC 4954 6); status 5.7.8: about security");
	SAYS("smtp AUTH cancelled", "C: AUTH LOGIN", "SASL");
	feed("S: 334 VXNlcm5hbWU6");
	SAYS("smtp * cancels", "C: *", "cancels");
	SAYS("smtp 501 after cancel", "S: 501 5.0.0 Cancelled", "RFC 5321 4.2.3");
	SAYS("smtp command after AUTH is a command", "C: NOOP", "RFC 5321 4.1.1.9");
	feed("S: 250 ok");
	CHECK("smtp AUTH with bad base64: the verb, no decoded text",
	      strstr(feed("C: AUTH PLAIN !!!!"), "SASL mechanism") && !strstr(got, "base64 of"));
}

static void smtp_pipelining(void)
{
	start(EXPLAIN_SMTP);
	feed("S: 220 mail.example ESMTP");
	feed("C: MAIL FROM:<a@example.com>");
	feed("C: RCPT TO:<b@example.com>");
	feed("C: DATA");
	{
		char *buf = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&buf, &n);
		explain_batch(EXPLAIN_SMTP, 3, f);
		explain_batch(EXPLAIN_SMTP, 1, f);
		fclose(f);
		CHECK("pipelining batch of 3 explained once", strstr(buf, "these 3 commands") &&
		      strstr(buf, "RFC 2920 3.1") && strchr(buf, '\n') == buf + strlen(buf) - 1);
		free(buf);
	}
	feed("S: 250 2.1.0 Ok");
	feed("S: 250 2.1.5 Ok");
	SAYS("pipelined DATA's 354", "S: 354 go ahead", "only a dot");
	SILENT("pipelined: then message lines", "C: RSET");
	feed("C: .");
	SAYS("pipelined: the dot's reply", "S: 250 2.0.0 Ok", "responsible");
}

static void pop3_session(void)
{
	start(EXPLAIN_POP3);
	SAYS("pop3 greeting with APOP timestamp", "S: +OK POP3 ready <1896.697170952@mail.example>",
	     "<1896.697170952@mail.example>");
	SAYS("pop3 CAPA", "C: CAPA", "RFC 2449 5");
	SAYS("pop3 CAPA reply", "S: +OK Capability list follows", "succeeded");
	SAYS("pop3 capability TOP", "S: TOP", "RFC 2449 6.1");
	SAYS("pop3 capability RESP-CODES", "S: RESP-CODES", "[CODE]");
	SAYS("pop3 capability AUTH-RESP-CODE", "S: AUTH-RESP-CODE", "RFC 3206 6");
	SILENT("pop3 unknown capability", "S: X-FOO");
	SAYS("pop3 end of CAPA", "S: .", "ends the multi-line");
	SAYS("pop3 USER", "C: USER gizem", "RFC 1939 7");
	SAYS("pop3 +OK after USER", "S: +OK", "PASS");
	SAYS("pop3 PASS in clear text", "C: PASS 1234", "clear text");
	SAYS("pop3 logged in", "S: +OK 2 messages", "TRANSACTION");
	SAYS("pop3 STAT", "C: STAT", "RFC 1939 5");
	SAYS("pop3 STAT reply", "S: +OK 2 320", "2 messages, 320 octets");
	SAYS("pop3 LIST", "C: LIST", "size of each message");
	feed("S: +OK 2 messages (320 octets)");
	SAYS("pop3 scan listing line", "S: 1 120", "message 1 is 120 octets");
	feed("S: 2 200");
	feed("S: .");
	SAYS("pop3 LIST n is one line", "C: LIST 1", "RFC 1939 5");
	feed("S: +OK 1 120");
	SAYS("pop3 UIDL", "C: UIDL", "unique id");
	feed("S: +OK");
	SAYS("pop3 UIDL line keeps the id's case", "S: 1 AbC123", "unique id AbC123");
	feed("S: .");
	SAYS("pop3 RETR", "C: RETR 1", "whole message");
	SAYS("pop3 RETR's +OK", "S: +OK 120 octets", "dot-stuffed");
	SAYS("pop3 Return-Path in RETR", "S: Return-Path: <melek@example.com>", "RFC 5321 4.4");
	SAYS("pop3 Received in RETR", "S: Received: from client ([127.0.0.1])", "trace line");
	SAYS("pop3 Subject plain", "S: Subject: Selam", "RFC 5322 3.6.5");
	SAYS("pop3 blank line", "S: ", "ends the header");
	SILENT("pop3 body line like a reply", "S: +OK not a reply");
	SILENT("pop3 body line like a header", "S: Subject: body text");
	SAYS("pop3 byte-stuffed line", "S: ..dot", "RFC 1939 3");
	SAYS("pop3 end of message", "S: .", "ends the multi-line");
	SAYS("pop3 DELE", "C: DELE 1", "only at QUIT");
	feed("S: +OK message 1 deleted");
	SAYS("pop3 -ERR", "C: RETR 9", "whole message");
	SAYS("pop3 plain -ERR", "S: -ERR no such message", "failed");
	SAYS("pop3 TOP", "C: TOP 2 0", "RFC 1939 7");
	SAYS("pop3 TOP +OK", "S: +OK", "header and the asked body lines");
	feed("S: Subject: hi");
	feed("S: .");
	SAYS("pop3 QUIT", "C: QUIT", "UPDATE");
	SAYS("pop3 QUIT +OK", "S: +OK bye", "removed now");
}

static void pop3_codes(void)
{
	start(EXPLAIN_POP3);
	SAYS("pop3 greeting without timestamp", "S: +OK ready", "AUTHORIZATION");
	feed("C: USER gizem");
	feed("S: +OK");
	feed("C: PASS 1234");
	SAYS("pop3 [IN-USE]", "S: -ERR [IN-USE] mailbox locked", "another session");
	feed("C: PASS 1234");
	SAYS("pop3 [AUTH]", "S: -ERR [AUTH] bad password", "credentials are wrong");
	feed("C: PASS 1234");
	SAYS("pop3 [SYS/TEMP]", "S: -ERR [SYS/TEMP] busy", "RFC 3206 4");
	feed("C: PASS 1234");
	SAYS("pop3 [SYS/PERM]", "S: -ERR [SYS/PERM] broken", "will not help");
	feed("C: PASS 1234");
	SAYS("pop3 unknown code is a plain -ERR", "S: -ERR [X-FOO] hm", "RFC 1939 3");
	SAYS("pop3 AUTH", "C: AUTH PLAIN", "RFC 5034 4");
	SAYS("pop3 AUTH continuation", "S: + ", "RFC 5034 4");
	SAYS("pop3 AUTH response decoded", "C: AGdpemVtADEyMzQ=", "\"<NUL>gizem<NUL>1234\"");
	SILENT("pop3 unknown command", "C: XTND");
}

static void imap_session(void)
{
	start(EXPLAIN_IMAP);
	SAYS("imap greeting", "S: * OK [CAPABILITY IMAP4rev1] ready", "not yet logged in");
	SAYS("imap CAPABILITY", "C: a0 CAPABILITY", "RFC 3501 6.1.1");
	SAYS("imap * CAPABILITY", "S: * CAPABILITY IMAP4rev1 IDLE", "RFC 3501 7.2.1");
	SAYS("imap tagged OK", "S: a0 OK done", "RFC 3501 7.1.1");
	SAYS("imap LOGIN", "C: a1 LOGIN melek 1234", "clear text");
	SAYS("imap NO", "S: a1 NO [AUTHENTICATIONFAILED] no", "RFC 3501 7.1.2");
	SAYS("imap AUTHENTICATE", "C: a2 AUTHENTICATE PLAIN", "RFC 3501 6.2.2");
	SAYS("imap AUTHENTICATE continuation", "S: + ", "base64");
	SAYS("imap AUTHENTICATE response decoded", "C: AG1lbGVrADEyMzQ=", "\"<NUL>melek<NUL>1234\"");
	feed("S: a2 OK logged in");
	SAYS("imap SELECT", "C: a3 SELECT INBOX", "RFC 3501 6.3.1");
	SAYS("imap * FLAGS", "S: * FLAGS (\\Seen \\Deleted)", "RFC 3501 7.2.6");
	SAYS("imap * EXISTS with its count", "S: * 3 EXISTS", "holds 3 messages");
	SAYS("imap * RECENT", "S: * 1 RECENT", "RFC 3501 7.3.2");
	SAYS("imap [UIDVALIDITY]", "S: * OK [UIDVALIDITY 1700000000] UIDs valid", "UIDs the client saved");
	SAYS("imap tagged OK with [READ-WRITE]", "S: a3 OK [READ-WRITE] SELECT completed",
	     "(RFC 3501 7.1.1); [READ-WRITE]");
	SAYS("imap UID SEARCH", "C: a4 UID SEARCH UNSEEN", "RFC 3501 6.4.8");
	SAYS("imap * SEARCH", "S: * SEARCH 1 2", "RFC 3501 7.2.5");
	feed("S: a4 OK done");
	SAYS("imap FETCH", "C: a5 FETCH 1 BODY[]", "RFC 3501 6.4.5");
	SAYS("imap * FETCH with a literal", "S: * 1 FETCH (BODY[] {26}", "data of message 1");
	SAYS("imap header in the literal", "S: Subject: hi", "RFC 5322 3.6.5");
	SAYS("imap blank line in the literal", "S: ", "ends the header");
	SILENT("imap a command inside the literal", "S: a9 LOGOUT");
	SILENT("imap after the literal", "S: )");
	SAYS("imap tagged OK after FETCH", "S: a5 OK FETCH done", "RFC 3501 7.1.1");
	SAYS("imap IDLE", "C: a6 IDLE", "RFC 2177 3");
	SAYS("imap IDLE continuation", "S: + idling", "until the client sends DONE");
	SAYS("imap EXISTS in IDLE", "S: * 4 EXISTS", "holds 4 messages");
	SAYS("imap DONE", "C: DONE", "ends IDLE");
	feed("S: a6 OK IDLE terminated");
	SAYS("imap LOGIN with a literal", "C: a7 LOGIN {5}", "RFC 3501 6.2.3");
	SAYS("imap literal continuation", "S: + Ready", "continuation request");
	SILENT("imap literal text is not a command", "C: melek {4}");
	SILENT("imap second literal", "C: 1234");
	SAYS("imap BAD", "S: a8 BAD unknown", "not understood");
	SAYS("imap LOGOUT", "C: a9 LOGOUT", "RFC 3501 6.1.3");
	SAYS("imap BYE", "S: * BYE logging out", "RFC 3501 7.1.5");
	SILENT("imap unknown command", "C: a10 XYZZY");
}

static void turkish(void)
{
	i18n_set(I18N_TR);
	start(EXPLAIN_SMTP);
	SAYS("Turkish: MAIL", "C: MAIL FROM:<melek@example.com>", "zarftaki gönderen");
	SAYS("Turkish: 550 with its class", "S: 550 5.1.1 No such user", "adresle ilgili");
	SAYS("Turkish: base64 warning", "C: AUTH PLAIN AG1lbGVrADEyMzQ=", "şifreleme değildir");
	start(EXPLAIN_POP3);
	SAYS("Turkish: POP3 greeting", "S: +OK ready", "selamlaması");
	start(EXPLAIN_IMAP);
	SAYS("Turkish: IMAP greeting", "S: * OK ready", "selamlaması");
	i18n_set(I18N_EN);
}

/* Every verb, through explain_line, in both languages. */
static void every_verb(const char *what, enum explain_proto p,
                       const char *const *verbs, const char *prefix)
{
	size_t missing = 0;
	char line[64];

	for (int l = 0; l < 2; l++) {
		i18n_set(l ? I18N_TR : I18N_EN);
		for (size_t i = 0; verbs[i]; i++) {
			start(p);
			if (p != EXPLAIN_SMTP)
				feed(p == EXPLAIN_POP3 ? "S: +OK hi" : "S: * OK hi");
			snprintf(line, sizeof line, "C: %s%s", prefix, verbs[i]);
			if (strcmp(verbs[i], "DONE") == 0) {
				feed("C: a1 IDLE");
				feed("S: + idling");
			}
			if (!strstr(feed(line), "(RFC "))
				missing++, printf("#   %s: nothing after %s\n", what, line);
		}
	}
	i18n_set(I18N_EN);
	CHECK(what, missing == 0);
}

int main(void)
{
	check_keys("SMTP: every verb has a row", EXPLAIN_SMTP, smtp_verbs);
	check_keys("SMTP: every class, code, keyword has a row", EXPLAIN_SMTP, smtp_keys);
	check_keys("POP3: every verb has a row", EXPLAIN_POP3, pop3_verbs);
	check_keys("POP3: every status and code has a row", EXPLAIN_POP3, pop3_keys);
	check_keys("IMAP: every command has a row", EXPLAIN_IMAP, imap_verbs);
	check_keys("IMAP: every response has a row", EXPLAIN_IMAP, imap_keys);
	check_rows("SMTP rows: both languages, RFC, %s only, no duplicate", EXPLAIN_SMTP);
	check_rows("POP3 rows: both languages, RFC, %s only, no duplicate", EXPLAIN_POP3);
	check_rows("IMAP rows: both languages, RFC, %s only, no duplicate", EXPLAIN_IMAP);
	every_verb("SMTP: every verb explained in both languages", EXPLAIN_SMTP, smtp_verbs, "");
	every_verb("POP3: every verb explained in both languages", EXPLAIN_POP3, pop3_verbs, "");
	every_verb("IMAP: every command explained in both languages", EXPLAIN_IMAP, imap_verbs, "a1 ");
	smtp_session();
	smtp_auth_login();
	smtp_pipelining();
	pop3_session();
	pop3_codes();
	imap_session();
	turkish();
	return CHECK_DONE();
}
