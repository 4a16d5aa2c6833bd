// SPDX-License-Identifier: LGPL-2.1-or-later
/* From the YAML document to nslab_topo: keys, types, inheritance, links. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "topo_internal.h"
#include "util.h"

#define MERGE_DEPTH_MAX 8

/*
 * Parts of the contract this version does not implement yet.  A later version
 * removes its entry when it implements the key.
 */
static const struct {
	enum where where;
	const char *key;
} unsupported[] = {
	{ W_TOP, NULL }, /* none at the moment: the table stays for the next ones */
};

/* Containerlab keys that mean nothing without a container runtime (rule 10). */
static const char *const container_keys[] = {
	"image",
	"binds",
	"startup-config",
	"license",
	"entrypoint",
	"user",
	"image-pull-policy",
	"runtime",
	"healthcheck",
	"restart-policy",
	"network-mode",
	"devices",
	"cap-add",
	"shm-size",
	"extras",
	"config",
	"enforce-startup-config",
	"suppress-startup-config",
	"auto-remove",
	"publish",
	"dns",
	"certificate",
	"aliases",
	"components",
	"stages",
};

/* Containerlab top-level keys with no meaning here. */
static const char *const ignored_top_keys[] = { "settings" };

static const char *const setting_names[SK_MAX] = {
	[SK_KIND] = "kind",
	[SK_GROUP] = "group",
	[SK_LABELS] = "labels",
	[SK_ENV] = "env",
	[SK_EXEC] = "exec",
	[SK_SYSCTLS] = "sysctls",
	[SK_ROUTES] = "routes",
	[SK_HOSTNAME] = "hostname",
	[SK_NETWORKS] = "networks",
	[SK_PORTS] = "ports",
	[SK_SERVICES] = "services",
	[SK_CMD] = "cmd",
	[SK_MEMORY] = "memory",
	[SK_CPU] = "cpu",
	[SK_NETNS] = "netns",
	[SK_PID] = "pid",
	[SK_MGMT_IPV4] = "mgmt-ipv4",
	[SK_MGMT_IPV6] = "mgmt-ipv6",
	[SK_STARTUP_DELAY] = "startup-delay",
	[SK_WAIT_FOR] = "wait-for",
	[SK_HOST] = "host",
};

/* Keys rule 4 allows on each kind. */
static bool kind_allows(enum nslab_kind kind, enum setting_key k)
{
	switch (kind) {
	case NSLAB_KIND_BRIDGE:
		return k == SK_KIND || k == SK_GROUP || k == SK_LABELS || k == SK_HOST;
	case NSLAB_KIND_HOST:
		return k == SK_KIND || k == SK_GROUP || k == SK_LABELS || k == SK_EXEC ||
		       k == SK_HOST;
	case NSLAB_KIND_SWITCH:
		/* Its interfaces are bridge ports; it is on no network, nor on mgmt. */
		return k != SK_NETWORKS && k != SK_MGMT_IPV4 && k != SK_MGMT_IPV6 &&
		       k != SK_NETNS && k != SK_PID;
	case NSLAB_KIND_EXT:
		/* Rule 1: nslab leaves an adopted namespace's settings alone; no mgmt. */
		return k != SK_SYSCTLS && k != SK_MGMT_IPV4 && k != SK_MGMT_IPV6;
	default:
		return k != SK_NETNS && k != SK_PID;
	}
}

/* "kind, group, labels" ...: the keys @kind takes, for messages. */
static const char *kind_allowed_list(enum nslab_kind kind, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < SK_MAX && len < size; k++)
		if (kind_allows(kind, (enum setting_key)k))
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
						setting_names[k]);
	return buf;
}

/* The message for key @k, not allowed on kind @kind; @in: "node 'a'" or "kinds.x". */
static int not_allowed(struct ctx *c, struct nslab_pos pos, enum nslab_kind kind,
		       enum setting_key k, const char *node, const char *in)
{
	char list[512];

	if (k == SK_NETNS || k == SK_PID) {
		if (node)
			return topo_err_at(c, pos, "'%s' is for ext nodes only; node '%s' is %s",
					   setting_names[k], node, nslab_kind_to_string(kind));
		return topo_err_at(c, pos, "'%s' is for ext nodes only, not in %s",
				   setting_names[k], in);
	}
	if (kind == NSLAB_KIND_EXT && k == SK_SYSCTLS)
		return topo_err_at(c, pos,
				   "'sysctls' is not allowed on ext nodes: nslab leaves an adopted "
				   "namespace's settings as they are");
	if (node)
		return topo_err_at(
			c, pos, "'%s' is not allowed on %s node '%s'; %s nodes take only: %s",
			setting_names[k], nslab_kind_to_string(kind), node,
			nslab_kind_to_string(kind), kind_allowed_list(kind, list, sizeof(list)));
	return topo_err_at(c, pos, "'%s' is not allowed in %s; %s nodes take only: %s",
			   setting_names[k], in, nslab_kind_to_string(kind),
			   kind_allowed_list(kind, list, sizeof(list)));
}

static const char *const settings_expected =
	"kind, group, labels, env, exec, sysctls, routes, hostname, networks, ports, services, "
	"cmd, memory, cpu, netns, pid, mgmt-ipv4, mgmt-ipv6, startup-delay, wait-for, host";

/* ---- YAML helpers ---- */

yaml_node_t *topo_doc_node(struct ctx *c, yaml_node_item_t i)
{
	return yaml_document_get_node(c->doc, i);
}

bool topo_is_null(const yaml_node_t *n)
{
	const char *s;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	return n->data.scalar.length == 0 || streq(s, "~") || streq(s, "null") ||
	       streq(s, "Null") || streq(s, "NULL");
}

static bool is_plain_bool(const yaml_node_t *n, bool *ret)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	if (streq(s, "true") || streq(s, "True") || streq(s, "TRUE")) {
		*ret = true;
		return true;
	}
	if (streq(s, "false") || streq(s, "False") || streq(s, "FALSE")) {
		*ret = false;
		return true;
	}
	return false;
}

static bool is_plain_number(const yaml_node_t *n)
{
	char *end;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    n->data.scalar.length == 0)
		return false;
	(void)strtod((const char *)n->data.scalar.value, &end);
	return *end == '\0';
}

