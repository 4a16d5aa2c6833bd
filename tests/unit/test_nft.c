// SPDX-License-Identifier: LGPL-2.1-or-later
/* nft rendering: the rules of a lab with ports and networks, and nft's own parser on them. */
#include <sched.h>
#include <stdlib.h>

#include "nslab/nft.h"
#include "tap.h"
#include "util.h"

static const struct nslab_nft_net nets[] = {
	{ .bridge = "nslab-t-front",
	  .subnet = "10.10.10.0/24",
	  .subnet6 = "fd00:10::/64",
	  .nat = true },
	{ .bridge = "nslab-t-back", .subnet = "10.11.11.0/24", .internal = true },
	{ .bridge = "nslab-t-web", .subnet = "10.12.12.0/24", .nat = true },
};

static const struct nslab_nft_port ports[] = {
	{ .host_ip = "2001:db8::1",
	  .host_port = 8443,
	  .host_end = 8443,
	  .node_port = 443,
	  .node_end = 443,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nslab-t-front",
	  .subnet = "10.10.10.0/24",
	  .node_ip6 = "fd00:10::2",
	  .subnet6 = "fd00:10::/64" },
	{ .host_ip = "::1",
	  .host_port = 9443,
	  .host_end = 9443,
	  .node_port = 443,
	  .node_end = 443,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nslab-t-front",
	  .subnet = "10.10.10.0/24",
	  .node_ip6 = "fd00:10::2",
	  .subnet6 = "fd00:10::/64" },
	{ .host_port = 80,
	  .host_end = 80,
	  .node_port = 80,
	  .node_end = 80,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nslab-t-front",
	  .subnet = "10.10.10.0/24",
	  .node_ip6 = "fd00:10::2",
	  .subnet6 = "fd00:10::/64" },
	{ .host_ip = "127.0.0.1",
	  .host_port = 8080,
	  .host_end = 8080,
	  .node_port = 80,
	  .node_end = 80,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nslab-t-front",
	  .subnet = "10.10.10.0/24" },
	{ .host_ip = "192.168.77.1",
	  .host_port = 25565,
	  .host_end = 25565,
	  .node_port = 25565,
	  .node_end = 25565,
	  .proto = "tcp",
	  .node_ip = "10.12.12.2",
	  .bridge = "nslab-t-web",
	  .subnet = "10.12.12.0/24" },
	{ .host_port = 8000,
	  .host_end = 8002,
	  .node_port = 9000,
	  .node_end = 9002,
	  .proto = "tcp",
	  .node_ip = "10.12.12.2",
	  .bridge = "nslab-t-web",
	  .subnet = "10.12.12.0/24",
	  .node_ip6 = "fd00:12::2",
	  .subnet6 = "fd00:12::/64" },
	{ .host_port = 5000,
	  .host_end = 5001,
	  .node_port = 5000,
	  .node_end = 5001,
	  .proto = "udp",
	  .node_ip = "10.12.12.2",
	  .bridge = "nslab-t-web",
	  .subnet = "10.12.12.0/24" },
	{ .host_port = 53,
	  .host_end = 53,
	  .node_port = 5353,
	  .node_end = 5353,
	  .proto = "udp",
	  .node_ip = "10.10.10.3" },
	{ .host_ip = "::1",
	  .host_port = 81,
	  .host_end = 81,
	  .node_port = 80,
	  .node_end = 80,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2" },
};

static const struct nslab_nft_lab lab = {
	.lab = "my-lab",
	.nets = nets,
	.n_nets = ARRAY_SIZE(nets),
	.ports = ports,
	.n_ports = ARRAY_SIZE(ports),
};

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define has(script, text) ok(strstr(script, text), "has: %.*s", (int)strcspn(text, "\n"), text)

static void test_names(void)
{
	char buf[64];

	nslab_nft_table_name("my-lab-2", buf, sizeof(buf));
	is_str(buf, "nslab_my_lab_2", "table name: '-' becomes '_'");
	nslab_nft_table_name("Lab_1", buf, sizeof(buf));
	is_str(buf, "nslab_Lab_1", "table name keeps case and '_'");
}

static void test_render(const char *s)
{
	/* Replaces the table atomically. */
	has(s,
	    "table inet nslab_my_lab\ndelete table inet nslab_my_lab\ntable inet nslab_my_lab {");
	has(s, "type nat hook prerouting priority dstnat; policy accept;");
	has(s, "type nat hook output priority -100; policy accept;");
	has(s, "type nat hook postrouting priority srcnat; policy accept;");
	has(s, "type filter hook forward priority filter; policy accept;");

	/* Published ports, from outside and from the host. */
	is_int(count(s, "fib daddr type local tcp dport 80 dnat ip to 10.10.10.2:80\n"), 2,
	       "port on every address: prerouting and output");
	is_int(count(s, "ip daddr 127.0.0.1 tcp dport 8080 dnat ip to 10.10.10.2:80\n"), 1,
	       "127.0.0.1 port: output chain only");
	has(s, "iifname != \"lo\" ip daddr 127.0.0.1 tcp dport 8080 drop");
	is_int(count(s, "ip daddr 192.168.77.1 tcp dport 25565 dnat ip to 10.12.12.2:25565\n"), 2,
	       "HOST_IP port: prerouting and output");
	has(s, "fib daddr type local tcp dport 8000-8002 dnat ip to tcp dport map { 8000 : "
	       "10.12.12.2 . 9000, 8001 : 10.12.12.2 . 9001, 8002 : 10.12.12.2 . 9002 }\n");
	has(s, "fib daddr type local udp dport 5000-5001 dnat ip to 10.12.12.2\n");
	has(s, "fib daddr type local udp dport 53 dnat ip to 10.10.10.3:5353\n");
	ok(!strstr(s, "dport 81 "), "IPv6 HOST_IP port left out");
	has(s, "# port 81/tcp on ::1 left out");

	/* Source NAT only where needed. */
	is_int(count(s, "ip saddr 127.0.0.0/8 ip daddr 10.10.10.2 ct status dnat masquerade\n"), 1,
	       "localhost masquerade, once per node address");
	has(s, "ip saddr 127.0.0.0/8 ip daddr 10.12.12.2 ct status dnat masquerade\n");
	has(s, "ip saddr 127.0.0.0/8 ip daddr 10.10.10.3 ct status dnat masquerade\n");
	is_int(count(s,
		     "ip saddr 10.10.10.0/24 ip daddr 10.10.10.0/24 ct status dnat masquerade\n"),
	       1, "hairpin masquerade, once per network");
	has(s, "ip saddr 10.12.12.0/24 ip daddr 10.12.12.0/24 ct status dnat masquerade\n");
	has(s, "ip saddr 10.10.10.0/24 oifname != \"nslab-t-front\" masquerade\n");
	has(s, "ip6 saddr fd00:10::/64 oifname != \"nslab-t-front\" masquerade\n");
	has(s, "ip saddr 10.12.12.0/24 oifname != \"nslab-t-web\" masquerade\n");
	ok(!strstr(s, "ip saddr 10.11.11.0/24 oifname"), "no masquerade for the internal network");
	is_int(count(s, "masquerade"), 10, "10 masquerade rules in all");

	/* IPv6: ports without a host address reach the node's IPv6 address too. */
	is_int(count(s, "fib daddr type local tcp dport 80 dnat ip6 to [fd00:10::2]:80\n"), 2,
	       "IPv6 port on every address: prerouting and output");
	has(s, "ip6 daddr != ::1 fib daddr type local tcp dport 80 dnat ip6 to [fd00:10::2]:80\n");
	has(s, "fib daddr type local tcp dport 8000-8002 dnat ip6 to tcp dport map { 8000 : "
	       "fd00:12::2 . 9000, 8001 : fd00:12::2 . 9001, 8002 : fd00:12::2 . 9002 }\n");
	ok(!strstr(s, "dport 8080 dnat ip6"), "a port on 127.0.0.1 is not published on IPv6");
	is_int(count(s, "ip6 daddr 2001:db8::1 tcp dport 8443 dnat ip6 to [fd00:10::2]:443\n"), 2,
	       "IPv6 HOST_IP port: prerouting and output, that address only");
	ok(!strstr(s, "dport 8443 dnat ip "), "... and not on IPv4");
	ok(!strstr(s, "dport 9443 dnat"), "a port on [::1] is not published");
	has(s, "# port 9443/tcp on ::1 left out: a packet from ::1 cannot leave the host");
	is_int(count(s,
		     "ip6 saddr fd00:10::/64 ip6 daddr fd00:10::/64 ct status dnat masquerade\n"),
	       1, "IPv6 hairpin masquerade, once per network");
	has(s, "ip6 saddr fd00:12::/64 ip6 daddr fd00:12::/64 ct status dnat masquerade\n");

	/* Isolation. */
	has(s, "iifname \"nslab-t-back\" oifname != \"nslab-t-back\" drop\n");
	has(s, "oifname \"nslab-t-back\" iifname != \"nslab-t-back\" drop\n");
	has(s, "ct status dnat accept\n");
	has(s, "iifname \"nslab-t-front\" oifname { \"nslab-t-web\" } drop\n");
	has(s, "iifname \"nslab-t-web\" oifname { \"nslab-t-front\" } drop\n");
	ok(strstr(s, "oifname != \"nslab-t-back\" drop") < strstr(s, "ct status dnat accept"),
	   "internal drops come before the published-port accept");

	/* Other labs' networks (default bridge names "nl…"), both ways, after that accept. */
	has(s, "iifname { \"nslab-t-front\", \"nslab-t-back\", \"nslab-t-web\" } oifname != { "
	       "\"nslab-t-front\", \"nslab-t-back\", \"nslab-t-web\" } oifname \"nl*\" drop\n");
	has(s, "oifname { \"nslab-t-front\", \"nslab-t-back\", \"nslab-t-web\" } iifname != { "
	       "\"nslab-t-front\", \"nslab-t-back\", \"nslab-t-web\" } iifname \"nl*\" drop\n");
	ok(strstr(s, "ct status dnat accept") < strstr(s, "oifname \"nl*\" drop"),
	   "published ports stay open to other labs: the accept comes first");
}

static void test_small(void)
{
	static const struct nslab_nft_net one = { .bridge = "br1", .subnet = "10.0.0.0/24" };
	struct nslab_nft_lab l = { .lab = "x", .nets = &one, .n_nets = 1 };
	_cleanup_free_ char *s = NULL;

	is_int(nslab_nft_render(&l, &s), 0, "render a lab of one network, no port");
	ok(s && !strstr(s, "masquerade"), "no nat, no port: no masquerade");
	ok(s && strstr(s, "iifname { \"br1\" } oifname != { \"br1\" } oifname \"nl*\" drop\n") &&
		   strstr(s, "oifname { \"br1\" } iifname != { \"br1\" } iifname \"nl*\" drop\n"),
	   "one network: isolated from other labs' networks, both ways");
	ok(s && count(s, " drop") == 2, "... and nothing else is dropped");
	ok(s && !strstr(s, "chain guard"), "no loopback port: no guard chain");
}

/*
 * libnftables' dry run still reads the ruleset over netlink: do it in a
 * network namespace of our own (with a user namespace when not root).
 */
static bool private_netns(void)
{
	if (unshare(CLONE_NEWNET) == 0)
		return true;
	return unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0;
}

static void test_check(const char *s)
{
	struct nslab_error err = { 0 };
	int r;

	if (!private_netns()) {
		printf("ok %d # skip no private network namespace for nft's dry run\n", ++tap_n);
		printf("ok %d # skip\n", ++tap_n);
		return;
	}
	r = nslab_nft_check(s, &err);
	if (!is_int(r, 0, "nft accepts the rendered script (dry run)"))
		printf("#   %s\n", err.msg);
	r = nslab_nft_check(
		"table inet x {\n\tchain c {\n\t\tiifname \"a\" oifname != iifname drop\n"
		"\t}\n}\n",
		&err);
	ok(r < 0 && strstr(err.msg, "line 3:") && strstr(err.msg, "syntax error") &&
		   strstr(err.msg, "oifname != iifname") && !strstr(err.msg, "^^"),
	   "nft's error text in the message, without the caret line: %s", err.msg);
}

int main(void)
{
	_cleanup_free_ char *s = NULL;

	test_names();
	is_int(nslab_nft_render(&lab, &s), 0, "render");
	if (s) {
		test_render(s);
		if (getenv("NSLAB_TEST_VERBOSE"))
			fputs(s, stdout);
	}
	test_small();
	if (s)
		test_check(s);
	return tap_done();
}
