// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of NODE:IFACE resolution (ifref.c): every kind of interface, errors, reverse lookup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nslab/ifref.h"
#include "nslab/plan.h"
#include "nslab/topo.h"
#include "tap.h"

static const char lab_yml[] = "name: ifr\n"
			      "networks:\n"
			      "  front: {subnet: 172.31.7.0/24}\n"
			      "topology:\n"
			      "  nodes:\n"
			      "    r1: {}\n"
			      "    r2: {}\n"
			      "    web: {networks: [front]}\n"
			      "    sw1: {kind: switch}\n"
			      "    br: {kind: bridge}\n"
			      "  links:\n"
			      "    - endpoints: [\"r1:eth1\", \"r2:eth7\"]\n"
			      "      ipv4: [\"10.0.0.1/30\", \"10.0.0.2/30\"]\n"
			      "    - endpoints: [\"r1:eth2\", \"br:br-r1\"]\n"
			      "    - endpoints: [\"r2:eth2\", \"sw1:p1\"]\n"
			      "    - endpoints: [\"r2:eth9\", \"host:r2-up\"]\n";

static struct nslab_topo *parse(const char *text)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (nslab_topo_parse("ifr.yml", text, strlen(text), &t, &err) < 0) {
		printf("# parse failed: %s\n", err.msg);
		return NULL;
	}
	return t;
}

static const char *node_name(const struct nslab_node *n)
{
	return n ? n->name : "(none)";
}

static const char *str_or(const char *s)
{
	return s ? s : "(host)";
}

/* Resolve @spec; print the error when it fails. */
static int resolve(const struct nslab_topo *t, const char *spec, struct nslab_ifref *r)
{
	struct nslab_error err = { 0 };
	int ret = nslab_ifref_resolve(t, spec, r, &err);

	if (ret < 0)
		printf("# %s: %s\n", spec, err.msg);
	return ret;
}

static void test_links(const struct nslab_topo *t)
{
	struct nslab_ifref r;

	is_int(resolve(t, "r1:eth1", &r), 0, "r1:eth1 resolves");
	is_str(node_name(r.node), "r1", "r1:eth1: node r1");
	is_str(str_or(r.netns), "nslab-ifr-r1", "r1:eth1: in r1's namespace nslab-ifr-r1");
	is_str(r.ifname, "eth1", "r1:eth1: interface eth1");
	is_str(node_name(r.peer_node), "r2", "r1:eth1: far end on r2");
	is_str(str_or(r.peer_netns), "nslab-ifr-r2", "r1:eth1: far end in r2's namespace");
	is_str(r.peer_ifname, "eth7", "r1:eth1: far end is eth7");

	is_int(resolve(t, "r2:eth7", &r), 0, "r2:eth7 resolves (second endpoint of a link)");
	is_str(r.peer_ifname, "eth1", "r2:eth7: far end is eth1");
	is_str(node_name(r.peer_node), "r1", "r2:eth7: far end on r1");

	is_int(resolve(t, "r1:lo", &r), 0, "r1:lo resolves");
	is_str(str_or(r.netns), "nslab-ifr-r1", "r1:lo: in r1's namespace");
	ok(r.peer_ifname == NULL, "r1:lo: no far end");
}

