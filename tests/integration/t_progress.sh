#!/bin/bash
# Speed issue, point 6 — progress: a deploy or destroy of more than ~50
# operations shows "phase done/total operations elapsed" on a terminal (run
# under a pseudo-terminal with `script`), and prints nothing extra when
# stdout is not a terminal, or with -q on a terminal.
. "$(dirname "$0")/lib.sh"
require_nslab
command -v script >/dev/null || { echo "1..0 # skip: no script(1)"; echo "0 passed, 0 failed"; exit 0; }

F=$T/progress.nslab.yml
{
	echo "name: prog"
	echo "topology:"
	echo "  nodes:"
	for i in $(seq 1 40); do echo "    r$i: {}"; done
	echo "  links:"
	for i in $(seq 1 39); do
		echo "    - endpoints: [\"r$i:e1\", \"r$((i + 1)):e0\"]"
		echo "      ipv4: [\"10.60.$i.1/30\", \"10.60.$i.2/30\"]"
	done
} >"$F"
snapshot "$T/before"

# A terminal: script(1) gives the command a pseudo-terminal as stdout and stderr.
script -qec "$NSLAB deploy -t $F" "$T/tty-deploy" >/dev/null 2>&1
check "deploy under a terminal exits 0" grep -q 'COMMAND_EXIT_CODE="0"' "$T/tty-deploy"
TTY=$(tr '\r' '\n' <"$T/tty-deploy")
check_match "progress shows the phase, done/total and elapsed ms" \
	'nslab: (netns|veth|up|addr|route|done) +[0-9]+/[0-9]+ operations +[0-9]+ ms' "$TTY"
check_match "progress ends with every operation done" \
	'nslab: done +([0-9]+)/\1 operations' "$TTY"
script -qec "$NSLAB destroy -t $F" "$T/tty-destroy" >/dev/null 2>&1
check_match "destroy shows progress on a terminal too" 'operations +[0-9]+ ms' \
	"$(tr '\r' '\n' <"$T/tty-destroy")"

# Not a terminal: no progress, on stdout or stderr.
run_nslab deploy -t "$F"
check_eq "deploy into a pipe exits 0" 0 "$RC"
check_no_match "no progress on stderr without a terminal" 'operations' "$ERR"
check_no_match "no progress on stdout without a terminal" 'operations' "$OUT"
check_match "stdout still has the node table" 'prog +r40 +linux' "$OUT"
run_nslab destroy -t "$F"
check_no_match "destroy: no progress without a terminal" 'operations' "$ERR"

# -q on a terminal: silent.
script -qec "$NSLAB deploy -q -t $F" "$T/tty-quiet" >/dev/null 2>&1
check_no_match "-q silences progress on a terminal" 'operations' "$(cat "$T/tty-quiet")"
script -qec "$NSLAB destroy -q -t $F" "$T/tty-quiet2" >/dev/null 2>&1
check_no_match "-q silences destroy progress" 'operations' "$(cat "$T/tty-quiet2")"
assert_clean "$T/before"
done_testing
