#!/bin/bash
# Acceptance point 8 — working inside nodes: `nslab exec` passes stdin,
# stdout, stderr and the exit status; `ip netns exec <netns>` works on lab
# namespaces; /etc/netns/<netns>/hosts is seen by both; `--label k=v` fans
# out with `NODE: ` prefixes.
. "$(dirname "$0")/lib.sh"
require_nslab

F=$T/work.nslab.yml
cat >"$F" <<'Y'
name: work
topology:
  nodes:
    n1: {labels: {role: web}}
    n2: {labels: {role: web}}
    n3: {labels: {role: db}}
  links:
    - endpoints: ["n1:eth1", "n2:eth1"]
      ipv4: ["10.40.0.1/24", "10.40.0.2/24"]
    - endpoints: ["n2:eth2", "n3:eth1"]
      ipv4: ["10.40.1.2/24", "10.40.1.3/24"]
Y
snapshot "$T/before"
run_nslab deploy -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
n1=nslab-work-n1

check_eq "echo hi | nslab exec n1 -- cat prints hi" hi "$(echo hi | "$NSLAB" exec -t "$F" n1 -- cat)"
check_eq "stdin passes through without --" hi "$(echo hi | "$NSLAB" exec -t "$F" n1 cat)"
check_exit 7 "nslab exec -- sh -c 'exit 7' exits 7" "$NSLAB" exec -t "$F" n1 -- sh -c 'exit 7'
check_exit 0 "nslab exec -- true exits 0" "$NSLAB" exec -t "$F" n1 -- true
check_exit 127 "a command that does not exist: exit 127" "$NSLAB" exec -t "$F" n1 -- nslab-no-such-command
check_exit 137 "a command killed by SIGKILL: exit 137 (128+9)" "$NSLAB" exec -t "$F" n1 -- sh -c 'kill -9 $$'
out=$("$NSLAB" exec -t "$F" n1 -- sh -c 'echo to-out; echo to-err >&2' 2>"$T/err")
check_eq "stdout passes through" to-out "$out"
check_eq "stderr passes through" to-err "$(cat "$T/err")"
check_match "the command runs in n1's namespace" '10\.40\.0\.1/24' \
	"$("$NSLAB" exec -t "$F" n1 -- ip -br addr show eth1)"
check_eq "the command sees n1's hostname" n1 "$("$NSLAB" exec -t "$F" n1 -- cat /proc/sys/kernel/hostname)"
check_fail "exec on an unknown node fails" "$NSLAB" exec -t "$F" nosuchnode -- true

check_match "ip netns exec <netns> ip -br addr works" '^eth1(@[^ ]*)? .*10\.40\.0\.1/24' "$(ip netns exec $n1 ip -br addr)"
check_match "ip -n <netns> sees the veth" 'eth1@' "$(ip -n $n1 -br link)"

# a hosts file written by hand
mkdir -p /etc/netns/$n1
made_hosts=0
[ -e /etc/netns/$n1/hosts ] || { : >/etc/netns/$n1/hosts; made_hosts=1; }
echo "10.40.0.99 handwritten.example handwritten" >>/etc/netns/$n1/hosts
check_match "nslab exec resolves a name from /etc/netns/<netns>/hosts" '^10\.40\.0\.99 ' \
	"$("$NSLAB" exec -t "$F" n1 -- getent hosts handwritten)"
check_match "ip netns exec resolves it too" '^10\.40\.0\.99 ' \
	"$(ip netns exec $n1 getent hosts handwritten)"
check_fail "the host namespace does not see it" getent hosts handwritten

# label fan-out
"$NSLAB" exec -t "$F" --label role=web -- sh -c 'echo hello; echo second line' >"$T/fan" 2>"$T/fan.err"
check_eq "--label role=web: exit 0" 0 "$?"
check_eq "--label role=web: every line prefixed by its node, n3 absent" \
	"n1: hello|n1: second line|n2: hello|n2: second line" "$(sort "$T/fan" | paste -sd'|')"
check_eq "--label role=db runs on n3 only" "n3: n3" \
	"$("$NSLAB" exec -t "$F" --label role=db -- cat /proc/sys/kernel/hostname)"

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
if [ "$made_hosts" = 1 ] && [ -e /etc/netns/$n1/hosts ]; then
	rm -rf "/etc/netns/$n1" # written by the test itself, not by nslab
fi
assert_clean "$T/before"
done_testing
