// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab graph: the topology as DOT, Mermaid, JSON or one self-contained HTML page. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "graph_render.h"
#include "nslab/lab.h"
#include "util.h"

enum format { FMT_NONE, FMT_DOT, FMT_MERMAID, FMT_HTML, FMT_JSON };

static const struct {
	const char *name;
	enum format fmt;
} formats[] = {
	{ "dot", FMT_DOT },
	{ "mermaid", FMT_MERMAID },
	{ "html", FMT_HTML },
	{ "json", FMT_JSON },
};

/* Kind name, fill and border colour, by graph node kind; then networks and remotes. */
#define LOOK_NETWORK NSLAB_KIND_MAX
#define LOOK_REMOTE (NSLAB_KIND_MAX + 1)
static const struct {
	const char *kind, *fill, *stroke;
} looks[] = {
	[NSLAB_KIND_LINUX] = { "linux", "#dbeafe", "#1d4ed8" },
	[NSLAB_KIND_BRIDGE] = { "bridge", "#fef3c7", "#b45309" },
	[NSLAB_KIND_SWITCH] = { "switch", "#dcfce7", "#15803d" },
	[NSLAB_KIND_HOST] = { "host", "#e5e7eb", "#374151" },
	[NSLAB_KIND_EXT] = { "ext", "#fce7f3", "#be185d" },
	[LOOK_NETWORK] = { "network", "#ede9fe", "#6d28d9" },
	[LOOK_REMOTE] = { "remote", "#ffffff", "#0e7490" },
};

static size_t look(const struct nslab_graph_node *n)
{
	if (n->tunnel)
		return LOOK_REMOTE;
	return n->node && n->node->kind < NSLAB_KIND_MAX ? n->node->kind : LOOK_NETWORK;
}

const char *graph_kind(const struct nslab_graph_node *n)
{
	return looks[look(n)].kind;
}

const char *graph_fill(const struct nslab_graph_node *n)
{
	return looks[look(n)].fill;
}

const char *graph_stroke(const struct nslab_graph_node *n)
{
	return looks[look(n)].stroke;
}

/* The format a file name suggests (-o lab.html), or FMT_NONE. */
static enum format format_of_name(const char *path)
{
	static const struct {
		const char *sfx;
		enum format fmt;
	} sfx[] = {
		{ ".dot", FMT_DOT },   { ".gv", FMT_DOT },   { ".mmd", FMT_MERMAID },
		{ ".html", FMT_HTML }, { ".htm", FMT_HTML }, { ".json", FMT_JSON },
	};
	size_t len = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		size_t l = strlen(sfx[i].sfx);

		if (len > l && strcasecmp(path + len - l, sfx[i].sfx) == 0)
			return sfx[i].fmt;
	}
	return FMT_NONE;
}

static int render(const struct nslab_graph *g, enum format fmt, FILE *f)
{
	switch (fmt) {
	case FMT_DOT:
		return graph_render_dot(g, f);
	case FMT_MERMAID:
		return graph_render_mermaid(g, f);
	case FMT_JSON:
		return graph_render_json(g, f);
	case FMT_HTML:
		return graph_render_html(g, f);
	case FMT_NONE:
		break;
	}
	return -EINVAL;
}

/* Render into @out: a temporary file beside it, renamed over it once complete. */
static int write_file(const struct nslab_graph *g, enum format fmt, const char *out)
{
	char tmp[PATH_MAX];
	mode_t mask;
	FILE *f;
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out) >= (int)sizeof(tmp)) {
		cli_errorf("output file name too long: %s", out);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		cli_errorf("cannot create %s: %s", tmp, strerror(errno));
		return r;
	}
	/* mkstemp makes 0600; give the file the mode a plain create would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || !(f = fdopen(fd, "w"))) {
		r = -errno;
		cli_errorf("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return r;
	}
	r = render(g, fmt, f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)
		r = r < 0 ? r : -errno;
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, out) < 0)
		r = -errno;
	if (r < 0) {
		cli_errorf("cannot write %s: %s", out, strerror(-r));
		unlink(tmp);
	}
	return r;
}

/*
 * The topology to draw, and whether it is deployed: --name reads the lab's
 * state; -t FILE reads the file, and the state instead when a lab of that
 * name is deployed (as inspect does), unless @no_live.
 */
static int load(const struct labsel *sel, bool no_live, struct nslab_topo **ret, bool *ret_live)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *file = NULL, *dep = NULL;
	int r;

	*ret_live = false;
	if (sel->name) {
		r = nslab_lab_load(sel->name, ret, &err);
		if (r == -ENOENT)
			cli_errorf("lab '%s' is not deployed\nhint: nslab graph -t FILE draws a "
				   "topology file",
				   sel->name);
		else if (r < 0)
			cli_error(&err);
		*ret_live = r >= 0 && !no_live;
		return r;
	}
	r = labsel_load_file(sel, &file);
	if (r < 0)
		return r;
	cli_warnings(file);
	if (no_live) {
		*ret = file;
		return 0;
	}
	r = nslab_lab_load(file->name, &dep, &err);
	if (r < 0) {
		if (r != -ENOENT)
			cli_errorf("note: lab '%s' seems deployed, but its state cannot be read "
				   "(%s): drawing the file without live state",
				   file->name, err.msg);
		*ret = file;
		return 0;
	}
	nslab_topo_free(file);
	*ret = dep;
	*ret_live = true;
	return 0;
}

int cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-live", no_argument, NULL, 'L' },
		{},
	};
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	struct nslab_graph *g = NULL;
	struct labsel sel = { 0 };
	enum format fmt = FMT_NONE;
	const char *out = NULL;
	bool no_live = false, live;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:f:o:", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'f':
			fmt = FMT_NONE;
			for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
				if (streq(optarg, formats[i].name))
					fmt = formats[i].fmt;
			if (fmt == FMT_NONE)
				return cli_usage_error("graph",
						       "unknown format '%s': use dot, mermaid, "
						       "html or json",
						       optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'L':
			no_live = true;
			break;
		default:
			return cli_bad_option("graph", argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("graph", "unexpected argument '%s'", argv[optind]);
	if (sel.all)
		return cli_usage_error("graph", "graph draws one lab: give -t FILE or --name LAB");
	if (out && streq(out, "-"))
		out = NULL;
	if (fmt == FMT_NONE && out)
		fmt = format_of_name(out);
	if (fmt == FMT_NONE)
		return cli_usage_error("graph", "choose a format: --format dot|mermaid|html|json");

	if (load(&sel, no_live, &topo, &live) < 0)
		return 1;
	r = nslab_graph_build(topo, &g, &err);
	if (r >= 0 && live) {
		r = nslab_graph_read_live(g, &err);
		if (r < 0)
			nslab_err_prefix(&err, "lab '%s': cannot read its live state", topo->name);
	}
	if (r >= 0 && fmt == FMT_HTML)
		r = nslab_graph_layout(g, &graph_html_metrics, &err);
	if (r < 0) {
		cli_error(&err);
		if (live && r == -EPERM)
			fputs("hint: run as root, or draw the file alone with --no-live\n", stderr);
	} else if (out) {
		r = write_file(g, fmt, out);
	} else {
		r = render(g, fmt, stdout);
		if (fflush(stdout) != 0 && r >= 0)
			r = -errno;
		if (r < 0)
			cli_errorf("cannot write the graph to standard output: %s", strerror(-r));
	}
	nslab_graph_free(g);
	nslab_topo_free(topo);
	return r < 0 ? 1 : 0;
}
