// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a topology to ordered operations: namespaces, bridges, veths, sysctls, addresses, routes, exec. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "nslab/multihost.h"
#include "nslab/plan.h"
#include "nslab/sysctl.h"
#include "plan_hosts.h"
#include "util.h"

static const char *const op_names[NSLAB_OP_MAX] = {
	[NSLAB_OP_NETNS] = "netns",	[NSLAB_OP_ADOPT] = "adopt",   [NSLAB_OP_BRIDGE] = "bridge",
	[NSLAB_OP_VETH] = "veth",	[NSLAB_OP_TUNNEL] = "tunnel", [NSLAB_OP_SYSCTL] = "sysctl",
	[NSLAB_OP_UP] = "up",		[NSLAB_OP_ADDR] = "addr",     [NSLAB_OP_ROUTE] = "route",
	[NSLAB_OP_NETEM] = "netem",	[NSLAB_OP_FIREWALL] = "nft",  [NSLAB_OP_EXEC] = "exec",
	[NSLAB_OP_SERVICE] = "service",
};

const char *nslab_op_type_to_string(enum nslab_op_type t)
{
	return t < NSLAB_OP_MAX ? op_names[t] : "?";
}

void nslab_plan_free(struct nslab_plan *plan)
{
	if (!plan)
		return;
	free(plan->ns);
	free(plan->ops);
	free(plan->node_included);
	for (size_t i = 0; i < plan->n_strs; i++)
		free(plan->strs[i]);
	free(plan->strs);
	free(plan->routes);
	plan_mh_free(plan->mh);
	for (size_t i = 0; i < plan->n_tunnels; i++)
		free(plan->tunnels[i]);
	free(plan->tunnels);
	free(plan);
}

/* Per node: its namespace index in plan->ns (0 = host). */
struct builder {
	struct nslab_plan *plan;
	int *node_ns;
	int *bridge_ifindex; /* per node: ifindex of its bridge (switch: br0), 0: host bridge */
	int (*ep_ifindex)[2]; /* per link end: the ifindex chosen for it */
	int *tn_ifindex; /* per file tunnel: the ifindex chosen for it */
};

static void shift(const struct nslab_plan *plan, int ns, int *ifindex, int delta)
{
	/* lo (1) stays; 0 means "the kernel's choice" or "by name". */
	if (ns > 0 && !plan->ns[ns].adopted && *ifindex >= 2)
		*ifindex += delta;
}

void nslab_plan_shift_ifindexes(struct nslab_plan *plan, int first)
{
	int delta = first - 2;

	if (delta <= 0)
		return;
	for (size_t i = 0; i < plan->n_ops; i++) {
		struct nslab_op *op = &plan->ops[i];

		shift(plan, op->ns, &op->ifindex, delta);
		shift(plan, op->ns, &op->master_ifindex, delta);
		shift(plan, op->peer_ns, &op->peer_ifindex, delta);
		shift(plan, op->peer_ns, &op->peer_master_ifindex, delta);
	}
	for (size_t i = 1; i < plan->n_ns; i++)
		if (!plan->ns[i].adopted)
			plan->ns[i].next_ifindex += delta;
}

int nslab_plan_node_ns(const struct nslab_plan *plan, const struct nslab_node *node)
{
	for (size_t i = 1; i < plan->n_ns; i++)
		if (plan->ns[i].node == node)
			return (int)i;
	return 0;
}

/* A string the plan owns (freed with it); NULL when out of memory. */
static const char *plan_strf(struct nslab_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *plan_strf(struct nslab_plan *plan, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (GROW(plan->strs, plan->strs_cap, plan->n_strs) < 0)
		return NULL;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	plan->strs[plan->n_strs++] = s;
	return s;
}

/*
 * The MAC of a node's interface: the file's (@file_mac), else in a
 * multi-host plan one derived from the names (plan_mh_if_mac()), else NULL
 * (the kernel's random one).  *@ret NULL only when out of memory.
 */
static int if_mac(struct nslab_plan *plan, int ns, const struct nslab_node *node,
		  const char *ifname, const char *file_mac, const char **ret)
{
	char mac[18];

	*ret = file_mac;
	if (file_mac || !plan->mh || ns == 0 || !node)
		return 0;
	plan_mh_if_mac(plan->topo->name, node->name, ifname, mac);
	*ret = plan_strf(plan, "%s", mac);
	return *ret ? 0 : -ENOMEM;
}

void nslab_plan_network_port(const char *lab, const char *node, const char *ifname, char *buf)
{
	uint32_t h = NSLAB_FNV1A_SEED; /* over "lab/node/ifname" */
	const char *parts[] = { lab, "/", node, "/", ifname };

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		h = nslab_fnv1a(h, parts[i]);
	snprintf(buf, 16, "nsl%08x", h);
}

static struct nslab_op *add_op(struct nslab_plan *plan, enum nslab_op_type type, int ns)
{
	struct nslab_op *op;

	if (GROW(plan->ops, plan->ops_cap, plan->n_ops) < 0)
		return NULL;
	op = &plan->ops[plan->n_ops++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->ns = ns;
	return op;
}

/* 0 where the kernel chooses: the host's namespace and adopted ones. */
static int new_ifindex(struct nslab_plan *plan, int ns)
{
	return ns == 0 || plan->ns[ns].adopted ? 0 : plan->ns[ns].next_ifindex++;
}

static bool in_own_ns(const struct nslab_node *n);

static int parse_filter(struct nslab_plan *plan, const char *filter, struct nslab_error *err)
{
	const struct nslab_topo *t = plan->topo;
	_cleanup_free_ char *copy = NULL;
	char *tok, *save = NULL;

	for (size_t i = 0; i < t->n_nodes; i++)
		plan->node_included[i] = filter == NULL;
	if (!filter)
		return 0;
	copy = strdup(filter);
	if (!copy)
		return nslab_err(err, ENOMEM, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long i = nslab_topo_find_node(t, tok);

		if (i < 0)
			return nslab_err(err, ENOENT, "--node-filter: no node '%s' in lab '%s'",
					 tok, t->name);
		plan->node_included[i] = true;
	}
	/* Bridge and host nodes follow the nodes they serve. */
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e],
						    *far = &t->links[l].ep[!e];
			enum nslab_kind k = t->nodes[far->node].kind;

			if (plan->node_included[ep->node] && in_own_ns(&t->nodes[ep->node]) &&
			    (k == NSLAB_KIND_BRIDGE || k == NSLAB_KIND_HOST))
				plan->node_included[far->node] = true;
		}
	return 0;
}

