// SPDX-License-Identifier: LGPL-2.1-or-later
/* The graph layout's second half: overlap removal, where links meet boxes, end labels, canvas. */
#include <math.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

#define PUSH_PASSES 400
#define SPREAD_ROUNDS 60
#define PARALLEL_STEP 16.0
#define LABEL_STEP 4.0

struct box {
	double x, y, w, h; /* centre and size */
};

static bool boxes_overlap(const struct box *a, const struct box *b, double gap)
{
	return fabs(a->x - b->x) < (a->w + b->w) / 2 + gap &&
	       fabs(a->y - b->y) < (a->h + b->h) / 2 + gap;
}

static struct box node_box(const struct nslab_graph_node *n)
{
	return (struct box){ n->x, n->y, n->w, n->h };
}

static void spread_subset(struct nslab_graph *g, const size_t *idx, size_t n, double f)
{
	double cx = 0, cy = 0;

	for (size_t i = 0; i < n; i++) {
		cx += g->nodes[idx[i]].x;
		cy += g->nodes[idx[i]].y;
	}
	cx /= (double)n;
	cy /= (double)n;
	for (size_t i = 0; i < n; i++) {
		struct nslab_graph_node *v = &g->nodes[idx[i]];

		v->x = cx + (v->x - cx) * f;
		v->y = cy + (v->y - cy) * f;
	}
}

void graph_spread(struct nslab_graph *g, double f)
{
	size_t *idx = calloc(g->n_nodes, sizeof(*idx));

	if (!idx || !g->n_nodes) {
		free(idx);
		return;
	}
	for (size_t i = 0; i < g->n_nodes; i++)
		idx[i] = i;
	spread_subset(g, idx, g->n_nodes, f);
	free(idx);
}

/* Push one overlapping pair apart along the axis where they overlap least. */
static void push_pair(struct nslab_graph_node *a, struct nslab_graph_node *b, double gap)
{
	double dx = b->x - a->x, dy = b->y - a->y, s;
	double ox = (a->w + b->w) / 2 + gap - fabs(dx), oy = (a->h + b->h) / 2 + gap - fabs(dy);

	if (ox <= oy) {
		/* Coincident centres part by their order, so the result is reproducible. */
		s = dx > 0 || (dx == 0 && dy >= 0) ? 1 : -1;
		a->x -= s * (ox / 2 + 0.5);
		b->x += s * (ox / 2 + 0.5);
	} else {
		s = dy > 0 || (dy == 0 && dx >= 0) ? 1 : -1;
		a->y -= s * (oy / 2 + 0.5);
		b->y += s * (oy / 2 + 0.5);
	}
}

int graph_remove_overlaps(struct nslab_graph *g, const size_t *idx, size_t n, double gap)
{
	for (int round = 0; round < SPREAD_ROUNDS; round++) {
		for (int pass = 0; pass < PUSH_PASSES; pass++) {
			bool any = false;

			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++) {
					struct nslab_graph_node *a = &g->nodes[idx[i]];
					struct nslab_graph_node *b = &g->nodes[idx[j]];
					struct box ba = node_box(a), bb = node_box(b);

					if (!boxes_overlap(&ba, &bb, gap))
						continue;
					any = true;
					push_pair(a, b, gap);
				}
			if (!any)
				return 0;
		}
		spread_subset(g, idx, n, 1.1);
	}
	return -EDOM;
}

/* Which of the parallel links between the same two nodes link @l is, of how many. */
static void parallel_rank(const struct nslab_graph *g, size_t l, size_t *ret_k, size_t *ret_m)
{
	const struct nslab_graph_end *e = g->links[l].end;
	size_t k = 0, m = 0;

	for (size_t o = 0; o < g->n_links; o++) {
		const struct nslab_graph_end *f = g->links[o].end;

		if ((f[0].node == e[0].node && f[1].node == e[1].node) ||
		    (f[0].node == e[1].node && f[1].node == e[0].node)) {
			if (o < l)
				k++;
			m++;
		}
	}
	*ret_k = k;
	*ret_m = m;
}

