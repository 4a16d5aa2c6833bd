#!/bin/bash
# Issue 5, point 2 — nslab graph: the HTML page is real (headless Chromium
# opens a 3-node and a 50-node lab; from the geometry the browser computed,
# every node's name is visible after "fit" and no label overlaps another
# node's label or shape; hovering and clicking a node shows its interfaces;
# the checker does report a page with overlapping labels); DOT goes through
# `dot -Tsvg`; Mermaid passes a validator of the subset nslab writes (and
# the real Mermaid parser when MERMAID_JS names a mermaid.min.js); JSON has
# the documented shape and counts; on a deployed lab JSON and HTML show live
# state, including a link taken down with `ip link set`.
# Issue 5 with issue 6's one-ended links and hosts: a lab with a vxlan, a
# gre and a dummy link and two hosts draws each tunnel to a "remote" node
# (DOT through `dot -Tsvg`, Mermaid, JSON `remotes` and `host`, HTML through
# the Chromium checks), and a deployed vxlan's state is read like any other.
# Screenshots go to tests/artifacts/graph-3.png, graph-50.png and
# graph-tunnels.png.
. "$(dirname "$0")/lib.sh"
require_nslab

GC=$FIXTURES/graph_check.py
MC=$FIXTURES/mermaid_check.py
ART=$REPO/tests/artifacts
mkdir -p "$ART"
have_chromium=1
command -v chromium >/dev/null || have_chromium=0
have_dot=1
command -v dot >/dev/null || have_dot=0

# ------------------------------------------------------------ the labs
TRI=$T/tri.nslab.yml
cat >"$TRI" <<'Y'
name: tri
topology:
  nodes:
    r1: {sysctls: {net.ipv4.ip_forward: 1}}
    r2: {}
    sw: {kind: switch}
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
      ipv4: ["10.66.0.1/30", "10.66.0.2/30"]
      ipv6: ["fd00:66::1/64", "fd00:66::2/64"]
    - endpoints: ["r1:eth2", "sw:p1"]
      ipv4: ["10.66.1.1/24", ""]
    - endpoints: ["r2:eth2", "sw:p2"]
      ipv4: ["10.66.1.2/24", ""]
Y
TUN=$T/tun.nslab.yml
cat >"$TUN" <<'Y'
name: tun
hosts:
  a: {address: 192.168.50.1}
  b: {address: 192.168.50.2}
topology:
  nodes:
    r1: {host: a}
    r2: {host: b}
    sw: {kind: switch}
  links:
    - endpoints: ["r1:eth1", "sw:p1"]
      ipv4: ["10.70.0.1/24", ""]
    - endpoints: ["r2:eth1", "sw:p2"]
      ipv4: ["10.70.0.2/24", ""]
    - type: vxlan
      endpoint: {node: r1, interface: vx0, ipv4: 10.71.0.1/24}
      remote: 192.168.50.2
      vni: 4242
    - type: gre
      endpoint: {node: r2, interface: gre1, ipv4: 10.72.0.1/30}
      local: 192.168.50.2
      remote: 192.168.0.9
      key: 7
    - type: dummy
      endpoint: {node: r1, interface: dummy0, ipv4: 15.15.15.15/32}
Y
BIG=$T/big.nslab.yml
python3 "$FIXTURES/graph_gen.py" big 50 10.67 >"$BIG"
run_nslab validate -t "$BIG"
check_eq "the generated 50-node lab is valid" 0 "$RC" || diag "$ERR"

