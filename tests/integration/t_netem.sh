#!/bin/bash
# Issue 5, point 4 — impairments. Runs on any kernel, and in the stock-kernel
# VM (make check-vm VM_TESTS=t_netem):
# - everywhere: `netem set --rate 10mbit` (a tbf qdisc) caps a timed TCP
#   transfer between two lab nodes at 7-12 Mbit/s; `netem show` reports the
#   rate, tc agrees, inspect interfaces shows it; `clear` removes it (the
#   transfer is fast again), and a second clear is no error; a topology's
#   `netem: {rate: ...}` deploys as tbf on both ends;
# - where the kernel has no netem qdisc (found out with tc on a scratch veth,
#   not from the kernel version): `netem set --delay 50ms` exits 1 with a
#   message naming sch_netem and what still works, and a topology with
#   `netem: {delay: ...}` fails to deploy with that message, leaving nothing;
# - where it has one: 50ms delay gives a ping RTT of 50-70 ms where it was
#   under 5 ms, 20% loss loses 5-40% of 200 pings, `show` reports exactly what
#   was set, `clear` restores the link, and a topology's netem keys deploy and
#   show in `netem show` and `inspect interfaces`.
# The part a kernel cannot run prints a "skip" line with the reason.
. "$(dirname "$0")/lib.sh"
require_nslab

skip() { echo "skip - $*"; }

# Can this kernel make a netem qdisc? Asked with tc, independently of nslab.
ip link add nprobe0 type veth peer name nprobe1
probe=$(tc qdisc add dev nprobe0 root netem delay 1ms 2>&1) && HAVE_NETEM=1 || HAVE_NETEM=0
ip link del nprobe0
diag "tc on a scratch veth: netem $([ $HAVE_NETEM = 1 ] && echo works || echo "fails: $probe")"

F=$T/ne.nslab.yml
cat >"$F" <<'Y'
name: ne
topology:
  nodes: {a: {}, b: {}}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
      ipv4: [10.0.0.1/24, 10.0.0.2/24]
Y
a=nslab-ne-a b=nslab-ne-b
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"
check "a -> b" pings $a 10.0.0.2

# transfer_mbit: 3 MB over TCP from a to b; the receiver times the data from
# its first byte to the end, and prints the rate in Mbit/s.
cat >"$T/rx.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.2", 5001))
s.listen(1)
open(sys.argv[1], "w").close()
s.settimeout(20)
c, _ = s.accept()
c.settimeout(20)
n, t0, t1 = 0, None, None
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    t1 = time.monotonic()
    if t0 is None:
        t0 = t1
    n += len(b)
print("%.2f" % (n * 8 / (t1 - t0) / 1e6) if n > 1000000 and t1 > t0 else "0")
PY
transfer_mbit() {
	rm -f "$T/ready"
	in_ns $b timeout 30 python3 "$T/rx.py" "$T/ready" >"$T/rate" 2>"$T/rate.err" &
	local pid=$! i
	for i in $(seq 50); do [ -e "$T/ready" ] && break; sleep 0.1; done
	in_ns $a timeout 30 python3 -c 'import socket; s = socket.create_connection(("10.0.0.2", 5001)); s.sendall(b"x" * 3000000); s.close()'
	wait $pid
	cat "$T/rate" "$T/rate.err"
}
in_range() { python3 -c 'import sys; v, lo, hi = map(float, sys.argv[1:]); sys.exit(0 if lo <= v <= hi else 1)' "$@"; }

# --- rate alone: tbf, on every kernel -----------------------------------------
run_nslab netem set -t "$F" a:eth1 --rate 10mbit
check_eq "netem set --rate 10mbit exits 0" 0 "$RC" || diag "$ERR"
run_nslab netem show -t "$F" a:eth1
check_eq "netem show reports it" "rate 10mbit" "$OUT"
check_match "tc sees a tbf root qdisc at 10Mbit on a:eth1" 'qdisc tbf [0-9a-f]+: root .*rate 10Mbit' \
	"$(ip netns exec $a tc qdisc show dev eth1)"
