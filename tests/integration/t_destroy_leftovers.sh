#!/bin/bash
# Destroy leaves no process behind in the lab's namespaces: what a topology
# exec command or `nslab exec` started in the background would otherwise keep
# running, and keep its namespace (and every device in it) alive after the
# unpin.  Destroy stops them: SIGTERM, then SIGKILL for one that ignores it.
# Processes of an adopted (kind ext) namespace are someone else's: they stay.
. "$(dirname "$0")/lib.sh"
require_nslab

ip netns add outside7
ip netns exec outside7 sleep 7777 </dev/null >/dev/null 2>&1 &
OUTSIDER=$!
F=$T/left.nslab.yml
cat >"$F" <<'Y'
name: left
topology:
  nodes:
    a:
      exec: ["sleep 4242 >/dev/null 2>&1 &"]
    b: {}
    x: {kind: ext, netns: outside7}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
      ipv4: [10.73.0.1/24, 10.73.0.2/24]
    - endpoints: ["a:eth2", "x:eth2"]
Y
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
run_nslab exec -t "$F" b -- sh -c 'sleep 4343 </dev/null >/dev/null 2>&1 &'
check_eq "nslab exec leaves a process in b's background" 0 "$RC"
# one that ignores SIGTERM: only SIGKILL ends it
run_nslab exec -t "$F" a -- sh -c "trap '' TERM; exec sleep 4545 </dev/null >/dev/null 2>&1 &"
check_eq "and one in a that ignores SIGTERM" 0 "$RC"
NS_A=$(stat -L -c %i /run/netns/nslab-left-a)
NS_B=$(stat -L -c %i /run/netns/nslab-left-b)
inside() { # inside INODE: pids whose network namespace is INODE
	local p
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}
check_match "before destroy: the exec command's sleep runs in a" . "$(inside "$NS_A")"
check_match "before destroy: nslab exec's sleep runs in b" . "$(inside "$NS_B")"
run_nslab destroy -q -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
check_eq "after destroy: nothing runs in a's namespace" "" "$(inside "$NS_A")"
check_eq "after destroy: nothing runs in b's namespace" "" "$(inside "$NS_B")"
check_eq "no sleep 4242, 4343 or 4545 left anywhere" "" "$(pgrep -f 'sleep (4242|4343|4545)')"
check "the adopted namespace's own process still runs" kill -0 "$OUTSIDER"
check "and its namespace still exists" netns_exists outside7
kill "$OUTSIDER" 2>/dev/null
wait "$OUTSIDER" 2>/dev/null
ip netns del outside7
sed -i '/^outside7$/d' "$T/before"
assert_clean "$T/before"
done_testing
