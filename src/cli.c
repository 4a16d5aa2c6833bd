// SPDX-License-Identifier: LGPL-2.1-or-later
/* What every command of nslab (and of nslab-capture) says and shares: errors, usage, options. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

bool arg_quiet;
int arg_verbose;

void cli_error(const struct nslab_error *err)
{
	fprintf(stderr, "nslab: %s\n", err->msg[0] ? err->msg : strerror(err->code));
}

static void vmessage(const char *fmt, va_list ap)
{
	fputs("nslab: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	const char *usage = cli_usage_of(cmd);
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	if (usage)
		fprintf(stderr, "usage: nslab %s %s\n", cmd, usage);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, char **argv)
{
	/* For long options optopt is the option's code, not what the user typed. */
	return cli_usage_error(cmd, "unknown option or missing value: '%s'", argv[optind - 1]);
}

void cli_warnings(const struct nslab_topo *topo)
{
	for (size_t i = 0; i < topo->n_warnings; i++)
		fprintf(stderr, "nslab: warning: %s\n", topo->warnings[i]);
}

int cli_file_host(const char *cmd, const struct nslab_topo *t, const char **host)
{
	char list[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < t->n_hosts && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					t->hosts[i].name);
	if (!*host && t->n_hosts > 1)
		return cli_usage_error(cmd,
				       "lab '%s' spans hosts %s: give the one this machine is "
				       "with --host NAME",
				       t->name, list);
	if (!*host && t->n_hosts == 1)
		*host = t->hosts[0].name;
	return 0;
}
