#!/bin/bash
# Issue 6, acceptance 5: deploying host a's share twice is refused (exit 1,
# a clear message) and changes nothing; with --reconfigure it is rebuilt,
# while host b's share (another machine) is untouched: the same devices with
# the same ifindexes, and the pings through the tunnel work again.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT

two_machines
put_lab A B <<'Y'
name: idem
hosts:
  a: {address: 192.168.0.1}
  b: {address: 192.168.0.2}
topology:
  nodes:
    n1: {host: a}
    n2: {host: b}
    sw: {kind: bridge}
  links:
    - {endpoints: ["n1:eth1", "n2:eth1"], ipv4: [10.1.0.1/24, 10.1.0.2/24]}
    - {endpoints: ["n1:eth2", "sw:p1"], ipv4: [10.2.0.1/24]}
    - {endpoints: ["n2:eth2", "sw:p2"], ipv4: [10.2.0.2/24]}
Y
N1=nslab-idem-n1
N2=nslab-idem-n2
# B's devices: name, index and kind, in its host namespace and in n2.
b_state() {
	on_host B ip -o -d link | awk '{print $1, $2}'
	on_host B ip -o -n $N2 -d link | awk '{print $1, $2}'
	on_host B ip -o -n $N2 -4 addr | awk '{print $2, $4}'
}

check "A: deploy --host a" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "B: deploy --host b" on_host B "$NSLAB" deploy -q --host b -t /tmp/lab.yml
check "n1 pings n2 over the cross-host link" on_host A ip netns exec $N1 ping -c1 -W2 10.1.0.2
check "n1 pings n2 over the stretched bridge" on_host A ip netns exec $N1 ping -c1 -W2 10.2.0.2
B0=$(b_state)
A0=$(on_host A ip -o -n $N1 link | awk '{print $1, $2}')

out=$(on_host A "$NSLAB" deploy --host a -t /tmp/lab.yml 2>&1)
check_eq "A: deploying a's share again: exit 1" 1 "$?"
check_match "... says it is there and what to do" \
	"^nslab: host a's share of lab 'idem' is already deployed here" "$out"
check_match "... hint: destroy --host a or --reconfigure" \
	'nslab destroy --name idem --host a, or deploy --reconfigure' "$out"
check_eq "... and A is unchanged" "$A0" "$(on_host A ip -o -n $N1 link | awk '{print $1, $2}')"
out=$(on_host A "$NSLAB" deploy --host b -t /tmp/lab.yml 2>&1)
check_eq "A: deploying b's share on a's machine: exit 1" 1 "$?"
check_match "... names the share A holds" "this machine holds host a's share of lab 'idem', not host b's" "$out"

on_host A ip netns exec $N1 ip addr add 10.9.9.9/32 dev lo
# n2 knows n1's MACs (a neighbour entry per link), as before any rebuild.
check "n2 pings n1 over the cross-host link" on_host B ip netns exec $N2 ping -c1 -W2 10.1.0.1
check "n2 pings n1 over the stretched bridge" on_host B ip netns exec $N2 ping -c1 -W2 10.2.0.1
macs() { on_host A ip -n $N1 -br link | awk '$1 != "lo" {sub(/@.*/, "", $1); print $1, $3}' | sort; }
M0=$(macs)
check "A: deploy --reconfigure --host a" on_host A "$NSLAB" deploy -q --reconfigure --host a -t /tmp/lab.yml
check_no_match "A: rebuilt (n1 is a new namespace: the extra address is gone)" '10\.9\.9\.9' \
	"$(on_host A ip -n $N1 addr show lo)"
check_eq "B: its devices and ifindexes unchanged" "$B0" "$(b_state)"
check_eq "A: n1's interfaces have the MACs they had (derived from the names)" "$M0" "$(macs)"
# So n2's neighbour entries are still right: n2 reaches the new n1 first,
# before n1 sent anything (with new random MACs this timed out until n2's
# entries went stale and it asked again).
check "n2 pings the rebuilt n1 over the cross-host link at once" \
	on_host B ip netns exec $N2 ping -c1 -W2 10.1.0.1
check "n2 pings the rebuilt n1 over the stretched bridge at once" \
	on_host B ip netns exec $N2 ping -c1 -W2 10.2.0.1
check "n1 pings n2 over the cross-host link again" on_host A ip netns exec $N1 ping -c1 -W2 10.1.0.2
check "n1 pings n2 over the stretched bridge again" on_host A ip netns exec $N1 ping -c1 -W2 10.2.0.2
check_eq "B: still unchanged after the pings" "$B0" "$(b_state)"

# The kernel frees a namespace in the background, or not at all while
# something holds it: here a process keeps n1's open by a file descriptor.
# Destroy deletes n1's VXLAN device itself, so the same lab deploys again at
# once (before: "File exists", the VNI and port still bound to the old one).
on_host A sh -c "exec 7</run/netns/$N1; exec sleep 60" &
HOLDER=$!
for _ in $(seq 50); do
	[ "$(on_host A sh -c 'ls -l /proc/*/fd/7 2>/dev/null' | grep -c "netns/$N1")" -ge 1 ] && break
	sleep 0.1
done
check "A: destroy, with n1's namespace held open by a process" \
	on_host A "$NSLAB" destroy -q --name idem --host a
held=$(on_host A sh -c 'for p in $(pgrep -f "^sleep 60$"); do
	nsenter --net=/proc/$p/fd/7 ip -o link show; done' 2>&1)
check_match "A: the held namespace is still there (its lo)" '^1: lo:' "$held"
check_no_match "A: ... but without its vxlan device (eth1)" 'eth1' "$held"
check "A: deploy --host a again at once" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "n1 pings n2 over the cross-host link" on_host A ip netns exec $N1 ping -c1 -W2 10.1.0.2
kill $HOLDER 2>/dev/null
on_host A pkill -f '^sleep 60$'
wait $HOLDER 2>/dev/null

check "A: destroy" on_host A "$NSLAB" destroy -q --name idem --host a
check "B: destroy" on_host B "$NSLAB" destroy -q --name idem
for h in A B; do
	check_eq "$h: nothing left" "" "$(on_host $h ip netns list; on_host $h ip -o link show type vxlan; on_host $h ip -o link show type bridge)"
done
done_testing
