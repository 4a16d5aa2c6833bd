// SPDX-License-Identifier: LGPL-2.1-or-later
/* Services: detached commands in a node, a supervisor recording their exit, stop at destroy. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "nslab/cgroup.h"
#include "nslab/proc.h"
#include "nslab/service.h"
#include "util.h"

/*
 * The processes of one service:
 *
 *   caller ── fork ──> middle: setsid(), fork, _exit
 *                        └──> supervisor: waitpid()s the service, writes .status
 *                               └──> service: own process group, execs /bin/sh -c
 *
 * The middle process makes the supervisor an orphan (adopted by init or the
 * nearest subreaper), so the caller neither waits for it nor leaves a zombie,
 * and a new session without a terminal, so the shell that ran the deploy can
 * hang up without reaching it.  The service leads its own process group,
 * which destroy signals as a whole.
 *
 * <node>.<index>.pid holds "SUPERVISOR SERVICE SERVICE_START SUPERVISOR_START\n",
 * the starts being field 22 of /proc/<pid>/stat (clock ticks after boot), so a
 * pid reused by an unrelated process is never signalled.  <node>.<index>.status
 * holds "<status>\n" once the service ended: its exit code, or 128 + signal.
 *
 * The supervisor is a fork of a process that may run threads: between fork and
 * exec (or _exit) it sticks to system calls and the hand-made formatting below.
 */

#define STOP_KILL_TIMEOUT_MS 5000
#define SUPERVISOR_TIMEOUT_MS 1000

/* ---- async-signal-safe helpers (used after fork) ---- */

/* Decimal @v at @p; returns the end. */
static char *put_ull(char *p, unsigned long long v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/*
 * State, process group and start time of @pid from /proc/<pid>/stat:
 * 0, or -errno (-ENOENT: no such process).
 */
static int proc_stat(pid_t pid, char *ret_state, pid_t *ret_pgrp, unsigned long long *ret_start)
{
	char path[48], buf[1024], *p, *end;
	unsigned long long v = 0;
	ssize_t n;
	int fd, field;

	p = put_str(path, path + sizeof(path), "/proc/");
	p = put_ull(p, (unsigned long long)pid);
	p = put_str(p, path + sizeof(path) - 1, "/stat");
	*p = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	end = buf + n;
	/* The command name (field 2) may hold spaces and parentheses. */
	p = NULL;
	for (char *q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (!p || p + 2 >= end)
		return -EIO;
	p += 2; /* field 3, the state */
	if (ret_state)
		*ret_state = *p;
	for (field = 3; field < 22 && p < end; field++) {
		while (p < end && *p != ' ')
			p++;
		while (p < end && *p == ' ')
			p++;
		if (field == 4) { /* p is at field 5, the process group */
			long g = 0;

			for (char *q = p; q < end && *q >= '0' && *q <= '9'; q++)
				g = g * 10 + (*q - '0');
			if (ret_pgrp)
				*ret_pgrp = (pid_t)g;
		}
	}
	if (field != 22 || p >= end)
		return -EIO;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	if (ret_start)
		*ret_start = v;
	return 0;
}

/* Write @buf to @dir/@name through @tmp and rename(), so readers see all or nothing. */
static int write_atomic(int dirfd, const char *tmp, const char *name, const char *buf, size_t len)
{
	int fd;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	write_all(fd, buf, len);
	if (close(fd) < 0)
		return -errno;
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		return -errno;
	return 0;
}

/* ---- the supervisor ---- */

/* Everything the forked processes need, prepared before fork. */
struct sup {
	struct nslab_spawn spawn;
	int dirfd, logfd, nullfd, report;
	char pid_name[NAME_MAX + 1], pid_tmp[NAME_MAX + 1];
	char status_name[NAME_MAX + 1], status_tmp[NAME_MAX + 1];
};

/* Report "<errno> <what>" to the caller, as nslab_proc_exec() reports. */
static void report_fail(int fd, int code, const char *what)
{
	char buf[512], *p = buf, *end = buf + sizeof(buf);

	p = put_ull(p, (unsigned long long)code);
	p = put_str(p, end, " ");
	p = put_str(p, end, what);
	write_all(fd, buf, p - buf);
}

static void close_from(int lowfd)
{
	struct rlimit rl;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0U, 0U) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = lowfd; fd < (int)rl.rlim_cur; fd++)
		close(fd);
}

