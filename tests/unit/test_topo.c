// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the topology parser: good and bad fixtures, inheritance, expansion. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nslab/topo.h"
#include "tap.h"

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");

	return d && *d ? d : "tests/fixtures";
}

static char *read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Parse @path, naming it by its basename so messages are stable. */
static int parse_path(const char *path, struct nslab_topo **t, struct nslab_error *err)
{
	size_t len = 0;
	char *buf = read_all(path, &len);
	int r;

	if (!buf) {
		snprintf(err->msg, sizeof(err->msg), "cannot read %s", path);
		return -1;
	}
	r = nslab_topo_parse(base_name(path), buf, len, t, err);
	free(buf);
	return r;
}

static struct nslab_topo *good(const char *name)
{
	char path[4096];
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/good/%s", fixtures(), name);
	r = parse_path(path, &t, &err);
	if (!ok(r == 0, "%s parses", name))
		printf("#   %s\n", err.msg);
	return r == 0 ? t : NULL;
}

static const struct nslab_node *node(const struct nslab_topo *t, const char *name)
{
	long i = nslab_topo_find_node(t, name);

	return i >= 0 ? &t->nodes[i] : NULL;
}

static const char *kv(const struct nslab_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

static int parse_str(const char *file, const char *text, struct nslab_topo **t,
		     struct nslab_error *err)
{
	return nslab_topo_parse(file, text, strlen(text), t, err);
}

/* First line of the error of parsing @text. */
static const char *first_err(const char *text, char *buf, size_t size)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (parse_str("t.yml", text, &t, &err) == 0) {
		nslab_topo_free(t);
		snprintf(buf, size, "(parsed)");
		return buf;
	}
	snprintf(buf, size, "%.*s", (int)strcspn(err.msg, "\n"), err.msg);
	return buf;
}

static void test_kinds(void)
{
	is_str(nslab_kind_to_string(NSLAB_KIND_SWITCH), "switch", "kind to string");
	is_int(nslab_kind_from_string("bridge"), NSLAB_KIND_BRIDGE, "kind from string");
	is_int(nslab_kind_from_string("ext"), NSLAB_KIND_EXT, "ext is a kind");
	is_str(nslab_kind_to_string(NSLAB_KIND_EXT), "ext", "ext to string");
	is_int(nslab_kind_from_string("docker"), -EINVAL, "unknown kind");
	ok(nslab_kind_to_string(NSLAB_KIND_MAX) == NULL, "kind out of range");
}

static void test_bridge(void)
{
	struct nslab_topo *t = good("bridge.yml");
	const struct nslab_node *br;

	if (!t)
		return;
	is_str(t->name, "bridged", "lab name");
	is_str(t->prefix, "nslab", "default prefix");
	is_int(t->n_nodes, 4, "4 nodes");
	is_int(t->n_links, 3, "3 links");
	br = node(t, "mybridge");
	ok(br && br->kind == NSLAB_KIND_BRIDGE && br->netns == NULL,
	   "bridge in the host namespace");
	is_str(t->nodes[0].netns, "nslab-bridged-h1", "netns name");
	for (size_t i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof(want), "10.0.0.%zu/24", i + 1);
		is_int(t->links[i].ep[0].n_ipv4, 1, "link %zu: one address", i);
		is_str(t->links[i].ep[0].ipv4[0].s, want, "link %zu: address", i);
		is_int(t->links[i].ep[1].n_ipv4, 0, "link %zu: bridge port has none", i);
		is_int(t->links[i].ep[1].node, 3, "link %zu: to the bridge", i);
		is_int(t->links[i].mtu, 1500, "link %zu: default mtu", i);
		is_int(t->links[i].type, NSLAB_LINK_VETH, "link %zu: veth", i);
	}
	is_str(t->links[1].ep[1].ifname, "h2-eth1", "bridge port name");
	is_int(t->links[1].ep[0].pos.line, 12, "endpoint line");
	is_int(t->links[1].ep[0].pos.col, 19, "endpoint column");
	is_int(t->n_warnings, 0, "no warnings");
	nslab_topo_free(t);
}

static void test_routers(void)
{
	struct nslab_topo *t = good("routers.yml");
	const struct nslab_node *h1, *r1, *h2;

	if (!t)
		return;
	is_int(t->n_nodes, 4, "4 nodes");
	h1 = node(t, "h1");
	r1 = node(t, "r1");
	h2 = node(t, "h2");
	if (!h1 || !r1 || !h2)
		return;
	is_int(h1->n_routes, 2, "h1 routes");
	is_str(h1->routes[0].dst, "default", "default route");
	is_int(h1->routes[0].family, AF_INET, "default: family from via");
	is_int(h1->routes[1].family, AF_INET6, "default6");
	is_int(h1->routes[0].metric, -1, "no metric");
	is_int(r1->n_routes, 2, "r1 routes");
	is_int(r1->routes[0].metric, 100, "metric");
	is_str(r1->routes[1].dev, "eth2", "dev");
	is_str(r1->routes[1].src, "fd00:12::1", "src");
	ok(r1->routes[1].onlink, "onlink");
	is_int(r1->routes[1].table, 100, "table");
	ok(h2->routes[0].via == NULL && h2->routes[0].family == AF_INET, "dev-only route");
	is_str(kv(r1->sysctls, r1->n_sysctls, "net.ipv4.ip_forward"), "1", "group sysctl");
	is_str(kv(r1->sysctls, r1->n_sysctls, "net.ipv6.conf.all.forwarding"), "1", "quoted value");
	is_str(kv(r1->sysctls, r1->n_sysctls, "net.ipv6.conf.all.disable_ipv6"), "0",
	       "kind sysctl");
	is_int(h1->n_sysctls, 1, "h1: kind sysctl only");
	is_str(r1->group, "routers", "group");
	is_int(t->links[1].mtu, 9000, "mtu");
	is_int(t->links[1].ep[1].n_ipv6, 1, "ipv6");
	is_str(t->links[1].ep[1].ipv6[0].s, "fd00:12::2/64", "ipv6 address");
	nslab_topo_free(t);
}

static void test_switch(void)
{
	struct nslab_topo *t = good("switch.yml");
	const struct nslab_node *sw;

	if (!t)
		return;
	sw = node(t, "sw1");
	ok(sw && sw->kind == NSLAB_KIND_SWITCH, "switch kind");
	is_str(sw ? sw->netns : NULL, "nslab-sw-sw1", "switch has a namespace");
	is_int(t->links[2].ep[0].node, 0, "switch end first as written");
	is_str(t->links[2].ep[1].ipv4[0].s, "192.168.1.3/24", "\"\" skips one endpoint");
	is_int(t->links[2].ep[0].n_ipv4, 0, "skipped endpoint has none");
	nslab_topo_free(t);
}

