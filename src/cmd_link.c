// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab link set NODE:IFACE up|down: both ends of a cable, as pulling it would. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nslab/impair.h"
#include "util.h"

int cmd_link(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{},
	};
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	struct labsel sel = { 0 };
	const char *spec, *state;
	int c, r;

	if (argc < 2 || !streq(argv[1], "set"))
		return cli_usage_error("link", "%s%s%s", argc < 2 ? "" : "unknown action '",
				       argc < 2 ? "set?" : argv[1],
				       argc < 2 ? "" : "'; expected set");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		return cli_bad_option("link", argv);
	}
	if (sel.all)
		return cli_usage_error("link", "--all: name one interface of one lab");
	if (argc - optind != 2)
		return cli_usage_error("link", "expected NODE:IFACE and up or down");
	spec = argv[optind];
	state = argv[optind + 1];
	if (!strchr(spec, ':'))
		return cli_usage_error("link", "'%s': name the interface as NODE:IFACE", spec);
	if (!streq(state, "up") && !streq(state, "down"))
		return cli_usage_error("link", "'%s': expected up or down", state);
	if (labsel_load_deployed(&sel, &topo) < 0)
		return 1;
	r = nslab_lab_link_set(topo, spec, streq(state, "up"), &err);
	if (r < 0)
		cli_error(&err);
	nslab_topo_free(topo);
	return r < 0 ? 1 : 0;
}
