// SPDX-License-Identifier: LGPL-2.1-or-later
/* Multi-host labs on one machine: whose share of a lab is deployed here (the journal's "host" line). */
#include <stdio.h>

#include "nslab/lab.h"
#include "nslab/state.h"
#include "util.h"

static int host_cb(const char *kind, const char *name, void *data)
{
	char **host = data;

	if (!streq(kind, "host"))
		return 0;
	free(*host);
	*host = strdup(name);
	return *host ? 0 : -ENOMEM;
}

int nslab_lab_host(const char *name, char **ret_host, struct nslab_error *err)
{
	struct nslab_state *st = NULL;
	char *host = NULL;
	int r;

	r = nslab_state_open(name, &st, err);
	if (r < 0)
		return r;
	r = nslab_state_read_journal(st, host_cb, &host, err);
	nslab_state_close(st);
	if (r < 0) {
		free(host);
		return r;
	}
	*ret_host = host;
	return 0;
}
