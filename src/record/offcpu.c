/*
 * offcpu.c - the off-CPU state machine (pending switch-outs per tid, totals
 * per (stack, state)), its filters and drop counts, and copying the result
 * (and on-CPU samples, for hot/cold) into a profile weighted in ns.
 */
#include "record/offcpu.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending {
	u32 tid;		/* 0 = empty slot */
	u32 stack;
	u64 time;
	u64 thresh;		/* the switch-out's sampling probability times OFFCPU_P_ONE */
	u8 state;
	bool active;		/* a switch-out waiting for its switch-in */
	bool running;		/* switched in at in_time, not out since */
	u64 in_time;
	u64 run_period;		/* periods of on-CPU samples since in_time */
	u32 run_samples;	/* ...and their number */
	u32 sampled_n;		/* samples inside complete on-CPU intervals, */
	u64 measured_ns;	/* the intervals' length, summed... */
	u64 sampled_ns;		/* ...and the periods of their samples */
	u64 task_ns[OFFCPU_STATE__COUNT];	/* blocked time accounted, per state (offcpu__task_ns) */
	u64 exact_ns[OFFCPU_STATE__COUNT];	/* offcpu__task_exact: the exact time... */
	u64 est_ns[OFFCPU_STATE__COUNT];	/* ...and task_ns at that point */
};

/* Fewer samples than this in complete intervals: the correction would be noise, periods stand. */
#define ONCPU_MIN_SAMPLES 20

struct oncpu_total {
	u32 tid, stack;
	u64 period;		/* sum of sample periods */
};

struct offcpu {
	struct offcpu_opts o;
	struct offcpu_stats st;
	struct pending *slots;	/* open addressing on tid; a tid keeps its slot */
	size_t mask, used;
	struct offcpu_total *totals;
	size_t ntotals, tcap;
	u32 *tslots;		/* open addressing: index into totals + 1, 0 = empty */
	size_t tmask;
	struct oncpu_total *on;	/* hot/cold samples per (tid, stack) */
	size_t non, oncap;
	u32 *oslots;		/* open addressing: index into on + 1, 0 = empty */
	size_t omask;
};

struct offcpu *offcpu__new(const struct offcpu_opts *o)
{
	struct offcpu *oc = xcalloc(1, sizeof(*oc));

	oc->o = *o;
	if (!oc->o.states)
		oc->o.states = OFFCPU_STATES_BLOCKED;
	oc->mask = 1023;
	oc->slots = xcalloc(oc->mask + 1, sizeof(*oc->slots));
	oc->tmask = 1023;
	oc->tslots = xcalloc(oc->tmask + 1, sizeof(*oc->tslots));
	oc->omask = 1023;
	oc->oslots = xcalloc(oc->omask + 1, sizeof(*oc->oslots));
	return oc;
}

void offcpu__free(struct offcpu *oc)
{
	if (!oc)
		return;
	free(oc->slots);
	free(oc->totals);
	free(oc->tslots);
	free(oc->on);
	free(oc->oslots);
	free(oc);
}

enum offcpu_state offcpu__state(u64 prev_state)
{
	u64 s = prev_state & 0xff;	/* above: TASK_REPORT_MAX, the "preempted" mark */

	if (!s)
		return OFFCPU_STATE__R;
	if (s & 1)
		return OFFCPU_STATE__S;
	if (s & 2)
		return OFFCPU_STATE__D;
	return OFFCPU_STATE__OTHER;
}

