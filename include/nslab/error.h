/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error reporting for libnslab: a code and a message in a caller-owned buffer. */
#ifndef NSLAB_ERROR_H
#define NSLAB_ERROR_H

#define NSLAB_ERR_MSG_MAX 1024

/**
 * struct nslab_error - the reason a libnslab call failed
 * @code:	positive errno value (0 while no error was recorded)
 * @msg:	human readable text, without the "nslab: " prefix
 *
 * Owned by the caller, usually on the stack; nothing to free.
 */
struct nslab_error {
	int code;
	char msg[NSLAB_ERR_MSG_MAX];
};

/**
 * nslab_err() - record an error
 * @err:	may be NULL
 * @code:	errno value, positive or negative
 *
 * Return: -abs(@code), or -EINVAL when @code is 0, so a call site reads
 * `return nslab_err(err, r, "cannot create netns '%s'", name);`
 */
int nslab_err(struct nslab_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * nslab_err_sys() - as nslab_err(), with ": <strerror(code)>" appended, for
 * failed system calls: "cannot create /run/netns/x: File exists".
 */
int nslab_err_sys(struct nslab_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * nslab_err_prefix() - put context in front of an error already recorded
 * Return: -err->code
 */
int nslab_err_prefix(struct nslab_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
