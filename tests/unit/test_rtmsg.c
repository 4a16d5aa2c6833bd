// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the rtnetlink message builders and parsers: build, parse back with libmnl. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdint.h>

#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "tap.h"
#include "util.h"

#define MAXATTR 128

struct table {
	const struct nlattr *tb[MAXATTR];
	int count; /* attributes seen, known or not */
};

static int table_cb(const struct nlattr *attr, void *data)
{
	struct table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	t->count++;
	if (type < MAXATTR)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, struct table *t)
{
	memset(t, 0, sizeof(*t));
	mnl_attr_parse(nlh, (unsigned int)hdrlen, table_cb, t);
}

static void parse_nest(const struct nlattr *nest, struct table *t)
{
	memset(t, 0, sizeof(*t));
	if (nest)
		mnl_attr_parse_nested(nest, table_cb, t);
}

static const char *str(const struct nlattr *a)
{
	return a ? mnl_attr_get_str(a) : NULL;
}

static long u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? (long)mnl_attr_get_u32(a) : -1;
}

static bool bytes_eq(const struct nlattr *a, const void *p, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len &&
	       memcmp(mnl_attr_get_payload(a), p, len) == 0;
}

static struct nslab_prefix pfx(const char *s)
{
	struct nslab_prefix p = { 0 };

	if (nslab_prefix_parse(s, true, &p) < 0)
		printf("# bad prefix %s\n", s);
	return p;
}

/* Every room smaller than the message gives -ENOBUFS; the exact room works. */
static void check_room(nslab_msg_builder build, const void *req, const char *what)
{
	_Alignas(8) char buf[4096] = { 0 };
	int len = build(buf, sizeof(buf), req), bad = 0;

	for (int room = 0; room < len; room++)
		if (build(buf, (size_t)room, req) != -ENOBUFS)
			bad++;
	is_int(bad, 0, "%s: -ENOBUFS for every room < %d", what, len);
	is_int(build(buf, (size_t)len, req), len, "%s: fits in exactly %d bytes", what, len);
}

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void test_link_req_init(void)
{
	struct nslab_link_req r;

	memset(&r, 0x55, sizeof(r));
	nslab_link_req_init(&r);
	ok(r.ifindex == 0 && !r.ifname && !r.kind && r.mtu == 0 && !r.mac && r.master == 0 &&
		   !r.alias && r.peer_ifindex == 0 && !r.peer_ifname && !r.peer_mac &&
		   r.peer_mtu == 0 && !r.dump,
	   "link_req_init zeroes");
	ok(r.up == -1 && r.netns_fd == -1 && r.peer_netns_fd == -1, "link_req_init: up/fds -1");
}

static void test_newlink_bridge(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_link_req r;
	struct table t, li, data;
	struct ifinfomsg *ifi;
	int len;

	nslab_link_req_init(&r);
	r.kind = "bridge";
	r.ifname = "br0";
	r.ifindex = 100;
	r.mtu = 9000;
	r.mac = mac1;
	r.up = 1;
	r.alias = "nslab:lab";
	r.netns_fd = 5;
	r.group = 7;
	len = nslab_msg_newlink(buf, sizeof(buf), &r);
	is_int(len, nlh->nlmsg_len, "bridge: length returned is nlmsg_len");
	is_int(nlh->nlmsg_type, RTM_NEWLINK, "bridge: RTM_NEWLINK");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL,
	       "bridge: REQUEST|CREATE|EXCL");
	is_int(nlh->nlmsg_seq, 0, "bridge: builder leaves seq alone");
	ifi = mnl_nlmsg_get_payload(nlh);
	is_int(ifi->ifi_family, AF_UNSPEC, "bridge: family");
	is_int(ifi->ifi_index, 100, "bridge: chosen ifindex");
	is_int(ifi->ifi_flags, IFF_UP, "bridge: ifi_flags up");
	is_int(ifi->ifi_change, IFF_UP, "bridge: ifi_change IFF_UP");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_str(str(t.tb[IFLA_IFNAME]), "br0", "bridge: IFLA_IFNAME");
	is_int(u32(t.tb[IFLA_MTU]), 9000, "bridge: IFLA_MTU");
	ok(bytes_eq(t.tb[IFLA_ADDRESS], mac1, 6), "bridge: IFLA_ADDRESS");
	is_int(u32(t.tb[IFLA_NET_NS_FD]), 5, "bridge: IFLA_NET_NS_FD");
	ok(!t.tb[IFLA_IFALIAS], "bridge: no IFLA_IFALIAS on create");
	ok(!t.tb[IFLA_MASTER], "bridge: no IFLA_MASTER");
	is_int(u32(t.tb[IFLA_GROUP]), 7, "bridge: IFLA_GROUP");
	is_int(t.count, 6, "bridge: 6 attributes");
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	is_str(str(li.tb[IFLA_INFO_KIND]), "bridge", "bridge: IFLA_INFO_KIND");
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	is_int(u32(data.tb[IFLA_BR_STP_STATE]), 0, "bridge: IFLA_BR_STP_STATE 0");
	is_int(data.count, 1, "bridge: one IFLA_INFO_DATA attribute");

	/* A builder's output is itself a valid RTM_NEWLINK for the parser. */
	struct nslab_link_info info;

	is_int(nslab_link_parse(nlh, &info), 0, "bridge: link_parse of built message");
	ok(info.ifindex == 100 && streq_ptr(info.ifname, "br0") && streq_ptr(info.kind, "bridge") &&
		   info.mtu == 9000 && info.has_mac && memcmp(info.mac, mac1, 6) == 0 &&
		   info.group == 7,
	   "bridge: link_parse fields");
	check_room(nslab_msg_newlink, &r, "newlink bridge");
}

