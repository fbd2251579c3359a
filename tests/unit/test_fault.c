/*
 * Unit tests: lib/fault, --fail VERB[@N]=REPLY.  Every form SPEC lists
 * (whole line, bare code, close, CONNECT, END, @N, 421 closing) on
 * all three protocols (IMAP's NO/BAD/OK/BYE forms), counting per session, and every bad spec refused
 * with a message that names what is wrong.
 */
#include "check.h"
#include "fault.h"

static const char *const smtp_verbs[] = { "HELO", "EHLO", "MAIL", "RCPT", "DATA",
	"RSET", "NOOP", "QUIT", "VRFY", "HELP", "AUTH", NULL };
static const char *const pop3_verbs[] = { "USER", "PASS", "APOP", "STAT", "LIST",
	"RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA", NULL };
static const char *const imap_verbs[] = { "LOGIN", "AUTHENTICATE", "SELECT",
	"FETCH", "NOOP", "LOGOUT", NULL };

static char err[FAULT_ERR_LEN];

static int add(struct fault_set *s, enum fault_proto p, const char *spec)
{
	err[0] = '\0';
	return fault_add(s, p, spec, p == FAULT_SMTP ? smtp_verbs
	                             : p == FAULT_POP3 ? pop3_verbs : imap_verbs, err, sizeof err);
}

/* The one fault spec gives reply (or "close") on its first check of verb. */
static int gives(enum fault_proto p, const char *spec, const char *verb,
                 const char *reply, bool hangup)
{
	struct fault_set s = { 0 };
	const struct fault *f;

	if (add(&s, p, spec) < 0) {
		printf("#   refused: %s\n", err);
		return 0;
	}
	fault_session(&s);
	f = fault_check(&s, verb);
	if (!f || strcmp(f->reply, reply) != 0 || f->hangup != hangup) {
		printf("#   %s: got '%s' hangup %d\n", spec, f ? f->reply : "(none)", f ? f->hangup : -1);
		return 0;
	}
	return 1;
}

static void forms(void)
{
	CHECK("SMTP whole line", gives(FAULT_SMTP, "RCPT=451 4.3.0 Try again later", "RCPT",
	                               "451 4.3.0 Try again later", false));
	CHECK("SMTP verb in any case", gives(FAULT_SMTP, "rcpt=550 5.1.1 nope", "Rcpt",
	                                     "550 5.1.1 nope", false));
	CHECK("SMTP bare 450: usual text", gives(FAULT_SMTP, "RCPT=450", "RCPT",
	                                         "450 4.2.0 Mailbox busy, try again later", false));
	CHECK("SMTP bare 451", gives(FAULT_SMTP, "MAIL=451", "MAIL", "451 4.3.0 Try again later", false));
	CHECK("SMTP bare 550: 5.1.1", gives(FAULT_SMTP, "RCPT=550", "RCPT",
	                                    "550 5.1.1 Mailbox unavailable", false));
	CHECK("SMTP bare 554", gives(FAULT_SMTP, "DATA=554", "DATA", "554 5.3.0 Transaction failed", false));
	CHECK("SMTP CONNECT=554: no service here", gives(FAULT_SMTP, "CONNECT=554", "CONNECT",
	                                                 "554 5.3.2 No SMTP service here", false));
	CHECK("SMTP END=554", gives(FAULT_SMTP, "END=554", "END", "554 5.3.0 Transaction failed", false));
	CHECK("SMTP END=452", gives(FAULT_SMTP, "END=452", "END", "452 4.3.1 Insufficient system storage", false));
	CHECK("SMTP bare 421 closes", gives(FAULT_SMTP, "MAIL=421", "MAIL",
	                                    "421 4.3.0 Service not available, closing transmission channel", true));
	CHECK("SMTP whole 421 line closes", gives(FAULT_SMTP, "DATA=421 4.4.2 bye", "DATA",
	                                          "421 4.4.2 bye", true));
	CHECK("SMTP close", gives(FAULT_SMTP, "DATA=close", "DATA", "", true));
	CHECK("SMTP END=close", gives(FAULT_SMTP, "END=close", "END", "", true));
	CHECK("SMTP a bare code with only its number", gives(FAULT_SMTP, "NOOP=250 OK", "NOOP", "250 OK", false));
	CHECK("POP3 whole -ERR line", gives(FAULT_POP3, "RETR=-ERR [SYS/TEMP] busy", "RETR",
	                                    "-ERR [SYS/TEMP] busy", false));
	CHECK("POP3 bare -ERR: usual text", gives(FAULT_POP3, "RETR=-ERR", "RETR",
	                                          "-ERR [SYS/TEMP] Temporary failure, try again later", false));
	CHECK("POP3 bare -ERR on PASS blames the credentials", gives(FAULT_POP3, "PASS=-ERR", "PASS",
	                                                             "-ERR [AUTH] Authentication failed", false));
	CHECK("POP3 CONNECT", gives(FAULT_POP3, "CONNECT=-ERR [SYS/PERM] closed", "CONNECT",
	                            "-ERR [SYS/PERM] closed", false));
	CHECK("POP3 +OK line", gives(FAULT_POP3, "DELE=+OK pretend", "DELE", "+OK pretend", false));
	CHECK("POP3 close", gives(FAULT_POP3, "RETR=close", "RETR", "", true));
	CHECK("POP3 -ERR does not close", gives(FAULT_POP3, "QUIT=-ERR no", "QUIT", "-ERR no", false));
}

