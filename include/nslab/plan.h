/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan: a lab as an ordered list of small kernel operations. */
#ifndef NSLAB_PLAN_H
#define NSLAB_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/topo.h"

enum nslab_op_type {
	NSLAB_OP_NETNS, /* create and pin ns[op.ns]; its sysctls but per-device ones */
	NSLAB_OP_ADOPT, /* kind ext: pin an existing namespace as ns[op.ns] */
	NSLAB_OP_BRIDGE, /* bridge op.ifname in op.ns (host: marked, or adopted) */
	NSLAB_OP_VETH, /* veth op.ifname@op.ns <-> op.peer_ifname@op.peer_ns */
	NSLAB_OP_TUNNEL, /* op.tunnel as op.ifname@op.ns, made by the host's socket */
	NSLAB_OP_SYSCTL, /* a per-device sysctl: op.key = op.value in op.ns */
	NSLAB_OP_UP, /* set op.ifname up (and its master) in op.ns */
	NSLAB_OP_ADDR, /* op.addr on op.ifname in op.ns */
	NSLAB_OP_ROUTE, /* op.route in op.ns */
	NSLAB_OP_NETEM, /* op.netem as the root qdisc of op.ifname in op.ns */
	NSLAB_OP_FIREWALL, /* the lab's nftables table, forward rules, host sysctls */
	NSLAB_OP_EXEC, /* op.cmd in op.node */
	NSLAB_OP_SERVICE, /* op.node's cgroup and services */
	NSLAB_OP_MAX,
};

const char *nslab_op_type_to_string(enum nslab_op_type t);

/**
 * struct nslab_plan_ns - a namespace the lab uses; ns[0] is the host's
 * @name:	netns name; NULL for the host namespace
 * @node:	the node that owns it (NULL for the host namespace)
 * @next_ifindex:	nslab picks the ifindex of every device it creates in
 *		its own namespaces (lo is 1), so nothing needs a lookup later
 * @uses_ipv6:	an IPv6 address or route of the file is in it
 * @adopted:	kind ext: not ours; nslab picks no ifindex and sets no sysctl
 */
struct nslab_plan_ns {
	const char *name;
	const struct nslab_node *node;
	int next_ifindex;
	bool uses_ipv6;
	bool adopted;
};

/**
 * struct nslab_plan_tunnel - what a TUNNEL step makes.  Made from the host
 * namespace's socket with IFLA_NET_NS_FD of op.ns, so a vxlan or gre device's
 * underlay stays in the host namespace while the device is the node's.
 * @kind:	"vxlan", "gre" or "dummy"
 * @id:		VNI, or GRE key (0: none)
 * @local, @remote:	underlay addresses (NULL: absent)
 * @port:	vxlan destination port
 * @parent:	underlay device name, NULL: the one the route to @remote uses
 * @mtu:	0: vxlan: the parent's MTU minus 50 (IPv4) or 70 (IPv6) underlay;
 *		others: the kernel's default
 * @ttl:	0: the kernel's default
 * @learning:	vxlan: learn remote MACs (off: one known remote)
 * @isolated:	as a bridge port (op.master): port isolation, so frames that
 *		came from one tunnel never leave by another (split horizon)
 * @tunnel:	the file's `type: vxlan|gre|dummy` link, or NULL when the plan
 *		derived it (a link or segment across hosts)
 */
struct nslab_plan_tunnel {
	const char *kind;
	unsigned int id;
	const char *local;
	const char *remote;
	unsigned int port;
	const char *parent;
	unsigned int mtu;
	unsigned int ttl;
	bool learning;
	bool isolated;
	const struct nslab_tunnel *tunnel;
};

/**
 * struct nslab_op - one step.  Strings are borrowed from the topology.
 * @ifindex, @peer_ifindex:	chosen index, or 0 in the host namespace
 *		(the kernel chooses; the device is found by name)
 * @master, @master_ifindex:	bridge to enslave @ifname to (same ns);
 *		master_ifindex 0 when it is a host bridge found by name
 * @peer_master, @peer_master_ifindex:	same for the UP of the peer end
 */