static long u16n(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 2 ? (long)mnl_attr_get_u16(a) : -1;
}

static long u8v(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 1 ? (long)mnl_attr_get_u8(a) : -1;
}

static void test_newlink_vxlan(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_tunnel_params tp = { .id = 0x123456, .port = 14789, .parent = 2, .ttl = 64 };
	struct nslab_link_req r;
	struct table t, li, data;
	struct nslab_prefix remote = pfx("192.0.2.7"), local = pfx("192.0.2.1");

	tp.remote = remote;
	tp.local = local;
	nslab_link_req_init(&r);
	r.kind = "vxlan";
	r.ifname = "vx0";
	r.mtu = 1450;
	r.netns_fd = 9;
	r.tunnel = &tp;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(struct ifinfomsg), &t);
	is_int(u32(t.tb[IFLA_NET_NS_FD]), 9, "vxlan: created in one namespace, lands in another");
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	is_str(str(li.tb[IFLA_INFO_KIND]), "vxlan", "vxlan: kind");
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	is_int(u32(data.tb[IFLA_VXLAN_ID]), 0x123456, "vxlan: VNI");
	ok(bytes_eq(data.tb[IFLA_VXLAN_GROUP], remote.addr, 4),
	   "vxlan: remote as IFLA_VXLAN_GROUP");
	ok(bytes_eq(data.tb[IFLA_VXLAN_LOCAL], local.addr, 4), "vxlan: local");
	is_int(u16n(data.tb[IFLA_VXLAN_PORT]), htons(14789), "vxlan: port in network order");
	is_int(u32(data.tb[IFLA_VXLAN_LINK]), 2, "vxlan: parent ifindex");
	is_int(u8v(data.tb[IFLA_VXLAN_TTL]), 64, "vxlan: ttl");
	is_int(u8v(data.tb[IFLA_VXLAN_LEARNING]), 0,
	       "vxlan: no learning on a point-to-point tunnel");
	is_int(data.count, 7, "vxlan: 7 attributes");
	check_room(nslab_msg_newlink, &r, "newlink vxlan");

	tp = (struct nslab_tunnel_params){ .id = 42, .remote = pfx("2001:db8::2") };
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(struct ifinfomsg), &t);
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	ok(bytes_eq(data.tb[IFLA_VXLAN_GROUP6], tp.remote.addr, 16) && !data.tb[IFLA_VXLAN_GROUP],
	   "vxlan: IPv6 remote as IFLA_VXLAN_GROUP6");
	ok(!data.tb[IFLA_VXLAN_PORT] && !data.tb[IFLA_VXLAN_LINK] && !data.tb[IFLA_VXLAN_TTL],
	   "vxlan: absent port, parent and ttl are not sent");
}

