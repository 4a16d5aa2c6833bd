// SPDX-License-Identifier: LGPL-2.1-or-later
/* A lab's firewall step: its nftables table, forward rules on Docker-like hosts, host sysctls. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "nslab/hostsys.h"
#include "nslab/nft.h"
#include "nslab/plan.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "lab_internal.h"
#include "util.h"

struct fw {
	struct nslab_nft_net *nets;
	size_t n_nets;
	struct nslab_nft_port *ports;
	size_t n_ports, ports_cap;
	const char **bridges;
	size_t n_bridges;
	char **strs;
	size_t n_strs, strs_cap;
};

static const char *keep(struct fw *fw, char *s)
{
	if (!s || GROW(fw->strs, fw->strs_cap, fw->n_strs) < 0) {
		free(s);
		return NULL;
	}
	fw->strs[fw->n_strs++] = s;
	return s;
}

/* "10.0.0.2/24" -> "10.0.0.2" */
static const char *bare(struct fw *fw, const char *cidr)
{
	const char *slash = strchr(cidr, '/');

	return keep(fw, strndup(cidr, slash ? (size_t)(slash - cidr) : strlen(cidr)));
}

/* "10.0.0.2/24" -> "10.0.0.0/24" */
static const char *network_of(struct fw *fw, const char *cidr)
{
	struct nslab_prefix p;
	char buf[INET6_ADDRSTRLEN + 8];

	if (nslab_prefix_parse(cidr, false, &p) < 0)
		return NULL;
	for (unsigned int bit = p.len; bit < (p.family == AF_INET ? 32u : 128u); bit++)
		p.addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	return keep(fw, strdup(nslab_prefix_format(&p, buf, sizeof(buf))));
}

/*
 * The address the host forwards a node's ports to: its first network's, or
 * its first IPv4 address on a link to a bridge or the host (topology.md).
 */
static void primary(struct fw *fw, const struct nslab_topo *t, size_t node, const char **ip,
		    const char **bridge, const char **subnet, const char **ip6,
		    const char **subnet6)
{
	const struct nslab_node *n = &t->nodes[node];

	*ip = *bridge = *subnet = *ip6 = *subnet6 = NULL;
	if (n->n_networks) {
		const struct nslab_network *net = &t->networks[n->networks[0].network];

		*ip = bare(fw, n->networks[0].ipv4);
		*bridge = net->bridge;
		*subnet = net->subnet;
		if (n->networks[0].ipv6) {
			*ip6 = bare(fw, n->networks[0].ipv6);
			*subnet6 = net->subnet6;
		}
		return;
	}
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e];
			const struct nslab_node *far = &t->nodes[t->links[l].ep[!e].node];

			if (ep->node != node || !ep->n_ipv4 ||
			    (far->kind != NSLAB_KIND_BRIDGE && far->kind != NSLAB_KIND_HOST))
				continue;
			*ip = bare(fw, ep->ipv4[0].s);
			if (far->kind == NSLAB_KIND_BRIDGE) {
				*bridge = far->name;
				*subnet = network_of(fw, ep->ipv4[0].s);
			}
			return;
		}
}

static void fw_free(struct fw *fw)
{
	for (size_t i = 0; i < fw->n_strs; i++)
		free(fw->strs[i]);
	free(fw->strs);
	free(fw->nets);
	free(fw->ports);
	free(fw->bridges);
}

static int collect(const struct nslab_plan *plan, struct fw *fw, bool *need_forward,
		   bool *need_forward6, bool *need_localnet, struct nslab_error *err)
{
	const struct nslab_topo *t = plan->topo;

	fw->nets = calloc(t->n_networks + 1, sizeof(*fw->nets));
	fw->bridges = calloc(t->n_networks + t->n_nodes + 1, sizeof(*fw->bridges));
	if (!fw->nets || !fw->bridges)
		return nslab_err(err, ENOMEM, "out of memory");
	/* The networks this run builds (a node filter may leave some out). */
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];
		const struct nslab_network *net = op->network;

		if (op->type != NSLAB_OP_BRIDGE || op->ns != 0)
			continue;
		fw->bridges[fw->n_bridges++] = op->ifname;
		if (!net)
			continue;
		fw->nets[fw->n_nets++] = (struct nslab_nft_net){
			.bridge = net->bridge,
			.subnet = net->subnet,
			.subnet6 = net->subnet6,
			.internal = net->internal,
			.nat = net->nat,
		};
		if (!net->internal)
			*need_forward = true;
		if (!net->internal && net->subnet6)
			*need_forward6 = true;
	}
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		const char *ip, *bridge, *subnet, *ip6, *subnet6;

		if (!plan->node_included[i] || !n->n_ports)
			continue;
		primary(fw, t, i, &ip, &bridge, &subnet, &ip6, &subnet6);
		if (!ip)
			return nslab_err(err, EINVAL,
					 "node %s publishes ports but has no address the host can "
					 "reach\nhint: put it on a network",
					 n->name);
		*need_forward = true;
		for (size_t k = 0; k < n->n_ports; k++) {
			const struct nslab_port *p = &n->ports[k];

			if (GROW(fw->ports, fw->ports_cap, fw->n_ports) < 0)
				return nslab_err(err, ENOMEM, "out of memory");
			fw->ports[fw->n_ports++] = (struct nslab_nft_port){
				.host_ip = p->host_ip,
				.host_port = p->host_port,
				.host_end = p->host_end,
				.node_port = p->node_port,
				.node_end = p->node_end,
				.proto = p->proto == IPPROTO_UDP ? "udp" : "tcp",
				.node_ip = ip,
				.bridge = bridge,
				.subnet = subnet,
				.node_ip6 = ip6,
				.subnet6 = subnet6,
			};
			if (ip6 && (!p->host_ip || strchr(p->host_ip, ':')))
				*need_forward6 = true;
			if (!p->host_ip || strncmp(p->host_ip, "127.", 4) == 0)
				*need_localnet = true;
		}
	}
	return 0;
}

