/*
 * pprof.c - pprof encode/decode between struct profile and the protobuf
 * messages protoc-c generates from src/formats/profile.proto, plus gzip
 * (zlib). Owns the id checks on untrusted input; does not own symbolization
 * (callers pass names and addresses in) or any I/O beyond one FILE/instream.
 */
#include "formats/pprof.h"
#include "formats/profile.pb-c.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef Perftools__Profiles__Profile PbProfile;
typedef Perftools__Profiles__ValueType PbValueType;
typedef Perftools__Profiles__Sample PbSample;
typedef Perftools__Profiles__Mapping PbMapping;
typedef Perftools__Profiles__Location PbLocation;
typedef Perftools__Profiles__Line PbLine;
typedef Perftools__Profiles__Function PbFunction;

#define KERNEL_MAPPING "[kernel.kallsyms]"

/* ---- gzip ---- */

static int gzip_buf(const u8 *in, size_t len, u8 **out, size_t *outlen)
{
	z_stream z = { 0 };
	uLong bound;
	u8 *buf;

	if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	bound = deflateBound(&z, len);
	buf = xmalloc(bound);
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	z.next_out = buf;
	z.avail_out = bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return -EM_E_TOO_BIG;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	*out = buf;
	return 0;
}

/* Inflate gzip @in into *@out (caller frees), at most PPROF_MAX_BYTES. */
static int gunzip_buf(const u8 *in, size_t len, u8 **out, size_t *outlen)
{
	z_stream z = { 0 };
	size_t cap = len * 4 + 4096, n = 0;
	u8 *buf;
	int rc;

	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return -ENOMEM;
	if (cap > PPROF_MAX_BYTES)
		cap = PPROF_MAX_BYTES;
	buf = xmalloc(cap);
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	for (;;) {
		if (n == cap) {
			if (cap >= PPROF_MAX_BYTES) {
				rc = -EM_E_TOO_BIG;
				goto out_free;
			}
			cap = cap * 2 > PPROF_MAX_BYTES ? PPROF_MAX_BYTES : cap * 2;
			buf = xrealloc(buf, cap);
		}
		z.next_out = buf + n;
		z.avail_out = cap - n;
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_out == 0)) {
			rc = -EM_E_BAD_INPUT;
			goto out_free;
		}
	}
	inflateEnd(&z);
	*out = buf;
	*outlen = n;
	return 0;
out_free:
	inflateEnd(&z);
	free(buf);
	return rc;
}

/* ---- writer ---- */

struct enc {
	struct strtab st;	/* the output string table; id 0 = "" */
};

static s64 enc__str(struct enc *e, const char *s)
{
	return s ? strtab__intern(&e->st, s, strlen(s)) : 0;
}

static s64 enc__pstr(struct enc *e, const struct profile *p, u32 id)
{
	size_t len;
	const char *s = strtab__get(&p->strings, id, &len);

	return strtab__intern(&e->st, s, len);
}

static s64 clamp_s64(u64 v)
{
	return v > INT64_MAX ? INT64_MAX : (s64)v;
}

