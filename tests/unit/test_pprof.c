/*
 * test_pprof.c - the pprof writer and reader: round trips through gzip'd
 * and raw protobuf keep stacks, values, sample types and period; the probe
 * tells pprof from text; damaged input is rejected, not crashed on.
 */
#include "../lib/test.h"
#include "formats/folded.h"
#include "formats/pprof.h"

#include <stdlib.h>
#include <unistd.h>

static u32 push(struct profile *p, const char *folded, enum frame_kind leaf_kind)
{
	u32 s = STACK_ROOT;
	const char *a = folded, *b;

	for (;;) {
		b = strchr(a, ';');
		s = stack_trie__child(&p->stacks, s,
				      profile__frame(p, a, b ? (size_t)(b - a) : strlen(a),
						     b ? FRAME_KIND__USER : leaf_kind));
		if (!b)
			return s;
		a = b + 1;
	}
}

static char *folded_text(const struct profile *p)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (folded_write(f, p))
		fputs("WRITE FAILED", f);
	fclose(f);
	return out;
}

static struct profile *heap_like(void)
{
	struct profile *p = profile__new(2);
	u32 s;

	profile__set_value_type(p, 0, "alloc_objects", "count");
	profile__set_value_type(p, 1, "alloc_space", "bytes");
	s = push(p, "main;parse;malloc", FRAME_KIND__USER);
	profile__add(p, s, 0, 3);
	profile__add(p, s, 1, 3000);
	s = push(p, "main;render", FRAME_KIND__USER);
	profile__add(p, s, 0, 1);
	profile__add(p, s, 1, 1ull << 40);
	s = push(p, "main;read;sys_read", FRAME_KIND__KERNEL);
	profile__add(p, s, 0, 7);
	profile__add(p, s, 1, 0);
	return p;
}

static struct profile *roundtrip(const struct profile *p, const struct pprof_write_opts *o,
				 struct pprof_info *info, int *err)
{
	struct em_diag diag = { 0 };
	struct profile *q = NULL;
	u8 *buf;
	size_t len;

	*err = pprof_encode(p, o, &buf, &len);
	if (*err)
		return NULL;
	*err = pprof_decode(buf, len, "t.pb.gz", &q, info, &diag);
	free(buf);
	return q;
}

TEST(test_pprof__roundtrip_keeps_stacks_values_and_types)
{
	struct profile *p = heap_like(), *q;
	struct pprof_write_opts o = { .period_type = "space", .period_unit = "bytes",
				      .period = 524288, .default_col = 0, .time_nanos = 42 };
	struct pprof_info info;
	char *a, *b;
	size_t len;
	int err;

	q = roundtrip(p, &o, &info, &err);
	ASSERT_EQ_U64(err, 0);
	ASSERT(q != NULL);
	ASSERT_EQ_U64(q->ncols, 2);
	ASSERT_STREQ(strtab__get(&q->strings, q->types[0].type, &len), "alloc_objects");
	ASSERT_STREQ(strtab__get(&q->strings, q->types[1].unit, &len), "bytes");
	ASSERT_STREQ(info.period_type, "space");
	ASSERT_STREQ(info.period_unit, "bytes");
	ASSERT_EQ_U64(info.period, 524288);
	ASSERT_EQ_U64(info.time_nanos, 42);
	ASSERT_EQ_U64(info.default_col, 0);
	ASSERT_EQ_U64(info.samples, 3);
	ASSERT_EQ_U64(profile__total(q, 0), 11);
	ASSERT_EQ_U64(profile__total(q, 1), 3000 + (1ull << 40));
	ASSERT_EQ_U64(stack_trie__check(&q->stacks), 0);
	a = folded_text(p);
	b = folded_text(q);
	ASSERT_STREQ(b, a);
	free(a);
	free(b);
	profile__free(p);
	profile__free(q);
}

TEST(test_pprof__kernel_frames_come_back_as_kernel)
{
	struct profile *p = heap_like(), *q;
	struct pprof_info info;
	size_t i, kernel = 0, len;
	int err;

	q = roundtrip(p, NULL, &info, &err);
	ASSERT_EQ_U64(err, 0);
	ASSERT_EQ_U64(info.default_col, 1);	/* none named: the last column */
	for (i = 0; i < q->frames.n; i++)
		if (q->frames.frames[i].kind == FRAME_KIND__KERNEL) {
			kernel++;
			ASSERT_STREQ(strtab__get(&q->strings, q->frames.frames[i].name, &len), "sys_read");
		}
	ASSERT_EQ_U64(kernel, 1);
	profile__free(p);
	profile__free(q);
}

