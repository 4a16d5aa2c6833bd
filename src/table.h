/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Plain text tables with aligned columns. */
#ifndef NSLAB_TABLE_H
#define NSLAB_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table {
	size_t n_cols;
	char **cells; /* row-major, header first */
	size_t n_cells, cap;
};

int table_init(struct table *t, size_t n_cols, const char *const *header);
/* Add one cell (copied); rows fill left to right. */
int table_add(struct table *t, const char *cell);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
