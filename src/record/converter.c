/*
 * converter.c - turns decoded records into profile samples. Processes and
 * threads live in two small open-addressing tables keyed by pid/tid; frame
 * names are cached per (object, address) so that each distinct PC is
 * symbolized once per recording.
 */
#include "record/converter.h"
#include "record/events.h"
#include "base/hash.h"
#include "base/xalloc.h"
#include "symbols/demangle.h"
#include "symbols/maps.h"
#include "symbols/perfmap.h"
#include "symbols/symcache.h"
#include "unwind/unwind.h"
#include "unwind/unwind_oracle.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FRAMES 1024
#define COMM_LEN 16

struct process {
	u32 pid;
	struct maps maps;
	struct perfmap jit;
	bool jit_tried;
	struct unwind_oracle *oracle;	/* check_unwind only */
	bool oracle_tried;
};

struct thread {
	u32 tid, pid;
	char comm[COMM_LEN + 1];
};

/* u32 key → pointer, open addressing, never shrinks (one recording). */
struct idtable {
	u32 *keys;
	void **vals;
	size_t n, mask;
};

struct frame_key {
	const void *obj;	/* elf_object, process (JIT), or NULL (kernel) */
	u64 addr;
	u32 frame;
	bool unnamed;		/* named binary+0xSTART, [binary] or [unknown] */
};

struct converter {
	struct converter_opts opts;
	struct converter_stats stats;
	struct profile *prof;
	struct symcache syms;
	struct idtable procs, threads;
	struct frame_key *fcache;	/* open addressing; obj == NULL && addr == 0 is empty */
	/* defer_kernel_names: the kernel frames named by address so far */
	struct { u32 frame; u64 addr; } *pending;
	size_t npending, pending_cap;
	u64 *frame_uses;		/* per frame id: occurrences of a pending frame in samples */
	size_t frame_uses_cap;
	size_t fcache_n, fcache_mask;
	struct unwind_frame frames[MAX_FRAMES];
	u32 stack_frames[MAX_FRAMES + 256];
	char namebuf[4608];
};

static void idtable__init(struct idtable *t)
{
	t->mask = 255;
	t->n = 0;
	t->keys = xcalloc(t->mask + 1, sizeof(*t->keys));
	t->vals = xcalloc(t->mask + 1, sizeof(*t->vals));
}

static void **idtable__slot(struct idtable *t, u32 key)
{
	size_t i = hash_mix64(key + 1) & t->mask;

	while (t->vals[i] && t->keys[i] != key)
		i = (i + 1) & t->mask;
	return &t->vals[i];
}

static void *idtable__get(struct idtable *t, u32 key)
{
	return *idtable__slot(t, key);
}