static void test_clab(void)
{
	struct nslab_topo *t = good("clab.yml");
	const struct nslab_node *c1;

	if (!t)
		return;
	is_int(t->n_warnings, 3, "one warning per ignored key name (image, binds, startup-config)");
	if (t->n_warnings == 3) {
		is_str(t->warnings[0],
		       "clab.yml:6:5: 'image' is ignored: nslab runs no container runtime",
		       "image warning text");
		is_str(t->warnings[1],
		       "clab.yml:10:7: 'binds' is ignored: nslab runs no container runtime",
		       "binds warning text");
		ok(strstr(t->warnings[2], "'startup-config' is ignored") != NULL, "startup-config");
	}
	is_str(t->prefix, "clab", "prefix");
	c1 = node(t, "client1");
	is_int(c1 ? c1->n_exec : 0, 2, "exec lines");
	if (c1 && c1->n_exec == 2) {
		is_str(c1->exec[1].s, "ip route add 10.0.0.0/8 via 192.168.0.254", "exec text");
		is_int(c1->exec[1].pos.line, 18, "exec line");
	}
	is_str(c1 ? c1->netns : NULL, "clab-srlceos01-client1", "netns with prefix");
	nslab_topo_free(t);
}

static void test_inherit(void)
{
	struct nslab_topo *t = good("inherit.yml");
	const struct nslab_node *n1, *n2, *n3, *n4, *br;

	if (!t)
		return;
	n1 = node(t, "n1");
	n2 = node(t, "n2");
	n3 = node(t, "n3");
	n4 = node(t, "n4");
	br = node(t, "br");
	if (!n1 || !n2 || !n3 || !n4 || !br)
		return;
	/* Maps merge, the most specific wins per key. */
	is_str(nslab_node_label(n1, "role"), "node", "n1 role from node");
	is_str(nslab_node_label(n1, "site"), "lab", "n1 site from defaults");
	is_str(nslab_node_label(n1, "tier"), "linux", "n1 tier from kind");
	is_int(n1->n_labels, 3, "n1 labels");
	is_str(kv(n1->env, n1->n_env, "A"), "defaults", "env A from defaults");
	is_str(kv(n1->env, n1->n_env, "B"), "kind", "env B from kind");
	is_str(kv(n1->env, n1->n_env, "C"), "group", "env C from group");
	is_str(kv(n1->env, n1->n_env, "D"), "node", "env D from node");
	is_int(n1->n_env, 4, "n1 env");
	is_str(n1->env[0].key, "A", "merged map keeps defaults' order");
	is_str(kv(n1->sysctls, n1->n_sysctls, "net.ipv4.ip_forward"), "1", "sysctl from group");
	is_str(kv(n1->sysctls, n1->n_sysctls, "net.ipv4.conf.all.rp_filter"), "2",
	       "sysctl from defaults");
	/* Lists and scalars override. */
	is_int(n1->n_exec, 2, "exec from group replaces defaults'");
	is_str(n1->exec[0].s, "echo group 1", "group exec");
	is_str(n1->hostname, "from-kind", "hostname from kind");
	is_int(n2->n_exec, 0, "exec: [] overrides");
	is_str(n2->hostname, "n2-host", "own hostname");
	is_str(nslab_node_label(n2, "role"), "kind", "n2 role from kind");
	ok(n2->group == NULL, "n2 no group");
	is_int(n3->kind, NSLAB_KIND_SWITCH, "kind from group");
	is_str(kv(n3->env, n3->n_env, "S"), "1", "kinds.switch applies");
	ok(kv(n3->env, n3->n_env, "B") && strcmp(kv(n3->env, n3->n_env, "B"), "defaults") == 0,
	   "switch: no kinds.linux");
	is_str(n3->hostname, "n3", "hostname defaults to the name");
	is_int(n3->n_exec, 1, "switch inherits defaults exec");
	is_int(n4->kind, NSLAB_KIND_HOST, "host node");
	is_int(n4->n_exec, 1, "host exec");
	is_str(n4->exec[0].s, "echo on host", "host exec text");
	ok(n4->netns == NULL && n4->hostname == NULL && n4->n_env == 0 && n4->n_sysctls == 0,
	   "host node takes no namespace settings");
	is_int(br->kind, NSLAB_KIND_BRIDGE, "bridge");
	is_int(br->n_exec, 0, "bridge: no exec");
	is_str(nslab_node_label(br, "role"), "bridge", "bridge label from kinds.bridge");
	is_str(nslab_node_label(br, "x"), "1", "bridge own label");
	ok(nslab_node_label(br, "nope") == NULL, "absent label");
	nslab_topo_free(t);
}

static void test_prefix(void)
{
	struct nslab_topo *t;

	if ((t = good("prefix-default.yml"))) {
		is_str(t->nodes[0].netns, "nslab-p1-a", "default prefix");
		is_str(t->nodes[1].netns, "nslab-p1-b.c_d-e", "name with . _ -");
		nslab_topo_free(t);
	}
	if ((t = good("prefix-empty.yml"))) {
		is_str(t->prefix, "", "empty prefix kept");
		is_str(t->nodes[0].netns, "a", "prefix \"\": bare name");
		nslab_topo_free(t);
	}
	if ((t = good("prefix-labname.yml"))) {
		is_str(t->nodes[0].netns, "p3-a", "__lab-name");
		is_str(t->nodes[1].netns, "p3-s", "__lab-name switch");
		ok(t->nodes[2].netns == NULL, "bridge has no netns");
		nslab_topo_free(t);
	}
	if ((t = good("prefix-custom.yml"))) {
		is_str(t->nodes[0].netns, "corp-p4-a", "custom prefix");
		nslab_topo_free(t);
	}
}