int lab_firewall_rules(const struct nslab_plan *plan, struct lab_fw_rules *ret,
		       struct nslab_error *err)
{
	bool need_forward = false, need_forward6 = false, need_localnet = false;
	struct lab_fw_rules rules = { 0 };
	struct fw fw = { 0 };
	int r;

	r = collect(plan, &fw, &need_forward, &need_forward6, &need_localnet, err);
	if (r < 0)
		goto out;
	struct nslab_nft_lab nl = {
		.lab = plan->topo->name,
		.nets = fw.nets,
		.n_nets = fw.n_nets,
		.ports = fw.ports,
		.n_ports = fw.n_ports,
	};
	r = nslab_nft_render(&nl, &rules.nft);
	if (r < 0) {
		r = nslab_err(err, -r, "out of memory");
		goto out;
	}
	rules.bridges = TAKE_PTR(fw.bridges);
	rules.n_bridges = fw.n_bridges;
	if (need_forward) {
		rules.host_sysctls[rules.n_host_sysctls][0] = "net.ipv4.ip_forward";
		rules.host_sysctls[rules.n_host_sysctls++][1] = "1";
	}
	/*
	 * A network with an IPv6 subnet routes it as Docker does: the host
	 * forwards IPv6 (lab_ra_keep() first, at deploy).
	 */
	if (need_forward6) {
		rules.host_sysctls[rules.n_host_sysctls][0] = LAB_IPV6_FORWARD_KEY;
		rules.host_sysctls[rules.n_host_sysctls++][1] = "1";
	}
	/* 127.0.0.1 is reachable only with route_localnet. */
	if (need_localnet) {
		rules.host_sysctls[rules.n_host_sysctls][0] = "net.ipv4.conf.all.route_localnet";
		rules.host_sysctls[rules.n_host_sysctls++][1] = "1";
	}
	*ret = rules;
out:
	fw_free(&fw);
	return r;
}

void lab_fw_rules_free(struct lab_fw_rules *rules)
{
	free(rules->nft);
	free(rules->bridges);
	*rules = (struct lab_fw_rules){ 0 };
}

int lab_firewall(const struct nslab_plan *plan, struct nslab_state *st, struct nslab_error *err)
{
	const char *lab = plan->topo->name;
	struct lab_fw_rules rules = { 0 };
	int r;

	r = lab_firewall_rules(plan, &rules, err);
	if (r < 0)
		return r;
	/* Journal first: a kill after the kernel change still leaves a record. */
	r = nslab_state_journal(st, "nft", lab, err);
	if (r >= 0)
		r = nslab_nft_apply(rules.nft, err);
	if (r >= 0 && rules.n_bridges) {
		r = nslab_state_journal(st, "forward", lab, err);
		if (r >= 0)
			r = nslab_nft_forward_allow(lab, rules.bridges, rules.n_bridges, err);
	}
	if (r >= 0 && rules.n_host_sysctls)
		r = nslab_state_journal(st, "hostsys", lab, err);
	for (size_t i = 0; r >= 0 && i < rules.n_host_sysctls; i++) {
		const char *const *kv = rules.host_sysctls[i];

		if (streq(kv[0], LAB_IPV6_FORWARD_KEY))
			r = lab_ra_keep(lab, err);
		if (r >= 0)
			r = nslab_hostsys_need(lab, kv[0], kv[1], err);
	}
	if (r < 0)
		nslab_err_prefix(err, "lab %s: firewall", lab);
	lab_fw_rules_free(&rules);
	return r;
}

int lab_firewall_undo(const char *lab, struct nslab_error *err)
{
	struct nslab_error e = { 0 };
	int r = 0;

	if (nslab_nft_delete(lab, &e) < 0 && r == 0) {
		r = -e.code;
		*err = e;
	}
	if (nslab_nft_forward_remove(lab, &e) < 0 && r == 0) {
		r = -e.code;
		*err = e;
	}
	if (nslab_hostsys_release(lab, &e) < 0 && r == 0) {
		r = -e.code;
		*err = e;
	}
	return r;
}
