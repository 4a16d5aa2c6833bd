// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of plan-wide transformations: shifting the chosen interface indexes. */
#include <stdio.h>
#include <string.h>

#include "nslab/plan.h"
#include "tap.h"
#include "util.h"

static const char lab[] = "name: sh\n"
			  "topology:\n"
			  "  nodes:\n"
			  "    a: {}\n"
			  "    sw: {kind: switch}\n"
			  "    x: {kind: ext, netns: outside}\n"
			  "    br: {kind: bridge}\n"
			  "  links:\n"
			  "    - endpoints: [\"a:eth1\", \"sw:p1\"]\n"
			  "    - endpoints: [\"a:eth2\", \"x:eth9\"]\n"
			  "    - endpoints: [\"a:eth3\", \"br:p3\"]\n"
			  "    - endpoints: [\"a:eth4\", \"host:a-up\"]\n";

static const struct nslab_op *find(const struct nslab_plan *p, enum nslab_op_type t, int ns,
				   const char *ifname)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].type == t && p->ops[i].ns == ns && p->ops[i].ifname &&
		    streq(p->ops[i].ifname, ifname))
			return &p->ops[i];
	return NULL;
}

int main(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct nslab_plan *p = NULL;
	int before[256], bad = 0;

	if (!ok(nslab_topo_parse("sh.yml", lab, strlen(lab), &t, &err) == 0, "parses: %s",
		err.msg) ||
	    !ok(nslab_plan_build(t, NULL, &p, &err) == 0, "plan builds: %s", err.msg))
		return tap_done();
	int a = nslab_plan_node_ns(p, &t->nodes[0]), sw = nslab_plan_node_ns(p, &t->nodes[1]);
	int x = nslab_plan_node_ns(p, &t->nodes[2]);
	/* Which end a veth op creates first is the plan's business: look at both. */
	const struct nslab_op *p1 = find(p, NSLAB_OP_VETH, sw, "p1");
	const struct nslab_op *e2 = find(p, NSLAB_OP_VETH, a, "eth2");
	const struct nslab_op *p3 = find(p, NSLAB_OP_VETH, 0, "p3");
	const struct nslab_op *up1 = find(p, NSLAB_OP_UP, a, "eth1");
	const struct nslab_op *br0 = find(p, NSLAB_OP_BRIDGE, sw, "br0");

	if (!ok(p1 && e2 && p3 && up1 && br0 && p->n_ops <= 256,
		"the plan has the veths, a's UP and the switch's br0"))
		return tap_done();
	is_int(p1->peer_ifindex, 2, "before: a:eth1 is index 2");
	is_int(br0->ifindex, 2, "before: the switch's br0 is index 2");
	for (size_t i = 0; i < p->n_ops; i++)
		before[i] = p->ops[i].ifindex;
	int sw_p1 = p1->ifindex, a_eth3 = p3->peer_ifindex;

	nslab_plan_shift_ifindexes(p, 5); /* gre0, gretap0, erspan0 hold 2..4 */
	is_int(p1->peer_ifindex, 5, "a:eth1 moves from 2 to 5");
	is_int(up1->ifindex, 5, "and its UP names 5 too");
	is_int(e2->ifindex, 6, "a:eth2 from 3 to 6");
	is_int(p1->ifindex, sw_p1 + 3, "the switch's port p1 moves by 3");
	is_int(br0->ifindex, 5, "the switch's br0 from 2 to 5");
	is_int(p1->master_ifindex, br0->ifindex, "p1's master is still br0's index");
	is_int(e2->peer_ifindex, 0, "x (ext, adopted) keeps the kernel's choice");
	is_int(p3->ifindex, 0, "the bridge port in the host namespace stays 0 (found by name)");
	is_int(p3->peer_ifindex, a_eth3 + 3, "its node end a:eth3 moves by 3");
	ok(x > 0 && p->ns[x].adopted, "x is an adopted namespace (%d)", x);
	for (size_t i = 0; i < p->n_ops; i++) {
		const struct nslab_op *op = &p->ops[i];
		bool own = op->ns != 0 && !p->ns[op->ns].adopted;

		if (own && before[i] > 1 ? op->ifindex != before[i] + 3 : op->ifindex != before[i])
			bad++;
	}
	is_int(bad, 0,
	       "every index nslab chose in its own namespaces moved by exactly 3, no other");
	nslab_plan_shift_ifindexes(p, 2);
	is_int(p1->peer_ifindex, 5, "a shift to 2 (nothing in the way) changes nothing");
	nslab_plan_free(p);
	nslab_topo_free(t);
	return tap_done();
}
