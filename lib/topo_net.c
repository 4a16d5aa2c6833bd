// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Networks of a topology file: Docker-style `networks:` and containerlab's
 * `mgmt:`, the node keys that use them (networks, mgmt-ipv4/6, ports), IPAM,
 * and the checks that need every node and link (wait-for, published ports).
 */
#include <arpa/inet.h>
#include <linux/netlink.h> /* struct nlmsghdr, for rtmsg.h */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "nslab/rtmsg.h"
#include "topo_internal.h"
#include "util.h"

/* containerlab's default management subnet */
#define MGMT_SUBNET "172.20.20.0/24"

static const char *const port_hint =
	"expected [HOST_IP:]HOST_PORT[-END]:NODE_PORT[-END][/tcp|/udp], such as \"8080:80\" "
	"(an IPv6 HOST_IP in brackets: \"[::1]:8080:80\")";

/* ---- a hash map keyed by fixed-size binary keys (addresses, ports) ---- */

struct key {
	uint64_t a;
	uint64_t b;
	unsigned int tag;
};

enum key_tag {
	KT_ADDR4 = 1,
	KT_ADDR6,
	KT_PORT_ANY, /* a: proto << 16 | port: published on every host address */
	KT_PORT_SOME, /* a: proto << 16 | port: published on some specific address */
	KT_PORT_IP, /* a: proto << 48 | ip << 16 | port */
};

struct keymap {
	struct kslot {
		struct key k;
		size_t val;
		bool used;
	} * slots;
	size_t cap;
	size_t n;
};

static size_t key_hash(const struct key *k)
{
	uint64_t h = k->a * 0x9e3779b97f4a7c15ull;

	h ^= (k->b + k->tag) * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return (size_t)(h ^ (h >> 32));
}

static bool key_eq(const struct key *x, const struct key *y)
{
	return x->a == y->a && x->b == y->b && x->tag == y->tag;
}

static bool keymap_get(const struct keymap *m, const struct key *k, size_t *ret)
{
	if (!m->cap)
		return false;
	for (size_t j = key_hash(k) & (m->cap - 1); m->slots[j].used; j = (j + 1) & (m->cap - 1)) {
		if (key_eq(&m->slots[j].k, k)) {
			if (ret)
				*ret = m->slots[j].val;
			return true;
		}
	}
	return false;
}

/* 0: inserted; 1: present (value in *@ret_old, unchanged); -ENOMEM. */
static int keymap_put(struct keymap *m, const struct key *k, size_t val, size_t *ret_old)
{
	size_t j;

	if (keymap_get(m, k, ret_old))
		return 1;
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct kslot *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].used)
				continue;
			for (j = key_hash(&m->slots[i].k) & (ncap - 1); ns[j].used;
			     j = (j + 1) & (ncap - 1))
				;
			ns[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	for (j = key_hash(k) & (m->cap - 1); m->slots[j].used; j = (j + 1) & (m->cap - 1))
		;
	m->slots[j] = (struct kslot){ .k = *k, .val = val, .used = true };
	m->n++;
	return 0;
}

static void keymap_free(struct keymap *m)
{
	free(m->slots);
	*m = (struct keymap){ 0 };
}

static struct key addr_key(const struct nslab_prefix *p)
{
	struct key k = { .tag = p->family == AF_INET ? KT_ADDR4 : KT_ADDR6 };

	for (int i = 0; i < 8; i++) {
		k.a = k.a << 8 | p->addr[i];
		k.b = k.b << 8 | p->addr[8 + i];
	}
	return k;
}

/* ---- addresses ---- */

static unsigned int af_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static bool bit_at(const uint8_t *a, unsigned int i)
{
	return a[i / 8] & (0x80 >> (i % 8));
}

/* Are the bits of @a from @from on all @ones? */
static bool host_bits_are(const uint8_t *a, unsigned int from, unsigned int bits, bool ones)
{
	for (unsigned int i = from; i < bits; i++)
		if (bit_at(a, i) != ones)
			return false;
	return true;
}

static void host_bits_set(uint8_t *a, unsigned int from, unsigned int bits, bool ones)
{
	for (unsigned int i = from; i < bits; i++) {
		if (ones)
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		else
			a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	}
}

/* Does @a lie in @net? */
static bool in_prefix(const struct nslab_prefix *net, const uint8_t *a)
{
	unsigned int full = net->len / 8, rest = net->len % 8;

	if (memcmp(net->addr, a, full) != 0)
		return false;
	return !rest || !((net->addr[full] ^ a[full]) & (uint8_t)(0xff << (8 - rest)));
}

/* @a + 1 within the @family's bytes; false when it wraps to zero. */
static bool addr_inc(uint8_t *a, int family)
{
	for (size_t i = family == AF_INET ? 4 : 16; i-- > 0;)
		if (++a[i])
			return true;
	return false;
}

