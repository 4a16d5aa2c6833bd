// SPDX-License-Identifier: LGPL-2.1-or-later
/* Addresses with prefix lengths, and MAC addresses, as text. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "nslab/rtmsg.h"
#include "util.h"

int nslab_prefix_parse(const char *s, bool bare_ok, struct nslab_prefix *ret)
{
	char addr[INET6_ADDRSTRLEN + 1];
	struct nslab_prefix p = { 0 };
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	char *end;

	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p.addr) == 1)
		p.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p.addr) == 1)
		p.family = AF_INET6;
	else
		return -EINVAL;
	if (!slash) {
		if (!bare_ok)
			return -EINVAL;
		p.len = p.family == AF_INET ? 32 : 128;
	} else {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || *end || len > (p.family == AF_INET ? 32u : 128u) || end - slash > 4)
			return -EINVAL;
		p.len = (unsigned int)len;
	}
	*ret = p;
	return 0;
}

const char *nslab_prefix_format(const struct nslab_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, size, "%s/%u", a, p->len);
	return buf;
}

int nslab_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int n = 0;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) !=
		    6 ||
	    n != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}
