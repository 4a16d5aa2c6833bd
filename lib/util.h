/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by libnslab and the CLI: cleanup attributes, allocation. */
#ifndef NSLAB_UTIL_H
#define NSLAB_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _fd = (fd); \
		(fd) = -1;      \
		_fd;            \
	})

/*
 * 32-bit FNV-1a of @s, continued from @h (start with NSLAB_FNV1A_SEED; chain
 * calls to hash "a/b/c").  Device groups, bridge and port names, VNIs and
 * MACs derive from it, on every host alike: its values must never change.
 */
#define NSLAB_FNV1A_SEED 2166136261u
static inline uint32_t nslab_fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Grow *@array (of *@n elements of @size bytes) so that index *@n is valid;
 * doubles the capacity *@cap.  Return 0 or -ENOMEM; the new slot is zeroed. */
int nslab_grow(void **array, size_t *cap, size_t n, size_t size);

#define GROW(array, cap, n) nslab_grow((void **)&(array), &(cap), (n), sizeof(*(array)))

#endif
