#!/bin/bash
# Issue 6, acceptance 2: a routed lab on three machines.  r1, r2 and r3 sit
# one per host (a, b, c), in a triangle of cross-host veth links with /30s,
# static routes and a loopback /32 each (on lo, by exec).  The machines are
# joined by an underlay bridge in a fourth machine.  Every loopback reaches
# every other; `destroy --host c` on c breaks only the paths through c: r1
# and r2 still reach each other, neither reaches r3.  A destroy of another
# host's share is refused and removes nothing.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT

for h in A B C U; do host_up $h; done
on_host U ip link add ub type bridge
on_host U ip link set ub up
i=1
for h in A B C; do
	ip link add u0 netns "${HOST_PID[$h]}" type veth peer name "u$h" netns "${HOST_PID[U]}"
	on_host $h ip addr add 192.168.0.$i/24 dev u0
	on_host $h ip link set u0 up
	on_host U ip link set "u$h" master ub up
	i=$((i + 1))
done

put_lab A B C <<'Y'
name: tri
hosts:
  a: {address: 192.168.0.1}
  b: {address: 192.168.0.2}
  c: {address: 192.168.0.3}
topology:
  defaults:
    sysctls: {net.ipv4.ip_forward: 1}
  nodes:
    r1:
      host: a
      exec: ["ip addr add 10.255.0.1/32 dev lo"]
      routes:
        - {dst: 10.255.0.2/32, via: 10.0.12.2}
        - {dst: 10.255.0.3/32, via: 10.0.13.2}
    r2:
      host: b
      exec: ["ip addr add 10.255.0.2/32 dev lo"]
      routes:
        - {dst: 10.255.0.1/32, via: 10.0.12.1}
        - {dst: 10.255.0.3/32, via: 10.0.23.2}
    r3:
      host: c
      exec: ["ip addr add 10.255.0.3/32 dev lo"]
      routes:
        - {dst: 10.255.0.1/32, via: 10.0.13.1}
        - {dst: 10.255.0.2/32, via: 10.0.23.1}
  links:
    - {endpoints: ["r1:eth1", "r2:eth1"], ipv4: [10.0.12.1/30, 10.0.12.2/30]}
    - {endpoints: ["r2:eth2", "r3:eth2"], ipv4: [10.0.23.1/30, 10.0.23.2/30]}
    - {endpoints: ["r1:eth3", "r3:eth3"], ipv4: [10.0.13.1/30, 10.0.13.2/30]}
Y
declare -A ON=([1]=A [2]=B [3]=C)
lo_ping() { # lo_ping FROM TO: rFROM's loopback reaches rTO's
	on_host "${ON[$1]}" ip netns exec "nslab-tri-r$1" \
		ping -n -q -c1 -W2 -I "10.255.0.$1" "10.255.0.$2" >/dev/null 2>&1
}

check "A: deploy --host a" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "B: deploy --host b" on_host B "$NSLAB" deploy -q --host b -t /tmp/lab.yml
check "C: deploy --host c" on_host C "$NSLAB" deploy -q --host c -t /tmp/lab.yml
check_match "A: r1:eth1 is a VXLAN to b, r1:eth3 one to c" \
	'^eth1 .*remote 192\.168\.0\.2 .*eth3 .*remote 192\.168\.0\.3 ' \
	"$(on_host A ip -d -o -n nslab-tri-r1 link show type vxlan | awk '{print $2, $0}' | tr '\n' ' ' | sed 's/@[^ ]*//g; s/^\([^ ]*\):/\1/; s/ [0-9]*: eth3:/ eth3/')"
check_match "A: the file's address on r1:eth1" 'inet 10\.0\.12\.1/30' \
	"$(on_host A ip -n nslab-tri-r1 addr show eth1)"
VA=$(on_host A ip -d -j -n nslab-tri-r1 link show eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_data"]["id"])')
VB=$(on_host B ip -d -j -n nslab-tri-r2 link show eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_data"]["id"])')
check_eq "r1:eth1 and r2:eth1 derived the same VNI on their own ($VA)" "$VA" "$VB"
# inspect on a host: its own share, and the far end of each tunnel named.
out=$(on_host A "$NSLAB" inspect --name tri)
check_match "A: inspect lists r1" '^tri +r1 ' "$out"
check_no_match "A: inspect lists only a's share (no r2, no r3)" '^tri +r[23] ' "$out"
check_match "A: inspect --format json says the share is host a" '"host": "a"' \
	"$(on_host A "$NSLAB" inspect --name tri --format json)"
out=$(on_host A "$NSLAB" inspect interfaces --name tri)
check_match "A: r1:eth1's peer is r2:eth1 via b, with the VNI" \
	"^r1 +eth1 .* r2:eth1 via b \\(192\\.168\\.0\\.2\\) vni $VA " "$out"
check_match "A: r1:eth3's peer is r3:eth3 via c" '^r1 +eth3 .* r3:eth3 via c \(192\.168\.0\.3\) vni [0-9]+ ' "$out"
for a in 1 2 3; do
	for b in 1 2 3; do
		[ $a = $b ] && continue
		check "r$a's loopback reaches r$b's" lo_ping $a $b
	done
done

out=$(on_host C "$NSLAB" destroy --name tri --host b 2>&1)
check_eq "C: destroy --host b refused (exit 1)" 1 "$?"
check_match "... saying whose share C holds" "here is host c's share, not host b's; nothing removed" "$out"
check_eq "... and r3 is still there" "nslab-tri-r3" "$(on_host C ip netns list | awk '{print $1}')"
out=$(on_host C "$NSLAB" deploy --host c -t /tmp/lab.yml 2>&1)
check_eq "C: deploying c's share again is refused (exit 1)" 1 "$?"
check_match "... clearly" "host c's share of lab 'tri' is already deployed here" "$out"

check "C: destroy --host c" on_host C "$NSLAB" destroy -q --name tri --host c
check_eq "C: nothing left of the lab" "" "$(on_host C ip netns list; on_host C ip -o link show type vxlan)"
check "r1's loopback still reaches r2's" lo_ping 1 2
check "r2's loopback still reaches r1's" lo_ping 2 1
check_fail "r1 no longer reaches r3 (through c)" lo_ping 1 3
check_fail "r2 no longer reaches r3" lo_ping 2 3
check_match "A: r1:eth3 (to c) is still there, its far end gone" 'eth3' \
	"$(on_host A ip -n nslab-tri-r1 -br link)"

check "A: destroy" on_host A "$NSLAB" destroy -q --name tri --host a
check "B: destroy" on_host B "$NSLAB" destroy -q --name tri --host b
for h in A B; do
	check_eq "$h: nothing left" "" "$(on_host $h ip netns list; on_host $h ip -o link show type vxlan)"
done
done_testing