static const char *type_name(const yaml_node_t *n)
{
	bool b;

	if (topo_is_null(n))
		return "null";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a map";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		if (is_plain_bool(n, &b))
			return "a boolean";
		if (is_plain_number(n))
			return "a number";
		return "a string";
	default:
		return "nothing";
	}
}

bool topo_plain_bool(const yaml_node_t *n, bool *ret)
{
	return is_plain_bool(n, ret);
}

const char *topo_type_name(const yaml_node_t *n)
{
	return type_name(n);
}

/* "expected a map for 'nodes', got a list"; @for_ may be NULL. */
int topo_want(struct ctx *c, const yaml_node_t *n, const char *what, const char *for_)
{
	if (for_)
		return topo_err_at(c, topo_pos(c, n), "expected %s for %s, got %s", what, for_,
				   type_name(n));
	return topo_err_at(c, topo_pos(c, n), "expected %s, got %s", what, type_name(n));
}

/* A non-null scalar as text (borrowed from the document). */
int topo_get_str(struct ctx *c, const yaml_node_t *n, const char **ret)
{
	if (!n || n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_want(c, n, "a string", NULL);
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return topo_err_at(c, topo_pos(c, n), "string contains a NUL character");
	*ret = (const char *)n->data.scalar.value;
	return 0;
}

int topo_dup_str(struct ctx *c, const yaml_node_t *n, struct nslab_str *ret)
{
	const char *s;
	int r = topo_get_str(c, n, &s);

	if (r < 0)
		return r;
	ret->s = strdup(s);
	if (!ret->s)
		return topo_oom(c);
	ret->pos = topo_pos(c, n);
	return 0;
}

/* An integer in [@min, @max], plain or quoted ("mtu: ${MTU}" works either way). */
int topo_get_uint(struct ctx *c, const yaml_node_t *n, const char *what, unsigned long min,
		  unsigned long max, unsigned long *ret)
{
	const char *s;
	unsigned long v;
	char *end;

	if (!n || n->type != YAML_SCALAR_NODE || topo_is_null(n))
		return topo_err_at(c, topo_pos(c, n),
				   "invalid %s: expected an integer from %lu to %lu, got %s", what,
				   min, max, type_name(n));
	s = (const char *)n->data.scalar.value;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v < min || v > max)
		return topo_err_at(c, topo_pos(c, n),
				   "invalid %s '%s': expected an integer from %lu to %lu", what, s,
				   min, max);
	*ret = v;
	return 0;
}

void topo_mview_free(struct mview *v)
{
	free(v->p);
	strmap_free(&v->idx);
	*v = (struct mview){ 0 };
}

static bool mview_find(const struct mview *v, const char *k, size_t *ret)
{
	if (v->idx.cap)
		return strmap_get(&v->idx, k, ret);
	for (size_t i = 0; i < v->n; i++) {
		if (streq(v->p[i].k, k)) {
			*ret = i;
			return true;
		}
	}
	return false;
}

static int mview_add(struct ctx *c, struct mview *v, struct pair *p)
{
	if (GROW(v->p, v->cap, v->n) < 0)
		return topo_oom(c);
	v->p[v->n] = *p;
	/* Linear search is enough for small maps; nodes: can hold thousands. */
	if (v->n == 16) {
		for (size_t i = 0; i < v->n; i++)
			if (strmap_put(&v->idx, v->p[i].k, i, NULL) < 0)
				return topo_oom(c);
	}
	if (v->n >= 16 && strmap_put(&v->idx, p->k, v->n, NULL) < 0)
		return topo_oom(c);
	v->n++;
	return 0;
}

static bool is_merge_key(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       streq((const char *)k->data.scalar.value, "<<");
}

