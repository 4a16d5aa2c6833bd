// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the tc builders and parsers: byte for byte against messages assembled by hand. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nslab/netem.h"
#include "nslab/tc.h"
#include "tap.h"

/*
 * The expected messages are written out here without libmnl: a header, a
 * tcmsg, then attributes as struct nlattr plus payload, padded to 4 bytes,
 * exactly as the kernel's netlink documentation lays them out.
 */
struct msg {
	uint8_t b[4096];
	size_t len;
};

static void raw(struct msg *m, const void *data, size_t n)
{
	memcpy(m->b + m->len, data, n);
	m->len += n;
	while (m->len % 4)
		m->b[m->len++] = 0;
}

static size_t attr_open(struct msg *m, uint16_t type)
{
	size_t at = m->len;
	struct nlattr a = { .nla_len = 0, .nla_type = type };

	raw(m, &a, sizeof(a));
	return at;
}

static void attr_close(struct msg *m, size_t at)
{
	uint16_t len = (uint16_t)(m->len - at);

	memcpy(m->b + at, &len, 2);
}

static void attr(struct msg *m, uint16_t type, const void *data, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(sizeof(a) + n), .nla_type = type };

	memcpy(m->b + m->len, &a, sizeof(a));
	m->len += sizeof(a);
	raw(m, data, n);
}

static void header(struct msg *m, uint16_t type, uint16_t flags, int ifindex, uint32_t parent)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags };
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent };

	m->len = 0;
	raw(m, &h, sizeof(h));
	raw(m, &t, sizeof(t));
}

static void finish(struct msg *m)
{
	uint32_t len = (uint32_t)m->len;

	memcpy(m->b, &len, 4);
}

static void dump_diff(const uint8_t *got, size_t got_len, const struct msg *want)
{
	size_t n = got_len < want->len ? got_len : want->len;

	for (size_t i = 0; i < n; i++)
		if (got[i] != want->b[i]) {
			printf("#   first difference at byte %zu: got %02x, expected %02x\n", i,
			       got[i], want->b[i]);
			return;
		}
	if (got_len != want->len)
		printf("#   length %zu, expected %zu\n", got_len, want->len);
}

static bool same(const uint8_t *got, int got_len, const struct msg *want, const char *what)
{
	bool eq = got_len == (int)want->len && memcmp(got, want->b, want->len) == 0;

	if (!ok(eq, "%s: byte for byte", what))
		dump_diff(got, got_len > 0 ? (size_t)got_len : 0, want);
	return eq;
}

static const struct nslab_psched PS = { .tick_in_usec = 15.625 };

static void test_del_get(void)
{
	struct nslab_qdisc_req req = { .ifindex = 7 };
	uint8_t buf[256];
	struct msg m;
	int len;

	header(&m, RTM_DELQDISC, NLM_F_REQUEST, 7, TC_H_ROOT);
	finish(&m);
	len = nslab_msg_delqdisc(buf, sizeof(buf), &req);
	same(buf, len, &m, "RTM_DELQDISC root of ifindex 7");
	is_int(m.len, 36, "a header and a tcmsg: 36 bytes");

	header(&m, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, 0, 0);
	finish(&m);
	len = nslab_msg_getqdisc(buf, sizeof(buf), NULL);
	same(buf, len, &m, "RTM_GETQDISC dump, header all zero (strict checking)");

	req.ifindex = 0;
	is_int(nslab_msg_delqdisc(buf, sizeof(buf), &req), -EINVAL, "no ifindex: -EINVAL");
	req.ifindex = 7;
	is_int(nslab_msg_delqdisc(buf, 20, &req), -ENOBUFS, "too small a buffer: -ENOBUFS");
}

