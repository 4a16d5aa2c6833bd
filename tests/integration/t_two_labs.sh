#!/bin/bash
# Acceptance point 9 — two labs side by side: deployed concurrently, both
# work; destroying one leaves the other untouched; destroyed concurrently,
# nothing is left; deploying a lab whose name exists is refused (exit 1, the
# message names the lab and says "already deployed").
. "$(dirname "$0")/lib.sh"
require_nslab

mklab() { # mklab NAME BRIDGE PREFIX (PREFIX.0.0/24 bridge, PREFIX.1.0/24 switch)
	cat <<Y
name: $1
topology:
  nodes:
    $2: {kind: bridge}
    a: {}
    b: {}
    c: {kind: switch}
    d: {}
  links:
    - endpoints: ["a:eth1", "$2:$1-a"]
      ipv4: ["$3.0.1/24", ""]
    - endpoints: ["b:eth1", "$2:$1-b"]
      ipv4: ["$3.0.2/24", ""]
    - endpoints: ["b:eth2", "c:p1"]
      ipv4: ["$3.1.2/24", ""]
    - endpoints: ["d:eth1", "c:p2"]
      ipv4: ["$3.1.4/24", ""]
    - type: host
      endpoint: {node: a, interface: up0, ipv4: $3.2.2/30}
      host-interface: $1-up
Y
}
mklab lefty lbr 10.60 >"$T/lefty.yml"
mklab righty rbr 10.61 >"$T/righty.yml"
snapshot "$T/before"

both_work() { # both_work WHEN
	check "$1: lefty a pings b" pings nslab-lefty-a 10.60.0.2
	check "$1: lefty b pings d across the switch" pings nslab-lefty-b 10.60.1.4
	check "$1: righty a pings b" pings nslab-righty-a 10.61.0.2
	check "$1: righty b pings d across the switch" pings nslab-righty-b 10.61.1.4
}

"$NSLAB" deploy -q -t "$T/lefty.yml" >"$T/l.out" 2>"$T/l.err" &
pl=$!
"$NSLAB" deploy -q -t "$T/righty.yml" >"$T/r.out" 2>"$T/r.err" &
pr=$!
rl=0 rr=0
wait $pl || rl=$?
wait $pr || rr=$?
check_eq "concurrent deploy of lefty exits 0" 0 "$rl" || diag "$(cat "$T/l.err")"
check_eq "concurrent deploy of righty exits 0" 0 "$rr" || diag "$(cat "$T/r.err")"
check_eq "the eight namespaces exist" 8 "$(ip netns list | grep -c '^nslab-\(lefty\|righty\)-')"
both_work "side by side"

# the same lab again is refused, by name
run_nslab deploy -t "$T/lefty.yml"
check_eq "deploying lefty again exits 1" 1 "$RC"
check_match "the message names the lab" 'lefty' "$ERR"
check_match "the message says already deployed" 'already deployed' "$ERR"
check_match "the message hints --reconfigure" '--reconfigure' "$ERR"
sed 's/^    d: {}/    d: {}\n    e: {}/' "$T/lefty.yml" >"$T/lefty2.yml"
run_nslab deploy -t "$T/lefty2.yml"
check_eq "another file with the same lab name is refused too" 1 "$RC"
check_fail "and it created nothing (no node e)" netns_exists nslab-lefty-e
both_work "after the refused deploys"

run_nslab destroy --name lefty
check_eq "destroy lefty exits 0" 0 "$RC" || diag "$ERR"
check_eq "lefty's namespaces are gone" 0 "$(ip netns list | grep -c '^nslab-lefty-')"
check_eq "righty's four namespaces still exist" 4 "$(ip netns list | grep -c '^nslab-righty-')"
check_fail "lefty's bridge is gone" ip link show lbr
check "righty's bridge is still there" ip link show rbr
check "righty's host link is still there" ip link show righty-up
check "righty's state is still there" test -d /run/nslab/righty
check_eq "righty still listed by inspect --all" "righty" \
	"$("$NSLAB" inspect --all --format json | python3 -c 'import json,sys; print(" ".join(sorted({r["lab"] for r in json.load(sys.stdin)})))')"
check "after lefty's destroy: righty a pings b" pings nslab-righty-a 10.61.0.2
check "after lefty's destroy: righty b pings d" pings nslab-righty-b 10.61.1.4

run_nslab deploy -q -t "$T/lefty.yml"
check_eq "lefty deploys again beside righty" 0 "$RC" || diag "$ERR"
both_work "redeployed"

"$NSLAB" destroy -q -t "$T/lefty.yml" >/dev/null 2>"$T/l.err" &
pl=$!
"$NSLAB" destroy -q --name righty >/dev/null 2>"$T/r.err" &
pr=$!
rl=0 rr=0
wait $pl || rl=$?
wait $pr || rr=$?
check_eq "concurrent destroy of lefty exits 0" 0 "$rl" || diag "$(cat "$T/l.err")"
check_eq "concurrent destroy of righty exits 0" 0 "$rr" || diag "$(cat "$T/r.err")"
assert_clean "$T/before"
done_testing