/*
 * Give the supervisor fds 0 (/dev/null), 1 and 2 (the log) for the service to
 * inherit, 3 the state directory, 4 the report pipe, and close everything
 * else the caller had open: its sockets, its lock files.
 */
static int arrange_fds(struct sup *a)
{
	int null = fcntl(a->nullfd, F_DUPFD, 5), log = fcntl(a->logfd, F_DUPFD, 5);
	int dir = fcntl(a->dirfd, F_DUPFD, 5), rep = fcntl(a->report, F_DUPFD, 5);

	if (null < 0 || log < 0 || dir < 0 || rep < 0)
		return -errno;
	if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
	    dup3(dir, 3, O_CLOEXEC) < 0 || dup3(rep, 4, O_CLOEXEC) < 0)
		return -errno;
	close_from(5);
	a->nullfd = a->logfd = -1;
	a->dirfd = 3;
	a->report = 4;
	a->spawn.stdin_fd = a->spawn.stdout_fd = a->spawn.stderr_fd = -1;
	return 0;
}

static _Noreturn void service_child(struct sup *a, int sync_r, int errfd)
{
	char c;

	/* Leader of its own group: destroy signals the group, children included. */
	if (setpgid(0, 0) < 0) {
		report_fail(errfd, errno, "cannot make the service a process group leader");
		_exit(127);
	}
	/* Run only once the supervisor has recorded the pids. */
	while (read(sync_r, &c, 1) < 0 && errno == EINTR)
		;
	close(sync_r);
	nslab_proc_exec(&a->spawn, errfd);
}

static _Noreturn void supervisor(struct sup *a)
{
	char buf[NSLAB_ERR_MSG_MAX], *p;
	unsigned long long svc_start = 0, sup_start = 0;
	struct sigaction sa = { .sa_handler = SIG_DFL };
	int errp[2], syncp[2], status, r;
	sigset_t none;
	ssize_t n;
	pid_t pid;

	/* Nothing of the caller's handlers; SIGCHLD default, or waitpid() finds no child. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN; /* the caller may be gone when we report */
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Seen in ps as what it is, not as a copy of the caller. */
	prctl(PR_SET_NAME, "nslab-supervise", 0, 0, 0);

	r = arrange_fds(a);
	if (r < 0) {
		report_fail(a->report, -r, "cannot set up the supervisor's files");
		_exit(1);
	}
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(syncp, O_CLOEXEC) < 0) {
		report_fail(a->report, errno, "pipe");
		_exit(1);
	}
	pid = fork();
	if (pid < 0) {
		report_fail(a->report, errno, "fork");
		_exit(1);
	}
	if (pid == 0) {
		close(syncp[1]);
		close(errp[0]);
		close(a->report);
		service_child(a, syncp[0], errp[1]);
	}
	close(syncp[0]);
	close(errp[1]);
	/* Also here, so the group exists before anyone reads the pid file. */
	setpgid(pid, pid);

	proc_stat(pid, NULL, NULL, &svc_start);
	proc_stat(getpid(), NULL, NULL, &sup_start);
	p = put_ull(buf, (unsigned long long)getpid());
	*p++ = ' ';
	p = put_ull(p, (unsigned long long)pid);
	*p++ = ' ';
	p = put_ull(p, svc_start);
	*p++ = ' ';
	p = put_ull(p, sup_start);
	*p++ = '\n';
	r = write_atomic(a->dirfd, a->pid_tmp, a->pid_name, buf, p - buf);
	if (r < 0) {
		report_fail(a->report, -r, "cannot write the pid file");
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(1);
	}
	close(syncp[1]); /* go */

	/* EOF: the service exec'd.  Else the child's "<errno> <message>". */
	do
		n = read(errp[0], buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n > 0) {
		write_all(a->report, buf, n);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		unlinkat(a->dirfd, a->pid_name, 0);
		_exit(1);
	}
	p = put_str(buf, buf + sizeof(buf), "0 ");
	p = put_ull(p, (unsigned long long)pid);
	write_all(a->report, buf, p - buf);
	close(a->report);
	/* Hold nothing but the state directory: no terminal, no log. */
	close(0);
	close(1);
	close(2);

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFEXITED(status))
		status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		status = 128 + WTERMSIG(status);
	else
		status = 255;
	p = put_ull(buf, (unsigned long long)status);
	*p++ = '\n';
	write_atomic(a->dirfd, a->status_tmp, a->status_name, buf, p - buf);
	_exit(0);
}