TEST(test_pprof__raw_and_gzip_decode_alike_and_probe)
{
	struct profile *p = heap_like(), *q = NULL;
	struct pprof_write_opts o = { .default_col = -1, .raw = true };
	struct em_diag diag = { 0 };
	u8 *raw, *gz;
	size_t rawlen, gzlen;

	ASSERT_EQ_U64(pprof_encode(p, &o, &raw, &rawlen), 0);
	o.raw = false;
	ASSERT_EQ_U64(pprof_encode(p, &o, &gz, &gzlen), 0);
	ASSERT(gz[0] == 0x1f && gz[1] == 0x8b);
	ASSERT(pprof_probe(raw, rawlen));
	ASSERT(pprof_probe(raw, rawlen > 64 ? 64 : rawlen));
	ASSERT(pprof_probe(gz, gzlen));
	ASSERT(!pprof_probe("main;a;b 12\n", 12));
	ASSERT(!pprof_probe("perf 1234 [000] 1.0: cpu-clock:\n", 32));
	ASSERT(!pprof_probe("", 0));
	ASSERT_EQ_U64(pprof_decode(raw, rawlen, "raw", &q, NULL, &diag), 0);
	ASSERT_EQ_U64(profile__total(q, 1), 3000 + (1ull << 40));
	free(raw);
	free(gz);
	profile__free(p);
	profile__free(q);
}

TEST(test_pprof__frame_info_and_mappings_survive)
{
	struct profile *p = profile__new(1), *q;
	struct pprof_mapping maps[1] = { { 0x400000, 0x500000, 0, "/bin/app", "abcdef" } };
	struct pprof_frame_info *fi;
	struct pprof_write_opts o = { .default_col = -1, .mappings = maps, .nmappings = 1 };
	struct pprof_info info;
	size_t i;
	int err;
	char *text;

	profile__set_value_type(p, 0, "samples", "count");
	profile__add(p, push(p, "main;work", FRAME_KIND__USER), 0, 5);
	fi = calloc(p->frames.n, sizeof(*fi));
	for (i = 0; i < p->frames.n; i++)
		fi[i] = (struct pprof_frame_info){ .address = 0x401000 + i * 16, .mapping = 1,
						   .file = "app.c", .line = 10 + i,
						   .system_name = i ? "_Z4workv" : NULL };
	o.frames = fi;
	q = roundtrip(p, &o, &info, &err);
	ASSERT_EQ_U64(err, 0);
	text = folded_text(q);
	ASSERT_STREQ(text, "main;work 5\n");	/* names, not system (mangled) names */
	free(text);
	free(fi);
	profile__free(p);
	profile__free(q);
}

TEST(test_pprof__empty_profile_roundtrips)
{
	struct profile *p = profile__new(1), *q;
	struct pprof_info info;
	int err;

	q = roundtrip(p, NULL, &info, &err);
	ASSERT_EQ_U64(err, 0);
	ASSERT_EQ_U64(info.samples, 0);
	ASSERT_EQ_U64(profile__sampled_stacks(q), 0);
	profile__free(p);
	profile__free(q);
}

TEST(test_pprof__damaged_input_is_rejected)
{
	struct profile *p = heap_like(), *q = NULL;
	struct pprof_write_opts o = { .default_col = -1, .raw = true };
	struct em_diag diag = { 0 };
	u8 *raw, *gz;
	size_t rawlen, gzlen, cut;
	unsigned rejected = 0;

	ASSERT_EQ_U64(pprof_encode(p, &o, &raw, &rawlen), 0);
	/* every strict prefix either fails or decodes to something consistent */
	for (cut = 0; cut < rawlen; cut++) {
		int err = pprof_decode(raw, cut, "cut", &q, NULL, &diag);

		if (err) {
			rejected++;
			ASSERT(q == NULL);
			ASSERT(diag.msg[0] != 0);
		} else {
			ASSERT_EQ_U64(stack_trie__check(&q->stacks), 0);
		}
		profile__free(q);
		q = NULL;
	}
	ASSERT(rejected > rawlen / 2);
	/* a gzip stream cut short is corrupt */
	o.raw = false;
	ASSERT_EQ_U64(pprof_encode(p, &o, &gz, &gzlen), 0);
	ASSERT_EQ_U64(pprof_decode(gz, gzlen / 2, "half.gz", &q, NULL, &diag), -EM_E_BAD_INPUT);
	ASSERT_STREQ(diag.msg, "corrupt gzip data");
	/* a sample pointing at location 99 */
	{
		static const u8 bad[] = {
			0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,	/* sample_type {1, 2} */
			0x12, 0x06, 0x0a, 0x01, 0x63, 0x12, 0x01, 0x05, /* sample {loc 99, value 5} */
			0x32, 0x00, 0x32, 0x01, 'a', 0x32, 0x01, 'b', /* strings "", a, b */
		};
		ASSERT_EQ_U64(pprof_decode(bad, sizeof(bad), "bad", &q, NULL, &diag), -EM_E_BAD_INPUT);
		ASSERT(strstr(diag.msg, "unknown location 99") != NULL);
	}
	free(raw);
	free(gz);
	profile__free(p);
}

