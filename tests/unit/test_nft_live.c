// SPDX-License-Identifier: LGPL-2.1-or-later
/* Live nftables and host sysctl tests, run only as root inside a network namespace of their own. */
#include <fcntl.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "nslab/hostsys.h"
#include "nslab/nft.h"
#include "nslab/sysctl.h"
#include "tap.h"
#include "util.h"

#define N_TESTS 50

/* `nft CMDS` in this namespace; *@ret_out (may be NULL) the caller's.  Return 0 or -1. */
static int nft(const char *cmds, char **ret_out)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int r;

	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, cmds);
	if (r != 0)
		printf("#   nft: %s", nft_ctx_get_error_buffer(ctx));
	if (ret_out)
		*ret_out = strdup(nft_ctx_get_output_buffer(ctx));
	nft_ctx_free(ctx);
	return r;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const struct nslab_nft_net nets[] = {
	{ .bridge = "nsl-front",
	  .subnet = "10.10.10.0/24",
	  .subnet6 = "fd00:10::/64",
	  .nat = true },
	{ .bridge = "nsl-back", .subnet = "10.11.11.0/24", .internal = true },
	{ .bridge = "nsl-web", .subnet = "10.12.12.0/24", .nat = true },
};

static const struct nslab_nft_port ports[] = {
	{ .host_port = 80,
	  .host_end = 80,
	  .node_port = 80,
	  .node_end = 80,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nsl-front",
	  .subnet = "10.10.10.0/24" },
	{ .host_ip = "127.0.0.1",
	  .host_port = 8080,
	  .host_end = 8080,
	  .node_port = 80,
	  .node_end = 80,
	  .proto = "tcp",
	  .node_ip = "10.10.10.2",
	  .bridge = "nsl-front",
	  .subnet = "10.10.10.0/24" },
	{ .host_port = 8000,
	  .host_end = 8002,
	  .node_port = 9000,
	  .node_end = 9002,
	  .proto = "udp",
	  .node_ip = "10.12.12.2",
	  .bridge = "nsl-web",
	  .subnet = "10.12.12.0/24" },
};

static void test_table(void)
{
	struct nslab_nft_lab lab = { .lab = "live-lab",
				     .nets = nets,
				     .n_nets = ARRAY_SIZE(nets),
				     .ports = ports,
				     .n_ports = ARRAY_SIZE(ports) };
	struct nslab_error err = { 0 };
	_cleanup_free_ char *script = NULL, *list = NULL, *again = NULL, *json = NULL;
	int r;

	is_int(nslab_nft_render(&lab, &script), 0, "render");
	r = nslab_nft_apply(script, &err);
	if (!is_int(r, 0, "apply the table"))
		printf("#   %s\n", err.msg);
	is_int(nslab_nft_apply(script, &err), 0, "apply again: the table is replaced");
	is_int(nslab_nft_list_table("live-lab", false, &list, &err), 0, "list it");
	ok(count(list, "table inet nslab_live_lab {") == 1, "one table inet nslab_live_lab");
	is_int(count(list, "dnat ip to 10.10.10.2:80\n"), 3, "DNAT of :80 and 127.0.0.1:8080");
	ok(strstr(list, "udp dport 8000-8002 dnat ip to udp dport map { 8000 : 10.12.12.2 . 9000, "
			"8001 : 10.12.12.2 . 9001, 8002 : 10.12.12.2 . 9002 }"),
	   "port range mapped 1:1");
	ok(strstr(list, "ip saddr 10.10.10.0/24 oifname != \"nsl-front\" masquerade"),
	   "outbound masquerade");
	ok(strstr(list, "ip saddr 10.10.10.0/24 ip daddr 10.10.10.0/24 ct status dnat masquerade"),
	   "hairpin masquerade");
	is_int(count(list, "chain prerouting {"), 1, "rules not doubled by the second apply");
	is_int(nslab_nft_list_table("live-lab", true, &json, &err), 0, "list it as JSON");
	ok(json && strstr(json, "\"nftables\""), "JSON output");

	is_int(nslab_nft_delete("live-lab", &err), 0, "delete the table");
	is_int(nslab_nft_list_table("live-lab", false, &again, &err), -ENOENT, "it is gone");
	is_int(nslab_nft_delete("live-lab", &err), 0, "deleting an absent table succeeds");

	r = nslab_nft_apply("table inet nslab_bad {\n\tchain c {\n\t\tfoo bar\n\t}\n}\n", &err);
	ok(r < 0 && strstr(err.msg, "line 3:"), "a bad script fails with nft's text: %s", err.msg);
}

static int lab_rules(const char *family, const char *lab)
{
	_cleanup_free_ char *out = NULL;
	char cmd[64], comment[64];

	snprintf(cmd, sizeof(cmd), "list chain %s filter FORWARD", family);
	snprintf(comment, sizeof(comment), "comment \"nslab:%s\"", lab);
	if (nft(cmd, &out) != 0)
		return -1;
	return count(out, comment);
}