static void idtable__put(struct idtable *t, u32 key, void *val)
{
	void **s;

	if ((t->n + 1) * 2 > t->mask + 1) {
		struct idtable old = *t;
		size_t i;

		t->mask = t->mask * 2 + 1;
		t->n = 0;
		t->keys = xcalloc(t->mask + 1, sizeof(*t->keys));
		t->vals = xcalloc(t->mask + 1, sizeof(*t->vals));
		for (i = 0; i <= old.mask; i++)
			if (old.vals[i])
				idtable__put(t, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	s = idtable__slot(t, key);
	if (!*s)
		t->n++;
	t->keys[s - t->vals] = key;
	*s = val;
}

struct converter *converter__new(const struct converter_opts *o)
{
	struct converter *c = xcalloc(1, sizeof(*c));

	c->opts = *o;
	c->prof = profile__new(1);
	symcache__init(&c->syms);
	idtable__init(&c->procs);
	idtable__init(&c->threads);
	c->fcache_mask = 4095;
	c->fcache = xcalloc(c->fcache_mask + 1, sizeof(*c->fcache));
	return c;
}

void converter__free(struct converter *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i <= c->procs.mask; i++) {
		struct process *p = c->procs.vals[i];

		if (p) {
			maps__release(&p->maps);
			perfmap__release(&p->jit);
			unwind_oracle__free(p->oracle);
			free(p);
		}
	}
	for (i = 0; i <= c->threads.mask; i++)
		free(c->threads.vals[i]);
	free(c->procs.keys);
	free(c->procs.vals);
	free(c->threads.keys);
	free(c->threads.vals);
	free(c->fcache);
	free(c->pending);
	free(c->frame_uses);
	symcache__release(&c->syms);
	profile__free(c->prof);
	free(c);
}

/*
 * defer_kernel_names: give the frames named by address their kallsyms names
 * (the profile is rebuilt, so that two addresses of one function become one
 * frame) and count the occurrences of those kallsyms does not name.
 */
static struct profile *name_pending_kernel_frames(struct converter *c, struct profile *p)
{
	const struct kallsyms *k;
	struct profile *q;
	char **names;
	size_t i;
	unsigned col;

	if (!c->npending)
		return p;
	k = symcache__kernel(&c->syms);
	names = xcalloc(p->frames.n, sizeof(*names));
	for (i = 0; i < c->npending; i++) {
		const char *name = k ? kallsyms__lookup(k, c->pending[i].addr) : NULL;
		u32 f = c->pending[i].frame;

		if (!name)
			c->stats.unnamed += c->frame_uses[f];
		snprintf(c->namebuf, sizeof(c->namebuf), "%s_[k]", name ? name : "[unknown]");
		names[f] = xstrdup(c->namebuf);
	}
	q = profile__new(p->ncols);
	for (col = 0; col < p->ncols; col++) {
		char type[128], unit[128];
		size_t tl, ul;
		const char *t = strtab__get(&p->strings, p->types[col].type, &tl);
		const char *u = strtab__get(&p->strings, p->types[col].unit, &ul);

		snprintf(type, sizeof(type), "%.*s", (int)tl, t);
		snprintf(unit, sizeof(unit), "%.*s", (int)ul, u);
		profile__set_value_type(q, col, type, unit);
	}
	profile__merge_renamed(q, p, (const char *const *)names);
	for (i = 0; i < c->npending; i++)
		free(names[c->pending[i].frame]);
	free(names);
	profile__free(p);
	c->npending = 0;
	memset(c->frame_uses, 0, c->frame_uses_cap * sizeof(*c->frame_uses));
	return q;
}

struct profile *converter__take(struct converter *c)
{
	struct profile *p = name_pending_kernel_frames(c, c->prof);

	c->prof = profile__new(1);
	memset(c->fcache, 0, (c->fcache_mask + 1) * sizeof(*c->fcache));
	c->fcache_n = 0;
	return p;
}

void converter__prefetch(struct converter *c)
{
	if (c->opts.kernel && !c->opts.defer_kernel_names)
		symcache__prefetch_kernel(&c->syms);
}

const struct converter_stats *converter__stats(const struct converter *c)
{
	return &c->stats;
}

static struct process *process_get(struct converter *c, u32 pid)
{
	struct process *p = idtable__get(&c->procs, pid);

	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->pid = pid;
		maps__init(&p->maps);
		perfmap__init(&p->jit);
		idtable__put(&c->procs, pid, p);
	}
	return p;
}

static struct thread *thread_get(struct converter *c, u32 pid, u32 tid)
{
	struct thread *t = idtable__get(&c->threads, tid);

	if (!t) {
		t = xcalloc(1, sizeof(*t));
		t->tid = tid;
		t->pid = pid;
		memcpy(t->comm, ":", 2);
		idtable__put(&c->threads, tid, t);
	}
	return t;
}

static void set_comm(struct thread *t, const char *comm, size_t len)
{
	if (len > COMM_LEN)
		len = COMM_LEN;
	memcpy(t->comm, comm, len);
	t->comm[len] = 0;
}

static void add_mapping(struct converter *c, u32 pid, u64 start, u64 len, u64 pgoff, const char *path,
			size_t path_len, const u8 *bid, size_t bid_len, bool exec)
{
	struct process *p = process_get(c, pid);
	struct map m = { 0 };

	if (!exec)
		return;	/* only code is ever looked up */
	m.start = start;
	m.end = start + len;
	m.pgoff = pgoff;
	m.exec = exec;
	m.path = symcache__path(&c->syms, path, path_len);
	m.build_id_len = (u8)(bid_len > 20 ? 20 : bid_len);
	if (bid_len)
		memcpy(m.build_id, bid, m.build_id_len);
	maps__insert(&p->maps, &m);
}

