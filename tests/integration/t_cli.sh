#!/bin/bash
# Extra — the command line contract (spec/cli.md): help and version, exit
# status 2 for usage errors, `-t -` reads standard input, `-t` omitted takes
# the single topology file of the current directory, commands on a lab that
# is not deployed fail cleanly.
. "$(dirname "$0")/lib.sh"
require_nslab

check_exit 0 "nslab help exits 0" "$NSLAB" help
check_match "nslab help lists deploy, destroy, inspect, exec, validate" \
	'deploy.*destroy.*inspect.*exec.*validate' "$("$NSLAB" help 2>&1 | tr '\n' ' ')"
for c in deploy destroy inspect exec validate; do
	check_exit 0 "nslab $c --help exits 0" "$NSLAB" $c --help
done
check_exit 0 "nslab version exits 0" "$NSLAB" version
check_match "nslab version prints a version" '[0-9]+\.[0-9]+' "$("$NSLAB" version)"
check_match "nslab version names the libpcap it uses" "^libpcap [0-9]+\\.[0-9]+" "$("$NSLAB" version)"
check_exit 2 "an unknown command exits 2" "$NSLAB" frobnicate
check_exit 2 "no command exits 2" "$NSLAB"
check_exit 2 "an unknown option exits 2" "$NSLAB" destroy --frobnicate
check_exit 2 "inspect --format xml exits 2" "$NSLAB" inspect --all --format xml
run_nslab frobnicate
check_match "usage errors start with 'nslab: '" '^nslab: ' "$ERR"

snapshot "$T/before"
lab='name: cli
topology:
  nodes:
    n1: {}
    n2: {}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.45.0.1/24", "10.45.0.2/24"]'

# -t - : standard input
run_nslab deploy -q -t - <<<"$lab"
check_eq "deploy -t - (stdin) exits 0" 0 "$RC" || diag "$ERR"
check "the lab from stdin works" pings nslab-cli-n1 10.45.0.2
run_nslab destroy --name cli
check_eq "destroy --name exits 0" 0 "$RC"
assert_clean "$T/before"

# -t omitted: the single *.clab.yml / *.nslab.yml here
mkdir "$T/dir" && cd "$T/dir"
printf '%s\n' "$lab" >cli.clab.yml
echo "not a topology" >notes.txt
run_nslab deploy -q
check_eq "deploy without -t finds ./cli.clab.yml" 0 "$RC" || diag "$ERR"
check "nslab exec without -t" "$NSLAB" exec n1 -- true
check_match "inspect without -t" 'n2' "$("$NSLAB" inspect)"
run_nslab destroy
check_eq "destroy without -t" 0 "$RC"
assert_clean "$T/before"
printf '%s\n' "$lab" >other.nslab.yml
run_nslab deploy -q
check_eq "two topology files here and no -t: refused" 1 "$((RC != 0))"
check_match "the message says why" '^nslab: ' "$ERR"
cd "$T"
assert_clean "$T/before" "and nothing was deployed"

# commands on a lab that is not deployed
printf '%s\n' "$lab" >"$T/cli.yml"
run_nslab exec -t "$T/cli.yml" n1 -- true
check_eq "exec on a lab that is not deployed exits 1" 1 "$RC"
check_match "with a message naming the lab" '^nslab: .*cli' "$ERR"
run_nslab validate -t "$T/nosuchfile.yml"
check_eq "validate of a missing file exits 1" 1 "$RC"
check_match "the message names the file" 'nosuchfile\.yml' "$ERR"
run_nslab deploy -q -t "$T/nosuchfile.yml"
check_eq "deploy of a missing file exits 1" 1 "$RC"
assert_clean "$T/before"
done_testing
