#!/bin/bash
# Issue 5, point 5 — link failure: `nslab link set NODE:IFACE down` takes both
# ends of the cable down (ip -j link: no UP flag on either end), pings across
# it fail; `up` brings both back and pings succeed again within 2 seconds
# (polled). Taking a device down makes the kernel drop its routes and IPv6
# addresses: `up` puts back what the file gives the two ends, so a routed
# path through the link works again too. Also `inspect interfaces` counters:
# after N pings, rx/tx packets grew by at least N on the right ends, and
# agree with `ip -s -j link`.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/lnk.nslab.yml
cat >"$F" <<'Y'
name: lnk
topology:
  nodes:
    h1: {routes: [{dst: 10.0.2.0/24, via: 10.0.1.1}]}
    r1: {sysctls: {net.ipv4.ip_forward: 1}}
    h2: {routes: [{dst: default, via: 10.0.2.1}]}
  links:
    - endpoints: ["h1:eth1", "r1:eth1"]
      ipv4: [10.0.1.2/24, 10.0.1.1/24]
      ipv6: ["fd00:1::2/64", "fd00:1::1/64"]
    - endpoints: ["r1:eth2", "h2:eth1"]
      ipv4: [10.0.2.1/24, 10.0.2.2/24]
Y
h1=nslab-lnk-h1 r1=nslab-lnk-r1 h2=nslab-lnk-h2
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "h1 -> r1 across the link" pings $h1 10.0.1.1
check "h1 -> h2 through r1 (h1's route via 10.0.1.1)" pings $h1 10.0.2.2
check "h1 -> r1 over IPv6" pings $h1 fd00:1::1

# --- counters -------------------------------------------------------------
# counter NODE IFACE KEY: from inspect interfaces --format json
counter() {
	"$NSLAB" inspect interfaces -t "$F" -n "$1" --format json |
		python3 -c 'import json,sys; print([r for r in json.load(sys.stdin) if r["name"] == sys.argv[1]][0][sys.argv[2]])' "$2" "$3"
}
ipstat() { # ipstat NETNS IFACE rx|tx packets|bytes: as ip -s -j link says
	ip -n "$1" -s -j link show "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"][sys.argv[1]][sys.argv[2]])' "$3" "$4"
}
N=20
b_r1rx=$(counter r1 eth1 rx_packets) b_h1tx=$(counter h1 eth1 tx_packets)
b_h1rx=$(counter h1 eth1 rx_packets) b_r1txb=$(counter r1 eth1 tx_bytes)
check "$N pings h1 -> r1" in_ns $h1 ping -n -q -c $N -i 0.05 -W 1 10.0.1.1
a_r1rx=$(counter r1 eth1 rx_packets) a_h1tx=$(counter h1 eth1 tx_packets)
a_h1rx=$(counter h1 eth1 rx_packets) a_r1txb=$(counter r1 eth1 tx_bytes)
check "r1:eth1 rx_packets grew by >= $N ($b_r1rx -> $a_r1rx)" test $((a_r1rx - b_r1rx)) -ge $N
check "h1:eth1 tx_packets grew by >= $N ($b_h1tx -> $a_h1tx)" test $((a_h1tx - b_h1tx)) -ge $N
check "h1:eth1 rx_packets grew by >= $N (the replies: $b_h1rx -> $a_h1rx)" test $((a_h1rx - b_h1rx)) -ge $N
check "r1:eth1 tx_bytes grew by >= $N x 98 bytes (ICMP echo replies)" test $((a_r1txb - b_r1txb)) -ge $((N * 98))
check "h2:eth1 saw none of them (rx_packets < $N)" test "$(counter h2 eth1 rx_packets)" -lt $N
i=$(ipstat $r1 eth1 rx packets)
check "r1:eth1 rx_packets agrees with ip -s -j link ($a_r1rx <= $i <= $a_r1rx + 5)" \
	test "$a_r1rx" -le "$i" -a "$i" -le $((a_r1rx + 5))
run_nslab inspect interfaces -t "$F" -n r1
check_match "the table has RX, TX and NETEM columns after PEER" \
	'^NODE +NAME +IFINDEX +MAC +MTU +STATE +ADDRESSES +PEER +RX +TX +NETEM$' "$(head -1 <<<"$OUT")"
check_match "r1:eth1's row: RX as packets/bytes, no netem" \
	'^r1 +eth1 .* h1:eth1 +[0-9]{2,}/[0-9]{4,} +[0-9]{2,}/[0-9]{4,} +-$' "$(grep ' eth1 ' <<<"$OUT")"

# --- down -----------------------------------------------------------------
up_flag() { # up_flag NETNS|- IFACE: "UP" when the device is administratively up
	_in_ns_or_host "$1" ip -j link show "$2" | python3 -c 'import json,sys; print("UP" if "UP" in json.load(sys.stdin)[0]["flags"] else "DOWN")'
}
run_nslab link set -t "$F" r1:eth1 down
check_eq "link set r1:eth1 down exits 0" 0 "$RC" || diag "$ERR"
check_eq "r1:eth1 is down" DOWN "$(up_flag $r1 eth1)"
check_eq "and the far end h1:eth1 too" DOWN "$(up_flag $h1 eth1)"
check_eq "r1's other link is untouched" UP "$(up_flag $r1 eth2)"
check "h1 -> r1 fails" no_ping $h1 10.0.1.1
check "r1 -> h1 fails" no_ping $r1 10.0.1.2
check "h1 -> h2 fails" no_ping $h1 10.0.2.2
check_eq "the kernel dropped h1's route through the link (why up puts it back)" "" \
	"$(ip -n $h1 route show 10.0.2.0/24)"
