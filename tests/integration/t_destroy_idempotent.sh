#!/bin/bash
# Extra — destroy is idempotent: destroying an absent lab (by name, by file,
# --all with nothing deployed) exits 0 with a note on stderr; destroying
# twice exits 0 both times.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/idem.nslab.yml
cat >"$F" <<'Y'
name: idem
topology:
  nodes:
    ibr: {kind: bridge}
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "ibr:idem-n1"]
    - endpoints: ["n2:eth1", "n2:eth2"]
Y
snapshot "$T/before"

run_nslab destroy --name nosuchlab
check_eq "destroy --name of an absent lab exits 0" 0 "$RC"
check_match "with a note on stderr" '.' "$ERR"
check_eq "and nothing on stdout" "" "$OUT"
run_nslab destroy -t "$F"
check_eq "destroy -t of a never-deployed file exits 0" 0 "$RC"
check_match "with a note on stderr" '.' "$ERR"
run_nslab destroy --all
check_eq "destroy --all with no lab exits 0" 0 "$RC"
assert_clean "$T/before" "nothing changed by destroying nothing"

run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "a veth looped inside one node works (n2:eth1 <-> n2:eth2)" ip -n nslab-idem-n2 link show eth2
run_nslab destroy -t "$F"
check_eq "first destroy exits 0" 0 "$RC" || diag "$ERR"
run_nslab destroy -t "$F"
check_eq "second destroy exits 0" 0 "$RC"
check_match "second destroy notes the lab is absent" '.' "$ERR"
run_nslab destroy --name idem
check_eq "destroy --name after that exits 0" 0 "$RC"
assert_clean "$T/before"

run_nslab deploy -q -t "$F"
check_eq "deploy again exits 0" 0 "$RC"
run_nslab destroy --all
check_eq "destroy --all exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before" "destroy --all removed the lab"
mkdir "$T/empty" && cd "$T/empty"
run_nslab destroy
cd "$T"
check_eq "destroy with no selection and no topology file here fails (exit 1 or 2)" 1 \
	"$(( RC == 1 || RC == 2 ))"
done_testing
