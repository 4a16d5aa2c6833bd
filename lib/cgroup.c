// SPDX-License-Identifier: LGPL-2.1-or-later
/* cgroup v2 groups per node: /sys/fs/cgroup/nslab/<lab>/<node>, limits, kill and removal. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "nslab/cgroup.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_ROOT "/sys/fs/cgroup"
#define CG_KILL_TIMEOUT_MS 5000

void nslab_cgroup_path(const char *lab, const char *node, char *buf, size_t size)
{
	if (node)
		snprintf(buf, size, CG_ROOT "/nslab/%s/%s", lab, node);
	else
		snprintf(buf, size, CG_ROOT "/nslab/%s", lab);
}

bool nslab_cgroup_available(void)
{
	struct statfs sfs;

	return statfs(CG_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Write @val to @dir/@file; -errno, without recording an error. */
static int write_file(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(val);
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Read @dir/@file into @buf (NUL terminated); -errno. */
static int read_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t used = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (used < size - 1) {
		ssize_t n = read(fd, buf + used, size - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += n;
	}
	buf[used] = '\0';
	return 0;
}

/* Is the word @name in the space separated list @list? */
static bool has_word(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += len) {
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return true;
	}
	return false;
}

static bool file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/*
 * Enable @ctrl for the children of @dir, unless it already is.  The write
 * fails (ENOENT, EBUSY, EOPNOTSUPP) when the controller is not offered to
 * @dir or @dir holds processes ("no internal processes"): -errno.
 */
static int enable_controller(const char *dir, const char *ctrl)
{
	char buf[512], plus[32];
	int r;

	r = read_file(dir, "cgroup.subtree_control", buf, sizeof(buf));
	if (r == 0 && has_word(buf, ctrl))
		return 0;
	r = read_file(dir, "cgroup.controllers", buf, sizeof(buf));
	if (r < 0)
		return r;
	if (!has_word(buf, ctrl))
		return -ENOENT;
	snprintf(plus, sizeof(plus), "+%s", ctrl);
	return write_file(dir, "cgroup.subtree_control", plus);
}

