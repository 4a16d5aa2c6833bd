// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lab state under /run/nslab/<lab>/: kept topology, append-only journal, lock. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "nslab/state.h"
#include "util.h"

struct nslab_state {
	char dir[PATH_MAX];
	char topo[PATH_MAX];
	int dirfd;
	int journal;
};

const char *nslab_state_rundir(void)
{
	const char *d = getenv("NSLAB_RUNDIR");

	return d && *d ? d : "/run/nslab";
}

static int state_new(const char *lab, struct nslab_state **ret, struct nslab_error *err)
{
	struct nslab_state *st = calloc(1, sizeof(*st));

	if (!st)
		return nslab_err(err, ENOMEM, "out of memory");
	st->dirfd = -1;
	st->journal = -1;
	snprintf(st->dir, sizeof(st->dir), "%s/%s", nslab_state_rundir(), lab);
	snprintf(st->topo, sizeof(st->topo), "%s/topology.yml", st->dir);
	*ret = st;
	return 0;
}

void nslab_state_close(struct nslab_state *st)
{
	if (!st)
		return;
	if (st->journal >= 0)
		close(st->journal);
	if (st->dirfd >= 0)
		close(st->dirfd); /* releases the flock */
	free(st);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Write @path atomically: a temp file beside it, then rename. */
static int write_atomic(const char *path, const char *buf, size_t len, struct nslab_error *err)
{
	char tmp[PATH_MAX + 8];
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nslab_err_sys(err, errno, "cannot write %s", tmp);
	r = write_all(fd, buf, len);
	if (r < 0) {
		unlink(tmp);
		return nslab_err_sys(err, r, "cannot write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		r = nslab_err_sys(err, errno, "cannot rename %s", tmp);
		unlink(tmp);
		return r;
	}
	return 0;
}

int nslab_state_create(const char *lab, const char *text, size_t len, struct nslab_state **ret,
		       struct nslab_error *err)
{
	struct nslab_state *st = NULL;
	char jpath[PATH_MAX + 16];
	int r;

	if (mkdir(nslab_state_rundir(), 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", nslab_state_rundir());
	r = state_new(lab, &st, err);
	if (r < 0)
		return r;
	/* mkdir is the atomic claim of the name: two deploys cannot both win. */
	if (mkdir(st->dir, 0755) < 0) {
		r = -errno;
		nslab_state_close(st);
		if (r == -EEXIST)
			return nslab_err(err, EEXIST, "lab '%s' is already deployed", lab);
		return nslab_err_sys(err, r, "cannot create %s/%s", nslab_state_rundir(), lab);
	}
	st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0 || flock(st->dirfd, LOCK_EX) < 0) {
		r = nslab_err_sys(err, errno, "cannot lock %s", st->dir);
		goto fail;
	}
	snprintf(jpath, sizeof(jpath), "%s/journal", st->dir);
	st->journal = open(jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (st->journal < 0) {
		r = nslab_err_sys(err, errno, "cannot create %s", jpath);
		goto fail;
	}
	r = write_atomic(st->topo, text, len, err);
	if (r < 0)
		goto fail;
	*ret = st;
	return 0;
fail:
	unlink(jpath);
	rmdir(st->dir);
	nslab_state_close(st);
	return r;
}

int nslab_state_open(const char *lab, struct nslab_state **ret, struct nslab_error *err)
{
	struct nslab_state *st = NULL;
	char jpath[PATH_MAX + 16];
	struct stat s;
	int r;

	r = state_new(lab, &st, err);
	if (r < 0)
		return r;
	st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		r = -errno;
		nslab_state_close(st);
		if (r == -ENOENT)
			return nslab_err(err, ENOENT, "no lab '%s' is deployed", lab);
		return nslab_err_sys(err, r, "cannot open %s/%s", nslab_state_rundir(), lab);
	}
	if (flock(st->dirfd, LOCK_EX) < 0) {
		r = nslab_err_sys(err, errno, "cannot lock %s", st->dir);
		nslab_state_close(st);
		return r;
	}
	/* A destroy that held the lock before us may have removed the lab. */
	if (fstat(st->dirfd, &s) < 0 || s.st_nlink == 0) {
		nslab_state_close(st);
		return nslab_err(err, ENOENT, "no lab '%s' is deployed", lab);
	}
	snprintf(jpath, sizeof(jpath), "%s/journal", st->dir);
	st->journal = open(jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (st->journal < 0) {
		r = nslab_err_sys(err, errno, "cannot open %s", jpath);
		nslab_state_close(st);
		return r;
	}
	*ret = st;
	return 0;
}

int nslab_state_journal(struct nslab_state *st, const char *kind, const char *name,
			struct nslab_error *err)
{
	char line[PATH_MAX];
	int n, r;

	n = snprintf(line, sizeof(line), "%s %s\n", kind, name);
	if (n < 0 || (size_t)n >= sizeof(line))
		return nslab_err(err, ENAMETOOLONG, "journal line too long");
	/* One write() of one line with O_APPEND: a kill leaves whole lines. */
	r = write_all(st->journal, line, n);
	if (r < 0)
		return nslab_err_sys(err, r, "cannot write the journal of %s", st->dir);
	return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len, struct nslab_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 0;
	char *buf = NULL;

	if (fd < 0)
		return nslab_err_sys(err, errno, "cannot read %s", path);
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return nslab_err(err, ENOMEM, "out of memory");
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return nslab_err_sys(err, errno, "cannot read %s", path);
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

int nslab_state_read_journal(struct nslab_state *st, nslab_journal_cb cb, void *data,
			     struct nslab_error *err)
{
	char jpath[PATH_MAX + 16];
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	size_t len;
	int r;

	snprintf(jpath, sizeof(jpath), "%s/journal", st->dir);
	r = read_file(jpath, &buf, &len, err);
	if (r < 0)
		return r;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		r = cb(line, sp + 1, data);
		if (r < 0)
			return r;
	}
	return 0;
}

int nslab_state_read_topology(struct nslab_state *st, char **ret_text, size_t *ret_len,
			      struct nslab_error *err)
{
	return read_file(st->topo, ret_text, ret_len, err);
}

int nslab_state_peek_topology(const char *lab, char **ret_text, size_t *ret_len,
			      struct nslab_error *err)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/topology.yml", nslab_state_rundir(), lab) >=
	    sizeof(path))
		return nslab_err(err, ENAMETOOLONG, "lab name too long");
	return read_file(path, ret_text, ret_len, err);
}

const char *nslab_state_topology_path(const struct nslab_state *st)
{
	return st->topo;
}

static void remove_subdir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (!streq(e->d_name, ".") && !streq(e->d_name, ".."))
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

int nslab_state_remove(struct nslab_state *st, struct nslab_error *err)
{
	struct dirent *e;
	DIR *d;
	int fd;

	fd = dup(st->dirfd);
	if (fd < 0)
		return nslab_err_sys(err, errno, "dup");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return nslab_err_sys(err, errno, "cannot list %s", st->dir);
	}
	while ((e = readdir(d))) {
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		/* One level of subdirectories (services/) holds only files. */
		if (unlinkat(st->dirfd, e->d_name, 0) < 0 && errno == EISDIR)
			remove_subdir(st->dirfd, e->d_name);
	}
	closedir(d);
	if (rmdir(st->dir) < 0 && errno != ENOENT)
		return nslab_err_sys(err, errno, "cannot remove %s", st->dir);
	return 0;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nslab_dir_names(const char *dir, char ***ret_names, size_t *ret_n, struct nslab_error *err)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			return nslab_err_sys(err, errno, "cannot list %s", dir);
	} else {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (GROW(v, cap, n + 1) < 0 || !(v[n] = strdup(e->d_name))) {
				closedir(d);
				nslab_strv_free(v, n);
				return nslab_err(err, ENOMEM, "out of memory");
			}
			n++;
		}
		closedir(d);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmpstr);
	*ret_names = v;
	*ret_n = n;
	return 0;
}

int nslab_state_list(char ***ret_names, size_t *ret_n, struct nslab_error *err)
{
	return nslab_dir_names(nslab_state_rundir(), ret_names, ret_n, err);
}

void nslab_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
