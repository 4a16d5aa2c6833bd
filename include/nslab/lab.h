/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Deploying and destroying whole labs: apply a plan, journal it, undo it. */
#ifndef NSLAB_LAB_H
#define NSLAB_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/* Called as work progresses: @phase name, @done of @total operations. */
typedef void (*nslab_progress_fn)(const char *phase, size_t done, size_t total, void *data);

/**
 * struct nslab_deploy_opts
 * @node_filter:	NULL, or "a,b": build only these nodes (see plan.h)
 * @progress:		optional
 * @exec_output:	optional: called with each exec command's output
 * @max_workers:	threads that create namespaces (0: one per CPU)
 * @host:		multi-host: build this host's share of the lab (a name of
 *			its `hosts`), recorded in the lab's state; NULL: all of it
 */
struct nslab_deploy_opts {
	const char *node_filter;
	const char *host;
	unsigned int max_workers;
	nslab_progress_fn progress;
	void *progress_data;
	void (*exec_output)(const char *node, const char *cmd, const char *out, void *data);
	void *exec_output_data;
};

/**
 * nslab_lab_deploy() - build the lab of @topo, all or nothing
 *
 * Claims the lab name (-EEXIST when deployed), journals every change before
 * making it, and on any failure removes everything this run made before
 * returning the error.  Borrows @topo.
 */
int nslab_lab_deploy(const struct nslab_topo *topo, const struct nslab_deploy_opts *opts,
		     struct nslab_error *err);

/**
 * nslab_lab_destroy() - remove everything the journal of lab @name records,
 * then its state.  Works without the topology file.  Return -ENOENT when no
 * such lab is deployed.  @progress may be NULL.
 */
int nslab_lab_destroy(const char *name, unsigned int flags, nslab_progress_fn progress,
		      void *progress_data, struct nslab_error *err);

/**
 * nslab_lab_host() - which host's share of lab @name this machine holds
 * @ret_host:	the --host it was deployed with (the caller's, free()), or
 *		NULL when it was deployed whole
 *
 * Return 0, or -ENOENT when the lab is not deployed here.
 */
int nslab_lab_host(const char *name, char **ret_host, struct nslab_error *err);

/* nslab_lab_destroy() flags: also remove the lab directory (logs, captures). */
#define NSLAB_DESTROY_CLEANUP 0x1u

/* The IFLA_GROUP nslab proposes for lab @name's host-namespace devices. */
unsigned int nslab_lab_group(const char *name);

/**
 * nslab_lab_load() - read back the topology a deployed lab was made from.
 * *@ret_topo is the caller's (nslab_topo_free()).  -ENOENT: not deployed.
 */
int nslab_lab_load(const char *name, struct nslab_topo **ret_topo, struct nslab_error *err);

#endif
