// SPDX-License-Identifier: LGPL-2.1-or-later
/* One-ended links of a topology file: `type: vxlan`, `type: gre`, `type: dummy`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "nslab/netem.h"
#include "topo_internal.h"
#include "util.h"

#define VXLAN_DEFAULT_PORT 14789 /* containerlab's, clear of the kernel's 8472 and IANA's 4789 */
#define VNI_MAX 16777215u

static const char *const vxlan_keys[] = {
	"type",	 "endpoint", "remote",		 "vni", "dst-port", "udp-port",
	"local", "ttl",	     "parent-interface", "mtu", "netem",    NULL,
};
static const char *const gre_keys[] = {
	"type", "endpoint", "local", "remote", "ttl", "key", "mtu", "netem", NULL,
};
static const char *const dummy_keys[] = { "type", "endpoint", "mtu", "netem", NULL };

/* A bare underlay address (no prefix length) into *@ret; its family in *@ret_family. */
static int get_ip(struct ctx *c, yaml_node_t *n, const char *key, char **ret, int *ret_family)
{
	unsigned char buf[16];
	const char *s;
	int r;

	if (n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_want(c, n, "an IP address", key);
	r = topo_get_str(c, n, &s);
	if (r < 0)
		return r;
	if (inet_pton(AF_INET, s, buf) == 1)
		*ret_family = AF_INET;
	else if (inet_pton(AF_INET6, s, buf) == 1)
		*ret_family = AF_INET6;
	else
		return topo_err_at(c, topo_pos(c, n),
				   "invalid %s '%s': expected an IPv4 or IPv6 address without a "
				   "prefix length",
				   key, s);
	*ret = strdup(s);
	return *ret ? 0 : topo_oom(c);
}

/* The link's `netem` under the endpoint's own keys, as a veth end's. */
static int tunnel_netem(struct ctx *c, struct nslab_tunnel *tn, const struct mview *v)
{
	yaml_node_t *n = topo_mview_get(v, "netem", NULL);
	struct nslab_netem link_ne = { 0 }, own = tn->ep.netem;
	struct nslab_error e = { 0 };
	int r;

	if (n) {
		r = topo_parse_netem(c, n, &link_ne);
		if (r < 0)
			return r;
	}
	if (link_ne.set) {
		tn->ep.netem = link_ne;
		nslab_netem_merge(&tn->ep.netem, &own);
		if (own.set)
			tn->ep.netem.pos = own.pos;
	}
	if (tn->ep.netem.set && nslab_netem_check(&tn->ep.netem, &e) < 0)
		return topo_err_at(c, tn->ep.netem.pos, "%s:%s: %s",
				   c->topo->nodes[tn->ep.node].name, tn->ep.ifname, e.msg);
	return 0;
}

/* The kernel refuses a second vxlan device on one UDP port with the same VNI. */
static int check_vni_unique(struct ctx *c, const struct nslab_tunnel *tn, struct nslab_pos vni_pos)
{
	const struct nslab_topo *t = c->topo;

	for (size_t i = 0; i + 1 < t->n_tunnels; i++) {
		const struct nslab_tunnel *o = &t->tunnels[i];

		if (o->type == NSLAB_LINK_VXLAN && o->vni == tn->vni && o->port == tn->port)
			return topo_err_at(
				c, vni_pos,
				"vxlan link %s:%s: VNI %u on UDP port %u is taken by %s:%s "
				"(%u:%u); "
				"the kernel refuses a second device with the same VNI and port\n"
				"hint: give one of them another vni or dst-port",
				t->nodes[tn->ep.node].name, tn->ep.ifname, tn->vni, tn->port,
				t->nodes[o->ep.node].name, o->ep.ifname, o->pos.line, o->pos.col);
	}
	return 0;
}

static int parse_underlay(struct ctx *c, struct nslab_tunnel *tn, const struct mview *v)
{
	const char *what = tn->type == NSLAB_LINK_VXLAN ? "vxlan" : "gre";
	int fam_remote = 0, fam_local = 0, r;
	yaml_node_t *n, *port;
	unsigned long u;

	n = topo_mview_get(v, "remote", NULL);
	if (!n || topo_is_null(n))
		return topo_err_at(c, tn->pos,
				   "%s link has no 'remote' (the far end's underlay "
				   "address)",
				   what);
	r = get_ip(c, n, "remote", &tn->remote, &fam_remote);
	if (r < 0)
		return r;
	n = topo_mview_get(v, "local", NULL);
	if (n && !topo_is_null(n)) {
		r = get_ip(c, n, "local", &tn->local, &fam_local);
		if (r < 0)
			return r;
		if (fam_local != fam_remote)
			return topo_err_at(c, topo_pos(c, n),
					   "%s link: local %s and remote %s are not of the same "
					   "address family",
					   what, tn->local, tn->remote);
	}
	n = topo_mview_get(v, "ttl", NULL);
	if (n && !topo_is_null(n)) {
		r = topo_get_uint(c, n, "ttl", 1, 255, &u);
		if (r < 0)
			return r;
		tn->ttl = (unsigned int)u;
	}
	if (tn->type == NSLAB_LINK_GRE) {
		n = topo_mview_get(v, "key", NULL);
		if (n && !topo_is_null(n)) {
			r = topo_get_uint(c, n, "key", 0, 0xffffffffu, &u);
			if (r < 0)
				return r;
			tn->vni = (unsigned int)u;
		}
		return 0;
	}
	n = topo_mview_get(v, "vni", NULL);
	if (!n || topo_is_null(n))
		return topo_err_at(c, tn->pos, "vxlan link has no 'vni'");
	r = topo_get_uint(c, n, "vni", 1, VNI_MAX, &u);
	if (r < 0)
		return r;
	tn->vni = (unsigned int)u;
	/* containerlab writes `udp-port`; the spec `dst-port`: one key, two spellings. */
	port = topo_mview_get(v, "dst-port", NULL);
	n = topo_mview_get(v, "udp-port", NULL);
	if (port && n)
		return topo_err_at(
			c, topo_pos(c, n),
			"vxlan link gives both 'dst-port' and 'udp-port' (the same key)");
	if (!port)
		port = n;
	tn->port = VXLAN_DEFAULT_PORT;
	if (port && !topo_is_null(port)) {
		r = topo_get_uint(c, port, port == n ? "udp-port" : "dst-port", 1, 65535, &u);
		if (r < 0)
			return r;
		tn->port = (unsigned int)u;
	}
	n = topo_mview_get(v, "parent-interface", NULL);
	if (n && !topo_is_null(n)) {
		const char *s;

		r = topo_get_str(c, n, &s);
		if (r >= 0)
			r = topo_check_ifname(c, s, topo_pos(c, n));
		if (r < 0)
			return r;
		tn->parent = strdup(s);
		if (!tn->parent)
			return topo_oom(c);
	}
	return check_vni_unique(c, tn, topo_pos(c, topo_mview_get(v, "vni", NULL)));
}

int topo_parse_tunnel(struct ctx *c, const struct mview *v, const char *type, struct nslab_pos pos)
{
	struct nslab_topo *t = c->topo;
	const struct nslab_node *nd;
	struct nslab_tunnel *tn;
	yaml_node_t *ep, *mtu;
	int r;

	if (GROW(t->tunnels, c->cap_tunnels, t->n_tunnels) < 0)
		return topo_oom(c);
	tn = &t->tunnels[t->n_tunnels++];
	*tn = (struct nslab_tunnel){ .pos = pos };
	tn->type = streq(type, "vxlan") ? NSLAB_LINK_VXLAN
		   : streq(type, "gre") ? NSLAB_LINK_GRE
					: NSLAB_LINK_DUMMY;
	r = topo_check_link_keys(c, v,
				 tn->type == NSLAB_LINK_VXLAN ? vxlan_keys
				 : tn->type == NSLAB_LINK_GRE ? gre_keys
							      : dummy_keys);
	if (r < 0)
		return r;
	ep = topo_mview_get(v, "endpoint", NULL);
	if (!ep || topo_is_null(ep))
		return topo_err_at(c, pos, "%s link has no 'endpoint'", type);
	if (ep->type != YAML_MAPPING_NODE)
		return topo_want(c, ep, "a map {node, interface, ...}", NULL);
	r = topo_parse_endpoint(c, ep, &tn->ep);
	if (r < 0)
		return r;
	nd = &t->nodes[tn->ep.node];
	/* The device lives in the node's own namespace, or is a port of its br0. */
	if (nd->kind != NSLAB_KIND_LINUX && nd->kind != NSLAB_KIND_SWITCH &&
	    nd->kind != NSLAB_KIND_EXT)
		return topo_err_at(c, tn->ep.pos,
				   "%s link on %s node '%s': a %s link needs a node of kind linux, "
				   "switch or ext",
				   type, nslab_kind_to_string(nd->kind), nd->name, type);
	if (tn->type != NSLAB_LINK_DUMMY) {
		r = parse_underlay(c, tn, v);
		if (r < 0)
			return r;
	}
	mtu = topo_mview_get(v, "mtu", NULL);
	if (mtu && !topo_is_null(mtu)) {
		unsigned long u;

		r = topo_get_uint(c, mtu, "mtu", 68, 65535, &u);
		if (r < 0)
			return r;
		tn->mtu = (unsigned int)u;
	}
	r = tunnel_netem(c, tn, v);
	if (r < 0)
		return r;
	return topo_claim_ifname(c, tn->ep.node, tn->ep.ifname, tn->ep.pos);
}
