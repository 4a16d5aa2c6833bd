/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Packet capture on a lab's interfaces with libpcap: open in a namespace, filter, one-line decode. */
#ifndef NSLAB_CAPTURE_H
#define NSLAB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nslab/error.h"

struct pcap; /* libpcap's pcap_t */

/* tcpdump's default snapshot length: whole packets. */
#define NSLAB_CAPTURE_SNAPLEN 262144

/**
 * struct nslab_capture_opts
 * @netns:	namespace holding @ifname: a name under /run/netns (or a path
 *		with '/'); NULL: the caller's current namespace
 * @ifname:	the device to capture on
 * @snaplen:	bytes kept of each packet; 0: NSLAB_CAPTURE_SNAPLEN
 * @promisc:	promiscuous mode (as tcpdump's default): a bridge device then
 *		sees every frame it forwards, not only those for the host
 * @immediate:	deliver each packet at once (no buffering until a block
 *		fills), so small counts and live streams finish promptly
 */
struct nslab_capture_opts {
	const char *netns;
	const char *ifname;
	int snaplen;
	bool promisc;
	bool immediate;
};

/**
 * nslab_capture_open() - create and activate a capture handle on a device
 *
 * The calling thread enters @o->netns for pcap_create()/pcap_activate() and
 * returns to its own namespace before this returns: a packet socket belongs
 * for its whole life to the namespace it was created in, and binds to the
 * device's ifindex there.  On success *@ret belongs to the caller (pcap_close()).
 * Errors carry libpcap's text ("No such device exists", "permission denied").
 */
int nslab_capture_open(const struct nslab_capture_opts *o, struct pcap **ret,
		       struct nslab_error *err);

/**
 * nslab_capture_check_filter() - compile BPF expression @expr for link type
 * @dlt without any device, so a bad filter is refused before the lab is
 * touched.  Return 0 or -EINVAL with pcap's text in @err.
 */
int nslab_capture_check_filter(const char *expr, int dlt, int snaplen, struct nslab_error *err);

/* nslab_capture_set_filter() - compile @expr for @p and install it in the kernel. */
int nslab_capture_set_filter(struct pcap *p, const char *expr, struct nslab_error *err);

/**
 * nslab_packet_summary() - one line describing a captured frame, as tcpdump
 * would without options: "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7,
 * seq 1", "ARP, Request who-has 10.0.0.2 tell 10.0.0.1", ...
 * @dlt:	the link type (DLT_EN10MB is decoded; others are named)
 * @data, @caplen:	the bytes captured; @len: the frame's length on the wire
 *
 * Pure: no I/O.  Always NUL-terminates @buf (truncating).  Returns @buf.
 */
const char *nslab_packet_summary(int dlt, const uint8_t *data, size_t caplen, size_t len, char *buf,
				 size_t size);

#endif
