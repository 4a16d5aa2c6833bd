// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab script: shell quoting (checked by /bin/sh itself), each operation's commands, whole scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "nslab/plan.h"
#include "nslab/script.h"
#include "nslab/topo.h"
#include "tap.h"
#include "util.h"

#define has(text, needle) ok(strstr(text, needle), "has: %.*s", (int)strcspn(needle, "\n"), needle)
#define lacks(text, needle) \
	ok(!strstr(text, needle), "lacks: %.*s", (int)strcspn(needle, "\n"), needle)

static char *quoted(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	nslab_sh_quote(f, s);
	fclose(f);
	return buf;
}

/* Write @script to a file and run `/bin/sh ARGS FILE`; its stdout in *@out. */
static int run_sh(const char *args, const char *script, char **out)
{
	char path[] = "/tmp/nslab-test-script.XXXXXX", cmd[256];
	int fd = mkstemp(path), status;
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *p, *m;

	if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "/bin/sh %s %s 2>&1", args, path);
	p = popen(cmd, "r");
	m = open_memstream(&buf, &len);
	while (p && (n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	status = p ? pclose(p) : -1;
	fclose(m);
	unlink(path);
	*out = buf;
	return status == -1 ? -1 : WEXITSTATUS(status);
}

static void test_quote(void)
{
	static const char *const nasty[] = {
		"plain",
		"",
		"two words",
		"it's",
		"'",
		"''",
		"'\\''",
		"$HOME",
		"${HOME:-x}",
		"`id`",
		"$(id)",
		"a;b&c|d",
		"*",
		"?",
		"[a]",
		"~",
		"~root",
		"#comment",
		"a#b",
		"=x",
		"a=b",
		"-n",
		"--",
		"\\",
		"\\n",
		"\"",
		"line1\nline2",
		"tab\there",
		"trailing newline\n",
		"!",
		"{a,b}",
		"\xc3\xa9t\xc3\xa9",
		"<in >out 2>&1",
		"%s%d%%",
		"eth1.10",
		"10.0.0.1/24",
		"fd00::1/64",
		"02:00:00:00:00:01",
	};

	for (size_t i = 0; i < ARRAY_SIZE(nasty); i++) {
		_cleanup_free_ char *q = quoted(nasty[i]), *script = NULL, *out = NULL;
		int r;

		/* printf %s of the word must give the string back, byte for byte. */
		if (asprintf(&script, "printf %%s %s\n", q) < 0)
			continue;
		r = run_sh("", script, &out);
		ok(r == 0 && out && streq(out, nasty[i]),
		   "sh reads quoted string %zu back unchanged", i);
	}
	{
		_cleanup_free_ char *a = quoted("eth1"), *b = quoted("it's"), *c = quoted(""),
				    *d = quoted("a b"),
				    *e = quoted("net.ipv4.conf.all.rp_filter=0");

		is_str(a, "eth1", "a safe word stays as it is");
		is_str(b, "'it'\\''s'", "a single quote becomes '\\''");
		is_str(c, "''", "the empty string is ''");
		is_str(d, "'a b'", "a space is quoted");
		is_str(e, "net.ipv4.conf.all.rp_filter=0", "a sysctl assignment stays readable");
	}
}

/* --- a hand-made plan: three namespaces, a network, a bridge -------------- */

static struct nslab_kv env[] = { { .key = "A", .value = "x y" }, { .key = "Q", .value = "it's" } };
static struct nslab_kv sysctls[] = {
	{ .key = "net.ipv4.conf.all.rp_filter", .value = "2" },
	{ .key = "net.ipv4.ping_group_range", .value = "0 2147483647" },
	{ .key = "net.ipv4.conf.eth1.rp_filter", .value = "1" },
};
static struct nslab_str services[] = { { .s = "sleep 'forever'" } };
static struct nslab_node nodes[] = {
	{ .name = "r1",
	  .kind = NSLAB_KIND_LINUX,
	  .netns = "nslab-t-r1",
	  .env = env,
	  .n_env = 2,
	  .sysctls = sysctls,
	  .n_sysctls = 3,
	  .services = services,
	  .n_services = 1,
	  .memory = 1 << 20 },
	{ .name = "sw", .kind = NSLAB_KIND_SWITCH, .netns = "nslab-t-sw" },
	{ .name = "x", .kind = NSLAB_KIND_EXT, .netns = "nslab-t-x", .ext_pid = 4242 },
	{ .name = "y",
	  .kind = NSLAB_KIND_EXT,
	  .netns = "nslab-t-y",
	  .ext_netns = "/proc/1/ns/net" },
	{ .name = "z", .kind = NSLAB_KIND_EXT, .netns = "zz", .ext_netns = "zz" },
	{ .name = "host", .kind = NSLAB_KIND_HOST },
};
static struct nslab_network net = { .name = "front",
				    .bridge = "br-front",
				    .subnet = "10.1.0.0/24" };
static struct nslab_topo topo = {
	.file = "t.yml",
	.name = "t",
	.nodes = nodes,
	.n_nodes = ARRAY_SIZE(nodes),
};
static struct nslab_plan_ns plan_ns[] = {
	{ .name = NULL },
	{ .name = "nslab-t-r1", .node = &nodes[0], .uses_ipv6 = false },
	{ .name = "nslab-t-sw", .node = &nodes[1], .uses_ipv6 = true },
	{ .name = "nslab-t-x", .node = &nodes[2], .adopted = true },
};
static struct nslab_plan plan = {
	.topo = &topo,
	.ns = plan_ns,
	.n_ns = ARRAY_SIZE(plan_ns),
	.mark = "nslab:t",
};

static char *render(const struct nslab_op *op)
{
	struct nslab_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = nslab_script_render_op(&plan, op, f, &err);

	fclose(f);
	if (r < 0) {
		printf("# render failed: %s\n", err.msg);
		free(buf);
		return strdup("(failed)");
	}
	return buf;
}

static void test_netns(void)
{
	struct nslab_op op = { .type = NSLAB_OP_NETNS, .ns = 1, .node = &nodes[0] };
	_cleanup_free_ char *s = render(&op);

	has(s, "ip netns add nslab-t-r1\n");
	has(s, "ip -n nslab-t-r1 link set dev lo up\n");
	has(s, "ip netns exec nslab-t-r1 sysctl -qw net.ipv4.conf.all.forwarding=0\n");
	has(s, "[ ! -d /proc/sys/net/ipv6 ] || ip netns exec nslab-t-r1 sysctl -qw "
	       "net.ipv6.conf.all.forwarding=0\n");
	has(s, "ip netns exec nslab-t-r1 sysctl -qw net.ipv4.conf.default.rp_filter=0\n");
	lacks(s, "net.ipv4.conf.all.rp_filter=0");
	has(s, "ip netns exec nslab-t-r1 sysctl -qw net.ipv4.conf.all.rp_filter=2\n");
	has(s, "ip netns exec nslab-t-r1 sysctl -qw net.ipv4.ping_group_range='0 2147483647'\n");
	has(s, "sysctl -qw net.ipv6.conf.default.addr_gen_mode=1\n");
	lacks(s, "conf.eth1.rp_filter");

	op = (struct nslab_op){ .type = NSLAB_OP_NETNS, .ns = 2, .node = &nodes[1] };
	free(s);
	s = render(&op);
	lacks(s, "addr_gen_mode");

	op = (struct nslab_op){ .type = NSLAB_OP_SYSCTL,
				.ns = 1,
				.node = &nodes[0],
				.key = "net.ipv4.conf.eth1.rp_filter",
				.value = "1" };
	free(s);
	s = render(&op);
	is_str(s, "ip netns exec nslab-t-r1 sysctl -qw net.ipv4.conf.eth1.rp_filter=1\n",
	       "per-device sysctl");
}

static void test_adopt(void)
{
	struct nslab_op op = { .type = NSLAB_OP_ADOPT, .ns = 3, .node = &nodes[2] };
	_cleanup_free_ char *s = render(&op);

	has(s, "ip netns attach nslab-t-x 4242\n");
	op.node = &nodes[3];
	free(s);
	s = render(&op);
	has(s, "touch /run/netns/nslab-t-y\nmount --bind /proc/1/ns/net /run/netns/nslab-t-y\n");
	op.node = &nodes[4];
	free(s);
	s = render(&op);
	lacks(s, "mount");
	lacks(s, "attach");
}

static void test_bridge_veth_up(void)
{
	unsigned int g = 0;
	char grp[32];
	struct nslab_op br_host = { .type = NSLAB_OP_BRIDGE,
				    .ns = 0,
				    .ifname = "br-front",
				    .network = &net,
				    .mtu = 1400,
				    .exclusive = true };
	struct nslab_op br_sw = {
		.type = NSLAB_OP_BRIDGE, .ns = 2, .ifname = "br0", .ifindex = 2, .node = &nodes[1]
	};
	struct nslab_op veth_net = { .type = NSLAB_OP_VETH,
				     .ns = 0,
				     .ifname = "nsl12345678",
				     .master = "br-front",
				     .peer_ns = 1,
				     .peer_ifname = "eth1",
				     .peer_ifindex = 3,
				     .mtu = 1500,
				     .node = &nodes[0],
				     .peer_node = &nodes[0],
				     .network = &net };
	struct nslab_op veth_sw = { .type = NSLAB_OP_VETH,
				    .ns = 2,
				    .ifname = "p1",
				    .ifindex = 3,
				    .master = "br0",
				    .mac = "02:00:00:00:00:01",
				    .peer_ns = 3,
				    .peer_ifname = "eth9",
				    .mtu = 9000,
				    .peer_mac = "02:00:00:00:00:02",
				    .node = &nodes[1],
				    .peer_node = &nodes[2] };
	struct nslab_op up_host = { .type = NSLAB_OP_UP, .ns = 0, .ifname = "r1-up" };
	struct nslab_op up_ns = {
		.type = NSLAB_OP_UP, .ns = 1, .ifname = "eth1", .ifindex = 2, .master = NULL
	};
	_cleanup_free_ char *a = render(&br_host), *b = render(&br_sw), *c = render(&veth_net),
			    *d = render(&veth_sw), *e = render(&up_host), *f = render(&up_ns);
	char want[256];

	sscanf(strstr(a, "group ") ? strstr(a, "group ") : "group 0", "group %u", &g);
	ok(g >= 0x40000000u, "host devices get the lab's device group (%u)", g);
	snprintf(grp, sizeof(grp), "%u", g);
	snprintf(want, sizeof(want),
		 "ip link add name br-front group %s mtu 1400 type bridge stp_state 0\n"
		 "ip link set dev br-front alias nslab:t\nip link set dev br-front up\n",
		 grp);
	has(a, want);
	has(a, "# network front: bridge br-front");
	has(b, "ip -n nslab-t-sw link add name br0 index $((skip + 2)) type bridge stp_state 0\n"
	       "ip -n nslab-t-sw link set dev br0 up\n");
	lacks(b, "group");
	snprintf(want, sizeof(want),
		 "ip link add name nsl12345678 group %s mtu 1500 type veth peer name eth1 netns "
		 "nslab-t-r1 index $((skip + 3)) mtu 1500\n"
		 "ip link set dev nsl12345678 alias nslab:t\n"
		 "ip link set dev nsl12345678 master br-front up\n"
		 "ip link set dev nsl12345678 type bridge_slave hairpin on\n",
		 grp);
	has(c, want);
	has(d, "ip link add name p1 netns nslab-t-sw index $((skip + 3)) mtu 9000 address "
	       "02:00:00:00:00:01 "
	       "type veth peer name eth9 netns nslab-t-x mtu 9000 address 02:00:00:00:00:02\n"
	       "ip -n nslab-t-sw link set dev p1 master br0 up\n");
	lacks(d, "hairpin");
	lacks(d, "group");
	is_str(e, "ip link set dev r1-up alias nslab:t\nip link set dev r1-up up\n",
	       "UP of a host end: alias, up");
	is_str(f, "ip -n nslab-t-r1 link set dev eth1 up\n", "UP in a namespace");
}

static void test_addr_route(void)
{
	struct nslab_route routes[] = {
		{ .dst = "10.0.0.0/24", .via = "10.0.1.1", .metric = -1, .family = AF_INET },
		{ .dst = "default",
		  .via = "10.0.1.254",
		  .dev = "eth1",
		  .onlink = true,
		  .metric = -1,
		  .family = AF_INET },
		{ .dst = "default6", .via = "fd00::1", .metric = -1, .family = AF_INET6 },
		{ .dst = "10.9.0.0/16",
		  .via = "10.0.1.1",
		  .src = "10.0.1.2",
		  .metric = 7,
		  .table = 100,
		  .family = AF_INET },
		{ .dst = "10.8.0.0/16", .dev = "eth1", .metric = -1, .family = AF_INET },
		{ .dst = "default6", .dev = "eth1", .metric = -1, .family = AF_INET6 },
	};
	static const char *const want[] = {
		"ip -n nslab-t-r1 route add 10.0.0.0/24 via 10.0.1.1\n",
		"ip -n nslab-t-r1 route add default via 10.0.1.254 dev eth1 onlink\n",
		"ip -n nslab-t-r1 -6 route add default via fd00::1\n",
		"ip -n nslab-t-r1 route add 10.9.0.0/16 via 10.0.1.1 src 10.0.1.2 metric 7 table "
		"100\n",
		"ip -n nslab-t-r1 route add 10.8.0.0/16 dev eth1\n",
		"ip -n nslab-t-r1 -6 route add default dev eth1\n",
	};
	struct nslab_op a4 = {
		.type = NSLAB_OP_ADDR, .ns = 1, .ifname = "eth1", .addr = "10.0.1.2/24"
	};
	struct nslab_op a6 = {
		.type = NSLAB_OP_ADDR, .ns = 0, .ifname = "r1-up", .addr = "fd00::2/64"
	};
	_cleanup_free_ char *s4 = render(&a4), *s6 = render(&a6);

	is_str(s4, "ip -n nslab-t-r1 addr add 10.0.1.2/24 dev eth1\n", "IPv4 address");
	is_str(s6, "ip addr add fd00::2/64 dev r1-up nodad\n", "IPv6 address on the host: nodad");
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		struct nslab_op op = { .type = NSLAB_OP_ROUTE,
				       .ns = 1,
				       .node = &nodes[0],
				       .route = &routes[i],
				       .ifname = routes[i].dev };
		_cleanup_free_ char *s = render(&op);

		is_str(s, want[i], "route %zu", i);
	}
}