static bool in_own_ns(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_LINUX || n->kind == NSLAB_KIND_SWITCH ||
	       n->kind == NSLAB_KIND_EXT;
}

/* A link is built when every end that is a node of its own is included. */
static bool link_included(const struct nslab_plan *plan, const struct nslab_link *l)
{
	bool any = false;

	/* Multi-host: a link across hosts is two tunnels; one between two unplaced nodes, host 0's. */
	if (plan->mh && !plan->mh->link_here[l - plan->topo->links])
		return false;
	for (int e = 0; e < 2; e++) {
		const struct nslab_node *n = &plan->topo->nodes[l->ep[e].node];

		if (in_own_ns(n)) {
			if (!plan->node_included[l->ep[e].node])
				return false;
			any = true;
		}
	}
	if (any)
		return true;
	/* host/bridge only: both ends must be asked for. */
	return plan->node_included[l->ep[0].node] && plan->node_included[l->ep[1].node];
}

/* Multi-host: the end of link @l across hosts that this run builds (a tunnel), or -1. */
static int mh_local_end(const struct nslab_plan *plan, const struct nslab_link *l)
{
	int e;

	if (!plan->mh)
		return -1;
	e = plan->mh->link_local_end[l - plan->topo->links];
	return e >= 0 && plan->node_included[l->ep[e].node] ? e : -1;
}

/* End @e of @l is built by this run: the whole link, or its local tunnel end. */
static bool end_built(const struct nslab_plan *plan, const struct nslab_link *l, int e)
{
	return link_included(plan, l) || mh_local_end(plan, l) == e;
}

static int plan_namespaces(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	plan->ns = calloc(t->n_nodes + 1, sizeof(*plan->ns));
	if (!plan->ns)
		return nslab_err(err, ENOMEM, "out of memory");
	plan->n_ns = 1; /* ns[0]: the host */
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		struct nslab_op *op;
		int ns;

		if (!in_own_ns(n))
			continue;
		ns = (int)plan->n_ns++;
		plan->ns[ns].name = n->netns;
		plan->ns[ns].node = n;
		plan->ns[ns].next_ifindex = 2; /* lo is 1 */
		plan->ns[ns].adopted = n->kind == NSLAB_KIND_EXT;
		b->node_ns[i] = ns;
		/* exec commands may configure IPv6 the file does not show. */
		if (n->n_exec)
			plan->ns[ns].uses_ipv6 = true;
		if (!plan->node_included[i])
			continue;
		op = add_op(plan, plan->ns[ns].adopted ? NSLAB_OP_ADOPT : NSLAB_OP_NETNS, ns);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->node = n;
	}
	return 0;
}

static int plan_bridges(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		struct nslab_op *op;
		int ns;

		if (n->kind != NSLAB_KIND_BRIDGE && n->kind != NSLAB_KIND_SWITCH)
			continue;
		if (!plan->node_included[i])
			continue;
		ns = b->node_ns[i];
		op = add_op(plan, NSLAB_OP_BRIDGE, ns);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->node = n;
		op->ifname = n->kind == NSLAB_KIND_SWITCH ? "br0" : n->name;
		op->ifindex = new_ifindex(plan, ns);
		b->bridge_ifindex[i] = op->ifindex;
	}
	/* A network's bridge, when a node of this run is on it. */
	for (size_t k = 0; k < t->n_networks; k++) {
		bool used = false;
		struct nslab_op *op;

		for (size_t i = 0; i < t->n_nodes && !used; i++)
			for (size_t a = 0; a < t->nodes[i].n_networks && !used; a++)
				used = plan->node_included[i] &&
				       t->nodes[i].networks[a].network == k;
		if (!used)
			continue;
		op = add_op(plan, NSLAB_OP_BRIDGE, 0);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->network = &t->networks[k];
		op->ifname = t->networks[k].bridge;
		op->mtu = t->networks[k].mtu;
		op->exclusive = true;
		/* Multi-host: every host's copy of the gateway answers with one MAC. */
		if (plan->mh && t->networks[k].gateway) {
			char mac[18];

			plan_mh_gateway_mac(t->name, t->networks[k].name, mac);
			if (!(op->mac = plan_strf(plan, "%s", mac)))
				return nslab_err(err, ENOMEM, "out of memory");
		}
	}
	return 0;
}

