// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names and VNIs of a multi-host lab's tunnels, derived from the file alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/multihost.h"
#include "util.h"

static int key2(const char *tag, const char *x, const char *y, const char *pre, char *buf,
		size_t size)
{
	int len;

	if (strcmp(x, y) > 0) {
		const char *t = x;

		x = y;
		y = t;
	}
	len = snprintf(buf, size, "%s:%s%s|%s", tag, pre, x, y);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : len;
}

int nslab_mh_link_key(const char *a_node, const char *a_if, const char *b_node, const char *b_if,
		      char *buf, size_t size)
{
	char a[300], b[300];

	if ((size_t)snprintf(a, sizeof(a), "%s:%s", a_node, a_if) >= sizeof(a) ||
	    (size_t)snprintf(b, sizeof(b), "%s:%s", b_node, b_if) >= sizeof(b))
		return -ENAMETOOLONG;
	return key2("link", a, b, "", buf, size);
}

int nslab_mh_segment_key(const char *segment, const char *host_a, const char *host_b, char *buf,
			 size_t size)
{
	char pre[300];

	if ((size_t)snprintf(pre, sizeof(pre), "%s|", segment) >= sizeof(pre))
		return -ENAMETOOLONG;
	return key2("seg", host_a, host_b, pre, buf, size);
}

static const char *const *sort_keys;

static int by_key(const void *a, const void *b)
{
	return strcmp(sort_keys[*(const size_t *)a], sort_keys[*(const size_t *)b]);
}

int nslab_mh_assign_vnis(const char *lab, const char *const *keys, size_t n, const uint32_t *taken,
			 size_t n_taken, uint32_t *ret_vnis, struct nslab_error *err)
{
	const uint32_t range = NSLAB_VNI_LAST - NSLAB_VNI_FIRST + 1;
	size_t *order = calloc(n ? n : 1, sizeof(*order));
	/* One bit per VNI of the range: 2 MiB of address space, of which only
	 * the pages touched are ever backed. */
	uint8_t *used = calloc(range / 8 + 1, 1);
	int r = 0;

#define USED(v) (used[((v)-NSLAB_VNI_FIRST) / 8] & (1u << (((v)-NSLAB_VNI_FIRST) % 8)))
#define MARK(v) (used[((v)-NSLAB_VNI_FIRST) / 8] |= (uint8_t)(1u << (((v)-NSLAB_VNI_FIRST) % 8)))
	if (!order || !used) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	if (n + n_taken > range) {
		r = nslab_err(err, ENOSPC, "%zu tunnels do not fit in %u VNIs", n, range);
		goto out;
	}
	for (size_t i = 0; i < n_taken; i++)
		if (taken[i] >= NSLAB_VNI_FIRST && taken[i] <= NSLAB_VNI_LAST)
			MARK(taken[i]);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_keys = keys; /* qsort has no context argument; single-threaded use */
	qsort(order, n, sizeof(*order), by_key);
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		uint32_t v;

		if (k && streq(keys[i], keys[order[k - 1]])) {
			r = nslab_err(err, EINVAL, "tunnel '%s' is declared twice", keys[i]);
			goto out;
		}
		v = NSLAB_VNI_FIRST +
		    nslab_fnv1a(nslab_fnv1a(NSLAB_FNV1A_SEED, lab), keys[i]) % range;
		while (USED(v)) /* linear probing, in key order: the same on every host */
			v = v == NSLAB_VNI_LAST ? NSLAB_VNI_FIRST : v + 1;
		MARK(v);
		ret_vnis[i] = v;
	}
#undef USED
#undef MARK
out:
	free(order);
	free(used);
	return r;
}

void nslab_mh_segment_ifname(const char *lab, const char *segment, const char *remote_host,
			     char *buf)
{
	uint32_t h = nslab_fnv1a(
		nslab_fnv1a(
			nslab_fnv1a(nslab_fnv1a(nslab_fnv1a(NSLAB_FNV1A_SEED, lab), "/"), segment),
			"/"),
		remote_host);

	snprintf(buf, 16, "nsx%08x", h);
}
