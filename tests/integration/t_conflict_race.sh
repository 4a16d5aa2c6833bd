#!/bin/bash
# Two labs that want the same subnet, deployed at the same moment: at most
# one may win.  The subnet check runs after a deploy claims its lab's name
# and writes its topology, and reads the others' topologies without waiting
# for their locks, so of two racing deploys the later check always sees the
# earlier lab (and two checks at once cannot deadlock).
. "$(dirname "$0")/lib.sh"
require_nslab

for l in a b; do
	cat >"$T/$l.yml" <<Y
name: race$l
networks:
  n$l: {subnet: 10.74.0.0/24}
topology:
  nodes:
    h1: {networks: [n$l]}
    h2: {networks: [n$l]}
Y
done
snapshot "$T/before"
# First one after the other: the check itself refuses b, naming the overlap.
run_nslab deploy -q -t "$T/a.yml"
check_eq "alone, lab a deploys" 0 "$RC" || diag "$ERR"
run_nslab deploy -q -t "$T/b.yml"
check_eq "then lab b is refused" 1 "$RC"
check_match "for the overlapping subnet" 'overlaps' "$ERR"
"$NSLAB" destroy -q --name racea >/dev/null 2>&1
both=0 none=0 one=0 other=0
for round in $(seq 12); do
	"$NSLAB" deploy -q -t "$T/a.yml" >/dev/null 2>"$T/a.err" &
	pa=$!
	"$NSLAB" deploy -q -t "$T/b.yml" >/dev/null 2>"$T/b.err" &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	if [ $ra = 0 ] && [ $rb = 0 ]; then
		both=$((both + 1))
	elif [ $ra != 0 ] && [ $rb != 0 ]; then
		none=$((none + 1)) # both saw each other: safe, if unlucky
	else
		one=$((one + 1))
	fi
	# every refusal is the overlap check's, not some other failure
	for l in a b; do
		if [ "$([ $l = a ] && echo $ra || echo $rb)" != 0 ] && ! grep -q "overlaps" "$T/$l.err"; then
			other=$((other + 1))
			diag "round $round: $l failed otherwise: $(cat "$T/$l.err")"
		fi
	done
	"$NSLAB" destroy -q --name racea >/dev/null 2>&1
	"$NSLAB" destroy -q --name raceb >/dev/null 2>&1
done
diag "12 rounds: one won $one times, both refused $none times, both won $both times"
check_eq "never do both racing deploys win the same subnet" 0 "$both"
check_eq "every refusal names the overlap" 0 "$other"
assert_clean "$T/before"
done_testing
