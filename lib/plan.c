// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a topology to ordered operations: namespaces, bridges, veths, sysctls, addresses, routes, exec. */
#include <stdio.h>
#include <sys/socket.h>

#include "nslab/plan.h"
#include "nslab/sysctl.h"
#include "util.h"

static const char *const op_names[NSLAB_OP_MAX] = {
	[NSLAB_OP_NETNS] = "netns",   [NSLAB_OP_BRIDGE] = "bridge", [NSLAB_OP_VETH] = "veth",
	[NSLAB_OP_SYSCTL] = "sysctl", [NSLAB_OP_UP] = "up",	    [NSLAB_OP_ADDR] = "addr",
	[NSLAB_OP_ROUTE] = "route",   [NSLAB_OP_EXEC] = "exec",
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
	free(plan);
}

/* Per node: its namespace index in plan->ns (0 = host). */
struct builder {
	struct nslab_plan *plan;
	int *node_ns;
	int *bridge_ifindex; /* per node: ifindex of its bridge (switch: br0), 0: host bridge */
	int (*ep_ifindex)[2]; /* per link end: the ifindex chosen for it */
};

int nslab_plan_node_ns(const struct nslab_plan *plan, const struct nslab_node *node)
{
	for (size_t i = 1; i < plan->n_ns; i++)
		if (plan->ns[i].node == node)
			return (int)i;
	return 0;
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

static int new_ifindex(struct nslab_plan *plan, int ns)
{
	return ns == 0 ? 0 : plan->ns[ns].next_ifindex++;
}

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
	return 0;
}

static bool in_own_ns(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_LINUX || n->kind == NSLAB_KIND_SWITCH;
}

/* A link is built when every end that is a node of its own is included. */
static bool link_included(const struct nslab_plan *plan, const struct nslab_link *l)
{
	bool any = false;

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
		b->node_ns[i] = ns;
		/* exec commands may configure IPv6 the file does not show. */
		if (n->n_exec)
			plan->ns[ns].uses_ipv6 = true;
		if (!plan->node_included[i])
			continue;
		op = add_op(plan, NSLAB_OP_NETNS, ns);
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
		op->mac = a->mac;
		op->peer_ns = ns_z;
		op->peer_ifname = z->ifname;
		op->peer_ifindex = new_ifindex(plan, ns_z);
		op->peer_mac = z->mac;
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

/* The peer ends come up once every pair exists: one flush per phase. */
static int plan_ups(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	size_t n = plan->n_ops;

	for (size_t i = 0; i < n; i++) {
		struct nslab_op *op, *veth = &plan->ops[i];

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

/*
 * Find the ifindex nslab gave @ifname in namespace @ns (0 when not ours).
 * Linear: used only for the `dev` of routes.
 */
static int find_ifindex(const struct nslab_plan *plan, int ns, const char *ifname)
{
	if (ns == 0)
		return 0;
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (op->type == NSLAB_OP_VETH && op->ns == ns && streq(op->ifname, ifname))
			return op->ifindex;
		if (op->type == NSLAB_OP_VETH && op->peer_ns == ns &&
		    streq(op->peer_ifname, ifname))
			return op->peer_ifindex;
		if (op->type == NSLAB_OP_BRIDGE && op->ns == ns && streq(op->ifname, ifname))
			return op->ifindex;
	}
	return 0;
}

static int plan_addrs(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_links; i++) {
		const struct nslab_link *l = &t->links[i];

		if (!link_included(plan, l))
			continue;
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &l->ep[e];
			int ns = b->node_ns[ep->node];
			int idx = b->ep_ifindex[i][e];

			for (size_t k = 0; k < ep->n_ipv4 + ep->n_ipv6; k++) {
				struct nslab_op *op = add_op(plan, NSLAB_OP_ADDR, ns);

				if (!op)
					return nslab_err(err, ENOMEM, "out of memory");
				op->link = l;
				op->node = &t->nodes[ep->node];
				op->ifname = ep->ifname;
				op->ifindex = idx;
				op->addr =
					k < ep->n_ipv4 ? ep->ipv4[k].s : ep->ipv6[k - ep->n_ipv4].s;
				if (k >= ep->n_ipv4)
					plan->ns[ns].uses_ipv6 = true;
			}
		}
	}
	return 0;
}

static int plan_routes(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (!plan->node_included[i])
			continue;
		for (size_t k = 0; k < n->n_routes; k++) {
			struct nslab_op *op = add_op(plan, NSLAB_OP_ROUTE, b->node_ns[i]);

			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			op->node = n;
			op->route = &n->routes[k];
			if (n->routes[k].family == AF_INET6)
				plan->ns[b->node_ns[i]].uses_ipv6 = true;
			if (n->routes[k].dev) {
				op->ifname = n->routes[k].dev;
				op->ifindex = find_ifindex(plan, b->node_ns[i], op->ifname);
			}
		}
	}
	return 0;
}

static int plan_execs(struct builder *b, struct nslab_error *err)
{
	struct nslab_plan *plan = b->plan;
	const struct nslab_topo *t = plan->topo;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (!plan->node_included[i])
			continue;
		for (size_t k = 0; k < n->n_exec; k++) {
			struct nslab_op *op = add_op(plan, NSLAB_OP_EXEC, b->node_ns[i]);

			if (!op)
				return nslab_err(err, ENOMEM, "out of memory");
			op->node = n;
			op->cmd = n->exec[k].s;
		}
	}
	return 0;
}

int nslab_plan_build(const struct nslab_topo *topo, const char *filter, struct nslab_plan **ret,
		     struct nslab_error *err)
{
	struct nslab_plan *plan;
	struct builder b = { 0 };
	int r;

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
	if (!plan->node_included || !b.node_ns || !b.bridge_ifindex || !b.ep_ifindex) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	r = parse_filter(plan, filter, err);
	if (r >= 0)
		r = plan_namespaces(&b, err);
	if (r >= 0)
		r = plan_bridges(&b, err);
	if (r >= 0)
		r = plan_veths(&b, err);
	if (r >= 0)
		r = plan_sysctls(&b, err);
	if (r >= 0)
		r = plan_ups(&b, err);
	if (r >= 0)
		r = plan_addrs(&b, err);
	if (r >= 0)
		r = plan_routes(&b, err);
	if (r >= 0)
		r = plan_execs(&b, err);
out:
	free(b.node_ns);
	free(b.bridge_ifindex);
	free(b.ep_ifindex);
	if (r < 0) {
		nslab_plan_free(plan);
		return r;
	}
	*ret = plan;
	return 0;
}