int pprof_encode(const struct profile *p, const struct pprof_write_opts *o, u8 **out, size_t *len)
{
	static const struct pprof_write_opts defaults = { .default_col = -1 };
	PbProfile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	PbValueType period_type = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	size_t nframes = p->frames.n, nstacks = p->stacks.n, nsampled = 0, nlocs = 0;
	size_t i, j, nmaps, user_maps, kernel_map = 0;
	unsigned c, ncols = p->ncols;
	PbValueType *vt, **vtp;
	PbMapping *maps, **mapp;
	PbFunction *fns, **fnp;
	PbLine *lines, **linep;
	PbLocation *locs, **locp;
	PbSample *smp, **smpp;
	uint64_t *locpool;
	int64_t *valpool, comment;
	u8 *packed;
	size_t plen;
	struct enc e;
	int err = 0;

	if (!o)
		o = &defaults;
	strtab__init(&e.st);

	/* sample types */
	vt = xcalloc(ncols, sizeof(*vt));
	vtp = xcalloc(ncols, sizeof(*vtp));
	for (c = 0; c < ncols; c++) {
		perftools__profiles__value_type__init(&vt[c]);
		vt[c].type = enc__pstr(&e, p, p->types[c].type);
		vt[c].unit = enc__pstr(&e, p, p->types[c].unit);
		vtp[c] = &vt[c];
	}
	prof.n_sample_type = ncols;
	prof.sample_type = vtp;
	if (o->default_col >= 0 && (unsigned)o->default_col < ncols)
		prof.default_sample_type = vt[o->default_col].type;

	/* mappings: the caller's, or one anonymous main mapping; plus the kernel */
	user_maps = o->mappings ? o->nmappings : 1;
	for (i = 0; i < nframes; i++)
		if (p->frames.frames[i].kind == FRAME_KIND__KERNEL && !(o->frames && o->frames[i].mapping))
			kernel_map = user_maps + 1;
	nmaps = user_maps + (kernel_map ? 1 : 0);
	maps = xcalloc(nmaps, sizeof(*maps));
	mapp = xcalloc(nmaps, sizeof(*mapp));
	for (i = 0; i < nmaps; i++) {
		perftools__profiles__mapping__init(&maps[i]);
		maps[i].id = i + 1;
		maps[i].has_functions = true;
		maps[i].has_filenames = o->frames != NULL;
		maps[i].has_line_numbers = o->frames != NULL;
		if (o->mappings && i < o->nmappings) {
			maps[i].memory_start = o->mappings[i].start;
			maps[i].memory_limit = o->mappings[i].limit;
			maps[i].file_offset = o->mappings[i].offset;
			maps[i].filename = enc__str(&e, o->mappings[i].file);
			maps[i].build_id = enc__str(&e, o->mappings[i].build_id);
		} else if (i + 1 == kernel_map) {
			maps[i].filename = enc__str(&e, KERNEL_MAPPING);
		}
		mapp[i] = &maps[i];
	}
	prof.n_mapping = nmaps;
	prof.mapping = mapp;

	/* one function, one line and one location per frame; ids = frame id + 1 */
	fns = xcalloc(nframes ? nframes : 1, sizeof(*fns));
	fnp = xcalloc(nframes ? nframes : 1, sizeof(*fnp));
	lines = xcalloc(nframes ? nframes : 1, sizeof(*lines));
	linep = xcalloc(nframes ? nframes : 1, sizeof(*linep));
	locs = xcalloc(nframes ? nframes : 1, sizeof(*locs));
	locp = xcalloc(nframes ? nframes : 1, sizeof(*locp));
	for (i = 0; i < nframes; i++) {
		const struct frame *f = &p->frames.frames[i];
		const struct pprof_frame_info *fi = o->frames ? &o->frames[i] : NULL;

		perftools__profiles__function__init(&fns[i]);
		fns[i].id = i + 1;
		fns[i].name = fns[i].system_name = enc__pstr(&e, p, f->name);
		perftools__profiles__line__init(&lines[i]);
		lines[i].function_id = i + 1;
		perftools__profiles__location__init(&locs[i]);
		locs[i].id = i + 1;
		locs[i].mapping_id = 1;
		if (fi) {
			if (fi->system_name)
				fns[i].system_name = enc__str(&e, fi->system_name);
			fns[i].filename = enc__str(&e, fi->file);
			lines[i].line = fi->line;
			locs[i].address = fi->address;
			if (fi->mapping && fi->mapping <= user_maps)
				locs[i].mapping_id = fi->mapping;
		}
		if (f->kind == FRAME_KIND__KERNEL && kernel_map && !(fi && fi->mapping))
			locs[i].mapping_id = kernel_map;
		linep[i] = &lines[i];
		locs[i].n_line = 1;
		locs[i].line = &linep[i];
		fnp[i] = &fns[i];
		locp[i] = &locs[i];
	}
	prof.n_function = prof.n_location = nframes;
	prof.function = fnp;
	prof.location = locp;

	/* samples: leaf first */
	for (i = 0; i < nstacks && i < p->vcap; i++) {
		if (!p->present[i])
			continue;
		nsampled++;
		nlocs += p->stacks.depth[i];
	}
	smp = xcalloc(nsampled ? nsampled : 1, sizeof(*smp));
	smpp = xcalloc(nsampled ? nsampled : 1, sizeof(*smpp));
	locpool = xcalloc(nlocs ? nlocs : 1, sizeof(*locpool));
	valpool = xcalloc(nsampled ? nsampled * ncols : 1, sizeof(*valpool));
	for (i = 0, j = 0, nlocs = 0; i < nstacks && i < p->vcap; i++) {
		u32 s;

		if (!p->present[i])
			continue;
		perftools__profiles__sample__init(&smp[j]);
		smp[j].location_id = locpool + nlocs;
		for (s = i; s != STACK_ROOT; s = p->stacks.parent[s])
			locpool[nlocs++] = (u64)p->stacks.frame[s] + 1;
		smp[j].n_location_id = locpool + nlocs - smp[j].location_id;
		smp[j].value = valpool + j * ncols;
		smp[j].n_value = ncols;
		for (c = 0; c < ncols; c++)
			smp[j].value[c] = clamp_s64(p->values[i * ncols + c]);
		smpp[j] = &smp[j];
		j++;
	}
	prof.n_sample = nsampled;
	prof.sample = smpp;

	if (o->period_type) {
		period_type.type = enc__str(&e, o->period_type);
		period_type.unit = enc__str(&e, o->period_unit ? o->period_unit : "count");
		prof.period_type = &period_type;
	}
	prof.period = o->period;
	prof.time_nanos = o->time_nanos;
	prof.duration_nanos = o->duration_nanos;
	if (o->comment) {
		comment = enc__str(&e, o->comment);
		prof.n_comment = 1;
		prof.comment = &comment;
	}

	/* the string table last: every string is interned by now */
	prof.n_string_table = strtab__count(&e.st);
	prof.string_table = xcalloc(prof.n_string_table, sizeof(char *));
	for (i = 0; i < prof.n_string_table; i++) {
		size_t l;

		prof.string_table[i] = (char *)strtab__get(&e.st, i, &l);
	}

	plen = perftools__profiles__profile__get_packed_size(&prof);
	packed = xmalloc(plen ? plen : 1);
	perftools__profiles__profile__pack(&prof, packed);
	if (o->raw) {
		*out = packed;
		*len = plen;
	} else {
		err = gzip_buf(packed, plen, out, len);
		free(packed);
	}

	free(prof.string_table);
	free(smp);
	free(smpp);
	free(locpool);
	free(valpool);
	free(fns);
	free(fnp);
	free(lines);
	free(linep);
	free(locs);
	free(locp);
	free(maps);
	free(mapp);
	free(vt);
	free(vtp);
	strtab__release(&e.st);
	return err;
}

