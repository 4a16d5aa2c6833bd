#!/bin/bash
# Extra — interrupted destroys and deploys: `kill -9` of a destroy at
# various moments, then destroy again exits 0 and the host is as before;
# SIGTERM and SIGINT (Ctrl-C) of a deploy, then destroy exits 0 and the host
# is as before.
. "$(dirname "$0")/lib.sh"
require_nslab

LAB=kd
F=$T/kd.nslab.yml
{
	echo "name: $LAB"
	echo "topology:"
	echo "  nodes:"
	echo "    kdbr: {kind: bridge}"
	for i in $(seq 20); do echo "    n$i: {exec: [\"true\"]}"; done
	echo "  links:"
	for i in $(seq 20); do
		echo "    - endpoints: [\"n$i:eth1\", \"kdbr:kd-n$i\"]"
		echo "      ipv4: [\"10.51.0.$i/24\", \"\"]"
	done
	for i in $(seq 19); do
		echo "    - endpoints: [\"n$i:eth2\", \"n$((i + 1)):eth3\"]"
	done
} >"$F"
snapshot "$T/before"
sleep_ms() { sleep "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }

t0=${EPOCHREALTIME/./}
run_nslab deploy -q -t "$F"
t1=${EPOCHREALTIME/./}
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
run_nslab destroy -t "$F"
t2=${EPOCHREALTIME/./}
check_eq "destroy exits 0" 0 "$RC"
D=$(((t1 - t0) / 1000)) K=$(((t2 - t1) / 1000))
diag "deploy $D ms, destroy $K ms"
[ $K -lt 10 ] && K=10
[ $D -lt 20 ] && D=20
assert_clean "$T/before"

for i in $(seq 0 9); do
	run_nslab deploy -q -t "$F"
	[ "$RC" = 0 ] || diag "deploy before kill $i failed: $ERR"
	d=$((i * K / 8))
	"$NSLAB" destroy -q -t "$F" >/dev/null 2>&1 &
	pid=$!
	sleep_ms $d
	kill -9 $pid 2>/dev/null
	wait $pid
	run_nslab destroy --name $LAB
	check_eq "destroy killed after $d ms: destroy again exits 0" 0 "$RC" || diag "$ERR"
	assert_clean "$T/before" "destroy killed after $d ms: clean"
done

for sig in TERM INT TERM INT TERM INT; do
	d=$((RANDOM % D))
	"$NSLAB" deploy -q -t "$F" >/dev/null 2>"$T/err" &
	pid=$!
	sleep_ms $d
	kill -$sig $pid 2>/dev/null
	st=0
	wait $pid || st=$?
	if [ "$st" != 0 ] && [ -n "$(ip netns list)" ]; then
		diag "SIG$sig after $d ms (status $st): the deploy left $(ip netns list | wc -l) namespaces for destroy"
	fi
	run_nslab destroy --name $LAB
	check_eq "deploy got SIG$sig after $d ms (status $st): destroy exits 0" 0 "$RC" || diag "$ERR"
	assert_clean "$T/before" "SIG$sig after $d ms: clean"
done
done_testing
