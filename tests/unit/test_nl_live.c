// SPDX-License-Identifier: LGPL-2.1-or-later
/* Live rtnetlink tests, run only as root inside a network namespace this test creates. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "tap.h"
#include "util.h"

#define N_LINKS_MAX 1024

struct link {
	int ifindex, master, link, flags;
	unsigned int mtu, group;
	char name[IFNAMSIZ], kind[16], alias[64];
};

static struct link links[N_LINKS_MAX];
static size_t n_links;

static int collect_link(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_link_info info;
	struct link *l;

	if (nslab_link_parse(nlh, &info) < 0 || n_links == N_LINKS_MAX)
		return -EBADMSG;
	l = &links[n_links++];
	*l = (struct link){ .ifindex = info.ifindex,
			    .master = info.master,
			    .link = info.link,
			    .flags = (int)info.flags,
			    .mtu = info.mtu,
			    .group = info.group };
	snprintf(l->name, sizeof(l->name), "%s", info.ifname ? info.ifname : "");
	snprintf(l->kind, sizeof(l->kind), "%s", info.kind ? info.kind : "");
	snprintf(l->alias, sizeof(l->alias), "%s", info.alias ? info.alias : "");
	return 0;
}

static int dump_links(struct nslab_nl *nl, struct nslab_error *err)
{
	struct nslab_link_req r;

	nslab_link_req_init(&r);
	r.dump = true;
	n_links = 0;
	return nslab_nl_request(nl, nslab_msg_getlink, &r, "getlink dump", collect_link, NULL, err);
}

static const struct link *find_link(const char *name)
{
	for (size_t i = 0; i < n_links; i++)
		if (streq(links[i].name, name))
			return &links[i];
	return NULL;
}

struct route_seen {
	struct nslab_prefix dst;
	int scope, protocol, metric, found;
};

static int find_route(const struct nlmsghdr *nlh, void *data)
{
	struct route_seen *want = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *tb[RTA_MAX + 1] = { 0 };
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != want->dst.family ||
	    rtm->rtm_dst_len != want->dst.len)
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(a) <= RTA_MAX)
			tb[mnl_attr_get_type(a)] = (struct nlattr *)a;
	}
	if (!tb[RTA_DST] || memcmp(mnl_attr_get_payload(tb[RTA_DST]), want->dst.addr, 4) != 0)
		return 0;
	want->found = 1;
	want->scope = rtm->rtm_scope;
	want->protocol = rtm->rtm_protocol;
	want->metric = tb[RTA_PRIORITY] ? (int)mnl_attr_get_u32(tb[RTA_PRIORITY]) : -1;
	return 0;
}

static int find_addr(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_addr_info *want = data, got;

	if (nslab_addr_parse(nlh, &got) == 0 && got.ifindex == want->ifindex &&
	    got.prefix.family == want->prefix.family && got.prefix.len == want->prefix.len &&
	    memcmp(got.prefix.addr, want->prefix.addr, got.prefix.family == AF_INET ? 4 : 16) == 0)
		want->scope = 1;
	return 0;
}

static int stop_cb(const struct nlmsghdr *nlh, void *data)
{
	return -ECANCELED;
}

static void veth(struct nslab_link_req *r, const char *name, int idx, const char *peer, int pidx)
{
	nslab_link_req_init(r);
	r->kind = "veth";
	r->ifname = name;
	r->ifindex = idx;
	r->peer_ifname = peer;
	r->peer_ifindex = pidx;
}

static ino_t ns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

static void test_links(struct nslab_nl *nl)
{
	struct nslab_error err = { 0 };
	struct nslab_link_req br, v, up, al;
	const struct link *l;
	int r;

	nslab_link_req_init(&br);
	br.kind = "bridge";
	br.ifname = "br0";
	br.ifindex = 100;
	br.up = 1;
	veth(&v, "v0", 101, "v0p", 102);
	v.master = 100;
	v.up = 1;
	v.mtu = 1400;
	v.peer_mtu = 1400;
	v.group = 42;
	v.peer_group = 42;
	nslab_link_req_init(&up);
	up.ifindex = 102;
	up.up = 1;
	nslab_link_req_init(&al);
	al.ifname = "br0";
	al.alias = "nslab:test";
	r = nslab_nl_add(nl, nslab_msg_newlink, &br, "bridge br0", &err);
	r = r ?: nslab_nl_add(nl, nslab_msg_newlink, &v, "veth v0", &err);
	r = r ?: nslab_nl_add(nl, nslab_msg_newlink, &up, "up v0p", &err);
	r = r ?: nslab_nl_add(nl, nslab_msg_newlink, &al, "alias br0", &err);
	is_int(r, 0, "queue 4 requests");
	is_int(nslab_nl_pending(nl), 4, "4 pending");
	r = nslab_nl_flush(nl, &err);
	if (!is_int(r, 0, "flush bridge + veth"))
		printf("#   %s\n", err.msg);
	is_int(nslab_nl_pending(nl), 0, "nothing pending after flush");

	is_int(dump_links(nl, &err), 0, "getlink dump");
	l = find_link("br0");
	ok(l && l->ifindex == 100 && streq(l->kind, "bridge") && (l->flags & IFF_UP) &&
		   streq(l->alias, "nslab:test"),
	   "br0: ifindex 100, bridge, up, alias");
	l = find_link("v0");
	ok(l && l->ifindex == 101 && l->master == 100 && l->mtu == 1400 && l->link == 102 &&
		   (l->flags & IFF_UP) && streq(l->kind, "veth") && l->group == 42,
	   "v0: ifindex 101, in br0, mtu 1400, peer 102, up, group 42");
	l = find_link("v0p");
	ok(l && l->ifindex == 102 && l->link == 101 && (l->flags & IFF_UP) && l->mtu == 1400 &&
		   l->group == 42,
	   "v0p: ifindex 102, peer 101, up, mtu 1400, group 42");

	/* A single request with a reply, then its ack. */
	nslab_link_req_init(&v);
	v.ifname = "v0p";
	n_links = 0;
	r = nslab_nl_request(nl, nslab_msg_getlink, &v, "getlink v0p", collect_link, NULL, &err);
	ok(r == 0 && n_links == 1 && links[0].ifindex == 102, "getlink by name: one reply");
	v.ifname = "nope";
	r = nslab_nl_request(nl, nslab_msg_getlink, &v, "getlink nope", collect_link, NULL, &err);
	is_int(r, -ENODEV, "getlink of a missing link: -ENODEV");
	ok(strncmp(err.msg, "getlink nope: No such device", 28) == 0, "error text: %s", err.msg);

	/* One failure amid a pipeline: the others still happen. */
	veth(&v, "a1", 110, "a1p", 111);
	nslab_link_req_init(&up);
	up.kind = "bridge";
	up.ifname = "br1";
	up.ifindex = 120;
	nslab_nl_add(nl, nslab_msg_newlink, &v, "veth a1", &err);
	nslab_nl_add(nl, nslab_msg_newlink, &br, "dup br0", &err);
	nslab_nl_add(nl, nslab_msg_newlink, &up, "bridge br1", &err);
	r = nslab_nl_flush(nl, &err);
	is_int(r, -EEXIST, "pipeline with a duplicate: -EEXIST");
	ok(strncmp(err.msg, "dup br0: File exists", 20) == 0, "error names the request: %s",
	   err.msg);
	dump_links(nl, &err);
	ok(find_link("a1p") && find_link("br1"), "requests around the failure were applied");

	/* A request the kernel explains through extended ack. */
	nslab_link_req_init(&v);
	v.ifname = "br1";
	v.master = 101; /* a veth is no master */
	r = nslab_nl_request(nl, nslab_msg_newlink, &v, "enslave br1", NULL, NULL, &err);
	ok(r < 0, "enslaving to a veth fails (%d)", r);
	printf("#   %s\n", err.msg);

	nslab_link_req_init(&v);
	v.ifname = "br1";
	nslab_nl_add(nl, nslab_msg_dellink, &v, "del br1", &err);
	is_int(nslab_nl_flush(nl, &err), 0, "dellink by name");
	v.ifindex = 0;
	is_int(nslab_nl_request(nl, nslab_msg_getlink, &v, "get br1", NULL, NULL, &err), -ENODEV,
	       "br1 is gone");

	r = nslab_nl_request(nl, nslab_msg_getlink, &(struct nslab_link_req){ .dump = true },
			     "dump stopped", stop_cb, NULL, &err);
	is_int(r, -ECANCELED, "callback's error is returned");
	ok(strncmp(err.msg, "dump stopped: ", 14) == 0, "and labelled: %s", err.msg);
}