static void test_forward(void)
{
	static const char *const a[] = { "nsl-a1", "nsl-a2" };
	static const char *const b[] = { "nsl-b1" };
	struct nslab_error err = { 0 };
	_cleanup_free_ char *tables = NULL, *chain = NULL;
	const char *first;

	is_int(nslab_nft_forward_allow("a", a, 2, &err), 0, "allow without ip filter table: ok");
	nft("list tables", &tables);
	ok(tables && !strstr(tables, "filter"), "and no table created");

	ok(nft("table ip filter {\n chain FORWARD {\n  type filter hook forward priority 0; "
	       "policy drop;\n  iifname \"other\" accept comment \"keep\"\n }\n}\n"
	       "table ip6 filter {\n chain FORWARD {\n  type filter hook forward priority 0; "
	       "policy drop;\n }\n}\n",
	       NULL) == 0,
	   "an iptables-nft-like FORWARD chain with policy drop");
	is_int(nslab_nft_forward_allow("a", a, 2, &err), 0, "allow lab a");
	is_int(nslab_nft_forward_allow("b", b, 1, &err), 0, "allow lab b");
	is_int(nslab_nft_forward_allow("a", a, 2, &err), 0, "allow lab a again");
	is_int(lab_rules("ip", "a"), 4, "ip: 4 rules of lab a (no duplicates)");
	is_int(lab_rules("ip", "b"), 2, "ip: 2 rules of lab b");
	is_int(lab_rules("ip6", "a"), 4, "ip6: 4 rules of lab a");
	nft("list chain ip filter FORWARD", &chain);
	first = chain ? strstr(chain, "policy drop;") : NULL;
	ok(first && strstr(first, "accept comment \"nslab:") < strstr(first, "\"keep\""),
	   "inserted at the top");
	ok(chain && strstr(chain, "iifname \"nsl-a1\" accept comment \"nslab:a\"") &&
		   strstr(chain, "oifname \"nsl-a2\" accept comment \"nslab:a\""),
	   "iifname and oifname accepts");

	is_int(nslab_nft_forward_remove("a", &err), 0, "remove lab a");
	is_int(lab_rules("ip", "a") + lab_rules("ip6", "a"), 0, "lab a's rules are gone");
	is_int(lab_rules("ip", "b"), 2, "lab b's stay");
	is_int(lab_rules("ip", "x") + count(chain, "comment \"keep\""), 1, "the other rule stays");
	is_int(nslab_nft_forward_remove("a", &err), 0, "remove again: nothing to do");
	is_int(nslab_nft_forward_remove("b", &err), 0, "remove lab b");
	nft("delete table ip filter\ndelete table ip6 filter\n", NULL);
}

static void read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* net.* sysctls resolve in the calling thread's namespace: this netns's, not the host's. */
static void test_hostsys(const char *dir)
{
	struct nslab_error err = { 0 };
	char path[256], buf[256], v[16];

	setenv("NSLAB_RUNDIR", dir, 1);
	snprintf(path, sizeof(path), "%s/.host/net.ipv4.ip_forward", dir);
	nslab_sysctl_write("net.ipv4.ip_forward", "0", &err);

	is_int(nslab_hostsys_need("l1", "net.ipv4.ip_forward", "1", &err), 0,
	       "l1 needs ip_forward");
	nslab_sysctl_read("net.ipv4.ip_forward", v, sizeof(v), &err);
	is_str(v, "1", "ip_forward is on");
	is_int(nslab_hostsys_need("l2", "net.ipv4.ip_forward", "1", &err), 0, "l2 needs it too");
	is_int(nslab_hostsys_need("l1", "net.ipv4.ip_forward", "1", &err), 0, "l1 again");
	read_file(path, buf, sizeof(buf));
	is_str(buf, "0\nl1\nl2\n", "record: saved value, then each lab once");

	is_int(nslab_hostsys_release("l1", &err), 0, "release l1");
	nslab_sysctl_read("net.ipv4.ip_forward", v, sizeof(v), &err);
	is_str(v, "1", "still on for l2");
	is_int(nslab_hostsys_release("l1", &err), 0, "release l1 again");
	is_int(nslab_hostsys_release("l2", &err), 0, "release l2");
	nslab_sysctl_read("net.ipv4.ip_forward", v, sizeof(v), &err);
	is_str(v, "0", "restored");
	ok(access(path, F_OK) < 0, "record removed");

	/* Already the wanted value: recorded, and left as it was. */
	nslab_sysctl_write("net.ipv4.conf.all.route_localnet", "1", &err);
	is_int(nslab_hostsys_need("l1", "net.ipv4.conf.all.route_localnet", "1", &err), 0,
	       "l1 needs route_localnet, already 1");
	is_int(nslab_hostsys_release("l1", &err), 0, "release");
	nslab_sysctl_read("net.ipv4.conf.all.route_localnet", v, sizeof(v), &err);
	is_str(v, "1", "left at 1");

	is_int(nslab_hostsys_need("l1", "../x.y", "1", &err), -EINVAL, "a bad key is refused");
	is_int(nslab_hostsys_need("l1", "net.ipv4.no_such_thing", "1", &err), -ENOENT,
	       "an unknown sysctl fails, and leaves no record");
	snprintf(path, sizeof(path), "%s/.host/net.ipv4.no_such_thing", dir);
	ok(access(path, F_OK) < 0, "no record of it");
}

int main(void)
{
	char dir[] = "/tmp/nslab-test-nft-XXXXXX";

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		for (int i = 0; i < N_TESTS; i++)
			printf("ok %d # skip needs root (a network namespace of its own)\n",
			       ++tap_n);
		return tap_done();
	}
	test_table();
	test_forward();
	if (mkdtemp(dir)) {
		char cmd[64];

		test_hostsys(dir);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", dir);
	}
	return tap_done();
}