static const char *addr_str(const struct nslab_prefix *p, char *buf, size_t size)
{
	if (!inet_ntop(p->family, p->addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

/* "a.b.c.d" (@with_len false) or "a.b.c.d/len" of @p, allocated. */
static char *addr_dup(const struct nslab_prefix *p, bool with_len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *s;

	if (with_len)
		nslab_prefix_format(p, buf, sizeof(buf));
	else
		addr_str(p, buf, sizeof(buf));
	s = strdup(buf);
	return s;
}

/* The subnet of @nw for @family (AF_INET6: false when it has none). */
static bool net_prefix(const struct nslab_network *nw, int family, struct nslab_prefix *ret)
{
	const char *s = family == AF_INET ? nw->subnet : nw->subnet6;

	return s && nslab_prefix_parse(s, false, ret) == 0;
}

/* The address IPAM never hands out: the gateway, or the first host when internal. */
static void net_reserved(const struct nslab_network *nw, const struct nslab_prefix *net,
			 struct nslab_prefix *ret)
{
	const char *gw = net->family == AF_INET ? nw->gateway : nw->gateway6;

	if (gw && nslab_prefix_parse(gw, true, ret) == 0)
		return;
	*ret = *net;
	addr_inc(ret->addr, net->family);
}

/*
 * An address of a node on network @net: bare or with the subnet's prefix
 * length, inside the subnet, not its network, broadcast or gateway address.
 * *@ret is the CIDR with the subnet's prefix length.
 */
static int check_net_addr(struct ctx *c, size_t net, int family, const char *key, const char *s,
			  struct nslab_pos pos, char **ret)
{
	const struct nslab_network *nw = &c->topo->networks[net];
	struct nslab_prefix sub, a, gw;
	char sbuf[INET6_ADDRSTRLEN + 8], abuf[INET6_ADDRSTRLEN];

	if (!net_prefix(nw, family, &sub))
		return topo_err_at(c, pos, "network '%s' has no %s, so '%s' cannot be given",
				   nw->name, nw->is_mgmt ? "ipv6-subnet" : "subnet6", key);
	nslab_prefix_format(&sub, sbuf, sizeof(sbuf));
	if (nslab_prefix_parse(s, true, &a) < 0 || a.family != family)
		return topo_err_at(c, pos,
				   "invalid %s '%s' on network '%s'; expected an address in %s",
				   key, s, nw->name, sbuf);
	addr_str(&a, abuf, sizeof(abuf));
	if (strchr(s, '/') && a.len != sub.len)
		return topo_err_at(
			c, pos,
			"address '%s' has prefix length /%u but network '%s' is %s; give "
			"the address alone",
			s, a.len, nw->name, sbuf);
	if (!in_prefix(&sub, a.addr))
		return topo_err_at(c, pos, "address %s is outside network '%s' (%s)", abuf,
				   nw->name, sbuf);
	if (host_bits_are(a.addr, sub.len, af_bits(family), false))
		return topo_err_at(c, pos, "address %s is the network address of %s", abuf, sbuf);
	if (family == AF_INET && host_bits_are(a.addr, sub.len, 32, true))
		return topo_err_at(c, pos, "address %s is the broadcast address of %s", abuf, sbuf);
	net_reserved(nw, &sub, &gw);
	if (!memcmp(gw.addr, a.addr, 16))
		return topo_err_at(c, pos, "address %s is reserved for the gateway of network '%s'",
				   abuf, nw->name);
	a.len = sub.len;
	*ret = addr_dup(&a, true);
	return *ret ? 0 : topo_oom(c);
}

/* ---- networks and mgmt ---- */

enum net_key {
	NK_SUBNET,
	NK_SUBNET6,
	NK_GATEWAY,
	NK_GATEWAY6,
	NK_INTERNAL,
	NK_NAT,
	NK_BRIDGE,
	NK_MTU,
	NK_NETWORK,
	NK_MAX,
};

/* Key names in `networks.<NAME>` and in `mgmt`; NULL: not a key there. */
static const char *const net_keys[NK_MAX] = {
	[NK_SUBNET] = "subnet",	    [NK_SUBNET6] = "subnet6", [NK_GATEWAY] = "gateway",
	[NK_INTERNAL] = "internal", [NK_NAT] = "nat",	      [NK_BRIDGE] = "bridge",
	[NK_MTU] = "mtu",
};
static const char *const mgmt_keys[NK_MAX] = {
	[NK_SUBNET] = "ipv4-subnet",
	[NK_SUBNET6] = "ipv6-subnet",
	[NK_GATEWAY] = "ipv4-gw",
	[NK_GATEWAY6] = "ipv6-gw",
	[NK_NAT] = "external-access",
	[NK_BRIDGE] = "bridge",
	[NK_MTU] = "mtu",
	[NK_NETWORK] = "network",
};

struct net_def {
	const char *const *names;
	yaml_node_t *v[NK_MAX];
};

/* A span of addresses (a subnet), for the overlap check. */
struct span {
	uint8_t lo[16];
	uint8_t hi[16];
	size_t net;
	struct nslab_pos pos;
};

struct spans {
	struct span *v[2]; /* IPv4, IPv6 */
	size_t n[2];
	size_t cap[2];
};

static int add_span(struct ctx *c, struct spans *sp, size_t net, const struct nslab_prefix *p,
		    struct nslab_pos pos)
{
	int f = p->family == AF_INET ? 0 : 1;
	struct span *s;

	if (GROW(sp->v[f], sp->cap[f], sp->n[f]) < 0)
		return topo_oom(c);
	s = &sp->v[f][sp->n[f]++];
	memcpy(s->lo, p->addr, 16);
	memcpy(s->hi, p->addr, 16);
	host_bits_set(s->hi, p->len, af_bits(p->family), true);
	s->net = net;
	s->pos = pos;
	return 0;
}

static int span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	int r = memcmp(a->lo, b->lo, 16);

	if (r)
		return r;
	return a->net < b->net ? -1 : a->net > b->net;
}

/* Overlapping subnets: sort by start, compare with the widest so far. */
static int check_overlaps(struct ctx *c, struct spans *sp)
{
	const struct nslab_topo *t = c->topo;

	for (int f = 0; f < 2; f++) {
		struct span *v = sp->v[f];
		size_t widest = 0;

		if (sp->n[f] < 2)
			continue;
		qsort(v, sp->n[f], sizeof(*v), span_cmp);
		for (size_t i = 1; i < sp->n[f]; i++) {
			if (memcmp(v[i].lo, v[widest].hi, 16) <= 0) {
				/* Report at the one later in the file. */
				const struct span *a = &v[widest], *b = &v[i];
				const char *sa, *sb;

				if (a->net > b->net) {
					const struct span *tmp = a;

					a = b;
					b = tmp;
				}
				sa = f ? t->networks[a->net].subnet6 : t->networks[a->net].subnet;
				sb = f ? t->networks[b->net].subnet6 : t->networks[b->net].subnet;
				return topo_err_at(
					c, b->pos,
					"subnet %s of network '%s' overlaps subnet %s of "
					"network '%s' (%d:%d)",
					sb, t->networks[b->net].name, sa, t->networks[a->net].name,
					a->pos.line, a->pos.col);
			}
			if (memcmp(v[i].hi, v[widest].hi, 16) > 0)
				widest = i;
		}
	}
	return 0;
}

/*
 * A subnet: a CIDR of @family whose host bits are zero, with room for a
 * gateway and at least one node.
 */
static int parse_subnet(struct ctx *c, yaml_node_t *n, const char *text, int family,
			const char *key, struct nslab_prefix *ret)
{
	const char *eg = family == AF_INET ? "172.30.1.0/24" : "fd00:30:1::/64";
	struct nslab_pos pos = topo_pos(c, n);
	struct nslab_prefix p;
	const char *s = text;
	int r;

	if (!s) {
		r = topo_get_str(c, n, &s);
		if (r < 0)
			return r;
	}
	if (!strchr(s, '/') || nslab_prefix_parse(s, false, &p) < 0)
		return topo_err_at(c, pos, "invalid %s '%s'; expected an %s CIDR such as %s", key,
				   s, family == AF_INET ? "IPv4" : "IPv6", eg);
	if (p.family != family)
		return topo_err_at(c, pos, "%s '%s' is an %s subnet; expected %s such as %s", key,
				   s, p.family == AF_INET ? "IPv4" : "IPv6",
				   family == AF_INET ? "IPv4" : "IPv6", eg);
	if (!host_bits_are(p.addr, p.len, af_bits(family), false)) {
		char buf[INET6_ADDRSTRLEN + 8];

		host_bits_set(p.addr, p.len, af_bits(family), false);
		return topo_err_at(c, pos, "%s '%s' has host bits set; did you mean %s?", key, s,
				   nslab_prefix_format(&p, buf, sizeof(buf)));
	}
	if (p.len > af_bits(family) - 2)
		return topo_err_at(c, pos,
				   "%s '%s' is too small: a network needs a gateway and at least "
				   "one node address (at most /%u)",
				   key, s, af_bits(family) - 2);
	*ret = p;
	return 0;
}

/* The gateway: an address inside @sub that is not its network or broadcast address. */
static int parse_gateway(struct ctx *c, yaml_node_t *n, const struct nslab_prefix *sub,
			 const char *key, struct nslab_prefix *ret)
{
	struct nslab_pos pos = topo_pos(c, n);
	char sbuf[INET6_ADDRSTRLEN + 8];
	struct nslab_prefix g;
	const char *s;
	int r = topo_get_str(c, n, &s);

	if (r < 0)
		return r;
	nslab_prefix_format(sub, sbuf, sizeof(sbuf));
	if (strchr(s, '/') || nslab_prefix_parse(s, true, &g) < 0 || g.family != sub->family)
		return topo_err_at(c, pos, "invalid %s '%s'; expected an address in %s", key, s,
				   sbuf);
	if (!in_prefix(sub, g.addr))
		return topo_err_at(c, pos, "%s %s is outside the subnet %s", key, s, sbuf);
	if (host_bits_are(g.addr, sub->len, af_bits(sub->family), false) ||
	    (sub->family == AF_INET && host_bits_are(g.addr, sub->len, 32, true)))
		return topo_err_at(
			c, pos, "%s %s is the %s address of %s", key, s,
			bit_at(g.addr, af_bits(sub->family) - 1) ? "broadcast" : "network", sbuf);
	*ret = g;
	return 0;
}

static int parse_bool(struct ctx *c, yaml_node_t *n, const char *key, bool *ret)
{
	if (!topo_plain_bool(n, ret))
		return topo_err_at(c, topo_pos(c, n), "invalid %s: expected true or false, got %s",
				   key, topo_type_name(n));
	return 0;
}

/*
 * The default bridge of a network: "nl" + the 8 hex digits of the 32-bit
 * FNV-1a hash of "LAB/NETWORK" + "-" + up to 4 characters of the network's
 * name, e.g. "nl1c9a8f3e-fron": 15 bytes at most, the same for the same
 * file, and different for the same network name in two labs (a readable
 * "lab-network" cut to 15 bytes would collide as soon as two long names
 * share a beginning).
 */
static char *default_bridge(const char *lab, const char *net)
{
	uint32_t h = nslab_fnv1a(nslab_fnv1a(nslab_fnv1a(NSLAB_FNV1A_SEED, lab), "/"), net);
	char *s;

	if (asprintf(&s, "nl%08x-%.4s", h, net) < 0)
		return NULL;
	return s;
}

/* Where a key of @d is, for messages: its value, or @pos when absent. */
static struct nslab_pos def_pos(struct ctx *c, const struct net_def *d, enum net_key k,
				struct nslab_pos pos)
{
	return d->v[k] && !topo_is_null(d->v[k]) ? topo_pos(c, d->v[k]) : pos;
}

static bool def_has(const struct net_def *d, enum net_key k)
{
	return d->v[k] && !topo_is_null(d->v[k]);
}

static int add_network(struct ctx *c, const char *name, struct nslab_pos pos, bool is_mgmt,
		       struct net_def *d, struct spans *sp)
{
	struct nslab_topo *t = c->topo;
	const char *const *kn = d->names;
	struct nslab_network *nw;
	struct nslab_prefix sub, sub6, gw;
	size_t idx = t->n_networks, old;
	int r;

	if (GROW(t->networks, c->cap_networks, t->n_networks) < 0)
		return topo_oom(c);
	nw = &t->networks[t->n_networks++];
	*nw = (struct nslab_network){ .pos = pos, .is_mgmt = is_mgmt, .mtu = 1500 };
	nw->name = strdup(name);
	if (!nw->name)
		return topo_oom(c);
	r = strmap_put(&c->net_index, nw->name, idx, &old);
	if (r < 0)
		return topo_oom(c);
	if (r > 0)
		return topo_err_at(c, pos,
				   "network '%s' clashes with the management network (mgmt: at "
				   "%d:%d), which nslab calls 'mgmt'",
				   name, t->networks[old].pos.line, t->networks[old].pos.col);

	if (d->v[NK_INTERNAL] && !topo_is_null(d->v[NK_INTERNAL])) {
		r = parse_bool(c, d->v[NK_INTERNAL], kn[NK_INTERNAL], &nw->internal);
		if (r < 0)
			return r;
	}
	nw->nat = !nw->internal;
	if (def_has(d, NK_NAT)) {
		r = parse_bool(c, d->v[NK_NAT], kn[NK_NAT], &nw->nat);
		if (r < 0)
			return r;
		if (nw->internal && nw->nat)
			return topo_err_at(c, topo_pos(c, d->v[NK_NAT]),
					   "network '%s' is internal: it cannot have 'nat: true'",
					   name);
	}

	if (!def_has(d, NK_SUBNET) && !is_mgmt)
		return topo_err_at(c, pos, "network '%s' has no 'subnet'", name);
	r = parse_subnet(c, d->v[NK_SUBNET], def_has(d, NK_SUBNET) ? NULL : MGMT_SUBNET, AF_INET,
			 kn[NK_SUBNET], &sub);
	if (r < 0)
		return r;
	nw->subnet = addr_dup(&sub, true);
	if (!nw->subnet)
		return topo_oom(c);
	r = add_span(c, sp, idx, &sub, def_pos(c, d, NK_SUBNET, pos));
	if (r < 0)
		return r;
	if (def_has(d, NK_GATEWAY)) {
		if (nw->internal)
			return topo_err_at(c, topo_pos(c, d->v[NK_GATEWAY]),
					   "network '%s' is internal: it has no gateway", name);
		r = parse_gateway(c, d->v[NK_GATEWAY], &sub, kn[NK_GATEWAY], &gw);
	} else {
		/* Rule 6: the first host address, reserved even when internal. */
		gw = sub;
		addr_inc(gw.addr, AF_INET);
	}
	if (r < 0)
		return r;
	if (!nw->internal && !(nw->gateway = addr_dup(&gw, false)))
		return topo_oom(c);

	if (def_has(d, NK_SUBNET6)) {
		r = parse_subnet(c, d->v[NK_SUBNET6], NULL, AF_INET6, kn[NK_SUBNET6], &sub6);
		if (r < 0)
			return r;
		nw->subnet6 = addr_dup(&sub6, true);
		if (!nw->subnet6)
			return topo_oom(c);
		r = add_span(c, sp, idx, &sub6, topo_pos(c, d->v[NK_SUBNET6]));
		if (r < 0)
			return r;
		if (def_has(d, NK_GATEWAY6)) {
			r = parse_gateway(c, d->v[NK_GATEWAY6], &sub6, kn[NK_GATEWAY6], &gw);
		} else {
			gw = sub6;
			addr_inc(gw.addr, AF_INET6);
		}
		if (r < 0)
			return r;
		if (!nw->internal && !(nw->gateway6 = addr_dup(&gw, false)))
			return topo_oom(c);
	} else if (def_has(d, NK_GATEWAY6)) {
		return topo_err_at(c, topo_pos(c, d->v[NK_GATEWAY6]), "'%s' needs '%s'",
				   kn[NK_GATEWAY6], kn[NK_SUBNET6]);
	}

	if (def_has(d, NK_MTU)) {
		unsigned long u;

		r = topo_get_uint(c, d->v[NK_MTU], "mtu", 68, 65535, &u);
		if (r < 0)
			return r;
		nw->mtu = (unsigned int)u;
		nw->mtu_set = true;
	}
	if (def_has(d, NK_BRIDGE)) {
		r = topo_opt_str(c, d->v[NK_BRIDGE], &nw->bridge);
		if (r >= 0)
			r = topo_check_ifname(c, nw->bridge, topo_pos(c, d->v[NK_BRIDGE]));
		if (r < 0)
			return r;
	} else if (!(nw->bridge = default_bridge(t->name, name))) {
		return topo_oom(c);
	}
	if (def_has(d, NK_NETWORK)) {
		const char *s;

		/* containerlab's Docker network name: nothing to create here. */
		r = topo_get_str(c, d->v[NK_NETWORK], &s);
		if (r < 0)
			return r;
	}
	return topo_claim_net_bridge(c, idx, def_pos(c, d, NK_BRIDGE, pos));
}

/* The keys of network map @n into @d; @in names it in messages. */
static int read_def(struct ctx *c, yaml_node_t *n, const char *in, struct net_def *d)
{
	char expected[160] = "";
	size_t len = 0;
	struct mview v;
	int r;

	if (topo_is_null(n))
		return 0;
	for (int k = 0; k < NK_MAX; k++)
		if (d->names[k])
			len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s",
						len ? ", " : "", d->names[k]);
	r = topo_mview_init(c, &v, n, "key", in + 3);
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		int k;

		for (k = 0; k < NK_MAX; k++)
			if (d->names[k] && streq(d->names[k], v.p[i].k))
				break;
		if (k == NK_MAX)
			r = topo_unknown_key(c, &v.p[i], in, expected);
		else
			d->v[k] = v.p[i].val;
	}
	topo_mview_free(&v);
	return r;
}