static void test_newlink_gre_dummy(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_tunnel_params tp = { .local = pfx("10.0.1.2"),
					  .remote = pfx("10.0.3.2"),
					  .ttl = 255 };
	struct nslab_link_req r;
	struct table t, li, data;

	nslab_link_req_init(&r);
	r.kind = "gre";
	r.ifname = "gre1";
	r.tunnel = &tp;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(struct ifinfomsg), &t);
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	is_str(str(li.tb[IFLA_INFO_KIND]), "gre", "gre: kind");
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	ok(bytes_eq(data.tb[IFLA_GRE_LOCAL], tp.local.addr, 4), "gre: local");
	ok(bytes_eq(data.tb[IFLA_GRE_REMOTE], tp.remote.addr, 4), "gre: remote");
	is_int(u8v(data.tb[IFLA_GRE_TTL]), 255, "gre: ttl");
	ok(!data.tb[IFLA_GRE_IKEY] && !data.tb[IFLA_GRE_IFLAGS], "gre: no key, no key flag");
	is_int(data.count, 3, "gre: 3 attributes");
	tp.id = 7;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(struct ifinfomsg), &t);
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	ok(u32(data.tb[IFLA_GRE_IKEY]) == (long)htonl(7) &&
		   u32(data.tb[IFLA_GRE_OKEY]) == (long)htonl(7),
	   "gre: key 7 both ways, network order");
	ok(u16n(data.tb[IFLA_GRE_IFLAGS]) == GRE_KEY && u16n(data.tb[IFLA_GRE_OFLAGS]) == GRE_KEY,
	   "gre: GRE_KEY flag both ways");
	check_room(nslab_msg_newlink, &r, "newlink gre");

	nslab_link_req_init(&r);
	r.kind = "dummy";
	r.ifname = "dummy0";
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(struct ifinfomsg), &t);
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	is_str(str(li.tb[IFLA_INFO_KIND]), "dummy", "dummy: kind");
	ok(!li.tb[IFLA_INFO_DATA], "dummy: no IFLA_INFO_DATA");
}

static void test_newlink_veth(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_link_req r;
	struct table t, li, data, peer;
	const struct ifinfomsg *ifi, *pifi;
	const struct nlattr *pa;

	nslab_link_req_init(&r);
	r.kind = "veth";
	r.ifname = "v0";
	r.ifindex = 10;
	r.mtu = 1400;
	r.mac = mac1;
	r.master = 3;
	r.netns_fd = 7;
	r.up = 1;
	r.peer_ifname = "v1";
	r.peer_ifindex = 11;
	r.peer_mtu = 1450;
	r.peer_mac = mac2;
	r.peer_netns_fd = 8;
	r.peer_group = 9;
	ok(nslab_msg_newlink(buf, sizeof(buf), &r) > 0, "veth: built");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, "veth: flags");
	ifi = mnl_nlmsg_get_payload(nlh);
	is_int(ifi->ifi_index, 10, "veth: ifindex");
	is_int(ifi->ifi_flags & ifi->ifi_change, IFF_UP, "veth: first end up");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_str(str(t.tb[IFLA_IFNAME]), "v0", "veth: IFLA_IFNAME");
	is_int(u32(t.tb[IFLA_MTU]), 1400, "veth: IFLA_MTU");
	ok(bytes_eq(t.tb[IFLA_ADDRESS], mac1, 6), "veth: IFLA_ADDRESS");
	is_int(u32(t.tb[IFLA_MASTER]), 3, "veth: IFLA_MASTER");
	is_int(u32(t.tb[IFLA_NET_NS_FD]), 7, "veth: IFLA_NET_NS_FD");
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	is_str(str(li.tb[IFLA_INFO_KIND]), "veth", "veth: IFLA_INFO_KIND");
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	pa = data.tb[VETH_INFO_PEER];
	ok(pa && mnl_attr_get_payload_len(pa) >= sizeof(*pifi), "veth: VETH_INFO_PEER");
	if (!pa)
		return;
	pifi = mnl_attr_get_payload(pa);
	is_int(pifi->ifi_index, 11, "veth peer: ifi_index");
	is_int(pifi->ifi_flags | pifi->ifi_change, 0, "veth peer: not up (ENOTCONN)");
	/* The peer's attributes follow its ifinfomsg inside the nest. */
	memset(&peer, 0, sizeof(peer));
	for (const struct nlattr *a = (const void *)((const char *)pifi + MNL_ALIGN(sizeof(*pifi)));
	     mnl_attr_ok(a, (int)((const char *)mnl_attr_get_payload(pa) +
				  mnl_attr_get_payload_len(pa) - (const char *)a));
	     a = mnl_attr_next(a))
		table_cb(a, &peer);
	is_str(str(peer.tb[IFLA_IFNAME]), "v1", "veth peer: IFLA_IFNAME");
	is_int(u32(peer.tb[IFLA_MTU]), 1450, "veth peer: IFLA_MTU");
	ok(bytes_eq(peer.tb[IFLA_ADDRESS], mac2, 6), "veth peer: IFLA_ADDRESS");
	is_int(u32(peer.tb[IFLA_NET_NS_FD]), 8, "veth peer: IFLA_NET_NS_FD");
	is_int(u32(peer.tb[IFLA_GROUP]), 9, "veth peer: IFLA_GROUP");
	is_int(peer.count, 5, "veth peer: 5 attributes");
	check_room(nslab_msg_newlink, &r, "newlink veth");

	/* No peer namespace: the peer follows the first end, explicitly. */
	r.peer_netns_fd = -1;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(*ifi), &t);
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	pa = data.tb[VETH_INFO_PEER];
	memset(&peer, 0, sizeof(peer));
	pifi = mnl_attr_get_payload(pa);
	for (const struct nlattr *a = (const void *)((const char *)pifi + MNL_ALIGN(sizeof(*pifi)));
	     mnl_attr_ok(a, (int)((const char *)mnl_attr_get_payload(pa) +
				  mnl_attr_get_payload_len(pa) - (const char *)a));
	     a = mnl_attr_next(a))
		table_cb(a, &peer);
	is_int(u32(peer.tb[IFLA_NET_NS_FD]), 7, "veth peer: follows first end's netns");

	/* Minimal veth: kernel names, no namespaces. */
	nslab_link_req_init(&r);
	r.kind = "veth";
	nslab_msg_newlink(buf, sizeof(buf), &r);
	ifi = mnl_nlmsg_get_payload(nlh);
	ok(ifi->ifi_index == 0 && ifi->ifi_flags == 0 && ifi->ifi_change == 0,
	   "veth minimal: header zero");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_int(t.count, 1, "veth minimal: only IFLA_LINKINFO");
	parse_nest(t.tb[IFLA_LINKINFO], &li);
	parse_nest(li.tb[IFLA_INFO_DATA], &data);
	pa = data.tb[VETH_INFO_PEER];
	ok(pa && mnl_attr_get_payload_len(pa) == MNL_ALIGN(sizeof(struct ifinfomsg)),
	   "veth minimal: peer is a bare ifinfomsg");
}

