/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One namespace as the kernel shows it: its interfaces, addresses and root qdiscs. */
#ifndef NSLAB_IFVIEW_H
#define NSLAB_IFVIEW_H

#include <linux/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/netem.h"
#include "nslab/rtmsg.h"

/**
 * struct nslab_ifview_if - one interface
 * @li:		what RTM_NEWLINK said (flags, mtu, counters...); its strings
 *		are cleared, @name and @kind hold copies
 * @mac:	"aa:bb:..", or "" when it has none
 * @addrs:	"addr/len" strings, in the kernel's order
 * @tc:		its root qdisc when loaded with @qdiscs (type NONE: the default)
 */
struct nslab_ifview_if {
	struct nslab_link_info li;
	char name[IFNAMSIZ];
	char kind[16];
	char mac[18];
	char **addrs;
	size_t n_addrs, addrs_cap;
	struct nslab_netem_live tc;
};

/* @exists: false when the namespace is not there (then @n is 0). */
struct nslab_ifview {
	bool exists;
	struct nslab_ifview_if *ifs;
	size_t n, cap;
};

/*
 * Load namespace @netns (NULL: the caller's) with one dump of links and one of
 * addresses (and one of qdiscs with @qdiscs).  An absent namespace is no error:
 * @v->exists stays false.  Free with nslab_ifview_free() in every case.
 */
int nslab_ifview_load(const char *netns, bool qdiscs, struct nslab_ifview *v,
		      struct nslab_error *err);
void nslab_ifview_free(struct nslab_ifview *v);

/* The interface of index @ifindex / called @name; NULL when none (or @v is NULL). */
struct nslab_ifview_if *nslab_ifview_find(struct nslab_ifview *v, int ifindex);
struct nslab_ifview_if *nslab_ifview_find_name(struct nslab_ifview *v, const char *name);

#endif
