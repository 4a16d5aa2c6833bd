#!/bin/bash
# "Speed at scale": one command that times the same topologies (star, chain,
# clos) built five ways (ipcmd, ipbatch, mininet, cfloor, nslab), inside a
# sandbox, and writes docs/performance.md from the results.
#
#   sudo bench/perf.sh                 # N = 10 100 500 1000 2000 5000 (hours)
#   sudo bench/perf.sh 10 100          # chosen N (a few minutes)
#   sudo bench/perf.sh --doc [RAW.csv...]   # only regenerate the doc, from
#                                      # bench/perf-data/raw.csv or the given
#                                      # files (merged; later files win)
#
# The data behind docs/performance.md is kept in bench/perf-data/ (raw.csv,
# meta.txt, command.txt; bench/results/ is not tracked by git), so the doc can
# be regenerated and checked from the repository alone.
#
# Knobs (environment, defaults in brackets): BUILDERS [ipcmd ipbatch mininet
# cfloor nslab], TOPOS [star chain clos], REPS [5] for N <= 1000 and
# REPS_LARGE [3] above, MAX_RUN_S [180] (a builder is skipped at a larger N
# when one deploy+destroy is predicted to take longer), NSLAB
# [build/nslab], OUT [bench/results/perf-<date>; not under /tmp, which is
# private to the sandbox], DOC [docs/performance.md].  Other run.sh knobs
# (QUIET_MAX_S, SETTLE_MAX_S, PHASE_TIMEOUT, ...) pass through.
#
# Installs nothing: it checks the prerequisites and names the missing Debian
# package.  The harness runs inside tests/integration/sandbox.sh (own network
# and mount namespaces, private /run and /tmp), never on the host directly.
# star stops at N = 1023 (a Linux bridge takes at most 1024 ports): larger
# star cells are recorded as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
die() { echo "perf.sh: $*" >&2; exit 1; }

DOC=${DOC:-docs/performance.md}
DATA=bench/perf-data
mkdoc() {  # cmd raw...
	local cmd=$1; shift
	/usr/bin/python3 bench/lib/mkdoc.py --cmd "$cmd" --out "$DOC" "$@" ||
		die "writing $DOC failed"
	echo "perf.sh: wrote $DOC" >&2
}

if [ "${1:-}" = --doc ]; then
	shift
	[ $# -gt 0 ] || set -- "$DATA/raw.csv"
	cmd=""
	for r in "$@"; do
		[ -f "$r" ] || die "no such file: $r"
		c=$(dirname "$r")/command.txt
		[ -f "$c" ] && cmd+="$(cat "$c")"$'\n'
	done
	[ "$*" = "$DATA/raw.csv" ] || cmd+="bench/perf.sh --doc $*"
	mkdoc "$cmd" "$@"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (it creates namespaces inside a sandbox)"

BUILDERS=${BUILDERS:-"ipcmd ipbatch mininet cfloor nslab"}
TOPOS=${TOPOS:-"star chain clos"}
REPS=${REPS:-5}
REPS_LARGE=${REPS_LARGE:-3}
NSLAB=${NSLAB:-$ROOT/build/nslab}
OUT=${OUT:-$ROOT/bench/results/perf-$(date +%Y%m%d-%H%M%S)}
[ $# -gt 0 ] || set -- 10 100 500 1000 2000 5000
for n in "$@"; do [[ $n =~ ^[0-9]+$ ]] || die "N must be a number: $n"; done
case $(realpath -m "$OUT") in
/tmp | /tmp/*) die "OUT=$OUT is under /tmp, which is private to the sandbox: use /var/tmp/... or bench/results/..." ;;
esac

# ---------------------------------------------------------- prerequisites
missing=()
need() {  # test-command package description
	eval "$1" >/dev/null 2>&1 || missing+=("$3: apt-get install -y --no-install-recommends $2")
}
need 'command -v ip' iproute2 "ip"
need 'command -v nft' nftables "nft (TTL refresh for long chains)"
need 'command -v ping' iputils-ping "ping"
need 'command -v perl' perl "perl (ip-batch sysctl writer)"
need 'command -v gcc' gcc "gcc (builds bench/cfloor/bnfloor)"
need 'command -v make' make "make"
need '[ -x /usr/bin/python3 ]' python3 "/usr/bin/python3"
need 'command -v timeout' coreutils "timeout"
need 'command -v unshare' util-linux "unshare (the sandbox)"
need '[ -x /usr/bin/time ]' time "/usr/bin/time (nslab peak RSS)"
if [[ " $BUILDERS " == *" mininet "* ]]; then
	need '/usr/bin/python3 -c "import mininet.net"' "mininet bridge-utils" "mininet (Python module)"
	need 'command -v mnexec' mininet "mnexec"
	need 'command -v brctl' bridge-utils "brctl"
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "perf.sh: missing prerequisites:" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
if [[ " $BUILDERS " == *" nslab "* ]]; then
	[ -x "$NSLAB" ] || die "nslab binary $NSLAB missing: run make first (or set NSLAB=)"
fi
[ -x tests/integration/sandbox.sh ] || die "tests/integration/sandbox.sh missing"

# ------------------------------------------------------------------- run
# the exact command, with the knobs that differ from the defaults
cmd="sudo"
for v in BUILDERS TOPOS REPS REPS_LARGE MAX_RUN_S NSLAB QUIET_MAX_S SETTLE_MAX_S PHASE_TIMEOUT; do
	[ -n "${!v+x}" ] && [ -n "$(printenv "$v" 2>/dev/null)" ] && cmd+=" $v=\"$(printenv "$v")\""
done
cmd+=" bench/perf.sh $*"
mkdir -p "$OUT"
echo "$cmd" >"$OUT/command.txt"
echo "perf.sh: $cmd  ->  $OUT" >&2

# Measure a private copy of the binary: others may rebuild build/nslab
# (make clean, new commits) while this runs for hours.
extra_meta=("git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- lib src include Makefile 2>/dev/null || echo ' + uncommitted changes in lib/src')")
if [[ " $BUILDERS " == *" nslab "* ]]; then
	cp "$NSLAB" "$OUT/nslab"
	extra_meta+=("nslab build: $NSLAB copied to $OUT/nslab, sha256 $(sha256sum "$OUT/nslab" | cut -c1-16), built $(date -r "$NSLAB" -Is)")
	NSLAB=$OUT/nslab
fi

rc=0
BUILDERS=$BUILDERS TOPOS=$TOPOS REPS=$REPS REPS_LARGE=$REPS_LARGE LARGE_N=1000 \
	NSLAB=$NSLAB OUT=$OUT tests/integration/sandbox.sh ./bench/run.sh "$@" || rc=$?
[ $rc -eq 0 ] || echo "perf.sh: bench/run.sh exited with $rc" >&2
[ -s "$OUT/raw.csv" ] || die "no results in $OUT/raw.csv"
[ -f "$OUT/meta.txt" ] && printf '# %s\n' "${extra_meta[@]}" >>"$OUT/meta.txt"
mkdir -p "$DATA"
cp "$OUT/raw.csv" "$OUT/meta.txt" "$OUT/command.txt" "$DATA/"
mkdoc "$cmd" "$DATA/raw.csv"
exit $rc