static void test_bridge_switch(const struct nslab_topo *t)
{
	struct nslab_ifref r;

	is_int(resolve(t, "br:br-r1", &r), 0, "a bridge node's port br:br-r1 resolves");
	ok(r.netns == NULL, "br:br-r1: in the host namespace");
	is_str(node_name(r.node), "br", "br:br-r1: node br");
	is_str(r.ifname, "br-r1", "br:br-r1: interface br-r1");
	is_str(r.peer_ifname, "eth2", "br:br-r1: far end r1's eth2");
	is_str(str_or(r.peer_netns), "nslab-ifr-r1", "br:br-r1: far end in r1's namespace");

	is_int(resolve(t, "br:br", &r), 0, "the bridge node's own bridge br:br resolves");
	ok(r.netns == NULL && r.peer_ifname == NULL, "br:br: host namespace, no far end");

	is_int(resolve(t, "host:br-r1", &r), 0, "host:br-r1 names the same bridge port");
	is_str(node_name(r.node), "br", "host:br-r1: belongs to node br");
	is_str(r.peer_ifname, "eth2", "host:br-r1: far end r1's eth2");

	is_int(resolve(t, "sw1:br0", &r), 0, "a switch's br0 resolves");
	is_str(str_or(r.netns), "nslab-ifr-sw1", "sw1:br0: in the switch's namespace");
	is_str(r.ifname, "br0", "sw1:br0: interface br0");

	is_int(resolve(t, "sw1:p1", &r), 0, "a switch port resolves");
	is_str(str_or(r.netns), "nslab-ifr-sw1", "sw1:p1: in the switch's namespace");
	is_str(r.peer_ifname, "eth2", "sw1:p1: far end r2's eth2");
	is_str(node_name(r.peer_node), "r2", "sw1:p1: far end on r2");
}

static void test_networks(const struct nslab_topo *t)
{
	struct nslab_ifref r;
	char port[16], spec[32];
	const char *bridge = t->networks[0].bridge;

	nslab_plan_network_port("ifr", "web", "eth1", port);
	is_int(resolve(t, "web:eth1", &r), 0, "a node's place on a network, web:eth1, resolves");
	is_str(str_or(r.netns), "nslab-ifr-web", "web:eth1: in web's namespace");
	ok(r.peer_netns == NULL, "web:eth1: far end in the host namespace");
	is_str(r.peer_ifname, port, "web:eth1: far end is the network port %s", port);

	snprintf(spec, sizeof(spec), "host:%s", port);
	is_int(resolve(t, spec, &r), 0, "the network port %s resolves", spec);
	ok(r.netns == NULL && r.node == NULL, "%s: host namespace, no node", spec);
	is_str(r.ifname, port, "%s: interface %s", spec, port);
	is_str(node_name(r.peer_node), "web", "%s: far end on web", spec);
	is_str(r.peer_ifname, "eth1", "%s: far end is web's eth1", spec);
	is_str(str_or(r.peer_netns), "nslab-ifr-web", "%s: far end in web's namespace", spec);

	snprintf(spec, sizeof(spec), "host:%s", bridge);
	is_int(resolve(t, spec, &r), 0, "the network's bridge %s resolves", spec);
	ok(r.netns == NULL && r.peer_ifname == NULL, "%s: host namespace, no far end", spec);
	is_str(r.ifname, bridge, "%s: interface %s", spec, bridge);
}

static void test_host_links(const struct nslab_topo *t)
{
	struct nslab_ifref r;

	is_int(resolve(t, "r2:eth9", &r), 0, "a host link's node end resolves");
	ok(r.peer_netns == NULL, "r2:eth9: far end in the host namespace");
	is_str(r.peer_ifname, "r2-up", "r2:eth9: far end r2-up");
	is_str(node_name(r.peer_node), "host", "r2:eth9: far end on node host");

	is_int(resolve(t, "host:r2-up", &r), 0, "a host link's host end resolves");
	ok(r.netns == NULL, "host:r2-up: in the host namespace");
	is_str(r.peer_ifname, "eth9", "host:r2-up: far end eth9");
	is_str(str_or(r.peer_netns), "nslab-ifr-r2", "host:r2-up: far end in r2's namespace");
}