TEST(test_pprof__read_through_instream_gunzips_once)
{
	struct profile *p = heap_like(), *q = NULL;
	struct pprof_write_opts o = { .default_col = 3 };
	struct em_diag diag = { 0 };
	struct pprof_info info;
	struct instream *in;
	char path[] = "/tmp/ember-test-pprof-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	ASSERT(fd >= 0);
	f = fdopen(fd, "wb");
	ASSERT_EQ_U64(pprof_write(f, p, &o), 0);
	fclose(f);
	ASSERT_EQ_U64(instream__open(&in, path, &diag), 0);
	ASSERT_EQ_U64(instream__codec(in), INSTREAM_GZIP);
	ASSERT_EQ_U64(pprof_read(in, &q, &info, &diag), 0);
	instream__free(in);
	unlink(path);
	ASSERT_EQ_U64(info.samples, 3);
	ASSERT_EQ_U64(profile__total(q, 0), 11);
	profile__free(p);
	profile__free(q);
}

/* Profiles written by Go's runtime/pprof (go 1.19, checked in as fuzz seeds). */
static struct profile *read_go(const char *name, struct pprof_info *info)
{
	char path[256];
	struct em_diag diag = { 0 };
	struct instream *in;
	struct profile *p = NULL;

	snprintf(path, sizeof(path), "tests/fuzz/corpus/fuzz_pprof/%s", name);
	if (instream__open(&in, path, &diag))
		return NULL;
	if (pprof_read(in, &p, info, &diag))
		p = NULL;
	instream__free(in);
	return p;
}

static bool has_frame(const struct profile *p, const char *name)
{
	size_t i, len;

	for (i = 0; i < p->frames.n; i++)
		if (!strcmp(strtab__get(&p->strings, p->frames.frames[i].name, &len), name))
			return true;
	return false;
}

TEST(test_pprof__reads_go_runtime_pprof_profiles)
{
	struct pprof_info info;
	struct profile *p = read_go("go-cpu.pb.gz", &info);
	size_t len;

	ASSERT(p != NULL);
	ASSERT_EQ_U64(p->ncols, 2);
	ASSERT_STREQ(strtab__get(&p->strings, p->types[1].type, &len), "cpu");
	ASSERT_STREQ(info.period_type, "cpu");
	ASSERT_EQ_U64(info.period, 10000000);
	ASSERT(has_frame(p, "main.work"));
	ASSERT(profile__total(p, 0) > 0);
	ASSERT_EQ_U64(stack_trie__check(&p->stacks), 0);
	profile__free(p);
	p = read_go("go-heap.pb.gz", &info);
	ASSERT(p != NULL);
	ASSERT_EQ_U64(p->ncols, 4);
	ASSERT_STREQ(strtab__get(&p->strings, p->types[0].type, &len), "alloc_objects");
	ASSERT_STREQ(strtab__get(&p->strings, p->types[3].type, &len), "inuse_space");
	ASSERT_EQ_U64(info.default_col, 3);
	ASSERT_STREQ(info.period_type, "space");
	ASSERT(has_frame(p, "main.alloc"));
	profile__free(p);
}

/* Random bytes (digits mapped to letters, as t0100 makes them) are not taken for pprof. */
TEST(test_pprof__probe_refuses_random_bytes)
{
	static u8 buf[16384];
	u64 s = 0x9e3779b97f4a7c15ull;
	unsigned run, i, taken = 0;

	for (run = 0; run < 20000; run++) {
		for (i = 0; i < sizeof(buf); i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			buf[i] = (u8)(s >> 24);
			if (buf[i] >= '0' && buf[i] <= '9')
				buf[i] = (u8)(buf[i] - '0' + 'a');
		}
		if (buf[0] == 0x1f && buf[1] == 0x8b)
			continue;	/* the gzip magic: taken for a compressed profile, rightly */
		taken += pprof_probe(buf, sizeof(buf));
	}
	ASSERT_EQ_U64(taken, 0);
}
