// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pure rtnetlink tc message builders and parsers: root netem and tbf qdiscs. */
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "nslab/tc.h"
#include "util.h"

#define PUT(expr)                        \
	do {                             \
		if (!(expr))             \
			return -ENOBUFS; \
	} while (0)

/* The kernel's rate tables have 256 slots (TC_RTAB_SIZE bytes). */
#define RTAB_SLOTS 256
/* tc's default netem queue, in packets. */
#define NETEM_LIMIT 1000

void nslab_psched_read(struct nslab_psched *ret)
{
	unsigned int t2us = 1000, us2t = 64, clock_res = 1000000;
	FILE *f = fopen("/proc/net/psched", "re");

	if (f) {
		if (fscanf(f, "%08x%08x%08x", &t2us, &us2t, &clock_res) != 3 || !us2t) {
			t2us = 1000;
			us2t = 64;
			clock_res = 1000000;
		}
		fclose(f);
	}
	/* As tc_core_init(): a nanosecond clock means ticks of us2t ns. */
	if (clock_res == 1000000000)
		t2us = us2t;
	ret->tick_in_usec = (double)t2us / us2t * ((double)clock_res / 1000000);
}

static uint32_t saturate(double v)
{
	return v >= (double)UINT32_MAX ? UINT32_MAX : v <= 0 ? 0 : (uint32_t)v;
}

/* tc_core_time2tick(): whole microseconds, then whole ticks. */
uint32_t nslab_psched_us2ticks(const struct nslab_psched *ps, double us)
{
	return saturate((double)saturate(us) * ps->tick_in_usec);
}

static double ticks2us(const struct nslab_psched *ps, uint32_t ticks)
{
	return ps->tick_in_usec > 0 ? ticks / ps->tick_in_usec : ticks;
}

/* tc_calc_xmittime(): ticks to send @size bytes at @rate bytes per second. */
static uint32_t xmittime(const struct nslab_psched *ps, uint64_t rate, uint32_t size)
{
	return nslab_psched_us2ticks(ps, 1000000.0 * size / (double)rate);
}

static struct nlmsghdr *put_tcmsg(void *buf, size_t room, uint16_t type, uint16_t flags,
				  int ifindex, uint32_t parent)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	if (room < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*tcm)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	return nlh;
}

/*
 * Open TCA_OPTIONS without NLA_F_NESTED, as tc does: netem's options are a
 * struct followed by attributes, not a nest, and old kernels parse both
 * kinds without the flag.  NULL when it does not fit.
 */
static struct nlattr *options_start(struct nlmsghdr *nlh, size_t room)
{
	struct nlattr *a;

	if (room < nlh->nlmsg_len + MNL_ATTR_HDRLEN)
		return NULL;
	a = mnl_nlmsg_get_payload_tail(nlh);
	a->nla_type = TCA_OPTIONS;
	nlh->nlmsg_len += MNL_ATTR_HDRLEN;
	return a;
}

static void options_end(struct nlmsghdr *nlh, struct nlattr *a)
{
	a->nla_len = (uint16_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)a);
}

/* Raw bytes at the tail of the message (netem's struct inside TCA_OPTIONS). */
static bool put_raw(struct nlmsghdr *nlh, size_t room, const void *data, size_t len)
{
	void *tail;

	if (room < nlh->nlmsg_len + MNL_ALIGN(len))
		return false;
	tail = mnl_nlmsg_get_payload_tail(nlh);
	memset(tail, 0, MNL_ALIGN(len));
	memcpy(tail, data, len);
	nlh->nlmsg_len += MNL_ALIGN(len);
	return true;
}

static int put_netem(struct nlmsghdr *nlh, size_t room, const struct nslab_qdisc_req *r)
{
	const struct nslab_netem_qopt *n = &r->netem;
	struct tc_netem_qopt qopt = {
		/* Kernels before 4.15 read ticks; later ones LATENCY64 (ns). */
		.latency = nslab_psched_us2ticks(&r->psched, (double)n->latency_ns / 1000),
		.jitter = nslab_psched_us2ticks(&r->psched, (double)n->jitter_ns / 1000),
		.limit = n->limit ? n->limit : NETEM_LIMIT,
		.loss = n->loss,
		.duplicate = n->duplicate,
	};
	struct tc_netem_corr corr = { 0 };
	struct tc_netem_corrupt corrupt = { .probability = n->corrupt };
	struct tc_netem_rate rate = { .rate = n->rate >= (1ull << 32) ? UINT32_MAX
								      : (uint32_t)n->rate };
	struct nlattr *opt = options_start(nlh, room);

	PUT(opt);
	PUT(put_raw(nlh, room, &qopt, sizeof(qopt)));
	/*
	 * The kernel changes a netem qdisc of the same kind in place, and keeps
	 * what a change does not name: so correlation, corruption and rate are
	 * always sent, zero meaning off.
	 */
	PUT(mnl_attr_put_check(nlh, room, TCA_NETEM_CORR, sizeof(corr), &corr));
	PUT(mnl_attr_put_check(nlh, room, TCA_NETEM_CORRUPT, sizeof(corrupt), &corrupt));
	PUT(mnl_attr_put_check(nlh, room, TCA_NETEM_RATE, sizeof(rate), &rate));
	if (n->rate >= (1ull << 32))
		PUT(mnl_attr_put_u64_check(nlh, room, TCA_NETEM_RATE64, n->rate));
	PUT(mnl_attr_put_u64_check(nlh, room, TCA_NETEM_LATENCY64, n->latency_ns));
	PUT(mnl_attr_put_u64_check(nlh, room, TCA_NETEM_JITTER64, n->jitter_ns));
	options_end(nlh, opt);
	return 0;
}

