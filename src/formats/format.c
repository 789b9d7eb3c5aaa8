/*
 * format.c - input format names, detection and the one read entry point
 * that dispatches to the perf script, folded and pprof readers.
 */
#include "formats/format.h"
#include "formats/folded.h"
#include "formats/pprof.h"

#include <string.h>

static const char *const format_names[] = {
	[INPUT_FORMAT__AUTO] = "auto",
	[INPUT_FORMAT__PERF_SCRIPT] = "perf-script",
	[INPUT_FORMAT__FOLDED] = "folded",
	[INPUT_FORMAT__PPROF] = "pprof",
};

int input_format__parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return -1;
}

const char *input_format__name(enum input_format f)
{
	return (size_t)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

int input_format__detect(struct instream *in, struct em_diag *diag)
{
	const char *head;
	ssize_t n = instream__peek(in, &head, 16384, diag);

	if (n < 0)
		return (int)n;
	if (n > 0 && pprof_probe(head, (size_t)n))
		return INPUT_FORMAT__PPROF;
	if (folded_probe(head, (size_t)n))
		return INPUT_FORMAT__FOLDED;
	return INPUT_FORMAT__PERF_SCRIPT;
}

/*
 * pprof inputs, summed. A profile has one column per sample type (samples
 * and cpu, or alloc/inuse objects and space); folded stacks and flame graphs
 * show one, so only the profile's default type is kept (default_sample_type,
 * else the last, as go tool pprof shows); stacks left at 0 are dropped.
 */
static int read_pprof(struct instream **ins, size_t n, struct profile **out, struct em_diag *diag)
{
	struct profile *sum = NULL;
	struct pprof_info info;
	unsigned col = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct profile *p = NULL;
		int err = pprof_read(ins[i], &p, &info, diag);

		if (err) {
			profile__free(sum);
			return err;
		}
		if (!sum) {
			sum = p;
			col = info.default_col;
			continue;
		}
		profile__merge(sum, p);
		profile__free(p);
	}
	profile__keep_column(sum, col);
	/* a call site whose blocks were all freed has 0 in use: no line for it */
	for (i = 0; i < sum->stacks.n && i < sum->vcap; i++)
		if (sum->present[i] && !sum->values[i])
			sum->present[i] = 0;
	*out = sum;
	return 0;
}

int format_read(struct instream **ins, size_t n, enum input_format f,
		const struct perf_script_opts *perf, struct profile **out,
		struct format_read_stats *stats, struct diag_log *log, struct em_diag *diag)
{
	memset(stats, 0, sizeof(*stats));
	*out = NULL;
	if (f == INPUT_FORMAT__AUTO) {
		int d = input_format__detect(ins[0], diag);

		if (d < 0)
			return d;
		f = (enum input_format)d;
	}
	stats->format = f;
	switch (f) {
	case INPUT_FORMAT__PERF_SCRIPT:
		return perf_script_read(ins, n, perf, out, &stats->perf, log, diag);
	case INPUT_FORMAT__PPROF:
		return read_pprof(ins, n, out, diag);
	case INPUT_FORMAT__FOLDED:
	case INPUT_FORMAT__AUTO:
		break;
	}
	{
		struct folded_read_stats st;
		int err = folded_read_all(ins, n, out, &st, log, diag);

		stats->lines = st.lines;
		stats->ignored = st.ignored;
		stats->differential = st.differential;
		return err;
	}
}
