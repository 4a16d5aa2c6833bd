// SPDX-License-Identifier: LGPL-2.1-or-later
/* Packet capture with libpcap: a handle opened inside a namespace, BPF filters, a one-line decode. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>

#include "nslab/capture.h"
#include "nslab/netns.h"
#include "util.h"

static void pcap_closep(pcap_t **p)
{
	if (*p)
		pcap_close(*p);
}

/* libpcap's pcap_activate() status as an errno, for the caller's choices. */
static int activate_errno(int status)
{
	switch (status) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return ENODEV;
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		return ENETDOWN;
	default:
		return EIO;
	}
}

/* Create and activate the handle in the calling thread's current namespace. */
static int open_here(const struct nslab_capture_opts *o, pcap_t **ret, struct nslab_error *err)
{
	_cleanup_(pcap_closep) pcap_t *p = NULL;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *where = o->netns ? o->netns : "the host namespace";
	int r;

	p = pcap_create(o->ifname, errbuf);
	if (!p)
		return nslab_err(err, EIO, "cannot capture on '%s' in %s: %s", o->ifname, where,
				 errbuf);
	if (pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : NSLAB_CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_promisc(p, o->promisc) != 0 || pcap_set_immediate_mode(p, o->immediate) != 0 ||
	    pcap_set_timeout(p, 100) != 0)
		return nslab_err(err, EIO, "cannot set capture options on '%s': %s", o->ifname,
				 pcap_geterr(p));
	r = pcap_activate(p);
	if (r < 0) {
		/* PCAP_ERROR's text is in pcap_geterr(); the specific ones' may be empty. */
		const char *text = pcap_geterr(p);

		if (!text || !*text || r == PCAP_ERROR_NO_SUCH_DEVICE)
			text = pcap_statustostr(r);
		return nslab_err(err, activate_errno(r), "cannot capture on '%s' in %s: %s",
				 o->ifname, where, text);
	}
	/* r > 0 is a warning (promiscuous mode not supported, ...): capture anyway. */
	*ret = TAKE_PTR(p);
	return 0;
}

int nslab_capture_open(const struct nslab_capture_opts *o, struct pcap **ret,
		       struct nslab_error *err)
{
	_cleanup_close_ int home = -1, target = -1;
	pcap_t *p = NULL;
	int r;

	if (!o->netns)
		return open_here(o, ret, err);
	r = nslab_netns_open(o->netns, &target, err);
	if (r < 0)
		return r;
	/* thread-self: setns() moves the calling thread only. */
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return nslab_err_sys(err, errno, "cannot open /proc/thread-self/ns/net");
	if (setns(target, CLONE_NEWNET) < 0)
		return nslab_err_sys(err, errno, "cannot enter netns '%s'", o->netns);
	r = open_here(o, &p, err);
	if (setns(home, CLONE_NEWNET) < 0) {
		int e = errno;

		if (p)
			pcap_close(p);
		return nslab_err_sys(err, e, "cannot return to the original network namespace");
	}
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}

static int compile(pcap_t *p, const char *expr, struct bpf_program *prog, struct nslab_error *err)
{
	if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return nslab_err(err, EINVAL, "bad filter '%s': %s", expr, pcap_geterr(p));
	return 0;
}

int nslab_capture_check_filter(const char *expr, int dlt, int snaplen, struct nslab_error *err)
{
	_cleanup_(pcap_closep) pcap_t *p = NULL;
	struct bpf_program prog;
	int r;

	p = pcap_open_dead(dlt, snaplen > 0 ? snaplen : NSLAB_CAPTURE_SNAPLEN);
	if (!p)
		return nslab_err(err, ENOMEM, "cannot compile filter '%s': out of memory", expr);
	r = compile(p, expr, &prog, err);
	if (r < 0)
		return r;
	pcap_freecode(&prog);
	return 0;
}

int nslab_capture_set_filter(struct pcap *p, const char *expr, struct nslab_error *err)
{
	struct bpf_program prog;
	int r;

	r = compile(p, expr, &prog, err);
	if (r < 0)
		return r;
	if (pcap_setfilter(p, &prog) < 0)
		r = nslab_err(err, EIO, "cannot install filter '%s': %s", expr, pcap_geterr(p));
	pcap_freecode(&prog);
	return r;
}