static void test_addr_route(struct nslab_nl *nl)
{
	struct nslab_error err = { 0 };
	struct nslab_addr_req a4 = { .ifindex = 101 }, a6 = { .ifindex = 101, .nodad = true };
	struct nslab_route_req dev = { .oif = 101, .metric = -1 }, via = { .metric = 50 },
			       bad = { .metric = -1 };
	struct route_seen seen;
	struct nslab_addr_info want;
	int r;

	nslab_prefix_parse("10.0.0.1/24", false, &a4.prefix);
	nslab_prefix_parse("fd00::1/64", false, &a6.prefix);
	nslab_nl_add(nl, nslab_msg_newaddr, &a4, "addr 10.0.0.1/24", &err);
	nslab_nl_add(nl, nslab_msg_newaddr, &a6, "addr fd00::1/64", &err);
	r = nslab_nl_flush(nl, &err);
	if (!is_int(r, 0, "add IPv4 and IPv6 addresses"))
		printf("#   %s\n", err.msg);

	want = (struct nslab_addr_info){ .ifindex = 101, .prefix = a4.prefix };
	a4.family = AF_INET;
	r = nslab_nl_request(nl, nslab_msg_getaddr, &a4, "getaddr", find_addr, &want, &err);
	ok(r == 0 && want.scope == 1, "getaddr dump finds 10.0.0.1/24");
	want = (struct nslab_addr_info){ .ifindex = 101, .prefix = a6.prefix };
	a6.family = AF_INET6;
	r = nslab_nl_request(nl, nslab_msg_getaddr, &a6, "getaddr", find_addr, &want, &err);
	ok(r == 0 && want.scope == 1, "getaddr dump finds fd00::1/64");
	is_int(nslab_nl_request(nl, nslab_msg_newaddr, &a4, "addr again", NULL, NULL, &err),
	       -EEXIST, "adding an address twice: -EEXIST");

	nslab_prefix_parse("10.5.0.0/24", false, &dev.dst);
	nslab_prefix_parse("10.6.0.0/24", false, &via.dst);
	nslab_prefix_parse("10.0.0.254", true, &via.gw);
	via.has_gw = true;
	nslab_nl_add(nl, nslab_msg_newroute, &dev, "route 10.5.0.0/24", &err);
	nslab_nl_add(nl, nslab_msg_newroute, &via, "route 10.6.0.0/24", &err);
	r = nslab_nl_flush(nl, &err);
	if (!is_int(r, 0, "add routes"))
		printf("#   %s\n", err.msg);
	seen = (struct route_seen){ .dst = dev.dst };
	nslab_nl_request(nl, nslab_msg_getroute, NULL, "getroute", find_route, &seen, &err);
	ok(seen.found && seen.scope == RT_SCOPE_LINK && seen.protocol == RTPROT_BOOT &&
		   seen.metric == -1,
	   "dev route: scope link, proto boot");
	seen = (struct route_seen){ .dst = via.dst };
	nslab_nl_request(nl, nslab_msg_getroute, NULL, "getroute", find_route, &seen, &err);
	ok(seen.found && seen.scope == RT_SCOPE_UNIVERSE && seen.metric == 50,
	   "gateway route: scope universe, metric 50");

	nslab_prefix_parse("10.9.0.0/24", false, &bad.dst);
	nslab_prefix_parse("192.0.2.1", true, &bad.gw);
	bad.has_gw = true;
	r = nslab_nl_request(nl, nslab_msg_newroute, &bad, "route 10.9.0.0/24", NULL, NULL, &err);
	is_int(r, -ENETUNREACH, "unreachable gateway: -ENETUNREACH");
	ok(strstr(err.msg, "route 10.9.0.0/24: ") == err.msg && strstr(err.msg, " (kernel: "),
	   "extended ack text: %s", err.msg);
}

