// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab netem set|show|clear: a link end's impairments at run time. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nslab/impair.h"
#include "nslab/netem.h"
#include "util.h"

/* getopt values of --delay ... --rate: this plus enum nslab_netem_key. */
#define OPT_KEY 0x300
#define OPT_FORMAT 0x310

/* A percentage as the text shows it (six significant digits), as a JSON number. */
static json_t *percent_json(const struct nslab_netem *ne, enum nslab_netem_key k)
{
	char buf[48];

	nslab_netem_format_key(ne, k, buf, sizeof(buf));
	return json_real(strtod(buf, NULL));
}

json_t *cli_netem_json(const struct nslab_netem_live *l)
{
	const struct nslab_netem *ne = &l->netem;
	char text[256];

	if (l->type != NSLAB_QDISC_NETEM && l->type != NSLAB_QDISC_TBF)
		return json_null();
	nslab_netem_format(ne, text, sizeof(text));
	return json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:I, s:s}", "qdisc", l->kind, "delay_us",
			 (json_int_t)ne->delay_us, "jitter_us", (json_int_t)ne->jitter_us, "loss",
			 percent_json(ne, NSLAB_NETEM_LOSS), "corrupt",
			 percent_json(ne, NSLAB_NETEM_CORRUPT), "duplicate",
			 percent_json(ne, NSLAB_NETEM_DUPLICATE), "rate_bps",
			 (json_int_t)ne->rate_bps, "text", text);
}

void cli_netem_text(const struct nslab_netem_live *l, char *buf, size_t size)
{
	if (l->type == NSLAB_QDISC_NETEM || l->type == NSLAB_QDISC_TBF) {
		nslab_netem_format(&l->netem, buf, size);
		/* A netem qdisc that does nothing (all zero) is still one. */
		if (!buf[0])
			snprintf(buf, size, "%s (nothing)", l->kind);
	} else if (l->type == NSLAB_QDISC_OTHER) {
		snprintf(buf, size, "none (root qdisc %s)", l->kind);
	} else {
		snprintf(buf, size, "none");
	}
}

static int netem_show(const struct nslab_topo *topo, const char *spec, bool json)
{
	struct nslab_error err = { 0 };
	struct nslab_netem_live l;
	const char *colon = strchr(spec, ':');
	char text[256];

	if (nslab_lab_netem_show(topo, spec, &l, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	if (json) {
		json_t *o =
			json_pack("{s:s, s:s#, s:s, s:o, s:o}", "lab", topo->name, "node", spec,
				  (int)(colon - spec), "interface", colon + 1, "qdisc",
				  l.type == NSLAB_QDISC_NONE ? json_null() : json_string(l.kind),
				  "netem", cli_netem_json(&l));

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
		return 0;
	}
	cli_netem_text(&l, text, sizeof(text));
	printf("%s\n", text);
	return 0;
}

int cmd_netem(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "delay", required_argument, NULL, OPT_KEY + NSLAB_NETEM_DELAY },
		{ "jitter", required_argument, NULL, OPT_KEY + NSLAB_NETEM_JITTER },
		{ "loss", required_argument, NULL, OPT_KEY + NSLAB_NETEM_LOSS },
		{ "corrupt", required_argument, NULL, OPT_KEY + NSLAB_NETEM_CORRUPT },
		{ "duplicate", required_argument, NULL, OPT_KEY + NSLAB_NETEM_DUPLICATE },
		{ "rate", required_argument, NULL, OPT_KEY + NSLAB_NETEM_RATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{},
	};
	struct nslab_netem ne = { 0 };
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	struct labsel sel = { 0 };
	const char *action, *spec;
	bool json = false, format = false;
	int c, r;

	if (argc < 2)
		return cli_usage_error("netem", "set, show or clear?");
	action = argv[1];
	if (!streq(action, "set") && !streq(action, "show") && !streq(action, "clear"))
		return cli_usage_error("netem", "unknown action '%s'; expected set, show or clear",
				       action);
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		if (labsel_opt(&sel, c, optarg))
			continue;
		if (c >= OPT_KEY && c < OPT_KEY + NSLAB_NETEM_KEY_MAX) {
			if (!streq(action, "set"))
				return cli_usage_error("netem", "--%s goes with netem set",
						       nslab_netem_key_to_string(c - OPT_KEY));
			if (nslab_netem_set_key(&ne, c - OPT_KEY, optarg, &err) < 0)
				return cli_usage_error("netem", "--%s: %s",
						       nslab_netem_key_to_string(c - OPT_KEY),
						       err.msg);
			continue;
		}
		if (c == OPT_FORMAT) {
			if (streq(optarg, "json"))
				json = true;
			else if (!streq(optarg, "table"))
				return cli_usage_error("netem", "--format is table or json");
			format = true;
			continue;
		}
		return cli_bad_option("netem", argv);
	}
	if (sel.all)
		return cli_usage_error("netem", "--all: name one interface of one lab");
	if (optind >= argc)
		return cli_usage_error("netem", "which interface? Name it as NODE:IFACE");
	if (optind + 1 < argc)
		return cli_usage_error("netem", "unexpected argument '%s'", argv[optind + 1]);
	spec = argv[optind];
	if (!strchr(spec, ':'))
		return cli_usage_error("netem", "'%s': name the interface as NODE:IFACE", spec);
	if (format && !streq(action, "show"))
		return cli_usage_error("netem", "--format goes with netem show");
	if (streq(action, "set") && !ne.set)
		return cli_usage_error("netem",
				       "netem set needs at least one of --delay, --jitter, --loss, "
				       "--corrupt, --duplicate, --rate (netem clear removes them)");
	if (streq(action, "set") && nslab_netem_check(&ne, &err) < 0)
		return cli_usage_error("netem", "%s", err.msg);
	if (labsel_load_deployed(&sel, &topo) < 0)
		return 1;
	if (streq(action, "show")) {
		r = netem_show(topo, spec, json);
	} else {
		r = streq(action, "set") ? nslab_lab_netem_set(topo, spec, &ne, &err)
					 : nslab_lab_netem_clear(topo, spec, &err);
		if (r < 0)
			cli_error(&err);
		r = r < 0 ? 1 : 0;
	}
	nslab_topo_free(topo);
	return r;
}