int topo_parse_networks(struct ctx *c, yaml_node_t *mgmt, struct nslab_pos mgmt_pos,
			yaml_node_t *networks)
{
	struct spans sp = { 0 };
	struct mview v = { 0 };
	int r = 0;

	if (mgmt) {
		struct net_def d = { .names = mgmt_keys };

		r = read_def(c, mgmt, "in mgmt", &d);
		if (r >= 0) {
			c->mgmt = (long)c->topo->n_networks;
			c->mgmt_pos = mgmt_pos;
			r = add_network(c, "mgmt", mgmt_pos, true, &d, &sp);
		}
	}
	if (r >= 0 && networks && !topo_is_null(networks))
		r = topo_mview_init(c, &v, networks, "network", "'networks'");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		struct net_def d = { .names = net_keys };
		char in[300];

		if (!topo_valid_node_name(p->k)) {
			r = topo_err_at(c, p->pos,
					"invalid network name '%s'; expected letters, digits, '_', "
					"'.' or '-', starting with a letter or digit",
					p->k);
			break;
		}
		snprintf(in, sizeof(in), "in network '%s'", p->k);
		if (topo_is_null(p->val)) {
			r = topo_err_at(c, p->pos, "network '%s' has no 'subnet'", p->k);
			break;
		}
		r = read_def(c, p->val, in, &d);
		if (r >= 0)
			r = add_network(c, p->k, p->pos, false, &d, &sp);
	}
	topo_mview_free(&v);
	if (r >= 0)
		r = check_overlaps(c, &sp);
	free(sp.v[0]);
	free(sp.v[1]);
	return r;
}