static void test_many(struct nslab_nl *nl)
{
	static char names[2 * 300][IFNAMSIZ];
	struct nslab_error err = { 0 };
	struct nslab_link_req v;
	struct timespec t0, t1;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 300 && r == 0; i++) {
		snprintf(names[2 * i], IFNAMSIZ, "m%d", i);
		snprintf(names[2 * i + 1], IFNAMSIZ, "m%dp", i);
		veth(&v, names[2 * i], 1000 + 2 * i, names[2 * i + 1], 1001 + 2 * i);
		v.up = 1;
		r = nslab_nl_add(nl, nslab_msg_newlink, &v, names[2 * i], &err);
	}
	r = r ?: nslab_nl_flush(nl, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!is_int(r, 0, "300 veth pairs pipelined (%.1f ms)",
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6))
		printf("#   %s\n", err.msg);
	dump_links(nl, &err);
	ok(find_link("m0") && find_link("m299p") && n_links >= 600, "all in the dump (%zu links)",
	   n_links);
	for (int i = 0; i < 300 && r == 0; i++) {
		nslab_link_req_init(&v);
		v.ifindex = 1000 + 2 * i;
		r = nslab_nl_add(nl, nslab_msg_dellink, &v, names[2 * i], &err);
	}
	r = r ?: nslab_nl_flush(nl, &err);
	is_int(r, 0, "300 deletions pipelined");
	dump_links(nl, &err);
	ok(!find_link("m0") && !find_link("m299p"), "deleted, peers too");
}

