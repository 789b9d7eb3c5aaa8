# ember - one non-recursive Makefile. Objects go under $(BUILD)/ (build/ by
# default); `make V=1` prints commands. Targets:
#   make            build/ember
#   make test       unit, golden, CLI and fuzz-corpus replay tests (ends "N passed, N failed")
#   make asan       the same suites on an ASan+UBSan build (build/asan/)
#   make fuzz       libFuzzer targets, FUZZ_TIME seconds each (default 30)
#   make demo       set up, build and fold + draw the bundled example
#   make bench      side-by-side benchmarks (needs FLAMEGRAPH_DIR, see bench/README.md)

BUILD    ?= build
CC       ?= gcc
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
OPT      ?= -O2
SAN      ?=
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) -Isrc -include src/base/banned.h \
	      -DEMBER_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS   := -lz -llzma -lpthread
FUZZ_TIME ?= 30

ifeq ($(V),1)
Q :=
else
Q := @
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all test check asan fuzz demo bench clean setup

LIB_SRCS := $(wildcard src/base/*.c src/profile/*.c src/formats/*.c src/render/*.c)
CLI_SRCS := $(wildcard src/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c) tests/lib/test.c tests/lib/profile_text.c
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
REPLAYERS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/replay/%)

all: $(BUILD)/ember

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libember-core.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/ember: $(CLI_OBJS) $(BUILD)/libember-core.a
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(BUILD)/libember-core.a
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# Fuzz targets linked with a plain main() that replays a corpus (no clang needed).
$(BUILD)/replay/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay_main.o $(BUILD)/libember-core.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

setup:
	$(Q)scripts/setup

test check: $(BUILD)/ember $(BUILD)/unit-tests $(REPLAYERS)
	$(Q)EMBER_BUILD=$(BUILD) tests/run.sh

asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

# libFuzzer builds use clang; each target runs FUZZ_TIME seconds on its corpus.
FUZZ_BUILD := build/fuzz
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" $(FUZZ_BUILD)/libember-core.a
	$(Q)set -e; for src in $(FUZZ_SRCS); do \
		name=$$(basename $$src .c); \
		clang -std=c11 -D_GNU_SOURCE -O1 -g -Isrc -fsanitize=fuzzer,address,undefined \
			-o $(FUZZ_BUILD)/$$name $$src $(FUZZ_BUILD)/libember-core.a $(LDLIBS); \
		mkdir -p $(FUZZ_BUILD)/corpus/$$name; \
		echo "fuzzing $$name for $(FUZZ_TIME)s"; \
		$(FUZZ_BUILD)/$$name -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=10 \
			-print_final_stats=1 $(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name \
			2>$(FUZZ_BUILD)/$$name.log || { tail -50 $(FUZZ_BUILD)/$$name.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|stat::peak_rss' $(FUZZ_BUILD)/$$name.log; \
	done

demo: setup $(BUILD)/ember
	$(Q)scripts/demo $(BUILD)

bench: $(BUILD)/ember
	$(Q)bench/run.sh

clean:
	rm -rf build

# pprof (issue 5): protoc-c generates the schema's C code into $(BUILD)/gen.
PROTO_GEN := $(BUILD)/gen/formats/profile.pb-c
ALL_CFLAGS += -I$(BUILD)/gen
LDLIBS += -lprotobuf-c
$(BUILD)/gen/formats/%.pb-c.c $(BUILD)/gen/formats/%.pb-c.h: src/formats/%.proto
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  PROTOC  $<")
	$(Q)protoc-c --proto_path=src/formats --c_out=$(BUILD)/gen/formats $<
$(BUILD)/libember-core.a: $(BUILD)/obj/$(PROTO_GEN).o
$(BUILD)/obj/src/formats/pprof.o $(BUILD)/pic/src/formats/pprof.o: $(PROTO_GEN).h

# libember.so (issue 5): the in-process profiler, loaded into other programs.
# Position-independent objects with hidden visibility (only ember_* and the
# interposed libc functions are exported); never sanitized, because it is
# preloaded into programs that are not.
PRELOAD_SRCS := $(wildcard src/preload/*.c)
PRELOAD_OBJS := $(PRELOAD_SRCS:%.c=$(BUILD)/pic/%.o)
PIC_CORE_OBJS := $(LIB_OBJS:$(BUILD)/obj/%=$(BUILD)/pic/%) $(BUILD)/pic/$(PROTO_GEN).o
PIC_CFLAGS = $(filter-out $(SAN),$(ALL_CFLAGS)) -Iinclude -fPIC -fvisibility=hidden -fno-omit-frame-pointer
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC [so] $<")
	$(Q)$(CC) $(PIC_CFLAGS) -c -o $@ $<
$(BUILD)/pic/libember-core.a: $(PIC_CORE_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^
$(BUILD)/libember.so: $(PRELOAD_OBJS) $(BUILD)/pic/libember-core.a
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -shared -Wl,-z,defs -Wl,--as-needed -o $@ $^ $(LDLIBS) -ldl -lm
all test check: $(BUILD)/libember.so
# the unit tests link the preload pieces that do not interpose anything
PRELOAD_UNIT := $(wildcard src/preload/ringbuf.c src/preload/stackmap.c)
$(BUILD)/unit-tests: $(PRELOAD_UNIT:%.c=$(BUILD)/obj/%.o)
# ... and the option parser (tests/unit/test_opt.c)
$(BUILD)/unit-tests: $(BUILD)/obj/src/cli/opt.o
# ThreadSanitizer on the sample ring and stack map (their unit tests, clang).
.PHONY: tsan-preload
tsan-preload:
	@mkdir -p $(BUILD)
	$(Q)clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=thread -Isrc -include src/base/banned.h \
		-o $(BUILD)/tsan-preload tests/unit/test_preload_ring.c tests/lib/test.c \
		src/preload/ringbuf.c src/preload/stackmap.c src/base/xalloc.c src/base/err.c -lpthread
	$(Q)TSAN_OPTIONS=halt_on_error=1 $(BUILD)/tsan-preload

# flame graph viewer (issue 3): src/render/assets/*.js and *.css become C arrays.
RENDER_ASSETS := $(wildcard src/render/assets/*.js src/render/assets/*.css)
RENDER_GEN := $(BUILD)/gen/render/assets
$(RENDER_GEN).c: $(RENDER_ASSETS) src/render/assets/embed.sh
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  EMBED   $@")
	$(Q)src/render/assets/embed.sh $(RENDER_ASSETS) >$@
$(BUILD)/libember-core.a: $(BUILD)/obj/$(RENDER_GEN).o
$(BUILD)/pic/libember-core.a: $(BUILD)/pic/$(RENDER_GEN).o

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
-include $(shell find $(BUILD)/pic -name '*.d' 2>/dev/null)

# ember record (issue 4): sampling (src/record), DWARF unwinding (src/unwind) and
# symbols (src/symbols), with elfutils; the ground-truth workload for its tests.
RECORD_SRCS := $(wildcard src/record/*.c src/unwind/*.c src/symbols/*.c)
$(BUILD)/libember-core.a: $(RECORD_SRCS:%.c=$(BUILD)/obj/%.o)
LDLIBS += -lelf -ldw -lstdc++
# Rust symbol names (legacy and v0) through libiberty's rust_demangle (src/symbols/demangle.c);
# libiberty.a is PIC, but libember.so does not call the demangler, so nothing of it is linked there
LDLIBS += -liberty
# libember.so unwinds CPU samples with the same CFI code (src/preload/rawstack.c)
$(BUILD)/pic/libember-core.a: $(patsubst %.c,$(BUILD)/pic/%.o,$(wildcard src/unwind/*.c src/symbols/*.c))
WORKLOAD_CFLAGS := -O2 -g -fomit-frame-pointer -Wall -Wextra -Werror
$(BUILD)/workloads/libground_truth.so: tests/workloads/ground_truth_lib.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -fPIC -shared -o $@ $<
$(BUILD)/workloads/ground_truth: tests/workloads/ground_truth.c $(BUILD)/workloads/libground_truth.so
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $< -L$(BUILD)/workloads -lground_truth \
		-Wl,-rpath,'$$ORIGIN' -pthread
$(BUILD)/workloads/ground_truth_jit: tests/workloads/ground_truth_jit.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $<
$(BUILD)/workloads/ground_truth_signal: tests/workloads/ground_truth_signal.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $<
$(BUILD)/workloads/ground_truth_dlopen: tests/workloads/ground_truth_dlopen.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $< -ldl
$(BUILD)/workloads/ground_truth_vdso: tests/workloads/ground_truth_vdso.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $<
test check: $(BUILD)/workloads/ground_truth $(BUILD)/workloads/ground_truth_jit \
	$(BUILD)/workloads/ground_truth_signal $(BUILD)/workloads/ground_truth_dlopen \
	$(BUILD)/workloads/libground_truth.so $(BUILD)/workloads/ground_truth_vdso
$(BUILD)/bench/record_unwind: bench/record_unwind.c $(BUILD)/libember-core.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
# off-CPU ground truth (issue 6): threads blocking in known ways, built like ground_truth.
$(BUILD)/workloads/offcpu_truth: tests/workloads/offcpu_truth.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -o $@ $< -pthread
test check: $(BUILD)/workloads/offcpu_truth
# in-kernel off-CPU recording (issue 6) and on-CPU samples: src/record/bpf/*.bpf.c, compiled
# with clang against a vmlinux.h dumped from this kernel's BTF at build time,
# and its libbpf skeleton, both in $(BUILD)/gen/bpf (never committed). Without
# clang, bpftool, libbpf-dev or /sys/kernel/btf/vmlinux (or with NO_BPF=1)
# ember is built without it and `record --off-cpu` uses the perf path.
BPFTOOL ?= $(firstword $(shell command -v bpftool 2>/dev/null) $(wildcard /usr/sbin/bpftool))
BPF_CLANG ?= clang
BPF_STRIP ?= $(firstword $(shell command -v llvm-strip 2>/dev/null) true)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ifeq ($(NO_BPF)$(if $(BPFTOOL),,x)$(if $(wildcard $(VMLINUX_BTF)),,x)$(if $(wildcard /usr/include/bpf/libbpf.h),,x)$(if $(shell command -v $(BPF_CLANG) 2>/dev/null),,x),)
BPF_GEN := $(BUILD)/gen/bpf
ALL_CFLAGS += -DEMBER_HAVE_BPF -I$(BPF_GEN)
LDLIBS += -lbpf
$(BPF_GEN)/vmlinux.h:
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BTF     $@")
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@
# one pattern for each program: NAME.bpf.c -> NAME.bpf.o -> NAME.skel.h (skeleton "NAME_skel")
.PRECIOUS: $(BPF_GEN)/%.bpf.o
$(BPF_GEN)/%.bpf.o: src/record/bpf/%.bpf.c src/record/bpf/offcpu_abi.h src/record/bpf/oncpu_abi.h src/record/bpf/ustack.bpf.h $(BPF_GEN)/vmlinux.h
	$(if $(Q),@echo "  BPF     $<")
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(BPF_GEN) -Isrc \
		-idirafter /usr/include/$(shell $(CC) -print-multiarch) -c $< -o $@
	$(Q)$(BPF_STRIP) -g $@
$(BPF_GEN)/%.skel.h: $(BPF_GEN)/%.bpf.o
	$(if $(Q),@echo "  SKEL    $@")
	$(Q)$(BPFTOOL) gen skeleton $< name $*_skel >$@
$(BUILD)/obj/src/record/bpf/offcpu_loader.o: $(BPF_GEN)/offcpu.skel.h
$(BUILD)/obj/src/record/bpf/oncpu_loader.o: $(BPF_GEN)/oncpu.skel.h
$(BUILD)/libember-core.a: $(BUILD)/obj/src/record/bpf/offcpu_loader.o $(BUILD)/obj/src/record/bpf/oncpu_loader.o \
	$(BUILD)/obj/src/record/bpf/loader_common.o
endif