static void counting(void)
{
	struct fault_set s = { 0 };
	int fired[6] = { 0 };

	CHECK("@2 added", add(&s, FAULT_SMTP, "RCPT@2=450") == 0);
	CHECK("@3 on the same verb added", add(&s, FAULT_SMTP, "RCPT@3=close") == 0);
	CHECK("every MAIL added", add(&s, FAULT_SMTP, "MAIL=451") == 0);
	fault_session(&s);
	for (int i = 1; i <= 4; i++) {
		const struct fault *f = fault_check(&s, "RCPT");
		fired[i] = f == NULL ? 0 : f->hangup ? 2 : 1;
	}
	CHECK("RCPT@2 fires on the 2nd only, @3 on the 3rd",
	      fired[1] == 0 && fired[2] == 1 && fired[3] == 2 && fired[4] == 0);
	CHECK("without @N every MAIL fails",
	      fault_check(&s, "MAIL") && fault_check(&s, "MAIL") && fault_check(&s, "mail"));
	CHECK("a verb with no fault goes on", fault_check(&s, "DATA") == NULL);
	fault_session(&s);
	CHECK("a new session counts from 1 again",
	      fault_check(&s, "RCPT") == NULL && fault_check(&s, "RCPT") != NULL);
	CHECK("a zeroed set injects nothing", fault_check(&(struct fault_set){ 0 }, "RCPT") == NULL);
}

/* spec is refused and the message holds want. */
static int refused(enum fault_proto p, const char *spec, const char *want)
{
	struct fault_set s = { 0 };

	if (add(&s, p, spec) == 0 || !strstr(err, want)) {
		printf("#   %s: '%s'\n", spec, err);
		return 0;
	}
	return s.n == 0;
}

