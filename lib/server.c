/*
 * server: listen, fork a session per client, stop on a signal.
 *
 * Every sleep here waits on a pipe a signal handler writes to (the
 * self-pipe): a SIGTERM or SIGCHLD landing just before poll() still
 * wakes it, where a flag checked first would be slept on.  Sessions do
 * the same through conn's stop pipe (conn_stop_init()).
 */
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
#include <time.h>
#include <unistd.h>

#define SERVER_STOP_GRACE_MS 5000    /* sessions get this long to say 421 */
#define SERVER_ACCEPT_PAUSE_MS 250   /* out of descriptors: look again then */
#define SERVER_HELPER_DELAY_MIN 1    /* s: first restart of a dead helper */
#define SERVER_HELPER_DELAY_MAX 60   /* s: restarts back off up to this */

/* Signal handlers may only touch these. */
static volatile sig_atomic_t stopping;
static int wake_pipe[2] = { -1, -1 }; /* sessions -> helper: "new work" */
static int sig_pipe[2] = { -1, -1 };  /* handlers -> the accept loop */

/* Milliseconds on a clock that never jumps. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static void drain_sig_pipe(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof buf) > 0)
		; /* a signal came: the loop looks at what changed */
}

/* In a child: the parent's pipes are not its business. */
static void close_parent_pipes(int is_helper)
{
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
	/* The helper keeps the read end only: EOF there then means the
	 * server and all its sessions are gone. */
	if (wake_pipe[is_helper ? 1 : 0] >= 0)
		close(wake_pipe[is_helper ? 1 : 0]);
	wake_pipe[is_helper ? 1 : 0] = -1;
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
	/* The pipe before the handlers, so that no stop can miss it. */
	if (conn_stop_init() < 0)
		log_event(NULL, _("cannot create the stop pipe: %s"), strerror(errno));
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

/* The accept loop's state: listeners, sessions, the helper. */
struct loop {
	const struct server_config *cfg;
	int fds[2 * NET_MAX_LISTEN], n;
	int nplain;                    /* fds[nplain..n): --tls-port's */
	pid_t *pid;                    /* the sessions, to signal exactly them */
	char (*host)[NET_PEER_LEN];    /* each one's peer address */
	unsigned long cap, nkid;
	bool limit_loopback;           /* test knob: see per_ip_full() */
	bool accept_failing;           /* logged once until accept works */
	long long accept_resume;       /* ms: listeners ignored until then */
	pid_t helper;
	long long helper_started, helper_restart; /* ms; restart 0: none due */
	unsigned helper_delay;                    /* s, doubling */
};

static void start_helper(struct loop *L)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < L->n; i++)
			close(L->fds[i]);
		close_parent_pipes(1);
		server_session_signals();
		L->cfg->helper(L->cfg->helper_ctx);
		_exit(0);
	}
	if (pid < 0)
		log_event(NULL, _("cannot fork the helper: %s"), strerror(errno));
	L->helper = pid > 0 ? pid : 0;
	L->helper_started = now_ms();
	L->helper_restart = pid > 0 ? 0 : L->helper_started + 1000;
}

/* A dead helper is restarted after a delay that doubles while it keeps
 * dying (1 s, 2 s, ... a minute), never in a busy loop. */
static void helper_died(struct loop *L, int status)
{
	long long now = now_ms();

	if (now - L->helper_started > SERVER_HELPER_DELAY_MAX * 1000LL ||
	    L->helper_delay == 0)
		L->helper_delay = SERVER_HELPER_DELAY_MIN;
	else if (L->helper_delay < SERVER_HELPER_DELAY_MAX)
		L->helper_delay *= 2;
	if (L->helper_delay > SERVER_HELPER_DELAY_MAX)
		L->helper_delay = SERVER_HELPER_DELAY_MAX;
	L->helper = 0;
	L->helper_restart = now + L->helper_delay * 1000LL;
	log_event(NULL, _("helper process %s %d; restarting it in %u s"),
	          WIFSIGNALED(status) ? _("killed by signal") : _("exited with"),
	          WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
	          L->helper_delay);
}