/* Enable @ctrl from the root down to the lab's group; -errno, message in @why. */
static int enable_down(const char *const *dirs, size_t n, const char *ctrl, char *why, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		int r = enable_controller(dirs[i], ctrl);

		if (r < 0) {
			if (r == -ENOENT)
				snprintf(why, size, "the %s controller is not available in %s",
					 ctrl, dirs[i]);
			else
				snprintf(why, size, "cannot enable the %s controller in %s: %s",
					 ctrl, dirs[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

static int make_dir(const char *path, struct nslab_error *err)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create cgroup %s", path);
	return 0;
}

int nslab_cgroup_create(const char *lab, const char *node, unsigned long long memory,
			unsigned int cpu_millis, struct nslab_error *err)
{
	char top[PATH_MAX], labdir[PATH_MAX], dir[PATH_MAX], val[64], why[PATH_MAX + 128];
	const char *dirs[3];
	int r, rm, rc;

	if (!nslab_cgroup_available())
		return nslab_err(err, EOPNOTSUPP, "cgroup v2 is not mounted at " CG_ROOT "%s",
				 memory || cpu_millis ? ": cannot set memory or cpu" : "");
	snprintf(top, sizeof(top), CG_ROOT "/nslab");
	nslab_cgroup_path(lab, NULL, labdir, sizeof(labdir));
	nslab_cgroup_path(lab, node, dir, sizeof(dir));
	r = make_dir(top, err);
	if (r == 0)
		r = make_dir(labdir, err);
	if (r == 0)
		r = make_dir(dir, err);
	if (r < 0)
		return r;

	/* Controllers are enabled for a group's children, level by level. */
	dirs[0] = CG_ROOT;
	dirs[1] = top;
	dirs[2] = labdir;
	rm = enable_down(dirs, ARRAY_SIZE(dirs), "memory", why, sizeof(why));
	if (rm < 0 && memory)
		return nslab_err(err, -rm, "cannot limit memory: %s", why);
	rc = enable_down(dirs, ARRAY_SIZE(dirs), "cpu", why, sizeof(why));
	if (rc < 0 && cpu_millis)
		return nslab_err(err, -rc, "cannot limit cpu: %s", why);

	/* An existing group is reused: "max" undoes an earlier limit. */
	if (memory)
		snprintf(val, sizeof(val), "%llu", memory);
	else
		snprintf(val, sizeof(val), "max");
	if (rm == 0 || file_exists(dir, "memory.max")) {
		r = write_file(dir, "memory.max", val);
		if (r < 0 && (memory || r != -ENOENT))
			return nslab_err_sys(err, -r, "cannot write '%s' to %s/memory.max", val,
					     dir);
	}
	/* Without swap the limit ends in the OOM killer, not in swapping. */
	if (file_exists(dir, "memory.swap.max")) {
		const char *swap = memory ? "0" : "max";

		r = write_file(dir, "memory.swap.max", swap);
		if (r < 0)
			return nslab_err_sys(err, -r, "cannot write '%s' to %s/memory.swap.max",
					     swap, dir);
	}

	if (cpu_millis) {
		/* The kernel wants a quota of at least 1 ms: a longer period for tiny shares. */
		unsigned long long period = 100000, quota = (unsigned long long)cpu_millis * 100;

		if (quota < 1000) {
			period = 1000000;
			quota = (unsigned long long)cpu_millis * 1000;
		}
		snprintf(val, sizeof(val), "%llu %llu", quota, period);
	} else {
		snprintf(val, sizeof(val), "max 100000");
	}
	if (rc == 0 || file_exists(dir, "cpu.max")) {
		r = write_file(dir, "cpu.max", val);
		if (r < 0 && (cpu_millis || r != -ENOENT))
			return nslab_err_sys(err, -r, "cannot write '%s' to %s/cpu.max", val, dir);
	}
	return 0;
}

int nslab_cgroup_attach(const char *lab, const char *node, pid_t pid, struct nslab_error *err)
{
	char dir[PATH_MAX], val[32];
	int r;

	nslab_cgroup_path(lab, node, dir, sizeof(dir));
	snprintf(val, sizeof(val), "%d", (int)pid);
	r = write_file(dir, "cgroup.procs", val);
	if (r < 0)
		return nslab_err_sys(err, -r, "cannot move process %d into cgroup %s", (int)pid,
				     dir);
	return 0;
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

/* 1 while @dir or a group below holds a process, 0 when not, -errno. */
static int populated(const char *dir)
{
	char buf[256];
	const char *p;
	int r;

	r = read_file(dir, "cgroup.events", buf, sizeof(buf));
	if (r < 0)
		return r;
	p = strstr(buf, "populated ");
	if (!p)
		return -EIO;
	return p[strlen("populated ")] == '1';
}

/* Before cgroup.kill (Linux 5.14): SIGKILL each process of @dir and below. */
static void kill_procs(const char *dir)
{
	char buf[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *d;
	FILE *f;
	int pid;

	snprintf(buf, sizeof(buf), "%s/cgroup.procs", dir);
	f = fopen(buf, "re");
	if (f) {
		while (fscanf(f, "%d", &pid) == 1)
			if (pid > 0)
				kill(pid, SIGKILL);
		fclose(f);
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		kill_procs(sub);
	}
	closedir(d);
}

/* Remove @dir and the groups below it, deepest first. */
static int remove_tree(const char *dir, struct nslab_error *err)
{
	char sub[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : nslab_err_sys(err, errno, "cannot read %s", dir);
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		r = remove_tree(sub, err);
		if (r < 0)
			break;
	}
	closedir(d);
	if (r < 0)
		return r;
	if (rmdir(dir) < 0 && errno != ENOENT)
		return nslab_err_sys(err, errno, "cannot remove cgroup %s", dir);
	return 0;
}

int nslab_cgroup_destroy(const char *lab, struct nslab_error *err)
{
	char labdir[PATH_MAX];
	long long deadline;
	bool has_kill;
	int r;

	if (!nslab_cgroup_available())
		return 0;
	nslab_cgroup_path(lab, NULL, labdir, sizeof(labdir));
	if (access(labdir, F_OK) < 0) {
		if (errno != ENOENT)
			return nslab_err_sys(err, errno, "cannot access cgroup %s", labdir);
		goto top;
	}

	/* cgroup.kill of the lab's group reaches every node group below it. */
	r = write_file(labdir, "cgroup.kill", "1");
	has_kill = r == 0;
	if (r < 0 && r != -ENOENT)
		return nslab_err_sys(err, -r, "cannot kill the processes of cgroup %s", labdir);
	deadline = now_ms() + CG_KILL_TIMEOUT_MS;
	for (;;) {
		if (!has_kill)
			kill_procs(labdir); /* again: a process may have forked meanwhile */
		r = populated(labdir);
		if (r == 0 || r == -ENOENT)
			break;
		if (r < 0)
			return nslab_err_sys(err, -r, "cannot read %s/cgroup.events", labdir);
		if (now_ms() > deadline)
			return nslab_err(err, EBUSY,
					 "cgroup %s still has processes %d s after SIGKILL", labdir,
					 CG_KILL_TIMEOUT_MS / 1000);
		sleep_ms(10);
	}
	r = remove_tree(labdir, err);
	if (r < 0)
		return r;
top:
	/* Another lab's group keeps it (EBUSY, ENOTEMPTY): fine. */
	rmdir(CG_ROOT "/nslab");
	return 0;
}
