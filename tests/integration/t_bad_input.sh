#!/bin/bash
# Acceptance point 5 — bad input: malformed topologies (unknown key, wrong
# type, interface used twice, link to unknown node, bad CIDR, 16-byte
# interface name, duplicate node, YAML syntax error, invalid lab name, empty
# file, binary file, ...). For each: `nslab deploy` exits 1, the first line of
# stderr is `nslab: FILE:LINE:COL: message` (at the offending line where the
# case names one), `nslab validate` agrees, and nothing changed.
. "$(dirname "$0")/lib.sh"
require_nslab

snapshot "$T/before"
ncases=0

# bad NAME LINE: the topology is on stdin; LINE is the line the error must
# point at ("" = any line).
bad() {
	local name=$1 line=$2 f=$T/$1.yml first
	cat >"$f"
	ncases=$((ncases + 1))
	run_nslab deploy -t "$f"
	first=$(printf '%s\n' "$ERR" | head -n 1)
	check_eq "$name: deploy exits 1" 1 "$RC" || diag "stdout: $OUT" "stderr: $ERR"
	check_match "$name: first stderr line is 'nslab: FILE:LINE:COL: message'" \
		'^nslab: [^:]+:[0-9]+:[0-9]+: ' "$first"
	check_match "$name: the message names the file" "^nslab: $f:" "$first"
	if [ -n "$line" ]; then
		check_match "$name: points at line $line" "^nslab: [^:]+:($line):[0-9]+: " "$first"
	fi
	check "$name: at most three lines on stderr" test "$(printf '%s\n' "$ERR" | grep -c .)" -le 3
	run_nslab validate -t "$f"
	check_eq "$name: validate exits 1" 1 "$RC"
	check_match "$name: validate says 'nslab: FILE:LINE:COL: '" '^nslab: [^:]+:[0-9]+:[0-9]+: ' \
		"$(printf '%s\n' "$ERR" | head -n 1)"
	assert_clean "$T/before" "$name: nothing changed (netns, links, /run/nslab)"
}

bad unknown-top-key 2 <<'Y'
name: bad
nmae: typo
topology:
  nodes:
    n1: {}
Y
bad unknown-node-key 5 <<'Y'
name: bad
topology:
  nodes:
    n1:
      kindd: linux
Y
bad unknown-link-key 8 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      mtuu: 1500
Y
bad nodes-is-a-list 3 <<'Y'
name: bad
topology:
  nodes: [n1, n2]
Y
bad node-is-a-scalar 4 <<'Y'
name: bad
topology:
  nodes:
    n1: linux
Y
bad links-is-a-map 6 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links: {endpoints: ["n1:eth1", "n2:eth1"]}
Y
bad mtu-not-a-number 8 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      mtu: fast
Y
bad sysctls-is-a-list 4 <<'Y'
name: bad
topology:
  nodes:
    n1: {sysctls: [net.ipv4.ip_forward]}
Y
bad interface-used-twice 9 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
    n3: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
    - endpoints: ["n1:eth1", "n3:eth1"]
Y
bad interface-twice-in-one-link 6 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
  links:
    - endpoints: ["n1:eth1", "n1:eth1"]
Y
bad link-to-unknown-node 6 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
  links:
    - endpoints: ["n1:eth1", "ghost:eth1"]
Y
bad cidr-bad-octet 8 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.0.0.300/24", "10.0.0.2/24"]
Y
bad cidr-bad-prefix 9 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - type: veth
      endpoints:
        - {node: n1, interface: eth1, ipv4: 10.0.0.1/33}
        - {node: n2, interface: eth1}
Y
bad ipv6-bad 8 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv6: ["fd00::zz/64", "fd00::2/64"]
Y
bad route-bad-dst 5 <<'Y'
name: bad
topology:
  nodes:
    n1:
      routes: [{dst: 10.1.0.0/99, via: 10.0.0.1}]
Y
bad interface-name-16-bytes 7 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:abcdefghijklmnop", "n2:eth1"]
Y
bad interface-name-slash 7 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth/1", "n2:eth1"]
Y
bad interface-name-space 7 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth 1", "n2:eth1"]
Y
bad endpoint-without-colon 7 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1eth1", "n2:eth1"]
Y
bad duplicate-node 5 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n1: {kind: linux}
Y
bad invalid-node-name 4 <<'Y'
name: bad
topology:
  nodes:
    bad/node: {}
Y
bad bridge-name-too-long 4 <<'Y'
name: bad
topology:
  nodes:
    averyverylongbridge: {kind: bridge}
Y
bad bridge-with-exec 4 <<'Y'
name: bad
topology:
  nodes:
    br1: {kind: bridge, exec: ["true"]}
Y
bad unknown-kind 4 <<'Y'
name: bad
topology:
  nodes:
    srl: {kind: nokia_srlinux}
Y
bad bad-mac 9 <<'Y'
name: bad
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - type: veth
      endpoints:
        - {node: n1, interface: eth1, mac: "zz:00:00:00:00:01"}
        - {node: n2, interface: eth1}
Y
bad yaml-unclosed-flow "" <<'Y'
name: bad
topology:
  nodes: {n1: {}
  links: []
Y
bad yaml-tab-indent "" <<'Y'
name: bad
topology:
	nodes:
	  n1: {}
Y
bad yaml-bad-indent "" <<'Y'
name: bad
topology:
  nodes:
    n1: {}
   n2: {}
Y
bad lab-name-invalid-chars 1 <<'Y'
name: "bad name!"
topology:
  nodes:
    n1: {}
Y
bad lab-name-leading-dash 1 <<'Y'
name: -lab
topology:
  nodes:
    n1: {}
Y
bad lab-name-33-chars 1 <<'Y'
name: abcdefghijabcdefghijabcdefghijabc
topology:
  nodes:
    n1: {}
Y
bad missing-name "" <<'Y'
topology:
  nodes:
    n1: {}
Y
bad missing-topology "" <<'Y'
name: bad
Y
bad top-level-list 1 <<'Y'
- name: bad
- topology: {}
Y
bad empty-file 1 </dev/null
# the two files the spec says are reported at 1:1 exactly
check_match "empty-file: reported at 1:1" '^nslab: [^:]+:1:1: ' "$(printf '%s\n' "$ERR" | head -n 1)"
head -c 512 /bin/sh | bad binary-file 1
check_match "binary-file: reported at 1:1" '^nslab: [^:]+:1:1: ' "$(printf '%s\n' "$ERR" | head -n 1)"

diag "$ncases malformed topologies"
check "at least 20 malformed topologies were tried" test "$ncases" -ge 20

# and a good file validates quietly
cat >"$T/good.yml" <<'Y'
name: good
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
Y
run_nslab validate -t "$T/good.yml"
check_eq "a good file: validate exits 0" 0 "$RC" || diag "$ERR"
check_eq "a good file: validate prints nothing" "" "$OUT$ERR"
for ex in "$REPO"/examples/*.yml; do
	run_nslab validate -t "$ex"
	check_eq "example $(basename "$ex") validates" 0 "$RC" || diag "$ERR"
done
run_nslab deploy
check_eq "deploy without -t and no topology file in the directory fails" 1 "$((RC != 0))"
run_nslab deploy --no-such-option -t "$T/good.yml"
check_eq "unknown option: exit status 2 (usage)" 2 "$RC"
assert_clean "$T/before"
done_testing
