#!/bin/bash
# nslab: the spec becomes a topology file (gen/spec2nslab.py); deploy and
# destroy are one `nslab` process each. NSLAB names the binary (default: nslab on PATH).
# deploy runs under /usr/bin/time (exec'd, so no extra shell) to record
# nslab's peak RSS (`extra`: nslab_peak_rss_kb); its own cost is ~1 ms.
set -e
BN_BENCH=${BN_BENCH:-$(cd "$(dirname "$0")/.." && pwd)}; export BN_BENCH
NSLAB=${NSLAB:-nslab}
case $1 in
prepare) mkdir -p "$3"; python3 "$BN_BENCH/gen/spec2nslab.py" "$2" >"$3/topo.yml" ;;
deploy)  exec /usr/bin/time -f %M -o "$2/deploy.rss" "$NSLAB" deploy -q -t "$2/topo.yml" >/dev/null ;;
destroy) exec "$NSLAB" destroy -q -t "$2/topo.yml" >/dev/null ;;
extra)   [ -f "$2/deploy.rss" ] && echo "nslab_peak_rss_kb=$(tail -1 "$2/deploy.rss")" || exit 3 ;;
verify)  exit 3 ;;
# after a failure: let nslab remove whatever its lab state still records
cleanup) [ -f "$2/topo.yml" ] || exit 3; "$NSLAB" destroy -q --cleanup -t "$2/topo.yml" >/dev/null ;;
*) echo "usage: $0 prepare SPEC WD | deploy WD | destroy WD" >&2; exit 2 ;;
esac
