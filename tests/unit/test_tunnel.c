// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of explicit tunnel links: the parsed file, the plan's steps, port isolation and route lookups on the wire. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/ifref.h"
#include "nslab/plan.h"
#include "nslab/rtmsg.h"
#include "nslab/topo.h"
#include "tap.h"
#include "util.h"

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");

	return d && *d ? d : "tests/fixtures";
}

static struct nslab_topo *load(const char *name)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	char path[4096];

	snprintf(path, sizeof(path), "%s/good/%s", fixtures(), name);
	if (!ok(nslab_topo_load(path, &t, &err) == 0, "%s parses: %s", name, err.msg))
		return NULL;
	return t;
}

static const char *node_of(const struct nslab_topo *t, const struct nslab_tunnel *tn)
{
	return t->nodes[tn->ep.node].name;
}

static void test_parse(void)
{
	struct nslab_topo *t = load("tunnels.yml");
	const struct nslab_tunnel *tn;

	if (!t)
		return;
	is_int(t->n_tunnels, 4, "four one-ended links in topo->tunnels");
	is_int(t->n_links, 1, "the veth stays in topo->links alone");
	if (t->n_tunnels != 4) {
		nslab_topo_free(t);
		return;
	}
	tn = &t->tunnels[0];
	ok(tn->type == NSLAB_LINK_DUMMY && streq(node_of(t, tn), "r1") &&
		   streq(tn->ep.ifname, "dummy0") && tn->ep.n_ipv4 == 1 &&
		   streq(tn->ep.ipv4[0].s, "15.15.15.15/32") && !tn->remote && tn->mtu == 0,
	   "dummy: r1:dummy0 with its address, no underlay, kernel MTU");
	tn = &t->tunnels[1];
	ok(tn->type == NSLAB_LINK_VXLAN && streq(tn->ep.ifname, "vx0") &&
		   streq(tn->remote, "192.168.1.101") && !tn->local && tn->vni == 42 &&
		   tn->port == 14789 && streq(tn->parent, "enp0s8") && tn->mtu == 1450,
	   "vxlan: remote, vni, dst-port, parent-interface, mtu");
	ok(tn->ep.netem.set && tn->ep.netem.delay_us == 5000, "vxlan: the endpoint's netem");
	tn = &t->tunnels[2];
	ok(tn->type == NSLAB_LINK_VXLAN && streq(node_of(t, tn), "sw") &&
		   streq(tn->remote, "fd00::2") && streq(tn->local, "fd00::1") && tn->vni == 43 &&
		   tn->port == 14789 && !tn->parent && tn->mtu == 0,
	   "vxlan on a switch, IPv6 underlay, default port 14789, MTU derived");
	tn = &t->tunnels[3];
	ok(tn->type == NSLAB_LINK_GRE && streq(tn->local, "10.0.1.2") &&
		   streq(tn->remote, "10.0.3.2") && tn->ttl == 255 && tn->vni == 7,
	   "gre: local, remote, ttl, key");
	nslab_topo_free(t);

	t = load("clab-vxlan.yml");
	if (t && ok(t->n_tunnels == 1, "containerlab's vxlan link: one tunnel")) {
		tn = &t->tunnels[0];
		ok(tn->vni == 42 && tn->port == 4789 && streq(tn->ep.mac, "02:00:00:00:00:04") &&
			   streq(tn->remote, "192.168.1.101"),
		   "containerlab's udp-port is the destination port; mac kept");
	}
	nslab_topo_free(t);
}

/* The tunnels' interfaces in tunnels.yml (its veth is eth1 - p1). */
static bool is_tunnel_if(const char *ifname)
{
	static const char *const names[] = { "dummy0", "vx0", "vx1", "gre1" };

	for (size_t i = 0; ifname && i < ARRAY_SIZE(names); i++)
		if (streq(ifname, names[i]))
			return true;
	return false;
}

