/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The renderers of `nslab graph`: DOT, Mermaid, JSON and one self-contained HTML page. */
#ifndef NSLAB_GRAPH_RENDER_H
#define NSLAB_GRAPH_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "nslab/graph.h"

/*
 * "linux", "bridge", "switch", "host", "ext", "network" for a network
 * segment, or "remote" for a tunnel's far end.
 */
const char *graph_kind(const struct nslab_graph_node *n);

/* Fill and border colours ("#rrggbb") of a kind, the same in every format. */
const char *graph_fill(const struct nslab_graph_node *n);
const char *graph_stroke(const struct nslab_graph_node *n);

/* The JSON document (docs/cli.md, "nslab graph"); the caller's reference. */
json_t *graph_json(const struct nslab_graph *g);

/* Each writes the whole document to @f; return 0, or -errno (a write error). */
int graph_render_json(const struct nslab_graph *g, FILE *f);
int graph_render_dot(const struct nslab_graph *g, FILE *f);
int graph_render_mermaid(const struct nslab_graph *g, FILE *f);
/* Needs nslab_graph_layout() done with graph_html_metrics. */
int graph_render_html(const struct nslab_graph *g, FILE *f);

/* How the HTML page draws text (monospace), for the layout. */
extern const struct nslab_graph_metrics graph_html_metrics;

/* The page's style sheet and script (graph_html_asset.c). */
extern const char graph_html_css[];
extern const char graph_html_js[];

#endif