/* Every node's veth to each of its networks: host end a port of the network's bridge. */
static int plan_attachments(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (!plan->node_included[i])
			continue;
		for (size_t k = 0; k < n->n_networks; k++) {
			const struct nslab_attach *at = &n->networks[k];
			const struct nslab_network *net = &t->networks[at->network];
			struct nslab_op *op = add_op(plan, NSLAB_OP_VETH, 0);
			char port[16];

			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			nslab_plan_network_port(t->name, n->name, at->ifname, port);
			op->ifname = plan_strf(plan, "%s", port);
			op->master = net->bridge;
			op->peer_ns = b->node_ns[i];
			op->peer_ifname = at->ifname;
			op->peer_ifindex = new_ifindex(plan, op->peer_ns);
			if (if_mac(plan, op->peer_ns, n, at->ifname, NULL, &op->peer_mac) < 0)
				return nslab_err(err, ENOMEM, "out of memory");
			op->peer_node = n;
			op->node = n;
			op->mtu = net->mtu ? net->mtu : 1500;
			op->network = net;
			op->attach = at;
			if (!op->ifname)
				return nslab_err(err, ENOMEM, "out of memory");
		}
	}
	return 0;
}

static bool is_bridge(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_BRIDGE || n->kind == NSLAB_KIND_SWITCH;
}

static void set_master(struct builder *b, size_t node, const char **master, int *master_ifindex)
{
	const struct nslab_node *n = &b->plan->topo->nodes[node];

	if (!is_bridge(n))
		return;
	*master = n->kind == NSLAB_KIND_SWITCH ? "br0" : n->name;
	*master_ifindex = b->bridge_ifindex[node];
}

static int plan_veths(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_links; i++) {
		const struct nslab_link *l = &t->links[i];
		const struct nslab_endpoint *a = &l->ep[0], *z = &l->ep[1];
		struct nslab_op *op;
		int ns_a, ns_z;

		if (!link_included(plan, l))
			continue;
		ns_a = b->node_ns[a->node];
		ns_z = b->node_ns[z->node];
		/*
		 * The end created by the request itself can be made up and
		 * enslaved in the same message; the peer cannot (veth_open()
		 * fails before the pair is complete).  So the first end is the
		 * bridge port if there is one, else the host-namespace end,
		 * whose ifindex we cannot choose and would otherwise look up.
		 */
		if ((is_bridge(&t->nodes[z->node]) && !is_bridge(&t->nodes[a->node])) ||
		    (ns_z == 0 && ns_a != 0 && !is_bridge(&t->nodes[a->node]))) {
			const struct nslab_endpoint *tmp = a;
			int tns = ns_a;

			a = z;
			z = tmp;
			ns_a = ns_z;
			ns_z = tns;
		}
		op = add_op(plan, NSLAB_OP_VETH, ns_a);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->link = l;
		op->ifname = a->ifname;
		op->ifindex = new_ifindex(plan, ns_a);
		op->peer_ns = ns_z;
		op->peer_ifname = z->ifname;
		op->peer_ifindex = new_ifindex(plan, ns_z);
		if (if_mac(plan, ns_a, &t->nodes[a->node], a->ifname, a->mac, &op->mac) < 0 ||
		    if_mac(plan, ns_z, &t->nodes[z->node], z->ifname, z->mac, &op->peer_mac) < 0)
			return nslab_err(err, ENOMEM, "out of memory");
		op->mtu = l->mtu;
		b->ep_ifindex[i][a == &l->ep[0] ? 0 : 1] = op->ifindex;
		b->ep_ifindex[i][a == &l->ep[0] ? 1 : 0] = op->peer_ifindex;
		set_master(b, a->node, &op->master, &op->master_ifindex);
		op->node = &t->nodes[a->node];

		op->peer_node = &t->nodes[z->node];
		set_master(b, z->node, &op->peer_master, &op->peer_master_ifindex);
	}
	return 0;
}

/*
 * A new tunnel device of the file, or one the plan derives, in the plan's
 * care (freed with it); NULL when out of memory.
 */
static struct nslab_plan_tunnel *plan_tunnel_new(struct nslab_plan *plan)
{
	struct nslab_plan_tunnel *pt;

	if (GROW(plan->tunnels, plan->tunnels_cap, plan->n_tunnels) < 0)
		return NULL;
	pt = calloc(1, sizeof(*pt));
	if (pt)
		plan->tunnels[plan->n_tunnels++] = pt;
	return pt;
}