run_nslab netem show -t "$F" a:eth1 --format json
check_eq "netem show --format json: qdisc, rate_bps, text" "tbf 10000000 rate 10mbit" \
	"$(json_get "$OUT" '" ".join(str(x) for x in (d["qdisc"], d["netem"]["rate_bps"], d["netem"]["text"]))')"
run_nslab inspect interfaces -t "$F" --format json
check_eq "inspect interfaces: a:eth1's netem, b:eth1 has none" "rate 10mbit None" \
	"$(json_get "$OUT" '" ".join(str(r["netem"]["text"] if r["netem"] else None) for n in ("a", "b") for r in d if r["node"] == n and r["name"] == "eth1")')"
mbit=$(transfer_mbit)
check "a timed transfer a -> b comes out at 7-12 Mbit/s (${mbit} Mbit/s)" in_range "${mbit:-0}" 7 12
run_nslab netem clear -t "$F" a:eth1
check_eq "netem clear exits 0" 0 "$RC" || diag "$ERR"
run_nslab netem show -t "$F" a:eth1
check_eq "netem show: none" none "$OUT"
check_no_match "tc sees no tbf any more" 'tbf' "$(ip netns exec $a tc qdisc show dev eth1)"
mbit=$(transfer_mbit)
check "without it the same transfer is far faster (${mbit} Mbit/s > 30)" in_range "${mbit:-0}" 30 1e9
run_nslab netem clear -t "$F" a:eth1
check_eq "a second clear is no error" 0 "$RC" || diag "$ERR"

# --- bad input ----------------------------------------------------------------------
run_nslab netem set -t "$F" a:eth1
check_eq "set without a setting: exit 2" 2 "$RC"
run_nslab netem set -t "$F" a:eth1 --delay 20
check_eq "--delay 20 (no unit): exit 2" 2 "$RC"
check_match "the message says what is wrong" "^nslab: --delay: invalid delay '20': give a unit" "$ERR"
run_nslab netem set -t "$F" a:eth1 --jitter 2ms
check_eq "--jitter without --delay: exit 2" 2 "$RC"
run_nslab netem set -t "$F" a:eth7 --rate 1mbit
check_eq "an interface the lab does not have: exit 1" 1 "$RC"
check_match "named" "node 'a' has no interface 'eth7'" "$ERR"
run_nslab netem show -t "$F" a:eth1 --delay 1ms
check_eq "show with a setting: exit 2" 2 "$RC"
run_nslab netem frob -t "$F" a:eth1
check_eq "an unknown action: exit 2" 2 "$RC"

# --- a rate in the topology deploys as tbf on both ends ------------------------------
F2=$T/nr.nslab.yml
cat >"$F2" <<'Y'
name: nr
topology:
  nodes: {c: {}, d: {}, nrbr: {kind: bridge}}
  links:
    - endpoints: ["c:eth1", "d:eth1"]
      netem: {rate: 20mbit}
    - type: veth
      endpoints:
        - {node: c, interface: eth2}
        - {node: nrbr, interface: nr-c2, netem: {rate: 5mbps}}
    - type: host
      endpoint: {node: d, interface: eth9, netem: {rate: 1gbit}}
      host-interface: nr-d9
Y
run_nslab deploy -q -t "$F2"
check_eq "a topology with netem: {rate: ...} deploys" 0 "$RC" || diag "$ERR"
check_eq "both ends of a link with netem have it" "rate 20mbit rate 20mbit" \
	"$("$NSLAB" netem show -t "$F2" c:eth1) $("$NSLAB" netem show -t "$F2" d:eth1)"
check_eq "a bridge node's port (host namespace): 5mbps is 40mbit" "rate 40mbit" \
	"$("$NSLAB" netem show -t "$F2" nrbr:nr-c2 2>&1)"
