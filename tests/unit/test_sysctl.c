// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of sysctl names: dotted keys to /proc/sys paths, per-device keys. */
#include <errno.h>
#include <string.h>

#include "nslab/sysctl.h"
#include "tap.h"

static void path_is(const char *key, const char *want)
{
	char buf[256] = "";

	is_int(nslab_sysctl_to_path(key, buf, sizeof(buf)), 0, "%s converts", key);
	is_str(buf, want, "%s -> %s", key, want);
}

int main(void)
{
	char small[8];

	path_is("net.ipv4.ip_forward", "net/ipv4/ip_forward");
	path_is("net.ipv4.conf.all.forwarding", "net/ipv4/conf/all/forwarding");
	path_is("net.ipv4.conf.eth1.rp_filter", "net/ipv4/conf/eth1/rp_filter");
	/* an interface name with dots (a VLAN-style name): the device is all of it */
	path_is("net.ipv4.conf.eth1.100.forwarding", "net/ipv4/conf/eth1.100/forwarding");
	path_is("net.ipv6.conf.a.b.c.disable_ipv6", "net/ipv6/conf/a.b.c/disable_ipv6");
	path_is("net.ipv4.neigh.e1.5.gc_stale_time", "net/ipv4/neigh/e1.5/gc_stale_time");
	path_is("net.core.somaxconn", "net/core/somaxconn");
	is_int(nslab_sysctl_to_path("net..x", small, sizeof(small)), -EINVAL, "'..' is refused");
	is_int(nslab_sysctl_to_path("/etc/x", small, sizeof(small)), -EINVAL, "a path is refused");
	is_int(nslab_sysctl_to_path("net.ipv4.ip_forward", small, sizeof(small)), -EINVAL,
	       "no room is an error, not a truncation");
	ok(nslab_sysctl_is_per_device("net.ipv4.conf.eth1.100.forwarding"),
	   "eth1.100's key is per device");
	ok(!nslab_sysctl_is_per_device("net.ipv4.conf.all.forwarding"), "all is not a device");
	ok(!nslab_sysctl_is_per_device("net.ipv4.conf.default.rp_filter"),
	   "default is not a device");
	ok(!nslab_sysctl_is_per_device("net.ipv4.ip_forward"), "ip_forward is not per device");
	return tap_done();
}