/* Reap finished children.  Returns how many sessions ended. */
static unsigned long reap(struct loop *L)
{
	unsigned long ended = 0;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == L->helper) {
			if (stopping)
				L->helper = 0;
			else
				helper_died(L, status);
			continue;
		}
		for (unsigned long i = 0; i < L->nkid; i++)
			if (L->pid[i] == pid) {
				L->nkid--;
				L->pid[i] = L->pid[L->nkid];
				memcpy(L->host[i], L->host[L->nkid], NET_PEER_LEN);
				ended++;
				break;
			}
	}
	if (pid < 0 && errno == ECHILD) /* none left, whatever we thought */
		L->nkid = 0, L->helper = 0;
	return ended;
}

/* Tell a client why we will not serve it, without letting it hold us
 * up: one short line into a new socket's empty buffer cannot block. */
static void refuse(int fd, const char *reply)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s\r\n", reply);
	ssize_t w = write(fd, line, n > 0 && (size_t)n < sizeof line
	                                ? (size_t)n : 0);

	(void)w;
	close(fd);
}

static unsigned long max_per_ip(const struct server_config *cfg)
{
	return cfg->max_per_ip ? cfg->max_per_ip : SERVER_MAX_PER_IP;
}

/* Until a server names its own reply, one in busy_reply's protocol. */
static const char *per_ip_reply(const struct server_config *cfg)
{
	if (cfg->per_ip_reply)
		return cfg->per_ip_reply;
	return cfg->busy_reply[0] == '-'
	           ? "-ERR [SYS/TEMP] too many connections from your "
	             "address (--max-per-ip), try again later"
	           : "421 4.7.0 Too many connections from your address "
	             "(--max-per-ip), try again later";
}

/*
 * --max-per-ip: one remote address may hold only so many sessions, so
 * a few hosts cannot take every slot.  Loopback peers are exempt: in a
 * lab they are the whole class on one machine.  The environment
 * variable MAILAB_TEST_LIMIT_LOOPBACK (tests only) counts loopback too;
 * it can only make the server stricter.
 */
static bool per_ip_full(const struct loop *L, const char *host)
{
	unsigned long same = 0;

	if (net_is_loopback(host) && !L->limit_loopback)
		return false;
	for (unsigned long i = 0; i < L->nkid; i++)
		same += strcmp(L->host[i], host) == 0;
	return same >= max_per_ip(L->cfg);
}

static void start_session(struct loop *L, int cfd, const char *peer,
                          const char *host, session_fn run)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_event(peer, _("cannot fork: %s"), strerror(errno));
		close(cfd);
		return;
	}
	if (pid == 0) {
		for (int i = 0; i < L->n; i++)
			close(L->fds[i]);
		close_parent_pipes(0);
		server_session_signals();
		run(cfd, cfd, peer, L->cfg->ctx);
		_exit(0);
	}
	L->pid[L->nkid] = pid;
	str_copy(L->host[L->nkid], host, NET_PEER_LEN);
	L->nkid++;
	close(cfd);
}

/*
 * Out of file descriptors (EMFILE, ENFILE) the listener stays readable
 * and accept() fails at once, again and again: a busy loop.  Log it
 * once, then leave the listeners alone until a session ends or a short
 * pause has passed; the client waits in the backlog meanwhile.
 */
static void accept_pause(struct loop *L, const char *err)
{
	if (!L->accept_failing)
		log_event(NULL, _("%s: not accepting for now (a session must end "
		            "first, or raise ulimit -n)"), err);
	L->accept_failing = true;
	L->accept_resume = now_ms() + SERVER_ACCEPT_PAUSE_MS;
}

