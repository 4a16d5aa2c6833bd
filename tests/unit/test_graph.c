// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests for the graph model and nslab's own layout: no overlaps, room for labels, reproducible. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nslab/graph.h"
#include "nslab/topo.h"
#include "tap.h"

/*
 * The JSON renderer itself (src/graph_json.c is not in libnslab), with the
 * kind names it takes from src/cmd_graph.c.
 */
#include "../../src/graph_json.c"

const char *graph_kind(const struct nslab_graph_node *n)
{
	if (n->tunnel)
		return "remote";
	return n->node ? nslab_kind_to_string(n->node->kind) : "network";
}

/* What the HTML page uses (src/graph_html.c): 13 px and 11 px monospace. */
static const struct nslab_graph_metrics metrics = {
	.char_w = 13 * 0.62,
	.line_h = 13 * 1.3,
	.end_char_w = 11 * 0.62,
	.end_line_h = 11 * 1.25,
	.pad = 10,
	.gap = 16,
};

struct buf {
	char *s;
	size_t len;
	FILE *f;
};

/*
 * A lab of exactly @n nodes: routers in a ring, one switch with hosts, one
 * network with members, hosts on the routers, an isolated node, and two
 * parallel links; @n = 2 is two nodes with two links.
 */
static char *gen(int n)
{
	struct buf b = { 0 };
	int routers, on_sw, on_net, leaves, li = 0;

	b.f = open_memstream(&b.s, &b.len);
	fprintf(b.f, "name: g%d\n", n);
	if (n < 10) {
		fprintf(b.f, "topology:\n  nodes: {a: {}, b: {}}\n  links:\n"
			     "    - endpoints: [\"a:eth1\", \"b:eth1\"]\n"
			     "      ipv4: [\"10.0.0.1/30\", \"10.0.0.2/30\"]\n"
			     "    - endpoints: [\"a:eth2\", \"b:eth2\"]\n");
		fclose(b.f);
		return b.s;
	}
	routers = n / 5;
	on_sw = n / 6;
	on_net = n / 6;
	leaves = n - routers - 1 - on_sw - on_net - 1;
	fprintf(b.f, "networks: {lan: {subnet: 172.30.0.0/16}}\ntopology:\n  nodes:\n");
	fprintf(b.f, "    lonely: {}\n    sw: {kind: switch}\n");
	for (int i = 1; i <= routers; i++)
		fprintf(b.f, "    r%d: {}\n", i);
	for (int i = 1; i <= on_sw; i++)
		fprintf(b.f, "    s%d: {}\n", i);
	for (int i = 1; i <= on_net; i++)
		fprintf(b.f, "    d%d: {networks: [lan]}\n", i);
	for (int i = 1; i <= leaves; i++)
		fprintf(b.f, "    h%d: {}\n", i);
	fprintf(b.f, "  links:\n");
	for (int i = 1; i <= routers; i++, li++)
		fprintf(b.f,
			"    - endpoints: [\"r%d:eth1\", \"r%d:eth2\"]\n"
			"      ipv4: [\"10.%d.%d.1/30\", \"10.%d.%d.2/30\"]\n",
			i, i % routers + 1, li / 64, li % 64 * 4, li / 64, li % 64 * 4);
	for (int i = 1; i <= on_sw; i++)
		fprintf(b.f, "    - endpoints: [\"s%d:eth1\", \"sw:p%d\"]\n", i, i);
	for (int i = 1; i <= leaves; i++, li++)
		fprintf(b.f,
			"    - endpoints: [\"h%d:eth1\", \"r%d:eth%d\"]\n"
			"      ipv4: [\"10.%d.%d.1/30\", \"10.%d.%d.2/30\"]\n",
			i, (i - 1) % routers + 1, 10 + i, li / 64, li % 64 * 4, li / 64,
			li % 64 * 4);
	fprintf(b.f, "    - endpoints: [\"r1:up1\", \"sw:up1\"]\n"
		     "    - endpoints: [\"r1:up2\", \"sw:up2\"]\n");
	fclose(b.f);
	return b.s;
}

