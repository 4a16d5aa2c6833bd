// SPDX-License-Identifier: LGPL-2.1-or-later
/* A lab's NAT and isolation as one nftables table, and holes in iptables' FORWARD, via libnftables. */
#include <jansson.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <sys/mman.h>

#include "nslab/nft.h"
#include "util.h"

/*
 * Family: the lab's table is `inet`, so one table (one `delete table` at
 * destroy) holds the IPv4 and IPv6 masquerade and the isolation of both
 * families.  NAT chains in an inet table need Linux >= 5.2, which every
 * supported distribution has; DNAT in it must name its family (`dnat ip to`).
 *
 * Syntax limits of nftables 1.0.6 (Debian 12) that shape the rules:
 *  - `priority dstnat` is refused in an output hook: the output chain says -100;
 *  - a meta key cannot be compared with another (`iifname != oifname`): the
 *    isolation drops list the other bridges instead;
 *  - there is no `destroy table` (1.0.8): "add table; delete table" in one
 *    transaction removes a table whether or not it exists;
 *  - `dnat to ADDR:P1-P2` picks *one* port of the range; a 1:1 port range
 *    mapping is an anonymous map `dnat ip to tcp dport map { HP : ADDR . NP, … }`.
 */

#define NFT_ERR_LINES 3