static int mview_fill(struct ctx *c, struct mview *v, yaml_node_t *map, const char *noun,
		      bool merged, int depth)
{
	for (yaml_node_pair_t *np = map->data.mapping.pairs.start; np < map->data.mapping.pairs.top;
	     np++) {
		struct pair p = { .key = topo_doc_node(c, np->key),
				  .val = topo_doc_node(c, np->value) };
		size_t old;
		int r;

		r = topo_spend(c, topo_pos(c, p.key));
		if (r < 0)
			return r;
		if (!p.key || !p.val)
			return topo_err_at(c, topo_pos(c, map), "invalid YAML map");
		if (is_merge_key(p.key))
			continue;
		r = topo_get_str(c, p.key, &p.k);
		if (r < 0)
			return r;
		p.pos = topo_pos(c, p.key);
		if (mview_find(v, p.k, &old)) {
			/* A key merged in with "<<" is overridden by the map's own. */
			if (merged)
				continue;
			return topo_err_at(c, p.pos, "duplicate %s '%s' (first at %d:%d)", noun,
					   p.k, v->p[old].pos.line, v->p[old].pos.col);
		}
		r = mview_add(c, v, &p);
		if (r < 0)
			return r;
	}
	/* YAML merge keys ("<<: *anchor"), as Go's yaml does for containerlab. */
	for (yaml_node_pair_t *np = map->data.mapping.pairs.start; np < map->data.mapping.pairs.top;
	     np++) {
		yaml_node_t *k = topo_doc_node(c, np->key), *val = topo_doc_node(c, np->value);
		int r;

		if (!is_merge_key(k))
			continue;
		if (depth >= MERGE_DEPTH_MAX)
			return topo_err_at(c, topo_pos(c, k), "YAML merge keys nested too deeply");
		if (val->type == YAML_MAPPING_NODE) {
			r = mview_fill(c, v, val, noun, true, depth + 1);
			if (r < 0)
				return r;
			continue;
		}
		if (val->type != YAML_SEQUENCE_NODE)
			return topo_err_at(c, topo_pos(c, val),
					   "'<<' expects a map or a list of maps, got %s",
					   type_name(val));
		for (yaml_node_item_t *it = val->data.sequence.items.start;
		     it < val->data.sequence.items.top; it++) {
			yaml_node_t *m = topo_doc_node(c, *it);

			if (m->type != YAML_MAPPING_NODE)
				return topo_want(c, m, "a map", NULL);
			r = mview_fill(c, v, m, noun, true, depth + 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * The pairs of map @n in file order, merge keys resolved, duplicates
 * rejected.  On failure @v is freed (and zeroed): callers just return.
 */
int topo_mview_init(struct ctx *c, struct mview *v, yaml_node_t *n, const char *noun,
		    const char *for_)
{
	int r;

	*v = (struct mview){ 0 };
	if (n->type != YAML_MAPPING_NODE)
		return topo_want(c, n, "a map", for_);
	r = mview_fill(c, v, n, noun, false, 0);
	if (r < 0)
		topo_mview_free(v);
	return r;
}

yaml_node_t *topo_mview_get(const struct mview *v, const char *k, struct nslab_pos *ret_pos)
{
	size_t i;

	if (!mview_find(v, k, &i))
		return NULL;
	if (ret_pos)
		*ret_pos = v->p[i].pos;
	return v->p[i].val;
}

/* ---- special keys ---- */

int topo_check_special(struct ctx *c, enum where where, const char *key, struct nslab_pos pos)
{
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++) {
		if (unsupported[i].key && unsupported[i].where == where &&
		    streq(unsupported[i].key, key)) {
			if (where == W_LINK_TYPE)
				return topo_err_at(
					c, pos,
					"link type '%s' is not supported by this version of nslab",
					key);
			if (where == W_KIND)
				return topo_err_at(
					c, pos,
					"kind '%s' is not supported by this version of nslab", key);
			return topo_err_at(c, pos, "'%s' is not supported by this version of nslab",
					   key);
		}
	}
	if (where == W_SETTINGS) {
		for (size_t i = 0; i < ARRAY_SIZE(container_keys); i++)
			if (streq(container_keys[i], key))
				return topo_warn_ignored(c, key, pos) < 0 ? -ENOMEM : 1;
	}
	if (where == W_TOP) {
		for (size_t i = 0; i < ARRAY_SIZE(ignored_top_keys); i++)
			if (streq(ignored_top_keys[i], key))
				return topo_warn_ignored(c, key, pos) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

/* @in: where, with its preposition ("in node 'r1'", "at the top level"). */
int topo_unknown_key(struct ctx *c, const struct pair *p, const char *in, const char *expected)
{
	return topo_err_at(c, p->pos, "unknown key '%s' %s; expected one of: %s", p->k, in,
			   expected);
}

static int parse_kind(struct ctx *c, yaml_node_t *n, const char *s, enum nslab_kind *ret)
{
	int k = nslab_kind_from_string(s);
	int r;

	if (k >= 0) {
		*ret = (enum nslab_kind)k;
		return 0;
	}
	r = topo_check_special(c, W_KIND, s, topo_pos(c, n));
	if (r < 0)
		return r;
	return topo_err_at(c, topo_pos(c, n),
			   "unknown kind '%s'; expected one of: linux, bridge, switch, host, ext",
			   s);
}

/* ---- settings maps ---- */

enum set_ctx {
	SC_NODE,
	SC_DEFAULTS,
	SC_KIND,
	SC_GROUP,
};

static int parse_kv(struct ctx *c, yaml_node_t *n, enum setting_key key, struct nslab_kv **ret,
		    size_t *ret_n)
{
	struct mview v;
	char for_[300];
	size_t cap = 0;
	int r;

	snprintf(for_, sizeof(for_), "'%s'", setting_names[key]);
	r = topo_mview_init(c, &v, n, "key", for_);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < v.n; i++) {
		struct pair *p = &v.p[i];
		const char *val = "";
		struct nslab_kv kv;

		if (key == SK_SYSCTLS) {
			r = topo_check_sysctl(c, p->k, p->pos);
			if (r < 0)
				goto out;
			if (topo_is_null(p->val)) {
				r = topo_err_at(c, p->pos, "sysctl '%s' has no value", p->k);
				goto out;
			}
		} else if (key == SK_ENV && (p->k[0] == '\0' || strchr(p->k, '='))) {
			r = topo_err_at(c, p->pos, "invalid environment variable name '%s'", p->k);
			goto out;
		} else if (p->k[0] == '\0') {
			r = topo_err_at(c, p->pos, "empty %s key", setting_names[key]);
			goto out;
		}
		if (!topo_is_null(p->val)) {
			if (p->val->type != YAML_SCALAR_NODE) {
				snprintf(for_, sizeof(for_), "%s '%s'", setting_names[key], p->k);
				r = topo_want(c, p->val, "a string", for_);
				goto out;
			}
			r = topo_get_str(c, p->val, &val);
			if (r < 0)
				goto out;
		}
		kv = (struct nslab_kv){ .key = strdup(p->k), .value = strdup(val), .pos = p->pos };
		if (!kv.key || !kv.value || GROW(*ret, cap, *ret_n) < 0) {
			free(kv.key);
			free(kv.value);
			r = topo_oom(c);
			goto out;
		}
		(*ret)[(*ret_n)++] = kv;
	}
out:
	topo_mview_free(&v);
	return r;
}

int topo_str_list(struct ctx *c, yaml_node_t *n, const char *list, const char *item,
		  struct nslab_str **ret, size_t *ret_n)
{
	size_t cap = *ret_n;

	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list of strings", list);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *x = topo_doc_node(c, *it);
		int r = topo_spend(c, topo_pos(c, x));

		if (r < 0)
			return r;
		if (x->type != YAML_SCALAR_NODE || topo_is_null(x))
			return topo_want(c, x, "a string", item);
		if (GROW(*ret, cap, *ret_n) < 0)
			return topo_oom(c);
		r = topo_dup_str(c, x, &(*ret)[*ret_n]);
		if (r < 0)
			return r;
		(*ret_n)++;
	}
	return 0;
}

int topo_opt_str(struct ctx *c, yaml_node_t *n, char **ret)
{
	struct nslab_str s;
	int r;

	if (topo_is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return topo_want(c, n, "a string", NULL);
	r = topo_dup_str(c, n, &s);
	if (r < 0)
		return r;
	*ret = s.s;
	return 0;
}

static int parse_route(struct ctx *c, yaml_node_t *n, struct nslab_route *rt)
{
	struct nslab_pos dst_pos = { 0 }, via_pos = { 0 }, src_pos = { 0 };
	struct mview v;
	int r;

	rt->metric = -1;
	rt->pos = topo_pos(c, n);
	r = topo_mview_init(c, &v, n, "key", "a route");
	if (r < 0)
		goto out;
	for (size_t i = 0; i < v.n && r >= 0; i++) {
		struct pair *p = &v.p[i];
		unsigned long u;

		if (streq(p->k, "dst")) {
			r = topo_opt_str(c, p->val, &rt->dst);
			dst_pos = topo_pos(c, p->val);
		} else if (streq(p->k, "via")) {
			r = topo_opt_str(c, p->val, &rt->via);
			via_pos = topo_pos(c, p->val);
		} else if (streq(p->k, "src")) {
			r = topo_opt_str(c, p->val, &rt->src);
			src_pos = topo_pos(c, p->val);
		} else if (streq(p->k, "dev")) {
			r = topo_opt_str(c, p->val, &rt->dev);
			if (r >= 0 && rt->dev)
				r = topo_check_ifname(c, rt->dev, topo_pos(c, p->val));
		} else if (streq(p->k, "metric")) {
			r = topo_get_uint(c, p->val, "metric", 0, 0x7fffffff, &u);
			rt->metric = (int)u;
		} else if (streq(p->k, "table")) {
			r = topo_get_uint(c, p->val, "table", 0, 0x7fffffff, &u);
			rt->table = (int)u;
		} else if (streq(p->k, "onlink")) {
			if (!is_plain_bool(p->val, &rt->onlink))
				r = topo_err_at(c, topo_pos(c, p->val),
						"invalid onlink: expected true or false, got %s",
						type_name(p->val));
		} else {
			r = topo_unknown_key(c, p, "in a route",
					     "dst, via, dev, src, metric, onlink, table");
		}
	}
	if (r < 0)
		goto out;
	if (!rt->dst) {
		r = topo_err_at(c, rt->pos,
				"route has no 'dst'; expected a CIDR or default/default6");
		goto out;
	}
	if (!rt->via && !rt->dev) {
		r = topo_err_at(c, rt->pos, "route to '%s' needs 'via' or 'dev'", rt->dst);
		goto out;
	}
	r = topo_check_route(c, rt, dst_pos, via_pos, src_pos);
out:
	topo_mview_free(&v);
	return r;
}

static int parse_routes(struct ctx *c, yaml_node_t *n, struct settings *s)
{
	size_t cap = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return topo_want(c, n, "a list", "'routes'");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = topo_doc_node(c, *it);
		int r = topo_spend(c, topo_pos(c, item));

		if (r < 0)
			return r;
		if (GROW(s->routes, cap, s->n_routes) < 0)
			return topo_oom(c);
		s->n_routes++;
		r = parse_route(c, item, &s->routes[s->n_routes - 1]);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Parse one settings map.  @what names it in messages ("node 'r1'",
 * "defaults", "kinds.linux", "groups.g1"); @kind is the kind of kinds.K.
 */
static int parse_settings(struct ctx *c, yaml_node_t *n, const char *what, enum set_ctx sc,
			  enum nslab_kind kind, struct settings *s)
{
	struct mview v;
	char in[128];
	int r = 0;

	if (topo_is_null(n))
		return 0;
	snprintf(in, sizeof(in), "in %s", what);
	r = topo_mview_init(c, &v, n, "key", what);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < v.n; i++) {
		struct pair *p = &v.p[i];
		int k;

		for (k = 0; k < SK_MAX; k++)
			if (streq(p->k, setting_names[k]))
				break;
		if (k == SK_MAX) {
			r = topo_check_special(c, W_SETTINGS, p->k, p->pos);
			if (r < 0)
				goto out;
			if (r == 1)
				continue;
			r = topo_unknown_key(c, p, in, settings_expected);
			goto out;
		}
		if ((sc == SC_KIND && k == SK_KIND) || (sc == SC_GROUP && k == SK_GROUP)) {
			r = topo_err_at(c, p->pos, "'%s' cannot be set in %s", p->k, what);
			goto out;
		}
		if (sc == SC_KIND && !kind_allows(kind, (enum setting_key)k)) {
			r = not_allowed(c, p->pos, kind, (enum setting_key)k, NULL, what);
			goto out;
		}
		s->has[k] = true;
		s->keypos[k] = p->pos;
		if (topo_is_null(p->val))
			continue;
		s->set[k] = true;
		switch ((enum setting_key)k) {
		case SK_KIND: {
			enum nslab_kind kk;

			r = topo_dup_str(c, p->val, &s->kind);
			if (r >= 0)
				r = parse_kind(c, p->val, s->kind.s, &kk);
			break;
		}
		case SK_GROUP:
			r = topo_dup_str(c, p->val, &s->group);
			if (r >= 0 && s->group.s[0] == '\0')
				r = topo_err_at(c, s->group.pos, "group name is empty");
			break;
		case SK_HOSTNAME:
			r = topo_dup_str(c, p->val, &s->hostname);
			if (r >= 0 && (s->hostname.s[0] == '\0' || strlen(s->hostname.s) > 64))
				r = topo_err_at(c, s->hostname.pos,
						"invalid hostname '%s': expected 1 to 64 bytes",
						s->hostname.s);
			break;
		case SK_LABELS:
			r = parse_kv(c, p->val, SK_LABELS, &s->labels, &s->n_labels);
			break;
		case SK_ENV:
			r = parse_kv(c, p->val, SK_ENV, &s->env, &s->n_env);
			break;
		case SK_SYSCTLS:
			r = parse_kv(c, p->val, SK_SYSCTLS, &s->sysctls, &s->n_sysctls);
			break;
		case SK_EXEC:
			r = topo_str_list(c, p->val, "'exec'", "an exec command", &s->exec,
					  &s->n_exec);
			break;
		case SK_ROUTES:
			r = parse_routes(c, p->val, s);
			break;
		case SK_NETWORKS:
			r = topo_parse_node_networks(c, p->val, s);
			break;
		case SK_PORTS:
			r = topo_parse_ports(c, p->val, s);
			break;
		case SK_SERVICES:
			r = topo_str_list(c, p->val, "'services'", "a service command",
					  &s->services, &s->n_services);
			break;
		case SK_CMD:
			if (p->val->type != YAML_SCALAR_NODE) {
				r = topo_want(c, p->val, "a string", "'cmd'");
				break;
			}
			r = topo_dup_str(c, p->val, &s->cmd);
			if (r >= 0 && s->cmd.s[0] == '\0')
				r = topo_err_at(c, s->cmd.pos, "'cmd' is empty");
			break;
		case SK_MEMORY:
			r = topo_parse_memory(c, p->val, &s->memory);
			break;
		case SK_CPU:
			r = topo_parse_cpu(c, p->val, &s->cpu_millis);
			break;
		case SK_NETNS:
			r = topo_parse_netns(c, p->val, &s->netns);
			break;
		case SK_PID: {
			unsigned long u;

			/* PID_MAX_LIMIT */
			r = topo_get_uint(c, p->val, "pid", 1, 4194304, &u);
			s->pid = (int)u;
			break;
		}
		case SK_MGMT_IPV4:
			r = topo_parse_mgmt_addr(c, p->val, AF_INET, &s->mgmt_ipv4);
			break;
		case SK_MGMT_IPV6:
			r = topo_parse_mgmt_addr(c, p->val, AF_INET6, &s->mgmt_ipv6);
			break;
		case SK_STARTUP_DELAY:
			r = topo_parse_seconds(c, p->val, "startup-delay", &s->startup_delay);
			break;
		case SK_WAIT_FOR:
			r = topo_str_list(c, p->val, "'wait-for'", "a node name", &s->wait_for,
					  &s->n_wait_for);
			break;
		case SK_HOST:
			r = topo_dup_str(c, p->val, &s->host);
			break;
		case SK_MAX:
			break;
		}
		if (r < 0)
			goto out;
	}
out:
	topo_mview_free(&v);
	return r;
}

/* ---- inheritance ---- */

static int kv_copy(struct ctx *c, struct nslab_kv *dst, const struct nslab_kv *src)
{
	*dst = (struct nslab_kv){ .key = strdup(src->key),
				  .value = strdup(src->value),
				  .pos = src->pos };
	if (!dst->key || !dst->value) {
		free(dst->key);
		free(dst->value);
		*dst = (struct nslab_kv){ 0 };
		return topo_oom(c);
	}
	return 0;
}

/*
 * Merge the maps of @layers (least specific first) into *@ret: the first
 * occurrence of a key fixes its place, the most specific value wins.
 */
static int kv_merge(struct ctx *c, struct settings **layers, size_t n_layers, enum setting_key key,
		    struct nslab_kv **ret, size_t *ret_n)
{
	struct strmap idx = { 0 };
	size_t cap = 0, total = 0;
	int r = 0;

	for (size_t l = 0; l < n_layers; l++) {
		const struct settings *s = layers[l];

		total += key == SK_LABELS ? s->n_labels : key == SK_ENV ? s->n_env : s->n_sysctls;
	}
	for (size_t l = 0; l < n_layers && r >= 0; l++) {
		const struct settings *s = layers[l];
		const struct nslab_kv *src = key == SK_LABELS ? s->labels
					     : key == SK_ENV  ? s->env
							      : s->sysctls;
		size_t n = key == SK_LABELS ? s->n_labels : key == SK_ENV ? s->n_env : s->n_sysctls;

		for (size_t i = 0; i < n; i++) {
			size_t at = SIZE_MAX;

			r = topo_spend(c, src[i].pos);
			if (r < 0)
				break;
			if (total > 16) {
				if (!strmap_get(&idx, src[i].key, &at))
					at = SIZE_MAX;
			} else {
				for (size_t j = 0; j < *ret_n; j++)
					if (streq((*ret)[j].key, src[i].key))
						at = j;
			}
			if (at != SIZE_MAX) {
				char *v = strdup(src[i].value);

				if (!v) {
					r = topo_oom(c);
					break;
				}
				free((*ret)[at].value);
				(*ret)[at].value = v;
				(*ret)[at].pos = src[i].pos;
				continue;
			}
			if (GROW(*ret, cap, *ret_n) < 0) {
				r = topo_oom(c);
				break;
			}
			r = kv_copy(c, &(*ret)[*ret_n], &src[i]);
			if (r < 0)
				break;
			(*ret_n)++;
			if (total > 16 &&
			    strmap_put(&idx, (*ret)[*ret_n - 1].key, *ret_n - 1, NULL) < 0)
				r = topo_oom(c);
		}
	}
	strmap_free(&idx);
	return r;
}

/* Copy @n strings of @src into *@ret (*@ret_n counts them as they are made). */
static int copy_strs(struct ctx *c, const struct nslab_str *src, size_t n, struct nslab_str **ret,
		     size_t *ret_n)
{
	if (n == 0)
		return 0;
	*ret = calloc(n, sizeof(**ret));
	if (!*ret)
		return topo_oom(c);
	for (size_t i = 0; i < n; i++) {
		int r = topo_spend(c, src[i].pos);

		if (r < 0)
			return r;
		(*ret)[i].pos = src[i].pos;
		(*ret)[i].s = strdup(src[i].s);
		if (!(*ret)[i].s)
			return topo_oom(c);
		*ret_n = i + 1;
	}
	return 0;
}

static int copy_exec(struct ctx *c, const struct settings *s, struct nslab_node *node)
{
	return copy_strs(c, s->exec, s->n_exec, &node->exec, &node->n_exec);
}

static int copy_ports(struct ctx *c, const struct settings *s, struct nslab_node *node)
{
	if (s->n_ports == 0)
		return 0;
	node->ports = calloc(s->n_ports, sizeof(*node->ports));
	if (!node->ports)
		return topo_oom(c);
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct nslab_port *src = &s->ports[i];
		struct nslab_port *d = &node->ports[i];
		int r = topo_spend(c, src->pos);

		if (r < 0)
			return r;
		*d = *src;
		d->host_ip = NULL;
		d->spec = strdup(src->spec);
		node->n_ports = i + 1;
		if (!d->spec || (src->host_ip && !(d->host_ip = strdup(src->host_ip))))
			return topo_oom(c);
	}
	return 0;
}

/* The most specific of @layers that sets @key (with a non-null value), or NULL. */
static const struct settings *pick(struct settings *const *layers, size_t n, enum setting_key key)
{
	for (size_t l = n; l-- > 0;)
		if (layers[l]->set[key])
			return layers[l];
	return NULL;
}

static int strdup_opt(const char *s, char **ret)
{
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int copy_routes(struct ctx *c, const struct settings *s, struct nslab_node *node)
{
	if (s->n_routes == 0)
		return 0;
	node->routes = calloc(s->n_routes, sizeof(*node->routes));
	if (!node->routes)
		return topo_oom(c);
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct nslab_route *src = &s->routes[i];
		struct nslab_route *d = &node->routes[i];
		int r = topo_spend(c, src->pos);

		if (r < 0)
			return r;
		*d = *src;
		d->dst = d->via = d->dev = d->src = NULL;
		node->n_routes = i + 1;
		if (strdup_opt(src->dst, &d->dst) < 0 || strdup_opt(src->via, &d->via) < 0 ||
		    strdup_opt(src->dev, &d->dev) < 0 || strdup_opt(src->src, &d->src) < 0)
			return topo_oom(c);
	}
	return 0;
}

static int unknown_group(struct ctx *c, const struct nslab_str *g)
{
	char list[256] = "";
	size_t len = 0;

	if (c->n_groups == 0)
		return topo_err_at(c, g->pos, "unknown group '%s' (no groups are defined)", g->s);
	for (size_t i = 0; i < c->n_groups && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					c->group_names[i]);
	return topo_err_at(c, g->pos, "unknown group '%s'\ndefined groups: %s", g->s, list);
}

static int make_netns(struct ctx *c, struct nslab_node *node)
{
	const struct nslab_topo *t = c->topo;
	int n;

	if (t->prefix[0] == '\0')
		n = asprintf(&node->netns, "%s", node->name);
	else if (streq(t->prefix, "__lab-name"))
		n = asprintf(&node->netns, "%s-%s", t->name, node->name);
	else
		n = asprintf(&node->netns, "%s-%s-%s", t->prefix, t->name, node->name);
	if (n < 0) {
		node->netns = NULL;
		return topo_oom(c);
	}
	if (n > 255)
		return topo_err_at(
			c, node->pos,
			"namespace name of node '%s' is %d bytes; at most 255 are allowed",
			node->name, n);
	return 0;
}

struct nslab_node *topo_add_node(struct ctx *c, const char *name, struct nslab_pos pos)
{
	struct nslab_topo *t = c->topo;
	struct nslab_node *node;

	if (GROW(t->nodes, c->cap_nodes, t->n_nodes) < 0)
		return NULL;
	node = &t->nodes[t->n_nodes];
	*node = (struct nslab_node){ .host = -1, .pos = pos };
	node->name = strdup(name);
	if (!node->name)
		return NULL;
	t->n_nodes++;
	if (topo_index_add(t, t->n_nodes - 1) < 0)
		return NULL;
	if (streq(name, "host"))
		c->host_node = (long)(t->n_nodes - 1);
	return node;
}

/* The most specific of @layers that sets @key, when the node's kind takes it. */
static const struct settings *pick_for(struct nslab_node *node, struct settings *const *layers,
				       size_t n, enum setting_key key)
{
	return kind_allows(node->kind, key) ? pick(layers, n, key) : NULL;
}

/* Services, then containerlab's `cmd` as one more. */
static int copy_services(struct ctx *c, const struct settings *svc, const struct settings *cmd,
			 struct nslab_node *node)
{
	size_t n = (svc ? svc->n_services : 0) + (cmd ? 1 : 0);

	if (n == 0)
		return 0;
	node->services = calloc(n, sizeof(*node->services));
	if (!node->services)
		return topo_oom(c);
	for (size_t i = 0; i < n; i++) {
		const struct nslab_str *src =
			svc && i < svc->n_services ? &svc->services[i] : &cmd->cmd;
		int r = topo_spend(c, src->pos);

		if (r < 0)
			return r;
		node->services[i].pos = src->pos;
		node->services[i].s = strdup(src->s);
		if (!node->services[i].s)
			return topo_oom(c);
		node->n_services = i + 1;
	}
	return 0;
}

/* The keys after hostname: ports, services, limits, ext, networks. */
static int resolve_more(struct ctx *c, struct nslab_node *node, struct settings *const *layers,
			size_t n)
{
	const struct settings *l, *ns;
	size_t i = (size_t)(node - c->topo->nodes);
	int r;

	if ((l = pick_for(node, layers, n, SK_PORTS))) {
		r = copy_ports(c, l, node);
		if (r < 0)
			return r;
	}
	r = copy_services(c, pick_for(node, layers, n, SK_SERVICES),
			  pick_for(node, layers, n, SK_CMD), node);
	if (r < 0)
		return r;
	if ((l = pick_for(node, layers, n, SK_MEMORY)))
		node->memory = l->memory;
	if ((l = pick_for(node, layers, n, SK_CPU)))
		node->cpu_millis = l->cpu_millis;
	if ((l = pick_for(node, layers, n, SK_STARTUP_DELAY)))
		node->startup_delay = l->startup_delay;
	if ((l = pick_for(node, layers, n, SK_WAIT_FOR))) {
		r = copy_strs(c, l->wait_for, l->n_wait_for, &node->wait_for, &node->n_wait_for);
		if (r < 0)
			return r;
	}
	if (node->kind == NSLAB_KIND_EXT) {
		/* `netns` and `pid` are one setting: the most specific layer giving either. */
		for (size_t k = n; k-- > 0;) {
			l = layers[k];
			if (!l->set[SK_NETNS] && !l->set[SK_PID])
				continue;
			if (l->set[SK_NETNS] && l->set[SK_PID])
				return topo_err_at(c, l->keypos[SK_PID],
						   "ext node '%s' has both 'netns' and 'pid'; give "
						   "one",
						   node->name);
			if (l->set[SK_PID])
				node->ext_pid = l->pid;
			else if (!(node->ext_netns = strdup(l->netns.s)))
				return topo_oom(c);
			break;
		}
		if (!node->ext_netns && !node->ext_pid)
			return topo_err_at(c, node->pos,
					   "ext node '%s' needs 'netns' (a name in /run/netns or a "
					   "path) or 'pid' (a process in the namespace)",
					   node->name);
	}
	ns = pick_for(node, layers, n, SK_NETWORKS);
	r = topo_node_attach(c, i, ns, pick_for(node, layers, n, SK_MGMT_IPV4),
			     pick_for(node, layers, n, SK_MGMT_IPV6));
	if (r >= 0 && (l = pick_for(node, layers, n, SK_PORTS)))
		c->reqs[i].ports_pos = l->keypos[SK_PORTS];
	return r;
}

/* Apply inheritance (node > group > kind > defaults) and rule 4 to node @name. */
static int resolve_node(struct ctx *c, const struct pair *p, struct settings *s)
{
	struct settings *layers[4], *gs = NULL, *ks;
	const struct nslab_str *group = NULL, *kind = NULL;
	struct nslab_node *node;
	enum nslab_kind k = NSLAB_KIND_LINUX;
	size_t n_layers = 0, gi;
	int r;

	if (s->group.s)
		group = &s->group;
	else if (c->defaults.group.s)
		group = &c->defaults.group;
	if (group) {
		if (!strmap_get(&c->group_index, group->s, &gi))
			return unknown_group(c, group);
		gs = &c->groups[gi];
	}
	if (s->kind.s)
		kind = &s->kind;
	else if (gs && gs->kind.s)
		kind = &gs->kind;
	else if (c->defaults.kind.s)
		kind = &c->defaults.kind;
	if (kind)
		k = (enum nslab_kind)nslab_kind_from_string(kind->s);
	for (int i = 0; i < SK_MAX; i++)
		if (s->has[i] && !kind_allows(k, (enum setting_key)i))
			return not_allowed(c, s->keypos[i], k, (enum setting_key)i, p->k, NULL);
	ks = c->has_kind[k] ? &c->kinds[k] : NULL;

	node = topo_add_node(c, p->k, p->pos);
	if (!node)
		return topo_oom(c);
	node->kind = k;
	if (group && !(node->group = strdup(group->s)))
		return topo_oom(c);

	/* Least specific first. */
	layers[n_layers++] = &c->defaults;
	if (ks)
		layers[n_layers++] = ks;
	if (gs)
		layers[n_layers++] = gs;
	layers[n_layers++] = s;

	r = kv_merge(c, layers, n_layers, SK_LABELS, &node->labels, &node->n_labels);
	if (r >= 0)
		r = topo_node_host(c, node, pick(layers, n_layers, SK_HOST));
	if (r < 0)
		return r;
	if (k == NSLAB_KIND_BRIDGE) {
		if (strlen(node->name) > 15)
			return topo_err_at(c, node->pos,
					   "bridge node name '%s' is %zu bytes; a bridge's "
					   "interface name allows at most 15",
					   node->name, strlen(node->name));
		return topo_claim_bridge(c, c->topo->n_nodes - 1);
	}
	for (size_t l = n_layers; l-- > 0;) {
		/* Defaults are for namespaces: their exec never runs on the host. */
		if (k == NSLAB_KIND_HOST && layers[l] == &c->defaults)
			break;
		if (layers[l]->set[SK_EXEC]) {
			r = copy_exec(c, layers[l], node);
			if (r < 0)
				return r;
			break;
		}
	}
	if (k == NSLAB_KIND_HOST)
		return 0;
	r = kv_merge(c, layers, n_layers, SK_ENV, &node->env, &node->n_env);
	if (r >= 0 && kind_allows(k, SK_SYSCTLS))
		r = kv_merge(c, layers, n_layers, SK_SYSCTLS, &node->sysctls, &node->n_sysctls);
	if (r < 0)
		return r;
	for (size_t l = n_layers; l-- > 0;) {
		if (layers[l]->set[SK_ROUTES]) {
			r = copy_routes(c, layers[l], node);
			if (r < 0)
				return r;
			break;
		}
	}
	for (size_t l = n_layers; l-- > 0;) {
		if (layers[l]->hostname.s) {
			node->hostname = strdup(layers[l]->hostname.s);
			break;
		}
	}
	if (!node->hostname)
		node->hostname = strdup(node->name);
	if (!node->hostname)
		return topo_oom(c);
	r = make_netns(c, node);
	if (r < 0)
		return r;
	return resolve_more(c, node, layers, n_layers);
}

/* ---- topology sections ---- */

static int parse_kinds(struct ctx *c, yaml_node_t *n)
{
	struct mview v;
	int r;

	if (topo_is_null(n))
		return 0;
	r = topo_mview_init(c, &v, n, "kind", "'kinds'");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		enum nslab_kind k = NSLAB_KIND_LINUX;
		char what[64];

		r = parse_kind(c, p->key, p->k, &k);
		if (r < 0)
			break;
		snprintf(what, sizeof(what), "kinds.%s", p->k);
		c->has_kind[k] = true;
		c->kind_pos[k] = p->pos;
		r = parse_settings(c, p->val, what, SC_KIND, k, &c->kinds[k]);
	}
	topo_mview_free(&v);
	return r;
}

static int parse_groups(struct ctx *c, yaml_node_t *n)
{
	struct mview v;
	int r;

	if (topo_is_null(n))
		return 0;
	r = topo_mview_init(c, &v, n, "group", "'groups'");
	if (r >= 0 && v.n) {
		c->groups = calloc(v.n, sizeof(*c->groups));
		c->group_names = calloc(v.n, sizeof(*c->group_names));
		if (!c->groups || !c->group_names)
			r = topo_oom(c);
	}
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		_cleanup_free_ char *what = NULL;

		if (asprintf(&what, "groups.%s", p->k) < 0) {
			what = NULL;
			r = topo_oom(c);
			break;
		}
		c->group_names[i] = (char *)p->k;
		c->n_groups = i + 1;
		if (strmap_put(&c->group_index, p->k, i, NULL) < 0) {
			r = topo_oom(c);
			break;
		}
		r = parse_settings(c, p->val, what, SC_GROUP, NSLAB_KIND_LINUX, &c->groups[i]);
	}
	topo_mview_free(&v);
	return r;
}

static int parse_nodes(struct ctx *c, yaml_node_t *n)
{
	struct mview v;
	int r;

	if (topo_is_null(n))
		return 0;
	r = topo_mview_init(c, &v, n, "node", "'nodes'");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];
		struct settings s = { 0 };
		_cleanup_free_ char *what = NULL;

		if (!topo_valid_node_name(p->k)) {
			r = topo_err_at(c, p->pos,
					"invalid node name '%s'; expected letters, digits, '_', "
					"'.' or '-', starting with a letter or digit",
					p->k);
			break;
		}
		if (asprintf(&what, "node '%s'", p->k) < 0) {
			what = NULL;
			r = topo_oom(c);
			break;
		}
		r = parse_settings(c, p->val, what, SC_NODE, NSLAB_KIND_LINUX, &s);
		if (r >= 0)
			r = resolve_node(c, p, &s);
		settings_free(&s);
	}
	topo_mview_free(&v);
	return r;
}