static struct nslab_topo *load(const char *text)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (nslab_topo_parse("gen.yml", text, strlen(text), &t, &err) < 0)
		printf("# parse: %s\n", err.msg);
	return t;
}

struct rect {
	double x0, y0, x1, y1;
	const char *what;
};

static bool meet(const struct rect *a, const struct rect *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Every node box and end label as a rectangle. */
static size_t rects(const struct nslab_graph *g, struct rect *r)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *v = &g->nodes[i];

		r[n++] = (struct rect){ v->x - v->w / 2, v->y - v->h / 2, v->x + v->w / 2,
					v->y + v->h / 2, v->name };
	}
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_graph_end *d = &g->links[l].end[e];

			if (d->n_lines)
				r[n++] = (struct rect){ d->x - d->w / 2, d->y - d->h / 2,
							d->x + d->w / 2, d->y + d->h / 2,
							d->lines[0] };
		}
	return n;
}

/* Pairs of @r that overlap (the first five printed), and boxes off @g's canvas. */
static void clashes(const struct nslab_graph *g, const struct rect *r, size_t nr, size_t *overlaps,
		    size_t *outside)
{
	for (size_t i = 0; i < nr; i++) {
		for (size_t j = i + 1; j < nr; j++)
			if (meet(&r[i], &r[j]) && (*overlaps)++ < 5)
				printf("# overlap: %s and %s\n", r[i].what, r[j].what);
		if (r[i].x0 < 0 || r[i].y0 < 0 || r[i].x1 > g->width || r[i].y1 > g->height)
			(*outside)++;
	}
}

/* Lay out a generated lab of @n nodes and check the result. */
static void check_layout(int n, size_t want_nodes)
{
	char *text = gen(n);
	struct nslab_topo *t = load(text);
	struct nslab_graph *g = NULL, *g2 = NULL;
	struct nslab_error err = { 0 };
	size_t overlaps = 0, outside = 0, small = 0, nr, same = 0, total = 0;
	struct rect *r;
	clock_t c0;
	double secs;

	if (!ok(t != NULL, "%d nodes: the generated lab parses", n)) {
		free(text);
		return;
	}
	is_int(t->n_nodes, n, "%d nodes: the lab has %d nodes", n, n);
	ok(nslab_graph_build(t, &g, &err) == 0, "%d nodes: graph built", n);
	is_int(g->n_nodes, want_nodes, "%d nodes: %zu graph nodes (nodes and networks)", n,
	       want_nodes);
	c0 = clock();
	ok(nslab_graph_layout(g, &metrics, &err) == 0, "%d nodes: layout done %s", n, err.msg);
	secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	ok(secs < 10, "%d nodes: layout took %.2f s (under 10)", n, secs);

	r = calloc(g->n_nodes + 2 * g->n_links, sizeof(*r));
	nr = rects(g, r);
	clashes(g, r, nr, &overlaps, &outside);
	is_int(overlaps, 0, "%d nodes: no two boxes (nodes, end labels) overlap (%zu boxes)", n,
	       nr);
	is_int(outside, 0, "%d nodes: every box is on the %.0f x %.0f canvas", n, g->width,
	       g->height);
	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *v = &g->nodes[i];

		for (size_t k = 0; k < v->n_lines; k++)
			if (v->w < (double)nslab_graph_text_len(v->lines[k]) * metrics.char_w ||
			    v->h < (double)v->n_lines * metrics.line_h)
				small++;
	}
	is_int(small, 0, "%d nodes: every node box holds its label at full size", n);

	/* Same input, same picture: no clock, no random seed. */
	nslab_graph_build(t, &g2, &err);
	nslab_graph_layout(g2, &metrics, &err);
	for (size_t i = 0; i < g->n_nodes; i++, total++)
		same += g->nodes[i].x == g2->nodes[i].x && g->nodes[i].y == g2->nodes[i].y;
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++, total++)
			same += g->links[l].end[e].x == g2->links[l].end[e].x &&
				g->links[l].end[e].y == g2->links[l].end[e].y;
	is_int(same, total, "%d nodes: a second layout is identical", n);
	free(r);
	nslab_graph_free(g);
	nslab_graph_free(g2);
	nslab_topo_free(t);
	free(text);
}

