#!/bin/bash
# bn topology build/teardown benchmark.
#
#   ./bench/run.sh [N...]          (default N: 10 100 500 1000)
#
# Environment knobs (defaults in brackets):
#   BUILDERS   builders to run             [ipcmd ipbatch mininet cfloor]
#              (also available: ipcmd-exec; any builders/NAME.sh works)
#   TOPOS      topologies                  [star star-noipv6 chain]
#              (gen/topogen.py also knows chain-noipv6 and clos; star* is
#              skipped above N=1023: a Linux bridge takes at most 1024 ports)
#   REPS       repetitions per cell        [3]  (table reports the median)
#   REPS_LARGE repetitions per cell for N > LARGE_N [REPS]; LARGE_N [1000]
#   REP_BASE   number of the first repetition [1] (to add repetitions to an
#              earlier run: REP_BASE=4, then summarize.py old.csv new.csv)
#   MAX_RUN_S  skip a (builder,topo) at larger N when one deploy+destroy is
#              predicted to exceed this    [180]
#   PHASE_TIMEOUT  hard limit per deploy/destroy phase, seconds [400]
#   SETTLE_MAX_S   before DESTROY wait (untimed) until the CPUs are idle
#              (<SETTLE_BUSY_PCT% busy over 200 ms), at most this long [20]
#   QUIET_MAX_S    before DEPLOY wait (untimed) until the machine is quiet
#              (<QUIET_BUSY_PCT% [10] over 1 s; other users share it) [120];
#              the busy % right before deploy is recorded as bg_busy_pct
#   BN_SCRATCH scratch dir                 [/tmp/bench-scratch]
#   OUT        results dir                 [bench/results/run-<date>]
#
# Per (N, topo, rep, builder):  prepare (untimed) -> barrier (untimed, kernel
# idle) -> DEPLOY (timed) -> verify (untimed) -> settle (untimed, wait for
# CPU idle, e.g. the IPv6 autoconf flood) -> DESTROY (timed) -> barrier:
# DESTROY_SYNC = destroy start .. barrier end, i.e. until the kernel has
# finished tearing down every namespace (see cfloor/bnfloor.c "barrier").
set -u
BN_BENCH=$(cd "$(dirname "$0")" && pwd)
export BN_BENCH
. "$BN_BENCH/lib/common.sh"