void nslab_nft_table_name(const char *lab, char *buf, size_t size)
{
	snprintf(buf, size, "nslab_%s", lab);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

/* --- rendering ---------------------------------------------------------- */

static bool is_any_addr(const char *ip)
{
	return !ip || !*ip || streq(ip, "0.0.0.0");
}

static bool is_loopback(const char *ip)
{
	return ip && strncmp(ip, "127.", 4) == 0;
}

static const char *proto_of(const struct nslab_nft_port *p)
{
	return p->proto && streq(p->proto, "udp") ? "udp" : "tcp";
}

/* The daddr match of a published port: its HOST_IP, or every local address. */
static void put_daddr(FILE *f, const struct nslab_nft_port *p)
{
	if (is_any_addr(p->host_ip))
		fputs("fib daddr type local", f);
	else
		fprintf(f, "ip daddr %s", p->host_ip);
}

/*
 * "tcp dport 80 dnat ip to 10.0.0.2:8080" (@fam "ip"), or "dnat ip6 to
 * [fd00::2]:8080" (@fam "ip6", to @ip).  A range mapped onto the same
 * numbers needs no port rewrite; a shifted range needs the map (see top).
 */
static void put_dnat(FILE *f, const struct nslab_nft_port *p, const char *fam, const char *ip)
{
	const char *proto = proto_of(p);
	unsigned int end = p->host_end > p->host_port ? p->host_end : p->host_port;
	bool v6 = streq(fam, "ip6");

	if (end == p->host_port) {
		fprintf(f, "%s dport %u dnat %s to %s%s%s:%u", proto, p->host_port, fam,
			v6 ? "[" : "", ip, v6 ? "]" : "", p->node_port);
		return;
	}
	fprintf(f, "%s dport %u-%u dnat %s to ", proto, p->host_port, end, fam);
	if (p->node_port == p->host_port) {
		fputs(ip, f);
		return;
	}
	fprintf(f, "%s dport map {", proto);
	for (unsigned int hp = p->host_port; hp <= end; hp++)
		fprintf(f, "%s %u : %s . %u", hp == p->host_port ? "" : ",", hp, ip,
			p->node_port + (hp - p->host_port));
	fputs(" }", f);
}

/* IPv6 HOST_IPs cannot be DNATed to a node's IPv4 address: such ports are left out. */
static bool port_usable(const struct nslab_nft_port *p)
{
	return p->node_ip && *p->node_ip && !(p->host_ip && strchr(p->host_ip, ':'));
}

/*
 * A port published on every address (no HOST_IP) also reaches the node's
 * IPv6 address on the same network, when it has one: Docker publishes such
 * ports on IPv6 too.
 */
static bool port_usable6(const struct nslab_nft_port *p)
{
	if (!p->node_ip6 || !*p->node_ip6)
		return false;
	/* [::1]: a packet from ::1 never leaves the host (no route_localnet in IPv6). */
	return !p->host_ip || (strchr(p->host_ip, ':') && !streq(p->host_ip, "::1"));
}

/* The daddr match of an IPv6 rule: every local address, or [HOST_IP]. */
static void put_daddr6(FILE *f, const struct nslab_nft_port *p, bool output)
{
	if (!p->host_ip || streq(p->host_ip, "::"))
		fputs(output ? "ip6 daddr != ::1 fib daddr type local" : "fib daddr type local", f);
	else
		fprintf(f, "ip6 daddr %s", p->host_ip);
}

/*
 * The DNAT rules of port @p in the prerouting chain, or in the output chain
 * (@output: connections the host itself makes).  IPv6 in output skips
 * [::1]: IPv6 has no route_localnet, a packet from ::1 never leaves the
 * host, so that connection would hang.  A 127.x port is for the host only:
 * output chain alone.
 */
static void put_port_rules(FILE *f, const struct nslab_nft_port *p, bool output)
{
	if (port_usable6(p)) {
		fputs("\t\t", f);
		put_daddr6(f, p, output);
		fputc(' ', f);
		put_dnat(f, p, "ip6", p->node_ip6);
		fputc('\n', f);
	}
	if (!port_usable(p) || (!output && is_loopback(p->host_ip)))
		return;
	fputs("\t\t", f);
	put_daddr(f, p);
	fputc(' ', f);
	put_dnat(f, p, "ip", p->node_ip);
	fputc('\n', f);
}

static void put_prerouting(FILE *f, const struct nslab_nft_lab *lab)
{
	fputs("\tchain prerouting {\n"
	      "\t\ttype nat hook prerouting priority dstnat; policy accept;\n",
	      f);
	for (size_t i = 0; i < lab->n_ports; i++)
		put_port_rules(f, &lab->ports[i], false);
	fputs("\t}\n", f);
}

/* Locally generated connections (127.0.0.1 included) do not pass prerouting. */
static void put_output(FILE *f, const struct nslab_nft_lab *lab)
{
	fputs("\tchain output {\n"
	      "\t\ttype nat hook output priority -100; policy accept;\n",
	      f);
	for (size_t i = 0; i < lab->n_ports; i++)
		put_port_rules(f, &lab->ports[i], true);
	fputs("\t}\n", f);
}

/*
 * route_localnet lets packets to 127.0.0.0/8 in from any interface; a port
 * published on 127.0.0.1 must stay reachable from the host only (as Docker
 * does in its raw table), so such packets from elsewhere are dropped first.
 */
static void put_guard(FILE *f, const struct nslab_nft_lab *lab)
{
	bool any = false;

	for (size_t i = 0; i < lab->n_ports; i++)
		any |= port_usable(&lab->ports[i]) && is_loopback(lab->ports[i].host_ip);
	if (!any)
		return;
	fputs("\tchain guard {\n"
	      "\t\ttype filter hook prerouting priority raw; policy accept;\n",
	      f);
	for (size_t i = 0; i < lab->n_ports; i++) {
		const struct nslab_nft_port *p = &lab->ports[i];
		unsigned int end = p->host_end > p->host_port ? p->host_end : p->host_port;

		if (!port_usable(p) || !is_loopback(p->host_ip))
			continue;
		fprintf(f, "\t\tiifname != \"lo\" ip daddr %s %s dport ", p->host_ip, proto_of(p));
		if (end == p->host_port)
			fprintf(f, "%u drop\n", p->host_port);
		else
			fprintf(f, "%u-%u drop\n", p->host_port, end);
	}
	fputs("\t}\n", f);
}

/* True when ports[i].@field already appeared in ports[0..i-1] (to write each rule once). */
static bool seen_before(const struct nslab_nft_lab *lab, size_t i, bool subnet)
{
	const struct nslab_nft_port *p = &lab->ports[i];

	for (size_t j = 0; j < i; j++) {
		const struct nslab_nft_port *q = &lab->ports[j];

		if (!port_usable(q))
			continue;
		if (subnet ? streq_ptr(q->subnet, p->subnet) : streq(q->node_ip, p->node_ip))
			return true;
	}
	return false;
}

/*
 * Source NAT, only where the path needs it, so that nodes see clients' real
 * addresses otherwise:
 *  - a connection from the host to 127.0.0.1 DNATed to a node keeps source
 *    127.0.0.1, which cannot leave the host (and route_localnet only lets it
 *    be routed): masquerade it;
 *  - hairpin: a node reaching a published port of its own network through
 *    the host would get the answer straight from the peer, bypassing the
 *    reverse NAT: masquerade connections DNATed from a subnet into itself;
 *  - outbound: masquerade what leaves a `nat` network's bridge for anywhere
 *    else (Docker's rule), IPv6 subnets included.
 */
static void put_postrouting(FILE *f, const struct nslab_nft_lab *lab)
{
	fputs("\tchain postrouting {\n"
	      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n",
	      f);
	for (size_t i = 0; i < lab->n_ports; i++) {
		const struct nslab_nft_port *p = &lab->ports[i];

		if (!port_usable(p) || seen_before(lab, i, false))
			continue;
		fprintf(f, "\t\tip saddr 127.0.0.0/8 ip daddr %s ct status dnat masquerade\n",
			p->node_ip);
	}
	for (size_t i = 0; i < lab->n_ports; i++) {
		const struct nslab_nft_port *p = &lab->ports[i];

		if (!port_usable(p) || !p->subnet || seen_before(lab, i, true))
			continue;
		fprintf(f, "\t\tip saddr %s ip daddr %s ct status dnat masquerade\n", p->subnet,
			p->subnet);
	}
	for (size_t i = 0; i < lab->n_ports; i++) {
		const struct nslab_nft_port *p = &lab->ports[i];
		bool seen = false;

		if (!port_usable6(p) || !p->subnet6)
			continue;
		for (size_t j = 0; j < i; j++)
			seen |= port_usable6(&lab->ports[j]) &&
				streq_ptr(lab->ports[j].subnet6, p->subnet6);
		if (!seen)
			fprintf(f, "\t\tip6 saddr %s ip6 daddr %s ct status dnat masquerade\n",
				p->subnet6, p->subnet6);
	}
	for (size_t i = 0; i < lab->n_nets; i++) {
		const struct nslab_nft_net *n = &lab->nets[i];

		if (!n->nat || n->internal)
			continue;
		if (n->subnet)
			fprintf(f, "\t\tip saddr %s oifname != \"%s\" masquerade\n", n->subnet,
				n->bridge);
		if (n->subnet6)
			fprintf(f, "\t\tip6 saddr %s oifname != \"%s\" masquerade\n", n->subnet6,
				n->bridge);
	}
	fputs("\t}\n", f);
}

/* `{ "br1", "br2" }`: the bridges of every network of the lab. */
static void put_own_bridges(FILE *f, const struct nslab_nft_lab *lab)
{
	fputc('{', f);
	for (size_t i = 0; i < lab->n_nets; i++)
		fprintf(f, "%s \"%s\"", i ? "," : "", lab->nets[i].bridge);
	fputs(" }", f);
}

/*
 * Other labs' networks.  Docker isolates every bridge network from every
 * other, whichever project made it, but a lab knows only its own bridges:
 * it drops what is routed between one of them and any bridge named as
 * networks are by default ("nl" + a hash, topo_net.c), in both directions.
 * Both labs' tables hold such rules, so two networks are apart as long as
 * one of the two bridges has a default name; two bridges both named by the
 * files (`bridge:`) are not.
 */
static void put_other_labs(FILE *f, const struct nslab_nft_lab *lab)
{
	fputs("\t\tiifname ", f);
	put_own_bridges(f, lab);
	fputs(" oifname != ", f);
	put_own_bridges(f, lab);
	fputs(" oifname \"nl*\" drop\n\t\toifname ", f);
	put_own_bridges(f, lab);
	fputs(" iifname != ", f);
	put_own_bridges(f, lab);
	fputs(" iifname \"nl*\" drop\n", f);
}

/*
 * Docker's isolation.  An internal network's bridge forwards nothing in or
 * out.  Published ports are open to whoever reaches the host, nodes of the
 * lab's other networks included (as with Docker's userland proxy), hence
 * `ct status dnat accept` before the drops between networks.  These drops
 * must be in our own table: an accept elsewhere would not stop them, and
 * nothing here accepts what another table drops (nslab_nft_forward_allow()).
 */
static void put_forward(FILE *f, const struct nslab_nft_lab *lab)
{
	size_t n_open = 0;

	fputs("\tchain forward {\n"
	      "\t\ttype filter hook forward priority filter; policy accept;\n",
	      f);
	for (size_t i = 0; i < lab->n_nets; i++) {
		const struct nslab_nft_net *n = &lab->nets[i];

		if (!n->internal) {
			n_open++;
			continue;
		}
		fprintf(f, "\t\tiifname \"%s\" oifname != \"%s\" drop\n", n->bridge, n->bridge);
		fprintf(f, "\t\toifname \"%s\" iifname != \"%s\" drop\n", n->bridge, n->bridge);
	}
	if (n_open)
		fputs("\t\tct status dnat accept\n", f);
	if (n_open > 1) {
		for (size_t i = 0; i < lab->n_nets; i++) {
			const char *sep = "";

			if (lab->nets[i].internal)
				continue;
			fprintf(f, "\t\tiifname \"%s\" oifname {", lab->nets[i].bridge);
			for (size_t j = 0; j < lab->n_nets; j++) {
				if (j == i || lab->nets[j].internal)
					continue;
				fprintf(f, "%s \"%s\"", sep, lab->nets[j].bridge);
				sep = ",";
			}
			fputs(" } drop\n", f);
		}
	}
	if (n_open)
		put_other_labs(f, lab);
	fputs("\t}\n", f);
}

int nslab_nft_render(const struct nslab_nft_lab *lab, char **ret)
{
	char table[64];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	nslab_nft_table_name(lab->lab, table, sizeof(table));
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	/* "add; delete; create" in one transaction: a redeploy replaces the table atomically. */
	fprintf(f,
		"# nslab lab %s: NAT, published ports, isolation\n"
		"table inet %s\n"
		"delete table inet %s\n"
		"table inet %s {\n",
		lab->lab, table, table, table);
	put_guard(f, lab);
	put_prerouting(f, lab);
	put_output(f, lab);
	put_postrouting(f, lab);
	put_forward(f, lab);
	fputs("}\n", f);
	for (size_t i = 0; i < lab->n_ports; i++)
		if (!port_usable(&lab->ports[i]) && !port_usable6(&lab->ports[i]))
			fprintf(f, "# port %u/%s on %s left out: %s\n", lab->ports[i].host_port,
				proto_of(&lab->ports[i]),
				lab->ports[i].host_ip ? lab->ports[i].host_ip : "?",
				lab->ports[i].host_ip && streq(lab->ports[i].host_ip, "::1")
					? "a packet from ::1 cannot leave the host"
					: "the node has no address of that family");
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -ENOMEM;
	}
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

/* --- running ------------------------------------------------------------ */

static void ctx_freep(struct nft_ctx **ctx)
{
	if (*ctx)
		nft_ctx_free(*ctx);
}

/* nft reports errors as text only; recover the errno its message names. */
static int code_of(const char *msg)
{
	static const struct {
		const char *text;
		int code;
	} map[] = {
		{ "No such file or directory", ENOENT },
		{ "Operation not permitted", EPERM },
		{ "Permission denied", EACCES },
		{ "File exists", EEXIST },
		{ "Device or resource busy", EBUSY },
		{ "Cannot allocate memory", ENOMEM },
		{ "Protocol not supported", EPROTONOSUPPORT },
		{ "Operation not supported", EOPNOTSUPP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (msg && strstr(msg, map[i].text))
			return map[i].code;
	return EINVAL;
}

/*
 * Record nft's message: its first lines ("FILE:LINE:COL: Error: …", the
 * offending command; the caret line is dropped), joined with " | ", the
 * memfd's name @path written as "line".
 */
static int nft_error(struct nslab_error *err, const char *what, const char *path, const char *msg)
{
	char text[NSLAB_ERR_MSG_MAX] = "";
	size_t len = 0, plen = path ? strlen(path) : 0;
	int lines = 0;

	for (const char *p = msg ? msg : ""; *p && lines < NFT_ERR_LINES;) {
		size_t n, skip = strspn(p, " \t");
		bool carets;

		p += skip;
		n = strcspn(p, "\n");
		carets = n > 0 && strspn(p, "^~") == n;
		if (n > 0 && !carets && len < sizeof(text) - 1) {
			const char *sep = len ? " | " : "";

			if (plen && strncmp(p, path, plen) == 0 && p[plen] == ':')
				len += (size_t)snprintf(text + len, sizeof(text) - len,
							"%sline %.*s", sep, (int)(n - plen - 1),
							p + plen + 1);
			else
				len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%.*s",
							sep, (int)n, p);
			if (len > sizeof(text) - 1)
				len = sizeof(text) - 1;
			lines++;
		}
		p += n + (p[n] == '\n');
	}
	return nslab_err(err, code_of(msg), "%s: %s", what, *text ? text : "nft failed");
}

/*
 * Feed @cmds to nft as a file, a memfd: nftables 1.0.6 reports errors in a
 * multi-line *buffer* against its first line, but names the right line and
 * column of a file.  Without memfd_create, the buffer.
 */
static int run_cmds(struct nft_ctx *ctx, const char *cmds, char *path, size_t size)
{
	_cleanup_close_ int fd = memfd_create("nslab.nft", MFD_CLOEXEC);
	size_t len = strlen(cmds);

	path[0] = '\0';
	if (fd < 0 || write(fd, cmds, len) != (ssize_t)len)
		return nft_run_cmd_from_buffer(ctx, cmds);
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return nft_run_cmd_from_filename(ctx, path);
}

/*
 * Run @cmds in a fresh context (netlink socket in the calling thread's
 * namespace).  With @ret_out, *@ret_out is the output (the caller's), JSON
 * with handles when @json.
 */
static int run(const char *cmds, bool dry_run, bool json, char **ret_out, const char *what,
	       struct nslab_error *err)
{
	_cleanup_(ctx_freep) struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	char path[64];

	if (!ctx)
		return nslab_err(err, ENOMEM, "%s: cannot create an nftables context", what);
	if (nft_ctx_buffer_error(ctx) < 0 || nft_ctx_buffer_output(ctx) < 0)
		return nslab_err(err, ENOMEM, "%s: cannot buffer nftables output", what);
	if (json)
		nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	nft_ctx_set_dry_run(ctx, dry_run);
	if (run_cmds(ctx, cmds, path, sizeof(path)) != 0)
		return nft_error(err, what, path, nft_ctx_get_error_buffer(ctx));
	if (ret_out) {
		const char *out = nft_ctx_get_output_buffer(ctx);

		*ret_out = strdup(out ? out : "");
		if (!*ret_out)
			return nslab_err(err, ENOMEM, "%s: out of memory", what);
	}
	return 0;
}

int nslab_nft_apply(const char *script, struct nslab_error *err)
{
	return run(script, false, false, NULL, "nftables", err);
}

int nslab_nft_check(const char *script, struct nslab_error *err)
{
	return run(script, true, false, NULL, "nftables check", err);
}

int nslab_nft_delete(const char *lab, struct nslab_error *err)
{
	char table[64], cmds[160];

	nslab_nft_table_name(lab, table, sizeof(table));
	/* No `destroy` before nftables 1.0.8: add (a no-op if present), then delete. */
	snprintf(cmds, sizeof(cmds), "table inet %s\ndelete table inet %s\n", table, table);
	return run(cmds, false, false, NULL, table, err);
}

int nslab_nft_list_table(const char *lab, bool json, char **ret_text, struct nslab_error *err)
{
	char table[64], cmd[128];
	_cleanup_free_ char *text = NULL;
	int r;

	nslab_nft_table_name(lab, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "list table inet %s\n", table);
	r = run(cmd, false, json, &text, table, err);
	if (r < 0)
		return r;
	*ret_text = TAKE_PTR(text);
	return 0;
}

/* --- holes in iptables' FORWARD chain ----------------------------------- */

/*
 * Docker sets the FORWARD policy of iptables' filter table to DROP, and with
 * br_netfilter even bridged frames pass it.  An accept in our own table does
 * not help (every base chain of a hook must accept), so we insert accepts
 * into that chain itself.  iptables-nft (Debian >= 11's default) keeps its
 * rules in nftables tables `ip filter` / `ip6 filter`; rules of the form
 * `iifname "B" accept comment "…"` are ones it can read back (`iptables -S`
 * shows `-i B -m comment --comment … -j ACCEPT`).  Hosts on iptables-legacy
 * keep their rules in x_tables, out of nftables' reach: nothing is done
 * there (and nothing found), a documented limitation.
 */
const char *const nslab_nft_forward_families[NSLAB_NFT_FORWARD_FAMILIES] = { "ip", "ip6" };

void nslab_nft_forward_render(FILE *f, const char *family, const char *lab,
			      const char *const *bridges, size_t n)
{
	static const char *const fmt =
		"insert rule %s filter FORWARD %s \"%s\" accept comment \"nslab:%s\"\n";

	for (size_t i = 0; i < n; i++) {
		fprintf(f, fmt, family, "oifname", bridges[i], lab);
		fprintf(f, fmt, family, "iifname", bridges[i], lab);
	}
}

struct handles {
	unsigned long *v;
	size_t n, cap;
};

/* Handles of the rules of @json (a `list chain` output) whose comment is @comment. */
static int find_rules(const char *json, const char *comment, struct handles *h,
		      struct nslab_error *err)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr), *items, *it;
	size_t i;
	int r = 0;

	if (!root)
		return nslab_err(err, EBADMSG, "cannot parse nft's JSON: %s", jerr.text);
	items = json_object_get(root, "nftables");
	json_array_foreach(items, i, it)
	{
		json_t *rule = json_object_get(it, "rule");
		const char *c = json_string_value(json_object_get(rule, "comment"));
		json_t *handle = json_object_get(rule, "handle");

		if (!rule || !c || !streq(c, comment) || !json_is_integer(handle))
			continue;
		if (GROW(h->v, h->cap, h->n) < 0) {
			r = nslab_err(err, ENOMEM, "out of memory");
			break;
		}
		h->v[h->n++] = (unsigned long)json_integer_value(handle);
	}
	json_decref(root);
	return r;
}