static const char *const tunnel_kinds[NSLAB_LINK_TYPE_MAX] = {
	[NSLAB_LINK_VXLAN] = "vxlan",
	[NSLAB_LINK_GRE] = "gre",
	[NSLAB_LINK_DUMMY] = "dummy",
};

/*
 * The file's `type: vxlan|gre|dummy` links of the nodes this run builds:
 * one TUNNEL step each, in the node's namespace (a switch's: a port of its
 * br0).  Their UP, ADDR and NETEM steps follow as for a veth end.
 */
static int plan_tunnels(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct nslab_tunnel *tn = &t->tunnels[i];
		struct nslab_plan_tunnel *pt;
		struct nslab_op *op;
		int ns;

		if (!plan->node_included[tn->ep.node])
			continue;
		ns = b->node_ns[tn->ep.node];
		pt = plan_tunnel_new(plan);
		op = pt ? add_op(plan, NSLAB_OP_TUNNEL, ns) : NULL;
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		*pt = (struct nslab_plan_tunnel){
			.kind = tunnel_kinds[tn->type],
			.id = tn->vni,
			.local = tn->local,
			.remote = tn->remote,
			.port = tn->port,
			.parent = tn->parent,
			.mtu = tn->mtu,
			.ttl = tn->ttl,
			.learning = false, /* one remote, given: nothing to learn */
			.tunnel = tn,
		};
		op->node = &t->nodes[tn->ep.node];
		op->ifname = tn->ep.ifname;
		/*
		 * A GRE device keeps the namespace it is made in as its
		 * underlay: deploy makes it in the host's and moves it, and
		 * the kernel chooses its index there (later steps go by name).
		 */
		op->ifindex = tn->type == NSLAB_LINK_GRE ? 0 : new_ifindex(plan, ns);
		op->mac = tn->ep.mac;
		op->mtu = tn->mtu;
		op->tunnel = pt;
		set_master(b, tn->ep.node, &op->master, &op->master_ifindex);
		b->tn_ifindex[i] = op->ifindex;
	}
	return 0;
}

/* ops[@i], a TUNNEL step: its device up (and into its bridge) once it exists. */
static int tunnel_up(struct nslab_plan *plan, size_t i)
{
	struct nslab_op *op = add_op(plan, NSLAB_OP_UP, plan->ops[i].ns);
	const struct nslab_op *tun = &plan->ops[i]; /* add_op may have moved the array */

	if (!op)
		return -ENOMEM;
	op->ifname = tun->ifname;
	op->ifindex = tun->ifindex;
	op->node = tun->node;
	op->master = tun->master;
	op->master_ifindex = tun->master_ifindex;
	op->network = tun->network;
	op->tunnel = tun->tunnel;
	return 0;
}

/*
 * One ADDR step per address of link end @ep (IPv4 first, primary first), on
 * the interface of index @ifindex in namespace @ns; @l: its link, or NULL
 * for a one-ended (tunnel) link.
 */
static int ep_addrs(struct nslab_plan *plan, const struct nslab_endpoint *ep, int ns, int ifindex,
		    const struct nslab_link *l, struct nslab_error *err)
{
	for (size_t k = 0; k < ep->n_ipv4 + ep->n_ipv6; k++) {
		struct nslab_op *op = add_op(plan, NSLAB_OP_ADDR, ns);

		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->link = l;
		op->node = &plan->topo->nodes[ep->node];
		op->ifname = ep->ifname;
		op->ifindex = ifindex;
		op->addr = k < ep->n_ipv4 ? ep->ipv4[k].s : ep->ipv6[k - ep->n_ipv4].s;
		if (k >= ep->n_ipv4)
			plan->ns[ns].uses_ipv6 = true;
	}
	return 0;
}

/* Addresses of the file's tunnels' endpoints, as a veth end's. */
static int plan_tunnel_addrs(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;
	int r = 0;

	for (size_t i = 0; i < t->n_tunnels && r >= 0; i++) {
		const struct nslab_endpoint *ep = &t->tunnels[i].ep;

		if (plan->node_included[ep->node])
			r = ep_addrs(plan, ep, b->node_ns[ep->node], b->tn_ifindex[i], NULL, err);
	}
	return r;
}

/* The peer ends come up once every pair exists: one flush per phase. */
static int plan_ups(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	size_t n = plan->n_ops;

	for (size_t i = 0; i < n; i++) {
		struct nslab_op *op, *veth = &plan->ops[i];

		if (veth->type == NSLAB_OP_TUNNEL) {
			if (tunnel_up(plan, i) < 0)
				return nslab_err(err, ENOMEM, "out of memory");
			continue;
		}
		if (veth->type != NSLAB_OP_VETH)
			continue;
		op = add_op(plan, NSLAB_OP_UP, veth->peer_ns);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		veth = &plan->ops[i]; /* add_op may have moved the array */
		op->link = veth->link;
		op->ifname = veth->peer_ifname;
		op->ifindex = veth->peer_ifindex;
		op->node = veth->peer_node;
		op->master = veth->peer_master;
		op->master_ifindex = veth->peer_master_ifindex;
		op->network = veth->network;
		op->attach = veth->attach;
	}
	return 0;
}

