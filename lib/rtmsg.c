// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pure rtnetlink message builders (links, addresses, routes) and reply parsers. */
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include "nslab/rtmsg.h"
#include "util.h"

/* Bail out of a builder when an attribute does not fit in @room. */
#define PUT(expr)                        \
	do {                             \
		if (!(expr))             \
			return -ENOBUFS; \
	} while (0)

static size_t addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

/*
 * Start a message of @type with a zeroed family header of @hdrlen bytes.
 * Return the header, or NULL when @room cannot hold both.
 */
static struct nlmsghdr *put_header(void *buf, size_t room, uint16_t type, uint16_t flags,
				   void **ret_hdr, size_t hdrlen)
{
	struct nlmsghdr *nlh;

	if (room < MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*ret_hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

void nslab_link_req_init(struct nslab_link_req *req)
{
	*req = (struct nslab_link_req){
		.up = -1,
		.netns_fd = -1,
		.peer_netns_fd = -1,
		.hairpin = -1,
		.isolated = -1,
	};
}

/*
 * IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_GROUP and IFLA_NET_NS_FD, shared
 * by a link and its veth peer.  The kernel applies IFLA_GROUP at creation
 * (unlike IFLA_IFALIAS).
 */
static int put_link_common(struct nlmsghdr *nlh, size_t room, const char *ifname, unsigned int mtu,
			   const uint8_t *mac, unsigned int group, int netns_fd)
{
	if (ifname)
		PUT(mnl_attr_put_strz_check(nlh, room, IFLA_IFNAME, ifname));
	if (mtu)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_MTU, mtu));
	if (mac)
		PUT(mnl_attr_put_check(nlh, room, IFLA_ADDRESS, 6, mac));
	if (group)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_GROUP, group));
	if (netns_fd >= 0)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_NET_NS_FD, (uint32_t)netns_fd));
	return 0;
}

static int put_veth_peer(struct nlmsghdr *nlh, size_t room, const struct nslab_link_req *r)
{
	struct nlattr *peer;
	struct ifinfomsg *ifi;
	int netns_fd = r->peer_netns_fd;

	peer = mnl_attr_nest_start_check(nlh, room, VETH_INFO_PEER);
	PUT(peer);
	/* VETH_INFO_PEER holds a whole ifinfomsg, then the peer's IFLA_* attributes. */
	PUT(room >= nlh->nlmsg_len + MNL_ALIGN(sizeof(*ifi)));
	ifi = mnl_nlmsg_get_payload_tail(nlh);
	memset(ifi, 0, MNL_ALIGN(sizeof(*ifi)));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = r->peer_ifindex;
	/*
	 * No IFF_UP here: the kernel configures the peer before the two ends
	 * are paired, so veth_open() would fail with ENOTCONN.  The peer is
	 * brought up by a second request.
	 */
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*ifi));
	/*
	 * Without its own IFLA_NET_NS_FD the kernel puts the peer in the
	 * namespace of the *socket*, not beside the first end; say where the
	 * first end goes so "beside" holds wherever the socket lives.
	 */
	if (netns_fd < 0)
		netns_fd = r->netns_fd;
	if (put_link_common(nlh, room, r->peer_ifname, r->peer_mtu, r->peer_mac, r->peer_group,
			    netns_fd) < 0)
		return -ENOBUFS;
	mnl_attr_nest_end(nlh, peer);
	return 0;
}

static int put_vxlan(struct nlmsghdr *nlh, size_t room, const struct nslab_tunnel_params *t)
{
	PUT(mnl_attr_put_u32_check(nlh, room, IFLA_VXLAN_ID, t->id));
	if (t->remote.family == AF_INET)
		PUT(mnl_attr_put_check(nlh, room, IFLA_VXLAN_GROUP, 4, t->remote.addr));
	else if (t->remote.family == AF_INET6)
		PUT(mnl_attr_put_check(nlh, room, IFLA_VXLAN_GROUP6, 16, t->remote.addr));
	if (t->local.family == AF_INET)
		PUT(mnl_attr_put_check(nlh, room, IFLA_VXLAN_LOCAL, 4, t->local.addr));
	else if (t->local.family == AF_INET6)
		PUT(mnl_attr_put_check(nlh, room, IFLA_VXLAN_LOCAL6, 16, t->local.addr));
	if (t->parent > 0)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_VXLAN_LINK, (uint32_t)t->parent));
	if (t->port)
		PUT(mnl_attr_put_u16_check(nlh, room, IFLA_VXLAN_PORT, htons(t->port)));
	if (t->ttl)
		PUT(mnl_attr_put_u8_check(nlh, room, IFLA_VXLAN_TTL, t->ttl));
	PUT(mnl_attr_put_u8_check(nlh, room, IFLA_VXLAN_LEARNING, t->learning));
	return 0;
}

