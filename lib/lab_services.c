// SPDX-License-Identifier: LGPL-2.1-or-later
/* A node's cgroup and services at deploy; stopping them all at destroy. */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "nslab/cgroup.h"
#include "nslab/plan.h"
#include "nslab/service.h"
#include "nslab/state.h"
#include "lab_internal.h"
#include "util.h"

void lab_service_dir(const char *lab, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/services", nslab_state_rundir(), lab);
}

/*
 * The lab directory, as containerlab's clab-<lab>/: ./nslab-<lab>/ beside
 * the topology file (the current directory for standard input).
 */
void lab_dir(const struct nslab_topo *t, char *buf, size_t size)
{
	const char *slash = strrchr(t->file, '/');
	char cwd[PATH_MAX];

	/* Absolute, so that destroy --cleanup finds it from anywhere. */
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	if (streq(t->file, "-") || streq(t->file, "<stdin>") || !slash)
		snprintf(buf, size, "%s/nslab-%s", cwd, t->name);
	else if (t->file[0] == '/')
		snprintf(buf, size, "%.*s/nslab-%s", (int)(slash - t->file), t->file, t->name);
	else
		snprintf(buf, size, "%s/%.*s/nslab-%s", cwd, (int)(slash - t->file), t->file,
			 t->name);
}

int lab_cgroup(const struct nslab_plan *plan, struct nslab_state *st, const struct nslab_node *node,
	       char *path, size_t size, struct nslab_error *err)
{
	const struct nslab_topo *t = plan->topo;
	bool limits = node->memory || node->cpu_millis;
	int r;

	path[0] = '\0';
	if (!limits && node->n_services == 0)
		return 0;
	if (!nslab_cgroup_available()) {
		if (limits)
			return nslab_err(err, ENOTSUP,
					 "node %s: memory and cpu limits need cgroup v2 at "
					 "/sys/fs/cgroup",
					 node->name);
		return 0; /* services run without a group of their own */
	}
	/* Journalled before it exists; destroy removes the lab's whole tree. */
	r = nslab_state_journal(st, "services", t->name, err);
	if (r < 0)
		return r;
	r = nslab_cgroup_create(t->name, node->name, node->memory, node->cpu_millis, err);
	if (r < 0)
		return nslab_err_prefix(err, "node %s", node->name);
	nslab_cgroup_path(t->name, node->name, path, size);
	return 0;
}

int lab_services(const struct nslab_plan *plan, struct nslab_state *st,
		 const struct nslab_node *node, struct nslab_error *err)
{
	const struct nslab_topo *t = plan->topo;
	char sdir[PATH_MAX], ldir[PATH_MAX], log[PATH_MAX + 64], cg[PATH_MAX];
	int r;

	r = lab_cgroup(plan, st, node, cg, sizeof(cg), err);
	if (r < 0 || node->n_services == 0)
		return r;
	lab_service_dir(t->name, sdir, sizeof(sdir));
	lab_dir(t, ldir, sizeof(ldir));
	r = nslab_state_journal(st, "services", t->name, err);
	if (r >= 0)
		r = nslab_state_journal(st, "labdir", ldir, err);
	if (r < 0)
		return r;
	if (mkdir(sdir, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", sdir);
	if (mkdir(ldir, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create the lab directory %s", ldir);
	for (size_t k = 0; k < node->n_services; k++) {
		struct nslab_service_spec spec = {
			.lab = t->name,
			.node = node->name,
			.index = k,
			.netns = node->netns,
			.hostname = node->netns ? node->hostname : NULL,
			.cmd = node->services[k].s,
			.env = node->env,
			.n_env = node->n_env,
			.log = log,
			.statedir = sdir,
			.use_cgroup = cg[0] != '\0',
		};

		snprintf(log, sizeof(log), "%s/%s.%zu.log", ldir, node->name, k);
		r = nslab_service_start(&spec, NULL, err);
		if (r < 0)
			return nslab_err_prefix(err, "node %s: service '%s'", node->name,
						node->services[k].s);
	}
	return 0;
}

int lab_services_undo(struct nslab_state *st, const char *lab, struct nslab_error *err)
{
	char sdir[PATH_MAX];
	struct nslab_error e = { 0 };
	int r = 0;

	lab_service_dir(lab, sdir, sizeof(sdir));
	if (nslab_service_stop_all(sdir, 2000, &e) < 0) {
		r = -e.code;
		*err = e;
	}
	if (nslab_cgroup_available() && nslab_cgroup_destroy(lab, &e) < 0 && r == 0) {
		r = -e.code;
		*err = e;
	}
	return r;
}