static int plan_sysctls(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (!plan->node_included[i] || b->node_ns[i] == 0)
			continue;
		for (size_t k = 0; k < n->n_sysctls; k++) {
			struct nslab_op *op;

			/* The others are written as the namespace is made (NETNS). */
			if (!nslab_sysctl_is_per_device(n->sysctls[k].key))
				continue;
			op = add_op(plan, NSLAB_OP_SYSCTL, b->node_ns[i]);
			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			op->node = n;
			op->key = n->sysctls[k].key;
			op->value = n->sysctls[k].value;
		}
	}
	return 0;
}

/* The devices nslab makes in each namespace: compressed lists, for `dev` of routes. */
struct ns_ifaces {
	size_t *off;
	const char **name;
	int *ifindex;
};

static void ns_iface_add(struct ns_ifaces *x, size_t *fill, int ns, const char *name, int idx)
{
	if (x->name) {
		size_t at = x->off[ns] + fill[ns]++;

		x->name[at] = name;
		x->ifindex[at] = idx;
	} else {
		x->off[ns + 1]++;
	}
}

/* Two passes over the ops (count, then fill): linear in the plan. */
static int ns_ifaces_build(const struct nslab_plan *plan, struct ns_ifaces *x)
{
	size_t *fill = calloc(plan->n_ns + 1, sizeof(*fill));

	x->off = calloc(plan->n_ns + 2, sizeof(*x->off));
	if (!fill || !x->off) {
		free(fill);
		return -ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (size_t i = 0; i < plan->n_ns; i++)
				x->off[i + 1] += x->off[i];
			x->name = calloc(x->off[plan->n_ns] + 1, sizeof(*x->name));
			x->ifindex = calloc(x->off[plan->n_ns] + 1, sizeof(*x->ifindex));
			if (!x->name || !x->ifindex) {
				free(fill);
				return -ENOMEM;
			}
		}
		for (size_t i = 0; i < plan->n_ops; i++) {
			const struct nslab_op *op = &plan->ops[i];

			if (op->type == NSLAB_OP_VETH) {
				ns_iface_add(x, fill, op->ns, op->ifname, op->ifindex);
				ns_iface_add(x, fill, op->peer_ns, op->peer_ifname,
					     op->peer_ifindex);
			} else if (op->type == NSLAB_OP_BRIDGE || op->type == NSLAB_OP_TUNNEL) {
				ns_iface_add(x, fill, op->ns, op->ifname, op->ifindex);
			}
		}
	}
	free(fill);
	return 0;
}

static void ns_ifaces_free(struct ns_ifaces *x)
{
	free(x->off);
	free(x->name);
	free(x->ifindex);
}

/* The ifindex nslab gave @ifname in namespace @ns (0 when not ours). */
static int find_ifindex(const struct ns_ifaces *x, int ns, const char *ifname)
{
	if (ns == 0)
		return 0;
	for (size_t i = x->off[ns]; i < x->off[ns + 1]; i++)
		if (streq(x->name[i], ifname))
			return x->ifindex[i];
	return 0;
}

