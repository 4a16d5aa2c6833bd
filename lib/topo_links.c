// SPDX-License-Identifier: LGPL-2.1-or-later
/* Links of a topology file: brief and extended forms, endpoints, addresses. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "nslab/netem.h"
#include "topo_internal.h"
#include "util.h"

static long find_or_host(struct ctx *c, const char *name, struct nslab_pos pos)
{
	long i = nslab_topo_find_node(c->topo, name);
	struct nslab_node *node;

	if (i >= 0 || !streq(name, "host"))
		return i;
	/* "host" without a declaration: the host namespace (topo.h). */
	node = topo_add_node(c, "host", pos);
	if (!node)
		return -2;
	node->kind = NSLAB_KIND_HOST;
	node->implicit = true;
	return (long)(c->topo->n_nodes - 1);
}

static int set_node(struct ctx *c, struct nslab_endpoint *ep, const char *name,
		    struct nslab_pos pos, const char *endpoint)
{
	long i;

	if (name[0] == '\0')
		return topo_err_at(c, pos, "endpoint '%s' has an empty node name", endpoint);
	i = find_or_host(c, name, pos);
	if (i == -2)
		return topo_oom(c);
	if (i < 0)
		return topo_err_at(c, pos, "unknown node '%s' in endpoint '%s'", name, endpoint);
	ep->node = (size_t)i;
	return 0;
}

static int set_ifname(struct ctx *c, struct nslab_endpoint *ep, const char *s, struct nslab_pos pos)
{
	int r = topo_check_ifname(c, s, pos);

	if (r < 0)
		return r;
	ep->ifname = strdup(s);
	return ep->ifname ? 0 : topo_oom(c);
}

