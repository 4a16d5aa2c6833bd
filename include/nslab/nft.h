/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A lab's firewall and NAT: one nftables table per lab, through libnftables. */
#ifndef NSLAB_NFT_H
#define NSLAB_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nslab/error.h"

/**
 * struct nslab_nft_net - one network of the lab as the rules see it
 * @bridge:	its bridge in the host namespace
 * @subnet:	IPv4 CIDR; @subnet6 IPv6 CIDR or NULL
 * @internal:	nothing in or out but between its own members
 * @nat:	masquerade what leaves the host from @subnet
 */
struct nslab_nft_net {
	const char *bridge;
	const char *subnet;
	const char *subnet6;
	bool internal;
	bool nat;
};

/**
 * struct nslab_nft_port - one published port range
 * @host_ip:	NULL: every address of the host (as Docker)
 * @host_port, @host_end, @node_port, @node_end:	ranges of one length
 * @proto:	"tcp" or "udp"
 * @node_ip:	the node's primary IPv4 address (no prefix length)
 * @bridge:	the bridge of the network that address is on (hairpin), or NULL
 * @subnet:	that network's subnet, or NULL
 */
struct nslab_nft_port {
	const char *host_ip;
	unsigned int host_port, host_end;
	unsigned int node_port, node_end;
	const char *proto;
	const char *node_ip;
	const char *bridge;
	const char *subnet;
	const char *node_ip6; /* NULL: the node has no IPv6 address there */
	const char *subnet6;
};

/**
 * struct nslab_nft_lab - everything nftables needs of one lab
 * @lab:	lab name; the table is nslab_nft_table_name(@lab)
 */
struct nslab_nft_lab {
	const char *lab;
	const struct nslab_nft_net *nets;
	size_t n_nets;
	const struct nslab_nft_port *ports;
	size_t n_ports;
};

/* "nslab_<lab>", '-' written as '_'. */
void nslab_nft_table_name(const char *lab, char *buf, size_t size);

/**
 * nslab_nft_render() - the nft script that creates the lab's table:
 *  - NAT: masquerade for @nat networks leaving the host; DNAT of published
 *    ports in prerouting (from outside) and output (from the host itself,
 *    127.0.0.1 included), masquerade of localhost-sourced and hairpin
 *    (node to its own network's published port) connections only, so that
 *    nodes see clients' real addresses wherever the path allows;
 *  - filter (forward): Docker's isolation: no traffic between two of the
 *    lab's networks, internal networks reach only themselves.
 * Pure: no I/O.  *@ret is the caller's (free()).  Return 0 or -ENOMEM.
 */
int nslab_nft_render(const struct nslab_nft_lab *lab, char **ret);

/*
 * nslab_nft_apply() - run a script through libnftables in the calling
 * thread's namespace.  The error carries nft's own message.
 */
int nslab_nft_apply(const char *script, struct nslab_error *err);

/*
 * nslab_nft_check() - parse and validate @script without changing anything
 * (libnftables' dry run).  It still reads the ruleset through netlink, so it
 * needs CAP_NET_ADMIN in the calling thread's network namespace.
 */
int nslab_nft_check(const char *script, struct nslab_error *err);

/*
 * nslab_nft_list_table() - the lab's table as `nft list table` prints it
 * (@json: as `nft -j`).  -ENOENT when absent.  *@ret_text is the caller's (free()).
 */
int nslab_nft_list_table(const char *lab, bool json, char **ret_text, struct nslab_error *err);

/* Delete the lab's table; an absent table is not an error. */
int nslab_nft_delete(const char *lab, struct nslab_error *err);

/**
 * nslab_nft_forward_allow() - on a host whose iptables FORWARD chain drops
 * (Docker leaves policy DROP; with br_netfilter bridged traffic passes it
 * too), accept forwarding to and from @bridges there: one rule per bridge
 * and direction at the top of the chain, each with comment "nslab:<lab>".
 * A host without the ip filter table (no iptables-nft rules) is left alone.
 */
int nslab_nft_forward_allow(const char *lab, const char *const *bridges, size_t n,
			    struct nslab_error *err);

/* The families whose `filter FORWARD` chain nslab_nft_forward_allow() syncs: "ip", "ip6". */
#define NSLAB_NFT_FORWARD_FAMILIES 2
extern const char *const nslab_nft_forward_families[NSLAB_NFT_FORWARD_FAMILIES];

/*
 * nslab_nft_forward_render() - the nft commands that nslab_nft_forward_allow()
 * runs to add the lab's accepts to @family's filter FORWARD chain, one
 * "insert rule ..." a line, written to @f.
 */
void nslab_nft_forward_render(FILE *f, const char *family, const char *lab,
			      const char *const *bridges, size_t n);

/* Remove every rule whose comment is "nslab:<lab>" from the filter FORWARD chains. */
int nslab_nft_forward_remove(const char *lab, struct nslab_error *err);

#endif