const char *offcpu_state__name(enum offcpu_state s)
{
	static const char *const names[] = { "R", "S", "D", "other" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "other";
}

static struct pending *pending_slot(struct offcpu *oc, u32 tid, bool add);

static void grow_pending(struct offcpu *oc)
{
	struct pending *old = oc->slots;
	size_t i, n = oc->mask + 1;

	oc->mask = n * 2 - 1;
	oc->slots = xcalloc(n * 2, sizeof(*oc->slots));
	oc->used = 0;
	for (i = 0; i < n; i++)
		if (old[i].tid)
			*pending_slot(oc, old[i].tid, true) = old[i];
	free(old);
}

/* The slot of @tid; with @add, a fresh one when it has none (else NULL). */
static struct pending *pending_slot(struct offcpu *oc, u32 tid, bool add)
{
	size_t i;

	if (add && (oc->used + 1) * 2 > oc->mask + 1)
		grow_pending(oc);
	for (i = hash_mix64(tid) & oc->mask;; i = (i + 1) & oc->mask) {
		struct pending *p = &oc->slots[i];

		if (p->tid == tid)
			return p;
		if (!p->tid) {
			if (!add)
				return NULL;
			memset(p, 0, sizeof(*p));
			p->tid = tid;
			oc->used++;
			return p;
		}
	}
}

/*
 * Double the index table *@slots (open addressing, entry index + 1, 0 =
 * empty; *@mask + 1 slots) and re-insert entries 0..@n-1, hashed by @hash.
 */
static void index_grow(u32 **slots, size_t *mask, size_t n, u64 (*hash)(const struct offcpu *, size_t),
		       const struct offcpu *oc)
{
	size_t k, i;

	free(*slots);
	*mask = *mask * 2 + 1;
	*slots = xcalloc(*mask + 1, sizeof(**slots));
	for (k = 0; k < n; k++) {
		for (i = hash(oc, k) & *mask; (*slots)[i]; i = (i + 1) & *mask)
			;
		(*slots)[i] = (u32)k + 1;
	}
}

static u64 total_hash(const struct offcpu *oc, size_t k)
{
	return hash_pair(oc->totals[k].stack, oc->totals[k].state | (u64)oc->totals[k].tid << 8);
}

static u64 oncpu_hash(const struct offcpu *oc, size_t k)
{
	return hash_pair(oc->on[k].tid, oc->on[k].stack);
}

static struct offcpu_total *total_slot(struct offcpu *oc, u32 stack, u8 state, u32 tid)
{
	size_t i;

	if ((oc->ntotals + 1) * 2 > oc->tmask + 1)
		index_grow(&oc->tslots, &oc->tmask, oc->ntotals, total_hash, oc);
	for (i = hash_pair(stack, state | (u64)tid << 8) & oc->tmask; oc->tslots[i]; i = (i + 1) & oc->tmask) {
		struct offcpu_total *t = &oc->totals[oc->tslots[i] - 1];

		if (t->stack == stack && t->state == state && t->tid == tid)
			return t;
	}
	if (oc->ntotals == oc->tcap)
		XGROW(oc->totals, oc->tcap, oc->ntotals + 1);
	oc->tslots[i] = (u32)oc->ntotals + 1;
	oc->totals[oc->ntotals] = (struct offcpu_total){ .stack = stack, .tid = tid, .state = state };
	return &oc->totals[oc->ntotals++];
}

static u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

void offcpu__switch_out_sampled(struct offcpu *oc, u32 tid, u64 time, enum offcpu_state state, u32 stack,
				u64 thresh)
{
	struct pending *p;

	if (!tid)
		return;
	oc->st.switches_out++;
	p = pending_slot(oc, tid, true);
	if (p->active)
		oc->st.double_out++;
	p->active = true;
	p->time = time;
	p->stack = stack;
	p->state = (u8)state;
	p->thresh = thresh && thresh < OFFCPU_P_ONE ? thresh : OFFCPU_P_ONE;
}

void offcpu__switch_out(struct offcpu *oc, u32 tid, u64 time, u64 prev_state, u32 stack)
{
	offcpu__switch_out_sampled(oc, tid, time, offcpu__state(prev_state), stack, OFFCPU_P_ONE);
}

void offcpu__run_end(struct offcpu *oc, u32 tid, u64 time)
{
	struct pending *p;

	if (!tid || !(p = pending_slot(oc, tid, false)) || !p->running)
		return;
	if (time >= p->in_time) {
		p->measured_ns += time - p->in_time;
		p->sampled_ns += p->run_period;
		p->sampled_n += p->run_samples;
		oc->st.oncpu_measured_ns += time - p->in_time;
		oc->st.oncpu_sampled_ns += p->run_period;
	}
	p->running = false;
}

bool offcpu__kernel_filter(unsigned states, char *buf, size_t size)
{
	/* offcpu__state: bit 0 makes S, else bit 1 makes D */
	if (states == OFFCPU_STATES_BLOCKED)
		return (size_t)snprintf(buf, size, "prev_state & 3") < size;
	if (states == OFFCPU_STATE_BIT(OFFCPU_STATE__S))
		return (size_t)snprintf(buf, size, "prev_state & 1") < size;
	return false;
}

void offcpu__switch_in(struct offcpu *oc, u32 tid, u64 time)
{
	struct pending *p;
	struct offcpu_total *t;
	u64 ns;

	if (!tid)
		return;
	oc->st.switches_in++;
	p = pending_slot(oc, tid, true);
	p->running = true;
	p->in_time = time;
	p->run_period = 0;
	p->run_samples = 0;
	if (!p->active) {
		oc->st.in_without_out += !oc->o.kernel_filtered;
		return;
	}
	p->active = false;
	if (time < p->time) {
		oc->st.time_backwards++;
		return;
	}
	ns = time - p->time;
	if (!(oc->o.states & OFFCPU_STATE_BIT(p->state))) {
		oc->st.state_filtered++;
		oc->st.state_filtered_ns = sat_add(oc->st.state_filtered_ns, ns);
		return;
	}
	if (ns < oc->o.min_block_ns) {
		oc->st.too_short++;
		oc->st.too_short_ns = sat_add(oc->st.too_short_ns, ns);
		return;
	}
	if (oc->o.max_block_ns && ns > oc->o.max_block_ns) {
		oc->st.too_long++;
		oc->st.too_long_ns = sat_add(oc->st.too_long_ns, ns);
		return;
	}
	if (p->stack == OFFCPU_NO_STACK) {
		oc->st.no_stack++;
		oc->st.no_stack_ns = sat_add(oc->st.no_stack_ns, ns);
		return;
	}
	if (p->thresh < OFFCPU_P_ONE) {	/* Horvitz-Thompson: weight 1/p */
		double w = (double)ns * (double)OFFCPU_P_ONE / (double)p->thresh;

		ns = w >= 1.8e19 ? UINT64_MAX : (u64)(w + 0.5);
	}
	t = total_slot(oc, p->stack, p->state, oc->o.per_task ? tid : 0);
	t->ns = sat_add(t->ns, ns);
	p->task_ns[p->state] = sat_add(p->task_ns[p->state], ns);
	t->blocks++;
	oc->st.blocks++;
	oc->st.blocked_ns = sat_add(oc->st.blocked_ns, ns);
}

/* Deactivate every pending switch-out; returns how many there were. */
static u64 drop_pending(struct offcpu *oc)
{
	size_t i;
	u64 n = 0;

	for (i = 0; i <= oc->mask; i++)
		if (oc->slots[i].tid && oc->slots[i].active) {
			oc->slots[i].active = false;
			n++;
		}
	for (i = 0; i <= oc->mask; i++)
		oc->slots[i].running = false;	/* their switch-out may be lost too */
	return n;
}

void offcpu__lost(struct offcpu *oc, u64 n)
{
	oc->st.lost_records = sat_add(oc->st.lost_records, n);
	oc->st.lost_pending += drop_pending(oc);
}

void offcpu__finish(struct offcpu *oc)
{
	oc->st.never_in += drop_pending(oc);
}

u64 offcpu__task_ns(const struct offcpu *oc, u32 tid, enum offcpu_state st)
{
	const struct pending *p = tid ? pending_slot((struct offcpu *)oc, tid, false) : NULL;

	return p && (unsigned)st < OFFCPU_STATE__COUNT ? p->task_ns[st] : 0;
}

void offcpu__task_exact(struct offcpu *oc, u32 tid, enum offcpu_state st, u64 exact_ns)
{
	struct pending *p;

	if (!tid || (unsigned)st >= OFFCPU_STATE__COUNT)
		return;
	p = pending_slot(oc, tid, true);
	p->exact_ns[st] = exact_ns;
	p->est_ns[st] = p->task_ns[st];
}

double offcpu__task_weight(void *ctx, u32 tid, enum offcpu_state st)
{
	const struct pending *p = tid ? pending_slot(ctx, tid, false) : NULL;

	if (!p || (unsigned)st >= OFFCPU_STATE__COUNT || !p->exact_ns[st] || !p->est_ns[st])
		return 1.0;
	return (double)p->exact_ns[st] / (double)p->est_ns[st];
}

const struct offcpu_total *offcpu__totals(const struct offcpu *oc, size_t *n)
{
	*n = oc->ntotals;
	return oc->totals;
}

const struct offcpu_stats *offcpu__stats(const struct offcpu *oc)
{
	return &oc->st;
}

/* A frame of @dst named @name (@len bytes) + @suffix. */
static u32 frame_with_suffix(struct profile *dst, const char *name, size_t len, enum frame_kind kind,
			     const char *suffix, char **buf, size_t *cap)
{
	size_t sl = suffix ? strlen(suffix) : 0;

	if (!sl)
		return profile__frame(dst, name, len, kind);
	XGROW(*buf, *cap, len + sl);
	memcpy(*buf, name, len);
	memcpy(*buf + len, suffix, sl);
	return profile__frame(dst, *buf, len + sl, kind);
}

/*
 * Copy @stack of @src into @dst: the root frame as is, then (when @state is
 * not NULL) a state frame, then the other frames; @suffix on all but the root.
 * Returns the stack id in @dst.
 */
static u32 copy_stack(struct profile *dst, const struct profile *src, u32 stack, const char *state,
		      const char *suffix, u32 **path, size_t *pcap, char **buf, size_t *bcap)
{
	u32 d = src->stacks.depth[stack], k, s, node = STACK_ROOT;

	XGROW(*path, *pcap, (size_t)d + 1);
	for (k = d, s = stack; s != STACK_ROOT; s = src->stacks.parent[s])
		(*path)[--k] = src->stacks.frame[s];
	for (k = 0; k < d || (k == 0 && state); k++) {
		if (k < d) {
			const struct frame *f = frame_table__get(&src->frames, (*path)[k]);
			size_t len;
			const char *name = strtab__get(&src->strings, f->name, &len);
			u32 fr = k ? frame_with_suffix(dst, name, len, f->kind, suffix, buf, bcap)
				   : profile__frame(dst, name, len, f->kind);

			node = stack_trie__child(&dst->stacks, node, fr);
		}
		if (k == 0 && state) {
			char sname[16];
			int n = snprintf(sname, sizeof(sname), "[%s]", state);

			node = stack_trie__child(&dst->stacks, node,
						 frame_with_suffix(dst, sname, (size_t)n, FRAME_KIND__USER,
								   suffix, buf, bcap));
		}
	}
	return node;
}

void offcpu__emit(const struct offcpu *oc, const struct profile *src, struct profile *dst, unsigned col,
		  const struct offcpu_emit_opts *eo)
{
	u32 *path = NULL;
	char *buf = NULL;
	size_t pcap = 0, bcap = 0, i;

	for (i = 0; i < oc->ntotals; i++) {
		const struct offcpu_total *t = &oc->totals[i];
		u32 node;

		if (t->stack == OFFCPU_NO_STACK || t->stack >= stack_trie__count(&src->stacks))
			continue;
		node = copy_stack(dst, src, t->stack, eo->state_frame ? offcpu_state__name(t->state) : NULL,
				  eo->suffix, &path, &pcap, &buf, &bcap);
		if ((eo->scale || eo->weight) && t->state < OFFCPU_STATE__COUNT) {
			double ns = (double)t->ns;

			if (eo->weight)
				ns *= eo->weight(eo->weight_ctx, t->tid, (enum offcpu_state)t->state);
			if (eo->scale)
				ns *= eo->scale[t->state];
			profile__add(dst, node, col, ns >= 1.8e19 ? UINT64_MAX : (u64)(ns + 0.5));
		} else {
			profile__add(dst, node, col, t->ns);
		}
	}
	free(path);
	free(buf);
}

void offcpu__oncpu_sample(struct offcpu *oc, u32 tid, u32 stack, u64 period)
{
	struct pending *p = tid ? pending_slot(oc, tid, true) : NULL;
	size_t i;

	oc->st.oncpu_samples++;
	if (p && p->running) {
		p->run_period = sat_add(p->run_period, period);
		p->run_samples++;
	}
	if ((oc->non + 1) * 2 > oc->omask + 1)
		index_grow(&oc->oslots, &oc->omask, oc->non, oncpu_hash, oc);
	for (i = hash_pair(tid, stack) & oc->omask; oc->oslots[i]; i = (i + 1) & oc->omask) {
		struct oncpu_total *t = &oc->on[oc->oslots[i] - 1];

		if (t->tid == tid && t->stack == stack) {
			t->period = sat_add(t->period, period);
			return;
		}
	}
	if (oc->non == oc->oncap)
		XGROW(oc->on, oc->oncap, oc->non + 1);
	oc->oslots[i] = (u32)oc->non + 1;
	oc->on[oc->non++] = (struct oncpu_total){ tid, stack, period };
}

void offcpu__emit_oncpu(const struct offcpu *oc, const struct profile *src, struct profile *dst, unsigned col)
{
	u32 *path = NULL;
	char *buf = NULL;
	size_t pcap = 0, bcap = 0, i;

	for (i = 0; i < oc->non; i++) {
		const struct oncpu_total *t = &oc->on[i];
		const struct pending *p = t->tid ? pending_slot((struct offcpu *)oc, t->tid, false) : NULL;
		double scale = p && p->sampled_ns && p->sampled_n >= ONCPU_MIN_SAMPLES
				       ? (double)p->measured_ns / (double)p->sampled_ns : 1.0;
		double ns = (double)t->period * scale;

		if (t->stack >= stack_trie__count(&src->stacks))
			continue;
		profile__add(dst, copy_stack(dst, src, t->stack, NULL, NULL, &path, &pcap, &buf, &bcap), col,
			     ns >= 1.8e19 ? UINT64_MAX : (u64)(ns + 0.5));
	}
	free(path);
	free(buf);
}

int offcpu__parse_duration(const char *s, u64 *ns)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e3 },
	};
	char *end;
	double v;
	size_t i;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EM_E_USAGE;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EM_E_USAGE;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			double r = v * units[i].mul;

			if (r >= 1.8e19)
				return -EM_E_USAGE;
			*ns = (u64)(r + 0.5);
			return 0;
		}
	return -EM_E_USAGE;
}

int offcpu__parse_states(const char *s, unsigned *mask)
{
	unsigned m = 0;

	if (!s || !*s)
		return -EM_E_USAGE;
	if (!strcmp(s, "all")) {
		*mask = OFFCPU_STATES_ALL;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'R': case 'r': m |= OFFCPU_STATE_BIT(OFFCPU_STATE__R); break;
		case 'S': case 's': m |= OFFCPU_STATE_BIT(OFFCPU_STATE__S); break;
		case 'D': case 'd': m |= OFFCPU_STATE_BIT(OFFCPU_STATE__D); break;
		case 'O': case 'o': m |= OFFCPU_STATE_BIT(OFFCPU_STATE__OTHER); break;
		case ',': break;
		default: return -EM_E_USAGE;
		}
	}
	if (!m)
		return -EM_E_USAGE;
	*mask = m;
	return 0;
}
