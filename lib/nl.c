// SPDX-License-Identifier: LGPL-2.1-or-later
/* rtnetlink sockets: one per namespace, pipelined requests, acks and dumps. */
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>

#include "nslab/nl.h"
#include "util.h"

/* One send() of queued requests; far below the default 208 KiB socket sndbuf. */
#define NL_SENDBUF_SIZE (64 * 1024)
/* A dump datagram is at most 32 KiB (the kernel caps its dump skbs there). */
#define NL_RECVBUF_SIZE (64 * 1024)
#define NL_MAX_BATCH 256
#define NL_RCVBUF_WANT (1024 * 1024)
/*
 * Socket receive buffer space one queued ack may take: the kernel charges
 * an skb's truesize (data rounded up plus sk_buff and shared info), about
 * 1 KiB for a capped ack with an extack message.  Counted generously.
 */
#define NL_ACK_COST 2048

struct pending {
	uint32_t seq;
	char *label;
};

/* An rtnetlink socket in one namespace, with its pipeline of unacked requests. */
struct nslab_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq; /* last sequence number used */
	size_t max_batch;
	size_t pending_cap;
	size_t sbuf_cap;
	char *sbuf;
	size_t slen;
	struct pending *pending;
	size_t n_pending;
	char *rbuf;
};

/* Received replies of one request, copied back to back, for a dump retry. */
struct replies {
	char *buf;
	size_t len, cap;
};

static const char *label_or(const char *label)
{
	return label && *label ? label : "netlink request";
}

static void nl_closep(struct nslab_nl **nl)
{
	nslab_nl_close(*nl);
}

static int setsockopt_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/*
 * nslab_nl_open() - see nl.h.  Besides NETLINK_EXT_ACK and
 * NETLINK_GET_STRICT_CHK (both skipped on kernels that lack them), sets
 * NETLINK_CAP_ACK (acks do not echo whole requests back) and a 1 MiB
 * receive buffer, since the acks of a pipeline queue up there.
 */
int nslab_nl_open(struct nslab_nl **ret_nl, struct nslab_error *err)
{
	_cleanup_(nl_closep) struct nslab_nl *nl = NULL;
	socklen_t sl;
	int fd, r, rcvbuf = 0;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return nslab_err(err, ENOMEM, "cannot allocate netlink socket");
	/*
	 * Buffers come on demand: a lab has a socket per namespace, most of
	 * which carry a few hundred bytes of requests (memory is per socket).
	 */

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return nslab_err(err, errno, "cannot open rtnetlink socket: %s", strerror(errno));
	fd = mnl_socket_get_fd(nl->sock);

	static const struct {
		int opt;
		const char *name;
	} opts[] = {
		{ NETLINK_EXT_ACK, "NETLINK_EXT_ACK" },
		{ NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK" },
		{ NETLINK_CAP_ACK, "NETLINK_CAP_ACK" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		r = setsockopt_int(fd, SOL_NETLINK, opts[i].opt, 1);
		/* Old kernels lack some; they work without, with less helpful errors. */
		if (r < 0 && r != -ENOPROTOOPT)
			return nslab_err(err, r, "cannot set %s: %s", opts[i].name, strerror(-r));
	}
	/* SO_RCVBUFFORCE passes rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, NL_RCVBUF_WANT) < 0)
		(void)setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, NL_RCVBUF_WANT);
	sl = sizeof(rcvbuf);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl) < 0 || rcvbuf <= 0)
		rcvbuf = 0;
	/*
	 * The kernel handles a datagram of requests synchronously inside our
	 * send() and queues one ack each; acks that do not fit in the receive
	 * buffer are dropped (recv() then fails with ENOBUFS).  Never queue
	 * more requests than the buffer can hold acks for.
	 */
	nl->max_batch = (size_t)rcvbuf / NL_ACK_COST;
	if (nl->max_batch > NL_MAX_BATCH)
		nl->max_batch = NL_MAX_BATCH;
	if (nl->max_batch < 1)
		nl->max_batch = 1;

	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return nslab_err(err, errno, "cannot bind rtnetlink socket: %s", strerror(errno));
	nl->portid = mnl_socket_get_portid(nl->sock);
	*ret_nl = TAKE_PTR(nl);
	return 0;
}

/*
 * nslab_nl_open_netns() - see nl.h.  A netlink socket belongs for its whole
 * life to the network namespace its creator was in, so entering the target
 * namespace just for socket() is enough: the thread goes straight back, and
 * the socket keeps talking to the target.  Failing to return is reported
 * (the thread would otherwise run on in the wrong namespace).
 */
int nslab_nl_open_netns(int netns_fd, struct nslab_nl **ret_nl, struct nslab_error *err)
{
	_cleanup_close_ int orig = -1;
	struct nslab_nl *nl = NULL;
	int r;

	if (netns_fd < 0)
		return nslab_nl_open(ret_nl, err);
	/* thread-self: setns() changes only the calling thread. */
	orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0)
		return nslab_err(err, errno, "cannot open /proc/thread-self/ns/net: %s",
				 strerror(errno));
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return nslab_err(err, errno, "cannot enter network namespace: %s", strerror(errno));
	r = nslab_nl_open(&nl, err);
	if (setns(orig, CLONE_NEWNET) < 0) {
		int e = errno;

		nslab_nl_close(nl);
		return nslab_err(err, e, "cannot return to the original network namespace: %s",
				 strerror(e));
	}
	if (r < 0)
		return r;
	*ret_nl = nl;
	return 0;
}

static void drop_pending(struct nslab_nl *nl)
{
	for (size_t i = 0; i < nl->n_pending; i++)
		free(nl->pending[i].label);
	nl->n_pending = 0;
	nl->slen = 0;
}

/* nslab_nl_close() - drop queued requests unsent, close the socket.  NULL is fine. */
void nslab_nl_close(struct nslab_nl *nl)
{
	if (!nl)
		return;
	if (nl->pending)
		drop_pending(nl);
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->pending);
	free(nl->sbuf);
	free(nl->rbuf);
	free(nl);
}

