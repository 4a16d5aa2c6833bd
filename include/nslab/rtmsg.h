/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure rtnetlink message builders (links, addresses, routes) and their inputs. */
#ifndef NSLAB_RTMSG_H
#define NSLAB_RTMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "nslab/error.h"

struct nlmsghdr;

/**
 * struct nslab_prefix - an address with prefix length
 * @family:	AF_INET or AF_INET6
 * @addr:	network byte order; 4 or 16 bytes used
 */
struct nslab_prefix {
	int family;
	uint8_t addr[16];
	unsigned int len;
};

/*
 * nslab_prefix_parse() - parse "10.0.0.1/24", "fd00::1/64" or a bare address
 * (@bare_ok; prefix length 32/128).  Return 0 or -EINVAL.
 */
int nslab_prefix_parse(const char *s, bool bare_ok, struct nslab_prefix *ret);

/* Format @p as "addr/len" into @buf (INET6_ADDRSTRLEN + 5 is enough). */
const char *nslab_prefix_format(const struct nslab_prefix *p, char *buf, size_t size);

/* Parse "aa:bb:cc:dd:ee:ff".  Return 0 or -EINVAL. */
int nslab_mac_parse(const char *s, uint8_t mac[6]);

/**
 * struct nslab_tunnel_params - IFLA_INFO_DATA of a new vxlan or gre device
 * @id:		the VNI (vxlan, 1..2^24-1), or the GRE key (0: no key)
 * @local, @remote:	underlay addresses; family 0 when absent
 * @port:	vxlan UDP destination port, host order (0: the kernel's 8472)
 * @parent:	ifindex of the underlay device (IFLA_VXLAN_LINK, IFLA_GRE_LINK),
 *		0: whatever the route to @remote uses
 * @ttl:	0: the kernel's default
 * @learning:	vxlan: learn remote MACs (off for point-to-point tunnels,
 *		whose one remote is given)
 */
struct nslab_tunnel_params {
	uint32_t id;
	struct nslab_prefix local;
	struct nslab_prefix remote;
	uint16_t port;
	int parent;
	uint8_t ttl;
	bool learning;
};

/**
 * struct nslab_link_req - input of the link builders
 * @ifindex:	existing device, or the index to give a new one; 0: by @ifname
 *		or the kernel's choice
 * @ifname:	IFLA_IFNAME
 * @kind:	"veth", "bridge", "vxlan", "gre" or "dummy" to create; NULL to
 *		change an existing link
 * @tunnel:	kind vxlan or gre: its parameters
 * @mtu:	0: unchanged / default
 * @mac:	6 bytes or NULL
 * @up:		-1 unchanged, 0 down, 1 up (ifi_flags/ifi_change)
 * @master:	bridge ifindex; 0 unchanged
 * @alias:	IFLA_IFALIAS, NULL unchanged (the kernel ignores it on create)
 * @netns_fd:	>= 0: IFLA_NET_NS_FD, where the device goes
 * @group:	IFLA_GROUP, 0 unchanged.  Unlike the alias, the kernel applies
 *		it at creation, so it marks a device as the lab's atomically
 * @peer_*:	for kind "veth": the peer (VETH_INFO_PEER); @peer_netns_fd
 *		< 0 leaves it beside the first end
 * @hairpin:	bridge port hairpin mode (frames may leave by the port they
 *		came in), -1 unchanged; on an existing port only
 * @isolated:	bridge port isolation (IFLA_BRPORT_ISOLATED: an isolated
 *		port talks to non-isolated ports only), -1 unchanged; on an
 *		existing port only
 * @dump:	nslab_msg_getlink() only: dump all links
 */
struct nslab_link_req {
	int ifindex;
	const char *ifname;
	const char *kind;
	unsigned int mtu;
	const uint8_t *mac;
	int up;
	int master;
	const char *alias;
	int netns_fd;
	unsigned int group;
	int peer_ifindex;
	const char *peer_ifname;
	unsigned int peer_mtu;
	const uint8_t *peer_mac;
	int peer_netns_fd;
	unsigned int peer_group;
	int hairpin;
	int isolated;
	bool dump;
	const struct nslab_tunnel_params *tunnel;
};

/* Initialise @req: every field "unchanged", fds -1. */
void nslab_link_req_init(struct nslab_link_req *req);

/* RTM_NEWLINK: with @kind set, create (NLM_F_CREATE|NLM_F_EXCL); else change. */
int nslab_msg_newlink(void *buf, size_t room, const void *req);
/* RTM_DELLINK by ifindex or name. */
int nslab_msg_dellink(void *buf, size_t room, const void *req);
/* RTM_GETLINK by ifindex or name, or a dump when req->dump. */
int nslab_msg_getlink(void *buf, size_t room, const void *req);

/**
 * struct nslab_addr_req - RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR (dump)
 * @nodad:	IFA_F_NODAD for IPv6 (lab addresses are unique by construction)
 */
struct nslab_addr_req {
	int ifindex;
	struct nslab_prefix prefix;
	bool nodad;
	int family; /* dump filter for nslab_msg_getaddr(); AF_UNSPEC for all */
};

int nslab_msg_newaddr(void *buf, size_t room, const void *req);
int nslab_msg_deladdr(void *buf, size_t room, const void *req);
int nslab_msg_getaddr(void *buf, size_t room, const void *req);

/**
 * struct nslab_route_req - RTM_NEWROUTE
 * @dst:	len 0 for a default route
 * @has_gw, @gw: next hop (same family as @dst)
 * @oif:	0 when absent
 * @has_src, @src: preferred source
 * @metric:	-1 when absent
 * @table:	0: main
 */
struct nslab_route_req {
	struct nslab_prefix dst;
	bool has_gw;
	struct nslab_prefix gw;
	int oif;
	bool has_src;
	struct nslab_prefix src;
	int metric;
	unsigned int table;
	bool onlink;
};

int nslab_msg_newroute(void *buf, size_t room, const void *req);
/* RTM_GETROUTE dump (req ignored, may be NULL). */
int nslab_msg_getroute(void *buf, size_t room, const void *req);
/* RTM_GETROUTE of the route to one address (req: const struct nslab_prefix *). */
int nslab_msg_getroute_to(void *buf, size_t room, const void *req);
/* The output interface of an RTM_NEWROUTE reply (0: none).  Return 0 or -EINVAL. */
int nslab_route_oif_parse(const struct nlmsghdr *nlh, int *ret_oif);

/**
 * struct nslab_link_info - what nslab_link_parse() reads from an RTM_NEWLINK
 * reply.  Strings point into the message.
 */
struct nslab_link_info {
	int ifindex;
	const char *ifname;
	const char *kind; /* IFLA_INFO_KIND or NULL */
	const char *alias;
	unsigned int mtu;
	unsigned int flags; /* ifi_flags */
	uint8_t mac[6];
	bool has_mac;
	int master; /* 0 if none */
	unsigned int group; /* IFLA_GROUP */
	int link; /* IFLA_LINK: peer ifindex for veth, 0 if none */
	int link_netnsid; /* IFLA_LINK_NETNSID, -1 if none */
	unsigned char operstate;
	bool has_stats; /* IFLA_STATS64 was there: the four counters below */
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

int nslab_link_parse(const struct nlmsghdr *nlh, struct nslab_link_info *ret);

/* What nslab_addr_parse() reads from an RTM_NEWADDR message. */
struct nslab_addr_info {
	int ifindex;
	struct nslab_prefix prefix;
	unsigned char scope;
};

int nslab_addr_parse(const struct nlmsghdr *nlh, struct nslab_addr_info *ret);

#endif
