// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab's own graph layout: stress majorization per connected part, parts packed in rows. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

#define SMACOF_ROUNDS 300
#define LENGTHEN_ROUNDS 6
#define SPREAD_ROUNDS 60

static double text_width(char *const *lines, size_t n, double char_w)
{
	size_t len = 0;

	for (size_t k = 0; k < n; k++) {
		size_t l = nslab_graph_text_len(lines[k]);

		len = l > len ? l : len;
	}
	return (double)len * char_w;
}

/* The box a node's shape needs around its text. */
static void size_node(struct nslab_graph_node *n, const struct nslab_graph_metrics *m)
{
	double w = text_width(n->lines, n->n_lines, m->char_w) + 2 * m->pad;
	double h = (double)n->n_lines * m->line_h + m->pad;

	switch (n->shape) {
	case NSLAB_GRAPH_SHAPE_HEXAGON:
		w += h; /* the points left and right take h/2 each */
		break;
	case NSLAB_GRAPH_SHAPE_ELLIPSE:
	case NSLAB_GRAPH_SHAPE_REMOTE:
		w *= M_SQRT2; /* the largest box inside an ellipse is 1/sqrt(2) of it */
		h *= M_SQRT2;
		break;
	case NSLAB_GRAPH_SHAPE_SEGMENT:
		w = w < 160 ? 160 : w;
		break;
	case NSLAB_GRAPH_SHAPE_BOX:
		w += 8; /* the double border */
		h += 8;
		break;
	case NSLAB_GRAPH_SHAPE_ROUND:
	case NSLAB_GRAPH_SHAPE_MAX:
		break;
	}
	n->w = w < 64 ? 64 : w;
	n->h = h;
}

static void size_end(struct nslab_graph_end *e, const struct nslab_graph_metrics *m)
{
	e->w = e->n_lines ? text_width(e->lines, e->n_lines, m->end_char_w) + 6 : 0;
	e->h = e->n_lines ? (double)e->n_lines * m->end_line_h + 2 : 0;
}

/* The length a link wants: room for both shapes and the end labels, which sit beside the line. */
static double link_len(const struct nslab_graph *g, size_t l, const struct nslab_graph_metrics *m)
{
	const struct nslab_graph_end *e = g->links[l].end;
	const struct nslab_graph_node *a = &g->nodes[e[0].node], *b = &g->nodes[e[1].node];

	return (a->w + a->h) / 4 + (b->w + b->h) / 4 + (e[0].w + e[1].w) / 2 + 2 * m->gap;
}

/*
 * Ideal distances between the @k nodes @idx of one connected part: shortest
 * paths (Floyd-Warshall) over the links' lengths @lens.  @pos maps a graph
 * node to its place in @idx.
 */
static void distances(const struct nslab_graph *g, const size_t *idx, size_t k, const size_t *pos,
		      const double *lens, double *d)
{
	for (size_t i = 0; i < k * k; i++)
		d[i] = INFINITY;
	for (size_t i = 0; i < k; i++)
		d[i * k + i] = 0;
	for (size_t l = 0; l < g->n_links; l++) {
		const struct nslab_graph_end *e = g->links[l].end;
		size_t a = pos[e[0].node], b = pos[e[1].node];

		if (e[0].node == e[1].node || a >= k || b >= k || idx[a] != e[0].node)
			continue;
		if (lens[l] < d[a * k + b])
			d[a * k + b] = d[b * k + a] = lens[l];
	}
	for (size_t c = 0; c < k; c++)
		for (size_t i = 0; i < k; i++) {
			double dic = d[i * k + c];

			if (isinf(dic))
				continue;
			for (size_t j = 0; j < k; j++)
				if (dic + d[c * k + j] < d[i * k + j])
					d[i * k + j] = dic + d[c * k + j];
		}
}

/* A fixed pseudo-random sequence (xorshift64), so that layouts are reproducible. */
static double prng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/*
 * Classical scaling: the two main eigenvectors of the double-centred squared
 * distances (power iteration with deflation) as a starting position.
 */
