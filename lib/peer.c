// SPDX-License-Identifier: LGPL-2.1-or-later
/* The far end of a veth, across namespaces: IFLA_LINK and IFLA_LINK_NETNSID, then which namespace that id is. */
#include <dirent.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/stat.h>

#include "nslab/ifref.h"
#include "nslab/lab.h"
#include "nslab/netns.h"
#include "nslab/nl.h"
#include "nslab/peer.h"
#include "nslab/rtmsg.h"
#include "nslab/state.h"
#include "nslab/topo.h"
#include "util.h"

int nslab_msg_getnsid(void *buf, size_t room, const void *req)
{
	const struct nslab_nsid_req *r = req;
	struct rtgenmsg *g;
	struct nlmsghdr *nlh;

	if (r->fd < 0)
		return -EINVAL;
	if (room < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)))
		return -ENOBUFS;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	if (!mnl_attr_put_u32_check(nlh, room, NETNSA_FD, (uint32_t)r->fd))
		return -ENOBUFS;
	return (int)nlh->nlmsg_len;
}

static int nsid_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(attr) == NETNSA_NSID && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*tb = attr;
	return MNL_CB_OK;
}

int nslab_nsid_parse(const struct nlmsghdr *nlh, int *ret_nsid)
{
	const struct nlattr *id = NULL;

	if (nlh->nlmsg_type != RTM_NEWNSID ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtgenmsg)))
		return -EINVAL;
	if (mnl_attr_parse(nlh, MNL_ALIGN(sizeof(struct rtgenmsg)), nsid_attr_cb, &id) < 0 || !id)
		return -EINVAL;
	*ret_nsid = (int32_t)mnl_attr_get_u32(id);
	return 0;
}

/* ---- every namespace that can be opened, each once ----------------------- */

/* One namespace met while walking: an fd of it and how it was found. */
struct ns_cand {
	int fd;
	struct nslab_ns_desc desc;
};

/* Return 1 to stop the walk (found), 0 to go on, < 0 on failure. */
typedef int (*ns_visit_fn)(const struct ns_cand *c, void *data, struct nslab_error *err);

struct ns_seen {
	ino_t *ino;
	size_t n, cap;
};

/* Visit the namespace at @path unless it was met already. */
static int visit(const char *path, const struct nslab_ns_desc *desc, struct ns_seen *seen,
		 ns_visit_fn fn, void *data, struct nslab_error *err)
{
	_cleanup_close_ int fd = -1;
	struct ns_cand c;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* A process that exited, a pin being removed, a thread we may not see: skip it. */
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	/* Every network namespace lives on the one nsfs: the inode alone identifies it. */
	for (size_t i = 0; i < seen->n; i++)
		if (seen->ino[i] == st.st_ino)
			return 0;
	if (GROW(seen->ino, seen->cap, seen->n) < 0)
		return nslab_err(err, ENOMEM, "out of memory");
	seen->ino[seen->n++] = st.st_ino;
	c.fd = fd;
	c.desc = *desc;
	return fn(&c, data, err);
}

/*
 * Visit every network namespace that can be opened, in the order that names
 * them best: pinned names, the host's (/proc/1), then the other processes'
 * (lowest pid first).  Return what the last @fn call returned.
 */
static int walk_namespaces(ns_visit_fn fn, void *data, struct nslab_error *err)
{
	struct ns_seen seen = { 0 };
	struct nslab_ns_desc desc;
	char path[PATH_MAX];
	char **names = NULL;
	struct dirent *e;
	size_t n = 0;
	int r;
	DIR *d;

	r = nslab_dir_names(NSLAB_NETNS_DIR, &names, &n, err);
	for (size_t i = 0; i < n && r == 0; i++) {
		desc = (struct nslab_ns_desc){ 0 };
		snprintf(desc.name, sizeof(desc.name), "%s", names[i]);
		snprintf(path, sizeof(path), "%s/%s", NSLAB_NETNS_DIR, names[i]);
		r = visit(path, &desc, &seen, fn, data, err);
	}
	nslab_strv_free(names, n);
	if (r == 0) {
		desc = (struct nslab_ns_desc){ .host = true };
		r = visit("/proc/1/ns/net", &desc, &seen, fn, data, err);
	}
	d = r == 0 ? opendir("/proc") : NULL;
	/* /proc lists pids in increasing order. */
	while (d && r == 0 && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 1)
			continue;
		desc = (struct nslab_ns_desc){ .pid = (int)pid };
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		r = visit(path, &desc, &seen, fn, data, err);
	}
	if (d)
		closedir(d);
	free(seen.ino);
	return r;
}

