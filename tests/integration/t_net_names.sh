#!/bin/bash
# Names on networks (spec/topology.md, Networks; rule 6): every node resolves
# every other node of a shared network by name, through `nslab exec` and
# `ip netns exec` (both bind-mount /etc/netns/<netns>/hosts over /etc/hosts);
# a node on two networks is resolved by a peer to its address on the network
# they share, not to its primary address. Names work for traffic (ping NAME).
#
#   net1 10.60.1.0/24: a (.2), b (.3), m (.4)      (members in file order)
#   net2 10.60.2.0/24: b (.2), c (.3), m (.4)
#   b lists net2 first: its primary address is 10.60.2.2, yet a must
#   resolve b to 10.60.1.3 (net1 is what a and b share).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab

F=$T/nn.nslab.yml
cat >"$F" <<'Y'
name: nn
networks:
  net1: {subnet: 10.60.1.0/24}
  net2: {subnet: 10.60.2.0/24, internal: true}
topology:
  nodes:
    a: {networks: [net1]}
    b: {networks: [net2, net1]}
    c: {networks: [net2]}
    m: {networks: [net1, net2]}
Y
snapshot "$T/before"
NET_LABS=nn net_state "$T/netbefore"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check_eq "b: eth1 on net2 (10.60.2.2), eth2 on net1 (10.60.1.3)" \
	"eth1=10.60.2.2/24 eth2=10.60.1.3/24" "$(addrs4 nslab-nn-b)"
check_eq "m: eth1 on net1 (10.60.1.4), eth2 on net2 (10.60.2.4)" \
	"eth1=10.60.1.4/24 eth2=10.60.2.4/24" "$(addrs4 nslab-nn-m)"
for n in a b c m; do
	check "/etc/netns/nslab-nn-$n/hosts exists" test -f /etc/netns/nslab-nn-$n/hosts
done

# resolves FROM NAME ADDR: through nslab exec and ip netns exec
resolves() {
	check_match "$1 resolves $2 to $3 (nslab exec)" "^${3//./\\.} " \
		"$("$NSLAB" exec -t "$F" "$1" -- getent hosts "$2" 2>&1)"
	check_match "$1 resolves $2 to $3 (ip netns exec)" "^${3//./\\.} " \
		"$(ip netns exec nslab-nn-"$1" getent hosts "$2" 2>&1)"
}
resolves a b 10.60.1.3 # shared: net1 (b's primary is on net2)
resolves a m 10.60.1.4
resolves b a 10.60.1.2
resolves c b 10.60.2.2
resolves c m 10.60.2.4
resolves m a 10.60.1.2
resolves m c 10.60.2.3
resolves b c 10.60.2.3
resolves b m '10.60.[12].4' # shares both networks with m: either address
check_match "localhost still resolves inside a node" '^(127\.0\.0\.1|::1) ' \
	"$(ip netns exec nslab-nn-a getent hosts localhost)"

check "a pings b by name" nx_pings "$F" a b
check "c pings b by name" nx_pings "$F" c b
check "m pings a by name" nx_pings "$F" m a
check "m pings c by name" nx_pings "$F" m c
check "a pings b by name through ip netns exec" \
	ip netns exec nslab-nn-a ping -n -q -c1 -W2 b

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_fail "destroy removes /etc/netns/nslab-nn-a" test -e /etc/netns/nslab-nn-a
assert_clean "$T/before"
NET_LABS=nn net_assert_state "$T/netbefore" "nft ruleset, iptables-save, links, /etc/netns, cgroups as before the deploy"
done_testing
