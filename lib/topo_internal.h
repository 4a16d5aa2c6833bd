/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private to the topology parser (topo*.c): string map, expansion, parse context. */
#ifndef NSLAB_TOPO_INTERNAL_H
#define NSLAB_TOPO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "nslab/topo.h"

/*
 * struct strmap - open-addressing hash map from a string to a size_t.
 * Keys are borrowed unless @own is set, in which case strmap_free() frees them.
 */
struct strmap {
	struct strmap_slot {
		const char *key;
		size_t val;
	} * slots;
	size_t cap;
	size_t n;
	bool own;
};

/* Insert @key → @val.  Return 0 when inserted, 1 when @key was present (its
 * value goes to *@ret_old, the map is unchanged), -ENOMEM. */
int strmap_put(struct strmap *m, const char *key, size_t val, size_t *ret_old);
/* Return true and set *@ret when @key is present. */
bool strmap_get(const struct strmap *m, const char *key, size_t *ret);
void strmap_free(struct strmap *m);

/*
 * struct posmap - maps a (line, column) of the expanded text back to the
 * original file, so messages point at what the user wrote.
 */
struct posmap {
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	struct posmap_seg {
		size_t out;
		size_t in;
		bool literal;
	} * segs;
	size_t n_segs;
	size_t cap_segs;
	size_t *in_lines;
	size_t n_in_lines;
	size_t *out_lines;
	size_t n_out_lines;
	bool identity;
};

/*
 * topo_expand() - expand ${VAR}, ${VAR:-x}, ${VAR:=x} and $$ in @in.
 * On success *@ret_out (NUL terminated, *@ret_len bytes) belongs to the caller
 * and @pm is filled (free with posmap_free(); it borrows @in and *@ret_out).
 */
int topo_expand(const char *file, const char *in, size_t len, char **ret_out, size_t *ret_len,
		struct posmap *pm, struct nslab_error *err);
/* Position in the original text of 0-based @line/@col (characters) of the output. */
struct nslab_pos posmap_map(const struct posmap *pm, size_t line, size_t col);
/* Position in the original text of byte @off of the output. */
struct nslab_pos posmap_map_offset(const struct posmap *pm, size_t off);
/* 1-based line/column of byte @off of @text. */
struct nslab_pos text_pos(const char *text, size_t len, size_t off);
void posmap_free(struct posmap *pm);

/* Keys of a settings map (node, defaults, kinds.K, groups.G). */
enum setting_key {
	SK_KIND,
	SK_GROUP,
	SK_LABELS,
	SK_ENV,
	SK_EXEC,
	SK_SYSCTLS,
	SK_ROUTES,
	SK_HOSTNAME,
	SK_NETWORKS,
	SK_PORTS,
	SK_SERVICES,
	SK_CMD,
	SK_MEMORY,
	SK_CPU,
	SK_NETNS,
	SK_PID,
	SK_MGMT_IPV4,
	SK_MGMT_IPV6,
	SK_STARTUP_DELAY,
	SK_WAIT_FOR,
	SK_HOST,
	SK_MAX,
};

/*
 * struct net_req - one entry of a node's `networks`, checked against the
 * network when parsed.  @ipv4/@ipv6 are normalised CIDRs or NULL (IPAM).
 */
struct net_req {
	size_t network;
	struct nslab_pos pos; /* of the network's name */
	struct nslab_str ifname;
	struct nslab_str ipv4;
	struct nslab_str ipv6;
};

/*
 * struct settings - one parsed settings map, before inheritance.  Arrays and
 * strings are owned; free with settings_free().
 */
struct settings {
	bool has[SK_MAX]; /* key written */
	bool set[SK_MAX]; /* key written with a non-null value */
	struct nslab_pos keypos[SK_MAX];
	struct nslab_str kind;
	struct nslab_str group;
	struct nslab_str hostname;
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
	struct net_req *nets;
	size_t n_nets;
	struct nslab_port *ports;
	size_t n_ports;
	struct nslab_str *services;
	size_t n_services;
	struct nslab_str cmd;
	unsigned long long memory;
	unsigned int cpu_millis;
	struct nslab_str netns;
	int pid;
	struct nslab_str mgmt_ipv4; /* normalised CIDR */
	struct nslab_str mgmt_ipv6;
	double startup_delay;
	struct nslab_str *wait_for;
	size_t n_wait_for;
	struct nslab_str host; /* `host:`, a name of `hosts` */
};

/*
 * struct node_req - what the passes after the links need of node i: where
 * its keys were, and which of its attachments had a name or address given.
 */
struct node_req {
	struct nslab_pos ports_pos;
	struct att_req {
		struct nslab_pos v4pos; /* line 0: assigned by IPAM */
		struct nslab_pos v6pos;
		bool named; /* interface given (or eth0 on mgmt) */
	} * att;
};

void settings_free(struct settings *s);