static void test_newlink_change(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_link_req r;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct table t;

	nslab_link_req_init(&r);
	r.ifindex = 42;
	r.up = 0;
	r.alias = "nslab:lab";
	r.master = 7;
	r.mtu = 1280;
	r.mac = mac2;
	r.netns_fd = 9;
	r.group = 3;
	ok(nslab_msg_newlink(buf, sizeof(buf), &r) > 0, "change: built");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST, "change: NLM_F_REQUEST only");
	is_int(ifi->ifi_index, 42, "change: by ifindex");
	is_int(ifi->ifi_flags, 0, "change: down");
	is_int(ifi->ifi_change, IFF_UP, "change: ifi_change IFF_UP");
	parse_msg(nlh, sizeof(*ifi), &t);
	ok(!t.tb[IFLA_IFNAME], "change: no IFLA_IFNAME");
	is_str(str(t.tb[IFLA_IFALIAS]), "nslab:lab", "change: IFLA_IFALIAS");
	is_int(u32(t.tb[IFLA_MASTER]), 7, "change: IFLA_MASTER");
	is_int(u32(t.tb[IFLA_MTU]), 1280, "change: IFLA_MTU");
	ok(bytes_eq(t.tb[IFLA_ADDRESS], mac2, 6), "change: IFLA_ADDRESS");
	is_int(u32(t.tb[IFLA_NET_NS_FD]), 9, "change: IFLA_NET_NS_FD");
	is_int(u32(t.tb[IFLA_GROUP]), 3, "change: IFLA_GROUP");
	ok(!t.tb[IFLA_LINKINFO], "change: no IFLA_LINKINFO");
	check_room(nslab_msg_newlink, &r, "newlink change");

	nslab_link_req_init(&r);
	r.ifname = "eth0";
	r.up = 1;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	is_int(ifi->ifi_index, 0, "change by name: index 0");
	is_int(ifi->ifi_flags & ifi->ifi_change, IFF_UP, "change by name: up");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_str(str(t.tb[IFLA_IFNAME]), "eth0", "change by name: IFLA_IFNAME");
	is_int(t.count, 1, "change by name: one attribute");

	nslab_link_req_init(&r);
	r.ifindex = 3;
	r.mtu = 1500;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	ok(ifi->ifi_flags == 0 && ifi->ifi_change == 0, "change, up -1: flags untouched");

	nslab_link_req_init(&r);
	is_int(nslab_msg_newlink(buf, sizeof(buf), &r), -EINVAL, "change: no device -EINVAL");
	r.ifname = "eth0";
	r.group = 5;
	is_int(nslab_msg_newlink(buf, sizeof(buf), &r), -EINVAL, "change: group by name -EINVAL");
}