int nslab_service_start(const struct nslab_service_spec *s, pid_t *ret_pid, struct nslab_error *err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)s->cmd, NULL };
	char cgdir[PATH_MAX], msg[NSLAB_ERR_MSG_MAX], *end;
	struct sup a = { .dirfd = -1, .logfd = -1, .nullfd = -1, .report = -1 };
	int rep[2], r = 0, status, code;
	size_t used = 0;
	pid_t mid;
	long v;

	if (!s->node || !s->cmd || !s->log || !s->statedir)
		return nslab_err(err, EINVAL, "service: node, cmd, log and statedir are required");
	if (s->use_cgroup && !s->lab)
		return nslab_err(err, EINVAL, "service in a cgroup without a lab");
	snprintf(a.pid_name, sizeof(a.pid_name), "%s.%zu.pid", s->node, s->index);
	snprintf(a.pid_tmp, sizeof(a.pid_tmp), ".%s.%zu.pid.tmp", s->node, s->index);
	snprintf(a.status_name, sizeof(a.status_name), "%s.%zu.status", s->node, s->index);
	snprintf(a.status_tmp, sizeof(a.status_tmp), ".%s.%zu.status.tmp", s->node, s->index);
	a.spawn = (struct nslab_spawn){
		.netns = s->netns,
		.hostname = s->hostname,
		.argv = argv,
		.env = s->env,
		.n_env = s->n_env,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
	};
	if (s->use_cgroup) {
		nslab_cgroup_path(s->lab, s->node, cgdir, sizeof(cgdir));
		a.spawn.cgroup = cgdir;
	}

	a.dirfd = open(s->statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a.dirfd < 0) {
		r = nslab_err_sys(err, errno, "cannot open %s", s->statedir);
		goto out;
	}
	/* A status left by an earlier run would read as this one's. */
	unlinkat(a.dirfd, a.status_name, 0);
	a.logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY | O_CLOEXEC, 0644);
	if (a.logfd < 0) {
		r = nslab_err_sys(err, errno, "cannot open log %s", s->log);
		goto out;
	}
	a.nullfd = open("/dev/null", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (a.nullfd < 0) {
		r = nslab_err_sys(err, errno, "cannot open /dev/null");
		goto out;
	}
	if (pipe2(rep, O_CLOEXEC) < 0) {
		r = nslab_err_sys(err, errno, "pipe");
		goto out;
	}
	a.report = rep[1];

	mid = fork();
	if (mid < 0) {
		r = nslab_err_sys(err, errno, "fork");
		close(rep[0]);
		close(rep[1]);
		goto out;
	}
	if (mid == 0) {
		pid_t sup;

		close(rep[0]);
		if (setsid() < 0) {
			report_fail(rep[1], errno, "setsid");
			_exit(1);
		}
		sup = fork();
		if (sup < 0) {
			report_fail(rep[1], errno, "fork");
			_exit(1);
		}
		if (sup == 0)
			supervisor(&a);
		_exit(0);
	}
	close(rep[1]);
	/* SIGCHLD ignored by the caller reaps it for us: ECHILD is fine. */
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	/* EOF once the supervisor reported and the service exec'd. */
	for (;;) {
		ssize_t n = read(rep[0], msg + used, sizeof(msg) - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
		if (used == sizeof(msg) - 1)
			break;
	}
	close(rep[0]);
	msg[used] = '\0';
	code = (int)strtol(msg, &end, 10);
	if (used == 0 || end == msg) {
		r = nslab_err(err, EIO, "the supervisor died before reporting");
	} else if (code != 0) {
		while (*end == ' ')
			end++;
		r = nslab_err(err, code, "%s: %s", end, strerror(code));
	} else {
		v = strtol(end, NULL, 10);
		if (ret_pid)
			*ret_pid = (pid_t)v;
	}
out:
	closep(&a.dirfd);
	closep(&a.logfd);
	closep(&a.nullfd);
	return r;
}

/* ---- state and stop ---- */

struct svc_rec {
	pid_t sup, svc;
	unsigned long long sup_start, svc_start;
};

/* Read a pid file at @dirfd/@name: 0, or -errno (-EBADMSG: not ours). */
static int read_rec(int dirfd, const char *name, struct svc_rec *ret)
{
	char buf[256];
	_cleanup_close_ int fd = -1;
	long long sup, svc;
	ssize_t n;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld %llu %llu", &sup, &svc, &ret->svc_start, &ret->sup_start) != 4 ||
	    sup <= 0 || svc <= 0 || sup > INT_MAX || svc > INT_MAX)
		return -EBADMSG;
	ret->sup = (pid_t)sup;
	ret->svc = (pid_t)svc;
	return 0;
}