static void test_plan(void)
{
	struct nslab_topo *t = load("tunnels.yml");
	struct nslab_error err = { 0 };
	struct nslab_plan *plan = NULL;
	char steps[1024] = "";
	size_t last_veth = 0, first_tunnel = 0, n_tunnel = 0;

	if (!t)
		return;
	if (!ok(nslab_plan_build(t, NULL, &plan, &err) == 0, "plan builds: %s", err.msg)) {
		nslab_topo_free(t);
		return;
	}
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];
		const struct nslab_plan_tunnel *pt = op->tunnel;
		char one[160];

		if (op->type == NSLAB_OP_VETH)
			last_veth = i;
		if (op->type == NSLAB_OP_TUNNEL && !n_tunnel++)
			first_tunnel = i;
		if (!pt && !is_tunnel_if(op->ifname))
			continue;
		one[0] = '\0';
		if (op->type == NSLAB_OP_TUNNEL)
			snprintf(one, sizeof(one), "tunnel %s:%s/%d/%d %s id=%u port=%u mtu=%u%s%s",
				 op->node->name, op->ifname, op->ns, op->ifindex, pt->kind, pt->id,
				 pt->port, pt->mtu, pt->learning ? " learning" : "",
				 op->master ? " master" : "");
		else if (op->type == NSLAB_OP_UP)
			snprintf(one, sizeof(one), "up %s/%d%s", op->ifname, op->ifindex,
				 op->master ? " master" : "");
		else if (op->type == NSLAB_OP_ADDR)
			snprintf(one, sizeof(one), "addr %s/%d %s", op->ifname, op->ifindex,
				 op->addr);
		else if (op->type == NSLAB_OP_NETEM)
			snprintf(one, sizeof(one), "netem %s/%d", op->ifname, op->ifindex);
		if (one[0])
			snprintf(steps + strlen(steps), sizeof(steps) - strlen(steps), "%s%s",
				 steps[0] ? "; " : "", one);
	}
	is_int(n_tunnel, 4, "one TUNNEL step per file tunnel");
	ok(first_tunnel > last_veth, "TUNNEL steps after the VETH steps (their phase)");
	/* r1 (ns 1): lo 1, eth1 2, then dummy0 3, vx0 4, gre1 by name (0); sw (ns 2): br0 2, p1 3, vx1 4. */
	is_str(steps,
	       "tunnel r1:dummy0/1/3 dummy id=0 port=0 mtu=0; "
	       "tunnel r1:vx0/1/4 vxlan id=42 port=14789 mtu=1450; "
	       "tunnel sw:vx1/2/4 vxlan id=43 port=14789 mtu=0 master; "
	       "tunnel r1:gre1/1/0 gre id=7 port=0 mtu=0; "
	       "up dummy0/3; up vx0/4; up vx1/4 master; up gre1/0; "
	       "addr dummy0/3 15.15.15.15/32; addr vx0/4 10.0.0.1/24; "
	       "addr gre1/0 192.168.0.1/30; netem vx0/4",
	       "devices, ifindexes, parameters, then up (a switch's into br0), addresses, netem");
	nslab_plan_free(plan);

	plan = NULL;
	ok(nslab_plan_build(t, "sw", &plan, &err) == 0, "plan with --node-filter sw");
	n_tunnel = 0;
	for (size_t i = 0; plan && i < plan->n_ops; i++)
		if (plan->ops[i].type == NSLAB_OP_TUNNEL) {
			n_tunnel++;
			is_str(plan->ops[i].ifname, "vx1", "filter sw: only sw's tunnel");
		}
	is_int(n_tunnel, 1, "filter sw: one TUNNEL step");
	nslab_plan_free(plan);
	nslab_topo_free(t);
}

/* NODE:IFACE names a tunnel too (capture, netem, link set). */
static void test_ifref(void)
{
	struct nslab_topo *t = load("tunnels.yml");
	struct nslab_error err = { 0 };
	struct nslab_ifref r;

	if (!t)
		return;
	ok(nslab_ifref_resolve(t, "r1:vx0", &r, &err) == 0, "ifref r1:vx0 resolves: %s", err.msg);
	ok(r.node && streq(r.node->name, "r1") && streq(r.netns, "nslab-tun-r1") &&
		   streq(r.ifname, "vx0"),
	   "ifref r1:vx0: in r1's namespace");
	ok(!r.peer_ifname && r.netem && r.netem->delay_us == 5000,
	   "ifref r1:vx0: no veth peer, the endpoint's netem");
	ok(nslab_ifref_resolve(t, "sw:vx1", &r, &err) == 0 && streq(r.netns, "nslab-tun-sw"),
	   "ifref sw:vx1: a switch's tunnel");
	ok(nslab_ifref_find(t, "nslab-tun-r1", "gre1", &r) == 0 && streq(r.node->name, "r1"),
	   "ifref_find: gre1 in r1's namespace is r1's");
	ok(nslab_ifref_resolve(t, "r1:nope", &r, &err) < 0 && strstr(err.msg, "dummy0, vx0, gre1"),
	   "unknown interface: the message lists r1's tunnels (%s)", err.msg);
	nslab_topo_free(t);
}

