#!/bin/bash
# Speed sanity for the "Core labs" issue (a benchmark, not a test; never run
# in CI): nslab beside the one-`ip`-per-command builder, on a star and a
# chain of 500 nodes, 3 repetitions, inside a sandbox (its own network and
# mount namespaces with a private /run and /tmp: tests/integration/sandbox.sh)
# so the machine's own /run/netns and interfaces are never touched.
#
#   sudo ./bench/core.sh            # after `make`; N defaults to 500
#   sudo ./bench/core.sh 100 500    # other sizes
#
# Prints the table of medians (bench/run.sh does); raw data and table in
# bench/results/core-<date>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "core.sh: must run as root" >&2; exit 1; }
[ -x build/nslab ] || { echo "core.sh: build/nslab missing: run make first" >&2; exit 1; }
[ $# -gt 0 ] || set -- 500
out=$PWD/bench/results/core-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
NSLAB=$PWD/build/nslab BUILDERS="ipcmd nslab" TOPOS="star chain" REPS=3 OUT=$out \
	tests/integration/sandbox.sh ./bench/run.sh "$@" # run.sh prints the table last
