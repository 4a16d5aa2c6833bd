// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab graph --format html: one self-contained page, inline SVG laid out by nslab, no network. */
#include <math.h>
#include <string.h>

#include "graph_render.h"
#include "util.h"

/*
 * The page draws labels in a monospace font (DejaVu Sans Mono, or any
 * monospace face: all advance 0.6 em) at 13 px, link end labels at 11 px;
 * the layout reserves 0.62 em a character, a little more than any of them.
 */
#define NODE_FONT 13.0
#define END_FONT 11.0

const struct nslab_graph_metrics graph_html_metrics = {
	.char_w = NODE_FONT * 0.62,
	.line_h = NODE_FONT * 1.3,
	.end_char_w = END_FONT * 0.62,
	.end_line_h = END_FONT * 1.25,
	.pad = 10,
	.gap = 16,
};

/* @s as SVG/HTML text or attribute value. */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Centred lines of text, @lh apart, around y = 0. */
static void text_lines(FILE *f, const char *cls, char *const *lines, size_t n, double lh)
{
	double y0 = -(double)n * lh / 2 + lh / 2;

	fprintf(f, "<text class=\"%s\">", cls);
	for (size_t k = 0; k < n; k++) {
		fprintf(f, "<tspan x=\"0\" y=\"%.1f\"%s>", y0 + (double)k * lh,
			k == 0 ? " class=\"first\"" : "");
		esc(f, lines[k]);
		fputs("</tspan>", f);
	}
	fputs("</text>", f);
}

static void shape(FILE *f, const struct nslab_graph_node *n)
{
	double w = n->w / 2, h = n->h / 2;

	switch (n->shape) {
	case NSLAB_GRAPH_SHAPE_HEXAGON:
		fprintf(f,
			"<polygon class=\"shape\" points=\"%.1f,0 %.1f,%.1f %.1f,%.1f %.1f,0 "
			"%.1f,%.1f "
			"%.1f,%.1f\"/>",
			-w, -w + h, -h, w - h, -h, w, w - h, h, -w + h, h);
		return;
	case NSLAB_GRAPH_SHAPE_ELLIPSE:
	case NSLAB_GRAPH_SHAPE_REMOTE: /* dashed by the style sheet (.k-remote) */
		fprintf(f, "<ellipse class=\"shape\" rx=\"%.1f\" ry=\"%.1f\"/>", w, h);
		return;
	case NSLAB_GRAPH_SHAPE_SEGMENT:
		fprintf(f,
			"<rect class=\"shape\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" "
			"rx=\"%.1f\"/>",
			-w, -h, 2 * w, 2 * h, h);
		return;
	case NSLAB_GRAPH_SHAPE_BOX:
		fprintf(f,
			"<rect class=\"shape\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\"/>"
			"<rect class=\"inner\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\"/>",
			-w, -h, 2 * w, 2 * h, -w + 4, -h + 4, 2 * w - 8, 2 * h - 8);
		return;
	case NSLAB_GRAPH_SHAPE_ROUND:
	case NSLAB_GRAPH_SHAPE_MAX:
		break;
	}
	fprintf(f,
		"<rect class=\"shape\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"rx=\"8\"/>",
		-w, -h, 2 * w, 2 * h);
}

static bool gone(const struct nslab_graph_node *n)
{
	return n->state == NSLAB_GRAPH_ABSENT || n->state == NSLAB_GRAPH_DOWN;
}

static bool if_down(const struct nslab_graph *g, const struct nslab_graph_end *e)
{
	enum nslab_graph_state s = g->nodes[e->node].ifs[e->iface].state;

	/* A remote's end has no state: nothing of it is on this machine. */
	return g->live && s != NSLAB_GRAPH_UP && s != NSLAB_GRAPH_UNKNOWN;
}

/* The line of link @l, from inside one shape to inside the other (nodes hide the ends). */
static void link_path(FILE *f, const struct nslab_graph *g, size_t l)
{
	const struct nslab_graph_end *e = g->links[l].end;
	const struct nslab_graph_node *a = &g->nodes[e[0].node], *b = &g->nodes[e[1].node];
	double dx = e[1].px - e[0].px, dy = e[1].py - e[0].py, len = sqrt(dx * dx + dy * dy);
	double ea = fmin(a->w, a->h) / 2, eb = fmin(b->w, b->h) / 2;
	bool down = if_down(g, &e[0]) || if_down(g, &e[1]);

	/* A link between hosts (a VXLAN at each end) or to a tunnel's far end: dashed. */
	fprintf(f, "<path class=\"link%s%s\" data-link=\"%zu\" d=\"", down ? " down" : "",
		g->links[l].cross_host || g->links[l].tunnel ? " tunnel" : "", l);
	if (e[0].node == e[1].node || len < 1e-6)
		fprintf(f, "M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", e[0].px, e[0].py,
			e[0].px + 60, e[0].py - 50, e[1].px + 60, e[1].py + 50, e[1].px, e[1].py);
	else
		fprintf(f, "M%.1f %.1fL%.1f %.1f", e[0].px - dx / len * ea, e[0].py - dy / len * ea,
			e[1].px + dx / len * eb, e[1].py + dy / len * eb);
	fputs("\"/>\n", f);
}

