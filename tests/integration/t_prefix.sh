#!/bin/bash
# Extra — namespace names: default `nslab-<lab>-<node>`, `prefix: ""` gives
# the bare node name, `prefix: __lab-name` gives `<lab>-<node>`, any other
# prefix `<prefix>-<lab>-<node>`; ${VAR:-default} expansion; state under
# $NSLAB_RUNDIR/<lab>/ while deployed.
. "$(dirname "$0")/lib.sh"
require_nslab

snapshot "$T/before"
# try PREFIX_LINE EXPECTED_NETNS
try() {
	local f=$T/p.nslab.yml
	printf 'name: pfx\n%s\ntopology:\n  nodes:\n    node1: {}\n' "$1" >"$f"
	run_nslab deploy -q -t "$f"
	check_eq "${1:-(no prefix)}: deploy exits 0" 0 "$RC" || diag "$ERR"
	check_eq "${1:-(no prefix)}: the namespace is $2" "$2" "$(ip netns list | awk '{print $1}' | xargs)"
	check "${1:-(no prefix)}: state in \$NSLAB_RUNDIR/pfx/" test -d "$NSLAB_RUNDIR/pfx"
	check_eq "${1:-(no prefix)}: inspect names the netns" "$2" \
		"$("$NSLAB" inspect -t "$f" --format json | python3 -c 'import json,sys; print(*[r["netns"] for r in json.load(sys.stdin)])')"
	run_nslab destroy -t "$f"
	check_eq "${1:-(no prefix)}: destroy exits 0" 0 "$RC"
	assert_clean "$T/before" "${1:-(no prefix)}: clean"
}
try "" nslab-pfx-node1
try 'prefix: ""' node1
try 'prefix: __lab-name' pfx-node1
try 'prefix: lab' lab-pfx-node1
try 'prefix: ${NSLAB_TEST_PFX:-fromenv}' fromenv-pfx-node1
NSLAB_TEST_PFX=set try 'prefix: ${NSLAB_TEST_PFX:-fromenv}' set-pfx-node1
done_testing
