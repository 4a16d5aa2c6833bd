/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between deploy.c and destroy.c. */
#ifndef NSLAB_LAB_INTERNAL_H
#define NSLAB_LAB_INTERNAL_H

#include <stddef.h>

#include "nslab/error.h"
#include "nslab/lab.h"
#include "nslab/state.h"

/*
 * The kept topology is the text after ${VAR} expansion, in which every '$'
 * is literal; write each as "$$" so that reading it back expands to the same.
 */
int lab_escape_text(const char *text, size_t len, char **ret, size_t *ret_len);

/* Remove every kernel object the journal of @st names (the lock is held). */
int lab_undo(struct nslab_state *st, const char *lab, nslab_progress_fn progress,
	     void *progress_data, struct nslab_error *err);

#endif
