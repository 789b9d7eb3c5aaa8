/*
 * preload_exits.c - the ends of a process that run no destructor, for
 * libember.so's tests (t0514-t0516): it burns ~MS of CPU in burn_before and
 * allocates at alloc_before, then ends as asked. The exec modes run this
 * program again as "after", which burns in burn_after and returns 0.
 * Usage: preload_exits MODE [MS]
 *   return _exit _Exit quick_exit          the exits
 *   execve execv execvp execl execlp execle fexecve execveat   exec "after"
 *   exec2        exec "exec1", which execs "after": three images
 *   execfail     execve a missing file, then a non-executable format (both
 *                fail), burn_after, return
 *   vfork spawn  vfork + exec /bin/true, posix_spawn /bin/true, then return
 *   segv bus fpe ill abort                  die of that signal
 *   doublefree   free a block twice: glibc finds its heap corrupt and aborts
 *   sigpipe      write to stdout until that kills it (a pipe nobody reads)
 *   sighup       raise(SIGHUP)
 *   ownsegv      with its own SIGSEGV handler, which prints and _exits 42
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static volatile unsigned long sink;
static long ms = 300;

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static __attribute__((noinline)) void spin(void)
{
	long long end = cpu_ns() + ms * 1000000LL;
	unsigned long x = 1;

	while (cpu_ns() < end) {
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		sink = x;
	}
}

static __attribute__((noinline)) void burn_before(void)
{
	spin();
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void burn_after(void)
{
	spin();
	__asm__ volatile("" ::: "memory");
}

void *exits_keep[16];	/* global: the allocations must not be optimized away */

static __attribute__((noinline)) void alloc_before(void)
{
	for (int i = 0; i < 16; i++)
		exits_keep[i] = malloc(4096);
	__asm__ volatile("" ::: "memory");
}

static const char *self(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	path[n > 0 ? n : 0] = 0;
	return path;
}

static void on_segv(int sig)
{
	static const char msg[] = "own handler\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(43);
	_exit(42);
}

static int run_exec(const char *mode, const char *next)
{
	char msbuf[32];
	char *argv[] = { "preload_exits", (char *)next, msbuf, NULL };
	const char *exe = self();

	snprintf(msbuf, sizeof(msbuf), "%ld", ms);
	if (!strcmp(mode, "execve") || !strcmp(mode, "exec2") || !strcmp(mode, "exec1"))
		execve(exe, argv, environ);
	else if (!strcmp(mode, "execv"))
		execv(exe, argv);
	else if (!strcmp(mode, "execvp"))
		execvp(exe, argv);
	else if (!strcmp(mode, "execl"))
		execl(exe, "preload_exits", next, msbuf, (char *)NULL);
	else if (!strcmp(mode, "execlp"))
		execlp(exe, "preload_exits", next, msbuf, (char *)NULL);
	else if (!strcmp(mode, "execle"))
		execle(exe, "preload_exits", next, msbuf, (char *)NULL, environ);
	else if (!strcmp(mode, "fexecve"))
		fexecve(open(exe, O_RDONLY | O_CLOEXEC), argv, environ);
	else if (!strcmp(mode, "execveat"))
		execveat(AT_FDCWD, exe, argv, environ, 0);
	else
		return 2;
	perror("exec");
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "return";

	if (argc > 2)
		ms = atol(argv[2]);
	if (!strcmp(mode, "after")) {
		burn_after();
		return 0;
	}
	alloc_before();
	if (!strcmp(mode, "ownsegv"))
		signal(SIGSEGV, on_segv);
	burn_before();
	if (!strcmp(mode, "return"))
		return 0;
	if (!strcmp(mode, "_exit"))
		_exit(7);
	if (!strcmp(mode, "_Exit"))
		_Exit(8);
	if (!strcmp(mode, "quick_exit"))
		quick_exit(9);
	if (!strcmp(mode, "exec2"))
		return run_exec(mode, "exec1");
	if (!strcmp(mode, "exec1"))
		return run_exec(mode, "after");
	if (!strncmp(mode, "exec", 4) && strcmp(mode, "execfail"))
		return run_exec(mode, "after");
	if (!strcmp(mode, "fexecve"))
		return run_exec(mode, "after");
	if (!strcmp(mode, "execfail")) {
		char *args[] = { "x", NULL }, tmpl[] = "/tmp/preload_exits.XXXXXX";
		int fd = mkstemp(tmpl);

		if (execve("/nonexistent/preload_exits", args, environ) != -1 || fd < 0 ||
		    write(fd, "\x7f" "ELF garbage", 12) != 12 || fchmod(fd, 0700))
			return 3;
		close(fd);
		if (execv(tmpl, args) != -1)	/* executable, but no format the kernel knows */
			return 4;
		unlink(tmpl);
		burn_after();
		return 0;
	}
	if (!strcmp(mode, "vfork") || !strcmp(mode, "spawn")) {
		char *args[] = { "true", NULL };
		pid_t pid;
		int st;

		if (mode[0] == 'v') {
			pid = vfork();
			if (pid == 0) {
				execve("/bin/true", args, environ);
				_exit(127);
			}
		} else if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ)) {
			return 5;
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			return 6;
		burn_after();
		return 0;
	}
	if (!strcmp(mode, "segv") || !strcmp(mode, "ownsegv"))
		*(volatile int *)(sink & 0) = 1;
	if (!strcmp(mode, "bus")) {
		char tmpl[] = "/tmp/preload_exits.XXXXXX";
		int fd = mkstemp(tmpl);
		volatile char *p = fd < 0 ? NULL : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

		unlink(tmpl);
		if (p == MAP_FAILED || !p)
			return 9;
		sink = p[0];	/* past the end of an empty file */
	}
	if (!strcmp(mode, "fpe")) {
		volatile int zero = 0, seven = 7;

		sink = seven / zero;
	}
	if (!strcmp(mode, "ill"))
		__builtin_trap();
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "sigpipe"))
		for (;;)
			if (write(STDOUT_FILENO, "x\n", 2) < 0)
				return 11;	/* EPIPE: SIGPIPE did not end it */
	if (!strcmp(mode, "sighup"))
		raise(SIGHUP);
	if (!strcmp(mode, "doublefree")) {
		void *volatile p = malloc(64);

		free(p);
		free(p);
	}
	fprintf(stderr, "unknown mode '%s' (or it did not end the process)\n", mode);
	return 10;
}
