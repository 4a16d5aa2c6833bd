#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox.sh CMD [ARG...]: run CMD as root inside a throwaway sandbox that has
# its own network, mount, UTS, IPC and PID namespaces:
#   - a private tmpfs on /run (so /run/netns and /run/nslab are the sandbox's)
#     and on /tmp;
#   - /etc as a copy-on-write overlay (writes land in the sandbox's /run), and
#     an empty private /etc/netns: the host's /etc is never written, not even
#     to create /etc/netns (a host directory made and removed by one sandbox
#     would vanish under the others running in parallel);
#   - sysfs remounted for the sandbox's network namespace (as `ip netns exec`
#     does), so /sys/class/net shows the sandbox's devices only;
#   - lo up, NSLAB_RUNDIR=/run/nslab, TMPDIR=/tmp.
# When the sandbox's first process exits, the kernel kills every process left
# in it and drops the namespaces; nothing of it survives on the machine.
set -euo pipefail

if [ "${1:-}" != --inside ]; then
	[ "$(id -u)" = 0 ] || { echo "sandbox.sh: must run as root" >&2; exit 77; }
	[ $# -gt 0 ] || { echo "usage: sandbox.sh CMD [ARG...]" >&2; exit 2; }
	exec unshare --net --mount --uts --ipc --pid --fork --mount-proc --kill-child \
		--propagation private /bin/bash "$0" --inside "$@"
fi
shift

# --- inside the sandbox: everything below is invisible to the host ----------
etc_submounts=$(findmnt -n -r -o TARGET | grep "^/etc/" || true)
mount -t tmpfs -o mode=0755 nslab-sandbox-run /run
mkdir -p /run/netns /run/nslab /run/.sandbox/etc-netns /run/.sandbox/etc/upper \
	/run/.sandbox/etc/work /run/.sandbox/keep

# /etc: overlay; mounts below /etc (e.g. /etc/hosts in a container) kept.
i=0
for m in $etc_submounts; do
	i=$((i + 1))
	if [ -d "$m" ]; then mkdir "/run/.sandbox/keep/$i"; else : >"/run/.sandbox/keep/$i"; fi
	mount --bind "$m" "/run/.sandbox/keep/$i"
done
mount -t overlay nslab-sandbox-etc \
	-o lowerdir=/etc,upperdir=/run/.sandbox/etc/upper,workdir=/run/.sandbox/etc/work /etc
i=0
for m in $etc_submounts; do
	i=$((i + 1))
	mount --move "/run/.sandbox/keep/$i" "$m"
done
mkdir -p /etc/netns
mount --bind /run/.sandbox/etc-netns /etc/netns
mount -t tmpfs -o mode=1777 nslab-sandbox-tmp /tmp

# sysfs of this network namespace; keep the cgroup hierarchy visible under it.
if mountpoint -q /sys/fs/cgroup; then
	mkdir -p /run/.sandbox/cgroup
	mount --rbind /sys/fs/cgroup /run/.sandbox/cgroup
	mount -t sysfs nslab-sandbox-sys /sys
	mount --move /run/.sandbox/cgroup /sys/fs/cgroup
else
	mount -t sysfs nslab-sandbox-sys /sys
fi

hostname nslab-sandbox
ip link set lo up
export NSLAB_RUNDIR=/run/nslab TMPDIR=/tmp
exec "$@"
