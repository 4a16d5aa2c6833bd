// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab peer: the far end of any veth on the host, as a table line or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "nslab/peer.h"
#include "table.h"
#include "util.h"

/* "nslab-lab-r1", "host", "pid 1234" or "?" */
static const char *ns_label(const struct nslab_ns_desc *d, char *buf, size_t size)
{
	if (d->name[0])
		snprintf(buf, size, "%s", d->name);
	else if (d->host)
		snprintf(buf, size, "host");
	else if (d->pid)
		snprintf(buf, size, "pid %d", d->pid);
	else
		snprintf(buf, size, "?");
	return buf;
}

static void print_json(const struct nslab_peer *p)
{
	json_t *o = json_pack("{s:s?, s:b, s:o, s:o, s:s?, s:s?, s:s, s:i}", "netns",
			      p->ns.name[0] ? p->ns.name : NULL, "host", p->ns.host, "pid",
			      p->ns.pid ? json_integer(p->ns.pid) : json_null(), "netnsid",
			      p->nsid >= 0 ? json_integer(p->nsid) : json_null(), "lab",
			      p->lab[0] ? p->lab : NULL, "node", p->node[0] ? p->node : NULL,
			      "interface", p->ifname, "ifindex", p->ifindex);

	json_dumpf(o, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(o);
}

static void print_table(const struct nslab_peer *p)
{
	static const char *const header[] = { "NETNS", "NODE", "LAB", "INTERFACE", "IFINDEX" };
	char ns[300], idx[32];
	struct table tb;

	table_init(&tb, ARRAY_SIZE(header), header);
	snprintf(idx, sizeof(idx), "%d", p->ifindex);
	table_add(&tb, ns_label(&p->ns, ns, sizeof(ns)));
	table_add(&tb, p->node[0] ? p->node : "-");
	table_add(&tb, p->lab[0] ? p->lab : "-");
	table_add(&tb, p->ifname);
	table_add(&tb, idx);
	table_print(&tb, stdout);
	table_free(&tb);
}

int cmd_peer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{},
	};
	struct nslab_error err = { 0 };
	const char *netns = NULL;
	struct nslab_peer p;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "n:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'f':
			if (streq(optarg, "json"))
				json = true;
			else if (!streq(optarg, "table"))
				return cli_usage_error("peer", "--format is table or json");
			break;
		default:
			return cli_bad_option("peer", argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("peer", "which interface?");
	if (optind + 1 < argc)
		return cli_usage_error("peer", "unexpected argument '%s'", argv[optind + 1]);
	if (nslab_peer_find(netns, argv[optind], &p, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	if (json)
		print_json(&p);
	else
		print_table(&p);
	return 0;
}