static int put_tbf(struct nlmsghdr *nlh, size_t room, const struct nslab_qdisc_req *r)
{
	const struct nslab_tbf_qopt *t = &r->tbf;
	struct tc_tbf_qopt qopt = { 0 };
	uint32_t rtab[RTAB_SLOTS];
	struct nlattr *opt;
	unsigned int cell_log = 0;

	if (t->rate == 0 || t->burst == 0)
		return -EINVAL;
	/*
	 * tc_calc_rtable() for an unknown MTU (2047): cells of 8 bytes.  Only
	 * kernels before 3.11 use the table (TC_LINKLAYER_ETHERNET tells newer
	 * ones how to count), but they refuse a tbf without one.
	 */
	while ((2047u >> cell_log) > 255)
		cell_log++;
	for (unsigned int i = 0; i < RTAB_SLOTS; i++)
		rtab[i] = xmittime(&r->psched, t->rate, (i + 1) << cell_log);
	qopt.rate.cell_log = (unsigned char)cell_log;
	qopt.rate.linklayer = TC_LINKLAYER_ETHERNET;
	qopt.rate.cell_align = -1;
	qopt.rate.rate = t->rate >= (1ull << 32) ? UINT32_MAX : (uint32_t)t->rate;
	qopt.limit = t->limit;
	qopt.buffer = xmittime(&r->psched, t->rate, t->burst);
	opt = options_start(nlh, room);
	PUT(opt);
	PUT(mnl_attr_put_check(nlh, room, TCA_TBF_PARMS, sizeof(qopt), &qopt));
	/* The bucket in bytes (3.13+): no rounding through ticks. */
	PUT(mnl_attr_put_u32_check(nlh, room, TCA_TBF_BURST, t->burst));
	if (t->rate >= (1ull << 32))
		PUT(mnl_attr_put_u64_check(nlh, room, TCA_TBF_RATE64, t->rate));
	PUT(mnl_attr_put_check(nlh, room, TCA_TBF_RTAB, sizeof(rtab), rtab));
	options_end(nlh, opt);
	return 0;
}

int nslab_msg_newqdisc(void *buf, size_t room, const void *req)
{
	const struct nslab_qdisc_req *r = req;
	struct nlmsghdr *nlh;
	int ret;

	if (r->ifindex <= 0 || (r->type != NSLAB_QDISC_NETEM && r->type != NSLAB_QDISC_TBF))
		return -EINVAL;
	/*
	 * CREATE|REPLACE with no handle: the kernel grafts a new qdisc at the
	 * root when the kind differs from the one there (or there is none), and
	 * changes the one there when it is the same kind.
	 */
	nlh = put_tcmsg(buf, room, RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE,
			r->ifindex, TC_H_ROOT);
	PUT(nlh);
	if (r->type == NSLAB_QDISC_NETEM) {
		PUT(mnl_attr_put_strz_check(nlh, room, TCA_KIND, "netem"));
		ret = put_netem(nlh, room, r);
	} else {
		PUT(mnl_attr_put_strz_check(nlh, room, TCA_KIND, "tbf"));
		ret = put_tbf(nlh, room, r);
	}
	return ret < 0 ? ret : (int)nlh->nlmsg_len;
}

int nslab_msg_delqdisc(void *buf, size_t room, const void *req)
{
	const struct nslab_qdisc_req *r = req;
	struct nlmsghdr *nlh;

	if (r->ifindex <= 0)
		return -EINVAL;
	nlh = put_tcmsg(buf, room, RTM_DELQDISC, NLM_F_REQUEST, r->ifindex, TC_H_ROOT);
	PUT(nlh);
	return (int)nlh->nlmsg_len;
}

int nslab_msg_getqdisc(void *buf, size_t room, const void *req)
{
	struct nlmsghdr *nlh;

	/* With NETLINK_GET_STRICT_CHK a dump header must be all zero. */
	nlh = put_tcmsg(buf, room, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, 0, 0);
	PUT(nlh);
	return (int)nlh->nlmsg_len;
}

struct attrs {
	const struct nlattr **tb;
	unsigned int max;
};

static int attrs_cb(const struct nlattr *attr, void *data)
{
	const struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= a->max)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

/* A fixed-size attribute's payload, or NULL when absent or too short. */
static const void *payload(const struct nlattr *a, size_t len)
{
	return a && mnl_attr_get_payload_len(a) >= len ? mnl_attr_get_payload(a) : NULL;
}