/* The object behind mapping @m, resolved on first use. */
static struct elf_object *map_object(struct converter *c, struct map *m, u32 pid)
{
	if (!m->resolved) {
		m->resolved = true;
		m->obj = symcache__object(&c->syms, m, (int)pid);
	}
	return m->obj;
}

/* File (ELF) address of @pc inside @m. */
static bool map_vaddr(const struct map *m, u64 pc, u64 *vaddr)
{
	return m->obj && elf_object__file_to_vaddr(m->obj, pc - m->start + m->pgoff, vaddr);
}

/* The unwinder's address-space lookup for one sample, remembering the last answer. */
struct find_ctx {
	struct converter *c;
	struct process *p;
	u64 lo, hi;			/* last answer holds for PCs in [lo, hi) */
	struct unwind_module last;
};

static bool find_module(void *ctx, u64 pc, struct unwind_module *um)
{
	struct find_ctx *f = ctx;
	struct map *m;
	const struct elf_load *l;

	if (pc >= f->lo && pc < f->hi) {
		*um = f->last;
		return true;
	}
	m = maps__find(&f->p->maps, pc);
	if (!m)
		return false;
	um->cfi = NULL;
	um->bias = 0;
	f->lo = f->hi = 0;
	if (map_object(f->c, m, f->p->pid) &&
	    (l = elf_object__load_at(m->obj, pc - m->start + m->pgoff))) {
		um->cfi = elf_object__cfi(m->obj);
		um->bias = m->start - m->pgoff + l->offset - l->vaddr;
		um->entry = m->obj->entry;
		/* the same answer for the rest of this segment inside this mapping */
		f->lo = m->start - m->pgoff + l->offset;
		f->hi = f->lo + l->filesz;
		if (f->lo < m->start)
			f->lo = m->start;
		if (f->hi > m->end)
			f->hi = m->end;
		f->last = *um;
	}
	return true;
}

static struct frame_key *fcache_slot(struct converter *c, const void *obj, u64 addr, bool *found)
{
	size_t i = hash_mix64(addr ^ (u64)(uintptr_t)obj * 0x9e3779b97f4a7c15ULL) & c->fcache_mask;

	while (c->fcache[i].obj || c->fcache[i].addr) {
		if (c->fcache[i].obj == obj && c->fcache[i].addr == addr) {
			*found = true;
			return &c->fcache[i];
		}
		i = (i + 1) & c->fcache_mask;
	}
	*found = false;
	c->fcache[i].obj = obj;
	c->fcache[i].addr = addr;
	c->fcache_n++;
	return &c->fcache[i];
}

static void fcache_grow(struct converter *c)
{
	struct frame_key *old = c->fcache;
	size_t omask = c->fcache_mask, i;
	bool found;

	if ((c->fcache_n + 1) * 2 <= c->fcache_mask + 1)
		return;
	c->fcache_mask = c->fcache_mask * 2 + 1;
	c->fcache = xcalloc(c->fcache_mask + 1, sizeof(*c->fcache));
	c->fcache_n = 0;
	for (i = 0; i <= omask; i++)
		if (old[i].obj || old[i].addr)
			*fcache_slot(c, old[i].obj, old[i].addr, &found) = old[i];
	free(old);
}

static u32 named_frame(struct converter *c, const char *name, enum frame_kind kind, bool unnamed)
{
	char *d = NULL;
	u32 id;

	if (!unnamed && kind == FRAME_KIND__USER)
		d = demangle(name);
	if (d) {
		id = profile__frame(c->prof, d, strlen(d), kind);
		free(d);
	} else {
		id = profile__frame(c->prof, name, strlen(name), kind);
	}
	return id;
}

