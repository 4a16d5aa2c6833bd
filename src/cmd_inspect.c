// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab inspect: nodes and interfaces of deployed labs, as a table or JSON. */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <jansson.h>
#include <linux/if.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nslab/ifview.h"
#include "nslab/lab.h"
#include "nslab/netem.h"
#include "nslab/netns.h"
#include "nslab/plan.h"
#include "nslab/nl.h"
#include "nslab/rtmsg.h"
#include "nslab/service.h"
#include "nslab/state.h"
#include "table.h"
#include "util.h"

/* Load the live view of @netns (NULL: the host's); errors are printed. */
static int ns_view_load(const char *netns, struct nslab_ifview *v, bool qdiscs)
{
	struct nslab_error err = { 0 };
	int r = nslab_ifview_load(netns, qdiscs, v, &err);

	if (r < 0)
		cli_error(&err);
	return r;
}

static bool is_global(const char *cidr)
{
	return strncmp(cidr, "fe80:", 5) != 0;
}

static bool own_ns(const struct nslab_node *n)
{
	return n->kind == NSLAB_KIND_LINUX || n->kind == NSLAB_KIND_SWITCH ||
	       n->kind == NSLAB_KIND_EXT;
}

/*
 * A multi-host lab's share on this machine: the plan of the host it was
 * deployed for, to show only that host's nodes and to name the far ends of
 * its tunnels.  @plan NULL for a single-host lab.
 */
struct share {
	char *host;
	struct nslab_plan *plan;
};

static void share_load(const struct nslab_topo *t, struct share *sh)
{
	struct nslab_error err = { 0 };

	memset(sh, 0, sizeof(*sh));
	if (!t->n_hosts || nslab_lab_host(t->name, &sh->host, &err) < 0 || !sh->host)
		return;
	if (nslab_plan_build_host(t, NULL, sh->host, &sh->plan, &err) < 0)
		sh->plan = NULL;
}

static void share_free(struct share *sh)
{
	nslab_plan_free(sh->plan);
	free(sh->host);
}

static bool share_has(const struct share *sh, size_t node)
{
	return !sh->plan || sh->plan->node_included[node];
}

/* The name of the host whose underlay address is @addr, or @addr. */
static const char *host_of(const struct nslab_topo *t, const char *addr)
{
	for (size_t i = 0; i < t->n_hosts; i++)
		if (streq(t->hosts[i].address, addr))
			return t->hosts[i].name;
	return addr;
}

/*
 * The TUNNEL the plan made for @ifname of namespace @ns when it joins hosts
 * (the file's own vxlan links have their own peer text); NULL otherwise.
 */
static const struct nslab_op *share_tunnel(const struct share *sh, int ns, const char *ifname)
{
	for (size_t i = 0; sh->plan && i < sh->plan->n_ops; i++) {
		const struct nslab_op *op = &sh->plan->ops[i];

		if (op->type == NSLAB_OP_TUNNEL && op->ns == ns && !op->tunnel->tunnel &&
		    streq(op->ifname, ifname))
			return op;
	}
	return NULL;
}

/* Add @n's addresses of family @v6 to @arr and to a comma list in @buf. */
static void collect_addrs(const struct nslab_topo *t, size_t node, struct nslab_ifview *v,
			  bool live, bool v6, json_t *arr, char *buf, size_t size)
{
	const struct nslab_node *n = &t->nodes[node];

	buf[0] = '\0';
	if (live && own_ns(n)) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->ifs[i].li.ifindex == 1 || streq(v->ifs[i].name, "lo"))
				continue;
			for (size_t k = 0; k < v->ifs[i].n_addrs; k++) {
				const char *a = v->ifs[i].addrs[k];

				if ((strchr(a, ':') != NULL) != v6 || !is_global(a))
					continue;
				json_array_append_new(arr, json_string(a));
				snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
					 buf[0] ? "," : "", a);
			}
		}
		return;
	}
	/* From the file: host and bridge nodes, or the table deploy prints. */
	for (size_t k = 0; k < n->n_networks; k++) {
		const char *a = v6 ? n->networks[k].ipv6 : n->networks[k].ipv4;

		if (!a)
			continue;
		json_array_append_new(arr, json_string(a));
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "", a);
	}
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e];
			const struct nslab_str *s = v6 ? ep->ipv6 : ep->ipv4;
			size_t cnt = v6 ? ep->n_ipv6 : ep->n_ipv4;

			if (ep->node != node)
				continue;
			for (size_t k = 0; k < cnt; k++) {
				json_array_append_new(arr, json_string(s[k].s));
				snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
					 buf[0] ? "," : "", s[k].s);
			}
		}
}