/* ---- top level ---- */

static int parse_topology(struct ctx *c, yaml_node_t *n)
{
	static const char *const keys[] = { "defaults", "kinds", "groups", "nodes", "links" };
	yaml_node_t *sect[ARRAY_SIZE(keys)] = { 0 };
	struct mview v;
	int r;

	if (topo_is_null(n))
		return 0;
	r = topo_mview_init(c, &v, n, "key", "'topology'");
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (streq(v.p[i].k, keys[k]))
				break;
		if (k == ARRAY_SIZE(keys))
			r = topo_unknown_key(c, &v.p[i], "in topology",
					     "defaults, kinds, groups, nodes, links");
		else
			sect[k] = v.p[i].val;
	}
	topo_mview_free(&v);
	if (r < 0)
		return r;
	if (sect[0])
		r = parse_settings(c, sect[0], "defaults", SC_DEFAULTS, NSLAB_KIND_LINUX,
				   &c->defaults);
	if (r >= 0 && sect[1])
		r = parse_kinds(c, sect[1]);
	if (r >= 0 && sect[2])
		r = parse_groups(c, sect[2]);
	if (r >= 0 && sect[3])
		r = parse_nodes(c, sect[3]);
	if (r >= 0 && sect[4])
		r = topo_parse_links(c, sect[4]);
	return r;
}

