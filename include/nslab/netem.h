/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Link impairments: the values of `netem:` and --delay & co, and applying them to a device. */
#ifndef NSLAB_NETEM_H
#define NSLAB_NETEM_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"
#include "nslab/tc.h"
#include "nslab/topo.h"

struct nslab_nl;

/* The keys of `netem:`, which are also the flags of `nslab netem set`. */
enum nslab_netem_key {
	NSLAB_NETEM_DELAY,
	NSLAB_NETEM_JITTER,
	NSLAB_NETEM_LOSS,
	NSLAB_NETEM_CORRUPT,
	NSLAB_NETEM_DUPLICATE,
	NSLAB_NETEM_RATE,
	NSLAB_NETEM_KEY_MAX,
};

const char *nslab_netem_key_to_string(enum nslab_netem_key k);
/* Return the key, or -EINVAL for an unknown name. */
int nslab_netem_key_from_string(const char *s);

/*
 * "delay, jitter, loss, corrupt, duplicate, rate": the keys for messages.
 * Static storage.
 */
const char *nslab_netem_key_list(void);

/**
 * nslab_netem_set_key() - parse @value as @key (units as tc takes them) into
 * @ne, and mark the key given (@ne->keys, @ne->set)
 *
 * delay, jitter: a number and us, ms or s (usec, msec, sec ...): "20ms",
 *	"1.5ms"; whole microseconds, at most 60 s.
 * loss, corrupt, duplicate: percent from 0 to 100, with or without "%",
 *	at most six decimals.
 * rate: a number and bit, kbit, mbit, gbit, tbit (bits per second, SI),
 *	kibit ... (IEC), or bps, kbps, mbps, gbps, tbps (BYTES per second, as
 *	tc), kibps ...; a whole number of bytes per second, above zero.
 *
 * Return: 0, or -EINVAL with err->msg "invalid delay '20': ..." (no
 * position: the caller adds where the value was).
 */
int nslab_netem_set_key(struct nslab_netem *ne, enum nslab_netem_key key, const char *value,
			struct nslab_error *err);

/* Copy into @dst every key @src gives (@src's keys win). */
void nslab_netem_merge(struct nslab_netem *dst, const struct nslab_netem *src);

/*
 * nslab_netem_check() - settings that make no sense together: a jitter
 * without a delay.  Return 0 or -EINVAL with a message.
 */
int nslab_netem_check(const struct nslab_netem *ne, struct nslab_error *err);

/*
 * Whether @ne needs the netem qdisc: a delay, jitter, loss, corruption or
 * duplication.  A rate alone is tbf's; nothing at all, no qdisc.
 */
bool nslab_netem_needs_netem(const struct nslab_netem *ne);

/*
 * nslab_netem_format() - @ne in the words of the flags, each key that is
 * not zero: "delay 50ms jitter 5ms loss 20% rate 10mbit"; "" for nothing.
 */
void nslab_netem_format(const struct nslab_netem *ne, char *buf, size_t size);

/* Whether @key of @ne is not zero (formatted by nslab_netem_format()). */
bool nslab_netem_key_nonzero(const struct nslab_netem *ne, enum nslab_netem_key key);

/* One value in the words of the flags ("50ms", "20%", "10mbit"). */
void nslab_netem_format_key(const struct nslab_netem *ne, enum nslab_netem_key key, char *buf,
			    size_t size);

/**
 * nslab_netem_to_qdisc() - the root qdisc that gives @ne: tbf for a rate
 * alone, else netem carrying everything (see struct nslab_netem)
 * @mtu:	the device's MTU, which sizes tbf's bucket (0: 1500)
 */
void nslab_netem_to_qdisc(const struct nslab_netem *ne, unsigned int mtu,
			  const struct nslab_psched *ps, struct nslab_qdisc_req *ret);

/*
 * nslab_netem_from_qdisc() - what a root netem or tbf qdisc does, as
 * nslab's settings.  Return false (and *@ret cleared) for other qdiscs.
 */
bool nslab_netem_from_qdisc(const struct nslab_qdisc_info *q, struct nslab_netem *ret);

/**
 * nslab_netem_apply() - make @ne the root qdisc of device @ifindex, through
 * @nl (a socket in the device's namespace)
 * @label:	names the interface in messages ("r1:eth1")
 *
 * Settings that are all zero remove the root qdisc instead.  Without
 * sch_netem (or sch_tbf) in the kernel the message names the missing module
 * and what still works, with -ENOENT.  Return 0 or -errno.
 */
int nslab_netem_apply(struct nslab_nl *nl, int ifindex, unsigned int mtu,
		      const struct nslab_netem *ne, const char *label, struct nslab_error *err);

/* nslab_netem_remove() - delete the root qdisc of @ifindex; none is no error. */
int nslab_netem_remove(struct nslab_nl *nl, int ifindex, const char *label,
		       struct nslab_error *err);

/**
 * struct nslab_netem_live - the root qdisc of one device, as the kernel has it
 * @type:	NSLAB_QDISC_NONE when the device has its default qdisc
 * @kind:	the qdisc's kind ("" for none)
 * @netem:	its settings, for netem and tbf (@netem.set false otherwise)
 */
struct nslab_netem_live {
	int ifindex;
	enum nslab_qdisc_type type;
	char kind[16];
	struct nslab_netem netem;
	struct nslab_qdisc_info qdisc;
};

/**
 * nslab_netem_dump() - the root qdiscs of every device in @nl's namespace
 * (one RTM_GETQDISC dump).  Devices with their default qdisc are absent.
 * *@ret belongs to the caller (free()).  Return 0 or -errno.
 */
int nslab_netem_dump(struct nslab_nl *nl, struct nslab_netem_live **ret, size_t *ret_n,
		     struct nslab_error *err);

/* nslab_netem_read() - the root qdisc of @ifindex (type NONE: its default). */
int nslab_netem_read(struct nslab_nl *nl, int ifindex, struct nslab_netem_live *ret,
		     struct nslab_error *err);

#endif
