// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab graph --format mermaid: a Mermaid flowchart (graph LR), for Markdown pages. */
#include <string.h>

#include "graph_render.h"
#include "util.h"

static bool isalnum_ascii(unsigned int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * @s inside a Mermaid quoted label.  Mermaid decodes "#NNN;" entities and
 * draws labels as HTML, so everything but plain letters, digits and a few
 * punctuation marks is written as an entity: quotes, '#', '<', '&' …
 * A UTF-8 sequence becomes the entity of its code point.
 */
static void mm_str(FILE *f, const char *s)
{
	static const char safe[] = " ._:/,+()-";
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int cp = *p, extra = 0;

		if ((cp < 0x80 && (isalnum_ascii(cp) || strchr(safe, (int)cp)))) {
			fputc((int)cp, f);
			p++;
			continue;
		}
		if (cp >= 0xf0)
			cp &= 0x07, extra = 3;
		else if (cp >= 0xe0)
			cp &= 0x0f, extra = 2;
		else if (cp >= 0xc0)
			cp &= 0x1f, extra = 1;
		p++;
		for (; extra && (*p & 0xc0) == 0x80; extra--, p++)
			cp = (cp << 6) | (*p & 0x3f);
		fprintf(f, "#%u;", cp);
	}
}

static void mm_lines(FILE *f, char *const *lines, size_t n, const char *sep)
{
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputs(sep, f);
		mm_str(f, lines[k]);
	}
}

static void shape_open_close(const struct nslab_graph_node *n, const char **o, const char **c)
{
	switch (n->shape) {
	case NSLAB_GRAPH_SHAPE_HEXAGON:
		*o = "{{", *c = "}}";
		return;
	case NSLAB_GRAPH_SHAPE_SEGMENT:
		*o = "[[", *c = "]]";
		return;
	case NSLAB_GRAPH_SHAPE_BOX:
		*o = "[", *c = "]";
		return;
	case NSLAB_GRAPH_SHAPE_ELLIPSE:
		*o = "([", *c = "])";
		return;
	case NSLAB_GRAPH_SHAPE_REMOTE:
		*o = "((", *c = "))";
		return;
	case NSLAB_GRAPH_SHAPE_ROUND:
	case NSLAB_GRAPH_SHAPE_MAX:
		break;
	}
	*o = "(", *c = ")";
}

static bool not_up(const struct nslab_graph *g, const struct nslab_graph_end *e)
{
	enum nslab_graph_state s = g->nodes[e->node].ifs[e->iface].state;

	/* A remote's end has no state: nothing of it is on this machine. */
	return g->live && s != NSLAB_GRAPH_UP && s != NSLAB_GRAPH_UNKNOWN;
}

/* "class n0,n4 linux" for every node of kind @kind, if any. */
static void mm_class(FILE *f, const struct nslab_graph *g, const char *kind, bool absent)
{
	bool first = true;

	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *n = &g->nodes[i];
		bool gone = n->state == NSLAB_GRAPH_ABSENT || n->state == NSLAB_GRAPH_DOWN;

		if (absent ? !gone : !streq(graph_kind(n), kind))
			continue;
		fprintf(f, "%sn%zu", first ? "    class " : ",", i);
		first = false;
	}
	if (!first)
		fprintf(f, " %s\n", absent ? "absent" : kind);
}

int graph_render_mermaid(const struct nslab_graph *g, FILE *f)
{
	static const char *const kinds[] = { "linux", "bridge",	 "switch", "host",
					     "ext",   "network", "remote" };

	fputs("graph LR\n", f);
	fputs("    %% nslab graph of lab ", f);
	mm_str(f, g->topo->name);
	fputs(g->live ? ", with live state\n" : "\n", f);
	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *n = &g->nodes[i];
		const char *o, *c;

		shape_open_close(n, &o, &c);
		fprintf(f, "    n%zu%s\"", i, o);
		mm_lines(f, n->lines, n->n_lines, "<br/>");
		fprintf(f, "\"%s\n", c);
	}
	/* One subgraph per host of a multi-host lab, holding the nodes placed there. */
	for (size_t h = 0; h < g->topo->n_hosts; h++) {
		fprintf(f, "    subgraph host%zu [\"host ", h);
		mm_str(f, g->topo->hosts[h].name);
		fputs(" (", f);
		mm_str(f, g->topo->hosts[h].address);
		fputs(")\"]\n", f);
		for (size_t i = 0; i < g->n_nodes; i++)
			if (g->nodes[i].host == (int)h)
				fprintf(f, "        n%zu\n", i);
		fputs("    end\n", f);
	}
	for (size_t l = 0; l < g->n_links; l++) {
		const struct nslab_graph_end *e = g->links[l].end;

		fprintf(f, "    n%zu ---|\"", e[0].node);
		mm_lines(f, e[0].lines, e[0].n_lines, " ");
		if (e[1].n_lines) {
			fputs(" #8212; ", f); /* an em dash between the two ends */
			mm_lines(f, e[1].lines, e[1].n_lines, " ");
		}
		if (g->links[l].cross_host)
			fputs(" (vxlan)", f);
		fprintf(f, "\"| n%zu\n", e[1].node);
	}
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct nslab_graph_node probe = { 0 };
		struct nslab_tunnel tun = { 0 };
		struct nslab_network net = { 0 };
		struct nslab_node node = { 0 };

		/* The colours of a kind, from a node of that kind. */
		if (k < 5) {
			node.kind = (enum nslab_kind)nslab_kind_from_string(kinds[k]);
			probe.node = &node;
		} else if (k == 5) {
			probe.net = &net;
		} else {
			probe.tunnel = &tun;
		}
		fprintf(f, "    classDef %s fill:%s,stroke:%s%s\n", kinds[k], graph_fill(&probe),
			graph_stroke(&probe), probe.tunnel ? ",stroke-dasharray:4" : "");
	}
	fputs("    classDef absent stroke:#dc2626,stroke-dasharray:4,color:#6b7280\n", f);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		mm_class(f, g, kinds[k], false);
	mm_class(f, g, NULL, true);
	for (size_t l = 0; l < g->n_links; l++)
		if (not_up(g, &g->links[l].end[0]) || not_up(g, &g->links[l].end[1]))
			fprintf(f, "    linkStyle %zu stroke:#dc2626,stroke-dasharray:4\n", l);
		else if (g->links[l].cross_host || g->links[l].tunnel)
			fprintf(f, "    linkStyle %zu stroke:#1d4ed8,stroke-dasharray:4\n", l);
	return ferror(f) ? -EIO : 0;
}
