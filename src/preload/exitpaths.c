/*
 * exitpaths.c - _exit, _Exit, quick_exit and the exec family interposed, so that a
 * process that ends without running destructors, or replaces its image,
 * still writes its profiles first (preload.c names them; exitwatch.c's
 * thread writes them). Only the profiled process itself does this: a vfork
 * child, a dormant or stopped process passes straight through. posix_spawn
 * and system() need nothing: they exec in a child, never in this image.
 */
#include "preload/preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

extern char **environ;

enum exec_kind {
	EXEC__PATH,		/* execve, execv, execl, execle */
	EXEC__SEARCH,		/* execvpe, execvp, execlp: PATH search */
	EXEC__FD,		/* fexecve */
	EXEC__AT,		/* execveat */
};

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_fexecve)(int, char *const[], char *const[]);
static int (*real_execveat)(int, const char *, char *const[], char *const[], int);
static void (*real__exit)(int);
static void (*real__Exit)(int);
static void (*real_quick_exit)(int);

/* At load time, so that a vfork child never runs dlsym. */
void exitpaths__init(void)
{
	real_execve = dlsym(RTLD_NEXT, "execve");
	real_execvpe = dlsym(RTLD_NEXT, "execvpe");
	real_fexecve = dlsym(RTLD_NEXT, "fexecve");
	real_execveat = dlsym(RTLD_NEXT, "execveat");
	real__exit = dlsym(RTLD_NEXT, "_exit");
	real__Exit = dlsym(RTLD_NEXT, "_Exit");
	real_quick_exit = dlsym(RTLD_NEXT, "quick_exit");
}

static bool executable(const char *path)
{
	return path && *path && !access(path, X_OK);
}

/* Would execvp find @file? (A wrong guess only costs a profile written early.) */
static bool found_in_path(const char *file)
{
	const char *dirs = getenv("PATH"), *p;
	char buf[PATH_MAX];

	if (!file || !*file)
		return false;
	if (strchr(file, '/'))
		return executable(file);
	for (p = dirs ? dirs : "/bin:/usr/bin"; ; p += strcspn(p, ":") + 1) {
		int n = (int)strcspn(p, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", n, n ? p : ".", file) < (int)sizeof(buf) &&
		    executable(buf))
			return true;
		if (!p[n])
			return false;
	}
}

static bool would_start(enum exec_kind kind, int fd, const char *path)
{
	switch (kind) {
	case EXEC__PATH:
		return executable(path);
	case EXEC__SEARCH:
		return found_in_path(path);
	case EXEC__FD:
		return fcntl(fd, F_GETFD) != -1;
	case EXEC__AT:
		return true;
	}
	return true;
}

static int call_real(enum exec_kind kind, int fd, const char *path, char *const argv[],
		     char *const envp[], int flags)
{
	if (!real__exit)
		exitpaths__init();	/* called before libember.so's constructor */
	switch (kind) {
	case EXEC__PATH:
		if (real_execve)
			return real_execve(path, argv, envp);
		return (int)syscall(SYS_execve, path, argv, envp);
	case EXEC__SEARCH:
		if (real_execvpe)
			return real_execvpe(path, argv, envp);
		break;
	case EXEC__FD:
		if (real_fexecve)
			return real_fexecve(fd, argv, envp);
		break;
	case EXEC__AT:
		if (real_execveat)
			return real_execveat(fd, path, argv, envp, flags);
		return (int)syscall(SYS_execveat, fd, path, argv, envp, flags);
	}
	errno = ENOSYS;
	return -1;
}

/*
 * Every exec goes through here. When this process profiles and the exec
 * looks like it will start, the profiles are written (OUT.execN) and the new
 * image gets EMBER_EXEC_SEQ so that its own profiles do not overwrite them;
 * when the exec fails after all, profiling resumes as if nothing happened.
 */
static int do_exec(enum exec_kind kind, int fd, const char *path, char *const argv[],
		   char *const envp[], int flags)
{
	char var[64], **env;
	size_t n = 0, i, j = 0;
	int rc, saved;

	if (!preload_profiles_here() || !would_start(kind, fd, path))
		return call_real(kind, fd, path, argv, envp, flags);
	while (envp && envp[n])
		n++;
	preload_self.in_hook++;
	env = malloc((n + 2) * sizeof(*env));
	preload_self.in_hook--;
	if (!env)
		return call_real(kind, fd, path, argv, envp, flags);
	preload_before_exec(var, sizeof(var));
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], PRELOAD_EXEC_SEQ "=", sizeof(PRELOAD_EXEC_SEQ)))
			env[j++] = envp[i];
	env[j++] = var;
	env[j] = NULL;
	rc = call_real(kind, fd, path, argv, env, flags);
	saved = errno;
	preload_self.in_hook++;
	free(env);
	preload_self.in_hook--;
	preload_exec_failed();
	errno = saved;
	return rc;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return do_exec(EXEC__PATH, -1, path, argv, envp, 0);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return do_exec(EXEC__PATH, -1, path, argv, environ, 0);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return do_exec(EXEC__SEARCH, -1, file, argv, envp, 0);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return do_exec(EXEC__SEARCH, -1, file, argv, environ, 0);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	return do_exec(EXEC__FD, fd, NULL, argv, envp, 0);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	return do_exec(EXEC__AT, dirfd, path, argv, envp, flags);
}

/* execl, execlp, execle: the arguments gathered into an array, as glibc does (on the stack). */
#define GATHER_ARGS(arg0, last, argv, envp_out)                                    \
	size_t argc_ = 1;                                                           \
	va_list ap_;                                                                \
	va_start(ap_, arg0);                                                        \
	while (va_arg(ap_, const char *))                                           \
		argc_++;                                                            \
	va_end(ap_);                                                                \
	char *argv[argc_ + 1];                                                      \
	argv[0] = (char *)arg0;                                                     \
	va_start(ap_, arg0);                                                        \
	for (size_t i_ = 1; i_ <= argc_; i_++)                                      \
		argv[i_] = va_arg(ap_, char *);                                     \
	envp_out = last ? va_arg(ap_, char *const *) : environ;                     \
	va_end(ap_)

EXPORT int execl(const char *path, const char *arg, ...)
{
	char *const *envp;

	GATHER_ARGS(arg, false, argv, envp);
	return do_exec(EXEC__PATH, -1, path, argv, envp, 0);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *const *envp;

	GATHER_ARGS(arg, false, argv, envp);
	return do_exec(EXEC__SEARCH, -1, file, argv, envp, 0);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	char *const *envp;

	GATHER_ARGS(arg, true, argv, envp);
	return do_exec(EXEC__PATH, -1, path, argv, envp, 0);
}

/*
 * _exit, _Exit and quick_exit (which runs its at_quick_exit handlers, then
 * glibc's own _exit, not this one): the profiles first, in the profiled
 * process only.
 */
static __attribute__((noreturn)) void end_now(void (*real)(int), int status)
{
	if (preload_profiles_here())
		preload_before_exit();
	if (real)
		real(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

EXPORT void _exit(int status)
{
	end_now(real__exit, status);
}

EXPORT void _Exit(int status)
{
	end_now(real__Exit, status);
}

EXPORT void quick_exit(int status)
{
	end_now(real_quick_exit ? real_quick_exit : real__exit, status);
}
