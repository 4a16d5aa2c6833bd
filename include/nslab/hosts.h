/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/netns/<netns>/hosts: the names a node resolves. */
#ifndef NSLAB_HOSTS_H
#define NSLAB_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/topo.h"

#define NSLAB_ETC_NETNS "/etc/netns"

/* Called with each node's hosts file; return < 0 to stop. */
typedef int (*nslab_hosts_fn)(size_t node, const char *text, size_t len, void *data,
			      struct nslab_error *err);

/**
 * nslab_hosts_render_all() - the hosts file of every node that has a
 * namespace (and is @included, if given): localhost, its own name, and each
 * link peer's name at the peer's primary address on that link (the first
 * link to a peer names it).  Nodes without a named peer get no file.
 * Linear in the size of the lab.
 */
int nslab_hosts_render_all(const struct nslab_topo *topo, const bool *included, nslab_hosts_fn fn,
			   void *data, struct nslab_error *err);

/**
 * nslab_hosts_write() - create /etc/netns/@netns/hosts with @text.
 * A hosts file that exists already is the user's: left alone, and -EEXIST.
 */
int nslab_hosts_write(const char *netns, const char *text, size_t len, struct nslab_error *err);

/* True when /etc/netns/@netns/hosts exists. */
bool nslab_hosts_exists(const char *netns);

/* Remove the file nslab_hosts_write() made, and the directory if empty. */
int nslab_hosts_remove(const char *netns, struct nslab_error *err);

#endif
