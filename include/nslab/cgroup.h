/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cgroup v2 group per node: its services and exec commands, limits, cleanup. */
#ifndef NSLAB_CGROUP_H
#define NSLAB_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "nslab/error.h"

/* /sys/fs/cgroup/nslab/<lab>/<node> into @buf. */
void nslab_cgroup_path(const char *lab, const char *node, char *buf, size_t size);

/**
 * nslab_cgroup_create() - make the node's group (parents as needed, with the
 * memory and cpu controllers enabled down to it) and set memory.max
 * (@memory bytes, 0: max) and cpu.max (@cpu_millis, 1000 = one CPU, 0: max).
 * An existing group is reused.
 */
int nslab_cgroup_create(const char *lab, const char *node, unsigned long long memory,
			unsigned int cpu_millis, struct nslab_error *err);

/* Move @pid into the node's group (cgroup.procs). */
int nslab_cgroup_attach(const char *lab, const char *node, pid_t pid, struct nslab_error *err);

/**
 * nslab_cgroup_destroy() - kill every process left in the lab's groups
 * (cgroup.kill, or SIGKILL to each pid on kernels before 5.14), wait for
 * them to go, and remove the groups.  An absent group is not an error.
 */
int nslab_cgroup_destroy(const char *lab, struct nslab_error *err);

/* True when cgroup v2 is mounted at /sys/fs/cgroup. */
bool nslab_cgroup_available(void);

#endif
