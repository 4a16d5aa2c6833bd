#!/bin/bash
# Acceptance point 3 — switch kind (examples/switch.nslab.yml): four hosts on
# a switch node reach each other while the (sandbox's) host namespace has
# `iptables -P FORWARD DROP` and, where br_netfilter is loaded,
# bridge-nf-call-iptables=1 (a Docker host). The bridge br0 lives in the
# switch's namespace, not in the host's.
. "$(dirname "$0")/lib.sh"
require_nslab

cp "$REPO/examples/switch.nslab.yml" "$T/switch.nslab.yml"
F=$T/switch.nslab.yml
sw=nslab-switch-sw

# Docker-like host firewall, in the sandbox's host namespace only.
check "iptables -P FORWARD DROP in the host namespace" iptables -P FORWARD DROP
brnf=/proc/sys/net/bridge/bridge-nf-call-iptables
if [ -e $brnf ]; then
	echo 1 >$brnf
	check_eq "bridge-nf-call-iptables = 1 (br_netfilter is loaded)" 1 "$(cat $brnf)"
	# Control: the firewall really drops traffic across a host bridge.
	ip link add ctlbr type bridge && ip link set ctlbr up
	for i in 1 2; do
		ip netns add ctl$i
		ip link add ctl$i-p type veth peer name eth0 netns ctl$i
		ip link set ctl$i-p master ctlbr up
		ip -n ctl$i link set lo up
		ip -n ctl$i link set eth0 up
		ip -n ctl$i addr add 10.99.0.$i/24 dev eth0
	done
	check "control: a hand-made host bridge is blocked by FORWARD DROP" no_ping ctl1 10.99.0.2
	ip link del ctl1-p; ip link del ctl2-p; ip link del ctlbr; ip netns del ctl1; ip netns del ctl2
else
	diag "br_netfilter is not loaded here: only iptables -P FORWARD DROP applies"
fi
snapshot "$T/before"

run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
for a in 1 2 3 4; do
	for b in 1 2 3 4; do
		[ $a = $b ] && continue
		check "h$a pings h$b (10.0.3.$b) across the switch" pings nslab-switch-h$a 10.0.3.$b
	done
done

check_fail "no br0 in the host namespace" ip link show br0
check_eq "br0 inside the switch namespace is a bridge" bridge \
	"$(json_get "$(ip -n $sw -j -d link show br0)" 'd[0]["linkinfo"]["info_kind"]')"
check_eq "br0's ports (bridge link in the switch namespace): p1..p4" "p1 p2 p3 p4" "$(bridge_ports br0 $sw)"
check_eq "no bridge port in the host namespace" "" "$(bridge link show)"
check_eq "the host namespace has no lab interface" "lo" "$(ip -br link | awk '{print $1}' | xargs)"
check_eq "switch namespace: ip_forward 0 (rule 1)" 0 "$(ip netns exec $sw cat /proc/sys/net/ipv4/ip_forward)"
check_match "switch namespace: lo up" 'UP' "$(ip -n $sw -br link show lo)"
check_eq "the FORWARD policy is still DROP" "-P FORWARD DROP" "$(iptables -S FORWARD | head -n1)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
