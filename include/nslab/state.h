/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A deployed lab's state: /run/nslab/<lab>/ with its topology, journal and lock. */
#ifndef NSLAB_STATE_H
#define NSLAB_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "nslab/error.h"

struct nslab_state;

/* $NSLAB_RUNDIR, else /run/nslab. */
const char *nslab_state_rundir(void);

/**
 * nslab_state_create() - claim the lab name and lock it
 * @text, @len:	the expanded topology, kept as <dir>/topology.yml so a
 *		deployed lab can be read back without the file
 *
 * Return -EEXIST when a lab of that name is deployed (or a deploy of it was
 * interrupted).  On success *@ret belongs to the caller (nslab_state_close()).
 */
int nslab_state_create(const char *lab, const char *text, size_t len, struct nslab_state **ret,
		       struct nslab_error *err);

/**
 * nslab_state_open() - open a deployed lab's state and take its lock
 * (waits for a deploy or destroy of the same lab running now).
 * Return -ENOENT when there is no such lab.
 */
int nslab_state_open(const char *lab, struct nslab_state **ret, struct nslab_error *err);

void nslab_state_close(struct nslab_state *st);

/**
 * nslab_state_journal() - append one line ("netns NAME", "link NAME" …) to
 * the journal.  Called *before* the kernel change it announces, so a deploy
 * killed at any point leaves a journal that names everything it made.
 */
int nslab_state_journal(struct nslab_state *st, const char *kind, const char *name,
			struct nslab_error *err);

/* Called for each journal line; return < 0 to stop. */
typedef int (*nslab_journal_cb)(const char *kind, const char *name, void *data);

int nslab_state_read_journal(struct nslab_state *st, nslab_journal_cb cb, void *data,
			     struct nslab_error *err);

/* Read the kept topology; *@ret_text is the caller's (free()). */
int nslab_state_read_topology(struct nslab_state *st, char **ret_text, size_t *ret_len,
			      struct nslab_error *err);

/* Path of the kept topology file (borrowed from @st). */
const char *nslab_state_topology_path(const struct nslab_state *st);

/* Remove the lab's state directory; @st stays to be closed. */
int nslab_state_remove(struct nslab_state *st, struct nslab_error *err);

/*
 * nslab_state_peek_topology() - lab @lab's topology text without taking its
 * lock (the file is replaced atomically, so a read sees a whole one): for
 * checks that run while holding a lock of their own, where waiting for
 * another lab's could deadlock.  -ENOENT while the lab is being claimed.
 */
int nslab_state_peek_topology(const char *lab, char **ret_text, size_t *ret_len,
			      struct nslab_error *err);

/* Names of the deployed labs (sorted); free with nslab_strv_free(). */
int nslab_state_list(char ***ret_names, size_t *ret_n, struct nslab_error *err);

void nslab_strv_free(char **v, size_t n);

/*
 * The names in directory @dir but those starting with '.', sorted; an absent
 * @dir has none.  Free with nslab_strv_free().
 */
int nslab_dir_names(const char *dir, char ***ret_names, size_t *ret_n, struct nslab_error *err);

#endif
