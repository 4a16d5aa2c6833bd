// SPDX-License-Identifier: LGPL-2.1-or-later
/* One host's share of a multi-host lab: placement, cross-host links, stretched segments, VNIs. */
#include <stdio.h>

#include "nslab/multihost.h"
#include "plan_hosts.h"
#include "util.h"

const char *plan_mh_segment_name(const struct nslab_topo *topo, long node, long network, char *buf,
				 size_t size)
{
	/* "net:" cannot start a node name: a network and a node never share a key. */
	if (node >= 0)
		snprintf(buf, size, "%s", topo->nodes[node].name);
	else
		snprintf(buf, size, "net:%s", topo->networks[network].name);
	return buf;
}

void plan_mh_gateway_mac(const char *lab, const char *net, char *buf)
{
	/* FNV-1a over "lab/net", then one more byte (0x5a) for the last byte of the MAC */
	uint32_t h = nslab_fnv1a(nslab_fnv1a(nslab_fnv1a(NSLAB_FNV1A_SEED, lab), "/"), net);
	uint32_t g = nslab_fnv1a(h, "\x5a");

	/* 02: locally administered, unicast */
	snprintf(buf, 18, "02:%02x:%02x:%02x:%02x:%02x", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff,
		 h & 0xff, g >> 24);
}

void plan_mh_if_mac(const char *lab, const char *node, const char *ifname, char *buf)
{
	/* FNV-1a over "lab/node/ifname", then one more byte (0xa5) for the last byte of the MAC */
	const char *parts[] = { lab, "/", node, "/", ifname };
	uint32_t h = NSLAB_FNV1A_SEED, g;

	for (size_t i = 0; i < 5; i++)
		h = nslab_fnv1a(h, parts[i]);
	g = nslab_fnv1a(h, "\xa5");
	/* 02: locally administered, unicast */
	snprintf(buf, 18, "02:%02x:%02x:%02x:%02x:%02x", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff,
		 h & 0xff, g >> 24);
}

void plan_mh_free(struct nslab_plan_mh *mh)
{
	if (!mh)
		return;
	free(mh->node_here);
	free(mh->link_local_end);
	free(mh->link_here);
	free(mh->link_remote);
	free(mh->link_vni);
	for (size_t i = 0; i < mh->n_segs; i++)
		free(mh->segs[i].tunnels);
	free(mh->segs);
	free(mh);
}

static bool floating_bridge(const struct nslab_node *n)
{
	return n->host < 0 && (n->kind == NSLAB_KIND_BRIDGE || n->kind == NSLAB_KIND_SWITCH);
}

/* Keys of the lab's derived tunnels, their VNIs once assigned. */
struct keys {
	char **k;
	uint32_t *vni;
	size_t n, cap;
};

static int key_add(struct keys *ks, const char *k)
{
	if (GROW(ks->k, ks->cap, ks->n) < 0)
		return -ENOMEM;
	ks->k[ks->n] = strdup(k);
	if (!ks->k[ks->n])
		return -ENOMEM;
	ks->n++;
	return 0;
}

static uint32_t key_vni(const struct keys *ks, const char *k)
{
	for (size_t i = 0; i < ks->n; i++)
		if (streq(ks->k[i], k))
			return ks->vni[i];
	return 0;
}

static void keys_free(struct keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
	free(ks->vni);
}

/* Member hosts of every segment: a row of n_hosts per bridge node, then per network. */
struct members {
	bool *node; /* [node * n_hosts + host] */
	bool *net; /* [network * n_hosts + host] */
};

static size_t count_hosts(const bool *row, size_t n)
{
	size_t c = 0;

	for (size_t h = 0; h < n; h++)
		c += row[h];
	return c;
}

