// SPDX-License-Identifier: LGPL-2.1-or-later
/* Services (detached, supervised, stopped) and node cgroups; root only, host network untouched. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "nslab/cgroup.h"
#include "nslab/service.h"
#include "tap.h"

/* is_int(r, 0, ...) that shows the error message when it fails. */
#define is_ok(r, err, ...)                                     \
	({                                                     \
		int _ok = is_int(r, 0, __VA_ARGS__);           \
		if (!_ok)                                      \
			printf("#   error: %s\n", (err)->msg); \
		_ok;                                           \
	})

static char dir[] = "/tmp/nslab-svc-XXXXXX";
static char logpath[PATH_MAX];

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int start(const char *cmd, size_t index, const char *lab, pid_t *pid,
		 struct nslab_error *err)
{
	static const struct nslab_kv env[] = { { .key = "NSLAB_TEST", .value = "from-env" } };
	struct nslab_service_spec s = {
		.lab = lab,
		.node = lab ? "n1" : "h1",
		.index = index,
		.cmd = cmd,
		.env = env,
		.n_env = 1,
		.log = logpath,
		.statedir = dir,
		.use_cgroup = lab != NULL,
	};

	return nslab_service_start(&s, pid, err);
}

static bool log_has(const char *needle, unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	char buf[8192];

	do {
		FILE *f = fopen(logpath, "re");
		size_t n = 0;

		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		if (strstr(buf, needle))
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

static struct nslab_service_state state_of(const char *node, size_t index)
{
	struct nslab_service_state st = { .status = -1 };
	struct nslab_error err = { 0 };

	if (nslab_service_state(dir, node, index, &st, &err) < 0)
		printf("# state %s.%zu: %s\n", node, index, err.msg);
	return st;
}

static struct nslab_service_state wait_exited(const char *node, size_t index,
					      unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct nslab_service_state st;

	do {
		st = state_of(node, index);
		if (st.exited)
			break;
		sleep_ms(20);
	} while (now_ms() < end);
	return st;
}

/* Orphans are reaped by init, maybe lazily: zombies of the group may linger a little. */
static bool group_gone(pid_t pgid, unsigned int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	do {
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

/* No live (non-zombie) process with this pid. */
static bool proc_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static bool supervisor_of(const char *node, size_t index, pid_t *sup)
{
	char path[PATH_MAX];
	int a = 0, b = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%zu.pid", dir, node, index);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fscanf(f, "%d %d", &a, &b) != 2)
		a = 0;
	fclose(f);
	*sup = a;
	return a > 0;
}

static void test_services(void)
{
	struct nslab_error err = { 0 };
	struct nslab_service_state st;
	pid_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, sup[5] = { 0 };
	char path[PATH_MAX], link[PATH_MAX];
	long long t0;
	ssize_t n;
	int r;

	r = start("echo hello $NSLAB_TEST; sleep 30", 0, NULL, &p0, &err);
	is_ok(r, &err, "start a service");
	snprintf(path, sizeof(path), "%s/h1.0.pid", dir);
	ok(access(path, F_OK) == 0, "pid file exists once start returns");
	ok(log_has("hello from-env", 3000), "its output, with the node's env, is in the log");
	st = state_of("h1", 0);
	ok(st.running && !st.exited && st.pid == p0, "state: running, pid %d", (int)p0);
	is_int(getpgid(p0), p0, "it leads its own process group");
	ok(getsid(p0) != getsid(0), "in another session than the caller");
	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)p0);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	is_str(link, "/dev/null", "stdin is /dev/null");
	ok(supervisor_of("h1", 0, &sup[0]) && sup[0] != getpid() && sup[0] != p0,
	   "the pid file names a supervisor");

	r = start("exit 3", 1, NULL, &p1, &err);
	is_ok(r, &err, "start a service that exits 3");
	st = wait_exited("h1", 1, 3000);
	ok(st.exited && !st.running, "state: exited");
	is_int(st.status, 3, "its status");

	r = start("trap '' TERM; sleep 30", 2, NULL, &p2, &err);
	is_ok(r, &err, "start a service that ignores SIGTERM");
	r = start("sleep 100 & sleep 100", 3, NULL, &p3, &err);
	is_ok(r, &err, "start a service with a background child");
	r = start("kill -SEGV $$", 4, NULL, &p4, &err);
	is_ok(r, &err, "start a service that crashes");
	st = wait_exited("h1", 4, 3000);
	is_int(st.status, 128 + SIGSEGV, "a crash reads as 128+signal");
	for (size_t i = 2; i < 4; i++)
		supervisor_of("h1", i, &sup[i]);
	sleep_ms(100); /* let the shells set their traps */

	t0 = now_ms();
	r = nslab_service_stop_all(dir, 300, &err);
	t0 = now_ms() - t0;
	is_ok(r, &err, "stop_all");
	ok(t0 >= 300 && t0 < 4000, "took the grace time, then SIGKILL (%lld ms)", t0);
	st = state_of("h1", 0);
	ok(!st.running && st.exited, "stopped service: not running, exited");
	is_int(st.status, 128 + SIGTERM, "its status is 128+SIGTERM");
	st = state_of("h1", 2);
	ok(!st.running && st.exited, "the TERM-ignoring service is gone");
	is_int(st.status, 128 + SIGKILL, "killed by SIGKILL");
	st = state_of("h1", 1);
	is_int(st.status, 3, "an exited service keeps its status");
	ok(group_gone(p3, 10000), "no process left in the background child's group");
	ok(group_gone(p0, 10000) && group_gone(p2, 10000), "nor in the others'");
	ok(proc_gone(sup[0]) && proc_gone(sup[2]) && proc_gone(sup[3]), "supervisors are gone");
	is_int(nslab_service_stop_all(dir, 100, &err), 0, "stop_all again: nothing to do");

	{
		struct nslab_service_spec s = {
			.node = "h1",
			.index = 6,
			.hostname = "nslab-svc-test",
			.cmd = "echo host=$(hostname)",
			.log = logpath,
			.statedir = dir,
		};

		r = nslab_service_start(&s, &p0, &err);
		is_ok(r, &err, "a service with a hostname");
		ok(log_has("host=nslab-svc-test", 3000), "sees its hostname");
		s.index = 7;
		s.hostname = NULL;
		s.netns = "nslab-test-no-such-netns";
		r = nslab_service_start(&s, &p0, &err);
		ok(r < 0 && strstr(err.msg, "nslab-test-no-such-netns"),
		   "a failure before exec comes back: %s", err.msg);
		snprintf(path, sizeof(path), "%s/h1.7.pid", dir);
		ok(access(path, F_OK) < 0, "and leaves no pid file");
	}
	nslab_service_stop_all(dir, 100, &err);
}

static bool is_cgroup2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == 0x63677270;
}

static unsigned long long oom_kills(const char *cg)
{
	char path[PATH_MAX], key[64];
	unsigned long long v, total = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.events", cg);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (!strcmp(key, "oom_kill"))
			total = v;
	fclose(f);
	return total;
}

static bool has_controller(const char *ctrl)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/fs/cgroup/cgroup.controllers", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, ctrl) != NULL;
}

