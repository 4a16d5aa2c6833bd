#!/bin/bash
# A network with an IPv6 subnet is routed as Docker routes it: deploy turns
# the host's IPv6 forwarding on (saved, and given back by destroy), so a
# node reaches the outside over IPv6 (masqueraded, NAT66). Forwarding on
# would make the host drop the routes router advertisements gave it; so an
# interface that has such routes gets accept_ra=2 first, and keeps them
# (here: a real RA, sent by "the internet" onto the uplink, gives the host
# its default route). A port published without a host address reaches the
# node over IPv6 too. A host that forwards already, by its admin's choice,
# is left as it is. Script and deploy do the same.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab
net_world
INET6_HOST=2001:db8:113::1 INET6_PEER=2001:db8:113::2
ip addr add $INET6_HOST/64 dev uplink nodad
ip -n inet addr add $INET6_PEER/64 dev eth0 nodad
sysctl -qw net.ipv6.conf.uplink.accept_ra=1 net.ipv6.conf.all.forwarding=0
LAN6_HOST=fd77::1 LAN6_PEER=fd77::2
ip addr add $LAN6_HOST/64 dev lan1-h nodad
ip -n lan1 addr add $LAN6_PEER/64 dev eth0 nodad
ip -n lan1 -6 route add default via $LAN6_HOST

# send_ra: one router advertisement (lifetime 1800 s) from inet to ff02::1 on its eth0.
send_ra() {
	ip netns exec inet python3 - <<'PY'
import socket, struct, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
# type 134, code 0, checksum (the kernel's), hop limit 64, flags 0, lifetime 1800, reachable, retrans
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
for _ in range(50):  # until eth0's link-local address has passed DAD
    try:
        s.sendto(ra, ("ff02::1", 0, 0, socket.if_nametoindex("eth0")))
        break
    except OSError:
        time.sleep(0.1)
PY
}
ra_route() { ip -6 route show default proto ra; } # (its lines omit "proto ra")
learn_ra() {
	for _ in $(seq 50); do
		send_ra
		[ -n "$(ra_route)" ] && break
		sleep 0.1
	done
}
learn_ra
check_match "the host takes a default route from a router advertisement" \
	'^default via fe80::[0-9a-f:]+ dev uplink ' "$(ra_route)"
# Why: forwarding turned on by hand, with accept_ra=1, drops that route.
# (Kernel quirk: it purges a table only once per newly added default router,
# so this runs before anything else turns forwarding on.)
sysctl -qw net.ipv6.conf.all.forwarding=1
check_eq "without accept_ra=2, turning forwarding on drops the RA's route (the kernel's rule)" "" "$(ra_route)"
sysctl -qw net.ipv6.conf.all.forwarding=0
learn_ra
check_match "before: the host has a default route from the router advertisement" \
	'^default via fe80::[0-9a-f:]+ dev uplink ' "$(ra_route)"
snapshot "$T/before"

F=$T/six.yml
cat >"$F" <<'Y'
name: six
networks:
  front: {subnet: 10.61.0.0/24, subnet6: "fd00:61::/64"}
topology:
  nodes:
    a1: {networks: [front], ports: ["8066:80", "[fd77::1]:8067:80"]}
Y
A1=nslab-six-a1
run_nslab deploy -q -t "$F"
check_eq "a lab with an IPv6 network deploys" 0 "$RC" || diag "$ERR"
check_eq "the host forwards IPv6 now" 1 "$(sysctl -n net.ipv6.conf.all.forwarding)"
check_eq "inspect --format json lists a1's ports as docker ps does, per family" \
	'0.0.0.0:8066->80/tcp [::]:8066->80/tcp [fd77::1]:8067->80/tcp' \
	"$("$NSLAB" inspect -t "$F" --format json | python3 -c 'import json,sys; print(*[p for r in json.load(sys.stdin) if r["node"] == "a1" for p in r["ports"]])')"
check_eq "uplink, which takes routes from RAs, has accept_ra=2" 2 "$(sysctl -n net.ipv6.conf.uplink.accept_ra)"
check_eq "lan1-h, which has none, keeps accept_ra=1" 1 "$(sysctl -n net.ipv6.conf.lan1-h.accept_ra)"
check_match "the host kept its default route from the RA" '^default via fe80::[0-9a-f:]+ dev uplink ' "$(ra_route)"
check "a1 pings the outside over IPv6 ($INET6_PEER, masqueraded)" pings $A1 $INET6_PEER
check "a1 still pings the outside over IPv4" pings $A1 $INET_PEER
# The published port, on IPv6 as on IPv4 (Docker's default: every address).
: >"$T/a1.log"
ip netns exec $A1 socat TCP6-LISTEN:80,reuseaddr,fork,ipv6only=0 \
	SYSTEM:"read -r l; echo \"\$l \$SOCAT_PEERADDR\" >>$T/a1.log; echo a1" </dev/null >/dev/null 2>&1 &
