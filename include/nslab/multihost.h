/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Multi-host labs: the names and VNIs every host derives from the file alone,
 * identically, with no coordination (see docs/design.md, "Multi-host").
 */
#ifndef NSLAB_MULTIHOST_H
#define NSLAB_MULTIHOST_H

#include <stddef.h>
#include <stdint.h>

#include "nslab/error.h"

/* Derived VNIs live in [NSLAB_VNI_FIRST, NSLAB_VNI_LAST]: below it stays free
 * for the VNIs users write themselves (`type: vxlan`, containerlab's style). */
#define NSLAB_VNI_FIRST 0x100000u
#define NSLAB_VNI_LAST 0xfffffeu

/* The UDP port of the tunnels nslab derives (containerlab's default too). */
#define NSLAB_MH_PORT 14789u

/*
 * The key of a tunnel, the same on every host: "link:<a>|<b>" for a veth
 * between hosts, its two "node:iface" ends in byte order; "seg:<segment>|<h1>|<h2>"
 * for the tunnel of a stretched segment between two hosts, the hosts in byte
 * order.  Return the length, or -ENAMETOOLONG when @size is too small.
 */
int nslab_mh_link_key(const char *a_node, const char *a_if, const char *b_node, const char *b_if,
		      char *buf, size_t size);
int nslab_mh_segment_key(const char *segment, const char *host_a, const char *host_b, char *buf,
			 size_t size);

/**
 * nslab_mh_assign_vnis() - one VNI per key, deterministic and collision-free
 * @lab:	the lab's name (part of every hash: two labs get different VNIs)
 * @keys, @n:	the lab's tunnel keys, in any order (each once)
 * @taken, @n_taken:	VNIs the file already uses explicitly (avoided)
 * @ret_vnis:	@n entries, in the order of @keys
 *
 * Keys are handled in byte order: each takes FNV-1a(lab, key) folded into the
 * range, or the next free value when that one is taken.  The result depends
 * on the set of keys, never on their order or on the host.
 * Return 0, -EINVAL for a duplicate key, -ENOSPC, or -ENOMEM.
 */
int nslab_mh_assign_vnis(const char *lab, const char *const *keys, size_t n, const uint32_t *taken,
			 size_t n_taken, uint32_t *ret_vnis, struct nslab_error *err);

/*
 * The host-namespace name of a stretched segment's tunnel to @remote_host:
 * "nsx" and 8 hex digits of a hash of lab, segment and remote host (<= 15 bytes).
 * @buf of at least 16 bytes.
 */
void nslab_mh_segment_ifname(const char *lab, const char *segment, const char *remote_host,
			     char *buf);

#endif
