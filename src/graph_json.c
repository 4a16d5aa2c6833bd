// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab graph --format json: the graph as data (documented in docs/cli.md). */
#include <string.h>

#include "graph_render.h"
#include "util.h"

#define GRAPH_JSON_VERSION 1

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* { "node": N, "interface": I }, { "network": N, … } or { "remote": N, … } */
static json_t *end_ref(const struct nslab_graph *g, size_t node, size_t iface)
{
	const struct nslab_graph_node *n = &g->nodes[node];
	const char *key = n->tunnel ? "remote" : n->node ? "node" : "network";

	return json_pack("{s:s, s:s}", key, n->name, "interface", n->ifs[iface].name);
}

/* The name of the host where graph node @n is, or null. */
static json_t *host_json(const struct nslab_graph *g, const struct nslab_graph_node *n)
{
	if (n->host < 0 || (size_t)n->host >= g->topo->n_hosts)
		return json_null();
	return json_string(g->topo->hosts[n->host].name);
}

static json_t *uint_or_null(bool set, unsigned int v)
{
	return set ? json_integer(v) : json_null();
}

static json_t *live_if(const struct nslab_graph *g, const struct nslab_graph_if *f)
{
	json_t *addrs;

	if (!g->live || f->state == NSLAB_GRAPH_UNKNOWN) /* a remote's end: none */
		return json_null();
	addrs = json_array();
	for (size_t k = 0; k < f->n_live_addrs; k++)
		json_array_append_new(addrs, json_string(f->live_addrs[k]));
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "state",
			 nslab_graph_state_to_string(f->state), "ifindex",
			 f->ifindex ? json_integer(f->ifindex) : json_null(), "mac",
			 f->live_mac[0] ? json_string(f->live_mac) : json_null(), "mtu",
			 f->live_mtu ? json_integer(f->live_mtu) : json_null(), "addresses", addrs);
}

static json_t *interfaces(const struct nslab_graph *g, size_t node)
{
	const struct nslab_graph_node *n = &g->nodes[node];
	json_t *arr = json_array();

	for (size_t k = 0; k < n->n_ifs; k++) {
		const struct nslab_graph_if *f = &n->ifs[k];
		json_t *v4 = json_array(), *v6 = json_array();
		size_t pn, pi;

		for (size_t a = 0; a < f->n_addrs; a++)
			json_array_append_new(strchr(f->addrs[a], ':') ? v6 : v4,
					      json_string(f->addrs[a]));
		nslab_graph_peer(g, node, k, &pn, &pi);
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o, s:i, s:o, s:i, s:o}",
						     "name", f->name, "ipv4", v4, "ipv6", v6, "mac",
						     str_or_null(f->mac), "mtu", (int)f->mtu,
						     "peer", end_ref(g, pn, pi), "link",
						     (int)f->link, "live", live_if(g, f)));
	}
	return arr;
}

static json_t *node_json(const struct nslab_graph *g, size_t i)
{
	const struct nslab_graph_node *n = &g->nodes[i];

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "name", n->name, "kind", graph_kind(n),
			 "netns", str_or_null(n->node->netns), "state",
			 str_or_null(nslab_graph_state_to_string(n->state)), "host",
			 host_json(g, n), "interfaces", interfaces(g, i));
}

/* A tunnel's far end, with the tunnel's settings from the file. */
static json_t *remote_json(const struct nslab_graph *g, size_t i)
{
	const struct nslab_graph_node *n = &g->nodes[i];
	const struct nslab_tunnel *tn = n->tunnel;
	bool vxlan = tn->type == NSLAB_LINK_VXLAN, gre = tn->type == NSLAB_LINK_GRE;
	json_t *label = json_array();

	for (size_t k = 0; k < n->n_lines; k++)
		json_array_append_new(label, json_string(n->lines[k]));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
			 "s:o, s:o}",
			 "name", n->name, "kind", graph_kind(n), "type", n->ifs[0].name, "label",
			 label, "node", g->topo->nodes[tn->ep.node].name, "interface",
			 tn->ep.ifname, "remote", str_or_null(tn->remote), "local",
			 str_or_null(tn->local), "vni", uint_or_null(vxlan, tn->vni), "key",
			 uint_or_null(gre && tn->vni, tn->vni), "port",
			 uint_or_null(vxlan, tn->port), "parent", str_or_null(tn->parent), "ttl",
			 uint_or_null(tn->ttl, tn->ttl), "host", host_json(g, n), "state",
			 json_null(), "interfaces", interfaces(g, i));
}

static json_t *network_json(const struct nslab_graph *g, size_t i)
{
	const struct nslab_graph_node *n = &g->nodes[i];
	const struct nslab_network *w = n->net;

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:o}", "name", w->name,
			 "subnet", w->subnet, "subnet6", str_or_null(w->subnet6), "gateway",
			 str_or_null(w->gateway), "gateway6", str_or_null(w->gateway6), "bridge",
			 w->bridge, "internal", w->internal, "nat", w->nat, "mgmt", w->is_mgmt,
			 "state", str_or_null(nslab_graph_state_to_string(n->state)), "ports",
			 interfaces(g, i));
}

json_t *graph_json(const struct nslab_graph *g)
{
	json_t *nodes = json_array(), *nets = json_array(), *links = json_array();
	json_t *remotes = json_array(), *hosts = json_array();

	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct nslab_graph_node *n = &g->nodes[i];

		if (n->tunnel)
			json_array_append_new(remotes, remote_json(g, i));
		else if (n->node)
			json_array_append_new(nodes, node_json(g, i));
		else
			json_array_append_new(nets, network_json(g, i));
	}
	for (size_t l = 0; l < g->n_links; l++) {
		const struct nslab_graph_link *k = &g->links[l];

		json_array_append_new(links,
				      json_pack("{s:s, s:i, s:[o, o], s:b}", "type",
						nslab_graph_link_type(k), "mtu", (int)k->mtu,
						"ends", end_ref(g, k->end[0].node, k->end[0].iface),
						end_ref(g, k->end[1].node, k->end[1].iface),
						"cross_host", k->cross_host));
	}
	for (size_t h = 0; h < g->topo->n_hosts; h++)
		json_array_append_new(hosts, json_pack("{s:s, s:s}", "name", g->topo->hosts[h].name,
						       "address", g->topo->hosts[h].address));
	return json_pack("{s:i, s:s, s:b, s:o, s:o, s:o, s:o, s:o}", "version", GRAPH_JSON_VERSION,
			 "lab", g->topo->name, "live", g->live, "hosts", hosts, "nodes", nodes,
			 "networks", nets, "remotes", remotes, "links", links);
}

int graph_render_json(const struct nslab_graph *g, FILE *f)
{
	json_t *j = graph_json(g);
	int r;

	if (!j)
		return -ENOMEM;
	r = json_dumpf(j, f, JSON_INDENT(2));
	json_decref(j);
	if (r < 0)
		return -EIO;
	fputc('\n', f);
	return 0;
}
