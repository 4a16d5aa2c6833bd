// SPDX-License-Identifier: LGPL-2.1-or-later
/* Plain text tables with aligned columns. */
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

int table_init(struct table *t, size_t n_cols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->n_cols = n_cols;
	for (size_t i = 0; i < n_cols; i++)
		if (table_add(t, header[i]) < 0)
			return -ENOMEM;
	return 0;
}

int table_add(struct table *t, const char *cell)
{
	if (GROW(t->cells, t->cap, t->n_cells) < 0)
		return -ENOMEM;
	t->cells[t->n_cells] = strdup(cell ? cell : "");
	if (!t->cells[t->n_cells])
		return -ENOMEM;
	t->n_cells++;
	return 0;
}

void table_print(const struct table *t, FILE *f)
{
	size_t *w = calloc(t->n_cols, sizeof(*w));

	if (!w)
		return;
	for (size_t i = 0; i < t->n_cells; i++) {
		size_t l = strlen(t->cells[i]);

		if (l > w[i % t->n_cols])
			w[i % t->n_cols] = l;
	}
	for (size_t i = 0; i < t->n_cells; i++) {
		size_t col = i % t->n_cols;

		if (col == t->n_cols - 1)
			fprintf(f, "%s\n", t->cells[i]);
		else
			fprintf(f, "%-*s  ", (int)w[col], t->cells[i]);
	}
	free(w);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
