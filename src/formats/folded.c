/*
 * folded.c - folded stacks reader and writer.
 *
 * Reader grammar (as flamegraph.pl's /^(.*)\s+?(\d+(?:\.\d*)?)$/): the count
 * is the number after the line's last whitespace run; the stack is what
 * comes before the one whitespace byte that precedes the count, so extra
 * whitespace stays in the last frame's name. If the stack again ends in such
 * a number, the line is differential. Frames are split on ';' and trailing
 * empty frames dropped (Perl's split). A trailing '\r' is ignored.
 * Consecutive lines usually share a prefix (sorted input), so the reader
 * reuses the previous line's trie nodes for the common prefix.
 */
#include "formats/folded.h"
#include "base/hash.h"
#include "base/lineio.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline bool is_perl_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Match (\d+(?:\.\d*)?)$ preceded by whitespace at the end of s[0..n).
 * Returns the index of the whitespace byte before the number (the stack's
 * end), or -1. *@value gets the number rounded to an integer.
 */
static ssize_t match_count(const char *s, size_t n, u64 *value)
{
	size_t e = n, dot = n, i;
	u64 v = 0;
	bool round_up = false;

	/* optional fraction: digits after a '.' */
	i = e;
	while (i > 0 && is_digit(s[i - 1]))
		i--;
	if (i > 0 && s[i - 1] == '.') {
		dot = i - 1;
		if (i < e && s[i] >= '5')
			round_up = true;
		i = dot;
		e = dot;
		while (i > 0 && is_digit(s[i - 1]))
			i--;
	} else {
		dot = n;
	}
	if (i == e || i == 0 || !is_perl_space(s[i - 1]))
		return -1;
	for (size_t k = i; k < e; k++) {
		u64 d = s[k] - '0';

		if (v > (UINT64_MAX - d) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + d;
	}
	if (round_up && v != UINT64_MAX)
		v++;
	(void)dot;
	*value = v;
	return (ssize_t)i - 1;
}

bool folded_probe(const char *data, size_t len)
{
	const char *s = data, *end = data + len;
	unsigned lines = 0, counted = 0;

	while (s < end && lines < 32) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		u64 v;

		if (!nl && lines > 0)
			break;	/* a cut-off last line says nothing */
		if (n && s[n - 1] == '\r')
			n--;
		if (n && s[0] != '#') {
			lines++;
			counted += match_count(s, n, &v) >= 0;
		}
		s += n + 1;
		while (s < end && (*s == '\n' || *s == '\r'))
			s++;
	}
	return counted > 0 && counted * 2 > lines;
}

struct prefix_cache {
	size_t *end;		/* byte offset where frame k of the previous stack ends */
	u32 *node;		/* trie node after frame k */
	size_t n, cap_end, cap_node;
	char *prev;		/* previous stack's bytes */
	size_t prev_len, prev_cap;
	u32 *frames;		/* frame ids of the part being added */
	size_t cap_frames;
};

/* Length of the common prefix of @a and @b (both at least @n bytes), a word at a time. */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		u64 x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (__builtin_ctzll(x ^ y) >> 3);
		i += 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static u32 insert_stack(struct profile *p, struct prefix_cache *pc, const char *s, size_t n)
{
	size_t len = n, same = 0, k = 0, start, nnew = 0;
	u32 node = STACK_ROOT;

	/* Perl's split drops trailing empty fields. */
	while (len > 0 && s[len - 1] == ';')
		len--;
	if (len == 0) {
		pc->n = 0;
		pc->prev_len = 0;
		return STACK_ROOT;
	}
	/* Reuse whole frames shared with the previous stack. */
	same = common_prefix(s, pc->prev, len < pc->prev_len ? len : pc->prev_len);
	while (k < pc->n && pc->end[k] <= same &&
	       (pc->end[k] == len || (pc->end[k] < len && s[pc->end[k]] == ';'))) {
		node = pc->node[k];
		k++;
	}
	start = k ? pc->end[k - 1] + 1 : 0;
	pc->n = k;
	/* Intern the remaining frames, then add them to the trie in one go. */
	while (start <= len) {
		const char *semi = memchr(s + start, ';', len - start);
		size_t end = semi ? (size_t)(semi - s) : len;

		XGROW(pc->frames, pc->cap_frames, nnew + 1);
		XGROW(pc->end, pc->cap_end, pc->n + nnew + 1);
		pc->frames[nnew] = profile__frame(p, s + start, end - start, FRAME_KIND__USER);
		pc->end[pc->n + nnew] = end;
		nnew++;
		start = end + 1;
		if (!semi)
			break;
	}
	XGROW(pc->node, pc->cap_node, pc->n + nnew);
	node = stack_trie__path(&p->stacks, node, pc->frames, nnew, pc->node + pc->n);
	pc->n += nnew;
	XGROW(pc->prev, pc->prev_cap, len);
	memcpy(pc->prev, s, len);
	pc->prev_len = len;
	return node;
}

