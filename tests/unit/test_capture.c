// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unit tests of the capture module without a device: the one-line decode and filter checks. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>

#include "nslab/capture.h"
#include "tap.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a }, mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

/* Ethernet header for @type into @f; returns 14. */
static size_t eth(uint8_t *f, unsigned int type)
{
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* A 20-byte IPv4 header from 10.0.0.1 to 10.0.0.2 carrying @proto. */
static size_t ip4(uint8_t *p, uint8_t proto, size_t payload)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)((20 + payload) >> 8);
	p[3] = (uint8_t)(20 + payload);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(p + 16, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	return 20;
}

static const char *sum(const uint8_t *f, size_t n)
{
	static char buf[256];

	return nslab_packet_summary(DLT_EN10MB, f, n, n, buf, sizeof(buf));
}

static void test_decode(void)
{
	uint8_t f[128] = { 0 };
	size_t o;

	/* ARP request 10.0.0.1 asks for 10.0.0.2, and the reply */
	o = eth(f, 0x0806);
	memcpy(f + o, (uint8_t[]){ 0, 1, 8, 0, 6, 4, 0, 1 }, 8);
	memcpy(f + o + 8, mac_a, 6);
	memcpy(f + o + 14, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(f + o + 24, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	is_str(sum(f, o + 28), "ARP, Request who-has 10.0.0.2 tell 10.0.0.1", "ARP request");
	f[o + 7] = 2;
	is_str(sum(f, o + 28), "ARP, Reply 10.0.0.1 is-at 02:00:00:00:00:0a", "ARP reply");
	is_str(sum(f, o + 20), "ARP, length 20", "truncated ARP");

	/* ICMP echo request id 7 seq 3 */
	o = eth(f, 0x0800);
	o += ip4(f + o, 1, 8);
	memset(f + o, 0, 8);
	f[o] = 8;
	f[o + 5] = 7;
	f[o + 7] = 3;
	is_str(sum(f, o + 8), "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 3",
	       "ICMP echo request");
	f[o] = 0;
	is_str(sum(f, o + 8), "IP 10.0.0.1 > 10.0.0.2: ICMP echo reply, id 7, seq 3",
	       "ICMP echo reply");
	f[o] = 3;
	f[o + 1] = 3;
	is_str(sum(f, o + 8), "IP 10.0.0.1 > 10.0.0.2: ICMP port unreachable", "ICMP unreachable");
	is_str(sum(f, o + 4), "IP 10.0.0.1 > 10.0.0.2: ICMP, truncated", "truncated ICMP");

	/* UDP 5353 -> 53, 4 bytes of data; TCP SYN 40000 -> 80 */
	o = eth(f, 0x0800);
	o += ip4(f + o, 17, 12);
	memcpy(f + o, (uint8_t[]){ 0x14, 0xe9, 0, 53, 0, 12, 0, 0 }, 8);
	is_str(sum(f, o + 12), "IP 10.0.0.1.5353 > 10.0.0.2.53: UDP, length 4", "UDP");
	o = eth(f, 0x0800);
	o += ip4(f + o, 6, 20);
	memset(f + o, 0, 20);
	memcpy(f + o, (uint8_t[]){ 0x9c, 0x40, 0, 80, 0, 0, 0, 1 }, 8);
	f[o + 13] = 0x02;
	f[o + 14] = 0xff;
	is_str(sum(f, o + 20), "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 65280",
	       "TCP SYN");
	f[o + 13] = 0x12;
	f[o + 11] = 9;
	is_str(sum(f, o + 20),
	       "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S.], seq 1, ack 9, win 65280",
	       "TCP SYN-ACK");

	/* IPv6 neighbour solicitation for fd00::2, behind a VLAN tag */
	memset(f, 0, sizeof(f));
	o = eth(f, 0x8100);
	f[o] = 0;
	f[o + 1] = 42;
	f[o + 2] = 0x86;
	f[o + 3] = 0xdd;
	o += 4;
	f[o] = 0x60;
	f[o + 6] = 58;
	f[o + 8] = 0xfd;
	f[o + 23] = 1;
	f[o + 24] = 0xfd;
	f[o + 39] = 2;
	o += 40;
	f[o] = 135;
	f[o + 8] = 0xfd;
	f[o + 23] = 2;
	is_str(sum(f, o + 24),
	       "802.1Q vlan 42, IP6 fd00::1 > fd00::2: ICMP6, neighbor solicitation, who has "
	       "fd00::2",
	       "VLAN-tagged IPv6 neighbour solicitation");

	o = eth(f, 0x88cc);
	is_str(sum(f, o + 10), "LLDP", "LLDP named");
	o = eth(f, 0x9000);
	is_str(sum(f, o), "ethertype 0x9000", "other ethertypes by number");
	is_str(sum(f, 10), "Ethernet, truncated", "a runt frame");
	{
		char small[8];

		nslab_packet_summary(DLT_EN10MB, f, 14, 14, small, sizeof(small));
		is_int(strlen(small), 7, "a short buffer is truncated and NUL-terminated");
	}
	{
		char buf[64];

		is_str(nslab_packet_summary(DLT_RAW, f, 20, 20, buf, sizeof(buf)),
		       "link-type RAW, length 20", "other link types are named");
	}
}

static void test_filters(void)
{
	struct nslab_error err = { 0 };

	is_int(nslab_capture_check_filter("icmp or arp", DLT_EN10MB, 0, &err), 0,
	       "'icmp or arp' compiles");
	is_int(nslab_capture_check_filter("host 10.0.0.1 and port 80", DLT_EN10MB, 0, &err), 0,
	       "'host 10.0.0.1 and port 80' compiles");
	is_int(nslab_capture_check_filter("icmp and and", DLT_EN10MB, 0, &err), -EINVAL,
	       "a syntax error is refused");
	ok(strstr(err.msg, "bad filter 'icmp and and': ") && strstr(err.msg, "syntax error"),
	   "the message quotes the filter and pcap's text (%s)", err.msg);
	memset(&err, 0, sizeof(err));
	is_int(nslab_capture_check_filter("ether proto nosuchproto", DLT_EN10MB, 0, &err), -EINVAL,
	       "an unknown protocol name is refused");
}

int main(void)
{
	test_decode();
	test_filters();
	return tap_done();
}