/* nslab_nl_pending() - number of queued, unflushed requests. */
size_t nslab_nl_pending(const struct nslab_nl *nl)
{
	return nl->n_pending;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/*
 * Read the error code of an NLMSG_ERROR (or of an NLMSG_DONE, which carries
 * a bare int) and its extended-ack text, which *@ret_msg points to (or NULL).
 * Return: 0 for an ack, -errno for a failure.
 */
static int nlmsg_error(const struct nlmsghdr *nlh, const char **ret_msg)
{
	size_t off, plen = mnl_nlmsg_get_payload_len(nlh);
	int error;

	*ret_msg = NULL;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (plen < sizeof(*e))
			return -EBADMSG;
		error = e->error;
		off = sizeof(*e);
		/* Without NETLINK_CAP_ACK (old kernels) the request's payload comes first. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= sizeof(e->msg))
			off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(e->msg));
	} else {
		if (plen < sizeof(int))
			return -EBADMSG;
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(int));
		off = sizeof(int);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < plen)
		mnl_attr_parse(nlh, (unsigned int)off, extack_cb, ret_msg);
	return error > 0 ? -error : error;
}

static int fail(struct nslab_error *err, int error, const char *label, const char *kmsg)
{
	if (kmsg && *kmsg)
		return nslab_err(err, error, "%s: %s (kernel: %s)", label_or(label),
				 strerror(-error), kmsg);
	return nslab_err(err, error, "%s: %s", label_or(label), strerror(-error));
}

/* The receive buffer lives only while replies are read. */
static void release_rbuf(struct nslab_nl *nl)
{
	free(nl->rbuf);
	nl->rbuf = NULL;
}

/* One datagram into nl->rbuf.  Return its length or -errno. */
static ssize_t nl_recv(struct nslab_nl *nl)
{
	ssize_t n;

	if (!nl->rbuf) {
		nl->rbuf = malloc(NL_RECVBUF_SIZE);
		if (!nl->rbuf)
			return -ENOMEM;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, NL_RECVBUF_SIZE);
		if (n >= 0)
			return n;
		/* ESRCH: libmnl saw a sender other than the kernel; not ours. */
		if (errno != EINTR && errno != ESRCH)
			return -errno;
	}
}

static int nl_send(struct nslab_nl *nl, const void *buf, size_t len)
{
	ssize_t n;

	/* One datagram: the kernel runs the requests in it in order. */
	do
		n = mnl_socket_sendto(nl->sock, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/*
 * nslab_nl_flush() - see nl.h.  The queue is emptied whatever happens; after
 * a send or receive failure the outcome of the queued requests is unknown
 * (late acks are recognised by their old sequence numbers and skipped).
 */
static int flush(struct nslab_nl *nl, struct nslab_error *err)
{
	size_t n = nl->n_pending, acked = 0;
	uint32_t first;
	int r, ret = 0;

	if (n == 0)
		return 0;
	first = nl->pending[0].seq;
	r = nl_send(nl, nl->sbuf, nl->slen);
	if (r < 0) {
		ret = nslab_err(err, r, "%s: cannot send %zu netlink request(s): %s",
				label_or(nl->pending[0].label), n, strerror(-r));
		goto out;
	}
	while (acked < n) {
		int len = (int)nl_recv(nl);
		const struct nlmsghdr *nlh;

		if (len < 0) {
			if (ret == 0)
				ret = nslab_err(
					err, len,
					"%s: cannot read netlink acks (%zu of %zu read): %s",
					label_or(nl->pending[acked].label), acked, n,
					strerror(-len));
			break;
		}
		for (nlh = (const struct nlmsghdr *)nl->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			uint32_t i = nlh->nlmsg_seq - first;
			const char *kmsg;

			if (nlh->nlmsg_type != NLMSG_ERROR || i >= n)
				continue;
			acked++;
			r = nlmsg_error(nlh, &kmsg);
			if (r < 0 && ret == 0)
				ret = fail(err, r, nl->pending[i].label, kmsg);
		}
	}
out:
	drop_pending(nl);
	return ret;
}

/* Double the send buffer, up to NL_SENDBUF_SIZE. */
static int grow_sbuf(struct nslab_nl *nl)
{
	size_t cap = nl->sbuf_cap ? nl->sbuf_cap * 2 : 4096;
	char *p;

	if (cap > NL_SENDBUF_SIZE)
		cap = NL_SENDBUF_SIZE;
	p = realloc(nl->sbuf, cap);
	if (!p)
		return -ENOMEM;
	nl->sbuf = p;
	nl->sbuf_cap = cap;
	return 0;
}

/*
 * nslab_nl_add() - see nl.h.  When a flush this call needs fails, the new
 * request is not queued and the flush's error is returned.  Builders that
 * return -EINVAL (incomplete @req) fail here, nothing queued.
 */
int nslab_nl_add(struct nslab_nl *nl, nslab_msg_builder build, const void *req, const char *label,
		 struct nslab_error *err)
{
	struct nlmsghdr *nlh;
	char *copy;
	int len, r;

	if (nl->n_pending >= nl->max_batch) {
		r = nslab_nl_flush(nl, err);
		if (r < 0)
			return r;
	}
	if (nl->n_pending >= nl->pending_cap) {
		size_t cap = nl->pending_cap ? nl->pending_cap * 2 : 16;
		struct pending *p = realloc(nl->pending, cap * sizeof(*p));

		if (!p)
			return nslab_err(err, ENOMEM, "%s: out of memory", label_or(label));
		nl->pending = p;
		nl->pending_cap = cap;
	}
	for (;;) {
		len = build(nl->sbuf + nl->slen, nl->sbuf_cap - nl->slen, req);
		if (len != -ENOBUFS)
			break;
		if (nl->sbuf_cap < NL_SENDBUF_SIZE) {
			r = grow_sbuf(nl);
			if (r < 0)
				return nslab_err(err, r, "%s: out of memory", label_or(label));
		} else if (nl->n_pending > 0) {
			r = nslab_nl_flush(nl, err);
			if (r < 0)
				return r;
		} else {
			break;
		}
	}
	if (len < 0)
		return nslab_err(err, len, "%s: cannot build netlink request: %s", label_or(label),
				 strerror(-len));
	copy = strdup(label_or(label));
	if (!copy)
		return nslab_err(err, ENOMEM, "%s: out of memory", label_or(label));
	nlh = (struct nlmsghdr *)(nl->sbuf + nl->slen);
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nl->pending[nl->n_pending++] = (struct pending){ nlh->nlmsg_seq, copy };
	nl->slen += MNL_ALIGN((size_t)len);
	return 0;
}

/*
 * NLM_F_DUMP is NLM_F_ROOT|NLM_F_MATCH, the same bits as NLM_F_REPLACE|NLM_F_EXCL
 * of a NEW request: only a GET is a dump.  Every RTM_GET* is 2 modulo 4.
 */
static bool is_dump(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_type >= RTM_BASE && (nlh->nlmsg_type & 3) == 2 &&
	       (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

static int replies_add(struct replies *rp, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);

	if (rp->len + len > rp->cap) {
		size_t cap = rp->cap ? rp->cap : 16384;
		char *p;

		while (cap < rp->len + len)
			cap *= 2;
		p = realloc(rp->buf, cap);
		if (!p)
			return -ENOMEM;
		rp->buf = p;
		rp->cap = cap;
	}
	memcpy(rp->buf + rp->len, nlh, nlh->nlmsg_len);
	memset(rp->buf + rp->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	rp->len += len;
	return 0;
}

/*
 * Read the replies to request @seq into @rp, up to its ack (or NLMSG_DONE for
 * a dump).  *@intr tells whether the kernel flagged the dump inconsistent.
 * Return: 0, or -errno with @err filled.
 */
static int read_replies(struct nslab_nl *nl, uint32_t seq, bool dump, const char *label,
			struct replies *rp, bool *intr, struct nslab_error *err)
{
	int ret = 0;

	*intr = false;
	for (;;) {
		int len = (int)nl_recv(nl);
		const struct nlmsghdr *nlh;

		if (len < 0)
			return nslab_err(err, len, "%s: cannot read netlink reply: %s",
					 label_or(label), strerror(-len));
		for (nlh = (const struct nlmsghdr *)nl->rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const char *kmsg;
			int r;

			if (nlh->nlmsg_seq != seq)
				continue; /* a late ack of an earlier, failed flush */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				break;
			case NLMSG_DONE:
				if (!dump)
					break;
				/* A dump that fails midway puts the error in NLMSG_DONE. */
				r = nlmsg_error(nlh, &kmsg);
				if (r < 0 && r != -EBADMSG)
					return fail(err, r, label, kmsg);
				return ret;
			case NLMSG_ERROR:
				/* The ack; or the refusal of a dump before it started. */
				r = nlmsg_error(nlh, &kmsg);
				if (r < 0)
					return fail(err, r, label, kmsg);
				if (!dump)
					return ret;
				break;
			default:
				if (ret == 0 && replies_add(rp, nlh) < 0)
					ret = nslab_err(err, ENOMEM, "%s: out of memory",
							label_or(label));
				break;
			}
		}
	}
}

/*
 * nslab_nl_request() - see nl.h.  Replies are collected until the ack (or
 * the end of the dump) before @cb sees any, so that a retried dump never
 * shows @cb a message twice.  A negative return of @cb stops the calls and
 * is returned; @err is then what @cb recorded in it, or "<label>: <strerror>".
 * A dump still inconsistent after the retry fails with -EAGAIN.
 */
static int request(struct nslab_nl *nl, nslab_msg_builder build, const void *req, const char *label,
		   nslab_nl_cb cb, void *data, struct nslab_error *err)
{
	struct replies rp = { 0 };
	struct nlmsghdr *nlh;
	bool dump, intr;
	int len, r;

	r = nslab_nl_flush(nl, err);
	if (r < 0)
		return r;
	for (;;) {
		len = build(nl->sbuf, nl->sbuf_cap, req);
		if (len != -ENOBUFS || nl->sbuf_cap >= NL_SENDBUF_SIZE)
			break;
		r = grow_sbuf(nl);
		if (r < 0)
			return nslab_err(err, r, "%s: out of memory", label_or(label));
	}
	if (len < 0)
		return nslab_err(err, len, "%s: cannot build netlink request: %s", label_or(label),
				 strerror(-len));
	nlh = (struct nlmsghdr *)nl->sbuf;
	dump = is_dump(nlh);
	/* A dump gets no ack (the kernel answers it with NLMSG_DONE instead). */
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	for (int attempt = 0;; attempt++) {
		nlh->nlmsg_seq = ++nl->seq;
		r = nl_send(nl, nlh, (size_t)len);
		if (r < 0) {
			r = nslab_err(err, r, "%s: cannot send netlink request: %s",
				      label_or(label), strerror(-r));
			goto out;
		}
		rp.len = 0;
		r = read_replies(nl, nlh->nlmsg_seq, dump, label, &rp, &intr, err);
		if (r < 0)
			goto out;
		/*
		 * NLM_F_DUMP_INTR: the objects changed while the kernel walked
		 * them (its generation counter moved), so the dump may miss or
		 * repeat entries.  A second walk is normally clean.
		 */
		if (!dump || !intr)
			break;
		if (attempt == 1) {
			r = nslab_err(err, EAGAIN,
				      "%s: dump interrupted twice by concurrent changes",
				      label_or(label));
			goto out;
		}
	}
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
	if (cb) {
		int left = (int)rp.len;

		for (const struct nlmsghdr *m = (const struct nlmsghdr *)rp.buf;
		     rp.buf && mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
			r = cb(m, data);
			if (r < 0) {
				if (err && err->code == 0)
					nslab_err(err, r, "%s: %s", label_or(label), strerror(-r));
				goto out;
			}
		}
	}
	r = 0;
out:
	free(rp.buf);
	return r;
}

int nslab_nl_flush(struct nslab_nl *nl, struct nslab_error *err)
{
	int r = flush(nl, err);

	release_rbuf(nl);
	return r;
}

int nslab_nl_request(struct nslab_nl *nl, nslab_msg_builder build, const void *req,
		     const char *label, nslab_nl_cb cb, void *data, struct nslab_error *err)
{
	int r = request(nl, build, req, label, cb, data, err);

	release_rbuf(nl);
	return r;
}