static int plan_addrs(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_links; i++) {
		const struct nslab_link *l = &t->links[i];

		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &l->ep[e];
			int r;

			if (!end_built(plan, l, e))
				continue;
			r = ep_addrs(plan, ep, b->node_ns[ep->node], b->ep_ifindex[i][e], l, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Gateways on the networks' bridges, and the nodes' addresses on them. */
static int plan_network_addrs(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	size_t n = plan->n_ops;

	for (size_t i = 0; i < n; i++) {
		const struct nslab_op *src = &plan->ops[i];
		const struct nslab_network *net = src->network;
		const char *addrs[2] = { NULL, NULL };
		int ns;

		if (!net)
			continue;
		if (src->type == NSLAB_OP_BRIDGE) {
			ns = 0;
			if (net->gateway)
				addrs[0] = plan_strf(plan, "%s/%s", net->gateway,
						     strchr(net->subnet, '/') + 1);
			if (net->gateway6 && net->subnet6)
				addrs[1] = plan_strf(plan, "%s/%s", net->gateway6,
						     strchr(net->subnet6, '/') + 1);
		} else if (src->type == NSLAB_OP_VETH) {
			ns = src->peer_ns;
			addrs[0] = src->attach->ipv4;
			addrs[1] = src->attach->ipv6;
			if (addrs[1])
				plan->ns[ns].uses_ipv6 = true;
		} else {
			continue;
		}
		for (int k = 0; k < 2; k++) {
			struct nslab_op *op, *s2;

			if (!addrs[k])
				continue;
			op = add_op(plan, NSLAB_OP_ADDR, ns);
			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			s2 = &plan->ops[i]; /* add_op may have moved the array */
			op->network = net;
			op->addr = addrs[k];
			if (s2->type == NSLAB_OP_BRIDGE) {
				op->ifname = s2->ifname;
			} else {
				op->node = s2->peer_node;
				op->ifname = s2->peer_ifname;
				op->ifindex = s2->peer_ifindex;
			}
		}
	}
	return 0;
}

static bool has_default(const struct nslab_node *n, int family)
{
	for (size_t k = 0; k < n->n_routes; k++)
		if (n->routes[k].family == family &&
		    (streq(n->routes[k].dst, "default") || streq(n->routes[k].dst, "default6")))
			return true;
	return false;
}

/* A node's default route goes via the gateway of its first network, as Docker's. */
static int plan_default_routes(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	plan->routes = calloc(2 * t->n_nodes + 1, sizeof(*plan->routes));
	if (!plan->routes)
		return nslab_err(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		const struct nslab_network *net;

		if (!plan->node_included[i] || n->n_networks == 0)
			continue;
		net = &t->networks[n->networks[0].network];
		for (int v6 = 0; v6 < 2; v6++) {
			const char *gw = v6 ? net->gateway6 : net->gateway;
			struct nslab_route *rt;
			struct nslab_op *op;

			/* An adopted namespace keeps its own routing. */
			if (!gw || n->kind == NSLAB_KIND_EXT ||
			    has_default(n, v6 ? AF_INET6 : AF_INET) || (v6 && !n->networks[0].ipv6))
				continue;
			rt = &plan->routes[plan->n_routes++];
			rt->dst = v6 ? "default6" : "default";
			rt->via = (char *)gw;
			rt->metric = -1;
			rt->family = v6 ? AF_INET6 : AF_INET;
			rt->pos = n->networks[0].pos;
			op = add_op(plan, NSLAB_OP_ROUTE, b->node_ns[i]);
			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			op->node = n;
			op->route = rt;
			op->network = net;
		}
	}
	return 0;
}

/* One step for the lab's firewall, when it has networks or published ports. */
static int plan_firewall(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;
	bool any = t->n_networks > 0;

	for (size_t i = 0; i < t->n_nodes && !any; i++)
		any = plan->node_included[i] && t->nodes[i].n_ports > 0;
	if (any && !add_op(plan, NSLAB_OP_FIREWALL, 0))
		return nslab_err(err, ENOMEM, "out of memory");
	return 0;
}

/* After exec: a cgroup and the services of each node that has them. */
static int plan_services(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		struct nslab_op *op;

		if (!plan->node_included[i] ||
		    (n->n_services == 0 && n->memory == 0 && n->cpu_millis == 0))
			continue;
		op = add_op(plan, NSLAB_OP_SERVICE, b->node_ns[i]);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->node = n;
	}
	return 0;
}

static int plan_routes(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;
	struct ns_ifaces x = { 0 };
	int r = 0;

	if (ns_ifaces_build(plan, &x) < 0) {
		ns_ifaces_free(&x);
		return nslab_err(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_nodes && r >= 0; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (!plan->node_included[i])
			continue;
		for (size_t k = 0; k < n->n_routes; k++) {
			struct nslab_op *op = add_op(plan, NSLAB_OP_ROUTE, b->node_ns[i]);

			if (!op) {
				r = nslab_err(err, ENOMEM, "out of memory");
				break;
			}
			op->node = n;
			op->route = &n->routes[k];
			if (n->routes[k].family == AF_INET6)
				plan->ns[b->node_ns[i]].uses_ipv6 = true;
			if (n->routes[k].dev) {
				op->ifname = n->routes[k].dev;
				op->ifindex = find_ifindex(&x, b->node_ns[i], op->ifname);
			}
		}
	}
	ns_ifaces_free(&x);
	return r < 0 ? r : plan_default_routes(b, err);
}

/*
 * Each link end with `netem` gets its root qdisc once the lab's links are up
 * and addressed.  A bridge node's port and a host link's host end are veths
 * in the host namespace like the others (found by name there).
 */
static int plan_netems(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_links; i++) {
		const struct nslab_link *l = &t->links[i];

		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &l->ep[e];
			struct nslab_op *op;

			if (!ep->netem.set || !end_built(plan, l, e))
				continue;
			op = add_op(plan, NSLAB_OP_NETEM, b->node_ns[ep->node]);
			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			op->link = l;
			op->node = &t->nodes[ep->node];
			op->ifname = ep->ifname;
			op->ifindex = b->ep_ifindex[i][e];
			op->mtu = l->mtu;
			op->netem = &ep->netem;
		}
	}
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct nslab_tunnel *tn = &t->tunnels[i];
		struct nslab_op *op;

		if (!plan->node_included[tn->ep.node] || !tn->ep.netem.set)
			continue;
		op = add_op(plan, NSLAB_OP_NETEM, b->node_ns[tn->ep.node]);
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->node = &t->nodes[tn->ep.node];
		op->ifname = tn->ep.ifname;
		op->ifindex = b->tn_ifindex[i];
		op->mtu = tn->mtu ? tn->mtu : 1500;
		op->netem = &tn->ep.netem;
	}
	return 0;
}

