/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Misbehaving on purpose, at run time: impairments and link state of a deployed lab's interfaces. */
#ifndef NSLAB_IMPAIR_H
#define NSLAB_IMPAIR_H

#include <stdbool.h>

#include "nslab/error.h"
#include "nslab/netem.h"
#include "nslab/topo.h"

/*
 * Every function takes the deployed lab's topology (nslab_lab_load()) and
 * "NODE:IFACE" as nslab_ifref_resolve() reads it, and works on the kernel's
 * devices in that node's namespace.
 */

/**
 * nslab_lab_netem_set() - replace the root qdisc of @spec with @ne
 *
 * @ne's keys that are not given are zero: the result is exactly @ne.
 * Without sch_netem the message says so (see nslab_netem_apply()).
 */
int nslab_lab_netem_set(const struct nslab_topo *topo, const char *spec,
			const struct nslab_netem *ne, struct nslab_error *err);

/* nslab_lab_netem_show() - the root qdisc of @spec as the kernel has it now. */
int nslab_lab_netem_show(const struct nslab_topo *topo, const char *spec,
			 struct nslab_netem_live *ret, struct nslab_error *err);

/* nslab_lab_netem_clear() - delete the root qdisc of @spec; none is no error. */
int nslab_lab_netem_clear(const struct nslab_topo *topo, const char *spec, struct nslab_error *err);

/**
 * nslab_lab_link_set() - set both ends of @spec's cable down or up
 *
 * As a cable pull: the interface and the far end of its veth (the other
 * link endpoint, or a network's host port) go down together.  Taking a
 * device down makes the kernel drop its IPv6 addresses and every route
 * through it; so `up` puts back what the lab file gives those two
 * interfaces: their addresses, and their nodes' routes that leave through
 * them (`dev` the interface, or a `via` on one of its subnets).
 */
int nslab_lab_link_set(const struct nslab_topo *topo, const char *spec, bool up,
		       struct nslab_error *err);

#endif
