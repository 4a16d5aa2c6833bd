#!/bin/bash
# Extra — a bridge `mybridge` made by hand before deploy is used by the lab
# and survives destroy, with its own pre-existing port, its address and its
# settings; only the lab's ports leave it.
. "$(dirname "$0")/lib.sh"
require_nslab

# the user's own bridge, with a port (a veth into a namespace of the user's)
ip link add mybridge type bridge
ip link set mybridge up
ip addr add 10.0.0.254/24 dev mybridge
ip netns add userns
ip link add keep0 type veth peer name eth0 netns userns
ip link set keep0 master mybridge up
ip -n userns link set lo up
ip -n userns link set eth0 up
ip -n userns addr add 10.0.0.100/24 dev eth0
check "setup: the user's namespace reaches the bridge" pings userns 10.0.0.254
snapshot "$T/before"

cp "$REPO/examples/bridge.clab.yml" "$T/bridge.clab.yml"
F=$T/bridge.clab.yml
run_nslab deploy -t "$F"
check_eq "deploy on the existing bridge exits 0" 0 "$RC" || diag "$ERR"
check "h1 pings h3" pings nslab-bridge-h1 10.0.0.3
check "h1 pings the user's namespace on the same bridge" pings nslab-bridge-h1 10.0.0.100
check "h2 pings the bridge's own address" pings nslab-bridge-h2 10.0.0.254
check_eq "mybridge has the user's port and the lab's three" "h1-eth1 h2-eth1 h3-eth1 keep0" "$(bridge_ports mybridge)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check "mybridge still exists" ip link show mybridge
check_match "keep0 is still a port of mybridge" 'keep0.*master mybridge' "$(bridge link show)"
check_match "mybridge kept its address" '10\.0\.0\.254/24' "$(ip -br addr show mybridge)"
check "the user's namespace still exists" netns_exists userns
check "and still reaches the bridge" pings userns 10.0.0.254
assert_clean "$T/before" "everything is as before deploy (bridge, port, address)"
done_testing
