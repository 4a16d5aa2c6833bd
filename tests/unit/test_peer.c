// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the peer module's pure parts: the RTM_GETNSID builder and the RTM_NEWNSID parser. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "nslab/peer.h"
#include "tap.h"

static int fd_attr(const struct nlattr *a, void *data)
{
	int64_t *fd = data;

	if (mnl_attr_get_type(a) == NETNSA_FD)
		*fd = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static void test_build(void)
{
	uint8_t buf[256];
	struct nslab_nsid_req req = { 7 };
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct rtgenmsg *g;
	int64_t fd = -1;
	int len;

	len = nslab_msg_getnsid(buf, sizeof(buf), &req);
	ok(len > 0 && (unsigned int)len == nlh->nlmsg_len, "builds a message of nlmsg_len bytes");
	is_int(nlh->nlmsg_type, RTM_GETNSID, "type RTM_GETNSID");
	is_int(nlh->nlmsg_flags, NLM_F_REQUEST, "a plain request (no dump)");
	g = mnl_nlmsg_get_payload(nlh);
	is_int(g->rtgen_family, AF_UNSPEC, "rtgenmsg family AF_UNSPEC");
	ok(mnl_attr_parse(nlh, MNL_ALIGN(sizeof(*g)), fd_attr, &fd) >= 0, "attributes parse");
	is_int(fd, 7, "NETNSA_FD carries the fd");
	req.fd = -1;
	is_int(nslab_msg_getnsid(buf, sizeof(buf), &req), -EINVAL, "no fd: -EINVAL");
	req.fd = 7;
	is_int(nslab_msg_getnsid(buf, 20, &req), -ENOBUFS, "no room: -ENOBUFS");
}

/* An RTM_NEWNSID reply carrying @nsid (or no NETNSA_NSID when @with_id is false). */
static struct nlmsghdr *reply(uint8_t *buf, uint16_t type, bool with_id, int32_t nsid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	if (with_id)
		mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t)nsid);
	return nlh;
}

static void test_parse(void)
{
	uint8_t buf[256];
	int id = 99;

	is_int(nslab_nsid_parse(reply(buf, RTM_NEWNSID, true, 3), &id), 0, "a reply parses");
	is_int(id, 3, "NETNSA_NSID 3");
	is_int(nslab_nsid_parse(reply(buf, RTM_NEWNSID, true, -1), &id), 0,
	       "an unassigned id parses");
	is_int(id, -1, "NETNSA_NSID_NOT_ASSIGNED is -1");
	is_int(nslab_nsid_parse(reply(buf, RTM_NEWLINK, true, 3), &id), -EINVAL,
	       "another message type: -EINVAL");
	is_int(nslab_nsid_parse(reply(buf, RTM_NEWNSID, false, 0), &id), -EINVAL,
	       "no NETNSA_NSID: -EINVAL");
}

int main(void)
{
	test_build();
	test_parse();
	return tap_done();
}