static const char *node_state(const struct nslab_node *n, struct nslab_ifview *v,
			      struct nslab_ifview *host, bool live)
{
	struct nslab_ifview_if *f;

	switch (n->kind) {
	case NSLAB_KIND_LINUX:
	case NSLAB_KIND_SWITCH:
	case NSLAB_KIND_EXT:
		return !live || v->exists ? "running" : "absent";
	case NSLAB_KIND_BRIDGE:
		if (!live)
			return "up";
		f = nslab_ifview_find_name(host, n->name);
		if (!f)
			return "absent";
		return f->li.flags & IFF_UP ? "up" : "down";
	case NSLAB_KIND_HOST:
	case NSLAB_KIND_MAX:
		break;
	}
	return "host";
}

static bool in_filter(const char *filter, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = filter; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * The node's services: a JSON list, and a word for the table: "" (none),
 * or "services: 2 running", "services: 1 running, 1 exited (3)".
 */
static json_t *services_state(const struct nslab_topo *t, const struct nslab_node *n, char *buf,
			      size_t size)
{
	char dir[PATH_MAX];
	json_t *arr = json_array();
	size_t running = 0;

	buf[0] = '\0';
	if (!n->n_services)
		return arr;
	snprintf(dir, sizeof(dir), "%s/%s/services", nslab_state_rundir(), t->name);
	for (size_t k = 0; k < n->n_services; k++) {
		struct nslab_service_state ss = { 0 };
		struct nslab_error err = { 0 };
		const char *state = "unknown";
		char word[32];

		if (nslab_service_state(dir, n->name, k, &ss, &err) == 0)
			state = ss.running ? "running" : ss.exited ? "exited" : "gone";
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:i, s:o}", "command", n->services[k].s,
						"state", state, "pid", (int)ss.pid, "status",
						ss.exited && !ss.running ? json_integer(ss.status)
									 : json_null()));
		if (ss.running) {
			running++;
			continue;
		}
		if (ss.exited)
			snprintf(word, sizeof(word), "exited (%d)", ss.status);
		else
			snprintf(word, sizeof(word), "%s", state);
		snprintf(buf + strlen(buf), size - strlen(buf), ", %s", word);
	}
	{
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "services: %zu running%s", running, buf);
		snprintf(buf, size, "%s", tmp);
	}
	return arr;
}

/* "HOST:PORT[-END]->NODE_PORT[-END]/PROTO" of one range, as `docker ps` writes it. */
static json_t *port_str(const struct nslab_port *p, const char *host)
{
	char hp[24], np[24];

	snprintf(hp, sizeof(hp), p->host_end > p->host_port ? "%u-%u" : "%u", p->host_port,
		 p->host_end);
	snprintf(np, sizeof(np), p->node_end > p->node_port ? "%u-%u" : "%u", p->node_port,
		 p->node_end);
	return json_sprintf("%s:%s->%s/%s", host, hp, np, p->proto == IPPROTO_UDP ? "udp" : "tcp");
}

/*
 * A node's published ports, as `docker ps` shows them: one entry per family
 * they are published on ("0.0.0.0:8080->80/tcp", "[::]:8080->80/tcp" when
 * the node has an IPv6 address on its first network: lib/nft.c).
 */
static json_t *ports_json(const struct nslab_node *n)
{
	bool has6 = n->n_networks && n->networks[0].ipv6;
	json_t *a = json_array();
	char host[64];

	for (size_t k = 0; k < n->n_ports && a; k++) {
		const struct nslab_port *p = &n->ports[k];
		bool v6 = p->host_ip && strchr(p->host_ip, ':');

		if (!v6)
			json_array_append_new(a, port_str(p, p->host_ip ? p->host_ip : "0.0.0.0"));
		if (has6 && (!p->host_ip || v6)) {
			snprintf(host, sizeof(host), "[%s]", p->host_ip ? p->host_ip : "::");
			json_array_append_new(a, port_str(p, host));
		}
	}
	return a;
}

int print_nodes(struct nslab_topo *const *topos, size_t n_topos, bool json, bool from_model,
		const char *filter)
{
	static const char *const header[] = { "LAB",   "NODE", "KIND", "NETNS",
					      "STATE", "IPV4", "IPV6" };
	struct nslab_ifview host = { 0 };
	json_t *out = json_array();
	struct table tb;
	int r = 0;

	table_init(&tb, ARRAY_SIZE(header), header);
	if (!from_model)
		r = ns_view_load(NULL, &host, false);
	for (size_t ti = 0; ti < n_topos && r >= 0; ti++) {
		const struct nslab_topo *t = topos[ti];

		struct share sh;

		share_load(t, &sh);
		for (size_t i = 0; i < t->n_nodes && r >= 0; i++) {
			const struct nslab_node *n = &t->nodes[i];
			json_t *v4, *v6;
			char b4[2048], b6[2048], svc_buf[512];
			struct nslab_ifview v = { 0 };
			const char *state;
			json_t *svc;

			if ((filter && !in_filter(filter, n->name)) || !share_has(&sh, i))
				continue;
			v4 = json_array();
			v6 = json_array();
			if (!from_model && own_ns(n))
				r = ns_view_load(n->netns, &v, false);
			collect_addrs(t, i, &v, !from_model, false, v4, b4, sizeof(b4));
			collect_addrs(t, i, &v, !from_model, true, v6, b6, sizeof(b6));
			state = node_state(n, &v, &host, !from_model);
			svc_buf[0] = '\0';
			svc = from_model ? json_array()
					 : services_state(t, n, svc_buf, sizeof(svc_buf));
			if (json) {
				json_array_append_new(
					out, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:o}",
						       "lab", t->name, "node", n->name, "kind",
						       nslab_kind_to_string(n->kind), "netns",
						       n->netns, "state", state, "ipv4", v4, "ipv6",
						       v6, "services", svc));
				json_object_set_new(json_array_get(out, json_array_size(out) - 1),
						    "ports", ports_json(n));
				if (sh.host)
					json_object_set_new(
						json_array_get(out, json_array_size(out) - 1),
						"host", json_string(sh.host));
			} else {
				char st_buf[600];

				json_decref(svc);
				snprintf(st_buf, sizeof(st_buf), "%s%s%s%s", state,
					 svc_buf[0] ? " (" : "", svc_buf, svc_buf[0] ? ")" : "");
				table_add(&tb, t->name);
				table_add(&tb, n->name);
				table_add(&tb, nslab_kind_to_string(n->kind));
				table_add(&tb, n->netns ? n->netns : "-");
				table_add(&tb, st_buf);
				table_add(&tb, b4[0] ? b4 : "-");
				table_add(&tb, b6[0] ? b6 : "-");
				json_decref(v4);
				json_decref(v6);
			}
			nslab_ifview_free(&v);
		}
		share_free(&sh);
	}
	if (r >= 0) {
		if (json) {
			json_dumpf(out, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
		} else {
			table_print(&tb, stdout);
		}
	}
	json_decref(out);
	table_free(&tb);
	nslab_ifview_free(&host);
	return r;
}

/* Per node: its interfaces in the file, and the far end of each. */
static const char *model_peer(const struct nslab_topo *t, size_t node, const char *ifname,
			      char *buf, size_t size)
{
	for (size_t l = 0; l < t->n_links; l++)
		for (int e = 0; e < 2; e++) {
			const struct nslab_endpoint *ep = &t->links[l].ep[e];
			const struct nslab_endpoint *far = &t->links[l].ep[!e];

			if (ep->node == node && streq(ep->ifname, ifname)) {
				snprintf(buf, size, "%s:%s", t->nodes[far->node].name, far->ifname);
				return buf;
			}
		}
	/* One-ended links: the far end is a machine, "vxlan:REMOTE:VNI", "gre:REMOTE". */
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct nslab_tunnel *tn = &t->tunnels[i];

		if (tn->ep.node != node || !streq(tn->ep.ifname, ifname))
			continue;
		if (tn->type == NSLAB_LINK_VXLAN)
			snprintf(buf, size, "vxlan:%s:%u", tn->remote, tn->vni);
		else if (tn->type == NSLAB_LINK_GRE)
			snprintf(buf, size, "gre:%s", tn->remote);
		else
			snprintf(buf, size, "-");
		return buf;
	}
	return NULL;
}

