/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A lab as a POSIX shell script of plain ip, sysctl, nft and tc commands, rendered from its plan. */
#ifndef NSLAB_SCRIPT_H
#define NSLAB_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

#include "nslab/error.h"
#include "nslab/plan.h"

/*
 * The script is written to a stream the caller owns (stdout in the CLI, a
 * memstream in tests): the library opens, prints and closes nothing itself.
 */

/**
 * nslab_script_render() - the lab of @plan "recreated manually"
 * @destroy:	false: the commands that build the lab, one operation of the
 *		plan after the other, as deploy applies them; true: the teardown
 *		(processes, nftables table and FORWARD rules, host devices,
 *		namespaces, hosts files, host sysctls)
 * @f:		the caller's stream; only the script is written to it
 *
 * The script starts with `set -e` and runs unchanged with /bin/sh (dash).
 * Borrows @plan.  Return 0, or -errno: out of memory, or @f failed (-EIO).
 */
int nslab_script_render(const struct nslab_plan *plan, bool destroy, FILE *f,
			struct nslab_error *err);

/**
 * nslab_script_render_op() - the commands of one operation of @plan, each
 * on a line, with a short comment naming what they make; no step header.
 * @op need not be one of plan->ops (tests render hand-made ones), but its
 * namespace indexes must be valid in @plan.
 */
int nslab_script_render_op(const struct nslab_plan *plan, const struct nslab_op *op, FILE *f,
			   struct nslab_error *err);

/**
 * nslab_sh_quote() - write @s to @f as one word of POSIX sh: as it is when
 * it holds only characters that sh never interprets, else in single quotes,
 * each ' written as '\''.  The empty string is ''.
 */
void nslab_sh_quote(FILE *f, const char *s);

/*
 * The directory where the build script keeps the values that host sysctls
 * had before it changed them, and the teardown reads them back: NAME is the
 * key, its content the old value.
 */
#define NSLAB_SCRIPT_SAVE_DIR "/run/nslab-script"

#endif
