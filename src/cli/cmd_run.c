/*
 * cmd_run.c - `ember run`: runs a command with libember.so preloaded and
 * configured through EMBER_* variables, by exec (the command keeps ember's
 * pid, so only it profiles, not the programs it starts). The profiler
 * itself lives in src/preload; this file only builds the environment.
 */
#include "cli/cmd.h"
#include "cli/opt.h"
#include "cli/report.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run_opts {
	bool cpu, heap, follow_fork, inherit;
	unsigned heap_rate, hz, signo;
	const char *http, *output, *lib, *unwind;
};

static const struct opt_usage run_usage = {
	.synopsis = "ember run [OPTIONS] -- CMD [ARGS...]",
	.summary =
		"Run CMD with ember's in-process profiler (libember.so) preloaded. CPU time is\n"
		"sampled per thread (100 Hz of CPU time by default) and heap allocations are\n"
		"sampled by bytes; profiles are gzip'd pprof files written when CMD exits, and\n"
		"read by `go tool pprof`. Without --cpu, --heap or --http, --cpu is implied.\n"
		"With both kinds, -o OUT becomes OUT.cpu.pb.gz and OUT.heap.pb.gz (a trailing\n"
		".pb.gz in OUT is kept once); default names are ember.PID.KIND.pb.gz.",
	.footer =
		"examples:\n"
		"  ember run -o app.pb.gz -- ./app --flag && go tool pprof -top app.pb.gz\n"
		"  ember run --heap --heap-rate 1 -o heap.pb.gz -- ./app\n"
		"  ember run --cpu --http 127.0.0.1:6060 -- ./server &\n"
		"  go tool pprof -top 'http://127.0.0.1:6060/debug/pprof/profile?seconds=5'\n",
};

/* OUT: @buf gets libember.so's path: next to this binary, or the install path. */
static int find_library(char *buf, size_t n)
{
	static const char *const rel[] = { "/libember.so", "/../lib/ember/libember.so" };
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	size_t i;

	if (len <= 0)
		return -errno;
	self[len] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		if (snprintf(buf, n, "%s%s", self, rel[i]) >= (int)n)
			return -ENAMETOOLONG;
		if (!access(buf, R_OK))
			return 0;
	}
	return -ENOENT;
}

/*
 * True when @cmd (found like execvp does) is a statically linked ELF
 * executable: no PT_INTERP, so the loader never sees LD_PRELOAD. Anything
 * unreadable, not found or not ELF (scripts) is left to execvp.
 */
static bool is_static_elf(const char *cmd)
{
	char path[PATH_MAX];
	const char *dirs = getenv("PATH"), *p;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool is_static = false;
	int fd = -1, i;

	if (strchr(cmd, '/')) {
		fd = open(cmd, O_RDONLY | O_CLOEXEC);
	} else {
		for (p = dirs ? dirs : "/usr/bin:/bin"; fd < 0 && *p; p += strcspn(p, ":") + (p[strcspn(p, ":")] == ':')) {
			int n = (int)strcspn(p, ":");

			if (snprintf(path, sizeof(path), "%.*s/%s", n, n ? p : ".", cmd) < (int)sizeof(path) &&
			    !access(path, X_OK))
				fd = open(path, O_RDONLY | O_CLOEXEC);
			if (!p[n])
				break;
		}
	}
	if (fd < 0)
		return false;
	if (pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_type == ET_EXEC && eh.e_phentsize == sizeof(ph)) {
		is_static = true;
		for (i = 0; i < eh.e_phnum && i < 256; i++)
			if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)) != sizeof(ph) ||
			    ph.p_type == PT_INTERP) {
				is_static = false;
				break;
			}
	}
	close(fd);
	return is_static;
}

static int setenv_u(const char *name, unsigned long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lu", v);
	return setenv(name, num, 1);
}

