#!/bin/bash
# kind: ext (spec/topology.md, Nodes; rule 5): namespaces that nslab did not
# make are adopted, by pid (a process started with `unshare -n`) and by name
# (a namespace made with `ip netns add`), joined to a network with a static
# or allocated address, named /run/netns/<prefix>-<lab>-<node> while the lab
# lives, and given back intact at destroy: the process keeps running, its
# namespace keeps existing, only the lab's links and name are gone.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab

# the outsiders: a server in a namespace of its own, and a named namespace
# It reads the line before it answers: closing with unread data sends a
# reset, which can overtake the answer.
unshare -n socat TCP-LISTEN:7000,fork,reuseaddr SYSTEM:'read -r l; echo adopted' </dev/null >/dev/null 2>&1 &
PID=$!
ip netns add outside9
ip -n outside9 link set lo up
for _ in $(seq 50); do
	[ "$(readlink /proc/$PID/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
NSID=$(readlink /proc/$PID/ns/net)
check_match "the outsider runs in a network namespace of its own" '^net:' "$NSID"

F=$T/adopt.nslab.yml
cat >"$F" <<Y
name: adopt
networks:
  backend: {subnet: 172.31.5.0/24}
topology:
  nodes:
    x1: {kind: ext, pid: $PID, networks: {backend: {ipv4: 172.31.5.9}}}
    c1: {networks: [backend]}
    x2: {kind: ext, netns: outside9, networks: [backend]}
Y
snapshot "$T/before"
NET_LABS=adopt net_state "$T/netbefore"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"

check "x1 is named /run/netns/nslab-adopt-x1 (rule 5)" netns_exists nslab-adopt-x1
check "x2 is named /run/netns/nslab-adopt-x2" netns_exists nslab-adopt-x2
check_eq "/run/netns/nslab-adopt-x1 is the process's namespace" "$NSID" \
	"$(ip netns exec nslab-adopt-x1 readlink /proc/self/ns/net)"
check_eq "/run/netns/nslab-adopt-x2 is outside9" "$(ip netns exec outside9 readlink /proc/self/ns/net)" \
	"$(ip netns exec nslab-adopt-x2 readlink /proc/self/ns/net)"
check_eq "x1 got its static address on eth1" "eth1=172.31.5.9/24" "$(addrs4 nslab-adopt-x1)"
check_eq "c1 got 172.31.5.2 (first after the gateway)" "eth1=172.31.5.2/24" "$(addrs4 nslab-adopt-c1)"
check_eq "x2 got 172.31.5.3 (next in node order)" "eth1=172.31.5.3/24" "$(addrs4 outside9)"
check_eq "c1 -> x1:7000 answered by the adopted process" adopted \
	"$(tcp_send nslab-adopt-c1 172.31.5.9 7000 hello)"
check "c1 pings x2 (172.31.5.3)" pings nslab-adopt-c1 172.31.5.3
check "x2 pings x1 (172.31.5.9)" pings outside9 172.31.5.9
check_match "nslab exec works in the adopted x1" '172\.31\.5\.9/24' \
	"$("$NSLAB" exec -t "$F" x1 -- ip -br addr show eth1)"
check_match "inspect lists x1 as ext" '"kind": *"ext"' "$("$NSLAB" inspect -t "$F" --format json)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check "the adopted process still runs" kill -0 $PID
check_eq "its namespace is still the same one" "$NSID" "$(readlink /proc/$PID/ns/net 2>&1)"
check_eq "its namespace holds only lo now (the lab's link is gone)" "lo" \
	"$(nsenter --net=/proc/$PID/ns/net ip -br link | awk '{print $1}' | paste -sd' ')"
check_fail "/run/netns/nslab-adopt-x1 is gone" test -e /run/netns/nslab-adopt-x1
check_fail "/run/netns/nslab-adopt-x2 is gone" test -e /run/netns/nslab-adopt-x2
check "outside9 still exists (ip netns list)" netns_exists outside9
check_eq "outside9 holds only lo now" "lo" "$(ip -n outside9 -br link | awk '{print $1}' | paste -sd' ')"
check_match "outside9's lo is still up" 'UP|UNKNOWN' "$(ip -n outside9 -br link show lo)"
assert_clean "$T/before"
NET_LABS=adopt net_assert_state "$T/netbefore" "nft ruleset, iptables-save, links, /etc/netns, cgroups as before the deploy"

# all or nothing: a deploy that fails (a failing exec on another node) gives
# the adopted namespaces back as they were
cat >"$T/fail.nslab.yml" <<Y
name: adoptfail
topology:
  nodes:
    x1: {kind: ext, pid: $PID}
    x2: {kind: ext, netns: outside9}
    c1: {exec: ["exit 7"]}
  links:
    - endpoints: ["x1:eth1", "c1:eth1"]
      ipv4: ["172.31.6.9/24", "172.31.6.2/24"]
    - endpoints: ["x2:eth1", "c1:eth2"]
      ipv4: ["172.31.7.9/24", "172.31.7.2/24"]
Y
run_nslab deploy -q -t "$T/fail.nslab.yml"
check_eq "a deploy whose exec fails exits 1" 1 "$RC" || diag "$ERR"
check_match "... and says why (exit status 7)" '7' "$ERR"
check "the adopted process still runs after the failed deploy" kill -0 $PID
check_eq "its namespace holds only lo after the failed deploy" "lo" \
	"$(nsenter --net=/proc/$PID/ns/net ip -br link | awk '{print $1}' | paste -sd' ')"
check_eq "outside9 holds only lo after the failed deploy" "lo" \
	"$(ip -n outside9 -br link | awk '{print $1}' | paste -sd' ')"
assert_clean "$T/before" "failed deploy: nothing left"

kill $PID
wait $PID 2>/dev/null
ip netns del outside9
done_testing
