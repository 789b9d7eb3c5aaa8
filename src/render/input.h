/*
 * input.h - reading what `ember flame` and `ember diff` draw from: folded
 * stacks, `perf script` text or pprof, told apart by content and read by
 * src/formats (format_read). For flame charts it also keeps the folded
 * lines' order, which a profile (one entry per unique stack) loses.
 */
#ifndef EMBER_RENDER_INPUT_H
#define EMBER_RENDER_INPUT_H

#include "base/err.h"
#include "base/instream.h"
#include "formats/folded.h"
#include "formats/format.h"
#include "profile/diff.h"
#include "profile/profile.h"

#define FLAME_INPUT_MAX ((size_t)16 << 30)	/* bytes of input, decompressed */

struct flame_input {
	struct profile *p;	/* the profile (owned) */
	enum input_format format;	/* what the (first) input was */
	bool differential;	/* folded input with two counts per line */
	/* keep_order only: one entry per folded line, in input order */
	u32 *seq_stacks;
	u64 *seq_values;	/* p->ncols per line */
	size_t nseq;
	struct format_read_stats stats;
};

/*
 * Read the @n streams @ins (in order, as one input); `perf script` input is
 * folded with @perf's options (NULL: defaults). With @keep_order,
 * folded input also records its line order (seq_*). A pprof profile keeps
 * one value column (the last sample type). Warnings go to @log.
 * Returns 0, or a negative code with @diag filled (-EM_E_EMPTY_INPUT when
 * nothing usable was read).
 */
int flame_input__read(struct flame_input *fi, struct instream **ins, size_t n, bool keep_order,
		      const struct perf_script_opts *perf, struct diag_log *log, struct em_diag *diag)
	__must_check;
void flame_input__release(struct flame_input *fi);

/*
 * Open and read the files @before and @after ("-" = stdin, for one of them)
 * and build their differential profile (*@out, caller frees) with
 * profile__diff(). Returns 0, or a negative code with @diag filled.
 */
int flame_input__read_diff(const char *before, const char *after, const struct diff_opts *o,
			   struct profile **out, struct diag_log *log, struct em_diag *diag) __must_check;

#endif
