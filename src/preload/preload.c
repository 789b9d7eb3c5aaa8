/*
 * preload.c - libember.so's life cycle and public API: the constructor reads
 * EMBER_* variables (EMBER_CPU, EMBER_HEAP, EMBER_HEAP_RATE, EMBER_HZ,
 * EMBER_OUTPUT, EMBER_HTTP, EMBER_SIGNAL, EMBER_FORK, EMBER_TARGET_PID,
 * EMBER_ROOT_PID, EMBER_EXEC_SEQ) and
 * starts what they ask for; the destructor writes the profiles, and so do
 * the ends without destructors (exitwatch.c, exitpaths.c), under the names
 * chosen here. Forked children stop profiling, or start over (EMBER_FORK=1);
 * nothing here ever aborts the host.
 */
#include "preload/preload.h"
#include "ember/ember.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

PRELOAD_TLS struct preload_thread preload_self;

static struct preload_config cfg;
static bool active;		/* this process profiles (not dormant, not a stopped fork child) */
static bool in_child;		/* not the first profiled process: outputs get ".PID" */
static pid_t owner_pid;		/* the process these profiles belong to */
static int exec_seq;		/* execs this process made before this image (EMBER_EXEC_SEQ) */
static bool exec_cpu;		/* CPU sampling was on when an exec was tried */
static u64 self_lo, self_hi;	/* libember.so's executable segment */

u64 preload_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

bool preload_in_self(u64 pc)
{
	return pc >= self_lo && pc < self_hi;
}

void preload_thread_init(void)
{
	pthread_attr_t a;
	void *addr;
	size_t size;

	preload_self.in_hook++;
	if (!preload_self.tid)
		preload_self.tid = (u32)syscall(SYS_gettid);
	if (!pthread_getattr_np(pthread_self(), &a)) {
		if (!pthread_attr_getstack(&a, &addr, &size)) {
			preload_self.stack_lo = (u64)addr;
			preload_self.stack_hi = (u64)addr + size;
		}
		pthread_attr_destroy(&a);
	}
	preload_self.in_hook--;
}

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	u64 me = (u64)(uintptr_t)arg;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		u64 lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && me >= lo && me < lo + ph->p_memsz) {
			self_lo = lo;
			self_hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

/*
 * One line on stderr. A stderr that is a pipe nobody reads any more (`ember
 * run ... 2>&1 | head`) must not kill the program with SIGPIPE for ember's
 * sake: the signal is blocked around the write, and one the write raised is
 * taken back.
 */
static void say(const char *fmt, ...) __printf(1, 2);
static void say(const char *fmt, ...)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old, pending;
	bool was_pending;
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	was_pending = !sigpending(&pending) && sigismember(&pending, SIGPIPE);
	if (write(STDERR_FILENO, buf, n) < 0 && errno == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || *end || x < 0) {
		say("ember: ignoring %s='%s': not a non-negative number", name, v);
		return def;
	}
	return x;
}

/*
 * ember's own walks of the loader's object list (dl_iterate_phdr, which
 * holds the loader's lock) never span a fork: a child forked meanwhile would
 * inherit that lock held by a thread it does not have, and hang in its next
 * dlopen or profile write. Readers are ember's threads; fork is the writer.
 */
static pthread_rwlock_t loader_guard = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

void preload_loader_enter(void)
{
	pthread_rwlock_rdlock(&loader_guard);
}

void preload_loader_leave(void)
{
	pthread_rwlock_unlock(&loader_guard);
}

static void atfork_prepare(void)
{
	pthread_rwlock_wrlock(&loader_guard);
	heap__atfork_prepare();
}

static void atfork_parent(void)
{
	heap__atfork_parent();
	pthread_rwlock_unlock(&loader_guard);
}

static void ember_fini(void);
static void flush(int why);

/*
 * In a forked child every lock is released and the other threads are gone.
 * By default the child stops profiling and writes nothing; with EMBER_FORK=1
 * it starts over with empty profiles, its own timer and aggregator, and
 * writes to the output name plus ".PID" (unless the name has %p).
 */
static void atfork_child(void)
{
	bool follow = active && cfg.follow_fork;
	pthread_rwlockattr_t a;

	/* held by the forking thread, whose tid the child's thread does not have */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&loader_guard, &a);
	pthread_rwlockattr_destroy(&a);
	heap__atfork_child(follow);
	rawstack__after_fork_child();
	aggregator__after_fork_child(follow);
	sigprof__after_fork_child();
	http__child_forget();
	exitwatch__after_fork_child();
	if (!follow) {
		active = false;
		return;
	}
	in_child = true;
	owner_pid = getpid();
	exec_seq = 0;
	export__mark_start();
	sigprof__thread_begin();
	if (cfg.cpu && ember_cpu_start(cfg.hz))
		say("ember: cannot restart CPU profiling in child %d", (int)getpid());
	exitwatch__start(flush);
}

