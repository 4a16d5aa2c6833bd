#!/bin/bash
# examples/two-hosts.clab.yml does what its comments say, on two machines
# (A and B of fixtures/hosts_lib.sh, joined by the underlay veth u0 with the
# file's host addresses): each builds its share with --host; h1 (on a)
# reaches h2 (on b) across the stretched bridge sw, r1 reaches r2 over the
# link that became a VXLAN device in each; `nslab script --host H` prints
# the tunnels of H's share; each destroy leaves its machine as it was.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT
EX=$REPO/examples/two-hosts.clab.yml

two_machines
put_lab A B <"$EX"
for h in A B; do
	on_host $h ip -br link | awk '{print $1}' >"$T/$h-before"
done

out=$(on_host A "$NSLAB" deploy -q -t /tmp/lab.yml 2>&1)
check_eq "deploy without --host is a usage error (exit 2)" 2 "$?"
check_match "... naming the hosts to choose from" "spans hosts a, b: .*--host" "$out"
check_eq "... and builds nothing" "" "$(on_host A ip netns list)"

check "A: deploy --host a" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "B: deploy --host b" on_host B "$NSLAB" deploy -q --host b -t /tmp/lab.yml
check_eq "A holds h1 and r1" "nslab-two-hosts-h1 nslab-two-hosts-r1" \
	"$(on_host A ip netns list | awk '{print $1}' | sort | xargs)"
check_eq "B holds h2 and r2" "nslab-two-hosts-h2 nslab-two-hosts-r2" \
	"$(on_host B ip netns list | awk '{print $1}' | sort | xargs)"
check_match "A: r1's eth1 is a VXLAN to b" 'vxlan id [0-9]+ remote 192\.168\.0\.2 ' \
	"$(on_host A ip -d -n nslab-two-hosts-r1 link show eth1)"
check "h1 (on a) pings h2 (on b) across the stretched bridge" \
	on_host A "$NSLAB" exec -t /tmp/lab.yml h1 -- ping -c1 -W2 10.0.0.2
check "r1 (on a) pings r2 (on b) over the VXLAN link" \
	on_host A "$NSLAB" exec -t /tmp/lab.yml r1 -- ping -c1 -W2 10.0.12.2
check "h2 pings h1 back" on_host B "$NSLAB" exec -t /tmp/lab.yml h2 -- ping -c1 -W2 10.0.0.1

# link set on a link between hosts: this machine's end only, which cuts it both ways.
out=$(on_host A "$NSLAB" link set -t /tmp/lab.yml r1:eth1 down 2>&1)
check_eq "A: link set r1:eth1 down (its far end is on b) exits 0" 0 "$?" || diag "$out"
check_no_match "A: r1's eth1 is down (no UP flag)" '<[^>]*,UP[,>]' \
	"$(on_host A ip -n nslab-two-hosts-r1 link show eth1)"
check_fail "r1 no longer reaches r2" on_host A "$NSLAB" exec -t /tmp/lab.yml r1 -- ping -c1 -W1 10.0.12.2
check_fail "r2 no longer reaches r1 either" on_host B "$NSLAB" exec -t /tmp/lab.yml r2 -- ping -c1 -W1 10.0.12.1
check_match "B: r2's end was left alone (up)" '<[^>]*,UP[,>]' "$(on_host B ip -n nslab-two-hosts-r2 link show eth1)"
check "A: link set r1:eth1 up" on_host A "$NSLAB" link set -t /tmp/lab.yml r1:eth1 up
ok=0
for _ in $(seq 20); do
	on_host A "$NSLAB" exec -t /tmp/lab.yml r1 -- ping -c1 -W1 10.0.12.2 >/dev/null 2>&1 && { ok=1; break; }
	sleep 0.1
done
check_eq "... and r1 reaches r2 again" 1 "$ok"
out=$(on_host A "$NSLAB" link set -t /tmp/lab.yml r2:eth1 down 2>&1)
check_eq "A: link set on r2 (a node of host b) fails (exit 1)" 1 "$?"
check_match "... saying where r2 is and where to run it" \
	"r2:eth1: node r2 is on host b; this machine holds host a's share.*run the command on host b" "$(tr '\n' ' ' <<<"$out")"
out=$(on_host A "$NSLAB" netem show -t /tmp/lab.yml r2:eth1 2>&1)
check_match "A: netem show on r2 says the same" "node r2 is on host b" "$out"

s=$(on_host A "$NSLAB" script --host a -t /tmp/lab.yml)
check_match "script --host a: r1's end of the cross-host link as a VXLAN to b" \
	"^ip link add name eth1 netns nslab-two-hosts-r1 .*type vxlan id [0-9]+ remote 192\\.168\\.0\\.2 " "$s"
check_no_match "... and nothing of b's nodes" 'netns add nslab-two-hosts-(h2|r2)' "$s"

check "A: destroy" on_host A "$NSLAB" destroy -q --name two-hosts
check "B: destroy" on_host B "$NSLAB" destroy -q --name two-hosts
for h in A B; do
	check_eq "$h: no namespace left" "" "$(on_host $h ip netns list)"
	check_eq "$h: links as before" "$(cat "$T/$h-before")" "$(on_host $h ip -br link | awk '{print $1}')"
done
done_testing
