/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to plan*.c: which part of a multi-host lab one host builds, and its tunnels. */
#ifndef NSLAB_PLAN_HOSTS_H
#define NSLAB_PLAN_HOSTS_H

#include <stdbool.h>
#include <stdint.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/*
 * struct mh_seg_tunnel - one tunnel of a stretched segment, on this host
 * @remote:	index of the other host in topo->hosts
 * @ifname:	"nsx…" (nslab_mh_segment_ifname())
 * @vni:	from the segment key
 */
struct mh_seg_tunnel {
	int remote;
	char ifname[16];
	uint32_t vni;
};

/*
 * struct mh_seg - a bridge, switch or network with members on this host and
 * on others (stretched), or a placed bridge with remote members (its
 * point-to-point tunnels are links, not listed here)
 * @node:	bridge or switch node index, or -1
 * @network:	network index, or -1
 */
struct mh_seg {
	long node;
	long network;
	struct mh_seg_tunnel *tunnels;
	size_t n_tunnels;
};

/*
 * struct nslab_plan_mh - one host's share of a multi-host lab
 * @host:	index in topo->hosts
 * @node_here:	per node: built on this host (before --node-filter)
 * @link_local_end:	per link: -1 when built whole on this host or not at
 *		all (see @link_here), else the end (0, 1) that is on this host
 *		while the other is on @link_remote
 * @link_here:	per link: built whole, as a veth, on this host
 * @link_remote:	per link: the far end's host (cross-host links), else -1
 * @link_vni:	per link: its VNI (cross-host links)
 * @segs:	stretched segments present here
 */
struct nslab_plan_mh {
	int host;
	bool *node_here;
	signed char *link_local_end;
	bool *link_here;
	int *link_remote;
	uint32_t *link_vni;
	struct mh_seg *segs;
	size_t n_segs, segs_cap;
};

/*
 * plan_mh_layout() - what host @host (index in topo->hosts) builds.  Every
 * VNI is computed over the whole lab's tunnel keys, so both ends agree.
 * On success *@ret is the caller's (plan_mh_free()).
 */
int plan_mh_layout(const struct nslab_topo *topo, int host, struct nslab_plan_mh **ret,
		   struct nslab_error *err);
void plan_mh_free(struct nslab_plan_mh *mh);

/* The segment name of a bridge/switch node (its name) or network ("net:NAME"). */
const char *plan_mh_segment_name(const struct nslab_topo *topo, long node, long network, char *buf,
				 size_t size);

/*
 * The gateway MAC of network @net, the same on every host: 02 and five bytes
 * of a hash of lab and network, so each host answers ARP for the gateway
 * itself and a node moving between hosts sees no change.  @buf >= 18 bytes.
 */
void plan_mh_gateway_mac(const char *lab, const char *net, char *buf);
/*
 * The MAC of interface @ifname of node @node in a multi-host lab, when the
 * file gives none: a function of the names, so that a share rebuilt with
 * --reconfigure has the MACs the other hosts' neighbour tables still hold.
 * @buf of 18 bytes.
 */
void plan_mh_if_mac(const char *lab, const char *node, const char *ifname, char *buf);

#endif