static void test_env(void)
{
	struct nslab_topo *t;
	const struct nslab_node *r1;

	setenv("NSLAB_T_NAME", "fromenv", 1);
	setenv("NSLAB_T_SET", "val", 1);
	unsetenv("NSLAB_T_UNSET");
	unsetenv("NSLAB_T_IF");
	setenv("NSLAB_T_MTU", "", 1);
	t = good("env.yml");
	if (!t)
		return;
	is_str(t->name, "fromenv", "${VAR:-default} with VAR set");
	r1 = node(t, "r1");
	if (r1 && r1->n_exec == 2) {
		is_str(r1->exec[0].s, "echo $HOME $ val $HOME", "$VAR untouched, $$ -> $");
		is_str(r1->exec[1].s, "x=y", "unset ${VAR} -> empty");
	} else {
		ok(0, "r1 exec");
	}
	is_str(t->links[0].ep[0].ifname, "eth7", "${VAR:=default}");
	is_str(t->links[0].ep[1].ifname, "eth7", ":= assigned the variable");
	is_str(getenv("NSLAB_T_IF"), "eth7", ":= setenv()s");
	is_int(t->links[0].mtu, 1400, "${VAR:-default} with VAR empty");
	ok(strstr(t->text, "name: fromenv\n") != NULL, "text holds the expanded file");
	is_int(t->text_len, strlen(t->text), "text_len");
	/* Positions point into the original file, not the expanded text. */
	is_int(t->links[0].ep[1].pos.line, 6, "position after expansion: line");
	is_int(t->links[0].ep[1].pos.col, 46, "position after expansion: column");
	nslab_topo_free(t);
	unsetenv("NSLAB_T_IF");
	setenv("NSLAB_T_IF", "eth1", 1);
	if ((t = good("env.yml"))) {
		is_str(t->links[0].ep[0].ifname, "eth1", ":= keeps a set variable");
		nslab_topo_free(t);
	}
	unsetenv("NSLAB_T_NAME");
	unsetenv("NSLAB_T_SET");
	unsetenv("NSLAB_T_IF");
	unsetenv("NSLAB_T_MTU");
}

static void test_host_links(void)
{
	struct nslab_topo *t = good("host-links.yml");
	const struct nslab_node *h;
	const struct nslab_link *l;

	if (!t)
		return;
	is_int(t->n_nodes, 3, "implicit host node added once");
	h = &t->nodes[2];
	is_str(h->name, "host", "implicit host name");
	ok(h->implicit && h->kind == NSLAB_KIND_HOST && h->netns == NULL, "implicit host kind");
	for (size_t i = 0; i < 3; i++) {
		l = &t->links[i];
		is_int(l->type, NSLAB_LINK_HOST, "link %zu: host type", i);
		is_int(l->ep[1].node, 2, "link %zu: ep[1] is the host", i);
	}
	l = &t->links[1];
	is_str(l->ep[0].ifname, "eth9", "brief host:IF written first is swapped");
	is_str(l->ep[0].ipv4[0].s, "192.168.51.2/24", "addresses follow their endpoint");
	is_str(l->ep[1].ifname, "r2-up", "host side");
	l = &t->links[2];
	is_str(l->ep[0].ifname, "eth8", "type: host endpoint");
	is_str(l->ep[0].ipv4[0].s, "192.168.52.2/24", "type: host endpoint address");
	is_str(l->ep[1].ifname, "r1-up2", "host-interface");
	is_str(l->ep[1].ipv4[0].s, "192.168.52.1/24", "host-ipv4");
	is_str(l->ep[1].ipv6[0].s, "fd00:52::1/64", "host-ipv6");
	is_int(l->mtu, 1400, "host link mtu");
	nslab_topo_free(t);
}

static void test_veth_ext(void)
{
	struct nslab_topo *t = good("veth-ext.yml");
	const struct nslab_endpoint *e;

	if (!t)
		return;
	e = &t->links[0].ep[0];
	is_str(e->mac, "02:00:00:00:01:01", "mac");
	is_int(e->n_ipv4, 2, "ipv4 list");
	is_str(e->ipv4[0].s, "10.0.0.1/30", "primary first");
	is_str(e->ipv4[1].s, "10.0.5.1/32", "second");
	is_int(e->n_ipv6, 1, "ipv6 string");
	is_str(e->ipv6[0].s, "fd00::1/64", "ipv6");
	e = &t->links[0].ep[1];
	ok(e->mac == NULL, "no mac: kernel's");
	is_str(e->ipv4[0].s, "10.0.0.2/30", "ipv4 string");
	e = &t->links[1].ep[1];
	is_str(e->mac, "02:aa:bb:cc:dd:ee", "block style mac");
	is_int(e->n_ipv6, 2, "ipv6 list");
	is_int(t->links[1].ep[0].n_ipv4, 0, "no addresses");
	nslab_topo_free(t);
}

static void test_anchors(void)
{
	struct nslab_topo *t = good("anchors.yml");

	if (!t)
		return;
	is_str(nslab_node_label(&t->nodes[1], "a"), "2", "merge key: own value wins");
	ok(nslab_node_label(&t->nodes[1], "b") == NULL, "merge is shallow");
	is_str(nslab_node_label(&t->nodes[2], "b"), "1", "alias");
	nslab_topo_free(t);
}

static const struct nslab_network *net_of(const struct nslab_topo *t, const struct nslab_node *n,
					  size_t i)
{
	return n && i < n->n_networks ? &t->networks[n->networks[i].network] : NULL;
}

static const char *net_name(const struct nslab_topo *t, const struct nslab_node *n, size_t i)
{
	const struct nslab_network *nw = net_of(t, n, i);

	return nw ? nw->name : NULL;
}

/* The example of the spec's Networks section. */
static void test_compose(void)
{
	struct nslab_topo *t = good("compose.yml"), *t2;
	const struct nslab_node *proxy, *app, *db;
	const struct nslab_network *fe, *be;

	if (!t)
		return;
	is_int(t->n_networks, 2, "2 networks");
	if (t->n_networks != 2)
		goto out;
	fe = &t->networks[0];
	be = &t->networks[1];
	is_str(fe->name, "frontend", "frontend");
	is_str(fe->subnet, "172.30.1.0/24", "frontend subnet");
	ok(fe->subnet6 == NULL && fe->gateway6 == NULL, "no subnet6");
	is_str(fe->gateway, "172.30.1.1", "gateway: first host");
	ok(!fe->internal && fe->nat && !fe->is_mgmt, "frontend: NAT out");
	is_int(fe->mtu, 1500, "default mtu");
	is_str(fe->bridge, "nl67036980-fron", "default bridge: nl + FNV-1a(lab/net) + name");
	is_int(fe->pos.line, 3, "network position");
	is_str(be->name, "backend", "backend");
	ok(be->internal && !be->nat, "backend: internal, no NAT");
	ok(be->gateway == NULL, "internal: no gateway in the model");
	is_str(be->bridge, "nl99a8d62c-back", "backend bridge");
	ok(strlen(fe->bridge) <= 15 && strlen(be->bridge) <= 15, "bridges fit IFNAMSIZ");
	proxy = node(t, "proxy");
	app = node(t, "app");
	db = node(t, "db");
	if (!proxy || !app || !db)
		goto out;
	is_int(proxy->n_networks, 1, "proxy: one network");
	is_str(net_name(t, proxy, 0), "frontend", "proxy on frontend");
	is_str(proxy->networks[0].ifname, "eth1", "proxy eth1");
	is_str(proxy->networks[0].ipv4, "172.30.1.2/24", "proxy: first address after the gateway");
	ok(proxy->networks[0].ipv6 == NULL, "proxy: no IPv6");
	is_int(proxy->networks[0].pos.line, 7, "attachment position");
	is_int(proxy->n_ports, 1, "proxy: one port");
	if (proxy->n_ports == 1) {
		const struct nslab_port *pt = &proxy->ports[0];

		ok(pt->host_ip == NULL, "every host address");
		ok(pt->host_port == 8080 && pt->host_end == 8080, "host port");
		ok(pt->node_port == 80 && pt->node_end == 80, "node port");
		is_int(pt->proto, IPPROTO_TCP, "tcp by default");
		is_str(pt->spec, "8080:80", "spec as written");
		is_int(pt->pos.line, 7, "port position");
	}
	is_int(app->n_networks, 2, "app: two networks");
	if (app->n_networks == 2) {
		is_str(net_name(t, app, 0), "frontend", "app: frontend first");
		is_str(app->networks[0].ifname, "eth1", "app eth1");
		is_str(app->networks[0].ipv4, "172.30.1.3/24", "app frontend address");
		is_str(net_name(t, app, 1), "backend", "app: backend second");
		is_str(app->networks[1].ifname, "eth2", "app eth2");
		is_str(app->networks[1].ipv4, "172.30.2.2/24",
		       "internal network: gateway .1 still reserved");
	}
	is_int(db->n_networks, 1, "db: one network");
	if (db->n_networks == 1) {
		is_str(db->networks[0].ifname, "eth1", "db eth1");
		is_str(db->networks[0].ipv4, "172.30.2.50/24", "static address, subnet's length");
	}
	/* The same file gives the same names. */
	t2 = good("compose.yml");
	if (t2) {
		is_str(t2->networks[0].bridge, fe->bridge, "default bridge is deterministic");
		nslab_topo_free(t2);
	}
out:
	nslab_topo_free(t);
}