static void check_model(void)
{
	char *text = gen(10);
	struct nslab_topo *t = load(text);
	struct nslab_graph *g = NULL;
	struct nslab_error err = { 0 };
	size_t lan = 0, pn = 0, pi = 0, ports = 0, attach = 0;

	if (!ok(t && nslab_graph_build(t, &g, &err) == 0, "model: built")) {
		free(text);
		return;
	}
	is_str(g->nodes[0].name, "lonely", "model: topology nodes first, in file order");
	lan = g->n_nodes - 1;
	ok(g->nodes[lan].net && !g->nodes[lan].node, "model: the network is the last graph node");
	is_str(g->nodes[lan].lines[0], "network lan", "model: network label, first line");
	is_str(g->nodes[lan].lines[1], "172.30.0.0/16", "model: network label, its subnet");
	for (size_t l = 0; l < g->n_links; l++)
		if (!g->links[l].link) {
			attach++;
			ports += g->links[l].end[1].node == lan && g->links[l].end[1].n_lines == 0;
		}
	is_int(attach, 1, "model: one attachment link per network member (d1)");
	is_int(ports, attach, "model: the network side of an attachment has no label");
	is_int(g->n_links, t->n_links + attach, "model: file links plus attachments");
	nslab_graph_peer(g, lan, 0, &pn, &pi);
	is_str(g->nodes[pn].name, "d1", "model: the network's port leads to d1");
	is_str(g->nodes[pn].ifs[pi].name, "eth1", "model: ... to its eth1");
	ok(strncmp(g->nodes[lan].ifs[0].name, "nsl", 3) == 0, "model: the port is named nsl...");
	is_str(g->nodes[pn].ifs[pi].addrs[0], "172.30.0.2/16", "model: d1 has its network address");
	is_str(g->links[0].end[0].lines[0], "eth1",
	       "model: an end label starts with the interface");
	is_str(g->links[0].end[0].lines[1], "10.0.0.1/30", "model: ... then its address");
	ok(nslab_graph_state_to_string(NSLAB_GRAPH_UNKNOWN) == NULL,
	   "model: no live state is null");
	is_str(nslab_graph_state_to_string(NSLAB_GRAPH_LOWERDOWN), "lowerdown",
	       "model: state names");
	is_int(nslab_graph_text_len("a\xc3\xa9z"), 3, "text length counts UTF-8 characters");
	nslab_graph_free(g);
	nslab_topo_free(t);
	free(text);
}

/* Two hosts; r1 on a with a vxlan to b and a dummy, r2 on b with a gre (a key) elsewhere. */
static const char tunnel_lab[] =
	"name: tun\n"
	"hosts:\n  a: {address: 192.168.50.1}\n  b: {address: 192.168.50.2}\n"
	"topology:\n  nodes:\n    r1: {host: a}\n    r2: {host: b}\n    sw: {kind: switch}\n"
	"  links:\n"
	"    - endpoints: [\"r1:eth1\", \"sw:p1\"]\n"
	"    - endpoints: [\"r2:eth1\", \"sw:p2\"]\n"
	"    - type: vxlan\n"
	"      endpoint: {node: r1, interface: vx0, ipv4: 10.71.0.1/24}\n"
	"      remote: 192.168.50.2\n      vni: 4242\n"
	"    - type: gre\n"
	"      endpoint: {node: r2, interface: gre1, ipv4: 10.72.0.1/30, ipv6: fd00:72::1/64}\n"
	"      local: 192.168.50.2\n      remote: 192.168.0.9\n      key: 7\n"
	"    - type: dummy\n"
	"      endpoint: {node: r1, interface: dummy0, ipv4: 15.15.15.15/32}\n";

