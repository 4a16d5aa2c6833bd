#!/bin/bash
# Issue 5, point 3 — `nslab capture`: during `ping -c 5` across a link a
# capture of 10 packets holds the 5 requests and 5 replies (read back with
# tcpdump); --filter icmp leaves ARP out while an unfiltered capture sees it;
# `-w -` piped into `tcpdump -r -` works live; a host-side bridge port sees
# the frames crossing it; SIGINT and SIGTERM end a capture with its count
# line and a valid file; a closed pipe ends it cleanly; bad NODE:IFACE, bad
# filter and a lab that is not deployed give clear errors.
. "$(dirname "$0")/lib.sh"
require_nslab

command -v tcpdump >/dev/null || {
	_result 0 "tcpdump is installed (Debian package tcpdump)"
	done_testing
}

F=$T/cap.nslab.yml
cat >"$F" <<'Y'
name: cap
topology:
  nodes:
    a: {}
    b: {}
    c: {}
    br: {kind: bridge}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
      ipv4: ["10.77.0.1/24", "10.77.0.2/24"]
    - endpoints: ["a:eth2", "br:br-a"]
      ipv4: ["10.77.1.1/24"]
    - endpoints: ["c:eth1", "br:br-c"]
      ipv4: ["10.77.1.3/24"]
Y
A=$(nsname cap a)
snapshot "$T/before"
run_nslab deploy -q -t "$F"
check_eq "deploy exits 0" 0 "$RC" || diag "$ERR"

# wait_ready ERRFILE: the capture printed "listening on" once its socket was active.
wait_ready() {
	local i
	for i in $(seq 100); do
		grep -q '^listening on ' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	diag "no 'listening on' line in $1 after 5 s:" "$(cat "$1" 2>/dev/null)"
	return 1
}

# wait_pid PID SECONDS: wait for a background job, killing it after SECONDS; its status.
wait_pid() {
	local pid=$1 i
	for i in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { diag "pid $pid still running after $2 s: killed"; kill -9 "$pid"; }
	wait "$pid"
}

# count_in PCAP [FILTER...]: packets in a pcap file that tcpdump reads (and that match FILTER)
count_in() {
	local f=$1
	shift
	tcpdump -nr "$f" "$@" 2>/dev/null | wc -l
}

# wait_count PCAP N [FILTER...]: until the file (flushed per packet) holds N
# matching packets, so a signal never races the last packets of a ping.
wait_count() {
	local f=$1 n=$2 i
	shift 2
	for i in $(seq 100); do
		[ "$(count_in "$f" "$@")" -ge "$n" ] && return 0
		sleep 0.05
	done
	diag "$f: fewer than $n packets after 5 s"
}

# --- 1. ping -c 5 across a:eth1 <-> b:eth1, capture -c 10 -w f.pcap ------------
in_ns "$A" ping -n -q -c1 -W1 10.77.0.2 >/dev/null # ARP now, so the 10 packets are ICMP
"$NSLAB" capture -t "$F" a:eth1 -c 10 -w "$T/f.pcap" 2>"$T/f.err" &
cap=$!
wait_ready "$T/f.err"
in_ns "$A" ping -n -q -c 5 -i 0.2 10.77.0.2 >/dev/null
wait_pid $cap 5
check_eq "capture -c 10 exits 0 by itself" 0 "$?" || diag "$(cat "$T/f.err")"
check_match "it reports '10 packets captured' on stderr" '^10 packets captured$' "$(cat "$T/f.err")"
check_eq "the file starts with the pcap magic (tcpdump/Wireshark format)" "d4c3b2a1" \
	"$(od -An -tx1 -N4 "$T/f.pcap" | tr -d ' ')"
check_eq "tcpdump -r reads 10 packets" 10 "$(count_in "$T/f.pcap")"
check_eq "5 echo requests 10.77.0.1 > 10.77.0.2" 5 \
	"$(tcpdump -nr "$T/f.pcap" 2>/dev/null | grep -c 'IP 10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request')"
check_eq "5 echo replies 10.77.0.2 > 10.77.0.1" 5 \
	"$(tcpdump -nr "$T/f.pcap" 2>/dev/null | grep -c 'IP 10\.77\.0\.2 > 10\.77\.0\.1: ICMP echo reply')"

# --- 2. --filter icmp excludes ARP; the same traffic unfiltered shows it ------
"$NSLAB" capture -t "$F" a:eth1 --filter icmp -w "$T/icmp.pcap" 2>"$T/icmp.err" &
cap1=$!
"$NSLAB" capture -t "$F" a:eth1 -w "$T/all.pcap" 2>"$T/all.err" &
cap2=$!
wait_ready "$T/icmp.err"
wait_ready "$T/all.err"
ip -n "$A" neigh flush all
ip -n "$(nsname cap b)" neigh flush all
in_ns "$A" ping -n -q -c 2 -i 0.2 10.77.0.2 >/dev/null
wait_count "$T/icmp.pcap" 4 icmp
wait_count "$T/all.pcap" 4 icmp
kill -INT $cap1 $cap2
wait_pid $cap1 5
check_eq "the filtered capture ends with exit 0 on SIGINT" 0 "$?"
wait_pid $cap2 5
check_eq "the unfiltered capture ends with exit 0 on SIGINT" 0 "$?"
n_arp_all=$(count_in "$T/all.pcap" arp)
check_eq "without a filter, ARP is seen (neighbours flushed): request and reply" 1 \
	"$([ "$n_arp_all" -ge 2 ] && echo 1 || echo "0 ($n_arp_all ARP packets)")"
