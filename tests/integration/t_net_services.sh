#!/bin/bash
# services (spec/topology.md, Nodes; cli.md inspect/destroy; rule 11):
# long-running commands started inside the node after `exec`, detached from
# deploy, each logging (stdout and stderr) to ./nslab-<lab>/<node>.<i>.log
# beside the topology file, under the node's hostname and env; inspect shows
# each one running or exited with its status (JSON and table); destroy stops
# them all, even one that ignores SIGTERM, keeps the lab directory, and
# --cleanup removes it.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
require_nslab

M=98765$$ # unique marker: the sleep durations of this test's services
F=$T/svc.nslab.yml
cat >"$F" <<Y
name: svc
networks:
  lan: {subnet: 10.77.0.0/24}
topology:
  nodes:
    s1:
      networks: [lan]
      env: {GREETING: hello-from-env}
      exec: ["echo exec-ran > $T/exec-ran"]
      services:
        - "echo started; echo to-stderr >&2; hostname; echo \$GREETING; cat $T/exec-ran; sleep ${M}1"
        - "exit 3"
        - "trap '' TERM; while :; do sleep ${M}2; done"
    s2:
      networks: [lan]
      hostname: custom-host
      cmd: "hostname; exec sleep ${M}3"
Y
LOGDIR=$T/nslab-svc
snapshot "$T/before"
NET_LABS=svc net_state "$T/netbefore"
check_fail "no service process before deploy" pgrep -f "$M"
cd / # the lab directory goes beside the topology file, not into the cwd
run_nslab deploy -q -t "$F"
cd "$T" || exit 2
check_eq "deploy exits 0 (returns with services running detached)" 0 "$RC" || diag "$ERR"

wait_for() { # wait_for CMD...: up to 10 s
	local _
	for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}
check "the log $LOGDIR/s1.0.log exists" wait_for test -f "$LOGDIR/s1.0.log"
check "s1.0.log has 'started'" wait_for grep -qx started "$LOGDIR/s1.0.log"
wait_for grep -qx exec-ran "$LOGDIR/s1.0.log"
L0=$(cat "$LOGDIR/s1.0.log" 2>&1)
check_match "s1.0.log has the service's stderr" '^to-stderr$' "$L0"
check_match "hostname inside a service is the node's name (s1)" '^s1$' "$L0"
check_match "env reaches the service" '^hello-from-env$' "$L0"
check_match "services start after exec (exec's file was there)" '^exec-ran$' "$L0"
check_fail "nothing of the lab directory in the cwd of deploy (/)" test -e /nslab-svc
check "s2 (cmd:) log s2.0.log has the custom hostname" wait_for grep -qx custom-host "$LOGDIR/s2.0.log"
SP=$(pgrep -f "^sleep ${M}1\$" | head -1)
check "a service runs inside its node's namespace" \
	test "$(readlink "/proc/${SP:-0}/ns/net")" = \
	"$(ip netns exec nslab-svc-s1 readlink /proc/self/ns/net)"

svc_states() { # node -> "state/status ..." from inspect JSON
	"$NSLAB" inspect -t "$F" --format json | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["node"] == sys.argv[1]:
        print(" ".join("%s/%s" % (s["state"], s["status"]) for s in n["services"]))' "$1"
}
check "inspect: 'exit 3' is reported exited" wait_for sh -c "'$NSLAB' inspect -t '$F' --format json | grep -q exited"
J=$("$NSLAB" inspect -t "$F" --format json)
check_eq "inspect JSON s1: running, exited with status 3, running" \
	"running/None exited/3 running/None" "$(svc_states s1)"
check_eq "inspect JSON s2: cmd: is one service, running" "running/None" "$(svc_states s2)"
check_eq "inspect JSON: s1's first service's command" \
	"echo started; echo to-stderr >&2; hostname; echo \$GREETING; cat $T/exec-ran; sleep ${M}1" \
	"$(json_get "$J" '[n for n in d if n["node"] == "s1"][0]["services"][0]["command"]')"
P0=$(json_get "$J" '[n for n in d if n["node"] == "s1"][0]["services"][0]["pid"]')
check "inspect JSON: the running service's pid is alive" kill -0 "$P0"
check_match "inspect JSON: an exited service has a pid field too" '^[0-9]+|None$' \
	"$(json_get "$J" '[n for n in d if n["node"] == "s1"][0]["services"][1]["pid"]')"
TABLE=$("$NSLAB" inspect -t "$F")
check_match "inspect table: s1's services, 2 running, 1 exited (3)" 's1.*2 running.*exited \(3\)' "$TABLE"
check_eq "the three sleeps of the running services are there" 3 "$(pgrep -f "^sleep ${M}[123]\$" | wc -l)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_eq "no process left (pgrep -f $M), the TERM-ignoring one included" "" \
	"$(pgrep -af "$M")"
check "the lab directory stays after destroy (rule 11)" test -f "$LOGDIR/s1.0.log"
check_match "the log is intact" '^started$' "$(cat "$LOGDIR/s1.0.log" 2>&1)"
assert_clean "$T/before"
NET_LABS=svc net_assert_state "$T/netbefore" "nft ruleset, iptables-save, links, /etc/netns, cgroups as before the deploy"

# a second run: deploy appends to / replaces the logs, destroy --cleanup
# removes the lab directory
run_nslab deploy -q -t "$F"
check_eq "deploy again exits 0" 0 "$RC" || diag "$ERR"
check "services run again" wait_for pgrep -f "sleep ${M}1"
run_nslab destroy --cleanup -t "$F"
check_eq "destroy --cleanup exits 0" 0 "$RC" || diag "$ERR"
check_fail "destroy --cleanup removes the lab directory" test -e "$LOGDIR"
check_eq "no process left after the second destroy" "" "$(pgrep -af "$M")"
assert_clean "$T/before"
done_testing