static void accept_one(struct loop *L, int i)
{
	int lfd = L->fds[i];
	session_fn run = i < L->nplain ? L->cfg->session : L->cfg->tls_session;
	char err[NET_ERR_LEN], peer[NET_PEER_LEN], host[NET_PEER_LEN];
	int cfd = net_accept(err, lfd, peer);

	if (cfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			accept_pause(L, err);
		return; /* EAGAIN, ECONNABORTED: the client left already */
	}
	if (L->accept_failing)
		log_event(NULL, _("accepting clients again"));
	L->accept_failing = false;
	reap(L);
	net_peer_host(peer, host, sizeof host);
	if (L->nkid >= L->cap) {
		refuse(cfd, L->cfg->busy_reply);
		log_event(peer, _("refused: %lu clients already connected"), L->cap);
	} else if (per_ip_full(L, host)) {
		refuse(cfd, per_ip_reply(L->cfg));
		log_event(peer, _("refused: %lu sessions from %s already "
		            "(--max-per-ip)"), max_per_ip(L->cfg), host);
	} else {
		start_session(L, cfd, peer, host, run);
	}
}

/* Listen on port at every address; the fds go after those in L. */
static void listen_all(struct loop *L, unsigned *port)
{
	const struct server_config *cfg = L->cfg;
	char err[NET_ERR_LEN];
	int k;

	if (cfg->nbind == 0) {
		k = net_listen(err, NULL, port, L->fds + L->n, NET_MAX_LISTEN);
		if (k < 0)
			die(*port < 1024 && *port != 0 ? EX_NOPERM : EX_UNAVAILABLE,
			    "%s", err);
		L->n += k;
		return;
	}
	for (size_t i = 0; i < cfg->nbind; i++) {
		k = net_listen(err, cfg->binds[i], port, L->fds + L->n,
		               2 * NET_MAX_LISTEN - L->n);
		if (k < 0)
			die(EX_UNAVAILABLE, "%s", err);
		L->n += k;
	}
}

/* How long poll() may sleep: until a paused accept or a helper restart
 * is due; -1 for ever (a signal or a client wakes it). */
static int sleep_ms(const struct loop *L, long long now)
{
	long long t = -1;

	if (L->accept_resume > now)
		t = L->accept_resume - now;
	if (L->helper_restart && (t < 0 || L->helper_restart - now < t))
		t = L->helper_restart > now ? L->helper_restart - now : 0;
	return (int)t;
}

/* One turn of the accept loop: sleep until something happens, act. */
static void serve_once(struct loop *L)
{
	struct pollfd pfd[2 * NET_MAX_LISTEN + 1];
	long long now = now_ms();
	bool paused;

	if (reap(L) > 0)
		L->accept_resume = 0; /* a session ended: descriptors freed */
	if (L->helper_restart && now >= L->helper_restart)
		start_helper(L);
	paused = L->accept_resume > now;
	for (int i = 0; i < L->n; i++) /* a negative fd: poll() skips it */
		pfd[i] = (struct pollfd){ .fd = paused ? -1 : L->fds[i],
		                          .events = POLLIN };
	pfd[L->n] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
	if (poll(pfd, (nfds_t)L->n + 1, sleep_ms(L, now)) <= 0)
		return; /* EINTR or a deadline: the next turn looks */
	if (pfd[L->n].revents & POLLIN)
		drain_sig_pipe();
	for (int i = 0; i < L->n && !stopping; i++)
		if (pfd[i].revents & POLLIN)
			accept_one(L, i);
}

static void signal_children(const struct loop *L, int sig)
{
	for (unsigned long i = 0; i < L->nkid; i++)
		kill(L->pid[i], sig);
	if (L->helper > 0)
		kill(L->helper, sig);
}

/*
 * SIGTERM to every session and the helper, then wait for them on the
 * self-pipe (SIGCHLD pokes it).  A session that has not gone after the
 * grace period (a client that reads nothing keeps its 421 waiting)
 * gets SIGKILL: the server always stops.
 */
static void end_children(struct loop *L)
{
	long long give_up = now_ms() + SERVER_STOP_GRACE_MS;
	struct pollfd p = { .fd = sig_pipe[0], .events = POLLIN };
	bool killed = false;

	log_event(NULL, _("stopping: ending %lu session(s)"), L->nkid);
	signal_children(L, SIGTERM);
	for (;;) {
		reap(L);
		if (L->nkid == 0 && L->helper == 0)
			break;
		long long left = give_up - now_ms();
		if (left <= 0 && killed)
			break; /* SIGKILL cannot fail to end them: give up */
		if (left <= 0) {
			log_event(NULL, _("%lu session(s) did not stop within %d s: "
			            "killing them"), L->nkid, SERVER_STOP_GRACE_MS / 1000);
			signal_children(L, SIGKILL);
			killed = true;
			give_up = now_ms() + 1000;
			continue;
		}
		if (poll(&p, 1, (int)left) > 0)
			drain_sig_pipe();
	}
}

