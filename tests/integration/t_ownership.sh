#!/bin/bash
# Extra — ownership (docs/design.md "Ownership and safety"): nslab deletes
# only what it created. A deploy that collides with objects the user made by
# hand (a namespace with a node's name, a host interface with a host link's
# or bridge port's name, a non-bridge device with a bridge node's name)
# fails, and neither its rollback nor a later destroy removes the user's
# objects.
. "$(dirname "$0")/lib.sh"
require_nslab

# the user's own objects; made again before each case, so that one case's
# damage does not spill into the next
user_objects() {
	[ -e /run/netns/nslab-own-n1 ] || ip netns add nslab-own-n1
	ip link show own-up >/dev/null 2>&1 || ip link add own-up type veth peer name own-up-peer
	ip link show own-port >/dev/null 2>&1 || ip link add own-port type veth peer name own-port-peer
	ip link show notabr >/dev/null 2>&1 || ip link add notabr type veth peer name notabr-peer
}

# collide NAME MESSAGE-ERE: the topology of lab "own" on stdin
collide() {
	local name=$1 msg=$2 f=$T/$1.yml
	cat >"$f"
	user_objects
	snapshot "$T/before"
	run_nslab deploy -q -t "$f"
	check_eq "$name: deploy exits 1" 1 "$RC" || diag "$OUT"
	check_match "$name: the message says what is in the way: $msg" "^nslab: .*($msg)" "$ERR"
	assert_clean "$T/before" "$name: the user's objects are intact after the rollback"
	run_nslab destroy -t "$f"
	check_eq "$name: destroy exits 0" 0 "$RC"
	assert_clean "$T/before" "$name: and after destroy"
}

collide netns-exists 'nslab-own-n1.*[Ee]xists' <<'Y'
name: own
topology:
  nodes:
    n0: {}
    n1: {}
  links:
    - endpoints: ["n0:eth1", "n1:eth1"]
Y

collide host-interface-exists 'own-up.*[Ee]xists' <<'Y'
name: own
topology:
  nodes:
    n0: {}
    n2: {}
  links:
    - endpoints: ["n0:eth1", "n2:eth1"]
    - type: host
      endpoint: {node: n2, interface: up0}
      host-interface: own-up
Y

collide bridge-port-name-exists 'own-port.*[Ee]xists' <<'Y'
name: own
topology:
  nodes:
    ownbr: {kind: bridge}
    n0: {}
    n2: {}
  links:
    - endpoints: ["n0:eth1", "ownbr:own-n0"]
    - endpoints: ["n2:eth1", "ownbr:own-port"]
Y

collide bridge-name-is-not-a-bridge 'notabr' <<'Y'
name: own
topology:
  nodes:
    notabr: {kind: bridge}
    n0: {}
  links:
    - endpoints: ["n0:eth1", "notabr:own-n0"]
Y

# after a node of the lab is removed by hand, destroy still cleans the rest
user_objects
snapshot "$T/before"
cat >"$T/partial.yml" <<'Y'
name: part
topology:
  nodes:
    partbr: {kind: bridge}
    a: {}
    b: {}
  links:
    - endpoints: ["a:eth1", "partbr:part-a"]
    - endpoints: ["b:eth1", "partbr:part-b"]
    - endpoints: ["a:eth2", "b:eth2"]
Y
run_nslab deploy -q -t "$T/partial.yml"
check_eq "partial: deploy exits 0" 0 "$RC" || diag "$ERR"
ip netns del nslab-part-a
ip link del partbr
run_nslab destroy -t "$T/partial.yml"
check_eq "partial: destroy after a node and the bridge were removed by hand exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before" "partial: clean"
done_testing