static void test_netem(void)
{
	struct nslab_netem all = { .set = true,
				   .delay_us = 20000,
				   .jitter_us = 2500,
				   .loss = 0.5,
				   .corrupt = 0.1,
				   .duplicate = 1,
				   .rate_bps = 100000000 };
	struct nslab_netem rate = { .set = true, .rate_bps = 10000000 };
	struct nslab_netem slow = { .set = true, .rate_bps = 8000 };
	struct nslab_netem jitter = { .set = true, .jitter_us = 1000, .rate_bps = 1500 };
	struct nslab_op op = { .type = NSLAB_OP_NETEM, .ns = 1, .ifname = "eth1", .netem = &all };
	_cleanup_free_ char *a = render(&op), *b = NULL, *c = NULL, *d = NULL, *e = NULL;

	has(a, "tc -n nslab-t-r1 qdisc replace dev eth1 root netem delay 20ms 2.5ms loss 0.5% "
	       "corrupt 0.1% duplicate 1% rate 100mbit\n");
	op.netem = &rate;
	b = render(&op);
	/* 10 ms of traffic a burst, 50 ms more queued (as lib/tc.c's nslab_tbf_size()) */
	has(b, "tc -n nslab-t-r1 qdisc replace dev eth1 root tbf rate 10mbit burst 12500 limit "
	       "75000\n");
	op.netem = &slow;
	op.ns = 0;
	op.ifname = "r1-up";
	c = render(&op);
	/* but at least two full frames */
	has(c, "tc qdisc replace dev r1-up root tbf rate 8kbit burst 3028 limit 3078\n");
	op.netem = &jitter;
	d = render(&op);
	has(d, "root netem delay 0us 1ms rate 1500bit\n");
	/* And the rendered command is one tc would parse: no stray quotes or '%'. */
	op.netem = &all;
	op.ifname = "it's";
	e = render(&op);
	has(e, "dev 'it'\\''s' root netem");
}

