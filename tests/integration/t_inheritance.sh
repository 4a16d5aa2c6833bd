#!/bin/bash
# Extra — inheritance of node settings (spec/topology.md): node -> group ->
# kind -> defaults, most specific first; maps (sysctls, labels, env) merge,
# lists and scalars override; `defaults.kind`.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/inh.nslab.yml
cat >"$F" <<'Y'
name: inh
topology:
  defaults:
    kind: linux
    sysctls: {net.ipv4.ip_forward: 1, net.ipv4.conf.all.accept_redirects: 0}
    labels: {tier: any}
  kinds:
    linux:
      sysctls: {net.ipv4.icmp_echo_ignore_broadcasts: 0}
      labels: {kindlabel: k1}
  groups:
    quiet:
      sysctls: {net.ipv4.ip_forward: 0}
      labels: {tier: quiet}
      exec: ["true"]
  nodes:
    a: {}
    b: {group: quiet}
    c:
      group: quiet
      sysctls: {net.ipv4.ip_forward: 1}
      labels: {own: c}
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
sv() { ip netns exec "nslab-inh-$1" cat "/proc/sys/$2"; }
check_eq "a: ip_forward 1 from defaults" 1 "$(sv a net/ipv4/ip_forward)"
check_eq "b: ip_forward 0 from its group (group beats defaults)" 0 "$(sv b net/ipv4/ip_forward)"
check_eq "c: ip_forward 1 from the node (node beats group)" 1 "$(sv c net/ipv4/ip_forward)"
check_eq "a, b, c: accept_redirects 0 from defaults (maps merge)" "0 0 0" \
	"$(sv a net/ipv4/conf/all/accept_redirects) $(sv b net/ipv4/conf/all/accept_redirects) $(sv c net/ipv4/conf/all/accept_redirects)"
check_eq "a, b, c: icmp_echo_ignore_broadcasts 0 from kinds.linux" "0 0 0" \
	"$(sv a net/ipv4/icmp_echo_ignore_broadcasts) $(sv b net/ipv4/icmp_echo_ignore_broadcasts) $(sv c net/ipv4/icmp_echo_ignore_broadcasts)"
fan() { "$NSLAB" exec -t "$F" --label "$1" -- echo x | cut -d: -f1 | sort | xargs; }
check_eq "label tier=any (defaults): only a" a "$(fan tier=any)"
check_eq "label tier=quiet (group overrides defaults): b c" "b c" "$(fan tier=quiet)"
check_eq "label kindlabel=k1 (kinds.linux, merged): a b c" "a b c" "$(fan kindlabel=k1)"
check_eq "label own=c (node, merged with group's): c" c "$(fan own=c)"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
