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
	double last;
	char phase[16];
	bool tty;
	bool shown;
};

/*
 * Progress on a terminal only (stdout and stderr both), for work of more
 * than ~50 operations, redrawn at most every 50 ms; -v prints each phase
 * with its time instead.
 */
static void show_progress(const char *phase, size_t done, size_t total, void *data)
{
	struct progress *p = data;
	double now = now_ms();
	bool last = streq(phase, "done");

	if (arg_verbose) {
		/* each phase once, as it starts */
		if (!streq(phase, p->phase))
			fprintf(stderr, "nslab: %8.1f ms  %-7s %zu/%zu\n", now - p->start, phase,
				done, total);
		snprintf(p->phase, sizeof(p->phase), "%s", phase);
		return;
	}
	if (!p->tty || total < 50 || (!last && now - p->last < 50))
		return;
	p->last = now;
	fprintf(stderr, "\r\033[Knslab: %-7s %zu/%zu operations  %.0f ms", phase, done, total,
		now - p->start);
	p->shown = true;
	if (last)
		fputc('\n', stderr);
}

static struct progress progress_new(void)
{
	double now = now_ms();

	return (struct progress){
		.start = now,
		.last = now - 1e3,
		.tty = !arg_quiet && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO),
	};
}

static void show_exec_output(const char *node, const char *cmd, const char *out, void *data)
{
	if (arg_verbose && out && *out)
		fprintf(stderr, "nslab: %s: %s:\n%s", node, cmd, out);
}

