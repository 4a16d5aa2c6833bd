// SPDX-License-Identifier: LGPL-2.1-or-later
/* Multi-host labs in the file: the top-level `hosts:` map and each node's `host:`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "topo_internal.h"
#include "util.h"

/* An underlay address: a plain IPv4 or IPv6 address.  Return its family, or 0. */
static int parse_addr(const char *s, unsigned char buf[16])
{
	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	return 0;
}

/* Names of the declared hosts, "a, b, c", for messages. */
static const char *host_list(const struct nslab_topo *t, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n_hosts && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					t->hosts[i].name);
	return buf;
}

static int parse_host(struct ctx *c, const struct pair *p, unsigned char (*addrs)[17])
{
	struct nslab_topo *t = c->topo;
	struct nslab_host *h = &t->hosts[t->n_hosts];
	yaml_node_t *addr;
	struct nslab_pos apos;
	const char *s;
	char what[300];
	struct mview v;
	int r;

	if (!topo_valid_node_name(p->k))
		return topo_err_at(c, p->pos,
				   "invalid host name '%s'; expected letters, digits, '_', '.' or "
				   "'-', starting with a letter or digit",
				   p->k);
	snprintf(what, sizeof(what), "host '%s'", p->k);
	if (topo_is_null(p->val) || p->val->type != YAML_MAPPING_NODE)
		return topo_err_at(c, topo_pos(c, p->val ? p->val : p->key),
				   "host '%s' needs a map with its underlay address, such as "
				   "{address: 192.168.1.100}",
				   p->k);
	r = topo_mview_init(c, &v, p->val, "key", what);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v.n && r >= 0; i++)
		if (!streq(v.p[i].k, "address")) {
			char in[320];

			snprintf(in, sizeof(in), "in %s", what);
			r = topo_unknown_key(c, &v.p[i], in, "address");
		}
	addr = r >= 0 ? topo_mview_get(&v, "address", &apos) : NULL;
	topo_mview_free(&v);
	if (r < 0)
		return r;
	if (!addr || topo_is_null(addr))
		return topo_err_at(c, topo_pos(c, p->val),
				   "host '%s' has no 'address' (its underlay IPv4 or IPv6 address)",
				   p->k);
	r = topo_get_str(c, addr, &s);
	if (r < 0)
		return r;
	addrs[t->n_hosts][16] = (unsigned char)parse_addr(s, addrs[t->n_hosts]);
	if (!addrs[t->n_hosts][16])
		return topo_err_at(c, topo_pos(c, addr),
				   "invalid address '%s' of host '%s'; expected an IPv4 or IPv6 "
				   "address without prefix length, such as 192.168.1.100",
				   s, p->k);
	/* A tunnel's two ends are of one family: so are all the hosts'. */
	if (t->n_hosts && addrs[0][16] != addrs[t->n_hosts][16])
		return topo_err_at(c, topo_pos(c, addr),
				   "host '%s' has an %s address and host '%s' an %s one; the "
				   "tunnels between hosts need one family",
				   p->k, addrs[t->n_hosts][16] == AF_INET ? "IPv4" : "IPv6",
				   t->hosts[0].name, addrs[0][16] == AF_INET ? "IPv4" : "IPv6");
	for (size_t i = 0; i < t->n_hosts; i++)
		if (addrs[i][16] == addrs[t->n_hosts][16] &&
		    !memcmp(addrs[i], addrs[t->n_hosts], addrs[i][16] == AF_INET ? 4 : 16))
			return topo_err_at(c, topo_pos(c, addr),
					   "hosts '%s' and '%s' have the same address %s; each "
					   "machine needs its own",
					   t->hosts[i].name, p->k, s);
	*h = (struct nslab_host){ .pos = p->pos };
	h->name = strdup(p->k);
	h->address = strdup(s);
	t->n_hosts++;
	if (!h->name || !h->address)
		return topo_oom(c);
	return 0;
}

int topo_parse_hosts(struct ctx *c, yaml_node_t *n, struct nslab_pos pos)
{
	struct nslab_topo *t = c->topo;
	unsigned char(*addrs)[17] = NULL;
	struct mview v;
	int r;

	if (topo_is_null(n) || n->type != YAML_MAPPING_NODE)
		return topo_err_at(c, topo_is_null(n) ? pos : topo_pos(c, n),
				   "'hosts' needs a map of machines, such as "
				   "{node1: {address: 192.168.1.100}}");
	r = topo_mview_init(c, &v, n, "host", "'hosts'");
	if (r < 0)
		return r;
	if (v.n == 0)
		r = topo_err_at(c, topo_pos(c, n),
				"'hosts' is empty; name at least one machine, such as "
				"{node1: {address: 192.168.1.100}}");
	if (r >= 0) {
		t->hosts = calloc(v.n, sizeof(*t->hosts));
		addrs = calloc(v.n, sizeof(*addrs));
		if (!t->hosts || !addrs)
			r = topo_oom(c);
	}
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		r = topo_spend(c, v.p[i].pos);
		if (r >= 0)
			r = parse_host(c, &v.p[i], addrs);
	}
	free(addrs);
	topo_mview_free(&v);
	return r;
}

int topo_node_host(struct ctx *c, struct nslab_node *node, const struct settings *layer)
{
	const struct nslab_topo *t = c->topo;
	char list[512];

	node->host = -1;
	if (layer) {
		const struct nslab_str *h = &layer->host;

		if (t->n_hosts == 0)
			return topo_err_at(c, h->pos,
					   "node '%s' is placed on host '%s', but the file has no "
					   "'hosts'\nhint: add hosts: {%s: {address: ...}} at the "
					   "top level",
					   node->name, h->s, h->s);
		for (size_t i = 0; i < t->n_hosts; i++)
			if (streq(t->hosts[i].name, h->s))
				node->host = (int)i;
		if (node->host < 0)
			return topo_err_at(c, h->pos, "node '%s': unknown host '%s'\nhosts: %s",
					   node->name, h->s, host_list(t, list, sizeof(list)));
	}
	/*
	 * A host node is the host namespace of whichever machine builds the
	 * link to it; bridge and switch nodes without `host:` are stretched
	 * over every host that has a member (rule 8): they stay -1.  Others
	 * go to the first host.
	 */
	if (node->kind == NSLAB_KIND_HOST)
		node->host = -1;
	else if (node->host < 0 && t->n_hosts && node->kind != NSLAB_KIND_BRIDGE &&
		 node->kind != NSLAB_KIND_SWITCH)
		node->host = 0;
	return 0;
}
