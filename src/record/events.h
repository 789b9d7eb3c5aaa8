/*
 * events.h - PERF_RECORD_* records decoded into typed structs, for the
 * attr that perf_event.c builds (sample_type PERF_EVENT_SAMPLE_TYPE,
 * sample_id_all). Pointers in a decoded event point into the record.
 */
#ifndef EMBER_EVENTS_H
#define EMBER_EVENTS_H

#include <linux/perf_event.h>
#include "base/compiler.h"
#include "record/perf_event.h"

enum event_kind {
	EVENT_KIND__OTHER,	/* a record ember does not use */
	EVENT_KIND__SAMPLE,
	EVENT_KIND__MMAP,	/* MMAP or MMAP2 */
	EVENT_KIND__COMM,
	EVENT_KIND__FORK,
	EVENT_KIND__EXIT,
	EVENT_KIND__LOST,	/* LOST or LOST_SAMPLES */
	EVENT_KIND__SWITCH,	/* SWITCH or SWITCH_CPU_WIDE (attr.context_switch) */
};

struct event_sample {
	u64 ip;
	u64 period;
	u32 cpu;
	u64 nr;			/* callchain entries, PERF_CONTEXT_* markers included... */
	bool kernel_chain;	/* ...or, when set, kernel frames only and no marker (a BPF record's) */
	const u64 *ips;		/* unaligned-safe: the record is 8-byte aligned */
	u64 abi;		/* PERF_SAMPLE_REGS_ABI_*; 0 = no user registers */
	u64 regs[PERF_EVENT_NREGS];	/* in PERF_EVENT_REGS_MASK bit order */
	u64 stack_size;		/* bytes copied... */
	u64 dyn_size;		/* ...of which valid */
	const u8 *stack;
	const u8 *raw;		/* PERF_SAMPLE_RAW (tracepoint data), NULL when absent */
	u32 raw_size;
};

struct event_switch {
	bool out;		/* the task (pid/tid of the event) left the CPU; else it came in */
	bool preempt;		/* out, and still runnable (PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) */
};

struct event_mmap {
	u64 start, len, pgoff;
	u32 prot, flags;
	u64 ino, maj, min;
	u8 build_id[20];
	u8 build_id_size;	/* 0 = none in the record */
	const char *filename;	/* NUL-terminated inside the record */
};

struct event_task {
	u32 ppid, ptid;		/* FORK/EXIT: the parent */
};

struct event_comm {
	const char *comm;
	bool exec;		/* PERF_RECORD_MISC_COMM_EXEC */
};

struct event {
	enum event_kind kind;
	u32 pid, tid;		/* from the record or its sample_id trailer */
	u64 time;		/* 0 when unknown */
	union {
		struct event_sample sample;
		struct event_mmap mmap;
		struct event_task task;
		struct event_comm comm;
		struct event_switch sw;
		u64 lost;
	};
};

/*
 * Decode the record @h (h->size bytes) into @ev. Returns 0, or
 * -EM_E_BAD_INPUT when a field runs past the record (@ev is then unusable).
 */
int event__decode(const struct perf_event_header *h, struct event *ev) __must_check;

/*
 * A malloc'd copy of the record @h (caller frees). A sample's user stack is
 * cut to the bytes the kernel really copied (dyn_size, rounded up to 8),
 * usually far fewer than --stack-size asked for; the copy decodes the same.
 */
struct perf_event_header *event__copy_compact(const struct perf_event_header *h);

/* Timestamp of a record (sample or sample_id_all trailer); 0 when none. */
u64 event__time(const struct perf_event_header *h);

#endif
