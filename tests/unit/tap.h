/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny TAP-style helper: counts as it goes, ends with "N passed, N failed". */
#ifndef NSLAB_TAP_H
#define NSLAB_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                                   \
	({                                                                              \
		int _c = !!(cond);                                                      \
		tap_n++;                                                                \
		if (!_c)                                                                \
			tap_failed++;                                                   \
		printf("%s %d - ", _c ? "ok" : "not ok", tap_n);                        \
		printf(__VA_ARGS__);                                                    \
		printf("\n");                                                           \
		if (!_c)                                                                \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		_c;                                                                     \
	})

#define is_int(a, b, ...)                                              \
	({                                                             \
		long _a = (long)(a), _b = (long)(b);                   \
		int _r = ok(_a == _b, __VA_ARGS__);                    \
		if (!_r)                                               \
			printf("#   got %ld, expected %ld\n", _a, _b); \
		_r;                                                    \
	})

#define is_str(a, b, ...)                                                                    \
	({                                                                                   \
		const char *_a = (a), *_b = (b);                                             \
		int _r = ok(_a && _b && strcmp(_a, _b) == 0, __VA_ARGS__);                   \
		if (!_r)                                                                     \
			printf("#   got      '%s'\n#   expected '%s'\n", _a ? _a : "(null)", \
			       _b ? _b : "(null)");                                          \
		_r;                                                                          \
	})

/* Print the plan and the closing line; use as `return tap_done();` */
static inline int tap_done(void)
{
	printf("1..%d\n%d passed, %d failed\n", tap_n, tap_n - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif
