// SPDX-License-Identifier: LGPL-2.1-or-later
/* Destroy a lab from its journal: unpin its namespaces, delete its host devices as one group. */
#include <pthread.h>
#include <stdatomic.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>

#include "nslab/hosts.h"
#include "nslab/lab.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "nslab/topo.h"
#include "lab_internal.h"
#include "util.h"

unsigned int nslab_lab_group(const char *name)
{
	uint32_t h = nslab_fnv1a(NSLAB_FNV1A_SEED, name);

	/* Stay clear of 0 (the default group) and of small numbers people use. */
	return 0x40000000u | (h & 0x3fffffffu);
}

int lab_escape_text(const char *text, size_t len, char **ret, size_t *ret_len)
{
	size_t n = 0;
	char *out;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '$' ? 2 : 1;
	out = malloc(n + 1);
	if (!out)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '$')
			out[n++] = '$';
		out[n++] = text[i];
	}
	out[n] = '\0';
	*ret = out;
	*ret_len = n;
	return 0;
}

struct journal {
	char **netns;
	size_t n_netns, netns_cap;
	char **hosts;
	size_t n_hosts, hosts_cap;
	char **extlinks;
	size_t n_extlinks, extlinks_cap;
	char **adopted; /* pins of kind ext namespaces: not ours, nor their processes */
	size_t n_adopted, adopted_cap;
	bool firewall, services;
	unsigned int group;
};