static int slave_data_u8(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a, *b, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a)
		{
			if (mnl_attr_get_type(b) != IFLA_INFO_SLAVE_DATA)
				continue;
			mnl_attr_for_each_nested(c, b)
			{
				if (mnl_attr_get_type(c) == type)
					return mnl_attr_get_u8(c);
			}
		}
	}
	return -1;
}

static void test_isolation(void)
{
	_Alignas(8) char buf[1024] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_link_req r;

	nslab_link_req_init(&r);
	is_int(r.isolated, -1, "link_req_init: isolated unchanged");
	r.ifindex = 4;
	r.isolated = 1;
	ok(nslab_msg_newlink(buf, sizeof(buf), &r) > 0, "isolate: built");
	is_int(slave_data_u8(nlh, IFLA_BRPORT_ISOLATED), 1,
	       "isolate: IFLA_BRPORT_ISOLATED 1 in the bridge slave data");
	is_int(slave_data_u8(nlh, IFLA_BRPORT_MODE), -1, "isolate: hairpin untouched");
	r.hairpin = 1;
	r.isolated = 0;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	is_int(slave_data_u8(nlh, IFLA_BRPORT_ISOLATED), 0, "isolate 0 beside hairpin: 0");
	is_int(slave_data_u8(nlh, IFLA_BRPORT_MODE), 1, "... and the hairpin mode");
	r.isolated = -1;
	r.hairpin = -1;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	is_int(slave_data_u8(nlh, IFLA_BRPORT_ISOLATED), -1, "neither: no slave data");
	r.kind = "vxlan";
	r.isolated = 1;
	nslab_msg_newlink(buf, sizeof(buf), &r);
	is_int(slave_data_u8(nlh, IFLA_BRPORT_ISOLATED), -1,
	       "on create: none (the port is not a port yet)");
}

static void test_route_get(void)
{
	_Alignas(8) char buf[1024] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nslab_prefix dst = { 0 };
	struct rtmsg *rtm;
	const struct nlattr *a;
	bool dst_ok = false;
	int oif = -1;

	nslab_prefix_parse("192.168.0.2", true, &dst);
	ok(nslab_msg_getroute_to(buf, sizeof(buf), &dst) > 0, "getroute_to: built");
	rtm = mnl_nlmsg_get_payload(nlh);
	ok(nlh->nlmsg_type == RTM_GETROUTE && !(nlh->nlmsg_flags & NLM_F_DUMP),
	   "getroute_to: RTM_GETROUTE, not a dump");
	ok(rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 32, "getroute_to: AF_INET /32");
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(a) == RTA_DST && mnl_attr_get_payload_len(a) == 4)
			dst_ok = memcmp(mnl_attr_get_payload(a), dst.addr, 4) == 0;
	}
	ok(dst_ok, "getroute_to: RTA_DST is the address");
	nslab_prefix_parse("fd00::2", true, &dst);
	nslab_msg_getroute_to(buf, sizeof(buf), &dst);
	ok(rtm->rtm_family == AF_INET6 && rtm->rtm_dst_len == 128, "getroute_to: AF_INET6 /128");
	dst.family = 0;
	is_int(nslab_msg_getroute_to(buf, sizeof(buf), &dst), -EINVAL, "getroute_to: no family");
	is_int(nslab_msg_getroute_to(buf, 8, &(struct nslab_prefix){ .family = AF_INET }), -ENOBUFS,
	       "getroute_to: too small");

	/* A reply as the kernel sends it. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	mnl_attr_put_u32(nlh, RTA_TABLE, 254);
	mnl_attr_put_u32(nlh, RTA_OIF, 5);
	ok(nslab_route_oif_parse(nlh, &oif) == 0 && oif == 5, "route_oif_parse: RTA_OIF 5");
	nlh->nlmsg_type = RTM_NEWLINK;
	is_int(nslab_route_oif_parse(nlh, &oif), -EINVAL, "route_oif_parse: wrong type");
}

int main(void)
{
	test_parse();
	test_plan();
	test_ifref();
	test_isolation();
	test_route_get();
	return tap_done();
}
