// SPDX-License-Identifier: LGPL-2.1-or-later
/* nslab capture: run nslab-capture, the one program of nslab that loads libpcap. */
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

#ifndef NSLAB_LIBEXECDIR
#define NSLAB_LIBEXECDIR "/usr/local/libexec/nslab"
#endif

const char *capture_helper(char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/nslab-capture", self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, size, "%s/nslab-capture", NSLAB_LIBEXECDIR);
	return access(buf, X_OK) == 0 ? buf : NULL;
}

/* @argv: "capture" and its arguments, handed over unchanged. */
int cmd_capture_exec(int argc, char **argv)
{
	char path[PATH_MAX];
	char **args = calloc((size_t)argc + 2, sizeof(*args));

	if (!args) {
		cli_errorf("out of memory");
		return 1;
	}
	if (!capture_helper(path, sizeof(path))) {
		cli_errorf("capture needs nslab-capture, which is neither beside this nslab nor in "
			   "%s\nhint: make builds it beside nslab, and make install installs it",
			   NSLAB_LIBEXECDIR);
		free(args);
		return 1;
	}
	args[0] = path;
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	execv(path, args);
	cli_errorf("cannot run %s: %m", path);
	free(args);
	return 1;
}

/* The line "libpcap X.Y.Z" from `nslab-capture --lib-version`, or false. */
bool capture_lib_version(char *buf, size_t size)
{
	char path[PATH_MAX];
	char *args[] = { path, (char *)"--lib-version", NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status = 0;
	ssize_t n = 0, got;
	pid_t pid;
	bool ok;

	if (!capture_helper(path, sizeof(path)) || pipe2(fds, O_CLOEXEC) < 0)
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	ok = posix_spawn(&pid, path, &fa, NULL, args, environ) == 0;
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (ok && (size_t)n < size - 1 &&
	       ((got = read(fds[0], buf + n, size - 1 - (size_t)n)) > 0 ||
		(got < 0 && errno == EINTR)))
		n += got > 0 ? got : 0;
	close(fds[0]);
	if (ok && waitpid(pid, &status, 0) < 0)
		ok = false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 && n > 0;
}