static bool node_has_if(const struct nslab_topo *t, size_t node, const char *ifname)
{
	const struct nslab_node *n = &t->nodes[node];
	char buf[300];

	if (n->kind == NSLAB_KIND_BRIDGE && streq(n->name, ifname))
		return true;
	return model_peer(t, node, ifname, buf, sizeof(buf)) != NULL;
}

/* "packets/bytes", bytes shortened past five digits: "12/1008", "9120/13.2M". */
static void counters(uint64_t packets, uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "kMGTPE";
	double b = (double)bytes;
	int u = -1;

	if (bytes < 100000) {
		snprintf(buf, size, "%llu/%llu", (unsigned long long)packets,
			 (unsigned long long)bytes);
		return;
	}
	while (b >= 1000 && u < 5) {
		b /= 1000;
		u++;
	}
	snprintf(buf, size, "%llu/%.1f%c", (unsigned long long)packets, b, units[u]);
}

static void add_iface_row(const struct nslab_topo *t, size_t node, const struct nslab_ifview_if *f,
			  const struct nslab_op *tunnel, bool json, json_t *out, struct table *tb)
{
	const struct nslab_node *n = &t->nodes[node];
	char peer_buf[300], num[32], mtu[32], addrs[2048] = "", rx[48], tx[48], netem[256];
	const char *peer = model_peer(t, node, f->name, peer_buf, sizeof(peer_buf));

	/* A tunnel to another host: "r2:eth1 via hostB (192.0.2.2) vni 1234" */
	if (tunnel) {
		char far[200];

		snprintf(far, sizeof(far), "%s", peer ? peer : "");
		snprintf(peer_buf, sizeof(peer_buf), "%s%svia %s (%s) vni %u", far,
			 far[0] ? " " : "", host_of(t, tunnel->tunnel->remote),
			 tunnel->tunnel->remote, tunnel->tunnel->id);
		peer = peer_buf;
	}
	const char *state =
		f->li.flags & IFF_UP ? (f->li.flags & IFF_LOWER_UP ? "up" : "lowerdown") : "down";
	json_t *arr = json_array();

	for (size_t k = 0; k < f->n_addrs; k++) {
		json_array_append_new(arr, json_string(f->addrs[k]));
		snprintf(addrs + strlen(addrs), sizeof(addrs) - strlen(addrs), "%s%s",
			 addrs[0] ? "," : "", f->addrs[k]);
	}
	if (json) {
		json_t *row = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:o, s:s?}", "lab",
					t->name, "node", n->name, "name", f->name, "ifindex",
					f->li.ifindex, "mac", f->mac, "mtu", (int)f->li.mtu,
					"state", state, "addresses", arr, "peer", peer);

		json_object_set_new(row, "rx_packets", json_integer((json_int_t)f->li.rx_packets));
		json_object_set_new(row, "tx_packets", json_integer((json_int_t)f->li.tx_packets));
		json_object_set_new(row, "rx_bytes", json_integer((json_int_t)f->li.rx_bytes));
		json_object_set_new(row, "tx_bytes", json_integer((json_int_t)f->li.tx_bytes));
		json_object_set_new(row, "netem", cli_netem_json(&f->tc));
		json_array_append_new(out, row);
		return;
	}
	json_decref(arr);
	snprintf(num, sizeof(num), "%d", f->li.ifindex);
	snprintf(mtu, sizeof(mtu), "%u", f->li.mtu);
	table_add(tb, n->name);
	table_add(tb, f->name);
	table_add(tb, num);
	table_add(tb, f->mac[0] ? f->mac : "-");
	table_add(tb, mtu);
	table_add(tb, state);
	table_add(tb, addrs[0] ? addrs : "-");
	table_add(tb, peer ? peer : "-");
	counters(f->li.rx_packets, f->li.rx_bytes, rx, sizeof(rx));
	counters(f->li.tx_packets, f->li.tx_bytes, tx, sizeof(tx));
	table_add(tb, rx);
	table_add(tb, tx);
	if (f->tc.type == NSLAB_QDISC_NONE)
		snprintf(netem, sizeof(netem), "-");
	else
		cli_netem_text(&f->tc, netem, sizeof(netem));
	table_add(tb, netem);
}