static int put_gre(struct nlmsghdr *nlh, size_t room, const struct nslab_tunnel_params *t)
{
	/* IFLA_GRE_LOCAL/REMOTE are 4 bytes for gre, 16 for ip6gre. */
	if (t->local.family)
		PUT(mnl_attr_put_check(nlh, room, IFLA_GRE_LOCAL, addr_len(t->local.family),
				       t->local.addr));
	if (t->remote.family)
		PUT(mnl_attr_put_check(nlh, room, IFLA_GRE_REMOTE, addr_len(t->remote.family),
				       t->remote.addr));
	if (t->parent > 0)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_GRE_LINK, (uint32_t)t->parent));
	if (t->ttl)
		PUT(mnl_attr_put_u8_check(nlh, room, IFLA_GRE_TTL, t->ttl));
	if (t->id) {
		/* GRE_KEY in the flags (network order) says the key is present. */
		PUT(mnl_attr_put_u16_check(nlh, room, IFLA_GRE_IFLAGS, GRE_KEY));
		PUT(mnl_attr_put_u16_check(nlh, room, IFLA_GRE_OFLAGS, GRE_KEY));
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_GRE_IKEY, htonl(t->id)));
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_GRE_OKEY, htonl(t->id)));
	}
	return 0;
}

static int put_linkinfo(struct nlmsghdr *nlh, size_t room, const struct nslab_link_req *r)
{
	struct nlattr *linkinfo, *data;

	linkinfo = mnl_attr_nest_start_check(nlh, room, IFLA_LINKINFO);
	PUT(linkinfo);
	PUT(mnl_attr_put_strz_check(nlh, room, IFLA_INFO_KIND, r->kind));
	if (streq(r->kind, "veth")) {
		data = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_DATA);
		PUT(data);
		if (put_veth_peer(nlh, room, r) < 0)
			return -ENOBUFS;
		mnl_attr_nest_end(nlh, data);
	} else if (streq(r->kind, "bridge")) {
		/* Explicit, whatever the kernel's default: a lab bridge never runs STP. */
		data = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_DATA);
		PUT(data);
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_BR_STP_STATE, 0));
		mnl_attr_nest_end(nlh, data);
	} else if (r->tunnel && (streq(r->kind, "vxlan") || streq(r->kind, "gre"))) {
		data = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_DATA);
		PUT(data);
		if ((streq(r->kind, "vxlan") ? put_vxlan : put_gre)(nlh, room, r->tunnel) < 0)
			return -ENOBUFS;
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	return 0;
}

/*
 * nslab_msg_newlink() - RTM_NEWLINK from a struct nslab_link_req
 *
 * With req->kind: create the device (NLM_F_CREATE|NLM_F_EXCL), with the chosen
 * ifindex when req->ifindex > 0.  IFLA_IFALIAS is not sent: the kernel ignores
 * it on creation, so an alias needs a second (change) request.
 * Without req->kind: change the device req->ifindex, or req->ifname when
 * req->ifindex is 0 (both given: rename).  Return: length, -ENOBUFS, or
 * -EINVAL when neither names a device to change, or for a group change by
 * name.
 */
