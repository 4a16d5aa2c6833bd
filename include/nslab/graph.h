/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A lab as a graph: nodes, network segments, links, live state, and nslab's own layout. */
#ifndef NSLAB_GRAPH_H
#define NSLAB_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/topo.h"

/* Live state of a node, a network or an interface. */
enum nslab_graph_state {
	NSLAB_GRAPH_UNKNOWN, /* no live state read (a file alone) */
	NSLAB_GRAPH_RUNNING, /* a node's namespace exists */
	NSLAB_GRAPH_PRESENT, /* the host namespace */
	NSLAB_GRAPH_UP, /* IFF_UP and carrier */
	NSLAB_GRAPH_LOWERDOWN, /* IFF_UP, no carrier (the far end is down) */
	NSLAB_GRAPH_DOWN,
	NSLAB_GRAPH_ABSENT,
	NSLAB_GRAPH_STATE_MAX,
};

/* "running", "up" …; NULL for NSLAB_GRAPH_UNKNOWN. */
const char *nslab_graph_state_to_string(enum nslab_graph_state s);

/* How a graph node is drawn; the layout sizes its box by it. */
enum nslab_graph_shape {
	NSLAB_GRAPH_SHAPE_ROUND, /* linux: rounded box */
	NSLAB_GRAPH_SHAPE_HEXAGON, /* switch */
	NSLAB_GRAPH_SHAPE_SEGMENT, /* bridge, network: a bus bar */
	NSLAB_GRAPH_SHAPE_BOX, /* host: double-bordered box */
	NSLAB_GRAPH_SHAPE_ELLIPSE, /* ext */
	NSLAB_GRAPH_SHAPE_REMOTE, /* a tunnel's far end: dashed ellipse */
	NSLAB_GRAPH_SHAPE_MAX,
};

/**
 * struct nslab_graph_if - an interface of a graph node
 * @name:	its name (borrowed from the topology, or @port for a network's port)
 * @addrs:	the file's addresses, IPv4 first (strings borrowed)
 * @mac:	the file's MAC, or NULL
 * @link, @end:	the cable: graph->links[@link].end[@end] is this interface
 * @state, @live_addrs, @ifindex, @live_mtu, @live_mac:	live state, when read
 */
struct nslab_graph_if {
	const char *name;
	const char **addrs;
	size_t n_addrs;
	const char *mac;
	unsigned int mtu;
	size_t link;
	int end;
	char port[16];
	enum nslab_graph_state state;
	char **live_addrs;
	size_t n_live_addrs;
	int ifindex;
	unsigned int live_mtu;
	char live_mac[18];
};

/**
 * struct nslab_graph_node - a topology node, a network segment, or the far
 * end of a one-ended link (`type: vxlan|gre|dummy`): a "remote"
 * @node:	the topology's node, or NULL
 * @net:	the topology's network (`networks:` or `mgmt`), or NULL
 * @tunnel:	a remote's tunnel, or NULL; its name is "NODE:IFACE" of the
 *		tunnel's own end
 * @host:	index in topo->hosts where the node is placed, or -1 (no
 *		`hosts:`, a stretched bridge or switch, a network); for a
 *		remote, the host whose address is the tunnel's remote
 * @lines:	label text: the name, then the kind (a network's subnets; a
 *		remote's type and VNI or key, then its remote address), then
 *		"@HOST" when @host is set
 * @ifs:	a node's link ends and network attachments; a network's (and a
 *		bridge node's) ports; a remote's one end, named by its type
 * @x, @y, @w, @h:	layout: the box's centre and size (shape and label)
 */
struct nslab_graph_node {
	const char *name;
	const struct nslab_node *node;
	const struct nslab_network *net;
	const struct nslab_tunnel *tunnel;
	int host;
	enum nslab_graph_shape shape;
	char *lines[4];
	size_t n_lines;
	struct nslab_graph_if *ifs;
	size_t n_ifs, ifs_cap;
	enum nslab_graph_state state;
	double x, y, w, h;
	char *own_name; /* private: a remote's name, which @name points to */
};

