/* Unit tests: lib/net's peer names, the loopback rule of --max-per-ip,
 * and who a port in use probably belongs to. */
#include "check.h"
#include "net.h"

static const char *host_of(const char *peer)
{
	static char host[NET_PEER_LEN];

	net_peer_host(peer, host, sizeof host);
	return host;
}

int main(void)
{
	CHECK_STR("IPv4 peer: the address", host_of("192.0.2.7:5555"), "192.0.2.7");
	CHECK_STR("IPv6 peer: the address", host_of("[2001:db8::1]:25"), "2001:db8::1");
	CHECK_STR("no port: as is", host_of("stdin"), "stdin");

	CHECK("127.0.0.1 is loopback", net_is_loopback("127.0.0.1"));
	CHECK("127.0.0.2 is loopback (all of 127/8)", net_is_loopback("127.0.0.2"));
	CHECK("::1 is loopback", net_is_loopback("::1"));
	CHECK("::ffff:127.0.0.1 is loopback", net_is_loopback("::ffff:127.0.0.1"));
	CHECK("192.0.2.7 is not", !net_is_loopback("192.0.2.7"));
	CHECK("128.0.0.1 is not", !net_is_loopback("128.0.0.1"));
	CHECK("2001:db8::1 is not", !net_is_loopback("2001:db8::1"));
	CHECK("::ffff:192.0.2.7 is not", !net_is_loopback("::ffff:192.0.2.7"));
	CHECK("a name is not (only numeric addresses count)", !net_is_loopback("localhost"));

	CHECK_STR("1025: the lab's SMTP port", net_port_holder(1025),
	          "another lab smtp_server, MailHog or Mailpit");
	CHECK_STR("1110: the lab's POP3 port", net_port_holder(1110), "another pop_server");
	CHECK_STR("any other port", net_port_holder(4242), "another program");
	return CHECK_DONE();
}
