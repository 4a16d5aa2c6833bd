// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host sysctls shared by labs: saved once, set while any lab needs them, restored after the last. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "nslab/hostsys.h"
#include "nslab/state.h"
#include "nslab/sysctl.h"
#include "util.h"

/*
 * <rundir>/.host/<key> holds the value the host had before the first lab
 * that needed it (first line), then the labs that need it now, one a line.
 * The record is written before the sysctl is changed, so a process killed
 * in between leaves the original value on record.  A record without labs
 * (its restore failed) keeps that value until a release manages to restore
 * it.  Every change happens under flock(<rundir>/.host/lock).
 *
 * Sysctls are read and written through /proc/sys, hence in the network
 * namespace of the calling thread (net.* keys are per namespace).
 */

#define VALUE_MAX 256

struct record {
	char saved[VALUE_MAX];
	char **labs;
	size_t n, cap;
};

static void record_done(struct record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->labs[i]);
	free(rec->labs);
	*rec = (struct record){ 0 };
}

static bool key_valid(const char *key)
{
	if (!*key || key[0] == '.' || strlen(key) > NAME_MAX - 8 || !strchr(key, '.'))
		return false;
	for (const char *p = key; *p; p++)
		if (*p == '/' || *p == '\n' || (*p == '.' && p[1] == '.'))
			return false;
	return true;
}

/* Create <rundir>/.host, take its lock.  *@ret_dirfd and *@ret_lockfd are the caller's. */
static int host_lock(int *ret_dirfd, int *ret_lockfd, struct nslab_error *err)
{
	const char *rundir = nslab_state_rundir();
	char path[PATH_MAX];
	_cleanup_close_ int dfd = -1, lfd = -1;

	snprintf(path, sizeof(path), "%s/.host", rundir);
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", rundir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return nslab_err_sys(err, errno, "cannot create %s", path);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nslab_err_sys(err, errno, "cannot open %s", path);
	lfd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lfd < 0)
		return nslab_err_sys(err, errno, "cannot open %s/lock", path);
	if (flock(lfd, LOCK_EX) < 0)
		return nslab_err_sys(err, errno, "cannot lock %s/lock", path);
	*ret_dirfd = TAKE_FD(dfd);
	*ret_lockfd = TAKE_FD(lfd);
	return 0;
}

static int record_add(struct record *rec, const char *lab)
{
	if (GROW(rec->labs, rec->cap, rec->n) < 0)
		return -ENOMEM;
	rec->labs[rec->n] = strdup(lab);
	if (!rec->labs[rec->n])
		return -ENOMEM;
	rec->n++;
	return 0;
}

static bool record_has(const struct record *rec, const char *lab)
{
	for (size_t i = 0; i < rec->n; i++)
		if (streq(rec->labs[i], lab))
			return true;
	return false;
}

/* Read <key>; -ENOENT when there is no record. */
static int record_read(int dfd, const char *key, struct record *rec, struct nslab_error *err)
{
	_cleanup_close_ int fd = openat(dfd, key, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int r = 0;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : nslab_err_sys(err, errno, "cannot open .host/%s", key);
	f = fdopen(fd, "r");
	if (!f)
		return nslab_err_sys(err, errno, "cannot read .host/%s", key);
	TAKE_FD(fd);
	*rec = (struct record){ 0 };
	for (bool first = true; (n = getline(&line, &cap, f)) >= 0; first = false) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (first)
			snprintf(rec->saved, sizeof(rec->saved), "%s", line);
		else if (n > 0 && !record_has(rec, line) && record_add(rec, line) < 0)
			r = nslab_err(err, ENOMEM, "out of memory");
	}
	fclose(f);
	if (r < 0)
		record_done(rec);
	return r;
}

/* Replace <key> atomically (temp file + rename). */
static int record_write(int dfd, const char *key, const struct record *rec, struct nslab_error *err)
{
	char tmp[NAME_MAX + 1];
	_cleanup_close_ int fd = -1;
	FILE *f;
	int r = 0;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", key);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nslab_err_sys(err, errno, "cannot create .host/%s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		r = nslab_err_sys(err, errno, "cannot write .host/%s", tmp);
		unlinkat(dfd, tmp, 0);
		return r;
	}
	TAKE_FD(fd);
	fprintf(f, "%s\n", rec->saved);
	for (size_t i = 0; i < rec->n; i++)
		fprintf(f, "%s\n", rec->labs[i]);
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, key) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		return nslab_err_sys(err, r, "cannot write .host/%s", key);
	}
	return 0;
}