int cmd_run(int argc, const char **argv)
{
	struct run_opts o = { 0 };
	const struct opt options[] = {
		{ "cpu", 0, OPT_FLAG, &o.cpu, NULL, "sample CPU time of every thread (the default)" },
		{ "heap", 0, OPT_FLAG, &o.heap, NULL, "sample heap allocations" },
		{ "heap-rate", 0, OPT_UINT, &o.heap_rate, "BYTES", "mean bytes between heap samples (default 524288; 1 = every allocation)" },
		{ "hz", 0, OPT_UINT, &o.hz, "N", "CPU samples per CPU-second (default 100)" },
		{ "http", 0, OPT_STRING, &o.http, "ADDR", "serve /debug/pprof/ on ADDR, e.g. 127.0.0.1:6060" },
		{ "signal", 0, OPT_UINT, &o.signo, "N", "profiling signal number (default SIGPROF, 27)" },
		{ "follow-fork", 0, OPT_FLAG, &o.follow_fork, NULL, "forked children profile too, into OUT.PID (default: they stop)" },
		{ "inherit", 0, OPT_FLAG, &o.inherit, NULL, "programs CMD runs (fork + exec) profile too, into OUT.PID" },
		{ "output", 'o', OPT_STRING, &o.output, "OUT", "profile file name (%p = pid)" },
		{ "unwind", 0, OPT_STRING, &o.unwind, "HOW", "dwarf (default: DWARF CFI, frame pointers as fallback) or fp (frame pointers only)" },
		{ "lib", 0, OPT_STRING, &o.lib, "PATH", "libember.so to preload (default: next to ember)" },
		{ NULL, 0, OPT_END, NULL, NULL, NULL },
	};
	char lib[PATH_MAX], preload[2 * PATH_MAX];
	const char *old;
	int nargs, err;

	nargs = opt_parse(argc, argv, options, &run_usage);
	if (nargs < 0)
		return nargs == -2 ? EXIT_OK : EXIT_USAGE;
	if (nargs == 0) {
		report_error("run: no command given (ember run [OPTIONS] -- CMD [ARGS...])");
		return EXIT_USAGE;
	}
	if (o.signo >= 65 || (o.signo && (o.signo == 9 || o.signo == 19))) {
		report_error("run: --signal %u is not a signal ember can use", o.signo);
		return EXIT_USAGE;
	}
	if (o.unwind && strcmp(o.unwind, "dwarf") && strcmp(o.unwind, "fp")) {
		report_error("run: --unwind '%s': not dwarf or fp", o.unwind);
		return EXIT_USAGE;
	}
	if (!o.cpu && !o.heap && !o.http)
		o.cpu = true;
	if (o.lib) {
		snprintf(lib, sizeof(lib), "%s", o.lib);
		if (access(lib, R_OK)) {
			report_error("run: cannot read '%s': %s", lib, strerror(errno));
			return EXIT_NO_PERMISSION;
		}
	} else if (find_library(lib, sizeof(lib))) {
		report_error("run: cannot find libember.so next to the ember binary (use --lib PATH)");
		return EXIT_NO_PERMISSION;
	}
	old = getenv("LD_PRELOAD");
	snprintf(preload, sizeof(preload), "%s%s%s", lib, old && *old ? ":" : "", old ? old : "");
	err = setenv("LD_PRELOAD", preload, 1) ||
	      setenv_u(o.inherit ? "EMBER_ROOT_PID" : "EMBER_TARGET_PID", (unsigned long)getpid()) ||
	      setenv_u("EMBER_CPU", o.cpu) || setenv_u("EMBER_HEAP", o.heap);
	if (!err && o.heap_rate)
		err = setenv_u("EMBER_HEAP_RATE", o.heap_rate);
	if (!err && o.hz)
		err = setenv_u("EMBER_HZ", o.hz);
	if (!err && o.signo)
		err = setenv_u("EMBER_SIGNAL", o.signo);
	if (!err && o.http)
		err = setenv("EMBER_HTTP", o.http, 1);
	if (!err && o.follow_fork)
		err = setenv("EMBER_FORK", "1", 1);
	if (!err && o.unwind)
		err = setenv("EMBER_UNWIND", o.unwind, 1);
	if (!err && o.output)
		err = setenv("EMBER_OUTPUT", o.output, 1);
	if (err) {
		report_error("run: cannot set the environment: %s", strerror(errno));
		return EXIT_FAILURE_RUNTIME;
	}
	if (is_static_elf(argv[1])) {
		report_error("run: '%s' is statically linked: libember.so cannot be loaded into it "
			     "(link it with -lember and call include/ember/ember.h instead)", argv[1]);
		return EXIT_NO_PERMISSION;
	}
	argv[nargs + 1] = NULL;
	execvp(argv[1], (char *const *)(argv + 1));
	report_error("run: cannot run '%s': %s", argv[1], strerror(errno));
	return errno == ENOENT || errno == EACCES ? EXIT_BAD_INPUT : EXIT_FAILURE_RUNTIME;
}