/* Depth-first: a node's exec after those of the nodes it waits for (no cycles: parser). */
static int exec_node(struct builder *b, size_t i, uint8_t *mark, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;
	const struct nslab_node *n = &t->nodes[i];

	if (mark[i])
		return 0;
	mark[i] = 1;
	for (size_t k = 0; k < n->n_wait_for; k++) {
		long w = nslab_topo_find_node(t, n->wait_for[k].s);
		int r;

		if (w >= 0) {
			r = exec_node(b, (size_t)w, mark, err);
			if (r < 0)
				return r;
		}
	}
	if (!plan->node_included[i])
		return 0;
	for (size_t k = 0; k < n->n_exec; k++) {
		struct nslab_op *op = add_op(plan, NSLAB_OP_EXEC, b->node_ns[i]);

		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		op->node = n;
		op->cmd = n->exec[k].s;
		/* startup-delay: before the node's first command */
		op->delay = k == 0 ? n->startup_delay : 0;
	}
	return 0;
}

/* exec commands in node order, except that `wait-for` nodes go first. */
static int plan_execs(struct builder *b, struct nslab_error *err)
{
	const struct nslab_topo *t = b->plan->topo;
	uint8_t *mark = calloc(t->n_nodes + 1, 1);
	int r = 0;

	if (!mark)
		return nslab_err(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_nodes && r >= 0; i++)
		r = exec_node(b, i, mark, err);
	free(mark);
	return r;
}

/*
 * Multi-host: the local end of each link across hosts, as a point-to-point
 * VXLAN with that end's name (in a bridge: its port), and one VXLAN per
 * remote member host of each stretched segment, an isolated port of the
 * segment's bridge (split horizon: what came from one tunnel never leaves
 * by another, so the full mesh needs no STP).  Then the veth ports of the
 * bridges that carry them are marked for the tunnels' MTU.
 */
static int plan_mh_tunnels(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;
	const struct nslab_plan_mh *mh = plan->mh;
	const char *local;
	size_t first;

	if (!mh)
		return 0;
	local = t->hosts[mh->host].address;
	first = plan->n_ops;
	for (size_t i = 0; i < t->n_links; i++) {
		const struct nslab_link *l = &t->links[i];
		int e = mh_local_end(plan, l), ns;
		const struct nslab_endpoint *ep;
		struct nslab_plan_tunnel *pt;
		struct nslab_op *op;

		if (e < 0)
			continue;
		ep = &l->ep[e];
		ns = b->node_ns[ep->node];
		pt = plan_tunnel_new(plan);
		op = pt ? add_op(plan, NSLAB_OP_TUNNEL, ns) : NULL;
		if (!op)
			return nslab_err(err, ENOMEM, "out of memory");
		*pt = (struct nslab_plan_tunnel){
			.kind = "vxlan",
			.id = mh->link_vni[i],
			.local = local,
			.remote = t->hosts[mh->link_remote[i]].address,
			.port = NSLAB_MH_PORT,
			.mtu = l->mtu_set ? l->mtu : 0,
		};
		op->link = l;
		op->node = &t->nodes[ep->node];
		op->ifname = ep->ifname;
		op->ifindex = new_ifindex(plan, ns);
		if (if_mac(plan, ns, &t->nodes[ep->node], ep->ifname, ep->mac, &op->mac) < 0)
			return nslab_err(err, ENOMEM, "out of memory");
		op->mtu = pt->mtu;
		op->tunnel = pt;
		set_master(b, ep->node, &op->master, &op->master_ifindex);
		b->ep_ifindex[i][e] = op->ifindex;
	}
	for (size_t s = 0; s < mh->n_segs; s++) {
		const struct mh_seg *sg = &mh->segs[s];

		for (size_t k = 0; k < sg->n_tunnels; k++) {
			const struct mh_seg_tunnel *tn = &sg->tunnels[k];
			int ns = sg->node >= 0 ? b->node_ns[sg->node] : 0;
			struct nslab_plan_tunnel *pt = plan_tunnel_new(plan);
			struct nslab_op *op = pt ? add_op(plan, NSLAB_OP_TUNNEL, ns) : NULL;

			if (!op || !(op->ifname = plan_strf(plan, "%s", tn->ifname)))
				return nslab_err(err, ENOMEM, "out of memory");
			*pt = (struct nslab_plan_tunnel){
				.kind = "vxlan",
				.id = tn->vni,
				.local = local,
				.remote = t->hosts[tn->remote].address,
				.port = NSLAB_MH_PORT,
				.isolated = true,
			};
			op->ifindex = new_ifindex(plan, ns);
			op->tunnel = pt;
			if (sg->node >= 0) {
				op->node = &t->nodes[sg->node];
				set_master(b, (size_t)sg->node, &op->master, &op->master_ifindex);
			} else {
				op->network = &t->networks[sg->network];
				op->master = op->network->bridge;
			}
		}
	}
	/* A veth port of a bridge that has a tunnel port here takes the tunnels' MTU. */
	for (size_t i = 0; i < plan->n_ops; i++) {
		struct nslab_op *v = &plan->ops[i];

		/* A stretched network's bridge follows its ports' MTU (the kernel's default). */
		if (v->type == NSLAB_OP_BRIDGE && v->network && !v->network->mtu_set)
			for (size_t k = first; k < plan->n_ops; k++)
				if (plan->ops[k].type == NSLAB_OP_TUNNEL &&
				    plan->ops[k].network == v->network)
					v->mtu = 0;
		if (v->type != NSLAB_OP_VETH)
			continue;
		for (size_t k = first; k < plan->n_ops && !v->tunnel; k++) {
			const struct nslab_op *tu = &plan->ops[k];

			if (tu->type != NSLAB_OP_TUNNEL || !tu->master)
				continue;
			if ((v->master && v->ns == tu->ns && streq(v->master, tu->master)) ||
			    (v->peer_master && v->peer_ns == tu->ns &&
			     streq(v->peer_master, tu->master)))
				v->tunnel = tu->tunnel;
		}
		if (v->tunnel &&
		    ((v->link && !v->link->mtu_set) || (v->network && !v->network->mtu_set)))
			v->mtu = 0; /* deploy: the tunnels' */
	}
	return 0;
}

