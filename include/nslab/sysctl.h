/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysctls of the calling thread's network namespace, through /proc/sys. */
#ifndef NSLAB_SYSCTL_H
#define NSLAB_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"

/*
 * nslab_sysctl_write() - write @value to /proc/sys/@key (dots become
 * slashes).  /proc/sys/net resolves against the namespace of the calling
 * thread, so this writes the sysctl of the namespace the thread is in.
 */
int nslab_sysctl_write(const char *key, const char *value, struct nslab_error *err);

/**
 * nslab_sysctl_private_proc() - a procfs instance of our own, mounted
 * nowhere (fsopen/fsmount); *@ret_mnt is an fd of its root, the caller's.
 *
 * Kernel quirk: every namespace has its own /proc/sys/net dentry, all
 * hashed under the same parent and name in one procfs instance, so a path
 * lookup from /proc/sys walks a chain as long as the number of namespaces
 * that were ever looked up there (quadratic for a lab).  In an instance of
 * our own, used for a bounded number of namespaces, the chain stays short.
 * Return 0 or -errno (kernels before 5.2, no CAP_SYS_ADMIN).
 */
int nslab_sysctl_private_proc(int *ret_mnt);

/**
 * nslab_sysctl_open_net() - open sys/net of the calling thread's namespace
 * for nslab_sysctl_write_at(): in the procfs instance @proc_mnt, or in a
 * fresh one when -1, or at worst in /proc.  *@ret_fd is the caller's.
 */
int nslab_sysctl_open_net(int proc_mnt, int *ret_fd, struct nslab_error *err);

/* As nslab_sysctl_read(), relative to @net_fd. */
int nslab_sysctl_read_at(int net_fd, const char *key, char *buf, size_t size,
			 struct nslab_error *err);

/* As nslab_sysctl_write(), for a "net." key, relative to @net_fd. */
int nslab_sysctl_write_at(int net_fd, const char *key, const char *value, struct nslab_error *err);

/*
 * True when @key names one device (net.ipv4.conf.eth1.rp_filter): it can be
 * written only once that device exists.  "all" and "default" are not devices.
 */
bool nslab_sysctl_is_per_device(const char *key);

/*
 * nslab_sysctl_to_path() - the path of @key under /proc/sys, as sysctl(8)'s
 * slash form: "net.ipv4.conf.eth1.100.forwarding" gives
 * "net/ipv4/conf/eth1.100/forwarding" (in a per-device key, the device is
 * everything up to the last dot).  Return 0, or -EINVAL.
 */
int nslab_sysctl_to_path(const char *key, char *buf, size_t size);

/* Read it into @buf (trailing newline removed). */
int nslab_sysctl_read(const char *key, char *buf, size_t size, struct nslab_error *err);

#endif