/* "NODE:IFNAME"; node names cannot hold ':', so split at the first. */
static int parse_brief_endpoint(struct ctx *c, yaml_node_t *n, struct nslab_endpoint *ep)
{
	_cleanup_free_ char *node = NULL;
	const char *s, *colon;
	int r;

	ep->pos = topo_pos(c, n);
	if (n->type == YAML_MAPPING_NODE)
		return topo_err_at(c, ep->pos,
				   "expected a string NODE:INTERFACE, got a map\n"
				   "endpoints written as maps need 'type: veth'");
	if (n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_want(c, n, "a string NODE:INTERFACE", NULL);
	r = topo_get_str(c, n, &s);
	if (r < 0)
		return r;
	colon = strchr(s, ':');
	if (!colon)
		return topo_err_at(c, ep->pos, "endpoint '%s' must be NODE:INTERFACE", s);
	node = strndup(s, (size_t)(colon - s));
	if (!node)
		return topo_oom(c);
	r = set_node(c, ep, node, ep->pos, s);
	if (r < 0)
		return r;
	return set_ifname(c, ep, colon + 1, ep->pos);
}

static int add_addr(struct ctx *c, yaml_node_t *n, int family, struct nslab_endpoint *ep)
{
	struct nslab_str **arr = family == AF_INET ? &ep->ipv4 : &ep->ipv6;
	size_t *cnt = family == AF_INET ? &ep->n_ipv4 : &ep->n_ipv6;
	size_t cap = *cnt; /* arrays are grown one at a time from exact sizes */
	struct nslab_str a;
	int r;

	if (n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_want(c, n, "an address string", NULL);
	r = topo_dup_str(c, n, &a);
	if (r < 0)
		return r;
	if (a.s[0] == '\0') {
		free(a.s);
		return 0;
	}
	r = topo_check_addr(c, a.s, family, a.pos);
	if (r >= 0)
		r = topo_spend(c, a.pos);
	if (r >= 0 && GROW(*arr, cap, *cnt) < 0)
		r = topo_oom(c);
	if (r < 0) {
		free(a.s);
		return r;
	}
	(*arr)[(*cnt)++] = a;
	return 0;
}

/* A string or a list of strings ("" and null add nothing). */
static int add_addrs(struct ctx *c, yaml_node_t *n, int family, struct nslab_endpoint *ep)
{
	if (topo_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return add_addr(c, n, family, ep);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		int r = add_addr(c, topo_doc_node(c, *it), family, ep);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * topo_parse_netem() - `netem: {delay: 20ms, loss: 0.5%, ...}` of a link or
 * an endpoint into @ne; values are checked by the parser the CLI's flags use
 * too (netem.c).
 */
int topo_parse_netem(struct ctx *c, yaml_node_t *n, struct nslab_netem *ne)
{
	struct mview v;
	int r;

	*ne = (struct nslab_netem){ .pos = topo_pos(c, n) };
	if (topo_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return topo_want(c, n, "a map such as {delay: 20ms, loss: 0.5%}", "'netem'");
	r = topo_mview_init(c, &v, n, "key", "'netem'");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		int k = nslab_netem_key_from_string(p->k);
		struct nslab_error e = { 0 };
		const char *s;

		if (k < 0) {
			r = topo_unknown_key(c, p, "in 'netem'", nslab_netem_key_list());
			break;
		}
		if (p->val->type != YAML_SCALAR_NODE || topo_is_null(p->val)) {
			r = topo_want(c, p->val,
				      k == NSLAB_NETEM_RATE	? "a rate such as 100mbit"
				      : k <= NSLAB_NETEM_JITTER ? "a time such as 20ms"
								: "a percentage such as 0.5%",
				      NULL);
			break;
		}
		r = topo_get_str(c, p->val, &s);
		if (r >= 0 && nslab_netem_set_key(ne, (enum nslab_netem_key)k, s, &e) < 0)
			r = topo_err_at(c, topo_pos(c, p->val), "%s", e.msg);
	}
	topo_mview_free(&v);
	return r;
}

/*
 * What each end of @l does to its egress: the link's `netem` (both ends),
 * then the endpoint's own keys over it.  @link_ne: the link's, or NULL.
 */
static int merge_netem(struct ctx *c, struct nslab_link *l, const struct nslab_netem *link_ne)
{
	for (int e = 0; e < 2; e++) {
		struct nslab_netem own = l->ep[e].netem;
		struct nslab_netem *ne = &l->ep[e].netem;
		struct nslab_error err = { 0 };

		if (!link_ne || !link_ne->set) {
			if (!own.set)
				continue;
		} else {
			*ne = *link_ne;
			nslab_netem_merge(ne, &own);
			if (own.set)
				ne->pos = own.pos;
		}
		if (nslab_netem_check(ne, &err) < 0)
			return topo_err_at(c, ne->pos, "%s:%s: %s",
					   c->topo->nodes[l->ep[e].node].name, l->ep[e].ifname,
					   err.msg);
	}
	return 0;
}

/* topo_parse_endpoint() - {node, interface, mac, ipv4, ipv6, netem} into @ep. */
int topo_parse_endpoint(struct ctx *c, yaml_node_t *n, struct nslab_endpoint *ep)
{
	yaml_node_t *node = NULL, *ifname = NULL;
	struct mview v;
	int r;

	ep->pos = topo_pos(c, n);
	r = topo_mview_init(c, &v, n, "key", "an endpoint");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];

		if (streq(p->k, "node"))
			node = p->val;
		else if (streq(p->k, "interface"))
			ifname = p->val;
		else if (!streq(p->k, "mac") && !streq(p->k, "ipv4") && !streq(p->k, "ipv6") &&
			 !streq(p->k, "netem")) {
			r = topo_check_special(c, W_ENDPOINT, p->k, p->pos);
			if (r == 0)
				r = topo_unknown_key(c, p, "in an endpoint",
						     "node, interface, mac, ipv4, ipv6, netem");
		}
	}
	if (r < 0)
		goto out;
	if (!node || topo_is_null(node)) {
		r = topo_err_at(c, ep->pos, "endpoint has no 'node'");
		goto out;
	}
	if (!ifname || topo_is_null(ifname)) {
		r = topo_err_at(c, ep->pos, "endpoint has no 'interface'");
		goto out;
	}
	{
		const char *s;

		r = topo_get_str(c, node, &s);
		if (r >= 0)
			r = set_node(c, ep, s, topo_pos(c, node), s);
		if (r >= 0)
			r = topo_get_str(c, ifname, &s);
		if (r >= 0)
			r = set_ifname(c, ep, s, topo_pos(c, ifname));
	}
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];

		if (streq(p->k, "mac") && !topo_is_null(p->val)) {
			r = topo_opt_str(c, p->val, &ep->mac);
			if (r >= 0)
				r = topo_check_mac(c, ep->mac, topo_pos(c, p->val));
		} else if (streq(p->k, "ipv4")) {
			r = add_addrs(c, p->val, AF_INET, ep);
		} else if (streq(p->k, "ipv6")) {
			r = add_addrs(c, p->val, AF_INET6, ep);
		} else if (streq(p->k, "netem")) {
			r = topo_parse_netem(c, p->val, &ep->netem);
		}
	}
out:
	topo_mview_free(&v);
	return r;
}