static void test_dellink_getlink(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nslab_link_req r;
	struct table t;

	nslab_link_req_init(&r);
	r.ifindex = 12;
	ok(nslab_msg_dellink(buf, sizeof(buf), &r) > 0, "dellink by index: built");
	is_int(nlh->nlmsg_type, RTM_DELLINK, "dellink: RTM_DELLINK");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST, "dellink: NLM_F_REQUEST");
	is_int(ifi->ifi_index, 12, "dellink: ifindex");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_int(t.count, 0, "dellink by index: no attributes");
	check_room(nslab_msg_dellink, &r, "dellink by index");

	nslab_link_req_init(&r);
	r.ifname = "br-lab";
	nslab_msg_dellink(buf, sizeof(buf), &r);
	is_int(ifi->ifi_index, 0, "dellink by name: index 0");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_str(str(t.tb[IFLA_IFNAME]), "br-lab", "dellink by name: IFLA_IFNAME");
	check_room(nslab_msg_dellink, &r, "dellink by name");
	nslab_link_req_init(&r);
	is_int(nslab_msg_dellink(buf, sizeof(buf), &r), -EINVAL, "dellink: no device -EINVAL");

	r.ifname = "lo";
	nslab_msg_getlink(buf, sizeof(buf), &r);
	is_int(nlh->nlmsg_type, RTM_GETLINK, "getlink: RTM_GETLINK");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST, "getlink by name: no dump");
	parse_msg(nlh, sizeof(*ifi), &t);
	is_str(str(t.tb[IFLA_IFNAME]), "lo", "getlink by name: IFLA_IFNAME");
	check_room(nslab_msg_getlink, &r, "getlink by name");
	r.ifname = NULL;
	r.ifindex = 1;
	nslab_msg_getlink(buf, sizeof(buf), &r);
	is_int(ifi->ifi_index, 1, "getlink by index");
	r.ifindex = 0;
	r.dump = true;
	ok(nslab_msg_getlink(buf, sizeof(buf), &r) > 0, "getlink dump: built");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP, "getlink dump: NLM_F_DUMP");
	is_int(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifi)), "getlink dump: bare");
	check_room(nslab_msg_getlink, &r, "getlink dump");
}

static void test_addr(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct nslab_addr_req r = { 0 };
	struct table t;

	r.ifindex = 4;
	r.prefix = pfx("10.0.0.1/24");
	r.nodad = true; /* ignored for IPv4 */
	ok(nslab_msg_newaddr(buf, sizeof(buf), &r) > 0, "newaddr v4: built");
	is_int(nlh->nlmsg_type, RTM_NEWADDR, "newaddr: RTM_NEWADDR");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, "newaddr: flags");
	ok(ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 24 && ifa->ifa_index == 4 &&
		   ifa->ifa_scope == RT_SCOPE_UNIVERSE && ifa->ifa_flags == 0,
	   "newaddr v4: ifaddrmsg");
	parse_msg(nlh, sizeof(*ifa), &t);
	ok(bytes_eq(t.tb[IFA_LOCAL], r.prefix.addr, 4), "newaddr v4: IFA_LOCAL");
	ok(bytes_eq(t.tb[IFA_ADDRESS], r.prefix.addr, 4), "newaddr v4: IFA_ADDRESS");
	ok(!t.tb[IFA_FLAGS], "newaddr v4: no IFA_FLAGS");
	is_int(t.count, 2, "newaddr v4: 2 attributes");
	check_room(nslab_msg_newaddr, &r, "newaddr v4");

	r.prefix = pfx("fd00::1/64");
	ok(nslab_msg_newaddr(buf, sizeof(buf), &r) > 0, "newaddr v6: built");
	ok(ifa->ifa_family == AF_INET6 && ifa->ifa_prefixlen == 64, "newaddr v6: ifaddrmsg");
	parse_msg(nlh, sizeof(*ifa), &t);
	ok(bytes_eq(t.tb[IFA_LOCAL], r.prefix.addr, 16), "newaddr v6: IFA_LOCAL");
	ok(bytes_eq(t.tb[IFA_ADDRESS], r.prefix.addr, 16), "newaddr v6: IFA_ADDRESS");
	is_int(u32(t.tb[IFA_FLAGS]), IFA_F_NODAD, "newaddr v6: IFA_FLAGS nodad");
	check_room(nslab_msg_newaddr, &r, "newaddr v6 nodad");
	r.nodad = false;
	nslab_msg_newaddr(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(*ifa), &t);
	ok(!t.tb[IFA_FLAGS] && ifa->ifa_flags == 0, "newaddr v6 without nodad: no flags");

	r.prefix = pfx("127.0.0.2/8");
	nslab_msg_newaddr(buf, sizeof(buf), &r);
	is_int(ifa->ifa_scope, RT_SCOPE_HOST, "newaddr 127/8: scope host");

	r.prefix = pfx("192.168.1.5/30");
	ok(nslab_msg_deladdr(buf, sizeof(buf), &r) > 0, "deladdr: built");
	is_int(nlh->nlmsg_type, RTM_DELADDR, "deladdr: RTM_DELADDR");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST, "deladdr: NLM_F_REQUEST");
	is_int(ifa->ifa_prefixlen, 30, "deladdr: prefixlen");
	parse_msg(nlh, sizeof(*ifa), &t);
	ok(bytes_eq(t.tb[IFA_LOCAL], r.prefix.addr, 4), "deladdr: IFA_LOCAL");
	check_room(nslab_msg_deladdr, &r, "deladdr");

	r.prefix.family = AF_UNIX;
	is_int(nslab_msg_newaddr(buf, sizeof(buf), &r), -EINVAL, "newaddr: bad family -EINVAL");

	memset(&r, 0, sizeof(r));
	r.family = AF_INET6;
	ok(nslab_msg_getaddr(buf, sizeof(buf), &r) > 0, "getaddr: built");
	is_int(nlh->nlmsg_type, RTM_GETADDR, "getaddr: RTM_GETADDR");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP, "getaddr: dump");
	is_int(ifa->ifa_family, AF_INET6, "getaddr: family filter");
	is_int(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifa)), "getaddr: bare");
	check_room(nslab_msg_getaddr, &r, "getaddr");
	ok(nslab_msg_getaddr(buf, sizeof(buf), NULL) > 0 && ifa->ifa_family == AF_UNSPEC,
	   "getaddr: NULL req dumps all");
}

