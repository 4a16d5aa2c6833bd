// SPDX-License-Identifier: LGPL-2.1-or-later
/* `nslab script`: the plan deploy executes, rendered as plain ip, sysctl, nft and tc commands. */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "nslab/hosts.h"
#include "nslab/lab.h"
#include "nslab/netem.h"
#include "nslab/nft.h"
#include "nslab/plan.h"
#include "nslab/script.h"
#include "nslab/sysctl.h"
#include "nslab/tc.h"
#include "lab_internal.h"
#include "util.h"

/*
 * Every operation is rendered as the commands that make what deploy makes
 * for it (lib/deploy.c), in the plan's order.  What deploy decides is
 * written out: the ifindex of each device in the lab's own namespaces
 * (`index N`), the device group and alias of host-namespace devices (which
 * the teardown deletes by), the sysctls every new namespace gets.  Where
 * deploy asks the kernel first (a host bridge that exists already, a
 * device group in use), the script assumes a clean host instead.
 */

struct script {
	const struct nslab_plan *plan;
	FILE *f;
	unsigned int group; /* IFLA_GROUP of the lab's host-namespace devices */
	int last_type; /* the step of the previous op, for step headers */
	bool hosts_done;
};

static bool sh_safe(unsigned char c)
{
	/* Characters no POSIX shell gives a meaning to, anywhere in a word. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_-./:,+@%=", c) != NULL;
}

void nslab_sh_quote(FILE *f, const char *s)
{
	bool plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = sh_safe((unsigned char)*p);
	/* '=' in a first word would make an assignment; '=' leads no word here but be safe. */
	if (plain && s[0] != '=') {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

static const char *ns_name(const struct script *s, int ns)
{
	return ns > 0 ? s->plan->ns[ns].name : NULL;
}

/* "ip" in the host namespace, "ip -n NETNS" elsewhere (tc alike). */
static void put_tool(struct script *s, const char *tool, int ns)
{
	fputs(tool, s->f);
	if (ns > 0) {
		fputs(" -n ", s->f);
		nslab_sh_quote(s->f, ns_name(s, ns));
	}
}

/*
 * A small printf for commands: %s raw text, %q one shell word (quoted as
 * needed), %C text for a comment (control characters as '?'), %u unsigned int, %d int, %g double, %I "ip [-n NETNS]" and %T
 * "tc [-n NETNS]" for the namespace index given, %X "ip netns exec NETNS "
 * (nothing in the host namespace), %% a percent sign.
 */
static void emit(struct script *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		int ns;

		if (*p != '%') {
			fputc(*p, s->f);
			continue;
		}
		switch (*++p) {
		case 's':
			fputs(va_arg(ap, const char *), s->f);
			break;
		case 'q':
			nslab_sh_quote(s->f, va_arg(ap, const char *));
			break;
		case 'C':
			/* In a comment: a newline would end it, and start a command. */
			for (const char *c = va_arg(ap, const char *); *c; c++)
				fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, s->f);
			break;
		case 'u':
			fprintf(s->f, "%u", va_arg(ap, unsigned int));
			break;
		case 'd':
			fprintf(s->f, "%d", va_arg(ap, int));
			break;
		case 'g':
			fprintf(s->f, "%g", va_arg(ap, double));
			break;
		case 'I':
			put_tool(s, "ip", va_arg(ap, int));
			break;
		case 'T':
			put_tool(s, "tc", va_arg(ap, int));
			break;
		case 'X':
			ns = va_arg(ap, int);
			if (ns > 0) {
				fputs("ip netns exec ", s->f);
				nslab_sh_quote(s->f, ns_name(s, ns));
				fputc(' ', s->f);
			}
			break;
		case '%':
			fputc('%', s->f);
			break;
		default:
			assert(!"emit: unknown conversion");
		}
	}
	va_end(ap);
}