/* Frame id for user PC @f in process @p; *@unnamed tells whether it got a real name. */
static u32 user_frame(struct converter *c, struct process *p, const struct unwind_frame *f, bool *unnamed)
{
	struct map *m = maps__find(&p->maps, f->lookup);
	struct elf_object *o;
	const struct elf_symbol *s;
	u64 vaddr;
	struct frame_key *slot;
	bool found;
	u32 id;

	*unnamed = true;
	if (!m)
		return profile__frame(c->prof, "[unknown]", 9, FRAME_KIND__USER);
	o = map_object(c, m, p->pid);
	if (!o || !map_vaddr(m, f->lookup, &vaddr)) {
		/* anonymous code: a JIT's /tmp/perf-PID.map, else unknown */
		const struct perfmap_entry *e;
		char path[64];

		snprintf(path, sizeof(path), "/tmp/perf-%u.map", p->pid);
		if (!p->jit_tried || !perfmap__lookup(&p->jit, f->lookup)) {
			p->jit_tried = true;
			if (perfmap__refresh(&p->jit, path))
				p->jit.loaded_size = -1;
		}
		e = perfmap__lookup(&p->jit, f->lookup);
		if (e) {
			*unnamed = false;
			return profile__frame(c->prof, p->jit.names + e->name,
					      strlen(p->jit.names + e->name), FRAME_KIND__JIT);
		}
		if (o) {
			snprintf(c->namebuf, sizeof(c->namebuf), "[%s]", o->base);
			return profile__frame(c->prof, c->namebuf, strlen(c->namebuf), FRAME_KIND__USER);
		}
		if (m->path) {	/* a file ember could not open: its name, as perf shows it */
			size_t len;
			const char *path = strtab__get(&c->syms.paths, m->path, &len);
			const char *slash = memrchr(path, '/', len);

			if (slash) {
				len -= (size_t)(slash + 1 - path);
				path = slash + 1;
			}
			snprintf(c->namebuf, sizeof(c->namebuf), "[%.*s]", (int)len, path);
			return profile__frame(c->prof, c->namebuf, strlen(c->namebuf), FRAME_KIND__USER);
		}
		return profile__frame(c->prof, "[unknown]", 9, FRAME_KIND__USER);
	}
	fcache_grow(c);
	slot = fcache_slot(c, o, vaddr, &found);
	if (found) {
		*unnamed = slot->unnamed;
		return slot->frame;
	}
	s = elf_object__lookup(o, vaddr);
	if (s) {
		*unnamed = false;
		id = named_frame(c, o->names + s->name, FRAME_KIND__USER, false);
	} else if (f->signal) {
		/* the CFI says signal trampoline: glibc's (local, stripped) __restore_rt */
		*unnamed = false;
		id = named_frame(c, "__restore_rt", FRAME_KIND__USER, false);
	} else if (f->func_start && f->func_start == o->entry) {
		/* the entry point of a stripped program or of ld.so is its _start */
		*unnamed = false;
		id = named_frame(c, "_start", FRAME_KIND__USER, false);
	} else if (f->func_start) {
		snprintf(c->namebuf, sizeof(c->namebuf), "%s+0x%llx", o->base,
			 (unsigned long long)f->func_start);
		id = named_frame(c, c->namebuf, FRAME_KIND__USER, true);
	} else {
		snprintf(c->namebuf, sizeof(c->namebuf), "[%s]", o->base);
		id = named_frame(c, c->namebuf, FRAME_KIND__USER, true);
	}
	slot->frame = id;
	slot->unnamed = *unnamed;
	return id;
}

/* defer_kernel_names: a frame named by its address, for now; counted for the end. */
static u32 pending_kernel_frame(struct converter *c, u64 addr)
{
	struct frame_key *slot;
	bool found;

	fcache_grow(c);
	slot = fcache_slot(c, NULL, addr ? addr : 1, &found);
	if (!found) {
		snprintf(c->namebuf, sizeof(c->namebuf), "[kernel 0x%llx]", (unsigned long long)addr);
		slot->frame = profile__frame(c->prof, c->namebuf, strlen(c->namebuf), FRAME_KIND__KERNEL);
		slot->unnamed = false;
		XGROW(c->pending, c->pending_cap, c->npending + 1);
		c->pending[c->npending].frame = slot->frame;
		c->pending[c->npending++].addr = addr;
	}
	if (slot->frame >= c->frame_uses_cap) {
		size_t old = c->frame_uses_cap, n = (size_t)slot->frame * 2 + 64;

		c->frame_uses = xrealloc(c->frame_uses, n * sizeof(*c->frame_uses));
		memset(c->frame_uses + old, 0, (n - old) * sizeof(*c->frame_uses));
		c->frame_uses_cap = n;
	}
	c->frame_uses[slot->frame]++;
	return slot->frame;
}