int nslab_hostsys_need(const char *lab, const char *key, const char *value, struct nslab_error *err)
{
	_cleanup_close_ int dfd = -1, lfd = -1;
	struct record rec = { 0 };
	char cur[VALUE_MAX];
	bool created = false;
	int r;

	if (!key_valid(key))
		return nslab_err(err, EINVAL, "invalid sysctl name '%s'", key);
	r = host_lock(&dfd, &lfd, err);
	if (r < 0)
		return r;
	r = nslab_sysctl_read(key, cur, sizeof(cur), err);
	if (r < 0)
		return r;
	r = record_read(dfd, key, &rec, err);
	if (r == -ENOENT) {
		/* First lab: the current value is the host's own, to restore later. */
		snprintf(rec.saved, sizeof(rec.saved), "%s", cur);
		created = true;
		r = 0;
	}
	if (r < 0)
		return r;
	if (!record_has(&rec, lab)) {
		if (record_add(&rec, lab) < 0) {
			record_done(&rec);
			return nslab_err(err, ENOMEM, "out of memory");
		}
		r = record_write(dfd, key, &rec, err);
		if (r < 0) {
			record_done(&rec);
			return r;
		}
	}
	if (!streq(cur, value)) {
		r = nslab_sysctl_write(key, value, err);
		if (r < 0) {
			/* Undo our line, so that the record does not claim a setting that failed. */
			rec.n--;
			free(rec.labs[rec.n]);
			if (created)
				unlinkat(dfd, key, 0);
			else
				record_write(dfd, key, &rec, NULL);
		}
	}
	record_done(&rec);
	return r;
}

/* Take @lab off <key>'s record; restore and forget it when no lab is left. */
static int release_one(int dfd, const char *key, const char *lab, struct nslab_error *err)
{
	struct record rec;
	size_t j = 0;
	int r;

	r = record_read(dfd, key, &rec, err);
	if (r == -ENOENT)
		return 0; /* a concurrent release got it, or not a record */
	if (r < 0)
		return r;
	for (size_t i = 0; i < rec.n; i++) {
		if (streq(rec.labs[i], lab))
			free(rec.labs[i]);
		else
			rec.labs[j++] = rec.labs[i];
	}
	if (j == rec.n && j > 0) {
		record_done(&rec);
		return 0; /* not ours */
	}
	rec.n = j;
	if (rec.n > 0) {
		r = record_write(dfd, key, &rec, err);
	} else {
		char cur[VALUE_MAX];

		/* Write back only what differs: a value already right is left untouched. */
		r = nslab_sysctl_read(key, cur, sizeof(cur), err);
		if (r >= 0 && !streq(cur, rec.saved))
			r = nslab_sysctl_write(key, rec.saved, err);
		if (r >= 0) {
			if (unlinkat(dfd, key, 0) < 0 && errno != ENOENT)
				r = nslab_err_sys(err, errno, "cannot remove .host/%s", key);
		} else {
			/* Keep the saved value on record (with no lab) for a later release. */
			record_write(dfd, key, &rec, NULL);
			nslab_err_prefix(err, "cannot restore host sysctl %s=%s", key, rec.saved);
		}
	}
	record_done(&rec);
	return r;
}

int nslab_hostsys_release(const char *lab, struct nslab_error *err)
{
	_cleanup_close_ int dfd = -1, lfd = -1;
	DIR *d;
	struct dirent *e;
	int dup_fd, ret = 0, r;

	r = host_lock(&dfd, &lfd, err);
	if (r < 0)
		return r;
	dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return nslab_err_sys(err, errno, "cannot list %s/.host", nslab_state_rundir());
	d = fdopendir(dup_fd);
	if (!d) {
		r = -errno;
		close(dup_fd);
		return nslab_err_sys(err, r, "cannot list %s/.host", nslab_state_rundir());
	}
	/* Every key, even after a failure: restore as much as possible; accept_ra last. */
	for (int pass = 0; pass < 2; pass++) {
		rewinddir(d);
		while ((e = readdir(d))) {
			struct nslab_error e1 = { 0 };
			bool ra = strstr(e->d_name, ".accept_ra") != NULL;

			if (e->d_name[0] == '.' || streq(e->d_name, "lock") ||
			    !key_valid(e->d_name) || ra != (pass == 1))
				continue;
			r = release_one(dfd, e->d_name, lab, &e1);
			if (r < 0 && ret == 0) {
				ret = r;
				if (err)
					*err = e1;
			}
		}
	}
	closedir(d);
	return ret;
}

bool nslab_hostsys_held(const char *key)
{
	char path[PATH_MAX];

	if (!key_valid(key))
		return false;
	snprintf(path, sizeof(path), "%s/.host/%s", nslab_state_rundir(), key);
	return access(path, F_OK) == 0;
}