int nslab_msg_newlink(void *buf, size_t room, const void *req)
{
	const struct nslab_link_req *r = req;
	bool create = r->kind != NULL;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	void *hdr;

	if (!create && r->ifindex <= 0 && !r->ifname)
		return -EINVAL;
	/*
	 * Quirk: older kernels apply a change request with IFLA_GROUP and no
	 * ifindex to *every* device of that group when the named device does
	 * not exist.  Refuse it rather than risk touching the host's devices.
	 */
	if (!create && r->ifindex <= 0 && r->group)
		return -EINVAL;
	nlh = put_header(buf, room, RTM_NEWLINK,
			 NLM_F_REQUEST | (create ? NLM_F_CREATE | NLM_F_EXCL : 0), &hdr,
			 sizeof(*ifi));
	PUT(nlh);
	ifi = hdr;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = r->ifindex > 0 ? r->ifindex : 0;
	/*
	 * ifi_change == 0 with ifi_flags != 0 means "all flags" to the kernel
	 * (bugwards compatibility); both 0 means "flags unchanged".  So always
	 * name exactly IFF_UP in ifi_change when touching it.
	 */
	if (r->up >= 0) {
		ifi->ifi_flags = r->up ? IFF_UP : 0;
		ifi->ifi_change = IFF_UP;
	}
	if (put_link_common(nlh, room, r->ifname, r->mtu, r->mac, r->group, r->netns_fd) < 0)
		return -ENOBUFS;
	if (r->master > 0)
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_MASTER, (uint32_t)r->master));
	if (!create && r->alias)
		PUT(mnl_attr_put_strz_check(nlh, room, IFLA_IFALIAS, r->alias));
	if (create && put_linkinfo(nlh, room, r) < 0)
		return -ENOBUFS;
	if (!create && (r->hairpin >= 0 || r->isolated >= 0)) {
		/*
		 * A bridge port's own settings go to its master as slave data
		 * (br_port_slave_changelink), which finds the port by name too.
		 */
		struct nlattr *li, *sd;

		li = mnl_attr_nest_start_check(nlh, room, IFLA_LINKINFO);
		PUT(li);
		PUT(mnl_attr_put_strz_check(nlh, room, IFLA_INFO_SLAVE_KIND, "bridge"));
		sd = mnl_attr_nest_start_check(nlh, room, IFLA_INFO_SLAVE_DATA);
		PUT(sd);
		if (r->hairpin >= 0)
			PUT(mnl_attr_put_u8_check(nlh, room, IFLA_BRPORT_MODE,
						  (uint8_t)r->hairpin));
		if (r->isolated >= 0)
			PUT(mnl_attr_put_u8_check(nlh, room, IFLA_BRPORT_ISOLATED,
						  (uint8_t)r->isolated));
		mnl_attr_nest_end(nlh, sd);
		mnl_attr_nest_end(nlh, li);
	}
	return (int)nlh->nlmsg_len;
}

/* RTM_DELLINK / RTM_GETLINK addressed by ifindex, else by IFLA_IFNAME. */
static int link_by_id(void *buf, size_t room, uint16_t type, const struct nslab_link_req *r)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	void *hdr;

	bool by_group = type == RTM_DELLINK && r->ifindex <= 0 && !r->ifname && r->group;

	if (r->ifindex <= 0 && !r->ifname && !by_group)
		return -EINVAL;
	nlh = put_header(buf, room, type, NLM_F_REQUEST, &hdr, sizeof(*ifi));
	PUT(nlh);
	ifi = hdr;
	ifi->ifi_family = AF_UNSPEC;
	if (r->ifindex > 0)
		ifi->ifi_index = r->ifindex;
	else if (r->ifname)
		PUT(mnl_attr_put_strz_check(nlh, room, IFLA_IFNAME, r->ifname));
	else /* no index, no name: the kernel deletes every device of the group */
		PUT(mnl_attr_put_u32_check(nlh, room, IFLA_GROUP, r->group));
	return (int)nlh->nlmsg_len;
}

/*
 * nslab_msg_dellink() - RTM_DELLINK by ifindex, else name, else (with only
 * @group set) every device of that group at once.  -EINVAL with none.
 */
int nslab_msg_dellink(void *buf, size_t room, const void *req)
{
	return link_by_id(buf, room, RTM_DELLINK, req);
}

/* nslab_msg_getlink() - RTM_GETLINK by ifindex or name, or a dump of all links. */
int nslab_msg_getlink(void *buf, size_t room, const void *req)
{
	const struct nslab_link_req *r = req;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	void *hdr;

	if (!r->dump)
		return link_by_id(buf, room, RTM_GETLINK, r);
	/* With NETLINK_GET_STRICT_CHK a dump header must be all zero but the family. */
	nlh = put_header(buf, room, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &hdr, sizeof(*ifi));
	PUT(nlh);
	ifi = hdr;
	ifi->ifi_family = AF_UNSPEC;
	return (int)nlh->nlmsg_len;
}

