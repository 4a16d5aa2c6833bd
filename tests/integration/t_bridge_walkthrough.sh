#!/bin/bash
# Acceptance point 1 — the bridge walkthrough: three namespaces on one host
# bridge `mybridge` (no IP, STP off) at 10.0.0.1/24, .2, .3 (the lab of
# examples/bridge.clab.yml): every ordered pair pings, `ip netns list` shows
# the three, `bridge link` lists the three ports, the bridge has no address
# and stp_state 0; after destroy the host is exactly as before.
. "$(dirname "$0")/lib.sh"
require_nslab

cp "$REPO/examples/bridge.clab.yml" "$T/bridge.clab.yml"
F=$T/bridge.clab.yml
snapshot "$T/before"

run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check_match "deploy prints the inspect table (names h1 h2 h3)" 'h1' "$OUT"
check_match "deploy table names h3's namespace" 'nslab-bridge-h3' "$OUT"

check_eq "ip netns list shows the three namespaces" \
	"nslab-bridge-h1 nslab-bridge-h2 nslab-bridge-h3" \
	"$(ip netns list | awk '{print $1}' | sort | xargs)"

declare -A addr=([h1]=10.0.0.1 [h2]=10.0.0.2 [h3]=10.0.0.3)
for a in h1 h2 h3; do
	check_eq "$a has ${addr[$a]}/24 on eth1 (and nothing else)" "eth1=${addr[$a]}/24" "$(addrs4 "nslab-bridge-$a")"
	check_match "$a: lo is up" 'UP' "$(ip -n "nslab-bridge-$a" -br link show lo)"
done
for a in h1 h2 h3; do
	for b in h1 h2 h3; do
		[ "$a" = "$b" ] && continue
		check "$a pings $b (${addr[$b]})" pings "nslab-bridge-$a" "${addr[$b]}"
	done
done

check_eq "bridge link lists the three ports of mybridge" "h1-eth1 h2-eth1 h3-eth1" "$(bridge_ports mybridge)"
check_match "bridge link (text) shows h2-eth1 on mybridge" 'h2-eth1.*master mybridge' "$(bridge link)"

info=$(ip -j -d link show mybridge)
check_eq "mybridge is a bridge" bridge "$(json_get "$info" 'd[0]["linkinfo"]["info_kind"]')"
check_eq "mybridge has stp_state 0" 0 "$(json_get "$info" 'd[0]["linkinfo"]["info_data"]["stp_state"]')"
check_eq "mybridge has no IPv4 and no global IPv6 address" "" \
	"$(ip -j addr show dev mybridge | python3 -c '
import json, sys
print(" ".join(x["local"] for i in json.load(sys.stdin) for x in i["addr_info"] if x["family"] == "inet" or x.get("scope") != "link"))')"
check_match "mybridge is up" 'state UP|,UP' "$(ip link show mybridge)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_eq "ip netns list is empty again" "" "$(ip netns list)"
check_fail "mybridge is gone" ip link show mybridge
assert_clean "$T/before" "ip -br link, ip netns list, /run/nslab exactly as before"
done_testing
