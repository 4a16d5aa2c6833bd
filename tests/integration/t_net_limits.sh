#!/bin/bash
# memory / cpu (spec/topology.md, Nodes): cgroup v2 limits for the node's
# processes, in /sys/fs/cgroup/nslab/<lab>/<node>. `nslab exec` runs inside
# that group: allocating far more than `memory: 64m` is OOM-killed (exit 137)
# and memory.events counts the kill; `cpu: 0.5` is cpu.max "50000 100000";
# services run in the group too; the group is gone after destroy.
# Needs /sys/fs/cgroup to be cgroup2 with the memory (and cpu) controllers:
# skipped with the reason otherwise (e.g. a cgroup v1 / hybrid machine).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab

CG=/sys/fs/cgroup
skip() {
	echo "1..0 # skip: $*"
	echo "0 passed, 0 failed"
	exit 0
}
[ "$(stat -f -c %T $CG 2>/dev/null)" = cgroup2fs ] ||
	skip "$CG is $(stat -f -c %T $CG 2>/dev/null), not cgroup2 (cgroup v1 or hybrid hierarchy)"
grep -qw memory $CG/cgroup.controllers ||
	skip "cgroup v2 at $CG has no memory controller (controllers: $(cat $CG/cgroup.controllers))"
grep -qw cpu $CG/cgroup.controllers ||
	skip "cgroup v2 at $CG has no cpu controller (controllers: $(cat $CG/cgroup.controllers))"

M=86420$$ # marker of this test's service
LAB=lim$$ # the cgroup tree is the machine's: a lab name of our own
F=$T/lim.nslab.yml
cat >"$F" <<Y
name: $LAB
topology:
  nodes:
    small: {memory: 64m, cpu: 0.5, services: ["sleep ${M}1"]}
    free: {}
Y
G=$CG/nslab/$LAB/small
snapshot "$T/before"
NET_LABS=$LAB net_state "$T/netbefore"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "the node's cgroup $G exists" test -d "$G"
check_eq "memory.max = 64 MiB" 67108864 "$(cat "$G/memory.max" 2>&1)"
check_eq "cpu.max = 50000 100000 (cpu: 0.5)" "50000 100000" "$(cat "$G/cpu.max" 2>&1)"
check_eq "nslab exec runs in the node's cgroup" "0::/nslab/$LAB/small" \
	"$("$NSLAB" exec -t "$F" small -- cat /proc/self/cgroup 2>&1 | grep '^0::')"
SP=$(pgrep -f "^sleep ${M}1\$" | head -1)
check_match "the service runs in the node's cgroup" "^0::/nslab/$LAB/small\$" \
	"$(grep '^0::' /proc/${SP:-0}/cgroup 2>&1)"
[ "$(grep -c . /proc/swaps)" -gt 1 ] && diag "swap is on: memory.swap.max = $(cat "$G/memory.swap.max" 2>&1)"
check_exit 137 "200 MiB in a 64m node: OOM-killed (exit 137)" \
	"$NSLAB" exec -t "$F" small -- python3 -c 'b = bytearray(b"x") * (200 << 20)'
check_match "memory.events: oom_kill >= 1" '^oom_kill [1-9]' "$(cat "$G/memory.events" 2>&1)"
check_exit 0 "the same in a node without limits works" \
	"$NSLAB" exec -t "$F" free -- python3 -c 'b = bytearray(b"x") * (200 << 20)'
check_exit 0 "a small allocation in the 64m node works" \
	"$NSLAB" exec -t "$F" small -- python3 -c 'b = bytearray(b"x") * (8 << 20)'

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_fail "the node's cgroup is gone" test -e "$G"
check_fail "the lab's cgroup is gone" test -e "$CG/nslab/$LAB"
check_eq "no service process left" "" "$(pgrep -af "$M")"
assert_clean "$T/before"
NET_LABS=$LAB net_assert_state "$T/netbefore" "nft ruleset, iptables-save, links, /etc/netns, cgroups as before the deploy"
done_testing
