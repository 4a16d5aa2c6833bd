// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-node hosts files under /etc/netns, which ip netns exec and nslab exec bind over /etc/hosts. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "nslab/hosts.h"
#include "util.h"

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *a, const char *name)
{
	size_t need = strlen(a) + strlen(name) + 3;

	if (b->len + need + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		char *p;

		while (cap < b->len + need + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p)
			return -ENOMEM;
		b->s = p;
		b->cap = cap;
	}
	b->len += (size_t)sprintf(b->s + b->len, "%s\t%s\n", a, name);
	return 0;
}

/* The address part of "10.0.0.1/24". */
static void addr_only(const char *cidr, char *out, size_t size)
{
	const char *slash = strchr(cidr, '/');
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);

	if (n >= size)
		n = size - 1;
	memcpy(out, cidr, n);
	out[n] = '\0';
}

/* Members of each network: compressed lists, linear in the lab. */
struct members {
	size_t *off; /* per network: start in @node and @att */
	size_t *node; /* member node */
	size_t *att; /* index in that node's networks */
};

/* A peer named once: @seen[peer] holds the node whose file is being written, plus one. */
static int add_peer(const struct nslab_topo *t, size_t *seen, size_t self, size_t peer,
		    const char *cidr, struct buf *b)
{
	char a[64];

	if (peer == self || seen[peer] == self + 1)
		return 0;
	seen[peer] = self + 1;
	addr_only(cidr, a, sizeof(a));
	return buf_add(b, a, t->nodes[peer].name) < 0 ? -ENOMEM : 1;
}

/*
 * One node's file: its link peers (from its links @adj[0..@n), each link
 * index * 2 + end), then everyone on a network it is on, at their address
 * there; the first mention of a peer names it.
 */
static int render(const struct nslab_topo *t, size_t node, const size_t *adj, size_t n,
		  const struct members *m, size_t *seen, struct buf *b)
{
	const struct nslab_node *self = &t->nodes[node];
	bool any = false;
	int r;

	b->len = 0;
	if (buf_add(b, "127.0.0.1", "localhost") < 0 ||
	    buf_add(b, "::1", "localhost ip6-localhost ip6-loopback") < 0 ||
	    buf_add(b, "127.0.1.1", self->hostname ? self->hostname : self->name) < 0)
		return -ENOMEM;
	seen[node] = node + 1;
	for (size_t k = 0; k < self->n_networks; k++) {
		size_t net = self->networks[k].network;

		for (size_t i = m->off[net]; i < m->off[net + 1]; i++) {
			const struct nslab_attach *at = &t->nodes[m->node[i]].networks[m->att[i]];

			r = add_peer(t, seen, node, m->node[i], at->ipv4 ? at->ipv4 : at->ipv6, b);
			if (r < 0)
				return r;
			any |= r > 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct nslab_link *l = &t->links[adj[i] / 2];
		const struct nslab_endpoint *far = &l->ep[!(adj[i] % 2)];

		if (!far->n_ipv4 && !far->n_ipv6)
			continue;
		r = add_peer(t, seen, node, far->node,
			     far->n_ipv4 ? far->ipv4[0].s : far->ipv6[0].s, b);
		if (r < 0)
			return r;
		any |= r > 0;
	}
	return any ? (int)b->len : 0;
}

static int members_build(const struct nslab_topo *t, struct members *m)
{
	size_t total = 0, *fill;

	for (size_t i = 0; i < t->n_nodes; i++)
		total += t->nodes[i].n_networks;
	m->off = calloc(t->n_networks + 2, sizeof(*m->off));
	m->node = calloc(total + 1, sizeof(*m->node));
	m->att = calloc(total + 1, sizeof(*m->att));
	fill = calloc(t->n_networks + 1, sizeof(*fill));
	if (!m->off || !m->node || !m->att || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_networks; k++)
			m->off[t->nodes[i].networks[k].network + 1]++;
	for (size_t k = 0; k < t->n_networks; k++)
		m->off[k + 1] += m->off[k];
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_networks; k++) {
			size_t net = t->nodes[i].networks[k].network;
			size_t at = m->off[net] + fill[net]++;

			m->node[at] = i;
			m->att[at] = k;
		}
	free(fill);
	return 0;
}

int nslab_hosts_render_all(const struct nslab_topo *t, const bool *included, nslab_hosts_fn fn,
			   void *data, struct nslab_error *err)
{
	size_t *off = calloc(t->n_nodes + 2, sizeof(*off));
	size_t *adj = calloc(2 * t->n_links + 1, sizeof(*adj));
	size_t *fill = calloc(t->n_nodes + 1, sizeof(*fill));
	size_t *seen = calloc(t->n_nodes + 1, sizeof(*seen));
	struct members m = { 0 };
	struct buf b = { 0 };
	int r = 0;

	if (!off || !adj || !fill || !seen || members_build(t, &m) < 0) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	/* Links per node, in file order (compressed adjacency: linear in the lab). */
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++)
			off[t->links[l].ep[e].node + 1]++;
	for (size_t i = 0; i < t->n_nodes; i++)
		off[i + 1] += off[i];
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			size_t nd = t->links[l].ep[e].node;

			adj[off[nd] + fill[nd]++] = l * 2 + (size_t)e;
		}
	for (size_t i = 0; i < t->n_nodes && r >= 0; i++) {
		if (!t->nodes[i].netns || (included && !included[i]))
			continue;
		r = render(t, i, adj + off[i], off[i + 1] - off[i], &m, seen, &b);
		if (r < 0) {
			r = nslab_err(err, ENOMEM, "out of memory");
			break;
		}
		if (r > 0)
			r = fn(i, b.s, (size_t)r, data, err);
	}
out:
	free(off);
	free(adj);
	free(fill);
	free(seen);
	free(m.off);
	free(m.node);
	free(m.att);
	free(b.s);
	return r < 0 ? r : 0;
}

int nslab_hosts_write(const char *netns, const char *text, size_t len, struct nslab_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s/%s", NSLAB_ETC_NETNS, netns);
	snprintf(path, sizeof(path), "%s/hosts", dir);
	if (mkdir(NSLAB_ETC_NETNS, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", NSLAB_ETC_NETNS);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno; /* EEXIST: the user's own file */
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len)
		return nslab_err_sys(err, n < 0 ? errno : EIO, "cannot write %s", path);
	return 0;
}

int nslab_hosts_remove(const char *netns, struct nslab_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s", NSLAB_ETC_NETNS, netns);
	snprintf(path, sizeof(path), "%s/hosts", dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return nslab_err_sys(err, errno, "cannot remove %s", path);
	/* The directory may hold the user's files: then it stays. */
	rmdir(dir);
	return 0;
}

bool nslab_hosts_exists(const char *netns)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/hosts", NSLAB_ETC_NETNS, netns);
	return access(path, F_OK) == 0;
}