int server_run(const struct server_config *cfg)
{
	struct loop L = { .cfg = cfg, .cap = cfg->max_clients };
	unsigned port = cfg->port;

	L.pid = calloc(L.cap ? L.cap : 1, sizeof *L.pid);
	L.host = calloc(L.cap ? L.cap : 1, sizeof *L.host);
	if (L.pid == NULL || L.host == NULL)
		die(EX_OSERR, _("out of memory for %lu clients"), L.cap);
	L.limit_loopback = getenv("MAILAB_TEST_LIMIT_LOOPBACK") != NULL;
	signal(SIGPIPE, SIG_IGN);
	if (open_pipe(sig_pipe) < 0)
		die(EX_OSERR, _("cannot create a pipe: %s"), strerror(errno));
	set_handler(SIGINT, on_stop);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGCHLD, on_child);
	listen_all(&L, &port);
	L.nplain = L.n;
	log_event(NULL, "listening on %s port %u%s",
	          cfg->nbind ? "the -b addresses" : "127.0.0.1 and ::1", port,
	          L.n > 1 || cfg->nbind ? "" : " (IPv4 only)");
	if (cfg->tls_listen) {
		unsigned tls_port = cfg->tls_port;
		listen_all(&L, &tls_port);
		log_event(NULL, "implicit TLS on %s port %u",
		          cfg->nbind ? "the -b addresses" : "127.0.0.1 and ::1",
		          tls_port);
	}
	if (cfg->helper) {
		/* A pipe, not a signal: a restarted helper inherits the same
		 * one, and no pid can go stale.  Never blocking either end. */
		if (open_pipe(wake_pipe) < 0)
			die(EX_OSERR, _("cannot create the helper's wake pipe: %s"),
			    strerror(errno));
		start_helper(&L);
	}
	while (!stopping)
		serve_once(&L);
	for (int i = 0; i < L.n; i++)
		close(L.fds[i]);
	end_children(&L);
	free(L.pid);
	free(L.host);
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
	case SERVER_OPT_MAX_PER_IP:
		srv->max_per_ip = opt_ulong("--max-per-ip", arg, 1, 10000);
		return true;
	case SERVER_OPT_TLS_PORT:
		srv->tls_port = (unsigned)opt_ulong("--tls-port", arg, 0, 65535);
		srv->tls_listen = true;
		return true;
	}
	return false;
}

/* --stdio with a helper (the relay's queue runner): it runs beside the
 * session, and after it makes one last pass (EOF on the wake pipe). */
static pid_t stdio_helper(const struct server_config *cfg)
{
	pid_t pid;

	if (open_pipe(wake_pipe) < 0)
		die(EX_OSERR, _("cannot create the helper's wake pipe: %s"),
		    strerror(errno));
	pid = fork();
	if (pid < 0)
		die(EX_OSERR, _("cannot fork the helper: %s"), strerror(errno));
	if (pid == 0) {
		/* Not the client's stdin/stdout: it must see the end. */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (null > 1)
				close(null);
		}
		close_parent_pipes(1);
		server_session_signals();
		cfg->helper(cfg->helper_ctx);
		_exit(0);
	}
	return pid;
}

int server_stdio(const struct server_config *cfg)
{
	char peer[NET_PEER_LEN];
	pid_t helper = cfg->helper ? stdio_helper(cfg) : 0;
	int null;

	server_session_signals();
	net_peer_name(0, peer);
	cfg->session(0, 1, peer, cfg->ctx);
	if (helper <= 0)
		return 0;
	/* The session is over: let the client go, then wait for the
	 * helper's last pass (a stop signal passes on to it). */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (null > 1)
			close(null);
	}
	close(wake_pipe[1]);
	wake_pipe[1] = -1;
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		if (conn_stop_requested())
			kill(helper, SIGTERM);
	return 0;
}