static void bad_specs(void)
{
	char longer[700];

	CHECK("no '=' refused", refused(FAULT_SMTP, "RCPT", "VERB[@N]=REPLY"));
	CHECK("empty reply refused", refused(FAULT_SMTP, "RCPT=", "VERB[@N]=REPLY"));
	CHECK("empty verb refused", refused(FAULT_SMTP, "=450", "VERB[@N]=REPLY"));
	CHECK("unknown verb refused, named", refused(FAULT_SMTP, "FOO=450", "unknown verb 'FOO'"));
	CHECK("unknown verb: the known ones listed", refused(FAULT_SMTP, "FOO=450", "RCPT"));
	CHECK("END is SMTP only", refused(FAULT_POP3, "END=-ERR", "unknown verb 'END'"));
	CHECK("a POP3 verb on SMTP refused", refused(FAULT_SMTP, "RETR=450", "unknown verb 'RETR'"));
	CHECK("@0 refused", refused(FAULT_SMTP, "RCPT@0=450", "from 1 to"));
	CHECK("@ without N refused", refused(FAULT_SMTP, "RCPT@=450", "from 1 to"));
	CHECK("@-1 refused", refused(FAULT_SMTP, "RCPT@-1=450", "from 1 to"));
	CHECK("@1x refused", refused(FAULT_SMTP, "RCPT@1x=450", "from 1 to"));
	CHECK("@ huge refused", refused(FAULT_SMTP, "RCPT@99999999999999999999999=450", "from 1 to"));
	CHECK("bare code without usual text refused", refused(FAULT_SMTP, "RCPT=299", "no usual text for code 299"));
	CHECK("bare 250 refused", refused(FAULT_SMTP, "RCPT=250", "no usual text"));
	CHECK("code 600 refused", refused(FAULT_SMTP, "RCPT=600 no", "from 200 to 599"));
	CHECK("code 199 refused", refused(FAULT_SMTP, "RCPT=199 no", "from 200 to 599"));
	CHECK("two digits refused", refused(FAULT_SMTP, "RCPT=45", "from 200 to 599"));
	CHECK("multi-line ddd- refused", refused(FAULT_SMTP, "RCPT=450-busy", "one line"));
	CHECK("code and space only refused", refused(FAULT_SMTP, "RCPT=450 ", "one line"));
	CHECK("text without a code refused", refused(FAULT_SMTP, "RCPT=busy", "one line"));
	CHECK("a CR LF in the reply refused", refused(FAULT_SMTP, "RCPT=450 a\r\nRSET", "one line"));
	CHECK("a non-ASCII reply refused", refused(FAULT_SMTP, "RCPT=450 meşgul", "printable ASCII"));
	CHECK("'Close' is not close", refused(FAULT_SMTP, "RCPT=Close", "one line"));
	CHECK("POP3 bare code refused", refused(FAULT_POP3, "RETR=450", "+OK or -ERR"));
	CHECK("POP3 -ERRx refused", refused(FAULT_POP3, "RETR=-ERRx", "+OK or -ERR"));
	CHECK("POP3 OK without + refused", refused(FAULT_POP3, "RETR=OK", "+OK or -ERR"));
	memset(longer, 'x', sizeof longer);
	memcpy(longer, "RCPT=450 ", 9);
	longer[sizeof longer - 1] = '\0';
	CHECK("an over-long reply refused", refused(FAULT_SMTP, longer, "at most 510 octets"));
	{
		struct fault_set s = { 0 };
		int ok = 1;
		for (int i = 0; i < FAULT_MAX; i++)
			ok &= add(&s, FAULT_SMTP, "NOOP=451") == 0;
		CHECK("FAULT_MAX faults accepted", ok);
		CHECK("one more refused", add(&s, FAULT_SMTP, "NOOP=451") < 0 && strstr(err, "at most"));
	}
}

/* IMAP (RFC 3501 7.1): NO/BAD/OK/BYE with text, bare NO/BAD/BYE, BYE closes. */
static void imap_forms(void)
{
	struct fault_set s = { 0 };

	CHECK("IMAP whole NO line", gives(FAULT_IMAP, "SELECT=NO [UNAVAILABLE] busy", "SELECT",
	                                  "NO [UNAVAILABLE] busy", false));
	CHECK("IMAP bare NO: usual text", gives(FAULT_IMAP, "FETCH=NO", "FETCH",
	      "NO [UNAVAILABLE] Temporary failure, try again later", false));
	CHECK("IMAP bare NO for LOGIN: AUTHENTICATIONFAILED", gives(FAULT_IMAP, "login=NO", "LOGIN",
	      "NO [AUTHENTICATIONFAILED] Authentication failed", false));
	CHECK("IMAP bare BAD", gives(FAULT_IMAP, "NOOP=BAD", "NOOP", "BAD Command not accepted", false));
	CHECK("IMAP OK text", gives(FAULT_IMAP, "LOGIN=OK fine", "LOGIN", "OK fine", false));
	CHECK("IMAP bare BYE closes", gives(FAULT_IMAP, "NOOP=BYE", "NOOP",
	      "BYE [UNAVAILABLE] Server not available, closing connection", true));
	CHECK("IMAP CONNECT=BYE text closes", gives(FAULT_IMAP, "CONNECT=BYE go away", "CONNECT",
	      "BYE go away", true));
	CHECK("IMAP close", gives(FAULT_IMAP, "FETCH=close", "FETCH", "", true));
	CHECK("IMAP: a bare OK is refused", add(&s, FAULT_IMAP, "LOGIN=OK") < 0 && strstr(err, "OK, NO, BAD or BYE"));
	CHECK("IMAP: an SMTP code is refused", add(&s, FAULT_IMAP, "LOGIN=451 later") < 0);
	CHECK("IMAP: a POP3 line is refused", add(&s, FAULT_IMAP, "LOGIN=-ERR no") < 0);
	CHECK("IMAP: NO with a space and no text is refused", add(&s, FAULT_IMAP, "LOGIN=NO ") < 0);
	CHECK("IMAP: END is no IMAP verb", add(&s, FAULT_IMAP, "END=NO") < 0 && strstr(err, "unknown verb"));
}

int main(void)
{
	forms();
	counting();
	bad_specs();
	imap_forms();
	return CHECK_DONE();
}