/* ---- node keys ---- */

static int unknown_network(struct ctx *c, const char *name, struct nslab_pos pos)
{
	const struct nslab_topo *t = c->topo;
	char list[256] = "";
	size_t len = 0;

	if (t->n_networks == 0)
		return topo_err_at(c, pos, "unknown network '%s' (no networks are defined)", name);
	for (size_t i = 0; i < t->n_networks && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					t->networks[i].name);
	return topo_err_at(c, pos, "unknown network '%s'\ndefined networks: %s", name, list);
}

/* One entry of a node's `networks`: @val is NULL (list form) or its map. */
static int add_net_req(struct ctx *c, struct settings *s, const char *name, struct nslab_pos pos,
		       yaml_node_t *val, size_t *cap)
{
	struct net_req *q;
	struct mview v = { 0 };
	size_t net;
	int r = 0;

	if (!strmap_get(&c->net_index, name, &net))
		return unknown_network(c, name, pos);
	for (size_t i = 0; i < s->n_nets; i++)
		if (s->nets[i].network == net)
			return topo_err_at(c, pos, "network '%s' is listed twice (first at %d:%d)",
					   name, s->nets[i].pos.line, s->nets[i].pos.col);
	if (GROW(s->nets, *cap, s->n_nets) < 0)
		return topo_oom(c);
	q = &s->nets[s->n_nets++];
	*q = (struct net_req){ .network = net, .pos = pos };
	if (!val || topo_is_null(val))
		return 0;
	r = topo_mview_init(c, &v, val, "key", "a network of a node");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		struct nslab_str *dst;
		const char *str;

		if (streq(p->k, "ipv4"))
			dst = &q->ipv4;
		else if (streq(p->k, "ipv6"))
			dst = &q->ipv6;
		else if (streq(p->k, "interface"))
			dst = &q->ifname;
		else {
			r = topo_unknown_key(c, p, "in a node's network", "ipv4, ipv6, interface");
			break;
		}
		if (topo_is_null(p->val))
			continue;
		r = topo_get_str(c, p->val, &str);
		if (r < 0)
			break;
		dst->pos = topo_pos(c, p->val);
		if (dst == &q->ifname) {
			r = topo_check_ifname(c, str, dst->pos);
			if (r >= 0 && !(dst->s = strdup(str)))
				r = topo_oom(c);
		} else {
			r = check_net_addr(c, net, dst == &q->ipv4 ? AF_INET : AF_INET6, p->k, str,
					   dst->pos, &dst->s);
		}
	}
	topo_mview_free(&v);
	return r;
}

int topo_parse_node_networks(struct ctx *c, yaml_node_t *n, struct settings *s)
{
	size_t cap = 0;
	struct mview v;
	int r = 0;

	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     r >= 0 && it < n->data.sequence.items.top; it++) {
			yaml_node_t *x = topo_doc_node(c, *it);
			const char *name;

			r = topo_spend(c, topo_pos(c, x));
			if (r >= 0 && (x->type != YAML_SCALAR_NODE || topo_is_null(x)))
				r = topo_want(c, x, "a network name", NULL);
			if (r >= 0)
				r = topo_get_str(c, x, &name);
			if (r >= 0)
				r = add_net_req(c, s, name, topo_pos(c, x), NULL, &cap);
		}
		return r;
	}
	if (n->type != YAML_MAPPING_NODE)
		return topo_want(c, n, "a list or a map of network names", "'networks'");
	r = topo_mview_init(c, &v, n, "network", "'networks'");
	for (size_t i = 0; r >= 0 && i < v.n; i++)
		r = add_net_req(c, s, v.p[i].k, v.p[i].pos, v.p[i].val, &cap);
	topo_mview_free(&v);
	return r;
}

int topo_parse_mgmt_addr(struct ctx *c, yaml_node_t *n, int family, struct nslab_str *ret)
{
	const char *key = family == AF_INET ? "mgmt-ipv4" : "mgmt-ipv6";
	const char *s;
	int r;

	if (c->mgmt < 0)
		return topo_err_at(c, topo_pos(c, n),
				   "'%s' needs a management network: add 'mgmt:' at the top level",
				   key);
	r = topo_get_str(c, n, &s);
	if (r < 0)
		return r;
	free(ret->s);
	ret->s = NULL;
	ret->pos = topo_pos(c, n);
	return check_net_addr(c, (size_t)c->mgmt, family, key, s, ret->pos, &ret->s);
}

