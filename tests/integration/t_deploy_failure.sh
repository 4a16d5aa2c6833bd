#!/bin/bash
# Acceptance point 6 — failure mid-deploy is all or nothing: an `exec` that
# exits 1 on the last node, a route via a gateway on no subnet (the kernel
# refuses it), a sysctl that does not exist: deploy exits 1, the message
# names the node and the cause, the host is exactly as before and
# /run/nslab holds no state of the lab. Each lab also has a host bridge and a
# host link, so host-namespace objects must be rolled back too.
. "$(dirname "$0")/lib.sh"
require_nslab

snapshot "$T/before"

# failing NAME NODE CAUSE_ERE: topology on stdin
failing() {
	local name=$1 node=$2 cause=$3 f=$T/$1.yml
	cat >"$f"
	run_nslab deploy -t "$f"
	DEPLOY_ERR=$ERR
	check_eq "$name: deploy exits 1" 1 "$RC" || diag "stdout: $OUT"
	check_match "$name: stderr starts with 'nslab: '" '^nslab: ' "$ERR"
	check_match "$name: the message names node $node" "\\b$node\\b" "$ERR"
	check_match "$name: the message gives the cause" "$cause" "$ERR"
	check_eq "$name: no state of the lab under /run/nslab" "" "$(ls -A /run/nslab)"
	check_eq "$name: no namespace left" "" "$(ip netns list)"
	assert_clean "$T/before" "$name: host snapshot exactly as before"
	run_nslab destroy -t "$f"
	check_eq "$name: destroy afterwards still exits 0" 0 "$RC"
}

failing exec-fails-on-last-node omega '(exit|status)[^0-9]*1|about to fail' <<'Y'
name: failexec
topology:
  nodes:
    fbr: {kind: bridge}
    alpha: {exec: ["echo alpha ok"]}
    beta: {sysctls: {net.ipv4.ip_forward: 1}}
    omega:
      exec:
        - "echo first command ok"
        - "echo about to fail; exit 1"
  links:
    - endpoints: ["alpha:eth1", "fbr:alpha-e1"]
      ipv4: ["10.5.0.1/24", ""]
    - endpoints: ["beta:eth1", "fbr:beta-e1"]
      ipv4: ["10.5.0.2/24", ""]
    - endpoints: ["omega:eth1", "fbr:omega-e1"]
      ipv4: ["10.5.0.3/24", ""]
    - type: host
      endpoint: {node: beta, interface: up0, ipv4: 10.6.0.2/24}
      host-interface: beta-up
      host-ipv4: 10.6.0.1/24
Y
check_match "exec-fails-on-last-node: the tail of the command's output is shown" 'about to fail' "$DEPLOY_ERR"
check_match "exec-fails-on-last-node: the failing command is named" 'exit 1' "$DEPLOY_ERR"

failing route-via-gateway-on-no-subnet gwbad 'gateway|[Uu]nreachable' <<'Y'
name: failroute
topology:
  nodes:
    fbr2: {kind: bridge}
    ok1: {}
    gwbad:
      routes:
        - {dst: 10.9.0.0/16, via: 10.7.7.7}
  links:
    - endpoints: ["ok1:eth1", "fbr2:ok1-e1"]
      ipv4: ["10.5.0.1/24", ""]
    - endpoints: ["gwbad:eth1", "fbr2:gwbad-e1"]
      ipv4: ["10.5.0.2/24", ""]
    - type: host
      endpoint: {node: ok1, interface: up0, ipv4: 10.6.0.2/24}
      host-interface: ok1-up
      host-ipv4: 10.6.0.1/24
Y

failing ipv6-route-via-unreachable-gateway v6bad 'gateway|[Uu]nreachable|No route' <<'Y'
name: failroute6
topology:
  nodes:
    fbr3: {kind: bridge}
    ok1: {}
    v6bad:
      routes:
        - {dst: "fd99::/64", via: "fd77::1"}
  links:
    - endpoints: ["ok1:eth1", "fbr3:ok1-e1"]
      ipv6: ["fd55::1/64", ""]
    - endpoints: ["v6bad:eth1", "fbr3:v6bad-e1"]
      ipv6: ["fd55::2/64", ""]
Y

failing unknown-sysctl sysbad 'nonexistent_knob|No such file|not exist' <<'Y'
name: failsysctl
topology:
  nodes:
    fbr4: {kind: bridge}
    ok1: {}
    sysbad:
      sysctls: {net.ipv4.nonexistent_knob: 1}
  links:
    - endpoints: ["ok1:eth1", "fbr4:ok1-e1"]
    - endpoints: ["sysbad:eth1", "fbr4:sysbad-e1"]
Y

# The same lab without the failure deploys: the failures above were the only cause.
sed -e '/about to fail/d' "$T/exec-fails-on-last-node.yml" >"$T/fixed.yml"
run_nslab deploy -t "$T/fixed.yml"
check_eq "the lab without the failing command deploys" 0 "$RC" || diag "$ERR"
check "and works: alpha pings omega" pings nslab-failexec-alpha 10.5.0.3
check "and the host link works: host pings beta" pings - 10.6.0.2
run_nslab destroy -t "$T/fixed.yml"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
