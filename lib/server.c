/* server: listen, fork a session per client, stop on a signal. */
#include "server.h"
#include "conn.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

/* Signal handlers may only touch these. */
static volatile sig_atomic_t stopping;
static pid_t helper_pid;             /* the helper, in the parent */
static int wake_pipe[2] = { -1, -1 }; /* sessions -> helper: "new work" */
static int sig_pipe[2] = { -1, -1 };  /* handlers -> the accept loop */

/* The self-pipe trick: a signal that comes just before poll() still
 * makes it return, because poll() also watches this pipe. */
static void poke(void)
{
	int saved = errno;

	if (sig_pipe[1] >= 0) {
		ssize_t n = write(sig_pipe[1], "", 1);
		(void)n;
	}
	errno = saved;
}

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	conn_request_stop();
	poke();
}

static void on_child(int sig)
{
	(void)sig; /* reaping is done in the loop */
	poke();
}

/* In a child: the parent's pipes are not its business. */
static void close_parent_pipes(int keep_wake_read)
{
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
	if (!keep_wake_read && wake_pipe[0] >= 0) {
		close(wake_pipe[0]);
		wake_pipe[0] = -1;
	}
}

/* A pipe that never blocks either end and is not inherited by exec. */
static int open_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFL, O_NONBLOCK);
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL); /* no SA_RESTART: poll() must wake */
}

void server_session_signals(void)
{
	set_handler(SIGINT, on_stop);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
}

/* One byte down the pipe; if it is full, the helper is awake anyway. */
void server_wake_helper(void)
{
	if (wake_pipe[1] >= 0) {
		ssize_t n = write(wake_pipe[1], "!", 1);
		(void)n;
	}
}

int server_wake_fd(void)
{
	return wake_pipe[0];
}

static pid_t start_helper(const struct server_config *cfg, int *fds, int n)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		close_parent_pipes(1);
		server_session_signals();
		cfg->helper(cfg->helper_ctx);
		_exit(0);
	}
	return pid;
}

/* Tell a client we are full, without letting it hold us up. */
static void refuse_busy(const struct server_config *cfg, int fd,
                        const char *peer)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s\r\n", cfg->busy_reply);

	/* One short line into a new socket's empty buffer: it cannot block. */
	ssize_t w = write(fd, line, (size_t)n);
	(void)w;
	close(fd);
	log_event(peer, _("refused: %lu clients already connected"),
	          cfg->max_clients);
}

/* The session processes, so that stopping signals exactly them. */
struct kids {
	pid_t *pid;
	unsigned long cap, n;
};

static void start_session(const struct server_config *cfg, int cfd,
                          const char *peer, int *fds, int n,
                          struct kids *k)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_event(peer, _("cannot fork: %s"), strerror(errno));
		close(cfd);
		return;
	}
	if (pid == 0) {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		close_parent_pipes(0);
		server_session_signals();
		cfg->session(cfd, cfd, peer, cfg->ctx);
		_exit(0);
	}
	k->pid[k->n++] = pid;
	close(cfd);
}

/* Reap finished children; restart the helper if it died unasked. */
static void reap(const struct server_config *cfg, struct kids *k, int *fds,
                 int nfds)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == helper_pid) {
			helper_pid = stopping ? 0 : start_helper(cfg, fds, nfds);
			continue;
		}
		for (unsigned long i = 0; i < k->n; i++)
			if (k->pid[i] == pid) {
				k->pid[i] = k->pid[--k->n];
				break;
			}
	}
}

static int listen_all(const struct server_config *cfg, int *fds, unsigned *port)
{
	char err[NET_ERR_LEN];
	int n = 0, k;

	if (cfg->nbind == 0) {
		n = net_listen(err, NULL, port, fds, NET_MAX_LISTEN);
		if (n < 0)
			die(*port < 1024 && *port != 0 ? EX_NOPERM : EX_UNAVAILABLE,
			    "%s", err);
		return n;
	}
	for (size_t i = 0; i < cfg->nbind; i++) {
		k = net_listen(err, cfg->binds[i], port, fds + n,
		               NET_MAX_LISTEN - n);
		if (k < 0)
			die(EX_UNAVAILABLE, "%s", err);
		n += k;
	}
	return n;
}

int server_run(const struct server_config *cfg)
{
	struct pollfd pfd[NET_MAX_LISTEN + 1];
	int fds[NET_MAX_LISTEN], n;
	unsigned port = cfg->port;
	struct kids kids = { NULL, cfg->max_clients, 0 };
	char err[NET_ERR_LEN], peer[NET_PEER_LEN];

	kids.pid = calloc(kids.cap ? kids.cap : 1, sizeof *kids.pid);
	if (kids.pid == NULL)
		die(EX_OSERR, _("out of memory for %lu clients"), kids.cap);

	signal(SIGPIPE, SIG_IGN);
	if (open_pipe(sig_pipe) < 0)
		die(EX_OSERR, _("cannot create a pipe: %s"), strerror(errno));
	set_handler(SIGINT, on_stop);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGCHLD, on_child);
	n = listen_all(cfg, fds, &port);
	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	pfd[n] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
	log_event(NULL, "listening on %s port %u%s",
	          cfg->nbind ? "the -b addresses" : "127.0.0.1 and ::1", port,
	          n > 1 || cfg->nbind ? "" : " (IPv4 only)");
	if (cfg->helper) {
		/* A pipe, not a signal: a restarted helper inherits the same
		 * one, and no pid can go stale.  Never blocking either end. */
		open_pipe(wake_pipe);
		helper_pid = start_helper(cfg, fds, n);
	}
	while (!stopping) {
		reap(cfg, &kids, fds, n);
		if (poll(pfd, (nfds_t)n + 1, -1) < 0)
			continue; /* EINTR: a child ended or we are stopping */
		if (pfd[n].revents & POLLIN) {
			char buf[64];
			while (read(sig_pipe[0], buf, sizeof buf) > 0)
				; /* a signal came: the loop looks at what changed */
		}
		for (int i = 0; i < n && !stopping; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			int cfd = net_accept(err, fds[i], peer);
			if (cfd < 0)
				continue;
			reap(cfg, &kids, fds, n);
			if (kids.n >= kids.cap) {
				refuse_busy(cfg, cfd, peer);
				continue;
			}
			start_session(cfg, cfd, peer, fds, n, &kids);
		}
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	log_event(NULL, _("stopping: ending %lu session(s)"), kids.n);
	for (unsigned long i = 0; i < kids.n; i++)
		kill(kids.pid[i], SIGTERM);
	if (helper_pid > 0)
		kill(helper_pid, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(kids.pid);
	log_event(NULL, _("stopped"));
	return 0;
}

bool server_option(struct server_config *srv, int ch, const char *arg)
{
	switch (ch) {
	case 'p':
		srv->port = (unsigned)opt_ulong("--port", arg, 0, 65535);
		return true;
	case 'b':
		if (srv->nbind == NET_MAX_LISTEN)
			die(EX_USAGE, _("--bind: at most %d addresses"), NET_MAX_LISTEN);
		srv->binds[srv->nbind++] = arg;
		return true;
	case SERVER_OPT_MAX_CLIENTS:
		srv->max_clients = opt_ulong("--max-clients", arg, 1, 10000);
		return true;
	}
	return false;
}

int server_stdio(const struct server_config *cfg)
{
	char peer[NET_PEER_LEN];

	server_session_signals();
	net_peer_name(0, peer);
	cfg->session(0, 1, peer, cfg->ctx);
	return 0;
}
