/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named network namespaces, pinned under /run/netns exactly as `ip netns add` does. */
#ifndef NSLAB_NETNS_H
#define NSLAB_NETNS_H

#include <stdbool.h>

#include "nslab/error.h"

#define NSLAB_NETNS_DIR "/run/netns"

/* Called inside the new namespace (calling thread only); return 0 or -errno. */
typedef int (*nslab_netns_inside_fn)(void *data, struct nslab_error *err);

/**
 * nslab_netns_prepare() - create /run/netns and make it a shared mount point,
 * as iproute2 does, so pins propagate to `ip netns exec` mount namespaces.
 */
int nslab_netns_prepare(struct nslab_error *err);

/**
 * nslab_netns_create() - create and pin a new namespace called @name
 * @home_fd:	the namespace the thread returns to: the caller's current one,
 *		or -1 to have it opened here (a caller making many passes it)
 * @inside:	optional; runs in the new namespace before the thread returns
 *		to its own (open sockets, write sysctls there: cheaper than
 *		entering it again later)
 * @ret_fd:	optional; an O_CLOEXEC fd of the new namespace, the caller's
 *
 * Fails with -EEXIST when /run/netns/@name exists.  On failure nothing is
 * left behind, and the calling thread is always back in its own namespace.
 */
int nslab_netns_create(const char *name, int home_fd, nslab_netns_inside_fn inside, void *data,
		       int *ret_fd, struct nslab_error *err);

/**
 * nslab_netns_attach() - pin the namespace at @src (/proc/PID/ns/net, or a
 * pin elsewhere) as /run/netns/@name, as `ip netns attach` does.
 * *@ret_fd (optional) is an fd of it, the caller's.  -EEXIST if the name is taken.
 */
int nslab_netns_attach(const char *name, const char *src, int *ret_fd, struct nslab_error *err);

/* Open /run/netns/@name (or a path with '/'); *@ret_fd is the caller's. */
int nslab_netns_open(const char *name, int *ret_fd, struct nslab_error *err);

/* True when /run/netns/@name exists. */
bool nslab_netns_exists(const char *name);

/**
 * nslab_netns_unpin() - undo nslab_netns_create(): lazily unmount and unlink
 * the pin.  The kernel frees the namespace (and its devices) asynchronously
 * once nothing else holds it.  An absent pin is not an error.
 */
int nslab_netns_unpin(const char *name, struct nslab_error *err);

/* setns(@fd, CLONE_NEWNET) for the calling thread. */
int nslab_netns_enter(int fd, struct nslab_error *err);

#endif
