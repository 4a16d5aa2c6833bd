#!/bin/bash
# Acceptance point 4 — a containerlab file runs unchanged
# (fixtures/clab-compat.clab.yml): linux nodes with `image: alpine:latest`
# and all configuration in `exec`; deploy prints exactly one warning for
# `image` on stderr and the pings work.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/clab-compat.clab.yml
cp "$FIXTURES/clab-compat.clab.yml" "$F"
snapshot "$T/before"

run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check_eq "exactly one stderr line mentions image" 1 "$(printf '%s\n' "$ERR" | grep -c image)"
check_match "the warning names the key image" '\bimage\b' "$ERR"
check_no_match "stdout carries no warning" 'image' "$OUT"

run_nslab validate -t "$F"
check_eq "validate exits 0" 0 "$RC"
check_eq "validate prints one warning line for image" 1 "$(printf '%s\n' "$ERR" | grep -c image)"
check_eq "validate prints nothing on stdout" "" "$OUT"

c=nslab-clabcompat-client s=nslab-clabcompat-server r=nslab-clabcompat-router
check_match "exec ran: client has 192.168.10.2/24 on eth1" '192\.168\.10\.2/24' "$(ip -n $c -br addr show eth1)"
check_eq "exec ran: sysctl -w in router set ip_forward" 1 "$(ip netns exec $r cat /proc/sys/net/ipv4/ip_forward)"
check "client pings router" pings $c 192.168.10.1
check "client pings server through router" pings $c 192.168.20.2
check "server pings client through router" pings $s 192.168.10.2

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
