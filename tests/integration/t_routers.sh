#!/bin/bash
# Acceptance point 2 — four-namespace router lab (examples/routers.clab.yml):
# /32 host addresses, on-link routes (`dev`, `onlink: true`), `via` routes,
# ip_forward through `sysctls` on r1 only. r2 has forwarding off (rule 1: new
# namespaces start with forwarding off and rp_filter 0), so traffic that must
# cross r2 fails while traffic to r2's own addresses works; h2 has no route
# to 10.0.12.0/24. Turning r2's forwarding on makes h1 <-> h2 work.
. "$(dirname "$0")/lib.sh"
require_nslab

cp "$REPO/examples/routers.clab.yml" "$T/routers.clab.yml"
F=$T/routers.clab.yml
snapshot "$T/before"
h1=nslab-routers-h1 r1=nslab-routers-r1 r2=nslab-routers-r2 h2=nslab-routers-h2

run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"

# configuration, seen by ip -j
check_eq "h1 addresses" "eth1=10.0.1.1/32" "$(addrs4 $h1)"
check_eq "r1 addresses" "eth1=10.0.1.254/32 eth2=10.0.12.1/32" "$(addrs4 $r1)"
check_eq "r2 addresses" "eth1=10.0.12.2/32 eth2=10.0.2.254/32" "$(addrs4 $r2)"
check_eq "h2 addresses" "eth1=10.0.2.1/32" "$(addrs4 $h2)"
check_match "h1: default route via 10.0.1.254 dev eth1 onlink" \
	'default via 10\.0\.1\.254 dev eth1.*onlink' "$(ip -n $h1 route show default)"
check_match "r1: on-link /32 route to h1 (scope link)" \
	'^10\.0\.1\.1 dev eth1 .*scope link' "$(ip -n $r1 route show 10.0.1.1/32)"
check_match "r1: route to 10.0.2.0/24 via 10.0.12.2" \
	'^10\.0\.2\.0/24 via 10\.0\.12\.2 dev eth2' "$(ip -n $r1 route show 10.0.2.0/24)"
check_match "r2: route to 10.0.1.0/24 via 10.0.12.1" \
	'^10\.0\.1\.0/24 via 10\.0\.12\.1 dev eth1' "$(ip -n $r2 route show 10.0.1.0/24)"

# rule 1 + sysctls: forwarding only where asked, rp_filter 0 everywhere
sysv() { ip netns exec "$1" cat "/proc/sys/$2"; }
check_eq "r1: net.ipv4.ip_forward = 1 (sysctls)" 1 "$(sysv $r1 net/ipv4/ip_forward)"
for n in $h1 $r2 $h2; do
	check_eq "${n#nslab-routers-}: net.ipv4.ip_forward = 0" 0 "$(sysv $n net/ipv4/ip_forward)"
	check_eq "${n#nslab-routers-}: net.ipv6.conf.all.forwarding = 0" 0 "$(sysv $n net/ipv6/conf/all/forwarding)"
done
for n in $h1 $r1 $r2 $h2; do
	check_eq "${n#nslab-routers-}: rp_filter all/default = 0 0" "0 0" \
		"$(sysv $n net/ipv4/conf/all/rp_filter) $(sysv $n net/ipv4/conf/default/rp_filter)"
done
check_eq "the sandbox host's ip_forward was not touched" 0 "$(cat /proc/sys/net/ipv4/ip_forward)"

# reachability that must hold
check "h1 -> r1 (10.0.1.254, on-link neighbour)" pings $h1 10.0.1.254
check "h1 -> r1's far address 10.0.12.1" pings $h1 10.0.12.1
check "h1 -> r2 10.0.12.2 (r1 forwards, r2 routes back via r1)" pings $h1 10.0.12.2
check "h1 -> r2's h2-side address 10.0.2.254 (local to r2, no forwarding needed)" pings $h1 10.0.2.254
check "r2 -> h1 (r1 forwards)" pings $r2 10.0.1.1
check "h2 -> r2 10.0.2.254 (on-link /32 route)" pings $h2 10.0.2.254
check "r2 -> h2" pings $r2 10.0.2.1
check "r1 -> r2" pings $r1 10.0.12.2
# reachability that must fail
check "h1 -> h2 fails: r2 does not forward" no_ping $h1 10.0.2.1
check "h2 -> h1 fails: r2 does not forward" no_ping $h2 10.0.1.1
check "r1 -> h2 fails: r2 does not forward" no_ping $r1 10.0.2.1
check_fail "h2 has no route to 10.0.12.1 (ip route get)" ip -n $h2 route get 10.0.12.1
check "h2 -> 10.0.12.1 fails: no route" no_ping $h2 10.0.12.1

# the cause is r2's forwarding: turn it on and the same pings work
ip netns exec $r2 sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
check "after ip_forward=1 on r2: h1 -> h2" pings $h1 10.0.2.1
check "after ip_forward=1 on r2: h2 -> h1" pings $h2 10.0.1.1

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