static int push(char ***v, size_t *cap, size_t *n, const char *s)
{
	if (GROW(*v, *cap, *n) < 0)
		return -ENOMEM;
	(*v)[*n] = strdup(s);
	if (!(*v)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int journal_cb(const char *kind, const char *name, void *data)
{
	struct journal *j = data;

	if (streq(kind, "netns")) {
		return push(&j->netns, &j->netns_cap, &j->n_netns, name);
	} else if (streq(kind, "adopted")) {
		return push(&j->adopted, &j->adopted_cap, &j->n_adopted, name);
	} else if (streq(kind, "extlink") || streq(kind, "tunnel")) {
		return push(&j->extlinks, &j->extlinks_cap, &j->n_extlinks, name);
	} else if (streq(kind, "hosts")) {
		return push(&j->hosts, &j->hosts_cap, &j->n_hosts, name);
	} else if (streq(kind, "netns-kept")) {
		/* Not ours: made by someone else while we tried (parallel: search back). */
		for (size_t i = j->n_netns; i-- > 0;)
			if (streq(j->netns[i], name)) {
				free(j->netns[i]);
				j->netns[i] = j->netns[--j->n_netns];
				break;
			}
	} else if (streq(kind, "hosts-kept")) {
		/* Not ours after all: the user's file stays. */
		if (j->n_hosts && streq(j->hosts[j->n_hosts - 1], name))
			free(j->hosts[--j->n_hosts]);
	} else if (streq(kind, "nft") || streq(kind, "forward") || streq(kind, "hostsys")) {
		j->firewall = true;
	} else if (streq(kind, "services")) {
		j->services = true;
	} else if (streq(kind, "group")) {
		j->group = (unsigned int)strtoul(name, NULL, 10);
	}
	return 0;
}

struct unpin_worker {
	struct journal *j;
	atomic_size_t *next;
	nslab_progress_fn progress;
	void *progress_data;
	int r;
	struct nslab_error err;
};

static void *unpin_worker(void *data)
{
	struct unpin_worker *w = data;
	struct journal *j = w->j;
	size_t total = j->n_netns + j->n_hosts + 1;

	for (;;) {
		size_t i = atomic_fetch_add(w->next, 1);
		struct nslab_error e;

		if (i >= j->n_netns)
			break;
		if (w->progress && (i & 31) == 0)
			w->progress("unpin", i, total, w->progress_data);
		/* newest first */
		if (nslab_netns_unpin(j->netns[j->n_netns - 1 - i], &e) < 0 && w->r == 0) {
			w->r = -e.code;
			w->err = e;
		}
	}
	return NULL;
}

/*
 * Kernel quirk: every unmount ends in synchronize_rcu_expedited() (in
 * namespace_unlock()), a wait of its own for each pin.  Waits of several
 * threads share grace periods, so a few threads unpin a big lab several
 * times faster even on one CPU: they mostly sleep.
 */
#define UNPIN_THREADS 8

static int unpin_all(struct journal *j, nslab_progress_fn progress, void *progress_data,
		     struct nslab_error *err)
{
	struct unpin_worker w[UNPIN_THREADS];
	pthread_t tid[UNPIN_THREADS];
	atomic_size_t next = 0;
	size_t n = j->n_netns < 64 ? 1 : UNPIN_THREADS, started = 1;

	for (size_t t = 0; t < n; t++)
		w[t] = (struct unpin_worker){ .j = j, .next = &next };
	w[0].progress = progress;
	w[0].progress_data = progress_data;
	for (size_t t = 1; t < n; t++) {
		if (pthread_create(&tid[t], NULL, unpin_worker, &w[t]) != 0)
			break;
		started++;
	}
	unpin_worker(&w[0]);
	for (size_t t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t t = 0; t < started; t++)
		if (w[t].r < 0) {
			if (err)
				*err = w[t].err;
			return w[t].r;
		}
	return 0;
}

/*
 * The lab's ends in adopted (kind ext) namespaces, deleted now and by name:
 * those namespaces live on, so nothing else would remove them.  And its
 * tunnels in node namespaces ("tunnel"): a vxlan or gre device is bound to
 * its VNI (key), port and addresses in the host's namespace, and a
 * namespace is freed later, in the background (or never, while a process
 * holds it open): deleted now, the next deploy of the same lab (deploy
 * --reconfigure at once) finds them free.  Runs while the lab's pins still
 * exist.  Devices already gone are fine.
 */
static int delete_extlinks(struct journal *j)
{
	for (size_t i = 0; i < j->n_extlinks; i++) {
		char *slash = strchr(j->extlinks[i], '/');
		struct nslab_link_req req;
		struct nslab_nl *nl = NULL;
		struct nslab_error e;
		int fd;

		if (!slash)
			continue;
		*slash = '\0';
		if (nslab_netns_open(j->extlinks[i], &fd, &e) < 0)
			continue; /* the namespace is gone, and the device with it */
		if (nslab_nl_open_netns(fd, &nl, &e) == 0) {
			nslab_link_req_init(&req);
			req.ifname = slash + 1;
			nslab_nl_request(nl, nslab_msg_dellink, &req, "extlink", NULL, NULL, &e);
			nslab_nl_close(nl);
		}
		close(fd);
	}
	return 0;
}

int lab_undo(struct nslab_state *st, const char *lab, nslab_progress_fn progress,
	     void *progress_data, struct nslab_error *err)
{
	struct journal j = { 0 };
	struct nslab_link_req req;
	struct nslab_nl *nl = NULL;
	char label[64];
	int r, first = 0;

	r = nslab_state_read_journal(st, journal_cb, &j, err);
	if (r < 0)
		goto out;
	/* Processes first: services hold their namespaces. */
	if (j.services) {
		struct nslab_error e;

		if (lab_services_undo(st, lab, &e) < 0 && first == 0) {
			first = -e.code;
			if (err)
				*err = e;
		}
	}
	/* Then what exec commands left running: it would keep namespaces alive. */
	r = lab_kill_leftovers(j.netns, j.n_netns, j.adopted, j.n_adopted);
	if (r < 0 && first == 0)
		first = nslab_err(err, r, "out of memory");
	if (j.firewall) {
		struct nslab_error e;

		if (lab_firewall_undo(lab, &e) < 0 && first == 0) {
			first = -e.code;
			if (err)
				*err = e;
		}
	}
	r = delete_extlinks(&j);
	if (r < 0 && first == 0)
		first = r;
	/*
	 * The lab's host-namespace devices (bridges it created, host ends of
	 * veths) carry its device group from their creation on: one request
	 * deletes them all, with the peers of veths in the same batch.  A
	 * bridge that existed before has another group.
	 */
	if (j.group) {
		r = nslab_nl_open(&nl, err);
		if (r < 0)
			goto out;
		nslab_link_req_init(&req);
		req.group = j.group;
		snprintf(label, sizeof(label), "delete devices of lab %s", lab);
		r = nslab_nl_request(nl, nslab_msg_dellink, &req, label, NULL, NULL, err);
		if (r == -ENODEV)
			r = 0; /* none was made yet */
		nslab_nl_close(nl);
		if (r < 0)
			goto out;
	}
	/*
	 * Then unpin every namespace: the kernel frees them, and every device
	 * inside, in one batch (cleanup_net), instead of one by one.  The
	 * group delete went first: after the unpinning it would wait for the
	 * rtnl lock that cleanup_net holds while it works.
	 */
	r = unpin_all(&j, progress, progress_data, err);
	if (r < 0 && first == 0)
		first = r;
	if (progress)
		progress("hosts", j.n_netns, j.n_netns + j.n_hosts + 1, progress_data);
	for (size_t i = 0; i < j.n_hosts; i++) {
		struct nslab_error e;

		if (nslab_hosts_remove(j.hosts[i], &e) < 0 && first == 0) {
			first = -e.code;
			if (err)
				*err = e;
		}
	}
	if (progress)
		progress("done", j.n_netns + j.n_hosts + 1, j.n_netns + j.n_hosts + 1,
			 progress_data);
	r = first;
out:
	nslab_strv_free(j.netns, j.n_netns);
	nslab_strv_free(j.hosts, j.n_hosts);
	nslab_strv_free(j.extlinks, j.n_extlinks);
	nslab_strv_free(j.adopted, j.n_adopted);
	return r;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static int labdir_cb(const char *kind, const char *name, void *data)
{
	if (streq(kind, "labdir"))
		snprintf(data, PATH_MAX, "%s", name);
	return 0;
}

int nslab_lab_destroy(const char *name, unsigned int flags, nslab_progress_fn progress,
		      void *progress_data, struct nslab_error *err)
{
	struct nslab_state *st = NULL;
	char labdir[PATH_MAX] = "";
	int r;

	r = nslab_state_open(name, &st, err);
	if (r < 0)
		return r;
	if (flags & NSLAB_DESTROY_CLEANUP)
		nslab_state_read_journal(st, labdir_cb, labdir, NULL);
	r = lab_undo(st, name, progress, progress_data, err);
	/* The lab directory (logs) stays unless asked: rule 11. */
	if (r >= 0 && labdir[0] && strstr(labdir, "/nslab-"))
		nftw(labdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (r >= 0)
		r = nslab_state_remove(st, err);
	nslab_state_close(st);
	return r;
}

int nslab_lab_load(const char *name, struct nslab_topo **ret_topo, struct nslab_error *err)
{
	struct nslab_state *st = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = nslab_state_open(name, &st, err);
	if (r < 0)
		return r;
	r = nslab_state_read_topology(st, &text, &len, err);
	if (r >= 0)
		r = nslab_topo_parse(nslab_state_topology_path(st), text, len, ret_topo, err);
	nslab_state_close(st);
	return r;
}