/* The state of one nslab_topo_parse() call. */
struct ctx {
	const char *file; /* as shown in messages */
	struct nslab_error *err;
	struct posmap pm;
	yaml_document_t *doc;
	struct nslab_topo *topo;
	struct strmap warned; /* key names already warned about */
	struct strmap ifnames; /* "NS/IFNAME" → index in ifpos */
	struct ifuse {
		struct nslab_pos pos;
		long bridge; /* node index when the name is a bridge node's own, else -1 */
		long network; /* network index when the name is a network's bridge, else -1 */
		bool mgmt; /* eth0 of a node on mgmt */
	} * ifpos;
	size_t n_ifpos;
	size_t cap_ifpos;
	size_t budget; /* items still allowed (YAML aliases can multiply work) */
	size_t cap_nodes;
	size_t cap_links;
	size_t cap_tunnels;
	size_t cap_warnings;
	struct settings defaults;
	struct settings kinds[NSLAB_KIND_MAX];
	bool has_kind[NSLAB_KIND_MAX];
	struct nslab_pos kind_pos[NSLAB_KIND_MAX];
	char **group_names; /* borrowed from the document */
	struct settings *groups;
	size_t n_groups;
	struct strmap group_index;
	long host_node; /* index of the node called "host", -1 */
	long mgmt; /* index of the mgmt network in topo->networks, -1 */
	struct nslab_pos mgmt_pos;
	struct strmap net_index; /* network name → index in topo->networks */
	size_t cap_networks;
	struct node_req *reqs; /* per node; nodes past n_reqs (implicit host) have none */
	size_t n_reqs;
	size_t cap_reqs;
};