/* "N" or "N-M", 1..65535. */
static int parse_range(struct ctx *c, const char *s, const char *spec, struct nslab_pos pos,
		       unsigned int *lo, unsigned int *hi)
{
	unsigned long v[2];
	const char *p = s;

	for (int i = 0; i < 2; i++) {
		char *end;

		if (*p < '0' || *p > '9')
			return topo_err_at(c, pos, "invalid port mapping '%s'\n%s", spec,
					   port_hint);
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] < 1 || v[i] > 65535 || end - p > 5)
			return topo_err_at(
				c, pos,
				"invalid port in '%s': expected a number from 1 to 65535\n%s", spec,
				port_hint);
		p = end;
		if (i == 0 && *p != '-') {
			v[1] = v[0];
			break;
		}
		if (i == 0)
			p++;
	}
	if (*p)
		return topo_err_at(c, pos, "invalid port mapping '%s'\n%s", spec, port_hint);
	if (v[1] < v[0])
		return topo_err_at(c, pos, "port range '%s' in '%s' ends before it starts", s,
				   spec);
	*lo = (unsigned int)v[0];
	*hi = (unsigned int)v[1];
	return 0;
}

static int parse_port(struct ctx *c, yaml_node_t *n, struct nslab_port *ret)
{
	struct nslab_pos pos = topo_pos(c, n);
	char buf[128], *part[4], *slash, *start = buf, host6[INET6_ADDRSTRLEN] = "";
	const char *spec;
	size_t np = 0;
	int r;

	if (n->type == YAML_MAPPING_NODE)
		return topo_err_at(c, pos, "expected a string HOST_PORT:NODE_PORT, got a map\n%s",
				   port_hint);
	if (n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_want(c, n, "a string HOST_PORT:NODE_PORT", "a port");
	r = topo_get_str(c, n, &spec);
	if (r < 0)
		return r;
	if (strlen(spec) >= sizeof(buf))
		return topo_err_at(c, pos, "invalid port mapping '%.40s...'\n%s", spec, port_hint);
	strcpy(buf, spec);
	ret->proto = IPPROTO_TCP;
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (streq(slash, "udp"))
			ret->proto = IPPROTO_UDP;
		else if (!streq(slash, "tcp"))
			return topo_err_at(
				c, pos,
				"unknown protocol '%s' in port mapping '%s'; expected tcp "
				"or udp",
				slash, spec);
	}
	/* "[ADDR]:HOST_PORT:NODE_PORT": an IPv6 host address, as Docker writes it. */
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		struct in6_addr a6;

		if (!close || close[1] != ':')
			return topo_err_at(c, pos,
					   "invalid port mapping '%s'; an IPv6 host address is "
					   "written in brackets: [::1]:8080:80",
					   spec);
		*close = '\0';
		if (inet_pton(AF_INET6, buf + 1, &a6) != 1 || IN6_IS_ADDR_V4MAPPED(&a6))
			return topo_err_at(c, pos,
					   "invalid IPv6 host address '%s' in port mapping '%s'",
					   buf + 1, spec);
		inet_ntop(AF_INET6, &a6, host6, sizeof(host6));
		/* IPv6 has no route_localnet: a packet from ::1 cannot be sent to a node. */
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return topo_err_at(
				c, pos,
				"port mapping '%s': a port on [::1] cannot reach a node "
				"(a packet from ::1 never leaves the host)\nhint: publish it "
				"on 127.0.0.1, on the host's IPv6 address, or on every address",
				spec);
		start = close + 2;
	}
	for (char *p = start, *colon;; p = colon + 1) {
		if (np == 4)
			break;
		part[np++] = p;
		colon = strchr(p, ':');
		if (!colon)
			break;
		*colon = '\0';
	}
	if (np == 1 || part[np - 2][0] == '\0')
		return topo_err_at(c, pos,
				   "port mapping '%s' has no host port; give HOST_PORT:NODE_PORT "
				   "(nslab picks no random host ports)",
				   spec);
	if ((np == 3 && *host6) || np == 4)
		return topo_err_at(c, pos,
				   "invalid port mapping '%s'; an IPv6 host address goes in "
				   "brackets: [::1]:8080:80\n%s",
				   spec, port_hint);
	if (*host6 && !(ret->host_ip = strdup(host6)))
		return topo_oom(c);
	if (np == 3) {
		struct in_addr a;

		if (inet_pton(AF_INET, part[0], &a) != 1)
			return topo_err_at(
				c, pos,
				"invalid host address '%s' in port mapping '%s'; expected "
				"an IPv4 address such as 127.0.0.1",
				part[0], spec);
		/* 0.0.0.0 is every address, as when it is omitted. */
		if (a.s_addr != 0 && !(ret->host_ip = strdup(part[0])))
			return topo_oom(c);
	}
	r = parse_range(c, part[np - 2], spec, pos, &ret->host_port, &ret->host_end);
	if (r >= 0)
		r = parse_range(c, part[np - 1], spec, pos, &ret->node_port, &ret->node_end);
	if (r < 0)
		return r;
	if (ret->host_end - ret->host_port != ret->node_end - ret->node_port)
		return topo_err_at(c, pos,
				   "port mapping '%s' maps %u host port%s to %u node port%s; the "
				   "ranges must have the same length",
				   spec, ret->host_end - ret->host_port + 1,
				   ret->host_end > ret->host_port ? "s" : "",
				   ret->node_end - ret->node_port + 1,
				   ret->node_end > ret->node_port ? "s" : "");
	ret->pos = pos;
	ret->spec = strdup(spec);
	return ret->spec ? 0 : topo_oom(c);
}

int topo_parse_ports(struct ctx *c, yaml_node_t *n, struct settings *s)
{
	size_t cap = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list of strings such as \"8080:80\"", "'ports'");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *x = topo_doc_node(c, *it);
		int r = topo_spend(c, topo_pos(c, x));

		if (r < 0)
			return r;
		if (GROW(s->ports, cap, s->n_ports) < 0)
			return topo_oom(c);
		s->n_ports++;
		r = parse_port(c, x, &s->ports[s->n_ports - 1]);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * A decimal number "I[.F]" as an integer in units of 10^-@decimals; false
 * when malformed, with more decimals, or above @max.
 */
static bool parse_fixed(const char *s, unsigned int decimals, unsigned long long max,
			unsigned long long *ret, const char **ret_end)
{
	unsigned long long v = 0;
	unsigned int d = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (unsigned long long)(*p - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++, d++) {
			if (d >= decimals) {
				if (*p != '0')
					return false;
				continue;
			}
			if (v > (max - (unsigned long long)(*p - '0')) / 10)
				return false;
			v = v * 10 + (unsigned long long)(*p - '0');
		}
	}
	for (; d < decimals; d++) {
		if (v > max / 10)
			return false;
		v *= 10;
	}
	*ret = v;
	*ret_end = p;
	return true;
}