static void test_netem_msg(void)
{
	struct nslab_qdisc_req req = {
		.ifindex = 3,
		.type = NSLAB_QDISC_NETEM,
		.netem = { .latency_ns = 50000000ull,
			   .jitter_ns = 5000000ull,
			   .loss = 858993459u, /* 20% */
			   .duplicate = 4294967u, /* ~0.1% */
			   .corrupt = 429497u,
			   .rate = 12500000u }, /* 100mbit */
		.psched = PS,
	};
	struct tc_netem_qopt q = {
		.latency = 781250, /* 50000 us * 15.625 ticks/us */
		.limit = 1000,
		.loss = 858993459u,
		.gap = 0,
		.duplicate = 4294967u,
		.jitter = 78125,
	};
	struct tc_netem_corr corr = { 0 };
	struct tc_netem_corrupt corrupt = { .probability = 429497u };
	struct tc_netem_rate rate = { .rate = 12500000u };
	uint64_t lat = 50000000ull, jit = 5000000ull;
	uint8_t buf[1024];
	struct msg m;
	size_t opt;
	int len;

	header(&m, RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE, 3, TC_H_ROOT);
	attr(&m, TCA_KIND, "netem", 6);
	opt = attr_open(&m, TCA_OPTIONS); /* no NLA_F_NESTED, as tc */
	raw(&m, &q, sizeof(q));
	attr(&m, TCA_NETEM_CORR, &corr, sizeof(corr));
	attr(&m, TCA_NETEM_CORRUPT, &corrupt, sizeof(corrupt));
	attr(&m, TCA_NETEM_RATE, &rate, sizeof(rate));
	attr(&m, TCA_NETEM_LATENCY64, &lat, 8);
	attr(&m, TCA_NETEM_JITTER64, &jit, 8);
	attr_close(&m, opt);
	finish(&m);
	len = nslab_msg_newqdisc(buf, sizeof(buf), &req);
	same(buf, len, &m, "RTM_NEWQDISC netem delay 50ms 5ms loss 20% rate 100mbit");
	is_int(m.len, 148, "148 bytes");
	for (size_t room = 0; room < m.len; room += 7)
		if (nslab_msg_newqdisc(buf, room, &req) != -ENOBUFS) {
			ok(0, "room %zu: -ENOBUFS", room);
			return;
		}
	ok(1, "every buffer too small gives -ENOBUFS");

	/* Above 4 GB/s netem's u32 rate saturates and TCA_NETEM_RATE64 carries it. */
	req.netem = (struct nslab_netem_qopt){ .latency_ns = 1000, .rate = 5000000000ull };
	q = (struct tc_netem_qopt){ .latency = 15, .limit = 1000 };
	rate.rate = UINT32_MAX;
	corrupt.probability = 0;
	lat = 1000;
	jit = 0;
	{
		uint64_t r64 = 5000000000ull;

		header(&m, RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE, 3,
		       TC_H_ROOT);
		attr(&m, TCA_KIND, "netem", 6);
		opt = attr_open(&m, TCA_OPTIONS);
		raw(&m, &q, sizeof(q));
		attr(&m, TCA_NETEM_CORR, &corr, sizeof(corr));
		attr(&m, TCA_NETEM_CORRUPT, &corrupt, sizeof(corrupt));
		attr(&m, TCA_NETEM_RATE, &rate, sizeof(rate));
		attr(&m, TCA_NETEM_RATE64, &r64, 8);
		attr(&m, TCA_NETEM_LATENCY64, &lat, 8);
		attr(&m, TCA_NETEM_JITTER64, &jit, 8);
		attr_close(&m, opt);
		finish(&m);
	}
	len = nslab_msg_newqdisc(buf, sizeof(buf), &req);
	same(buf, len, &m, "netem delay 1us rate 40gbit: TCA_NETEM_RATE64, ticks truncated");
}

static void test_tbf_msg(void)
{
	struct nslab_qdisc_req req = {
		.ifindex = 12,
		.type = NSLAB_QDISC_TBF,
		.tbf = { .rate = 1250000, .burst = 12500, .limit = 75000 }, /* 10mbit */
		.psched = PS,
	};
	struct tc_tbf_qopt q = { 0 };
	uint32_t rtab[256], burst = 12500;
	uint8_t buf[2048];
	struct msg m;
	size_t opt;
	int len;

	/* tc_calc_rtable(): cells of 8 bytes (MTU 2047), time in whole us, then ticks. */
	for (unsigned int i = 0; i < 256; i++) {
		unsigned int us = (unsigned int)(1000000.0 * ((i + 1) * 8) / 1250000);

		rtab[i] = (uint32_t)(us * 15.625);
	}
	is_int(rtab[0], 93, "rtab[0]: 8 bytes at 1.25 MB/s = 6 us = 93 ticks");
	is_int(rtab[255], 25593, "rtab[255]: 2048 bytes = 1638 us = 25593 ticks");
	q.rate = (struct tc_ratespec){
		.cell_log = 3, .linklayer = TC_LINKLAYER_ETHERNET, .cell_align = -1, .rate = 1250000
	};
	q.limit = 75000;
	q.buffer = 156250; /* 12500 bytes = 10 ms = 156250 ticks */
	header(&m, RTM_NEWQDISC, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE, 12, TC_H_ROOT);
	attr(&m, TCA_KIND, "tbf", 4);
	opt = attr_open(&m, TCA_OPTIONS);
	attr(&m, TCA_TBF_PARMS, &q, sizeof(q));
	attr(&m, TCA_TBF_BURST, &burst, 4);
	attr(&m, TCA_TBF_RTAB, rtab, sizeof(rtab));
	attr_close(&m, opt);
	finish(&m);
	len = nslab_msg_newqdisc(buf, sizeof(buf), &req);
	same(buf, len, &m, "RTM_NEWQDISC tbf rate 10mbit burst 12500 limit 75000, with rtab");

	req.tbf.rate = 0;
	is_int(nslab_msg_newqdisc(buf, sizeof(buf), &req), -EINVAL, "tbf without a rate: -EINVAL");
	req.type = NSLAB_QDISC_OTHER;
	req.tbf.rate = 1;
	is_int(nslab_msg_newqdisc(buf, sizeof(buf), &req), -EINVAL, "another type: -EINVAL");
}

/* A reply as the kernel's netem_dump() writes it: qopt, then LATENCY64 & co, one TCA_OPTIONS. */
static void test_parse(void)
{
	struct tc_netem_qopt q = { .latency = 781250, .limit = 1000, .loss = 858993459u };
	struct tc_netem_corrupt corrupt = { .probability = 0 };
	struct tc_netem_rate rate = { .rate = 0 };
	uint64_t lat = 50000000ull, jit = 0;
	struct nslab_qdisc_info info;
	struct nslab_netem ne;
	char text[128];
	struct msg m;
	size_t opt;

	header(&m, RTM_NEWQDISC, NLM_F_MULTI, 5, TC_H_ROOT);
	{
		struct tcmsg *t = (struct tcmsg *)(m.b + sizeof(struct nlmsghdr));

		t->tcm_handle = 0x80010000;
	}
	attr(&m, TCA_KIND, "netem", 6);
	opt = attr_open(&m, TCA_OPTIONS);
	raw(&m, &q, sizeof(q));
	attr(&m, TCA_NETEM_LATENCY64, &lat, 8);
	attr(&m, TCA_NETEM_JITTER64, &jit, 8);
	attr(&m, TCA_NETEM_CORRUPT, &corrupt, sizeof(corrupt));
	attr(&m, TCA_NETEM_RATE, &rate, sizeof(rate));
	attr_close(&m, opt);
	finish(&m);
	ok(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info) == 0,
	   "kernel's netem dump parses");
	is_int(info.ifindex, 5, "ifindex");
	ok(info.root, "at the root");
	is_int(info.type, NSLAB_QDISC_NETEM, "type netem");
	ok(info.netem.latency_ns == 50000000ull, "latency from LATENCY64");
	ok(nslab_netem_from_qdisc(&info, &ne), "it is an impairment");
	nslab_netem_format(&ne, text, sizeof(text));
	is_str(text, "delay 50ms loss 20%", "read back in the flags' words");

	/* Old kernels: ticks only. */
	header(&m, RTM_NEWQDISC, NLM_F_MULTI, 5, TC_H_ROOT);
	attr(&m, TCA_KIND, "netem", 6);
	opt = attr_open(&m, TCA_OPTIONS);
	q.jitter = 31250;
	raw(&m, &q, sizeof(q));
	attr_close(&m, opt);
	finish(&m);
	ok(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info) == 0, "netem without attributes");
	nslab_netem_from_qdisc(&info, &ne);
	nslab_netem_format(&ne, text, sizeof(text));
	is_str(text, "delay 50ms jitter 2ms loss 20%", "ticks converted with psched");

	{
		struct tc_tbf_qopt t = { .rate = { .rate = 1250000 },
					 .limit = 75000,
					 .buffer = 156250 };
		size_t o;

		header(&m, RTM_NEWQDISC, NLM_F_MULTI, 9, TC_H_ROOT);
		attr(&m, TCA_KIND, "tbf", 4);
		o = attr_open(&m, TCA_OPTIONS | NLA_F_NESTED);
		attr(&m, TCA_TBF_PARMS, &t, sizeof(t));
		attr_close(&m, o);
		finish(&m);
	}
	ok(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info) == 0, "kernel's tbf dump parses");
	is_int(info.type, NSLAB_QDISC_TBF, "type tbf");
	ok(info.tbf.rate == 1250000 && info.tbf.limit == 75000, "rate and limit");
	is_int(info.tbf.burst, 12500, "burst from the bucket's time");
	nslab_netem_from_qdisc(&info, &ne);
	nslab_netem_format(&ne, text, sizeof(text));
	is_str(text, "rate 10mbit", "tbf read back as a rate");

	header(&m, RTM_NEWQDISC, NLM_F_MULTI, 9, TC_H_ROOT);
	attr(&m, TCA_KIND, "fq_codel", 9);
	finish(&m);
	{
		struct tcmsg *t = (struct tcmsg *)(m.b + sizeof(struct nlmsghdr));

		t->tcm_handle = 0x10000;
	}
	ok(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info) == 0 &&
		   info.type == NSLAB_QDISC_OTHER,
	   "another qdisc: type other");
	ok(!nslab_netem_from_qdisc(&info, &ne) && !ne.set, "and no impairment");

	header(&m, RTM_NEWLINK, 0, 1, 0);
	finish(&m);
	is_int(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info), -EINVAL,
	       "another message type: -EINVAL");
	header(&m, RTM_NEWQDISC, 0, 1, 0);
	finish(&m);
	is_int(nslab_qdisc_parse((struct nlmsghdr *)m.b, &PS, &info), -EINVAL, "no kind: -EINVAL");
}

