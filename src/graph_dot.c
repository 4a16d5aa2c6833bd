// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab graph --format dot: Graphviz, for `dot -Tsvg` or `neato`. */
#include <string.h>

#include "graph_render.h"
#include "util.h"

/* @s inside a DOT double-quoted string: quote and backslash escaped. */
static void dot_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r') /* never in names, but keep the file valid */
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* Lines joined by DOT's centred line break. */
static void dot_lines(FILE *f, char *const *lines, size_t n)
{
	fputc('"', f);
	for (size_t k = 0; k < n; k++) {
		if (k)
			fputs("\\n", f);
		dot_str(f, lines[k]);
	}
	fputc('"', f);
}

static const char *dot_shape(const struct nslab_graph_node *n)
{
	switch (n->shape) {
	case NSLAB_GRAPH_SHAPE_HEXAGON:
		return "shape=hexagon";
	case NSLAB_GRAPH_SHAPE_SEGMENT:
		return "shape=box, style=\"filled,bold\", penwidth=3, height=0.3";
	case NSLAB_GRAPH_SHAPE_BOX:
		return "shape=box, peripheries=2";
	case NSLAB_GRAPH_SHAPE_ELLIPSE:
		return "shape=ellipse";
	case NSLAB_GRAPH_SHAPE_REMOTE:
		return "shape=ellipse, style=\"dashed,filled\", fontsize=9";
	case NSLAB_GRAPH_SHAPE_ROUND:
	case NSLAB_GRAPH_SHAPE_MAX:
		break;
	}
	return "shape=box, style=\"rounded,filled\"";
}

static bool end_down(const struct nslab_graph *g, const struct nslab_graph_end *e)
{
	enum nslab_graph_state s = g->nodes[e->node].ifs[e->iface].state;

	/* A remote's end has no state: nothing of it is on this machine. */
	return g->live && s != NSLAB_GRAPH_UP && s != NSLAB_GRAPH_UNKNOWN;
}

static void dot_node(FILE *f, const struct nslab_graph *g, size_t i, const char *indent)
{
	const struct nslab_graph_node *n = &g->nodes[i];
	bool gone = n->state == NSLAB_GRAPH_ABSENT || n->state == NSLAB_GRAPH_DOWN;

	fprintf(f, "%sn%zu [label=", indent, i);
	dot_lines(f, n->lines, n->n_lines);
	fprintf(f, ", %s, fillcolor=\"%s\", color=\"%s\"%s];\n", dot_shape(n), graph_fill(n),
		graph_stroke(n),
		gone ? ", fontcolor=\"#6b7280\", peripheries=1, penwidth=2, color=\"#dc2626\""
		     : "");
}

int graph_render_dot(const struct nslab_graph *g, FILE *f)
{
	fputs("graph ", f);
	fputc('"', f);
	dot_str(f, g->topo->name);
	fputs("\" {\n", f);
	fputs("\tgraph [rankdir=LR, fontname=\"DejaVu Sans\", labelloc=t, label=\"lab ", f);
	dot_str(f, g->topo->name);
	fprintf(f, "%s\"];\n", g->live ? " (live)" : "");
	fputs("\tnode [fontname=\"DejaVu Sans Mono\", fontsize=11, style=filled];\n", f);
	fputs("\tedge [fontname=\"DejaVu Sans Mono\", fontsize=9, labelfontsize=9, "
	      "labeldistance=2];\n",
	      f);
	/* Nodes placed on no host, then one cluster per host of a multi-host lab. */
	for (size_t i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].host < 0 || (size_t)g->nodes[i].host >= g->topo->n_hosts)
			dot_node(f, g, i, "\t");
	for (size_t h = 0; h < g->topo->n_hosts; h++) {
		fprintf(f, "\tsubgraph \"cluster_host%zu\" {\n\t\tlabel=\"host ", h);
		dot_str(f, g->topo->hosts[h].name);
		fputs(" (", f);
		dot_str(f, g->topo->hosts[h].address);
		fputs(")\";\n\t\tstyle=dashed; color=\"#9ca3af\"; fontname=\"DejaVu Sans\";\n", f);
		for (size_t i = 0; i < g->n_nodes; i++)
			if (g->nodes[i].host == (int)h)
				dot_node(f, g, i, "\t\t");
		fputs("\t}\n", f);
	}
	for (size_t l = 0; l < g->n_links; l++) {
		const struct nslab_graph_end *e = g->links[l].end;
		bool down = end_down(g, &e[0]) || end_down(g, &e[1]);

		fprintf(f, "\tn%zu -- n%zu [", e[0].node, e[1].node);
		fputs("taillabel=", f);
		dot_lines(f, e[0].lines, e[0].n_lines);
		fputs(", headlabel=", f);
		dot_lines(f, e[1].lines, e[1].n_lines);
		/* A link between hosts travels in a VXLAN tunnel: dashed, and says so. */
		if (g->links[l].cross_host)
			fputs(", label=\"vxlan\", fontcolor=\"#1d4ed8\"", f);
		if (down)
			fputs(", color=\"#dc2626\", style=dashed", f);
		else if (g->links[l].cross_host || g->links[l].tunnel)
			fputs(", color=\"#1d4ed8\", style=dashed", f);
		fputs("];\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}