static int scalar_text(struct ctx *c, yaml_node_t *n, const char *what, const char **ret)
{
	if (n->type != YAML_SCALAR_NODE)
		return topo_want(c, n, what, NULL);
	return topo_get_str(c, n, ret);
}

int topo_parse_memory(struct ctx *c, yaml_node_t *n, unsigned long long *ret)
{
	static const struct {
		const char *suffix;
		unsigned int shift;
	} units[] = {
		{ "", 0 },     { "b", 0 },   { "k", 10 },   { "kb", 10 },  { "kib", 10 },
		{ "m", 20 },   { "mb", 20 }, { "mib", 20 }, { "g", 30 },   { "gb", 30 },
		{ "gib", 30 }, { "t", 40 },  { "tb", 40 },  { "tib", 40 },
	};
	const unsigned long long max = 1ull << 60;
	unsigned long long milli;
	const char *s, *end;
	int r = scalar_text(c, n, "a size such as 512m", &s);
	size_t u;

	if (r < 0)
		return r;
	/* Thousandths of the unit: "1.5g" is exact. */
	if (!parse_fixed(s, 3, max, &milli, &end))
		goto bad;
	for (u = 0; u < ARRAY_SIZE(units); u++)
		if (!strcasecmp(end, units[u].suffix))
			break;
	if (u == ARRAY_SIZE(units))
		goto bad;
	if (milli > (max >> units[u].shift))
		return topo_err_at(c, topo_pos(c, n), "memory '%s' is too large", s);
	milli <<= units[u].shift;
	if (milli % 1000 && units[u].shift == 0)
		goto bad;
	*ret = milli / 1000;
	if (*ret < (1u << 20))
		return topo_err_at(c, topo_pos(c, n), "memory '%s' is below the minimum of 1m", s);
	return 0;
bad:
	return topo_err_at(c, topo_pos(c, n),
			   "invalid memory '%s'; expected bytes, or a number with the unit b, k, "
			   "m or g, such as 512m",
			   s);
}

int topo_parse_cpu(struct ctx *c, yaml_node_t *n, unsigned int *ret)
{
	unsigned long long v;
	const char *s, *end;
	int r = scalar_text(c, n, "a number of CPUs such as 0.5", &s);

	if (r < 0)
		return r;
	if (parse_fixed(s, 0, 1ull << 40, &v, &end) && streq(end, "m")) {
		/* millicores, as Kubernetes writes them */
	} else if (!parse_fixed(s, 3, 1ull << 40, &v, &end) || *end) {
		return topo_err_at(c, topo_pos(c, n),
				   "invalid cpu '%s'; expected a number of CPUs such as 0.5 or 2, "
				   "or millicores such as 500m",
				   s);
	}
	if (v < 1 || v > 1024000)
		return topo_err_at(c, topo_pos(c, n),
				   "cpu '%s' is out of range; expected 0.001 to 1024 CPUs", s);
	*ret = (unsigned int)v;
	return 0;
}

int topo_parse_seconds(struct ctx *c, yaml_node_t *n, const char *what, double *ret)
{
	unsigned long long v;
	const char *s, *end;
	int r = scalar_text(c, n, "a number of seconds", &s);

	if (r < 0)
		return r;
	if (!parse_fixed(s, 3, 86400000, &v, &end) || *end)
		return topo_err_at(
			c, topo_pos(c, n),
			"invalid %s '%s'; expected seconds from 0 to 86400, such as 2 or "
			"0.5",
			what, s);
	*ret = (double)v / 1000;
	return 0;
}

int topo_parse_netns(struct ctx *c, yaml_node_t *n, struct nslab_str *ret)
{
	const char *s;
	int r = scalar_text(c, n, "a namespace name or path", &s);

	if (r < 0)
		return r;
	if (s[0] == '/' ? strlen(s) > 4095
			: (!s[0] || strchr(s, '/') || streq(s, ".") || streq(s, "..") ||
			   strlen(s) > 255))
		return topo_err_at(
			c, topo_pos(c, n),
			"invalid netns '%s'; expected a name in /run/netns or an absolute "
			"path such as /proc/1234/ns/net",
			s);
	free(ret->s);
	ret->pos = topo_pos(c, n);
	ret->s = strdup(s);
	return ret->s ? 0 : topo_oom(c);
}

/* ---- attachments ---- */

static int dup_str(struct ctx *c, const char *s, char **ret)
{
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : topo_oom(c);
}

int topo_node_attach(struct ctx *c, size_t i, const struct settings *nl, const struct settings *m4,
		     const struct settings *m6)
{
	struct nslab_node *node = &c->topo->nodes[i];
	bool mgmt = c->mgmt >= 0 && node->kind == NSLAB_KIND_LINUX;
	size_t n = (mgmt ? 1 : 0) + (nl ? nl->n_nets : 0);
	struct node_req *rq;
	int r;

	while (c->n_reqs <= i) {
		if (GROW(c->reqs, c->cap_reqs, c->n_reqs) < 0)
			return topo_oom(c);
		c->n_reqs++;
	}
	rq = &c->reqs[i];
	if (n == 0)
		return 0;
	node->networks = calloc(n, sizeof(*node->networks));
	rq->att = calloc(n, sizeof(*rq->att));
	if (!node->networks || !rq->att)
		return topo_oom(c);
	if (mgmt) {
		struct nslab_attach *a = &node->networks[0];

		*a = (struct nslab_attach){ .network = (size_t)c->mgmt, .pos = node->pos };
		node->n_networks = 1;
		rq->att[0].named = true;
		if (m4) {
			rq->att[0].v4pos = m4->mgmt_ipv4.pos;
			r = dup_str(c, m4->mgmt_ipv4.s, &a->ipv4);
			if (r < 0)
				return r;
		}
		if (m6) {
			rq->att[0].v6pos = m6->mgmt_ipv6.pos;
			r = dup_str(c, m6->mgmt_ipv6.s, &a->ipv6);
			if (r < 0)
				return r;
		}
		r = dup_str(c, "eth0", &a->ifname);
		if (r >= 0)
			r = topo_claim_mgmt_if(c, i, node->pos);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; nl && k < nl->n_nets; k++) {
		const struct net_req *q = &nl->nets[k];
		size_t j = node->n_networks;
		struct nslab_attach *a = &node->networks[j];

		if (mgmt && q->network == (size_t)c->mgmt)
			return topo_err_at(c, q->pos,
					   "node '%s' is on the management network already (eth0, "
					   "from mgmt:); remove 'mgmt' from its networks",
					   node->name);
		*a = (struct nslab_attach){ .network = q->network, .pos = q->pos };
		node->n_networks++;
		rq->att[j].v4pos = q->ipv4.pos;
		rq->att[j].v6pos = q->ipv6.pos;
		rq->att[j].named = q->ifname.s != NULL;
		r = dup_str(c, q->ipv4.s, &a->ipv4);
		if (r >= 0)
			r = dup_str(c, q->ipv6.s, &a->ipv6);
		if (r >= 0)
			r = dup_str(c, q->ifname.s, &a->ifname);
		if (r >= 0 && a->ifname)
			r = topo_claim_ifname(c, i, a->ifname, q->ifname.pos);
		if (r < 0)
			return r;
	}
	return 0;
}