int pprof_write(FILE *f, const struct profile *p, const struct pprof_write_opts *o)
{
	u8 *buf;
	size_t len;
	int err = pprof_encode(p, o, &buf, &len);

	if (err)
		return err;
	if (fwrite(buf, 1, len, f) != len)
		err = -(errno ? errno : EIO);
	free(buf);
	return err;
}

/* ---- probe ---- */

static bool read_varint(const u8 **pp, const u8 *end, u64 *v)
{
	const u8 *p = *pp;
	unsigned shift = 0;

	*v = 0;
	while (p < end && shift < 64) {
		*v |= (u64)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80)) {
			*pp = p;
			return true;
		}
		shift += 7;
	}
	return false;
}

bool pprof_probe(const void *data, size_t len)
{
	/* wire type of each top-level Profile field 1..14: 2 = bytes, 0 = varint */
	static const u8 want[15] = { 9, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 0, 2, 0 };
	const u8 *p = data, *end = p + len;
	unsigned fields = 0;
	bool cut = false;

	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true;
	while (p < end && !cut) {
		u64 key, v;
		unsigned field, wt;

		if (!read_varint(&p, end, &key)) {
			cut = true;	/* cut off by the probe window */
			break;
		}
		field = key >> 3;
		wt = key & 7;
		if (field < 1 || field > 14 || (wt != want[field] && !(field == 13 && wt == 0)))
			return false;
		if (!read_varint(&p, end, &v)) {
			cut = true;
			break;
		}
		if (wt == 2) {
			if (v > PPROF_MAX_BYTES)
				return false;
			if (v > (u64)(end - p)) {
				cut = true;
				break;
			}
			p += v;
		}
		fields++;
	}
	/*
	 * A whole input that parses is a profile. One cut by the window must
	 * have parsed a few fields first: random bytes pass one valid key in
	 * ~16 and then a length running past the window (a test's 200 KB of
	 * /dev/urandom was taken for pprof once).
	 */
	return cut ? fields >= 4 : fields > 0;
}

