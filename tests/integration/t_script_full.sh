#!/bin/bash
# nslab script (issue 5, point 1) on a lab that uses every link type and key
# implemented so far (tests/fixtures/script/full.nslab.yml): veth links
# with MACs, MTUs, several IPv4 and IPv6 addresses; a bridge node, a switch
# node, host links in both forms; networks with NAT, internal, own gateway,
# bridge name and MTU, IPv6 subnets; mgmt; published ports (tcp, udp, a
# shifted range, 127.0.0.1); kind ext by name and by pid; routes of every
# form (via, dev, metric, table, src, onlink, default, default6, IPv6);
# global and per-interface sysctls, exec with env and shell metacharacters,
# startup-delay, wait-for, hostname, services, a host-node exec; on a host
# whose FORWARD chains drop (Docker's).  The script, run by dash in one
# fresh sandbox, and `nslab deploy`, in another, give the same normalised
# dumps; both teardowns leave their sandbox as it was (the adopted
# namespaces intact).  Not in the lab: memory/cpu limits (cgroups: the
# script leaves them out, and this machine has no cgroup v2).  Impairments
# are in a second lab (tests/fixtures/script/netem.nslab.yml): rate limits
# only, as tbf, because this kernel has no sch_netem (netem's own commands
# are unit-tested in test_script.c); it is skipped, with the reason, by a
# build that does not parse `netem:` yet.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/script_lib.sh"
require_nslab
script_work
snapshot "$T/before"

F=$REPO/tests/fixtures/script/full.nslab.yml
SETUP=$REPO/tests/fixtures/script/full.setup.sh script_build script "$F" "$W/full.script"
SETUP=$REPO/tests/fixtures/script/full.setup.sh script_build deploy "$F" "$W/full.deploy"
# rate limits (tbf) on every kind of link end, in a lab of their own
N=$REPO/tests/fixtures/script/netem.nslab.yml
if "$NSLAB" validate -t "$N" >/dev/null 2>&1; then
	script_build script "$N" "$W/shaped.script"
	script_build deploy "$N" "$W/shaped.deploy"
fi
wait

script_compare full "$F" "$W/full.script" "$W/full.deploy"
check_eq "full: a second teardown (nothing left) exits 0" 0 "$(cat "$W/full.script/teardown2.rc" 2>/dev/null)" ||
	diag "$(tail -n 5 "$W/full.script/teardown2.log" 2>/dev/null)"

# The script does every kind of step, as plain commands.
S=$(cat "$W/full.script/build.sh" 2>/dev/null)
check_match "namespaces: ip netns add" '^ip netns add nslab-full-r1$' "$S"
check_match "kind ext by pid: ip netns attach" '^ip netns attach nslab-full-x2 [0-9]+$' "$S"
check_match "kind ext by name: a bind mount of its pin" '^mount --bind /run/netns/ext-named /run/netns/nslab-full-x1$' "$S"
check_match "veths made in place with nslab's ifindex and the file's MAC" \
	'^ip link add name eth1 netns nslab-full-r1 index \$\(\(skip \+ 2\)\) mtu 9000 address 02:00:00:00:12:01 type veth peer name eth1 netns nslab-full-r2 index \$\(\(skip \+ 2\)\) mtu 9000$' "$S"
check_match "vxlan: made into its node, its MTU worked out from its underlay when the script runs" \
	'^ip link add name vx0 netns nslab-full-r2 index \$\(\(skip \+ [0-9]+\)\) mtu "\$mtu" type vxlan id 78 remote 192\.168\.78\.2 dstport 14789 nolearning$' "$S"
check_match "vxlan: both sides give vx0 the underlay's MTU 1400 less 50" \
	'^ns nslab-full-r2 link vx0 .*"mtu": 1350' "$(cat "$W/full.deploy/norm" 2>/dev/null)"
VX1=$(grep '^ns nslab-full-sw link vx1 ' "$W/full.script/norm" 2>/dev/null)
for want in '"address": "02:00:00:00:78:01"' '"info_kind": "vxlan"' '"local": "192\.168\.78\.1"' \
	'"port": 4789' '"master": "br0"' '"mtu": 1300'; do
	check_match "vxlan: the file's MTU, MAC, local address, port; a port of the switch's br0: $want" \
		"$want" "$VX1"
