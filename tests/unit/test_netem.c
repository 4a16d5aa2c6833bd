// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of impairments: value parsing and formatting, `netem:` in topologies, the plan's NETEM steps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/netem.h"
#include "nslab/plan.h"
#include "nslab/topo.h"
#include "tap.h"
#include "util.h"

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");

	return d && *d ? d : "tests/fixtures";
}

/* Parse one value; return its formatted form, or the error text. */
static const char *value(const char *key, const char *v)
{
	static char buf[NSLAB_ERR_MSG_MAX];
	struct nslab_netem ne = { 0 };
	struct nslab_error err = { 0 };
	int k = nslab_netem_key_from_string(key);

	if (nslab_netem_set_key(&ne, k, v, &err) < 0)
		return strcpy(buf, err.msg);
	if (!(ne.keys & (1u << k)) || !ne.set)
		return "key not marked";
	nslab_netem_format_key(&ne, k, buf, sizeof(buf));
	return buf;
}

static void test_values(void)
{
	is_str(value("delay", "20ms"), "20ms", "20ms");
	is_str(value("delay", "1.5ms"), "1.5ms", "1.5ms");
	is_str(value("delay", "1500us"), "1.5ms", "1500us is 1.5ms");
	is_str(value("delay", "2s"), "2s", "2s");
	is_str(value("delay", "0.25s"), "250ms", "0.25s");
	is_str(value("delay", "2SEC"), "2s", "units ignore case, as tc");
	is_str(value("jitter", "250usec"), "250us", "usec");
	is_str(value("delay", "60s"), "60s", "60s is the most");
	is_str(value("delay", "61s"), "invalid delay '61s': at most 60s", "61s is too long");
	is_str(value("delay", "20"), "invalid delay '20': give a unit (us, ms or s), such as 20ms",
	       "a bare number needs a unit");
	is_str(value("delay", "0.5us"),
	       "invalid delay '0.5us': the kernel counts whole microseconds", "half a microsecond");
	is_str(value("delay", "-1ms"),
	       "invalid delay '-1ms': expected a time such as 20ms, 1.5ms, 500us or 1s",
	       "negative");
	is_str(value("delay", "1e3ms"),
	       "invalid delay '1e3ms': expected a time such as 20ms, 1.5ms, 500us or 1s",
	       "no exponents");
	is_str(value("delay", "20 ms"),
	       "invalid delay '20 ms': expected a time such as 20ms, 1.5ms, 500us or 1s",
	       "no space");
	is_str(value("delay", "99999999999999999999999999999s"),
	       "invalid delay '99999999999999999999999999999s': expected a time such as 20ms, "
	       "1.5ms, 500us or 1s",
	       "overflow is refused, not wrapped");

	is_str(value("loss", "0.5%"), "0.5%", "0.5%%");
	is_str(value("loss", "0.5"), "0.5%", "percent without %%");
	is_str(value("loss", "100"), "100%", "100");
	is_str(value("corrupt", "0.000001%"), "0.000001%", "six decimals");
	is_str(value("corrupt", "0.0000001%"), "invalid corrupt '0.0000001%': at most 6 decimals",
	       "seven decimals");
	is_str(value("duplicate", "100.5%"), "invalid duplicate '100.5%': more than 100%",
	       "above 100");
	is_str(value("loss", "5 %"),
	       "invalid loss '5 %': expected a percentage from 0 to 100, such as 0.5% or 20%",
	       "no space before %%");
	is_str(value("loss", "%"),
	       "invalid loss '%': expected a percentage from 0 to 100, such as 0.5% or 20%",
	       "no number");

	is_str(value("rate", "100mbit"), "100mbit", "100mbit");
	is_str(value("rate", "1.5mbit"), "1500kbit", "1.5mbit");
	is_str(value("rate", "10Mbit"), "10mbit", "case ignored");
	is_str(value("rate", "1gbit"), "1gbit", "1gbit");
	is_str(value("rate", "8bit"), "8bit", "8bit: one byte per second");
	is_str(value("rate", "1kbps"), "8kbit", "kbps is kilobytes per second, as tc");
	is_str(value("rate", "1mbps"), "8mbit", "mbps: megabytes");
	is_str(value("rate", "1bps"), "8bit", "bps: bytes");
	is_str(value("rate", "1kibit"), "1024bit", "kibit: 1024 bits");
	is_str(value("rate", "1mibps"), "8388608bit", "mibps: 2^20 bytes");
	is_str(value("rate", "100"),
	       "invalid rate '100': give a unit, such as 100mbit (bits per second) or 100kbps "
	       "(bytes per second, as tc)",
	       "a bare number needs a unit");
	is_str(value("rate", "0mbit"), "invalid rate '0mbit': must be above zero", "zero");
	is_str(value("rate", "12bit"),
	       "invalid rate '12bit': the kernel counts whole bytes per second (a multiple of "
	       "8bit)",
	       "not whole bytes");
	is_str(value("rate", "fast"),
	       "invalid rate 'fast': expected a number and a unit: bit, kbit, mbit, gbit (bits "
	       "per second) or bps, kbps, mbps, gbps (bytes per second), such as 100mbit",
	       "no number");

	is_int(nslab_netem_key_from_string("reorder"), -EINVAL, "reorder is no key");
	is_str(nslab_netem_key_to_string(NSLAB_NETEM_DUPLICATE), "duplicate", "key names");
}

static void test_format_check(void)
{
	struct nslab_netem a = { 0 }, b = { 0 };
	struct nslab_error err = { 0 };
	char text[256];

	nslab_netem_set_key(&a, NSLAB_NETEM_DELAY, "10ms", &err);
	nslab_netem_set_key(&a, NSLAB_NETEM_LOSS, "1%", &err);
	nslab_netem_set_key(&b, NSLAB_NETEM_LOSS, "5%", &err);
	nslab_netem_set_key(&b, NSLAB_NETEM_RATE, "1mbit", &err);
	nslab_netem_merge(&a, &b);
	nslab_netem_format(&a, text, sizeof(text));
	is_str(text, "delay 10ms loss 5% rate 1mbit", "merge: the second's keys win, others stay");
	ok(nslab_netem_needs_netem(&a), "delay and loss need netem");
	nslab_netem_format(&b, text, sizeof(text));
	is_str(text, "loss 5% rate 1mbit", "format in key order");

	b = (struct nslab_netem){ 0 };
	nslab_netem_set_key(&b, NSLAB_NETEM_RATE, "1mbit", &err);
	ok(!nslab_netem_needs_netem(&b), "a rate alone is tbf's");
	b = (struct nslab_netem){ 0 };
	nslab_netem_set_key(&b, NSLAB_NETEM_LOSS, "0%", &err);
	ok(b.set && !nslab_netem_needs_netem(&b) && !b.rate_bps, "all zero: nothing to do");
	nslab_netem_format(&b, text, sizeof(text));
	is_str(text, "", "and nothing to say");

	b = (struct nslab_netem){ 0 };
	nslab_netem_set_key(&b, NSLAB_NETEM_JITTER, "2ms", &err);
	is_int(nslab_netem_check(&b, &err), -EINVAL, "jitter without delay is refused");
	is_str(err.msg,
	       "jitter 2ms without a delay: jitter varies the delay, give one too (such as delay "
	       "20ms)",
	       "with a message");
	nslab_netem_set_key(&b, NSLAB_NETEM_DELAY, "20ms", &err);
	is_int(nslab_netem_check(&b, &err), 0, "with a delay it is fine");
}

static struct nslab_topo *load(const char *name)
{
	char path[4096];
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	snprintf(path, sizeof(path), "%s/good/%s", fixtures(), name);
	if (nslab_topo_load(path, &t, &err) < 0) {
		ok(0, "%s parses: %s", name, err.msg);
		return NULL;
	}
	return t;
}

