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
	for (size_t i = 0; i < nr; i++) {
		for (size_t j = i + 1; j < nr; j++)
			if (meet(&r[i], &r[j]) && overlaps++ < 5)
				printf("# overlap: %s and %s\n", r[i].what, r[j].what);
		if (r[i].x0 < 0 || r[i].y0 < 0 || r[i].x1 > g->width || r[i].y1 > g->height)
			outside++;
	}
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

int main(void)
{
	check_model();
	check_layout(2, 2);
	check_layout(10, 11);
	check_layout(50, 51);
	check_layout(200, 201);
	return tap_done();
}