static long read_long(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

static int write_str(const char *path, const char *value)
{
	FILE *f = fopen(path, "we");
	int r = 0;

	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

/*
 * Limits of the host that large labs meet, said before they bite; with
 * --tune-host (the user's permission) nslab changes them.
 */
static void host_limits(const struct nslab_topo *t, bool tune)
{
	static const char *const tunnels[] = { "ipip",	  "ip_gre", "sit",    "ip6_tunnel",
					       "ip6_gre", "ip_vti", "ip6_vti" };
	const char *fb = "/proc/sys/net/core/fb_tunnels_only_for_init_net";
	const char *gc3 = "/proc/sys/net/ipv4/neigh/default/gc_thresh3";
	size_t want = 4 * t->n_links;
	bool loaded = false;
	char path[64], val[32];
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(tunnels); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", tunnels[i]);
		loaded |= access(path, F_OK) == 0;
	}
	/* Each loaded tunnel module adds its fallback devices to every new namespace. */
	if (loaded && t->n_nodes > 50 && read_long(fb) == 0) {
		if (tune && write_str(fb, "1") == 0)
			fprintf(stderr, "nslab: set net.core.fb_tunnels_only_for_init_net=1\n");
		else if (!arg_quiet)
			fprintf(stderr,
				"nslab: note: tunnel modules add fallback devices to every "
				"namespace; "
				"--tune-host sets net.core.fb_tunnels_only_for_init_net=1, which "
				"makes big labs deploy faster\n");
	}
	/* The neighbour (ARP/NDP) table is one for all namespaces. */
	v = read_long(gc3);
	if (t->n_links > 256 && v >= 0 && (size_t)v < want) {
		if (tune) {
			snprintf(val, sizeof(val), "%zu", want);
			if (write_str(gc3, val) == 0)
				fprintf(stderr, "nslab: set net.ipv4.neigh.default.gc_thresh3=%s\n",
					val);
		} else if (!arg_quiet) {
			fprintf(stderr,
				"nslab: note: all namespaces share one neighbour table of at most "
				"%ld entries (net.ipv4.neigh.default.gc_thresh3); traffic across "
				"this lab's %zu links may need %zu (\"neighbor table overflow\"): "
				"--tune-host raises it\n",
				v, t->n_links, want);
		}
	}
}

/*
 * Multi-host: which host's share this deploy builds (--host, or the file's
 * only host), and whether this machine may take it.  Return 0, 1 (refused:
 * message printed) or 2 (usage).
 */
static int deploy_host(const struct nslab_topo *t, const char **host, bool reconfigure)
{
	_cleanup_free_ char *here = NULL;
	struct nslab_error err = { 0 };
	int r = cli_file_host("deploy", t, host);

	if (r)
		return r;
	if (nslab_lab_host(t->name, &here, &err) < 0 || (!*host && !here))
		return 0; /* not deployed here; or not multi-host: deploy says the rest */
	if (!streq_ptr(here, *host)) {
		if (here)
			cli_errorf("this machine holds host %s's share of lab '%s', not host "
				   "%s's\nhint: nslab destroy --name %s --host %s first",
				   here, t->name, *host ? *host : "-", t->name, here);
		else
			cli_errorf("lab '%s' is deployed whole on this machine, not as a "
				   "host's share\nhint: nslab destroy --name %s first",
				   t->name, t->name);
		return 1;
	}
	if (!reconfigure) {
		cli_errorf("host %s's share of lab '%s' is already deployed here\n"
			   "hint: nslab destroy --name %s --host %s, or deploy --reconfigure",
			   here, t->name, t->name, here);
		return 1;
	}
	return 0;
}

static int destroy_one(const char *name, bool note_absent, unsigned int flags)
{
	struct progress prog = progress_new();
	struct nslab_error err = { 0 };
	int r;

	r = nslab_lab_destroy(name, flags, show_progress, &prog, &err);
	if (prog.shown && r < 0)
		fputc('\n', stderr);
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
		{ "host", required_argument, NULL, 'H' },
		{ "max-workers", required_argument, NULL, 'w' },
		{ "tune-host", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	struct progress prog;
	struct nslab_deploy_opts dopts = {
		.progress = show_progress,
		.progress_data = &prog,
		.exec_output = show_exec_output,
	};
	struct nslab_error err = { 0 };
	struct labsel sel = { 0 };
	struct nslab_topo *topo = NULL;
	bool reconfigure = false, tune = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:qv", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'r':
			reconfigure = true;
			break;
		case 'T':
			tune = true;
			break;
		case 'f':
			dopts.node_filter = optarg;
			break;
		case 'H':
			dopts.host = optarg;
			break;
		case 'w': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || n < 1 || n > 16)
				return cli_usage_error("deploy", "--max-workers takes 1 to 16");
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
			return cli_bad_option("deploy", argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("deploy", "unexpected argument '%s'", argv[optind]);
	if (sel.name || sel.all)
		return cli_usage_error("deploy", "deploy takes a topology file (-t FILE)");
	prog = progress_new();
	if (labsel_load_file(&sel, &topo) < 0)
		return 1;
	cli_warnings(topo);
	r = deploy_host(topo, &dopts.host, reconfigure);
	if (r) {
		nslab_topo_free(topo);
		return r;
	}
	raise_nofile();
	host_limits(topo, tune);
	if (reconfigure && destroy_one(topo->name, false, 0) < 0) {
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
		{ "host", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	struct labsel sel = { 0 };
	const char *host = NULL;
	char **names = NULL;
	unsigned int flags = 0;
	size_t n = 0;
	int c, r, ret = 0;

	while ((c = getopt_long(argc, argv, "t:qv", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'c':
			flags |= NSLAB_DESTROY_CLEANUP;
			break;
		case 'H':
			host = optarg;
			break;
		case 'q':
			arg_quiet = true;
			break;
		case 'v':
			arg_verbose++;
			break;
		default:
			return cli_bad_option("destroy", argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("destroy", "unexpected argument '%s'", argv[optind]);
	r = labsel_names(&sel, &names, &n);
	if (r < 0)
		return 1;
	if (sel.all && n == 0 && !arg_quiet)
		fprintf(stderr, "nslab: no lab is deployed; nothing to do\n");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *here = NULL;
		struct nslab_error err = { 0 };

		/* --host H removes H's share only: never another host's held here. */
		if (host && nslab_lab_host(names[i], &here, &err) == 0 && !streq_ptr(here, host)) {
			if (here)
				cli_errorf(
					"lab '%s' here is host %s's share, not host %s's; "
					"nothing removed\nhint: nslab destroy --name %s --host %s",
					names[i], here, host, names[i], here);
			else
				cli_errorf("lab '%s' is deployed whole here, not as host %s's "
					   "share; nothing removed\nhint: nslab destroy --name %s",
					   names[i], host, names[i]);
			ret = 1;
			continue;
		}
		if (destroy_one(names[i], true, flags) < 0)
			ret = 1;
	}
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
			return cli_bad_option("validate", argv);
	if (sel.name || sel.all)
		return cli_usage_error("validate", "validate checks a file: give -t FILE");
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
	/* Only nslab-capture loads libpcap: it says which. */
	char pcap[128];

	if (capture_lib_version(pcap, sizeof(pcap)))
		printf("%s\n", pcap);
	else
		printf("libpcap unknown (nslab-capture not found)\n");
	return 0;
}
