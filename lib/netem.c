// SPDX-License-Identifier: LGPL-2.1-or-later
/* Link impairments: parse and format the values, turn them into a root qdisc and back. */
#include <stdint.h>
#include <stdio.h>
#include <strings.h>

#include "nslab/netem.h"
#include "nslab/nl.h"
#include "util.h"

/* Longest delay or jitter taken: far beyond any lab's need, and old kernels' ticks. */
#define MAX_TIME_US (60ull * 1000 * 1000)
#define E9 1000000000ull

static const char *const key_names[NSLAB_NETEM_KEY_MAX] = {
	[NSLAB_NETEM_DELAY] = "delay",	       [NSLAB_NETEM_JITTER] = "jitter",
	[NSLAB_NETEM_LOSS] = "loss",	       [NSLAB_NETEM_CORRUPT] = "corrupt",
	[NSLAB_NETEM_DUPLICATE] = "duplicate", [NSLAB_NETEM_RATE] = "rate",
};

const char *nslab_netem_key_to_string(enum nslab_netem_key k)
{
	return k < NSLAB_NETEM_KEY_MAX ? key_names[k] : "?";
}

int nslab_netem_key_from_string(const char *s)
{
	for (int k = 0; k < NSLAB_NETEM_KEY_MAX; k++)
		if (streq(key_names[k], s))
			return k;
	return -EINVAL;
}

const char *nslab_netem_key_list(void)
{
	return "delay, jitter, loss, corrupt, duplicate, rate";
}

/*
 * A decimal number without sign or exponent, "12", "0.5", "1.25": its value
 * times 10^9 in *@ret (exact up to nine decimals), the rest of the string in
 * *@ret_end.  False when it is no number or too large.
 */
static bool parse_e9(const char *s, unsigned __int128 *ret, const char **ret_end)
{
	unsigned __int128 v = 0;
	unsigned int d = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > (unsigned __int128)1 << 80)
			return false;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++, d++) {
			if (d >= 9) {
				if (*p != '0')
					return false;
				continue;
			}
			v = v * 10 + (unsigned)(*p - '0');
		}
	}
	for (; d < 9; d++)
		v *= 10;
	*ret = v;
	*ret_end = p;
	return true;
}

struct unit {
	const char *name;
	unsigned long long scale;
};

static const struct unit *find_unit(const struct unit *units, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(units[i].name, s))
			return &units[i];
	return NULL;
}

static int parse_time(const char *what, const char *s, unsigned long long *ret,
		      struct nslab_error *err)
{
	static const struct unit units[] = {
		{ "us", 1 },	  { "usec", 1 },      { "usecs", 1 },
		{ "ms", 1000 },	  { "msec", 1000 },   { "msecs", 1000 },
		{ "s", 1000000 }, { "sec", 1000000 }, { "secs", 1000000 },
	};
	unsigned __int128 v, us;
	const struct unit *u;
	const char *end;

	if (!parse_e9(s, &v, &end))
		goto bad;
	if (!*end)
		return nslab_err(err, EINVAL,
				 "invalid %s '%s': give a unit (us, ms or s), such as %sms", what,
				 s, s);
	u = find_unit(units, ARRAY_SIZE(units), end);
	if (!u)
		goto bad;
	us = v * u->scale;
	if (us % E9)
		return nslab_err(err, EINVAL,
				 "invalid %s '%s': the kernel counts whole microseconds", what, s);
	us /= E9;
	if (us > MAX_TIME_US)
		return nslab_err(err, EINVAL, "invalid %s '%s': at most 60s", what, s);
	*ret = (unsigned long long)us;
	return 0;
bad:
	return nslab_err(err, EINVAL,
			 "invalid %s '%s': expected a time such as 20ms, 1.5ms, 500us or 1s", what,
			 s);
}

static int parse_percent(const char *what, const char *s, double *ret, struct nslab_error *err)
{
	unsigned __int128 v;
	const char *end;

	if (!parse_e9(s, &v, &end) || (*end && !streq(end, "%")))
		return nslab_err(err, EINVAL,
				 "invalid %s '%s': expected a percentage from 0 to 100, such as "
				 "0.5%% or 20%%",
				 what, s);
	if (v > (unsigned __int128)100 * E9)
		return nslab_err(err, EINVAL, "invalid %s '%s': more than 100%%", what, s);
	/* Six decimals read back exactly from the kernel's u32 probability. */
	if (v % 1000)
		return nslab_err(err, EINVAL, "invalid %s '%s': at most 6 decimals", what, s);
	*ret = (double)(unsigned long long)v / (double)E9;
	return 0;
}

