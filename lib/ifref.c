// SPDX-License-Identifier: LGPL-2.1-or-later
/* "NODE:IFACE" to a namespace and an interface name, and the cable's far end; and back. */
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
	r->netns = n ? node_netns(n) : NULL;
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

/* A one-ended link (vxlan, gre, dummy) of @node: no veth peer, its far end is a machine. */
static bool find_tunnel_end(const struct nslab_topo *t, size_t node, const char *ifname,
			    struct nslab_ifref *r)
{
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct nslab_endpoint *ep = &t->tunnels[i].ep;

		if (ep->node != node || !streq(ep->ifname, ifname))
			continue;
		set_end(r, &t->nodes[node], ep->ifname);
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

/* A device of @node that is no link end: lo, a switch's br0, a bridge node's bridge. */
static bool find_own_device(const struct nslab_node *n, const char *ifname, struct nslab_ifref *r)
{
	if ((n->kind == NSLAB_KIND_BRIDGE && streq(n->name, ifname)) ||
	    (n->kind == NSLAB_KIND_SWITCH && streq(ifname, "br0")) ||
	    (node_netns(n) && streq(ifname, "lo"))) {
		set_end(r, n, n->kind == NSLAB_KIND_BRIDGE ? n->name : ifname);
		return true;
	}
	return false;
}

/*
 * A host-namespace device of the lab by its name: a network's bridge or host
 * port, a bridge node's bridge or port, a host link's host end.  The devices
 * of bridge and host nodes keep their node; a network's have none.
 */
static bool find_host_device(const struct nslab_topo *t, const char *ifname, struct nslab_ifref *r)
{
	for (size_t k = 0; k < t->n_networks; k++)
		if (streq(t->networks[k].bridge, ifname)) {
			set_end(r, NULL, t->networks[k].bridge);
			return true;
		}
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (n->kind == NSLAB_KIND_BRIDGE || n->kind == NSLAB_KIND_HOST) {
			if (find_link_end(t, i, ifname, r) || find_own_device(n, ifname, r))
				return true;
			continue;
		}
		for (size_t k = 0; k < n->n_networks; k++) {
			nslab_plan_network_port(t->name, n->name, n->networks[k].ifname, r->buf[0]);
			if (!streq(r->buf[0], ifname))
				continue;
			set_end(r, NULL, r->buf[0]);
			set_peer(r, n, n->netns, n->networks[k].ifname);
			return true;
		}
	}
	return false;
}

/* Append ", @s" (or "@s" first) to @buf; *@len counts what would have been written. */
static void list_add(char *buf, size_t size, size_t *len, const char *s)
{
	*len += snprintf(buf + *len, *len < size ? size - *len : 0, "%s%s", *len ? ", " : "", s);
}

/* "eth1, eth2, lo" — what @node does have, for the error message. */
static void list_ifaces(const struct nslab_topo *t, size_t node, char *buf, size_t size)
{
	const struct nslab_node *n = &t->nodes[node];
	size_t len = 0;

	buf[0] = '\0';
	if (n->kind == NSLAB_KIND_BRIDGE)
		list_add(buf, size, &len, n->name);
	if (n->kind == NSLAB_KIND_SWITCH)
		list_add(buf, size, &len, "br0");
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++)
			if (t->links[l].ep[e].node == node)
				list_add(buf, size, &len, t->links[l].ep[e].ifname);
	for (size_t k = 0; k < t->n_tunnels; k++)
		if (t->tunnels[k].ep.node == node)
			list_add(buf, size, &len, t->tunnels[k].ep.ifname);
	for (size_t k = 0; k < n->n_networks; k++)
		list_add(buf, size, &len, n->networks[k].ifname);
	if (node_netns(n))
		list_add(buf, size, &len, "lo");
	if (len >= size && size > 4)
		strcpy(buf + size - 4, "...");
}

/*
 * The lab's host-namespace devices that belong to no node (networks' bridges
 * and ports), appended to @buf, which holds *@len bytes.
 */
static void list_host_devices(const struct nslab_topo *t, char *buf, size_t size, size_t len)
{
	char port[16];

	for (size_t k = 0; k < t->n_networks; k++)
		list_add(buf, size, &len, t->networks[k].bridge);
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_networks; k++) {
			nslab_plan_network_port(t->name, t->nodes[i].name,
						t->nodes[i].networks[k].ifname, port);
			list_add(buf, size, &len, port);
		}
	if (len >= size && size > 4)
		strcpy(buf + size - 4, "...");
}

static void list_nodes(const struct nslab_topo *t, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n_nodes; i++)
		list_add(buf, size, &len, t->nodes[i].name);
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
		have[0] = '\0';
		list_host_devices(topo, have, sizeof(have), 0);
		return nslab_err(
			err, ENOENT,
			"lab '%s' makes no host interface '%s' (%s%s; a node's devices are "
			"named NODE:IFACE)",
			topo->name, ifname, have[0] ? "it has: " : "it makes none", have);
	}
	if (i < 0) {
		list_nodes(topo, have, sizeof(have));
		return nslab_err(err, ENOENT, "no node '%s' in lab '%s' (nodes: %s)", node_name,
				 topo->name, have);
	}
	n = &topo->nodes[i];
	if (find_link_end(topo, i, ifname, ret) || find_tunnel_end(topo, i, ifname, ret) ||
	    find_attach(topo, i, ifname, ret) || find_own_device(n, ifname, ret))
		return 0;
	list_ifaces(topo, i, have, sizeof(have));
	if (n->kind == NSLAB_KIND_HOST) {
		if (find_host_device(topo, ifname, ret))
			return 0;
		list_host_devices(topo, have, sizeof(have), strlen(have));
		return nslab_err(
			err, ENOENT,
			"lab '%s' makes no host interface '%s' (%s%s; a node's devices are "
			"named NODE:IFACE)",
			topo->name, ifname, have[0] ? "it has: " : "it makes none", have);
	}
	return nslab_err(err, ENOENT, "node '%s' has no interface '%s' in the file%s%s%s", n->name,
			 ifname, have[0] ? " (it has: " : "", have, have[0] ? ")" : "");
}

int nslab_ifref_find(const struct nslab_topo *topo, const char *netns, const char *ifname,
		     struct nslab_ifref *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!netns)
		return find_host_device(topo, ifname, ret) ? 0 : -ENOENT;
	for (size_t i = 0; i < topo->n_nodes; i++) {
		const struct nslab_node *n = &topo->nodes[i];

		if (!node_netns(n) || !streq(n->netns, netns))
			continue;
		if (find_link_end(topo, i, ifname, ret) || find_tunnel_end(topo, i, ifname, ret) ||
		    find_attach(topo, i, ifname, ret) || find_own_device(n, ifname, ret))
			return 0;
		return -ENOENT;
	}
	return -ENOENT;
}
