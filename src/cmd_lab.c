// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab deploy, destroy, validate and version. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "cli.h"
#include "nslab/lab.h"
#include "nslab/state.h"
#include "util.h"

/* A namespace and a netlink socket per node: lift the fd limit to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct progress {
	double start;
	bool tty;
	bool shown;
};

/* Progress on a terminal only, for labs with more than ~50 operations. */
static void show_progress(const char *phase, size_t done, size_t total, void *data)
{
	struct progress *p = data;

	if (arg_verbose) {
		fprintf(stderr, "nslab: %8.1f ms  %-7s %zu/%zu\n", now_ms() - p->start, phase, done,
			total);
		return;
	}
	if (!p->tty || total < 50)
		return;
	fprintf(stderr, "\r\033[Knslab: %-7s %zu/%zu operations  %.0f ms", phase, done, total,
		now_ms() - p->start);
	p->shown = true;
	if (streq(phase, "done"))
		fputc('\n', stderr);
}

static void show_exec_output(const char *node, const char *cmd, const char *out, void *data)
{
	if (arg_verbose && out && *out)
		fprintf(stderr, "nslab: %s: %s:\n%s", node, cmd, out);
}

static int destroy_one(const char *name, bool note_absent)
{
	struct nslab_error err = { 0 };
	int r;

	r = nslab_lab_destroy(name, &err);
	if (r == -ENOENT) {
		if (note_absent)
			fprintf(stderr, "nslab: lab '%s' is not deployed; nothing to do\n", name);
		return 0;
	}
	if (r < 0) {
		cli_error(&err);
		return r;
	}
	if (!arg_quiet)
		fprintf(stderr, "nslab: lab '%s' destroyed\n", name);
	return 0;
}

int cmd_deploy(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "reconfigure", no_argument, NULL, 'r' },
		{ "node-filter", required_argument, NULL, 'f' },
		{ "max-workers", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	struct progress prog = { .start = now_ms(), .tty = isatty(STDERR_FILENO) };
	struct nslab_deploy_opts dopts = {
		.progress = show_progress,
		.progress_data = &prog,
		.exec_output = show_exec_output,
	};
	struct nslab_error err = { 0 };
	struct labsel sel = { 0 };
	struct nslab_topo *topo = NULL;
	bool reconfigure = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:qv", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'r':
			reconfigure = true;
			break;
		case 'f':
			dopts.node_filter = optarg;
			break;
		case 'w': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || n < 1 || n > 64)
				return cli_usage_error("deploy", "--max-workers takes 1 to 64");
			dopts.max_workers = (unsigned int)n;
			break;
		}
		case 'q':
			arg_quiet = true;
			break;
		case 'v':
			arg_verbose++;
			break;
		default:
			return cli_usage_error("deploy", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error("deploy", "unexpected argument '%s'", argv[optind]);
	if (sel.name || sel.all)
		return cli_usage_error("deploy", "deploy takes a topology file (-t FILE)");
	if (arg_quiet)
		prog.tty = false;
	if (labsel_load_file(&sel, &topo) < 0)
		return 1;
	cli_warnings(topo);
	raise_nofile();
	if (reconfigure && destroy_one(topo->name, false) < 0) {
		nslab_topo_free(topo);
		return 1;
	}
	r = nslab_lab_deploy(topo, &dopts, &err);
	if (prog.shown && r < 0)
		fputc('\n', stderr);
	if (r < 0) {
		cli_error(&err);
		nslab_topo_free(topo);
		return 1;
	}
	r = print_nodes(&topo, 1, false, true, dopts.node_filter);
	nslab_topo_free(topo);
	return r < 0 ? 1 : 0;
}

int cmd_destroy(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "cleanup", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	struct labsel sel = { 0 };
	char **names = NULL;
	size_t n = 0;
	int c, r, ret = 0;

	while ((c = getopt_long(argc, argv, "t:qv", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'c':
			break; /* the lab directory holds nothing yet */
		case 'q':
			arg_quiet = true;
			break;
		case 'v':
			arg_verbose++;
			break;
		default:
			return cli_usage_error("destroy", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error("destroy", "unexpected argument '%s'", argv[optind]);
	r = labsel_names(&sel, &names, &n);
	if (r < 0)
		return 1;
	if (sel.all && n == 0 && !arg_quiet)
		fprintf(stderr, "nslab: no lab is deployed; nothing to do\n");
	for (size_t i = 0; i < n; i++)
		if (destroy_one(names[i], true) < 0)
			ret = 1;
	nslab_strv_free(names, n);
	return ret;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{},
	};
	struct labsel sel = { 0 };
	struct nslab_topo *topo = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1)
		if (!labsel_opt(&sel, c, optarg))
			return cli_usage_error("validate", "bad option");
	if (optind < argc)
		return cli_usage_error("validate", "unexpected argument '%s'", argv[optind]);
	if (labsel_load_file(&sel, &topo) < 0)
		return 1;
	cli_warnings(topo);
	nslab_topo_free(topo);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	printf("nslab %s\n", NSLAB_VERSION);
	printf("libyaml %s\n", yaml_get_version_string());
	printf("jansson %s\n", JANSSON_VERSION);
	printf("libmnl %s\n", NSLAB_LIBMNL_VERSION);
	return 0;
}