static void test_exec_service(void)
{
	struct nslab_op ex = { .type = NSLAB_OP_EXEC,
			       .ns = 1,
			       .node = &nodes[0],
			       .cmd = "echo \"$A\" 'b' > /tmp/x; $(true)",
			       .delay = 1.5 };
	struct nslab_op hx = { .type = NSLAB_OP_EXEC, .ns = 0, .node = &nodes[5], .cmd = "true" };
	struct nslab_op sv = { .type = NSLAB_OP_SERVICE, .ns = 1, .node = &nodes[0] };
	_cleanup_free_ char *a = render(&ex), *b = render(&hx), *c = render(&sv);

	has(a, "sleep 1.5\n");
	has(a, "ip netns exec nslab-t-r1 env 'A=x y' 'Q=it'\\''s' sh -c 'echo \"$A\" '\\''b'\\'' > "
	       "/tmp/x; $(true)'\n");
	is_str(b, "sh -c true\n", "exec on the host node: no namespace, no env");
	has(c, "ip netns exec nslab-t-r1 env 'A=x y' 'Q=it'\\''s' sh -c 'sleep '\\''forever'\\''' "
	       "</dev/null >>");
	has(c, "/nslab-t/r1.0.log 2>&1 &\n");
	has(c, "memory and cpu limits are a cgroup");
}

