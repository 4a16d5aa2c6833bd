/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysctls of the calling thread's network namespace, through /proc/sys. */
#ifndef NSLAB_SYSCTL_H
#define NSLAB_SYSCTL_H

#include <stddef.h>

#include "nslab/error.h"

/*
 * nslab_sysctl_write() - write @value to /proc/sys/@key (dots become
 * slashes).  /proc/sys/net resolves against the namespace of the calling
 * thread, so this writes the sysctl of the namespace the thread is in.
 */
int nslab_sysctl_write(const char *key, const char *value, struct nslab_error *err);

/* Read it into @buf (trailing newline removed). */
int nslab_sysctl_read(const char *key, char *buf, size_t size, struct nslab_error *err);

#endif
