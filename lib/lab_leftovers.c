// SPDX-License-Identifier: LGPL-2.1-or-later
/* Processes left inside a lab's namespaces at destroy: found by namespace, stopped. */
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "nslab/netns.h"
#include "lab_internal.h"
#include "util.h"

struct nsid {
	dev_t dev;
	ino_t ino;
};

static int cmp_nsid(const void *a, const void *b)
{
	const struct nsid *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Signal every process whose network namespace is in @ids; return how many. */
static size_t signal_inside(const struct nsid *ids, size_t n, int sig)
{
	char path[64];
	struct dirent *e;
	size_t found = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct nsid key;
		struct stat st;
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		/* stat follows the magic link to the namespace's nsfs inode; a
		 * zombie's fails (it holds no namespace any more). */
		if (stat(path, &st) < 0)
			continue;
		key = (struct nsid){ .dev = st.st_dev, .ino = st.st_ino };
		if (!bsearch(&key, ids, n, sizeof(*ids), cmp_nsid))
			continue;
		found++;
		kill(pid, sig);
	}
	closedir(d);
	return found;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool listed(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

int lab_kill_leftovers(char *const *netns, size_t n, char *const *adopted, size_t n_adopted)
{
	struct nsid *ids = calloc(n ? n : 1, sizeof(*ids));
	size_t k = 0;

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		/* An adopted namespace is someone else's, with its processes. */
		if (listed(adopted, n_adopted, netns[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", NSLAB_NETNS_DIR, netns[i]);
		if (stat(path, &st) == 0)
			ids[k++] = (struct nsid){ .dev = st.st_dev, .ino = st.st_ino };
	}
	if (k) {
		qsort(ids, k, sizeof(*ids), cmp_nsid);
		/* SIGTERM, a second to go, then SIGKILL and a second to be reaped. */
		if (signal_inside(ids, k, SIGTERM)) {
			int t;

			for (t = 0; t < 20 && signal_inside(ids, k, 0); t++)
				sleep_ms(50);
			for (t = 0; t < 20 && signal_inside(ids, k, SIGKILL); t++)
				sleep_ms(50);
		}
	}
	free(ids);
	return 0;
}
