// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host interfaces that take IPv6 routes from router advertisements, kept so while the host forwards. */
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>

#include "nslab/hostsys.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/sysctl.h"
#include "lab_internal.h"
#include "util.h"

#define RA_IFACES_MAX 16

struct ra_scan {
	int oif[RA_IFACES_MAX];
	size_t n;
};

/* Every IPv6 route the kernel learned from a router advertisement: its device. */
static int ra_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct ra_scan *rs = data;
	const struct nlattr *attr;
	int oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET6 ||
	    rtm->rtm_protocol != RTPROT_RA)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) if (mnl_attr_get_type(attr) == RTA_OIF &&
						       mnl_attr_get_payload_len(attr) >= 4) oif =
		(int)mnl_attr_get_u32(attr);
	for (size_t i = 0; i < rs->n; i++)
		if (rs->oif[i] == oif)
			return 0;
	if (oif > 0 && rs->n < RA_IFACES_MAX)
		rs->oif[rs->n++] = oif;
	return 0;
}

/*
 * Turning net.ipv6.conf.all.forwarding on makes every interface a router's:
 * the kernel deletes the default routes learned from router advertisements
 * (rt6_purge_dflt_routers()) and ignores later ones, except on interfaces
 * with accept_ra=2.  So before a lab turns forwarding on, each interface
 * that has such routes and accept_ra=1 gets accept_ra=2, as a host sysctl
 * of the lab (saved, and given back after the last lab).  When forwarding
 * is on already and was not turned on by nslab, the host is a router by
 * its admin's choice: nothing is changed.  An interface still held at 2 by
 * another lab is counted too, so it stays so while any lab forwards.
 */
int lab_ra_keep(const char *lab, struct nslab_error *err)
{
	static const char *const fwd = LAB_IPV6_FORWARD_KEY;
	struct ra_scan rs = { 0 };
	struct nslab_nl *nl = NULL;
	char val[16] = "";
	int r;

	if (nslab_sysctl_read(fwd, val, sizeof(val), NULL) < 0)
		return 0; /* no IPv6 in this kernel: nothing forwards it */
	if (!streq(val, "0") && !nslab_hostsys_held(fwd))
		return 0;
	r = nslab_nl_open(&nl, err);
	if (r < 0)
		return r;
	r = nslab_nl_request(nl, nslab_msg_getroute, NULL, "dump the host's routes", ra_route_cb,
			     &rs, err);
	nslab_nl_close(nl);
	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		char name[IF_NAMESIZE], key[64];

		if (!if_indextoname((unsigned int)rs.oif[i], name))
			continue;
		snprintf(key, sizeof(key), "net.ipv6.conf.%s.accept_ra", name);
		if (nslab_sysctl_read(key, val, sizeof(val), NULL) < 0)
			continue;
		if (streq(val, "1") || (streq(val, "2") && nslab_hostsys_held(key)))
			r = nslab_hostsys_need(lab, key, "2", err);
	}
	return r;
}
