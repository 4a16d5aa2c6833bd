#!/bin/bash
# Bad input for networks, ports and ext nodes. File problems (the same host
# port twice, overlapping subnets in one file, an address outside its subnet
# or on the gateway, two nodes with one address, an unknown network):
# deploy and validate exit 1 with `nslab: FILE:LINE:COL: message` at the
# offending line. Runtime facts (spec rule 9: checked by deploy, not validate):
# a host port another deployed lab publishes, a subnet that overlaps another
# deployed lab's network or a route of the host, a pid that does not exist:
# deploy exits 1 naming the object, and nothing is created; the other lab is
# untouched.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab

snapshot "$T/before"
NET_LABS="bad a b" net_state "$T/netbefore"

# bad NAME LINE: static error, topology on stdin, LINE the line it points at
bad() {
	local name=$1 line=$2 f=$T/$1.yml first
	cat >"$f"
	run_nslab deploy -t "$f"
	first=$(printf '%s\n' "$ERR" | head -n 1)
	check_eq "$name: deploy exits 1" 1 "$RC" || diag "stdout: $OUT" "stderr: $ERR"
	check_match "$name: 'nslab: FILE:$line:COL: message'" "^nslab: $f:$line:[0-9]+: " "$first"
	run_nslab validate -t "$f"
	check_eq "$name: validate exits 1" 1 "$RC"
	check_match "$name: validate points at line $line" "^nslab: $f:$line:[0-9]+: " \
		"$(printf '%s\n' "$ERR" | head -n 1)"
	assert_clean "$T/before" "$name: nothing changed"
}

bad same-host-port-twice 8 <<'Y'
name: bad
networks:
  net: {subnet: 10.88.0.0/24}
topology:
  nodes:
    a: {networks: [net], ports: ["8080:80"]}
    b:
      ports: ["8081:81", "8080:80"]
      networks: [net]
Y
bad same-host-port-range-overlap 7 <<'Y'
name: bad
networks:
  net: {subnet: 10.88.0.0/24}
topology:
  nodes:
    a: {networks: [net], ports: ["9000-9010:9000-9010"]}
    b: {networks: [net], ports: ["9005:80"]}
Y
bad overlapping-subnets-in-one-file 4 <<'Y'
name: bad
networks:
  n1: {subnet: 10.88.0.0/16}
  n2: {subnet: 10.88.5.0/24}
topology:
  nodes:
    a: {networks: [n1, n2]}
Y
bad address-outside-subnet 6 <<'Y'
name: bad
networks:
  backend: {subnet: 172.30.2.0/24}
topology:
  nodes:
    db: {networks: {backend: {ipv4: 172.30.3.50}}}
Y
bad address-is-the-gateway 8 <<'Y'
name: bad
networks:
  backend: {subnet: 172.30.2.0/24, internal: true}
topology:
  nodes:
    db:
      networks:
        backend: {ipv4: 172.30.2.1}
Y
bad same-address-twice 7 <<'Y'
name: bad
networks:
  backend: {subnet: 172.30.2.0/24}
topology:
  nodes:
    db1: {networks: {backend: {ipv4: 172.30.2.50}}}
    db2: {networks: {backend: {ipv4: 172.30.2.50}}}
Y
bad unknown-network 6 <<'Y'
name: bad
networks:
  frontend: {subnet: 172.30.1.0/24}
topology:
  nodes:
    proxy: {networks: [frontend, fronted]}
Y
bad bad-port-spec 6 <<'Y'
name: bad
networks:
  frontend: {subnet: 172.30.1.0/24}
topology:
  nodes:
    proxy: {networks: [frontend], ports: ["80:80/sctp"]}
Y

# ---- runtime facts: lab a is deployed, lab b collides with it
A=$T/a.nslab.yml
cat >"$A" <<'Y'
name: a
networks:
  neta: {subnet: 10.50.0.0/24, subnet6: "fd50:0:0:1::/64"}
