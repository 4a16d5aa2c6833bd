#!/bin/bash
# README's first command, `sudo ./scripts/quickstart.sh`, as a newcomer runs
# it (here in this test's sandbox): it finds the dependencies installed,
# builds (nothing left to do after `make`), deploys examples/bridge.clab.yml,
# pings every pair of its nodes, inspects it and destroys it: exit 0, and
# nothing of the lab is left.
. "$(dirname "$0")/lib.sh"
require_nslab
if [ ! -x "$REPO/build/nslab" ]; then
	diag "SKIP: $REPO/build/nslab is not built: quickstart would compile inside the test (run make first)"
	done_testing
fi
snapshot "$T/before"
out=$(cd "$REPO" && bash scripts/quickstart.sh 2>&1)
rc=$?
check_eq "quickstart.sh exits 0" 0 "$rc" || diag "$(tail -n 20 <<<"$out")"
check_match "it found the dependencies" '^==> (dependencies already installed|installing: )' "$out"
check_eq "every pair of h1, h2, h3 pings" 6 "$(grep -cE '^    h[1-3] -> h[1-3] \(10\.0\.0\.[1-3]\) ok$' <<<"$out")"
check_match "it shows the lab's namespaces" '^nslab-bridge-h1' "$out"
check_match "it inspects the lab (a row per node)" 'bridge +h2 +linux +nslab-bridge-h2' "$out"
check_match "it destroys the lab at the end" "lab 'bridge' destroyed" "$out"
check_match "and points to the test suite" 'Next: sudo make check' "$out"
assert_clean "$T/before"
done_testing
