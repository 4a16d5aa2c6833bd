#!/bin/bash
# "Port forwarding to the outside world" (spec/topology.md: ports, networks):
# ns1 on 10.10.10.0/24 publishes 80:80, ns2 on 10.11.11.0/24 publishes
# 25565:25565. From "another machine" (namespace lan1 behind veth lan1-h,
# 192.168.77.0/24) each host port reaches its node, which sees the real client
# address; from the host itself 127.0.0.1 and the host's own addresses work;
# no process listens on the host (DNAT, no userland proxy); networks are
# isolated from each other; destroy leaves the host as it was.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
. "$TESTS_DIR/fixtures/net_scenarios.sh"
require_nslab
net_world
scenario_ports
done_testing
