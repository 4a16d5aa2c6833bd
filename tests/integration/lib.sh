# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the integration tests. Every t_*.sh sources this file and runs
# inside tests/integration/sandbox.sh (its own network/mount namespaces, a
# private /run), never on the machine itself.
#
#   check "desc" CMD...       CMD must exit 0             -> ok N - desc
#   check_fail "desc" CMD...  CMD must exit non-zero
#   check_exit N "desc" CMD... CMD must exit with status N
#   check_eq "desc" EXPECTED ACTUAL
#   check_match "desc" ERE STRING     STRING matches the extended regex ERE
#   check_no_match "desc" ERE STRING
#   snapshot FILE             normalized netns list, links, bridge ports,
#                             addresses, routes, /run/nslab, /etc/netns, nft
#   assert_clean BEFORE [desc]  a new snapshot equals BEFORE
#   in_ns NETNS CMD...        ip netns exec NETNS CMD...
#   pings NETNS ADDR          NETNS reaches ADDR (ping -c1 -W1, 6 tries);
#                             NETNS "-" is the sandbox's host namespace
#   no_ping NETNS ADDR        NETNS does not reach ADDR (2 tries)
#   nsname LAB NODE           default namespace name nslab-LAB-NODE
#   addrs4 NETNS|- [DEV]      "ifname=a.b.c.d/len ..." (IPv4, not lo), sorted
#   bridge_ports BR [NETNS]   names of the ports of bridge BR, sorted
#   json_get JSON PYEXPR      evaluates PYEXPR with d = the parsed JSON
#   run_nslab ARGS...         runs $NSLAB, stdout in $OUT, stderr in $ERR,
#                             status in $RC (never fails the test by itself)
#   done_testing              prints "N passed, N failed", exits 1 on failure
set -u -o pipefail

[ -n "${NSLAB_RUNDIR:-}" ] && [ "$(stat -f -c %T /run 2>/dev/null)" = tmpfs ] || {
	echo "lib.sh: not inside tests/integration/sandbox.sh; refusing to run" >&2
	exit 2
}

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTS_DIR/../.." && pwd)
NSLAB=${NSLAB:-$REPO/build/nslab}
FIXTURES=$TESTS_DIR/fixtures
export NSLAB

T_N=0
T_FAILED=0
# Scratch directory on the sandbox's private /tmp; the tests work there so
# that lab directories (./nslab-<lab>/) never land in the repository.
T=$(mktemp -d /tmp/t.XXXXXX)
cd "$T" || exit 2

_result() { # _result OK DESC [DETAILS...]
	local ok=$1 desc=$2
	shift 2
	T_N=$((T_N + 1))
	if [ "$ok" = 1 ]; then
		echo "ok $T_N - $desc"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $desc"
		[ $# -gt 0 ] && printf '%s\n' "$@" | tail -n 25 | sed 's/^/#   /'
	fi
	return $((1 - ok))
}

check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ $rc = 0 ]; then _result 1 "$desc"; else _result 0 "$desc" "\$ $*" "$out" "(exit $rc)"; fi
}

check_fail() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ $rc != 0 ]; then _result 1 "$desc"; else _result 0 "$desc" "\$ $*" "$out" "(exit 0, expected failure)"; fi
}

check_exit() {
	local want=$1 desc=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ]; then _result 1 "$desc"; else _result 0 "$desc" "\$ $*" "$out" "(exit $rc, expected $want)"; fi
}

check_eq() {
	if [ "$2" = "$3" ]; then _result 1 "$1"; else _result 0 "$1" "expected: $2" "got:      $3"; fi
}

check_match() {
	if grep -Eq -- "$2" <<<"$3"; then _result 1 "$1"; else _result 0 "$1" "pattern: $2" "text:" "$3"; fi
}

