#!/usr/bin/env python3
"""Topology generator for the bn build/teardown benchmark.

usage: topogen.py star|star-noipv6|chain|chain-noipv6|clos N  > SPEC

Writes a builder-neutral *spec*: one operation per line, whitespace separated,
listed in a valid execution order.  Every builder (ip-per-command, ip-batch,
mininet, C floor, a future C tool) consumes the same spec.

  bridge NAME               Linux bridge in the root netns
  ns NAME                   named netns (/run/netns/NAME)
  veth NS1 IF1 NS2 IF2      veth pair IF1 (in NS1) <-> IF2 (in NS2); '-' = root netns
  master IF BRIDGE          enslave root-netns IF to BRIDGE
  up NS IF                  set link up
  addr NS IF CIDR           add IPv4 address
  route NS DST GW           IPv4 route; DST is 'default' or a CIDR
  sysctl NS KEY VALUE       write /proc/sys/KEY (dots -> slashes) inside NS
  check NS ADDR             verification only (not timed): NS must ping ADDR
  ttlfix NS                 verification only: refresh the IPv4 TTL in NS
                            (nft table 'bnttl') so a ping can cross >64 routers
  neighfix NS1 IF1 NS2 IF2  verification only: permanent ARP entries for the
                            link IF1/IF2 on both sides (see below)

Names: every namespace, link and bridge starts with "bn".  Addresses are in
10.250.0.0/16.

star (T1): N hosts bn-h1..bn-hN, each with eth0 (10.250.x.y/16) whose peer
  bn-hK-e sits in the root netns on bridge bnbr0.
*-noipv6: same, plus `sysctl NS net.ipv6.conf.all.disable_ipv6 1` right after
  each `ns` (writing "all" also sets "default", so eth0 never gets IPv6).
  Without it every host does IPv6 autoconf (DAD, router solicitations, MLD
  reports: ~7 multicast packets per host) and the bridge floods each of them
  to all N ports: O(N^2) packets, seconds of softirq time at N=1000.
chain (T2): routers bn-r1..bn-rN in a line.  Link k joins bn-rk:eth1 and
  bn-r(k+1):eth0 with the /30 10.250.0.0 + 4(k-1); .1 on the left, .2 on the
  right.  ip_forward=1 in every router.  Routing scheme ("default towards rN,
  one specific route back"):
    r1..r(N-1): default via the right neighbour
    r3..rN    : 10.250.0.0/30 (link 1, i.e. r1's subnet) via the left neighbour
  => r1 reaches every address of every router and every router reaches r1;
     2 routes per router, O(N) routes in total.  (Arbitrary pairs ri->rj with
     j<i are *not* routed; that would need O(N^2) routes or prefix tricks.)
clos (T3): a two-tier leaf/spine fabric with N hosts (see clos() below):
  CLOS_SPINES spines bn-s1..bn-sS, L = max(2, ceil(N/CLOS_HOSTS_PER_LEAF))
  leaves bn-l1..bn-lL, every leaf linked to every spine by a /30 veth,
  hosts bn-h1..bn-hN spread evenly over the leaves, each linked to its leaf
  by its own /30 veth (no bridge).  Leaves and spines forward.  Routes:
  host default via its leaf; leaf k default via spine ((k-1) mod S)+1;
  every spine one route per leaf (leaf k's hosts live in one /24).
  O(N) links and routes; nodes = N + L + S namespaces.
"""
import sys

TTL_REFRESH_EVERY = 50   # default TTL is 64; refresh well before it runs out
# A ping r1 -> rN resolves ~2(N-1) ARP entries within a second.  The kernel's
# neighbour table is global (all namespaces) and refuses new entries beyond
# net.ipv4.neigh.default.gc_thresh3 (1024 here; entries younger than 5 s
# cannot be garbage collected): "neighbour: arp_cache: neighbor table
# overflow!".  We do not raise that global sysctl on a shared machine;
# instead, for long chains, verification pre-installs *permanent* neighbour
# entries, which are exempt from the gc accounting.
NEIGHFIX_MIN_N = 250


