// SPDX-License-Identifier: LGPL-2.1-or-later
/* Named network namespaces under /run/netns, interoperable with `ip netns`. */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "nslab/netns.h"
#include "util.h"

static int netns_path(const char *name, char *buf, size_t size, struct nslab_error *err)
{
	int n;

	if (strchr(name, '/'))
		n = snprintf(buf, size, "%s", name);
	else
		n = snprintf(buf, size, "%s/%s", NSLAB_NETNS_DIR, name);
	if (n < 0 || (size_t)n >= size)
		return nslab_err(err, ENAMETOOLONG, "netns name '%.40s...' is too long", name);
	return 0;
}

int nslab_netns_prepare(struct nslab_error *err)
{
	static bool done;

	if (done)
		return 0;
	if (mkdir(NSLAB_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", NSLAB_NETNS_DIR);
	/*
	 * As iproute2: make /run/netns a shared mount point so that the bind
	 * mounts pinning namespaces propagate into mount namespaces made later
	 * (ip netns exec) and their removal propagates too.  If it is not a
	 * mount point yet (EINVAL), bind it onto itself first.
	 */
	while (mount("", NSLAB_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL)
			return nslab_err_sys(err, errno, "cannot make %s a shared mount",
					     NSLAB_NETNS_DIR);
		if (mount(NSLAB_NETNS_DIR, NSLAB_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return nslab_err_sys(err, errno, "cannot bind-mount %s", NSLAB_NETNS_DIR);
	}
	done = true;
	return 0;
}

int nslab_netns_enter(int fd, struct nslab_error *err)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return nslab_err_sys(err, errno, "setns");
	return 0;
}

int nslab_netns_create(const char *name, int home_fd, nslab_netns_inside_fn inside, void *data,
		       int *ret_fd, struct nslab_error *err)
{
	_cleanup_close_ int own = -1, fd = -1;
	char path[PATH_MAX];
	int r, pin, orig = home_fd;

	r = netns_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	if (orig < 0) {
		orig = own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (orig < 0)
			return nslab_err_sys(err, errno, "cannot open /proc/thread-self/ns/net");
	}
	pin = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (pin < 0)
		return nslab_err_sys(err, errno, "cannot create %s", path);
	close(pin);

	/* unshare() affects the calling thread only; we go back with setns(). */
	if (unshare(CLONE_NEWNET) < 0) {
		r = nslab_err_sys(err, errno, "cannot create netns '%s'", name);
		unlink(path);
		return r;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		r = nslab_err_sys(err, errno, "cannot pin netns '%s' on %s", name, path);
		goto fail;
	}
	if (ret_fd) {
		fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = nslab_err_sys(err, errno, "cannot open netns '%s'", name);
			goto fail;
		}
	}
	if (inside) {
		r = inside(data, err);
		if (r < 0)
			goto fail;
	}
	if (setns(orig, CLONE_NEWNET) < 0)
		return nslab_err_sys(err, errno, "cannot return from netns '%s'", name);
	if (ret_fd)
		*ret_fd = TAKE_FD(fd);
	return 0;
fail:
	if (setns(orig, CLONE_NEWNET) < 0)
		return nslab_err_sys(err, errno, "cannot return from netns '%s'", name);
	umount2(path, MNT_DETACH);
	unlink(path);
	return r;
}

int nslab_netns_attach(const char *name, const char *src, int *ret_fd, struct nslab_error *err)
{
	char path[PATH_MAX];
	int r, pin;

	r = netns_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	pin = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (pin < 0)
		return nslab_err_sys(err, errno, "cannot create %s", path);
	close(pin);
	if (mount(src, path, "none", MS_BIND, NULL) < 0) {
		r = nslab_err_sys(err, errno, "cannot pin %s on %s", src, path);
		unlink(path);
		return r;
	}
	if (ret_fd) {
		r = nslab_netns_open(name, ret_fd, err);
		if (r < 0) {
			umount2(path, MNT_DETACH);
			unlink(path);
			return r;
		}
	}
	return 0;
}

int nslab_netns_open(const char *name, int *ret_fd, struct nslab_error *err)
{
	char path[PATH_MAX];
	int r, fd;

	r = netns_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_err_sys(err, errno, "cannot open netns '%s'", name);
	*ret_fd = fd;
	return 0;
}

bool nslab_netns_exists(const char *name)
{
	char path[PATH_MAX];

	if (netns_path(name, path, sizeof(path), NULL) < 0)
		return false;
	return access(path, F_OK) == 0;
}

int nslab_netns_unpin(const char *name, struct nslab_error *err)
{
	char path[PATH_MAX];
	int r;

	r = netns_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	/* EINVAL: not a mount point (a deploy killed before the bind mount). */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return nslab_err_sys(err, errno, "cannot unmount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return nslab_err_sys(err, errno, "cannot remove %s", path);
	return 0;
}