static int print_interfaces(struct nslab_topo *const *topos, size_t n_topos, const char *only,
			    bool json)
{
	static const char *const header[] = { "NODE", "NAME",  "IFINDEX",   "MAC",
					      "MTU",  "STATE", "ADDRESSES", "PEER",
					      "RX",   "TX",    "NETEM" };
	struct nslab_ifview host = { 0 };
	json_t *out = json_array();
	bool found = only == NULL;
	struct table tb;
	int r;

	table_init(&tb, ARRAY_SIZE(header), header);
	r = ns_view_load(NULL, &host, true);
	for (size_t ti = 0; ti < n_topos && r >= 0; ti++) {
		const struct nslab_topo *t = topos[ti];
		struct share sh;

		share_load(t, &sh);
		for (size_t i = 0; i < t->n_nodes && r >= 0; i++) {
			const struct nslab_node *n = &t->nodes[i];
			struct nslab_ifview v = { 0 };
			int ns = sh.plan ? nslab_plan_node_ns(sh.plan, n) : 0;

			if (only && !streq(only, n->name))
				continue;
			found = true;
			if (!share_has(&sh, i))
				continue;
			if (own_ns(n)) {
				r = ns_view_load(n->netns, &v, true);
				for (size_t k = 0; k < v.n; k++)
					add_iface_row(t, i, &v.ifs[k],
						      share_tunnel(&sh, ns, v.ifs[k].name), json,
						      out, &tb);
				nslab_ifview_free(&v);
				continue;
			}
			for (size_t k = 0; k < host.n; k++) {
				const struct nslab_op *tu = share_tunnel(&sh, 0, host.ifs[k].name);

				/* A stretched bridge's tunnels to the other hosts are its ports. */
				if (node_has_if(t, i, host.ifs[k].name) ||
				    (tu && tu->master && streq(tu->master, n->name)))
					add_iface_row(t, i, &host.ifs[k], tu, json, out, &tb);
			}
		}
		share_free(&sh);
	}
	if (!found) {
		cli_errorf("no node '%s' in the lab", only);
		r = -ENOENT;
	}
	if (r >= 0) {
		if (json) {
			json_dumpf(out, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
		} else {
			table_print(&tb, stdout);
		}
	}
	json_decref(out);
	table_free(&tb);
	nslab_ifview_free(&host);
	return r;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "node", required_argument, NULL, 'n' },
		{},
	};
	struct nslab_error err = { 0 };
	struct labsel sel = { 0 };
	struct nslab_topo **topos = NULL;
	const char *node = NULL;
	bool json = false, ifaces = false;
	char **names = NULL;
	size_t n = 0, nt = 0;
	int c, r = 0;

	if (argc > 1 && streq(argv[1], "interfaces")) {
		ifaces = true;
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "t:f:n:", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'f':
			if (streq(optarg, "json"))
				json = true;
			else if (!streq(optarg, "table"))
				return cli_usage_error("inspect", "--format is table or json");
			break;
		case 'n':
			node = optarg;
			break;
		default:
			return cli_bad_option("inspect", argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("inspect", "unexpected argument '%s'", argv[optind]);
	if (!sel.file && !sel.name && !sel.all) {
		const char *path;

		/* No lab named and no file here: every lab, as containerlab's --all. */
		sel.all = true;
		if (labsel_find(&path) == 1)
			sel = (struct labsel){ .file = path };
	}
	if (labsel_names(&sel, &names, &n) < 0)
		return 1;
	topos = calloc(n + 1, sizeof(*topos));
	for (size_t i = 0; i < n && topos; i++) {
		r = nslab_lab_load(names[i], &topos[nt], &err);
		if (r == -ENOENT && !sel.all) {
			cli_errorf("lab '%s' is not deployed\nhint: nslab deploy -t FILE",
				   names[i]);
			break;
		}
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			cli_error(&err);
			break;
		}
		nt++;
	}
	if (r >= 0 || (r == -ENOENT && sel.all)) {
		r = ifaces ? print_interfaces(topos, nt, node, json)
			   : print_nodes(topos, nt, json, false, NULL);
	}
	for (size_t i = 0; i < nt; i++)
		nslab_topo_free(topos[i]);
	free(topos);
	nslab_strv_free(names, n);
	return r < 0 ? 1 : 0;
}