/*
 * Make the FORWARD chain of @family's filter table hold exactly the lab's
 * accepts for @bridges (none to remove them): one transaction deletes the
 * old ones and inserts the new, so a repeated allow does not pile up rules.
 */
static int forward_sync(const char *family, const char *lab, const char *const *bridges, size_t n,
			struct nslab_error *err)
{
	char comment[64], what[64], list[64];
	_cleanup_free_ char *json = NULL, *cmds = NULL;
	struct handles h = { 0 };
	size_t len = 0;
	FILE *f;
	int r;

	snprintf(comment, sizeof(comment), "nslab:%s", lab);
	snprintf(what, sizeof(what), "%s filter FORWARD", family);
	snprintf(list, sizeof(list), "list chain %s filter FORWARD", family);
	r = run(list, false, true, &json, what, err);
	if (r == -ENOENT) {
		/* No such table or chain: no iptables-nft rules to get past. */
		if (err)
			*err = (struct nslab_error){ 0 };
		return 0;
	}
	if (r < 0)
		return r;
	r = find_rules(json, comment, &h, err);
	if (r < 0)
		goto out;
	if (h.n == 0 && n == 0)
		goto out;
	f = open_memstream(&cmds, &len);
	if (!f) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < h.n; i++)
		fprintf(f, "delete rule %s filter FORWARD handle %lu\n", family, h.v[i]);
	nslab_nft_forward_render(f, family, lab, bridges, n);
	if (fclose(f) != 0) {
		r = nslab_err(err, ENOMEM, "out of memory");
		goto out;
	}
	r = run(cmds, false, false, NULL, what, err);
out:
	free(h.v);
	return r;
}

int nslab_nft_forward_allow(const char *lab, const char *const *bridges, size_t n,
			    struct nslab_error *err)
{
	for (size_t i = 0; i < NSLAB_NFT_FORWARD_FAMILIES; i++) {
		int r = forward_sync(nslab_nft_forward_families[i], lab, bridges, n, err);

		if (r < 0)
			return r;
	}
	return 0;
}

int nslab_nft_forward_remove(const char *lab, struct nslab_error *err)
{
	int ret = 0;

	/* Both families even if one fails: leave as little behind as possible. */
	for (size_t i = 0; i < NSLAB_NFT_FORWARD_FAMILIES; i++) {
		struct nslab_error e = { 0 };
		int r = forward_sync(nslab_nft_forward_families[i], lab, NULL, 0, &e);

		if (r < 0 && ret == 0) {
			ret = r;
			if (err)
				*err = e;
		}
	}
	return ret;
}
