// SPDX-License-Identifier: LGPL-2.1-or-later
/* The graph model of a topology: nodes, network segments, cables and their labels. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nslab/graph.h"
#include "nslab/plan.h"
#include "nslab/state.h"
#include "util.h"

/* At most this many addresses are listed on a link end's label; the rest as "+N". */
#define END_ADDRS_MAX 5

static const char *const state_names[NSLAB_GRAPH_STATE_MAX] = {
	[NSLAB_GRAPH_UNKNOWN] = NULL,	       [NSLAB_GRAPH_RUNNING] = "running",
	[NSLAB_GRAPH_PRESENT] = "present",     [NSLAB_GRAPH_UP] = "up",
	[NSLAB_GRAPH_LOWERDOWN] = "lowerdown", [NSLAB_GRAPH_DOWN] = "down",
	[NSLAB_GRAPH_ABSENT] = "absent",
};

const char *nslab_graph_state_to_string(enum nslab_graph_state s)
{
	return s < NSLAB_GRAPH_STATE_MAX ? state_names[s] : NULL;
}

size_t nslab_graph_text_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static enum nslab_graph_shape kind_shape(enum nslab_kind k)
{
	switch (k) {
	case NSLAB_KIND_SWITCH:
		return NSLAB_GRAPH_SHAPE_HEXAGON;
	case NSLAB_KIND_BRIDGE:
		return NSLAB_GRAPH_SHAPE_SEGMENT;
	case NSLAB_KIND_HOST:
		return NSLAB_GRAPH_SHAPE_BOX;
	case NSLAB_KIND_EXT:
		return NSLAB_GRAPH_SHAPE_ELLIPSE;
	case NSLAB_KIND_LINUX:
	case NSLAB_KIND_MAX:
		break;
	}
	return NSLAB_GRAPH_SHAPE_ROUND;
}

static int add_node(struct nslab_graph *g, const char *name, size_t *ret)
{
	if (GROW(g->nodes, g->nodes_cap, g->n_nodes) < 0)
		return -ENOMEM;
	g->nodes[g->n_nodes].name = name;
	g->nodes[g->n_nodes].host = -1;
	*ret = g->n_nodes++;
	return 0;
}

/* Add an interface to graph node @gn; *@ret is its index. */
static int add_if(struct nslab_graph *g, size_t gn, const char *name, size_t *ret)
{
	struct nslab_graph_node *n = &g->nodes[gn];

	if (GROW(n->ifs, n->ifs_cap, n->n_ifs) < 0)
		return -ENOMEM;
	n->ifs[n->n_ifs].name = name;
	n->ifs[n->n_ifs].mtu = 1500;
	*ret = n->n_ifs++;
	return 0;
}

