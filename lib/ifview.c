// SPDX-License-Identifier: LGPL-2.1-or-later
/* The live view of one namespace, for inspect and graph: links, addresses, qdiscs. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nslab/ifview.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/state.h"
#include "util.h"

void nslab_ifview_free(struct nslab_ifview *v)
{
	for (size_t i = 0; i < v->n; i++)
		nslab_strv_free(v->ifs[i].addrs, v->ifs[i].n_addrs);
	free(v->ifs);
	memset(v, 0, sizeof(*v));
}

struct nslab_ifview_if *nslab_ifview_find(struct nslab_ifview *v, int ifindex)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (v->ifs[i].li.ifindex == ifindex)
			return &v->ifs[i];
	return NULL;
}

struct nslab_ifview_if *nslab_ifview_find_name(struct nslab_ifview *v, const char *name)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (streq(v->ifs[i].name, name))
			return &v->ifs[i];
	return NULL;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_ifview *v = data;
	struct nslab_link_info li;
	struct nslab_ifview_if *f;

	if (nslab_link_parse(nlh, &li) < 0 || !li.ifname)
		return 0;
	if (GROW(v->ifs, v->cap, v->n) < 0)
		return -ENOMEM;
	f = &v->ifs[v->n++];
	memset(f, 0, sizeof(*f));
	f->li = li;
	snprintf(f->name, sizeof(f->name), "%s", li.ifname);
	snprintf(f->kind, sizeof(f->kind), "%s", li.kind ? li.kind : "");
	/* The strings point into the message, which is gone after the callback. */
	f->li.ifname = f->name;
	f->li.kind = NULL;
	f->li.alias = NULL;
	if (li.has_mac)
		snprintf(f->mac, sizeof(f->mac), "%02x:%02x:%02x:%02x:%02x:%02x", li.mac[0],
			 li.mac[1], li.mac[2], li.mac[3], li.mac[4], li.mac[5]);
	return 0;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nslab_ifview *v = data;
	struct nslab_addr_info ai;
	char buf[INET6_ADDRSTRLEN + 8];
	struct nslab_ifview_if *f;

	if (nslab_addr_parse(nlh, &ai) < 0)
		return 0;
	f = nslab_ifview_find(v, ai.ifindex);
	if (!f)
		return 0;
	if (GROW(f->addrs, f->addrs_cap, f->n_addrs) < 0)
		return -ENOMEM;
	f->addrs[f->n_addrs] = strdup(nslab_prefix_format(&ai.prefix, buf, sizeof(buf)));
	if (!f->addrs[f->n_addrs])
		return -ENOMEM;
	f->n_addrs++;
	return 0;
}

/* Each interface's root qdisc, from one dump of the namespace's qdiscs. */
static int load_qdiscs(struct nslab_nl *nl, struct nslab_ifview *v, struct nslab_error *err)
{
	struct nslab_netem_live *q = NULL;
	size_t n = 0;
	int r;

	r = nslab_netem_dump(nl, &q, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nslab_ifview_if *f = nslab_ifview_find(v, q[i].ifindex);

		if (f)
			f->tc = q[i];
	}
	free(q);
	return 0;
}

int nslab_ifview_load(const char *netns, bool qdiscs, struct nslab_ifview *v,
		      struct nslab_error *err)
{
	struct nslab_link_req lreq;
	struct nslab_addr_req areq = { .family = AF_UNSPEC };
	struct nslab_nl *nl = NULL;
	int fd = -1, r;

	memset(v, 0, sizeof(*v));
	if (netns) {
		r = nslab_netns_open(netns, &fd, err);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return r;
		r = nslab_nl_open_netns(fd, &nl, err);
		close(fd);
		/* A pin that is no longer a mount of a namespace: gone too. */
		if (r == -EINVAL)
			return 0;
	} else {
		r = nslab_nl_open(&nl, err);
	}
	if (r < 0)
		return r;
	v->exists = true;
	nslab_link_req_init(&lreq);
	lreq.dump = true;
	r = nslab_nl_request(nl, nslab_msg_getlink, &lreq, "dump links", link_cb, v, err);
	if (r >= 0)
		r = nslab_nl_request(nl, nslab_msg_getaddr, &areq, "dump addresses", addr_cb, v,
				     err);
	if (r >= 0 && qdiscs)
		r = load_qdiscs(nl, v, err);
	nslab_nl_close(nl);
	return r;
}
