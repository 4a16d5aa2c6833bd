// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab exec: run a command in one node, or in every node with a label. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nslab/cgroup.h"
#include "nslab/proc.h"
#include "nslab/topo.h"
#include "util.h"

/* The node's cgroup, when deploy made one. */
static const char *node_cgroup(const char *lab, const struct nslab_node *n)
{
	static char path[PATH_MAX];

	if (!nslab_cgroup_available())
		return NULL;
	nslab_cgroup_path(lab, n->name, path, sizeof(path));
	return access(path, F_OK) == 0 ? path : NULL;
}

static void spawn_for(const char *lab, const struct nslab_node *n, char **argv,
		      struct nslab_spawn *sp)
{
	*sp = (struct nslab_spawn){
		.netns = n->netns,
		.hostname = n->netns ? n->hostname : NULL,
		.argv = argv,
		.env = n->env,
		.n_env = n->n_env,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
		.cgroup = node_cgroup(lab, n),
	};
}

static int exec_one(const char *lab, const struct nslab_node *n, char **argv)
{
	struct nslab_error err = { 0 };
	struct nslab_spawn sp;
	int status, r;
	pid_t pid;

	spawn_for(lab, n, argv, &sp);
	r = nslab_proc_spawn(&sp, &pid, &err);
	if (r < 0) {
		cli_errorf("node %s: %s", n->name, err.msg);
		return r == -ENOENT ? 127 : 126;
	}
	r = nslab_proc_wait(pid, &status, &err);
	if (r < 0) {
		cli_error(&err);
		return 1;
	}
	return status;
}

/* Copy @fd to stdout, each line prefixed with "NODE: ". */
static void copy_prefixed(int fd, const char *node)
{
	char buf[4096];
	bool bol = true;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (bol)
				printf("%s: ", node);
			putchar(buf[i]);
			bol = buf[i] == '\n';
		}
	}
	if (!bol)
		putchar('\n');
	fflush(stdout);
}

static int exec_label(const struct nslab_topo *t, const char *label, char **argv)
{
	const char *lab = t->name;

	_cleanup_free_ char *key = strdup(label);
	char *value = key ? strchr(key, '=') : NULL;
	int worst = 0, matched = 0;

	if (!value)
		return cli_usage_error("exec", "--label takes KEY=VALUE");
	*value++ = '\0';
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct nslab_node *n = &t->nodes[i];
		const char *v = nslab_node_label(n, key);
		struct nslab_error err = { 0 };
		struct nslab_spawn sp;
		int p[2], status, devnull;
		pid_t pid;

		if (!v || !streq(v, value) || n->kind == NSLAB_KIND_BRIDGE)
			continue;
		matched++;
		if (pipe2(p, O_CLOEXEC) < 0)
			return 1;
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		spawn_for(lab, n, argv, &sp);
		sp.stdin_fd = devnull;
		sp.stdout_fd = p[1];
		sp.stderr_fd = p[1];
		if (nslab_proc_spawn(&sp, &pid, &err) < 0) {
			close(p[0]);
			close(p[1]);
			close(devnull);
			cli_errorf("node %s: %s", n->name, err.msg);
			worst = worst ? worst : 127;
			continue;
		}
		close(p[1]);
		close(devnull);
		copy_prefixed(p[0], n->name);
		close(p[0]);
		if (nslab_proc_wait(pid, &status, &err) == 0 && status && !worst)
			worst = status;
	}
	if (!matched) {
		cli_errorf("no node has label %s=%s", key, value);
		return 1;
	}
	return worst;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct labsel sel = { 0 };
	struct nslab_topo *topo = NULL;
	const char *label = NULL;
	int c, r;
	long idx;

	/* '+': stop at the node name, so the command's own options stay its own. */
	while ((c = getopt_long(argc, argv, "+t:h", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'l':
			label = optarg;
			break;
		case 'h':
			printf("usage: nslab exec -t FILE NODE | --label k=v [--] CMD [ARG...]\n\n"
			       "run a command inside a node\n");
			return 0;
		default:
			return cli_bad_option("exec", argv);
		}
	}
	if (sel.all)
		return cli_usage_error("exec", "use --label to run on several nodes");
	if (!label && optind < argc && !streq(argv[optind], "--"))
		optind++; /* NODE */
	else if (!label)
		return cli_usage_error("exec", "which node?");
	if (optind < argc && streq(argv[optind], "--")) {
		/* "NODE -- CMD": drop the separator after the node name */
		memmove(&argv[optind], &argv[optind + 1], (argc - optind) * sizeof(*argv));
		argc--;
	}
	if (optind >= argc)
		return cli_usage_error("exec", "no command given");
	if (labsel_load_deployed(&sel, &topo) < 0)
		return 1;
	if (label) {
		r = exec_label(topo, label, argv + optind);
	} else {
		const char *node = argv[optind - 1];

		idx = nslab_topo_find_node(topo, node);
		if (idx < 0) {
			cli_errorf("no node '%s' in lab '%s'", node, topo->name);
			r = 1;
		} else if (topo->nodes[idx].kind == NSLAB_KIND_BRIDGE) {
			cli_errorf("node '%s' is a bridge; it has no namespace to run in", node);
			r = 1;
		} else {
			r = exec_one(topo->name, &topo->nodes[idx], argv + optind);
		}
	}
	nslab_topo_free(topo);
	return r;
}
