// SPDX-License-Identifier: LGPL-2.1-or-later
/* sysctl reads and writes through /proc/sys, in the calling thread's netns. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>

#include "nslab/sysctl.h"
#include "util.h"

/* Where a per-device key's device name starts, or NULL (all/default count too). */
static const char *device_part(const char *key)
{
	static const char *const dirs[] = { "net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.",
					    "net.ipv6.neigh.", "net.mpls.conf." };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (strncmp(key, dirs[i], strlen(dirs[i])) == 0)
			return key + strlen(dirs[i]);
	return NULL;
}

int nslab_sysctl_to_path(const char *key, char *buf, size_t size)
{
	const char *dev = device_part(key);
	const char *leaf = dev ? strrchr(dev, '.') : NULL;

	if (strlen(key) >= size || strstr(key, "..") || key[0] == '/' || key[0] == '.')
		return -EINVAL;
	strcpy(buf, key);
	/*
	 * Dots separate levels, but the device of a per-device key is
	 * everything between its directory and the last dot: interface names
	 * may hold dots (eth1.100), and no leaf name does.
	 */
	for (char *p = buf; *p; p++) {
		size_t off = (size_t)(p - buf);

		if (*p == '.' &&
		    !(leaf && off >= (size_t)(dev - key) && off < (size_t)(leaf - key)))
			*p = '/';
	}
	return 0;
}

static int sysctl_path(const char *key, char *buf, size_t size, struct nslab_error *err)
{
	int n = snprintf(buf, size, "/proc/sys/");

	if (n < 0 || (size_t)n >= size || nslab_sysctl_to_path(key, buf + n, size - (size_t)n) < 0)
		return nslab_err(err, EINVAL, "invalid sysctl name '%s'", key);
	return 0;
}

static int write_value(int fd, const char *key, const char *value, struct nslab_error *err)
{
	size_t len = strlen(value);
	ssize_t n;

	n = write(fd, value, len);
	if (n < 0)
		return nslab_err_sys(err, errno, "sysctl %s=%s", key, value);
	if ((size_t)n != len)
		return nslab_err(err, EIO, "sysctl %s=%s: short write", key, value);
	return 0;
}

/* One read of a sysctl's value, trailing newline removed. */
static int read_value(int fd, const char *key, char *buf, size_t size, struct nslab_error *err)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n < 0)
		return nslab_err_sys(err, errno, "sysctl %s", key);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int nslab_sysctl_write(const char *key, const char *value, struct nslab_error *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	r = sysctl_path(key, path, sizeof(path), err);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_err_sys(err, errno, "sysctl %s", key);
	return write_value(fd, key, value, err);
}

int nslab_sysctl_private_proc(int *ret_mnt)
{
	int fs, mnt, e;

	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		e = -errno;
		close(fs);
		return e;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	e = -errno;
	close(fs);
	if (mnt < 0)
		return e;
	*ret_mnt = mnt;
	return 0;
}

int nslab_sysctl_open_net(int proc_mnt, int *ret_fd, struct nslab_error *err)
{
	int fd = -1, own = -1;

	if (proc_mnt < 0 && nslab_sysctl_private_proc(&own) == 0)
		proc_mnt = own;
	/* An open directory keeps a detached mount alive; it goes with the fd. */
	if (proc_mnt >= 0)
		fd = openat(proc_mnt, "sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (own >= 0)
		close(own);
	/* Kernels before 5.2, or no CAP_SYS_ADMIN: the shared /proc, slower. */
	if (fd < 0)
		fd = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nslab_err_sys(err, errno, "cannot open /proc/sys/net");
	*ret_fd = fd;
	return 0;
}

/* Open a "net." sysctl relative to @net_fd (sys/net of some procfs instance). */
static int open_at(int net_fd, const char *key, int flags, struct nslab_error *err)
{
	char path[PATH_MAX];
	int fd, r;

	if (strncmp(key, "net.", 4) != 0)
		return nslab_err(err, EINVAL, "sysctl %s is not a net.* sysctl", key);
	r = sysctl_path(key, path, sizeof(path), err);
	if (r < 0)
		return r;
	/* sysctl_path() made it "/proc/sys/net/..."; we want it relative to net/. */
	fd = openat(net_fd, path + strlen("/proc/sys/net/"), flags | O_CLOEXEC);
	if (fd < 0)
		return nslab_err_sys(err, errno, "sysctl %s", key);
	return fd;
}

int nslab_sysctl_read_at(int net_fd, const char *key, char *buf, size_t size,
			 struct nslab_error *err)
{
	_cleanup_close_ int fd = open_at(net_fd, key, O_RDONLY, err);

	if (fd < 0)
		return fd;
	return read_value(fd, key, buf, size, err);
}

int nslab_sysctl_write_at(int net_fd, const char *key, const char *value, struct nslab_error *err)
{
	_cleanup_close_ int fd = open_at(net_fd, key, O_WRONLY, err);

	if (fd < 0)
		return fd;
	return write_value(fd, key, value, err);
}

bool nslab_sysctl_is_per_device(const char *key)
{
	const char *dev = device_part(key);
	size_t len;

	if (!dev)
		return false;
	len = strcspn(dev, ".");
	return !((len == 3 && strncmp(dev, "all", 3) == 0) ||
		 (len == 7 && strncmp(dev, "default", 7) == 0));
}

int nslab_sysctl_read(const char *key, char *buf, size_t size, struct nslab_error *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	r = sysctl_path(key, path, sizeof(path), err);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_err_sys(err, errno, "sysctl %s", key);
	return read_value(fd, key, buf, size, err);
}
