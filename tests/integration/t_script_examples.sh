#!/bin/bash
# nslab script (issue 5, point 1), for every example topology in examples/:
# the output of `nslab script -t FILE`, run by /bin/sh (dash) in one fresh
# sandbox, builds the same namespaces, links, addresses, routes, qdiscs,
# sysctls, nft ruleset and hosts files as `nslab deploy -t FILE` in another
# (normalised dumps, fixtures/normdump.py); `nslab script --destroy` then
# leaves that sandbox as it was, and a second run of it still succeeds.
# The comparison can fail: a lab one address apart, and a script with one
# sysctl line taken out, both differ from deploy's dump.  Also the command
# line: help, usage errors, -t -, a user without root.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/fixtures/script_lib.sh"
require_nslab
script_work
snapshot "$T/before"

# --- the command line -------------------------------------------------------
EX=$REPO/examples
run_nslab help
check_match "nslab help lists script" '^  script ' "$OUT"
run_nslab script --help
check_eq "script --help exits 0" 0 "$RC"
check_match "script --help shows the usage" 'usage: nslab script -t FILE \[--destroy\]' "$OUT"
run_nslab script -t "$EX/bridge.clab.yml" --bogus
check_eq "an unknown option is a usage error (exit 2)" 2 "$RC"
check_match "... named in one 'nslab: ' line" "^nslab: unknown option.*'--bogus'" "$ERR"
run_nslab script --name bridge
check_eq "--name is refused: script works on a file (exit 2)" 2 "$RC"
run_nslab script -t "$EX/bridge.clab.yml" extra
check_eq "an extra argument is a usage error (exit 2)" 2 "$RC"
run_nslab script -t "$T/absent.yml"
check_eq "a missing file fails (exit 1)" 1 "$RC"
check_match "... with a message naming it" "^nslab: .*absent\.yml" "$ERR"
printf 'name: bad\ntopology:\n  nodes: {a: {kind: nope}}\n' >"$T/bad.yml"
run_nslab script -t "$T/bad.yml"
check_eq "an invalid file fails (exit 1)" 1 "$RC"
check_match "... at its file:line:col" '^nslab: .*bad\.yml:3:[0-9]+: ' "$ERR"

run_nslab script -t "$EX/two-hosts.clab.yml"
check_eq "a lab on two hosts without --host is a usage error (exit 2), as for deploy" 2 "$RC"
check_match "... which names the hosts" "^nslab: lab 'two-hosts' spans hosts a, b: .*--host NAME" "$ERR"
run_nslab script -t "$EX/two-hosts.clab.yml" --host zz
check_eq "--host naming no host of the file fails (exit 1)" 1 "$RC"
check_match "... and lists the file's hosts" "no host 'zz' in lab 'two-hosts'; its hosts are: a, b" "$ERR"

run_nslab script -t "$EX/routers.clab.yml"
check_eq "script -t FILE exits 0 without a deployed lab" 0 "$RC"
byfile=$OUT
check_eq "it starts with #!/bin/sh" '#!/bin/sh' "$(head -n 1 <<<"$byfile")"
check_eq "its first command is set -e" 'set -e' "$(grep -v '^#' <<<"$byfile" | head -n 1)"
OUT=$("$NSLAB" script -t - <"$EX/routers.clab.yml" 2>&1) || true
check_eq "-t - (standard input) gives the same script but for the file's name" \
	"$(sed 2d <<<"$byfile")" "$(sed 2d <<<"$OUT")"
check_match "... which the header names as <stdin>" '^# Lab routers, from <stdin>\.' "$(sed -n 2p <<<"$OUT")"
check_fail "nothing was deployed by it" test -e /run/nslab/routers
# a user without root: copy the file where that user can read it
chmod 755 "$W"
mkdir -m 755 "$W/pub"
cp "$EX/routers.clab.yml" "$W/pub/routers.clab.yml"
chmod 644 "$W/pub/routers.clab.yml"
OUT=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLAB" script -t "$W/pub/routers.clab.yml" 2>&1)
RC=$?
check_eq "script works without root (uid 65534)" 0 "$RC"
check_eq "... and prints the same script" "$(sed 2d <<<"$byfile")" "$(sed 2d <<<"$OUT")"

