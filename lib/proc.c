// SPDX-License-Identifier: LGPL-2.1-or-later
/* Commands inside a node: setns, private mounts, /etc/netns overlay, exec. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "nslab/netns.h"
#include "nslab/proc.h"
#include "util.h"

/* The child reports a failure before exec as "errno message" on this pipe. */
static _Noreturn void child_fail(int fd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void child_fail(int fd, int code, const char *fmt, ...)
{
	char msg[NSLAB_ERR_MSG_MAX];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "%d ", code);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (write(fd, msg, strlen(msg)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * As iproute2's netns_switch(): the mounts of /etc/netns/NAME/FILE over
 * /etc/FILE are made in a private mount namespace, so nothing outside sees them.
 */
static void bind_etc(const char *netns, int errfd)
{
	char dir[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/etc/netns/%s", netns);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof(dst), "/etc/%s", e->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0 && errno != ENOENT)
			child_fail(errfd, errno, "cannot bind %s", src);
	}
	closedir(d);
}

/* "0" moves the writer: the child enters the group before it execs. */
static void join_cgroup(const char *dir, int errfd)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		child_fail(errfd, errno, "cannot open %s", path);
	if (write(fd, "0", 1) != 1)
		child_fail(errfd, errno, "cannot join cgroup %s", dir);
	close(fd);
}

_Noreturn void nslab_proc_exec(const struct nslab_spawn *s, int errfd)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (s->stdin_fd >= 0 && dup2(s->stdin_fd, 0) < 0)
		child_fail(errfd, errno, "dup2 %s", "stdin");
	if (s->stdout_fd >= 0 && dup2(s->stdout_fd, 1) < 0)
		child_fail(errfd, errno, "dup2 %s", "stdout");
	if (s->stderr_fd >= 0 && dup2(s->stderr_fd, 2) < 0)
		child_fail(errfd, errno, "dup2 %s", "stderr");
	if (s->cgroup)
		join_cgroup(s->cgroup, errfd);
	if (s->netns) {
		int fd = -1;

		if (nslab_netns_open(s->netns, &fd, NULL) < 0)
			child_fail(errfd, errno, "cannot open netns '%s'", s->netns);
		if (setns(fd, CLONE_NEWNET) < 0)
			child_fail(errfd, errno, "cannot enter netns '%s'", s->netns);
		close(fd);
		if (unshare(CLONE_NEWNS) < 0)
			child_fail(errfd, errno, "unshare mount namespace");
		/* Keep our mounts from propagating back to the host. */
		if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
			child_fail(errfd, errno, "cannot make / a slave mount");
		/*
		 * /sys shows the devices of the netns that mounted it: mount
		 * a fresh sysfs so the node sees its own (as ip netns exec).
		 */
		if (umount2("/sys", MNT_DETACH) == 0 || errno == EINVAL) {
			if (mount(s->netns, "/sys", "sysfs", 0, NULL) < 0)
				mount(s->netns, "/sys", "sysfs", MS_RDONLY, NULL);
		}
		bind_etc(s->netns, errfd);
	}
	if (s->hostname) {
		if (unshare(CLONE_NEWUTS) < 0)
			child_fail(errfd, errno, "unshare UTS namespace");
		if (sethostname(s->hostname, strlen(s->hostname)) < 0)
			child_fail(errfd, errno, "cannot set hostname '%s'", s->hostname);
	}
	for (size_t i = 0; i < s->n_env; i++)
		setenv(s->env[i].key, s->env[i].value, 1);
	execvp(s->argv[0], s->argv);
	child_fail(errfd, errno, "cannot run '%s'", s->argv[0]);
}

int nslab_proc_spawn(const struct nslab_spawn *s, pid_t *ret_pid, struct nslab_error *err)
{
	char buf[NSLAB_ERR_MSG_MAX];
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return nslab_err_sys(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return nslab_err_sys(err, errno, "fork");
	}
	if (pid == 0) {
		close(p[0]);
		nslab_proc_exec(s, p[1]);
	}
	close(p[1]);
	do
		n = read(p[0], buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n > 0) {
		char *msg;
		int code;

		buf[n] = '\0';
		code = (int)strtol(buf, &msg, 10);
		while (*msg == ' ')
			msg++;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return nslab_err(err, code, "%s: %s", msg, strerror(code));
	}
	*ret_pid = pid;
	return 0;
}

int nslab_proc_wait(pid_t pid, int *ret_status, struct nslab_error *err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nslab_err_sys(err, errno, "waitpid");
	if (WIFEXITED(status))
		*ret_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		*ret_status = 128 + WTERMSIG(status);
	else
		*ret_status = 255;
	return 0;
}

/* Append @n bytes to the tail buffer @out, dropping its oldest bytes. */
static void tail_append(char *out, size_t out_size, size_t *used, const char *chunk, size_t n)
{
	if (out_size == 0)
		return;
	if (n >= out_size - 1) {
		memcpy(out, chunk + n - (out_size - 1), out_size - 1);
		*used = out_size - 1;
		return;
	}
	if (*used + n > out_size - 1) {
		size_t drop = *used + n - (out_size - 1);

		memmove(out, out + drop, *used - drop);
		*used -= drop;
	}
	memcpy(out + *used, chunk, n);
	*used += n;
}

/* As nslab_proc_wait(), for a status waitpid() already returned (-1: wait now). */
static int proc_wait_status(pid_t pid, int wstatus, int *ret_status, struct nslab_error *err)
{
	if (wstatus == -1)
		return nslab_proc_wait(pid, ret_status, err);
	if (WIFEXITED(wstatus))
		*ret_status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		*ret_status = 128 + WTERMSIG(wstatus);
	else
		*ret_status = 255;
	return 0;
}

int nslab_proc_run_sh(const struct nslab_spawn *s, const char *cmd, char *out, size_t out_size,
		      int *ret_status, struct nslab_error *err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	struct nslab_spawn sp = *s;
	char chunk[4096];
	size_t used = 0;
	int p[2], r, devnull, wstatus = -1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return nslab_err_sys(err, errno, "pipe");
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sp.argv = argv;
	sp.stdin_fd = devnull;
	sp.stdout_fd = p[1];
	sp.stderr_fd = p[1];
	r = nslab_proc_spawn(&sp, &pid, err);
	close(p[1]);
	if (devnull >= 0)
		close(devnull);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	/*
	 * Keep only the tail of the output: it holds the error, if any.  Read
	 * until the shell exits, not until the pipe closes: a command that
	 * leaves a process in the background (`sleep 3 &`) keeps the pipe open.
	 */
	for (bool exited = false;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n;

		if (!exited) {
			pid_t w = waitpid(pid, &wstatus, WNOHANG);

			if (w == pid)
				exited = true;
		}
		if (poll(&pfd, 1, exited ? 0 : 20) <= 0) {
			if (exited)
				break;
			continue;
		}
		n = read(p[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		tail_append(out, out_size, &used, chunk, (size_t)n);
	}
	close(p[0]);
	if (out_size)
		out[used] = '\0';
	return proc_wait_status(pid, wstatus, ret_status, err);
}
