/*
 * oncpu_loader.c - loads oncpu.bpf.c through its libbpf skeleton, sizes its
 * ring buffer, attaches it to the sampling perf events, reads its ring and
 * counters, and keeps its map of thread stack tops (with a small mirror
 * here, so that an unchanged top costs no system call). Built only with
 * EMBER_HAVE_BPF (see oncpu_bpf.h for the contract and the stubs).
 */
#include "record/oncpu_bpf.h"
#include "record/bpf/loader_common.h"
#include "base/xalloc.h"
#include "oncpu.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING_PER_CPU (8u << 20)	/* ~240 ms of 999 Hz samples with full 32 KiB stacks */
#define RING_MAX (256u << 20)
#define MIRROR_SLOTS 4096	/* direct-mapped by tid: a collision only costs a map update */

struct top_slot {
	u32 tid;
	u64 top;
};

struct oncpu_bpf {
	struct oncpu_skel *skel;
	struct ring_buffer *rb;
	struct bpf_link **links;
	size_t nlinks, links_cap;
	oncpu_bpf_record_fn fn;		/* of the drain in progress */
	void *ctx;
	int fn_err;
	int ncpus;
	struct top_slot mirror[MIRROR_SLOTS];
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct oncpu_bpf *b = ctx;

	b->fn_err = b->fn(b->ctx, data, size);
	return b->fn_err;
}

int oncpu_bpf__open(struct oncpu_bpf **out, const struct oncpu_bpf_opts *o, struct em_diag *diag)
{
	struct oncpu_bpf *b = xcalloc(1, sizeof(*b));
	u32 ring = RING_PER_CPU;
	int err;

	*out = NULL;
	libbpf_set_print(ember_bpf__print);
	b->ncpus = libbpf_num_possible_cpus();
	b->skel = oncpu_skel__open();
	if (!b->skel) {
		err = -errno;
		em_diag__set(diag, NULL, 0, "cannot open the BPF program: %s", strerror(errno));
		goto fail;
	}
	b->skel->rodata->stack_size = offcpu_abi__stack_size(o->stack_size);
	b->skel->rodata->ustack_pages = offcpu_abi__ustack_pages(b->skel->rodata->stack_size);
	while (ring < RING_MAX && ring / RING_PER_CPU < (u32)(o->ncpus > 0 ? o->ncpus : 1))
		ring *= 2;	/* a power of two */
	b->skel->rodata->wake_bytes = ring / 4;
	bpf_map__set_max_entries(b->skel->maps.samples, ring);
	err = oncpu_skel__load(b->skel);
	if (err) {
		em_diag__set(diag, NULL, 0, "the kernel refused the BPF program: %s (EMBER_BPF_DEBUG=1 shows why)",
			     strerror(-err));
		goto fail;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.samples), on_record, b, NULL);
	if (!b->rb) {
		err = -errno;
		em_diag__set(diag, NULL, 0, "cannot map the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	*out = b;
	return 0;
fail:
	oncpu_bpf__free(b);
	return err < 0 ? err : -EM_E_UNSUPPORTED;
}

int oncpu_bpf__attach(struct oncpu_bpf *b, int perf_fd)
{
	struct bpf_link *l = bpf_program__attach_perf_event(b->skel->progs.on_sample, perf_fd);

	if (!l)
		return -errno;
	if (b->nlinks == b->links_cap)
		XGROW(b->links, b->links_cap, b->nlinks + 1);
	b->links[b->nlinks++] = l;
	return 0;
}

void oncpu_bpf__detach(struct oncpu_bpf *b)
{
	size_t i;

	for (i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	b->nlinks = 0;
}

int oncpu_bpf__poll_fd(struct oncpu_bpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

int oncpu_bpf__drain(struct oncpu_bpf *b, oncpu_bpf_record_fn fn, void *ctx)
{
	int n;

	b->fn = fn;
	b->ctx = ctx;
	b->fn_err = 0;
	n = ring_buffer__consume(b->rb);
	return n < 0 && !b->fn_err ? n : 0;
}

u64 oncpu_bpf__top(struct oncpu_bpf *b, u32 tid)
{
	const struct top_slot *t = &b->mirror[tid % MIRROR_SLOTS];

	return t->tid == tid ? t->top : 0;
}

void oncpu_bpf__set_top(struct oncpu_bpf *b, u32 tid, u64 top)
{
	struct top_slot *t = &b->mirror[tid % MIRROR_SLOTS];

	if (t->tid == tid && t->top == top)
		return;
	if (top)
		bpf_map__update_elem(b->skel->maps.tops, &tid, sizeof(tid), &top, sizeof(top), BPF_ANY);
	else
		bpf_map__delete_elem(b->skel->maps.tops, &tid, sizeof(tid), 0);	/* ENOENT is fine */
	t->tid = tid;
	t->top = top;
}

void oncpu_bpf__counters(struct oncpu_bpf *b, struct oncpu_abi_counters *out)
{
	ember_bpf__read_counters(b->skel->maps.cpus, b->ncpus, sizeof(struct oncpu_abi_counters), sizeof(*out), out);
}

void oncpu_bpf__free(struct oncpu_bpf *b)
{
	if (!b)
		return;
	if (b->skel)
		oncpu_bpf__detach(b);
	free(b->links);
	ring_buffer__free(b->rb);
	oncpu_skel__destroy(b->skel);
	free(b);
}