SERVERS+=($!)
wait_listen $A1 80
check_eq "lan1 -> [$LAN6_HOST]:8066 (IPv6) is answered by a1" a1 "$(tcp_send lan1 "[$LAN6_HOST]" 8066 v6-from-lan1)"
check_eq "... and a1 saw the real client, $LAN6_PEER (socat writes it in full)" \
	"v6-from-lan1 [fd77:0000:0000:0000:0000:0000:0000:0002]" "$(cat "$T/a1.log")"
check_eq "lan1 -> $LAN_HOST:8066 (IPv4) is answered by a1 too" a1 "$(tcp_send lan1 $LAN_HOST 8066 v4-from-lan1)"
check_eq "the host -> its own [$LAN6_HOST]:8066 is answered by a1" a1 "$(tcp_send - "[$LAN6_HOST]" 8066 v6-from-host)"
check_eq "lan1 -> [$LAN6_HOST]:8067 (published on that IPv6 address only) is answered by a1" a1 \
	"$(tcp_send lan1 "[$LAN6_HOST]" 8067 v6-specific)"
check "... but not on the host's other IPv6 address [$INET6_HOST]:8067" no_tcp lan1 "[$INET6_HOST]" 8067
check "... nor on IPv4 ($LAN_HOST:8067)" no_tcp lan1 $LAN_HOST 8067
check_match "the host -> [::1]:8066 is refused at once, not DNATed (a packet from ::1 cannot leave the host)" \
	'[Cc]onnection refused' "$(echo x | timeout 5 socat -t 1 - TCP:[::1]:8066,connect-timeout=3 2>&1)"
stop_servers
send_ra
check_match "a new RA is still taken (the route's lifetime is renewed)" 'expires (179[0-9]|1800)sec' \
	"$(ip -6 route show default proto ra)"

run_nslab destroy -q -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_eq "after destroy: IPv6 forwarding off again" 0 "$(sysctl -n net.ipv6.conf.all.forwarding)"
check_eq "after destroy: uplink's accept_ra is 1 again" 1 "$(sysctl -n net.ipv6.conf.uplink.accept_ra)"
check_match "after destroy: the RA's default route is still there" '^default via fe80::[0-9a-f:]+ dev uplink ' "$(ra_route)"
assert_clean "$T/before"

# Script: the same settings, given back by its teardown.
"$NSLAB" script -t "$F" >"$T/build.sh" && "$NSLAB" script --destroy -t "$F" >"$T/destroy.sh"
check "the script builds the lab (dash)" sh "$T/build.sh"
check_eq "script: IPv6 forwarding on" 1 "$(sysctl -n net.ipv6.conf.all.forwarding)"
check_eq "script: uplink's accept_ra 2" 2 "$(sysctl -n net.ipv6.conf.uplink.accept_ra)"
check_match "script: the RA's default route kept" '^default via fe80::[0-9a-f:]+ dev uplink ' "$(ra_route)"
check "script: a1 pings the outside over IPv6" pings $A1 $INET6_PEER
check "the script's teardown (dash)" sh "$T/destroy.sh"
check_eq "script teardown: IPv6 forwarding off" 0 "$(sysctl -n net.ipv6.conf.all.forwarding)"
check_eq "script teardown: accept_ra 1" 1 "$(sysctl -n net.ipv6.conf.uplink.accept_ra)"
assert_clean "$T/before"

# A host that forwards IPv6 already is a router by its admin's choice.
sysctl -qw net.ipv6.conf.uplink.accept_ra=1 net.ipv6.conf.all.forwarding=1
run_nslab deploy -q -t "$F"
check_eq "on a forwarding host: deploy exits 0" 0 "$RC" || diag "$ERR"
check_eq "... accept_ra is left as the admin set it" 1 "$(sysctl -n net.ipv6.conf.uplink.accept_ra)"
run_nslab destroy -q -t "$F"
check_eq "... and destroy leaves forwarding on" 1 "$(sysctl -n net.ipv6.conf.all.forwarding)"
done_testing
