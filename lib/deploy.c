// SPDX-License-Identifier: LGPL-2.1-or-later
/* Apply a plan to the kernel, phase by phase, journalling before each change. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <time.h>

#include "nslab/hosts.h"
#include "nslab/lab.h"
#include "nslab/netem.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/plan.h"
#include "nslab/proc.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "nslab/sysctl.h"
#include "lab_internal.h"
#include "util.h"

struct ns_rt {
	int fd;
	struct nslab_nl *nl;
};

struct bridge_rt {
	const char *name;
	int ifindex;
	bool not_bridge; /* a host device of that name that is no bridge */
};

struct apply {
	const struct nslab_plan *plan;
	struct nslab_plan *plan_rw; /* the same, to shift its indexes (first_ifindex) */
	int first_ifindex; /* the first free index in a new namespace, from the 1st */
	const struct nslab_deploy_opts *opts;
	struct nslab_state *st;
	struct ns_rt *rt;
	unsigned int group;
	/* host bridges by name: a few per lab, so a plain array */
	struct bridge_rt *bridges;
	size_t n_bridges, bridges_cap;
	/* dump of the host namespace's links at start */
	unsigned int *groups_in_use;
	size_t n_groups, groups_cap;
	atomic_size_t done;
	size_t total;
	unsigned int workers;
	bool need_default[LAB_NS_DEFAULTS]; /* lab_ns_defaults[] to write, from the 1st namespace */
	/* multi-host: the last underlay looked up for a tunnel-carrying bridge's veths */
	const struct nslab_plan_tunnel *mtu_tunnel;
	unsigned int mtu_value;
};

static void progress(struct apply *a, const char *phase)
{
	if (a->opts && a->opts->progress)
		a->opts->progress(phase, a->done, a->total, a->opts->progress_data);
}

static struct bridge_rt *find_bridge(struct apply *a, const char *name)
{
	for (size_t i = 0; i < a->n_bridges; i++)
		if (streq(a->bridges[i].name, name))
			return &a->bridges[i];
	return NULL;
}

static int host_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct apply *a = data;
	struct nslab_link_info li;

	if (nslab_link_parse(nlh, &li) < 0 || !li.ifname)
		return 0;
	if (li.group) {
		if (GROW(a->groups_in_use, a->groups_cap, a->n_groups) < 0)
			return -ENOMEM;
		a->groups_in_use[a->n_groups++] = li.group;
	}
	for (size_t i = 0; i < a->n_bridges; i++)
		if (streq(a->bridges[i].name, li.ifname)) {
			a->bridges[i].ifindex = li.ifindex;
			a->bridges[i].not_bridge = !li.kind || !streq(li.kind, "bridge");
		}
	return 0;
}

/*
 * One dump of the host namespace at the start (never one per operation):
 * which host bridges exist already, and which device groups are taken.
 */
static int scan_host(struct apply *a, struct nslab_error *err)
{
	const struct nslab_plan *plan = a->plan;
	struct nslab_link_req req;
	bool taken;
	int r;

	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (op->type != NSLAB_OP_BRIDGE || op->ns != 0)
			continue;
		if (GROW(a->bridges, a->bridges_cap, a->n_bridges) < 0)
			return nslab_err(err, ENOMEM, "out of memory");
		a->bridges[a->n_bridges].name = op->ifname;
		a->bridges[a->n_bridges++].ifindex = 0;
	}
	nslab_link_req_init(&req);
	req.dump = true;
	r = nslab_nl_request(a->rt[0].nl, nslab_msg_getlink, &req, "dump host links", host_link_cb,
			     a, err);
	if (r < 0)
		return r;
	a->group = nslab_lab_group(plan->topo->name);
	do {
		taken = false;
		for (size_t i = 0; i < a->n_groups; i++)
			if (a->groups_in_use[i] == a->group)
				taken = true;
		if (taken)
			a->group = 0x40000000u | ((a->group + 1) & 0x3fffffffu);
	} while (taken);
	return 0;
}

static const char *ns_label(const struct apply *a, int ns)
{
	const struct nslab_plan_ns *p = &a->plan->ns[ns];

	return p->node ? p->node->name : "host";
}

struct netns_inside {
	struct apply *a;
	struct ns_rt *rt;
	const struct nslab_node *node;
	bool uses_ipv6;
	bool probe; /* the first namespace: learn which defaults need writing */
	int proc_mnt; /* the worker's procfs instance, or -1 */
};

const char *const lab_ns_defaults[LAB_NS_DEFAULTS][2] = {
	/* rule 1: whatever the host has, new nodes start alike */
	{ "net.ipv4.conf.all.forwarding", "0" },
	{ "net.ipv6.conf.all.forwarding", "0" },
	{ "net.ipv4.conf.all.rp_filter", "0" },
	{ "net.ipv4.conf.default.rp_filter", "0" },
};

bool lab_node_sets(const struct nslab_node *n, const char *key)
{
	/* net.ipv4.ip_forward is net.ipv4.conf.all.forwarding under another name. */
	bool fwd = streq(key, "net.ipv4.conf.all.forwarding");

	for (size_t i = 0; i < n->n_sysctls; i++)
		if (streq(n->sysctls[i].key, key) ||
		    (fwd && streq(n->sysctls[i].key, "net.ipv4.ip_forward")))
			return true;
	return false;
}

/*
 * Runs inside the new namespace: its netlink socket is opened here, once,
 * and stays bound to it; its sysctls are written now through /proc/sys,
 * which resolves against the current thread's namespace.  Only sysctls of
 * devices that do not exist yet wait for the sysctl phase.
 */
static int max_ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_link_info li;
	int *max = data;

	if (nslab_link_parse(nlh, &li) == 0 && li.ifindex > *max)
		*max = li.ifindex;
	return 0;
}

