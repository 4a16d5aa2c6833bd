#!/bin/bash
# Extra — --reconfigure: a deployed lab is refused without it ("already
# deployed", hint --reconfigure); with it the lab is destroyed and deployed
# again from the changed file (new node, changed address, removed node).
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/reconf.nslab.yml
cat >"$F" <<'Y'
name: reconf
topology:
  nodes:
    rbr: {kind: bridge}
    n1: {}
    n2: {}
    old: {}
  links:
    - endpoints: ["n1:eth1", "rbr:reconf-n1"]
      ipv4: ["10.70.0.1/24", ""]
    - endpoints: ["n2:eth1", "rbr:reconf-n2"]
      ipv4: ["10.70.0.2/24", ""]
    - endpoints: ["old:eth1", "rbr:reconf-old"]
      ipv4: ["10.70.0.9/24", ""]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "n1 pings n2" pings nslab-reconf-n1 10.70.0.2

cat >"$F" <<'Y'
name: reconf
topology:
  nodes:
    rbr: {kind: bridge}
    n1: {}
    n2: {}
    new: {}
  links:
    - endpoints: ["n1:eth1", "rbr:reconf-n1"]
      ipv4: ["10.70.0.11/24", ""]
    - endpoints: ["n2:eth1", "rbr:reconf-n2"]
      ipv4: ["10.70.0.2/24", ""]
    - endpoints: ["new:eth1", "rbr:reconf-new"]
      ipv4: ["10.70.0.3/24", ""]
Y
run_nslab deploy -t "$F"
check_eq "deploy of the changed file without --reconfigure exits 1" 1 "$RC"
check_match "message: already deployed" 'already deployed' "$ERR"
check_match "message hints --reconfigure" '--reconfigure' "$ERR"
check "the old lab is untouched: node old still exists" netns_exists nslab-reconf-old
check "the old lab still works" pings nslab-reconf-old 10.70.0.1

run_nslab deploy --reconfigure -t "$F"
check_eq "deploy --reconfigure exits 0" 0 "$RC" || diag "$ERR"
check_fail "node old is gone" netns_exists nslab-reconf-old
check_fail "its bridge port is gone" ip link show reconf-old
check "node new exists" netns_exists nslab-reconf-new
check_match "n1 has its new address" '10\.70\.0\.11/24' "$(ip -n nslab-reconf-n1 -br addr show eth1)"
check_no_match "n1 lost its old address" '10\.70\.0\.1/' "$(ip -n nslab-reconf-n1 -br addr show eth1)"
check "new pings n1 at its new address" pings nslab-reconf-new 10.70.0.11
check_eq "the bridge has the three ports" "reconf-n1 reconf-n2 reconf-new" "$(bridge_ports rbr)"

run_nslab deploy --reconfigure -t "$F"
check_eq "--reconfigure of an unchanged lab exits 0" 0 "$RC" || diag "$ERR"
check "and it works" pings nslab-reconf-n2 10.70.0.3

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
run_nslab deploy --reconfigure -t "$F"
check_eq "--reconfigure when nothing is deployed just deploys" 0 "$RC" || diag "$ERR"
run_nslab destroy -t "$F"
assert_clean "$T/before"
done_testing