/* --- whole scripts, from a parsed file ------------------------------------ */

static const char lab_yml[] =
	"name: whole\n"
	"networks:\n"
	"  web: {subnet: 10.44.0.0/24}\n"
	"topology:\n"
	"  nodes:\n"
	"    a: {networks: [web], ports: ['8080:80'], exec: ['echo \"hi\" >&2']}\n"
	"    b: {}\n"
	"    br: {kind: bridge}\n"
	"    x: {kind: ext, netns: other}\n"
	"  links:\n"
	"    - endpoints: [a:eth5, b:eth5]\n"
	"      ipv4: [10.45.0.1/30, 10.45.0.2/30]\n"
	"    - endpoints: [b:eth6, br:b-eth6]\n"
	"    - endpoints: [x:eth1, b:eth7]\n";

static char *whole(const struct nslab_plan *p, bool destroy)
{
	struct nslab_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = nslab_script_render(p, destroy, f, &err);

	fclose(f);
	ok(r == 0, "render the %s script%s%s", destroy ? "teardown" : "build", r ? ": " : "",
	   err.msg);
	return buf;
}

static void test_whole(void)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;
	struct nslab_plan *p = NULL;
	_cleanup_free_ char *build = NULL, *destroy = NULL, *out = NULL;
	int r;

	r = nslab_topo_parse("whole.yml", lab_yml, strlen(lab_yml), &t, &err);
	if (!ok(r == 0, "parse the lab: %s", err.msg))
		return;
	r = nslab_plan_build(t, NULL, &p, &err);
	if (!ok(r == 0, "plan the lab: %s", err.msg)) {
		nslab_topo_free(t);
		return;
	}
	build = whole(p, false);
	destroy = whole(p, true);
	ok(strncmp(build, "#!/bin/sh\n", 10) == 0, "build script starts with #!/bin/sh");
	has(build, "\nset -e\n");
	has(destroy, "\nset -e\n");
	/* One step after the other, in the plan's order. */
	ok(strstr(build, "ip netns add nslab-whole-a") < strstr(build, "type bridge") &&
		   strstr(build, "type bridge") < strstr(build, "type veth") &&
		   strstr(build, "type veth") < strstr(build, " addr add ") &&
		   strstr(build, " addr add ") < strstr(build, "nft -f -") &&
		   strstr(build, "nft -f -") < strstr(build, "/etc/netns/nslab-whole-a/hosts") &&
		   strstr(build, "/etc/netns/nslab-whole-a/hosts") < strstr(build, "sh -c "),
	   "steps in deploy's order: namespaces, bridges, veths, addresses, nft, names, exec");
	has(build, "nft -f - <<'EOF'\n# nslab lab whole: NAT, published ports, isolation\n"
		   "table inet nslab_whole\n");
	has(build, "fib daddr type local tcp dport 8080 dnat ip to 10.44.0.2:80\n");
	has(build,
	    "if nft list chain ip filter FORWARD >/dev/null 2>&1; then\n\tnft 'insert rule ip "
	    "filter FORWARD oifname \"br\" accept comment \"nslab:whole\"'\n");
	has(build, "sysctl -qw net.ipv4.ip_forward=1\n");
	has(build, "mount --bind /run/netns/other /run/netns/nslab-whole-x\n");
	/* Fallback devices of tunnel modules, counted once, in the first namespace. */
	has(build, "ip -n nslab-whole-a link set dev lo up\n# Loaded tunnel modules");
	has(build, "skip=$(($(ip -n nslab-whole-a -o link show | wc -l) - 1))\n");
	ok(!strstr(strstr(build, "skip=") + 1, "skip="), "skip is set once");
	ok(strstr(build, "skip=") < strstr(build, "index $((skip + "),
	   "skip is set before any index uses it");
	has(build, "ip netns exec nslab-whole-a sh -c 'echo \"hi\" >&2'\n");
	has(destroy, "nft delete table inet nslab_whole\n");
	has(destroy, "nft delete rule ip6 filter FORWARD handle \"$h\"\n");
	has(destroy, "ip netns del nslab-whole-x\n");
	has(destroy, "ip -n nslab-whole-x link del dev eth1\n");
	has(destroy, "rm -f /etc/netns/nslab-whole-a/hosts\n");
	has(destroy, "sysctl -qw net.ipv4.ip_forward=\"$(cat /run/nslab-script/whole/"
		     "net.ipv4.ip_forward)\"\n");
	ok(strstr(destroy, "ip link del group") < strstr(destroy, "ip netns del"),
	   "teardown: host devices before namespaces (no wait for the kernel's cleanup)");
	lacks(destroy, "ip netns add");
	/* A file name in a comment cannot end the comment. */
	free(t->file);
	t->file = strdup("evil\nrm -rf /tmp/x\n.yml");
	{
		_cleanup_free_ char *evil = whole(p, false);

		has(evil, "\n# Lab whole, from evil?rm -rf /tmp/x?.yml.\n");
		lacks(evil, "\nrm -rf");
	}
	/* dash itself must accept both (-n: read, do not run). */
	r = run_sh("-n", build, &out);
	ok(r == 0, "sh -n accepts the build script%s%s", r ? ": " : "", r && out ? out : "");
	free(out);
	out = NULL;
	r = run_sh("-n", destroy, &out);
	ok(r == 0, "sh -n accepts the teardown script%s%s", r ? ": " : "", r && out ? out : "");
	nslab_plan_free(p);
	nslab_topo_free(t);
}

int main(void)
{
	test_quote();
	test_netns();
	test_adopt();
	test_bridge_veth_up();
	test_addr_route();
	test_netem();
	test_exec_service();
	test_whole();
	return tap_done();
}
