/*
 * perf_script_driver.c - reads `perf script` text in chunks and parses them
 * on several threads.
 *
 * A chunk normally ends right after a blank line, where the Perl script's
 * state is empty, so chunks can be parsed independently and the per-thread
 * profiles merged at the end. When no blank line comes for a long stretch,
 * the chunk is cut at a line end instead and the next chunk is marked
 * dependent: it goes to the same parser, which keeps its state, so the
 * result is the same as one sequential pass. The event filter (the first
 * event type by default) is found by the reader before any chunk holding a
 * sample header is handed out.
 */
#include "formats/perf_script.h"
#include "formats/perf_script_parser.h"
#include "base/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_TARGET (4u << 20)		/* bytes per chunk, normally */
#define CHUNK_MAX_FACTOR 16		/* longest stretch without a blank line, in chunks */
#define LINE_MAX_BYTES (64u << 20)	/* longer lines in streamed input are skipped */
#define QUEUE_DEPTH 2
#define MAX_JOBS 8

struct chunk {
	char *buf;		/* owned buffer (streamed input) */
	size_t cap;
	const char *data;	/* the bytes to parse: buf, or a slice of a mapped file */
	size_t len;
	bool mapped;		/* data is a slice of a mapping: drop its pages when done */
	u64 seq;
	unsigned stream;
	bool too_long;		/* stands for one skipped over-long line */
};

struct chunk_record {
	u64 seq, lines;
	unsigned stream;
};

struct worker {
	pthread_t thread;
	struct ps_parser *parser;
	struct chunk *queue[QUEUE_DEPTH];
	unsigned head, count;
	bool closing;
	struct chunk_record *records;
	size_t nrecords, rcap;
	struct driver *d;
};

struct driver {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* any queue or the free list changed */
	struct chunk **free_chunks;
	size_t nfree;
	struct worker *workers;
	unsigned nworkers;
	const char *filter;		/* event filter, fixed before use */
	size_t filter_len;
	char filter_buf[128];
};

/*
 * Parsed bytes of a mapped file are not needed again: unmap their pages so
 * resident memory follows unique stacks, not the input size.
 */