/*
 * Where link @l leaves the box of its end @e: the centre line (shifted
 * sideways for parallel links) cut by the box.  Sets end->px, end->py, and
 * the unit direction towards the other end in @ux, @uy.
 */
static void end_geometry(struct nslab_graph *g, size_t l, int e, double *ux, double *uy)
{
	struct nslab_graph_end *end = &g->links[l].end[e];
	const struct nslab_graph_node *a = &g->nodes[end->node];
	const struct nslab_graph_node *b = &g->nodes[g->links[l].end[!e].node];
	double dx = b->x - a->x, dy = b->y - a->y, len = sqrt(dx * dx + dy * dy), off, tx, ty, t;
	size_t k, m;

	if (a == b || len < 1e-9) { /* a loop: it leaves to the right */
		*ux = 1;
		*uy = 0;
		end->px = a->x + a->w / 2;
		end->py = a->y + (e ? 6 : -6);
		return;
	}
	*ux = dx / len;
	*uy = dy / len;
	parallel_rank(g, l, &k, &m);
	off = ((double)k - (double)(m - 1) / 2) * PARALLEL_STEP;
	if (end->node > g->links[l].end[!e].node)
		off = -off; /* the same side seen from both ends */
	if (fabs(off) > fmin(a->w, a->h) / 2 - 2)
		off = copysign(fmin(a->w, a->h) / 2 - 2, off);
	/* Start on the shifted line, inside the box, and walk out of it. */
	tx = a->x - *uy * off;
	ty = a->y + *ux * off;
	t = INFINITY;
	if (fabs(*ux) > 1e-9)
		t = fmin(t, ((*ux > 0 ? a->x + a->w / 2 : a->x - a->w / 2) - tx) / *ux);
	if (fabs(*uy) > 1e-9)
		t = fmin(t, ((*uy > 0 ? a->y + a->h / 2 : a->y - a->h / 2) - ty) / *uy);
	end->px = tx + *ux * t;
	end->py = ty + *uy * t;
}

/* Does the segment (@x0,@y0)-(@x1,@y1) cross box @b (Liang-Barsky clipping)? */
static bool segment_meets(const struct box *b, double x0, double y0, double x1, double y1)
{
	double p[4] = { -(x1 - x0), x1 - x0, -(y1 - y0), y1 - y0 };
	double q[4] = { x0 - (b->x - b->w / 2), (b->x + b->w / 2) - x0, y0 - (b->y - b->h / 2),
			(b->y + b->h / 2) - y0 };
	double t0 = 0, t1 = 1;

	for (int i = 0; i < 4; i++) {
		double t;

		if (p[i] == 0) {
			if (q[i] < 0)
				return false;
			continue;
		}
		t = q[i] / p[i];
		if (p[i] < 0)
			t0 = fmax(t0, t);
		else
			t1 = fmin(t1, t);
		if (t0 > t1)
			return false;
	}
	return true;
}

/* Does @b lie across the line of another link than @l? */
static bool label_on_line(const struct nslab_graph *g, const struct box *b, size_t l)
{
	for (size_t o = 0; o < g->n_links; o++) {
		const struct nslab_graph_end *e = g->links[o].end;

		if (o != l && e[0].node != e[1].node &&
		    segment_meets(b, e[0].px, e[0].py, e[1].px, e[1].py))
			return true;
	}
	return false;
}

/* Does @b overlap a node box, or a label placed before end @e of link @l? */
static bool label_collides(const struct nslab_graph *g, const struct box *b, size_t l, int e,
			   double gap)
{
	for (size_t i = 0; i < g->n_nodes; i++) {
		struct box nb = node_box(&g->nodes[i]);

		if (boxes_overlap(b, &nb, gap))
			return true;
	}
	for (size_t o = 0; o <= l; o++)
		for (int oe = 0; oe < 2; oe++) {
			const struct nslab_graph_end *p = &g->links[o].end[oe];
			struct box pb = { p->x, p->y, p->w, p->h };

			if (o == l && oe == e)
				return false;
			if (p->n_lines && boxes_overlap(b, &pb, 2))
				return true;
		}
	return false;
}

