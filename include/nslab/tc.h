/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure rtnetlink tc message builders and parsers: root netem and tbf qdiscs. */
#ifndef NSLAB_TC_H
#define NSLAB_TC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/**
 * struct nslab_psched - the kernel's packet scheduler clock, as tc reads it
 * from /proc/net/psched
 * @tick_in_usec:	scheduler ticks per microsecond (15.625 on every kernel
 *		since 2.6.24: a tick is 64 ns).  Old netem and tbf fields
 *		(tc_netem_qopt.latency, tc_tbf_qopt.buffer) count in ticks.
 */
struct nslab_psched {
	double tick_in_usec;
};

/*
 * nslab_psched_read() - read /proc/net/psched as tc does (tc_core_init()).
 * Never fails: without the file, the value every current kernel has.
 */
void nslab_psched_read(struct nslab_psched *ret);

/* Microseconds to ticks (tc_core_time2tick()), saturating at UINT32_MAX. */
uint32_t nslab_psched_us2ticks(const struct nslab_psched *ps, double us);

enum nslab_qdisc_type {
	NSLAB_QDISC_NONE, /* no root qdisc of the device's own (noqueue, default) */
	NSLAB_QDISC_NETEM,
	NSLAB_QDISC_TBF,
	NSLAB_QDISC_OTHER, /* some other root qdisc (fq_codel, htb ...) */
	NSLAB_QDISC_MAX,
};

/**
 * struct nslab_netem_qopt - a netem qdisc in the kernel's own units
 * @latency_ns, @jitter_ns:	delay and its random variation
 * @limit:	queue length in packets (tc's default: 1000)
 * @loss, @duplicate, @corrupt:	probabilities, UINT32_MAX is 100%
 * @rate:	bytes per second, 0: no rate limit
 */
struct nslab_netem_qopt {
	uint64_t latency_ns;
	uint64_t jitter_ns;
	uint32_t limit;
	uint32_t loss;
	uint32_t duplicate;
	uint32_t corrupt;
	uint64_t rate;
};

/**
 * struct nslab_tbf_qopt - a token bucket filter
 * @rate:	bytes per second
 * @burst:	bucket size in bytes
 * @limit:	bytes that may wait in the queue
 */
struct nslab_tbf_qopt {
	uint64_t rate;
	uint32_t burst;
	uint32_t limit;
};

/**
 * struct nslab_qdisc_req - input of the qdisc builders
 * @ifindex:	the device (required)
 * @type:	nslab_msg_newqdisc(): NSLAB_QDISC_NETEM or NSLAB_QDISC_TBF
 * @psched:	tick conversion for the fields that count in ticks
 */
struct nslab_qdisc_req {
	int ifindex;
	enum nslab_qdisc_type type;
	struct nslab_netem_qopt netem;
	struct nslab_tbf_qopt tbf;
	struct nslab_psched psched;
};

/*
 * nslab_msg_newqdisc() - RTM_NEWQDISC: replace the root qdisc of
 * req->ifindex with a netem or tbf qdisc (`tc qdisc replace dev D root ...`).
 * Every parameter is sent, zeros included, so that replacing a qdisc of the
 * same kind (which the kernel does as a change) leaves nothing of the old
 * one.  Return: length, -ENOBUFS, or -EINVAL for another type or no ifindex.
 */
int nslab_msg_newqdisc(void *buf, size_t room, const void *req);

/* nslab_msg_delqdisc() - RTM_DELQDISC of the root qdisc of req->ifindex. */
int nslab_msg_delqdisc(void *buf, size_t room, const void *req);

/* nslab_msg_getqdisc() - RTM_GETQDISC dump of every qdisc (@req may be NULL). */
int nslab_msg_getqdisc(void *buf, size_t room, const void *req);

/**
 * struct nslab_qdisc_info - what nslab_qdisc_parse() reads from RTM_NEWQDISC
 * @root:	attached at the root of the device (tcm_parent TC_H_ROOT)
 * @kind:	TCA_KIND ("netem", "tbf", "noqueue" ...)
 * @netem, @tbf:	the parameters, for those two types
 */
struct nslab_qdisc_info {
	int ifindex;
	uint32_t handle;
	uint32_t parent;
	bool root;
	char kind[16];
	enum nslab_qdisc_type type;
	struct nslab_netem_qopt netem;
	struct nslab_tbf_qopt tbf;
};

/*
 * nslab_qdisc_parse() - read an RTM_NEWQDISC message.  Fields the kernel
 * gives only in ticks (old kernels' netem delay, tbf's bucket) are converted
 * with @ps.  Return: 0, or -EINVAL for another type or a malformed message.
 */
int nslab_qdisc_parse(const struct nlmsghdr *nlh, const struct nslab_psched *ps,
		      struct nslab_qdisc_info *ret);

/*
 * nslab_tbf_size() - the bucket and queue nslab gives a tbf of @rate bytes
 * per second on a device of @mtu (0: 1500): a burst of 10 ms of traffic but
 * at least two full frames, and a queue of 50 ms of traffic on top of it
 * (tc's `latency 50ms`).  `tc qdisc add ... tbf rate R burst B limit L`
 * with these values makes the same qdisc.
 */
void nslab_tbf_size(uint64_t rate, unsigned int mtu, uint32_t *ret_burst, uint32_t *ret_limit);

#endif
