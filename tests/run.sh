#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The single test entry point (`make check`, `make check-unit`):
#
#   NSLAB=build/nslab UNIT_DIR=build/tests tests/run.sh [--unit | --no-unit] [NAME...]
#
# 1. every unit test binary in $UNIT_DIR (TAP lines, last line
#    "N passed, N failed");
# 2. unless --unit or not root: every tests/integration/t_*.sh (or only the
#    NAMEs given, e.g. t_bridge_walkthrough), each inside its own sandbox
#    (tests/integration/sandbox.sh), up to $JOBS (default nproc) at a time,
#    each with its own log; a test that exceeds $TEST_TIMEOUT s (default 240)
#    is killed and counts as failed;
# 3. the machine's own network state (`ip netns list`, `ip -br link`,
#    `nft list tables`) must be the same after the suite as before it: one
#    more test point.
#
# Counts are test points: unit assertions plus integration assertions (a
# test script that dies or times out adds one failure). The last line is
# exactly "N passed, N failed"; the exit status is 1 if anything failed.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
export NSLAB=${NSLAB:-$REPO/build/nslab}
UNIT_DIR=${UNIT_DIR:-$REPO/build/tests}
# Relative paths are the caller's: every test runs elsewhere, in a sandbox.
case $NSLAB in /*) ;; *) NSLAB=$PWD/$NSLAB ;; esac
case $UNIT_DIR in /*) ;; *) UNIT_DIR=$PWD/$UNIT_DIR ;; esac
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
TEST_TIMEOUT=${TEST_TIMEOUT:-240}

unit_only=0
no_unit=0
names=()
for a in "$@"; do
	case $a in
	--unit) unit_only=1 ;;
	--no-unit) no_unit=1 ;;
	-h | --help)
		sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) names+=("${a%.sh}") ;;
	esac
done

PASSED=0
FAILED=0
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/nslab-tests.XXXXXX")

# summary LOG: the counts of the last "N passed, N failed" line, or nothing.
summary() {
	grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1
}

# report NAME LOG RC: prints ok/not ok for one test program, adds its counts.
report() {
	local name=$1 log=$2 rc=$3 line p=0 f=0 note=""
	line=$(summary "$log")
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed}
	fi
	case $rc in
	0) [ -n "$line" ] || { f=$((f + 1)); note=" (no summary line)"; } ;;
	124 | 137) f=$((f + 1)); note=" (timed out after ${TEST_TIMEOUT}s)" ;;
	*) [ "$f" -gt 0 ] || { f=$((f + 1)); note=" (exit $rc)"; } ;;
	esac
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	if [ "$f" = 0 ]; then
		echo "ok - $name ($p passed)"
	else
		echo "not ok - $name ($p passed, $f failed)$note"
		if grep -q '^not ok' "$log"; then # each failed point with its diagnostics
			awk '/^not ok/ { p = 1; print; next } /^#/ { if (p) print; next } { p = 0 }' "$log" |
				head -n 60 | sed 's/^/#   /'
		else
			echo "#   --- last lines of $log"
			tail -n 30 "$log" | sed 's/^/#   /'
		fi
	fi
}

# ------------------------------------------------------------- unit tests
if [ "$no_unit" = 1 ]; then
	echo "# unit tests not run (--no-unit)"
elif [ -d "$UNIT_DIR" ]; then
	for bin in "$UNIT_DIR"/*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		name=unit/$(basename "$bin")
		log=$LOGDIR/$(basename "$bin").log
		rc=0
		timeout -k 5 120 "$bin" >"$log" 2>&1 || rc=$?
		report "$name" "$log" "$rc"
	done
else
	echo "# no unit test directory $UNIT_DIR"
fi

# ------------------------------------------------------ integration tests
host_state() {
	echo "## netns"
	ip netns list 2>&1
	echo "## links"
	ip -br link 2>&1
	if command -v nft >/dev/null; then
		echo "## nft"
		nft list tables 2>&1
	fi
}

if [ "$unit_only" = 1 ]; then
	:
elif [ "$(id -u)" != 0 ]; then
	echo "# integration tests skipped: not root (run: sudo make check)"
else
	tests=()
	if [ ${#names[@]} -gt 0 ]; then
		for n in "${names[@]}"; do tests+=("$HERE/integration/$(basename "$n").sh"); done
	else
		for t in "$HERE"/integration/t_*.sh; do [ -e "$t" ] && tests+=("$t"); done
	fi
	echo "# ${#tests[@]} integration tests, $JOBS at a time, logs in $LOGDIR"
	host_state >"$LOGDIR/host.before"

	declare -A job_name=()
	finish_one() {
		local pid rc=0 name
		wait -n -p pid || rc=$?
		name=${job_name[$pid]}
		unset "job_name[$pid]"
		rc=$(cat "$LOGDIR/$name.rc" 2>/dev/null || echo 1)
		report "$name" "$LOGDIR/$name.log" "$rc"
	}
	for t in "${tests[@]}"; do
		name=$(basename "$t" .sh)
		if [ ! -f "$t" ]; then
			echo "not ok - $name (no such test $t)"
			FAILED=$((FAILED + 1))
			continue
		fi
		while [ ${#job_name[@]} -ge "$JOBS" ]; do finish_one; done
		(
			rc=0
			timeout -k 10 "$TEST_TIMEOUT" "$HERE/integration/sandbox.sh" \
				/bin/bash "$t" >"$LOGDIR/$name.log" 2>&1 </dev/null || rc=$?
			echo "$rc" >"$LOGDIR/$name.rc"
		) &
		job_name[$!]=$name
	done
	while [ ${#job_name[@]} -gt 0 ]; do finish_one; done

	host_state >"$LOGDIR/host.after"
	if cmp -s "$LOGDIR/host.before" "$LOGDIR/host.after"; then
		echo "ok - host network state unchanged by the suite"
		PASSED=$((PASSED + 1))
	else
		echo "not ok - host network state unchanged by the suite"
		diff -u "$LOGDIR/host.before" "$LOGDIR/host.after" | sed 's/^/#   /'
		FAILED=$((FAILED + 1))
	fi
fi

if [ "$FAILED" = 0 ]; then
	rm -rf "$LOGDIR"
else
	echo "# logs kept in $LOGDIR"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