/* OUT: @buf gets the output path for @kind ("cpu"/"heap"), %p → pid, then @suffix. */
static void output_path(char *buf, size_t n, const char *kind, bool both, const char *suffix)
{
	const char *o = cfg.output;
	char tmpl[4096];
	size_t i, j = 0;

	if (!o || !*o)
		snprintf(tmpl, sizeof(tmpl), "ember.%%p.%s.pb.gz", kind);
	else if (!both)
		snprintf(tmpl, sizeof(tmpl), "%s", o);
	else {
		size_t len = strlen(o);

		if (len > 6 && !strcmp(o + len - 6, ".pb.gz"))
			snprintf(tmpl, sizeof(tmpl), "%.*s.%s.pb.gz", (int)(len - 6), o, kind);
		else
			snprintf(tmpl, sizeof(tmpl), "%s.%s.pb.gz", o, kind);
	}
	for (i = 0; tmpl[i] && j + 24 < n; i++) {
		if (tmpl[i] == '%' && tmpl[i + 1] == 'p') {
			j += snprintf(buf + j, n - j, "%d", (int)getpid());
			i++;
		} else {
			buf[j++] = tmpl[i];
		}
	}
	if (in_child && !strstr(tmpl, "%p"))
		j += snprintf(buf + j, n - j, ".%d", (int)getpid());
	buf[j] = 0;
	if (j < n)
		snprintf(buf + j, n - j, "%s", suffix);
}

__attribute__((constructor)) static void ember_init(void)
{
	const char *target = getenv("EMBER_TARGET_PID"), *root = getenv("EMBER_ROOT_PID");
	int err;

	preload_self.in_hook++;
	dl_iterate_phdr(find_self, (void *)(uintptr_t)&ember_init);
	export__mark_start();
	exitpaths__init();	/* dormant processes exec and _exit through it too */
	if (target && *target && atol(target) != (long)getpid())
		goto out;	/* a program the profiled one ran: stay dormant */
	/* a program the root process ran, profiled too (ember run --inherit): OUT.PID */
	in_child = root && *root && atol(root) != (long)getpid();
	owner_pid = getpid();
	{
		/* an image this process exec'd into: its predecessors wrote OUT.exec1... */
		const char *seq = getenv(PRELOAD_EXEC_SEQ), *colon = seq ? strchr(seq, ':') : NULL;

		if (colon && atol(seq) == (long)owner_pid)
			exec_seq = atoi(colon + 1);
	}
	cfg.cpu = env_long("EMBER_CPU", 0) > 0;
	cfg.heap = env_long("EMBER_HEAP", 0) > 0;
	cfg.heap_rate = env_long("EMBER_HEAP_RATE", 512 * 1024);
	cfg.hz = env_long("EMBER_HZ", 100);
	cfg.signo = env_long("EMBER_SIGNAL", SIGPROF);
	cfg.output = getenv("EMBER_OUTPUT");
	cfg.http = getenv("EMBER_HTTP");
	cfg.follow_fork = env_long("EMBER_FORK", 0) > 0;
	if (cfg.signo < 1 || cfg.signo >= NSIG || cfg.signo == SIGKILL || cfg.signo == SIGSTOP)
		cfg.signo = SIGPROF;
	active = true;
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	err = sigprof__install(cfg.signo);
	if (err)
		say("ember: cannot install the profiling signal handler: %s", strerror(-err));
	sigprof__thread_begin();
	/* EMBER_UNWIND=fp: frame pointers only, no stack copies */
	if (!(getenv("EMBER_UNWIND") && !strcmp(getenv("EMBER_UNWIND"), "fp")) && (err = rawstack__init()))
		say("ember: no stack copies for CFI unwinding (frame pointers only): %s", strerror(-err));
	if (cfg.cpu) {
		err = ember_cpu_start(cfg.hz);
		if (err)
			say("ember: cannot start CPU profiling: %s", strerror(-err));
	}
	if (cfg.heap)
		heap__set_rate(cfg.heap_rate ? cfg.heap_rate : 1);
	if ((cfg.cpu || cfg.heap) && (err = exitwatch__start(flush)))
		say("ember: profiles will not be written on signals, _exit or exec: %s", strerror(-err));
	if (cfg.http && *cfg.http) {
		err = http__serve(cfg.http);
		if (err)
			say("ember: cannot serve /debug/pprof on '%s': %s (the program goes on)", cfg.http,
			    strerror(-err));
	}
out:
	preload_self.in_hook--;
}

