#!/bin/bash
# Rule 1 on a host whose own settings differ: new namespaces copy IPv4
# forwarding and rp_filter from the host's initial namespace, and nslab must
# still start every node with forwarding off and rp_filter 0 (it reads what
# a new namespace gets once, and writes what differs).  Only where the host
# forwards and filters: `make check-vm` sets that up in the throwaway VM
# (ip_forward=1, rp_filter=2) before the tests; elsewhere this test skips.
. "$(dirname "$0")/lib.sh"
require_nslab

probe=$(mktemp -u probe.XXXX)
ip netns add "$probe"
fwd=$(ip netns exec "$probe" cat /proc/sys/net/ipv4/ip_forward)
rpf=$(ip netns exec "$probe" cat /proc/sys/net/ipv4/conf/all/rp_filter)
ip netns del "$probe"
if [ "$fwd" != 1 ] || [ "$rpf" = 0 ]; then
	echo "1..0 # skip: new namespaces here start with ip_forward=$fwd rp_filter=$rpf;" \
		"this test needs a host that forwards and filters (make check-vm sets one up)"
	echo "0 passed, 0 failed"
	exit 0
fi

F=$T/rule1.nslab.yml
cat >"$F" <<'Y'
name: rule1
topology:
  nodes:
    a: {}
    r: {sysctls: {net.ipv4.ip_forward: 1}}
    b: {}
  links:
    - endpoints: ["a:eth1", "r:eth1"]
      ipv4: ["10.70.1.2/24", "10.70.1.1/24"]
    - endpoints: ["r:eth2", "b:eth1"]
      ipv4: ["10.70.2.1/24", "10.70.2.2/24"]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
for n in a b; do
	ns=$(nsname rule1 $n)
	check_eq "$n: ip_forward 0 although the host forwards" 0 \
		"$(ip netns exec "$ns" cat /proc/sys/net/ipv4/ip_forward)"
	check_eq "$n: rp_filter all/default 0 0 although the host filters" "0 0" \
		"$(ip netns exec "$ns" cat /proc/sys/net/ipv4/conf/all/rp_filter) $(ip netns exec "$ns" cat /proc/sys/net/ipv4/conf/default/rp_filter)"
done
check_eq "r: ip_forward 1, as its sysctls say" 1 \
	"$(ip netns exec "$(nsname rule1 r)" cat /proc/sys/net/ipv4/ip_forward)"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
