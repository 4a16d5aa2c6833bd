# Shared helpers for the bn benchmark harness (sourced by run.sh and builders).
# Everything created by the harness is named bn* / lives in /run/netns/bn-*.

BN_BENCH=${BN_BENCH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BN_SCRATCH=${BN_SCRATCH:-/tmp/bench-scratch}
BN_FLOOR=$BN_BENCH/cfloor/bnfloor
export BN_BENCH BN_SCRATCH

# nft ruleset used by `ttlfix NS` spec lines (verification only): refresh the
# TTL so a ping can cross more than 64 (or 255) routers.
BN_TTLFIX_NFT='table ip bnttl {
  chain pre {
    type filter hook prerouting priority -300; policy accept;
    ip ttl set 64
  }
}'

bn_now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

bn_log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

# Generic verification for builders whose namespaces are named
# (/run/netns/NS): apply ttlfix lines, then every `check NS ADDR` must ping.
bn_verify_spec() {
	local spec=$1 op ns addr try
	bn_neighfix "$spec" || return 1
	while read -r op ns _; do
		[ "$op" = ttlfix ] || continue
		ip netns exec "$ns" nft -f - <<<"$BN_TTLFIX_NFT" || return 1
	done <"$spec"
	while read -r op ns addr; do
		[ "$op" = check ] || continue
		for try in 1 2 3; do
			if ip netns exec "$ns" ping -c1 -W5 -q "$addr" >/dev/null 2>&1; then
				continue 2
			fi
		done
		echo "verify: $ns cannot ping $addr" >&2
		return 1
	done <"$spec"
	return 0
}

# `neighfix NS1 IF1 NS2 IF2` spec lines (verification only): install
# permanent ARP entries on both ends of the link, so that a ping across a
# long chain does not overflow the kernel's global neighbour table
# (gc_thresh3, see gen/topogen.py).  Done by `bnfloor neighfix` (netlink,
# ~ms); with iproute2 it would be 2 `ip -n` processes per router.
bn_neighfix() {
	grep -q '^neighfix ' "$1" || return 0
	"$BN_FLOOR" neighfix "$1"
}

# Names of root-netns links starting with bn (without @peer suffix).
bn_root_links() {
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^bn/) print $2 }'
}

bn_named_netns() {
	local f
	for f in /run/netns/bn-* /run/netns/bn[!-]*; do
		[ -e "$f" ] && echo "${f##*/}"
	done
}

# Remove everything bn* this harness may have left behind.  Only touches
# bn-prefixed namespaces/links and processes whose pid we recorded.
bn_cleanup_all() {
	local wd pidf ns l
	for pidf in "$BN_SCRATCH"/work/*/mn.pid; do
		[ -e "$pidf" ] || continue
		wd=${pidf%/mn.pid}
		"$BN_BENCH/builders/mininet.sh" cleanup "$wd" >/dev/null 2>&1 || true
	done
	# nslab: let the tool remove its own lab state (lab "bench")
	for wd in "$BN_SCRATCH"/work/nslab-*; do
		[ -e "$wd/topo.yml" ] || continue
		"$BN_BENCH/builders/nslab.sh" cleanup "$wd" >/dev/null 2>&1 || true
	done
	for ns in $(bn_named_netns); do
		ip netns del "$ns" 2>/dev/null || true
	done
	for l in $(bn_root_links); do
		ip link del "$l" 2>/dev/null || true
	done
	# per-namespace /etc/netns/NS directories (nslab writes hosts files there)
	for d in /etc/netns/bn-* /etc/netns/bn[!-]*; do
		[ -e "$d" ] && rm -rf -- "$d"
	done
	return 0
}

# "Destroy leaves nothing": prints what is left of the harness's objects,
# as key=count words (only the non-zero ones); empty output = clean.
#   netns      /run/netns/bn*            links   root-netns links bn*
#   etcnetns   /etc/netns/bn*            nslab   nslab lab state (lab "bench"
#                                                 under NSLAB_RUNDIR/run/nslab)
#   procs      live Mininet runner / node shells recorded by mininet.sh
bn_leftovers() {
	local n l e s=0 p=0 f pid
	n=$(bn_named_netns | wc -l)
	l=$(bn_root_links | wc -l)
	e=0
	for f in /etc/netns/bn-* /etc/netns/bn[!-]*; do [ -e "$f" ] && e=$((e + 1)); done
	[ -e "${NSLAB_RUNDIR:-/run/nslab}/bench" ] && s=1
	for f in "$BN_SCRATCH"/work/*/mn.pid "$BN_SCRATCH"/work/*/mn.pids; do
		[ -e "$f" ] || continue
		while read -r pid; do
			[ -n "$pid" ] && [ -e "/proc/$pid" ] &&
				[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] &&
				grep -qa -e 'mininet:' -e mn_builder "/proc/$pid/cmdline" 2>/dev/null && p=$((p + 1))
		done <"$f"
	done
	local out=""
	[ "$n" -gt 0 ] && out+="netns=$n "
	[ "$l" -gt 0 ] && out+="links=$l "
	[ "$e" -gt 0 ] && out+="etcnetns=$e "
	[ "$s" -gt 0 ] && out+="nslab=$s "
	[ "$p" -gt 0 ] && out+="procs=$p "
	echo "${out% }"
}

# Wait (untimed) until the machine is quiet: < SETTLE_BUSY_PCT % CPU busy over
# a 200 ms window, at most SETTLE_MAX_S seconds.  Prints the waited ms.
bn_cpu_sample() { awk '/^cpu /{ print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat; }
bn_settle() {
	local max=$(( ${SETTLE_MAX_S:-20} * 5 )) pct=${SETTLE_BUSY_PCT:-10} i a1 a2 b1 b2 busy
	local t0=$EPOCHREALTIME t1
	for ((i = 0; i < max; i++)); do
		read -r a1 a2 < <(bn_cpu_sample)
		sleep 0.2
		read -r b1 b2 < <(bn_cpu_sample)
		busy=$(( (b1 - a1) * 100 / ((b1 - a1) + (b2 - a2) + 1) ))
		[ "$busy" -lt "$pct" ] && break
	done
	t1=$EPOCHREALTIME
	echo $(( (${t1/./} - ${t0/./}) / 1000 ))
}

# CPU busy % over a 1 s window (whole machine).
bn_busy_pct() {
	local a1 a2 b1 b2
	read -r a1 a2 < <(bn_cpu_sample)
	sleep 1
	read -r b1 b2 < <(bn_cpu_sample)
	echo $(( (b1 - a1) * 100 / ((b1 - a1) + (b2 - a2) + 1) ))
}
# Wait (untimed) until the machine is quiet: < QUIET_BUSY_PCT % busy over 1 s,
# at most QUIET_MAX_S seconds.  Prints "<waited ms> <busy % of the last 1 s>".
bn_wait_quiet() {
	local max=${QUIET_MAX_S:-120} pct=${QUIET_BUSY_PCT:-10} i busy=0
	local t0=$EPOCHREALTIME t1
	for ((i = 0; i < max; i++)); do
		busy=$(bn_busy_pct)
		[ "$busy" -lt "$pct" ] && break
	done
	t1=$EPOCHREALTIME
	echo "$(( (${t1/./} - ${t0/./}) / 1000 )) $busy"
}