static int addr_msg(void *buf, size_t room, uint16_t type, uint16_t flags,
		    const struct nslab_addr_req *r)
{
	const struct nslab_prefix *p = &r->prefix;
	size_t alen = addr_len(p->family);
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	void *hdr;

	if (!alen || p->len > alen * 8 || r->ifindex <= 0)
		return -EINVAL;
	nlh = put_header(buf, room, type, flags, &hdr, sizeof(*ifa));
	PUT(nlh);
	ifa = hdr;
	ifa->ifa_family = (uint8_t)p->family;
	ifa->ifa_prefixlen = (uint8_t)p->len;
	ifa->ifa_index = (uint32_t)r->ifindex;
	/*
	 * As iproute2 (`ip addr add A/N dev D`): IFA_LOCAL and IFA_ADDRESS both
	 * A for either family, so the kernel sees no peer address.
	 */
	PUT(mnl_attr_put_check(nlh, room, IFA_LOCAL, alen, p->addr));
	PUT(mnl_attr_put_check(nlh, room, IFA_ADDRESS, alen, p->addr));
	if (type != RTM_NEWADDR)
		return (int)nlh->nlmsg_len;
	/* iproute2's default scope: host for 127/8, else global. */
	if (p->family == AF_INET && p->addr[0] == 127)
		ifa->ifa_scope = RT_SCOPE_HOST;
	if (r->nodad && p->family == AF_INET6) {
		/* The u8 ifa_flags is the old place; IFA_FLAGS (u32) wins when present. */
		ifa->ifa_flags = IFA_F_NODAD;
		PUT(mnl_attr_put_u32_check(nlh, room, IFA_FLAGS, IFA_F_NODAD));
	}
	return (int)nlh->nlmsg_len;
}

/*
 * nslab_msg_newaddr() - RTM_NEWADDR (NLM_F_CREATE|NLM_F_EXCL) of req->prefix on
 * req->ifindex.  Return: length, -ENOBUFS, or -EINVAL for a bad family/prefix.
 */
int nslab_msg_newaddr(void *buf, size_t room, const void *req)
{
	return addr_msg(buf, room, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, req);
}

/* nslab_msg_deladdr() - RTM_DELADDR of req->prefix on req->ifindex. */
int nslab_msg_deladdr(void *buf, size_t room, const void *req)
{
	return addr_msg(buf, room, RTM_DELADDR, NLM_F_REQUEST, req);
}

/*
 * nslab_msg_getaddr() - RTM_GETADDR dump, filtered by req->family and, when
 * > 0, req->ifindex (the kernel filters on both under NETLINK_GET_STRICT_CHK).
 * @req may be NULL: every address.
 */
int nslab_msg_getaddr(void *buf, size_t room, const void *req)
{
	const struct nslab_addr_req *r = req;
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	void *hdr;

	nlh = put_header(buf, room, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, &hdr, sizeof(*ifa));
	PUT(nlh);
	ifa = hdr;
	if (r) {
		ifa->ifa_family = (uint8_t)r->family;
		ifa->ifa_index = r->ifindex > 0 ? (uint32_t)r->ifindex : 0;
	}
	return (int)nlh->nlmsg_len;
}

/*
 * nslab_msg_newroute() - RTM_NEWROUTE (NLM_F_CREATE|NLM_F_EXCL) as `ip route add`
 * makes it: protocol boot, type unicast, scope link for a route without a
 * gateway and universe with one, table in rtm_table or RTA_TABLE above 255.
 * A gateway of another family than @dst (IPv4 via IPv6) goes in RTA_VIA.
 * Return: length, -ENOBUFS, or -EINVAL for a bad family/prefix.
 */
int nslab_msg_newroute(void *buf, size_t room, const void *req)
{
	const struct nslab_route_req *r = req;
	size_t alen = addr_len(r->dst.family);
	unsigned int table = r->table ? r->table : RT_TABLE_MAIN;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	void *hdr;

	if (!alen || r->dst.len > alen * 8 || (r->has_gw && !addr_len(r->gw.family)) ||
	    (r->has_src && r->src.family != r->dst.family))
		return -EINVAL;
	nlh = put_header(buf, room, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, &hdr,
			 sizeof(*rtm));
	PUT(nlh);
	rtm = hdr;
	rtm->rtm_family = (uint8_t)r->dst.family;
	rtm->rtm_dst_len = (uint8_t)r->dst.len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_BOOT;
	/* iproute2: a unicast route with no next hop address is on-link. */
	rtm->rtm_scope = r->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (table >= 256)
		PUT(mnl_attr_put_u32_check(nlh, room, RTA_TABLE, table));
	if (r->dst.len > 0)
		PUT(mnl_attr_put_check(nlh, room, RTA_DST, alen, r->dst.addr));
	if (r->has_gw && r->gw.family == r->dst.family) {
		PUT(mnl_attr_put_check(nlh, room, RTA_GATEWAY, alen, r->gw.addr));
	} else if (r->has_gw) {
		uint8_t via[sizeof(struct rtvia) + 16];
		size_t glen = addr_len(r->gw.family);
		struct rtvia *v = (struct rtvia *)via;

		v->rtvia_family = (__kernel_sa_family_t)r->gw.family;
		memcpy(v->rtvia_addr, r->gw.addr, glen);
		PUT(mnl_attr_put_check(nlh, room, RTA_VIA, sizeof(*v) + glen, via));
	}
	if (r->oif > 0)
		PUT(mnl_attr_put_u32_check(nlh, room, RTA_OIF, (uint32_t)r->oif));
	if (r->has_src)
		PUT(mnl_attr_put_check(nlh, room, RTA_PREFSRC, alen, r->src.addr));
	if (r->metric >= 0)
		PUT(mnl_attr_put_u32_check(nlh, room, RTA_PRIORITY, (uint32_t)r->metric));
	return (int)nlh->nlmsg_len;
}

/* nslab_msg_getroute() - RTM_GETROUTE dump of every family and table (@req unused). */
int nslab_msg_getroute(void *buf, size_t room, const void *req)
{
	struct nlmsghdr *nlh;
	void *hdr;

	nlh = put_header(buf, room, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, &hdr,
			 sizeof(struct rtmsg));
	PUT(nlh);
	return (int)nlh->nlmsg_len;
}

/*
 * nslab_msg_getroute_to() - RTM_GETROUTE for one destination (@req: a const
 * struct nslab_prefix *, the address alone counts): the kernel answers with
 * the route it would use, as `ip route get`.
 */
int nslab_msg_getroute_to(void *buf, size_t room, const void *req)
{
	const struct nslab_prefix *dst = req;
	size_t alen = addr_len(dst->family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	void *hdr;

	if (!alen)
		return -EINVAL;
	nlh = put_header(buf, room, RTM_GETROUTE, NLM_F_REQUEST, &hdr, sizeof(*rtm));
	PUT(nlh);
	rtm = hdr;
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	PUT(mnl_attr_put_check(nlh, room, RTA_DST, alen, dst->addr));
	return (int)nlh->nlmsg_len;
}

/* nslab_route_oif_parse() - RTA_OIF of an RTM_NEWROUTE (0 when absent).  Return 0 or -EINVAL. */
int nslab_route_oif_parse(const struct nlmsghdr *nlh, int *ret_oif)
{
	const struct nlattr *attr;
	int oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg)))
		return -EINVAL;
	mnl_attr_for_each(attr, nlh, sizeof(struct rtmsg))
	{
		if (mnl_attr_get_type(attr) == RTA_OIF) {
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				return -EINVAL;
			oif = (int)mnl_attr_get_u32(attr);
		}
	}
	*ret_oif = oif;
	return 0;
}

/* Attribute table for mnl_attr_parse(); rejects known attributes of the wrong shape. */
struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
	const enum mnl_attr_data_type *types;
};

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > t->max)
		return MNL_CB_OK;
	if (t->types[type] != MNL_TYPE_UNSPEC && mnl_attr_validate(attr, t->types[type]) < 0)
		return MNL_CB_ERROR;
	t->tb[type] = attr;
	return MNL_CB_OK;
}

