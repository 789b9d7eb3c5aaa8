/*
 * export.c - turns the CPU and heap stack maps into pprof: symbolizes every
 * pc (leaf exact, callers at return address - 1), drops libember's own
 * frames, scales heap samples without bias as Go's runtime/pprof does, and
 * encodes with src/formats/pprof. Runs on the writer's thread, never in a
 * signal handler.
 */
#include "preload/preload.h"
#include "preload/symbolize.h"
#include "formats/pprof.h"
#include "base/xalloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static s64 start_time_ns;

typedef char *(*demangle_fn)(const char *mangled, char *buf, size_t *len, int *status);

struct build {
	enum preload_kind kind;
	demangle_fn demangle;		/* the host's __cxa_demangle, or NULL (a C program) */
	char **owned;			/* demangled names, freed after encoding */
	size_t nowned, owned_cap;
	const struct stackmap *since;	/* CPU: subtract these counts (a window) */
	struct profile *p;
	struct symbolizer sym;
	struct pprof_frame_info *fi;
	size_t ficap;
	long rate;
};

/* Go's scaleHeapSample: undo sampling at @rate (rate 1 = exact). */
static void scale_heap(u64 count, u64 size, long rate, u64 *sc, u64 *ss)
{
	double avg, scale;

	if (rate <= 1 || !count || !size) {
		*sc = rate <= 1 ? count : 0;
		*ss = rate <= 1 ? size : 0;
		return;
	}
	avg = (double)size / (double)count;
	scale = 1 / (1 - exp(-avg / (double)rate));
	*sc = (u64)((double)count * scale);
	*ss = (u64)((double)size * scale);
}

/*
 * C++ names are demangled with the host's own __cxa_demangle when it has one
 * (libstdc++ is loaded): libember.so itself does not pull libstdc++ into C
 * programs. The mangled name stays as pprof's system_name.
 */
static const char *demangled(struct build *b, const char *name, const char **system_name)
{
	char *d;
	int status = -1;

	*system_name = NULL;
	if (!b->demangle || name[0] != '_' || name[1] != 'Z')
		return name;
	d = b->demangle(name, NULL, NULL, &status);
	if (!d || status) {
		free(d);
		return name;
	}
	XGROW(b->owned, b->owned_cap, b->nowned + 1);
	b->owned[b->nowned++] = d;
	*system_name = name;
	return d;
}

static u32 frame_of(struct build *b, u64 pc, bool leaf)
{
	char buf[4200];
	int mod;
	const char *sysname, *name = demangled(b, symbolizer__lookup(&b->sym, leaf ? pc : pc - 1, &mod,
								     buf, sizeof(buf)), &sysname);
	u32 f = profile__frame(b->p, name, strlen(name), FRAME_KIND__USER);

	if (f >= b->ficap) {
		size_t old = b->ficap;

		XGROW(b->fi, b->ficap, f + 1);
		memset(b->fi + old, 0, (b->ficap - old) * sizeof(*b->fi));
	}
	if (!b->fi[f].address) {
		b->fi[f].address = pc;
		b->fi[f].mapping = mod + 1;
		b->fi[f].system_name = sysname;
	}
	return f;
}

static void add_stacks(const struct stackmap *m, void *arg)
{
	struct build *b = arg;
	size_t id;

	for (id = 0; id < m->n; id++) {
		const u64 *v = stackmap__vals(m, id), *pcs;
		u64 vals[4];
		u32 depth, i, s = STACK_ROOT;
		unsigned c;

		if (b->kind == PRELOAD_CPU) {
			vals[0] = v[0];
			vals[1] = v[1];
			if (b->since && id < b->since->n) {
				vals[0] -= stackmap__vals(b->since, id)[0];
				vals[1] -= stackmap__vals(b->since, id)[1];
			}
			if (!vals[0])
				continue;
		} else {
			scale_heap(v[0], v[1], b->rate, &vals[0], &vals[1]);
			scale_heap(v[0] - v[2], v[1] - v[3], b->rate, &vals[2], &vals[3]);
			if (!vals[0] && !vals[2])
				continue;
		}
		pcs = stackmap__pcs(m, id, &depth);
		for (i = depth; i-- > 0;) {
			if (preload_in_self(pcs[i]))
				continue;
			s = stack_trie__child(&b->p->stacks, s, frame_of(b, pcs[i], b->kind == PRELOAD_CPU && i == 0));
		}
		for (c = 0; c < b->p->ncols; c++)
			profile__add(b->p, s, c, vals[c]);
	}
}