static int netns_inside(void *data, struct nslab_error *err)
{
	struct netns_inside *in = data;
	struct apply *a = in->a;
	const struct nslab_node *n = in->node;
	_cleanup_close_ int net = -1;
	char val[32];
	int r;

	r = nslab_nl_open(&in->rt->nl, err);
	if (r < 0)
		return r;
	/*
	 * Kernel quirk: with ip_gre, ipip, sit ... loaded and
	 * net.core.fb_tunnels_only_for_init_net 0 (the default), every new
	 * namespace is born with fallback tunnels (gre0, tunl0 ...) on indexes
	 * 2, 3 ...: the indexes the plan chose.  Look once, in the first.
	 */
	if (in->probe) {
		struct nslab_link_req lreq;
		int max = 1;

		nslab_link_req_init(&lreq);
		lreq.dump = true;
		r = nslab_nl_request(in->rt->nl, nslab_msg_getlink, &lreq, "dump links",
				     max_ifindex_cb, &max, err);
		if (r < 0)
			return r;
		a->first_ifindex = max + 1;
	}
	r = nslab_sysctl_open_net(in->proc_mnt, &net, err);
	if (r < 0)
		return r;
	/*
	 * A new namespace's IPv4 settings come from the host's initial one and
	 * its IPv6 settings are the kernel's defaults (devconf_inherit_init_net),
	 * the same for every namespace of one deploy: read them once, in the
	 * first, and write only what differs.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(lab_ns_defaults); i++) {
		if (in->probe)
			a->need_default[i] = nslab_sysctl_read_at(net, lab_ns_defaults[i][0], val,
								  sizeof(val), NULL) < 0 ||
					     !streq(val, lab_ns_defaults[i][1]);
		if (!a->need_default[i] || lab_node_sets(n, lab_ns_defaults[i][0]))
			continue;
		r = nslab_sysctl_write_at(net, lab_ns_defaults[i][0], lab_ns_defaults[i][1], err);
		/* IPv6 may be disabled on the host (ipv6.disable=1). */
		if (r == -ENOENT && strstr(lab_ns_defaults[i][0], "ipv6"))
			continue;
		if (r < 0)
			return r;
	}
	/*
	 * A node that uses no IPv6 gets no IPv6 link-local addresses on its
	 * links (as Docker's containers): otherwise each link does duplicate
	 * address detection, router solicitation and MLD, which a bridge of N
	 * ports floods to every port, N^2 packets.  `lo` exists already and
	 * keeps ::1.  sysctls can set it back.
	 */
	if (!in->uses_ipv6 && !lab_node_sets(n, LAB_NO_LINKLOCAL_KEY)) {
		r = nslab_sysctl_write_at(net, LAB_NO_LINKLOCAL_KEY, "1", err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	for (size_t i = 0; i < n->n_sysctls; i++) {
		if (nslab_sysctl_is_per_device(n->sysctls[i].key))
			continue;
		r = nslab_sysctl_write_at(net, n->sysctls[i].key, n->sysctls[i].value, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int do_netns(struct apply *a, const struct nslab_op *op, bool probe, int proc_mnt,
		    struct nslab_error *err)
{
	struct ns_rt *rt = &a->rt[op->ns];
	const char *name = a->plan->ns[op->ns].name;
	struct netns_inside in = {
		.a = a,
		.rt = rt,
		.node = op->node,
		.uses_ipv6 = a->plan->ns[op->ns].uses_ipv6,
		.probe = probe,
		.proc_mnt = proc_mnt,
	};
	int r;

	/* Never journal (and so never delete) a namespace someone else made. */
	if (nslab_netns_exists(name))
		return nslab_err(
			err, EEXIST,
			"node %s: network namespace '%s' exists already and is not this lab's\n"
			"hint: remove it (ip netns del %s) or choose another prefix or lab name",
			op->node->name, name, name);
	r = nslab_state_journal(a->st, "netns", name, err);
	if (r < 0)
		return r;
	r = nslab_netns_create(name, a->rt[0].fd, netns_inside, &in, &rt->fd, err);
	if (r == -EEXIST) {
		/* Made by someone else since the check above: not ours to remove. */
		struct nslab_error e;

		nslab_state_journal(a->st, "netns-kept", name, &e);
	}
	if (r < 0)
		return nslab_err_prefix(err, "node %s", op->node->name);
	return 0;
}

/*
 * kind ext: pin someone else's namespace under the node's name, as
 * `ip netns attach` does.  The journal names the pin, so destroy removes
 * the pin (our name for it) and never the namespace or its processes.
 */
static int do_adopt(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	const struct nslab_node *n = op->node;
	struct ns_rt *rt = &a->rt[op->ns];
	char src[PATH_MAX];
	int r;

	if (n->ext_pid > 0)
		snprintf(src, sizeof(src), "/proc/%d/ns/net", n->ext_pid);
	else if (strchr(n->ext_netns, '/'))
		snprintf(src, sizeof(src), "%s", n->ext_netns);
	else
		snprintf(src, sizeof(src), "%s/%s", NSLAB_NETNS_DIR, n->ext_netns);
	if (access(src, F_OK) < 0) {
		if (n->ext_pid > 0)
			return nslab_err(err, ESRCH, "node %s: no process with pid %d", n->name,
					 n->ext_pid);
		return nslab_err_sys(err, errno, "node %s: namespace %s", n->name, src);
	}
	if (n->ext_netns && !strchr(n->ext_netns, '/') && streq(n->ext_netns, n->netns)) {
		/* Its own name already: nothing to pin, and nothing to remove later. */
		r = nslab_netns_open(n->netns, &rt->fd, err);
	} else if (nslab_netns_exists(n->netns)) {
		/* Never journal (and so never remove) a name someone else gave. */
		return nslab_err(err, EEXIST,
				 "node %s: the name %s/%s is taken already\n"
				 "hint: remove it or choose another prefix or lab name",
				 n->name, NSLAB_NETNS_DIR, n->netns);
	} else {
		/* "adopted" first: destroy must never stop the processes in it. */
		r = nslab_state_journal(a->st, "adopted", n->netns, err);
		if (r >= 0)
			r = nslab_state_journal(a->st, "netns", n->netns, err);
		if (r >= 0)
			r = nslab_netns_attach(n->netns, src, &rt->fd, err);
	}
	if (r >= 0)
		r = nslab_nl_open_netns(rt->fd, &rt->nl, err);
	if (r < 0)
		return nslab_err_prefix(err, "node %s", n->name);
	return 0;
}

static int flush_all(struct apply *a, struct nslab_error *err)
{
	for (size_t i = 0; i < a->plan->n_ns; i++) {
		int r;

		if (!a->rt[i].nl || nslab_nl_pending(a->rt[i].nl) == 0)
			continue;
		r = nslab_nl_flush(a->rt[i].nl, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_alias(struct apply *a, const char *ifname, bool hairpin, struct nslab_error *err)
{
	struct nslab_link_req req;
	char label[64];

	nslab_link_req_init(&req);
	req.ifname = ifname;
	req.alias = a->plan->mark;
	/*
	 * A network's ports reflect frames back (hairpin), as Docker's: with
	 * br_netfilter, a node reaching its own published port through the
	 * host needs the reply to leave by the port it came in.
	 */
	if (hairpin)
		req.hairpin = 1;
	snprintf(label, sizeof(label), "mark %s", ifname);
	return nslab_nl_add(a->rt[0].nl, nslab_msg_newlink, &req, label, err);
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_link_info li;

	if (nslab_link_parse(nlh, &li) == 0)
		*(int *)data = li.ifindex;
	return 0;
}

/* Look up a host-namespace device by name (rare: host bridges, host ends with addresses). */
/*
 * Look up @ifname in namespace @ns by name: the host's and adopted
 * namespaces, where the kernel chose the index.  An absent name fails with
 * -ENODEV; with @err NULL failures carry no message.
 */
static int ns_ifindex(struct apply *a, int ns, const char *ifname, int *ret,
		      struct nslab_error *err)
{
	struct nslab_link_req req;
	char label[64];
	int idx = 0, r;

	nslab_link_req_init(&req);
	req.ifname = ifname;
	snprintf(label, sizeof(label), "node %s: interface %s", ns_label(a, ns), ifname);
	r = nslab_nl_request(a->rt[ns].nl, nslab_msg_getlink, &req, label, ifindex_cb, &idx, err);
	if (r < 0)
		return r;
	*ret = idx;
	return 0;
}

static int do_bridge(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	struct nslab_link_req req;
	struct bridge_rt *br = NULL;
	char label[128];
	uint8_t mac[6];
	int r;

	if (op->ns == 0) {
		br = find_bridge(a, op->ifname);
		if (br && br->ifindex && op->exclusive)
			return nslab_err(err, EEXIST,
					 "network %s: host interface '%s' exists already\n"
					 "hint: choose another name with `bridge:` in the network",
					 op->network->name, op->ifname);
		if (br && br->ifindex && br->not_bridge)
			return nslab_err(err, EEXIST,
					 "node %s: host interface '%s' exists and is not a bridge",
					 op->node->name, op->ifname);
		/* A bridge that exists already is used, never owned. */
		if (br && br->ifindex)
			return 0;
	}
	nslab_link_req_init(&req);
	req.ifname = op->ifname;
	req.ifindex = op->ifindex;
	req.kind = "bridge";
	req.up = 1;
	req.mtu = op->mtu;
	/* Multi-host: a network's gateway has one MAC on every host (plan_mh_gateway_mac()). */
	if (op->mac && nslab_mac_parse(op->mac, mac) == 0)
		req.mac = mac;
	if (op->ns == 0)
		req.group = a->group;
	if (op->network)
		snprintf(label, sizeof(label), "bridge %s (network %s)", op->ifname,
			 op->network->name);
	else
		snprintf(label, sizeof(label), "bridge %s (node %s)", op->ifname, op->node->name);
	r = nslab_nl_add(a->rt[op->ns].nl, nslab_msg_newlink, &req, label, err);
	if (r < 0 || op->ns != 0)
		return r;
	r = set_alias(a, op->ifname, false, err);
	if (r < 0)
		return r;
	return ns_ifindex(a, 0, op->ifname, &br->ifindex, err);
}

static int master_ifindex(struct apply *a, const struct nslab_op *op, int ns, int *ret,
			  struct nslab_error *err)
{
	struct bridge_rt *br;

	*ret = 0;
	if (!op->master)
		return 0;
	if (ns != 0) {
		*ret = op->master_ifindex;
		return 0;
	}
	br = find_bridge(a, op->master);
	if (!br || !br->ifindex)
		return nslab_err(err, ENODEV, "bridge %s does not exist", op->master);
	*ret = br->ifindex;
	return 0;
}

static int veth_tunnel_mtu(struct apply *a, const struct nslab_op *op, unsigned int *ret,
			   struct nslab_error *err);

static int do_veth(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	uint8_t mac[6], peer_mac[6];
	struct nslab_link_req req;
	char label[256];
	int r;

	nslab_link_req_init(&req);
	req.kind = "veth";
	req.ifname = op->ifname;
	req.ifindex = op->ifindex;
	req.mtu = op->mtu;
	if (op->tunnel) {
		r = veth_tunnel_mtu(a, op, &req.mtu, err);
		if (r < 0)
			return r;
	}
	req.up = 1;
	if (op->mac && nslab_mac_parse(op->mac, mac) == 0)
		req.mac = mac;
	r = master_ifindex(a, op, op->ns, &req.master, err);
	if (r < 0)
		return r;
	if (op->ns == 0)
		req.group = a->group;
	req.peer_ifname = op->peer_ifname;
	req.peer_ifindex = op->peer_ifindex;
	req.peer_mtu = req.mtu;
	if (op->peer_mac && nslab_mac_parse(op->peer_mac, peer_mac) == 0)
		req.peer_mac = peer_mac;
	req.peer_netns_fd = a->rt[op->peer_ns].fd;
	if (op->peer_ns == 0)
		req.peer_group = a->group;
	/*
	 * Every pair is made through the host's socket, both ends placed in
	 * their namespaces by fd: one pipeline for the whole phase instead of
	 * one flush per namespace.
	 */
	if (op->ns != 0)
		req.netns_fd = a->rt[op->ns].fd;
	/* Name the link as the file does, whichever end the request creates. */
	if (op->link)
		snprintf(label, sizeof(label), "link %s:%s - %s:%s",
			 a->plan->topo->nodes[op->link->ep[0].node].name, op->link->ep[0].ifname,
			 a->plan->topo->nodes[op->link->ep[1].node].name, op->link->ep[1].ifname);
	else
		snprintf(label, sizeof(label), "node %s: %s on network %s (host end %s)",
			 op->node->name, op->peer_ifname, op->network->name, op->ifname);
	/*
	 * An adopted namespace is not ours to unpin: the end we put there is
	 * deleted by name at destroy, so it is journalled by name first.
	 */
	for (int e = 0; e < 2; e++) {
		int ns = e ? op->peer_ns : op->ns;
		char name[PATH_MAX];

		const char *ifname = e ? op->peer_ifname : op->ifname;
		int idx = 0;

		if (!a->plan->ns[ns].adopted)
			continue;
		/* Its devices are not ours: refuse a name it uses rather than journal it. */
		r = ns_ifindex(a, ns, ifname, &idx, NULL);
		if (r == 0 && idx > 0)
			return nslab_err(err, EEXIST,
					 "node %s: interface %s exists already in the adopted "
					 "namespace",
					 a->plan->ns[ns].node->name, ifname);
		snprintf(name, sizeof(name), "%s/%s", a->plan->ns[ns].name, ifname);
		r = nslab_state_journal(a->st, "extlink", name, err);
		if (r < 0)
			return r;
	}
	r = nslab_nl_add(a->rt[0].nl, nslab_msg_newlink, &req, label, err);
	if (r < 0 || op->ns != 0)
		return r;
	return set_alias(a, op->ifname, op->network != NULL, err);
}

struct link_mtu {
	int ifindex;
	unsigned int mtu;
};

static int link_mtu_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_mtu *lm = data;
	struct nslab_link_info li;

	if (nslab_link_parse(nlh, &li) == 0) {
		lm->ifindex = li.ifindex;
		lm->mtu = li.mtu;
	}
	return 0;
}

static int route_oif_cb(const struct nlmsghdr *nlh, void *data)
{
	nslab_route_oif_parse(nlh, data);
	return 0;
}

/*
 * The underlay device of a tunnel, in the host namespace: `parent-interface`
 * by name, else the one the host's route to the remote leaves by.
 */
static int tunnel_parent(struct apply *a, const struct nslab_plan_tunnel *pt,
			 const struct nslab_prefix *remote, const char *label, struct link_mtu *ret,
			 struct nslab_error *err)
{
	struct nslab_link_req req;
	char what[256];
	int oif = 0, r;

	nslab_link_req_init(&req);
	if (pt->parent) {
		req.ifname = pt->parent;
	} else {
		snprintf(what, sizeof(what), "%s: route to remote %s", label, pt->remote);
		r = nslab_nl_request(a->rt[0].nl, nslab_msg_getroute_to, remote, what, route_oif_cb,
				     &oif, err);
		if (r < 0 || oif <= 0)
			return nslab_err(err, r < 0 ? -r : ENETUNREACH,
					 "%s: no route to remote %s in the host namespace\n"
					 "hint: add an underlay route to it, or set "
					 "parent-interface",
					 label, pt->remote);
		req.ifindex = oif;
	}
	snprintf(what, sizeof(what), "%s: parent-interface %s", label,
		 pt->parent ? pt->parent : "");
	r = nslab_nl_request(a->rt[0].nl, nslab_msg_getlink, &req, what, link_mtu_cb, ret, err);
	if (r == -ENODEV && pt->parent)
		return nslab_err(err, ENODEV,
				 "%s: parent-interface %s does not exist in the host namespace",
				 label, pt->parent);
	if (r >= 0 && !ret->ifindex)
		r = nslab_err(err, ENODEV, "%s: the underlay device %d is gone", label, oif);
	return r;
}

/* The kernel module a tunnel kind needs (for the message when it is missing). */
static const char *tunnel_module(const char *kind)
{
	if (streq(kind, "gre"))
		return "ip_gre";
	if (streq(kind, "ip6gre"))
		return "ip6_gre";
	return kind; /* vxlan, dummy */
}

/*
 * A vxlan, gre or dummy device, made through the HOST namespace's socket
 * and placed in the node's by IFLA_NET_NS_FD: the device's UDP socket or
 * GRE underlay stays in the namespace that made it (`ip -d link` shows its
 * link-netns), so the tunnel reaches other machines through the host's
 * interfaces while the device itself is the node's.  One request at a time:
 * the lookups of its underlay and a missing kernel module need their own
 * messages.  It stays down here; its UP step brings it up.
 */
static int do_tunnel(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	const struct nslab_plan_tunnel *pt = op->tunnel;
	struct nslab_tunnel_params tp = { 0 };
	struct nslab_link_req req;
	unsigned int mtu = pt->mtu;
	char label[128], tmp[16];
	uint8_t mac[6];
	bool move;
	int r;

	snprintf(label, sizeof(label), "%s:%s", ns_label(a, op->ns), op->ifname);
	nslab_link_req_init(&req);
	req.kind = pt->kind;
	req.ifname = op->ifname;
	req.ifindex = op->ifindex;
	if (op->mac && nslab_mac_parse(op->mac, mac) == 0)
		req.mac = mac;
	if (!streq(pt->kind, "dummy")) {
		struct link_mtu parent = { 0 };

		if (!pt->remote || nslab_prefix_parse(pt->remote, true, &tp.remote) < 0)
			return nslab_err(err, EINVAL, "%s: bad remote '%s'", label,
					 pt->remote ? pt->remote : "");
		if (pt->local && nslab_prefix_parse(pt->local, true, &tp.local) < 0)
			return nslab_err(err, EINVAL, "%s: bad local '%s'", label, pt->local);
		tp.id = pt->id;
		tp.port = (uint16_t)pt->port;
		tp.ttl = (uint8_t)pt->ttl;
		tp.learning = pt->learning;
		r = tunnel_parent(a, pt, &tp.remote, label, &parent, err);
		if (r < 0)
			return r;
		/*
		 * A parent named in the file binds the tunnel to it; one found
		 * by the route only sizes the MTU, and the kernel keeps
		 * routing each packet (the route may change).
		 */
		if (pt->parent)
			tp.parent = parent.ifindex;
		if (streq(pt->kind, "gre") && tp.remote.family == AF_INET6)
			req.kind = "ip6gre";
		if (streq(pt->kind, "vxlan")) {
			/* Outer IP + UDP + VXLAN + inner Ethernet headers. */
			unsigned int over = tp.remote.family == AF_INET6 ? 70 : 50;
			unsigned int max = parent.mtu > over ? parent.mtu - over : 0;

			if (mtu == 0)
				mtu = max;
			else if (mtu > max)
				return nslab_err(err, EMSGSIZE,
						 "%s: mtu %u is larger than %u, the underlay's "
						 "MTU %u minus the %u bytes of VXLAN over %s: "
						 "full-size frames would be dropped\n"
						 "hint: set mtu to %u or less, or raise the "
						 "underlay's MTU",
						 label, mtu, max, parent.mtu, over,
						 over == 50 ? "IPv4" : "IPv6", max);
		}
		req.tunnel = &tp;
	}
	req.mtu = mtu;
	/*
	 * vxlan takes the creating socket's namespace for its UDP socket; an
	 * IP tunnel (gre) takes the namespace it is made in.  So a gre device
	 * is made in the host's under a name of the lab's (group: the undo
	 * finds it), then moved and renamed.
	 */
	move = op->ns != 0 && strstr(req.kind, "gre") != NULL;
	if (op->ns == 0 || move)
		req.group = a->group;
	if (move) {
		nslab_plan_network_port(a->plan->topo->name, ns_label(a, op->ns), op->ifname, tmp);
		req.ifname = tmp;
		req.ifindex = 0;
	} else if (op->ns != 0) {
		req.netns_fd = a->rt[op->ns].fd;
	}
	/*
	 * A tunnel in a node's namespace: journalled, so that destroy deletes
	 * it before it unpins the namespace (destroy.c, delete_extlinks()).
	 */
	if (op->ns != 0 && !a->plan->ns[op->ns].adopted && req.tunnel) {
		char name[PATH_MAX];

		snprintf(name, sizeof(name), "%s/%s", a->plan->ns[op->ns].name, op->ifname);
		r = nslab_state_journal(a->st, "tunnel", name, err);
		if (r < 0)
			return r;
	}
	/* In an adopted namespace: refuse a name in use, and journal ours to delete it at destroy. */
	if (a->plan->ns[op->ns].adopted) {
		char name[PATH_MAX];
		int idx = 0;

		r = ns_ifindex(a, op->ns, op->ifname, &idx, NULL);
		if (r == 0 && idx > 0)
			return nslab_err(err, EEXIST,
					 "node %s: interface %s exists already in the adopted "
					 "namespace",
					 ns_label(a, op->ns), op->ifname);
		snprintf(name, sizeof(name), "%s/%s", a->plan->ns[op->ns].name, op->ifname);
		r = nslab_state_journal(a->st, "extlink", name, err);
		if (r < 0)
			return r;
	}
	r = nslab_nl_request(a->rt[0].nl, nslab_msg_newlink, &req, label, NULL, NULL, err);
	/* The kernel's "Unknown device type": no such driver, and none to load. */
	if (r == -EOPNOTSUPP)
		return nslab_err(err, EOPNOTSUPP,
				 "%s: this kernel has no %s devices (module %s): load it with "
				 "'modprobe %s'",
				 label,
				 streq(pt->kind, "vxlan") ? "VXLAN"
				 : streq(pt->kind, "gre") ? "GRE tunnel"
							  : "dummy",
				 tunnel_module(req.kind), tunnel_module(req.kind));
	/*
	 * Loading ip_gre, ipip, sit … makes fallback devices (gre0, tunl0 …)
	 * in every namespace unless net.core.fb_tunnels_only_for_init_net
	 * says otherwise: they take the indexes nslab gives.
	 */
	if (r == -EEXIST) {
		char kmsg[sizeof(err->msg)];

		/*
		 * Two causes: the kernel binds a vxlan (gre) device to its VNI
		 * (key), port and addresses in the host's namespace, so another
		 * device with the same ones refuses this one; or the index is
		 * taken (see above).
		 */
		snprintf(kmsg, sizeof(kmsg), "%s", err->msg);
		return nslab_err(
			err, EEXIST, "%s%s%s%s%s", kmsg, req.tunnel ? "\nhint: another " : "",
			req.tunnel ? req.kind : "",
			req.tunnel ? " device on this machine may have the same VNI or key, port "
				     "and addresses: 'ip -d link show' lists them with their ids"
				   : "",
			op->ifindex > 0
				? "\nhint: fallback tunnel devices such as gre0 take interface "
				  "indexes in every new namespace: sysctl -w "
				  "net.core.fb_tunnels_only_for_init_net=1 before the tunnel "
				  "modules load"
				: "");
	}
	if (r >= 0 && move) {
		int idx = 0;

		r = ns_ifindex(a, 0, tmp, &idx, err);
		nslab_link_req_init(&req);
		req.ifindex = idx;
		req.ifname = op->ifname; /* the new name, once moved */
		req.netns_fd = a->rt[op->ns].fd;
		if (r >= 0)
			r = nslab_nl_request(a->rt[0].nl, nslab_msg_newlink, &req, label, NULL,
					     NULL, err);
	}
	if (r < 0 || op->ns != 0)
		return r;
	return set_alias(a, op->ifname, false, err);
}

/*
 * Multi-host: the MTU of a veth port of a bridge that carries tunnels to
 * other hosts (op.tunnel, one of them): the tunnel's, so that a full-size
 * frame from any port still fits in the underlay.  The file's MTU is kept
 * when it fits and refused when it does not.
 */
static int veth_tunnel_mtu(struct apply *a, const struct nslab_op *op, unsigned int *ret,
			   struct nslab_error *err)
{
	const struct nslab_plan_tunnel *pt = op->tunnel;
	const char *bridge = op->master ? op->master : op->peer_master;
	unsigned int max = pt->mtu;
	char label[128];
	int r;

	snprintf(label, sizeof(label), "%s %s", op->network ? "network" : "bridge",
		 op->network ? op->network->name : bridge);
	if (!max && a->mtu_tunnel && streq(a->mtu_tunnel->remote, pt->remote)) {
		max = a->mtu_value;
	} else if (!max) {
		struct link_mtu parent = { 0 };
		struct nslab_prefix remote;
		unsigned int over;

		if (nslab_prefix_parse(pt->remote, true, &remote) < 0)
			return nslab_err(err, EINVAL, "%s: bad remote '%s'", label, pt->remote);
		r = tunnel_parent(a, pt, &remote, label, &parent, err);
		if (r < 0)
			return r;
		over = remote.family == AF_INET6 ? 70 : 50;
		max = parent.mtu > over ? parent.mtu - over : 0;
		a->mtu_tunnel = pt;
		a->mtu_value = max;
	}
	if (op->mtu > max)
		return nslab_err(err, EMSGSIZE,
				 "%s: mtu %u of its port %s is larger than %u, the MTU of its "
				 "tunnels to other hosts: full-size frames would be dropped\n"
				 "hint: set mtu to %u or less, or raise the underlay's MTU",
				 label, op->mtu, op->master ? op->ifname : op->peer_ifname, max,
				 max);
	*ret = op->mtu ? op->mtu : max;
	return 0;
}

/* lo up, in the same pipeline as the namespace's other links, addresses and routes. */
static int queue_lo_up(struct apply *a, struct nslab_error *err)
{
	struct nslab_link_req req;

	nslab_link_req_init(&req);
	req.ifindex = 1;
	req.up = 1;
	for (size_t i = 1; i < a->plan->n_ns; i++) {
		int r;

		/* An adopted namespace is left as it is, its lo included. */
		if (!a->rt[i].nl || a->plan->ns[i].adopted)
			continue;
		r = nslab_nl_add(a->rt[i].nl, nslab_msg_newlink, &req, "lo up", err);
		if (r < 0)
			return nslab_err_prefix(err, "node %s", ns_label(a, (int)i));
	}
	return 0;
}

static int do_sysctl(struct apply *a, const struct nslab_op *op, int *cur_ns,
		     struct nslab_error *err)
{
	int r;

	if (*cur_ns != op->ns) {
		r = nslab_netns_enter(a->rt[op->ns].fd, err);
		if (r < 0)
			return nslab_err_prefix(err, "node %s", op->node->name);
		*cur_ns = op->ns;
	}
	r = nslab_sysctl_write(op->key, op->value, err);
	if (r < 0)
		return nslab_err_prefix(err, "node %s", op->node->name);
	return 0;
}

static int do_up(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	struct nslab_link_req req;
	char label[128];
	int r;

	nslab_link_req_init(&req);
	req.ifindex = op->ifindex;
	if (!op->ifindex)
		req.ifname = op->ifname;
	req.up = 1;
	r = master_ifindex(a, op, op->ns, &req.master, err);
	if (r < 0)
		return r;
	if (op->ns == 0)
		req.alias = a->plan->mark;
	snprintf(label, sizeof(label), "node %s: set %s up", ns_label(a, op->ns), op->ifname);
	r = nslab_nl_add(a->rt[op->ns].nl, nslab_msg_newlink, &req, label, err);
	if (r < 0 || !op->tunnel || !op->tunnel->isolated || !req.master)
		return r;
	/*
	 * Split horizon: frames from one isolated port never leave by another.
	 * A port's own settings need it enslaved first (slave data goes to the
	 * master): a second request, after the first on the same socket.
	 */
	nslab_link_req_init(&req);
	req.ifindex = op->ifindex;
	if (!op->ifindex)
		req.ifname = op->ifname;
	req.isolated = 1;
	snprintf(label, sizeof(label), "node %s: isolate bridge port %s", ns_label(a, op->ns),
		 op->ifname);
	return nslab_nl_add(a->rt[op->ns].nl, nslab_msg_newlink, &req, label, err);
}

static int op_ifindex(struct apply *a, const struct nslab_op *op, int *ret, struct nslab_error *err)
{
	if (op->ifindex || !op->ifname) {
		*ret = op->ifindex;
		return 0;
	}
	return ns_ifindex(a, op->ns, op->ifname, ret, err);
}

static int do_addr(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	struct nslab_addr_req req = { 0 };
	char label[256];
	int r;

	if (op->node)
		snprintf(label, sizeof(label), "node %s: address %s on %s", op->node->name,
			 op->addr, op->ifname);
	else
		snprintf(label, sizeof(label), "network %s: gateway %s on %s", op->network->name,
			 op->addr, op->ifname);
	if (nslab_prefix_parse(op->addr, false, &req.prefix) < 0)
		return nslab_err(err, EINVAL, "%s: not a CIDR", label);
	r = op_ifindex(a, op, &req.ifindex, err);
	if (r < 0)
		return r;
	/* Lab addresses are unique by construction: skip IPv6 DAD's delay. */
	req.nodad = true;
	return nslab_nl_add(a->rt[op->ns].nl, nslab_msg_newaddr, &req, label, err);
}

int lab_route_req(const struct nslab_route *rt, const char *node, struct nslab_route_req *req,
		  char *label, size_t size, struct nslab_error *err)
{
	*req = (struct nslab_route_req){ 0 };
	snprintf(label, size, "node %s: route %s%s%s%s%s", node, rt->dst, rt->via ? " via " : "",
		 rt->via ? rt->via : "", rt->dev ? " dev " : "", rt->dev ? rt->dev : "");
	if (streq(rt->dst, "default") || streq(rt->dst, "default6")) {
		req->dst.family = rt->family;
		req->dst.len = 0;
	} else if (nslab_prefix_parse(rt->dst, true, &req->dst) < 0) {
		return nslab_err(err, EINVAL, "%s: bad destination", label);
	}
	if (!req->dst.family)
		req->dst.family = rt->family;
	if (rt->via) {
		if (nslab_prefix_parse(rt->via, true, &req->gw) < 0)
			return nslab_err(err, EINVAL, "%s: bad gateway", label);
		req->has_gw = true;
		req->dst.family = req->gw.family;
	}
	if (rt->src) {
		if (nslab_prefix_parse(rt->src, true, &req->src) < 0)
			return nslab_err(err, EINVAL, "%s: bad source", label);
		req->has_src = true;
	}
	req->metric = rt->metric;
	req->table = rt->table > 0 ? (unsigned int)rt->table : 0;
	req->onlink = rt->onlink;
	return 0;
}

static int do_route(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	const struct nslab_route *rt = op->route;
	struct nslab_route_req req;
	char label[512];
	int r;

	r = lab_route_req(rt, op->node->name, &req, label, sizeof(label), err);
	if (r < 0)
		return r;
	if (rt->dev) {
		r = op_ifindex(a, op, &req.oif, err);
		if (r < 0)
			return r;
		if (!req.oif)
			return nslab_err(err, ENODEV, "%s: no interface %s in node %s", label,
					 rt->dev, op->node->name);
	}
	return nslab_nl_add(a->rt[op->ns].nl, nslab_msg_newroute, &req, label, err);
}

/*
 * The root qdisc of a link end with `netem`.  One request at a time, after
 * the links are up: a kernel without sch_netem fails the deploy here with a
 * message naming the module (netem.c), and the deploy is undone.
 */
static int do_netem(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	char label[128];
	int ifindex, r;

	snprintf(label, sizeof(label), "%s:%s", op->node->name, op->ifname);
	r = op_ifindex(a, op, &ifindex, err);
	if (r < 0)
		return r;
	if (!ifindex)
		return nslab_err(err, ENODEV, "%s: no such interface", label);
	return nslab_netem_apply(a->rt[op->ns].nl, ifindex, op->mtu, op->netem, label, err);
}

static int do_exec(struct apply *a, const struct nslab_op *op, struct nslab_error *err)
{
	const struct nslab_node *n = op->node;
	struct nslab_spawn sp = {
		.netns = n->netns,
		.hostname = n->netns ? n->hostname : NULL,
		.env = n->env,
		.n_env = n->n_env,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
	};
	char out[1024], cg[PATH_MAX];
	int status, r;

	if (op->delay > 0) {
		struct timespec ts = { (time_t)op->delay,
				       (long)((op->delay - (double)(time_t)op->delay) * 1e9) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	/* exec commands run in the node's cgroup too, when it has one. */
	r = lab_cgroup(a->plan, a->st, n, cg, sizeof(cg), err);
	if (r < 0)
		return r;
	sp.cgroup = cg[0] ? cg : NULL;
	r = nslab_proc_run_sh(&sp, op->cmd, out, sizeof(out), &status, err);
	if (r < 0)
		return nslab_err_prefix(err, "node %s: exec '%s'", n->name, op->cmd);
	if (a->opts && a->opts->exec_output)
		a->opts->exec_output(n->name, op->cmd, out, a->opts->exec_output_data);
	if (status != 0) {
		size_t len = strlen(out);

		while (len && out[len - 1] == '\n')
			out[--len] = '\0';
		return nslab_err(err, EIO, "node %s: exec '%s' exited with status %d%s%s", n->name,
				 op->cmd, status, len ? ": " : "", out);
	}
	return 0;
}

static int hosts_cb(size_t node, const char *text, size_t len, void *data, struct nslab_error *err)
{
	struct apply *a = data;
	const char *netns = a->plan->topo->nodes[node].netns;
	int r;

	if (nslab_hosts_exists(netns))
		return 0; /* the user's own file: keep it */
	r = nslab_state_journal(a->st, "hosts", netns, err);
	if (r < 0)
		return r;
	r = nslab_hosts_write(netns, text, len, err);
	if (r == -EEXIST) /* the user's own file: keep it, and say so in the journal */
		return nslab_state_journal(a->st, "hosts-kept", netns, err);
	return r;
}

/* Names before exec, so that exec commands can use them. */
static int write_hosts(struct apply *a, struct nslab_error *err)
{
	return nslab_hosts_render_all(a->plan->topo, a->plan->node_included, hosts_cb, a, err);
}

struct netns_worker {
	struct apply *a;
	bool reporter;
	atomic_size_t *next;
	size_t first, end;
	atomic_int *failed;
	int r;
	struct nslab_error err;
};

/* Take NETNS ops off the shared counter until none is left or one failed. */
static void *netns_worker(void *data)
{
	struct netns_worker *w = data;

	int proc_mnt = -1;
	unsigned int uses = 0;

	while (!atomic_load(w->failed)) {
		size_t i = atomic_fetch_add(w->next, 1);

		if (i >= w->end)
			break;
		/*
		 * One procfs instance for 64 namespaces: its lookup chains stay
		 * short, and its set-up cost is shared.
		 */
		if (uses++ % 64 == 0) {
			if (proc_mnt >= 0)
				close(proc_mnt);
			if (nslab_sysctl_private_proc(&proc_mnt) < 0)
				proc_mnt = -1;
		}
		w->r = do_netns(w->a, &w->a->plan->ops[i], false, proc_mnt, &w->err);
		if (w->r < 0) {
			atomic_store(w->failed, 1);
			break;
		}
		atomic_fetch_add(&w->a->done, 1);
		/* Only the calling thread reports; the callback is the CLI's. */
		if (w->reporter)
			progress(w->a, "netns");
	}
	if (proc_mnt >= 0)
		close(proc_mnt);
	return NULL;
}

/*
 * Creating a namespace is mostly kernel work that the kernel does not
 * serialise (rtnl_lock is only part of it), and setns()/unshare() act on the
 * calling thread only: so several threads each create their share.  Every
 * thread returns to the host namespace after each one (home fd).
 */
static int netns_phase(struct apply *a, size_t first, size_t end, unsigned int workers,
		       struct nslab_error *err)
{
	struct netns_worker w[16];
	pthread_t tid[16];
	atomic_size_t next = first;
	atomic_int failed = 0;
	unsigned int started = 1;
	int r = 0;

	if (workers > ARRAY_SIZE(w))
		workers = ARRAY_SIZE(w);
	/* The first alone: it learns which defaults need writing (netns_inside). */
	if (first < end) {
		r = do_netns(a, &a->plan->ops[first], true, -1, err);
		if (r < 0)
			return r;
		atomic_fetch_add(&a->done, 1);
		next = ++first;
	}
	if (workers < 1 || end - first < 16)
		workers = 1;
	for (unsigned int t = 0; t < workers; t++)
		w[t] = (struct netns_worker){
			.a = a, .next = &next, .first = first, .end = end, .failed = &failed
		};
	for (unsigned int t = 1; t < workers; t++) {
		if (pthread_create(&tid[t], NULL, netns_worker, &w[t]) != 0)
			break;
		started++;
	}
	w[0].reporter = true;
	netns_worker(&w[0]);
	for (unsigned int t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (unsigned int t = 0; t < started; t++)
		if (w[t].r < 0 && r == 0) {
			r = w[t].r;
			*err = w[t].err;
		}
	return r;
}

static int open_host(struct apply *a, struct nslab_error *err)
{
	a->rt[0].fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (a->rt[0].fd < 0)
		return nslab_err_sys(err, errno, "cannot open the host network namespace");
	return nslab_nl_open(&a->rt[0].nl, err);
}

static int apply_plan(struct apply *a, struct nslab_error *err)
{
	const struct nslab_plan *plan = a->plan;
	char group[16];
	int cur_ns = 0, r = 0;
	size_t i = 0;

	r = open_host(a, err);
	if (r < 0)
		return r;
	r = scan_host(a, err);
	if (r < 0)
		return r;
	snprintf(group, sizeof(group), "%u", a->group);
	r = nslab_state_journal(a->st, "group", group, err);
	/* Multi-host: whose share this machine holds (nslab_lab_host()). */
	if (r >= 0 && a->opts && a->opts->host)
		r = nslab_state_journal(a->st, "host", a->opts->host, err);
	if (r < 0)
		return r;
	r = nslab_netns_prepare(err);
	if (r < 0)
		return r;

	/* Ops are ordered by phase; each phase ends with every pipeline flushed. */
	for (bool hosts = false, lo = false; r >= 0;) {
		enum nslab_op_type phase = i < plan->n_ops ? plan->ops[i].type : NSLAB_OP_MAX;

		if (!lo && phase >= NSLAB_OP_UP) {
			lo = true;
			r = queue_lo_up(a, err);
			if (r < 0)
				break;
		}
		if (!hosts && phase >= NSLAB_OP_EXEC) {
			hosts = true;
			r = write_hosts(a, err);
			continue;
		}
		if (i >= plan->n_ops)
			break;

		progress(a, nslab_op_type_to_string(phase));
		if (phase == NSLAB_OP_NETNS) {
			size_t end = i;

			while (end < plan->n_ops && plan->ops[end].type == NSLAB_OP_NETNS)
				end++;
			r = netns_phase(a, i, end, a->workers, err);
			i = end;
			/* Before any op uses an index: see netns_inside(). */
			if (r >= 0 && a->first_ifindex > 2)
				nslab_plan_shift_ifindexes(a->plan_rw, a->first_ifindex);
			continue;
		}
		for (; i < plan->n_ops && r >= 0; i++, a->done++) {
			const struct nslab_op *op = &plan->ops[i];

			/* UP, ADDR and ROUTE share one pipeline per namespace. */
			if (op->type != phase &&
			    !(phase >= NSLAB_OP_UP && op->type >= NSLAB_OP_UP &&
			      op->type <= NSLAB_OP_ROUTE))
				break;
			if ((a->done & 31) == 0)
				progress(a, nslab_op_type_to_string(phase));
			switch (op->type) {
			case NSLAB_OP_NETNS:
				r = do_netns(a, op, true, -1, err);
				break;
			case NSLAB_OP_ADOPT:
				r = do_adopt(a, op, err);
				break;
			case NSLAB_OP_FIREWALL:
				r = lab_firewall(a->plan, a->st, err);
				break;
			case NSLAB_OP_SERVICE:
				r = lab_services(a->plan, a->st, op->node, err);
				break;
			case NSLAB_OP_BRIDGE:
				r = do_bridge(a, op, err);
				break;
			case NSLAB_OP_VETH:
				r = do_veth(a, op, err);
				break;
			case NSLAB_OP_TUNNEL:
				r = do_tunnel(a, op, err);
				break;
			case NSLAB_OP_SYSCTL:
				r = do_sysctl(a, op, &cur_ns, err);
				break;
			case NSLAB_OP_UP:
				r = do_up(a, op, err);
				break;
			case NSLAB_OP_ADDR:
				r = do_addr(a, op, err);
				break;
			case NSLAB_OP_ROUTE:
				r = do_route(a, op, err);
				break;
			case NSLAB_OP_NETEM:
				r = do_netem(a, op, err);
				break;
			case NSLAB_OP_EXEC:
				r = do_exec(a, op, err);
				break;
			case NSLAB_OP_MAX:
				break;
			}
		}
		if (cur_ns != 0) {
			int q = nslab_netns_enter(a->rt[0].fd, err);

			cur_ns = 0;
			if (q < 0)
				return q;
		}
		/* Nothing depends on the namespaces' pipelines yet. */
		if (r >= 0 && phase != NSLAB_OP_NETNS)
			r = flush_all(a, err);
	}
	progress(a, "done");
	if (r >= 0)
		r = nslab_state_journal(a->st, "done", "-", err);
	return r;
}

static void apply_release(struct apply *a)
{
	if (a->rt) {
		for (size_t i = 0; i < a->plan->n_ns; i++) {
			if (a->rt[i].nl)
				nslab_nl_close(a->rt[i].nl);
			if (a->rt[i].fd >= 0)
				close(a->rt[i].fd);
		}
	}
	free(a->rt);
	free(a->bridges);
	free(a->groups_in_use);
}

int nslab_lab_deploy(const struct nslab_topo *topo, const struct nslab_deploy_opts *opts,
		     struct nslab_error *err)
{
	struct nslab_plan *plan = NULL;
	struct nslab_state *st = NULL;
	_cleanup_free_ char *text = NULL;
	struct apply a = { 0 };
	size_t len = 0;
	int r;

	r = nslab_plan_build_host(topo, opts ? opts->node_filter : NULL, opts ? opts->host : NULL,
				  &plan, err);
	if (r < 0)
		return r;
	r = lab_escape_text(topo->text, topo->text_len, &text, &len);
	if (r < 0) {
		nslab_plan_free(plan);
		return nslab_err(err, r, "out of memory");
	}
	r = nslab_state_create(topo->name, text, len, &st, err);
	if (r < 0) {
		nslab_plan_free(plan);
		if (r == -EEXIST)
			return nslab_err(err, EEXIST,
					 "lab '%s' is already deployed\n"
					 "hint: nslab destroy --name %s, or deploy --reconfigure",
					 topo->name, topo->name);
		return r;
	}
	/*
	 * After the claim: of two deploys that would take the same subnet or
	 * port at once, the later check sees the earlier lab, so they cannot
	 * both pass (each wrote its topology before it looks at the others').
	 */
	r = lab_check_conflicts(topo, err);
	if (r < 0) {
		nslab_state_remove(st, NULL);
		nslab_state_close(st);
		nslab_plan_free(plan);
		return r;
	}
	a.plan = plan;
	a.plan_rw = plan;
	a.opts = opts;
	a.st = st;
	a.total = plan->n_ops;
	a.workers = opts && opts->max_workers ? opts->max_workers
					      : (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	a.rt = calloc(plan->n_ns, sizeof(*a.rt));
	if (!a.rt) {
		r = nslab_err(err, ENOMEM, "out of memory");
	} else {
		for (size_t i = 0; i < plan->n_ns; i++)
			a.rt[i].fd = -1;
		r = apply_plan(&a, err);
	}
	apply_release(&a);
	if (r < 0) {
		struct nslab_error undo_err = { 0 };

		/* All or nothing: remove what this run made, newest state first. */
		/* A failed undo keeps the journal, for `nslab destroy` to finish. */
		if (lab_undo(st, topo->name, NULL, NULL, &undo_err) < 0)
			snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
				 "\nundo failed too: %s; run nslab destroy --name %s", undo_err.msg,
				 topo->name);
		else
			nslab_state_remove(st, NULL);
	}
	nslab_state_close(st);
	nslab_plan_free(plan);
	return r;
}
