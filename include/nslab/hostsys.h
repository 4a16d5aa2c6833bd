/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host sysctls a lab needs (ip_forward, route_localnet), counted across labs. */
#ifndef NSLAB_HOSTSYS_H
#define NSLAB_HOSTSYS_H

#include <stdbool.h>

#include "nslab/error.h"

/**
 * nslab_hostsys_need() - lab @lab needs host sysctl @key (e.g.
 * "net.ipv4.ip_forward") to be @value.  The first lab that needs it saves
 * the host's value in <rundir>/.host/<key> and sets it; later labs add
 * themselves to the list.  Under a lock of its own.
 */
int nslab_hostsys_need(const char *lab, const char *key, const char *value,
		       struct nslab_error *err);

/* Whether some lab holds host sysctl @key (nslab set it, and will give it back). */
bool nslab_hostsys_held(const char *key);

/**
 * nslab_hostsys_release() - lab @lab no longer needs any host sysctl; each
 * one no lab needs any more gets back the value saved when it was set.
 * The accept_ra keys go last: by then forwarding, which they are set for,
 * has its own value back (lib/lab_ra.c).
 */
int nslab_hostsys_release(const char *lab, struct nslab_error *err);

#endif