static void copy_map(const struct stackmap *m, void *arg)
{
	struct stackmap *out = arg;
	size_t id;

	stackmap__clear(out);
	for (id = 0; id < m->n; id++) {
		u32 depth;
		const u64 *pcs = stackmap__pcs(m, id, &depth);
		u32 nid = stackmap__intern(out, pcs, depth);

		memcpy(stackmap__vals(out, nid), stackmap__vals(m, id), m->ncols * sizeof(u64));
	}
}

int export__encode(enum preload_kind kind, const struct stackmap *since, s64 duration_ns,
		   u8 **buf, size_t *len)
{
	struct build b = { .kind = kind, .since = since };
	struct pprof_write_opts o = { .default_col = -1 };
	struct pprof_mapping *maps;
	struct stackmap snap;		/* the counters, copied under the map's lock */
	size_t i;
	int err;

	preload_self.in_hook++;
	stackmap__init(&snap, kind == PRELOAD_CPU ? 2 : 4);
	symbolizer__init(&b.sym);
	b.demangle = (demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
	if (kind == PRELOAD_CPU) {
		b.p = profile__new(2);
		profile__set_value_type(b.p, 0, "samples", "count");
		profile__set_value_type(b.p, 1, "cpu", "nanoseconds");
		o.period_type = "cpu";
		o.period_unit = "nanoseconds";
		o.period = 1000000000 / sigprof__hz();
		aggregator__with_map(copy_map, &snap);
	} else {
		b.rate = heap__rate();
		b.p = profile__new(4);
		profile__set_value_type(b.p, 0, "alloc_objects", "count");
		profile__set_value_type(b.p, 1, "alloc_space", "bytes");
		profile__set_value_type(b.p, 2, "inuse_objects", "count");
		profile__set_value_type(b.p, 3, "inuse_space", "bytes");
		o.period_type = "space";
		o.period_unit = "bytes";
		o.period = b.rate;
		o.default_col = kind == PRELOAD_HEAP ? 3 : 1;
		heap__with_map(copy_map, &snap);
	}
	/* symbolize from the copy: sampling threads never wait for ELF reading */
	add_stacks(&snap, &b);
	stackmap__release(&snap);
	maps = xcalloc(b.sym.n ? b.sym.n : 1, sizeof(*maps));
	for (i = 0; i < b.sym.n; i++) {
		maps[i].start = b.sym.mods[i].lo;
		maps[i].limit = b.sym.mods[i].hi;
		maps[i].offset = b.sym.mods[i].file_off;
		maps[i].file = b.sym.mods[i].path;
		maps[i].build_id = b.sym.mods[i].build_id;
	}
	if (b.ficap < b.p->frames.n) {
		size_t old = b.ficap;

		XGROW(b.fi, b.ficap, b.p->frames.n);
		memset(b.fi + old, 0, (b.ficap - old) * sizeof(*b.fi));
	}
	o.mappings = maps;
	o.nmappings = b.sym.n;
	o.frames = b.fi;
	o.time_nanos = start_time_ns;
	o.duration_nanos = duration_ns ? duration_ns : (s64)preload_now_ns() - start_time_ns;
	err = pprof_encode(b.p, &o, buf, len);
	free(maps);
	free(b.fi);
	for (i = 0; i < b.nowned; i++)
		free(b.owned[i]);
	free(b.owned);
	profile__free(b.p);
	symbolizer__release(&b.sym);
	preload_self.in_hook--;
	return err;
}

int export__write(enum preload_kind kind, const char *path)
{
	u8 *buf;
	size_t len, off = 0;
	int fd, err;

	err = export__encode(kind, NULL, 0, &buf, &len);
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		off += n;
	}
	if (close(fd) && !err)
		err = -errno;
out:
	preload_self.in_hook++;
	free(buf);
	preload_self.in_hook--;
	return err;
}

void export__cpu_snapshot(struct stackmap *out)
{
	preload_self.in_hook++;
	aggregator__with_map(copy_map, out);
	preload_self.in_hook--;
}

void export__mark_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	start_time_ns = (s64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
