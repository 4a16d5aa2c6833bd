/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink sockets: one per namespace, pipelined requests, acks, dumps. */
#ifndef NSLAB_NL_H
#define NSLAB_NL_H

#include <stddef.h>
#include <stdint.h>

#include "nslab/error.h"

struct nlmsghdr;
struct nslab_nl;

/*
 * A message builder fills @buf (at most @room bytes) with one complete
 * netlink message built from @req and returns its length, or -ENOBUFS when
 * @room is too small.  Builders are pure: no I/O, no sequence numbers
 * (nslab_nl_add() sets nlmsg_seq and NLM_F_ACK).  See rtmsg.h.
 */
typedef int (*nslab_msg_builder)(void *buf, size_t room, const void *req);

/* Called for every reply message of a request or dump; return < 0 to stop. */
typedef int (*nslab_nl_cb)(const struct nlmsghdr *nlh, void *data);

/**
 * nslab_nl_open() - open a NETLINK_ROUTE socket in the calling thread's
 * current network namespace (a netlink socket stays bound to the namespace
 * it was created in, whatever the thread does afterwards)
 *
 * Enables NETLINK_EXT_ACK and NETLINK_GET_STRICT_CHK.
 * On success *@ret_nl belongs to the caller; free with nslab_nl_close().
 */
int nslab_nl_open(struct nslab_nl **ret_nl, struct nslab_error *err);

/**
 * nslab_nl_open_netns() - as nslab_nl_open(), in the namespace of @netns_fd
 * (setns there and back in the calling thread).  @netns_fd < 0: current.
 */
int nslab_nl_open_netns(int netns_fd, struct nslab_nl **ret_nl, struct nslab_error *err);

void nslab_nl_close(struct nslab_nl *nl);

/**
 * nslab_nl_add() - queue one request for pipelining
 * @label:	what the request is for, used in the error message
 *		("link r1:eth1 -> r2:eth1"); copied
 *
 * Flushes first when the pipeline buffer is full, so it may report an
 * error of an earlier request.  Return: 0 or -errno.
 */
int nslab_nl_add(struct nslab_nl *nl, nslab_msg_builder build, const void *req, const char *label,
		 struct nslab_error *err);

/**
 * nslab_nl_flush() - send every queued request and read all their acks
 *
 * The kernel handles each request independently; all acks are read even
 * after a failure.  Return: 0, or the first failure as -errno with
 * err->msg "<label>: <strerror> (kernel: <extack text>)".
 */
int nslab_nl_flush(struct nslab_nl *nl, struct nslab_error *err);

/* Number of requests queued and not yet flushed. */
size_t nslab_nl_pending(const struct nslab_nl *nl);

/**
 * nslab_nl_request() - one request answered by zero or more replies and an
 * ack (NLM_F_ECHO, RTM_GET* by name/index), or a dump when the builder sets
 * NLM_F_DUMP.  Flushes the pipeline first.  @cb may be NULL.
 * A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is retried once.
 */
int nslab_nl_request(struct nslab_nl *nl, nslab_msg_builder build, const void *req,
		     const char *label, nslab_nl_cb cb, void *data, struct nslab_error *err);

#endif
