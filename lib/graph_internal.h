/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between the two halves of the graph layout: placement of nodes, and of what is drawn around them. */
#ifndef NSLAB_GRAPH_INTERNAL_H
#define NSLAB_GRAPH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/graph.h"

/* Space around the drawing. */
#define GRAPH_MARGIN 24.0

/*
 * Push the nodes @idx[0..@n) apart until no two boxes come closer than @gap,
 * spreading them (which never makes an overlap) when pushing does not settle.
 * Return 0, or -EDOM if it never settles (it does: the spreading alone would).
 */
int graph_remove_overlaps(struct nslab_graph *g, const size_t *idx, size_t n, double gap);

/* Multiply every node's distance from the centre of all of them by @f. */
void graph_spread(struct nslab_graph *g, double f);

/*
 * Place every link end label beside its line, near its node, clear of every
 * node box and every other label.  @failed[l] is set for each link with an
 * end that found no place (the label then sits at the middle of its line).
 * Return true when every label has its place.
 */
bool graph_place_labels(struct nslab_graph *g, const struct nslab_graph_metrics *m, bool *failed);

/* Move the drawing to start at GRAPH_MARGIN; set the canvas size. */
void graph_fit_canvas(struct nslab_graph *g);

#endif
