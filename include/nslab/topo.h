/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The topology model: a parsed, expanded, inherited and validated lab file. */
#ifndef NSLAB_TOPO_H
#define NSLAB_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"

/* Position of a value in the topology file (1-based). */
struct nslab_pos {
	int line;
	int col;
};

struct nslab_str {
	char *s;
	struct nslab_pos pos;
};

struct nslab_kv {
	char *key;
	char *value;
	struct nslab_pos pos;
};

enum nslab_kind {
	NSLAB_KIND_LINUX,
	NSLAB_KIND_BRIDGE,
	NSLAB_KIND_SWITCH,
	NSLAB_KIND_HOST,
	NSLAB_KIND_EXT,
	NSLAB_KIND_MAX,
};

const char *nslab_kind_to_string(enum nslab_kind k);
/* Return the kind, or -EINVAL for an unknown name. */
int nslab_kind_from_string(const char *s);

/**
 * struct nslab_route - one entry of a node's `routes`
 * @dst:	CIDR, or "default" / "default6"
 * @via, @dev, @src:	NULL when absent
 * @metric:	-1 when absent
 * @table:	0 when absent (the main table)
 * @family:	AF_INET or AF_INET6, from @dst or @via
 */
struct nslab_route {
	char *dst;
	char *via;
	char *dev;
	char *src;
	int metric;
	int table;
	bool onlink;
	int family;
	struct nslab_pos pos;
};

/**
 * struct nslab_port - one published port, Docker syntax
 *	[HOST_IP:]HOST_PORT[-END]:NODE_PORT[-END][/tcp|/udp]
 * @host_ip:	NULL for every host address
 * @host_port, @host_end:	range (equal for one port)
 * @node_port, @node_end:	same length as the host range
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @spec:	as written
 */
struct nslab_port {
	char *host_ip;
	unsigned int host_port;
	unsigned int host_end;
	unsigned int node_port;
	unsigned int node_end;
	int proto;
	char *spec;
	struct nslab_pos pos;
};

/**
 * struct nslab_attach - a node's place on a network (after IPAM)
 * @network:	index in nslab_topo.networks
 * @ifname:	the node's interface (eth1, eth2 ... unless given)
 * @ipv4:	CIDR with the subnet's prefix length ("172.30.1.2/24")
 * @ipv6:	CIDR or NULL (network without subnet6)
 */
struct nslab_attach {
	size_t network;
	char *ifname;
	char *ipv4;
	char *ipv6;
	struct nslab_pos pos;
};

/**
 * struct nslab_network - a Docker-style bridge network (`networks:`, or
 * containerlab's `mgmt:`, stored as a network called "mgmt")
 * @subnet, @subnet6:	CIDR strings, @subnet6 may be NULL
 * @gateway, @gateway6:	address without prefix length; NULL when internal
 * @bridge:	the bridge's name in the host namespace (<= 15 bytes)
 * @internal:	no gateway address, no NAT, no way out
 * @nat:	masquerade traffic leaving the host
 */
struct nslab_network {
	char *name;
	char *subnet;
	char *subnet6;
	char *gateway;
	char *gateway6;
	char *bridge;
	bool internal;
	bool nat;
	unsigned int mtu;
	bool mtu_set; /* the file gives @mtu (multi-host: else tunnels' MTU applies) */
	bool is_mgmt;
	struct nslab_pos pos;
};

/**
 * struct nslab_node - a node after inheritance (node > group > kind > defaults)
 * @netns:	namespace name for linux and switch nodes (prefix rules applied);
 *		NULL for host and bridge nodes, which live in the host namespace
 * @hostname:	UTS name for exec commands (default: the node name); NULL for
 *		host and bridge nodes
 * @implicit:	true for the `host` node synthesised when links name "host"
 *		without declaring it
 */
struct nslab_node {
	char *name;
	enum nslab_kind kind;
	char *group;
	char *netns;
	char *hostname;
	struct nslab_kv *labels;
	size_t n_labels;
	struct nslab_kv *env;
	size_t n_env;
	struct nslab_kv *sysctls;
	size_t n_sysctls;
	struct nslab_str *exec;
	size_t n_exec;
	struct nslab_route *routes;
	size_t n_routes;
	struct nslab_attach *networks; /* in order: the first is the primary one */
	size_t n_networks;
	struct nslab_port *ports;
	size_t n_ports;
	struct nslab_str *services; /* `services`, and containerlab's `cmd` as one */
	size_t n_services;
	unsigned long long memory; /* bytes, 0: no limit */
	unsigned int cpu_millis; /* 1000 = one CPU, 0: no limit */
	char *ext_netns; /* kind ext: `netns:` (name or path), or NULL */
	int ext_pid; /* kind ext: `pid:`, or 0 */
	double startup_delay; /* seconds */
	struct nslab_str *wait_for; /* node names */
	size_t n_wait_for;
	bool implicit;
	/*
	 * Index in nslab_topo.hosts; -1 when the file has no `hosts`, for host
	 * nodes (the host namespace of the machine building the link), and for
	 * bridge and switch nodes without `host:`, which exist on every host
	 * that has a member (stretched).  Other nodes default to host 0.
	 */
	int host;
	struct nslab_pos pos;
};

/**
 * struct nslab_netem - impairments of one direction (`netem:`)
 * @set:	any key was given
 * @keys:	which keys were given, a bit per enum nslab_netem_key (netem.h)
 * @delay_us, @jitter_us:	microseconds
 * @loss, @corrupt, @duplicate:	percent, 0..100
 * @rate_bps:	bits per second, 0: no limit
 * @pos:	where the `netem:` map that set this end is
 *
 * Only @rate_bps set: a tbf qdisc (every kernel has it); anything else: one
 * netem qdisc carrying all of it, rate included.  See nslab_netem_to_qdisc().
 */
