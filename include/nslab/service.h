/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Long-running services inside nodes: started detached, logged, stopped at destroy. */
#ifndef NSLAB_SERVICE_H
#define NSLAB_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/**
 * struct nslab_service_spec - what to start
 * @lab, @node:	names (cgroup and state paths)
 * @index:	which of the node's services (0, 1 ...)
 * @netns:	the node's namespace (NULL: the host's)
 * @hostname:	UTS hostname (NULL: keep)
 * @cmd:	run with /bin/sh -c
 * @log:	path of its log (stdout and stderr, appended)
 * @statedir:	where the service's pid and status files go
 *		(<statedir>/<node>.<index>.pid, .status)
 * @use_cgroup:	put it in the node's cgroup (nslab_cgroup_create() done)
 */
struct nslab_service_spec {
	const char *lab;
	const char *node;
	size_t index;
	const char *netns;
	const char *hostname;
	const char *cmd;
	const struct nslab_kv *env;
	size_t n_env;
	const char *log;
	const char *statedir;
	bool use_cgroup;
};

/**
 * nslab_service_start() - start one service, detached from the caller (its
 * own session, no controlling terminal, stdin /dev/null), inside the node
 * as nslab exec runs commands.  A small supervisor process waits for it and
 * writes its exit status (or 128+signal) to the .status file, so a crash is
 * seen later without a daemon.  Returns once it runs; *@ret_pid optional.
 */
int nslab_service_start(const struct nslab_service_spec *s, pid_t *ret_pid,
			struct nslab_error *err);

/**
 * struct nslab_service_state - what inspect shows
 * @running:	true while it runs
 * @status:	exit status when it stopped (valid when !running and @exited)
 */
struct nslab_service_state {
	pid_t pid;
	bool running;
	bool exited;
	int status;
};

int nslab_service_state(const char *statedir, const char *node, size_t index,
			struct nslab_service_state *ret, struct nslab_error *err);

/**
 * nslab_service_stop_all() - stop every service recorded in @statedir:
 * SIGTERM to each, up to @grace_ms for them to exit, then SIGKILL, and wait
 * until none is left.  No orphan remains (their supervisors included).
 */
int nslab_service_stop_all(const char *statedir, unsigned int grace_ms, struct nslab_error *err);

#endif
