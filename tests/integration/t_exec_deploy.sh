#!/bin/bash
# Extra — a node's `exec` list at deploy time (spec/topology.md): commands
# run in order with /bin/sh -c inside the node, after every link, address,
# route and sysctl of the lab exists; with the node's `env` and hostname;
# ${VAR:-default} is expanded from the environment, $$ is a literal $, and
# a $ not followed by { or $ survives for the shell (rule 2).
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/ex.nslab.yml
out=$T/out
mkdir -p "$out"
cat >"$F" <<Y
name: ex
topology:
  defaults:
    env: {FROM_DEFAULTS: d}
  nodes:
    n1:
      env: {GREETING: hello}
      routes: [{dst: 10.46.1.0/24, via: 10.46.0.2}]
      exec:
        - "echo first >> $out/order"
        - "echo second >> $out/order"
        - "for i in 1 2 3; do ping -c1 -W1 10.46.1.3 > /dev/null && break; done && echo reached > $out/ping"
        - "echo \$GREETING \$FROM_DEFAULTS > $out/env"
        - "cat /proc/sys/kernel/hostname > $out/hostname"
        - "echo \${NSLAB_T_UNSET:-dflt} \$\$GREETING x\$1y > $out/expand"
        - "ip -br addr show eth1 > $out/addr"
    n2:
      sysctls: {net.ipv4.ip_forward: 1}
    n3:
      routes: [{dst: 10.46.0.0/24, via: 10.46.1.2}]
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.46.0.1/24", "10.46.0.2/24"]
    - endpoints: ["n2:eth2", "n3:eth1"]
      ipv4: ["10.46.1.2/24", "10.46.1.3/24"]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR" "$(cat "$F")"
check_eq "the commands ran in order" "first second" "$(xargs <"$out/order")"
check_eq "exec ran after the whole lab existed (n1 reached n3 through n2's forwarding)" reached \
	"$(cat "$out/ping" 2>/dev/null)"
check_eq "exec sees the node's env, merged with defaults" "hello d" "$(cat "$out/env" 2>/dev/null)"
check_eq "exec runs with the node's hostname" n1 "$(cat "$out/hostname" 2>/dev/null)"
check_eq '${VAR:-x} expanded, $$ a literal $, $1 left to the shell' 'dflt hello xy' \
	"$(cat "$out/expand" 2>/dev/null)"
check_match "exec runs inside the node's namespace" '10\.46\.0\.1/24' "$(cat "$out/addr" 2>/dev/null)"
check_eq "the sandbox's own hostname is untouched" nslab-sandbox "$(cat /proc/sys/kernel/hostname)"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