static bool valid_prefix(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

static int parse_root(struct ctx *c, yaml_node_t *root)
{
	struct nslab_topo *t = c->topo;
	yaml_node_t *name = NULL, *prefix = NULL, *topology = NULL, *mgmt = NULL, *networks = NULL;
	yaml_node_t *hosts = NULL;
	struct nslab_pos mgmt_pos = { 0 }, hosts_pos = { 0 };
	struct mview v;
	const char *s;
	int r;

	if (root->type != YAML_MAPPING_NODE)
		return topo_err_at(c, topo_pos(c, root), "expected a map at the top level, got %s",
				   type_name(root));
	r = topo_mview_init(c, &v, root, "key", NULL);
	for (size_t i = 0; r >= 0 && i < v.n; i++) {
		struct pair *p = &v.p[i];

		if (streq(p->k, "name"))
			name = p->val;
		else if (streq(p->k, "prefix"))
			prefix = p->val;
		else if (streq(p->k, "topology"))
			topology = p->val;
		else if (streq(p->k, "networks"))
			networks = p->val;
		else if (streq(p->k, "hosts")) {
			hosts = p->val;
			hosts_pos = p->pos;
		} else if (streq(p->k, "mgmt")) {
			mgmt = p->val;
			mgmt_pos = p->pos;
		} else if ((r = topo_check_special(c, W_TOP, p->k, p->pos)) == 0)
			r = topo_unknown_key(c, p, "at the top level",
					     "name, prefix, mgmt, networks, hosts, topology");
	}
	topo_mview_free(&v);
	if (r < 0)
		return r;
	if (!name)
		return topo_err_at(c, topo_pos(c, root), "missing required key 'name'");
	r = topo_get_str(c, name, &s);
	if (r < 0)
		return r;
	if (!topo_valid_lab_name(s))
		return topo_err_at(c, topo_pos(c, name),
				   "invalid lab name '%s'; expected 1 to 32 letters, digits, '_' "
				   "or '-', starting with a letter or digit",
				   s);
	t->name = strdup(s);
	if (!t->name)
		return topo_oom(c);
	s = "nslab";
	if (prefix && !topo_is_null(prefix)) {
		r = topo_get_str(c, prefix, &s);
		if (r < 0)
			return r;
		if (!valid_prefix(s))
			return topo_err_at(
				c, topo_pos(c, prefix),
				"invalid prefix '%s'; expected letters, digits, '_', '.' or '-'",
				s);
	}
	t->prefix = strdup(s);
	if (!t->prefix)
		return topo_oom(c);
	if (!topology)
		return topo_err_at(c, topo_pos(c, root), "missing required key 'topology'");
	r = topo_parse_networks(c, mgmt, mgmt_pos, networks);
	/* Before the nodes, which name them in `host:`. */
	if (r >= 0 && hosts)
		r = topo_parse_hosts(c, hosts, hosts_pos);
	if (r >= 0)
		r = parse_topology(c, topology);
	if (r >= 0)
		r = topo_finish(c);
	return r;
}

static int yaml_error(struct ctx *c, const yaml_parser_t *p)
{
	struct nslab_pos pos, cpos;

	if (p->error == YAML_MEMORY_ERROR)
		return topo_oom(c);
	if (p->error == YAML_READER_ERROR)
		pos = posmap_map_offset(&c->pm, p->problem_offset);
	else
		pos = posmap_map(&c->pm, p->problem_mark.line, p->problem_mark.column);
	if (!p->context)
		return topo_err_at(c, pos, "invalid YAML: %s", p->problem ? p->problem : "error");
	cpos = posmap_map(&c->pm, p->context_mark.line, p->context_mark.column);
	return topo_err_at(c, pos, "invalid YAML: %s\n(%s at %d:%d)",
			   p->problem ? p->problem : "error", p->context, cpos.line, cpos.col);
}

int topo_parse_doc(struct ctx *c)
{
	yaml_parser_t parser;
	yaml_document_t doc, doc2;
	yaml_node_t *root;
	int r;

	if (!yaml_parser_initialize(&parser))
		return topo_oom(c);
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->topo->text,
				     c->topo->text_len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = yaml_error(c, &parser);
		yaml_parser_delete(&parser);
		return r;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		return topo_err_at(c, (struct nslab_pos){ 1, 1 }, "file is empty");
	}
	if (!yaml_parser_load(&parser, &doc2)) {
		r = yaml_error(c, &parser);
		goto out;
	}
	if (yaml_document_get_root_node(&doc2)) {
		r = topo_err_at(c, topo_pos(c, yaml_document_get_root_node(&doc2)),
				"more than one YAML document in the file");
		yaml_document_delete(&doc2);
		goto out;
	}
	yaml_document_delete(&doc2);
	c->doc = &doc;
	r = parse_root(c, root);
	c->doc = NULL;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}
