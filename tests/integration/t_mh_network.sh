#!/bin/bash
# Issue 6, acceptance 3: a Docker-style network stretched over two machines.
# web1 and web2 on host a, db on host b: each machine deploys its share of
# one file and the addresses come out distinct without any coordination
# (IPAM is a function of the file); every node reaches the others by name
# (the hosts files list the remote members), and each machine's copy of the
# gateway answers with the same MAC.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/hosts_lib.sh"
require_nslab
trap hosts_down_all EXIT

two_machines
put_lab A B <<'Y'
name: net
hosts:
  a: {address: 192.168.0.1}
  b: {address: 192.168.0.2}
networks:
  app: {subnet: 172.30.7.0/24}
topology:
  nodes:
    web1: {host: a, networks: [app]}
    web2: {host: a, networks: [app]}
    db: {host: b, networks: [app]}
Y
check "A: deploy --host a" on_host A "$NSLAB" deploy -q --host a -t /tmp/lab.yml
check "B: deploy --host b" on_host B "$NSLAB" deploy -q --host b -t /tmp/lab.yml
addr() { on_host "$1" ip -n "nslab-net-$2" -4 -o addr show eth1 | awk '{print $4}'; }
W1=$(addr A web1)
W2=$(addr A web2)
DB=$(addr B db)
diag "web1 $W1, web2 $W2, db $DB"
check_match "web1 has an address of the subnet" '^172\.30\.7\.[0-9]+/24$' "$W1"
check_match "db (the other machine) has one too" '^172\.30\.7\.[0-9]+/24$' "$DB"
check_eq "three distinct addresses, chosen apart" 3 "$(printf '%s\n' "$W1" "$W2" "$DB" | sort -u | wc -l)"
check_eq "db's is the one every machine computes from the file" "172.30.7.4/24" "$DB"
check_match "A: web1's hosts file names db (on b)" "^${DB%/*}[[:space:]]+db\$" \
	"$(on_host A cat /etc/netns/nslab-net-web1/hosts)"
check_match "B: db's hosts file names web2 (on a)" "^${W2%/*}[[:space:]]+web2\$" \
	"$(on_host B cat /etc/netns/nslab-net-db/hosts)"
check "web1 (a) pings db (b) by name" on_host A "$NSLAB" exec --name net web1 -- ping -c1 -W2 db
check "db (b) pings web2 (a) by name" on_host B "$NSLAB" exec --name net db -- ping -c1 -W2 web2
check "web1 pings web2 (same machine)" on_host A "$NSLAB" exec --name net web1 -- ping -c1 -W2 web2
BR=$(on_host A ip -o link show type bridge | awk -F': ' '{print $2}')
MA=$(on_host A cat "/sys/class/net/$BR/address")
MB=$(on_host B cat "/sys/class/net/$BR/address")
check_eq "the gateway's MAC is the same on both machines ($MA)" "$MA" "$MB"
check "db reaches its gateway (its own machine's)" on_host B "$NSLAB" exec --name net db -- ping -c1 -W2 172.30.7.1
check_match "the network's bridge has a tunnel port to b" 'nsx' "$(on_host A bridge link show master "$BR")"
check "A: destroy" on_host A "$NSLAB" destroy -q --name net --host a
check "B: destroy" on_host B "$NSLAB" destroy -q --name net --host b
for h in A B; do
	check_eq "$h: nothing left" "" "$(on_host $h ip netns list; on_host $h ip -o link show type vxlan; on_host $h ip -o link show type bridge)"
done
done_testing