static void drop_pages(const char *data, size_t len)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)data + pg - 1) & ~(pg - 1);
	uintptr_t end = ((uintptr_t)data + len) & ~(pg - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

static void worker_process(struct worker *w, struct chunk *c)
{
	u64 lines;

	if (c->too_long) {
		ps_parser__warn_too_long(w->parser, c->seq, 1);
		lines = 1;
	} else {
		lines = ps_parser__feed(w->parser, c->data, c->len, c->seq);
	}
	if (c->mapped)
		drop_pages(c->data, c->len);
	XGROW(w->records, w->rcap, w->nrecords + 1);
	w->records[w->nrecords++] = (struct chunk_record){ c->seq, lines, c->stream };
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct driver *d = w->d;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		struct chunk *c;

		while (!w->count && !w->closing)
			pthread_cond_wait(&d->cond, &d->lock);
		if (!w->count)
			break;
		c = w->queue[w->head];
		pthread_mutex_unlock(&d->lock);
		worker_process(w, c);
		pthread_mutex_lock(&d->lock);
		w->head = (w->head + 1) % QUEUE_DEPTH;
		w->count--;
		d->free_chunks[d->nfree++] = c;
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static struct chunk *get_free_chunk(struct driver *d)
{
	struct chunk *c;

	pthread_mutex_lock(&d->lock);
	while (!d->nfree)
		pthread_cond_wait(&d->cond, &d->lock);
	c = d->free_chunks[--d->nfree];
	pthread_mutex_unlock(&d->lock);
	c->len = 0;
	c->too_long = false;
	c->mapped = false;
	c->data = NULL;
	return c;
}

static void put_free_chunk(struct driver *d, struct chunk *c)
{
	pthread_mutex_lock(&d->lock);
	d->free_chunks[d->nfree++] = c;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void dispatch(struct driver *d, unsigned wi, struct chunk *c)
{
	struct worker *w = &d->workers[wi];

	if (d->nworkers == 1) {		/* no threads: parse right here */
		worker_process(w, c);
		put_free_chunk(d, c);
		return;
	}
	pthread_mutex_lock(&d->lock);
	while (w->count == QUEUE_DEPTH)
		pthread_cond_wait(&d->cond, &d->lock);
	w->queue[(w->head + w->count) % QUEUE_DEPTH] = c;
	w->count++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

/* Find the first header naming an event in @c, to fix the default filter. */
static void find_filter(struct driver *d, const struct chunk *c)
{
	const char *s = c->data, *end = c->data + c->len;

	while (s < end && !d->filter) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (ps_line_event(s, n, d->filter_buf, sizeof(d->filter_buf))) {
			d->filter = d->filter_buf;
			d->filter_len = strlen(d->filter_buf);
		}
		s += n + 1;
	}
}

/* Last "\n\n" in buf[0..len): returns the offset just after it, or 0. */
static size_t last_blank_line_end(const char *buf, size_t len)
{
	size_t i = len;

	while (i >= 2) {
		const char *nl = memrchr(buf, '\n', i);

		if (!nl)
			return 0;
		i = nl - buf;
		if (i > 0 && buf[i - 1] == '\n')
			return i + 1;
	}
	return 0;
}

struct reader_state {
	size_t chunk_target;	/* CHUNK_TARGET, or smaller in tests */
	size_t chunk_max;	/* chunk_target * CHUNK_MAX_FACTOR */
	unsigned last_worker;
	bool dependent;		/* next chunk must follow the last one on its parser */
	bool started;
	u64 seq;
	char *carry;		/* bytes read past the last chunk's end */
	size_t carry_len, carry_cap;
	u64 bytes;
};

static unsigned pick_worker(struct driver *d, struct reader_state *rs)
{
	if (!rs->started) {
		rs->started = true;
		rs->last_worker = 0;
	} else if (!rs->dependent) {
		rs->last_worker = (rs->last_worker + 1) % d->nworkers;
	}
	return rs->last_worker;
}

static void read_mapped(struct driver *d, struct reader_state *rs, const char *data, size_t size,
			unsigned stream);

/*
 * Number @c, fix the event filter if still open, and hand it to a parser.
 * @clean: @c ends after a blank line, so the next chunk may go anywhere.
 */
static void submit_chunk(struct driver *d, struct reader_state *rs, struct chunk *c, unsigned stream,
			 bool clean)
{
	c->seq = rs->seq++;
	c->stream = stream;
	if (!d->filter)
		find_filter(d, c);
	dispatch(d, pick_worker(d, rs), c);
	rs->dependent = !clean;
}

/*
 * Read up to @n more bytes of @in after the chunk's bytes at @at (growing
 * the buffer as needed). Returns bytes read, 0 at the end, or < 0.
 */
static ssize_t read_into(struct instream *in, struct chunk *c, size_t at, size_t n,
			 struct reader_state *rs, struct em_diag *diag)
{
	ssize_t r;

	XGROW(c->buf, c->cap, at + n);
	r = instream__read(in, c->buf + at, n, diag);
	if (r > 0)
		rs->bytes += r;
	return r;
}

/* Keep buf[from .. len) for the next chunk. */
static void carry_over(struct reader_state *rs, const char *buf, size_t from, size_t len)
{
	XGROW(rs->carry, rs->carry_cap, len - from);
	if (len > from)
		memcpy(rs->carry, buf + from, len - from);
	rs->carry_len = len - from;
}

/*
 * Fill @c with at least chunk_target bytes and cut it after the last blank
 * line (*@clean), else at a line end once chunk_max bytes hold no blank
 * line. Returns the cut (0: one line longer than LINE_MAX_BYTES), or < 0.
 */
static ssize_t fill_and_cut(struct instream *in, struct chunk *c, struct reader_state *rs,
			    bool *eof, bool *clean, struct em_diag *diag)
{
	size_t target = rs->chunk_target, cut;

	*clean = false;
	for (;;) {
		while (!*eof && c->len < target) {
			ssize_t r = read_into(in, c, c->len, target - c->len, rs, diag);

			if (r < 0)
				return r;
			*eof = r == 0;
			c->len += r;
		}
		if (*eof) {
			*clean = c->len >= 2 && c->buf[c->len - 1] == '\n' && c->buf[c->len - 2] == '\n';
			return c->len;
		}
		cut = last_blank_line_end(c->buf, c->len);
		if (cut) {
			*clean = true;
			return cut;
		}
		if (c->len >= rs->chunk_max) {
			const char *nl = memrchr(c->buf, '\n', c->len);

			if (nl)
				return nl - c->buf + 1;
			if (c->len >= LINE_MAX_BYTES)
				return 0;
		}
		target += rs->chunk_target;	/* no sample boundary yet: read more */
	}
}

/* Skip the rest of an over-long line; what follows it is carried over. */
static int skip_long_line(struct instream *in, struct chunk *c, struct reader_state *rs,
			  bool *eof, struct em_diag *diag)
{
	for (;;) {
		ssize_t r = read_into(in, c, 0, rs->chunk_target, rs, diag);
		const char *nl;

		if (r <= 0) {
			*eof = r == 0;
			return (int)r;
		}
		nl = memchr(c->buf, '\n', r);
		if (nl) {
			carry_over(rs, c->buf, nl - c->buf + 1, r);
			return 0;
		}
	}
}

/* Read one stream into chunks. Returns 0 or a negative error (@diag set). */
static int read_stream(struct driver *d, struct reader_state *rs, struct instream *in,
		       unsigned stream, struct em_diag *diag)
{
	const char *mapped;
	size_t mapped_len;
	bool eof = false;

	rs->carry_len = 0;
	if (instream__map(in, &mapped, &mapped_len) == 0) {
		read_mapped(d, rs, mapped, mapped_len, stream);
		return 0;
	}
	while (!eof || rs->carry_len) {
		struct chunk *c = get_free_chunk(d);
		bool clean;
		ssize_t cut;

		XGROW(c->buf, c->cap, rs->chunk_target + rs->carry_len);
		if (rs->carry_len)
			memcpy(c->buf, rs->carry, rs->carry_len);
		c->len = rs->carry_len;
		rs->carry_len = 0;
		cut = fill_and_cut(in, c, rs, &eof, &clean, diag);
		if (cut == 0 && !eof) {
			cut = skip_long_line(in, c, rs, &eof, diag);
			c->len = 0;
			c->too_long = true;
		} else if (cut >= 0) {
			carry_over(rs, c->buf, cut, c->len);
			c->len = cut;
		}
		if (cut < 0) {
			put_free_chunk(d, c);
			return (int)cut;
		}
		c->data = c->buf;
		submit_chunk(d, rs, c, stream, clean);
	}
	return 0;
}

/*
 * The same chunking over a mapped file: chunks are slices, nothing is
 * copied. A chunk ends after the first blank line past chunk_target bytes;
 * with no blank line within chunk_max it ends at a line end (dependent).
 */
static void read_mapped(struct driver *d, struct reader_state *rs, const char *data, size_t size,
			unsigned stream)
{
	size_t off = 0;

	rs->bytes += size;
	while (off < size) {
		struct chunk *c = get_free_chunk(d);
		size_t cut, lim = size - off > rs->chunk_max ? off + rs->chunk_max : size;
		bool clean = false;

		if (size - off <= rs->chunk_target) {
			cut = size;
		} else {
			const char *p = memmem(data + off + rs->chunk_target - 1,
					       lim - (off + rs->chunk_target - 1), "\n\n", 2);

			if (p) {
				cut = p + 2 - data;
			} else if (lim == size) {
				cut = size;
			} else {
				const char *nl = memrchr(data + off, '\n', lim - off);

				if (!nl)	/* one huge line: it is parsed whole */
					nl = memchr(data + lim, '\n', size - lim);
				cut = nl ? (size_t)(nl - data) + 1 : size;
			}
		}
		if (cut >= 2 && data[cut - 1] == '\n' && data[cut - 2] == '\n')
			clean = true;
		c->data = data + off;
		c->len = cut - off;
		c->mapped = true;
		submit_chunk(d, rs, c, stream, clean);
		off = cut;
	}
}

static int cmp_records(const void *a, const void *b)
{
	const struct chunk_record *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_warnings(const void *a, const void *b)
{
	const struct ps_warning *x = a, *y = b;

	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Absolute (stream, line) of a chunk-relative position. */
static void locate(const struct chunk_record *rec, const u64 *first_line, size_t nrec, u64 chunk,
		   u64 line, unsigned *stream, u64 *abs_line)
{
	size_t lo = 0, hi = nrec;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rec[mid].seq < chunk)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nrec && rec[lo].seq == chunk) {
		*stream = rec[lo].stream;
		*abs_line = first_line[lo] + line - 1;
	} else {
		*stream = 0;
		*abs_line = 0;
	}
}

static void report(struct driver *d, struct instream **ins, const struct perf_script_opts *opts,
		   struct perf_script_stats *stats, struct diag_log *log)
{
	struct chunk_record *rec = NULL;
	struct ps_warning *warns = NULL;
	size_t nrec = 0, rcap = 0, nw = 0, wcap = 0, i;
	u64 *first_line, line = 1, extra = 0;
	unsigned stream = 0, s;
	const struct ps_parser_result *mismatch = NULL;

	for (i = 0; i < d->nworkers; i++) {
		struct worker *w = &d->workers[i];
		const struct ps_parser_result *r = ps_parser__result(w->parser);

		XGROW(rec, rcap, nrec + w->nrecords);
		if (w->nrecords)
			memcpy(rec + nrec, w->records, w->nrecords * sizeof(*rec));
		nrec += w->nrecords;
		XGROW(warns, wcap, nw + r->kept);
		if (r->kept)
			memcpy(warns + nw, r->warn, r->kept * sizeof(*warns));
		nw += r->kept;
		extra += r->nwarn - r->kept;
		stats->lines += r->lines;
		stats->samples += r->samples;
		stats->filtered += r->filtered;
		stats->unrecognized += r->unrecognized;
		if (r->have_mismatch &&
		    (!mismatch || r->mismatch_chunk < mismatch->mismatch_chunk ||
		     (r->mismatch_chunk == mismatch->mismatch_chunk &&
		      r->mismatch_line < mismatch->mismatch_line)))
			mismatch = r;
	}
	qsort(rec, nrec, sizeof(*rec), cmp_records);
	first_line = xmalloc((nrec + 1) * sizeof(*first_line));
	for (i = 0; i < nrec; i++) {
		if (rec[i].stream != stream) {
			stream = rec[i].stream;
			line = 1;
		}
		first_line[i] = line;
		line += rec[i].lines;
	}
	qsort(warns, nw, sizeof(*warns), cmp_warnings);
	for (i = 0; i < nw; i++) {
		u64 l;

		if (strstr(warns[i].msg, "too long"))
			stats->too_long++;
		locate(rec, first_line, nrec, warns[i].chunk, warns[i].line, &s, &l);
		diag_log__add(log, instream__name(ins[s]), l, "%s", warns[i].msg);
	}
	log->count += extra;
	if (mismatch && (!opts->event_filter || !*opts->event_filter)) {
		u64 l;

		locate(rec, first_line, nrec, mismatch->mismatch_chunk, mismatch->mismatch_line, &s, &l);
		snprintf(stats->other_event, sizeof(stats->other_event), "%s",
			 mismatch->mismatch_event);
		diag_log__add(log, instream__name(ins[s]), l,
			      "filtering for events of type '%s' (first seen); skipping '%s' "
			      "and other types (use --event-filter to choose)",
			      d->filter ? d->filter : "", mismatch->mismatch_event);
	}
	free(first_line);
	free(rec);
	free(warns);
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

int perf_script_read(struct instream **ins, size_t n, const struct perf_script_opts *opts,
		     struct profile **out, struct perf_script_stats *stats,
		     struct diag_log *log, struct em_diag *diag)
{
	struct driver d = { 0 };
	struct reader_state rs = { 0 };
	size_t nchunks, i;
	int err = 0;

	memset(stats, 0, sizeof(*stats));
	*out = NULL;
	rs.chunk_target = opts->chunk_bytes ? opts->chunk_bytes : CHUNK_TARGET;
	rs.chunk_max = rs.chunk_target * CHUNK_MAX_FACTOR;
	d.nworkers = opts->jobs ? opts->jobs : default_jobs();
	if (d.nworkers > MAX_JOBS)
		d.nworkers = MAX_JOBS;
	stats->jobs = d.nworkers;
	if (opts->event_filter && *opts->event_filter) {
		d.filter = opts->event_filter;
		d.filter_len = strlen(opts->event_filter);
	}
	pthread_mutex_init(&d.lock, NULL);
	pthread_cond_init(&d.cond, NULL);
	nchunks = d.nworkers == 1 ? 1 : d.nworkers * (QUEUE_DEPTH + 1) + 1;
	d.free_chunks = xcalloc(nchunks, sizeof(*d.free_chunks));
	for (i = 0; i < nchunks; i++)
		d.free_chunks[d.nfree++] = xcalloc(1, sizeof(struct chunk));
	d.workers = xcalloc(d.nworkers, sizeof(*d.workers));
	for (i = 0; i < d.nworkers; i++) {
		struct worker *w = &d.workers[i];

		w->d = &d;
		w->parser = ps_parser__new(opts, &d.filter, &d.filter_len);
		if (d.nworkers > 1)
			pthread_create(&w->thread, NULL, worker_main, w);
	}
	for (i = 0; i < n && !err; i++)
		err = read_stream(&d, &rs, ins[i], (unsigned)i, diag);
	if (d.nworkers > 1) {
		pthread_mutex_lock(&d.lock);
		for (i = 0; i < d.nworkers; i++)
			d.workers[i].closing = true;
		pthread_cond_broadcast(&d.cond);
		pthread_mutex_unlock(&d.lock);
		for (i = 0; i < d.nworkers; i++)
			pthread_join(d.workers[i].thread, NULL);
	}
	stats->bytes = rs.bytes;
	if (!err) {
		report(&d, ins, opts, stats, log);
		if (d.filter)
			snprintf(stats->event, sizeof(stats->event), "%s", d.filter);
		if (rs.started && ps_parser__in_sample(d.workers[rs.last_worker].parser))
			stats->truncated = true;
	}
	if (!err) {
		struct profile *p = ps_parser__take_profile(d.workers[0].parser);

		for (i = 1; i < d.nworkers; i++)
			profile__merge(p, ps_parser__profile(d.workers[i].parser));
		if (!stats->samples) {
			em_diag__set(diag, n ? instream__name(ins[n - 1]) : "-", 0, "%s",
				     stats->lines == 0 ? "empty input"
				     : stats->filtered ? "no sample of the selected event type"
						       : "no `perf script` samples found");
			err = -EM_E_EMPTY_INPUT;
			profile__free(p);
		} else {
			*out = p;
		}
	}
	for (i = 0; i < d.nworkers; i++) {
		ps_parser__free(d.workers[i].parser);
		free(d.workers[i].records);
	}
	for (i = 0; i < d.nfree; i++) {
		free(d.free_chunks[i]->buf);
		free(d.free_chunks[i]);
	}
	free(d.free_chunks);
	free(d.workers);
	free(rs.carry);
	pthread_mutex_destroy(&d.lock);
	pthread_cond_destroy(&d.cond);
	return err;
}

bool perf_script_probe(const char *data, size_t len)
{
	const char *s = data, *end = data + len;
	char ev[128];
	int lines = 0;

	while (s < end && lines < 64) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (ps_line_event(s, n, ev, sizeof(ev)))
			return true;
		s += n + 1;
		lines++;
	}
	return false;
}
