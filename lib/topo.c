// SPDX-License-Identifier: LGPL-2.1-or-later
/* The topology model: loading, parsing entry point, lookups and freeing. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "topo_internal.h"
#include "util.h"

#define TOPO_MAX_SIZE (16u << 20)
/* Items the parser may produce: far above any real lab, stops alias bombs. */
#define TOPO_BUDGET (8u << 20)

static const char *const kind_names[NSLAB_KIND_MAX] = {
	[NSLAB_KIND_LINUX] = "linux",	[NSLAB_KIND_BRIDGE] = "bridge",
	[NSLAB_KIND_SWITCH] = "switch", [NSLAB_KIND_HOST] = "host",
	[NSLAB_KIND_EXT] = "ext",
};

const char *nslab_kind_to_string(enum nslab_kind k)
{
	if ((unsigned int)k >= NSLAB_KIND_MAX)
		return NULL;
	return kind_names[k];
}

int nslab_kind_from_string(const char *s)
{
	for (int k = 0; k < NSLAB_KIND_MAX; k++)
		if (s && streq(s, kind_names[k]))
			return k;
	return -EINVAL;
}

bool nslab_link_crosses_hosts(const struct nslab_topo *t, const struct nslab_link *l)
{
	int ha = t->nodes[l->ep[0].node].host, hz = t->nodes[l->ep[1].node].host;

	return ha >= 0 && hz >= 0 && ha != hz;
}

/* FNV-1a */
static size_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return (size_t)(h ^ (h >> 32));
}

static int strmap_grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	struct strmap_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].key)
			continue;
		for (j = str_hash(m->slots[i].key) & (ncap - 1); ns[j].key;
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t val, size_t *ret_old)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return -ENOMEM;
	for (j = str_hash(key) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (streq(m->slots[j].key, key)) {
			if (ret_old)
				*ret_old = m->slots[j].val;
			return 1;
		}
	}
	m->slots[j].key = key;
	m->slots[j].val = val;
	m->n++;
	return 0;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *ret)
{
	if (!m->cap)
		return false;
	for (size_t j = str_hash(key) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (streq(m->slots[j].key, key)) {
			if (ret)
				*ret = m->slots[j].val;
			return true;
		}
	}
	return false;
}

