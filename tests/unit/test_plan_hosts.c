// SPDX-License-Identifier: LGPL-2.1-or-later
/* Multi-host plans: placement, one host's share, cross-host links and stretched segments as TUNNEL steps. */
#include <stdio.h>
#include <string.h>

#include "nslab/multihost.h"
#include "nslab/plan.h"
#include "nslab/topo.h"
#include "tap.h"

static const char lab[] = "name: mh\n"
			  "hosts:\n"
			  "  a: {address: 192.168.0.1}\n"
			  "  b: {address: 192.168.0.2}\n"
			  "  c: {address: 192.168.0.3}\n"
			  "networks:\n"
			  "  web: {subnet: 172.30.9.0/24}\n"
			  "topology:\n"
			  "  groups: {onb: {host: b}}\n"
			  "  nodes:\n"
			  "    r1: {}\n"
			  "    r2: {group: onb, networks: [web]}\n"
			  "    r3: {host: c, networks: [web]}\n"
			  "    br1: {kind: bridge}\n"
			  "    br2: {kind: bridge, host: c}\n"
			  "  links:\n"
			  "    - endpoints: [r1:eth1, r2:eth1]\n"
			  "      ipv4: [10.0.12.1/30, 10.0.12.2/30]\n"
			  "    - endpoints: [r1:eth2, br1:p1]\n"
			  "    - endpoints: [r3:eth2, br1:p3]\n"
			  "    - {endpoints: [r1:eth3, br2:q1], mtu: 1400}\n";

static struct nslab_plan *plan_for(const struct nslab_topo *t, const char *filter, const char *host)
{
	struct nslab_error err = { 0 };
	struct nslab_plan *p = NULL;

	if (!ok(nslab_plan_build_host(t, filter, host, &p, &err) == 0, "plan for host %s: %s",
		host ? host : "(all)", err.msg))
		return NULL;
	return p;
}

static const struct nslab_op *find(const struct nslab_plan *p, enum nslab_op_type type,
				   const char *ifname)
{
	for (size_t i = 0; p && i < p->n_ops; i++)
		if (p->ops[i].type == type && p->ops[i].ifname && !strcmp(p->ops[i].ifname, ifname))
			return &p->ops[i];
	return NULL;
}

static size_t count(const struct nslab_plan *p, enum nslab_op_type type)
{
	size_t n = 0;

	for (size_t i = 0; p && i < p->n_ops; i++)
		n += p->ops[i].type == type;
	return n;
}

/* The TUNNEL step of a stretched segment toward @remote (by address). */
static const struct nslab_op *seg_tunnel(const struct nslab_plan *p, const char *master,
					 const char *remote)
{
	for (size_t i = 0; p && i < p->n_ops; i++) {
		const struct nslab_op *op = &p->ops[i];

		if (op->type == NSLAB_OP_TUNNEL && op->master && !strcmp(op->master, master) &&
		    op->tunnel->isolated && !strcmp(op->tunnel->remote, remote))
			return op;
	}
	return NULL;
}