/* ---- the one-line decode ------------------------------------------------ */

struct line {
	char *buf;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3))) put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static unsigned long be32(const uint8_t *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static const char *addr(int family, const uint8_t *a, char *buf, size_t size)
{
	if (!inet_ntop(family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

static void put_mac(struct line *l, const uint8_t *m)
{
	put(l, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void arp(struct line *l, const uint8_t *p, size_t n)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	/* Ethernet/IPv4 only: hardware type 1, protocol 0x0800, lengths 6 and 4. */
	if (n < 28 || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) {
		put(l, "ARP, length %zu", n);
		return;
	}
	switch (be16(p + 6)) {
	case 1:
		put(l, "ARP, Request who-has %s tell %s", addr(AF_INET, p + 24, a, sizeof(a)),
		    addr(AF_INET, p + 14, b, sizeof(b)));
		break;
	case 2:
		put(l, "ARP, Reply %s is-at ", addr(AF_INET, p + 14, a, sizeof(a)));
		put_mac(l, p + 8);
		break;
	default:
		put(l, "ARP, opcode %u", be16(p + 6));
	}
}

static void icmp4(struct line *l, const uint8_t *p, size_t n)
{
	static const char *const unreach[] = { "net", "host", "protocol", "port" };

	if (n < 8) {
		put(l, "ICMP, truncated");
		return;
	}
	switch (p[0]) {
	case 0:
	case 8:
		put(l, "ICMP echo %s, id %u, seq %u", p[0] ? "request" : "reply", be16(p + 4),
		    be16(p + 6));
		break;
	case 3:
		if (p[1] < ARRAY_SIZE(unreach))
			put(l, "ICMP %s unreachable", unreach[p[1]]);
		else
			put(l, "ICMP unreachable, code %u", p[1]);
		break;
	case 11:
		put(l, "ICMP time exceeded in-transit");
		break;
	default:
		put(l, "ICMP type %u, code %u", p[0], p[1]);
	}
}

static void icmp6(struct line *l, const uint8_t *p, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (n < 8) {
		put(l, "ICMP6, truncated");
		return;
	}
	switch (p[0]) {
	case 1:
		put(l, "ICMP6, destination unreachable, code %u", p[1]);
		break;
	case 3:
		put(l, "ICMP6, time exceeded in-transit");
		break;
	case 128:
	case 129:
		put(l, "ICMP6, echo %s, id %u, seq %u", p[0] == 128 ? "request" : "reply",
		    be16(p + 4), be16(p + 6));
		break;
	case 133:
		put(l, "ICMP6, router solicitation");
		break;
	case 134:
		put(l, "ICMP6, router advertisement");
		break;
	case 135:
	case 136:
		if (n < 24) {
			put(l, "ICMP6, neighbor %s, truncated",
			    p[0] == 135 ? "solicitation" : "advertisement");
			break;
		}
		put(l, "ICMP6, neighbor %s, %s %s", p[0] == 135 ? "solicitation" : "advertisement",
		    p[0] == 135 ? "who has" : "tgt is", addr(AF_INET6, p + 8, a, sizeof(a)));
		break;
	case 143:
		put(l, "ICMP6, multicast listener report v2");
		break;
	default:
		put(l, "ICMP6, type %u, code %u", p[0], p[1]);
	}
}

/* TCP or UDP after "SRC > DST" without ports: adds the ports to the addresses. */
static void transport(struct line *l, int proto, const char *src, const char *dst, const uint8_t *p,
		      size_t n)
{
	static const char flag_chars[] = "FSRP.U"; /* FIN SYN RST PSH ACK URG, as tcpdump */

	if (proto == IPPROTO_UDP) {
		if (n < 8) {
			put(l, "%s > %s: UDP, truncated", src, dst);
			return;
		}
		put(l, "%s.%u > %s.%u: UDP, length %u", src, be16(p), dst, be16(p + 2),
		    be16(p + 4) >= 8 ? be16(p + 4) - 8 : 0);
		return;
	}
	if (n < 20) {
		put(l, "%s > %s: TCP, truncated", src, dst);
		return;
	}
	put(l, "%s.%u > %s.%u: Flags [", src, be16(p), dst, be16(p + 2));
	for (int i = 0; i < 6; i++)
		if (p[13] & (1u << i))
			put(l, "%c", flag_chars[i]);
	put(l, "], seq %lu", be32(p + 4));
	if (p[13] & 0x10)
		put(l, ", ack %lu", be32(p + 8));
	put(l, ", win %u", be16(p + 14));
}

static void ipv4(struct line *l, const uint8_t *p, size_t n)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	size_t ihl;

	if (n < 20 || (p[0] >> 4) != 4 || (ihl = (size_t)(p[0] & 0xf) * 4) < 20 || ihl > n) {
		put(l, "IP, truncated or bad header");
		return;
	}
	addr(AF_INET, p + 12, src, sizeof(src));
	addr(AF_INET, p + 16, dst, sizeof(dst));
	put(l, "IP ");
	if (be16(p + 6) & 0x1fff) {
		put(l, "%s > %s: fragment, protocol %u", src, dst, p[9]);
		return;
	}
	switch (p[9]) {
	case IPPROTO_ICMP:
		put(l, "%s > %s: ", src, dst);
		icmp4(l, p + ihl, n - ihl);
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		transport(l, p[9], src, dst, p + ihl, n - ihl);
		break;
	default:
		put(l, "%s > %s: protocol %u", src, dst, p[9]);
	}
}

static void ipv6(struct line *l, const uint8_t *p, size_t n)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned int next;
	size_t off = 40;

	if (n < 40 || (p[0] >> 4) != 6) {
		put(l, "IP6, truncated or bad header");
		return;
	}
	addr(AF_INET6, p + 8, src, sizeof(src));
	addr(AF_INET6, p + 24, dst, sizeof(dst));
	next = p[6];
	/* Hop-by-hop options come first in MLD reports: skip that one header. */
	if (next == 0 && n >= off + 8) {
		next = p[off];
		off += ((size_t)p[off + 1] + 1) * 8;
	}
	put(l, "IP6 ");
	if (off > n) {
		put(l, "%s > %s: truncated", src, dst);
		return;
	}
	switch (next) {
	case IPPROTO_ICMPV6:
		put(l, "%s > %s: ", src, dst);
		icmp6(l, p + off, n - off);
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		transport(l, (int)next, src, dst, p + off, n - off);
		break;
	default:
		put(l, "%s > %s: next header %u", src, dst, next);
	}
}

static void ethernet(struct line *l, const uint8_t *p, size_t n)
{
	unsigned int type;
	size_t off = 12;

	if (n < 14) {
		put(l, "Ethernet, truncated");
		return;
	}
	type = be16(p + off);
	while ((type == 0x8100 || type == 0x88a8) && n >= off + 6) {
		put(l, "802.1Q vlan %u, ", be16(p + off + 2) & 0xfff);
		off += 4;
		type = be16(p + off);
	}
	off += 2;
	switch (type) {
	case 0x0800:
		ipv4(l, p + off, n - off);
		break;
	case 0x86dd:
		ipv6(l, p + off, n - off);
		break;
	case 0x0806:
		arp(l, p + off, n - off);
		break;
	case 0x88cc:
		put(l, "LLDP");
		break;
	default:
		if (type < 0x600)
			put(l, "802.3, length %u", type);
		else
			put(l, "ethertype 0x%04x", type);
	}
}

const char *nslab_packet_summary(int dlt, const uint8_t *data, size_t caplen, size_t len, char *buf,
				 size_t size)
{
	struct line l = { buf, size, 0 };

	if (!size)
		return buf;
	buf[0] = '\0';
	if (dlt == DLT_EN10MB)
		ethernet(&l, data, caplen);
	else
		put(&l, "link-type %s, length %zu", pcap_datalink_val_to_name(dlt) ?: "?", len);
	return buf;
}