static u32 kernel_frame(struct converter *c, u64 addr, bool *unnamed)
{
	const struct kallsyms *k;
	const char *name;
	struct frame_key *slot;
	bool found;

	if (c->opts.defer_kernel_names) {
		*unnamed = false;	/* counted when named */
		return pending_kernel_frame(c, addr);
	}
	k = symcache__kernel(&c->syms);
	name = k ? kallsyms__lookup(k, addr) : NULL;
	*unnamed = !name;
	fcache_grow(c);
	slot = fcache_slot(c, NULL, addr ? addr : 1, &found);
	if (found)
		return slot->frame;
	snprintf(c->namebuf, sizeof(c->namebuf), "%s_[k]", name ? name : "[unknown]");
	slot->frame = profile__frame(c->prof, c->namebuf, strlen(c->namebuf), FRAME_KIND__KERNEL);
	slot->unnamed = *unnamed;
	return slot->frame;
}

/*
 * Whether @addr, a tracepoint sample's leaf, is in a __traceiter_* function:
 * with more than one probe on a tracepoint (another tracer, or ember's own
 * BPF program) the kernel calls them through this iterator, one frame that
 * belongs to the tracing, not to the task (a sched_switch stack would end
 * in it only while another tool runs). Only when names are resolved as
 * samples come (off-CPU); on-CPU leaves are never in it.
 */
static bool tracepoint_iterator(struct converter *c, u64 addr)
{
	const struct kallsyms *k;
	const char *name;

	if (c->opts.defer_kernel_names || !(k = symcache__kernel(&c->syms)))
		return false;
	name = kallsyms__lookup(k, addr);
	return name && !strncmp(name, "__traceiter_", 12);
}

static void regs_from_sample(const struct event_sample *s, struct unwind_regs *r)
{
	/* perf order (mask bits 0-8, 16-23) → DWARF numbering */
	static const u8 dwarf_of[PERF_EVENT_NREGS] = {
		UNWIND_REG__RAX, UNWIND_REG__RBX, UNWIND_REG__RCX, UNWIND_REG__RDX,
		UNWIND_REG__RSI, UNWIND_REG__RDI, UNWIND_REG__RBP, UNWIND_REG__RSP,
		UNWIND_REG__RIP, UNWIND_REG__R8, UNWIND_REG__R9, UNWIND_REG__R10,
		UNWIND_REG__R11, UNWIND_REG__R12, UNWIND_REG__R13, UNWIND_REG__R14,
		UNWIND_REG__R15,
	};
	unsigned i;

	r->valid = 0;
	for (i = 0; i < PERF_EVENT_NREGS; i++) {
		r->r[dwarf_of[i]] = s->regs[i];
		r->valid |= 1u << dwarf_of[i];
	}
}

/* check_unwind: unwind the same sample with libdwfl and count disagreements. */
static void check_with_oracle(struct converter *c, struct process *p, u32 tid, const struct unwind_regs *regs,
			      const struct unwind_stack *st, size_t n)
{
	u64 pcs[MAX_FRAMES];
	size_t m, i;
	bool complete;

	if (!p->oracle_tried) {
		p->oracle_tried = true;
		p->oracle = unwind_oracle__new((int)p->pid);
	}
	if (!p->oracle)
		return;
	m = unwind_oracle__stack(p->oracle, (int)tid, regs, st, pcs, MAX_FRAMES, &complete);
	c->stats.oracle_checked++;
	for (i = 0; i < n && i < m && pcs[i] == c->frames[i].pc; i++)
		;
	if (i != n || i != m)
		c->stats.oracle_differ++;
}

static void count_end(struct converter_stats *st, enum unwind_end end)
{
	switch (end) {
	case UNWIND_END__COMPLETE: return;
	case UNWIND_END__STACK: st->end_stack++; break;
	case UNWIND_END__NO_MAP: st->end_no_map++; break;
	case UNWIND_END__NO_CFI: st->end_no_cfi++; break;
	case UNWIND_END__DEPTH: st->end_depth++; break;
	default: st->end_bad++; break;
	}
	st->incomplete++;
}