check_eq "with --filter icmp, no ARP" 0 "$(count_in "$T/icmp.pcap" arp)"
check_eq "with --filter icmp, the 4 ICMP packets" 4 "$(count_in "$T/icmp.pcap" icmp)"
check_eq "with --filter icmp, nothing but ICMP" 4 "$(count_in "$T/icmp.pcap")"

# --- 3. -w - into tcpdump -r -, live ---------------------------------------
("$NSLAB" capture -t "$F" a:eth1 -c 6 --filter icmp -w - 2>"$T/pipe.err" |
	tcpdump -nlr - >"$T/pipe.out" 2>/dev/null) &
cap=$!
wait_ready "$T/pipe.err"
in_ns "$A" ping -n -q -c 3 -i 0.2 10.77.0.2 >/dev/null
wait_pid $cap 5
check_eq "capture -w - | tcpdump -r -: the pipeline exits 0" 0 "$?"
check_eq "tcpdump -r - decodes 3 echo requests" 3 "$(grep -c 'ICMP echo request' "$T/pipe.out")"
check_eq "tcpdump -r - decodes 3 echo replies" 3 "$(grep -c 'ICMP echo reply' "$T/pipe.out")"
check_match "the capture counts 6 packets" '^6 packets captured$' "$(cat "$T/pipe.err")"

# The reader goes away first: the next write fails (EPIPE) and the capture ends cleanly.
rm -f "$T/rc"
( ("$NSLAB" capture -t "$F" a:eth1 --filter icmp -w - 2>"$T/epipe.err"; echo $? >"$T/rc") |
	tcpdump -c 2 -nr - >/dev/null 2>&1) &
cap=$!
wait_ready "$T/epipe.err"
in_ns "$A" ping -n -q -c 4 -i 0.2 10.77.0.2 >/dev/null
wait_pid $cap 5
check_eq "a closed pipe ends the capture with exit 0" 0 "$(cat "$T/rc" 2>/dev/null)" ||
	diag "$(cat "$T/epipe.err")"
check_match "... and it still prints its count" '^[0-9]+ packets captured$' "$(cat "$T/epipe.err")"
rm -f "$T/rc"
( ("$NSLAB" capture -t "$F" a:eth1 --filter icmp 2>"$T/epipe2.err"; echo $? >"$T/rc") |
	head -n 1 >/dev/null) &
cap=$!
wait_ready "$T/epipe2.err"
in_ns "$A" ping -n -q -c 4 -i 0.2 10.77.0.2 >/dev/null
wait_pid $cap 5
check_eq "summary lines into a pipe closed early (head -n 1): exit 0" 0 "$(cat "$T/rc" 2>/dev/null)" ||
	diag "$(cat "$T/epipe2.err")"

# --- 4. a host-side bridge port sees the frames that cross it --------------
"$NSLAB" capture -t "$F" br:br-a -w "$T/port.pcap" 2>"$T/port.err" &
cap1=$!
"$NSLAB" capture -t "$F" host:br-c -c 4 --filter icmp 2>"$T/portc.err" >"$T/portc.out" &
cap2=$!
wait_ready "$T/port.err"
wait_ready "$T/portc.err"
check_match "the bridge port is captured in the host namespace" \
	'listening on br:br-a \(host namespace, device br-a\)' "$(cat "$T/port.err")"
in_ns "$A" ping -n -q -c 2 -i 0.2 10.77.1.3 >/dev/null
wait_count "$T/port.pcap" 4 icmp
kill -INT $cap1
wait_pid $cap1 5
check_eq "the bridge-port capture ends with exit 0 on SIGINT" 0 "$?"
check_eq "br-a carried 2 echo requests a -> c" 2 \
	"$(tcpdump -nr "$T/port.pcap" 2>/dev/null | grep -c 'IP 10\.77\.1\.1 > 10\.77\.1\.3: ICMP echo request')"
check_eq "br-a carried 2 echo replies c -> a" 2 \
	"$(tcpdump -nr "$T/port.pcap" 2>/dev/null | grep -c 'IP 10\.77\.1\.3 > 10\.77\.1\.1: ICMP echo reply')"
wait_pid $cap2 5
check_eq "host:br-c (the other port, by its host name) ends after -c 4" 0 "$?"
check_eq "without -w: one summary line per packet, 2 requests a -> c" 2 \
	"$(grep -cE '^[0-9:.]+ 98 IP 10\.77\.1\.1 > 10\.77\.1\.3: ICMP echo request' "$T/portc.out")"
check_eq "... and 2 replies c -> a" 2 \
	"$(grep -cE '^[0-9:.]+ 98 IP 10\.77\.1\.3 > 10\.77\.1\.1: ICMP echo reply' "$T/portc.out")"
