/* net: sockets for listening and connecting.  See net.h. */
#include "net.h"
#include "conn.h"
#include "i18n.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NET_BACKLOG 128 /* a classroom connecting at once */

static void format_addr(const struct sockaddr *sa, char *out, size_t cap,
                        int with_port)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	if (!with_port)
		snprintf(out, cap, "%s", host);
	else if (sa->sa_family == AF_INET6)
		snprintf(out, cap, "[%s]:%u", host, port);
	else
		snprintf(out, cap, "%s:%u", host, port);
}

/* Why a bind failed, in words a student can act on. */
static void bind_error(char *err, const char *addr, unsigned port, int e)
{
	const char *hint = "";

	if (e == EADDRINUSE) {
		snprintf(err, NET_ERR_LEN, _("cannot bind %s port %u: %s (probably "
		         "%s; find it with 'ss -ltnp' or 'lsof -i :%u', stop "
		         "it (the lab's servers: scripts/lab.sh stop) or pick "
		         "another port with -p)"), addr, port, strerror(e),
		         net_port_holder(port), port);
		return;
	}
	if (e == EACCES && port < 1024)
		hint = _(" (ports below 1024 need root; run as root or pick a "
		         "port above 1023)");
	else if (e == EADDRNOTAVAIL)
		hint = _(" (this host has no such address)");
	snprintf(err, NET_ERR_LEN, _("cannot bind %s port %u: %s%s"), addr, port,
	         strerror(e), hint);
}

const char *net_port_holder(unsigned port)
{
	switch (port) {
	case 1025: return _("another lab smtp_server, MailHog or Mailpit");
	case 1110: return _("another pop_server");
	case 1143: return _("another imap_server");
	case 25: case 587: case 465: return _("the system's mail server");
	case 110: case 995: case 143: case 993: return _("the system's mail server");
	}
	return _("another program");
}

static int listen_one(char *err, const struct addrinfo *ai, const char *name,
                      unsigned *port)
{
	int one = 1, fd, e;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0) {
		snprintf(err, NET_ERR_LEN, _("socket for %s: %s"), name,
		         strerror(errno));
		return -1;
	}
	/* Restart at once on the same port: instructors restart all class. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6) /* keep ::1 from also taking IPv4 */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, NET_BACKLOG) < 0) {
		e = errno;
		close(fd);
		bind_error(err, name, *port, e);
		errno = e;
		return -1;
	}
	if (*port == 0 && getsockname(fd, (void *)&ss, &len) == 0)
		*port = ss.ss_family == AF_INET6
		            ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
		            : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Non-blocking: a client gone between poll() and accept() must not
	 * leave the server waiting in accept(). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int resolve(char *err, const char *host, unsigned port, int passive,
                   struct addrinfo **res)
{
	struct addrinfo hints;
	char service[8];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = passive ? AI_PASSIVE | AI_NUMERICHOST : 0;
	snprintf(service, sizeof service, "%u", port);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc != 0) {
		snprintf(err, NET_ERR_LEN, _("cannot resolve %s: %s"), host,
		         gai_strerror(rc));
		return -1;
	}
	return 0;
}

int net_listen(char *err, const char *addr, unsigned *port, int fds[],
               int max)
{
	struct addrinfo *res;
	int n = 0, fd, ephemeral = *port == 0;

	if (addr == NULL) {
		/* Loopback on both stacks; ::1 is optional (no IPv6 here). */
		if (max < 1 || resolve(err, "127.0.0.1", *port, 1, &res) < 0)
			return -1;
		fd = listen_one(err, res, "127.0.0.1", port);
		freeaddrinfo(res);
		if (fd < 0)
			return -1;
		fds[n++] = fd;
		if (n < max && resolve(err, "::1", *port, 1, &res) == 0) {
			fd = listen_one(err, res, "::1", port);
			freeaddrinfo(res);
			if (fd >= 0)
				fds[n++] = fd;
			else if (errno == EADDRINUSE && !ephemeral) {
				close(fds[0]);
				return -1;
			}
		}
		err[0] = '\0';
		return n;
	}
	if (max < 1 || resolve(err, addr, *port, 1, &res) < 0)
		return -1;
	fd = listen_one(err, res, addr, port);
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	fds[0] = fd;
	return 1;
}

int net_accept(char *err, int lfd, char *peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = accept(lfd, (void *)&ss, &len);

	if (fd < 0) {
		int e = errno;
		snprintf(err, NET_ERR_LEN, _("accept: %s"), strerror(e));
		errno = e;
		return -1;
	}
	/* BSDs hand on the listener's O_NONBLOCK; sessions want blocking. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	format_addr((void *)&ss, peer, NET_PEER_LEN, 1);
	return fd;
}

/* Wait for a non-blocking connect() to finish; a stop requested by a
 * signal (conn's self-pipe, watched too) ends the wait with EINTR. */
static int connect_wait(int fd, int timeout_s)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLOUT },
		               { .fd = conn_stop_fd(), .events = POLLIN } };
	int e = 0, rc;
	socklen_t len = sizeof e;

	do
		rc = poll(p, 2, timeout_s * 1000);
	while (rc < 0 && errno == EINTR && !conn_stop_requested());
	if (rc == 0)
		return ETIMEDOUT;
	if (rc < 0)
		return errno;
	if (p[1].revents)
		return EINTR;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	return e;
}

int net_connect(char *err, const char *host, unsigned port, int timeout_s)
{
	struct addrinfo *res, *ai;
	int fd = -1, e = ECONNREFUSED;

	if (resolve(err, host, port, 0, &res) < 0)
		return NET_ERR_NOHOST;
	/* Try every address: "localhost" may be ::1 first, then 127.0.0.1. */
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			e = 0;
		else
			e = errno == EINPROGRESS ? connect_wait(fd, timeout_s)
			                         : errno;
		if (e == 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	snprintf(err, NET_ERR_LEN, _("cannot connect to %s port %u: %s"), host,
	         port, strerror(e));
	return e == ETIMEDOUT ? NET_ERR_TIMEOUT : NET_ERR_REFUSED;
}

void net_peer_name(int fd, char *peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getpeername(fd, (void *)&ss, &len) == 0)
		format_addr((void *)&ss, peer, NET_PEER_LEN, 1);
	else
		str_copy(peer, "stdin", NET_PEER_LEN);
}

void net_peer_addr(int fd, char *addr, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getpeername(fd, (void *)&ss, &len) == 0)
		format_addr((void *)&ss, addr, cap, 0);
	else
		str_copy(addr, "127.0.0.1", cap);
}

void net_peer_host(const char *peer, char *host, size_t cap)
{
	const char *end = strrchr(peer, ':');
	size_t n;

	if (peer[0] == '[') {
		peer++;
		end = strchr(peer, ']');
	}
	n = end ? (size_t)(end - peer) : strlen(peer);
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(host, peer, n);
	host[n] = '\0';
}

bool net_is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}