/* The formatted netem of NODE:IFACE, "-" when unset. */
static const char *end_netem(const struct nslab_topo *t, const char *node, const char *ifname)
{
	static char buf[256];

	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e];

			if (!streq(t->nodes[ep->node].name, node) || !streq(ep->ifname, ifname))
				continue;
			if (!ep->netem.set)
				return "-";
			nslab_netem_format(&ep->netem, buf, sizeof(buf));
			return buf;
		}
	return "no such end";
}

static void test_topology(void)
{
	struct nslab_topo *t = load("netem.yml");

	if (!t)
		return;
	is_str(end_netem(t, "r1", "eth1"),
	       "delay 20ms jitter 2ms loss 0.5% corrupt 0.1% duplicate 0.1% rate 100mbit",
	       "link netem: r1's end");
	is_str(end_netem(t, "r2", "eth1"), end_netem(t, "r1", "eth1"),
	       "link netem: the same on r2's end (both directions)");
	is_str(end_netem(t, "r1", "eth2"), "delay 10ms loss 5% rate 1500kbit",
	       "endpoint keys win over the link's, the link's others stay");
	is_str(end_netem(t, "r2", "eth2"), "delay 10ms loss 1%", "the other end has the link's");
	is_str(end_netem(t, "r1", "eth3"), "rate 80mbit", "endpoint only: 10MBps is 80mbit");
	is_str(end_netem(t, "h1", "eth1"), "-", "and its far end has none");
	is_str(end_netem(t, "br", "h1-eth2"), "rate 1gbit", "a bridge port gets the link's");
	is_str(end_netem(t, "h1", "eth2"), "rate 1gbit", "and so does the node's end");
	is_str(end_netem(t, "r2", "eth9"), "delay 1.5ms duplicate 2%",
	       "host link: the endpoint's over the link's");
	is_str(end_netem(t, "host", "r2-up"), "duplicate 2%", "host link: the host end too");
	nslab_topo_free(t);
}

static void test_plan(void)
{
	struct nslab_topo *t = load("netem.yml");
	struct nslab_error err = { 0 };
	struct nslab_plan *plan = NULL;
	size_t n = 0, last_route = 0, first_netem = 0;
	char seen[512] = "";

	if (!t)
		return;
	if (!ok(nslab_plan_build(t, NULL, &plan, &err) == 0, "plan builds: %s", err.msg)) {
		nslab_topo_free(t);
		return;
	}
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct nslab_op *op = &plan->ops[i];

		if (op->type == NSLAB_OP_UP || op->type == NSLAB_OP_ADDR ||
		    op->type == NSLAB_OP_ROUTE)
			last_route = i;
		if (op->type != NSLAB_OP_NETEM)
			continue;
		if (!n++)
			first_netem = i;
		snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s:%s/%d/%d",
			 seen[0] ? " " : "", op->node->name, op->ifname, op->ns, op->ifindex);
		ok(op->netem && op->netem->set && op->mtu == 1500, "%s:%s: settings and MTU",
		   op->node->name, op->ifname);
	}
	is_int(n, 9, "one NETEM step per end with netem");
	ok(first_netem > last_route, "after every UP, ADDR and ROUTE");
	/* r1 is ns 1 (lo 1, eth1 2, eth2 3, eth3 4); host-namespace ends by name (0). */
	is_str(seen,
	       "r1:eth1/1/2 r2:eth1/2/2 r1:eth2/1/3 r2:eth2/2/3 r1:eth3/1/4 h1:eth2/3/3 "
	       "br:h1-eth2/0/0 r2:eth9/2/4 host:r2-up/0/0",
	       "each end in its namespace, with the ifindex chosen for it");
	nslab_plan_free(plan);
	plan = NULL;
	ok(nslab_plan_build(t, "r1", &plan, &err) == 0, "plan with --node-filter r1");
	n = 0;
	for (size_t i = 0; plan && i < plan->n_ops; i++)
		n += plan->ops[i].type == NSLAB_OP_NETEM;
	is_int(n, 0, "r1 alone: no link of r1 is built, so no NETEM step");
	nslab_plan_free(plan);
	nslab_topo_free(t);
}

int main(void)
{
	test_values();
	test_format_check();
	test_topology();
	test_plan();
	return tap_done();
}
