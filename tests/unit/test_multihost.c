// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the multi-host derivations: keys, VNIs, tunnel names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/multihost.h"
#include "tap.h"
#include "util.h"

static void test_keys(void)
{
	char a[128], b[128];

	nslab_mh_link_key("r1", "eth1", "r2", "eth1", a, sizeof(a));
	nslab_mh_link_key("r2", "eth1", "r1", "eth1", b, sizeof(b));
	is_str(a, "link:r1:eth1|r2:eth1", "link key: ends in byte order");
	is_str(b, a, "link key: the same from either end");
	nslab_mh_segment_key("br0", "hostB", "hostA", a, sizeof(a));
	nslab_mh_segment_key("br0", "hostA", "hostB", b, sizeof(b));
	is_str(a, "seg:br0|hostA|hostB", "segment key: hosts in byte order");
	is_str(b, a, "segment key: the same from either host");
	is_int(nslab_mh_link_key("r1", "eth1", "r2", "eth1", a, 8), -ENAMETOOLONG,
	       "link key: too small a buffer is an error, not a truncation");
}

static void test_vnis(void)
{
	const char *keys[] = { "link:a:e1|b:e1", "link:a:e2|c:e1", "seg:net|h1|h2",
			       "seg:net|h1|h3" };
	const char *rev[] = { "seg:net|h1|h3", "seg:net|h1|h2", "link:a:e2|c:e1",
			      "link:a:e1|b:e1" };
	uint32_t v[4], w[4], x[4];
	struct nslab_error err = { 0 };
	bool in_range = true, distinct = true;

	is_int(nslab_mh_assign_vnis("lab", keys, 4, NULL, 0, v, &err), 0, "vnis: assigned");
	is_int(nslab_mh_assign_vnis("lab", rev, 4, NULL, 0, w, &err), 0, "vnis: reversed order");
	ok(v[0] == w[3] && v[1] == w[2] && v[2] == w[1] && v[3] == w[0],
	   "vnis: a key gets the same VNI whatever the order of the keys (every host agrees)");
	for (int i = 0; i < 4; i++) {
		in_range &= v[i] >= NSLAB_VNI_FIRST && v[i] <= NSLAB_VNI_LAST;
		for (int j = 0; j < i; j++)
			distinct &= v[i] != v[j];
	}
	ok(in_range, "vnis: inside the derived range");
	ok(distinct, "vnis: distinct");
	nslab_mh_assign_vnis("other", keys, 4, NULL, 0, x, &err);
	ok(memcmp(v, x, sizeof(v)) != 0, "vnis: another lab name gives other VNIs");

	/* A VNI the file uses explicitly is never handed out again. */
	uint32_t taken[] = { v[0] };

	nslab_mh_assign_vnis("lab", keys, 4, taken, 1, x, &err);
	ok(x[0] != v[0] && x[0] >= NSLAB_VNI_FIRST, "vnis: an explicit VNI is skipped");
	ok(x[1] == v[1] && x[2] == v[2] && x[3] == v[3], "vnis: the others are unchanged");

	const char *dup[] = { "link:a:e1|b:e1", "seg:x|h1|h2", "link:a:e1|b:e1" };

	is_int(nslab_mh_assign_vnis("lab", dup, 3, NULL, 0, x, &err), -EINVAL,
	       "vnis: duplicate key");
	ok(strstr(err.msg, "link:a:e1|b:e1") != NULL, "vnis: the duplicate is named: %s", err.msg);
}

/* 20,000 tunnels: every VNI distinct even though the hash collides in places. */
static void test_vnis_many(void)
{
	enum { N = 20000 };
	char **keys = calloc(N, sizeof(*keys));
	uint32_t *v = calloc(N, sizeof(*v));
	struct nslab_error err = { 0 };
	size_t dups = 0;
	uint8_t *seen = calloc((NSLAB_VNI_LAST + 8) / 8, 1);

	for (int i = 0; i < N; i++) {
		keys[i] = malloc(64);
		snprintf(keys[i], 64, "link:r%d:eth1|r%d:eth2", i, i + 1);
	}
	is_int(nslab_mh_assign_vnis("big", (const char *const *)keys, N, NULL, 0, v, &err), 0,
	       "20000 vnis: assigned");
	for (int i = 0; i < N; i++) {
		if (seen[v[i] / 8] & (1u << (v[i] % 8)))
			dups++;
		seen[v[i] / 8] |= (uint8_t)(1u << (v[i] % 8));
		free(keys[i]);
	}
	is_int((int)dups, 0, "20000 vnis: no two equal");
	free(keys);
	free(v);
	free(seen);
}

static void test_ifname(void)
{
	char a[16], b[16], c[16];

	nslab_mh_segment_ifname("lab", "br0", "hostB", a);
	nslab_mh_segment_ifname("lab", "br0", "hostB", b);
	nslab_mh_segment_ifname("lab", "br0", "hostC", c);
	is_int((int)strlen(a), 11, "segment ifname: 11 bytes, fits IFNAMSIZ");
	ok(strncmp(a, "nsx", 3) == 0, "segment ifname: nsx prefix (%s)", a);
	is_str(a, b, "segment ifname: deterministic");
	ok(strcmp(a, c) != 0, "segment ifname: one per remote host");
}

int main(void)
{
	test_keys();
	test_vnis();
	test_vnis_many();
	test_ifname();
	return tap_done();
}