static int parse_netem(const struct nlattr *opt, const struct nslab_psched *ps,
		       struct nslab_netem_qopt *ret)
{
	const struct nlattr *tb[TCA_NETEM_MAX + 1] = { 0 };
	struct attrs a = { tb, TCA_NETEM_MAX };
	const struct tc_netem_qopt *q = payload(opt, sizeof(*q));
	size_t len = mnl_attr_get_payload_len(opt);
	const struct tc_netem_corrupt *corrupt;
	const struct tc_netem_rate *rate;
	const uint64_t *u;

	if (!q)
		return -EINVAL;
	/* The struct, then attributes: the kernel closes TCA_OPTIONS after them. */
	if (len > MNL_ALIGN(sizeof(*q)) &&
	    mnl_attr_parse_payload((const char *)q + MNL_ALIGN(sizeof(*q)),
				   len - MNL_ALIGN(sizeof(*q)), attrs_cb, &a) < 0)
		return -EINVAL;
	*ret = (struct nslab_netem_qopt){
		.latency_ns = (uint64_t)(ticks2us(ps, q->latency) * 1000 + 0.5),
		.jitter_ns = (uint64_t)(ticks2us(ps, q->jitter) * 1000 + 0.5),
		.limit = q->limit,
		.loss = q->loss,
		.duplicate = q->duplicate,
	};
	if ((u = payload(tb[TCA_NETEM_LATENCY64], 8)))
		memcpy(&ret->latency_ns, u, 8);
	if ((u = payload(tb[TCA_NETEM_JITTER64], 8)))
		memcpy(&ret->jitter_ns, u, 8);
	if ((corrupt = payload(tb[TCA_NETEM_CORRUPT], sizeof(*corrupt))))
		ret->corrupt = corrupt->probability;
	if ((rate = payload(tb[TCA_NETEM_RATE], sizeof(*rate))))
		ret->rate = rate->rate;
	if ((u = payload(tb[TCA_NETEM_RATE64], 8)))
		memcpy(&ret->rate, u, 8);
	return 0;
}

static int parse_tbf(const struct nlattr *opt, const struct nslab_psched *ps,
		     struct nslab_tbf_qopt *ret)
{
	const struct nlattr *tb[TCA_TBF_MAX + 1] = { 0 };
	struct attrs a = { tb, TCA_TBF_MAX };
	const struct tc_tbf_qopt *q;
	const uint64_t *u;

	if (mnl_attr_parse_nested(opt, attrs_cb, &a) < 0)
		return -EINVAL;
	q = payload(tb[TCA_TBF_PARMS], sizeof(*q));
	if (!q)
		return -EINVAL;
	*ret = (struct nslab_tbf_qopt){ .rate = q->rate.rate, .limit = q->limit };
	if ((u = payload(tb[TCA_TBF_RATE64], 8)))
		memcpy(&ret->rate, u, 8);
	/* The kernel reports the bucket as time (ticks) only: tc_calc_xmitsize(). */
	ret->burst = saturate((double)ret->rate * ticks2us(ps, q->buffer) / 1000000 + 0.5);
	return 0;
}

int nslab_qdisc_parse(const struct nlmsghdr *nlh, const struct nslab_psched *ps,
		      struct nslab_qdisc_info *ret)
{
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	struct attrs a = { tb, TCA_MAX };
	const struct tcmsg *tcm;

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*tcm)))
		return -EINVAL;
	tcm = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*tcm), attrs_cb, &a) < 0)
		return -EINVAL;
	*ret = (struct nslab_qdisc_info){
		.ifindex = tcm->tcm_ifindex,
		.handle = tcm->tcm_handle,
		.parent = tcm->tcm_parent,
		.root = tcm->tcm_parent == TC_H_ROOT,
		.type = NSLAB_QDISC_OTHER,
	};
	if (!tb[TCA_KIND] || mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) < 0)
		return -EINVAL;
	snprintf(ret->kind, sizeof(ret->kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	if (streq(ret->kind, "netem") && tb[TCA_OPTIONS]) {
		ret->type = NSLAB_QDISC_NETEM;
		return parse_netem(tb[TCA_OPTIONS], ps, &ret->netem);
	}
	if (streq(ret->kind, "tbf") && tb[TCA_OPTIONS]) {
		ret->type = NSLAB_QDISC_TBF;
		return parse_tbf(tb[TCA_OPTIONS], ps, &ret->tbf);
	}
	/* A device's default qdisc has handle 0 (noqueue on veths). */
	if (ret->handle == 0 || streq(ret->kind, "noqueue"))
		ret->type = NSLAB_QDISC_NONE;
	return 0;
}

void nslab_tbf_size(uint64_t rate, unsigned int mtu, uint32_t *ret_burst, uint32_t *ret_limit)
{
	uint64_t frame = 2 * (uint64_t)((mtu ? mtu : 1500) + 14);
	uint64_t burst = rate / 100, limit;

	if (burst < frame)
		burst = frame;
	if (burst > UINT32_MAX / 2)
		burst = UINT32_MAX / 2;
	limit = burst + rate / 20;
	*ret_burst = (uint32_t)burst;
	*ret_limit = limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
}
