// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for nslab_topo_parse() and what is built from a parsed
 * file without touching the host: the plan (the whole lab, and each host's
 * share), the script of both (build and teardown), and the graph with its
 * layout.  Without libFuzzer, main() replays files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "nslab/graph.h"
#include "nslab/plan.h"
#include "nslab/script.h"
#include "nslab/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void script_of(const struct nslab_topo *t, const char *host)
{
	struct nslab_error err = { 0 };
	struct nslab_plan *plan = NULL;

	if (nslab_plan_build_host(t, NULL, host, &plan, &err) == 0) {
		nslab_script_render(plan, false, sink, &err);
		nslab_script_render(plan, true, sink, &err);
	}
	nslab_plan_free(plan);
}

static void graph_of(const struct nslab_topo *t)
{
	static const struct nslab_graph_metrics m = { 6.8, 14.3, 6.2, 12.5, 10, 16 };
	struct nslab_error err = { 0 };
	struct nslab_graph *g = NULL;

	/* The layout is quadratic or worse in nodes: keep each input quick. */
	if (t->n_nodes + t->n_networks + t->n_tunnels > 60)
		return;
	if (nslab_graph_build(t, &g, &err) == 0)
		nslab_graph_layout(g, &m, &err);
	nslab_graph_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (!sink)
		sink = fopen("/dev/null", "we");
	if (nslab_topo_parse("fuzz.yml", (const char *)data, size, &t, &err) < 0)
		return 0;
	if (sink) {
		script_of(t, NULL);
		for (size_t h = 0; h < t->n_hosts; h++)
			script_of(t, t->hosts[h].name);
	}
	graph_of(t);
	nslab_topo_free(t);
	return 0;
}

#ifndef NSLAB_LIBFUZZER
/* Replay each file on the command line: how a crash becomes a fixture. */
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rbe");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (len == cap) {
				uint8_t *p;

				cap = cap ? cap * 2 : 65536;
				p = realloc(buf, cap);
				if (!p) {
					fclose(f);
					free(buf);
					return 1;
				}
				buf = p;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		printf("%s: %zu bytes\n", argv[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
#endif
