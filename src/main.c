// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab: the command table, from which `nslab help` is made. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
	{ "deploy", cmd_deploy,
	  "-t FILE [--reconfigure] [--node-filter a,b] [--host H] [--max-workers N] "
	  "[--tune-host] [-q] [-v]",
	  "build the lab (all or nothing)" },
	{ "destroy", cmd_destroy, "-t FILE | --name LAB | --all [--host H] [--cleanup]",
	  "remove everything the lab created" },
	{ "inspect", cmd_inspect,
	  "[interfaces [-n NODE]] [-t FILE | --name LAB | --all] [--format table|json]",
	  "show the lab's nodes, or their interfaces" },
	{ "exec", cmd_exec, "-t FILE NODE | --label k=v [--] CMD [ARG...]",
	  "run a command inside a node" },
	{ "validate", cmd_validate, "-t FILE", "parse and check a topology file" },
	{ "graph", cmd_graph,
	  "[-t FILE | --name LAB] --format dot|mermaid|html|json [-o OUT] [--no-live]",
	  "draw the topology: Graphviz, Mermaid, JSON, or one self-contained HTML page" },
	{ "script", cmd_script, "-t FILE [--destroy] [--host H]",
	  "print a shell script of ip, sysctl, nft and tc commands that builds (or tears "
	  "down) the lab" },
	{ "capture", cmd_capture_exec, CAPTURE_USAGE, CAPTURE_HELP },
	{ "peer", cmd_peer, "[-n NETNS] IFACE [--format table|json]",
	  "name the far end of a veth: namespace, lab node, interface, ifindex" },
	{ "netem", cmd_netem,
	  "set|show|clear [-t FILE | --name LAB] NODE:IFACE [--delay D] [--jitter D] [--loss P%] "
	  "[--rate R] [--corrupt P%] [--duplicate P%] [--format table|json]",
	  "impair a link end's egress at run time: delay, jitter, loss, corruption, "
	  "duplication, rate" },
	{ "link", cmd_link, "set [-t FILE | --name LAB] NODE:IFACE up|down",
	  "take both ends of a link down or up, as pulling the cable would" },
	{ "version", cmd_version, "", "print the version and the libraries used" },
	{ "help", cmd_help, "[COMMAND]", "list the commands" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

const char *cli_usage_of(const char *cmd)
{
	const struct command *c = find_command(cmd);

	return c ? c->usage : NULL;
}

static void print_help(FILE *f)
{
	fprintf(f, "usage: nslab COMMAND [OPTIONS]\n\n"
		   "Virtual network labs from network namespaces, veth pairs and bridges.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nnslab COMMAND --help shows a command's options.\n");
}

/* `nslab CMD --help` for every command, from the same table. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--"))
			return false;
		if (streq(argv[i], "--help") || streq(argv[i], "-h"))
			return true;
	}
	return false;
}

int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc > 1) {
		c = find_command(argv[1]);
		if (!c)
			return cli_usage_error("help", "unknown command '%s'", argv[1]);
		printf("usage: nslab %s %s\n\n%s\n", c->name, c->usage, c->help);
		return 0;
	}
	print_help(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		print_help(stdout);
		return 0;
	}
	if (streq(argv[1], "--version"))
		return cmd_version(1, argv);
	opterr = 0; /* each command says what was wrong, as "nslab: ..." */
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "nslab: unknown command '%s'\n", argv[1]);
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!streq(c->name, "exec") && wants_help(argc - 1, argv + 1)) {
		printf("usage: nslab %s %s\n\n%s\n", c->name, c->usage, c->help);
		return 0;
	}
	return c->fn(argc - 1, argv + 1);
}