/* @pid is the process that was started at @start, and not yet a zombie. */
static bool alive(pid_t pid, unsigned long long start)
{
	unsigned long long st;
	char state;

	if (proc_stat(pid, &state, NULL, &st) < 0)
		return false;
	return st == start && state != 'Z' && state != 'X';
}

/*
 * May the group @r->svc be signalled?  While the service's pid is held by an
 * unrelated process our group cannot exist: the kernel does not hand out a pid
 * still used as a process group ID.  So the group is ours unless the pid now
 * belongs to another process.
 */
static bool group_ours(const struct svc_rec *r)
{
	unsigned long long st;

	if (proc_stat(r->svc, NULL, NULL, &st) < 0)
		return true;
	return st == r->svc_start;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Which of the sorted groups @pgids hold a live process: @found[i].  One pass
 * over /proc for all of them; a zombie does not count.
 */
static void find_live_groups(const pid_t *pgids, bool *found, size_t n)
{
	struct dirent *e;
	DIR *d;

	d = opendir("/proc");
	if (!d) {
		for (size_t i = 0; i < n; i++)
			found[i] = true;
		return;
	}
	while ((e = readdir(d))) {
		char *end, state;
		long pid = strtol(e->d_name, &end, 10);
		const pid_t *hit;
		pid_t g = 0;

		if (*end || pid <= 0)
			continue;
		if (proc_stat((pid_t)pid, &state, &g, NULL) < 0 || state == 'Z' || state == 'X')
			continue;
		hit = bsearch(&g, pgids, n, sizeof(*pgids), cmp_pid);
		if (hit)
			found[hit - pgids] = true;
	}
	closedir(d);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nslab_service_state(const char *statedir, const char *node, size_t index,
			struct nslab_service_state *ret, struct nslab_error *err)
{
	char name[NAME_MAX + 1], buf[32];
	_cleanup_close_ int dirfd = -1;
	struct nslab_service_state st = { 0 };
	struct svc_rec rec;
	int r, fd;

	dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return nslab_err_sys(err, errno, "cannot open %s", statedir);
	snprintf(name, sizeof(name), "%s.%zu.pid", node, index);
	r = read_rec(dirfd, name, &rec);
	if (r == -ENOENT)
		return nslab_err(err, ENOENT, "node %s: no service %zu", node, index);
	if (r < 0)
		return nslab_err_sys(err, -r, "cannot read %s/%s", statedir, name);
	st.pid = rec.svc;

	snprintf(name, sizeof(name), "%s.%zu.status", node, index);
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			st.exited = true;
			st.status = (int)strtol(buf, NULL, 10);
		}
	}
	/* No status and not running: the supervisor was killed before it wrote one. */
	st.running = !st.exited && alive(rec.svc, rec.svc_start);
	*ret = st;
	return 0;
}

/*
 * Wait until no group of @recs (where @todo) is alive, or @timeout_ms passed.
 * kill(-pgid, 0) also counts zombies, which stay until their parent (init,
 * for orphans) reaps them, maybe lazily: /proc decides when it says yes.
 * @pgids and @found are scratch arrays of @n.
 */
