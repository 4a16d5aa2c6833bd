#!/bin/bash
# Extra — a bigger lab: a star of 200 hosts on one host bridge and a chain
# of 40 routers: deploy, reachability end to end, inspect, destroy clean.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/big.nslab.yml
N=200 R=40
{
	echo "name: big"
	echo "topology:"
	echo "  nodes:"
	echo "    bigbr: {kind: bridge}"
	for i in $(seq $N); do echo "    h$i: {}"; done
	for i in $(seq $R); do
		r="    r$i: {sysctls: {net.ipv4.ip_forward: 1}, routes: ["
		[ $i -lt $R ] && r+="{dst: default, via: 10.49.$i.2}"
		[ $i -gt 1 ] && { [ $i -lt $R ] && r+=", "; r+="{dst: 10.48.0.0/16, via: 10.49.$((i - 1)).1}"; }
		echo "$r]}"
	done
	echo "  links:"
	for i in $(seq $N); do
		echo "    - endpoints: [\"h$i:eth1\", \"bigbr:bh$i\"]"
		echo "      ipv4: [\"10.48.$((i / 256)).$((i % 256))/16\", \"\"]"
	done
	echo "    - endpoints: [\"r1:eth1\", \"bigbr:br1\"]"
	echo "      ipv4: [\"10.48.255.254/16\", \"\"]"
	for i in $(seq $((R - 1))); do
		echo "    - endpoints: [\"r$i:eth2\", \"r$((i + 1)):eth1\"]"
		echo "      ipv4: [\"10.49.$i.1/30\", \"10.49.$i.2/30\"]"
	done
} >"$F"
sed -i 's|^    h1: {}|    h1: {routes: [{dst: 10.49.0.0/16, via: 10.48.255.254}]}|' "$F"
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy of $((N + R + 1)) nodes exits 0" 0 "$RC" || diag "$ERR"
check_eq "$((N + R)) namespaces" $((N + R)) "$(ip netns list | grep -c '^nslab-big-')"
check_eq "$((N + 1)) bridge ports" $((N + 1)) "$(bridge link show | grep -c 'master bigbr')"
check "h1 pings h$N" pings nslab-big-h1 10.48.$((N / 256)).$((N % 256))
check "h$N pings h1" pings nslab-big-h$N 10.48.0.1
check "h1 pings r$R across $R routers" pings nslab-big-h1 10.49.$((R - 1)).2
check_eq "inspect lists every node" $((N + R)) \
	"$("$NSLAB" inspect -t "$F" --format json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["kind"] == "linux"))')"
run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