check_match "tc agrees, in the host namespace" 'qdisc tbf [0-9a-f]+: root .*rate 40Mbit' "$(tc qdisc show dev nr-c2)"
check_eq "its far end has none" none "$("$NSLAB" netem show -t "$F2" c:eth2 2>&1)"
check_eq "a host link's node end" "rate 1gbit" "$("$NSLAB" netem show -t "$F2" d:eth9 2>&1)"
check_eq "and its host end none" none "$("$NSLAB" netem show -t "$F2" host:nr-d9 2>&1)"
run_nslab netem set -t "$F2" host:nr-d9 --rate 2mbit
check_eq "netem set on a host link's host end" "0 rate 2mbit" "$RC $("$NSLAB" netem show -t "$F2" host:nr-d9 2>&1)"
run_nslab destroy -t "$F2"
check_eq "destroy exits 0" 0 "$RC"

# --- a kernel without sch_netem ---------------------------------------------------------
F3=$T/nd.nslab.yml
cat >"$F3" <<'Y'
name: nd
topology:
  nodes: {e: {}, f: {}}
  links:
    - endpoints: ["e:eth1", "f:eth1"]
      ipv4: [10.0.9.1/24, 10.0.9.2/24]
      netem: {delay: 20ms, loss: 1%}
    - type: veth
      endpoints:
        - {node: e, interface: eth2, netem: {delay: 5ms, jitter: 1ms}}
        - {node: f, interface: eth2, netem: {rate: 100mbit, duplicate: 0.5%}}
Y
MSG="this kernel has no netem qdisc \(sch_netem\): delay, jitter, loss, corrupt and duplicate need it; rate alone works \(tbf\)\. Load it with 'modprobe sch_netem'\."
if [ $HAVE_NETEM = 0 ]; then
	run_nslab netem set -t "$F" a:eth1 --delay 50ms
	check_eq "no sch_netem: netem set --delay 50ms exits 1" 1 "$RC"
	check_match "the message names the interface, sch_netem and what still works" "^nslab: a:eth1: $MSG\$" "$ERR"
	check_eq "nothing was set" none "$("$NSLAB" netem show -t "$F" a:eth1)"
	snapshot "$T/before3"
	run_nslab deploy -q -t "$F3"
	check_eq "no sch_netem: a topology with netem delay fails to deploy (exit 1)" 1 "$RC"
	check_match "with that message, naming the link end" "^nslab: e:eth1: $MSG" "$ERR"
	assert_clean "$T/before3" "the failed deploy left nothing behind"
	skip "netem behaviour (delay, loss, show, clear, topology keys): this kernel has no sch_netem (tc: $probe)"
else
	skip "the missing-sch_netem message: this kernel has sch_netem"
fi