void topo_reqs_free(struct ctx *c)
{
	for (size_t i = 0; i < c->n_reqs; i++)
		free(c->reqs[i].att);
	free(c->reqs);
	c->reqs = NULL;
	c->n_reqs = c->cap_reqs = 0;
}

/* ---- after the links ---- */

/* eth1, eth2 ... in list order, skipping names the node already uses. */
static int name_interfaces(struct ctx *c)
{
	struct nslab_topo *t = c->topo;

	for (size_t i = 0; i < c->n_reqs; i++) {
		struct nslab_node *node = &t->nodes[i];
		unsigned int next = 1;

		for (size_t k = 0; k < node->n_networks; k++) {
			struct nslab_attach *a = &node->networks[k];
			char name[16];
			int r;

			if (a->ifname)
				continue;
			do
				snprintf(name, sizeof(name), "eth%u", next++);
			while (topo_ifname_taken(c, i, name));
			a->ifname = strdup(name);
			if (!a->ifname)
				return topo_oom(c);
			r = topo_claim_ifname(c, i, name, a->pos);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

struct owner {
	size_t node;
	struct nslab_pos pos;
};

struct owners {
	struct owner *v;
	size_t n;
	size_t cap;
};

static int add_owner(struct ctx *c, struct owners *o, size_t node, struct nslab_pos pos)
{
	if (GROW(o->v, o->cap, o->n) < 0)
		return topo_oom(c);
	o->v[o->n++] = (struct owner){ .node = node, .pos = pos };
	return 0;
}

/* Pass 1: addresses given anywhere in the file, each once. */
static int collect_static(struct ctx *c, struct keymap *used, struct owners *own)
{
	struct nslab_topo *t = c->topo;

	for (size_t i = 0; i < c->n_reqs; i++) {
		const struct nslab_node *node = &t->nodes[i];

		for (size_t k = 0; k < node->n_networks; k++) {
			for (int f = 0; f < 2; f++) {
				const char *s = f ? node->networks[k].ipv6 : node->networks[k].ipv4;
				struct nslab_pos pos =
					f ? c->reqs[i].att[k].v6pos : c->reqs[i].att[k].v4pos;
				struct nslab_prefix p;
				struct key key;
				size_t old;
				char buf[INET6_ADDRSTRLEN];
				int r;

				if (!s || nslab_prefix_parse(s, false, &p) < 0)
					continue;
				key = addr_key(&p);
				r = keymap_put(used, &key, own->n, &old);
				if (r < 0)
					return topo_oom(c);
				if (r > 0)
					return topo_err_at(
						c, pos, "address %s is already node '%s''s (%d:%d)",
						addr_str(&p, buf, sizeof(buf)),
						t->nodes[own->v[old].node].name,
						own->v[old].pos.line, own->v[old].pos.col);
				r = add_owner(c, own, i, pos);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/*
 * Pass 2: the others, in node order (file order), from the first host address
 * on, skipping the gateway (reserved even on internal networks) and pass 1's
 * addresses.  With the default gateway this starts right after it; with an
 * explicit one (say .254) the addresses below it are used, as Docker does.
 */
static int assign(struct ctx *c, const struct keymap *used)
{
	struct nslab_topo *t = c->topo;
	struct nslab_prefix *next = calloc(t->n_networks * 2 + 1, sizeof(*next));
	int r = 0;

	if (!next)
		return topo_oom(c);
	for (size_t i = 0; r >= 0 && i < c->n_reqs; i++) {
		struct nslab_node *node = &t->nodes[i];

		for (size_t k = 0; r >= 0 && k < node->n_networks; k++) {
			struct nslab_attach *a = &node->networks[k];
			const struct nslab_network *nw = &t->networks[a->network];

			for (int f = 0; f < 2; f++) {
				int family = f ? AF_INET6 : AF_INET;
				struct nslab_prefix *cur = &next[a->network * 2 + (size_t)f];
				struct nslab_prefix sub, gw;
				char **dst = f ? &a->ipv6 : &a->ipv4;
				struct key key;
				bool ok;

				if (*dst || !net_prefix(nw, family, &sub))
					continue;
				net_reserved(nw, &sub, &gw);
				if (!cur->family) {
					*cur = sub;
					addr_inc(cur->addr, family);
				}
				for (;;) {
					key = addr_key(cur);
					ok = in_prefix(&sub, cur->addr) &&
					     !(family == AF_INET &&
					       host_bits_are(cur->addr, sub.len, 32, true));
					if (!ok || (memcmp(cur->addr, gw.addr, 16) != 0 &&
						    !keymap_get(used, &key, NULL)))
						break;
					r = topo_spend(c, a->pos);
					if (r < 0)
						break;
					if (!addr_inc(cur->addr, family))
						memset(cur->addr, 0xff, 16);
				}
				if (r < 0)
					break;
				if (!ok) {
					r = topo_err_at(c, a->pos,
							"network '%s' (%s) has no address left for "
							"node '%s'",
							nw->name, f ? nw->subnet6 : nw->subnet,
							node->name);
					break;
				}
				cur->len = sub.len;
				*dst = addr_dup(cur, true);
				if (!*dst) {
					r = topo_oom(c);
					break;
				}
				if (!addr_inc(cur->addr, family))
					memset(cur->addr, 0xff, 16);
			}
		}
	}
	free(next);
	return r;
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/*
 * Each host port once per protocol and address; a port published on every
 * address (no HOST_IP) clashes with the same port on any address.
 */
static int check_ports(struct ctx *c, const bool *reach)
{
	struct nslab_topo *t = c->topo;
	struct keymap seen = { 0 };
	struct owners own = { 0 };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < c->n_reqs; i++) {
		const struct nslab_node *node = &t->nodes[i];

		if (node->n_ports && node->n_networks == 0 && !reach[i]) {
			r = topo_err_at(c, c->reqs[i].ports_pos,
					"node '%s' publishes ports but has no address the host can "
					"reach; put it on a network",
					node->name);
			break;
		}
		/* Ports go to the first network's address; an internal one lets nothing in. */
		if (node->n_ports && node->n_networks &&
		    t->networks[node->networks[0].network].internal) {
			r = topo_err_at(
				c, c->reqs[i].ports_pos,
				"node '%s' publishes ports on its first network '%s', which "
				"is internal (nothing reaches it from the host)\n"
				"hint: list a network that is not internal first",
				node->name, t->networks[node->networks[0].network].name);
			break;
		}
		for (size_t k = 0; r >= 0 && k < node->n_ports; k++) {
			const struct nslab_port *pt = &node->ports[k];
			uint64_t ip = 0, ip6 = 0, proto = pt->proto == IPPROTO_UDP;
			bool some_ip = pt->host_ip && !streq(pt->host_ip, "::");
			size_t me = own.n, old;

			/* An IPv6 HOST_IP reaches the node's IPv6 address on its first network. */
			if (pt->host_ip && strchr(pt->host_ip, ':') &&
			    (!node->n_networks || !node->networks[0].ipv6)) {
				r = topo_err_at(
					c, pt->pos,
					"port mapping '%s' is on an IPv6 host address, but node "
					"'%s' "
					"has no IPv6 address on %s\nhint: %s",
					pt->spec, node->name,
					node->n_networks ? "its first network" : "a network",
					node->n_networks
						? "give that network a subnet6"
						: "put the node on a network with a subnet6");
				break;
			}
			/* An IPv6 address: its 16 bytes folded (FNV-1a) into the key's second word. */
			if (some_ip) {
				struct in_addr a;
				struct in6_addr a6;

				if (inet_pton(AF_INET, pt->host_ip, &a) == 1) {
					ip = ntohl(a.s_addr);
				} else if (inet_pton(AF_INET6, pt->host_ip, &a6) == 1) {
					ip6 = 14695981039346656037ull;
					for (size_t b = 0; b < 16; b++)
						ip6 = (ip6 ^ a6.s6_addr[b]) * 1099511628211ull;
					ip6 |= 1;
				}
			}
			r = add_owner(c, &own, i, pt->pos);
			for (unsigned int p = pt->host_port; r >= 0 && p <= pt->host_end; p++) {
				struct key any = { proto << 16 | p, 0, KT_PORT_ANY };
				struct key some = { proto << 16 | p, 0, KT_PORT_SOME };
				struct key one = { proto << 48 | ip << 16 | p, ip6, KT_PORT_IP };
				bool clash;

				r = topo_spend(c, pt->pos);
				if (r < 0)
					break;
				/* "::" (every IPv6 address) counts as every address here. */
				if (some_ip)
					clash = keymap_get(&seen, &any, &old) ||
						keymap_get(&seen, &one, &old);
				else
					clash = keymap_get(&seen, &any, &old) ||
						keymap_get(&seen, &some, &old);
				if (clash) {
					bool v6 = pt->host_ip && strchr(pt->host_ip, ':');

					r = topo_err_at(
						c, pt->pos,
						"host port %s%s%s%s%u/%s is already published by "
						"node '%s' (%d:%d)",
						v6 ? "[" : "", pt->host_ip ? pt->host_ip : "",
						v6 ? "]" : "", pt->host_ip ? ":" : "", p,
						proto_name(pt->proto),
						t->nodes[own.v[old].node].name, own.v[old].pos.line,
						own.v[old].pos.col);
					break;
				}
				if (some_ip) {
					if (keymap_put(&seen, &one, me, NULL) < 0 ||
					    keymap_put(&seen, &some, me, NULL) < 0)
						r = topo_oom(c);
				} else if (keymap_put(&seen, &any, me, NULL) < 0) {
					r = topo_oom(c);
				}
			}
		}
	}
	keymap_free(&seen);
	free(own.v);
	return r;
}

/* Nodes with an IPv4 address on a link to a bridge or host node. */
static bool *host_reachable(struct ctx *c)
{
	const struct nslab_topo *t = c->topo;
	bool *reach = calloc(t->n_nodes + 1, sizeof(*reach));

	if (!reach)
		return NULL;
	for (size_t i = 0; i < t->n_links; i++) {
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *me = &t->links[i].ep[e];
			enum nslab_kind peer = t->nodes[t->links[i].ep[!e].node].kind;

			if (me->n_ipv4 && (peer == NSLAB_KIND_BRIDGE || peer == NSLAB_KIND_HOST))
				reach[me->node] = true;
		}
	}
	return reach;
}

/* wait-for: known nodes, not itself, listed once, no cycle. */
static int check_wait_for(struct ctx *c)
{
	struct nslab_topo *t = c->topo;
	size_t n_edges = 0, *first = NULL, *to = NULL, *stack = NULL, *edge = NULL, depth = 0;
	unsigned char *state = NULL;
	int r = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		n_edges += t->nodes[i].n_wait_for;
	if (n_edges == 0)
		return 0;
	first = calloc(t->n_nodes + 1, sizeof(*first));
	to = calloc(n_edges, sizeof(*to));
	stack = calloc(t->n_nodes, sizeof(*stack));
	edge = calloc(t->n_nodes, sizeof(*edge));
	state = calloc(t->n_nodes, 1);
	if (!first || !to || !stack || !edge || !state) {
		r = topo_oom(c);
		goto out;
	}
	n_edges = 0;
	for (size_t i = 0; r >= 0 && i < t->n_nodes; i++) {
		const struct nslab_node *node = &t->nodes[i];

		first[i] = n_edges;
		for (size_t k = 0; k < node->n_wait_for; k++) {
			const struct nslab_str *w = &node->wait_for[k];
			long j = nslab_topo_find_node(t, w->s);

			if (j < 0) {
				r = topo_err_at(c, w->pos,
						"unknown node '%s' in wait-for of node '%s'", w->s,
						node->name);
				break;
			}
			if ((size_t)j == i) {
				r = topo_err_at(c, w->pos, "node '%s' waits for itself",
						node->name);
				break;
			}
			for (size_t m = first[i]; m < n_edges; m++)
				if (to[m] == (size_t)j)
					r = topo_err_at(c, w->pos,
							"node '%s' is listed twice in wait-for of "
							"node '%s'",
							w->s, node->name);
			if (r < 0)
				break;
			to[n_edges++] = (size_t)j;
		}
	}
	first[t->n_nodes] = n_edges;
	/* Depth-first search; state 1: on the stack, 2: done. */
	for (size_t root = 0; r >= 0 && root < t->n_nodes; root++) {
		if (state[root])
			continue;
		stack[0] = root;
		edge[0] = first[root];
		state[root] = 1;
		depth = 1;
		while (depth > 0) {
			size_t u = stack[depth - 1], v;

			if (edge[depth - 1] == first[u + 1]) {
				state[u] = 2;
				depth--;
				continue;
			}
			v = to[edge[depth - 1]++];
			if (state[v] == 2)
				continue;
			if (state[v] == 1) {
				char path[512];
				size_t len = 0, from = depth;
				const struct nslab_str *w =
					&t->nodes[u].wait_for[edge[depth - 1] - 1 - first[u]];

				while (from > 0 && stack[from - 1] != v)
					from--;
				for (size_t k = from - 1; k < depth && len < sizeof(path); k++)
					len += (size_t)snprintf(path + len, sizeof(path) - len,
								"%s -> ", t->nodes[stack[k]].name);
				if (len < sizeof(path))
					snprintf(path + len, sizeof(path) - len, "%s",
						 t->nodes[v].name);
				r = topo_err_at(c, w->pos, "wait-for cycle: %s", path);
				break;
			}
			state[v] = 1;
			stack[depth] = v;
			edge[depth] = first[v];
			depth++;
		}
	}
out:
	free(first);
	free(to);
	free(stack);
	free(edge);
	free(state);
	return r;
}

int topo_finish(struct ctx *c)
{
	struct keymap used = { 0 };
	struct owners own = { 0 };
	bool *reach = NULL;
	int r;

	r = name_interfaces(c);
	if (r >= 0)
		r = collect_static(c, &used, &own);
	if (r >= 0)
		r = assign(c, &used);
	keymap_free(&used);
	free(own.v);
	if (r >= 0 && !(reach = host_reachable(c)))
		r = topo_oom(c);
	if (r >= 0)
		r = check_ports(c, reach);
	free(reach);
	if (r >= 0)
		r = check_wait_for(c);
	return r;
}
