#!/bin/bash
# Acceptance point 7 — killed deploys: a lab of 30 nodes (a host bridge with
# 15 hosts, a chain of 15 routers, a host link, sysctls, routes, exec), 22
# times: deploy in the background, `kill -9` it after a delay spread over the
# deploy's own duration (so kills land at every stage, and some deploys
# finish first), then `nslab destroy --name LAB` exits 0 and the host
# snapshot equals the one before. Finally the lab still deploys and works.
. "$(dirname "$0")/lib.sh"
require_nslab

LAB=killme
F=$T/killme.nslab.yml
{
	echo "name: $LAB"
	echo "topology:"
	echo "  nodes:"
	echo "    kbr: {kind: bridge}"
	for i in $(seq 14); do
		echo "    h$i: {routes: [{dst: default, via: 10.1.0.254}]}"
	done
	for i in $(seq 15); do
		r="    r$i:"
		r+=" {sysctls: {net.ipv4.ip_forward: 1}, routes: ["
		[ "$i" -lt 15 ] && r+="{dst: default, via: 10.20.$i.2}"
		[ "$i" -gt 1 ] && { [ "$i" -lt 15 ] && r+=", "; r+="{dst: 10.1.0.0/24, via: 10.20.$((i - 1)).1}"; }
		r+="]"
		[ $((i % 5)) = 0 ] && r+=", exec: [\"true\", \"ip -br addr >/dev/null\"]"
		echo "$r}"
	done
	echo "  links:"
	for i in $(seq 14); do
		echo "    - endpoints: [\"h$i:eth1\", \"kbr:kh$i\"]"
		echo "      ipv4: [\"10.1.0.$i/24\", \"\"]"
	done
	echo "    - endpoints: [\"r1:eth1\", \"kbr:kr1\"]"
	echo "      ipv4: [\"10.1.0.254/24\", \"\"]"
	for i in $(seq 14); do
		echo "    - endpoints: [\"r$i:eth2\", \"r$((i + 1)):eth1\"]"
		echo "      ipv4: [\"10.20.$i.1/30\", \"10.20.$i.2/30\"]"
	done
	echo "    - type: host"
	echo "      endpoint: {node: r15, interface: up0, ipv4: 10.30.0.2/24}"
	echo "      host-interface: killme-up"
	echo "      host-ipv4: 10.30.0.1/24"
} >"$F"

snapshot "$T/before"

# One complete deploy first: it must work, and its duration spreads the kills.
t0=${EPOCHREALTIME/./}
run_nslab deploy -q -t "$F"
t1=${EPOCHREALTIME/./}
check_eq "a full deploy of the 30-node lab works" 0 "$RC" || diag "$ERR"
D=$(((t1 - t0) / 1000))
diag "a full deploy takes $D ms"
check "h1 pings r15 across the bridge and 14 routers" pings nslab-$LAB-h1 10.20.14.2
run_nslab destroy --name $LAB
check_eq "destroy --name exits 0" 0 "$RC"
assert_clean "$T/before" "after the full deploy + destroy: clean"

[ "$D" -lt 20 ] && D=20
ITER=22 killed=0 finished=0
for i in $(seq 0 $((ITER - 1))); do
	# delays 0 .. 1.25 D, plus up to 10 % jitter
	d=$((i * D * 125 / 100 / (ITER - 1) + RANDOM % (D / 10 + 1)))
	"$NSLAB" deploy -q -t "$F" >/dev/null 2>&1 &
	pid=$!
	sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
	kill -9 "$pid" 2>/dev/null
	st=0
	wait "$pid" || st=$?
	if [ "$st" = 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
	run_nslab destroy --name $LAB
	check_eq "kill after ${d} ms (deploy status $st): destroy --name exits 0" 0 "$RC" || diag "$ERR"
	assert_clean "$T/before" "kill after ${d} ms: host snapshot as before"
done
diag "$killed deploys killed, $finished finished before the kill"
check "at least some deploys were killed mid-way" test "$killed" -ge 5

run_nslab deploy -q -t "$F"
check_eq "after all that the lab deploys again" 0 "$RC" || diag "$ERR"
check "and works: h14 pings r15" pings nslab-$LAB-h14 10.20.14.2
check "and the host link works" pings - 10.30.0.2
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC"
assert_clean "$T/before"
done_testing