/* Write the CPU and heap profiles, each to its name plus @suffix. */
static void write_profiles(const char *suffix)
{
	char path[4096];
	int err;

	if (cfg.cpu) {
		output_path(path, sizeof(path), "cpu", cfg.heap, suffix);
		err = export__write(PRELOAD_CPU, path);
		if (err)
			say("ember: cannot write CPU profile '%s': %s", path, strerror(-err));
		else if (sigprof__lost())
			say("ember: wrote CPU profile '%s' (%llu samples lost)", path,
			    (unsigned long long)sigprof__lost());
		else
			say("ember: wrote CPU profile '%s'", path);
	}
	if (cfg.heap) {
		output_path(path, sizeof(path), "heap", cfg.cpu, suffix);
		err = export__write(PRELOAD_HEAP, path);
		if (err)
			say("ember: cannot write heap profile '%s': %s", path, strerror(-err));
		else
			say("ember: wrote heap profile '%s'", path);
	}
}

static atomic_int finishing;	/* the final write has begun: at most once */

/* The destructor, also run by exitwatch.c's thread on SIGINT, SIGTERM and _exit. */
__attribute__((destructor)) static void ember_fini(void)
{
	if (!active || atomic_exchange(&finishing, 1))
		return;
	preload_self.in_hook++;
	http__stop();
	if (sigprof__running())
		sigprof__stop();
	write_profiles("");
	aggregator__stop();
	if (cfg.heap)
		heap__set_rate(0);
	active = false;
	preload_self.in_hook--;
}

static void exec_suffix(char *buf, size_t n)
{
	snprintf(buf, n, ".exec%d", exec_seq + 1);
}

/* exitwatch.c's thread: write the profiles for @why (enum preload_flush). */
static void flush(int why)
{
	char suffix[32];

	switch (why) {
	case PRELOAD_FLUSH_EXIT:
		ember_fini();
		break;
	case PRELOAD_FLUSH_CRASH:
		/* dying: no thread is stopped or joined, any of them may be stuck */
		if (active && !atomic_exchange(&finishing, 1))
			write_profiles("");
		break;
	case PRELOAD_FLUSH_EXEC:
		if (!active || atomic_load(&finishing))
			break;
		exec_suffix(suffix, sizeof(suffix));
		write_profiles(suffix);
		break;
	}
}

bool preload_profiles_here(void)
{
	return active && (cfg.cpu || cfg.heap) && getpid() == owner_pid;
}

void preload_before_exit(void)
{
	if (exitwatch__flush(PRELOAD_FLUSH_EXIT) == -ESRCH)
		ember_fini();
}

/*
 * The CPU timers stop first: a timer signal left pending across exec would
 * meet the new image before its handler is installed, and kill it.
 */
void preload_before_exec(char *var, size_t n)
{
	exec_cpu = sigprof__running();
	if (exec_cpu)
		sigprof__stop();
	if (exitwatch__flush(PRELOAD_FLUSH_EXEC) == -ESRCH)
		flush(PRELOAD_FLUSH_EXEC);
	snprintf(var, n, "%s=%d:%d", PRELOAD_EXEC_SEQ, (int)owner_pid, exec_seq + 1);
}

void preload_exec_failed(void)
{
	char suffix[32], path[4096];

	exec_suffix(suffix, sizeof(suffix));
	if (cfg.cpu) {
		output_path(path, sizeof(path), "cpu", cfg.heap, suffix);
		unlink(path);
	}
	if (cfg.heap) {
		output_path(path, sizeof(path), "heap", cfg.cpu, suffix);
		unlink(path);
	}
	if (exec_cpu && sigprof__start(cfg.hz))
		say("ember: cannot resume CPU profiling after a failed exec");
}

/* ---- public API (include/ember/ember.h) ---- */

int ember_cpu_start(int hz)
{
	int err;

	preload_self.in_hook++;
	err = aggregator__start();
	if (!err)
		err = sigprof__start(hz);
	preload_self.in_hook--;
	return err;
}

int ember_cpu_stop(void)
{
	return sigprof__stop();
}

long ember_heap_set_rate(long bytes)
{
	return heap__set_rate(bytes);
}

int ember_write_profile(int kind, const char *path)
{
	if (!path)
		return -EINVAL;
	switch (kind) {
	case EMBER_PROFILE_CPU:
		return export__write(PRELOAD_CPU, path);
	case EMBER_PROFILE_HEAP:
		return export__write(PRELOAD_HEAP, path);
	case EMBER_PROFILE_ALLOCS:
		return export__write(PRELOAD_ALLOCS, path);
	}
	return -EINVAL;
}

int ember_http_serve(const char *addr)
{
	return http__serve(addr ? addr : "127.0.0.1:6060");
}

unsigned long long ember_lost_samples(void)
{
	return sigprof__lost();
}