/* The body of a quoted here-document, with an end marker that is no line of @text. */
static void heredoc(struct script *s, const char *text)
{
	char mark[16] = "EOF";
	size_t len = strlen(text);

	for (int i = 1;; i++) {
		size_t ml = strlen(mark);
		bool clash = false;

		for (const char *p = text; *p && !clash;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
			clash = strncmp(p, mark, ml) == 0 && (p[ml] == '\n' || p[ml] == '\0');
		if (!clash)
			break;
		snprintf(mark, sizeof(mark), "EOF%d", i);
	}
	fprintf(s->f, " <<'%s'\n%s%s%s\n", mark, text, len && text[len - 1] != '\n' ? "\n" : "",
		mark);
}

/* "node r1" / "host" for comments. */
static const char *ns_label(const struct script *s, int ns)
{
	const struct nslab_plan_ns *p = &s->plan->ns[ns];

	return p->node ? p->node->name : "the host";
}

/* --- one operation ------------------------------------------------------- */

/*
 * @key as sysctl(8) takes it: dotted, but in the slash form when a device
 * name holds a dot (net/ipv4/conf/eth1.100/forwarding), which sysctl(8)
 * would otherwise split.
 */
static const char *sysctl_arg(const char *key, char *buf, size_t size)
{
	if (nslab_sysctl_to_path(key, buf, size) < 0)
		return key;
	for (const char *k = key, *b = buf; *k; k++, b++)
		if (*k == '.' && *b != '/')
			return buf;
	return key;
}

/* A sysctl inside namespace @ns; @ipv6_optional: skipped where the host has no IPv6. */
static void put_sysctl(struct script *s, int ns, const char *key, const char *value,
		       bool ipv6_optional)
{
	char buf[512];

	if (ipv6_optional)
		emit(s, "[ ! -d /proc/sys/net/ipv6 ] || ");
	emit(s, "%Xsysctl -qw %q=%q\n", ns, sysctl_arg(key, buf, sizeof(buf)), value);
}

/*
 * The index nslab chose for a device in one of its namespaces, after the
 * devices a new namespace is born with: see render_netns().
 */
static void put_index(struct script *s, int ifindex)
{
	emit(s, " index $((skip + %d))", ifindex);
}

static bool first_netns(const struct nslab_plan *plan, const struct nslab_op *op)
{
	for (size_t i = 0; i < plan->n_ops; i++)
		if (plan->ops[i].type == NSLAB_OP_NETNS)
			return &plan->ops[i] == op;
	return false;
}

static void render_netns(struct script *s, const struct nslab_op *op)
{
	const struct nslab_node *n = op->node;
	const struct nslab_plan_ns *p = &s->plan->ns[op->ns];

	emit(s, "# node %s\n", n->name);
	emit(s, "ip netns add %q\n", p->name);
	emit(s, "%I link set dev lo up\n", op->ns);
	if (first_netns(s->plan, op)) {
		/* As deploy does (nslab_plan_shift_ifindexes()). */
		emit(s, "# Loaded tunnel modules (ip_gre, sit ...) put fallback devices (gre0,\n"
			"# sit0 ...) in every new namespace: the lab's own devices are numbered\n"
			"# after them, from 2 + skip (lo is 1).\n");
		emit(s, "skip=$(($(%I -o link show | wc -l) - 1))\n", op->ns);
	}
	for (size_t i = 0; i < LAB_NS_DEFAULTS; i++)
		if (!lab_node_sets(n, lab_ns_defaults[i][0]))
			put_sysctl(s, op->ns, lab_ns_defaults[i][0], lab_ns_defaults[i][1],
				   strstr(lab_ns_defaults[i][0], "ipv6") != NULL);
	if (!p->uses_ipv6 && !lab_node_sets(n, LAB_NO_LINKLOCAL_KEY)) {
		emit(s, "# no IPv6 in this node: no IPv6 link-local addresses on its links\n");
		put_sysctl(s, op->ns, LAB_NO_LINKLOCAL_KEY, "1", true);
	}
	for (size_t i = 0; i < n->n_sysctls; i++)
		if (!nslab_sysctl_is_per_device(n->sysctls[i].key))
			put_sysctl(s, op->ns, n->sysctls[i].key, n->sysctls[i].value, false);
}

static void render_adopt(struct script *s, const struct nslab_op *op)
{
	const struct nslab_node *n = op->node;
	char path[4096];

	if (n->ext_pid > 0) {
		emit(s, "# node %s: the namespace of process %d, named as the lab's (kind ext)\n",
		     n->name, n->ext_pid);
		emit(s, "ip netns attach %q %d\n", n->netns, n->ext_pid);
		return;
	}
	if (!strchr(n->ext_netns, '/') && streq(n->ext_netns, n->netns)) {
		emit(s,
		     "# node %s: the existing namespace %s (kind ext), already under this name\n",
		     n->name, n->netns);
		return;
	}
	if (strchr(n->ext_netns, '/'))
		snprintf(path, sizeof(path), "%s", n->ext_netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", n->ext_netns);
	emit(s, "# node %s: the existing namespace %C (kind ext), pinned under the lab's name\n",
	     n->name, path);
	emit(s, "mkdir -p /run/netns\n");
	emit(s, "touch /run/netns/%q\n", n->netns);
	emit(s, "mount --bind %q /run/netns/%q\n", path, n->netns);
}

static void render_bridge(struct script *s, const struct nslab_op *op)
{
	if (op->network)
		emit(s, "# network %s: bridge %s in the host namespace\n", op->network->name,
		     op->ifname);
	else if (op->ns == 0)
		emit(s, "# node %s: bridge %s in the host namespace\n", op->node->name, op->ifname);
	else
		emit(s, "# node %s: bridge %s in its own namespace\n", op->node->name, op->ifname);
	emit(s, "%I link add name %q", op->ns, op->ifname);
	if (op->ifindex > 0)
		put_index(s, op->ifindex);
	if (op->ns == 0)
		emit(s, " group %u", s->group);
	if (op->mtu)
		emit(s, " mtu %u", op->mtu);
	emit(s, " type bridge stp_state 0\n");
	if (op->ns == 0)
		emit(s, "ip link set dev %q alias %q\n", op->ifname, s->plan->mark);
	emit(s, "%I link set dev %q up\n", op->ns, op->ifname);
}

/*
 * The options of one veth end in `ip link add`: name, where, index, group,
 * MTU (@mtu_var: the shell's $mtu, set by tunnel_mtu()), MAC.
 */
static void veth_end(struct script *s, const char *ifname, int ns, int ifindex, unsigned int mtu,
		     bool mtu_var, const char *mac)
{
	emit(s, "name %q", ifname);
	if (ns > 0)
		emit(s, " netns %q", ns_name(s, ns));
	if (ifindex > 0)
		put_index(s, ifindex);
	if (ns == 0)
		emit(s, " group %u", s->group);
	if (mtu_var)
		emit(s, " mtu \"$mtu\"");
	else if (mtu)
		emit(s, " mtu %u", mtu);
	if (mac)
		emit(s, " address %q", mac);
}

/*
 * When tunnel @pt has no MTU of its own, emit the lines that set the shell's
 * $mtu as deploy works it out (deploy.c, tunnel_parent()): the underlay's
 * MTU (the parent-interface, or the device of the route to the remote),
 * less 50 bytes of VXLAN over IPv4 or 70 over IPv6.  Whether it did.
 */
static bool tunnel_mtu(struct script *s, const struct nslab_plan_tunnel *pt)
{
	bool v6 = pt->remote && strchr(pt->remote, ':');

	if (pt->mtu || !streq(pt->kind, "vxlan"))
		return false;
	emit(s, "# its MTU: its underlay's, less %u bytes of VXLAN over %s\n", v6 ? 70 : 50,
	     v6 ? "IPv6" : "IPv4");
	if (pt->parent)
		emit(s, "under=%q\n", pt->parent);
	else
		emit(s,
		     "under=$(ip -o route get %q | sed -n 's/.* dev \\([^ "
		     "]*\\).*/\\1/p')\n",
		     pt->remote);
	emit(s, "mtu=$(ip -o link show dev \"$under\" | sed 's/.* mtu "
		"\\([0-9]*\\).*/\\1/')\n");
	emit(s, "mtu=$((mtu - %u))\n", v6 ? 70 : 50);
	return true;
}

static void render_veth(struct script *s, const struct nslab_op *op)
{
	const struct nslab_topo *t = s->plan->topo;
	bool mtu_var = false;

	if (op->link)
		emit(s, "# link %s:%s -- %s:%s\n", t->nodes[op->link->ep[0].node].name,
		     op->link->ep[0].ifname, t->nodes[op->link->ep[1].node].name,
		     op->link->ep[1].ifname);
	else if (op->network)
		emit(s, "# node %s: %s on network %s (host end %s, a port of %s)\n", op->node->name,
		     op->peer_ifname, op->network->name, op->ifname, op->master);
	/*
	 * A port of a bridge that carries tunnels to other hosts: its tunnels'
	 * MTU, unless the file sets one (deploy.c, veth_tunnel_mtu()).
	 */
	if (op->tunnel && !op->mtu) {
		emit(s, "# a port of a bridge with tunnels to other hosts: the tunnels' MTU\n");
		mtu_var = tunnel_mtu(s, op->tunnel);
	}
	/* Both ends made where they live: nothing moves between namespaces. */
	emit(s, "ip link add ");
	veth_end(s, op->ifname, op->ns, op->ifindex, op->mtu, mtu_var, op->mac);
	emit(s, " type veth peer ");
	veth_end(s, op->peer_ifname, op->peer_ns, op->peer_ifindex, op->mtu, mtu_var, op->peer_mac);
	emit(s, "\n");
	if (op->ns == 0)
		emit(s, "ip link set dev %q alias %q\n", op->ifname, s->plan->mark);
	emit(s, "%I link set dev %q", op->ns, op->ifname);
	if (op->master)
		emit(s, " master %q", op->master);
	emit(s, " up\n");
	/* A network's ports reflect frames back (hairpin), as Docker's (deploy.c, set_alias()). */
	if (op->ns == 0 && op->network)
		emit(s, "ip link set dev %q type bridge_slave hairpin on\n", op->ifname);
}

/*
 * A vxlan, gre or dummy device, made from the host namespace straight into
 * its node's (`netns`), so its underlay stays the host's, as deploy does
 * (deploy.c, do_tunnel()).  A vxlan's MTU, unless the file gives one, is
 * worked out when the script runs, from the same device deploy asks the
 * kernel about: the parent-interface, or the one the route to the remote
 * leaves by.
 */
static void render_tunnel(struct script *s, const struct nslab_op *op)
{
	const struct nslab_plan_tunnel *pt = op->tunnel;
	bool vxlan = streq(pt->kind, "vxlan"), v6 = pt->remote && strchr(pt->remote, ':');
	bool derive, move;
	const char *kind = pt->kind;
	char tmp[16];

	if (pt->remote)
		emit(s, "# %s:%s: %s to %C\n", ns_label(s, op->ns), op->ifname, pt->kind,
		     pt->remote);
	else
		emit(s, "# %s:%s: %s\n", ns_label(s, op->ns), op->ifname, pt->kind);
	derive = tunnel_mtu(s, pt);
	if (streq(kind, "gre") && v6)
		kind = "ip6gre";
	/* A gre device's underlay is where it is made: made here, then moved (as deploy). */
	move = op->ns > 0 && strstr(kind, "gre");
	if (move)
		nslab_plan_network_port(s->plan->topo->name, ns_label(s, op->ns), op->ifname, tmp);
	emit(s, "ip link add name %q", move ? tmp : op->ifname);
	if (op->ns > 0 && !move)
		emit(s, " netns %q", ns_name(s, op->ns));
	if (op->ifindex > 0)
		put_index(s, op->ifindex);
	if (op->ns == 0 || move)
		emit(s, " group %u", s->group);
	if (derive)
		emit(s, " mtu \"$mtu\"");
	else if (pt->mtu)
		emit(s, " mtu %u", pt->mtu);
	if (op->mac)
		emit(s, " address %q", op->mac);
	emit(s, " type %s", kind);
	if (vxlan) {
		emit(s, " id %u remote %q", pt->id, pt->remote);
		if (pt->local)
			emit(s, " local %q", pt->local);
		emit(s, " dstport %u", pt->port);
	} else if (pt->remote) {
		emit(s, " remote %q", pt->remote);
		if (pt->local)
			emit(s, " local %q", pt->local);
		if (pt->id)
			emit(s, " key %u", pt->id);
	}
	if (pt->remote && pt->parent)
		emit(s, " dev %q", pt->parent);
	if (pt->ttl)
		emit(s, " ttl %u", pt->ttl);
	if (vxlan)
		emit(s, pt->learning ? " learning" : " nolearning");
	emit(s, "\n");
	if (move)
		emit(s, "ip link set dev %q netns %q name %q\n", tmp, ns_name(s, op->ns),
		     op->ifname);
	if (op->ns == 0)
		emit(s, "ip link set dev %q alias %q\n", op->ifname, s->plan->mark);
}

static void render_up(struct script *s, const struct nslab_op *op)
{
	if (op->ns == 0)
		emit(s, "ip link set dev %q alias %q\n", op->ifname, s->plan->mark);
	emit(s, "%I link set dev %q", op->ns, op->ifname);
	if (op->master)
		emit(s, " master %q", op->master);
	emit(s, " up\n");
	/* Split horizon between a bridge's tunnels (deploy.c, do_up()). */
	if (op->tunnel && op->tunnel->isolated && op->master)
		emit(s, "%I link set dev %q type bridge_slave isolated on\n", op->ns, op->ifname);
}

static void render_addr(struct script *s, const struct nslab_op *op)
{
	emit(s, "%I addr add %q dev %q", op->ns, op->addr, op->ifname);
	/* Lab addresses are unique by construction: no duplicate address detection. */
	if (strchr(op->addr, ':'))
		emit(s, " nodad");
	emit(s, "\n");
}

static void render_route(struct script *s, const struct nslab_op *op)
{
	const struct nslab_route *rt = op->route;
	bool is_default = streq(rt->dst, "default") || streq(rt->dst, "default6");
	int family = rt->family, via_family = 0;

	if (rt->via)
		via_family = strchr(rt->via, ':') ? AF_INET6 : AF_INET;
	/* As deploy: a default route takes the family of its gateway. */
	if (is_default && via_family)
		family = via_family;
	emit(s, "%I%s route add %s", op->ns, is_default && family == AF_INET6 ? " -6" : "",
	     is_default ? "default" : "");
	if (!is_default)
		emit(s, "%q", rt->dst);
	if (rt->via) {
		emit(s, " via ");
		/* A gateway of another family than the destination (IPv4 via IPv6). */
		if (!is_default && via_family != family)
			emit(s, "%s ", via_family == AF_INET6 ? "inet6" : "inet");
		emit(s, "%q", rt->via);
	}
	if (rt->dev)
		emit(s, " dev %q", op->ifname ? op->ifname : rt->dev);
	if (rt->src)
		emit(s, " src %q", rt->src);
	if (rt->metric >= 0)
		emit(s, " metric %d", rt->metric);
	if (rt->table > 0)
		emit(s, " table %d", rt->table);
	if (rt->onlink)
		emit(s, " onlink");
	emit(s, "\n");
}

/* Does @ne set @key (a delay of 0 with a jitter counts: tc says "delay 0us 1ms")? */
static bool netem_has(const struct nslab_netem *ne, enum nslab_netem_key key)
{
	if (key == NSLAB_NETEM_DELAY && ne->jitter_us)
		return true;
	return nslab_netem_key_nonzero(ne, key);
}

static void render_netem(struct script *s, const struct nslab_op *op)
{
	const struct nslab_netem *ne = op->netem;

	/* The same choice as deploy's (nslab_netem_to_qdisc()). */
	if (!nslab_netem_needs_netem(ne) && !ne->rate_bps) {
		emit(s, "# %s: %s: nothing to impair\n", ns_label(s, op->ns), op->ifname);
		return;
	}
	emit(s, "# %s: %s sends with impairments\n", ns_label(s, op->ns), op->ifname);
	emit(s, "%T qdisc replace dev %q root ", op->ns, op->ifname);
	if (!nslab_netem_needs_netem(ne)) {
		/* Rate alone: a token bucket (every kernel has tbf), sized as deploy sizes it. */
		uint32_t burst, limit;
		char rate[48];

		nslab_netem_format_key(ne, NSLAB_NETEM_RATE, rate, sizeof(rate));
		nslab_tbf_size(ne->rate_bps / 8, op->mtu, &burst, &limit);
		emit(s, "tbf rate %q burst %u limit %u\n", rate, burst, limit);
		return;
	}
	/* Values in the words of `nslab netem show`, which are tc's. */
	emit(s, "netem");
	for (int k = 0; k < NSLAB_NETEM_KEY_MAX; k++) {
		char v[48];

		if (k == NSLAB_NETEM_JITTER)
			continue; /* tc: "delay TIME [JITTER]" */
		if (!netem_has(ne, k))
			continue;
		nslab_netem_format_key(ne, k, v, sizeof(v));
		emit(s, " %s %q", nslab_netem_key_to_string(k), v);
		if (k == NSLAB_NETEM_DELAY && ne->jitter_us) {
			nslab_netem_format_key(ne, NSLAB_NETEM_JITTER, v, sizeof(v));
			emit(s, " %q", v);
		}
	}
	emit(s, "\n");
}

/* The host sysctls are saved once, so that the teardown can put them back. */
static void save_path(struct script *s, const char *key)
{
	emit(s, "%s/%q/%q", NSLAB_SCRIPT_SAVE_DIR, s->plan->topo->name, key);
}

/*
 * Before IPv6 forwarding goes on (lab_ra.c, lab_ra_keep()): each interface
 * that takes IPv6 routes from router advertisements keeps them, with
 * accept_ra=2; the value before is saved as accept_ra.IF for the teardown.
 * Only when forwarding is off now: a host forwarding already is a router.
 */
static void render_ra_keep(struct script *s)
{
	emit(s, "# IPv6 forwarding would drop the routes router advertisements gave the\n"
		"# host: keep them (accept_ra=2) where it takes them, as deploy does\n");
	emit(s, "if [ \"$(sysctl -n %s)\" = 0 ]; then\n", LAB_IPV6_FORWARD_KEY);
	emit(s, "\tfor dev in $(ip -6 route show proto ra | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' "
		"| sort -u); do\n");
	emit(s, "\t\tif [ \"$(sysctl -n \"net/ipv6/conf/$dev/accept_ra\")\" = 1 ]; then\n");
	emit(s, "\t\t\techo 1 >%s/%q/\"accept_ra.$dev\"\n", NSLAB_SCRIPT_SAVE_DIR,
	     s->plan->topo->name);
	emit(s, "\t\t\tsysctl -qw \"net/ipv6/conf/$dev/accept_ra=2\"\n\t\tfi\n\tdone\nfi\n");
}

static int render_firewall(struct script *s, struct nslab_error *err)
{
	const char *lab = s->plan->topo->name;
	struct lab_fw_rules rules = { 0 };
	int r;

	r = lab_firewall_rules(s->plan, &rules, err);
	if (r < 0)
		return r;
	emit(s,
	     "# the lab's nftables table: NAT out of its networks, published ports, isolation\n");
	emit(s, "nft -f -");
	heredoc(s, rules.nft);
	for (size_t i = 0; rules.n_bridges && i < NSLAB_NFT_FORWARD_FAMILIES; i++) {
		const char *fam = nslab_nft_forward_families[i];
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		if (!m) {
			lab_fw_rules_free(&rules);
			return nslab_err(err, ENOMEM, "out of memory");
		}
		nslab_nft_forward_render(m, fam, lab, rules.bridges, rules.n_bridges);
		if (fclose(m) != 0) {
			lab_fw_rules_free(&rules);
			return nslab_err(err, ENOMEM, "out of memory");
		}
		emit(s,
		     "# a host whose iptables FORWARD chain drops (Docker's): let the lab's "
		     "bridges "
		     "through (%s)\n",
		     fam);
		emit(s, "if nft list chain %s filter FORWARD >/dev/null 2>&1; then\n", fam);
		for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			emit(s, "\tnft %q\n", line);
		}
		emit(s, "fi\n");
	}
	if (rules.n_host_sysctls) {
		emit(s, "# host settings the lab needs; the values before are kept for the "
			"teardown\n");
		emit(s, "mkdir -p %s/%q\n", NSLAB_SCRIPT_SAVE_DIR, lab);
	}
	for (size_t i = 0; i < rules.n_host_sysctls; i++) {
		const char *key = rules.host_sysctls[i][0];

		if (streq(key, LAB_IPV6_FORWARD_KEY))
			render_ra_keep(s);
		emit(s, "[ -f ");
		save_path(s, key);
		emit(s, " ] || sysctl -n %q >", key);
		save_path(s, key);
		emit(s, "\nsysctl -qw %q=%q\n", key, rules.host_sysctls[i][1]);
	}
	lab_fw_rules_free(&rules);
	return 0;
}

/* Environment assignments of @n as `env K=V ...`, or nothing. */
static void put_env(struct script *s, const struct nslab_node *n)
{
	if (!n->n_env)
		return;
	emit(s, "env");
	for (size_t i = 0; i < n->n_env; i++) {
		_cleanup_free_ char *kv = NULL;

		if (asprintf(&kv, "%s=%s", n->env[i].key, n->env[i].value) < 0)
			continue;
		emit(s, " %q", kv);
	}
	emit(s, " ");
}

static void render_exec(struct script *s, const struct nslab_op *op)
{
	const struct nslab_node *n = op->node;

	if (op->delay > 0) {
		emit(s, "# node %s: startup-delay\n", n->name);
		emit(s, "sleep %g\n", op->delay);
	}
	emit(s, "%X", op->ns);
	put_env(s, n);
	emit(s, "sh -c %q\n", op->cmd);
}

static void render_service(struct script *s, const struct nslab_op *op)
{
	const struct nslab_node *n = op->node;
	char dir[4096];

	if (n->memory || n->cpu_millis)
		emit(s,
		     "# node %s: its memory and cpu limits are a cgroup (nslab makes one); "
		     "not part of this script\n",
		     n->name);
	if (!n->n_services)
		return;
	lab_dir(s->plan->topo, dir, sizeof(dir));
	emit(s, "# node %s: services, output in %C/%s.N.log\n", n->name, dir, n->name);
	emit(s, "mkdir -p %q\n", dir);
	for (size_t k = 0; k < n->n_services; k++) {
		char log[4096 + 300];

		snprintf(log, sizeof(log), "%s/%s.%zu.log", dir, n->name, k);
		emit(s, "%X", op->ns);
		put_env(s, n);
		emit(s, "sh -c %q </dev/null >>%q 2>&1 &\n", n->services[k].s, log);
	}
}

int nslab_script_render_op(const struct nslab_plan *plan, const struct nslab_op *op, FILE *f,
			   struct nslab_error *err)
{
	struct script s = {
		.plan = plan,
		.f = f,
		.group = nslab_lab_group(plan->topo->name),
	};

	switch (op->type) {
	case NSLAB_OP_NETNS:
		render_netns(&s, op);
		break;
	case NSLAB_OP_ADOPT:
		render_adopt(&s, op);
		break;
	case NSLAB_OP_BRIDGE:
		render_bridge(&s, op);
		break;
	case NSLAB_OP_VETH:
		render_veth(&s, op);
		break;
	case NSLAB_OP_TUNNEL:
		render_tunnel(&s, op);
		break;
	case NSLAB_OP_SYSCTL:
		put_sysctl(&s, op->ns, op->key, op->value, false);
		break;
	case NSLAB_OP_UP:
		render_up(&s, op);
		break;
	case NSLAB_OP_ADDR:
		render_addr(&s, op);
		break;
	case NSLAB_OP_ROUTE:
		render_route(&s, op);
		break;
	case NSLAB_OP_NETEM:
		render_netem(&s, op);
		break;
	case NSLAB_OP_FIREWALL:
		return render_firewall(&s, err);
	case NSLAB_OP_EXEC:
		render_exec(&s, op);
		break;
	case NSLAB_OP_SERVICE:
		render_service(&s, op);
		break;
	case NSLAB_OP_MAX:
		return nslab_err(err, EINVAL, "not an operation");
	}
	return 0;
}

/* --- the whole script ---------------------------------------------------- */

#define NAMESPACES_TEXT                                                           \
	"Namespaces, one per node, pinned under /run/netns.  A new one starts\n"  \
	"# alike whatever the host has: lo up, forwarding off, rp_filter 0; an\n" \
	"# adopted one (kind ext) is left as it is."

static const char *const step_text[NSLAB_OP_MAX] = {
	[NSLAB_OP_NETNS] = NAMESPACES_TEXT,
	[NSLAB_OP_ADOPT] = NAMESPACES_TEXT,
	[NSLAB_OP_BRIDGE] = "Bridges, STP off.",
	[NSLAB_OP_VETH] = "Links: veth pairs, each end made in its own namespace with the\n"
			  "# interface index nslab chose, bridge ports enslaved and up.",
	[NSLAB_OP_TUNNEL] = "Tunnels (vxlan, gre) and dummy devices, made from the host namespace\n"
			    "# into their node's, so that their underlay is the host's.",
	[NSLAB_OP_SYSCTL] = "Per-interface sysctls, now that the interfaces exist.",
	[NSLAB_OP_UP] = "The other end of each veth, up (a veth's peer cannot be brought up\n"
			"# by the request that creates the pair), and each tunnel.",
	[NSLAB_OP_ADDR] = "Addresses.",
	[NSLAB_OP_ROUTE] = "Routes.",
	[NSLAB_OP_NETEM] = "Impairments: a root qdisc on each impaired end (its egress).",
	[NSLAB_OP_FIREWALL] = "Firewall and host settings.",
	[NSLAB_OP_EXEC] =
		"exec commands, in order (nslab also runs them under the node's hostname\n"
		"# and in its cgroup; plain ip netns exec does neither).",
	[NSLAB_OP_SERVICE] =
		"Services, in the background: nslab supervises them and stops them at\n"
		"# destroy; here they just run (the teardown kills what runs in each\n"
		"# namespace).",
};

static void step(struct script *s, int type, const char *text)
{
	/* Namespaces made and adopted are one step. */
	int key = type == NSLAB_OP_ADOPT ? NSLAB_OP_NETNS : type;

	if (key == s->last_type)
		return;
	s->last_type = key;
	emit(s, "\n# --- %s\n", text);
}

static int hosts_build_cb(size_t node, const char *text, size_t len, void *data,
			  struct nslab_error *err)
{
	struct script *s = data;
	const char *netns = s->plan->topo->nodes[node].netns;

	step(s, NSLAB_OP_MAX,
	     "Names: /etc/netns/NETNS/hosts, which ip netns exec mounts over\n"
	     "# /etc/hosts.");
	emit(s, "mkdir -p %s/%q\n", NSLAB_ETC_NETNS, netns);
	emit(s, "cat >%s/%q/hosts", NSLAB_ETC_NETNS, netns);
	heredoc(s, text);
	return 0;
}

static int hosts_destroy_cb(size_t node, const char *text, size_t len, void *data,
			    struct nslab_error *err)
{
	struct script *s = data;
	const char *netns = s->plan->topo->nodes[node].netns;

	step(s, NSLAB_OP_MAX, "Hosts files (a directory that holds other files stays).");
	emit(s, "rm -f %s/%q/hosts\n", NSLAB_ETC_NETNS, netns);
	emit(s, "rmdir %s/%q 2>/dev/null || true\n", NSLAB_ETC_NETNS, netns);
	return 0;
}

/* Names, before exec and services as deploy writes them (deploy.c, write_hosts()). */
static int render_hosts(struct script *s, struct nslab_error *err)
{
	s->hosts_done = true;
	return nslab_hosts_render_all(s->plan->topo, s->plan->node_included, hosts_build_cb, s,
				      err);
}

/* Does the lab put any device in the host namespace? */
static bool has_host_devices(const struct nslab_plan *plan)
{
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if ((op->type == NSLAB_OP_BRIDGE && op->ns == 0) ||
		    (op->type == NSLAB_OP_VETH && (op->ns == 0 || op->peer_ns == 0)))
			return true;
	}
	return false;
}