static void end_label(FILE *f, const struct nslab_graph *g, size_t l, int i)
{
	const struct nslab_graph_end *e = &g->links[l].end[i];

	if (!e->n_lines)
		return;
	fprintf(f,
		"<g class=\"end%s\" data-link=\"%zu\" transform=\"translate(%.1f,%.1f)\">"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\"/>",
		if_down(g, e) ? " down" : "", l, e->x, e->y, -e->w / 2, -e->h / 2, e->w, e->h);
	text_lines(f, "endtext", e->lines, e->n_lines, graph_html_metrics.end_line_h);
	fputs("</g>\n", f);
}

static void node(FILE *f, const struct nslab_graph *g, size_t i)
{
	const struct nslab_graph_node *n = &g->nodes[i];

	fprintf(f, "<g class=\"node k-%s%s\" id=\"node-%zu\" data-type=\"%s\" data-name=\"",
		graph_kind(n), gone(n) ? " absent" : "", i,
		n->tunnel ? "remote"
		: n->node ? "node"
			  : "network");
	esc(f, n->name);
	fprintf(f, "\" transform=\"translate(%.1f,%.1f)\" style=\"--fill:%s;--stroke:%s\">", n->x,
		n->y, graph_fill(n), graph_stroke(n));
	fputs("<title>", f);
	esc(f, n->name);
	fputs("</title>", f);
	shape(f, n);
	text_lines(f, "label", n->lines, n->n_lines, graph_html_metrics.line_h);
	fputs("</g>\n", f);
}

/* The graph's JSON for the page's script; '<', '>' and '&' escaped so it cannot end the script. */
static int data_block(FILE *f, const struct nslab_graph *g)
{
	json_t *j = graph_json(g);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (!s)
		return -ENOMEM;
	fputs("<script type=\"application/json\" id=\"graph-data\">", f);
	for (const char *p = s; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&')
			fprintf(f, "\\u%04x", (unsigned int)*p);
		else
			fputc(*p, f);
	}
	fputs("</script>\n", f);
	free(s);
	return 0;
}

/* One swatch per kind present. */
static void legend(FILE *f, const struct nslab_graph *g)
{
	static const char *const order[] = { "linux", "switch", "bridge", "network",
					     "host",  "ext",	"remote" };

	fputs("<span id=\"legend\">", f);
	for (size_t k = 0; k < ARRAY_SIZE(order); k++)
		for (size_t i = 0; i < g->n_nodes; i++) {
			const struct nslab_graph_node *n = &g->nodes[i];

			if (!streq(graph_kind(n), order[k]))
				continue;
			fprintf(f,
				"<span class=\"sw\" "
				"style=\"background:%s;border-color:%s\"></span>%s ",
				graph_fill(n), graph_stroke(n), order[k]);
			break;
		}
	fputs("</span>", f);
}

int graph_render_html(const struct nslab_graph *g, FILE *f)
{
	int r;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"nslab graph\">\n<title>nslab: lab ",
	      f);
	esc(f, g->topo->name);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", graph_html_css);
	fputs("<div id=\"bar\"><b>lab ", f);
	esc(f, g->topo->name);
	fprintf(f,
		"</b>%s <span id=\"counts\">%zu nodes, %zu links</span> "
		"<button id=\"zoom-in\" title=\"zoom in (+)\">+</button>"
		"<button id=\"zoom-out\" title=\"zoom out (-)\">&#8722;</button>"
		"<button id=\"fit\" title=\"show everything (0)\">fit</button>"
		"<button id=\"one\" title=\"actual size (1)\">1:1</button> ",
		g->live ? " <span id=\"live\">live</span>" : "", g->n_nodes, g->n_links);
	legend(f, g);
	fputs("</div>\n", f);
	fprintf(f,
		"<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" data-width=\"%.1f\" "
		"data-height=\"%.1f\" role=\"img\">\n<g id=\"viewport\">\n<g id=\"links\">\n",
		g->width, g->height);
	for (size_t l = 0; l < g->n_links; l++)
		link_path(f, g, l);
	fputs("</g>\n<g id=\"nodes\">\n", f);
	for (size_t i = 0; i < g->n_nodes; i++)
		node(f, g, i);
	fputs("</g>\n<g id=\"ends\">\n", f);
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++)
			end_label(f, g, l, e);
	fputs("</g>\n</g>\n</svg>\n<div id=\"panel\" hidden></div>\n", f);
	r = data_block(f, g);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", graph_html_js);
	if (r >= 0 && ferror(f))
		r = -EIO;
	return r;
}
