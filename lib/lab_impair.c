// SPDX-License-Identifier: LGPL-2.1-or-later
/* Impairments and link state of a deployed lab's interfaces, at run time. */
#include <stdio.h>

#include "nslab/ifref.h"
#include "nslab/impair.h"
#include "nslab/lab.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/plan.h"
#include "nslab/rtmsg.h"
#include "lab_internal.h"
#include "util.h"

/* One end of a cable: where it is, and a socket in its namespace. */
struct end {
	const struct nslab_node *node; /* NULL: a network's host port */
	const char *netns; /* NULL: the host namespace */
	const char *ifname;
	char label[300];
	struct nslab_nl *nl;
	int ifindex;
	unsigned int mtu;
};

static void end_close(struct end *e)
{
	nslab_nl_close(e->nl);
	e->nl = NULL;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct end *e = data;
	struct nslab_link_info li;

	if (nslab_link_parse(nlh, &li) == 0) {
		e->ifindex = li.ifindex;
		e->mtu = li.mtu;
	}
	return 0;
}

/* Open a socket in @e's namespace and find the device by name. */
static int end_open(struct end *e, struct nslab_error *err)
{
	struct nslab_link_req req;
	int fd = -1, r;

	if (e->netns) {
		r = nslab_netns_open(e->netns, &fd, err);
		if (r < 0)
			return nslab_err(err, r,
					 "%s: namespace %s is gone\nhint: is the lab deployed? "
					 "nslab inspect shows it",
					 e->label, e->netns);
		r = nslab_nl_open_netns(fd, &e->nl, err);
		close(fd);
	} else {
		r = nslab_nl_open(&e->nl, err);
	}
	if (r < 0)
		return nslab_err_prefix(err, "%s", e->label);
	nslab_link_req_init(&req);
	req.ifname = e->ifname;
	r = nslab_nl_request(e->nl, nslab_msg_getlink, &req, e->label, link_cb, e, err);
	if (r == -ENODEV)
		return nslab_err(
			err, ENODEV, "%s: no interface %s in %s%s (deleted since the deploy?)",
			e->label, e->ifname, e->netns ? "namespace " : "the host namespace",
			e->netns ? e->netns : "");
	if (r >= 0 && e->ifindex <= 0)
		r = nslab_err(err, ENODEV, "%s: the kernel did not describe %s", e->label,
			      e->ifname);
	return r;
}

/* The host of `hosts:` where @n is placed, or NULL (unplaced, or no hosts). */
static const char *node_host(const struct nslab_topo *topo, const struct nslab_node *n)
{
	if (!n || n->host < 0 || (size_t)n->host >= topo->n_hosts)
		return NULL;
	return topo->hosts[n->host].name;
}

/*
 * "NODE:IFACE" and, when it has one, the far end of its veth.  In a lab
 * spread over hosts, only this machine's share is here: a node of another
 * host is an error that says where to run the command, and the far end of a
 * link to another host (a VXLAN at each end) is left to that host: taking
 * the local end down cuts the link both ways, as pulling one plug would.
 */
static int resolve(const struct nslab_topo *topo, const char *spec, struct nslab_ifref *ref,
		   struct end ends[2], int *ret_n, struct nslab_error *err)
{
	_cleanup_free_ char *here = NULL;
	const char *at, *peer_at;
	int r = nslab_ifref_resolve(topo, spec, ref, err);

	if (r < 0)
		return r;
	if (topo->n_hosts && nslab_lab_host(topo->name, &here, err) < 0) {
		err->code = 0; /* not deployed: end_open() says so */
		err->msg[0] = '\0';
	}
	at = node_host(topo, ref->node);
	if (here && at && !streq(at, here))
		return nslab_err(err, EREMOTE,
				 "%s: node %s is on host %s; this machine holds host %s's share of "
				 "lab '%s'\nhint: run the command on host %s",
				 spec, ref->node->name, at, here, topo->name, at);
	ends[0] = (struct end){ .node = ref->node, .netns = ref->netns, .ifname = ref->ifname };
	snprintf(ends[0].label, sizeof(ends[0].label), "%s:%s",
		 ref->node ? ref->node->name : "host", ref->ifname);
	*ret_n = 1;
	peer_at = node_host(topo, ref->peer_node);
	if (ref->peer_ifname && !(at && peer_at && !streq(at, peer_at))) {
		ends[1] = (struct end){ .node = ref->peer_node,
					.netns = ref->peer_netns,
					.ifname = ref->peer_ifname };
		snprintf(ends[1].label, sizeof(ends[1].label), "%s:%s",
			 ref->peer_node ? ref->peer_node->name : "host", ref->peer_ifname);
		*ret_n = 2;
	}
	return 0;
}

/* Open the end named by @spec alone. */
static int open_one(const struct nslab_topo *topo, const char *spec, struct nslab_ifref *ref,
		    struct end *e, struct nslab_error *err)
{
	struct end ends[2];
	int n, r;

	r = resolve(topo, spec, ref, ends, &n, err);
	if (r < 0)
		return r;
	*e = ends[0];
	r = end_open(e, err);
	if (r < 0)
		end_close(e);
	return r;
}

