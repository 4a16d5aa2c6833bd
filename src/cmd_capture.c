// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab capture: packets of one interface of a deployed lab, to a pcap file, a pipe or the terminal. */
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "nslab/capture.h"
#include "nslab/ifref.h"
#include "util.h"

#define OPT_FILTER 0x200
#define OPT_NO_PROMISC 'p'

/* The handle the signal handler breaks; set while the loop may run. */
static pcap_t *volatile capture_handle;

/* What the per-packet callback needs, and what it reports back. */
struct capture_run {
	pcap_dumper_t *dumper; /* -w: NULL prints summaries to stdout */
	int dlt;
	unsigned long count;
	int write_errno; /* the error that ended the capture, 0: none */
};

static void on_signal(int sig)
{
	/* pcap_breakloop() only sets a flag and wakes the poll (eventfd): safe here. */
	if (capture_handle)
		pcap_breakloop(capture_handle);
}

static void print_summary(struct capture_run *run, const struct pcap_pkthdr *h, const u_char *bytes)
{
	char line[512], stamp[32];
	time_t sec = h->ts.tv_sec;
	struct tm tm;

	if (!localtime_r(&sec, &tm) || !strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)sec);
	nslab_packet_summary(run->dlt, bytes, h->caplen, h->len, line, sizeof(line));
	printf("%s.%06ld %u %s\n", stamp, (long)h->ts.tv_usec, h->len, line);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_run *run = (struct capture_run *)user;

	run->count++;
	errno = 0;
	if (run->dumper) {
		pcap_dump((u_char *)run->dumper, h, bytes);
		/* Each packet reaches the file or pipe at once: `| tcpdump -r -` runs live. */
		if (pcap_dump_flush(run->dumper) == 0)
			return;
	} else {
		print_summary(run, h, bytes);
		/* A line-buffered printf() already wrote (and failed): ask the stream. */
		if (fflush(stdout) == 0 && !ferror(stdout))
			return;
	}
	run->write_errno = errno ? errno : EIO;
	pcap_breakloop(capture_handle);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Where the capture's packets go: a pcap file, standard output as pcap, or summaries. */