/* Brief form "ipv4: [A, B]": one entry (string or list) per endpoint. */
static int brief_addrs(struct ctx *c, yaml_node_t *n, int family, const char *key,
		       struct nslab_link *l)
{
	char for_[16];
	size_t i = 0;

	if (topo_is_null(n))
		return 0;
	snprintf(for_, sizeof(for_), "'%s'", key);
	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list with one entry per endpoint", for_);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		int r;

		if (i >= 2)
			return topo_err_at(c, topo_pos(c, n),
					   "'%s' lists %zu entries but a link has 2 endpoints", key,
					   (size_t)(n->data.sequence.items.top -
						    n->data.sequence.items.start));
		r = add_addrs(c, topo_doc_node(c, *it), family, &l->ep[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int get_endpoints(struct ctx *c, const struct mview *v, yaml_node_t **ret_items,
			 struct nslab_pos link_pos)
{
	struct nslab_pos kp;
	yaml_node_t *n = topo_mview_get(v, "endpoints", &kp);
	size_t cnt;

	if (!n || topo_is_null(n))
		return topo_err_at(c, link_pos, "link has no 'endpoints'");
	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list of 2 endpoints", "'endpoints'");
	cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt != 2)
		return topo_err_at(c, topo_pos(c, n), "a link needs exactly 2 endpoints, got %zu",
				   cnt);
	ret_items[0] = topo_doc_node(c, n->data.sequence.items.start[0]);
	ret_items[1] = topo_doc_node(c, n->data.sequence.items.start[1]);
	return 0;
}

int topo_check_link_keys(struct ctx *c, const struct mview *v, const char *const *keys)
{
	char expected[256] = "";

	for (const char *const *k = keys; *k; k++)
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s",
			 k == keys ? "" : ", ", *k);
	for (size_t i = 0; i < v->n; i++) {
		const struct pair *p = &v->p[i];
		const char *const *k;
		int r;

		for (k = keys; *k; k++)
			if (streq(*k, p->k))
				break;
		if (*k)
			continue;
		r = topo_check_special(c, W_LINK, p->k, p->pos);
		if (r == 0)
			r = topo_unknown_key(c, p, "in a link", expected);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_link(struct ctx *c, yaml_node_t *n)
{
	static const char *const brief_keys[] = {
		"endpoints", "mtu", "ipv4", "ipv6", "netem", NULL
	};
	static const char *const veth_keys[] = { "type", "endpoints", "mtu", "netem", NULL };
	static const char *const host_keys[] = { "type",      "endpoint",  "host-interface",
						 "host-ipv4", "host-ipv6", "mtu",
						 "netem",     NULL };
	struct nslab_topo *t = c->topo;
	struct nslab_netem link_ne = { 0 };
	struct nslab_link *l;
	yaml_node_t *type, *items[2], *mtu, *netem;
	const char *ts = NULL;
	struct mview v;
	int r;

	if (GROW(t->links, c->cap_links, t->n_links) < 0)
		return topo_oom(c);
	l = &t->links[t->n_links++];
	*l = (struct nslab_link){ .type = NSLAB_LINK_VETH, .mtu = 1500, .pos = topo_pos(c, n) };
	r = topo_mview_init(c, &v, n, "key", "a link");
	if (r < 0)
		goto out;
	type = topo_mview_get(&v, "type", NULL);
	if (type) {
		r = topo_get_str(c, type, &ts);
		if (r < 0)
			goto out;
		if (streq(ts, "vxlan") || streq(ts, "gre") || streq(ts, "dummy")) {
			/* One-ended: topo->tunnels, not a link (l has nothing to free). */
			t->n_links--;
			r = topo_parse_tunnel(c, &v, ts, topo_pos(c, n));
			goto out;
		}
		if (!streq(ts, "veth") && !streq(ts, "host")) {
			r = topo_check_special(c, W_LINK_TYPE, ts, topo_pos(c, type));
			if (r == 0)
				r = topo_err_at(
					c, topo_pos(c, type),
					"unknown link type '%s'; expected one of: veth, host, "
					"vxlan, gre, dummy",
					ts);
			goto out;
		}
	}
	if (!ts) {
		r = topo_check_link_keys(c, &v, brief_keys);
		if (r >= 0)
			r = get_endpoints(c, &v, items, l->pos);
		for (int e = 0; r >= 0 && e < 2; e++)
			r = parse_brief_endpoint(c, items[e], &l->ep[e]);
		if (r >= 0)
			r = brief_addrs(c, topo_mview_get(&v, "ipv4", NULL), AF_INET, "ipv4", l);
		if (r >= 0)
			r = brief_addrs(c, topo_mview_get(&v, "ipv6", NULL), AF_INET6, "ipv6", l);
	} else if (streq(ts, "veth")) {
		r = topo_check_link_keys(c, &v, veth_keys);
		if (r >= 0)
			r = get_endpoints(c, &v, items, l->pos);
		for (int e = 0; r >= 0 && e < 2; e++) {
			if (items[e]->type != YAML_MAPPING_NODE)
				r = topo_want(c, items[e], "a map {node, interface, ...}", NULL);
			else
				r = topo_parse_endpoint(c, items[e], &l->ep[e]);
		}
	} else {
		yaml_node_t *ep = topo_mview_get(&v, "endpoint", NULL);
		yaml_node_t *hif = topo_mview_get(&v, "host-interface", NULL);
		const char *s;

		r = topo_check_link_keys(c, &v, host_keys);
		if (r < 0)
			goto out;
		if (!ep || topo_is_null(ep)) {
			r = topo_err_at(c, l->pos, "host link has no 'endpoint'");
			goto out;
		}
		if (!hif || topo_is_null(hif)) {
			r = topo_err_at(c, l->pos, "host link has no 'host-interface'");
			goto out;
		}
		if (ep->type != YAML_MAPPING_NODE)
			r = topo_want(c, ep, "a map {node, interface, ...}", NULL);
		else
			r = topo_parse_endpoint(c, ep, &l->ep[0]);
		if (r >= 0)
			r = topo_get_str(c, hif, &s);
		if (r >= 0) {
			l->ep[1].pos = topo_pos(c, hif);
			r = set_node(c, &l->ep[1], "host", l->ep[1].pos, "host");
		}
		if (r >= 0 && c->topo->nodes[l->ep[1].node].kind != NSLAB_KIND_HOST)
			r = topo_err_at(c, l->ep[1].pos,
					"host link: node 'host' is declared with kind %s, not host",
					nslab_kind_to_string(c->topo->nodes[l->ep[1].node].kind));
		if (r >= 0)
			r = set_ifname(c, &l->ep[1], s, l->ep[1].pos);
		if (r >= 0)
			r = add_addrs(c, topo_mview_get(&v, "host-ipv4", NULL), AF_INET, &l->ep[1]);
		if (r >= 0)
			r = add_addrs(c, topo_mview_get(&v, "host-ipv6", NULL), AF_INET6,
				      &l->ep[1]);
	}
	if (r < 0)
		goto out;
	mtu = topo_mview_get(&v, "mtu", NULL);
	if (mtu && !topo_is_null(mtu)) {
		unsigned long u;

		r = topo_get_uint(c, mtu, "mtu", 68, 65535, &u);
		if (r < 0)
			goto out;
		l->mtu = (unsigned int)u;
		l->mtu_set = true;
	}
	/* Both directions: each end's egress, under what the endpoints say. */
	netem = topo_mview_get(&v, "netem", NULL);
	if (netem)
		r = topo_parse_netem(c, netem, &link_ne);
	if (r >= 0)
		r = merge_netem(c, l, &link_ne);
	if (r < 0)
		goto out;
	/* ep[1] is the host end of a host link, whichever way it was written. */
	if (t->nodes[l->ep[0].node].kind == NSLAB_KIND_HOST &&
	    t->nodes[l->ep[1].node].kind != NSLAB_KIND_HOST) {
		struct nslab_endpoint tmp = l->ep[0];

		l->ep[0] = l->ep[1];
		l->ep[1] = tmp;
	}
	if (t->nodes[l->ep[1].node].kind == NSLAB_KIND_HOST)
		l->type = NSLAB_LINK_HOST;
	if (l->ep[0].node == l->ep[1].node && streq(l->ep[0].ifname, l->ep[1].ifname)) {
		r = topo_err_at(c, l->ep[1].pos, "link connects %s:%s to itself",
				t->nodes[l->ep[0].node].name, l->ep[0].ifname);
		goto out;
	}
	for (int e = 0; r >= 0 && e < 2; e++)
		r = topo_claim_ifname(c, l->ep[e].node, l->ep[e].ifname, l->ep[e].pos);
out:
	topo_mview_free(&v);
	return r;
}

/*
 * A Linux bridge numbers its ports with 10 bits and port 0 is reserved
 * (BR_MAX_PORTS): the 1,024th port fails with EXFULL halfway through a
 * deploy.  Say so here, at the link that is one too many.
 */
#define BRIDGE_MAX_PORTS 1023

static int check_bridge_ports(struct ctx *c)
{
	const struct nslab_topo *t = c->topo;
	unsigned int *ports = calloc(t->n_nodes + 1, sizeof(*ports));

	if (!ports)
		return nslab_err(c->err, ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_links; i++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[i].ep[e];
			const struct nslab_node *nd = &t->nodes[ep->node];

			if (nd->kind != NSLAB_KIND_BRIDGE && nd->kind != NSLAB_KIND_SWITCH)
				continue;
			if (++ports[ep->node] > BRIDGE_MAX_PORTS) {
				free(ports);
				return topo_err_at(
					c, ep->pos,
					"%s node '%s' has more than %d ports; a Linux bridge "
					"takes at most %d\nhint: split its links over several "
					"bridges or switch nodes linked to each other",
					nslab_kind_to_string(nd->kind), nd->name, BRIDGE_MAX_PORTS,
					BRIDGE_MAX_PORTS);
			}
		}
	free(ports);
	return 0;
}

int topo_parse_links(struct ctx *c, yaml_node_t *n)
{
	if (topo_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list", "'links'");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = topo_doc_node(c, *it);
		int r = topo_spend(c, topo_pos(c, item));

		if (r >= 0) {
			if (item->type != YAML_MAPPING_NODE)
				r = topo_want(c, item, "a link (a map)", NULL);
			else
				r = parse_link(c, item);
		}
		if (r < 0)
			return r;
	}
	return check_bridge_ports(c);
}
