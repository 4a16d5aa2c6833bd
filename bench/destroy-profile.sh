#!/bin/bash
# Profile one nslab destroy until the kernel has freed every namespace
# (docs/destroy-profile.md).  A benchmark aid, not a test.  As root, after make:
#
#   sudo ./bench/destroy-profile.sh [chain|star|clos] [N]     # default: chain 1000
#
# Runs inside a sandbox (tests/integration/sandbox.sh); perf data and the
# report go to bench/results/destroy-profile-<date>/.
set -euo pipefail
cd "$(dirname "$0")/.."
topo=${1:-chain} n=${2:-1000}
[ "$(id -u)" = 0 ] || { echo "destroy-profile.sh: must run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "destroy-profile.sh: needs perf (linux-perf)" >&2; exit 1; }
make -s -C bench >/dev/null
out=$PWD/bench/results/destroy-profile-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
python3 bench/gen/topogen.py "$topo" "$n" >"$out/spec"
python3 bench/gen/spec2nslab.py "$out/spec" >"$out/topo.yml"
cat >"$out/run.sh" <<EOS
set -e
$PWD/build/nslab deploy -q -t $out/topo.yml >/dev/null
sleep 3
perf record -q -a -g -o $out/perf.data -- sh -c \
	"$PWD/build/nslab destroy -q -t $out/topo.yml; $PWD/bench/cfloor/bnfloor barrier" >/dev/null 2>&1
EOS
tests/integration/sandbox.sh bash "$out/run.sh"
perf report -i "$out/perf.data" --children --sort sym --stdio -g none 2>/dev/null |
	grep -E 'cleanup_net|default_device_exit_batch|unregister_sysctl_table|remove_proc_entry|default_idle|rcu_core' |
	tee "$out/report.txt"
echo "destroy-profile: full data in $out"
