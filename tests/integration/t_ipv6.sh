#!/bin/bash
# Extra — IPv6: per-endpoint ipv6 addresses, `default6` and IPv6 `via`
# routes, forwarding through sysctls (net.ipv6.conf.all.forwarding), ping -6
# end to end.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/v6.nslab.yml
cat >"$F" <<'Y'
name: v6
topology:
  nodes:
    a:
      routes: [{dst: default6, via: "fd00:a::1"}]
    r:
      sysctls: {net.ipv6.conf.all.forwarding: 1}
    b:
      routes: [{dst: "fd00:a::/64", via: "fd00:b::1"}]
  links:
    - endpoints: ["a:eth1", "r:eth1"]
      ipv6: ["fd00:a::2/64", "fd00:a::1/64"]
    - endpoints: ["r:eth2", "b:eth1"]
      ipv6: ["fd00:b::1/64", "fd00:b::2/64"]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check_match "a has fd00:a::2/64" 'fd00:a::2/64' "$(ip -n nslab-v6-a -br addr show eth1)"
check_match "a: default route via fd00:a::1" 'default via fd00:a::1 dev eth1' "$(ip -n nslab-v6-a -6 route show default)"
check_eq "r: IPv6 forwarding on" 1 "$(ip netns exec nslab-v6-r cat /proc/sys/net/ipv6/conf/all/forwarding)"
check "a pings r (ping -6)" pings nslab-v6-a fd00:a::1
check "a pings b through r" pings nslab-v6-a fd00:b::2
check "b pings a through r" pings nslab-v6-b fd00:a::2
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