int folded_read_into(struct instream *in, struct profile *p, struct folded_read_stats *stats,
		     struct diag_log *log, struct em_diag *diag)
{
	struct line_reader lr;
	struct prefix_cache pc = { 0 };
	const char *line;
	size_t len;
	u64 good = 0;
	int r, err = 0;

	memset(stats, 0, sizeof(*stats));
	line_reader__init(&lr, in, 0);
	while ((r = line_reader__next(&lr, &line, &len, diag)) > 0) {
		u64 c1, c2;
		ssize_t end, end2;
		u32 node;

		stats->lines++;
		if (r == LINEIO_TOO_LONG) {
			stats->ignored++;
			diag_log__add(log, instream__name(in), lr.lineno,
				      "line longer than %zu bytes, skipped", lr.max_line);
			continue;
		}
		if (len && line[len - 1] == '\r')
			len--;
		end = match_count(line, len, &c1);
		if (end < 0) {
			char q[96];

			stats->ignored++;
			diag__quote(q, sizeof(q), line, len, 60);
			diag_log__add(log, instream__name(in), lr.lineno,
				      "no count at end of line, skipped: \"%s\"", q);
			continue;
		}
		end2 = match_count(line, (size_t)end, &c2);
		if (end2 >= 0 && p->ncols >= 2) {
			stats->differential = true;
			node = insert_stack(p, &pc, line, (size_t)end2);
			profile__add(p, node, 0, c2);
			profile__add(p, node, 1, c1);
		} else {
			/*
			 * A one-count line counts the same on both sides of a
			 * differential profile (no change); the second column
			 * is dropped again if no line was differential.
			 */
			node = insert_stack(p, &pc, line, (size_t)end);
			profile__add(p, node, 0, c1);
			if (p->ncols >= 2)
				profile__add(p, node, 1, c1);
		}
		good++;
	}
	if (r < 0)
		err = r;
	else if (!good) {
		em_diag__set(diag, instream__name(in), stats->lines ? lr.lineno : 0,
			     stats->lines ? "no line of folded stacks (\"frame;frame count\") found"
					  : "empty input");
		err = -EM_E_EMPTY_INPUT;
	}
	line_reader__release(&lr);
	free(pc.end);
	free(pc.node);
	free(pc.prev);
	free(pc.frames);
	return err;
}

int folded_read_all(struct instream **ins, size_t n, struct profile **out,
		    struct folded_read_stats *stats, struct diag_log *log, struct em_diag *diag)
{
	struct profile *p = profile__new(2);
	u64 good = 0;
	size_t i;
	int err = 0;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < n; i++) {
		struct folded_read_stats st;

		err = folded_read_into(ins[i], p, &st, log, diag);
		stats->lines += st.lines;
		stats->ignored += st.ignored;
		stats->differential |= st.differential;
		if (err == -EM_E_EMPTY_INPUT && n > 1) {
			err = 0;	/* judged on all inputs together below */
			continue;
		}
		if (err)
			break;
		good += st.lines - st.ignored;
	}
	if (!err && !good) {
		em_diag__set(diag, n ? instream__name(ins[n - 1]) : "-", 0, "no folded stacks in any input");
		err = -EM_E_EMPTY_INPUT;
	}
	if (err) {
		profile__free(p);
		return err;
	}
	if (!stats->differential)
		profile__narrow(p, 1);
	*out = p;
	return 0;
}