# The other link does not cross the bridge.
check_eq "br-a saw nothing of the a <-> b link" 0 "$(count_in "$T/port.pcap" host 10.77.0.2)"

# --- 5. SIGINT and SIGTERM: count line, dropped counts, a valid file --------
for sig in INT TERM; do
	"$NSLAB" capture -t "$F" a:eth1 -w "$T/sig.pcap" 2>"$T/sig.err" &
	cap=$!
	wait_ready "$T/sig.err"
	in_ns "$A" ping -n -q -c 3 -i 0.2 10.77.0.2 >/dev/null
	wait_count "$T/sig.pcap" 6 icmp
	kill -$sig $cap
	wait_pid $cap 5
	check_eq "SIG$sig ends the capture with exit 0" 0 "$?"
	n=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$T/sig.err")
	check_match "SIG$sig: 'N packets captured' with N >= 6" '^([6-9]|[1-9][0-9]+)$' "$n"
	check_eq "SIG$sig: tcpdump -r reads exactly N packets from the file" "$n" "$(count_in "$T/sig.pcap")"
	check_match "SIG$sig: the kernel's drop count is reported" '^0 packets dropped by kernel$' \
		"$(cat "$T/sig.err")"
done

# --- 6. errors -------------------------------------------------------------
run_nslab capture -t "$F" a:eth9 -c 1
check_eq "unknown interface: exit 1" 1 "$RC"
check_match "... names the node and lists its interfaces" \
	"^nslab: node 'a' has no interface 'eth9' in the file \(it has: eth1, eth2, lo\)$" "$ERR"
run_nslab capture -t "$F" zz:eth1 -c 1
check_eq "unknown node: exit 1" 1 "$RC"
check_match "... names it and lists the nodes" "^nslab: no node 'zz' in lab 'cap' \(nodes: a, b, c, br\)" "$ERR"
run_nslab capture -t "$F" a -c 1
check_eq "no NODE:IFACE form: usage error, exit 2" 2 "$RC"
check_match "... says NODE:IFACE" "NODE:IFACE" "$ERR"
run_nslab capture -t "$F" a:eth1 --filter 'icmp and and' -c 1
check_eq "bad filter: usage error, exit 2" 2 "$RC"
check_match "... with pcap's own text" "^nslab: bad filter 'icmp and and': .*syntax error" "$ERR"
run_nslab capture -t "$F" a:eth1 -c 0
check_eq "-c 0: usage error, exit 2" 2 "$RC"
run_nslab capture --name nosuchlab a:eth1 -c 1
check_eq "lab not deployed: exit 1" 1 "$RC"
check_match "... says so" "^nslab: lab 'nosuchlab' is not deployed" "$ERR"
ip -n "$(nsname cap b)" link del eth1 # both ends go: the file names a device that is gone
run_nslab capture -t "$F" a:eth1 -c 1
check_eq "a device gone from the kernel: exit 1" 1 "$RC"
check_match "... names the interface, the namespace and pcap's reason" \
	"^nslab: a:eth1: cannot capture on 'eth1' in $A: .*(No such device|doesn't exist)" "$ERR"
run_nslab capture -t "$F" a:eth1 -c 1 -w "$T/gone.pcap"
check_eq "... also with -w: exit 1" 1 "$RC"
check_fail "... and no capture file is created" test -e "$T/gone.pcap"
check_match "nslab help lists capture" '^  capture ' "$("$NSLAB" help)"
check_exit 0 "nslab capture --help exits 0" "$NSLAB" capture --help

run_nslab destroy -q -t "$F"
check_eq "destroy exits 0" 0 "$RC" || diag "$ERR"
# --- 7. libpcap is nslab-capture's alone --------------------------------------
check_no_match "nslab itself does not load libpcap (only nslab-capture does)" 'libpcap' "$(ldd "$NSLAB")"
check_match "nslab-capture, beside nslab, does" 'libpcap' "$(ldd "$(dirname "$NSLAB")/nslab-capture")"
if [ -e /usr/local/libexec/nslab/nslab-capture ]; then
	diag "SKIP: an installed nslab-capture exists, so a lone nslab would find it"
else
	mkdir "$T/solo"
	cp "$NSLAB" "$T/solo/nslab"
	run_nslab_at() { OUT=$("$@" 2>"$T/solo.err"); RC=$?; ERR=$(cat "$T/solo.err"); }
	run_nslab_at "$T/solo/nslab" capture -t "$F" a:eth1 -c 1
	check_eq "a lone nslab (no nslab-capture beside it or installed): capture exits 1" 1 "$RC"
	check_match "... saying what is missing and how to get it" \
		"^nslab: capture needs nslab-capture, which is neither beside this nslab nor in .*make install" \
		"$(tr '\n' ' ' <<<"$ERR")"
	run_nslab_at "$T/solo/nslab" version
	check_match "... and its version says libpcap is unknown" '^libpcap unknown \(nslab-capture not found\)$' "$OUT"
fi

assert_clean "$T/before"
done_testing
