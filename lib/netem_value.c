// SPDX-License-Identifier: LGPL-2.1-or-later
/* Link impairments: the values of `netem:` and of --delay & co, parsed and formatted. */
#include <stdint.h>
#include <stdio.h>
#include <strings.h>

#include "nslab/netem.h"
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

bool nslab_netem_key_nonzero(const struct nslab_netem *ne, enum nslab_netem_key key)
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

		if (!nslab_netem_key_nonzero(ne, k))
			continue;
		nslab_netem_format_key(ne, k, v, sizeof(v));
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s %s",
					len ? " " : "", key_names[k], v);
	}
}
