/*
 * offcpu_loader.c - loads offcpu.bpf.c through its libbpf skeleton (CO-RE:
 * one object for any kernel with BTF), sets its read-only configuration,
 * attaches it, and reads its ring buffer and per-CPU counters. Built only
 * with EMBER_HAVE_BPF (see offcpu_bpf.h for the contract and the stubs).
 */
#include "record/offcpu_bpf.h"
#include "record/bpf/loader_common.h"
#include "base/xalloc.h"
#include "offcpu.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNTH_CAP (72u << 10)

struct offcpu_bpf {
	struct offcpu_skel *skel;
	struct ring_buffer *rb;
	offcpu_bpf_record_fn fn;	/* of the drain in progress */
	void *ctx;
	int fn_err;
	u64 bad;			/* records offcpu_bpf__synth refused */
	int ncpus;
	u64 *buf;			/* SYNTH_CAP bytes: one synthesized record */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct offcpu_bpf *b = ctx;
	const struct perf_event_header *h = offcpu_bpf__synth(data, size, b->buf, SYNTH_CAP);

	if (!h) {
		b->bad++;
		return 0;
	}
	b->fn_err = b->fn(b->ctx, h);
	return b->fn_err;
}

int offcpu_bpf__open(struct offcpu_bpf **out, const struct offcpu_bpf_opts *o, struct em_diag *diag)
{
	struct offcpu_bpf *b = xcalloc(1, sizeof(*b));
	unsigned states = o->states ? o->states : OFFCPU_STATES_BLOCKED;
	int err;

	*out = NULL;
	libbpf_set_print(ember_bpf__print);
	b->ncpus = libbpf_num_possible_cpus();
	b->skel = offcpu_skel__open();
	if (!b->skel) {
		err = -errno;
		em_diag__set(diag, NULL, 0, "cannot open the BPF program: %s", strerror(errno));
		goto fail;
	}
	b->skel->rodata->filter_tgids = !o->system_wide;
	b->skel->rodata->states_kept = states;
	b->skel->rodata->min_block_ns = o->min_block_ns;
	b->skel->rodata->max_block_ns = o->max_block_ns;
	b->skel->rodata->stack_size = offcpu_abi__stack_size(o->stack_size);
	b->skel->rodata->ustack_pages = offcpu_abi__ustack_pages(b->skel->rodata->stack_size);
	b->skel->rodata->window_ns = OFFCPU_BPF_WINDOW_NS;
	b->skel->rodata->budget = offcpu_bpf__budget(o);
	err = offcpu_skel__load(b->skel);
	if (err) {
		em_diag__set(diag, NULL, 0, "the kernel refused the BPF program: %s (EMBER_BPF_DEBUG=1 shows why)",
			     strerror(-err));
		goto fail;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_record, b, NULL);
	if (!b->rb) {
		err = -errno;
		em_diag__set(diag, NULL, 0, "cannot map the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	b->buf = xmalloc(SYNTH_CAP);
	*out = b;
	return 0;
fail:
	offcpu_bpf__free(b);
	return err < 0 ? err : -EM_E_UNSUPPORTED;
}

int offcpu_bpf__attach(struct offcpu_bpf *b, struct em_diag *diag)
{
	int err = offcpu_skel__attach(b->skel);

	if (err)
		em_diag__set(diag, NULL, 0, "cannot attach the BPF program to sched_switch: %s", strerror(-err));
	return err;
}

int offcpu_bpf__track(struct offcpu_bpf *b, int tgid, bool from_exec)
{
	u32 key = (u32)tgid;
	u8 v = from_exec ? 2 : 1;

	if (bpf_map__update_elem(b->skel->maps.tgids, &key, sizeof(key), &v, sizeof(v), BPF_ANY))
		return -errno;
	return 0;
}

int offcpu_bpf__drain(struct offcpu_bpf *b, offcpu_bpf_record_fn fn, void *ctx)
{
	int n;

	b->fn = fn;
	b->ctx = ctx;
	b->fn_err = 0;
	n = ring_buffer__consume(b->rb);
	return n < 0 && !b->fn_err ? n : 0;
}

void offcpu_bpf__counters(struct offcpu_bpf *b, struct offcpu_abi_counters *out, u64 *bad)
{
	*bad = b->bad;
	ember_bpf__read_counters(b->skel->maps.cpus, b->ncpus, sizeof(struct offcpu_abi_cpu), sizeof(*out), out);
}

void offcpu_bpf__free(struct offcpu_bpf *b)
{
	if (!b)
		return;
	ring_buffer__free(b->rb);
	offcpu_skel__destroy(b->skel);
	free(b->buf);
	free(b);
}