/* Record "FILE:LINE:COL: message" in ctx->err.  Return -EINVAL. */
int topo_err_at(struct ctx *c, struct nslab_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int topo_oom(struct ctx *c);
/* Add "FILE:LINE:COL: 'KEY' is ignored: ..." once per @key per file. */
int topo_warn_ignored(struct ctx *c, const char *key, struct nslab_pos pos);
/* Take one item from the work budget; error when it is spent. */
int topo_spend(struct ctx *c, struct nslab_pos pos);
struct nslab_pos topo_pos(const struct ctx *c, const yaml_node_t *n);

/* topo_parse.c: the document → topo. */
int topo_parse_doc(struct ctx *c);

/* topo_parse.c: YAML helpers shared with topo_links.c. */
/* Where a key appears, for the tables of special keys. */
enum where {
	W_TOP,
	W_SETTINGS, /* node, defaults, kinds.K, groups.G */
	W_LINK,
	W_ENDPOINT,
	W_LINK_TYPE,
	W_KIND,
};

struct pair {
	yaml_node_t *key;
	yaml_node_t *val;
	const char *k;
	struct nslab_pos pos; /* of the key */
};

struct mview {
	struct pair *p;
	size_t n;
	size_t cap;
	struct strmap idx; /* only for large maps */
};

yaml_node_t *topo_doc_node(struct ctx *c, yaml_node_item_t i);
/* Plain empty, ~ or null. */
bool topo_is_null(const yaml_node_t *n);
/* "expected WHAT [for FOR_], got TYPE" at @n.  @for_ may be NULL. */
int topo_want(struct ctx *c, const yaml_node_t *n, const char *what, const char *for_);
/* A non-null scalar as text, borrowed from the document. */
int topo_get_str(struct ctx *c, const yaml_node_t *n, const char **ret);
int topo_dup_str(struct ctx *c, const yaml_node_t *n, struct nslab_str *ret);
/* A string, or nothing for null; *@ret belongs to the caller. */
int topo_opt_str(struct ctx *c, yaml_node_t *n, char **ret);
/* An integer in [@min, @max]; @what names it in messages. */
int topo_get_uint(struct ctx *c, const yaml_node_t *n, const char *what, unsigned long min,
		  unsigned long max, unsigned long *ret);
/* The pairs of map @n in file order, merge keys resolved, duplicates rejected;
 * @noun names a key in the duplicate message, @for_ the map in a type error. */
int topo_mview_init(struct ctx *c, struct mview *v, yaml_node_t *n, const char *noun,
		    const char *for_);
yaml_node_t *topo_mview_get(const struct mview *v, const char *k, struct nslab_pos *ret_pos);
void topo_mview_free(struct mview *v);
/* Unsupported (error), ignored (warning, returns 1) or neither (0). */
int topo_check_special(struct ctx *c, enum where where, const char *key, struct nslab_pos pos);
/* @in: where, with its preposition ("in node 'r1'", "at the top level"). */
int topo_unknown_key(struct ctx *c, const struct pair *p, const char *in, const char *expected);
/*
 * Every key of link map @v is one of @keys (NULL-terminated), or an error
 * that lists them (containerlab keys nslab ignores are warned about).
 */
int topo_check_link_keys(struct ctx *c, const struct mview *v, const char *const *keys);
/* Append a node named @name; NULL when out of memory. */
struct nslab_node *topo_add_node(struct ctx *c, const char *name, struct nslab_pos pos);

/* topo_parse.c: more YAML helpers. */
bool topo_plain_bool(const yaml_node_t *n, bool *ret);
const char *topo_type_name(const yaml_node_t *n);
/* A list of strings into *@ret (appended); @for_ names an item in messages. */
int topo_str_list(struct ctx *c, yaml_node_t *n, const char *list, const char *item,
		  struct nslab_str **ret, size_t *ret_n);

/* topo_net.c: networks, mgmt, ports and the node keys that need them. */
/* Top-level `mgmt:` and `networks:` (either may be NULL), before `topology`. */
int topo_parse_networks(struct ctx *c, yaml_node_t *mgmt, struct nslab_pos mgmt_pos,
			yaml_node_t *networks);
int topo_parse_node_networks(struct ctx *c, yaml_node_t *n, struct settings *s);
/* `mgmt-ipv4` / `mgmt-ipv6` of a settings map, normalised into *@ret. */
int topo_parse_mgmt_addr(struct ctx *c, yaml_node_t *n, int family, struct nslab_str *ret);
int topo_parse_ports(struct ctx *c, yaml_node_t *n, struct settings *s);
int topo_parse_memory(struct ctx *c, yaml_node_t *n, unsigned long long *ret);
int topo_parse_cpu(struct ctx *c, yaml_node_t *n, unsigned int *ret);
int topo_parse_seconds(struct ctx *c, yaml_node_t *n, const char *what, double *ret);
int topo_parse_netns(struct ctx *c, yaml_node_t *n, struct nslab_str *ret);
/* Attach node @i to mgmt (linux nodes) and the networks of @nets_layer (the
 * layer whose `networks` it inherits, or NULL), with `mgmt-ipv4`/`-ipv6` of
 * the other two; claim the interface names known now (eth0, `interface:`). */
int topo_node_attach(struct ctx *c, size_t i, const struct settings *nets_layer,
		     const struct settings *mgmt4_layer, const struct settings *mgmt6_layer);
/* After the links: interface names, IPAM, ports, wait-for. */
int topo_finish(struct ctx *c);
void topo_reqs_free(struct ctx *c);

/* topo_links.c */
int topo_parse_links(struct ctx *c, yaml_node_t *n);

int topo_parse_endpoint(struct ctx *c, yaml_node_t *n, struct nslab_endpoint *ep);
int topo_parse_netem(struct ctx *c, yaml_node_t *n, struct nslab_netem *ne);

/* topo_tunnels.c: a `type: vxlan|gre|dummy` link (map @v at @pos) into topo->tunnels. */
int topo_parse_tunnel(struct ctx *c, const struct mview *v, const char *type, struct nslab_pos pos);

/* topo_hosts.c: multi-host labs. */
/* Top-level `hosts:` (@n: its value, at @pos), before `topology`. */
int topo_parse_hosts(struct ctx *c, yaml_node_t *n, struct nslab_pos pos);
/* Place node @node: @layer is the most specific layer setting `host`, or NULL. */
int topo_node_host(struct ctx *c, struct nslab_node *node, const struct settings *layer);

/* topo_check.c: validators.  Each returns 0 or an error at @pos. */
bool topo_valid_node_name(const char *s);
bool topo_valid_lab_name(const char *s);
int topo_check_ifname(struct ctx *c, const char *s, struct nslab_pos pos);
/* @family AF_INET or AF_INET6: the list the address is in. */
int topo_check_addr(struct ctx *c, const char *s, int family, struct nslab_pos pos);
int topo_check_mac(struct ctx *c, const char *s, struct nslab_pos pos);
int topo_check_sysctl(struct ctx *c, const char *s, struct nslab_pos pos);
int topo_check_route(struct ctx *c, struct nslab_route *r, struct nslab_pos dst_pos,
		     struct nslab_pos via_pos, struct nslab_pos src_pos);
/* Claim @ifname in the namespace of node @node; error if it is taken. */
int topo_claim_ifname(struct ctx *c, size_t node, const char *ifname, struct nslab_pos pos);
/* Claim a bridge node's own name in the host namespace. */
int topo_claim_bridge(struct ctx *c, size_t node);
/* Claim the bridge of network @net in the host namespace. */
int topo_claim_net_bridge(struct ctx *c, size_t net, struct nslab_pos pos);
/* Claim eth0 of node @node, its interface on mgmt. */
int topo_claim_mgmt_if(struct ctx *c, size_t node, struct nslab_pos pos);
/* Is @ifname taken in the namespace of node @node? */
bool topo_ifname_taken(struct ctx *c, size_t node, const char *ifname);
/* Add node @i (just appended) to the name index nslab_topo_find_node() uses. */
int topo_index_add(struct nslab_topo *topo, size_t i);

#endif
