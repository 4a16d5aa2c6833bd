// SPDX-License-Identifier: LGPL-2.1-or-later
/* Live state for the graph: which namespaces, bridges and interfaces of a lab exist, and how. */
#include <linux/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nslab/graph.h"
#include "nslab/ifview.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "util.h"

static enum nslab_graph_state dev_state(const struct nslab_ifview_if *d)
{
	if (!d)
		return NSLAB_GRAPH_ABSENT;
	if (!(d->li.flags & IFF_UP))
		return NSLAB_GRAPH_DOWN;
	return d->li.flags & IFF_LOWER_UP ? NSLAB_GRAPH_UP : NSLAB_GRAPH_LOWERDOWN;
}

/* Copy the kernel's view of device @d (NULL: absent) into interface @f. */
static int set_if(struct nslab_graph_if *f, struct nslab_ifview_if *d)
{
	f->state = dev_state(d);
	if (!d)
		return 0;
	f->ifindex = d->li.ifindex;
	f->live_mtu = d->li.mtu;
	snprintf(f->live_mac, sizeof(f->live_mac), "%s", d->mac);
	f->live_addrs = TAKE_PTR(d->addrs);
	f->n_live_addrs = d->n_addrs;
	d->n_addrs = 0;
	d->addrs_cap = 0;
	return 0;
}

/* Replace line @k of a label by "@line (@state)". */
static int mark(char **line, enum nslab_graph_state s)
{
	char *n;

	if (asprintf(&n, "%s (%s)", *line, nslab_graph_state_to_string(s)) < 0)
		return -ENOMEM;
	free(*line);
	*line = n;
	return 0;
}

/* Say on the labels what is not as the file wants: absent nodes, interfaces not up. */
static int mark_labels(struct nslab_graph *g)
{
	int r = 0;

	for (size_t i = 0; i < g->n_nodes && r >= 0; i++) {
		struct nslab_graph_node *n = &g->nodes[i];

		if (n->state == NSLAB_GRAPH_ABSENT || n->state == NSLAB_GRAPH_DOWN)
			r = mark(&n->lines[1], n->state);
	}
	for (size_t l = 0; l < g->n_links && r >= 0; l++)
		for (int e = 0; e < 2 && r >= 0; e++) {
			struct nslab_graph_end *end = &g->links[l].end[e];
			const struct nslab_graph_if *f = &g->nodes[end->node].ifs[end->iface];

			if (end->n_lines && f->state != NSLAB_GRAPH_UP)
				r = mark(&end->lines[0], f->state);
		}
	return r;
}

static int read_node(struct nslab_graph *g, struct nslab_graph_node *n, struct nslab_ifview *host,
		     struct nslab_error *err)
{
	struct nslab_ifview own = { 0 }, *v = host;
	int r = 0;

	if (n->tunnel) /* a tunnel's far end: nothing of it is here to read */
		return 0;
	if (n->net) {
		n->state = dev_state(nslab_ifview_find_name(host, n->net->bridge));
	} else if (n->node->kind == NSLAB_KIND_HOST) {
		n->state = NSLAB_GRAPH_PRESENT;
	} else if (n->node->kind == NSLAB_KIND_BRIDGE) {
		n->state = dev_state(nslab_ifview_find_name(host, n->node->name));
		if (n->state == NSLAB_GRAPH_LOWERDOWN) /* a bridge without ports */
			n->state = NSLAB_GRAPH_UP;
	} else {
		r = nslab_ifview_load(n->node->netns, false, &own, err);
		if (r < 0) {
			nslab_ifview_free(&own);
			return nslab_err_prefix(err, "node %s", n->name);
		}
		n->state = own.exists ? NSLAB_GRAPH_RUNNING : NSLAB_GRAPH_ABSENT;
		v = own.exists ? &own : NULL;
	}
	for (size_t k = 0; k < n->n_ifs && r >= 0; k++)
		r = set_if(&n->ifs[k], nslab_ifview_find_name(v, n->ifs[k].name));
	nslab_ifview_free(&own);
	return r;
}

int nslab_graph_read_live(struct nslab_graph *g, struct nslab_error *err)
{
	struct nslab_ifview host = { 0 };
	int r;

	r = nslab_ifview_load(NULL, false, &host, err);
	for (size_t i = 0; i < g->n_nodes && r >= 0; i++)
		r = read_node(g, &g->nodes[i], &host, err);
	nslab_ifview_free(&host);
	if (r >= 0) {
		r = mark_labels(g);
		if (r < 0)
			return nslab_err(err, r, "out of memory");
		g->live = true;
	}
	return r;
}
