#!/bin/bash
# The Compose example of spec/topology.md (Networks): frontend (NAT) and an
# internal backend; proxy publishes 8080:80; app is on both; db has a static
# address on backend. Addresses, default routes, names, isolation (proxy and
# the internet cannot reach db, db reaches nothing outside the lab, the
# internal network has no gateway), 8080 from the host, from another machine
# and from app and proxy themselves (hairpin).
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/net_lib.sh"
. "$TESTS_DIR/fixtures/net_scenarios.sh"
require_nslab
net_world
scenario_compose
done_testing