def ip(n):
    """n-th address of 10.250.0.0/16"""
    if not 0 < n < 65535:
        raise ValueError("address index out of range: %d" % n)
    return "10.250.%d.%d" % (n >> 8, n & 255)


def star(n, noipv6=False):
    out = ["# bnspec v1 topo=star%s n=%d" % ("-noipv6" if noipv6 else "", n),
           "bridge bnbr0",
           "up - bnbr0"]
    for k in range(1, n + 1):
        h = "bn-h%d" % k
        out.append("ns %s" % h)
        if noipv6:
            out.append("sysctl %s net.ipv6.conf.all.disable_ipv6 1" % h)
        out += ["veth - %s-e %s eth0" % (h, h),
                "master %s-e bnbr0" % h,
                "up - %s-e" % h,
                "up %s lo" % h,
                "up %s eth0" % h,
                "addr %s eth0 %s/16" % (h, ip(k))]
    out.append("check bn-h1 %s" % ip(n))
    return out


def chain(n, noipv6=False):
    if n < 2:
        raise SystemExit("chain needs N >= 2")
    if 4 * (n - 1) >= 65535:
        raise SystemExit("chain: N too large for 10.250.0.0/16")
    out = ["# bnspec v1 topo=chain%s n=%d" % ("-noipv6" if noipv6 else "", n)]

    def left(k):   # address of r_k on link k (its eth1)
        return ip(4 * (k - 1) + 1)

    def right(k):  # address of r_(k+1) on link k (its eth0)
        return ip(4 * (k - 1) + 2)

    for k in range(1, n + 1):
        r = "bn-r%d" % k
        out += ["ns %s" % r,
                "up %s lo" % r,
                "sysctl %s net.ipv4.ip_forward 1" % r]
        if noipv6:
            out.append("sysctl %s net.ipv6.conf.all.disable_ipv6 1" % r)
        if k >= 2:
            p = "bn-r%d" % (k - 1)
            j = k - 1                      # link index between p and r
            out += ["veth %s eth1 %s eth0" % (p, r),
                    "up %s eth1" % p,
                    "up %s eth0" % r,
                    "addr %s eth1 %s/30" % (p, left(j)),
                    "addr %s eth0 %s/30" % (r, right(j)),
                    "route %s default %s" % (p, right(j))]
            if k >= 3:
                out.append("route %s 10.250.0.0/30 %s" % (r, left(j)))
    for k in range(TTL_REFRESH_EVERY, n, TTL_REFRESH_EVERY):
        out.append("ttlfix bn-r%d" % k)
    if n > NEIGHFIX_MIN_N:
        for k in range(1, n):
            out.append("neighfix bn-r%d eth1 bn-r%d eth0" % (k, k + 1))
    out.append("check bn-r1 %s" % right(n - 1))     # rN's (far) address
    return out


CLOS_SPINES = 2            # constant, so links and routes per host stay O(1)
CLOS_HOSTS_PER_LEAF = 40   # at most 63 (one /24 of /30s per leaf)


