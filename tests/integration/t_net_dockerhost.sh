#!/bin/bash
# The ports, compose and nat scenarios again, on a host that looks like a
# Docker host: iptables (iptables-nft) FORWARD policy DROP in the sandbox's
# host namespace, and bridge-nf-call-iptables=1 (bridged traffic between
# nodes of one network goes through iptables too) where br_netfilter is there.
# nslab must let its own traffic through (and only while deployed): after the
# last destroy, iptables-save is exactly as before and the policy still DROP.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
. "$TESTS_DIR/fixtures/net_scenarios.sh"
require_nslab
if ! command -v iptables >/dev/null || ! command -v iptables-save >/dev/null; then
	echo "1..0 # skip: no iptables/iptables-save on this machine"
	echo "0 passed, 0 failed"
	exit 0
fi
net_world
diag "$(iptables -V)"
iptables -P FORWARD DROP
# the Docker host's usual companions, unrelated to the lab: they must survive
iptables -N DOCKER-USER
iptables -A DOCKER-USER -j RETURN
iptables -A FORWARD -j DOCKER-USER
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
	# per network namespace since Linux 5.3: this is the sandbox's own value
	echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
	diag "br_netfilter present: bridge-nf-call-iptables=1"
else
	diag "no /proc/sys/net/bridge (br_netfilter not loaded): bridged traffic bypasses iptables here"
fi
ipt() { iptables-save | grep -v '^#' | sed -E 's/ \[[0-9]+:[0-9]+\]$//'; }
ipt >"$T/ipt.before"
check_match "FORWARD policy is DROP before the labs" '^:FORWARD DROP' "$(cat "$T/ipt.before")"
# the test world itself does not route through the host: lan1 and inet reach
# only the host's own addresses, which FORWARD DROP does not touch
check "lan1 still reaches the host with FORWARD DROP" pings lan1 $LAN_HOST

scenario_ports
scenario_compose
scenario_nat

check_eq "iptables-save after the last destroy: exactly as before" "$(cat "$T/ipt.before")" "$(ipt)"
check_match "FORWARD policy is still DROP" '^:FORWARD DROP' "$(iptables-save)"
[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] &&
	check_eq "bridge-nf-call-iptables still 1" 1 "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)"
done_testing