static void test_netns(struct nslab_nl *nl)
{
	struct nslab_error err = { 0 };
	struct nslab_nl *nlb = NULL;
	struct nslab_link_req v;
	int a, b, self, r;

	a = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWNET) < 0) {
		printf("ok %d # skip second namespace: %s\n", ++tap_n, strerror(errno));
		close(a);
		return;
	}
	b = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ok(setns(a, CLONE_NEWNET) == 0, "back in the first namespace");

	veth(&v, "x0", 200, "x0p", 201);
	v.peer_netns_fd = b;
	nslab_nl_add(nl, nslab_msg_newlink, &v, "veth x0", &err);
	veth(&v, "y0", 210, "y0p", 211);
	v.netns_fd = b; /* peer_netns_fd -1: the peer must follow */
	nslab_nl_add(nl, nslab_msg_newlink, &v, "veth y0", &err);
	r = nslab_nl_flush(nl, &err);
	if (!is_int(r, 0, "veths across namespaces"))
		printf("#   %s\n", err.msg);

	r = nslab_nl_open_netns(b, &nlb, &err);
	is_int(r, 0, "open a socket in the second namespace");
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ok(ns_ino(self) == ns_ino(a), "thread back in its namespace after open_netns");
	close(self);
	if (r == 0) {
		dump_links(nlb, &err);
		ok(find_link("x0p") && find_link("x0p")->ifindex == 201 && !find_link("x0"),
		   "x0p in the second namespace, x0 not");
		ok(find_link("y0") && find_link("y0p"),
		   "y0 and its peer both in the second namespace");
		nslab_nl_close(nlb);
	}
	dump_links(nl, &err);
	ok(find_link("x0") && !find_link("x0p") && !find_link("y0p"), "first namespace: only x0");
	close(a);
	close(b);
}

int main(void)
{
	struct nslab_error err = { 0 };
	struct nslab_nl *nl;

	/* Never touch the host's interfaces: only run in a namespace of our own. */
	if (geteuid() != 0) {
		printf("ok %d # skip not root\n", ++tap_n);
		return tap_done();
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("ok %d # skip unshare(CLONE_NEWNET): %s\n", ++tap_n, strerror(errno));
		return tap_done();
	}
	if (!is_int(nslab_nl_open(&nl, &err), 0, "open"))
		return tap_done();
	test_links(nl);
	test_addr_route(nl);
	test_many(nl);
	test_netns(nl);
	nslab_nl_close(nl);
	return tap_done();
}