struct nslab_netem {
	bool set;
	unsigned int keys;
	unsigned long long delay_us;
	unsigned long long jitter_us;
	double loss;
	double corrupt;
	double duplicate;
	unsigned long long rate_bps;
	struct nslab_pos pos;
};

/**
 * struct nslab_endpoint - one end of a link
 * @node:	index in nslab_topo.nodes
 * @ifname:	interface name (1..15 bytes).  For a bridge node it is the port's
 *		name in the host namespace; for a switch node the port inside the
 *		switch's namespace.
 * @mac:	"02:00:..." or NULL for the kernel's choice
 * @ipv4, @ipv6:	CIDR strings, primary first
 * @netem:	this end's egress impairments: the endpoint's own `netem:`, or
 *		the link's (which applies to both ends), endpoint keys winning
 */
struct nslab_endpoint {
	size_t node;
	char *ifname;
	char *mac;
	struct nslab_str *ipv4;
	size_t n_ipv4;
	struct nslab_str *ipv6;
	size_t n_ipv6;
	struct nslab_netem netem;
	struct nslab_pos pos;
};

enum nslab_link_type {
	NSLAB_LINK_VETH,
	NSLAB_LINK_HOST,
	NSLAB_LINK_VXLAN,
	NSLAB_LINK_GRE,
	NSLAB_LINK_DUMMY,
	NSLAB_LINK_TYPE_MAX,
};

/**
 * struct nslab_link - a veth pair
 * @ep:		both ends.  A `type: host` link is stored as a veth whose ep[1]
 *		is the (implicit) host node, @ifname = host-interface and
 *		@ipv4 = host-ipv4; the brief form "host:IF" gives the same.
 * @mtu:	default 1500
 * @mtu_set:	the file gives @mtu (multi-host: else tunnels' MTU applies)
 */
struct nslab_link {
	enum nslab_link_type type;
	struct nslab_endpoint ep[2];
	unsigned int mtu;
	bool mtu_set;
	struct nslab_pos pos;
};

/**
 * struct nslab_tunnel - a one-ended link: `type: vxlan`, `gre` or `dummy`
 * @ep:		the node's end (interface name, mac, addresses, netem)
 * @remote, @local:	underlay addresses as written (NULL when absent)
 * @vni:	vxlan: the VNI; gre: the key (0: none)
 * @port:	vxlan UDP destination port (default 14789, as containerlab)
 * @parent:	`parent-interface` in the host namespace, or NULL: the route
 *		to @remote decides
 * @mtu:	0 when the file gives none: vxlan takes its parent's minus 50,
 *		gre and dummy the kernel's default
 * @ttl:	gre, 0: the kernel's default
 */
struct nslab_tunnel {
	enum nslab_link_type type;
	struct nslab_endpoint ep;
	char *remote;
	char *local;
	unsigned int vni;
	unsigned int port;
	char *parent;
	unsigned int mtu;
	unsigned int ttl;
	struct nslab_pos pos;
};

/**
 * struct nslab_host - one machine of a multi-host lab (`hosts:`)
 * @address:	its underlay address, as written
 */
struct nslab_host {
	char *name;
	char *address;
	struct nslab_pos pos;
};

/**
 * struct nslab_topo - a whole lab file
 * @file:	the name errors use ("-" shows as "<stdin>")
 * @text:	the file after ${VAR} expansion; what the state keeps, so a
 *		deployed lab can be re-read without the environment
 * @prefix:	as written ("nslab" when absent)
 * @warnings:	one line each, "FILE:LINE:COL: ..." (ignored containerlab keys)
 * @index:	private to topo.c (name → node lookup); NULL in a hand-built
 *		topology, which nslab_topo_find_node() then searches linearly
 */
struct nslab_topo {
	char *file;
	char *text;
	size_t text_len;
	char *name;
	char *prefix;
	struct nslab_node *nodes;
	size_t n_nodes;
	struct nslab_link *links;
	size_t n_links;
	struct nslab_network *networks;
	size_t n_networks;
	struct nslab_tunnel *tunnels; /* in file order, beside @links */
	size_t n_tunnels;
	struct nslab_host *hosts; /* in file order; the first takes unplaced nodes */
	size_t n_hosts;
	char **warnings;
	size_t n_warnings;
	void *index;
};

/**
 * nslab_topo_parse() - expand, parse, resolve and validate a topology
 * @file:	name used in messages (and stored in @ret_topo->file)
 * @buf, @len:	the raw file contents (need not be NUL terminated)
 * @ret_topo:	on success belongs to the caller; free with nslab_topo_free()
 * @err:	on failure err->msg is "FILE:LINE:COL: message", optionally
 *		followed by up to two "\n"-separated hint lines
 *
 * Environment variables are read with getenv().  Return: 0 or -errno.
 */
int nslab_topo_parse(const char *file, const char *buf, size_t len, struct nslab_topo **ret_topo,
		     struct nslab_error *err);

/* Read @path ("-" for stdin) and nslab_topo_parse() it. */
int nslab_topo_load(const char *path, struct nslab_topo **ret_topo, struct nslab_error *err);

void nslab_topo_free(struct nslab_topo *topo);

/*
 * Whether link @l joins nodes placed on two different hosts of a multi-host
 * lab: deploy builds it as a VXLAN device at each end (lib/plan_hosts.c).
 */
bool nslab_link_crosses_hosts(const struct nslab_topo *t, const struct nslab_link *l);

/* Index of the node called @name, or -1. */
long nslab_topo_find_node(const struct nslab_topo *topo, const char *name);

/* Value of label @key on @node, or NULL. */
const char *nslab_node_label(const struct nslab_node *node, const char *key);

#endif