static void test_cgroups(void)
{
	struct nslab_error err = { 0 };
	struct nslab_service_state st;
	char lab[64], cg[PATH_MAX], labdir[PATH_MAX], path[PATH_MAX], buf[512], want[PATH_MAX];
	bool memory;
	pid_t pid = 0;
	FILE *f;
	int r;

	if (!nslab_cgroup_available()) {
		/*
		 * A hybrid host: cgroup v2 at /sys/fs/cgroup/unified.  In a
		 * mount namespace of our own, put it where nslab looks.
		 */
		if (!is_cgroup2("/sys/fs/cgroup/unified") || unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    mount("/sys/fs/cgroup/unified", "/sys/fs/cgroup", NULL, MS_BIND, NULL) < 0) {
			printf("ok %d # skip no cgroup v2 at /sys/fs/cgroup\n", ++tap_n);
			return;
		}
		printf("# cgroup v2 from /sys/fs/cgroup/unified, in a private mount namespace\n");
	}
	ok(nslab_cgroup_available(), "cgroup v2 available");
	snprintf(lab, sizeof(lab), "svctest-%d", (int)getpid());
	nslab_cgroup_path(lab, "n1", cg, sizeof(cg));
	nslab_cgroup_path(lab, NULL, labdir, sizeof(labdir));
	snprintf(want, sizeof(want), "/sys/fs/cgroup/nslab/%s/n1", lab);
	is_str(cg, want, "cgroup path");
	memory = has_controller("memory");

	r = nslab_cgroup_create(lab, "n1", 0, 0, &err);
	is_ok(r, &err, "create a group without limits");
	ok(access(cg, F_OK) == 0, "%s exists", cg);
	r = nslab_cgroup_create(lab, "n1", 0, 0, &err);
	is_ok(r, &err, "an existing group is reused");

	r = nslab_cgroup_create(lab, "n1", 64ULL << 20, 500, &err);
	if (!memory) {
		ok(r < 0 && strstr(err.msg, "memory"), "no memory controller: clear error: %s",
		   err.msg);
	} else {
		is_ok(r, &err, "create with memory 64 MiB, cpu 0.5");
		snprintf(path, sizeof(path), "%s/memory.max", cg);
		f = fopen(path, "re");
		ok(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "67108864\n"), "memory.max");
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "%s/cpu.max", cg);
		f = fopen(path, "re");
		ok(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "50000 100000\n"),
		   "cpu.max is 50000 100000");
		if (f)
			fclose(f);
	}

	r = start("sleep 100", 0, lab, &pid, &err);
	is_ok(r, &err, "start a service in the group");
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	buf[0] = '\0';
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "0::", 3))
			break;
	if (f)
		fclose(f);
	snprintf(want, sizeof(want), "0::/nslab/%s/n1\n", lab);
	is_str(buf, want, "it runs in the node's group");

	if (memory && system("command -v python3 >/dev/null 2>&1") == 0) {
		r = start("python3 -c 'b = bytearray(200*1024*1024); import time; time.sleep(5)'",
			  1, lab, &pid, &err);
		is_ok(r, &err, "start a service allocating 200 MB");
		st = wait_exited("n1", 1, 20000);
		is_int(st.status, 128 + SIGKILL, "it was killed");
		ok(oom_kills(cg) >= 1, "by the OOM killer of the group (oom_kill %llu)",
		   oom_kills(cg));
	} else {
		printf("ok %d # skip OOM: no memory controller or no python3\n", ++tap_n);
	}

	r = nslab_cgroup_destroy(lab, &err);
	is_ok(r, &err, "destroy the lab's groups");
	ok(access(labdir, F_OK) < 0 && errno == ENOENT, "%s is gone", labdir);
	st = wait_exited("n1", 0, 3000);
	is_int(st.status, 128 + SIGKILL, "its service was killed");
	is_int(nslab_cgroup_destroy(lab, &err), 0, "destroy again: nothing to do");
	nslab_service_stop_all(dir, 100, &err);
	/* Whatever happened above, leave nothing. */
	rmdir(cg);
	rmdir(labdir);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("ok %d # skip services: not root\n", ++tap_n);
		printf("ok %d # skip cgroups: not root\n", ++tap_n);
		return tap_done();
	}
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/svc.log", dir);
	test_services();
	test_cgroups();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
