#!/bin/bash
# Outbound NAT: a node on a nat network reaches "the internet" (namespace
# inet behind the host's uplink veth, 203.0.113.0/24, with no route back to
# the lab) and arrives there with the source masqueraded to 203.0.113.1; a
# node on an internal network has no way out; with `nat: false` packets leave
# with the node's own source (so no answer comes back).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
. "$TESTS_DIR/fixtures/net_scenarios.sh"
require_nslab
net_world
scenario_nat
done_testing