int nslab_lab_netem_set(const struct nslab_topo *topo, const char *spec,
			const struct nslab_netem *ne, struct nslab_error *err)
{
	struct nslab_ifref ref;
	struct end e;
	int r;

	r = nslab_netem_check(ne, err);
	if (r < 0)
		return r;
	r = open_one(topo, spec, &ref, &e, err);
	if (r < 0)
		return r;
	r = nslab_netem_apply(e.nl, e.ifindex, e.mtu, ne, e.label, err);
	end_close(&e);
	return r;
}

int nslab_lab_netem_show(const struct nslab_topo *topo, const char *spec,
			 struct nslab_netem_live *ret, struct nslab_error *err)
{
	struct nslab_ifref ref;
	struct end e;
	int r;

	r = open_one(topo, spec, &ref, &e, err);
	if (r < 0)
		return r;
	r = nslab_netem_read(e.nl, e.ifindex, ret, err);
	if (r < 0)
		nslab_err_prefix(err, "%s", e.label);
	end_close(&e);
	return r;
}

int nslab_lab_netem_clear(const struct nslab_topo *topo, const char *spec, struct nslab_error *err)
{
	struct nslab_ifref ref;
	struct end e;
	int r;

	r = open_one(topo, spec, &ref, &e, err);
	if (r < 0)
		return r;
	r = nslab_netem_remove(e.nl, e.ifindex, e.label, err);
	end_close(&e);
	return r;
}

/* Whether address @via lies in one of @n prefixes. */
static bool on_subnet(const struct nslab_prefix *p, size_t n, const char *via)
{
	struct nslab_prefix a;

	if (!via || nslab_prefix_parse(via, true, &a) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned int bits = p[i].len, full = bits / 8;

		if (p[i].family != a.family || memcmp(p[i].addr, a.addr, full) != 0)
			continue;
		if (bits % 8 == 0 ||
		    ((p[i].addr[full] ^ a.addr[full]) & (0xff00u >> (bits % 8)) & 0xff) == 0)
			return true;
	}
	return false;
}

/* A request whose object may exist already: a kept IPv4 address, a route not lost. */
static int request_idempotent(struct nslab_nl *nl, nslab_msg_builder build, const void *req,
			      const char *label, struct nslab_error *err)
{
	int r = nslab_nl_request(nl, build, req, label, NULL, NULL, err);

	if (r == -EEXIST) {
		err->code = 0;
		err->msg[0] = '\0';
		return 0;
	}
	return r;
}

/*
 * After `up`: the addresses the plan gives @e, then the routes of its node
 * that leave through it, as deploy made them (lib/deploy.c).
 */
static int restore(const struct nslab_plan *plan, struct end *e, struct nslab_error *err)
{
	struct nslab_prefix pfx[64];
	size_t n_pfx = 0;
	int ns = e->node ? nslab_plan_node_ns(plan, e->node) : 0;
	int r;

	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];
		struct nslab_addr_req req = { .ifindex = e->ifindex, .nodad = true };
		char label[256];

		if (op->type != NSLAB_OP_ADDR || op->ns != ns || !op->ifname ||
		    !streq(op->ifname, e->ifname))
			continue;
		if (nslab_prefix_parse(op->addr, false, &req.prefix) < 0)
			continue;
		if (n_pfx < ARRAY_SIZE(pfx))
			pfx[n_pfx++] = req.prefix;
		snprintf(label, sizeof(label), "%s: address %s", e->label, op->addr);
		r = request_idempotent(e->nl, nslab_msg_newaddr, &req, label, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];
		const struct nslab_route *rt = op->route;
		struct nslab_route_req req;
		char label[512];

		if (op->type != NSLAB_OP_ROUTE || op->ns != ns || ns == 0)
			continue;
		if (rt->dev ? !streq(rt->dev, e->ifname) : !on_subnet(pfx, n_pfx, rt->via))
			continue;
		r = lab_route_req(rt, op->node->name, &req, label, sizeof(label), err);
		if (r < 0)
			return r;
		if (rt->dev)
			req.oif = e->ifindex;
		r = request_idempotent(e->nl, nslab_msg_newroute, &req, label, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int nslab_lab_link_set(const struct nslab_topo *topo, const char *spec, bool up,
		       struct nslab_error *err)
{
	struct nslab_plan *plan = NULL;
	struct nslab_ifref ref;
	struct end ends[2];
	int n = 0, r;

	r = resolve(topo, spec, &ref, ends, &n, err);
	if (r < 0)
		return r;
	for (int i = 0; i < n; i++)
		ends[i].nl = NULL;
	for (int i = 0; i < n && r >= 0; i++)
		r = end_open(&ends[i], err);
	/* Both ends, as a cable: a veth whose peer is down has no carrier anyway. */
	for (int i = 0; i < n && r >= 0; i++) {
		struct nslab_link_req req;
		char label[400];

		nslab_link_req_init(&req);
		req.ifindex = ends[i].ifindex;
		req.up = up;
		snprintf(label, sizeof(label), "%s: set %s", ends[i].label, up ? "up" : "down");
		r = nslab_nl_request(ends[i].nl, nslab_msg_newlink, &req, label, NULL, NULL, err);
	}
	if (r >= 0 && up)
		r = nslab_plan_build(topo, NULL, &plan, err);
	for (int i = 0; i < n && r >= 0 && up; i++)
		r = restore(plan, &ends[i], err);
	nslab_plan_free(plan);
	for (int i = 0; i < n; i++)
		end_close(&ends[i]);
	return r;
}