static void test_route(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nslab_route_req r = { 0 };
	struct table t;

	r.dst = pfx("10.1.0.0/16");
	r.has_gw = true;
	r.gw = pfx("10.0.0.254");
	r.oif = 5;
	r.has_src = true;
	r.src = pfx("10.0.0.1");
	r.metric = 100;
	ok(nslab_msg_newroute(buf, sizeof(buf), &r) > 0, "route via: built");
	is_int(nlh->nlmsg_type, RTM_NEWROUTE, "route: RTM_NEWROUTE");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, "route: flags");
	is_int(rtm->rtm_family, AF_INET, "route: family");
	is_int(rtm->rtm_dst_len, 16, "route: dst_len");
	is_int(rtm->rtm_src_len, 0, "route: src_len");
	is_int(rtm->rtm_table, RT_TABLE_MAIN, "route: table main");
	is_int(rtm->rtm_protocol, RTPROT_BOOT, "route: proto boot, as ip route add");
	is_int(rtm->rtm_scope, RT_SCOPE_UNIVERSE, "route via: scope universe");
	is_int(rtm->rtm_type, RTN_UNICAST, "route: unicast");
	is_int(rtm->rtm_flags, 0, "route: no flags");
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(bytes_eq(t.tb[RTA_DST], r.dst.addr, 4), "route: RTA_DST");
	ok(bytes_eq(t.tb[RTA_GATEWAY], r.gw.addr, 4), "route: RTA_GATEWAY");
	is_int(u32(t.tb[RTA_OIF]), 5, "route: RTA_OIF");
	ok(bytes_eq(t.tb[RTA_PREFSRC], r.src.addr, 4), "route: RTA_PREFSRC");
	is_int(u32(t.tb[RTA_PRIORITY]), 100, "route: RTA_PRIORITY");
	ok(!t.tb[RTA_TABLE], "route: no RTA_TABLE for main");
	is_int(t.count, 5, "route: 5 attributes");
	check_room(nslab_msg_newroute, &r, "newroute via");

	/* `ip route add 10.2.0.0/24 dev X`: scope link. */
	memset(&r, 0, sizeof(r));
	r.dst = pfx("10.2.0.0/24");
	r.oif = 2;
	r.metric = -1;
	nslab_msg_newroute(buf, sizeof(buf), &r);
	is_int(rtm->rtm_scope, RT_SCOPE_LINK, "route dev: scope link");
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(!t.tb[RTA_GATEWAY] && !t.tb[RTA_PRIORITY] && !t.tb[RTA_PREFSRC],
	   "route dev: no gateway, metric, src");
	is_int(t.count, 2, "route dev: RTA_DST and RTA_OIF");

	/* Default route, big table, onlink. */
	memset(&r, 0, sizeof(r));
	r.dst = pfx("0.0.0.0/0");
	r.has_gw = true;
	r.gw = pfx("192.0.2.1");
	r.metric = -1;
	r.table = 1000;
	r.onlink = true;
	nslab_msg_newroute(buf, sizeof(buf), &r);
	is_int(rtm->rtm_dst_len, 0, "default: dst_len 0");
	is_int(rtm->rtm_table, RT_TABLE_UNSPEC, "table 1000: rtm_table unspec");
	is_int(rtm->rtm_flags, RTNH_F_ONLINK, "onlink: RTNH_F_ONLINK");
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(!t.tb[RTA_DST], "default: no RTA_DST");
	is_int(u32(t.tb[RTA_TABLE]), 1000, "table 1000: RTA_TABLE");
	check_room(nslab_msg_newroute, &r, "newroute default");
	r.table = 100;
	nslab_msg_newroute(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(rtm->rtm_table == 100 && !t.tb[RTA_TABLE], "table 100: in rtm_table only");

	/* IPv6 */
	memset(&r, 0, sizeof(r));
	r.dst = pfx("fd00:1::/64");
	r.has_gw = true;
	r.gw = pfx("fd00::1");
	r.metric = 1024;
	nslab_msg_newroute(buf, sizeof(buf), &r);
	is_int(rtm->rtm_family, AF_INET6, "route v6: family");
	is_int(rtm->rtm_dst_len, 64, "route v6: dst_len");
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(bytes_eq(t.tb[RTA_DST], r.dst.addr, 16), "route v6: RTA_DST");
	ok(bytes_eq(t.tb[RTA_GATEWAY], r.gw.addr, 16), "route v6: RTA_GATEWAY");

	/* IPv4 via an IPv6 next hop: RTA_VIA. */
	memset(&r, 0, sizeof(r));
	r.dst = pfx("10.3.0.0/24");
	r.has_gw = true;
	r.gw = pfx("fe80::1");
	r.oif = 2;
	r.metric = -1;
	nslab_msg_newroute(buf, sizeof(buf), &r);
	parse_msg(nlh, sizeof(*rtm), &t);
	ok(!t.tb[RTA_GATEWAY] && t.tb[RTA_VIA] && mnl_attr_get_payload_len(t.tb[RTA_VIA]) == 18,
	   "route v4 via v6: RTA_VIA");
	if (t.tb[RTA_VIA]) {
		const struct rtvia *v = mnl_attr_get_payload(t.tb[RTA_VIA]);

		ok(v->rtvia_family == AF_INET6 && memcmp(v->rtvia_addr, r.gw.addr, 16) == 0,
		   "route v4 via v6: family and address");
	}
	check_room(nslab_msg_newroute, &r, "newroute via v6");

	r.dst.family = 0;
	is_int(nslab_msg_newroute(buf, sizeof(buf), &r), -EINVAL, "route: bad family -EINVAL");

	ok(nslab_msg_getroute(buf, sizeof(buf), NULL) > 0, "getroute: built");
	is_int(nlh->nlmsg_type, RTM_GETROUTE, "getroute: RTM_GETROUTE");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP, "getroute: dump");
	ok(rtm->rtm_family == 0 && rtm->rtm_table == 0, "getroute: all families and tables");
	check_room(nslab_msg_getroute, NULL, "getroute");
}

