// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which lab a command works on: -t FILE, --name LAB, --all, or the directory's one file. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nslab/lab.h"
#include "nslab/state.h"
#include "util.h"

bool labsel_opt(struct labsel *sel, int c, const char *optarg_)
{
	switch (c) {
	case 't':
		sel->file = optarg_;
		return true;
	case LABSEL_OPT_NAME:
		sel->name = optarg_;
		return true;
	case LABSEL_OPT_ALL:
		sel->all = true;
		return true;
	default:
		return false;
	}
}

static bool topo_suffix(const char *name)
{
	static const char *const sfx[] = { ".nslab.yml", ".nslab.yaml", ".clab.yml", ".clab.yaml" };
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		size_t l = strlen(sfx[i]);

		if (len > l && streq(name + len - l, sfx[i]))
			return true;
	}
	return false;
}

int labsel_find(const char **ret_path)
{
	static char found[512];
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir(".");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!topo_suffix(e->d_name))
			continue;
		if (n++ == 0)
			snprintf(found, sizeof(found), "%s", e->d_name);
	}
	closedir(d);
	*ret_path = found;
	return n;
}

int labsel_file(const struct labsel *sel, const char **ret_path)
{
	int n;

	if (sel->file) {
		*ret_path = sel->file;
		return 0;
	}
	n = labsel_find(ret_path);
	if (n < 0) {
		cli_errorf("cannot list the current directory: %s", strerror(-n));
		return n;
	}
	if (n == 1)
		return 0;
	if (n == 0)
		cli_errorf(
			"no topology file given and none (*.nslab.yml, *.clab.yml) in the current "
			"directory\nhint: use -t FILE or --name LAB");
	else
		cli_errorf(
			"%d topology files in the current directory\nhint: choose one with -t FILE",
			n);
	return -ENOENT;
}

int labsel_load_file(const struct labsel *sel, struct nslab_topo **ret)
{
	struct nslab_error err = { 0 };
	const char *path;
	int r;

	r = labsel_file(sel, &path);
	if (r < 0)
		return r;
	r = nslab_topo_load(path, ret, &err);
	if (r < 0) {
		cli_error(&err);
		return r;
	}
	return 0;
}

int labsel_names(const struct labsel *sel, char ***ret_names, size_t *ret_n)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *topo = NULL;
	char **v;
	int r;

	if (sel->all) {
		r = nslab_state_list(ret_names, ret_n, &err);
		if (r < 0)
			cli_error(&err);
		return r;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (sel->name) {
		v[0] = strdup(sel->name);
	} else {
		r = labsel_load_file(sel, &topo);
		if (r < 0) {
			free(v);
			return r;
		}
		v[0] = strdup(topo->name);
		nslab_topo_free(topo);
	}
	if (!v[0]) {
		free(v);
		return -ENOMEM;
	}
	*ret_names = v;
	*ret_n = 1;
	return 0;
}

int labsel_load_deployed(const struct labsel *sel, struct nslab_topo **ret)
{
	struct nslab_error err = { 0 };
	char **names = NULL;
	size_t n = 0;
	int r;

	r = labsel_names(sel, &names, &n);
	if (r < 0)
		return r;
	if (n != 1) {
		nslab_strv_free(names, n);
		cli_errorf("choose one lab with -t FILE or --name LAB");
		return -EINVAL;
	}
	r = nslab_lab_load(names[0], ret, &err);
	if (r == -ENOENT)
		cli_errorf("lab '%s' is not deployed\nhint: nslab deploy -t FILE", names[0]);
	else if (r < 0)
		cli_error(&err);
	nslab_strv_free(names, n);
	return r;
}