/* ---- reader ---- */

/* u64 id → dense index, for Mapping/Location/Function ids (nonzero, unique). */
struct idmap {
	u64 *keys;		/* 0 = empty slot */
	u32 *vals;
	size_t mask;
};

static void idmap__init(struct idmap *m, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2)
		cap *= 2;
	m->keys = xcalloc(cap, sizeof(*m->keys));
	m->vals = xcalloc(cap, sizeof(*m->vals));
	m->mask = cap - 1;
}

static void idmap__release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* Returns false for id 0 or a duplicate. */
static bool idmap__put(struct idmap *m, u64 key, u32 val)
{
	size_t i;

	if (!key)
		return false;
	for (i = hash_mix64(key) & m->mask; m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == key)
			return false;
	m->keys[i] = key;
	m->vals[i] = val;
	return true;
}

static bool idmap__get(const struct idmap *m, u64 key, u32 *val)
{
	size_t i;

	if (!key)
		return false;
	for (i = hash_mix64(key) & m->mask; m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == key) {
			*val = m->vals[i];
			return true;
		}
	return false;
}

struct dec {
	const PbProfile *pb;
	struct profile *p;
	struct em_diag *diag;
	const char *name;
	struct idmap maps, fns, locs;
	u32 *loc_off;		/* per location: first index into loc_frames */
	u32 *loc_frames;	/* frame ids, caller first */
};

static bool dec__str_ok(const struct dec *d, s64 idx)
{
	return idx >= 0 && (u64)idx < d->pb->n_string_table;
}

static const char *dec__str(const struct dec *d, s64 idx)
{
	return dec__str_ok(d, idx) ? d->pb->string_table[idx] : "";
}

static int dec__bad(struct dec *d, const char *what, u64 id)
{
	em_diag__set(d->diag, d->name, 0, "pprof: %s %" PRIu64, what, id);
	return -EM_E_BAD_INPUT;
}

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s);
}

static int dec__tables(struct dec *d)
{
	const PbProfile *pb = d->pb;
	size_t i;

	if (!pb->n_string_table || pb->string_table[0][0])
		return dec__bad(d, "string_table[0] is not \"\"; strings", pb->n_string_table);
	idmap__init(&d->maps, pb->n_mapping);
	idmap__init(&d->fns, pb->n_function);
	idmap__init(&d->locs, pb->n_location);
	for (i = 0; i < pb->n_mapping; i++) {
		if (!idmap__put(&d->maps, pb->mapping[i]->id, i))
			return dec__bad(d, "zero or duplicate mapping id", pb->mapping[i]->id);
		if (!dec__str_ok(d, pb->mapping[i]->filename) || !dec__str_ok(d, pb->mapping[i]->build_id))
			return dec__bad(d, "bad string index in mapping", pb->mapping[i]->id);
	}
	for (i = 0; i < pb->n_function; i++) {
		const PbFunction *f = pb->function[i];

		if (!idmap__put(&d->fns, f->id, i))
			return dec__bad(d, "zero or duplicate function id", f->id);
		if (!dec__str_ok(d, f->name) || !dec__str_ok(d, f->system_name) || !dec__str_ok(d, f->filename))
			return dec__bad(d, "bad string index in function", f->id);
	}
	for (i = 0; i < pb->n_location; i++)
		if (!idmap__put(&d->locs, pb->location[i]->id, i))
			return dec__bad(d, "zero or duplicate location id", pb->location[i]->id);
	for (i = 0; i < pb->n_sample_type; i++)
		if (!dec__str_ok(d, pb->sample_type[i]->type) || !dec__str_ok(d, pb->sample_type[i]->unit))
			return dec__bad(d, "bad string index in sample type", i);
	return 0;
}

