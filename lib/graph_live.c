// SPDX-License-Identifier: LGPL-2.1-or-later
/* Live state for the graph: which namespaces, bridges and interfaces of a lab exist, and how. */
#include <linux/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nslab/graph.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "util.h"

struct dev {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned int flags, mtu;
	char mac[18];
	char **addrs;
	size_t n_addrs, addrs_cap;
};

/* One namespace as the kernel shows it: its devices and their addresses. */
struct view {
	bool exists;
	struct dev *devs;
	size_t n, cap;
};

static void view_free(struct view *v)
{
	for (size_t i = 0; i < v->n; i++)
		nslab_strv_free(v->devs[i].addrs, v->devs[i].n_addrs);
	free(v->devs);
	memset(v, 0, sizeof(*v));
}

static struct dev *view_find(struct view *v, const char *name)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (streq(v->devs[i].name, name))
			return &v->devs[i];
	return NULL;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view *v = data;
	struct nslab_link_info li;
	struct dev *d;

	if (nslab_link_parse(nlh, &li) < 0 || !li.ifname)
		return 0;
	if (GROW(v->devs, v->cap, v->n) < 0)
		return -ENOMEM;
	d = &v->devs[v->n++];
	d->ifindex = li.ifindex;
	d->flags = li.flags;
	d->mtu = li.mtu;
	snprintf(d->name, sizeof(d->name), "%s", li.ifname);
	if (li.has_mac)
		snprintf(d->mac, sizeof(d->mac), "%02x:%02x:%02x:%02x:%02x:%02x", li.mac[0],
			 li.mac[1], li.mac[2], li.mac[3], li.mac[4], li.mac[5]);
	return 0;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct view *v = data;
	struct nslab_addr_info ai;
	char buf[INET6_ADDRSTRLEN + 8];
	struct dev *d = NULL;

	if (nslab_addr_parse(nlh, &ai) < 0)
		return 0;
	for (size_t i = 0; i < v->n && !d; i++)
		if (v->devs[i].ifindex == ai.ifindex)
			d = &v->devs[i];
	if (!d)
		return 0;
	if (GROW(d->addrs, d->addrs_cap, d->n_addrs) < 0)
		return -ENOMEM;
	d->addrs[d->n_addrs] = strdup(nslab_prefix_format(&ai.prefix, buf, sizeof(buf)));
	if (!d->addrs[d->n_addrs])
		return -ENOMEM;
	d->n_addrs++;
	return 0;
}

/* Load the view of namespace @netns (NULL: the caller's); absent is no error. */
static int view_load(const char *netns, struct view *v, struct nslab_error *err)
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
		/* A pin that is no longer a mount of a namespace: gone. */
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
	nslab_nl_close(nl);
	return r;
}

static enum nslab_graph_state dev_state(const struct dev *d)
{
	if (!d)
		return NSLAB_GRAPH_ABSENT;
	if (!(d->flags & IFF_UP))
		return NSLAB_GRAPH_DOWN;
	return d->flags & IFF_LOWER_UP ? NSLAB_GRAPH_UP : NSLAB_GRAPH_LOWERDOWN;
}

/* Copy the kernel's view of device @d (NULL: absent) into interface @f. */
static int set_if(struct nslab_graph_if *f, struct dev *d)
{
	f->state = dev_state(d);
	if (!d)
		return 0;
	f->ifindex = d->ifindex;
	f->live_mtu = d->mtu;
	snprintf(f->live_mac, sizeof(f->live_mac), "%s", d->mac);
	f->live_addrs = TAKE_PTR(d->addrs);
	f->n_live_addrs = d->n_addrs;
	d->n_addrs = 0;
	d->addrs_cap = 0;
	return 0;
}

/* Replace line @k of a label by "@line (@state)". */
static int mark(char **line, enum nslab_graph_state s)
{
	char *n;

	if (asprintf(&n, "%s (%s)", *line, nslab_graph_state_to_string(s)) < 0)
		return -ENOMEM;
	free(*line);
	*line = n;
	return 0;
}

/* Say on the labels what is not as the file wants: absent nodes, interfaces not up. */
static int mark_labels(struct nslab_graph *g)
{
	int r = 0;

	for (size_t i = 0; i < g->n_nodes && r >= 0; i++) {
		struct nslab_graph_node *n = &g->nodes[i];

		if (n->state == NSLAB_GRAPH_ABSENT || n->state == NSLAB_GRAPH_DOWN)
			r = mark(&n->lines[1], n->state);
	}
	for (size_t l = 0; l < g->n_links && r >= 0; l++)
		for (int e = 0; e < 2 && r >= 0; e++) {
			struct nslab_graph_end *end = &g->links[l].end[e];
			const struct nslab_graph_if *f = &g->nodes[end->node].ifs[end->iface];

			if (end->n_lines && f->state != NSLAB_GRAPH_UP)
				r = mark(&end->lines[0], f->state);
		}
	return r;
}

static int read_node(struct nslab_graph *g, struct nslab_graph_node *n, struct view *host,
		     struct nslab_error *err)
{
	struct view own = { 0 }, *v = host;
	int r = 0;

	if (n->net) {
		n->state = dev_state(view_find(host, n->net->bridge));
	} else if (n->node->kind == NSLAB_KIND_HOST) {
		n->state = NSLAB_GRAPH_PRESENT;
	} else if (n->node->kind == NSLAB_KIND_BRIDGE) {
		n->state = dev_state(view_find(host, n->node->name));
		if (n->state == NSLAB_GRAPH_LOWERDOWN) /* a bridge without ports */
			n->state = NSLAB_GRAPH_UP;
	} else {
		r = view_load(n->node->netns, &own, err);
		if (r < 0) {
			view_free(&own);
			return nslab_err_prefix(err, "node %s", n->name);
		}
		n->state = own.exists ? NSLAB_GRAPH_RUNNING : NSLAB_GRAPH_ABSENT;
		v = own.exists ? &own : NULL;
	}
	for (size_t k = 0; k < n->n_ifs && r >= 0; k++)
		r = set_if(&n->ifs[k], view_find(v, n->ifs[k].name));
	view_free(&own);
	return r;
}

int nslab_graph_read_live(struct nslab_graph *g, struct nslab_error *err)
{
	struct view host = { 0 };
	int r;

	r = view_load(NULL, &host, err);
	for (size_t i = 0; i < g->n_nodes && r >= 0; i++)
		r = read_node(g, &g->nodes[i], &host, err);
	view_free(&host);
	if (r >= 0) {
		r = mark_labels(g);
		if (r < 0)
			return nslab_err(err, r, "out of memory");
		g->live = true;
	}
	return r;
}