static void test_shares(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct nslab_plan *a, *b, *c, *all;
	const struct nslab_op *ta, *tb, *sa, *sc, *op;
	char name[16];

	if (!ok(nslab_topo_parse("t.yml", lab, strlen(lab), &t, &err) == 0, "parses: %s", err.msg))
		return;
	is_int(t->nodes[0].host, 0, "r1 without host: goes to the first host");
	is_int(t->nodes[1].host, 1, "r2 inherits host b from its group");
	is_int(t->nodes[3].host, -1, "an unplaced bridge is stretched (-1)");
	is_int(t->nodes[4].host, 2, "a placed bridge stays on its host");
	a = plan_for(t, NULL, "a");
	b = plan_for(t, NULL, "b");
	c = plan_for(t, NULL, "c");
	all = plan_for(t, NULL, NULL);
	if (!a || !b || !c || !all)
		goto out;
	is_int(count(a, NSLAB_OP_NETNS), 1, "host a makes r1's namespace only");
	is_int(count(b, NSLAB_OP_NETNS), 1, "host b: r2's");
	is_int(count(all, NSLAB_OP_TUNNEL), 0, "the whole file, as one machine: no tunnel");

	/* r1:eth1 <-> r2:eth1 across hosts: one point-to-point VXLAN on each side. */
	ta = find(a, NSLAB_OP_TUNNEL, "eth1");
	tb = find(b, NSLAB_OP_TUNNEL, "eth1");
	if (ok(ta && tb, "r1:eth1 and r2:eth1 are TUNNEL steps")) {
		ok(ta->ns != 0 && ta->node == &t->nodes[0], "a: in r1's namespace");
		is_str(ta->tunnel->kind, "vxlan", "vxlan");
		is_str(ta->tunnel->local, "192.168.0.1", "a: local is a's address");
		is_str(ta->tunnel->remote, "192.168.0.2", "a: remote is b's address");
		is_str(tb->tunnel->remote, "192.168.0.1", "b: remote is a's address");
		is_int(ta->tunnel->port, 14789, "port 14789");
		ok(!ta->tunnel->learning && !ta->tunnel->isolated, "no learning, no isolation");
		/* MACs from the names: a rebuilt share keeps what the others' neighbours hold. */
		ok(ta->mac && strlen(ta->mac) == 17 && !strncmp(ta->mac, "02:", 3),
		   "a: r1:eth1 has a locally administered MAC of the plan's: %s",
		   ta->mac ? ta->mac : "(none)");
		ok(ta->mac && tb->mac && strcmp(ta->mac, tb->mac),
		   "r2:eth1's MAC differs from r1:eth1's");
		{
			struct nslab_plan *a2 = plan_for(t, NULL, "a");
			const struct nslab_op *t2 = find(a2, NSLAB_OP_TUNNEL, "eth1");

			ok(t2 && t2->mac && ta->mac && !strcmp(t2->mac, ta->mac),
			   "a plan made again gives r1:eth1 the same MAC");
			nslab_plan_free(a2);
		}
		ok(!find(all, NSLAB_OP_VETH, "eth1") || !find(all, NSLAB_OP_VETH, "eth1")->mac,
		   "the whole file, as one machine: the kernel's random MACs, as a lab without "
		   "hosts");
		is_int(ta->tunnel->mtu, 0, "no file MTU: derived at deploy");
		ok(ta->tunnel->id >= NSLAB_VNI_FIRST && ta->tunnel->id == tb->tunnel->id,
		   "both ends derive the same VNI (%u, %u)", ta->tunnel->id, tb->tunnel->id);
		op = find(a, NSLAB_OP_ADDR, "eth1");
		ok(op && !strcmp(op->addr, "10.0.12.1/30") && op->ifindex == ta->ifindex,
		   "a: the file's address on the tunnel, by the ifindex chosen for it");
		ok(find(a, NSLAB_OP_UP, "eth1") != NULL, "a: and it comes up");
		ok(!find(a, NSLAB_OP_VETH, "eth1") && !find(b, NSLAB_OP_VETH, "eth1"),
		   "no veth for a link across hosts");
	}

	/* br1 has members on a (r1) and c (r3): stretched, one tunnel each way. */
	sa = seg_tunnel(a, "br1", "192.168.0.3");
	sc = seg_tunnel(c, "br1", "192.168.0.1");
	ok(find(a, NSLAB_OP_BRIDGE, "br1") && find(c, NSLAB_OP_BRIDGE, "br1") &&
		   !find(b, NSLAB_OP_BRIDGE, "br1"),
	   "br1 exists on a and c, not on b");
	if (ok(sa && sc, "a and c each have a tunnel of br1 to the other")) {
		is_int(sa->ns, 0, "in the host namespace");
		ok(sa->tunnel->id == sc->tunnel->id, "one VNI for the segment on both hosts");
		ok(sa->tunnel->id != ta->tunnel->id, "not the link's VNI");
		nslab_mh_segment_ifname("mh", "br1", "c", name);
		is_str(sa->ifname, name, "a's tunnel is named after lab, segment and host c");
		nslab_mh_segment_ifname("mh", "br1", "a", name);
		is_str(sc->ifname, name, "c's after host a");
	}
	op = find(a, NSLAB_OP_VETH, "p1");
	if (ok(op, "a: the veth r1:eth2 <-> br1:p1")) {
		ok(op->tunnel == sa->tunnel, "marked: a port of a bridge that carries a tunnel");
		is_int(op->mtu, 0, "its MTU is the tunnels' (deploy)");
	}

	/* br2 is placed on c: r1:eth3 reaches it over a point-to-point tunnel. */
	op = find(c, NSLAB_OP_TUNNEL, "q1");
	if (ok(op, "c: br2's port q1 is a tunnel")) {
		is_int(op->ns, 0, "in the host namespace");
		is_str(op->master, "br2", "a port of br2");
		ok(!op->tunnel->isolated, "point to point: not a segment tunnel");
		is_int(op->tunnel->mtu, 1400, "the file's MTU");
	}
	ok(!find(a, NSLAB_OP_BRIDGE, "br2"), "br2 is not on a");
	op = find(a, NSLAB_OP_TUNNEL, "eth3");
	ok(op && !strcmp(op->tunnel->remote, "192.168.0.3"), "a: r1:eth3 is a tunnel to c");

	/* web: r2 on b, r3 on c. */
	op = find(b, NSLAB_OP_BRIDGE, t->networks[0].bridge);
	ok(op && op->mac && !strcmp(op->mac, find(c, NSLAB_OP_BRIDGE, t->networks[0].bridge)->mac),
	   "the network's bridge on b and c, with one gateway MAC (%s)", op ? op->mac : "-");
	ok(!find(a, NSLAB_OP_BRIDGE, t->networks[0].bridge), "and not on a");
	ok(seg_tunnel(b, t->networks[0].bridge, "192.168.0.3") &&
		   seg_tunnel(c, t->networks[0].bridge, "192.168.0.2"),
	   "web is stretched between b and c");
	ok(strcmp(t->nodes[1].networks[0].ipv4, t->nodes[2].networks[0].ipv4) != 0,
	   "r2 and r3 get distinct addresses from the file alone (%s, %s)",
	   t->nodes[1].networks[0].ipv4, t->nodes[2].networks[0].ipv4);
out:
	nslab_plan_free(a);
	nslab_plan_free(b);
	nslab_plan_free(c);
	nslab_plan_free(all);
	nslab_topo_free(t);
}

static void test_errors(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct nslab_plan *p = NULL;

	if (nslab_topo_parse("t.yml", lab, strlen(lab), &t, &err) < 0)
		return;
	ok(nslab_plan_build_host(t, NULL, "z", &p, &err) < 0, "unknown host refused");
	is_str(err.msg, "--host: no host 'z' in lab 'mh'; its hosts are: a, b, c",
	       "the message lists the hosts");
	p = plan_for(t, "r2", "a");
	is_int(count(p, NSLAB_OP_NETNS), 0, "--node-filter r2 on host a: r2 is b's");
	nslab_plan_free(p);
	nslab_topo_free(t);
}

int main(void)
{
	test_shares();
	test_errors();
	return tap_done();
}