/* ---- naming a namespace by its inode -------------------------------------- */

struct by_ino {
	ino_t ino;
	struct nslab_ns_desc *ret;
};

static int match_ino(const struct ns_cand *c, void *data, struct nslab_error *err)
{
	struct by_ino *b = data;
	struct stat st;

	if (fstat(c->fd, &st) < 0 || st.st_ino != b->ino)
		return 0;
	*b->ret = c->desc;
	return 1;
}

static bool is_host_ns(ino_t ino)
{
	struct stat st;

	return stat("/proc/1/ns/net", &st) == 0 && st.st_ino == ino;
}

int nslab_ns_describe(int fd, struct nslab_ns_desc *ret, struct nslab_error *err)
{
	struct by_ino b = { 0, ret };
	struct stat st;
	int r;

	*ret = (struct nslab_ns_desc){ 0 };
	if (fstat(fd, &st) < 0)
		return nslab_err_sys(err, errno, "cannot stat a network namespace");
	b.ino = st.st_ino;
	r = walk_namespaces(match_ino, &b, err);
	if (r < 0)
		return r;
	/* A named namespace may be the host's too (ip netns attach NAME 1). */
	ret->host = is_host_ns(st.st_ino);
	return 0;
}

/* ---- the id the asking namespace gives each namespace --------------------- */

struct by_nsid {
	struct nslab_nl *nl; /* in the namespace that holds the veth */
	int nsid;
	int fd; /* the match, dup()ed */
	struct nslab_ns_desc *ret;
};

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nslab_nsid_parse(nlh, data);
	return 0;
}

static int match_nsid(const struct ns_cand *c, void *data, struct nslab_error *err)
{
	struct by_nsid *b = data;
	struct nslab_nsid_req req = { c->fd };
	struct nslab_error ignored = { 0 };
	struct stat st;
	int id = -1;

	/*
	 * RTM_GETNSID only looks the id up: the kernel answers -1 for a
	 * namespace it gave none.  The peer's namespace always has one here,
	 * since reporting IFLA_LINK_NETNSID assigned it.  A refusal is no match.
	 */
	if (nslab_nl_request(b->nl, nslab_msg_getnsid, &req, "RTM_GETNSID", nsid_cb, &id,
			     &ignored) < 0 ||
	    id != b->nsid)
		return 0;
	b->fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 3);
	if (b->fd < 0)
		return nslab_err_sys(err, errno, "cannot duplicate a namespace fd");
	*b->ret = c->desc;
	if (fstat(c->fd, &st) == 0 && is_host_ns(st.st_ino))
		b->ret->host = true;
	return 1;
}

/* ---- the veth and its far end --------------------------------------------- */

struct link_reply {
	bool found;
	char ifname[16];
	char kind[32];
	int ifindex;
	int link;
	int link_netnsid;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_reply *l = data;
	struct nslab_link_info li;

	if (nslab_link_parse(nlh, &li) < 0)
		return 0;
	l->found = true;
	snprintf(l->ifname, sizeof(l->ifname), "%s", li.ifname ? li.ifname : "");
	snprintf(l->kind, sizeof(l->kind), "%s", li.kind ? li.kind : "");
	l->ifindex = li.ifindex;
	l->link = li.link;
	l->link_netnsid = li.link_netnsid;
	return 0;
}

/* RTM_GETLINK of one device, by @ifindex when > 0, else by @ifname. */
static int get_link(struct nslab_nl *nl, int ifindex, const char *ifname, struct link_reply *ret,
		    struct nslab_error *err)
{
	struct nslab_link_req req;
	int r;

	*ret = (struct link_reply){ .link_netnsid = -1 };
	nslab_link_req_init(&req);
	req.ifindex = ifindex;
	req.ifname = ifindex > 0 ? NULL : ifname;
	r = nslab_nl_request(nl, nslab_msg_getlink, &req, "RTM_GETLINK", link_cb, ret, err);
	if (r == 0 && !ret->found)
		r = nslab_err(err, ENODEV, "RTM_GETLINK: no reply");
	return r;
}

