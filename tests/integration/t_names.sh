#!/bin/bash
# Extra — names (spec/topology.md, Networks: "Every node can resolve every
# other node's name on a shared network (and on any link) to its address:
# nslab writes /etc/netns/<netns>/hosts, which `ip netns exec` and
# `nslab exec` bind-mount over /etc/hosts"): link peers resolve each other,
# through both; destroy removes the hosts files.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/names.nslab.yml
cat >"$F" <<'Y'
name: names
topology:
  nodes:
    n1: {}
    n2: {}
    n3: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.41.0.1/24", "10.41.0.2/24"]
    - endpoints: ["n2:eth2", "n3:eth1"]
      ipv4: ["10.41.1.2/24", "10.41.1.3/24"]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "nslab writes /etc/netns/nslab-names-n1/hosts" test -f /etc/netns/nslab-names-n1/hosts
check_match "n1 resolves its link peer n2 (nslab exec)" '^10\.41\.0\.2 ' \
	"$("$NSLAB" exec -t "$F" n1 -- getent hosts n2)"
check_match "n3 resolves its link peer n2 (ip netns exec)" '^10\.41\.1\.2 ' \
	"$(ip netns exec nslab-names-n3 getent hosts n2)"
check_match "n2 resolves n1 (nslab exec)" '^10\.41\.0\.1 ' \
	"$("$NSLAB" exec -t "$F" n2 -- getent hosts n1)"
check_match "n2 resolves n3 (nslab exec)" '^10\.41\.1\.3 ' \
	"$("$NSLAB" exec -t "$F" n2 -- getent hosts n3)"
check_match "localhost still resolves inside a node" '^(127\.0\.0\.1|::1) ' \
	"$(ip netns exec nslab-names-n1 getent hosts localhost)"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before" "clean, /etc/netns included"
done_testing