static void test_errors(const struct nslab_topo *t, const struct nslab_topo *plain)
{
	static const char *const malformed[] = { "r1", "r1:", ":eth1", "" };
	struct nslab_error err = { 0 };
	struct nslab_ifref r;

	for (size_t i = 0; i < sizeof(malformed) / sizeof(*malformed); i++) {
		memset(&err, 0, sizeof(err));
		is_int(nslab_ifref_resolve(t, malformed[i], &r, &err), -EINVAL,
		       "'%s' is malformed: -EINVAL", malformed[i]);
		ok(strstr(err.msg, "NODE:IFACE") != NULL, "'%s': message says NODE:IFACE (%s)",
		   malformed[i], err.msg);
	}

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(t, "r9:eth1", &r, &err), -ENOENT, "unknown node: -ENOENT");
	ok(strstr(err.msg, "no node 'r9'") && strstr(err.msg, "r1, r2, web"),
	   "unknown node: names it and lists the nodes (%s)", err.msg);

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(t, "r1:eth5", &r, &err), -ENOENT, "unknown interface: -ENOENT");
	ok(strstr(err.msg, "node 'r1' has no interface 'eth5'") &&
		   strstr(err.msg, "eth1, eth2, lo"),
	   "unknown interface: lists r1's interfaces (%s)", err.msg);

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(t, "sw1:eth1", &r, &err), -ENOENT, "switch without eth1");
	ok(strstr(err.msg, "br0, p1") != NULL, "switch: lists br0 and its ports (%s)", err.msg);

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(t, "br:eth0", &r, &err), -ENOENT, "bridge node without eth0");
	ok(strstr(err.msg, "br, br-r1") != NULL, "bridge: lists itself and its ports (%s)",
	   err.msg);
	ok(strstr(err.msg, ", lo") == NULL, "bridge: no lo listed (it has no namespace)");

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(t, "host:eth0", &r, &err), -ENOENT,
	       "host:eth0 is not the lab's");
	ok(strstr(err.msg, "no host interface 'eth0'") && strstr(err.msg, t->networks[0].bridge),
	   "host: lists the lab's host devices (%s)", err.msg);

	memset(&err, 0, sizeof(err));
	is_int(nslab_ifref_resolve(plain, "host:eth0", &r, &err), -ENOENT,
	       "host:eth0 in a lab without host devices");
	ok(strstr(err.msg, "makes none") != NULL, "says the lab makes none (%s)", err.msg);
}

static void test_find(const struct nslab_topo *t)
{
	struct nslab_ifref r;
	char port[16];

	is_int(nslab_ifref_find(t, "nslab-ifr-r2", "eth7", &r), 0, "find r2's eth7 by namespace");
	is_str(node_name(r.node), "r2", "find: node r2");
	is_str(r.peer_ifname, "eth1", "find: far end eth1");
	is_int(nslab_ifref_find(t, NULL, "br-r1", &r), 0, "find a bridge port in the host");
	is_str(node_name(r.node), "br", "find: bridge port belongs to br");
	nslab_plan_network_port("ifr", "web", "eth1", port);
	is_int(nslab_ifref_find(t, NULL, port, &r), 0, "find the network port %s", port);
	ok(r.node == NULL, "find: a network port has no node");
	is_str(node_name(r.peer_node), "web", "find: network port's far end on web");
	is_int(nslab_ifref_find(t, NULL, "r2-up", &r), 0, "find a host link's host end");
	is_str(node_name(r.node), "host", "find: host end belongs to host");
	is_int(nslab_ifref_find(t, "nslab-ifr-sw1", "br0", &r), 0, "find a switch's br0");
	is_int(nslab_ifref_find(t, "nslab-ifr-r1", "eth9", &r), -ENOENT, "unknown device: -ENOENT");
	is_int(nslab_ifref_find(t, "nslab-other-r1", "eth1", &r), -ENOENT,
	       "unknown namespace: -ENOENT");
	is_int(nslab_ifref_find(t, NULL, "eth0", &r), -ENOENT, "unknown host device: -ENOENT");
}

int main(void)
{
	static const char plain_yml[] = "name: plain\n"
					"topology:\n"
					"  nodes: {a: {}, b: {}}\n"
					"  links: [{endpoints: [\"a:eth1\", \"b:eth1\"]}]\n";
	struct nslab_topo *t = parse(lab_yml), *plain = parse(plain_yml);

	if (!ok(t && plain, "the test topologies parse"))
		return tap_done();
	test_links(t);
	test_bridge_switch(t);
	test_networks(t);
	test_host_links(t);
	test_errors(t, plain);
	test_find(t);
	nslab_topo_free(t);
	nslab_topo_free(plain);
	return tap_done();
}
