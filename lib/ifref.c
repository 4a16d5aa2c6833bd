// SPDX-License-Identifier: LGPL-2.1-or-later
/* "NODE:IFACE" to a namespace and an interface name, and the cable's far end. */
#include <stdio.h>
#include <string.h>

#include "nslab/ifref.h"
#include "nslab/plan.h"
#include "util.h"

static const char *node_netns(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_BRIDGE || n->kind == NSLAB_KIND_HOST ? NULL : n->netns;
}

static void set_end(struct nslab_ifref *r, const struct nslab_node *n, const char *ifname)
{
	r->node = n;
	r->netns = node_netns(n);
	r->ifname = ifname;
}

static void set_peer(struct nslab_ifref *r, const struct nslab_node *n, const char *netns,
		     const char *ifname)
{
	r->peer_node = n;
	r->peer_netns = netns;
	r->peer_ifname = ifname;
}

/* A link end of @node called @ifname. */
static bool find_link_end(const struct nslab_topo *t, size_t node, const char *ifname,
			  struct nslab_ifref *r)
{
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e];
			const struct nslab_endpoint *far = &t->links[l].ep[!e];

			if (ep->node != node || !streq(ep->ifname, ifname))
				continue;
			set_end(r, &t->nodes[node], ep->ifname);
			set_peer(r, &t->nodes[far->node], node_netns(&t->nodes[far->node]),
				 far->ifname);
			r->netem = ep->netem.set ? &ep->netem : NULL;
			return true;
		}
	return false;
}

/* @node's attachment to a network, by its interface name. */
static bool find_attach(const struct nslab_topo *t, size_t node, const char *ifname,
			struct nslab_ifref *r)
{
	const struct nslab_node *n = &t->nodes[node];

	for (size_t k = 0; k < n->n_networks; k++) {
		if (!streq(n->networks[k].ifname, ifname))
			continue;
		set_end(r, n, n->networks[k].ifname);
		nslab_plan_network_port(t->name, n->name, n->networks[k].ifname, r->buf[0]);
		set_peer(r, NULL, NULL, r->buf[0]);
		return true;
	}
	return false;
}

/* A host-namespace device of the lab: a network's bridge or host port. */
static bool find_host_device(const struct nslab_topo *t, const char *ifname, struct nslab_ifref *r)
{
	for (size_t k = 0; k < t->n_networks; k++)
		if (streq(t->networks[k].bridge, ifname)) {
			r->ifname = t->networks[k].bridge;
			return true;
		}
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		for (size_t k = 0; k < n->n_networks; k++) {
			nslab_plan_network_port(t->name, n->name, n->networks[k].ifname, r->buf[0]);
			if (!streq(r->buf[0], ifname))
				continue;
			r->ifname = r->buf[0];
			set_peer(r, n, n->netns, n->networks[k].ifname);
			return true;
		}
	}
	return false;
}

/* "eth1, eth2" — what @node does have, for the error message. */
static void list_ifaces(const struct nslab_topo *t, size_t node, char *buf, size_t size)
{
	const struct nslab_node *n = &t->nodes[node];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++)
			if (t->links[l].ep[e].node == node)
				len += snprintf(buf + len, len < size ? size - len : 0, "%s%s",
						len ? ", " : "", t->links[l].ep[e].ifname);
	for (size_t k = 0; k < n->n_networks; k++)
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? ", " : "",
				n->networks[k].ifname);
	if (len >= size && size > 4)
		strcpy(buf + size - 4, "...");
}

int nslab_ifref_resolve(const struct nslab_topo *topo, const char *spec, struct nslab_ifref *ret,
			struct nslab_error *err)
{
	const char *colon = strchr(spec, ':');
	char node_name[256], have[512];
	const struct nslab_node *n;
	long i;

	memset(ret, 0, sizeof(*ret));
	if (!colon || colon == spec || !colon[1] || (size_t)(colon - spec) >= sizeof(node_name))
		return nslab_err(err, EINVAL, "'%s': name an interface as NODE:IFACE, e.g. r1:eth1",
				 spec);
	memcpy(node_name, spec, colon - spec);
	node_name[colon - spec] = '\0';
	const char *ifname = colon + 1;

	i = nslab_topo_find_node(topo, node_name);
	if (i < 0 && streq(node_name, "host")) {
		if (find_host_device(topo, ifname, ret))
			return 0;
		return nslab_err(err, ENOENT,
				 "lab '%s' makes no host interface '%s' (host links are named "
				 "after their node: use NODE:IFACE)",
				 topo->name, ifname);
	}
	if (i < 0)
		return nslab_err(err, ENOENT, "no node '%s' in lab '%s'", node_name, topo->name);
	n = &topo->nodes[i];
	if (find_link_end(topo, i, ifname, ret) || find_attach(topo, i, ifname, ret))
		return 0;
	if ((n->kind == NSLAB_KIND_BRIDGE && streq(n->name, ifname)) ||
	    (n->kind == NSLAB_KIND_SWITCH && streq(ifname, "br0")) ||
	    (node_netns(n) && streq(ifname, "lo"))) {
		set_end(ret, n, n->kind == NSLAB_KIND_BRIDGE ? n->name : ifname);
		return 0;
	}
	if (n->kind == NSLAB_KIND_HOST && find_host_device(topo, ifname, ret))
		return 0;
	list_ifaces(topo, i, have, sizeof(have));
	return nslab_err(err, ENOENT, "node '%s' has no interface '%s' in the file%s%s%s", n->name,
			 ifname, have[0] ? " (it has: " : "", have, have[0] ? ")" : "");
}
