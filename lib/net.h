/*
 * net: the only module that creates sockets.  Listening (dual-stack
 * loopback by default), accepting, connecting with a timeout.
 *
 * Contract (after redis's anet.c): the caller's error buffer comes
 * first; a function returns a file descriptor (or 0) on success and a
 * negative number on failure, with one readable line in err.
 */
#ifndef MAILAB_NET_H
#define MAILAB_NET_H

#include <stdbool.h>
#include <stddef.h>

#define NET_ERR_LEN 384
#define NET_PEER_LEN 64   /* "[ffff:...:ffff]:65535" fits */
#define NET_MAX_LISTEN 8  /* -b may be given this many times */

/* Failures of net_connect(), each with its own sysexits code. */
enum net_error {
	NET_ERR_REFUSED = -1, /* nobody listens, or unreachable */
	NET_ERR_NOHOST = -2,  /* the name does not resolve */
	NET_ERR_TIMEOUT = -3  /* no answer in time */
};

/*
 * Listen on addr:port (addr NULL: 127.0.0.1 and ::1 where the host has
 * IPv6).  *port 0 asks for a free port and is set to the one chosen.
 * Fills fds[] and returns how many, or -1 with err naming the address,
 * the port and a hint (root for ports below 1024, who else may hold it).
 */
int net_listen(char *err, const char *addr, unsigned *port,
               int fds[], int max);

/* Accept one client; peer gets "127.0.0.1:5555".  Returns fd or -1
 * (errno kept: EMFILE tells the caller to back off). */
int net_accept(char *err, int lfd, char *peer);

/* Connect to host:port within timeout_s; returns fd or an enum net_error. */
int net_connect(char *err, const char *host, unsigned port, int timeout_s);

/* "addr:port" of the socket's peer, or "stdin" for a non-socket. */
void net_peer_name(int fd, char *peer);

/* The numeric address only (for Received: headers). */
void net_peer_addr(int fd, char *addr, size_t cap);

/* The address part of a peer name: "127.0.0.1" of "127.0.0.1:5555",
 * "::1" of "[::1]:5555". */
void net_peer_host(const char *peer, char *host, size_t cap);

/* Is the numeric address loopback: 127.0.0.0/8, ::1, ::ffff:127.x.y.z? */
bool net_is_loopback(const char *addr);

/* Who likely holds a port that is in use, in words for a message. */
const char *net_port_holder(unsigned port);

#endif