# ------------------------------------------------------------ command line
run_nslab help
check_match "nslab help lists graph" '^  graph ' "$OUT"
run_nslab graph --help
check_eq "graph --help exits 0" 0 "$RC"
check_match "graph --help shows the formats" 'dot\|mermaid\|html\|json' "$OUT"
check_exit 2 "no format and no -o to guess from: usage error" "$NSLAB" graph -t "$TRI"
check_exit 2 "an unknown format: usage error" "$NSLAB" graph -t "$TRI" --format png
check_exit 2 "--all: usage error" "$NSLAB" graph --all --format dot
run_nslab graph --name nosuchlab --format json
check_eq "--name of a lab not deployed: exit 1" 1 "$RC"
check_match "... saying so" "^nslab: lab 'nosuchlab' is not deployed" "$ERR"
run_nslab graph -t "$T/missing.yml" --format dot
check_eq "a missing file: exit 1" 1 "$RC"
check_match "... with one nslab: line" '^nslab: .*missing\.yml' "$ERR"
run_nslab graph -t "$TRI" --format dot -o "$T/no/such/dir/x.dot"
check_eq "-o into a missing directory: exit 1" 1 "$RC"
check_match "... naming the file" '^nslab: cannot create .*/no/such/dir/x\.dot' "$ERR"

# ------------------------------------------------------------ JSON (file alone)
run_nslab graph -t "$TRI" --format json
check_eq "json of the 3-node file exits 0" 0 "$RC" || diag "$ERR"
printf '%s' "$OUT" >"$T/tri.json"
py() { python3 -c "import json,sys; d=json.load(open('$1')); $2"; }
check_eq "json: version, lab, live, and counts of nodes, networks, links" "1 tri False 3 0 3" \
	"$(py "$T/tri.json" 'print(d["version"], d["lab"], d["live"], len(d["nodes"]), len(d["networks"]), len(d["links"]))')"
check_eq "json: r1's interfaces with addresses and peers" \
	"eth1 10.66.0.1/30 fd00:66::1/64 r2:eth1|eth2 10.66.1.1/24 - sw:p1" \
	"$(py "$T/tri.json" '
r1 = [n for n in d["nodes"] if n["name"] == "r1"][0]
print("|".join("%s %s %s %s:%s" % (f["name"], " ".join(f["ipv4"]) or "-", " ".join(f["ipv6"]) or "-",
      f["peer"]["node"], f["peer"]["interface"]) for f in r1["interfaces"]))')"
check_eq "json: no live state for a file alone" "None None" \
	"$(py "$T/tri.json" 'print(d["nodes"][0]["state"], d["nodes"][0]["interfaces"][0]["live"])')"