# --- every example: script in one sandbox, deploy in another ---------------
# hosts_of FILE: "NAME ADDRESS" per entry of a file's top-level `hosts:`
# (the examples write each as `  NAME: {address: ADDR}`)
hosts_of() {
	awk '/^[^ #]/ { inh = ($0 ~ /^hosts:/) }
	     inh && match($0, /^  [A-Za-z0-9_.-]+: *\{ *address: *[^ }]+/) {
		s = substr($0, 3, RLENGTH - 2); sub(/: *\{ *address: */, " ", s); print s }' "$1"
}

# A multi-host example is built once per host, each share in a sandbox whose
# underlay (fixtures/underlay_setup.sh) has that host's address.
names=()
declare -A file_of
for f in "$EX"/*.yml; do
	n=$(basename "$f")
	n=${n%%.*}
	if grep -q '^hosts:' "$f"; then
		hs=$(hosts_of "$f")
		check_match "$n: its hosts are read from the file" '^[^ ]+ [0-9]' "$hs"
		while read -r h addr; do
			[ -n "$h" ] || continue
			names+=("$n@$h")
			file_of[$n@$h]=$f
			export HOST=$h UNDERLAY=$addr/24 SETUP=$FIXTURES/underlay_setup.sh
			script_build script "$f" "$W/$n@$h.script"
			script_build deploy "$f" "$W/$n@$h.deploy"
			unset HOST UNDERLAY SETUP
		done <<<"$hs"
		continue
	fi
	names+=("$n")
	file_of[$n]=$f
	script_build script "$f" "$W/$n.script"
	script_build deploy "$f" "$W/$n.deploy"
done
# and two that must differ from deploy's dump
sed 's#10\.0\.0\.3/24#10.0.0.33/24#' "$EX/bridge.clab.yml" >"$W/bridge-variant.yml"
script_build script "$W/bridge-variant.yml" "$W/variant.script"
SCRIPT_EDIT='/sysctl -qw net\.ipv4\.ip_forward=1/d' script_build script "$EX/routers.clab.yml" "$W/tampered.script"
wait

check "there are example topologies" test "${#names[@]}" -ge 3
check "... one of them on two hosts, built as two shares" test "$(printf '%s\n' "${names[@]}" | grep -c '@')" -ge 2
for n in "${names[@]}"; do
	f=${file_of[$n]}
	script_compare "$n" "$f" "$W/$n.script" "$W/$n.deploy"
	check_eq "$n: a second teardown (nothing left) exits 0" 0 "$(cat "$W/$n.script/teardown2.rc" 2>/dev/null)" ||
		diag "$(tail -n 5 "$W/$n.script/teardown2.log" 2>/dev/null)"
	check_match "$n: the script is plain ip commands" '^ip netns add ' "$(cat "$W/$n.script/build.sh")"
done

# --- the comparison can fail --------------------------------------------------
script_norm "$W/variant.script" "$W/bridge-variant.yml"
check_eq "the variant lab (one address apart) is built by its script" 0 "$(cat "$W/variant.script/build.rc")"
d=$(diff "$W/bridge.deploy/norm" "$W/variant.script/norm")
check_match "a lab one address apart gives a different dump (the address is in the diff)" \
	'^> ns nslab-bridge-h3 addr eth1 .*10\.0\.0\.33' "$d"
check_match "... and the old address is missing from it" '^< ns nslab-bridge-h3 addr eth1 .*10\.0\.0\.3"' "$d"

script_norm "$W/tampered.script" "$EX/routers.clab.yml"
check_no_match "the tampered script really lacks r1's ip_forward" 'net\.ipv4\.ip_forward=1' \
	"$(cat "$W/tampered.script/build.sh")"
d=$(diff "$W/routers.deploy/norm" "$W/tampered.script/norm")
check_match "a script without one sysctl line gives a different dump (r1's forwarding)" \
	'^> ns nslab-routers-r1 sysctl net\.ipv4\.(ip_forward|conf\.all\.forwarding) = 0' "$d"

assert_clean "$T/before" "this sandbox untouched: every build ran in a sandbox of its own"
done_testing