static int parse_rate(const char *s, unsigned long long *ret, struct nslab_error *err)
{
	/* tc's suffixes (get_rate()): "bps" and its multiples are BYTES per second. */
	static const struct unit units[] = {
		{ "bit", 1 },
		{ "kbit", 1000 },
		{ "mbit", 1000000 },
		{ "gbit", 1000000000 },
		{ "tbit", 1000000000000 },
		{ "kibit", 1024 },
		{ "mibit", 1024 * 1024 },
		{ "gibit", 1024 * 1024 * 1024 },
		{ "tibit", 1024ull * 1024 * 1024 * 1024 },
		{ "bps", 8 },
		{ "kbps", 8000 },
		{ "mbps", 8000000 },
		{ "gbps", 8000000000 },
		{ "tbps", 8000000000000 },
		{ "kibps", 8 * 1024 },
		{ "mibps", 8 * 1024 * 1024 },
		{ "gibps", 8ull * 1024 * 1024 * 1024 },
		{ "tibps", 8ull * 1024 * 1024 * 1024 * 1024 },
	};
	unsigned __int128 v, bits;
	const struct unit *u;
	const char *end;

	if (!parse_e9(s, &v, &end))
		goto bad;
	if (!*end)
		return nslab_err(err, EINVAL,
				 "invalid rate '%s': give a unit, such as %smbit (bits per second) "
				 "or %skbps (bytes per second, as tc)",
				 s, s, s);
	u = find_unit(units, ARRAY_SIZE(units), end);
	if (!u)
		goto bad;
	bits = v * u->scale;
	if (bits == 0)
		return nslab_err(err, EINVAL, "invalid rate '%s': must be above zero", s);
	/* The kernel keeps bytes per second: a rate it cannot keep would read back wrong. */
	if (bits % (8 * E9))
		return nslab_err(err, EINVAL,
				 "invalid rate '%s': the kernel counts whole bytes per second (a "
				 "multiple of 8bit)",
				 s);
	bits /= E9;
	if (bits > (unsigned __int128)8 * 1000000000000000ull)
		return nslab_err(err, EINVAL, "invalid rate '%s': too large", s);
	*ret = (unsigned long long)bits;
	return 0;
bad:
	return nslab_err(err, EINVAL,
			 "invalid rate '%s': expected a number and a unit: bit, kbit, mbit, gbit "
			 "(bits per second) or bps, kbps, mbps, gbps (bytes per second), such as "
			 "100mbit",
			 s);
}

int nslab_netem_set_key(struct nslab_netem *ne, enum nslab_netem_key key, const char *value,
			struct nslab_error *err)
{
	const char *what = nslab_netem_key_to_string(key);
	int r;

	switch (key) {
	case NSLAB_NETEM_DELAY:
		r = parse_time(what, value, &ne->delay_us, err);
		break;
	case NSLAB_NETEM_JITTER:
		r = parse_time(what, value, &ne->jitter_us, err);
		break;
	case NSLAB_NETEM_LOSS:
		r = parse_percent(what, value, &ne->loss, err);
		break;
	case NSLAB_NETEM_CORRUPT:
		r = parse_percent(what, value, &ne->corrupt, err);
		break;
	case NSLAB_NETEM_DUPLICATE:
		r = parse_percent(what, value, &ne->duplicate, err);
		break;
	case NSLAB_NETEM_RATE:
		r = parse_rate(value, &ne->rate_bps, err);
		break;
	case NSLAB_NETEM_KEY_MAX:
	default:
		return nslab_err(err, EINVAL, "unknown netem key");
	}
	if (r < 0)
		return r;
	ne->keys |= 1u << key;
	ne->set = true;
	return 0;
}

void nslab_netem_merge(struct nslab_netem *dst, const struct nslab_netem *src)
{
	unsigned int k = src->keys;

	if (k & (1u << NSLAB_NETEM_DELAY))
		dst->delay_us = src->delay_us;
	if (k & (1u << NSLAB_NETEM_JITTER))
		dst->jitter_us = src->jitter_us;
	if (k & (1u << NSLAB_NETEM_LOSS))
		dst->loss = src->loss;
	if (k & (1u << NSLAB_NETEM_CORRUPT))
		dst->corrupt = src->corrupt;
	if (k & (1u << NSLAB_NETEM_DUPLICATE))
		dst->duplicate = src->duplicate;
	if (k & (1u << NSLAB_NETEM_RATE))
		dst->rate_bps = src->rate_bps;
	dst->keys |= k;
	dst->set = dst->set || src->set;
}