topology:
  nodes:
    web: {networks: [neta], ports: ["8080:80"]}
Y
run_nslab deploy -q -t "$A"
check_eq "lab a deploys" 0 "$RC" || diag "$ERR"
snapshot "$T/with-a"
NET_LABS="bad a b" net_state "$T/netwith-a"
tcp_server nslab-a-web 80 web-a "$T/web-a.log"

# runtime NAME ERE: lab b (stdin) must fail at deploy with ERE in its message,
# pass validate (rule 9), and leave everything as with lab a alone
runtime() {
	local name=$1 ere=$2 f=$T/b-$1.nslab.yml
	cat >"$f"
	run_nslab validate -t "$f"
	check_eq "$name: validate accepts it (a runtime fact, rule 9)" 0 "$RC" || diag "$ERR"
	run_nslab deploy -q -t "$f"
	check_eq "$name: deploy exits 1" 1 "$RC" || diag "stdout: $OUT" "stderr: $ERR"
	check_match "$name: one 'nslab: ' line naming the object ($ere)" "^nslab: .*($ere)" \
		"$(printf '%s\n' "$ERR" | head -n 1)"
	check_fail "$name: lab b is not deployed (inspect)" "$NSLAB" inspect --name b
	check_fail "$name: no nft table nslab_b" nft list table inet nslab_b
	assert_clean "$T/with-a" "$name: nothing created, lab a untouched"
	NET_LABS="bad a b" net_assert_state "$T/netwith-a" "$name: nft ruleset, iptables, links as with lab a alone"
	check_eq "$name: lab a still forwards 8080 (127.0.0.1:8080)" web-a "$(tcp_send - 127.0.0.1 8080 "after-$name")"
}

runtime port-published-by-another-lab '8080' <<'Y'
name: b
networks:
  netb: {subnet: 10.51.0.0/24}
topology:
  nodes:
    web: {networks: [netb], ports: ["8080:80"]}
Y
runtime subnet-overlaps-another-lab '10\.50\.0\.0/2[0-9]|neta|lab .?a' <<'Y'
name: b
networks:
  netb: {subnet: 10.50.0.128/25}
topology:
  nodes:
    n: {networks: [netb]}
Y
runtime subnet6-overlaps-another-lab 'fd50:0:0:1::/64|fd50::/48' <<'Y'
name: b
networks:
  netb: {subnet: 10.53.0.0/24, subnet6: "fd50::/48"}
topology:
  nodes:
    n: {networks: [netb]}
Y

# a route of the host: a veth of the sandbox's host namespace with 10.99.0.1/16
ip link add hostnet0 type veth peer name hostnet1
ip addr add 10.99.0.1/16 dev hostnet0
ip link set hostnet0 up
ip link set hostnet1 up
snapshot "$T/with-a"
NET_LABS="bad a b" net_state "$T/netwith-a"
runtime subnet-overlaps-a-host-route '10\.99\.' <<'Y'
name: b
networks:
  netb: {subnet: 10.99.1.0/24}
topology:
  nodes:
    n: {networks: [netb]}
Y
runtime pid-does-not-exist '999999' <<'Y'
name: b
networks:
  netb: {subnet: 10.52.0.0/24}
topology:
  nodes:
    n: {networks: [netb]}
    x: {kind: ext, pid: 999999, networks: [netb]}
Y
runtime netns-does-not-exist 'nosuchns' <<'Y'
name: b
topology:
  nodes:
    n: {}
    x: {kind: ext, netns: nosuchns}
  links:
    - endpoints: ["n:eth1", "x:eth1"]
Y
ip link del hostnet0

stop_servers
run_nslab destroy -t "$A"
check_eq "lab a: destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
NET_LABS="bad a b" net_assert_state "$T/netbefore" "nft ruleset, iptables-save, links, /etc/netns, cgroups as at the start"
done_testing