done
check_match "switch: br0 in its namespace" '^ip -n nslab-full-sw link add name br0 index \$\(\(skip \+ 2\)\) type bridge stp_state 0$' "$S"
check_match "network ports: hairpin" 'type bridge_slave hairpin on$' "$S"
check_match "per-interface sysctl after the veths" '^ip netns exec nslab-full-r1 sysctl -qw net\.ipv4\.conf\.eth1\.rp_filter=0$' "$S"
check_match "a sysctl value with a space, quoted" "sysctl -qw net\.ipv4\.ping_group_range='0 2147483647'$" "$S"
check_match "routes: table, src, metric" '^ip -n nslab-full-r1 route add 10\.0\.60\.0/24 via 10\.0\.12\.2 src 10\.0\.12\.1 metric 7$' "$S"
check_match "routes: IPv6 default" '^ip -n nslab-full-r2 -6 route add default via fd00:12::1$' "$S"
check_match "nft ruleset as a here-document" "^nft -f - <<'EOF'$" "$S"
check_match "FORWARD accepts on a Docker-like host" "^	nft 'insert rule ip filter FORWARD iifname \"full-mgmt\" accept comment \"nslab:full\"'$" "$S"
check_match "host sysctl route_localnet" '^sysctl -qw net\.ipv4\.conf\.all\.route_localnet=1$' "$S"
check_match "hosts files" "^cat >/etc/netns/nslab-full-r1/hosts <<'EOF'$" "$S"
check_match "startup-delay" '^sleep 0\.2$' "$S"
check_match "a service in the background" "^ip netns exec nslab-full-h1 env LAB=full sh -c 'sleep 600' </dev/null >>.*/h1\.0\.log 2>&1 &$" "$S"
check_match "the service ran in h1's namespace while the lab was up" '^nslab-full-h1 [1-9]' \
	"$(cat "$W/full.script/pids" 2>/dev/null)"
check_match "exec with env, shell metacharacters reached the kernel intact (lo's alias)" \
	'"ifalias": "it'"'"'s a \\"lab\\"; \$\(no\) `no` \* \(in full\)"' \
	"$(grep '^ns nslab-full-r1 link lo ' "$W/full.script/norm" 2>/dev/null)"
D=$(cat "$W/full.script/destroy.sh" 2>/dev/null)
check_match "teardown: the lab's devices by device group" '^	ip link del group [0-9]+$' "$D"
check_match "teardown: the lab's link in an adopted namespace, by name" '^	ip -n nslab-full-x1 link del dev eth7$' "$D"
check_match "teardown: FORWARD rules by handle" 'nft delete rule ip6 filter FORWARD handle "\$h"' "$D"
check_match "teardown: host sysctls restored" 'sysctl -qw net\.ipv4\.ip_forward="\$\(cat /run/nslab-script/full/net\.ipv4\.ip_forward\)"' "$D"
check_no_match "teardown: the name ext-named is never removed" 'netns del ext-named' "$D"

if [ -e "$W/shaped.script" ]; then
	script_compare shaped "$N" "$W/shaped.script" "$W/shaped.deploy"
	check_eq "shaped: every impaired end has its tbf qdisc (8 ends)" 8 \
		"$(grep -c '^ns .* qdisc .*"kind": "tbf"' "$W/shaped.script/norm" 2>/dev/null)"
	check_match "shaped: tc commands in the script" '^tc -n nslab-shaped-r1 qdisc replace dev eth1 root tbf rate 10mbit burst 18028 limit 80528$' \
		"$(cat "$W/shaped.script/build.sh" 2>/dev/null)"
else
	diag "skip: the netem keys of $N are not parsed by this build ($("$NSLAB" validate -t "$N" 2>&1 | head -n 1))"
fi

assert_clean "$T/before" "this sandbox untouched: every build ran in a sandbox of its own"
done_testing