static const enum mnl_attr_data_type ifla_types[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING,  [IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_IFALIAS] = MNL_TYPE_NUL_STRING, [IFLA_MASTER] = MNL_TYPE_U32,
	[IFLA_LINK] = MNL_TYPE_U32,	      [IFLA_LINK_NETNSID] = MNL_TYPE_U32,
	[IFLA_OPERSTATE] = MNL_TYPE_U8,	      [IFLA_LINKINFO] = MNL_TYPE_NESTED,
	[IFLA_GROUP] = MNL_TYPE_U32,
};

static const enum mnl_attr_data_type info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
};

/*
 * nslab_link_parse() - read an RTM_NEWLINK (or RTM_DELLINK) message
 *
 * Strings in *@ret point into @nlh.  Return: 0, or -EINVAL for another
 * message type or a malformed message (*@ret then undefined).
 */
int nslab_link_parse(const struct nlmsghdr *nlh, struct nslab_link_info *ret)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 }, *info[IFLA_INFO_MAX + 1] = { 0 };
	struct attr_table t = { tb, IFLA_MAX, ifla_types };
	const struct ifinfomsg *ifi;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifi)))
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*ifi), attr_table_cb, &t) < 0)
		return -EINVAL;
	if (tb[IFLA_LINKINFO]) {
		struct attr_table ti = { info, IFLA_INFO_MAX, info_types };

		if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], attr_table_cb, &ti) < 0)
			return -EINVAL;
	}
	*ret = (struct nslab_link_info){
		.ifindex = ifi->ifi_index,
		.flags = ifi->ifi_flags,
		.link_netnsid = -1,
	};
	if (tb[IFLA_IFNAME])
		ret->ifname = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (info[IFLA_INFO_KIND])
		ret->kind = mnl_attr_get_str(info[IFLA_INFO_KIND]);
	if (tb[IFLA_IFALIAS])
		ret->alias = mnl_attr_get_str(tb[IFLA_IFALIAS]);
	if (tb[IFLA_MTU])
		ret->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	/* Ethernet-like devices only; tunnels carry 4 or 16 byte "addresses". */
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(ret->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		ret->has_mac = true;
	}
	if (tb[IFLA_MASTER])
		ret->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_GROUP])
		ret->group = mnl_attr_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_LINK])
		ret->link = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINK_NETNSID])
		ret->link_netnsid = (int32_t)mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_OPERSTATE])
		ret->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	/* rtnl_link_stats64 starts rx_packets, tx_packets, rx_bytes, tx_bytes (u64 each). */
	if (tb[IFLA_STATS64] &&
	    mnl_attr_get_payload_len(tb[IFLA_STATS64]) >= 4 * sizeof(uint64_t)) {
		uint64_t st[4];

		memcpy(st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(st));
		ret->has_stats = true;
		ret->rx_packets = st[0];
		ret->tx_packets = st[1];
		ret->rx_bytes = st[2];
		ret->tx_bytes = st[3];
	}
	return 0;
}

/*
 * nslab_addr_parse() - read an RTM_NEWADDR (or RTM_DELADDR) message: the
 * local address (IFA_LOCAL, else IFA_ADDRESS), prefix length, ifindex, scope.
 * Return: 0, or -EINVAL for another type, family or a malformed message.
 */
int nslab_addr_parse(const struct nlmsghdr *nlh, struct nslab_addr_info *ret)
{
	static const enum mnl_attr_data_type types[IFA_MAX + 1] = { 0 };
	const struct nlattr *tb[IFA_MAX + 1] = { 0 }, *a;
	struct attr_table t = { tb, IFA_MAX, types };
	const struct ifaddrmsg *ifa;
	size_t alen;

	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifa)))
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = addr_len(ifa->ifa_family);
	if (!alen || mnl_attr_parse(nlh, sizeof(*ifa), attr_table_cb, &t) < 0)
		return -EINVAL;
	/* On a point-to-point link IFA_ADDRESS is the peer; IFA_LOCAL is ours. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return -EINVAL;
	*ret = (struct nslab_addr_info){
		.ifindex = (int)ifa->ifa_index,
		.scope = ifa->ifa_scope,
	};
	ret->prefix.family = ifa->ifa_family;
	ret->prefix.len = ifa->ifa_prefixlen;
	memcpy(ret->prefix.addr, mnl_attr_get_payload(a), alen);
	return 0;
}