/* Settings -> request -> bytes -> parsed -> the same words. */
static void round_trip(const char *const *flags, const char *want, enum nslab_qdisc_type type)
{
	struct nslab_qdisc_req req = { .ifindex = 4 };
	struct nslab_netem ne = { 0 }, back;
	struct nslab_error err = { 0 };
	struct nslab_qdisc_info info;
	uint8_t buf[2048];
	char text[256];

	for (const char *const *f = flags; *f; f += 2)
		if (nslab_netem_set_key(&ne, nslab_netem_key_from_string(f[0]), f[1], &err) < 0) {
			ok(0, "%s %s: %s", f[0], f[1], err.msg);
			return;
		}
	nslab_netem_to_qdisc(&ne, 1500, &PS, &req);
	is_int(req.type, type, "%s: qdisc type", want);
	if (nslab_msg_newqdisc(buf, sizeof(buf), &req) < 0 ||
	    nslab_qdisc_parse((struct nlmsghdr *)buf, &PS, &info) < 0) {
		ok(0, "%s: build and parse", want);
		return;
	}
	nslab_netem_from_qdisc(&info, &back);
	nslab_netem_format(&back, text, sizeof(text));
	is_str(text, want, "round trip of '%s'", want);
}

static void test_round_trips(void)
{
	round_trip((const char *const[]){ "delay", "50ms", "loss", "20%", NULL },
		   "delay 50ms loss 20%", NSLAB_QDISC_NETEM);
	round_trip((const char *const[]){ "delay", "20ms", "jitter", "2ms", "loss", "0.5%", "rate",
					  "100mbit", "corrupt", "0.1%", "duplicate", "0.1", NULL },
		   "delay 20ms jitter 2ms loss 0.5% corrupt 0.1% duplicate 0.1% rate 100mbit",
		   NSLAB_QDISC_NETEM);
	round_trip((const char *const[]){ "rate", "10mbit", NULL }, "rate 10mbit", NSLAB_QDISC_TBF);
	round_trip((const char *const[]){ "rate", "10MBps", NULL }, "rate 80mbit", NSLAB_QDISC_TBF);
	round_trip((const char *const[]){ "delay", "1.5ms", "loss", "33.3333%", NULL },
		   "delay 1.5ms loss 33.3333%", NSLAB_QDISC_NETEM);
	round_trip((const char *const[]){ "loss", "100%", "duplicate", "0.0001%", NULL },
		   "loss 100% duplicate 0.0001%", NSLAB_QDISC_NETEM);
	round_trip((const char *const[]){ "delay", "250us", "rate", "40gbit", NULL },
		   "delay 250us rate 40gbit", NSLAB_QDISC_NETEM);
}

static void test_tbf_size(void)
{
	uint32_t burst, limit;

	nslab_tbf_size(1250000, 1500, &burst, &limit);
	ok(burst == 12500 && limit == 12500 + 62500, "10mbit: 10 ms bucket, 50 ms queue (%u %u)",
	   burst, limit);
	nslab_tbf_size(1000, 9000, &burst, &limit);
	is_int(burst, 2 * 9014, "a slow rate: two full frames at least");
	nslab_tbf_size(1000, 0, &burst, &limit);
	is_int(burst, 2 * 1514, "MTU 0 means 1500");
}

int main(void)
{
	struct nslab_psched ps;

	test_del_get();
	test_netem_msg();
	test_tbf_msg();
	test_parse();
	test_round_trips();
	test_tbf_size();
	nslab_psched_read(&ps);
	ok(ps.tick_in_usec > 0, "psched read (%g ticks per us)", ps.tick_in_usec);
	is_int(nslab_psched_us2ticks(&PS, 1e12), UINT32_MAX, "ticks saturate");
	return tap_done();
}
