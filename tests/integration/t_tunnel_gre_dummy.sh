#!/bin/bash
# Issue 6, explicit links: `type: gre` between two nodes of one lab carries
# pings, and `type: dummy` gives a node an interface with its address.  The
# GRE underlay is two addresses of the sandbox's host namespace (on lo), one
# per tunnel end, so the two tunnels' local/remote pairs differ.  On a kernel
# without GRE or dummy devices (found by a real `ip link add` in a scratch
# namespace), deploy fails with exit 1 naming the missing module
# (ip_gre, dummy) and leaves nothing.  Run with GRE and dummy in the stock
# Debian kernel: make check-vm VM_TESTS=t_tunnel_gre_dummy.
. "$(dirname "$0")/lib.sh"
require_nslab

# Does this kernel make a device of this kind (loading its module if it can)?
kernel_has() {
	local ok=1
	ip netns add tgd-probe || return 1
	ip -n tgd-probe link add probe0 "$@" >/dev/null 2>&1 && ok=0
	ip netns del tgd-probe
	return $ok
}

ip addr add 10.200.1.1/32 dev lo
ip addr add 10.200.1.2/32 dev lo
ip link set lo up

G=$T/gre.nslab.yml
cat >"$G" <<'Y'
name: gre
topology:
  nodes: {r1: {}, r2: {}}
  links:
    - type: gre
      endpoint: {node: r1, interface: gre1, ipv4: 192.168.0.1/30}
      local: 10.200.1.1
      remote: 10.200.1.2
      ttl: 64
    - type: gre
      endpoint: {node: r2, interface: gre1, ipv4: 192.168.0.2/30}
      local: 10.200.1.2
      remote: 10.200.1.1
      ttl: 64
Y
D=$T/dummy.nslab.yml
cat >"$D" <<'Y'
name: dum
topology:
  nodes: {r1: {}}
  links:
    - type: dummy
      endpoint: {node: r1, interface: dummy0, ipv4: 15.15.15.15/32, mac: "02:00:00:00:15:15"}
Y
# Probe first: loading ip_gre makes its fallback devices (gre0 …) in
# namespaces that exist, this one among them; they are not the lab's.
kernel_has type gre local 10.9.9.1 remote 10.9.9.2 && HAS_GRE=1 || HAS_GRE=0
kernel_has type dummy && HAS_DUMMY=1 || HAS_DUMMY=0
snapshot "$T/before"

if [ $HAS_GRE = 1 ]; then
	diag "this kernel has GRE tunnels"
	run_nslab deploy -q -t "$G"
	check_eq "gre: deploy exits 0" 0 "$RC" || diag "$ERR"
	det=$(ip -d -n nslab-gre-r1 link show gre1 2>&1)
	check_match "gre: r1's gre1 is a GRE tunnel 10.200.1.1 -> 10.200.1.2, ttl 64" \
		'gre remote 10\.200\.1\.2 local 10\.200\.1\.1 ttl 64' "$det"
	check_match "gre: its underlay is the host namespace's (link-netns)" 'link-netns' "$det"
	check "gre: r1 pings r2 over the tunnel" pings nslab-gre-r1 192.168.0.2
	check "gre: r2 pings r1 over the tunnel" pings nslab-gre-r2 192.168.0.1
	run_nslab inspect interfaces --name gre
	check_match "gre: inspect names the remote" 'gre1 .*gre:10\.200\.1\.2' "$OUT"
	run_nslab destroy -q --name gre
	check_eq "gre: destroy exits 0" 0 "$RC" || diag "$ERR"
	assert_clean "$T/before" "gre: nothing left"
else
	diag "this kernel has no GRE tunnels: deploy must say so"
	run_nslab deploy -q -t "$G"
	check_eq "gre: deploy exits 1" 1 "$RC"
	check_match "gre: the message names the missing module and what to do" \
		"^nslab: r1:gre1: this kernel has no GRE tunnel devices \(module ip_gre\): load it with 'modprobe ip_gre'$" "$ERR"
	assert_clean "$T/before" "gre: nothing left"
fi

if [ $HAS_DUMMY = 1 ]; then
	diag "this kernel has dummy devices"
	run_nslab deploy -q -t "$D"
	check_eq "dummy: deploy exits 0" 0 "$RC" || diag "$ERR"
	check_match "dummy: r1's dummy0 is a dummy device with the file's MAC" \
		'02:00:00:00:15:15 .*dummy' "$(ip -d -n nslab-dum-r1 link show dummy0 2>&1 | tr '\n' ' ')"
	check_eq "dummy: with its address" "dummy0=15.15.15.15/32" "$(addrs4 nslab-dum-r1)"
	check "dummy: r1 pings its address" pings nslab-dum-r1 15.15.15.15
	run_nslab destroy -q --name dum
	check_eq "dummy: destroy exits 0" 0 "$RC" || diag "$ERR"
	assert_clean "$T/before" "dummy: nothing left"
else
	diag "this kernel has no dummy devices: deploy must say so"
	run_nslab deploy -q -t "$D"
	check_eq "dummy: deploy exits 1" 1 "$RC"
	check_match "dummy: the message names the missing module and what to do" \
		"^nslab: r1:dummy0: this kernel has no dummy devices \(module dummy\): load it with 'modprobe dummy'$" "$ERR"
	assert_clean "$T/before" "dummy: nothing left"
fi
done_testing