check_no_match() {
	if ! grep -Eq -- "$2" <<<"$3"; then _result 1 "$1"; else _result 0 "$1" "pattern: $2 (must not match)" "text:" "$3"; fi
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

run_nslab() {
	OUT=$T/.out ERR=$T/.err RC=0
	"$NSLAB" "$@" >"$OUT" 2>"$ERR" || RC=$?
	OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# NETNS "-" is the sandbox's host namespace.
_in_ns_or_host() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

pings() {
	local i
	for i in 1 2 3 4 5 6; do
		_in_ns_or_host "$1" ping -n -q -c1 -W1 "$2" >/dev/null 2>&1 && return 0
		sleep 0.3 # a quick failure: e.g. an IPv6 address still tentative (DAD)
	done
	return 1
}

no_ping() {
	local i
	for i in 1 2; do
		_in_ns_or_host "$1" ping -n -q -c1 -W1 "$2" >/dev/null 2>&1 && return 1
	done
	return 0
}

nsname() { echo "nslab-$1-$2"; }

addrs4() {
	local ns=$1
	shift
	_in_ns_or_host "$ns" ip -j addr show "$@" | python3 -c '
import json, sys
print(" ".join(sorted("%s=%s/%d" % (i["ifname"], a["local"], a["prefixlen"])
                      for i in json.load(sys.stdin) for a in i.get("addr_info", [])
                      if a["family"] == "inet" and i["ifname"] != "lo")))'
}

bridge_ports() {
	_in_ns_or_host "${2:--}" bridge -j link show | python3 -c '
import json, sys
print(" ".join(sorted(p["ifname"] for p in json.load(sys.stdin) if p.get("master") == sys.argv[1])))' "$1"
}

json_get() {
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

netns_exists() { [ -e "/run/netns/$1" ] && ip netns list | awk '{print $1}' | grep -qx -- "$1"; }

# The state of the sandbox's host namespace that a lab may change, in a
# stable form: names, kinds, masters and addresses, not counters.
snapshot() {
	{
		echo "## netns"
		ip netns list | sed 's/ (id: [0-9]*)//' | sort
		echo "## /run/netns"
		ls /run/netns
		echo "## links"
		ip -br link | awk '{print $1, $3, $4}' | sort # not the operstate
		echo "## bridge ports"
		bridge link show | sed -E 's/^[0-9]+: //' | sort
		echo "## addresses"
		ip -br addr | awk '{$2=""; print}' | sort
		echo "## routes"
		ip route show table all | grep -v '^local\|^broadcast\|^multicast\|^ff00::\|fe80::' | sort
		echo "## /run/nslab"
		ls /run/nslab
		echo "## /etc/netns"
		(cd /etc/netns && find . | sort)
		echo "## nft"
		nft list tables 2>/dev/null | sort
		echo "## sysctl"
		cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/route_localnet
	} >"$1" 2>&1
}

# assert_clean BEFORE [DESC]: the host namespace looks exactly as in BEFORE.
# The kernel frees a deleted namespace's devices asynchronously, so a
# difference may last a moment after destroy: look again for up to 5 s.
assert_clean() {
	local before=$1 desc=${2:-"host namespace, /run/nslab and /etc/netns as before"} i
	for i in $(seq 50); do
		snapshot "$T/.after"
		if cmp -s "$before" "$T/.after"; then
			[ "$i" -gt 1 ] && diag "(clean after $((i - 1))00 ms of kernel teardown)"
			_result 1 "$desc"
			return 0
		fi
		sleep 0.1
	done
	_result 0 "$desc" "$(diff -u "$before" "$T/.after")"
}

done_testing() {
	if [ "$T_N" = 0 ]; then
		echo "not ok - no test point ran"
		T_FAILED=1
	fi
	echo "$((T_N - T_FAILED)) passed, $T_FAILED failed"
	[ "$T_FAILED" = 0 ]
	exit
}

# require_nslab: stop early (one failed point) when the binary is missing.
require_nslab() {
	if [ ! -x "$NSLAB" ]; then
		_result 0 "nslab binary exists at $NSLAB"
		done_testing
	fi
}
