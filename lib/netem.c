// SPDX-License-Identifier: LGPL-2.1-or-later
/* Link impairments on a device: settings to a root qdisc and back, applied over rtnetlink. */
#include <stdint.h>
#include <stdio.h>

#include "nslab/netem.h"
#include "nslab/nl.h"
#include "util.h"

/* tc's set_percent(): a percentage as a u32 probability (UINT32_MAX: always). */
static uint32_t probability(double percent)
{
	double p = percent / 100 * UINT32_MAX + 0.5;

	return p >= UINT32_MAX ? UINT32_MAX : p < 1 ? 0 : (uint32_t)p;
}

static double percent(uint32_t prob)
{
	return (double)prob / UINT32_MAX * 100;
}

void nslab_netem_to_qdisc(const struct nslab_netem *ne, unsigned int mtu,
			  const struct nslab_psched *ps, struct nslab_qdisc_req *ret)
{
	int ifindex = ret->ifindex;

	*ret = (struct nslab_qdisc_req){ .ifindex = ifindex, .psched = *ps };
	if (!nslab_netem_needs_netem(ne)) {
		ret->type = NSLAB_QDISC_TBF;
		ret->tbf.rate = ne->rate_bps / 8;
		nslab_tbf_size(ret->tbf.rate, mtu, &ret->tbf.burst, &ret->tbf.limit);
		return;
	}
	ret->type = NSLAB_QDISC_NETEM;
	ret->netem = (struct nslab_netem_qopt){
		.latency_ns = ne->delay_us * 1000,
		.jitter_ns = ne->jitter_us * 1000,
		.loss = probability(ne->loss),
		.duplicate = probability(ne->duplicate),
		.corrupt = probability(ne->corrupt),
		.rate = ne->rate_bps / 8,
	};
}

bool nslab_netem_from_qdisc(const struct nslab_qdisc_info *q, struct nslab_netem *ret)
{
	*ret = (struct nslab_netem){ 0 };
	if (q->type == NSLAB_QDISC_TBF) {
		ret->rate_bps = q->tbf.rate * 8;
	} else if (q->type == NSLAB_QDISC_NETEM) {
		/* Rounded to the microsecond: the kernel may hold a tick's rounding. */
		ret->delay_us = (q->netem.latency_ns + 500) / 1000;
		ret->jitter_us = (q->netem.jitter_ns + 500) / 1000;
		ret->loss = percent(q->netem.loss);
		ret->duplicate = percent(q->netem.duplicate);
		ret->corrupt = percent(q->netem.corrupt);
		ret->rate_bps = q->netem.rate * 8;
	} else {
		return false;
	}
	for (int k = 0; k < NSLAB_NETEM_KEY_MAX; k++)
		if (nslab_netem_key_nonzero(ret, k))
			ret->keys |= 1u << k;
	ret->set = true;
	return true;
}

int nslab_netem_apply(struct nslab_nl *nl, int ifindex, unsigned int mtu,
		      const struct nslab_netem *ne, const char *label, struct nslab_error *err)
{
	struct nslab_qdisc_req req = { .ifindex = ifindex };
	struct nslab_psched ps;
	int r;

	/* Nothing to impair (every value zero): the device's default qdisc. */
	if (!nslab_netem_needs_netem(ne) && !ne->rate_bps)
		return nslab_netem_remove(nl, ifindex, label, err);
	nslab_psched_read(&ps);
	nslab_netem_to_qdisc(ne, mtu, &ps, &req);
	r = nslab_nl_request(nl, nslab_msg_newqdisc, &req, label, NULL, NULL, err);
	/*
	 * ENOENT ("Specified qdisc kind is unknown"): the kernel has no such
	 * qdisc, built in or as a module it could load.  Some distributions
	 * ship sch_netem in an extra package, some kernels not at all.
	 */
	if (r == -ENOENT && req.type == NSLAB_QDISC_NETEM)
		return nslab_err(err, ENOENT,
				 "%s: this kernel has no netem qdisc (sch_netem): delay, jitter, "
				 "loss, corrupt and duplicate need it; rate alone works (tbf). "
				 "Load it with 'modprobe sch_netem'.",
				 label);
	if (r == -ENOENT)
		return nslab_err(err, ENOENT,
				 "%s: this kernel has no tbf qdisc (sch_tbf), which a rate alone "
				 "needs. Load it with 'modprobe sch_tbf'.",
				 label);
	return r;
}

int nslab_netem_remove(struct nslab_nl *nl, int ifindex, const char *label, struct nslab_error *err)
{
	struct nslab_qdisc_req req = { .ifindex = ifindex };
	int r;

	r = nslab_nl_request(nl, nslab_msg_delqdisc, &req, label, NULL, NULL, err);
	/*
	 * The device's default qdisc (noqueue on a veth) cannot be deleted:
	 * "Cannot delete qdisc with handle of zero" (ENOENT), or EINVAL from
	 * older kernels.  Either way there is nothing to remove.
	 */
	if (r == -ENOENT || r == -EINVAL) {
		if (err) {
			err->code = 0;
			err->msg[0] = '\0';
		}
		return 0;
	}
	return r;
}

struct dump {
	struct nslab_psched ps;
	struct nslab_netem_live *v;
	size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nslab_qdisc_info q;
	struct nslab_netem_live *l;

	if (nslab_qdisc_parse(nlh, &d->ps, &q) < 0 || !q.root || q.type == NSLAB_QDISC_NONE)
		return 0;
	if (GROW(d->v, d->cap, d->n) < 0)
		return -ENOMEM;
	l = &d->v[d->n++];
	l->ifindex = q.ifindex;
	l->type = q.type;
	l->qdisc = q;
	snprintf(l->kind, sizeof(l->kind), "%s", q.kind);
	nslab_netem_from_qdisc(&q, &l->netem);
	return 0;
}

int nslab_netem_dump(struct nslab_nl *nl, struct nslab_netem_live **ret, size_t *ret_n,
		     struct nslab_error *err)
{
	struct dump d = { 0 };
	int r;

	nslab_psched_read(&d.ps);
	r = nslab_nl_request(nl, nslab_msg_getqdisc, NULL, "dump qdiscs", dump_cb, &d, err);
	if (r < 0) {
		free(d.v);
		return r;
	}
	*ret = d.v;
	*ret_n = d.n;
	return 0;
}

int nslab_netem_read(struct nslab_nl *nl, int ifindex, struct nslab_netem_live *ret,
		     struct nslab_error *err)
{
	struct nslab_netem_live *v = NULL;
	size_t n = 0;
	int r;

	r = nslab_netem_dump(nl, &v, &n, err);
	if (r < 0)
		return r;
	*ret = (struct nslab_netem_live){ .ifindex = ifindex, .type = NSLAB_QDISC_NONE };
	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex)
			*ret = v[i];
	free(v);
	return 0;
}