int folded_read(struct instream *in, struct profile **out, struct folded_read_stats *stats,
		struct diag_log *log, struct em_diag *diag)
{
	return folded_read_all(&in, 1, out, stats, log, diag);
}

struct sort_key {
	size_t off, len;
	u32 stack;
};

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const struct sort_key *x = a, *y = b;
	const char *sort_bytes = arg;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(sort_bytes + x->off, sort_bytes + y->off, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Append the joined stack string of @stack to @buf (root first). */
static void append_stack(const struct profile *p, u32 stack, char **buf, size_t *len, size_t *cap)
{
	u32 depth = p->stacks.depth[stack], d;
	size_t total = 0, pos;
	u32 s;

	for (s = stack; s != STACK_ROOT; s = p->stacks.parent[s]) {
		size_t l;

		profile__frame_name(p, s, &l);
		total += l + 1;
	}
	if (total)
		total--;
	XGROW(*buf, *cap, *len + total + 1);
	pos = *len + total;
	for (s = stack, d = depth; s != STACK_ROOT; s = p->stacks.parent[s], d--) {
		size_t l;
		const char *name = profile__frame_name(p, s, &l);

		pos -= l;
		memcpy(*buf + pos, name, l);
		if (d > 1)
			(*buf)[--pos] = ';';
	}
	*len += total;
}

size_t folded_sorted_stacks(const struct profile *p, u32 **ids)
{
	size_t n = 0, i, blen = 0, bcap = 0, kcap = 0;
	struct sort_key *keys = NULL;
	char *bytes = NULL;

	for (i = 0; i < p->stacks.n && i < p->vcap; i++) {
		if (!p->present[i])
			continue;
		XGROW(keys, kcap, n + 1);
		keys[n].off = blen;
		append_stack(p, (u32)i, &bytes, &blen, &bcap);
		keys[n].len = blen - keys[n].off;
		keys[n].stack = (u32)i;
		n++;
	}
	if (n > 1)
		qsort_r(keys, n, sizeof(*keys), cmp_keys, bytes);
	*ids = xmalloc((n + 1) * sizeof(**ids));
	for (i = 0; i < n; i++)
		(*ids)[i] = keys[i].stack;
	free(keys);
	free(bytes);
	return n;
}

static void write_line(FILE *f, const char *s, size_t len, const u64 *v, unsigned ncols)
{
	fwrite(s, 1, len, f);
	if (ncols >= 2)
		fprintf(f, " %llu %llu\n", (unsigned long long)v[0], (unsigned long long)v[1]);
	else
		fprintf(f, " %llu\n", (unsigned long long)v[0]);
}

/*
 * Distinct stacks can join to the same text when a name contains ';' (a
 * process name, say); like the Perl tools, such lines are summed into one.
 */
int folded_write(FILE *f, const struct profile *p)
{
	u32 *ids;
	size_t n = folded_sorted_stacks(p, &ids), i, cap[2] = { 0, 0 }, len[2] = { 0, 0 };
	char *buf[2] = { NULL, NULL };
	u64 acc[PROFILE_MAX_COLS] = { 0 };
	unsigned cur = 0, c;
	int err = 0;

	for (i = 0; i < n; i++) {
		const u64 *v = &p->values[(size_t)ids[i] * p->ncols];

		len[cur] = 0;
		append_stack(p, ids[i], &buf[cur], &len[cur], &cap[cur]);
		if (i > 0 && len[cur] == len[!cur] && !memcmp(buf[cur], buf[!cur], len[cur])) {
			for (c = 0; c < p->ncols; c++)
				acc[c] = acc[c] + v[c] < acc[c] ? UINT64_MAX : acc[c] + v[c];
			continue;
		}
		if (i > 0)
			write_line(f, buf[!cur], len[!cur], acc, p->ncols);
		for (c = 0; c < p->ncols; c++)
			acc[c] = v[c];
		cur = !cur;
	}
	if (n > 0)
		write_line(f, buf[!cur], len[!cur], acc, p->ncols);
	if (fflush(f) || ferror(f))
		err = -(errno ? errno : EIO);
	free(ids);
	free(buf[0]);
	free(buf[1]);
	return err;
}
