/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "NODE:IFACE" as the commands that act on one interface name it. */
#ifndef NSLAB_IFREF_H
#define NSLAB_IFREF_H

#include <stddef.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/**
 * struct nslab_ifref - an interface of a lab, and the far end of its cable
 * @node:	the node named (NULL for "host")
 * @netns:	the namespace that holds it (NULL: the host namespace)
 * @ifname:	its name there
 * @peer_node, @peer_netns, @peer_ifname:	the other end of the veth the lab
 *		made for it: a link's other endpoint, or a network's host port;
 *		@peer_ifname NULL when there is none (lo, bridges)
 * @netem:	the impairments the file gives this end (NULL: none)
 *
 * Strings point into the topology or into @buf; the struct lives as long as
 * the topology does.
 */
struct nslab_ifref {
	const struct nslab_node *node;
	const char *netns;
	const char *ifname;
	const struct nslab_node *peer_node;
	const char *peer_netns;
	const char *peer_ifname;
	const struct nslab_netem *netem;
	char buf[2][16];
};

/**
 * nslab_ifref_resolve() - find "NODE:IFACE" in @topo
 *
 * NODE is a node's name, or "host" for the host-namespace devices the lab
 * makes (network bridges and their ports, bridge nodes' bridges and ports,
 * host links' host ends).  IFACE must be an interface the file gives that
 * node (or lo, or a switch's br0, or a bridge node's own name).  Errors name
 * what is wrong and what exists instead: -EINVAL for a malformed @spec,
 * -ENOENT for a node or interface the lab does not have.
 */
int nslab_ifref_resolve(const struct nslab_topo *topo, const char *spec, struct nslab_ifref *ret,
			struct nslab_error *err);

/**
 * nslab_ifref_find() - the other way round: which interface of @topo is
 * device @ifname in namespace @netns (NULL: the host namespace)
 *
 * Fills *@ret as nslab_ifref_resolve() would; ret->node is NULL for a
 * network's bridge or host port (NODE:IFACE calls those "host:IFACE").
 * Return: 0, or -ENOENT when the lab made no such device.
 */
int nslab_ifref_find(const struct nslab_topo *topo, const char *netns, const char *ifname,
		     struct nslab_ifref *ret);

#endif