static int add_addr(struct nslab_graph_if *f, const char *a)
{
	const char **v = realloc(f->addrs, (f->n_addrs + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[f->n_addrs++] = a;
	f->addrs = v;
	return 0;
}

/* Link end @e of graph link @l is interface @iface of graph node @gn. */
static void set_end(struct nslab_graph *g, size_t l, int e, size_t gn, size_t iface)
{
	g->links[l].end[e].node = gn;
	g->links[l].end[e].iface = iface;
	g->nodes[gn].ifs[iface].link = l;
	g->nodes[gn].ifs[iface].end = e;
}

static int add_link(struct nslab_graph *g, const struct nslab_link *tl, unsigned int mtu,
		    size_t *ret)
{
	if (GROW(g->links, g->links_cap, g->n_links) < 0)
		return -ENOMEM;
	g->links[g->n_links].link = tl;
	g->links[g->n_links].mtu = mtu;
	*ret = g->n_links++;
	return 0;
}

/* Copy endpoint @ep's file settings into interface @f. */
static int ep_if(struct nslab_graph_if *f, const struct nslab_endpoint *ep, unsigned int mtu)
{
	int r = 0;

	f->mac = ep->mac;
	f->mtu = mtu;
	for (size_t k = 0; k < ep->n_ipv4 && r >= 0; k++)
		r = add_addr(f, ep->ipv4[k].s);
	for (size_t k = 0; k < ep->n_ipv6 && r >= 0; k++)
		r = add_addr(f, ep->ipv6[k].s);
	return r;
}

static int file_link(struct nslab_graph *g, const struct nslab_link *tl)
{
	size_t l, iface;
	int r;

	r = add_link(g, tl, tl->mtu, &l);
	for (int e = 0; e < 2 && r >= 0; e++) {
		const struct nslab_endpoint *ep = &tl->ep[e];
		struct nslab_graph_if *f;

		/* Topology nodes are the first graph nodes, in the same order. */
		r = add_if(g, ep->node, ep->ifname, &iface);
		if (r < 0)
			break;
		f = &g->nodes[ep->node].ifs[iface];
		r = ep_if(f, ep, tl->mtu);
		set_end(g, l, e, ep->node, iface);
	}
	if (r < 0)
		return r;
	g->links[l].cross_host = nslab_link_crosses_hosts(g->topo, tl);
	return 0;
}

/* Node @i's place on network @a->network: its interface, and the network's port. */
static int attach_link(struct nslab_graph *g, size_t i, const struct nslab_attach *a)
{
	const struct nslab_topo *t = g->topo;
	const struct nslab_network *net = &t->networks[a->network];
	size_t gnet = t->n_nodes + a->network, l, iface, port;
	unsigned int mtu = net->mtu ? net->mtu : 1500;
	struct nslab_graph_if *f;
	int r;

	r = add_link(g, NULL, mtu, &l);
	if (r >= 0)
		r = add_if(g, i, a->ifname, &iface);
	if (r >= 0)
		r = add_if(g, gnet, NULL, &port);
	if (r < 0)
		return r;
	f = &g->nodes[i].ifs[iface];
	f->mtu = mtu;
	if (a->ipv4)
		r = add_addr(f, a->ipv4);
	if (r >= 0 && a->ipv6)
		r = add_addr(f, a->ipv6);
	f = &g->nodes[gnet].ifs[port];
	f->mtu = mtu;
	/* f->name is set once the array stops moving (nslab_graph_build()). */
	nslab_plan_network_port(t->name, t->nodes[i].name, a->ifname, f->port);
	set_end(g, l, 0, i, iface);
	set_end(g, l, 1, gnet, port);
	return r;
}

static const char *tunnel_type(const struct nslab_tunnel *tn)
{
	switch (tn->type) {
	case NSLAB_LINK_VXLAN:
		return "vxlan";
	case NSLAB_LINK_GRE:
		return "gre";
	default:
		return "dummy";
	}
}

const char *nslab_graph_link_type(const struct nslab_graph_link *l)
{
	if (l->tunnel)
		return tunnel_type(l->tunnel);
	if (!l->link)
		return "network";
	return l->link->type == NSLAB_LINK_HOST ? "host" : "veth";
}

/*
 * Tunnel @k: its interface on its node, the remote graph node @gn's one
 * end (named by the tunnel's type), and the cable between them.  The MTU
 * is 0 when the file gives none (the kernel or the parent decides).
 */
static int tunnel_link(struct nslab_graph *g, size_t k, size_t gn)
{
	const struct nslab_tunnel *tn = &g->topo->tunnels[k];
	size_t l, iface, far;
	int r;

	r = add_link(g, NULL, tn->mtu, &l);
	if (r >= 0)
		r = add_if(g, tn->ep.node, tn->ep.ifname, &iface);
	if (r >= 0)
		r = add_if(g, gn, tunnel_type(tn), &far);
	if (r < 0)
		return r;
	g->links[l].tunnel = tn;
	g->nodes[gn].ifs[far].mtu = tn->mtu;
	r = ep_if(&g->nodes[tn->ep.node].ifs[iface], &tn->ep, tn->mtu);
	set_end(g, l, 0, tn->ep.node, iface);
	set_end(g, l, 1, gn, far);
	return r;
}

/* A remote: named after its tunnel's end, placed on the host with its address, if any. */
static int add_remote(struct nslab_graph *g, size_t k)
{
	const struct nslab_topo *t = g->topo;
	const struct nslab_tunnel *tn = &t->tunnels[k];
	char *name = xasprintf("%s:%s", t->nodes[tn->ep.node].name, tn->ep.ifname);
	struct nslab_graph_node *n;
	size_t idx;

	if (!name || add_node(g, name, &idx) < 0) {
		free(name);
		return -ENOMEM;
	}
	n = &g->nodes[idx];
	n->own_name = name;
	n->tunnel = tn;
	n->shape = NSLAB_GRAPH_SHAPE_REMOTE;
	for (size_t h = 0; h < t->n_hosts && tn->remote; h++)
		if (streq(t->hosts[h].address, tn->remote))
			n->host = (int)h;
	return 0;
}

/* "vxlan 42" / "192.168.0.2", "gre key 7" / its remote, "dummy" / "no far end". */
static void remote_lines(struct nslab_graph_node *n)
{
	const struct nslab_tunnel *tn = n->tunnel;

	if (tn->type == NSLAB_LINK_VXLAN)
		n->lines[0] = xasprintf("vxlan %u", tn->vni);
	else if (tn->type == NSLAB_LINK_GRE && tn->vni)
		n->lines[0] = xasprintf("gre key %u", tn->vni);
	else
		n->lines[0] = strdup(tunnel_type(tn));
	n->n_lines = 1;
	if (tn->type == NSLAB_LINK_DUMMY)
		n->lines[n->n_lines++] = strdup("no far end");
	else if (tn->remote)
		n->lines[n->n_lines++] = strdup(tn->remote);
}

static int node_lines(const struct nslab_topo *t, struct nslab_graph_node *n)
{
	if (n->tunnel) {
		remote_lines(n);
	} else if (n->node) {
		n->lines[0] = strdup(n->name);
		n->lines[1] = strdup(nslab_kind_to_string(n->node->kind));
		n->n_lines = 2;
	} else {
		n->lines[0] = xasprintf("network %s", n->name);
		n->lines[1] = strdup(n->net->subnet);
		n->n_lines = 2;
		if (n->net->subnet6)
			n->lines[n->n_lines++] = strdup(n->net->subnet6);
	}
	if (n->host >= 0 && (size_t)n->host < t->n_hosts)
		n->lines[n->n_lines++] = xasprintf("@%s", t->hosts[n->host].name);
	for (size_t k = 0; k < n->n_lines; k++)
		if (!n->lines[k])
			return -ENOMEM;
	return 0;
}

/* The label of a link end: interface name, then the file's addresses. */
static int end_lines(struct nslab_graph *g, struct nslab_graph_end *e)
{
	const struct nslab_graph_node *n = &g->nodes[e->node];
	const struct nslab_graph_if *f = &n->ifs[e->iface];
	size_t k;

	if (!n->node) /* a network's port (named by a hash), a remote: no label */
		return 0;
	e->lines[e->n_lines++] = strdup(f->name);
	for (k = 0; k < f->n_addrs && k < END_ADDRS_MAX; k++)
		e->lines[e->n_lines++] = strdup(f->addrs[k]);
	if (k < f->n_addrs)
		e->lines[e->n_lines++] = xasprintf("+%zu more", f->n_addrs - k);
	for (k = 0; k < e->n_lines; k++)
		if (!e->lines[k])
			return -ENOMEM;
	return 0;
}

int nslab_graph_build(const struct nslab_topo *topo, struct nslab_graph **ret,
		      struct nslab_error *err)
{
	struct nslab_graph *g = calloc(1, sizeof(*g));
	size_t idx;
	int r = 0;

	if (!g)
		return nslab_err(err, ENOMEM, "out of memory");
	g->topo = topo;
	for (size_t i = 0; i < topo->n_nodes && r >= 0; i++) {
		r = add_node(g, topo->nodes[i].name, &idx);
		if (r < 0)
			break;
		g->nodes[idx].node = &topo->nodes[i];
		g->nodes[idx].shape = kind_shape(topo->nodes[i].kind);
		g->nodes[idx].host = topo->nodes[i].host;
	}
	for (size_t k = 0; k < topo->n_networks && r >= 0; k++) {
		r = add_node(g, topo->networks[k].name, &idx);
		if (r < 0)
			break;
		g->nodes[idx].net = &topo->networks[k];
		g->nodes[idx].shape = NSLAB_GRAPH_SHAPE_SEGMENT;
	}
	for (size_t k = 0; k < topo->n_tunnels && r >= 0; k++)
		r = add_remote(g, k);
	for (size_t l = 0; l < topo->n_links && r >= 0; l++)
		r = file_link(g, &topo->links[l]);
	for (size_t i = 0; i < topo->n_nodes && r >= 0; i++)
		for (size_t k = 0; k < topo->nodes[i].n_networks && r >= 0; k++)
			r = attach_link(g, i, &topo->nodes[i].networks[k]);
	for (size_t k = 0; k < topo->n_tunnels && r >= 0; k++)
		r = tunnel_link(g, k, topo->n_nodes + topo->n_networks + k);
	for (size_t i = topo->n_nodes; i < g->n_nodes && r >= 0; i++)
		for (size_t k = 0; k < g->nodes[i].n_ifs && g->nodes[i].net; k++)
			g->nodes[i].ifs[k].name = g->nodes[i].ifs[k].port;
	for (size_t i = 0; i < g->n_nodes && r >= 0; i++)
		r = node_lines(topo, &g->nodes[i]);
	for (size_t l = 0; l < g->n_links && r >= 0; l++)
		for (int e = 0; e < 2 && r >= 0; e++)
			r = end_lines(g, &g->links[l].end[e]);
	if (r < 0) {
		nslab_graph_free(g);
		return nslab_err(err, r, "out of memory");
	}
	*ret = g;
	return 0;
}

void nslab_graph_free(struct nslab_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_nodes; i++) {
		struct nslab_graph_node *n = &g->nodes[i];

		for (size_t k = 0; k < n->n_ifs; k++) {
			free(n->ifs[k].addrs);
			nslab_strv_free(n->ifs[k].live_addrs, n->ifs[k].n_live_addrs);
		}
		free(n->ifs);
		free(n->own_name);
		for (size_t k = 0; k < n->n_lines; k++)
			free(n->lines[k]);
	}
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++)
			for (size_t k = 0; k < g->links[l].end[e].n_lines; k++)
				free(g->links[l].end[e].lines[k]);
	free(g->nodes);
	free(g->links);
	free(g);
}

void nslab_graph_peer(const struct nslab_graph *g, size_t node, size_t iface, size_t *ret_node,
		      size_t *ret_iface)
{
	const struct nslab_graph_if *f = &g->nodes[node].ifs[iface];
	const struct nslab_graph_end *far = &g->links[f->link].end[!f->end];

	*ret_node = far->node;
	*ret_iface = far->iface;
}
