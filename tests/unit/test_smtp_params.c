/* Unit tests: MAIL FROM's ESMTP parameters (lib/smtp_params). */
#include "check.h"
#include "smtp_params.h"

static struct smtp_params p;

/* The reply to rest, or "ok". */
static const char *params(const char *rest, bool esmtp)
{
	static char buf[256], reply[SMTP_PARAMS_REPLY];
	struct smtp_offer o = { esmtp, true, 1000 };

	snprintf(buf, sizeof buf, "%s", rest);
	return smtp_mail_params(reply, buf, &o, &p) == 0 ? "ok" : reply;
}

int main(void)
{
	CHECK_STR("none", params("", true), "ok");
	CHECK_STR("spaces only", params("  ", true), "ok");
	CHECK_STR("all four", params(" SIZE=10 BODY=8BITMIME SMTPUTF8 AUTH=<>", true), "ok");
	CHECK("... BODY=8BITMIME read", p.body_8bit && p.utf8);
	CHECK_STR("any case", params(" size=10 body=7bit SmtpUtf8", true), "ok");
	CHECK("... SmtpUtf8 read", p.utf8 && !p.body_8bit);
	CHECK_STR("BODY twice", params(" BODY=8BITMIME BODY=7BIT", true),
	          "501 5.5.4 Duplicate parameter BODY=7BIT");
	CHECK_STR("SIZE twice", params(" SIZE=1 SIZE=2", true),
	          "501 5.5.4 Duplicate parameter SIZE=2");
	CHECK_STR("SMTPUTF8 twice", params(" SMTPUTF8 smtputf8", true),
	          "501 5.5.4 Duplicate parameter smtputf8");
	CHECK_STR("SIZE over", params(" SIZE=1001", true),
	          "552 5.3.4 Message size exceeds fixed limit of 1000 octets");
	CHECK_STR("SIZE bad", params(" SIZE=1x", true), "501 5.5.4 Bad SIZE value");
	CHECK_STR("BODY unknown", params(" BODY=BINARYMIME", true),
	          "555 5.5.4 Unsupported parameter BODY");
	CHECK_STR("unknown", params(" FOO=bar", true),
	          "555 5.5.4 Unsupported parameter FOO");
	CHECK_STR("SMTPUTF8 with a value", params(" SMTPUTF8=1", true),
	          "555 5.5.4 Unsupported parameter SMTPUTF8");
	CHECK_STR("after HELO", params(" SIZE=1", false),
	          "555 5.5.4 Parameters need EHLO");
	return CHECK_DONE();
}
