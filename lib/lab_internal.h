/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between deploy.c and destroy.c. */
#ifndef NSLAB_LAB_INTERNAL_H
#define NSLAB_LAB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/lab.h"
#include "nslab/state.h"
#include "nslab/topo.h"

/*
 * The kept topology is the text after ${VAR} expansion, in which every '$'
 * is literal; write each as "$$" so that reading it back expands to the same.
 */
int lab_escape_text(const char *text, size_t len, char **ret, size_t *ret_len);

/* Remove every kernel object the journal of @st names (the lock is held). */
int lab_undo(struct nslab_state *st, const char *lab, nslab_progress_fn progress,
	     void *progress_data, struct nslab_error *err);

struct nslab_plan;
struct nslab_node;

/* The lab's nftables table, forward rules and host sysctls (lab_firewall.c). */
int lab_firewall(const struct nslab_plan *plan, struct nslab_state *st, struct nslab_error *err);

/* @node's cgroup and services (lab_services.c). */
int lab_services(const struct nslab_plan *plan, struct nslab_state *st,
		 const struct nslab_node *node, struct nslab_error *err);

/*
 * The cgroup of @node, made if it has limits or services and cgroup v2 is
 * there; @path gets its directory, or "" when it has none.
 */
int lab_cgroup(const struct nslab_plan *plan, struct nslab_state *st, const struct nslab_node *node,
	       char *path, size_t size, struct nslab_error *err);

/* <rundir>/<lab>/services: the services' pid and status files. */
void lab_service_dir(const char *lab, char *buf, size_t size);

/* The lab directory ./nslab-<lab>/ beside the topology file (logs). */
void lab_dir(const struct nslab_topo *t, char *buf, size_t size);

/*
 * Runtime checks of a topology against the host and the labs deployed:
 * host ports published twice, subnets that overlap another lab's network
 * or a route of the host.  The error names the file position.
 */
int lab_check_conflicts(const struct nslab_topo *t, struct nslab_error *err);

/*
 * What every namespace nslab creates starts with (rule 1), written unless
 * the node's own sysctls set the key (lab_node_sets()), and the key that
 * turns IPv6 link-local addresses off in namespaces without IPv6 (deploy.c).
 */
#define LAB_NS_DEFAULTS 4
extern const char *const lab_ns_defaults[LAB_NS_DEFAULTS][2];
#define LAB_NO_LINKLOCAL_KEY "net.ipv6.conf.default.addr_gen_mode"
/* True when @node's sysctls set @key (net.ipv4.ip_forward counts as conf.all.forwarding). */
bool lab_node_sets(const struct nslab_node *node, const char *key);

/**
 * struct lab_fw_rules - what lab_firewall() installs, as text and names
 * @nft:	the nftables script of the lab's table (nslab_nft_render())
 * @bridges:	the lab's host bridges, for the FORWARD accept rules (borrowed
 *		from the plan); @n_bridges 0: no forward rules
 * @host_sysctls:	host sysctls the lab needs, key and value
 */
struct lab_fw_rules {
	char *nft;
	const char **bridges;
	size_t n_bridges;
	const char *host_sysctls[3][2];
	size_t n_host_sysctls;
};

/* What a lab with a routed IPv6 network needs of the host. */
#define LAB_IPV6_FORWARD_KEY "net.ipv6.conf.all.forwarding"

/*
 * lab_ra_keep() - before lab @lab turns IPv6 forwarding on: accept_ra=2 (a
 * host sysctl of the lab) on each host interface that takes IPv6 routes from
 * router advertisements, so that the host keeps them (lib/lab_ra.c).
 */
int lab_ra_keep(const char *lab, struct nslab_error *err);

/*
 * The rules of the plan's FIREWALL step, without applying them.  On success
 * *@ret is filled; release with lab_fw_rules_free().
 */
int lab_firewall_rules(const struct nslab_plan *plan, struct lab_fw_rules *ret,
		       struct nslab_error *err);
void lab_fw_rules_free(struct lab_fw_rules *rules);

struct nslab_route;
struct nslab_route_req;
/*
 * The RTM_NEWROUTE request of @rt, a route of node @node, but its output
 * device (req->oif 0), and a label for messages ("node r1: route ...").
 */
int lab_route_req(const struct nslab_route *rt, const char *node, struct nslab_route_req *req,
		  char *label, size_t size, struct nslab_error *err);

/* Undo them (destroy): every kind is idempotent and ignores what is absent. */
int lab_firewall_undo(const char *lab, struct nslab_error *err);
int lab_services_undo(struct nslab_state *st, const char *lab, struct nslab_error *err);

/*
 * lab_kill_leftovers() - stop the processes still inside namespaces @netns
 * (names under /run/netns) but those in @adopted: what exec commands or
 * `nslab exec` left in the background would otherwise keep a namespace, and
 * its devices, alive after destroy.  SIGTERM, up to 1 s, then SIGKILL.
 */
int lab_kill_leftovers(char *const *netns, size_t n, char *const *adopted, size_t n_adopted);

#endif