static void classical_mds(size_t n, const double *d, double *x, double *y)
{
	double *b = calloc(n * n, sizeof(*b)), *rowm = calloc(n, sizeof(*rowm));
	double *vec[2] = { x, y }, lambda[2] = { 0, 0 }, all = 0;
	double *t = calloc(n, sizeof(*t));
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (!b || !rowm || !t)
		goto out;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++)
			rowm[i] += d[i * n + j] * d[i * n + j];
		all += rowm[i];
		rowm[i] /= (double)n;
	}
	all /= (double)(n * n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			b[i * n + j] =
				-0.5 * (d[i * n + j] * d[i * n + j] - rowm[i] - rowm[j] + all);
	for (int k = 0; k < 2; k++) {
		double *v = vec[k];

		for (size_t i = 0; i < n; i++)
			v[i] = prng(&seed) - 0.5;
		for (int it = 0; it < 200; it++) {
			double norm = 0;

			for (size_t i = 0; i < n; i++) {
				t[i] = 0;
				for (size_t j = 0; j < n; j++)
					t[i] += b[i * n + j] * v[j];
				if (k == 1) /* deflate the first eigenvector */
					for (size_t j = 0; j < n; j++)
						t[i] -= lambda[0] * x[i] * x[j] * v[j];
			}
			for (size_t i = 0; i < n; i++)
				norm += t[i] * t[i];
			norm = sqrt(norm);
			if (norm < 1e-12)
				break;
			for (size_t i = 0; i < n; i++)
				v[i] = t[i] / norm;
			lambda[k] = norm;
		}
	}
	for (int k = 0; k < 2; k++) {
		double s = lambda[k] > 0 ? sqrt(lambda[k]) : 0;

		for (size_t i = 0; i < n; i++)
			vec[k][i] *= s;
	}
out:
	/* Degenerate (one or two nodes, or no spread): a circle. */
	for (size_t i = 0; i < n && (!b || lambda[1] <= 1e-9); i++) {
		x[i] = 100.0 * cos(2 * M_PI * (double)i / (double)n) + (double)i;
		y[i] = 100.0 * sin(2 * M_PI * (double)i / (double)n);
	}
	free(b);
	free(rowm);
	free(t);
}

/* Stress majorization (SMACOF, updated in place), weights 1/d^2. */
static void smacof(size_t n, const double *d, double *x, double *y)
{
	for (int it = 0; it < SMACOF_ROUNDS; it++) {
		double moved = 0;

		for (size_t i = 0; i < n; i++) {
			double nx = 0, ny = 0, ws = 0;

			for (size_t j = 0; j < n; j++) {
				double dij = d[i * n + j], w, dx, dy, dist;

				if (j == i || dij <= 0)
					continue;
				w = 1 / (dij * dij);
				dx = x[i] - x[j];
				dy = y[i] - y[j];
				dist = sqrt(dx * dx + dy * dy);
				if (dist < 1e-9) { /* coincident: any direction, a fixed one */
					dx = (double)(i < j ? -1 : 1);
					dy = 0;
					dist = 1;
				}
				nx += w * (x[j] + dij * dx / dist);
				ny += w * (y[j] + dij * dy / dist);
				ws += w;
			}
			if (ws <= 0)
				continue;
			moved += fabs(nx / ws - x[i]) + fabs(ny / ws - y[i]);
			x[i] = nx / ws;
			y[i] = ny / ws;
		}
		if (moved / (double)n < 0.01)
			break;
	}
}

/* A connected part of the graph, laid out on its own. */
struct part {
	size_t *idx;
	size_t n;
	double x0, y0, x1, y1; /* its bounding box */
};

/* Split the nodes into connected parts (breadth first, in node order). */
static int find_parts(const struct nslab_graph *g, size_t *pos, struct part **ret, size_t *ret_n)
{
	/* + 1: a lab without nodes still gets (empty) arrays, not calloc(0)'s NULL. */
	size_t *queue = calloc(g->n_nodes + 1, sizeof(*queue)), np = 0, done = 0;
	struct part *parts = calloc(g->n_nodes + 1, sizeof(*parts));
	bool *seen = calloc(g->n_nodes + 1, sizeof(*seen));

	if (!queue || !parts || !seen) {
		free(queue);
		free(parts);
		free(seen);
		return -ENOMEM;
	}
	for (size_t s = 0; s < g->n_nodes; s++) {
		size_t head = done;

		if (seen[s])
			continue;
		seen[s] = true;
		queue[done++] = s;
		for (size_t q = head; q < done; q++)
			for (size_t l = 0; l < g->n_links; l++)
				for (int e = 0; e < 2; e++) {
					size_t other = g->links[l].end[!e].node;

					if (g->links[l].end[e].node != queue[q] || seen[other])
						continue;
					seen[other] = true;
					queue[done++] = other;
				}
		parts[np].idx = queue + head;
		parts[np].n = done - head;
		for (size_t q = head; q < done; q++)
			pos[queue[q]] = q - head;
		np++;
	}
	free(seen);
	if (!np) /* no part owns the queue (the parts' indexes point into it) */
		free(queue);
	*ret = parts;
	*ret_n = np;
	return 0;
}

/* Stress layout of one part, then its overlaps removed. */
static int layout_part(struct nslab_graph *g, struct part *p, const size_t *pos, const double *lens,
		       const struct nslab_graph_metrics *m)
{
	size_t k = p->n;
	double *d = calloc(k * k, sizeof(*d)), *x = calloc(k, sizeof(*x)),
	       *y = calloc(k, sizeof(*y));
	int r = -ENOMEM;

	if (d && x && y) {
		distances(g, p->idx, k, pos, lens, d);
		classical_mds(k, d, x, y);
		smacof(k, d, x, y);
		for (size_t i = 0; i < k; i++) {
			g->nodes[p->idx[i]].x = x[i];
			g->nodes[p->idx[i]].y = y[i];
		}
		r = graph_remove_overlaps(g, p->idx, k, m->gap);
	}
	free(d);
	free(x);
	free(y);
	return r;
}