static void add_sample(struct converter *c, const struct event *ev)
{
	const struct event_sample *s = &ev->sample;
	struct thread *t = thread_get(c, ev->pid, ev->tid);
	struct process *p = process_get(c, ev->pid);
	size_t nf = 0, nuser = 0, i;
	u32 stack = STACK_ROOT;
	u64 ctx = s->kernel_chain ? PERF_CONTEXT_KERNEL : 0;
	bool unnamed;
	int n;

	if (c->opts.sample_base) {
		const char *base = c->opts.sample_base(c->opts.hook_ctx, ev);

		if (base)
			stack = stack_trie__child(&c->prof->stacks, stack,
						  profile__frame(c->prof, base, strlen(base), FRAME_KIND__ROOT));
	}
	/* root: comm[-PID[/TID]] */
	if (c->opts.include_tid)
		n = snprintf(c->namebuf, sizeof(c->namebuf), "%s-%u/%u", t->comm, ev->pid, ev->tid);
	else if (c->opts.include_pid)
		n = snprintf(c->namebuf, sizeof(c->namebuf), "%s-%u", t->comm, ev->pid);
	else
		n = snprintf(c->namebuf, sizeof(c->namebuf), "%s", t->comm);
	stack = stack_trie__child(&c->prof->stacks, stack,
				  profile__frame(c->prof, c->namebuf, (size_t)n, FRAME_KIND__ROOT));
	/* 32-bit (compat) tasks: i386 CFI and registers, which this unwinder does not speak */
	if (s->abi && s->abi != PERF_SAMPLE_REGS_ABI_64) {
		c->stats.user_samples++;
		c->stats.incomplete++;
		c->stats.end_bad++;
		c->frames[0] = (struct unwind_frame){ s->ip, s->ip, 0, false, 0 };
		nuser = 1;
	} else if (s->abi && s->dyn_size) {
		struct unwind_regs regs;
		struct unwind_stack st = { s->regs[7], s->stack, (size_t)s->dyn_size };
		struct find_ctx fc = { c, p, 0, 0, { NULL, 0, 0 } };
		enum unwind_end end;

		struct timespec t0, t1;

		regs_from_sample(s, &regs);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		end = unwind__stack(&regs, &st, find_module, &fc, c->frames, MAX_FRAMES, &nuser);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c->stats.unwind_ns += (u64)((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
		c->stats.user_frames += nuser;
		c->stats.user_samples++;
		if (c->opts.check_unwind)
			check_with_oracle(c, p, ev->tid, &regs, &st, nuser);
		count_end(&c->stats, end);
		if (c->opts.unwound)
			c->opts.unwound(c->opts.hook_ctx, ev, end == UNWIND_END__COMPLETE, end == UNWIND_END__STACK,
					nuser ? c->frames[nuser - 1].sp : 0);
	} else if (s->abi) {
		c->stats.user_samples++;
		c->stats.incomplete++;
		c->stats.end_stack++;
		c->frames[0] = (struct unwind_frame){ s->regs[8], s->regs[8], 0, false, 0 };
		nuser = 1;
	}
	for (i = nuser; i-- > 0;) {
		c->stack_frames[nf++] = user_frame(c, p, &c->frames[i], &unnamed);
		c->stats.frames++;
		c->stats.unnamed += unnamed;
	}
	if (c->opts.kernel) {
		size_t first = nf;

		for (i = 0; i < s->nr && nf < ARRAY_SIZE(c->stack_frames); i++) {
			u64 ip;

			memcpy(&ip, &s->ips[i], 8);
			if (ip >= PERF_CONTEXT_MAX) {
				ctx = ip;
				continue;
			}
			if (ctx != PERF_CONTEXT_KERNEL)
				continue;
			if (nf == first && tracepoint_iterator(c, ip))
				continue;
			c->stack_frames[nf++] = kernel_frame(c, ip, &unnamed);
			c->stats.frames++;
			c->stats.unnamed += unnamed;
		}
		/* the callchain lists the leaf first: reverse the kernel part */
		for (i = 0; i < (nf - first) / 2; i++) {
			u32 tmp = c->stack_frames[first + i];

			c->stack_frames[first + i] = c->stack_frames[nf - 1 - i];
			c->stack_frames[nf - 1 - i] = tmp;
		}
	}
	for (i = 0; i < nf; i++)
		stack = stack_trie__child(&c->prof->stacks, stack, c->stack_frames[i]);
	{
		u64 w = c->opts.sample_weight ? c->opts.sample_weight(c->opts.hook_ctx, ev, stack) : 1;

		if (w)
			profile__add(c->prof, stack, 0, w);
	}
	c->stats.samples++;
}

void converter__sample(struct converter *c, const struct event *ev)
{
	add_sample(c, ev);
}

int converter__record(struct converter *c, const struct perf_event_header *h)
{
	struct event ev;
	struct thread *t;
	struct process *p;

	if (event__decode(h, &ev)) {
		c->stats.bad_records++;
		return -EM_E_BAD_INPUT;
	}
	switch (ev.kind) {
	case EVENT_KIND__SAMPLE:
		add_sample(c, &ev);
		break;
	case EVENT_KIND__MMAP:
		add_mapping(c, ev.pid, ev.mmap.start, ev.mmap.len, ev.mmap.pgoff, ev.mmap.filename,
			    strlen(ev.mmap.filename), ev.mmap.build_id, ev.mmap.build_id_size,
			    h->type == PERF_RECORD_MMAP || (ev.mmap.prot & 4 /* PROT_EXEC */));
		break;
	case EVENT_KIND__COMM:
		t = thread_get(c, ev.pid, ev.tid);
		set_comm(t, ev.comm.comm, strlen(ev.comm.comm));
		if (ev.comm.exec) {
			p = process_get(c, ev.pid);
			maps__clear(&p->maps);
		}
		break;
	case EVENT_KIND__FORK: {
		struct thread *parent = idtable__get(&c->threads, ev.task.ptid);

		t = thread_get(c, ev.pid, ev.tid);
		t->pid = ev.pid;
		if (parent)
			memcpy(t->comm, parent->comm, sizeof(t->comm));
		if (ev.pid != ev.task.ppid) {
			struct process *pp = idtable__get(&c->procs, ev.task.ppid);

			p = process_get(c, ev.pid);
			if (pp && pp != p)
				maps__copy(&p->maps, &pp->maps);
		}
		break;
	}
	case EVENT_KIND__EXIT:
		/*
		 * The process is gone (records are in time order, so none of its
		 * samples follow): free its address space, which is what grows
		 * during a long -a recording on a machine that runs many processes.
		 */
		if (ev.pid == ev.tid && (p = idtable__get(&c->procs, ev.pid))) {
			maps__release(&p->maps);
			perfmap__release(&p->jit);
			p->jit_tried = false;
			unwind_oracle__free(p->oracle);
			p->oracle = NULL;
			p->oracle_tried = false;
		}
		break;
	case EVENT_KIND__LOST:
		c->stats.lost += ev.lost;
		break;
	default:
		break;
	}
	return 0;
}

static int read_small_file(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	*len = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[*len] = 0;
	while (*len && (buf[*len - 1] == '\n'))
		buf[--*len] = 0;
	return 0;
}

int converter__load_proc(struct converter *c, int pid)
{
	char path[128], line[4352];
	struct dirent *e;
	size_t len = 0;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		int tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
		if (!read_small_file(path, line, sizeof(line), &len))
			set_comm(thread_get(c, (u32)pid, (u32)tid), line, len);
	}
	closedir(d);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	process_get(c, (u32)pid);
	while (fgets(line, sizeof(line), f)) {
		struct proc_maps_line ml;

		len = strlen(line);
		if (len && line[len - 1] == '\n')
			len--;
		if (proc_maps__parse_line(line, len, &ml) || !ml.exec)
			continue;
		add_mapping(c, (u32)pid, ml.start, ml.end - ml.start, ml.pgoff, ml.path ? ml.path : "",
			    ml.path_len, NULL, 0, true);
	}
	fclose(f);
	return 0;
}