/**
 * struct nslab_graph_end - one end of a graph link
 * @node, @iface:	graph node and its interface index
 * @lines:	the end's label (interface name, addresses); none for the
 *		network side of an attachment
 * @px, @py:	layout: where the line meets the node's box
 * @x, @y, @w, @h:	layout: the label's box (centre and size)
 */
struct nslab_graph_end {
	size_t node;
	size_t iface;
	char *lines[8];
	size_t n_lines;
	double px, py;
	double x, y, w, h;
};

/*
 * A cable: a link of the file, a node's place on a network, or a tunnel to
 * its remote.  @cross_host: a link of the file between nodes placed on two
 * different hosts, which deploy builds as a VXLAN device at each end
 * (nslab_link_crosses_hosts()).
 */
struct nslab_graph_link {
	struct nslab_graph_end end[2];
	const struct nslab_link *link; /* NULL: a network attachment or a tunnel */
	const struct nslab_tunnel *tunnel; /* end[0] the node's, end[1] the remote's */
	unsigned int mtu;
	bool cross_host;
};

/**
 * struct nslab_graph - built by nslab_graph_build()
 * @topo:	borrowed; must outlive the graph
 * @live:	live state was read (nslab_graph_read_live())
 * @width, @height:	layout: every box lies in [0, width] x [0, height]
 */
struct nslab_graph {
	const struct nslab_topo *topo;
	bool live;
	struct nslab_graph_node *nodes;
	size_t n_nodes, nodes_cap;
	struct nslab_graph_link *links;
	size_t n_links, links_cap;
	double width, height;
};

/**
 * nslab_graph_build() - the graph of @topo: its nodes in file order, then
 * its networks, then one remote per tunnel; its links, then each node's
 * networks in node order, then the tunnels.
 * Borrows @topo.  *@ret belongs to the caller (nslab_graph_free()).
 */
int nslab_graph_build(const struct nslab_topo *topo, struct nslab_graph **ret,
		      struct nslab_error *err);

void nslab_graph_free(struct nslab_graph *g);

/* "veth", "host", "network" (a node's place on one), "vxlan", "gre" or "dummy". */
const char *nslab_graph_link_type(const struct nslab_graph_link *l);

/**
 * nslab_graph_read_live() - add the kernel's view of a deployed lab: which
 * namespaces and bridges exist, each interface's state, index, MAC, MTU and
 * addresses.  Needs the rights to enter the lab's namespaces (root).
 */
int nslab_graph_read_live(struct nslab_graph *g, struct nslab_error *err);

/**
 * nslab_graph_peer() - the far end of interface @iface of graph node @node
 * @ret_node, @ret_iface:	its graph node and interface index
 */
void nslab_graph_peer(const struct nslab_graph *g, size_t node, size_t iface, size_t *ret_node,
		      size_t *ret_iface);

/**
 * struct nslab_graph_metrics - text size as the renderer draws it
 * @char_w, @line_h:	node labels: advance of one character, line height
 * @end_char_w, @end_line_h:	link end labels
 * @pad:	space between a label and its shape's border
 * @gap:	minimum space between two boxes
 */
struct nslab_graph_metrics {
	double char_w, line_h;
	double end_char_w, end_line_h;
	double pad, gap;
};

/**
 * nslab_graph_layout() - place every node and end label: stress
 * majorization from a classical scaling start (deterministic: no clock, no
 * random seed but a fixed one), then overlap removal, so that no two boxes
 * (node or end label) overlap, the canvas growing as needed; labels are
 * never shrunk.  Fills the layout fields of @g.
 */
int nslab_graph_layout(struct nslab_graph *g, const struct nslab_graph_metrics *m,
		       struct nslab_error *err);

/* Number of UTF-8 characters of @s (what a monospace font draws). */
size_t nslab_graph_text_len(const char *s);

#endif
