// SPDX-License-Identifier: LGPL-2.1-or-later
/* Validation of topology values: names, interfaces, addresses, routes, clashes. */
#include <arpa/inet.h>
#include <linux/netlink.h> /* struct nlmsghdr, for rtmsg.h */
#include <stdio.h>

#include "nslab/rtmsg.h"
#include "topo_internal.h"
#include "util.h"

static bool is_alnum(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

bool topo_valid_node_name(const char *s)
{
	if (!is_alnum(s[0]))
		return false;
	for (s++; *s; s++)
		if (!is_alnum(*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

bool topo_valid_lab_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || !is_alnum(s[0]))
		return false;
	for (s++; *s; s++)
		if (!is_alnum(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Linux's dev_valid_name(), plus no control characters. */
int topo_check_ifname(struct ctx *c, const char *s, struct nslab_pos pos)
{
	size_t n = strlen(s);

	if (n == 0)
		return topo_err_at(c, pos, "interface name is empty");
	if (n > 15)
		return topo_err_at(
			c, pos, "interface name '%s' is %zu bytes; Linux allows at most 15", s, n);
	if (streq(s, ".") || streq(s, ".."))
		return topo_err_at(c, pos, "invalid interface name '%s'", s);
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return topo_err_at(c, pos,
					   "invalid interface name '%s': it may not contain '/', "
					   "':', spaces or control characters",
					   s);
	return 0;
}

int topo_check_addr(struct ctx *c, const char *s, int family, struct nslab_pos pos)
{
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	const char *eg = family == AF_INET ? "10.0.0.1/24" : "fd00::1/64";
	struct nslab_prefix p;

	if (nslab_prefix_parse(s, true, &p) < 0)
		return topo_err_at(c, pos, "invalid %s address '%s'; expected a CIDR such as %s",
				   fam, s, eg);
	if (p.family != family)
		return topo_err_at(c, pos, "'%s' is an %s address, in an %s list", s,
				   p.family == AF_INET ? "IPv4" : "IPv6", fam);
	if (!strchr(s, '/'))
		return topo_err_at(c, pos,
				   "address '%s' has no prefix length; expected a CIDR such as %s",
				   s, eg);
	return 0;
}

int topo_check_mac(struct ctx *c, const char *s, struct nslab_pos pos)
{
	uint8_t mac[6];

	if (nslab_mac_parse(s, mac) < 0)
		return topo_err_at(c, pos,
				   "invalid MAC address '%s'; expected six hex bytes such as "
				   "02:00:00:00:00:01",
				   s);
	if (mac[0] & 1)
		return topo_err_at(c, pos, "MAC address '%s' is a multicast address", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return topo_err_at(c, pos, "MAC address '%s' is all zeros", s);
	return 0;
}

int topo_check_sysctl(struct ctx *c, const char *s, struct nslab_pos pos)
{
	size_t n = strlen(s);

	if (n == 0)
		return topo_err_at(c, pos, "sysctl name is empty");
	if (strchr(s, '/'))
		return topo_err_at(
			c, pos,
			"invalid sysctl name '%s': write it with dots, as in net.ipv4.ip_forward",
			s);
	if (strstr(s, "..") || s[0] == '.' || s[n - 1] == '.')
		return topo_err_at(c, pos, "invalid sysctl name '%s': empty component", s);
	/* Only net.* belongs to a network namespace; anything else is the host's. */
	if (strncmp(s, "net.", 4) != 0)
		return topo_err_at(c, pos,
				   "sysctl '%s' is not per network namespace: setting it in a node "
				   "would change the host; only net.* sysctls are allowed",
				   s);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return topo_err_at(c, pos,
					   "invalid sysctl name '%s': it may not contain spaces or "
					   "control characters",
					   s);
	return 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int topo_check_route(struct ctx *c, struct nslab_route *r, struct nslab_pos dst_pos,
		     struct nslab_pos via_pos, struct nslab_pos src_pos)
{
	struct nslab_prefix dst, via, src;
	int family = 0;

	if (streq(r->dst, "default6")) {
		family = AF_INET6;
	} else if (!streq(r->dst, "default")) {
		if (nslab_prefix_parse(r->dst, false, &dst) < 0)
			return topo_err_at(c, dst_pos,
					   "invalid route destination '%s'; expected a CIDR such "
					   "as 10.1.0.0/16, or default/default6",
					   r->dst);
		/* The kernel rejects a destination with host bits set. */
		for (unsigned int bit = dst.len; bit < (dst.family == AF_INET ? 32u : 128u);
		     bit++) {
			if (dst.addr[bit / 8] & (0x80 >> (bit % 8))) {
				char buf[INET6_ADDRSTRLEN + 8];

				for (; bit < (dst.family == AF_INET ? 32u : 128u); bit++)
					dst.addr[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
				return topo_err_at(c, dst_pos,
						   "route destination '%s' has host bits set; did "
						   "you mean %s?",
						   r->dst,
						   nslab_prefix_format(&dst, buf, sizeof(buf)));
			}
		}
		family = dst.family;
	}
	if (r->via) {
		if (strchr(r->via, '/') || nslab_prefix_parse(r->via, true, &via) < 0)
			return topo_err_at(
				c, via_pos,
				"invalid route gateway '%s'; expected an address such as 10.0.0.1",
				r->via);
		if (family && via.family != family)
			return topo_err_at(
				c, via_pos, "route gateway '%s' is %s but destination '%s' is %s",
				r->via, family_name(via.family), r->dst, family_name(family));
		family = via.family;
	}
	if (!family)
		family = AF_INET;
	if (r->src) {
		if (strchr(r->src, '/') || nslab_prefix_parse(r->src, true, &src) < 0)
			return topo_err_at(
				c, src_pos,
				"invalid route source '%s'; expected an address such as 10.0.0.1",
				r->src);
		if (src.family != family)
			return topo_err_at(c, src_pos,
					   "route source '%s' is %s but the route is %s", r->src,
					   family_name(src.family), family_name(family));
	}
	r->family = family;
	return 0;
}

static bool in_host_ns(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_HOST || n->kind == NSLAB_KIND_BRIDGE;
}

static int claim(struct ctx *c, const char *key, struct ifuse use, size_t *ret_old)
{
	char *k = strdup(key);
	int r;

	if (!k || GROW(c->ifpos, c->cap_ifpos, c->n_ifpos) < 0) {
		free(k);
		return topo_oom(c);
	}
	r = strmap_put(&c->ifnames, k, c->n_ifpos, ret_old);
	if (r != 0) {
		free(k);
		return r < 0 ? topo_oom(c) : 1;
	}
	c->ifpos[c->n_ifpos++] = use;
	return 0;
}

static struct ifuse use_at(struct nslab_pos pos)
{
	return (struct ifuse){ .pos = pos, .bridge = -1, .network = -1 };
}

/* Interface names cannot contain '/', so "NS/IFNAME" is unambiguous. */
static void if_key(const struct ctx *c, size_t node, const char *ifname, char *key, size_t size)
{
	if (in_host_ns(&c->topo->nodes[node]))
		snprintf(key, size, "host/%s", ifname);
	else
		snprintf(key, size, "%zu/%s", node, ifname);
}

bool topo_ifname_taken(struct ctx *c, size_t node, const char *ifname)
{
	char key[32 + 16];

	if_key(c, node, ifname, key, sizeof(key));
	return strmap_get(&c->ifnames, key, NULL);
}

/* The message for @ifname of node @n, first used as described by @old. */
static int clash(struct ctx *c, const struct nslab_node *n, const char *ifname,
		 const struct ifuse *old, struct nslab_pos pos)
{
	if (old->bridge >= 0)
		return topo_err_at(c, pos,
				   "interface '%s' in the host namespace clashes with bridge node "
				   "'%s' (%d:%d)",
				   ifname, c->topo->nodes[old->bridge].name, old->pos.line,
				   old->pos.col);
	if (old->network >= 0)
		return topo_err_at(
			c, pos,
			"interface '%s' in the host namespace clashes with the bridge of "
			"network '%s' (%d:%d)",
			ifname, c->topo->networks[old->network].name, old->pos.line, old->pos.col);
	if (old->mgmt)
		return topo_err_at(c, pos,
				   "interface '%s' of node '%s' is its interface on mgmt (%d:%d)",
				   ifname, n->name, old->pos.line, old->pos.col);
	if (in_host_ns(n))
		return topo_err_at(
			c, pos,
			"interface '%s' is used twice in the host namespace (first at %d:%d)",
			ifname, old->pos.line, old->pos.col);
	return topo_err_at(c, pos, "interface '%s' is used twice in node '%s' (first at %d:%d)",
			   ifname, n->name, old->pos.line, old->pos.col);
}

int topo_claim_ifname(struct ctx *c, size_t node, const char *ifname, struct nslab_pos pos)
{
	const struct nslab_node *n = &c->topo->nodes[node];
	char key[32 + 16];
	size_t old;
	int r;

	if (streq(ifname, "lo"))
		return topo_err_at(c, pos, "interface name 'lo' is reserved (the loopback device)");
	if (n->kind == NSLAB_KIND_SWITCH && streq(ifname, "br0"))
		return topo_err_at(
			c, pos, "interface name 'br0' is reserved in switch node '%s' (its bridge)",
			n->name);
	if_key(c, node, ifname, key, sizeof(key));
	r = claim(c, key, use_at(pos), &old);
	if (r <= 0)
		return r;
	return clash(c, n, ifname, &c->ifpos[old], pos);
}

int topo_claim_mgmt_if(struct ctx *c, size_t node, struct nslab_pos pos)
{
	struct ifuse use = use_at(pos);
	char key[32 + 16];
	size_t old;
	int r;

	use.mgmt = true;
	if_key(c, node, "eth0", key, sizeof(key));
	r = claim(c, key, use, &old);
	if (r <= 0)
		return r;
	return clash(c, &c->topo->nodes[node], "eth0", &c->ifpos[old], pos);
}

int topo_claim_net_bridge(struct ctx *c, size_t net, struct nslab_pos pos)
{
	const struct nslab_network *nw = &c->topo->networks[net];
	struct ifuse use = use_at(pos);
	char key[32 + 16];
	size_t old;
	int r;

	use.network = (long)net;
	snprintf(key, sizeof(key), "host/%s", nw->bridge);
	r = claim(c, key, use, &old);
	if (r <= 0)
		return r;
	/* Networks are claimed first: the other one is a network too. */
	return topo_err_at(c, pos,
			   "network '%s' has the same bridge name '%s' as network '%s' (%d:%d)",
			   nw->name, nw->bridge, c->topo->networks[c->ifpos[old].network].name,
			   c->ifpos[old].pos.line, c->ifpos[old].pos.col);
}

int topo_claim_bridge(struct ctx *c, size_t node)
{
	const struct nslab_node *n = &c->topo->nodes[node];
	struct ifuse use = use_at(n->pos);
	const struct ifuse *o;
	char key[32 + 16];
	size_t old;
	int r;

	use.bridge = (long)node;
	snprintf(key, sizeof(key), "host/%s", n->name);
	r = claim(c, key, use, &old);
	if (r <= 0)
		return r;
	o = &c->ifpos[old];
	if (o->bridge >= 0)
		return topo_err_at(
			c, n->pos, "bridge node '%s' has the same name as bridge node '%s' (%d:%d)",
			n->name, c->topo->nodes[o->bridge].name, o->pos.line, o->pos.col);
	if (o->network >= 0)
		return topo_err_at(c, n->pos,
				   "bridge node '%s' has the same name as the bridge of network "
				   "'%s' (%d:%d)",
				   n->name, c->topo->networks[o->network].name, o->pos.line,
				   o->pos.col);
	return topo_err_at(
		c, n->pos,
		"bridge node '%s' clashes with interface '%s' of the host namespace (%d:%d)",
		n->name, n->name, o->pos.line, o->pos.col);
}