int nslab_netem_check(const struct nslab_netem *ne, struct nslab_error *err)
{
	char j[32];

	if (ne->jitter_us && !ne->delay_us) {
		nslab_netem_format_key(ne, NSLAB_NETEM_JITTER, j, sizeof(j));
		return nslab_err(err, EINVAL,
				 "jitter %s without a delay: jitter varies the delay, give one "
				 "too (such as delay 20ms)",
				 j);
	}
	return 0;
}

bool nslab_netem_needs_netem(const struct nslab_netem *ne)
{
	return ne->delay_us || ne->jitter_us || ne->loss > 0 || ne->corrupt > 0 ||
	       ne->duplicate > 0;
}

static void format_time(unsigned long long us, char *buf, size_t size)
{
	if (us && us % 1000000 == 0)
		snprintf(buf, size, "%llus", us / 1000000);
	else if (us >= 1000 && us % 1000 == 0)
		snprintf(buf, size, "%llums", us / 1000);
	else if (us >= 1000) {
		int n = snprintf(buf, size, "%llu.%03llu", us / 1000, us % 1000);

		/* 1.500 -> 1.5 */
		while (n > 0 && (size_t)n < size && buf[n - 1] == '0')
			buf[--n] = '\0';
		snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "ms");
	} else
		snprintf(buf, size, "%lluus", us);
}

/*
 * Six decimals, trailing zeros dropped: "20%", "0.5%".  A u32 probability
 * holds a percentage to 2.3e-8, so six decimals read back as written.
 */
static void format_percent(double p, char *buf, size_t size)
{
	char num[64];
	int n = snprintf(num, sizeof(num), "%.6f", p);

	while (n > 0 && num[n - 1] == '0')
		num[--n] = '\0';
	if (n > 0 && num[n - 1] == '.')
		num[--n] = '\0';
	snprintf(buf, size, "%s%%", num);
}

static void format_rate(unsigned long long bps, char *buf, size_t size)
{
	static const struct unit units[] = {
		{ "tbit", 1000000000000 },
		{ "gbit", 1000000000 },
		{ "mbit", 1000000 },
		{ "kbit", 1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (bps >= units[i].scale && bps % units[i].scale == 0) {
			snprintf(buf, size, "%llu%s", bps / units[i].scale, units[i].name);
			return;
		}
	snprintf(buf, size, "%llubit", bps);
}

void nslab_netem_format_key(const struct nslab_netem *ne, enum nslab_netem_key key, char *buf,
			    size_t size)
{
	switch (key) {
	case NSLAB_NETEM_DELAY:
		format_time(ne->delay_us, buf, size);
		break;
	case NSLAB_NETEM_JITTER:
		format_time(ne->jitter_us, buf, size);
		break;
	case NSLAB_NETEM_LOSS:
		format_percent(ne->loss, buf, size);
		break;
	case NSLAB_NETEM_CORRUPT:
		format_percent(ne->corrupt, buf, size);
		break;
	case NSLAB_NETEM_DUPLICATE:
		format_percent(ne->duplicate, buf, size);
		break;
	case NSLAB_NETEM_RATE:
		format_rate(ne->rate_bps, buf, size);
		break;
	case NSLAB_NETEM_KEY_MAX:
	default:
		snprintf(buf, size, "?");
		break;
	}
}

static bool key_nonzero(const struct nslab_netem *ne, enum nslab_netem_key key)
{
	switch (key) {
	case NSLAB_NETEM_DELAY:
		return ne->delay_us != 0;
	case NSLAB_NETEM_JITTER:
		return ne->jitter_us != 0;
	case NSLAB_NETEM_LOSS:
		return ne->loss > 0;
	case NSLAB_NETEM_CORRUPT:
		return ne->corrupt > 0;
	case NSLAB_NETEM_DUPLICATE:
		return ne->duplicate > 0;
	case NSLAB_NETEM_RATE:
		return ne->rate_bps != 0;
	case NSLAB_NETEM_KEY_MAX:
	default:
		return false;
	}
}

void nslab_netem_format(const struct nslab_netem *ne, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int k = 0; k < NSLAB_NETEM_KEY_MAX; k++) {
		char v[48];

		if (!key_nonzero(ne, k))
			continue;
		nslab_netem_format_key(ne, k, v, sizeof(v));
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s %s",
					len ? " " : "", key_names[k], v);
	}
}

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
		if (key_nonzero(ret, k))
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