static void test_mgmt(void)
{
	struct nslab_topo *t = good("mgmt.yml");
	const struct nslab_network *m;
	const struct nslab_node *a, *b, *c, *sw, *br, *x;

	if (!t)
		return;
	is_int(t->n_networks, 2, "mgmt + lan");
	m = &t->networks[0];
	is_str(m->name, "mgmt", "mgmt is stored as 'mgmt'");
	ok(m->is_mgmt, "is_mgmt");
	ok(!t->networks[1].is_mgmt, "lan is not mgmt");
	is_str(m->subnet, "10.99.0.0/24", "ipv4-subnet");
	is_str(m->gateway, "10.99.0.1", "default ipv4-gw");
	is_str(m->subnet6, "fd00:99::/64", "ipv6-subnet");
	is_str(m->gateway6, "fd00:99::fe", "ipv6-gw");
	is_str(m->bridge, "m1-mgmt", "bridge");
	is_int(m->mtu, 1400, "mtu");
	ok(!m->nat && !m->internal, "external-access: false");
	a = node(t, "a");
	b = node(t, "b");
	c = node(t, "c");
	sw = node(t, "sw");
	br = node(t, "br");
	x = node(t, "x");
	if (!a || !b || !c || !sw || !br || !x)
		goto out;
	is_int(a->n_networks, 1, "a: mgmt only");
	is_str(net_name(t, a, 0), "mgmt", "a on mgmt");
	is_str(a->networks[0].ifname, "eth0", "mgmt is eth0");
	is_str(a->networks[0].ipv4, "10.99.0.10/24", "mgmt-ipv4");
	is_str(a->networks[0].ipv6, "fd00:99::1/64",
	       "IPv6 from the first host: the gateway is elsewhere");
	is_int(b->n_networks, 2, "b: mgmt and lan");
	if (b->n_networks == 2) {
		is_str(net_name(t, b, 0), "mgmt", "mgmt first");
		is_str(b->networks[0].ipv4, "10.99.0.2/24", "IPAM on mgmt");
		is_str(b->networks[0].ipv6, "fd00:99::2/64", "IPv6 IPAM on mgmt");
		is_str(b->networks[1].ifname, "eth1", "lan is eth1");
		is_str(b->networks[1].ipv4, "10.98.0.2/24", "lan address");
	}
	is_str(c->networks[0].ipv4, "10.99.0.3/24", "c: next address");
	is_str(c->networks[0].ipv6, "fd00:99::c/64", "mgmt-ipv6");
	is_int(sw->n_networks, 0, "switch: not on mgmt");
	is_int(br->n_networks, 0, "bridge: not on mgmt");
	is_int(x->n_networks, 1, "ext on mgmt by its networks");
	if (x->n_networks == 1) {
		is_str(x->networks[0].ifname, "eth1", "ext: eth1");
		is_str(x->networks[0].ipv4, "10.99.0.4/24", "ext: IPAM in node order");
	}
out:
	nslab_topo_free(t);
	if ((t = good("mgmt-default.yml"))) {
		m = &t->networks[0];
		is_str(m->subnet, "172.20.20.0/24", "containerlab's default subnet");
		is_str(m->gateway, "172.20.20.1", "default gateway");
		ok(m->nat && !m->internal, "external-access defaults to true");
		ok(m->subnet6 == NULL, "no IPv6 unless asked");
		is_str(t->nodes[0].networks[0].ipv4, "172.20.20.2/24", "r1");
		is_str(t->nodes[1].networks[0].ipv4, "172.20.20.3/24", "r2");
		nslab_topo_free(t);
	}
}

static void test_ports(void)
{
	struct nslab_topo *t = good("ports.yml");
	const struct nslab_node *a, *h;
	const struct nslab_port *p;

	if (!t)
		return;
	a = node(t, "a");
	h = node(t, "h");
	if (!a || !h || !is_int(a->n_ports, 7, "a: 7 ports"))
		goto out;
	p = a->ports;
	ok(!p[0].host_ip && p[0].host_port == 8080 && p[0].node_port == 80 &&
		   p[0].proto == IPPROTO_TCP,
	   "8080:80");
	is_str(p[1].host_ip, "127.0.0.1", "HOST_IP");
	ok(p[1].host_port == 8443 && p[1].node_port == 443 && p[1].proto == IPPROTO_TCP,
	   "127.0.0.1:8443:443/tcp");
	ok(p[2].host_port == 5353 && p[2].node_port == 53 && p[2].proto == IPPROTO_UDP, "/udp");
	ok(p[3].host_port == 9000 && p[3].host_end == 9002 && p[3].node_port == 7000 &&
		   p[3].node_end == 7002,
	   "ranges");
	ok(p[4].host_ip == NULL && p[4].host_port == 8081, "0.0.0.0 is every address");
	is_str(p[5].host_ip, "127.0.0.2", "same port on another address");
	ok(p[6].host_port == 8080 && p[6].proto == IPPROTO_UDP, "same port, other protocol");
	is_str(p[1].spec, "127.0.0.1:8443:443/tcp", "spec");
	is_int(p[1].pos.line, 10, "port line");
	is_int(h->n_ports, 1, "h: reachable through its link to a bridge");
	is_int(h->n_networks, 0, "h: no network");
out:
	nslab_topo_free(t);
}

