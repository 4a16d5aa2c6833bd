// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab script: print the shell script that builds (or tears down) a lab by hand. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "nslab/plan.h"
#include "nslab/script.h"
#include "util.h"

int cmd_script(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "destroy", no_argument, NULL, 'd' },
		{ "host", required_argument, NULL, 'H' },
		{},
	};
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	struct nslab_plan *plan = NULL;
	struct labsel sel = { 0 };
	const char *host = NULL;
	bool destroy = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		if (c == 't') {
			labsel_opt(&sel, c, optarg);
			continue;
		}
		switch (c) {
		case 'd':
			destroy = true;
			break;
		case 'H':
			host = optarg;
			break;
		case LABSEL_OPT_NAME:
		case LABSEL_OPT_ALL:
			return cli_usage_error("script",
					       "script works on a topology file: give -t FILE");
		default:
			return cli_bad_option("script", argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("script", "unexpected argument '%s'", argv[optind]);
	/* A file alone: no deployed lab, no root needed. */
	if (labsel_load_file(&sel, &topo) < 0)
		return 1;
	cli_warnings(topo);
	/* A multi-host lab: host H's share, as `deploy --host H` builds it. */
	r = cli_file_host("script", topo, &host);
	if (r) {
		nslab_topo_free(topo);
		return r;
	}
	r = nslab_plan_build_host(topo, NULL, host, &plan, &err);
	if (r >= 0)
		r = nslab_script_render(plan, destroy, stdout, &err);
	if (r >= 0 && fflush(stdout) != 0)
		r = nslab_err_sys(&err, errno, "cannot write the script to standard output");
	if (r < 0)
		cli_error(&err);
	nslab_plan_free(plan);
	nslab_topo_free(topo);
	return r < 0 ? 1 : 0;
}