static void part_bounds(const struct nslab_graph *g, struct part *p)
{
	p->x0 = p->y0 = INFINITY;
	p->x1 = p->y1 = -INFINITY;
	for (size_t i = 0; i < p->n; i++) {
		const struct nslab_graph_node *v = &g->nodes[p->idx[i]];

		p->x0 = fmin(p->x0, v->x - v->w / 2);
		p->x1 = fmax(p->x1, v->x + v->w / 2);
		p->y0 = fmin(p->y0, v->y - v->h / 2);
		p->y1 = fmax(p->y1, v->y + v->h / 2);
	}
}

/*
 * Pack the parts in rows, biggest first, @pad apart (room for the labels
 * around them), the rows about as wide as the whole is tall.
 */
static void pack_parts(struct nslab_graph *g, struct part *parts, size_t np, double pad)
{
	double area = 0, widest = 0, row_w, x = 0, y = 0, row_h = 0;
	size_t *order = calloc(np, sizeof(*order));

	if (!order)
		return;
	for (size_t i = 0; i < np; i++) {
		part_bounds(g, &parts[i]);
		area += (parts[i].x1 - parts[i].x0 + pad) * (parts[i].y1 - parts[i].y0 + pad);
		widest = fmax(widest, parts[i].x1 - parts[i].x0);
		order[i] = i;
	}
	/* Insertion sort: stable, by size, so the order is reproducible. */
	for (size_t i = 1; i < np; i++)
		for (size_t j = i; j > 0 && parts[order[j]].n > parts[order[j - 1]].n; j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	row_w = fmax(widest, sqrt(area) * 1.3);
	for (size_t o = 0; o < np; o++) {
		struct part *p = &parts[order[o]];
		double w = p->x1 - p->x0, h = p->y1 - p->y0;

		if (x > 0 && x + w > row_w) {
			x = 0;
			y += row_h + pad;
			row_h = 0;
		}
		for (size_t i = 0; i < p->n; i++) {
			g->nodes[p->idx[i]].x += x - p->x0;
			g->nodes[p->idx[i]].y += y - p->y0;
		}
		x += w + pad;
		row_h = fmax(row_h, h);
	}
	free(order);
}

/* Lay every part out and pack them; then the end labels.  Return whether they all fit. */
static int layout_round(struct nslab_graph *g, struct part *parts, size_t np, const size_t *pos,
			const double *lens, const struct nslab_graph_metrics *m, bool *failed)
{
	double pad = 0;
	int r = 0;

	for (size_t i = 0; i < np && r >= 0; i++)
		r = layout_part(g, &parts[i], pos, lens, m);
	if (r < 0)
		return r;
	for (size_t l = 0; l < g->n_links; l++)
		pad = fmax(pad, fmax(g->links[l].end[0].w, g->links[l].end[1].w));
	pack_parts(g, parts, np, 2 * pad + 2 * m->gap);
	return graph_place_labels(g, m, failed) ? 1 : 0;
}

int nslab_graph_layout(struct nslab_graph *g, const struct nslab_graph_metrics *m,
		       struct nslab_error *err)
{
	size_t *pos = calloc(g->n_nodes + 1, sizeof(*pos)), np = 0;
	double *lens = calloc(g->n_links + 1, sizeof(*lens));
	bool *failed = calloc(g->n_links + 1, sizeof(*failed));
	struct part *parts = NULL;
	int r = -ENOMEM;

	for (size_t i = 0; i < g->n_nodes; i++)
		size_node(&g->nodes[i], m);
	for (size_t l = 0; l < g->n_links; l++)
		for (int e = 0; e < 2; e++)
			size_end(&g->links[l].end[e], m);
	if (!pos || !lens || !failed || find_parts(g, pos, &parts, &np) < 0)
		goto out;
	for (size_t l = 0; l < g->n_links; l++)
		lens[l] = link_len(g, l, m);
	/* Lengthen the links whose labels found no room, and start again. */
	for (int round = 0; round < LENGTHEN_ROUNDS; round++) {
		r = layout_round(g, parts, np, pos, lens, m, failed);
		if (r != 0)
			break;
		for (size_t l = 0; l < g->n_links; l++)
			if (failed[l])
				lens[l] *= 1.4;
	}
	/* Still crowded: spread everything until there is room. */
	for (int round = 0; r == 0 && round < SPREAD_ROUNDS; round++) {
		graph_spread(g, 1.15);
		r = graph_place_labels(g, m, failed) ? 1 : 0;
	}
	if (r >= 0)
		graph_fit_canvas(g);
out:
	if (np)
		free(parts[0].idx);
	free(parts);
	free(pos);
	free(lens);
	free(failed);
	if (r == -ENOMEM)
		return nslab_err(err, r, "out of memory");
	if (r < 0)
		return nslab_err(err, r, "the layout did not settle");
	return 0;
}