NS_LIST=("$@")
[ ${#NS_LIST[@]} -eq 0 ] && NS_LIST=(10 100 500 1000)
BUILDERS=${BUILDERS:-"ipcmd ipbatch mininet cfloor"}
TOPOS=${TOPOS:-"star star-noipv6 chain"}
REPS=${REPS:-3}
REPS_LARGE=${REPS_LARGE:-$REPS}
LARGE_N=${LARGE_N:-1000}
REP_BASE=${REP_BASE:-1}
MAX_RUN_S=${MAX_RUN_S:-180}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-400}
OUT=${OUT:-$BN_BENCH/results/run-$(date +%Y%m%d-%H%M%S)}

die() { echo "run.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- preflight
[ "$(id -u)" = 0 ] || die "must run as root"
for t in ip nft ping perl python3 make gcc timeout; do
	command -v $t >/dev/null || die "missing tool: $t"
done
for b in $BUILDERS; do
	[ -x "$BN_BENCH/builders/$b.sh" ] || die "unknown builder $b (no builders/$b.sh)"
done
if [[ " $BUILDERS " == *" mininet "* ]]; then
	/usr/bin/python3 -c 'import mininet.net' 2>/dev/null ||
		die "mininet not importable by /usr/bin/python3 (apt-get install -y mininet bridge-utils)"
	command -v brctl >/dev/null || die "brctl missing (apt-get install -y bridge-utils)"
fi
make -s -C "$BN_BENCH" >/dev/null || die "building cfloor/bnfloor failed"
mkdir -p "$OUT" "$BN_SCRATCH/spec" "$BN_SCRATCH/work"
RAW=$OUT/raw.csv
LOG=$OUT/run.log
log() { printf '%s %s\n' "$(date +%T)" "$*" | tee -a "$LOG" >&2; }

# One benchmark at a time on this machine: two runs (e.g. in two sandboxes)
# would time each other.  The lock file is outside /run and /tmp, so it is
# shared by every sandbox; BN_LOCK= (empty) disables it.
BN_LOCK=${BN_LOCK-/var/tmp/bn-bench.lock}
if [ -n "$BN_LOCK" ] && command -v flock >/dev/null; then
	exec 9>>"$BN_LOCK"
	if ! flock -n 9; then
		log "another benchmark run holds $BN_LOCK ($(cat "$BN_LOCK" 2>/dev/null | tail -1)); waiting for it"
		flock 9
	fi
	echo "$(date -Is) OUT=$OUT" >"$BN_LOCK"
fi

cleanup() {
	trap - EXIT INT TERM
	log "cleanup: removing leftovers (bn* only)"
	bn_cleanup_all
	"$BN_FLOOR" barrier >/dev/null 2>&1 || true
}
trap 'exit 130' INT TERM     # -> EXIT trap
trap 'cleanup' EXIT

[ -z "$(bn_leftovers)" ] || { log "leftovers from an earlier run: $(bn_leftovers) -> cleaning"; bn_cleanup_all; }

{
	echo "# host: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/{print int($2/1024)" MiB"}' /proc/meminfo)"
	echo "# iproute2: $(ip -V)"
	echo "# mininet: $(dpkg-query -W -f='${Version}' mininet 2>/dev/null || echo n/a)"
	[[ " $BUILDERS " == *" nslab "* ]] && echo "# nslab: ${NSLAB:-nslab} ($("${NSLAB:-nslab}" version 2>/dev/null | head -1))"
	echo "# /run/netns: $(stat -f -c %T /run/netns 2>/dev/null || echo "?")"
	echo "# started: $(date -Is)  N: ${NS_LIST[*]}  builders: $BUILDERS  topos: $TOPOS  reps: $REPS (N > $LARGE_N: $REPS_LARGE)"
} >"$OUT/meta.txt"
[ -e "$RAW" ] || echo "topo,n,builder,rep,status,deploy_ms,destroy_ms,destroy_sync_ms,extra" >"$RAW"

ms_since() { echo $(( ( ${2/./} - ${1/./} ) / 1000 )); }

# Barrier cost on an idle system (what destroy_sync would be for N=0).
for i in 1 2 3 4 5; do
	t0=$EPOCHREALTIME
	"$BN_FLOOR" barrier >/dev/null || die "bnfloor barrier failed"
	t1=$EPOCHREALTIME
	echo "idle,0,barrier,$i,ok,0,0,$(ms_since "$t0" "$t1")," >>"$RAW"
done

builder_call() {  # builder subcommand args... (with hard timeout)
	local b=$1; shift
	timeout -k 10 "$PHASE_TIMEOUT" "$BN_BENCH/builders/$b.sh" "$@"
}

run_one() {  # builder topo n rep spec
	local b=$1 topo=$2 n=$3 rep=$4 spec=$5
	local wd=$BN_SCRATCH/work/$b-$topo-$n status=ok extra="" rc nodes checks
	local t0 t1 t2 t3 t4 dep=NA des=NA sync=NA settle quiet bg
	rm -rf "$wd"
	if ! builder_call "$b" prepare "$spec" "$wd" >>"$LOG" 2>&1; then
		log "  $b prepare failed"; echo "$topo,$n,$b,$rep,prepare-failed,NA,NA,NA," >>"$RAW"; return 1
	fi
	"$BN_FLOOR" barrier >/dev/null
	# other users share this machine: wait (untimed) until it is quiet and
	# record how busy it was right before the measurement
	read -r quiet bg < <(bn_wait_quiet)
	t0=$EPOCHREALTIME
	builder_call "$b" deploy "$wd" >"$wd/deploy.out" 2>&1
	rc=$?
	t1=$EPOCHREALTIME
	cat "$wd/deploy.out" >>"$LOG"
	dep=$(ms_since "$t0" "$t1")
	if [ $rc -ne 0 ]; then
		status=deploy-failed-rc$rc
		# the builder's last output line, kept in raw.csv (no , or ;)
		local err
		err=$(grep -v '^[[:space:]]*$' "$wd/deploy.out" | tail -1 | tr ',;\n' '   ' | cut -c1-300)
		# what a failed deploy left behind (nslab promises all or nothing)
		local fleft
		fleft=$(bn_leftovers)
		log "  $b $topo N=$n rep=$rep: $status after ${dep}ms: $err (see $LOG); left: ${fleft:-nothing}"
		fleft=${fleft// /+}
		echo "$topo,$n,$b,$rep,$status,$dep,NA,NA,nodes=$(grep -c '^ns ' "$spec");err=$err;left_after_fail=${fleft:-none}" >>"$RAW"
		builder_call "$b" cleanup "$wd" >/dev/null 2>&1
		bn_cleanup_all; "$BN_FLOOR" barrier >/dev/null
		return 1
	else
		builder_call "$b" verify "$wd" >"$wd/verify.out" 2>&1
		rc=$?
		if [ $rc -eq 3 ]; then
			bn_verify_spec "$spec" >>"$wd/verify.out" 2>&1
			rc=$?
		fi
		cat "$wd/verify.out" >>"$LOG"
		if [ $rc -ne 0 ]; then
			status=verify-failed
			extra="err=$(grep -v '^[[:space:]]*$' "$wd/verify.out" | tail -1 | tr ',;\n' '   ' | cut -c1-300)"
		fi
	fi
	nodes=$(grep -c '^ns ' "$spec")
	checks=$(grep -c '^check ' "$spec")
	[ $status = ok ] || checks=0
	settle=$(bn_settle)
	t2=$EPOCHREALTIME
	builder_call "$b" destroy "$wd" >>"$LOG" 2>&1
	rc=$?
	t3=$EPOCHREALTIME
	"$BN_FLOOR" barrier >/dev/null
	t4=$EPOCHREALTIME
	[ $rc -eq 0 ] || { [ $status = ok ] && status=destroy-failed-rc$rc; }
	des=$(ms_since "$t2" "$t3")
	sync=$(ms_since "$t2" "$t4")
	local bx
	bx=$(builder_call "$b" extra "$wd" 2>/dev/null | tr ' ' ';')
	extra="${bx:+$bx;}${extra:+$extra;}settle_ms=$settle;quietwait_ms=$quiet;bg_busy_pct=$bg;nodes=$nodes;pings_ok=$checks"
	# destroy must leave nothing (checked after the kernel barrier)
	local left
	left=$(bn_leftovers)
	if [ -n "$left" ]; then
		log "  WARNING: leftovers after $b destroy: $left -> cleaning"
		[ $status = ok ] && status=leftovers
		extra="$extra;left=${left// /+}"
		bn_cleanup_all; "$BN_FLOOR" barrier >/dev/null
	else
		extra="$extra;clean=1"
	fi
	if [ $status != ok ]; then
		bn_cleanup_all; "$BN_FLOOR" barrier >/dev/null
	fi
	echo "$topo,$n,$b,$rep,$status,$dep,$des,$sync,$extra" >>"$RAW"
	log "  $b $topo N=$n rep=$rep: $status deploy=${dep}ms destroy=${des}ms destroy_sync=${sync}ms ${extra}"
	[ $status = ok ]
}

declare -A LAST_N LAST_MS SKIP
for n in "${NS_LIST[@]}"; do
	for topo in $TOPOS; do
		spec=$BN_SCRATCH/spec/$topo-$n.spec
		if [[ $topo == star* ]] && [ "$n" -gt 1023 ]; then
			# a Linux bridge accepts at most 1024 ports (BR_MAX_PORTS)
			log "skip $topo N=$n (Linux bridge port limit: 1024 ports, star needs N <= 1023)"
			for b in $BUILDERS; do
				echo "$topo,$n,$b,0,skipped-bridge-port-limit,NA,NA,NA," >>"$RAW"
			done
			continue
		fi
		/usr/bin/python3 "$BN_BENCH/gen/topogen.py" "$topo" "$n" >"$spec" || die "topogen failed"
		for b in $BUILDERS; do
			key=$b-$topo
			if [ -n "${SKIP[$key]:-}" ]; then
				log "skip $b $topo N=$n (${SKIP[$key]})"; continue
			fi
			if [ -n "${LAST_N[$key]:-}" ]; then
				# predict with slightly super-linear growth
				pred=$(awk -v ms="${LAST_MS[$key]}" -v n="$n" -v n0="${LAST_N[$key]}" \
					'BEGIN { printf "%d", ms * (n / n0) ^ 1.25 / 1000 }')
				if [ "$pred" -gt "$MAX_RUN_S" ]; then
					SKIP[$key]="predicted ${pred}s > MAX_RUN_S=${MAX_RUN_S}s at N=$n"
					log "skip $b $topo N=$n (${SKIP[$key]})"
					echo "$topo,$n,$b,0,skipped-predicted-${pred}s,NA,NA,NA," >>"$RAW"
				fi
			fi
		done
		reps=$REPS
		[ "$n" -gt "$LARGE_N" ] && reps=$REPS_LARGE
		for rep in $(seq "$REP_BASE" $((REP_BASE + reps - 1))); do
			for b in $BUILDERS; do
				key=$b-$topo
				[ -n "${SKIP[$key]:-}" ] && continue
				log "run $b $topo N=$n rep $rep"
				if ! run_one "$b" "$topo" "$n" "$rep" "$spec"; then
					SKIP[$key]="failed at N=$n"
				fi
			done
		done
		for b in $BUILDERS; do
			key=$b-$topo
			# remember the median deploy+destroy_sync time for prediction
			ms=$(awk -F, -v t="$topo" -v n="$n" -v b="$b" '$1==t && $2==n && $3==b && $5=="ok" { print $6+$8 }' "$RAW" |
				sort -n | awk '{ a[NR]=$1 } END { if (NR) print a[int((NR+1)/2)] }')
			if [ -n "$ms" ]; then LAST_N[$key]=$n; LAST_MS[$key]=$ms; fi
		done
	done
done

/usr/bin/python3 "$BN_BENCH/lib/summarize.py" "$RAW" >"$OUT/table.md"
echo "# finished: $(date -Is)" >>"$OUT/meta.txt"
mkdir -p "$BN_BENCH/results"
cp "$RAW" "$BN_BENCH/results/latest-raw.csv"
cp "$OUT/table.md" "$BN_BENCH/results/latest-table.md"
log "done: $OUT/table.md"
cat "$OUT/table.md"