void strmap_free(struct strmap *m)
{
	if (m->own)
		for (size_t i = 0; i < m->cap; i++)
			free((char *)m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

int topo_err_at(struct ctx *c, struct nslab_pos pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err)
		return -EINVAL;
	c->err->code = EINVAL;
	n = snprintf(c->err->msg, sizeof(c->err->msg), "%s:%d:%d: ", c->file, pos.line, pos.col);
	if (n < 0 || (size_t)n >= sizeof(c->err->msg))
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err->msg + n, sizeof(c->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int topo_oom(struct ctx *c)
{
	return nslab_err(c->err, ENOMEM, "%s: out of memory", c->file);
}

int topo_spend(struct ctx *c, struct nslab_pos pos)
{
	if (c->budget == 0)
		return topo_err_at(c, pos, "the file expands to too many items (YAML aliases?)");
	c->budget--;
	return 0;
}

struct nslab_pos topo_pos(const struct ctx *c, const yaml_node_t *n)
{
	if (!n)
		return (struct nslab_pos){ 1, 1 };
	return posmap_map(&c->pm, n->start_mark.line, n->start_mark.column);
}

int topo_warn_ignored(struct ctx *c, const char *key, struct nslab_pos pos)
{
	struct nslab_topo *t = c->topo;
	char *k, *w;
	int r;

	if (strmap_get(&c->warned, key, NULL))
		return 0;
	k = strdup(key);
	if (!k)
		return topo_oom(c);
	r = strmap_put(&c->warned, k, 0, NULL);
	if (r < 0) {
		free(k);
		return topo_oom(c);
	}
	if (asprintf(&w, "%s:%d:%d: '%s' is ignored: nslab runs no container runtime", c->file,
		     pos.line, pos.col, key) < 0)
		return topo_oom(c);
	if (GROW(t->warnings, c->cap_warnings, t->n_warnings) < 0) {
		free(w);
		return topo_oom(c);
	}
	t->warnings[t->n_warnings++] = w;
	return 0;
}

/* Reject NUL bytes and invalid UTF-8: the file is not text. */
static bool is_text(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char ch = s[i];
		size_t n;
		uint32_t cp;

		if (ch == 0)
			return false;
		if (ch < 0x80) {
			i++;
			continue;
		}
		if ((ch & 0xe0) == 0xc0) {
			n = 1;
			cp = ch & 0x1f;
		} else if ((ch & 0xf0) == 0xe0) {
			n = 2;
			cp = ch & 0x0f;
		} else if ((ch & 0xf8) == 0xf0) {
			n = 3;
			cp = ch & 0x07;
		} else {
			return false;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

static void settings_array_free(struct settings *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		settings_free(&s[i]);
}

int nslab_topo_parse(const char *file, const char *buf, size_t len, struct nslab_topo **ret_topo,
		     struct nslab_error *err)
{
	struct ctx c = {
		.file = streq(file, "-") ? "<stdin>" : file,
		.err = err,
		.budget = TOPO_BUDGET,
		.host_node = -1,
		.mgmt = -1,
	};
	struct nslab_topo *t;
	int r;

	c.warned.own = true;
	c.ifnames.own = true;
	if (len == 0)
		return nslab_err(err, EINVAL, "%s:1:1: file is empty", c.file);
	if (!is_text((const unsigned char *)buf, len))
		return nslab_err(err, EINVAL, "%s:1:1: file is not text (binary data)", c.file);
	if (len > TOPO_MAX_SIZE)
		return nslab_err(err, EFBIG, "%s:1:1: file is larger than 16 MiB", c.file);

	t = calloc(1, sizeof(*t));
	if (!t)
		return nslab_err(err, ENOMEM, "out of memory");
	c.topo = t;
	t->file = strdup(file);
	if (!t->file) {
		r = topo_oom(&c);
		goto out;
	}
	r = topo_expand(c.file, buf, len, &t->text, &t->text_len, &c.pm, err);
	if (r < 0)
		goto out;
	r = topo_parse_doc(&c);
out:
	settings_free(&c.defaults);
	settings_array_free(c.kinds, NSLAB_KIND_MAX);
	settings_array_free(c.groups, c.n_groups);
	free(c.groups);
	free(c.group_names);
	strmap_free(&c.group_index);
	strmap_free(&c.warned);
	strmap_free(&c.ifnames);
	strmap_free(&c.net_index);
	topo_reqs_free(&c);
	free(c.ifpos);
	posmap_free(&c.pm);
	if (r < 0) {
		nslab_topo_free(t);
		return r;
	}
	*ret_topo = t;
	return 0;
}

int nslab_topo_load(const char *path, struct nslab_topo **ret_topo, struct nslab_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	bool is_stdin = streq(path, "-");
	const char *shown = is_stdin ? "<stdin>" : path;
	struct stat st;

	if (is_stdin) {
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0)
		return nslab_err(err, errno, "cannot read '%s': %s", shown, strerror(errno));
	if (fstat(fd, &st) < 0)
		return nslab_err(err, errno, "cannot read '%s': %s", shown, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return nslab_err(err, EISDIR, "cannot read '%s': %s", shown, strerror(EISDIR));
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)TOPO_MAX_SIZE)
		return nslab_err(err, EFBIG, "cannot read '%s': larger than 16 MiB", shown);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			char *p;

			if (cap > TOPO_MAX_SIZE)
				return nslab_err(err, EFBIG, "cannot read '%s': larger than 16 MiB",
						 shown);
			p = realloc(buf, ncap);
			if (!p)
				return nslab_err(err, ENOMEM, "cannot read '%s': out of memory",
						 shown);
			buf = p;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return nslab_err(err, errno, "cannot read '%s': %s", shown,
					 strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > TOPO_MAX_SIZE)
			return nslab_err(err, EFBIG, "cannot read '%s': larger than 16 MiB", shown);
	}
	return nslab_topo_parse(path, buf ? buf : "", len, ret_topo, err);
}

static void kv_free(struct nslab_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void str_array_free(struct nslab_str *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].s);
	free(v);
}

static void routes_free(struct nslab_route *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].dst);
		free(v[i].via);
		free(v[i].dev);
		free(v[i].src);
	}
	free(v);
}