/* Which host of @topo is @host (NULL: none); errors name the hosts. */
static int find_host(const struct nslab_topo *topo, const char *host, int *ret,
		     struct nslab_error *err)
{
	char list[512];
	size_t len = 0;

	*ret = -1;
	if (!host)
		return 0;
	list[0] = '\0';
	for (size_t i = 0; i < topo->n_hosts; i++) {
		if (streq(topo->hosts[i].name, host)) {
			*ret = (int)i;
			return 0;
		}
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						i ? ", " : "", topo->hosts[i].name);
	}
	if (topo->n_hosts == 0)
		return nslab_err(err, ENOENT,
				 "--host %s: lab '%s' has no 'hosts'; it is deployed whole, "
				 "without --host",
				 host, topo->name);
	return nslab_err(err, ENOENT, "--host: no host '%s' in lab '%s'; its hosts are: %s", host,
			 topo->name, list);
}

int nslab_plan_build(const struct nslab_topo *topo, const char *filter, struct nslab_plan **ret,
		     struct nslab_error *err)
{
	return nslab_plan_build_host(topo, filter, NULL, ret, err);
}

int nslab_plan_build_host(const struct nslab_topo *topo, const char *filter, const char *host,
			  struct nslab_plan **ret, struct nslab_error *err)
{
	struct nslab_plan *plan;
	struct builder b = { 0 };
	int r, h;

	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return nslab_err(err, ENOMEM, "out of memory");
	plan->topo = topo;
	snprintf(plan->mark, sizeof(plan->mark), "nslab:%s", topo->name);
	plan->node_included = calloc(topo->n_nodes + 1, sizeof(bool));
	b.plan = plan;
	b.node_ns = calloc(topo->n_nodes + 1, sizeof(int));
	b.bridge_ifindex = calloc(topo->n_nodes + 1, sizeof(int));
	b.ep_ifindex = calloc(topo->n_links + 1, sizeof(*b.ep_ifindex));
	b.tn_ifindex = calloc(topo->n_tunnels + 1, sizeof(*b.tn_ifindex));
	if (!plan->node_included || !b.node_ns || !b.bridge_ifindex || !b.ep_ifindex ||
	    !b.tn_ifindex) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	r = find_host(topo, host, &h, err);
	if (r >= 0 && h >= 0)
		r = plan_mh_layout(topo, h, &plan->mh, err);
	if (r >= 0)
		r = parse_filter(plan, filter, err);
	for (size_t i = 0; r >= 0 && plan->mh && i < topo->n_nodes; i++)
		plan->node_included[i] &= plan->mh->node_here[i];
	if (r >= 0)
		r = plan_namespaces(&b, err);
	if (r >= 0)
		r = plan_bridges(&b, err);
	if (r >= 0)
		r = plan_veths(&b, err);
	if (r >= 0)
		r = plan_attachments(&b, err);
	if (r >= 0)
		r = plan_tunnels(&b, err);
	if (r >= 0)
		r = plan_mh_tunnels(&b, err);
	if (r >= 0)
		r = plan_sysctls(&b, err);
	if (r >= 0)
		r = plan_ups(&b, err);
	if (r >= 0)
		r = plan_addrs(&b, err);
	if (r >= 0)
		r = plan_tunnel_addrs(&b, err);
	if (r >= 0)
		r = plan_network_addrs(&b, err);
	if (r >= 0)
		r = plan_routes(&b, err);
	if (r >= 0)
		r = plan_netems(&b, err);
	if (r >= 0)
		r = plan_firewall(&b, err);
	if (r >= 0)
		r = plan_execs(&b, err);
	if (r >= 0)
		r = plan_services(&b, err);
out:
	free(b.node_ns);
	free(b.bridge_ifindex);
	free(b.ep_ifindex);
	free(b.tn_ifindex);
	if (r < 0) {
		nslab_plan_free(plan);
		return r;
	}
	*ret = plan;
	return 0;
}