static bool has_op(const struct nslab_plan *plan, enum nslab_op_type type)
{
	for (size_t i = 0; i < plan->n_ops; i++)
		if (plan->ops[i].type == type)
			return true;
	return false;
}

static void put_header(struct script *s, bool destroy)
{
	const struct nslab_topo *t = s->plan->topo;

	emit(s, "#!/bin/sh\n");
	emit(s, "# Lab %s, from %C.\n", t->name, streq(t->file, "-") ? "<stdin>" : t->file);
	if (!destroy)
		emit(s,
		     "# What `nslab deploy` builds, by hand: plain ip, sysctl, nft and tc\n"
		     "# commands, rendered by `nslab script` (nslab %s) from the plan that deploy\n"
		     "# executes.  Run it as root on a host without this lab; `nslab script\n"
		     "# --destroy` prints its teardown.\n",
		     NSLAB_VERSION);
	else
		emit(s,
		     "# The teardown of what `nslab script` builds: plain ip, sysctl and nft\n"
		     "# commands (nslab %s).  What is gone already is skipped.\n",
		     NSLAB_VERSION);
	emit(s, "set -e\n");
}

static int render_build(struct script *s, struct nslab_error *err)
{
	const struct nslab_plan *plan = s->plan;
	int r;

	put_header(s, false);
	if (has_host_devices(plan)) {
		emit(s,
		     "\n# The lab's devices in the host namespace carry device group %u and the\n"
		     "# alias %s: the teardown deletes them by that group, so it must be free.\n",
		     s->group, plan->mark);
		emit(s, "if [ -n \"$(ip link show group %u)\" ]; then\n", s->group);
		emit(s, "\techo \"device group %u is in use: is the lab deployed already?\" >&2\n",
		     s->group);
		emit(s, "\texit 1\nfi\n");
	}
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (!s->hosts_done && op->type >= NSLAB_OP_EXEC) {
			r = render_hosts(s, err);
			if (r < 0)
				return r;
		}
		step(s, op->type, step_text[op->type]);
		r = nslab_script_render_op(plan, op, s->f, err);
		if (r < 0)
			return r;
	}
	if (!s->hosts_done) {
		r = render_hosts(s, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int render_destroy(struct script *s, struct nslab_error *err)
{
	const struct nslab_plan *plan = s->plan;
	const char *lab = plan->topo->name;
	bool any;
	int r;

	put_header(s, true);

	any = false;
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (!(op->type == NSLAB_OP_NETNS && (op->node->n_exec || op->node->n_services)) &&
		    !(op->type == NSLAB_OP_ADOPT && op->node->n_services))
			continue;
		if (!any)
			emit(s,
			     "\n# --- What runs in the lab's namespaces: services, background exec "
			     "commands.\n");
		any = true;
		if (op->type == NSLAB_OP_ADOPT)
			emit(s,
			     "# node %s (kind ext): its namespace runs processes of its own; stop "
			     "the lab's by hand\n",
			     op->node->name);
		else
			emit(s, "kill $(ip netns pids %q 2>/dev/null) 2>/dev/null || true\n",
			     plan->ns[op->ns].name);
	}

	if (has_op(plan, NSLAB_OP_FIREWALL)) {
		struct lab_fw_rules rules = { 0 };
		char table[64];

		r = lab_firewall_rules(plan, &rules, err);
		if (r < 0)
			return r;
		nslab_nft_table_name(lab, table, sizeof(table));
		emit(s, "\n# --- The lab's nftables table and FORWARD rules.\n");
		emit(s, "if nft list table inet %q >/dev/null 2>&1; then\n", table);
		emit(s, "\tnft delete table inet %q\nfi\n", table);
		for (size_t i = 0; rules.n_bridges && i < NSLAB_NFT_FORWARD_FAMILIES; i++) {
			const char *fam = nslab_nft_forward_families[i];

			emit(s, "for h in $(nft -a list chain %s filter FORWARD 2>/dev/null |\n",
			     fam);
			emit(s,
			     "\tsed -n 's/.* comment \"nslab:%s\" # handle \\([0-9]*\\)$/\\1/p'); "
			     "do\n",
			     lab);
			emit(s, "\tnft delete rule %s filter FORWARD handle \"$h\"\ndone\n", fam);
		}
		lab_fw_rules_free(&rules);
	}

	any = false;
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (op->type != NSLAB_OP_VETH)
			continue;
		for (int e = 0; e < 2; e++) {
			int ns = e ? op->peer_ns : op->ns;
			const char *ifname = e ? op->peer_ifname : op->ifname;

			if (!plan->ns[ns].adopted)
				continue;
			if (!any)
				emit(s,
				     "\n# --- The lab's links in adopted namespaces, which outlive "
				     "it.\n");
			any = true;
			emit(s, "if %I link show dev %q >/dev/null 2>&1; then\n", ns, ifname);
			emit(s, "\t%I link del dev %q\nfi\n", ns, ifname);
		}
	}

	if (has_host_devices(plan)) {
		emit(s,
		     "\n# --- The lab's devices in the host namespace, all in device group %u\n"
		     "# (bridges, host ends of veths; their peers go with them).\n",
		     s->group);
		emit(s, "if [ -n \"$(ip link show group %u)\" ]; then\n", s->group);
		emit(s, "\tip link del group %u\nfi\n", s->group);
	}

	any = false;
	for (size_t i = plan->n_ops; i-- > 0;) {
		const struct nslab_op *op = &plan->ops[i];
		const struct nslab_node *n = op->node;
		const char *name = plan->ns[op->ns].name;

		if (op->type != NSLAB_OP_NETNS && op->type != NSLAB_OP_ADOPT)
			continue;
		/* An ext namespace already under the lab's name was never pinned by it. */
		if (op->type == NSLAB_OP_ADOPT && !n->ext_pid && !strchr(n->ext_netns, '/') &&
		    streq(n->ext_netns, n->netns))
			continue;
		if (!any)
			emit(s, "\n# --- Namespaces, newest first (an adopted one only loses the "
				"lab's "
				"name for it).\n");
		any = true;
		emit(s, "if [ -e /run/netns/%q ]; then\n\tip netns del %q\nfi\n", name, name);
	}

	r = nslab_hosts_render_all(plan->topo, plan->node_included, hosts_destroy_cb, s, err);
	if (r < 0)
		return r;

	if (has_op(plan, NSLAB_OP_FIREWALL)) {
		struct lab_fw_rules rules = { 0 };

		r = lab_firewall_rules(plan, &rules, err);
		if (r < 0)
			return r;
		if (rules.n_host_sysctls)
			emit(s, "\n# --- Host settings, as they were before the lab.\n");
		for (size_t i = 0; i < rules.n_host_sysctls; i++) {
			const char *key = rules.host_sysctls[i][0];

			emit(s, "if [ -f ");
			save_path(s, key);
			emit(s, " ]; then\n\tsysctl -qw %q=\"$(cat ", key);
			save_path(s, key);
			emit(s, ")\"\n\trm ");
			save_path(s, key);
			emit(s, "\nfi\n");
		}
		/* After forwarding, which they were set for: the accept_ra values. */
		for (size_t i = 0; i < rules.n_host_sysctls; i++) {
			if (!streq(rules.host_sysctls[i][0], LAB_IPV6_FORWARD_KEY))
				continue;
			emit(s, "for f in %s/%q/accept_ra.*; do\n", NSLAB_SCRIPT_SAVE_DIR, lab);
			emit(s, "\t[ -f \"$f\" ] || continue\n"
				"\tsysctl -qw \"net/ipv6/conf/${f##*/accept_ra.}/accept_ra=$(cat "
				"\"$f\")\" || true\n\trm \"$f\"\ndone\n");
		}
		if (rules.n_host_sysctls)
			emit(s, "rmdir %s/%q %s 2>/dev/null || true\n", NSLAB_SCRIPT_SAVE_DIR, lab,
			     NSLAB_SCRIPT_SAVE_DIR);
		lab_fw_rules_free(&rules);
	}
	return 0;
}

int nslab_script_render(const struct nslab_plan *plan, bool destroy, FILE *f,
			struct nslab_error *err)
{
	struct script s = {
		.plan = plan,
		.f = f,
		.group = nslab_lab_group(plan->topo->name),
		.last_type = -1,
	};
	int r;

	r = destroy ? render_destroy(&s, err) : render_build(&s, err);
	if (r < 0)
		return r;
	if (fflush(f) != 0 || ferror(f))
		return nslab_err_sys(err, errno ? errno : EIO, "cannot write the script");
	return 0;
}