static struct nlmsghdr *hand_link(char *buf, int type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = (uint16_t)type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	ifi->ifi_flags = IFF_UP | IFF_LOWER_UP;
	return nlh;
}

static void test_link_parse(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	struct nlmsghdr *nlh;
	struct nslab_link_info info;
	struct nlattr *nest;
	const uint8_t ip4[4] = { 10, 0, 0, 1 };

	nlh = hand_link(buf, RTM_NEWLINK);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth1");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac1);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, "nslab:lab");
	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	mnl_attr_put_u32(nlh, IFLA_LINK, 6);
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 2);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, IF_OPER_UP);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000); /* ignored */
	mnl_attr_put_u32(nlh, IFLA_GROUP, 77);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	mnl_attr_nest_end(nlh, nest);
	is_int(nslab_link_parse(nlh, &info), 0, "link_parse: full message");
	is_int(info.ifindex, 5, "link_parse: ifindex");
	is_int(info.flags, IFF_UP | IFF_LOWER_UP, "link_parse: flags");
	is_str(info.ifname, "eth1", "link_parse: ifname");
	is_str(info.kind, "veth", "link_parse: kind");
	is_str(info.alias, "nslab:lab", "link_parse: alias");
	is_int(info.mtu, 1400, "link_parse: mtu");
	ok(info.has_mac && memcmp(info.mac, mac1, 6) == 0, "link_parse: mac");
	is_int(info.master, 3, "link_parse: master");
	is_int(info.link, 6, "link_parse: link");
	is_int(info.link_netnsid, 2, "link_parse: link_netnsid");
	is_int(info.operstate, IF_OPER_UP, "link_parse: operstate");
	is_int(info.group, 77, "link_parse: group");

	nlh = hand_link(buf, RTM_NEWLINK);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "tun0");
	mnl_attr_put(nlh, IFLA_ADDRESS, 4, ip4);
	memset(&info, 0x55, sizeof(info));
	is_int(nslab_link_parse(nlh, &info), 0, "link_parse: minimal message");
	ok(!info.kind && !info.alias && !info.has_mac && info.master == 0 && info.link == 0 &&
		   info.link_netnsid == -1 && info.mtu == 0 && info.group == 0,
	   "link_parse: absent fields have their defaults");

	nlh = hand_link(buf, RTM_NEWADDR);
	is_int(nslab_link_parse(nlh, &info), -EINVAL, "link_parse: wrong type -EINVAL");
	nlh = hand_link(buf, RTM_NEWLINK);
	mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
	is_int(nslab_link_parse(nlh, &info), -EINVAL, "link_parse: short IFLA_MTU -EINVAL");
	nlh = hand_link(buf, RTM_NEWLINK);
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "abcd"); /* not NUL terminated */
	is_int(nslab_link_parse(nlh, &info), -EINVAL, "link_parse: unterminated name -EINVAL");
	nlh = hand_link(buf, RTM_NEWLINK);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	is_int(nslab_link_parse(nlh, &info), -EINVAL, "link_parse: truncated header -EINVAL");
}

