#!/bin/bash
# Extra — inspect: the table, and JSON that parses (python3 json) with the
# documented keys: lab, node, kind, netns, state, ipv4 [list], ipv6 [list];
# `inspect interfaces --format json`: node, name, ifindex, mac, mtu, state,
# addresses [list], peer ("node:iface" or null), checked against ip -j.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/insp.nslab.yml
cat >"$F" <<'Y'
name: insp
topology:
  nodes:
    ibr: {kind: bridge}
    n1: {}
    n2: {}
    sw: {kind: switch}
  links:
    - type: veth
      mtu: 1400
      endpoints:
        - {node: n1, interface: eth1, mac: "02:00:00:00:01:01", ipv4: [10.90.0.1/24, 10.90.5.1/32], ipv6: "fd00:90::1/64"}
        - {node: n2, interface: eth1, ipv4: 10.90.0.2/24}
    - endpoints: ["n1:eth2", "ibr:insp-n1"]
    - endpoints: ["n2:eth2", "sw:p1"]
Y
snapshot "$T/before"
run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"

run_nslab inspect -t "$F"
check_eq "inspect (table) exits 0" 0 "$RC"
check_match "the table has a row for n1 with its netns" 'n1.*nslab-insp-n1' "$OUT"
check_match "the table shows n1's address" '10\.90\.0\.1/24' "$OUT"

run_nslab inspect -t "$F" --format json
check_eq "inspect --format json exits 0" 0 "$RC"
printf '%s' "$OUT" >"$T/nodes.json"
check "it parses (python3 -m json.tool)" python3 -m json.tool "$T/nodes.json"
py() { python3 -c "import json,sys; d=json.load(open('$1')); $2"; }
check_eq "it is an array of objects with the documented keys" "ok" "$(py "$T/nodes.json" '
keys = {"lab","node","kind","netns","state","ipv4","ipv6"}
print("ok" if isinstance(d, list) and d and all(isinstance(r, dict) and keys <= set(r) and isinstance(r["ipv4"], list) and isinstance(r["ipv6"], list) for r in d) else d)')"
check_eq "rows: the linux and switch nodes with their kinds" "n1:linux n2:linux sw:switch" \
	"$(py "$T/nodes.json" 'print(" ".join(sorted(r["node"]+":"+r["kind"] for r in d if r["kind"] != "bridge")))')"
check_eq "lab and netns of n1" "insp nslab-insp-n1" \
	"$(py "$T/nodes.json" 'print(*[r["lab"]+" "+r["netns"] for r in d if r["node"]=="n1"])')"
check_eq "n1's ipv4 list" "10.90.0.1/24 10.90.5.1/32" \
	"$(py "$T/nodes.json" 'print(*sorted(x for r in d if r["node"]=="n1" for x in r["ipv4"]))')"
check_match "n1's ipv6 list has fd00:90::1/64" 'fd00:90::1/64' \
	"$(py "$T/nodes.json" 'print(*[x for r in d if r["node"]=="n1" for x in r["ipv6"]])')"

run_nslab inspect interfaces -t "$F" --format json
check_eq "inspect interfaces --format json exits 0" 0 "$RC" || diag "$ERR"
printf '%s' "$OUT" >"$T/ifs.json"
check "it parses" python3 -m json.tool "$T/ifs.json"
check_eq "every row has the documented keys" ok "$(py "$T/ifs.json" '
keys = {"node","name","ifindex","mac","mtu","state","addresses","peer"}
print("ok" if isinstance(d, list) and d and all(keys <= set(r) and isinstance(r["addresses"], list) for r in d) else d)')"
row() { py "$T/ifs.json" "r=[r for r in d if r['node']=='$1' and r['name']=='$2']; print(r[0]['$3'] if r else 'NO ROW')"; }
check_eq "n1:eth1's peer is n2:eth1" "n2:eth1" "$(row n1 eth1 peer)"
check_eq "n2:eth1's peer is n1:eth1" "n1:eth1" "$(row n2 eth1 peer)"
check_eq "n2:eth2's peer is the switch port sw:p1" "sw:p1" "$(row n2 eth2 peer)"
j=$(ip -n nslab-insp-n1 -j link show eth1)
jf() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[0]['$1'])" "$j"; }
check_eq "n1:eth1 ifindex as ip -j says" "$(jf ifindex)" "$(row n1 eth1 ifindex)"
check_eq "n1:eth1 mac as ip -j says (and as set)" "02:00:00:00:01:01 02:00:00:00:01:01" "$(jf address) $(row n1 eth1 mac)"
check_eq "n1:eth1 mtu as ip -j says (and as set)" "1400 1400" "$(jf mtu) $(row n1 eth1 mtu)"
check_eq "the link's mtu is on both ends: n2:eth1 has 1400" 1400 "$(row n2 eth1 mtu)"
check_eq "a link without mtu gets 1500 (not containerlab's 9500): n1:eth2" 1500 "$(row n1 eth2 mtu)"
check_match "n1:eth1 addresses" '10\.90\.0\.1/24.*10\.90\.5\.1/32|10\.90\.5\.1/32.*10\.90\.0\.1/24' \
	"$(py "$T/ifs.json" "print(*[a for r in d if r['node']=='n1' and r['name']=='eth1' for a in r['addresses']])")"

run_nslab inspect interfaces -t "$F" -n n2 --format json
check_eq "inspect interfaces -n n2 lists only n2" "n2" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(" ".join(sorted({r["node"] for r in json.load(sys.stdin)})))')"
run_nslab inspect interfaces -t "$F" -n n1
check_match "inspect interfaces (table) shows the peer column" 'eth1.*n2:eth1' "$OUT"

run_nslab inspect --name insp --format json
check_eq "inspect --name gives the same rows" "$(py "$T/nodes.json" 'print(sorted(r["node"] for r in d))')" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(sorted(r["node"] for r in json.load(sys.stdin)))')"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
run_nslab inspect --all --format json
check_eq "inspect --all --format json exits 0 with no lab" 0 "$RC"
check_eq "and prints an empty array" "[]" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')"
assert_clean "$T/before"
done_testing