/* Put end @e's label beside its line, as near its node as there is room. */
static bool place_end(struct nslab_graph *g, size_t l, int e, const struct nslab_graph_metrics *m)
{
	struct nslab_graph_end *end = &g->links[l].end[e], *far = &g->links[l].end[!e];
	double ux, uy, fx, fy, reach, side, along;

	end_geometry(g, l, e, &ux, &uy);
	if (!end->n_lines)
		return true;
	end_geometry(g, l, !e, &fx, &fy);
	reach = sqrt((far->px - end->px) * (far->px - end->px) +
		     (far->py - end->py) * (far->py - end->py));
	/* Sideways by the label's own extent across the line, so the line stays visible. */
	side = fabs(uy) * end->w / 2 + fabs(ux) * end->h / 2 + 2;
	/*
	 * Wholly in this end's half of the line, so that nobody wonders which
	 * node a label belongs to (all of the line when the far end has none).
	 */
	along = fabs(ux) * end->w / 2 + fabs(uy) * end->h / 2;
	reach = (far->n_lines ? reach / 2 : reach) - along;
	if (end->node == far->node)
		reach = 120;
	/* Off every other link's line if it can be, else across one. */
	for (int strict = 1; strict >= 0; strict--)
		for (double t = 0; t <= reach; t += LABEL_STEP)
			for (int s = 1; s >= -1; s -= 2) {
				struct box b;

				b.w = end->w;
				b.h = end->h;
				b.x = end->px + ux * t - uy * side * s;
				b.y = end->py + uy * t + ux * side * s;
				if (label_collides(g, &b, l, e, m->gap / 4) ||
				    (strict && label_on_line(g, &b, l)))
					continue;
				end->x = b.x;
				end->y = b.y;
				return true;
			}
	end->x = end->px + ux * fmax(reach, 0);
	end->y = end->py + uy * fmax(reach, 0);
	return false;
}

bool graph_place_labels(struct nslab_graph *g, const struct nslab_graph_metrics *m, bool *failed)
{
	bool all = true;

	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++) {
			double ux, uy;

			end_geometry(g, l, e, &ux, &uy); /* every line, before any label */
			g->links[l].end[e].x = g->links[l].end[e].y = -1e12; /* not placed yet */
		}
	for (size_t l = 0; l < g->n_links; l++) {
		failed[l] = false;
		for (int e = 0; e < 2; e++)
			if (!place_end(g, l, e, m)) {
				failed[l] = true;
				all = false;
			}
	}
	return all;
}

void graph_fit_canvas(struct nslab_graph *g)
{
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;

	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *n = &g->nodes[i];

		x0 = fmin(x0, n->x - n->w / 2);
		x1 = fmax(x1, n->x + n->w / 2);
		y0 = fmin(y0, n->y - n->h / 2);
		y1 = fmax(y1, n->y + n->h / 2);
	}
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_graph_end *end = &g->links[l].end[e];

			if (!end->n_lines)
				continue;
			x0 = fmin(x0, end->x - end->w / 2);
			x1 = fmax(x1, end->x + end->w / 2);
			y0 = fmin(y0, end->y - end->h / 2);
			y1 = fmax(y1, end->y + end->h / 2);
		}
	if (!g->n_nodes)
		x0 = y0 = x1 = y1 = 0;
	x0 -= GRAPH_MARGIN;
	y0 -= GRAPH_MARGIN;
	for (size_t i = 0; i < g->n_nodes; i++) {
		g->nodes[i].x -= x0;
		g->nodes[i].y -= y0;
	}
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++) {
			struct nslab_graph_end *end = &g->links[l].end[e];

			end->x -= x0;
			end->y -= y0;
			end->px -= x0;
			end->py -= y0;
		}
	g->width = x1 + GRAPH_MARGIN - x0;
	g->height = y1 + GRAPH_MARGIN - y0;
}