static struct nlmsghdr *hand_addr(char *buf, int family, int prefixlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefixlen;
	ifa->ifa_index = 9;
	ifa->ifa_scope = RT_SCOPE_LINK;
	return nlh;
}

static void test_addr_parse(void)
{
	_Alignas(8) char buf[4096] = { 0 };
	char txt[64];
	struct nlmsghdr *nlh;
	struct nslab_addr_info info;
	struct nslab_prefix local = pfx("10.0.0.1/32"), peer = pfx("10.0.0.2/32"),
			    v6 = pfx("fe80::1/64");

	nlh = hand_addr(buf, AF_INET, 31);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, peer.addr);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local.addr);
	mnl_attr_put_strz(nlh, IFA_LABEL, "eth0");
	is_int(nslab_addr_parse(nlh, &info), 0, "addr_parse: v4");
	is_int(info.ifindex, 9, "addr_parse: ifindex");
	is_int(info.scope, RT_SCOPE_LINK, "addr_parse: scope");
	is_str(nslab_prefix_format(&info.prefix, txt, sizeof(txt)), "10.0.0.1/31",
	       "addr_parse: IFA_LOCAL wins over a peer IFA_ADDRESS");

	nlh = hand_addr(buf, AF_INET6, 64);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, v6.addr);
	is_int(nslab_addr_parse(nlh, &info), 0, "addr_parse: v6 with IFA_ADDRESS only");
	is_str(nslab_prefix_format(&info.prefix, txt, sizeof(txt)), "fe80::1/64",
	       "addr_parse: v6 address");
	is_int(info.prefix.family, AF_INET6, "addr_parse: v6 family");

	nlh = hand_addr(buf, AF_INET6, 64);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local.addr);
	is_int(nslab_addr_parse(nlh, &info), -EINVAL, "addr_parse: wrong length -EINVAL");
	nlh = hand_addr(buf, AF_INET, 24);
	is_int(nslab_addr_parse(nlh, &info), -EINVAL, "addr_parse: no address -EINVAL");
	nlh = hand_addr(buf, AF_PACKET, 24);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local.addr);
	is_int(nslab_addr_parse(nlh, &info), -EINVAL, "addr_parse: bad family -EINVAL");
	nlh = hand_addr(buf, AF_INET, 24);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local.addr);
	nlh->nlmsg_type = RTM_NEWLINK;
	is_int(nslab_addr_parse(nlh, &info), -EINVAL, "addr_parse: wrong type -EINVAL");
}

int main(void)
{
	test_link_req_init();
	test_newlink_bridge();
	test_newlink_vxlan();
	test_newlink_gre_dummy();
	test_newlink_veth();
	test_newlink_change();
	test_dellink_getlink();
	test_addr();
	test_route();
	test_link_parse();
	test_addr_parse();
	return tap_done();
}