/* Where each link is built; which hosts each unplaced bridge serves. */
static void place_links(const struct nslab_topo *t, struct nslab_plan_mh *mh, struct members *m)
{
	size_t nh = t->n_hosts;

	for (size_t l = 0; l < t->n_links; l++) {
		const struct nslab_link *lk = &t->links[l];
		int ha = t->nodes[lk->ep[0].node].host, hz = t->nodes[lk->ep[1].node].host;
		int site;

		mh->link_remote[l] = -1;
		mh->link_local_end[l] = -1;
		if (nslab_link_crosses_hosts(t, lk)) {
			/* Across hosts: each end is a tunnel on its own host. */
			if (ha == mh->host || hz == mh->host) {
				mh->link_local_end[l] = ha == mh->host ? 0 : 1;
				mh->link_remote[l] = ha == mh->host ? hz : ha;
			}
			continue;
		}
		/* An unplaced end follows the placed one; two unplaced: the first host. */
		site = ha >= 0 ? ha : hz >= 0 ? hz : 0;
		for (int e = 0; e < 2; e++)
			if (floating_bridge(&t->nodes[lk->ep[e].node]))
				m->node[lk->ep[e].node * nh + (size_t)site] = true;
		mh->link_here[l] = site == mh->host;
	}
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		for (size_t k = 0; k < n->n_networks; k++)
			if (n->host >= 0)
				m->net[n->networks[k].network * nh + (size_t)n->host] = true;
		/* A bridge with no member at all is made where a lone node would be. */
		if (floating_bridge(n) && count_hosts(&m->node[i * nh], nh) == 0)
			m->node[i * nh] = true;
	}
}

/* Every tunnel key of the lab (not only this host's): both ends must agree. */
static int collect_keys(const struct nslab_topo *t, const struct members *m, struct keys *ks)
{
	size_t nh = t->n_hosts;
	char key[1200], seg[300];

	for (size_t l = 0; l < t->n_links; l++) {
		const struct nslab_endpoint *a = &t->links[l].ep[0], *z = &t->links[l].ep[1];
		int ha = t->nodes[a->node].host, hz = t->nodes[z->node].host;

		if (ha < 0 || hz < 0 || ha == hz)
			continue;
		if (nslab_mh_link_key(t->nodes[a->node].name, a->ifname, t->nodes[z->node].name,
				      z->ifname, key, sizeof(key)) < 0 ||
		    key_add(ks, key) < 0)
			return -ENOMEM;
	}
	for (size_t s = 0; s < t->n_nodes + t->n_networks; s++) {
		bool is_node = s < t->n_nodes;
		const bool *row = is_node ? &m->node[s * nh] : &m->net[(s - t->n_nodes) * nh];

		if (is_node && !floating_bridge(&t->nodes[s]))
			continue;
		plan_mh_segment_name(t, is_node ? (long)s : -1,
				     is_node ? -1 : (long)(s - t->n_nodes), seg, sizeof(seg));
		for (size_t h1 = 0; h1 < nh; h1++)
			for (size_t h2 = h1 + 1; h2 < nh; h2++) {
				if (!row[h1] || !row[h2])
					continue;
				if (nslab_mh_segment_key(seg, t->hosts[h1].name, t->hosts[h2].name,
							 key, sizeof(key)) < 0 ||
				    key_add(ks, key) < 0)
					return -ENOMEM;
			}
	}
	return 0;
}

static int assign(const struct nslab_topo *t, struct keys *ks, struct nslab_error *err)
{
	uint32_t *taken = calloc(t->n_tunnels + 1, sizeof(*taken));
	size_t n_taken = 0;
	int r;

	ks->vni = calloc(ks->n + 1, sizeof(*ks->vni));
	if (!taken || !ks->vni) {
		free(taken);
		return nslab_err(err, ENOMEM, "out of memory");
	}
	/* The file's own `type: vxlan` VNIs are avoided. */
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (t->tunnels[i].type == NSLAB_LINK_VXLAN)
			taken[n_taken++] = t->tunnels[i].vni;
	r = nslab_mh_assign_vnis(t->name, (const char *const *)ks->k, ks->n, taken, n_taken,
				 ks->vni, err);
	free(taken);
	return r;
}

