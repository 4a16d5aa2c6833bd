/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running commands inside a node, as `ip netns exec` does. */
#ifndef NSLAB_PROC_H
#define NSLAB_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/**
 * struct nslab_spawn - how to run a command in a node
 * @netns:	namespace name under /run/netns; NULL: stay in the host's
 * @hostname:	UTS hostname in a new UTS namespace; NULL: keep the host's
 * @argv:	NULL-terminated; argv[0] is searched in PATH
 * @env, @n_env:	added to the environment
 * @stdin_fd, @stdout_fd, @stderr_fd:	-1 inherits
 * @cgroup:	cgroup v2 directory the child moves itself into first, before
 *		any namespace (a new /sys hides /sys/fs/cgroup); NULL: stay
 */
struct nslab_spawn {
	const char *netns;
	const char *hostname;
	char *const *argv;
	const struct nslab_kv *env;
	size_t n_env;
	int stdin_fd;
	int stdout_fd;
	int stderr_fd;
	const char *cgroup;
};

/**
 * nslab_proc_spawn() - fork and run @s->argv inside the node: setns to the
 * namespace, a private mount namespace with /sys remounted for it and
 * /etc/netns/<netns>/<file> bind-mounted over /etc/<file>, then exec.
 *
 * Errors of the child before exec (setns, mounts, exec itself) come back
 * here through a close-on-exec pipe.  Return 0 with *@ret_pid set, or -errno.
 */
int nslab_proc_spawn(const struct nslab_spawn *s, pid_t *ret_pid, struct nslab_error *err);

/**
 * nslab_proc_exec() - the child half of nslab_proc_spawn(), for callers that
 * fork themselves (a service's supervisor forks the service): set the child
 * up as nslab_proc_spawn() does and exec @s->argv.  Never returns: a failure
 * is written to @errfd as "<errno> <message>" and the child exits 127.  Only
 * to be called in a freshly forked child.
 */
_Noreturn void nslab_proc_exec(const struct nslab_spawn *s, int errfd);

/*
 * nslab_proc_wait() - wait for @pid; *@ret_status is its exit status, or
 * 128 + signal number as a shell reports it.
 */
int nslab_proc_wait(pid_t pid, int *ret_status, struct nslab_error *err);

/**
 * nslab_proc_run_sh() - run `/bin/sh -c @cmd` in the node and wait
 * @out, @out_size:	the last bytes of its stdout+stderr, NUL terminated
 * @ret_status:	as nslab_proc_wait()
 */
int nslab_proc_run_sh(const struct nslab_spawn *s, const char *cmd, char *out, size_t out_size,
		      int *ret_status, struct nslab_error *err);

#endif