# --- a kernel with sch_netem ----------------------------------------------------------
rtt_avg() { # rtt_avg NETNS ADDR COUNT: average RTT in ms
	in_ns "$1" ping -n -q -c "$3" -i 0.2 -W 2 "$2" | sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p'
}
loss_pct() { # loss_pct NETNS ADDR COUNT: percent of pings lost, fast
	in_ns "$1" ping -n -q -c "$3" -i 0.01 -W 1 "$2" | sed -n 's|.* \([0-9.]*\)% packet loss.*|\1|p'
}
if [ $HAVE_NETEM = 1 ]; then
	r=$(rtt_avg $a 10.0.0.2 5)
	check "before: RTT a -> b under 5 ms (${r} ms)" in_range "${r:-99}" 0 5
	run_nslab netem set -t "$F" a:eth1 --delay 50ms
	check_eq "netem set --delay 50ms exits 0" 0 "$RC" || diag "$ERR"
	check_eq "netem show: exactly that" "delay 50ms" "$("$NSLAB" netem show -t "$F" a:eth1)"
	check_match "tc agrees" 'qdisc netem [0-9a-f]+: root .*delay 50ms' "$(ip netns exec $a tc qdisc show dev eth1)"
	r=$(rtt_avg $a 10.0.0.2 5)
	check "with 50ms delay: RTT 50-70 ms (${r} ms)" in_range "${r:-0}" 50 70

	run_nslab netem set -t "$F" a:eth1 --loss 20%
	check_eq "netem set --loss 20% exits 0" 0 "$RC" || diag "$ERR"
	check_eq "set replaces: netem show says loss 20% and no delay" "loss 20%" \
		"$("$NSLAB" netem show -t "$F" a:eth1)"
	l=$(loss_pct $a 10.0.0.2 200)
	check "with 20% loss: 5-40% of 200 pings lost (${l}%)" in_range "${l:-0}" 5 40

	run_nslab netem set -t "$F" a:eth1 --delay 50ms --loss 20%
	check_eq "netem show reports exactly what was set: delay 50ms loss 20%" "delay 50ms loss 20%" \
		"$("$NSLAB" netem show -t "$F" a:eth1)"
	run_nslab netem set -t "$F" a:eth1 --delay 10ms --jitter 2ms --loss 0.5% --corrupt 0.1% --duplicate 0.1% --rate 100mbit
	check_eq "every key at once" "delay 10ms jitter 2ms loss 0.5% corrupt 0.1% duplicate 0.1% rate 100mbit" \
		"$("$NSLAB" netem show -t "$F" a:eth1)"
	check_match "tc agrees on the rate inside netem" 'qdisc netem .*rate 100Mbit' "$(ip netns exec $a tc qdisc show dev eth1)"
	run_nslab netem show -t "$F" a:eth1 --format json
	check_eq "JSON: qdisc netem, delay_us, jitter_us, loss, rate_bps" "netem 10000 2000 0.5 100000000" \
		"$(json_get "$OUT" '" ".join(str(x) for x in (d["netem"]["qdisc"], d["netem"]["delay_us"], d["netem"]["jitter_us"], d["netem"]["loss"], d["netem"]["rate_bps"]))')"

	run_nslab netem clear -t "$F" a:eth1
	check_eq "netem clear exits 0" 0 "$RC" || diag "$ERR"
	check_eq "netem show: none" none "$("$NSLAB" netem show -t "$F" a:eth1)"
	r=$(rtt_avg $a 10.0.0.2 5)
	check "after clear: RTT under 5 ms again (${r} ms)" in_range "${r:-99}" 0 5
	l=$(loss_pct $a 10.0.0.2 100)
	check "after clear: no loss (${l}% of 100)" in_range "${l:-100}" 0 1

	run_nslab deploy -q -t "$F3"
	check_eq "a topology with netem keys deploys" 0 "$RC" || diag "$ERR"
	show3() { "$NSLAB" netem show -t "$F3" "$1" 2>&1; }
	check_eq "link netem on both ends: e:eth1" "delay 20ms loss 1%" "$(show3 e:eth1)"
	check_eq "link netem on both ends: f:eth1" "delay 20ms loss 1%" "$(show3 f:eth1)"
	check_eq "endpoint netem: e:eth2" "delay 5ms jitter 1ms" "$(show3 e:eth2)"
	check_eq "endpoint netem: f:eth2 (netem with a rate)" "duplicate 0.5% rate 100mbit" "$(show3 f:eth2)"
	run_nslab inspect interfaces -t "$F3" --format json
	check_eq "inspect interfaces shows each end's netem" "delay 20ms loss 1%|delay 5ms jitter 1ms|delay 20ms loss 1%|duplicate 0.5% rate 100mbit" \
		"$(json_get "$OUT" '"|".join(r["netem"]["text"] for r in d if r["name"] in ("eth1", "eth2"))')"
	run_nslab inspect interfaces -t "$F3" -n e
	check_match "and in the table's NETEM column" 'eth1 .* delay 20ms loss 1%$' "$(grep ' eth1 ' <<<"$OUT")"
	r=$(rtt_avg nslab-nd-e 10.0.9.2 5)
	check "20ms each way: RTT 40-60 ms (${r} ms)" in_range "${r:-0}" 40 60
	run_nslab destroy -t "$F3"
	check_eq "destroy exits 0" 0 "$RC"
fi

run_nslab destroy -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
assert_clean "$T/before"
done_testing