run_nslab graph -t "$BIG" --format json -o "$T/big.json"
check_eq "json of the 50-node lab to a file (-o)" 0 "$RC" || diag "$ERR"
want_links=$(python3 -c "
import re; t = open('$BIG').read()
print(t.count('- endpoints:') + len(re.findall(r'networks: \[lan\]', t)))")
check_eq "json: 50 nodes, the network, every link and network place" "50 1 $want_links" \
	"$(py "$T/big.json" 'print(len(d["nodes"]), len(d["networks"]), len(d["links"]))')"
check_eq "json: the network with its subnet and one port per member" "lan $(grep -c 'networks: \[lan\]' "$BIG")" \
	"$(py "$T/big.json" 'n = d["networks"][0]; print(n["name"], len(n["ports"]))')"
check_eq "json: every link end names an existing node and interface" ok "$(py "$T/big.json" '
ifs = {(n["name"], f["name"]) for n in d["nodes"] for f in n["interfaces"]}
ifs |= {("net:" + n["name"], f["name"]) for n in d["networks"] for f in n["ports"]}
ends = [("net:" + e["network"] if "network" in e else e["node"], e["interface"]) for l in d["links"] for e in l["ends"]]
print("ok" if all(e in ifs for e in ends) else [e for e in ends if e not in ifs])')"
check_eq "-o leaves no temporary file beside the output" "big.json" "$(cd "$T" && ls | grep '^big\.json')"

# ------------------------------------------------------------ DOT
if [ "$have_dot" = 1 ]; then
	for f in "$REPO"/examples/*.yml "$TRI" "$BIG" "$TUN"; do
		b=$(basename "$f")
		"$NSLAB" graph -t "$f" --format dot >"$T/g.dot" 2>"$T/g.err"
		check_eq "dot of $b: nslab exits 0" 0 "$?" || diag "$(cat "$T/g.err")"
		rc=0
		dot -Tsvg "$T/g.dot" >"$T/g.svg" 2>"$T/dot.err" || rc=$?
		check_eq "dot -Tsvg accepts the graph of $b" "0" "$rc$(grep -i -m1 'error\|warning' "$T/dot.err")"
		"$NSLAB" graph -t "$f" --format json >"$T/g.json"
		check_eq "the SVG of $b has every node and link" \
			"$(py "$T/g.json" 'print(len(d["nodes"]) + len(d["networks"]) + len(d["remotes"]), len(d["links"]))')" \
			"$(grep -c 'class="node"' "$T/g.svg") $(grep -c 'class="edge"' "$T/g.svg")"
	done
	"$NSLAB" graph -t "$TUN" --format dot | dot -Tsvg >"$T/tun.svg"
	check_eq "the SVG of the tunnel lab: nodes with their hosts, each remote named and dashed" \
		"r1|linux|@a; r2|linux|@b; sw|switch; vxlan 4242|192.168.50.2|@b dashed; gre key 7|192.168.0.9 dashed; dummy|no far end dashed" \
		"$(python3 - "$T/tun.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
nodes = {}
for g in ET.parse(sys.argv[1]).getroot().iter(S + "g"):
    if g.get("class") == "node":
        dashed = any(e.get("stroke-dasharray") for e in g.iter(S + "ellipse"))
        nodes[int(g.find(S + "title").text[1:])] = "|".join(t.text for t in g.iter(S + "text")) + (" dashed" if dashed else "")
print("; ".join(nodes[k] for k in sorted(nodes)))
PY
)"
else
	diag "SKIP DOT checks: graphviz (dot) is not installed (apt-get install graphviz)"
fi

# ------------------------------------------------------------ Mermaid
mjs=()
[ -n "${MERMAID_JS:-}" ] && [ -f "$MERMAID_JS" ] && [ "$have_chromium" = 1 ] && mjs=(--mermaid-js "$MERMAID_JS")
[ ${#mjs[@]} = 0 ] && diag "Mermaid: checked by the subset validator only (no MERMAID_JS=mermaid.min.js given)"
for f in "$REPO"/examples/*.yml "$TRI" "$BIG" "$TUN"; do
	b=$(basename "$f")
	"$NSLAB" graph -t "$f" --format mermaid >"$T/g.mmd"
	check "mermaid of $b is valid" python3 "$MC" "$T/g.mmd" "${mjs[@]}"
done
check_eq "mermaid of the 3-node lab: a node line per node, a link line per link" "3 3" \
	"$("$NSLAB" graph -t "$TRI" --format mermaid | grep -cE '^ +n[0-9]+[[({]') $("$NSLAB" graph -t "$TRI" --format mermaid | grep -c -- '---')"
printf 'graph LR\n    n0("a "quoted" b")\n    end("x")\n    n0 --- n9\n    n0 ---|"a # b"| end\n' >"$T/bad.mmd"
run_python_fail() { python3 "$MC" "$1" >"$T/mc.out" 2>&1 && return 1; return 0; }
check "the Mermaid validator refuses a broken file (it can fail)" run_python_fail "$T/bad.mmd"
check_match "... naming the unquoted quote, the keyword id, the unknown node, the bare #" \
	'not a statement.*' "$(cat "$T/mc.out")"
check_eq "... four problems found" 4 \
	"$(grep -cE "not a statement|is a Mermaid keyword|undeclared node 'n9'|bare '#'" "$T/mc.out")"

# ------------------------------------------------------------ HTML
run_nslab graph -t "$TRI" --format html -o "$T/tri.html"
check_eq "html of the 3-node lab (-o)" 0 "$RC" || diag "$ERR"
run_nslab graph -t "$TRI" -o "$T/tri2.html"
check_eq "-o FILE.html alone picks the format" 0 "$RC"
check "the same file gives the same page (deterministic layout)" cmp "$T/tri.html" "$T/tri2.html"
check_no_match "the page loads nothing from elsewhere" '(src|href)=|url\(|@import|<link' "$(cat "$T/tri.html")"
run_nslab graph -t "$BIG" --format html -o "$T/big.html"
check_eq "html of the 50-node lab" 0 "$RC" || diag "$ERR"

if [ "$have_chromium" = 1 ]; then
	python3 "$GC" "$T/tri.html" --screenshot "$ART/graph-3.png" >"$T/c3.json" 2>&1
	check_eq "Chromium: the 3-node page has no problem" "0" "$?$(py "$T/c3.json" 'print("".join(" " + p for p in d.get("problems", [d.get("error")])[:5]))' 2>&1)"
	check_eq "... 3 nodes checked, 6 link end labels" "3 6" "$(py "$T/c3.json" 'print(d["nodes"], d["ends"])')"
	check_eq "... hover and click showed r1's interfaces in the panel" "True eth1,eth2" \
		"$(py "$T/c3.json" 'p = [x for x in d["panel"] if x["node"] == "r1"][0]; print(p["hover"], ",".join(p["rows"]))')"
	check "... screenshot saved (tests/artifacts/graph-3.png)" test -s "$ART/graph-3.png"

	python3 "$GC" "$T/big.html" --window 1600,1100 --screenshot "$ART/graph-50.png" >"$T/c50.json" 2>&1
	check_eq "Chromium: the 50-node page has no problem" "0" "$?$(py "$T/c50.json" 'print("".join(" " + p for p in d.get("problems", [d.get("error")])[:5]))' 2>&1)"
	check_eq "... 51 nodes (50 and the network) checked pairwise" "51 2550" \
		"$(py "$T/c50.json" 'print(d["nodes"], d["pairs"])')"
	check "... screenshot saved (tests/artifacts/graph-50.png)" test -s "$ART/graph-50.png"

	# The checker must be able to fail: put r2 on top of r1, and push sw off the canvas.
	python3 - "$T/tri.html" "$T/overlap.html" "$T/outside.html" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
tr = dict(re.findall(r'id="node-(\d+)"[^>]*?transform="(translate\([^)]*\))"', src))
a = re.sub(r'(id="node-1"[^>]*?transform=")translate\([^)]*\)', r'\g<1>' + tr["0"].replace("(", "(").replace(")", ")"), src)
open(sys.argv[2], "w").write(a)
b = re.sub(r'(id="node-2"[^>]*?transform=")translate\([^)]*\)', r'\g<1>translate(99999,99999)', src)
open(sys.argv[3], "w").write(b)
PY
	python3 "$GC" "$T/overlap.html" >"$T/co.json" 2>&1
	check_eq "a page with r2 drawn over r1 fails the check" 1 "$?"
	check_match "... which reports the overlap of r1 and r2" 'labels of r1 and r2 overlap' "$(cat "$T/co.json")"
	python3 "$GC" "$T/outside.html" >"$T/cx.json" 2>&1
	check_eq "a page with sw off the canvas fails the check" 1 "$?"
	check_match "... which reports sw outside the drawing" 'label of sw is outside' "$(cat "$T/cx.json")"
else
	diag "SKIP Chromium checks: chromium is not installed (apt-get install chromium)"
fi

# ------------------------------------------------------------ tunnels and hosts
run_nslab graph -t "$TUN" --format json
check_eq "json of the tunnel lab exits 0" 0 "$RC" || diag "$ERR"
printf '%s' "$OUT" >"$T/tun.json"
check_eq "json: still version 1; nodes, networks, one remote per tunnel, links" "1 3 0 3 5" \
	"$(py "$T/tun.json" 'print(d["version"], len(d["nodes"]), len(d["networks"]), len(d["remotes"]), len(d["links"]))')"
check_eq "json: each node's host (null for the switch, stretched)" "r1=a r2=b sw=None" \
	"$(py "$T/tun.json" 'print(*["%s=%s" % (n["name"], n["host"]) for n in d["nodes"]])')"
check_eq "json: the remotes: name, kind, type, label, host" \
	"r1:vx0 remote vxlan [vxlan 4242/192.168.50.2/@b] b|r2:gre1 remote gre [gre key 7/192.168.0.9] None|r1:dummy0 remote dummy [dummy/no far end] None" \
	"$(py "$T/tun.json" 'print("|".join("%s %s %s [%s] %s" % (r["name"], r["kind"], r["type"], "/".join(r["label"]), r["host"]) for r in d["remotes"]))')"
check_eq "json: the tunnels' settings" "4242 14789 None 192.168.50.2|None None 7 192.168.0.9|None None None None" \
	"$(py "$T/tun.json" 'print("|".join("%s %s %s %s" % (r["vni"], r["port"], r["key"], r["remote"]) for r in d["remotes"]))')"
check_eq "json: link types" "veth veth vxlan gre dummy" "$(py "$T/tun.json" 'print(*[l["type"] for l in d["links"]])')"
check_eq "json: r1's interfaces, the tunnels' peers being their remotes" \
	"eth1 10.70.0.1/24 node=sw|vx0 10.71.0.1/24 remote=r1:vx0|dummy0 15.15.15.15/32 remote=r1:dummy0" \
	"$(py "$T/tun.json" '
r1 = d["nodes"][0]
print("|".join("%s %s %s" % (f["name"], " ".join(f["ipv4"]), "remote=" + f["peer"]["remote"] if "remote" in f["peer"] else "node=" + f["peer"]["node"]) for f in r1["interfaces"]))')"
check_eq "json: every link end names an existing interface (remotes too)" ok "$(py "$T/tun.json" '
ifs = {(k + ":" + n["name"], f["name"]) for k in ("node", "remote") for n in d[k + "s"] for f in n["interfaces"]}
ends = [(k + ":" + e[k], e["interface"]) for l in d["links"] for e in l["ends"] for k in ("node", "remote") if k in e]
print("ok" if len(ends) == 10 and all(e in ifs for e in ends) else ends)')"
check_eq "json: a lab without hosts or tunnels: host null, no remotes" "None None None []" \
	"$(py "$T/tri.json" 'print(*[n["host"] for n in d["nodes"]], d["remotes"])')"
"$NSLAB" graph -t "$TUN" --format mermaid >"$T/tun.mmd"
check_match "mermaid: the vxlan remote is a circle with its VNI, address and host" \
	'^    n3\(\("vxlan 4242<br/>192\.168\.50\.2<br/>#64;b"\)\)$' "$(cat "$T/tun.mmd")"
check_match "mermaid: r1 labelled with its host, the remotes dashed" \
	'n0\("r1<br/>linux<br/>#64;a"\).*classDef remote [^ ]*stroke-dasharray.*class n3,n4,n5 remote' "$(tr '\n' ' ' <"$T/tun.mmd")"
run_nslab graph -t "$TUN" --format html -o "$T/tun.html"
check_eq "html of the tunnel lab" 0 "$RC" || diag "$ERR"
check_eq "html: the three remotes are drawn as such" 3 "$(grep -c 'class="node k-remote" .*data-type="remote"' "$T/tun.html")"
if [ "$have_chromium" = 1 ]; then
	python3 "$GC" "$T/tun.html" --screenshot "$ART/graph-tunnels.png" >"$T/ct.json" 2>&1
	check_eq "Chromium: the tunnel page has no problem" "0" "$?$(py "$T/ct.json" 'print("".join(" " + p for p in d.get("problems", [d.get("error")])[:5]))' 2>&1)"
	check_eq "... 6 nodes (3 of them remotes) checked, 7 end labels" "6 7" "$(py "$T/ct.json" 'print(d["nodes"], d["ends"])')"
	check_eq "... hovering r1 lists its tunnels with their remotes, and its host" "eth1,vx0,dummy0 True True" \
		"$(py "$T/ct.json" 'p = [x for x in d["panel"] if x["node"] == "r1"][0]; print(",".join(p["rows"]), "remote vxlan 4242 192.168.50.2 @b" in p["text"], "host a" in p["text"])')"
	check_eq "... hovering a remote shows its one end and whose it is" "dummy True" \
		"$(py "$T/ct.json" 'p = [x for x in d["panel"] if x["node"] == "r1:dummy0"][0]; print(",".join(p["rows"]), "r1:dummy0" in p["text"])')"
	sed 's/>vxlan 4242</>vxlan 9</' "$T/tun.html" >"$T/tun-bad.html"
	python3 "$GC" "$T/tun-bad.html" >"$T/ctb.json" 2>&1
	check_eq "a page whose remote does not say its label fails the check" 1 "$?"
	check_match "... naming the remote" 'label of r1:vx0 does not say its name' "$(cat "$T/ctb.json")"
fi

# ------------------------------------------------------------ hosts and cross-host links
# examples/two-hosts.clab.yml: h1, r1 on a; h2, r2 on b; sw stretched; r1 - r2
# crosses hosts (a VXLAN at each end when deployed).
TWO=$REPO/examples/two-hosts.clab.yml
"$NSLAB" graph -t "$TWO" --format json >"$T/two.json"
check_eq "json: the file's hosts with their addresses" "a=192.168.0.1 b=192.168.0.2" \
	"$(py "$T/two.json" 'print(*["%s=%s" % (h["name"], h["address"]) for h in d["hosts"]])')"
check_eq "json: only the link between r1 (a) and r2 (b) crosses hosts" "False False True" \
	"$(py "$T/two.json" 'print(*[l["cross_host"] for l in d["links"]])')"
check_eq "json: a lab without hosts: no hosts, no link crosses" "[] False False False" \
	"$(py "$T/tri.json" 'print(d["hosts"], *[l["cross_host"] for l in d["links"]])')"
"$NSLAB" graph -t "$TWO" --format mermaid >"$T/two.mmd"
check "mermaid of the two-host lab passes the checker" python3 "$MC" "$T/two.mmd"
check_match "mermaid: one subgraph per host, holding its nodes" \
	'subgraph host0 \["host a \(192\.168\.0\.1\)"\] n0 n1 end subgraph host1 \["host b \(192\.168\.0\.2\)"\] n2 n3 end' \
	"$(tr -s ' \n' ' ' <"$T/two.mmd")"
check_match "mermaid: the cross-host link says vxlan and is dashed" \
	'n1 ---\|"[^"]* \(vxlan\)"\| n3 .*linkStyle 2 stroke:#1d4ed8,stroke-dasharray:4' "$(tr '\n' ' ' <"$T/two.mmd")"
printf 'graph LR\n    n0("a")\n    subgraph s0 ["x"]\n        n9\n' >"$T/bad-sub.mmd"
check_eq "the Mermaid checker refuses an undeclared member and a missing end" 1 \
	"$(python3 "$MC" "$T/bad-sub.mmd" >"$T/bad-sub.out" 2>&1; echo $?)"
check_match "... naming both" "undeclared node 'n9'.*has no 'end'" "$(tr '\n' ' ' <"$T/bad-sub.out")"
"$NSLAB" graph -t "$TWO" --format html -o "$T/two.html"
check_eq "html: the cross-host link is drawn as a tunnel (dashed), the other two not" "1 2" \
	"$(grep -c 'class="link tunnel"' "$T/two.html") $(grep -c 'class="link"' "$T/two.html")"
check_eq "html: the tunnel lab's three lines to remotes are dashed too" 3 \
	"$(grep -c 'class="link tunnel"' "$T/tun.html")"
if [ "$have_dot" = 1 ]; then
	"$NSLAB" graph -t "$TWO" --format dot | dot -Tsvg >"$T/two.svg"
	# Each cluster's box holds exactly its host's nodes (by geometry, the
	# nodes' label lines: the SVG does not nest them); the r1 - r2 edge is
	# dashed and labelled vxlan.
	check_eq "dot: a box per host around its nodes; the cross-host edge dashed, labelled vxlan" \
		"host a (192.168.0.1): h1 r1; host b (192.168.0.2): h2 r2; edge n1--n3 dashed vxlan" \
		"$(python3 - "$T/two.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
def box(g):
    pts = [tuple(map(float, p.split(","))) for e in g.iter(S + "polygon") for p in e.get("points").split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)
clusters, nodes, out = [], {}, []
for g in root.iter(S + "g"):
    if g.get("class") == "cluster":
        clusters.append((g.find(S + "text").text, box(g)))
    elif g.get("class") == "node":  # where its label's lines are written
        nodes[g.find(S + "text").text] = [(float(t.get("x")), float(t.get("y"))) for t in g.iter(S + "text")]
for label, (x0, y0, x1, y1) in clusters:
    inside = sorted(n for n, pts in nodes.items() if all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts))
    out.append("%s: %s" % (label, " ".join(inside)))
for g in root.iter(S + "g"):
    if g.get("class") == "edge":
        path = g.find(S + "path")
        texts = [t.text for t in g.iter(S + "text")]
        if path.get("stroke-dasharray"):
            out.append("edge %s dashed %s" % (g.find(S + "title").text.replace("&#45;", "-"), " ".join(t for t in texts if t == "vxlan")))
print("; ".join(out))
PY
)"
fi

# A deployed vxlan: its state is read like any other interface's; its remote has none.
ip link add gtun0 type veth peer name gtun1
ip addr add 10.201.0.1/24 dev gtun0
ip link set gtun0 up
ip link set gtun1 up
VX=$T/vx.nslab.yml
cat >"$VX" <<'Y'
name: gvx
topology:
  nodes: {r1: {}}
  links:
    - type: vxlan
      endpoint: {node: r1, interface: vx0, ipv4: 10.71.0.1/24}
      remote: 10.201.0.2
      vni: 4243
Y
snapshot "$T/before-vx"
run_nslab deploy -q -t "$VX"
check_eq "deploy a node with a vxlan" 0 "$RC" || diag "$ERR"
run_nslab graph -t "$VX" --format json
printf '%s' "$OUT" >"$T/vx.json"
check_eq "json: vx0 up with the kernel's ifindex; its remote has no live state" \
	"up $(ip -n "$(nsname gvx r1)" -j link show vx0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])') True None None" \
	"$(py "$T/vx.json" 'f = d["nodes"][0]["interfaces"][0]; r = d["remotes"][0]; print(f["live"]["state"], f["live"]["ifindex"], "10.71.0.1/24" in f["live"]["addresses"], r["state"], r["interfaces"][0]["live"])')"
check_eq "html: the vxlan's line is not drawn down" 0 "$("$NSLAB" graph -t "$VX" --format html | grep -c 'class="link down"')"
ip -n "$(nsname gvx r1)" link set vx0 down
check_eq "json: vx0 down after 'ip link set vx0 down'" down \
	"$("$NSLAB" graph -t "$VX" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"][0]["interfaces"][0]["live"]["state"])')"
check_eq "html: ... and its line is drawn down" 1 "$("$NSLAB" graph -t "$VX" --format html | grep -c 'class="link down\( tunnel\)\?"')"
run_nslab destroy -t "$VX"
check_eq "destroy the vxlan lab" 0 "$RC" || diag "$ERR"
assert_clean "$T/before-vx"
ip link del gtun0

# ------------------------------------------------------------ live state
snapshot "$T/before"
run_nslab deploy -t "$TRI"
check_eq "deploy the 3-node lab" 0 "$RC" || diag "$ERR"
R1=$(nsname tri r1)
R2=$(nsname tri r2)
run_nslab graph -t "$TRI" --format json
check_eq "json of the deployed lab (-t) exits 0" 0 "$RC" || diag "$ERR"
printf '%s' "$OUT" >"$T/live.json"
live() { py "$T/live.json" "
def f(node, name):
    n = [n for n in d['nodes'] if n['name'] == node][0]
    return n, [i for i in n['interfaces'] if i['name'] == name][0]
$1"; }
check_eq "json: live, every node running" "True running running running" \
	"$(live 'print(d["live"], *[n["state"] for n in d["nodes"]])')"
check_eq "json: r1:eth1 up, with the kernel's ifindex and live addresses" \
	"up $(ip -n "$R1" -j link show eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])') True" \
	"$(live 'n, i = f("r1", "eth1"); print(i["live"]["state"], i["live"]["ifindex"], "10.66.0.1/30" in i["live"]["addresses"])')"
check_eq "json: the switch port sw:p1 up" "up" "$(live 'print(f("sw", "p1")[1]["live"]["state"])')"

ip -n "$R1" link set eth1 down
run_nslab graph --name tri --format json
check_eq "json by --name after 'ip link set eth1 down' in r1" 0 "$RC" || diag "$ERR"
printf '%s' "$OUT" >"$T/live.json"
check_eq "json: r1:eth1 down, its peer r2:eth1 lowerdown (no carrier), r1:eth2 still up" \
	"down lowerdown up" \
	"$(live 'print(f("r1", "eth1")[1]["live"]["state"], f("r2", "eth1")[1]["live"]["state"], f("r1", "eth2")[1]["live"]["state"])')"
run_nslab graph -t "$TRI" --format html -o "$T/live.html"
check_eq "html of the deployed lab" 0 "$RC"
check_eq "html: the link r1-r2 is drawn down, the others not" 1 "$(grep -c 'class="link down"' "$T/live.html")"
check_match "html: the end label says eth1 is down" '>eth1 \(down\)<' "$(cat "$T/live.html")"
check_match "dot: the down link is red and dashed" 'n0 -- n1 \[.*color="#dc2626", style=dashed' \
	"$("$NSLAB" graph -t "$TRI" --format dot)"
if [ "$have_chromium" = 1 ]; then
	python3 "$GC" "$T/live.html" >"$T/cl.json" 2>&1
	check_eq "Chromium: the live page has no problem" 0 "$?"
	check_match "... hovering r1 shows eth1 down in its panel, and its live address" \
		'eth110\.66\.0\.1/30 fd00:66::1/64r2:eth1down.*10\.66\.0\.1/30' \
		"$(py "$T/cl.json" 'print([p["text"] for p in d["panel"] if p["node"] == "r1"][0])')"
fi
run_nslab graph -t "$TRI" --format json --no-live
check_eq "--no-live draws the file without live state" "False None" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["live"], d["nodes"][0]["state"])')"
ip -n "$R1" link set eth1 up

ip netns del "$R2"
run_nslab graph -t "$TRI" --format json
printf '%s' "$OUT" >"$T/live.json"
check_eq "json: a node whose namespace is gone is absent, its interfaces too" "absent absent running" \
	"$(live 'print(f("r2", "eth1")[0]["state"], f("r2", "eth1")[1]["live"]["state"], f("r1", "eth1")[0]["state"])')"

run_nslab destroy -t "$TRI"
check_eq "destroy" 0 "$RC" || diag "$ERR"
run_nslab graph -t "$TRI" --format json
check_eq "after destroy, -t draws the file alone" "False" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["live"])')"
assert_clean "$T/before"
done_testing