static void test_services(void)
{
	struct nslab_topo *t = good("services.yml");
	const struct nslab_node *a, *b, *c, *d, *e, *sw, *br;

	if (!t)
		return;
	a = node(t, "a");
	b = node(t, "b");
	c = node(t, "c");
	d = node(t, "d");
	e = node(t, "e");
	sw = node(t, "sw");
	br = node(t, "br");
	if (!a || !b || !c || !d || !e || !sw || !br)
		goto out;
	if (is_int(a->n_services, 3, "a: 2 services + cmd")) {
		is_str(a->services[0].s, "python3 -m http.server 80", "service 1");
		is_str(a->services[1].s, "sleep infinity", "service 2");
		is_str(a->services[2].s, "nc -l 9", "cmd comes last");
		is_int(a->services[2].pos.line, 9, "cmd position");
	}
	if (is_int(b->n_services, 2, "b: defaults' services + cmd")) {
		is_str(b->services[0].s, "sleep 1000", "inherited service");
		is_str(b->services[1].s, "sleep 5", "cmd");
	}
	is_int(c->n_services, 0, "services: [] overrides");
	is_int(sw->n_services, 1, "switch: services");
	is_int(br->n_services, 0, "bridge: none inherited");
	is_int(a->memory, 64ull << 20, "memory: 64m from defaults");
	is_int(b->memory, 1ull << 30, "memory: 1g");
	is_int(c->memory, 134217728, "memory in bytes");
	is_int(d->memory, 3ull << 29, "memory: 1.5GiB");
	is_int(e->memory, 2ull << 20, "memory: 2MB is binary, as Docker");
	is_int(sw->memory, 64ull << 20, "switch: memory from defaults");
	is_int(br->memory, 0, "bridge: no memory");
	is_int(a->cpu_millis, 500, "cpu: 0.5 from kinds.linux");
	is_int(b->cpu_millis, 500, "cpu: 500m");
	is_int(c->cpu_millis, 2000, "cpu: 2");
	is_int(d->cpu_millis, 250, "cpu: \"0.25\"");
	is_int(sw->cpu_millis, 0, "switch: kinds.linux does not apply");
	ok(d->startup_delay == 1.5, "startup-delay: 1.5");
	ok(e->startup_delay == 3, "startup-delay: 3");
	ok(a->startup_delay == 0, "no startup-delay");
	if (is_int(d->n_wait_for, 2, "wait-for")) {
		is_str(d->wait_for[0].s, "a", "wait-for a");
		is_str(d->wait_for[1].s, "b", "wait-for b");
	}
	is_int(e->n_wait_for, 1, "e waits for d");
out:
	nslab_topo_free(t);
}

static void test_ext(void)
{
	struct nslab_topo *t = good("ext.yml");
	const struct nslab_node *web, *db, *p, *r1;

	if (!t)
		return;
	web = node(t, "web");
	db = node(t, "db");
	p = node(t, "p");
	r1 = node(t, "r1");
	if (!web || !db || !p || !r1)
		goto out;
	is_int(web->kind, NSLAB_KIND_EXT, "kind ext");
	is_str(web->ext_netns, "docker-web", "netns: a name");
	is_int(web->ext_pid, 0, "no pid");
	is_str(web->netns, "nslab-e-web", "rule 5: named like any node");
	is_str(web->hostname, "webhost", "hostname");
	is_int(web->n_exec, 1, "exec on ext");
	is_int(web->n_services, 1, "services on ext");
	is_int(web->memory, 32ull << 20, "memory on ext");
	is_str(nslab_node_label(web, "adopted"), "yes", "kinds.ext applies");
	if (is_int(web->n_networks, 1, "ext on a network")) {
		is_str(web->networks[0].ifname, "eth1", "eth1 (the link took eth5)");
		is_str(web->networks[0].ipv4, "10.20.0.2/24", "address");
	}
	is_int(db->ext_pid, 4242, "pid");
	ok(db->ext_netns == NULL, "pid: no netns");
	is_str(db->netns, "nslab-e-db", "pid: named like any node");
	is_int(db->n_ports, 1, "ext: ports, reachable over its host link");
	is_str(p->ext_netns, "/proc/1/ns/net", "netns: a path");
	is_int(p->n_sysctls, 0, "ext: no sysctls");
	is_str(r1->networks[0].ifname, "eth2", "r1: eth1 is its link's, so eth2");
	is_str(t->links[0].ep[0].ifname, "eth5", "links into ext nodes");
	is_int(t->links[0].ep[0].node, 0, "link end is web");
out:
	nslab_topo_free(t);
}

static void test_ipam(void)
{
	struct nslab_topo *t = good("ipam.yml");
	const struct nslab_node *n1, *n2, *n3, *n4;
	const struct nslab_network *dmz;

	if (!t)
		return;
	n1 = node(t, "n1");
	n2 = node(t, "n2");
	n3 = node(t, "n3");
	n4 = node(t, "n4");
	if (!n1 || !n2 || !n3 || !n4 || t->n_networks != 2)
		goto out;
	dmz = &t->networks[1];
	is_str(dmz->gateway, "10.2.0.254", "explicit gateway");
	is_str(dmz->bridge, "br-dmz", "explicit bridge");
	is_int(dmz->mtu, 9000, "mtu");
	ok(!dmz->nat && !dmz->internal, "nat: false");
	is_str(t->networks[0].gateway6, "fd00:1::1", "gateway6: first host of subnet6");
	is_str(n1->networks[0].ipv4, "10.1.0.2/29", "n1: first after the gateway");
	is_str(n1->networks[0].ipv6, "fd00:1::3/64", "n1: IPv6 skips n3's static ::2");
	is_str(n3->networks[0].ipv4, "10.1.0.3/29", "n3: static, in the middle");
	is_str(n3->networks[0].ipv6, "fd00:1::2/64", "n3: static IPv6");
	is_str(n3->networks[0].ifname, "eth1", "n3: eth1");
	if (is_int(n2->n_networks, 2, "n2: 2 networks")) {
		is_str(n2->networks[0].ifname, "eth2", "n2: eth1 is a link's, lan is eth2");
		is_str(n2->networks[0].ipv4, "10.1.0.4/29", "n2: skips the static .3");
		is_str(n2->networks[1].ifname, "eth3", "n2: dmz is eth3");
		is_str(n2->networks[1].ipv4, "10.2.0.1/24",
		       "explicit gateway: the first host is free");
	}
	if (is_int(n4->n_networks, 2, "n4: 2 networks")) {
		is_str(net_name(t, n4, 0), "dmz", "map form keeps the order");
		is_str(n4->networks[0].ifname, "eth1", "interface: eth1");
		is_str(n4->networks[0].ipv4, "10.2.0.2/24", "dmz address");
		is_str(n4->networks[1].ifname, "eth2", "lan skips the explicit eth1");
		is_str(n4->networks[1].ipv4, "10.1.0.5/29", "last but one of the /29");
		is_str(n4->networks[1].ipv6, "fd00:1::5/64", "IPv6");
	}
out:
	nslab_topo_free(t);
}

