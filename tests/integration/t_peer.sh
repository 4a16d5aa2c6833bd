#!/bin/bash
# Issue 5, point 6 — `nslab peer [-n NETNS] IFACE` names a veth's far end:
# for a lab's veths both ways (node to node, node to a bridge node's port in
# the host namespace and back), for veths made by hand with `ip link add …
# peer … netns X` and within one namespace, and for a peer in an unnamed
# namespace held by a process ("pid N"). Every value is checked against
# `ip -j link` (ifindex, link_index). Non-veths and unknown interfaces fail
# with messages that name the kind or the namespace.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/pr.nslab.yml
cat >"$F" <<'Y'
name: pr
topology:
  nodes:
    a: {}
    b: {}
    br: {kind: bridge}
  links:
    - endpoints: ["a:eth1", "b:eth3"]
    - endpoints: ["a:eth2", "br:br-pa"]
Y
A=$(nsname pr a)
B=$(nsname pr b)
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"

# ifindex NETNS|- IFNAME: the device's ifindex, from ip -j
ifindex() {
	_in_ns_or_host "$1" ip -j link show "$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ifindex"])'
}

# peer_json ARGS...: nslab peer --format json ARGS, as "netns|host|pid|lab|node|interface|ifindex"
peer_json() {
	run_nslab peer --format json "$@"
	[ "$RC" = 0 ] || { echo "exit $RC: $ERR"; return; }
	json_get "$OUT" '"|".join(str(d[k]) for k in ("netns", "host", "pid", "lab", "node", "interface", "ifindex"))'
}

# --- lab veths ---------------------------------------------------------------
check_eq "a:eth1 -> b's eth3 (netns, lab, node, interface, ifindex)" \
	"$B|False|None|pr|b|eth3|$(ifindex "$B" eth3)" "$(peer_json -n "$A" eth1)"
check_eq "b:eth3 -> a's eth1 (the other direction)" \
	"$A|False|None|pr|a|eth1|$(ifindex "$A" eth1)" "$(peer_json -n "$B" eth3)"
check_eq "node side a:eth2 -> the bridge port br-pa in the host namespace" \
	"None|True|None|pr|br|br-pa|$(ifindex - br-pa)" "$(peer_json -n "$A" eth2)"
check_eq "host side br-pa -> a's eth2" \
	"$A|False|None|pr|a|eth2|$(ifindex "$A" eth2)" "$(peer_json br-pa)"
run_nslab peer -n "$A" eth1
check_eq "the table: a header and one line" \
	"NETNS NODE LAB INTERFACE IFINDEX|$B b pr eth3 $(ifindex "$B" eth3)" \
	"$(tr -s ' ' <<<"$OUT" | paste -sd'|')"
run_nslab peer br-pa
check_match "the table names the host side's peer by its netns" "^$A +a +pr +eth2 +[0-9]+$" \
	"$(tail -n1 <<<"$OUT")"

# --- a veth made by hand: ip link add ... peer ... netns X -------------------
ip netns add X
ip link add pa type veth peer name pb netns X
check_eq "hand-made pa -> pb in netns X, no lab" \
	"X|False|None|None|None|pb|$(ifindex X pb)" "$(peer_json pa)"
check_eq "pb's ifindex is pa's link_index as ip sees it" "$(ifindex X pb)" \
	"$(ip -j link show pa | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["link_index"])')"
check_eq "and back: -n X pb -> pa in the host namespace" \
	"None|True|None|None|None|pa|$(ifindex - pa)" "$(peer_json -n X pb)"
# Same name in two namespaces: the answer must come from the right one.
ip netns add Y
ip -n Y link add pa type veth peer name pc
check_eq "-n Y pa (a veth within Y, named like the host's pa) -> pc in Y" \
	"Y|False|None|None|None|pc|$(ifindex Y pc)" "$(peer_json -n Y pa)"
ip link add sa type veth peer name sb
check_eq "a veth within the host namespace: sa -> sb" \
	"None|True|None|None|None|sb|$(ifindex - sb)" "$(peer_json sa)"

# --- a peer in an unnamed namespace, held only by a process ------------------
unshare -n sleep 60 &
holder=$!
for i in $(seq 50); do # until unshare has exec'd sleep in its new namespace
	[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(cat /proc/$holder/comm 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
ip link add ua type veth peer name ub netns "$holder"
check_eq "ua -> ub in the namespace of pid $holder (no name)" \
	"None|False|$holder|None|None|ub|$(nsenter -t "$holder" -n ip -j link show ub | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ifindex"])')" \
	"$(peer_json ua)"
run_nslab peer ua
check_match "the table shows 'pid $holder'" "^pid $holder +- +- +ub +[0-9]+$" "$(tail -n1 <<<"$OUT")"
kill "$holder"
wait "$holder" 2>/dev/null

# --- errors ------------------------------------------------------------------
run_nslab peer lo
check_eq "lo: exit 1" 1 "$RC"
check_match "lo is not a veth" "^nslab: 'lo' is not a veth \(kind: none" "$ERR"
run_nslab peer br
check_match "a bridge is not a veth (kind: bridge)" "^nslab: 'br' is not a veth \(kind: bridge\)$" "$ERR"
run_nslab peer nosuch0
check_eq "unknown interface: exit 1" 1 "$RC"
check_match "... names the host namespace" "^nslab: no interface 'nosuch0' in the host namespace$" "$ERR"
run_nslab peer -n X nosuch0
check_match "... or the netns given" "^nslab: no interface 'nosuch0' in netns 'X'$" "$ERR"
run_nslab peer -n nosuchns pa
check_eq "unknown netns: exit 1" 1 "$RC"
check_match "... names it" "nosuchns" "$ERR"
run_nslab peer
check_eq "no interface: usage error, exit 2" 2 "$RC"
run_nslab peer pa --format xml
check_eq "bad --format: exit 2" 2 "$RC"
check_match "nslab help lists peer" '^  peer ' "$("$NSLAB" help)"

ip link del pa
ip link del sa
ip netns del X
ip netns del Y
run_nslab destroy -q -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