struct nslab_op {
	enum nslab_op_type type;
	int ns;
	const char *ifname;
	int ifindex;
	const char *master;
	int master_ifindex;
	int peer_ns;
	const char *peer_ifname;
	int peer_ifindex;
	const struct nslab_node *peer_node;
	const char *peer_master;
	int peer_master_ifindex;
	unsigned int mtu;
	const char *mac;
	const char *peer_mac;
	const char *key;
	const char *value;
	const char *addr;
	const struct nslab_route *route;
	const struct nslab_node *node;
	const struct nslab_link *link;
	const struct nslab_network *network;
	const struct nslab_attach *attach;
	const struct nslab_netem *netem;
	const struct nslab_plan_tunnel *tunnel;
	bool exclusive; /* BRIDGE: must not exist yet (networks) */
	const char *cmd;
	double delay; /* EXEC: seconds to wait first (startup-delay) */
};

/**
 * struct nslab_plan - the steps for one topology
 * @mark:	"nslab:<lab>", the ifalias of the lab's host-namespace devices
 * @node_included:	per node: built by this run (--node-filter)
 */
struct nslab_plan {
	const struct nslab_topo *topo;
	struct nslab_plan_ns *ns;
	size_t n_ns;
	struct nslab_op *ops;
	size_t n_ops;
	size_t ops_cap;
	char mark[64];
	bool *node_included;
	char **strs; /* names and addresses the plan made up */
	size_t n_strs, strs_cap;
	struct nslab_route *routes; /* default routes via network gateways */
	size_t n_routes;
	struct nslab_plan_mh *mh; /* multi-host: this host's share; NULL: the whole file */
	struct nslab_plan_tunnel **tunnels; /* what TUNNEL steps make (op.tunnel) */
	size_t n_tunnels, tunnels_cap;
};

/**
 * nslab_plan_build() - turn a topology into ordered operations
 * @filter:	NULL for every node, else a comma-separated list of node names;
 *		links are built when every linux/switch end is in the list
 *		(host and bridge ends follow the nodes they serve)
 *
 * Borrows @topo, which must outlive the plan.  On success *@ret belongs to
 * the caller; free with nslab_plan_free().
 */
int nslab_plan_build(const struct nslab_topo *topo, const char *filter, struct nslab_plan **ret,
		     struct nslab_error *err);

/**
 * nslab_plan_build_host() - nslab_plan_build() for one host of a multi-host lab
 * @host:	a name of the file's `hosts`, or NULL: the whole file, as if on
 *		one machine (what `link set` uses)
 *
 * On host H: H's nodes and the links between them; bridge and switch nodes
 * without `host:` on every host that has a member, each joined to the others
 * by one VXLAN per remote host (stretched), networks likewise; a link between
 * a node of H and one of another host becomes a TUNNEL in the local end's
 * namespace, with that end's name and addresses.  A VETH whose op.tunnel is
 * set is a port of a bridge that carries tunnels: deploy gives it the
 * tunnel's MTU (unless op.mtu, the file's, is set; it must fit).
 */
int nslab_plan_build_host(const struct nslab_topo *topo, const char *filter, const char *host,
			  struct nslab_plan **ret, struct nslab_error *err);

void nslab_plan_free(struct nslab_plan *plan);

/*
 * The name of the host end of @node's veth to a network: "nsl" and 8 hex
 * digits of a hash of lab, node and interface (IFNAMSIZ leaves no room for
 * the names themselves).  @buf of at least 16 bytes.
 */
void nslab_plan_network_port(const char *lab, const char *node, const char *ifname, char *buf);

/*
 * nslab_plan_shift_ifindexes() - move every index the plan chose in its own
 * namespaces (2, 3, ...) up to start at @first.  Deploy calls it when a new
 * namespace already holds devices of the kernel's own beyond lo: the
 * fallback tunnels (gre0, tunl0, sit0 ...) that loaded tunnel modules put in
 * every namespace unless net.core.fb_tunnels_only_for_init_net is set.
 */
void nslab_plan_shift_ifindexes(struct nslab_plan *plan, int first);

/* Index in plan->ns of the namespace that holds @node's interfaces (0: host). */
int nslab_plan_node_ns(const struct nslab_plan *plan, const struct nslab_node *node);

#endif
