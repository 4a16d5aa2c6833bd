#!/bin/bash
# Issue 6, explicit links: containerlab-style `type: vxlan` links in two
# separately written files, one per machine (machines A and B of
# fixtures/hosts_lib.sh, joined by the underlay veth u0), interoperate: n1 on
# A pings n2 on B through VNI 4242 on UDP port 14789; the MTU is the
# underlay's 1500 - 50, `ping -M do` fits at 1422 bytes and says "message too
# long" at 1423; a capture on the underlay shows the VXLAN header with the
# VNI and the inner ICMP; the device's UDP socket is the host namespace's;
# destroy leaves nothing on either machine.  Errors: no route to the remote,
# an explicit mtu larger than the underlay allows.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT

two_machines

# Each machine has its own /tmp: the file goes in through stdin.
put() { on_host "$1" sh -c "cat >/tmp/$2"; }

put A a.yml <<'Y'
name: site-a
topology:
  nodes:
    n1: {kind: linux}
  links:
    - type: vxlan
      endpoint:
        node: n1
        interface: vx0
        ipv4: 10.9.0.1/24
      remote: 192.168.0.2
      vni: 4242
      udp-port: 14789
Y
put B b.yml <<'Y'
name: site-b
topology:
  nodes:
    n2: {}
  links:
    - type: vxlan
      endpoint: {node: n2, interface: vx0, mac: "02:00:00:00:42:02", ipv4: 10.9.0.2/24}
      remote: 192.168.0.1
      vni: 4242
Y
N1=nslab-site-a-n1
N2=nslab-site-b-n2

on_host A ip -br link | awk "{print \$1}" >"$T/a-before"
on_host B ip -br link | awk "{print \$1}" >"$T/b-before"
check "A: deploy" on_host A "$NSLAB" deploy -q -t /tmp/a.yml
check "B: deploy" on_host B "$NSLAB" deploy -q -t /tmp/b.yml

det=$(on_host A ip -d -n $N1 link show vx0)
check_match "A: vx0 is a vxlan device with VNI 4242 to 192.168.0.2, port 14789" \
	'vxlan id 4242 remote 192\.168\.0\.2 .*dstport 14789' "$det"
check_match "A: vx0's underlay is another namespace (the host's: link-netns)" 'link-netns' "$det"
check_match "A: vx0 does not learn MACs" 'nolearning' "$det"
check_match "A: vx0's MTU is the underlay's 1500 - 50" 'mtu 1450 ' "$det"
check_match "B: vx0 has the file's MAC" '02:00:00:00:42:02' "$(on_host B ip -n $N2 link show vx0)"
check_match "A: the UDP socket on 14789 is in the host namespace" ':14789 ' \
	"$(on_host A ss -Hulpn)"
check_eq "A: no UDP socket inside n1" "" "$(on_host A ip netns exec $N1 ss -Hulpn)"

check_vxlan_path $N1 10.9.0.1 $N2 10.9.0.2 4242

check_match "A: inspect interfaces names the tunnel's far end" 'vx0 .*vxlan:192\.168\.0\.2:4242' \
	"$(on_host A "$NSLAB" inspect interfaces --name site-a 2>&1)"

check "A: destroy" on_host A "$NSLAB" destroy -q --name site-a
check "B: destroy" on_host B "$NSLAB" destroy -q --name site-b
check_eq "A: no vxlan device left" "" "$(on_host A ip -d -o link show type vxlan)"
check_eq "B: no vxlan device left" "" "$(on_host B ip -d -o link show type vxlan)"
check_eq "A: no namespace left" "" "$(on_host A ip netns list)"
check_eq "B: no namespace left" "" "$(on_host B ip netns list)"
check_eq "A: links as before" "$(cat "$T/a-before")" "$(on_host A ip -br link | awk "{print \$1}")"
check_eq "B: links as before" "$(cat "$T/b-before")" "$(on_host B ip -br link | awk "{print \$1}")"
# The kernel frees a deleted namespace's devices, and so the socket, a moment later.
for _ in $(seq 50); do
	[ -z "$(on_host A ss -Huln | grep ':14789 ')" ] && break
	sleep 0.1
done
check_eq "A: UDP 14789 closed" "" "$(on_host A ss -Huln | grep ':14789 ')"

# Errors: nothing is left behind, and the message says what to do.
put A noroute.yml <<'Y'
name: noroute
topology:
  nodes: {n1: {}}
  links:
    - {type: vxlan, endpoint: {node: n1, interface: vx0}, remote: 172.31.9.9, vni: 7}
Y
out=$(on_host A "$NSLAB" deploy -q -t /tmp/noroute.yml 2>&1)
rc=$?
check_eq "no route to remote: exit 1" 1 "$rc"
check_match "... says so and what to do" \
	'^nslab: n1:vx0: no route to remote 172\.31\.9\.9 in the host namespace' "$out"
check_match "... hint: underlay route or parent-interface" 'parent-interface' "$out"
check_eq "... and leaves no namespace" "" "$(on_host A ip netns list)"

put A bigmtu.yml <<'Y'
name: bigmtu
topology:
  nodes: {n1: {}}
  links:
    - {type: vxlan, endpoint: {node: n1, interface: vx0}, remote: 192.168.0.2, vni: 8, mtu: 1451}
Y
out=$(on_host A "$NSLAB" deploy -q -t /tmp/bigmtu.yml 2>&1)
rc=$?
check_eq "mtu 1451 over a 1500 underlay: exit 1" 1 "$rc"
check_match "... names both numbers" '^nslab: n1:vx0: mtu 1451 is larger than 1450, the underlay.s MTU 1500' "$out"
check_eq "... and leaves no namespace" "" "$(on_host A ip netns list)"
check_eq "... nor a vxlan device" "" "$(on_host A ip -d -o link show type vxlan)"
done_testing
