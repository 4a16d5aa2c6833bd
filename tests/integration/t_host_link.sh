#!/bin/bash
# Extra — host links: `type: host` with host-ipv4 (the host end gets the
# address; the host namespace of the sandbox pings the node and back), and
# the brief form "node:if" <-> "host:name" with per-endpoint ipv4.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/hl.nslab.yml
cat >"$F" <<'Y'
name: hl
topology:
  nodes:
    r1: {}
    r2: {}
  links:
    - type: host
      endpoint: {node: r1, interface: eth9, ipv4: 192.168.50.2/24}
      host-interface: r1-up
      host-ipv4: 192.168.50.1/24
    - endpoints: ["r2:eth1", "host:r2-up"]
      ipv4: ["192.168.51.2/24", "192.168.51.1/24"]
Y
snapshot "$T/before"
run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "r1-up exists in the host namespace" ip link show r1-up
check_match "r1-up has host-ipv4 192.168.50.1/24" '192\.168\.50\.1/24' "$(ip -br addr show r1-up)"
check_match "r1-up is up" 'UP' "$(ip -br link show r1-up)"
check "the host pings r1 (192.168.50.2)" pings - 192.168.50.2
check "r1 pings the host (192.168.50.1)" pings nslab-hl-r1 192.168.50.1
check_match "r1-up's peer is eth9 in r1's namespace" 'eth9' "$(ip -n nslab-hl-r1 -br link show eth9)"
check_match "brief form: r2-up has 192.168.51.1/24" '192\.168\.51\.1/24' "$(ip -br addr show r2-up)"
check "brief form: the host pings r2" pings - 192.168.51.2
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_fail "r1-up is gone" ip link show r1-up
check_fail "r2-up is gone" ip link show r2-up
assert_clean "$T/before"
done_testing
