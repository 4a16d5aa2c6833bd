#!/bin/bash
# Issue 6, acceptance 1: one file, two machines (A and B of
# fixtures/hosts_lib.sh, joined by the underlay veth u0).  ns1 on host a and
# ns2 on host b share 10.0.0.0/24 through the bridge br1, stretched: each
# machine builds br1 with its own member's port and one VXLAN to the other.
# They ping each other; a capture of the underlay shows UDP to 14789 with the
# VNI nslab derived (read back from the device on both machines: the same)
# and the inner ICMP; the ports' MTU is the tunnel's, so `ping -M do` fits at
# 1422 bytes and says "message too long" at 1423.  Each machine's destroy
# leaves nothing.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT

two_machines

# The same file on both machines (each has its own /tmp: in through stdin).
put_lab A B <<'Y'
name: two
hosts:
  a: {address: 192.168.0.1}
  b: {address: 192.168.0.2}
topology:
  nodes:
    ns1: {host: a}
    ns2: {host: b}
    br1: {kind: bridge}
  links:
    - {endpoints: ["ns1:eth1", "br1:p1"], ipv4: [10.0.0.1/24]}
    - {endpoints: ["ns2:eth1", "br1:p2"], ipv4: [10.0.0.2/24]}
Y
N1=nslab-two-ns1
N2=nslab-two-ns2

on_host A ip -br link | awk '{print $1}' >"$T/a-before"
on_host B ip -br link | awk '{print $1}' >"$T/b-before"
out=$(on_host A "$NSLAB" deploy -q -t /tmp/lab.yml 2>&1)
check_eq "without --host: usage error (2)" 2 "$?"
check_match "... naming the hosts" "spans hosts a, b: give the one this machine is with --host" "$out"
check "A: deploy --host a" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "B: deploy --host b" on_host B "$NSLAB" deploy -q --host b -t /tmp/lab.yml
check_eq "A: only ns1's namespace" "$N1" "$(on_host A ip netns list | awk '{print $1}')"
check_eq "B: only ns2's namespace" "$N2" "$(on_host B ip netns list | awk '{print $1}')"
check_eq "A: br1's ports: one tunnel and p1" "nsx p1" \
	"$(on_host A bridge link show master br1 | awk '{print $2}' | sed 's/@.*//; s/^\(nsx\).*/\1/' | sort | tr '\n' ' ' | sed 's/ $//')"

# The VNI nslab derived, as the kernel has it on each machine.
vni() { on_host "$1" ip -d -j link show type vxlan | python3 -c '
import json, sys
d = [l for l in json.load(sys.stdin) if l["ifname"].startswith("nsx")]
print(d[0]["linkinfo"]["info_data"]["id"] if len(d) == 1 else "none")'; }
VA=$(vni A)
VB=$(vni B)
check_match "A: one segment tunnel with a derived VNI ($VA)" '^[0-9]+$' "$VA"
check_eq "B derived the same VNI, from the file alone" "$VA" "$VB"
out=$(on_host A "$NSLAB" inspect interfaces --name two -n br1)
check_match "A: inspect shows br1's tunnel port, to b, with the VNI" \
	"^br1 +nsx[0-9a-f]{8} .* via b \\(192\\.168\\.0\\.2\\) vni $VA " "$out"
check_match "A: and its local port p1" '^br1 +p1 ' "$out"
check_no_match "A: inspect shows a's share only (no ns2)" '^two +ns2 ' \
	"$(on_host A "$NSLAB" inspect --name two)"
det=$(on_host A ip -d link show type vxlan)
check_match "A: the tunnel goes to b's address, port 14789, no learning" \
	'remote 192\.168\.0\.2 .*dstport 14789 .*nolearning' "$det"
check_match "A: its port is isolated (split horizon)" 'isolated on' "$(on_host A ip -d link show master br1 type vxlan)"
check_match "A: ns1:eth1 has the tunnel's MTU (1500 - 50)" 'mtu 1450 ' \
	"$(on_host A ip -n $N1 link show eth1)"

check_vxlan_path $N1 10.0.0.1 $N2 10.0.0.2 "$VA"

check "A: destroy --host a" on_host A "$NSLAB" destroy -q --name two --host a
check "B: destroy --host b" on_host B "$NSLAB" destroy -q --name two --host b
for h in A B; do
	check_eq "$h: no namespace left" "" "$(on_host $h ip netns list)"
	check_eq "$h: no vxlan device left" "" "$(on_host $h ip -d -o link show type vxlan)"
done
check_eq "A: links as before" "$(cat "$T/a-before")" "$(on_host A ip -br link | awk '{print $1}')"
check_eq "B: links as before" "$(cat "$T/b-before")" "$(on_host B ip -br link | awk '{print $1}')"
done_testing