/* @n's label, its lines joined by "|". */
static const char *joined(const struct nslab_graph_node *n)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = 0;
	for (size_t k = 0; k < n->n_lines; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", k ? "|" : "",
					n->lines[k]);
	return buf;
}

/* The graph link whose end 0 is interface @ifname of topology node @node. */
static const struct nslab_graph_link *link_of(const struct nslab_graph *g, size_t node,
					      const char *ifname)
{
	for (size_t l = 0; l < g->n_links; l++) {
		const struct nslab_graph_end *e = &g->links[l].end[0];

		if (e->node == node && strcmp(g->nodes[node].ifs[e->iface].name, ifname) == 0)
			return &g->links[l];
	}
	return NULL;
}

/* "k=v" of @key in object @o: a string, an integer or null, for comparing. */
static const char *jv(json_t *o, const char *key)
{
	static char buf[8][128];
	static int next;
	json_t *v = json_object_get(o, key);
	char *b = buf[next++ % 8];

	if (!v)
		snprintf(b, 128, "%s missing", key);
	else if (json_is_string(v))
		snprintf(b, 128, "%s=%s", key, json_string_value(v));
	else if (json_is_integer(v))
		snprintf(b, 128, "%s=%lld", key, (long long)json_integer_value(v));
	else
		snprintf(b, 128, "%s=%s", key, json_is_null(v) ? "null" : "?");
	return b;
}

/* The JSON document: hosts of nodes, remotes with their settings, tunnel links. */
static void check_tunnel_json(const struct nslab_graph *g)
{
	json_t *j = graph_json(g), *nodes, *rem, *links, *peer;
	char all[512];

	if (!ok(j != NULL, "json: built"))
		return;
	nodes = json_object_get(j, "nodes");
	rem = json_object_get(j, "remotes");
	links = json_object_get(j, "links");
	is_int(json_integer_value(json_object_get(j, "version")), 1, "json: still version 1");
	is_int(json_array_size(nodes), 3, "json: nodes[] holds the topology's nodes only");
	is_int(json_array_size(rem), 3, "json: remotes[] holds one per tunnel");
	snprintf(all, sizeof(all), "%s %s %s", jv(json_array_get(nodes, 0), "host"),
		 jv(json_array_get(nodes, 1), "host"), jv(json_array_get(nodes, 2), "host"));
	is_str(all, "host=a host=b host=null", "json: node hosts (null for the stretched switch)");
	snprintf(all, sizeof(all), "%s %s %s %s %s %s %s %s", jv(json_array_get(rem, 0), "name"),
		 jv(json_array_get(rem, 0), "kind"), jv(json_array_get(rem, 0), "type"),
		 jv(json_array_get(rem, 0), "vni"), jv(json_array_get(rem, 0), "port"),
		 jv(json_array_get(rem, 0), "remote"), jv(json_array_get(rem, 0), "host"),
		 jv(json_array_get(rem, 0), "node"));
	is_str(all,
	       "name=r1:vx0 kind=remote type=vxlan vni=4242 port=14789 remote=192.168.50.2 "
	       "host=b node=r1",
	       "json: the vxlan remote");
	snprintf(all, sizeof(all), "%s %s %s %s %s", jv(json_array_get(rem, 1), "type"),
		 jv(json_array_get(rem, 1), "key"), jv(json_array_get(rem, 1), "vni"),
		 jv(json_array_get(rem, 1), "local"), jv(json_array_get(rem, 1), "host"));
	is_str(all, "type=gre key=7 vni=null local=192.168.50.2 host=null", "json: the gre remote");
	snprintf(all, sizeof(all), "%s %s", jv(json_array_get(rem, 2), "type"),
		 jv(json_array_get(rem, 2), "remote"));
	is_str(all, "type=dummy remote=null", "json: the dummy stub");
	snprintf(all, sizeof(all), "%s", jv(json_array_get(links, 2), "type"));
	is_str(all, "type=vxlan", "json: links[2] is the vxlan");
	peer = json_object_get(
		json_array_get(json_object_get(json_array_get(nodes, 0), "interfaces"), 1), "peer");
	snprintf(all, sizeof(all), "%s %s", jv(peer, "remote"), jv(peer, "interface"));
	is_str(all, "remote=r1:vx0 interface=vxlan", "json: r1's vx0 has the remote as its peer");
	json_decref(j);
}