/* The lab and node that made device @p->ifname in @p's namespace, if any. */
static void find_owner(struct nslab_peer *p)
{
	struct nslab_error ignored = { 0 };
	char **labs = NULL;
	size_t n = 0;

	if (!p->ns.name[0] && !p->ns.host)
		return;
	if (nslab_state_list(&labs, &n, &ignored) < 0)
		return;
	for (size_t i = 0; i < n && !p->lab[0]; i++) {
		struct nslab_topo *t = NULL;
		struct nslab_ifref ref;

		if (nslab_lab_load(labs[i], &t, &ignored) < 0)
			continue;
		/* The lab's host-side devices are in the host namespace (NULL to ifref). */
		if ((p->ns.name[0] && nslab_ifref_find(t, p->ns.name, p->ifname, &ref) == 0) ||
		    (p->ns.host && nslab_ifref_find(t, NULL, p->ifname, &ref) == 0)) {
			snprintf(p->lab, sizeof(p->lab), "%s", t->name);
			snprintf(p->node, sizeof(p->node), "%s",
				 ref.node ? ref.node->name : "host");
		}
		nslab_topo_free(t);
	}
	nslab_strv_free(labs, n);
}

static void nl_closep(struct nslab_nl **nl)
{
	nslab_nl_close(*nl);
}

int nslab_peer_find(const char *netns, const char *ifname, struct nslab_peer *ret,
		    struct nslab_error *err)
{
	_cleanup_(nl_closep) struct nslab_nl *nl = NULL, *peer_nl = NULL;
	_cleanup_close_ int src = -1, peer = -1;
	struct link_reply me, far;
	char where[300];
	struct stat st;
	int r;

	*ret = (struct nslab_peer){ .nsid = -1 };
	if (netns) {
		r = nslab_netns_open(netns, &src, err);
		if (r < 0)
			return r;
		snprintf(where, sizeof(where), "netns '%s'", netns);
	} else {
		src = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (src < 0)
			return nslab_err_sys(err, errno, "cannot open /proc/thread-self/ns/net");
		snprintf(where, sizeof(where), "%s",
			 fstat(src, &st) == 0 && is_host_ns(st.st_ino) ? "the host namespace"
								       : "the current namespace");
	}
	if (!*ifname || strlen(ifname) >= sizeof(me.ifname))
		return nslab_err(err, ENODEV, "no interface '%s' in %s", ifname, where);
	r = nslab_nl_open_netns(src, &nl, err);
	if (r < 0)
		return r;
	r = get_link(nl, 0, ifname, &me, err);
	if (r == -ENODEV)
		return nslab_err(err, ENODEV, "no interface '%s' in %s", ifname, where);
	if (r < 0)
		return nslab_err_prefix(err, "%s in %s", ifname, where);
	if (!streq(me.kind, "veth"))
		return nslab_err(err, EMEDIUMTYPE, "'%s' is not a veth (kind: %s)", ifname,
				 me.kind[0] ? me.kind : "none, a physical or loopback device");
	if (me.link <= 0)
		return nslab_err(err, ENOENT, "veth '%s' in %s reports no peer", ifname, where);

	if (me.link_netnsid < 0) {
		/* No IFLA_LINK_NETNSID: the kernel omits it when both ends share a namespace. */
		ret->same_ns = true;
		r = nslab_ns_describe(src, &ret->ns, err);
		if (r < 0)
			return r;
		r = get_link(nl, me.link, NULL, &far, err);
	} else {
		struct by_nsid b = { nl, me.link_netnsid, -1, &ret->ns };

		ret->nsid = me.link_netnsid;
		r = walk_namespaces(match_nsid, &b, err);
		if (r < 0)
			return r;
		if (r == 0)
			return nslab_err(
				err, ENOENT,
				"the far end of '%s' (ifindex %d) is in a namespace (id %d "
				"in %s) that no /run/netns name or visible process holds",
				ifname, me.link, me.link_netnsid, where);
		peer = b.fd;
		r = nslab_nl_open_netns(peer, &peer_nl, err);
		if (r < 0)
			return r;
		r = get_link(peer_nl, me.link, NULL, &far, err);
	}
	if (r < 0)
		return nslab_err_prefix(err, "far end of '%s' (ifindex %d)", ifname, me.link);
	snprintf(ret->ifname, sizeof(ret->ifname), "%s", far.ifname);
	ret->ifindex = far.ifindex;
	find_owner(ret);
	return 0;
}
