#!/bin/bash
# Extra — per-lab lock (spec/cli.md: "Two nslab processes never corrupt a
# lab's state"): two deploys of the same lab at once: exactly one succeeds,
# the other is refused; two destroys at once both exit 0; nothing is left.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/race.nslab.yml
{
	echo "name: race"
	echo "topology:"
	echo "  nodes:"
	echo "    rbr: {kind: bridge}"
	for i in $(seq 10); do echo "    n$i: {}"; done
	echo "  links:"
	for i in $(seq 10); do
		echo "    - endpoints: [\"n$i:eth1\", \"rbr:race-n$i\"]"
		echo "      ipv4: [\"10.47.0.$i/24\", \"\"]"
	done
} >"$F"
snapshot "$T/before"
for round in 1 2 3 4 5; do
	"$NSLAB" deploy -q -t "$F" >/dev/null 2>"$T/e1" &
	p1=$!
	"$NSLAB" deploy -q -t "$F" >/dev/null 2>"$T/e2" &
	p2=$!
	r1=0 r2=0
	wait $p1 || r1=$?
	wait $p2 || r2=$?
	check_eq "round $round: of two concurrent deploys one exits 0 and one exits 1" "0 1" \
		"$(printf '%s\n' $r1 $r2 | sort | xargs)" || diag "$(cat "$T/e1" "$T/e2")"
	check "round $round: the lab works" pings nslab-race-n1 10.47.0.10
	check_eq "round $round: ten namespaces" 10 "$(ip netns list | grep -c '^nslab-race-')"
	"$NSLAB" destroy -q --name race >/dev/null 2>"$T/e1" &
	p1=$!
	"$NSLAB" destroy -q -t "$F" >/dev/null 2>"$T/e2" &
	p2=$!
	r1=0 r2=0
	wait $p1 || r1=$?
	wait $p2 || r2=$?
	check_eq "round $round: two concurrent destroys both exit 0" "0 0" "$r1 $r2" || diag "$(cat "$T/e1" "$T/e2")"
	assert_clean "$T/before" "round $round: clean"
done
done_testing