static void check_tunnels(void)
{
	struct nslab_topo *t = load(tunnel_lab);
	struct nslab_graph *g = NULL;
	struct nslab_error err = { 0 };
	const struct nslab_graph_link *vx, *gre, *dum;
	size_t remotes = 0;

	if (!ok(t && nslab_graph_build(t, &g, &err) == 0, "tunnels: built %s", err.msg))
		return;
	is_int(t->n_tunnels, 3, "tunnels: the file has three one-ended links");
	is_int(g->n_nodes, 6, "tunnels: three nodes and one remote per tunnel");
	for (size_t i = 0; i < g->n_nodes; i++)
		remotes += g->nodes[i].tunnel && !g->nodes[i].node && !g->nodes[i].net &&
			   g->nodes[i].shape == NSLAB_GRAPH_SHAPE_REMOTE;
	is_int(remotes, 3, "tunnels: the last three graph nodes are remotes, drawn as such");
	is_str(joined(&g->nodes[0]), "r1|linux|@a", "tunnels: r1's label names its host");
	is_str(joined(&g->nodes[1]), "r2|linux|@b", "tunnels: r2's label names its host");
	is_str(joined(&g->nodes[2]), "sw|switch", "tunnels: a stretched switch has no host");
	is_int(g->nodes[2].host, -1, "tunnels: ... host -1");
	is_str(joined(&g->nodes[3]), "vxlan 4242|192.168.50.2|@b",
	       "tunnels: the vxlan remote: VNI, remote address, and the host with that address");
	is_str(g->nodes[3].name, "r1:vx0", "tunnels: a remote is named by its tunnel's end");
	is_str(joined(&g->nodes[4]), "gre key 7|192.168.0.9",
	       "tunnels: the gre remote: key, remote");
	is_str(joined(&g->nodes[5]), "dummy|no far end", "tunnels: the dummy's stub");
	vx = link_of(g, 0, "vx0");
	gre = link_of(g, 1, "gre1");
	dum = link_of(g, 0, "dummy0");
	if (!ok(vx && gre && dum, "tunnels: a link from each tunnel's interface")) {
		nslab_graph_free(g);
		nslab_topo_free(t);
		return;
	}
	is_int(g->n_links, t->n_links + 3, "tunnels: file links plus one per tunnel");
	is_int(vx->end[1].node, 3, "tunnels: vx0's link goes to the vxlan remote");
	is_int(gre->end[1].node, 4, "tunnels: gre1's link goes to the gre remote");
	is_int(dum->end[1].node, 5, "tunnels: dummy0's link goes to the dummy stub");
	is_str(nslab_graph_link_type(vx), "vxlan", "tunnels: link type vxlan");
	is_str(nslab_graph_link_type(gre), "gre", "tunnels: link type gre");
	is_str(nslab_graph_link_type(dum), "dummy", "tunnels: link type dummy");
	is_str(nslab_graph_link_type(&g->links[0]), "veth", "tunnels: a file link stays veth");
	is_int(vx->end[0].n_lines, 2, "tunnels: vx0's end label: name and address");
	is_str(vx->end[0].lines[0], "vx0", "tunnels: ... the interface first");
	is_str(vx->end[0].lines[1], "10.71.0.1/24", "tunnels: ... then its address");
	is_int(gre->end[0].n_lines, 3, "tunnels: gre1's end label has both addresses");
	is_str(gre->end[0].lines[2], "fd00:72::1/64", "tunnels: ... IPv6 after IPv4");
	is_str(dum->end[0].lines[0], "dummy0", "tunnels: the dummy's end label");
	is_int(vx->end[1].n_lines, 0, "tunnels: the remote's side has no end label");
	is_int(g->nodes[0].n_ifs, 3, "tunnels: r1 lists eth1, vx0 and dummy0 (the hover panel)");
	is_str(g->nodes[3].ifs[0].name, "vxlan", "tunnels: the remote's end is named by its type");
	check_tunnel_json(g);
	nslab_graph_free(g);
	nslab_topo_free(t);
}