/* The segments present here that have members elsewhere: one tunnel per other host. */
static int add_segments(const struct nslab_topo *t, struct nslab_plan_mh *mh,
			const struct members *m, const struct keys *ks)
{
	size_t nh = t->n_hosts;
	char key[1200], seg[300];

	for (size_t s = 0; s < t->n_nodes + t->n_networks; s++) {
		bool is_node = s < t->n_nodes;
		const bool *row = is_node ? &m->node[s * nh] : &m->net[(s - t->n_nodes) * nh];
		struct mh_seg *sg;

		if ((is_node && !floating_bridge(&t->nodes[s])) || !row[mh->host] ||
		    count_hosts(row, nh) < 2)
			continue;
		if (GROW(mh->segs, mh->segs_cap, mh->n_segs) < 0)
			return -ENOMEM;
		sg = &mh->segs[mh->n_segs++];
		sg->node = is_node ? (long)s : -1;
		sg->network = is_node ? -1 : (long)(s - t->n_nodes);
		sg->tunnels = calloc(nh, sizeof(*sg->tunnels));
		if (!sg->tunnels)
			return -ENOMEM;
		plan_mh_segment_name(t, sg->node, sg->network, seg, sizeof(seg));
		for (size_t h = 0; h < nh; h++) {
			struct mh_seg_tunnel *tn;

			if (!row[h] || (int)h == mh->host)
				continue;
			tn = &sg->tunnels[sg->n_tunnels++];
			tn->remote = (int)h;
			nslab_mh_segment_ifname(t->name, seg, t->hosts[h].name, tn->ifname);
			nslab_mh_segment_key(seg, t->hosts[mh->host].name, t->hosts[h].name, key,
					     sizeof(key));
			tn->vni = key_vni(ks, key);
		}
	}
	return 0;
}

int plan_mh_layout(const struct nslab_topo *t, int host, struct nslab_plan_mh **ret,
		   struct nslab_error *err)
{
	struct nslab_plan_mh *mh = calloc(1, sizeof(*mh));
	size_t nh = t->n_hosts;
	struct members m = { 0 };
	struct keys ks = { 0 };
	char key[1200];
	int r = 0;

	if (!mh)
		return nslab_err(err, ENOMEM, "out of memory");
	mh->host = host;
	mh->node_here = calloc(t->n_nodes + 1, sizeof(*mh->node_here));
	mh->link_local_end = calloc(t->n_links + 1, sizeof(*mh->link_local_end));
	mh->link_here = calloc(t->n_links + 1, sizeof(*mh->link_here));
	mh->link_remote = calloc(t->n_links + 1, sizeof(*mh->link_remote));
	mh->link_vni = calloc(t->n_links + 1, sizeof(*mh->link_vni));
	m.node = calloc(t->n_nodes * nh + 1, sizeof(*m.node));
	m.net = calloc(t->n_networks * nh + 1, sizeof(*m.net));
	if (!mh->node_here || !mh->link_local_end || !mh->link_here || !mh->link_remote ||
	    !mh->link_vni || !m.node || !m.net) {
		r = -ENOMEM;
		goto out;
	}
	place_links(t, mh, &m);
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];

		if (n->kind == NSLAB_KIND_HOST)
			mh->node_here[i] = true; /* every machine's own host namespace */
		else if (floating_bridge(n))
			mh->node_here[i] = m.node[i * nh + (size_t)host];
		else
			mh->node_here[i] = n->host == host;
	}
	r = collect_keys(t, &m, &ks);
	if (r < 0)
		goto out;
	r = assign(t, &ks, err);
	if (r < 0)
		goto out_err;
	for (size_t l = 0; l < t->n_links; l++) {
		const struct nslab_endpoint *a = &t->links[l].ep[0], *z = &t->links[l].ep[1];

		if (mh->link_local_end[l] < 0)
			continue;
		nslab_mh_link_key(t->nodes[a->node].name, a->ifname, t->nodes[z->node].name,
				  z->ifname, key, sizeof(key));
		mh->link_vni[l] = key_vni(&ks, key);
	}
	r = add_segments(t, mh, &m, &ks);
out:
	if (r < 0)
		r = nslab_err(err, -r, "out of memory");
out_err:
	free(m.node);
	free(m.net);
	keys_free(&ks);
	if (r < 0) {
		plan_mh_free(mh);
		return r;
	}
	*ret = mh;
	return 0;
}