static void ports_free(struct nslab_port *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].host_ip);
		free(v[i].spec);
	}
	free(v);
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < s->n_nets; i++) {
		free(s->nets[i].ifname.s);
		free(s->nets[i].ipv4.s);
		free(s->nets[i].ipv6.s);
	}
	free(s->nets);
	ports_free(s->ports, s->n_ports);
	str_array_free(s->services, s->n_services);
	free(s->cmd.s);
	free(s->netns.s);
	free(s->mgmt_ipv4.s);
	free(s->mgmt_ipv6.s);
	str_array_free(s->wait_for, s->n_wait_for);
	free(s->kind.s);
	free(s->group.s);
	free(s->hostname.s);
	free(s->host.s);
	kv_free(s->labels, s->n_labels);
	kv_free(s->env, s->n_env);
	kv_free(s->sysctls, s->n_sysctls);
	str_array_free(s->exec, s->n_exec);
	routes_free(s->routes, s->n_routes);
	*s = (struct settings){ 0 };
}

void nslab_topo_free(struct nslab_topo *topo)
{
	if (!topo)
		return;
	for (size_t i = 0; i < topo->n_nodes; i++) {
		struct nslab_node *n = &topo->nodes[i];

		free(n->name);
		free(n->group);
		free(n->netns);
		free(n->hostname);
		kv_free(n->labels, n->n_labels);
		kv_free(n->env, n->n_env);
		kv_free(n->sysctls, n->n_sysctls);
		str_array_free(n->exec, n->n_exec);
		routes_free(n->routes, n->n_routes);
		for (size_t j = 0; j < n->n_networks; j++) {
			free(n->networks[j].ifname);
			free(n->networks[j].ipv4);
			free(n->networks[j].ipv6);
		}
		free(n->networks);
		ports_free(n->ports, n->n_ports);
		str_array_free(n->services, n->n_services);
		free(n->ext_netns);
		str_array_free(n->wait_for, n->n_wait_for);
	}
	free(topo->nodes);
	for (size_t i = 0; i < topo->n_networks; i++) {
		struct nslab_network *nw = &topo->networks[i];

		free(nw->name);
		free(nw->subnet);
		free(nw->subnet6);
		free(nw->gateway);
		free(nw->gateway6);
		free(nw->bridge);
	}
	free(topo->networks);
	for (size_t i = 0; i < topo->n_links; i++) {
		for (int e = 0; e < 2; e++) {
			struct nslab_endpoint *ep = &topo->links[i].ep[e];

			free(ep->ifname);
			free(ep->mac);
			str_array_free(ep->ipv4, ep->n_ipv4);
			str_array_free(ep->ipv6, ep->n_ipv6);
		}
	}
	free(topo->links);
	for (size_t i = 0; i < topo->n_tunnels; i++) {
		struct nslab_tunnel *tn = &topo->tunnels[i];

		free(tn->ep.ifname);
		free(tn->ep.mac);
		str_array_free(tn->ep.ipv4, tn->ep.n_ipv4);
		str_array_free(tn->ep.ipv6, tn->ep.n_ipv6);
		free(tn->remote);
		free(tn->local);
		free(tn->parent);
	}
	free(topo->tunnels);
	for (size_t i = 0; i < topo->n_hosts; i++) {
		free(topo->hosts[i].name);
		free(topo->hosts[i].address);
	}
	free(topo->hosts);
	for (size_t i = 0; i < topo->n_warnings; i++)
		free(topo->warnings[i]);
	free(topo->warnings);
	if (topo->index) {
		strmap_free(topo->index);
		free(topo->index);
	}
	free(topo->file);
	free(topo->text);
	free(topo->name);
	free(topo->prefix);
	free(topo);
}

int topo_index_add(struct nslab_topo *topo, size_t i)
{
	struct strmap *m = topo->index;

	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return -ENOMEM;
		topo->index = m;
	}
	if (strmap_put(m, topo->nodes[i].name, i, NULL) < 0)
		return -ENOMEM;
	return 0;
}

long nslab_topo_find_node(const struct nslab_topo *topo, const char *name)
{
	size_t i;

	if (!name)
		return -1;
	/* Hand-built topologies (tests) have no index: search them. */
	if (topo->index && ((struct strmap *)topo->index)->n == topo->n_nodes)
		return strmap_get(topo->index, name, &i) ? (long)i : -1;
	for (i = 0; i < topo->n_nodes; i++)
		if (topo->nodes[i].name && streq(topo->nodes[i].name, name))
			return (long)i;
	return -1;
}

const char *nslab_node_label(const struct nslab_node *node, const char *key)
{
	for (size_t i = 0; i < node->n_labels; i++)
		if (streq(node->labels[i].key, key))
			return node->labels[i].value;
	return NULL;
}
