#!/bin/bash
# Networks of different labs are isolated from each other, as Docker isolates
# the networks of different compose projects: with labs one and two deployed
# side by side (IPv4 and IPv6), a node of one reaches neither a node nor the
# gateway-routed subnet of the other, in either direction; it still reaches
# the other lab's published port through the host's address (DNAT, as
# Docker's published ports are open to every container), its own gateway
# and the outside (NAT). A bridge named by the file (`bridge:`) is isolated
# too, as long as the other lab's bridge has nslab's default name. Once the
# other lab is destroyed, nothing of its rules is left behind.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab
net_world
snapshot "$T/before"

cat >"$T/one.yml" <<'Y'
name: one
networks:
  front: {subnet: 10.61.0.0/24, subnet6: "fd00:61::/64"}
topology:
  nodes:
    a1: {networks: [front]}
Y
cat >"$T/two.yml" <<'Y'
name: two
networks:
  back: {subnet: 10.62.0.0/24, subnet6: "fd00:62::/64"}
  custom: {subnet: 10.63.0.0/24, bridge: mybr63}
topology:
  nodes:
    b1: {networks: [back], ports: ["8062:80"]}
    c1: {networks: [custom]}
Y
A1=nslab-one-a1 B1=nslab-two-b1 C1=nslab-two-c1
run_nslab deploy -q -t "$T/one.yml"
check_eq "lab one deploys" 0 "$RC" || diag "$ERR"
run_nslab deploy -q -t "$T/two.yml"
check_eq "lab two deploys" 0 "$RC" || diag "$ERR"

check "a1 reaches its own gateway 10.61.0.1" pings $A1 10.61.0.1
check "a1 reaches the outside (inet, NAT)" pings $A1 $INET_PEER
check "b1 reaches the outside (inet, NAT)" pings $B1 $INET_PEER
check "a1 does not reach b1 (10.62.0.2), a node of another lab" no_ping $A1 10.62.0.2
check "b1 does not reach a1 (10.61.0.2)" no_ping $B1 10.61.0.2
check "IPv6: a1 does not reach b1 (fd00:62::2)" no_ping $A1 fd00:62::2
check "IPv6: b1 does not reach a1 (fd00:61::2)" no_ping $B1 fd00:61::2
check "a1 does not reach c1 (10.63.0.2), on a bridge the file names (mybr63)" no_ping $A1 10.63.0.2
check "c1 does not reach a1" no_ping $C1 10.61.0.2
tcp_server $B1 80 b1 "$T/b1.log"
check "no TCP from a1 to b1:80 directly" no_tcp $A1 10.62.0.2 80
check_eq "a1 -> the host's address $LAN_HOST:8062, b1's published port, is answered by b1" b1 \
	"$(tcp_send $A1 $LAN_HOST 8062 from-a1)"
check_eq "... and from lan1 (another machine) too" b1 "$(tcp_send lan1 $LAN_HOST 8062 from-lan1)"
stop_servers

# The rules live in each lab's own table: destroying two takes its half.
run_nslab destroy -q -t "$T/two.yml"
check_eq "lab two is destroyed" 0 "$RC" || diag "$ERR"
check_fail "no table of lab two left" nft list table inet nslab_two
check "a1 still reaches the outside" pings $A1 $INET_PEER
run_nslab destroy -q -t "$T/one.yml"
check_eq "lab one is destroyed" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