/* Frames of every location, caller (outermost line) first. */
static int dec__locations(struct dec *d)
{
	const PbProfile *pb = d->pb;
	size_t i, total = 0, k = 0;

	for (i = 0; i < pb->n_location; i++)
		total += pb->location[i]->n_line ? pb->location[i]->n_line : 1;
	d->loc_off = xcalloc(pb->n_location + 1, sizeof(*d->loc_off));
	d->loc_frames = xcalloc(total ? total : 1, sizeof(*d->loc_frames));
	for (i = 0; i < pb->n_location; i++) {
		const PbLocation *l = pb->location[i];
		enum frame_kind kind = FRAME_KIND__USER;
		u32 mi;
		size_t n;

		if (l->mapping_id) {
			if (!idmap__get(&d->maps, l->mapping_id, &mi))
				return dec__bad(d, "location refers to unknown mapping", l->mapping_id);
			if (!strncmp(dec__str(d, pb->mapping[mi]->filename), "[kernel", 7))
				kind = FRAME_KIND__KERNEL;
		}
		d->loc_off[i] = k;
		if (!l->n_line) {
			char buf[32];
			int len = snprintf(buf, sizeof(buf), "0x%" PRIx64, l->address);

			d->loc_frames[k++] = profile__frame(d->p, buf, len, kind);
			continue;
		}
		for (n = l->n_line; n-- > 0;) {
			const char *name;
			u32 fi;

			if (!idmap__get(&d->fns, l->line[n]->function_id, &fi))
				return dec__bad(d, "location line refers to unknown function",
						l->line[n]->function_id);
			name = dec__str(d, pb->function[fi]->name);
			if (!*name)
				name = dec__str(d, pb->function[fi]->system_name);
			d->loc_frames[k++] = profile__frame(d->p, name, strlen(name),
							    n + 1 < l->n_line ? FRAME_KIND__INLINE : kind);
		}
	}
	d->loc_off[pb->n_location] = k;
	return 0;
}

static int dec__samples(struct dec *d, struct pprof_info *info)
{
	const PbProfile *pb = d->pb;
	unsigned ncols = d->p->ncols, c;
	size_t i, j;

	for (i = 0; i < pb->n_sample; i++) {
		const PbSample *s = pb->sample[i];
		u32 stack = STACK_ROOT;

		if (s->n_value != pb->n_sample_type)
			return dec__bad(d, "sample has a wrong number of values; sample", i);
		for (j = s->n_location_id; j-- > 0;) {
			u32 li, k;

			if (!idmap__get(&d->locs, s->location_id[j], &li))
				return dec__bad(d, "sample refers to unknown location", s->location_id[j]);
			for (k = d->loc_off[li]; k < d->loc_off[li + 1]; k++)
				stack = stack_trie__child(&d->p->stacks, stack, d->loc_frames[k]);
		}
		for (c = 0; c < ncols; c++) {
			s64 v = s->value[c];

			if (v < 0) {
				info->negative++;
				v = 0;
			}
			profile__add(d->p, stack, c, (u64)v);
		}
	}
	info->samples = pb->n_sample;
	return 0;
}

