#!/bin/bash
# Quick start on a fresh Debian/Ubuntu machine, as root:
#
#   sudo ./scripts/quickstart.sh
#
# 1. installs the build and runtime dependencies that are missing (apt);
# 2. builds nslab (make);
# 3. runs the bundled example lab end to end, on this machine: deploy
#    examples/bridge.clab.yml (namespaces nslab-bridge-h1..h3 on the host
#    bridge `mybridge`, 10.0.0.1-3/24), ping every pair, inspect, destroy.
# The lab only uses the names in examples/bridge.clab.yml; if a bridge
# `mybridge` already exists it is used and left in place.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "quickstart: run as root: sudo $0" >&2; exit 1; }

PKGS="build-essential pkg-config libmnl-dev libyaml-dev libnftables-dev libjansson-dev libpcap-dev
iproute2 nftables iptables tcpdump socat iputils-ping clang-format procps psmisc util-linux kmod
python3 perl bridge-utils time"
missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "==> installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "==> dependencies already installed"
fi

echo "==> building"
make -j"$(nproc)" >/dev/null
NSLAB=$PWD/build/nslab
F=examples/bridge.clab.yml

# On a Docker host, br_netfilter + `iptables -P FORWARD DROP` drop traffic
# that crosses a bridge in the host namespace: say so before it bites.
if [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0)" = 1 ] &&
	iptables -S FORWARD 2>/dev/null | grep -qx -- '-P FORWARD DROP'; then
	echo "note: this host filters bridged traffic (br_netfilter, FORWARD policy DROP, e.g. Docker);"
	echo "      pings across mybridge may fail. examples/switch.nslab.yml keeps its bridge out of"
	echo "      the host firewall (kind: switch)."
fi

echo "==> $NSLAB deploy -t $F"
"$NSLAB" deploy --reconfigure -t "$F"
trap 'echo "==> destroying"; "$NSLAB" destroy -t "$F"' EXIT

echo "==> ping every pair"
fail=0
for a in 1 2 3; do
	for b in 1 2 3; do
		[ $a = $b ] && continue
		if "$NSLAB" exec -t "$F" h$a -- ping -n -q -c1 -W2 10.0.0.$b >/dev/null; then
			echo "    h$a -> h$b (10.0.0.$b) ok"
		else
			echo "    h$a -> h$b (10.0.0.$b) FAILED"
			fail=1
		fi
	done
done

echo "==> ip netns list"
ip netns list | grep '^nslab-bridge-' || true
echo "==> bridge link (ports of mybridge)"
bridge link show | grep 'master mybridge' || true
echo "==> $NSLAB inspect -t $F"
"$NSLAB" inspect -t "$F"
echo "==> $NSLAB inspect interfaces -t $F"
"$NSLAB" inspect interfaces -t "$F"

if [ $fail = 0 ]; then
	echo "==> all pings work. Next: sudo make check (the test suite, sandboxed)"
else
	echo "==> some pings failed (see the note above about host firewalls)" >&2
fi
exit $fail
