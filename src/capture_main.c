// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nslab-capture: `nslab capture`, as a program of its own, so that libpcap
 * is loaded by captures only (src/capture_exec.c).  Called as
 * `nslab-capture capture ARGS...` by nslab, or `nslab-capture --lib-version`
 * by `nslab version`.
 */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

const char *cli_usage_of(const char *cmd)
{
	return streq(cmd, "capture") ? CAPTURE_USAGE : NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && streq(argv[1], "--lib-version")) {
		/* "libpcap version 1.10.3 (with TPACKET_V3)": keep the number only. */
		const char *v = pcap_lib_version();
		const char *num = strstr(v, "version ");

		printf("libpcap %.*s\n", (int)strcspn(num ? num + 8 : v, " "), num ? num + 8 : v);
		return 0;
	}
	if (argc < 2 || !streq(argv[1], "capture")) {
		fprintf(stderr, "nslab-capture: run by nslab: nslab capture %s\n", CAPTURE_USAGE);
		return EXIT_USAGE;
	}
	opterr = 0;
	for (int i = 2; i < argc && !streq(argv[i], "--"); i++)
		if (streq(argv[i], "--help") || streq(argv[i], "-h")) {
			printf("usage: nslab capture %s\n\n%s\n", CAPTURE_USAGE, CAPTURE_HELP);
			return 0;
		}
	return cmd_capture(argc - 1, argv + 1);
}
