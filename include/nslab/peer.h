/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The far end of any veth on the host: its namespace (by name, host or process), lab node, name, index. */
#ifndef NSLAB_PEER_H
#define NSLAB_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"

struct nlmsghdr;

/**
 * struct nslab_ns_desc - how a network namespace can be named
 * @name:	its name under /run/netns ("" when it has none; the first in
 *		alphabetical order when it has several)
 * @host:	it is the initial namespace (the one of /proc/1/ns/net)
 * @pid:	when it has no name and is not the host's: the lowest pid of a
 *		process in it (0: none found)
 */
struct nslab_ns_desc {
	char name[256];
	bool host;
	int pid;
};

/**
 * struct nslab_peer - a veth's far end
 * @ns:		the namespace that holds it
 * @same_ns:	it is in the namespace that was asked about
 * @nsid:	IFLA_LINK_NETNSID: the id of @ns as seen from the namespace
 *		asked about; -1 when @same_ns
 * @ifname, @ifindex:	the far end, in @ns
 * @lab, @node:	the deployed lab and node that made it ("" when none); @node
 *		is "host" for a network's bridge port, as NODE:IFACE names it
 */
struct nslab_peer {
	struct nslab_ns_desc ns;
	bool same_ns;
	int nsid;
	char ifname[16];
	int ifindex;
	char lab[256];
	char node[256];
};

/**
 * nslab_peer_find() - name the far end of veth @ifname in namespace @netns
 * @netns:	a name under /run/netns (or a path with '/'); NULL: the
 *		calling thread's namespace
 *
 * Works for any veth, not only nslab's: the device's IFLA_LINK (the peer's
 * ifindex) and IFLA_LINK_NETNSID (the peer namespace's id, as @netns sees
 * it) are matched against every namespace that can be opened: the names in
 * /run/netns, the host's, and every process's /proc/PID/ns/net.  The lab
 * node comes from the deployed labs' kept topologies.  Errors: -ENODEV (no
 * such interface, naming the namespace), -EMEDIUMTYPE (not a veth, naming
 * its kind), -ENOENT (the peer namespace cannot be found).
 */
int nslab_peer_find(const char *netns, const char *ifname, struct nslab_peer *ret,
		    struct nslab_error *err);

/**
 * nslab_ns_describe() - name the namespace of @fd: its /run/netns name, host,
 * or a process in it.  Return 0 (a namespace nobody can be found in gets
 * an all-empty description) or -errno.
 */
int nslab_ns_describe(int fd, struct nslab_ns_desc *ret, struct nslab_error *err);

/* Request of nslab_msg_getnsid(): the namespace to ask the id of, by fd. */
struct nslab_nsid_req {
	int fd;
};

/*
 * nslab_msg_getnsid() - RTM_GETNSID with NETNSA_FD: the id the socket's
 * namespace gives the namespace of req->fd (a pure builder, see nl.h).
 */
int nslab_msg_getnsid(void *buf, size_t room, const void *req);

/*
 * nslab_nsid_parse() - NETNSA_NSID of an RTM_NEWNSID reply: >= 0, or -1
 * (NETNSA_NSID_NOT_ASSIGNED).  Return 0, or -EINVAL for another message.
 */
int nslab_nsid_parse(const struct nlmsghdr *nlh, int *ret_nsid);

#endif