/* Layout of a lab with many tunnels: no box overlaps another, all on the canvas. */
static void check_tunnel_layout(void)
{
	struct buf b = { 0 };
	struct nslab_topo *t;
	struct nslab_graph *g = NULL;
	struct nslab_error err = { 0 };
	size_t nr, overlaps = 0, outside = 0;
	struct rect *r;

	b.f = open_memstream(&b.s, &b.len);
	fputs(tunnel_lab, b.f);
	/* More tunnels on r1 and r2, with long labels, crowding the same nodes. */
	for (int i = 0; i < 6; i++)
		fprintf(b.f,
			"    - type: vxlan\n"
			"      endpoint: {node: r%d, interface: vxl%d, ipv4: [10.80.%d.1/24, "
			"10.81.%d.1/24], ipv6: fd00:80:%d::1/64}\n"
			"      remote: 192.168.%d.%d\n      vni: %d\n",
			i % 2 + 1, i, i, i, i, 60 + i, 100 + i, 5000 + i);
	fclose(b.f);
	t = load(b.s);
	if (!ok(t && nslab_graph_build(t, &g, &err) == 0, "tunnel layout: built %s", err.msg)) {
		free(b.s);
		return;
	}
	ok(nslab_graph_layout(g, &metrics, &err) == 0, "tunnel layout: done %s", err.msg);
	r = calloc(g->n_nodes + 2 * g->n_links, sizeof(*r));
	nr = rects(g, r);
	clashes(g, r, nr, &overlaps, &outside);
	is_int(g->n_nodes, 12, "tunnel layout: 3 nodes and 9 remotes");
	is_int(nr, 12 + 4 + 9, "tunnel layout: every node and every labelled end counted");
	is_int(overlaps, 0, "tunnel layout: no two boxes (nodes, remotes, end labels) overlap");
	is_int(outside, 0, "tunnel layout: every box is on the canvas");
	free(r);
	nslab_graph_free(g);
	nslab_topo_free(t);
	free(b.s);
}

/* A lab without nodes (found by the fuzzer: the layout leaked its queue). */
static void check_empty(void)
{
	struct nslab_topo *t = load("name: lab\ntopology:\n  nodes:\n");
	struct nslab_error err = { 0 };
	struct nslab_graph *g = NULL;

	if (!ok(t != NULL, "empty lab: parsed"))
		return;
	is_int(nslab_graph_build(t, &g, &err), 0, "empty lab: graph built");
	is_int(g ? (int)g->n_nodes : -1, 0, "empty lab: no graph node");
	is_int(g ? nslab_graph_layout(g, &metrics, &err) : -1, 0,
	       "empty lab: laid out (nothing allocated is lost: ASan's leak check)");
	nslab_graph_free(g);
	nslab_topo_free(t);
}

int main(void)
{
	check_empty();
	check_model();
	check_tunnels();
	check_tunnel_layout();
	check_layout(2, 2);
	check_layout(10, 11);
	check_layout(50, 51);
	check_layout(200, 201);
	return tap_done();
}
