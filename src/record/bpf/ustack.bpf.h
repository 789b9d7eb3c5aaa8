/*
 * ustack.bpf.h - the user stack copy both BPF programs make into a stack
 * record (struct offcpu_abi_out): whole pages from the one holding sp, up to
 * the first that faults (the end of the stack's mapping, or a page not
 * present: no faults are taken here), @want bytes from that page's start
 * at most, @pages pages at most (what the record has room for). The task
 * must be the current one: bpf_probe_read_user reads its memory. Returns
 * the bytes copied past sp (r->ustack_bytes), 0 when none could be read.
 */
#ifndef EMBER_USTACK_BPF_H
#define EMBER_USTACK_BPF_H

static __always_inline __u32 ustack__copy(struct offcpu_abi_out *r, __u64 sp, __u32 want, const __u32 pages)
{
	__u64 base = sp & ~(__u64)(OFFCPU_ABI_PAGE - 1);
	__u32 got = 0;
	int i;

	r->ustack_lead = (__u32)(sp - base);
	for (i = 0; i < OFFCPU_ABI_USTACK_PAGES; i++) {
		if (i >= pages || got >= want)
			break;
		if (bpf_probe_read_user(&r->ustack[i * OFFCPU_ABI_PAGE], OFFCPU_ABI_PAGE,
					(void *)(base + (__u64)i * OFFCPU_ABI_PAGE)))
			break;
		got += OFFCPU_ABI_PAGE;
	}
	if (got > want)
		got = want;
	r->ustack_bytes = got > r->ustack_lead ? got - r->ustack_lead : 0;
	return r->ustack_bytes;
}

#endif