check_eq "inspect interfaces: h1:eth1 state down" down "$(counter h1 eth1 state)"

# --- up: within 2 seconds ---------------------------------------------------
run_nslab link set -t "$F" r1:eth1 up
check_eq "link set r1:eth1 up exits 0" 0 "$RC" || diag "$ERR"
t0=$(date +%s%N) back=none
while [ $((($(date +%s%N) - t0) / 1000000)) -lt 2000 ]; do
	if in_ns $h1 ping -n -q -c1 -W 0.2 10.0.1.1 >/dev/null 2>&1; then
		back=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
done
check "h1 -> r1 works again within 2 s (after ${back} ms)" test "$back" != none
check_eq "both ends up" "UP UP" "$(up_flag $r1 eth1) $(up_flag $h1 eth1)"
check_match "h1's route via 10.0.1.1 is back" '^10\.0\.2\.0/24 via 10\.0\.1\.1 dev eth1' \
	"$(ip -n $h1 route show 10.0.2.0/24)"
check "h1 -> h2 through r1 works again" pings $h1 10.0.2.2
check_match "h1's IPv6 address is back" 'inet6 fd00:1::2/64' "$(ip -n $h1 -6 addr show dev eth1)"
check "h1 -> r1 over IPv6 works again" pings $h1 fd00:1::1

# the other end named, and the second link: h2's default route comes back
run_nslab link set -t "$F" h2:eth1 down
check_eq "link set h2:eth1 down: r1:eth2 and h2:eth1 down" "0 DOWN DOWN" "$RC $(up_flag $r1 eth2) $(up_flag $h2 eth1)"
check "h2 -> r1 fails" no_ping $h2 10.0.2.1
run_nslab link set --name lnk h2:eth1 up
check_eq "link set --name lnk h2:eth1 up exits 0" 0 "$RC" || diag "$ERR"
check "h2 -> h1 works again (h2's default route back)" pings $h2 10.0.1.2

# a node's interface on a network: its far end is the network's port on the bridge
F2=$T/lnn.nslab.yml
cat >"$F2" <<'Y'
name: lnn
networks:
  lan: {subnet: 172.31.9.0/24}
topology:
  nodes:
    n1: {networks: [lan]}
    n2: {networks: [lan]}
Y
run_nslab deploy -q -t "$F2"
check_eq "a lab with a network deploys" 0 "$RC" || diag "$ERR"
n1=nslab-lnn-n1
check "n1 -> n2 on the network" pings $n1 172.31.9.3
# the far end, found independently: the host device whose ifindex n1:eth1's IFLA_LINK names
pidx=$(ip -n $n1 -j link show eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["link_index"])')
port=$(ip -j link show | python3 -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l["ifindex"] == int(sys.argv[1])][0])' "$pidx")
run_nslab link set -t "$F2" n1:eth1 down
check_eq "link set n1:eth1 down exits 0" 0 "$RC" || diag "$ERR"
check_eq "n1:eth1 is down" DOWN "$(up_flag $n1 eth1)"
check_eq "and its far end, the network's host port $port" DOWN "$(up_flag - "$port")"
check "n1 -> n2 fails" no_ping $n1 172.31.9.3
check_eq "n1's default route went with it" "" "$(ip -n $n1 route show default)"
run_nslab link set -t "$F2" n1:eth1 up
check_eq "link set n1:eth1 up exits 0" 0 "$RC" || diag "$ERR"
check "n1 -> n2 works again" pings $n1 172.31.9.3
check_match "n1's default route via the gateway is back" '^default via 172\.31\.9\.1 dev eth1' \
	"$(ip -n $n1 route show default)"
run_nslab destroy -t "$F2"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"

# --- bad input ------------------------------------------------------------------
run_nslab link set -t "$F" r1:eth9 down
check_eq "an unknown interface: exit 1" 1 "$RC"
check_match "naming the node and what it has" "^nslab: node 'r1' has no interface 'eth9' in the file \(it has: eth1, eth2" "$ERR"
run_nslab link set -t "$F" r1:eth1 sideways
check_eq "a state other than up or down: exit 2" 2 "$RC"
check_match "says so" "^nslab: 'sideways': expected up or down" "$ERR"
run_nslab link set -t "$F" r1 down
check_eq "NODE without :IFACE: exit 2" 2 "$RC"
run_nslab link up -t "$F" r1:eth1
check_eq "an action other than set: exit 2" 2 "$RC"
run_nslab link set --name nosuchlab r1:eth1 down
check_eq "a lab that is not deployed: exit 1" 1 "$RC"
check_match "says so" "lab 'nosuchlab' is not deployed" "$ERR"
run_nslab link --help
check_match "link --help shows the usage" '^usage: nslab link set .*up\|down' "$OUT"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