/* 5,000 nodes on one /16 with mgmt: IPAM must stay linear. */
static void test_big_network(void)
{
	const size_t n = 5000;
	size_t cap = n * 96, len = 0;
	char *buf = malloc(cap);
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct timespec a, b;
	double ms;
	int r;

	if (!ok(buf != NULL, "allocate"))
		return;
	len += (size_t)snprintf(buf + len, cap - len,
				"name: bignet\nmgmt: {ipv4-subnet: 10.250.0.0/16}\nnetworks:\n"
				"  lan: {subnet: 10.1.0.0/16, subnet6: \"fd00:1::/64\"}\n"
				"topology:\n  nodes:\n");
	for (size_t i = 0; i < n; i++) {
		if (i == n / 2)
			len += (size_t)snprintf(buf + len, cap - len,
						"    n%zu: {networks: {lan: {ipv4: 10.1.0.2}}, "
						"ports: [\"%zu:80\"]}\n",
						i, 10000 + i);
		else
			len += (size_t)snprintf(
				buf + len, cap - len,
				"    n%zu: {networks: [lan], ports: [\"%zu:80\"]}\n", i, 10000 + i);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = nslab_topo_parse("bignet.yml", buf, len, &t, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!is_int(r, 0, "5,000 nodes on a network parse"))
		printf("#   %s\n", err.msg);
	if (t) {
		const struct nslab_node *last = &t->nodes[n - 1];

		is_str(t->nodes[0].networks[1].ipv4, "10.1.0.3/16",
		       "first node skips the static .2");
		is_str(t->nodes[n / 2].networks[1].ipv4, "10.1.0.2/16", "static in the middle");
		is_str(last->networks[1].ipv4, "10.1.19.137/16", "last node");
		is_str(last->networks[1].ipv6, "fd00:1::1389/64", "last node IPv6");
		is_str(last->networks[0].ipv4, "10.250.19.137/16", "last node on mgmt");
		nslab_topo_free(t);
	}
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	printf("# 5,000 nodes on a /16 network parsed in %.1f ms\n", ms);
	/* Loose: sanitizers and busy machines are slower; O(n²) would be seconds. */
	ok(ms < 1000, "linear IPAM (%.1f ms)", ms);
	free(buf);
}

static void test_bad_fixtures(void)
{
	char pattern[4096];
	glob_t g;
	int n = 0;

	snprintf(pattern, sizeof(pattern), "%s/bad/*.yml", fixtures());
	if (glob(pattern, 0, NULL, &g) != 0) {
		ok(0, "bad fixtures found in %s", pattern);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		char errpath[4096];
		struct nslab_error err = { 0 };
		struct nslab_topo *t = NULL;
		char *want, got[NSLAB_ERR_MSG_MAX];
		size_t len;
		int r;

		snprintf(errpath, sizeof(errpath), "%.*s.err", (int)(strlen(path) - 4), path);
		want = read_all(errpath, &len);
		if (!ok(want != NULL, "%s has a .err file", base_name(path)))
			continue;
		want[strcspn(want, "\n")] = '\0';
		r = parse_path(path, &t, &err);
		if (r == 0)
			nslab_topo_free(t);
		snprintf(got, sizeof(got), "%.*s", (int)strcspn(err.msg, "\n"), err.msg);
		ok(r < 0, "%s is rejected", base_name(path));
		is_str(got, want, "%s message", base_name(path));
		free(want);
		n++;
	}
	globfree(&g);
	ok(n >= 100, "at least 100 bad fixtures (%d)", n);
}

static void test_good_fixtures(void)
{
	char pattern[4096];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/good/*.yml", fixtures());
	if (glob(pattern, 0, NULL, &g) != 0) {
		ok(0, "good fixtures found in %s", pattern);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct nslab_topo *t = good(base_name(g.gl_pathv[i]));

		nslab_topo_free(t);
	}
	globfree(&g);
}

static void test_inline_errors(void)
{
	char b[NSLAB_ERR_MSG_MAX];
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	static const char nul[] = "name: a\0b\n";

	is_int(nslab_topo_parse("bin.yml", nul, sizeof(nul) - 1, &t, &err), -EINVAL, "NUL byte");
	is_str(err.msg, "bin.yml:1:1: file is not text (binary data)", "binary message");
	is_int(nslab_topo_parse("-", "", 0, &t, &err), -EINVAL, "empty stdin");
	is_str(err.msg, "<stdin>:1:1: file is empty", "stdin is shown as <stdin>");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {}}\n  links: [{endpoints: [a:e1, "
			 "host:h1]}, {endpoints: [a:e2, host:h1]}]\n",
			 b, sizeof(b)),
	       "t.yml:4:60: interface 'h1' is used twice in the host namespace (first at 4:30)",
	       "host interface clash");
	is_str(first_err("name: x\ntopology:\n  nodes: {br1: {kind: bridge}, a: {}}\n"
			 "  links: [{endpoints: [a:e1, host:br1]}]\n",
			 b, sizeof(b)),
	       "t.yml:4:30: interface 'br1' in the host namespace clashes with bridge node "
	       "'br1' (3:11)",
	       "bridge name counts as a host interface");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {}}\n  links: [{endpoints: [a:e1, "
			 "a:e1]}]\n",
			 b, sizeof(b)),
	       "t.yml:4:30: link connects a:e1 to itself", "self link");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {}}\n  links: [{endpoints: [a:e1, "
			 "a:e2]}]\n",
			 b, sizeof(b)),
	       "(parsed)", "a link between two interfaces of one node is fine");
	is_str(first_err("name: x\ntopology:\n  nodes: {b1: {kind: bridge}, b2: {kind: bridge}}\n"
			 "  links: [{endpoints: [b1:p1, b2:p2]}]\n",
			 b, sizeof(b)),
	       "(parsed)", "bridge to bridge is fine");
	is_str(first_err("name: x\ntopology:\n  nodes: {h: {kind: host}, host: {kind: host}}\n"
			 "  links: [{endpoints: [h:x1, host:x2]}]\n",
			 b, sizeof(b)),
	       "(parsed)", "host to host is fine");
	is_str(first_err("name: x\nprefix: a/b\ntopology: {}\n", b, sizeof(b)),
	       "t.yml:2:9: invalid prefix 'a/b'; expected letters, digits, '_', '.' or '-'",
	       "bad prefix");
	is_str(first_err("name: ${X:-a}${Y:-b} ${Z\n", b, sizeof(b)),
	       "t.yml:1:22: unterminated '${': no closing '}' on this line",
	       "unterminated ${ position");
	is_str(first_err(
		       "name: x\ntopology: {nodes: {a: {}}, links: [{endpoints: [\"a:${A:-eth1}\", "
		       "\"a:$${B}/x\"]}]}\n",
		       b, sizeof(b)),
	       "t.yml:2:65: invalid interface name '${B}/x': it may not contain '/', ':', "
	       "spaces or control characters",
	       "column in the original text after $$ and ${}");
	is_str(first_err("name: x\ntopology: {nodes: {a: {routes: [{dst: 10.0.0.1/8, dev: e}]}}}\n",
			 b, sizeof(b)),
	       "t.yml:2:39: route destination '10.0.0.1/8' has host bits set; did you mean "
	       "10.0.0.0/8?",
	       "host bits in route dst");
	is_str(first_err("--- {name: a, topology: {}}\n--- {name: b}\n", b, sizeof(b)),
	       "t.yml:2:5: more than one YAML document in the file", "two documents");
	is_str(first_err("# only a comment\n", b, sizeof(b)), "t.yml:1:1: file is empty",
	       "comment only");
	is_str(first_err("a: &x [*x]\n", b, sizeof(b)),
	       "t.yml:1:1: unknown key 'a' at the top level; expected one of: name, prefix, "
	       "mgmt, networks, hosts, topology",
	       "recursive alias is harmless");
	is_str(first_err("name: x\ntopology: {nodes: {a: &a {<<: *a}}}\n", b, sizeof(b)),
	       "t.yml:2:27: YAML merge keys nested too deeply", "recursive merge key");
	is_str(first_err(
		       "name: x\ntopology:\n  kinds: {ext: {sysctls: {net.ipv4.ip_forward: 1}}}\n",
		       b, sizeof(b)),
	       "t.yml:3:17: 'sysctls' is not allowed on ext nodes: nslab leaves an adopted "
	       "namespace's settings as they are",
	       "kinds.ext takes no sysctls");
	is_str(first_err("name: x\ntopology:\n  kinds: {linux: {pid: 1}}\n", b, sizeof(b)),
	       "t.yml:3:19: 'pid' is for ext nodes only, not in kinds.linux", "kinds.linux pid");
	is_str(first_err("name: x\ntopology:\n  nodes: {h: {kind: host, services: [a]}}\n", b,
			 sizeof(b)),
	       "t.yml:3:27: 'services' is not allowed on host node 'h'; host nodes take only: "
	       "kind, group, labels, exec, host",
	       "no services on host nodes");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24, subnet6: 10.1.0.0/24}}\n"
			 "topology: {}\n",
			 b, sizeof(b)),
	       "t.yml:2:46: subnet6 '10.1.0.0/24' is an IPv4 subnet; expected IPv6 such as "
	       "fd00:30:1::/64",
	       "subnet6 must be IPv6");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24, mtu: 20}}\ntopology: {}\n",
			 b, sizeof(b)),
	       "t.yml:2:42: invalid mtu '20': expected an integer from 68 to 65535", "network mtu");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24, internal: maybe}}\n"
			 "topology: {}\n",
			 b, sizeof(b)),
	       "t.yml:2:47: invalid internal: expected true or false, got a string",
	       "internal is a boolean");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24}}\ntopology:\n  nodes: {a: "
			 "{networks: {n: {ipv4: 10.0.0.5, mac: x}}}}\n",
			 b, sizeof(b)),
	       "t.yml:4:46: unknown key 'mac' in a node's network; expected one of: ipv4, ipv6, "
	       "interface",
	       "node network keys");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24}}\ntopology:\n  nodes: {a: "
			 "{networks: n}}\n",
			 b, sizeof(b)),
	       "t.yml:4:25: expected a list or a map of network names for 'networks', got a "
	       "string",
	       "networks type");
	is_str(first_err("name: x\nmgmt: {ipv4-subnet: 10.0.0.0/24}\nnetworks: {n: {subnet: "
			 "10.0.0.128/25}}\ntopology: {}\n",
			 b, sizeof(b)),
	       "t.yml:3:24: subnet 10.0.0.128/25 of network 'n' overlaps subnet 10.0.0.0/24 of "
	       "network 'mgmt' (2:21)",
	       "overlap with mgmt");
	is_str(first_err("name: x\nmgmt: {ipv6-gw: \"fd00::1\"}\ntopology: {}\n", b, sizeof(b)),
	       "t.yml:2:17: 'ipv6-gw' needs 'ipv6-subnet'", "ipv6-gw without a subnet");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24}}\ntopology:\n  nodes: {a: "
			 "{networks: [n]}, b: {kind: bridge}}\n  links: [{endpoints: [a:eth1, "
			 "host:nld7cc8aa2-n]}]\n",
			 b, sizeof(b)),
	       "t.yml:5:32: interface 'nld7cc8aa2-n' in the host namespace clashes with the bridge "
	       "of network 'n' (2:12)",
	       "a host interface with a network bridge's default name");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {ports: [\"8080:80\"]}, b: {}}\n"
			 "  links: [{endpoints: [a:eth1, b:eth1], ipv4: [10.0.0.1/24]}]\n",
			 b, sizeof(b)),
	       "t.yml:3:15: node 'a' publishes ports but has no address the host can reach; put "
	       "it on a network",
	       "a link to a linux node does not make a node reachable");
	is_str(first_err("name: x\nnetworks: {n: {subnet: 10.0.0.0/24}}\ntopology:\n  nodes:\n"
			 "    a: {networks: [n], ports: [\"127.0.0.1:80:80\", \"80:80/udp\", "
			 "\"127.0.0.2:80:80\"]}\n    b: {networks: [n], ports: "
			 "[\"127.0.0.1:80:80/udp\"]}\n",
			 b, sizeof(b)),
	       "t.yml:6:32: host port 127.0.0.1:80/udp is already published by node 'a' (5:51)",
	       "a specific address clashes with every address");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {cmd: \"\"}}\n", b, sizeof(b)),
	       "t.yml:3:20: 'cmd' is empty", "empty cmd");
	is_str(first_err(
		       "name: x\ntopology:\n  nodes: {a: {}}\n  links: [{endpoints: [a:e1, b:e1]}]"
		       "\n",
		       b, sizeof(b)),
	       "t.yml:4:30: unknown node 'b' in endpoint 'b:e1'", "unknown node");
	is_str(first_err("name: x\ntopology:\n  nodes: {host: {}, a: {}}\n  links: [{type: host, "
			 "endpoint: {node: a, interface: e1}, host-interface: h}]\n",
			 b, sizeof(b)),
	       "t.yml:4:76: host link: node 'host' is declared with kind linux, not host",
	       "type: host needs the host node");
	is_str(first_err("name: x\ntopology:\n  nodes: {a: {hostname: \"\"}}\n", b, sizeof(b)),
	       "t.yml:3:25: invalid hostname '': expected 1 to 64 bytes", "empty hostname");
}

/* Aliases multiply work: a merge-key bomb must stop, not eat the machine. */
static void test_alias_bomb(void)
{
	char b[NSLAB_ERR_MSG_MAX];
	char text[4096];
	size_t len = 0;

	len += (size_t)snprintf(
		text + len, sizeof(text) - len,
		"name: x\ntopology:\n  groups:\n    g0: {labels: &l0 {a0: 1, a1: 1, "
		"a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1, a8: 1, a9: 1}}\n");
	for (int i = 1; i < 8; i++)
		len += (size_t)snprintf(
			text + len, sizeof(text) - len,
			"    g%d: {labels: &l%d {<<: [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
			"*l%d, *l%d, *l%d, *l%d]}}\n",
			i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	ok(strstr(first_err(text, b, sizeof(b)), "the file expands to too many items"),
	   "alias bomb stops: %s", b);
}

static void test_top_level_warning(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (!is_int(parse_str("w.yml",
			      "name: x\nsettings: {certificate-authority: {}}\ntopology: {}\n", &t,
			      &err),
		    0, "containerlab 'settings' is accepted"))
		return;
	is_int(t->n_warnings, 1, "one warning");
	is_str(t->warnings[0], "w.yml:2:1: 'settings' is ignored: nslab runs no container runtime",
	       "settings warning");
	is_int(t->n_nodes, 0, "no nodes");
	nslab_topo_free(t);
}

static void test_load(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	char path[4096];

	is_int(nslab_topo_load("/nonexistent/x.yml", &t, &err), -ENOENT, "missing file");
	is_str(err.msg, "cannot read '/nonexistent/x.yml': No such file or directory",
	       "missing file message");
	snprintf(path, sizeof(path), "%s/good/bridge.yml", fixtures());
	is_int(nslab_topo_load(path, &t, &err), 0, "load a file");
	if (t) {
		is_str(t->file, path, "file as given");
		nslab_topo_free(t);
	}
}

static void test_hand_built(void)
{
	struct nslab_node nodes[2] = { { .name = "a" }, { .name = "b" } };
	struct nslab_topo t = { .nodes = nodes, .n_nodes = 2 };

	is_int(nslab_topo_find_node(&t, "b"), 1, "find_node without an index");
	is_int(nslab_topo_find_node(&t, "c"), -1, "find_node: absent");
}

/* 5,000 nodes and 5,000 links must parse fast: no O(n²) anywhere. */
static void test_big(void)
{
	const size_t n = 5000;
	size_t cap = n * 160, len = 0;
	char *buf = malloc(cap);
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct timespec a, b;
	int r;

	if (!ok(buf != NULL, "allocate"))
		return;
	len += (size_t)snprintf(buf + len, cap - len,
				"name: big\ntopology:\n  defaults: {env: {A: b}}\n  nodes:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(
			buf + len, cap - len,
			"    n%zu: {labels: {i: \"%zu\"}, sysctls: {net.ipv4.ip_forward: 1}}\n", i,
			i);
	/* a bridge takes at most 1,023 ports: 1,000 hosts per switch */
	for (size_t k = 0; k < n / 1000; k++)
		len += (size_t)snprintf(buf + len, cap - len, "    sw%zu: {kind: switch}\n", k);
	len += (size_t)snprintf(buf + len, cap - len, "  links:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(
			buf + len, cap - len,
			"    - endpoints: [n%zu:eth1, sw%zu:p%zu]\n      ipv4: [10.%zu.%zu.1/24]\n",
			i, i / 1000, i, i / 256, i % 256);
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = nslab_topo_parse("big.yml", buf, len, &t, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!is_int(r, 0, "5,000 nodes parse"))
		printf("#   %s\n", err.msg);
	if (t) {
		is_int(t->n_nodes, n + n / 1000, "node count");
		is_int(t->n_links, n, "link count");
		is_int(nslab_topo_find_node(t, "n4999"), 4999, "find_node via the index");
		is_str(t->links[n - 1].ep[1].ifname, "p4999", "last port");
		nslab_topo_free(t);
	}
	printf("# 5,000 nodes + 5,000 links parsed in %.1f ms\n",
	       (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	free(buf);
}

/* The 1,024th port of one bridge is an error at that link, not halfway through a deploy. */
static void test_bridge_ports(void)
{
	size_t cap = 1100 * 64, len = 0;
	char *buf = malloc(cap);
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	int r;

	if (!ok(buf != NULL, "allocate"))
		return;
	len += (size_t)snprintf(buf + len, cap - len,
				"name: ports\ntopology:\n  nodes:\n    br: {kind: bridge}\n");
	for (size_t i = 0; i < 1024; i++)
		len += (size_t)snprintf(buf + len, cap - len, "    h%zu: {}\n", i);
	len += (size_t)snprintf(buf + len, cap - len, "  links:\n");
	for (size_t i = 0; i < 1024; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"    - endpoints: [\"h%zu:eth1\", \"br:p%zu\"]\n", i, i);
	r = nslab_topo_parse("ports.yml", buf, len, &t, &err);
	is_int(r, -EINVAL, "1,024 ports on one bridge are refused");
	is_str(strtok(err.msg, "\n"),
	       "ports.yml:2053:33: bridge node 'br' has more than 1023 ports; a Linux bridge takes "
	       "at "
	       "most 1023",
	       "the message names the bridge and the link that is one too many");
	nslab_topo_free(t);
	/* 1,023 is fine */
	len = (size_t)(strstr(buf, "    - endpoints: [\"h1023:") - buf);
	r = nslab_topo_parse("ports.yml", buf, len, &t, &err);
	is_int(r, 0, "1,023 ports are fine");
	nslab_topo_free(t);
	free(buf);
}

int main(void)
{
	test_bridge_ports();
	test_kinds();
	test_bridge();
	test_routers();
	test_switch();
	test_clab();
	test_inherit();
	test_prefix();
	test_env();
	test_host_links();
	test_veth_ext();
	test_anchors();
	test_inline_errors();
	test_alias_bomb();
	test_top_level_warning();
	test_load();
	test_hand_built();
	test_big();
	test_compose();
	test_mgmt();
	test_ports();
	test_services();
	test_ext();
	test_ipam();
	test_big_network();
	test_good_fixtures();
	test_bad_fixtures();
	return tap_done();
}