def clos(n):
    """T3 leaf/spine fabric with n hosts.

    Addresses (all in 10.250.0.0/16):
      fabric link f = (k-1)*S + (s-1) between leaf k and spine s:
        /30 at 10.250.0.0 + 4f  (.1 spine side "lK", .2 leaf side "uS");
        10.250.0.0/21 holds 512 such links
      leaf k's host block 10.250.(8+k).0/24; its j-th host's /30 is
        10.250.(8+k).4(j-1): .1 leaf side "dJ", .2 host side "eth0"
    Routing: host default via its leaf; leaf k default via spine
    ((k-1) mod S)+1 (so traffic between leaves uses every spine); every
    spine has one route per leaf block.  Any host reaches any host in
    at most 3 router hops (leaf, spine, leaf).
    """
    s_cnt, per = CLOS_SPINES, CLOS_HOSTS_PER_LEAF
    l_cnt = max(2, -(-n // per))
    if n < l_cnt:
        raise SystemExit("clos needs N >= 2")
    if 8 + l_cnt > 255 or l_cnt * s_cnt > 512:
        raise SystemExit("clos: N too large for 10.250.0.0/16")
    # hosts spread evenly: leaf k gets base or base+1 hosts
    base, rem = divmod(n, l_cnt)
    counts = [base + (1 if k < rem else 0) for k in range(l_cnt)]
    out = ["# bnspec v1 topo=clos n=%d spines=%d leaves=%d hosts=%d nodes=%d"
           % (n, s_cnt, l_cnt, n, n + l_cnt + s_cnt)]

    def fab(k, s):       # (spine side, leaf side) address of link leaf k - spine s
        f = 4 * ((k - 1) * s_cnt + (s - 1))
        return ip(f + 1), ip(f + 2)

    def hblock(k):
        return "10.250.%d" % (8 + k)

    for s in range(1, s_cnt + 1):
        sp = "bn-s%d" % s
        out += ["ns %s" % sp, "up %s lo" % sp, "sysctl %s net.ipv4.ip_forward 1" % sp]
    hosts = []           # (host name, leaf k, host address)
    h = 0
    for k in range(1, l_cnt + 1):
        lf = "bn-l%d" % k
        out += ["ns %s" % lf, "up %s lo" % lf, "sysctl %s net.ipv4.ip_forward 1" % lf]
        for s in range(1, s_cnt + 1):
            sp = "bn-s%d" % s
            a_sp, a_lf = fab(k, s)
            # created from the spine side: spines precede the leaf in `ns`
            # order (the ip-batch builder runs one batch per namespace, in
            # that order, and the creating namespace must come first)
            out += ["veth %s l%d %s u%d" % (sp, k, lf, s),
                    "up %s l%d" % (sp, k),
                    "up %s u%d" % (lf, s),
                    "addr %s l%d %s/30" % (sp, k, a_sp),
                    "addr %s u%d %s/30" % (lf, s, a_lf),
                    "route %s %s.0/24 %s" % (sp, hblock(k), a_lf)]
        out.append("route %s default %s" % (lf, fab(k, (k - 1) % s_cnt + 1)[0]))
        for j in range(1, counts[k - 1] + 1):
            h += 1
            hn = "bn-h%d" % h
            a_lf = "%s.%d" % (hblock(k), 4 * (j - 1) + 1)
            a_h = "%s.%d" % (hblock(k), 4 * (j - 1) + 2)
            out += ["ns %s" % hn,
                    "up %s lo" % hn,
                    "veth %s d%d %s eth0" % (lf, j, hn),
                    "up %s d%d" % (lf, j),
                    "up %s eth0" % hn,
                    "addr %s d%d %s/30" % (lf, j, a_lf),
                    "addr %s eth0 %s/30" % (hn, a_h),
                    "route %s default %s" % (hn, a_lf)]
            hosts.append((hn, k, a_h))
    # verification: first leaf -> last leaf, a middle leaf -> first leaf,
    # last host -> a host under leaf 2 (other spine), two hosts on one leaf
    first = [x for x in hosts if x[1] == 1]
    last = [x for x in hosts if x[1] == l_cnt]
    mid = [x for x in hosts if x[1] == (l_cnt + 1) // 2 + (1 if l_cnt > 2 else 0)]
    second = [x for x in hosts if x[1] == 2]
    checks = [(first[0], last[-1]), (mid[len(mid) // 2], first[0]),
              (last[-1], second[0])]
    if len(first) >= 2:
        checks.append((first[0], first[-1]))
    seen = set()
    for a, b in checks:
        if (a[0], b[2]) not in seen and a[0] != b[0]:
            seen.add((a[0], b[2]))
            out.append("check %s %s" % (a[0], b[2]))
    return out


def main():
    topos = ("star", "star-noipv6", "chain", "chain-noipv6", "clos")
    if len(sys.argv) != 3 or sys.argv[1] not in topos:
        raise SystemExit(__doc__)
    n = int(sys.argv[2])
    if n < 1:
        raise SystemExit("N must be >= 1")
    kind, noipv6 = sys.argv[1].split("-")[0], sys.argv[1].endswith("-noipv6")
    if kind == "clos":
        lines = clos(n)
    else:
        lines = star(n, noipv6) if kind == "star" else chain(n, noipv6)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
