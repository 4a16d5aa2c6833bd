/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CLI's shared pieces: command handlers, lab selection, output. */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "nslab/error.h"
#include "nslab/topo.h"

#define EXIT_USAGE 2

extern bool arg_quiet;
extern int arg_verbose;

/* The usage line of command @cmd (the program's own table), or NULL. */
const char *cli_usage_of(const char *cmd);

/* Print "nslab: <msg>" (the message may carry hint lines). */
void cli_error(const struct nslab_error *err);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* After getopt returned '?': name the option it did not take. */
int cli_bad_option(const char *cmd, char **argv);
void cli_warnings(const struct nslab_topo *topo);
/*
 * The host whose share of a multi-host lab @cmd works on: *@host (from
 * --host), the file's only host, or a usage error (2) naming the hosts when
 * the file has several and --host is missing.  0 otherwise; an unknown name
 * is the plan's error.
 */
int cli_file_host(const char *cmd, const struct nslab_topo *t, const char **host);

/* -t FILE / --name LAB / --all as every lab command takes them. */
struct labsel {
	const char *file;
	const char *name;
	bool all;
};

/* Long options of struct labsel; option values 0x100.. are reserved for it. */
#define LABSEL_OPT_NAME 0x100
#define LABSEL_OPT_ALL 0x101
#define LABSEL_LONGOPTS                                               \
	{ "topo", required_argument, NULL, 't' },                     \
		{ "name", required_argument, NULL, LABSEL_OPT_NAME }, \
	{                                                             \
		"all", no_argument, NULL, LABSEL_OPT_ALL              \
	}

/* Handle one getopt result for struct labsel; return true when it was one. */
bool labsel_opt(struct labsel *sel, int c, const char *optarg_);

/* The number of topology files in the current directory; *@ret_path: the first. */
int labsel_find(const char **ret_path);

/* The topology file named by -t, or the single one in the current directory. */
int labsel_file(const struct labsel *sel, const char **ret_path);

/* Load the topology from -t FILE (or the directory's single file). */
int labsel_load_file(const struct labsel *sel, struct nslab_topo **ret);

/*
 * The names of the labs selected: --name, the name in the file, or --all.
 * @ret_names: free with nslab_strv_free().
 */
int labsel_names(const struct labsel *sel, char ***ret_names, size_t *ret_n);

/* Load a deployed lab's topology (by --name or the file's name). */
int labsel_load_deployed(const struct labsel *sel, struct nslab_topo **ret);

/*
 * Print the node table of @topos: live state, or @from_model (what deploy
 * just built, without asking the kernel), then only the nodes in @filter
 * ("a,b"; NULL: all).
 */
int print_nodes(struct nslab_topo *const *topos, size_t n, bool json, bool from_model,
		const char *filter);

struct json_t;
struct nslab_netem_live;
/* A root qdisc's impairments as JSON (an object, or null for none); cmd_netem.c. */
struct json_t *cli_netem_json(const struct nslab_netem_live *l);
/* ... and in words: "delay 50ms loss 20%", or "none". */
void cli_netem_text(const struct nslab_netem_live *l, char *buf, size_t size);

int cmd_deploy(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_script(int argc, char **argv);
/*
 * capture lives in its own program, nslab-capture (src/capture_main.c), so
 * that libpcap, and the libraries it brings (libdbus, libsystemd …), are
 * loaded only by a capture: `nslab capture` execs it (src/capture_exec.c).
 */
#define CAPTURE_USAGE                                                                        \
	"[-t FILE | --name LAB] NODE:IFACE [-w FILE.pcap | -w -] [-c COUNT] [--filter BPF] " \
	"[-s SNAPLEN] [-p] [-q]"
#define CAPTURE_HELP \
	"capture packets on an interface of the lab (pcap file, pipe, or one line each)"
int cmd_capture(int argc, char **argv);
int cmd_capture_exec(int argc, char **argv);
/*
 * Where nslab-capture is: beside the running nslab (a build tree), else in
 * NSLAB_LIBEXECDIR (an installed one).  @buf of PATH_MAX; NULL: none.
 */
const char *capture_helper(char *buf, size_t size);
/* "libpcap X.Y.Z", asked of nslab-capture; false when it cannot say. */
bool capture_lib_version(char *buf, size_t size);
int cmd_peer(int argc, char **argv);
int cmd_netem(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