static bool wait_groups(const struct svc_rec *recs, bool *todo, size_t n, pid_t *pgids, bool *found,
			unsigned int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	unsigned int step = 5;

	for (;;) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++) {
			if (todo[i] && kill(-recs[i].svc, 0) < 0 && errno == ESRCH)
				todo[i] = false;
			if (todo[i])
				pgids[m++] = recs[i].svc;
		}
		if (m) {
			qsort(pgids, m, sizeof(*pgids), cmp_pid);
			memset(found, 0, m * sizeof(*found));
			find_live_groups(pgids, found, m);
			for (size_t i = 0; i < n; i++) {
				const pid_t *hit;

				if (!todo[i])
					continue;
				hit = bsearch(&recs[i].svc, pgids, m, sizeof(*pgids), cmp_pid);
				if (hit && !found[hit - pgids]) {
					todo[i] = false;
					m--;
				}
			}
		}
		if (m == 0)
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(step);
		if (step < 50)
			step *= 2;
	}
}

static bool wait_supervisors(const struct svc_rec *recs, size_t n, unsigned int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		bool any = false;

		for (size_t i = 0; i < n; i++)
			any |= alive(recs[i].sup, recs[i].sup_start);
		if (!any)
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(10);
	}
}

int nslab_service_stop_all(const char *statedir, unsigned int grace_ms, struct nslab_error *err)
{
	_cleanup_free_ struct svc_rec *recs = NULL;
	_cleanup_free_ bool *todo = NULL, *found = NULL;
	_cleanup_free_ pid_t *pgids = NULL;
	_cleanup_close_ int dirfd = -1;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int r = 0;

	dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		if (errno == ENOENT)
			return 0;
		return nslab_err_sys(err, errno, "cannot open %s", statedir);
	}
	d = fdopendir(dup(dirfd));
	if (!d)
		return nslab_err_sys(err, errno, "cannot read %s", statedir);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct svc_rec rec;

		if (e->d_name[0] == '.' || len < 5 || !streq(e->d_name + len - 4, ".pid"))
			continue;
		if (read_rec(dirfd, e->d_name, &rec) < 0)
			continue; /* not written by a supervisor */
		if (GROW(recs, cap, n) < 0) {
			closedir(d);
			return nslab_err(err, ENOMEM, "out of memory");
		}
		recs[n++] = rec;
	}
	closedir(d);
	if (n == 0)
		return 0;
	todo = calloc(n, sizeof(*todo));
	found = calloc(n, sizeof(*found));
	pgids = calloc(n, sizeof(*pgids));
	if (!todo || !found || !pgids)
		return nslab_err(err, ENOMEM, "out of memory");

	for (size_t i = 0; i < n; i++) {
		todo[i] = group_ours(&recs[i]);
		if (todo[i])
			kill(-recs[i].svc, SIGTERM);
	}
	if (!wait_groups(recs, todo, n, pgids, found, grace_ms)) {
		for (size_t i = 0; i < n; i++)
			if (todo[i] && group_ours(&recs[i]))
				kill(-recs[i].svc, SIGKILL);
		if (!wait_groups(recs, todo, n, pgids, found, STOP_KILL_TIMEOUT_MS)) {
			for (size_t i = 0; i < n && r == 0; i++)
				if (todo[i])
					r = nslab_err(err, EBUSY,
						      "service pid %d: its process group is still "
						      "there %d s after SIGKILL",
						      (int)recs[i].svc,
						      STOP_KILL_TIMEOUT_MS / 1000);
		}
	}

	/* The supervisors record the status and go; one that does not is killed. */
	if (!wait_supervisors(recs, n, SUPERVISOR_TIMEOUT_MS)) {
		for (size_t i = 0; i < n; i++)
			if (alive(recs[i].sup, recs[i].sup_start))
				kill(recs[i].sup, SIGKILL);
		if (!wait_supervisors(recs, n, SUPERVISOR_TIMEOUT_MS) && r == 0)
			r = nslab_err(err, EBUSY, "a service supervisor in %s survived SIGKILL",
				      statedir);
	}
	return r;
}
