#!/bin/bash
# Extra — --node-filter a,b builds only those nodes and the links between
# them; links to filtered-out nodes are skipped; destroy removes it all.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/filt.nslab.yml
cat >"$F" <<'Y'
name: filt
topology:
  nodes:
    n1: {}
    n2: {}
    n3: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.80.0.1/24", "10.80.0.2/24"]
    - endpoints: ["n2:eth2", "n3:eth1"]
      ipv4: ["10.80.1.2/24", "10.80.1.3/24"]
Y
snapshot "$T/before"
run_nslab deploy --node-filter n1,n2 -t "$F"
check_eq "deploy --node-filter n1,n2 exits 0" 0 "$RC" || diag "$ERR"
check_eq "only n1 and n2 exist" "nslab-filt-n1 nslab-filt-n2" "$(ip netns list | awk '{print $1}' | sort | xargs)"
check_no_match "the deploy's table does not show n3 as running" '\bn3\b.*running' "$OUT"
check "n1 pings n2" pings nslab-filt-n1 10.80.0.2
check_fail "n2 has no eth2 (its link goes to n3)" ip -n nslab-filt-n2 link show eth2
check_eq "inspect: n1 and n2 are running, n3 is not" "n1 n2" \
	"$("$NSLAB" inspect -t "$F" --format json | python3 -c 'import json,sys; print(" ".join(sorted(r["node"] for r in json.load(sys.stdin) if r["state"] == "running")))')"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"

run_nslab deploy --node-filter n3 -t "$F"
check_eq "deploy --node-filter n3 exits 0" 0 "$RC" || diag "$ERR"
check_eq "only n3 exists" "nslab-filt-n3" "$(ip netns list | awk '{print $1}' | xargs)"
check_eq "n3 has only lo" "lo" "$(ip -n nslab-filt-n3 -br link | awk '{print $1}' | xargs)"
run_nslab destroy --name filt
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"

run_nslab deploy --node-filter n1,nosuch -t "$F"
check_eq "--node-filter naming an unknown node fails" 1 "$((RC != 0))"
assert_clean "$T/before" "and creates nothing"
done_testing