static int decode_pb(const u8 *data, size_t len, const char *name, struct profile **out,
		     struct pprof_info *info, struct em_diag *diag)
{
	struct dec d = { .name = name, .diag = diag };
	unsigned c, ncols;
	PbProfile *pb;
	int err;

	pb = perftools__profiles__profile__unpack(NULL, len, data);
	if (!pb) {
		em_diag__set(diag, name, 0, "not a valid pprof protobuf");
		return -EM_E_BAD_INPUT;
	}
	d.pb = pb;
	if (!pb->n_sample_type) {
		err = dec__bad(&d, "no sample types; samples", pb->n_sample);
		goto out;
	}
	ncols = pb->n_sample_type < PROFILE_MAX_COLS ? pb->n_sample_type : PROFILE_MAX_COLS;
	info->dropped_cols = pb->n_sample_type - ncols;
	d.p = profile__new(ncols);
	err = dec__tables(&d);
	if (err)
		goto out;
	for (c = 0; c < ncols; c++)
		profile__set_value_type(d.p, c, dec__str(&d, pb->sample_type[c]->type),
					dec__str(&d, pb->sample_type[c]->unit));
	err = dec__locations(&d);
	if (!err)
		err = dec__samples(&d, info);
	if (err)
		goto out;
	if (pb->period_type) {
		copy_str(info->period_type, sizeof(info->period_type), dec__str(&d, pb->period_type->type));
		copy_str(info->period_unit, sizeof(info->period_unit), dec__str(&d, pb->period_type->unit));
	}
	info->default_col = ncols - 1;
	if (pb->default_sample_type && dec__str_ok(&d, pb->default_sample_type))
		for (c = 0; c < ncols; c++)
			if (!strcmp(dec__str(&d, pb->sample_type[c]->type),
				    dec__str(&d, pb->default_sample_type)))
				info->default_col = c;
	info->period = pb->period;
	info->time_nanos = pb->time_nanos;
	info->duration_nanos = pb->duration_nanos;
	*out = d.p;
	d.p = NULL;
out:
	profile__free(d.p);
	free(d.loc_off);
	free(d.loc_frames);
	if (d.maps.keys) {
		idmap__release(&d.maps);
		idmap__release(&d.fns);
		idmap__release(&d.locs);
	}
	perftools__profiles__profile__free_unpacked(pb, NULL);
	return err;
}

int pprof_decode(const void *data, size_t len, const char *name, struct profile **out,
		 struct pprof_info *info, struct em_diag *diag)
{
	struct pprof_info scratch;
	const u8 *b = data;
	u8 *raw;
	size_t rawlen;
	int err;

	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	*out = NULL;
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		err = gunzip_buf(b, len, &raw, &rawlen);
		if (err) {
			em_diag__set(diag, name, 0, "%s", err == -EM_E_TOO_BIG ?
				     "pprof data too large when decompressed" : "corrupt gzip data");
			return err;
		}
		err = decode_pb(raw, rawlen, name, out, info, diag);
		free(raw);
		return err;
	}
	if (len > PPROF_MAX_BYTES) {
		em_diag__set(diag, name, 0, "pprof data too large");
		return -EM_E_TOO_BIG;
	}
	return decode_pb(b, len, name, out, info, diag);
}

int pprof_read(struct instream *in, struct profile **out, struct pprof_info *info,
	       struct em_diag *diag)
{
	size_t cap = 1 << 16, n = 0;
	u8 *buf = xmalloc(cap);
	ssize_t got;
	int err;

	*out = NULL;
	for (;;) {
		if (n == cap) {
			if (cap > PPROF_MAX_BYTES) {
				free(buf);
				em_diag__set(diag, instream__name(in), 0, "pprof data too large");
				return -EM_E_TOO_BIG;
			}
			XGROW(buf, cap, cap + 1);
		}
		got = instream__read(in, buf + n, cap - n, diag);
		if (got < 0) {
			free(buf);
			return (int)got;
		}
		if (!got)
			break;
		n += got;
	}
	err = pprof_decode(buf, n, instream__name(in), out, info, diag);
	free(buf);
	return err;
}