static int open_output(pcap_t *p, const char *path, pcap_dumper_t **ret)
{
	FILE *f;

	*ret = NULL;
	if (!path)
		return 0;
	if (streq(path, "-")) {
		f = stdout;
	} else {
		f = fopen(path, "we");
		if (!f) {
			cli_errorf("cannot create capture file '%s': %s", path, strerror(errno));
			return -errno;
		}
	}
	*ret = pcap_dump_fopen(p, f);
	if (!*ret) {
		cli_errorf("cannot write capture file '%s': %s", path, pcap_geterr(p));
		if (f != stdout)
			fclose(f);
		return -EIO;
	}
	/* The file header now: a reader (or a test) sees a valid, empty capture. */
	if (pcap_dump_flush(*ret) < 0) {
		cli_errorf("cannot write capture file '%s': %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

static void report_counts(pcap_t *p, unsigned long count)
{
	struct pcap_stat st;

	fprintf(stderr, "%lu packet%s captured\n", count, count == 1 ? "" : "s");
	if (pcap_stats(p, &st) == 0) {
		fprintf(stderr, "%u packet%s received by filter\n", st.ps_recv,
			st.ps_recv == 1 ? "" : "s");
		fprintf(stderr, "%u packet%s dropped by kernel\n", st.ps_drop,
			st.ps_drop == 1 ? "" : "s");
	}
}

/* Ctrl-C and SIGTERM end the loop (not the process); a closed pipe is seen by the write. */
static void set_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct capture_args {
	struct labsel sel;
	const char *spec;
	const char *write;
	const char *filter;
	unsigned long count;
	unsigned long snaplen;
	bool promisc;
};

static int run_capture(const struct capture_args *a, const struct nslab_ifref *ref)
{
	struct nslab_capture_opts o = {
		.netns = ref->netns,
		.ifname = ref->ifname,
		.snaplen = (int)a->snaplen,
		.promisc = a->promisc,
		.immediate = true,
	};
	struct capture_run run = { 0 };
	struct nslab_error err = { 0 };
	pcap_t *p = NULL;
	int r, ret = 0;

	r = nslab_capture_open(&o, &p, &err);
	if (r < 0) {
		cli_errorf("%s: %s", a->spec, err.msg);
		return 1;
	}
	if (a->filter && nslab_capture_set_filter(p, a->filter, &err) < 0) {
		cli_errorf("%s: %s", a->spec, err.msg);
		pcap_close(p);
		return 1;
	}
	capture_handle = p;
	set_signals();
	run.dlt = pcap_datalink(p);
	if (open_output(p, a->write, &run.dumper) < 0) {
		capture_handle = NULL;
		pcap_close(p);
		return 1;
	}
	if (!a->write)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (!arg_quiet)
		fprintf(stderr,
			"listening on %s (%s%s, device %s), link-type %s (%s), snapshot length %d "
			"bytes\n",
			a->spec, ref->netns ? "netns " : "host namespace",
			ref->netns ? ref->netns : "", ref->ifname,
			pcap_datalink_val_to_name(run.dlt) ?: "?",
			pcap_datalink_val_to_description(run.dlt) ?: "?", pcap_snapshot(p));
	r = pcap_loop(p, a->count ? (int)a->count : -1, on_packet, (u_char *)&run);
	if (r == PCAP_ERROR) {
		cli_errorf("%s: capture failed: %s", a->spec, pcap_geterr(p));
		ret = 1;
	} else if (run.write_errno && run.write_errno != EPIPE) {
		cli_errorf("%s: cannot write %s: %s", a->spec,
			   a->write && !streq(a->write, "-") ? a->write : "to standard output",
			   strerror(run.write_errno));
		ret = 1;
	}
	report_counts(p, run.count);
	capture_handle = NULL;
	if (run.dumper)
		pcap_dump_close(run.dumper);
	pcap_close(p);
	return ret;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		LABSEL_LONGOPTS,
		{ "write", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "snaplen", required_argument, NULL, 's' },
		{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
		{ "quiet", no_argument, NULL, 'q' },
		{},
	};
	struct capture_args a = { .promisc = true };
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	struct nslab_ifref ref;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:w:c:s:pq", opts, NULL)) != -1) {
		if (labsel_opt(&a.sel, c, optarg))
			continue;
		switch (c) {
		case 'w':
			a.write = optarg;
			break;
		case 'c':
			if (parse_uint(optarg, INT32_MAX, &a.count) < 0 || a.count == 0)
				return cli_usage_error(
					"capture", "-c takes a packet count of 1 or more, not '%s'",
					optarg);
			break;
		case 's':
			if (parse_uint(optarg, NSLAB_CAPTURE_SNAPLEN, &a.snaplen) < 0)
				return cli_usage_error(
					"capture",
					"-s takes a snapshot length of 0 to %d bytes, not '%s'",
					NSLAB_CAPTURE_SNAPLEN, optarg);
			break;
		case OPT_FILTER:
			a.filter = optarg;
			break;
		case OPT_NO_PROMISC:
			a.promisc = false;
			break;
		case 'q':
			arg_quiet = true;
			break;
		default:
			return cli_bad_option("capture", argv);
		}
	}
	if (a.sel.all)
		return cli_usage_error("capture",
				       "--all: a capture is on one interface of one lab");
	if (optind >= argc)
		return cli_usage_error("capture", "which interface? name it as NODE:IFACE");
	if (optind + 1 < argc)
		return cli_usage_error("capture",
				       "unexpected argument '%s' (a filter goes in --filter)",
				       argv[optind + 1]);
	a.spec = argv[optind];
	if (!strchr(a.spec, ':') || a.spec[0] == ':' || !strchr(a.spec, ':')[1])
		return cli_usage_error(
			"capture", "'%s': name the interface as NODE:IFACE, e.g. r1:eth1", a.spec);
	/* A bad filter is a usage error, found before the lab is looked at. */
	if (a.filter && nslab_capture_check_filter(a.filter, DLT_EN10MB, (int)a.snaplen, &err) < 0)
		return cli_usage_error("capture", "%s", err.msg);
	if (labsel_load_deployed(&a.sel, &topo) < 0)
		return 1;
	r = nslab_ifref_resolve(topo, a.spec, &ref, &err);
	if (r < 0) {
		cli_error(&err);
		nslab_topo_free(topo);
		return r == -EINVAL ? EXIT_USAGE : 1;
	}
	r = run_capture(&a, &ref);
	nslab_topo_free(topo);
	return r;
}
