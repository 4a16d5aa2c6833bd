// SPDX-License-Identifier: LGPL-2.1-or-later
/* What a new lab may not take from the host or other labs: host ports, subnets. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>

#include "nslab/lab.h"
#include "nslab/nft.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "lab_internal.h"
#include "util.h"

static bool ports_overlap(const struct nslab_port *a, const struct nslab_port *b)
{
	if (a->proto != b->proto || a->host_end < b->host_port || b->host_end < a->host_port)
		return false;
	/* No address means every address of the host, as Docker's; "::" is counted so too. */
	return !a->host_ip || !b->host_ip || streq(a->host_ip, b->host_ip) ||
	       streq(a->host_ip, "::") || streq(b->host_ip, "::");
}

static bool prefixes_overlap(const struct nslab_prefix *a, const struct nslab_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;

	if (a->family != b->family)
		return false;
	for (unsigned int bit = 0; bit < len; bit++) {
		uint8_t m = (uint8_t)(0x80u >> (bit % 8));

		if ((a->addr[bit / 8] & m) != (b->addr[bit / 8] & m))
			return false;
	}
	return true;
}

static int check_other_lab(const struct nslab_topo *t, const struct nslab_topo *o,
			   struct nslab_error *err)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_ports; k++)
			for (size_t j = 0; j < o->n_nodes; j++)
				for (size_t q = 0; q < o->nodes[j].n_ports; q++) {
					const struct nslab_port *p = &t->nodes[i].ports[k];

					if (!ports_overlap(p, &o->nodes[j].ports[q]))
						continue;
					return nslab_err(
						err, EADDRINUSE,
						"%s:%d:%d: host port '%s' of node '%s' is "
						"published already by node '%s' of lab '%s'",
						t->file, p->pos.line, p->pos.col, p->spec,
						t->nodes[i].name, o->nodes[j].name, o->name);
				}
	for (size_t i = 0; i < t->n_networks; i++)
		for (size_t j = 0; j < o->n_networks; j++) {
			const struct nslab_network *n = &t->networks[i], *m = &o->networks[j];

			/* IPv4, then IPv6: both would route to two bridges at once. */
			for (int v6 = 0; v6 < 2; v6++) {
				const char *x = v6 ? n->subnet6 : n->subnet;
				const char *y = v6 ? m->subnet6 : m->subnet;
				struct nslab_prefix a, b;

				if (!x || !y || nslab_prefix_parse(x, false, &a) < 0 ||
				    nslab_prefix_parse(y, false, &b) < 0 ||
				    !prefixes_overlap(&a, &b))
					continue;
				return nslab_err(
					err, EADDRINUSE,
					"%s:%d:%d: subnet %s of network '%s' overlaps %s of "
					"network '%s' of lab '%s'",
					t->file, n->pos.line, n->pos.col, x, n->name, y, m->name,
					o->name);
			}
		}
	return 0;
}

struct route_scan {
	const struct nslab_topo *t;
	struct nslab_error *err;
	int r;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_scan *rs = data;
	const struct rtmsg *rtm = NLMSG_DATA(nlh);
	struct nslab_prefix dst = { 0 };
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_dst_len == 0 ||
	    rtm->rtm_family != AF_INET || rtm->rtm_table != RT_TABLE_MAIN)
		return 0;
	dst.family = AF_INET;
	dst.len = rtm->rtm_dst_len;
	for (attr = (const struct nlattr *)((const char *)rtm + NLMSG_ALIGN(sizeof(*rtm)));
	     (const char *)attr + sizeof(*attr) <= (const char *)nlh + nlh->nlmsg_len &&
	     attr->nla_len >= sizeof(*attr);
	     attr = (const struct nlattr *)((const char *)attr + NLA_ALIGN(attr->nla_len)))
		if ((attr->nla_type & NLA_TYPE_MASK) == RTA_DST && attr->nla_len >= 8)
			memcpy(dst.addr, (const char *)attr + NLA_HDRLEN, 4);
	for (size_t i = 0; i < rs->t->n_networks; i++) {
		const struct nslab_network *n = &rs->t->networks[i];
		struct nslab_prefix p;
		char buf[INET6_ADDRSTRLEN + 8];

		if (nslab_prefix_parse(n->subnet, false, &p) < 0 || !prefixes_overlap(&p, &dst))
			continue;
		rs->r = nslab_err(
			rs->err, EADDRINUSE,
			"%s:%d:%d: subnet %s of network '%s' overlaps the host's route to "
			"%s\nhint: choose another subnet",
			rs->t->file, n->pos.line, n->pos.col, n->subnet, n->name,
			nslab_prefix_format(&dst, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

/* One dump of the host's routes: a network may not shadow or be shadowed by one. */
static int check_host_routes(const struct nslab_topo *t, struct nslab_error *err)
{
	struct route_scan rs = { .t = t, .err = err };
	struct nslab_nl *nl = NULL;
	int r;

	r = nslab_nl_open(&nl, err);
	if (r < 0)
		return r;
	r = nslab_nl_request(nl, nslab_msg_getroute, NULL, "dump host routes", route_cb, &rs, err);
	nslab_nl_close(nl);
	return rs.r < 0 ? rs.r : r;
}

int lab_check_conflicts(const struct nslab_topo *t, struct nslab_error *err)
{
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	r = nslab_state_list(&names, &n, err);
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct nslab_topo *o = NULL;

		if (streq(names[i], t->name))
			continue;
		char a[64], b[64];

		/* "a-b" and "a_b" would share one nftables table. */
		nslab_nft_table_name(t->name, a, sizeof(a));
		nslab_nft_table_name(names[i], b, sizeof(b));
		if (streq(a, b)) {
			r = nslab_err(err, EEXIST,
				      "lab '%s' is deployed, and its nftables table %s would be "
				      "this lab's too\nhint: rename one of the labs",
				      names[i], a);
			break;
		}
		/*
		 * Unlocked: this deploy holds its own lab's lock, and another
		 * deploy checking against us may hold its own: waiting for it
		 * could deadlock.  A lab being claimed has no topology yet.
		 */
		{
			_cleanup_free_ char *text = NULL;
			size_t len = 0;

			if (nslab_state_peek_topology(names[i], &text, &len, NULL) < 0 ||
			    nslab_topo_parse(names[i], text, len, &o, NULL) < 0)
				continue; /* being claimed or destroyed: not in the way */
		}
		r = check_other_lab(t, o, err);
		nslab_topo_free(o);
	}
	nslab_strv_free(names, n);
	if (r >= 0 && t->n_networks)
		r = check_host_routes(t, err);
	return r;
}
