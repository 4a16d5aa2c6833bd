// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer target for nslab_topo_parse(); without libFuzzer, main() replays files. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "nslab/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nslab_error err = { 0 };
	struct nslab_topo *t = NULL;

	if (nslab_topo_parse("fuzz.yml", (const char *)data, size, &t, &err) == 0)
		nslab_topo_free(t);
	return 0;
}

#ifndef NSLAB_LIBFUZZER
/* Replay each file on the command line: how a crash becomes a fixture. */
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rbe");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (len == cap) {
				uint8_t *p;

				cap = cap ? cap * 2 : 65536;
				p = realloc(buf, cap);
				if (!p) {
					fclose(f);
					free(buf);
					return 1;
				}
				buf = p;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		printf("%s: %zu bytes\n", argv[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
#endif
