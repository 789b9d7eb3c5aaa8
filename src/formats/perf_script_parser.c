/*
 * perf_script_parser.c - the line grammar of `perf script` text as
 * stackcollapse-perf.pl reads it, and the per-thread parser state.
 *
 * The Perl script is defined by four regular expressions. Each is matched
 * here by hand, reproducing Perl's backtracking choice exactly (the comment
 * above each matcher derives it), because the parser runs once per input
 * line and has to stay near memory bandwidth; a regex engine would not.
 * Perl's \s is [ \t\n\r\f\v], \d is [0-9] and \w is [A-Za-z0-9_] on these
 * byte strings.
 *
 * Frame lines repeat endlessly, so the result of tidying a frame line
 * (its frame ids) is cached by the line's text from the symbol onwards.
 */
#include "formats/perf_script_parser.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct span {
	const char *p;
	size_t n;
	bool defined;
};

static inline bool is_s(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool is_d(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_w(unsigned char c)
{
	return is_d(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool span_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && !memcmp(a, b, an);
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

/*
 * Header: /^(\S.+?)\s+(\d+)\/ *(\d+)*\s+/ (read "\/ *" without the space). The lazy comm ends at the first
 * e >= 2 where s[e..] is: whitespace, digits, slashes, optional digits,
 * whitespace. All e inside one whitespace run give the same answer, so
 * each run is tried once. Greedy digit runs give $2 and $3 ($3 undefined
 * when there are no digits after the slashes).
 */
static bool match_header(const char *s, size_t n, struct span *comm, struct span *pid,
			 struct span *tid)
{
	size_t e = 2;

	if (n < 3 || is_s(s[0]))
		return false;
	while (e < n) {
		size_t j, d0, t0;

		if (!is_s(s[e])) {
			e++;
			continue;
		}
		j = e;
		while (j < n && is_s(s[j]))
			j++;
		d0 = j;
		while (j < n && is_d(s[j]))
			j++;
		if (j > d0) {
			size_t d1 = j;

			while (j < n && s[j] == '/')
				j++;
			t0 = j;
			while (j < n && is_d(s[j]))
				j++;
			if (j < n && is_s(s[j])) {
				*comm = (struct span){ s, e, true };
				*pid = (struct span){ s + d0, d1 - d0, true };
				*tid = (struct span){ s + t0, j - t0, j > t0 };
				return true;
			}
		}
		e = d0;
	}
	return false;
}

/*
 * Event: /:\s*(\d+)*\s+(\S+):\s*$/. The final ':' is the last non-space
 * byte; (\S+) is then the whole last token, which must follow whitespace;
 * before it comes whitespace, an optional digit run (the period, $1) and
 * optional whitespace, right after a ':'. Only one ':' can satisfy that, so
 * leftmost-first matching has no other choice.
 */
static bool match_event(const char *s, size_t n, struct span *period, struct span *event)
{
	size_t m = n, b, w1, d, w0;

	while (m > 0 && is_s(s[m - 1]))
		m--;
	if (m < 2 || s[m - 1] != ':')
		return false;
	b = m - 1;
	while (b > 0 && !is_s(s[b - 1]))
		b--;
	if (b == m - 1 || b == 0)
		return false;
	w1 = b;
	while (w1 > 0 && is_s(s[w1 - 1]))
		w1--;
	d = w1;
	while (d > 0 && is_d(s[d - 1]))
		d--;
	w0 = d;
	if (d < w1) {
		while (w0 > 0 && is_s(s[w0 - 1]))
			w0--;
	}
	if (w0 == 0 || s[w0 - 1] != ':')
		return false;
	*period = (struct span){ s + d, w1 - d, d < w1 };
	*event = (struct span){ s + b, m - 1 - b, true };
	return true;
}

/*
 * Frame: /^\s*(\w+)\s*(.+) \((.*)\)/. The greedy (.+) and (.*) pick the
 * last " (" that has a ')' after it (K) and the last ')' (L). Perl tries
 * (.+) starts from the end of the word and its trailing spaces (c)
 * downwards, so the start is min(c, K - 1) and must leave the word at
 * least one byte. Returns the index where (.+) starts (*start), K and L.
 */
static bool match_frame(const char *s, size_t n, struct span *pc, size_t *start, size_t *K,
			size_t *L)
{
	size_t a = 0, b, c, k, l;
	const char *close;

	while (a < n && is_s(s[a]))
		a++;
	b = a;
	while (b < n && is_w(s[b]))
		b++;
	if (b == a)
		return false;
	c = b;
	while (c < n && is_s(s[c]))
		c++;
	close = memrchr(s, ')', n);
	if (!close)
		return false;
	l = close - s;
	if (l < 2)
		return false;
	k = l - 2;
	for (;;) {
		const char *open = memrchr(s, '(', k + 2);

		if (!open || open == s)
			return false;
		k = open - s - 1;
		if (s[k] == ' ')
			break;
		if (k == 0)
			return false;
		k--;
		if (k + 2 > l)
			return false;
	}
	if (k < a + 2)
		return false;
	*start = c < k - 1 ? c : k - 1;
	*pc = (struct span){ s + a, (*start < b ? *start : b) - a, true };
	*K = k;
	*L = l;
	return true;
}

/* A cached frame line: the frame ids it contributes, or none. */
struct cache_entry {
	u64 hash;
	u32 key_off, key_len;
	u32 pool_off, pool_n;
	u8 flags;
};

#define CACHE_JAVA 1u		/* process name starts with "java" */
#define CACHE_PC 2u		/* key includes the address (--addrs, [unknown]) */
#define CACHE_LINE 4u		/* key is the whole line */

struct group {
	u32 off, n;		/* frame ids pool[off .. off + n) */
};

struct ps_parser {
	const struct perf_script_opts *opts;
	const char *const *filter;	/* driver's event filter */
	const size_t *filter_len;
	struct profile *prof;

	/* line cache */
	struct cache_entry *entries;
	size_t nentries, mask;
	char *keys;
	size_t keys_len, keys_cap;
	u32 *pool;
	size_t pool_n, pool_cap;

	/* stackcollapse-perf.pl's state */
	bool have_pname;
	bool java;
	u32 pname_frame;
	u64 period;
	struct group *groups;
	size_t ngroups, gcap;

	/* scratch */
	char *tmp;
	size_t tmp_cap;
	char *tmp2;
	size_t tmp2_cap;

	struct ps_parser_result res;
};

struct ps_parser *ps_parser__new(const struct perf_script_opts *opts, const char *const *filter,
				 const size_t *filter_len)
{
	struct ps_parser *p = xcalloc(1, sizeof(*p));

	p->opts = opts;
	p->filter = filter;
	p->filter_len = filter_len;
	p->prof = profile__new(1);
	p->mask = 4095;
	p->entries = xcalloc(p->mask + 1, sizeof(*p->entries));
	return p;
}

void ps_parser__free(struct ps_parser *p)
{
	if (!p)
		return;
	profile__free(p->prof);
	free(p->entries);
	free(p->keys);
	free(p->pool);
	free(p->groups);
	free(p->tmp);
	free(p->tmp2);
	free(p);
}

struct profile *ps_parser__profile(struct ps_parser *p)
{
	return p->prof;
}

struct ps_parser_result *ps_parser__result(struct ps_parser *p)
{
	return &p->res;
}

bool ps_parser__in_sample(const struct ps_parser *p)
{
	return p->have_pname;
}

static void warn(struct ps_parser *p, u64 chunk, u64 line, const char *fmt, const char *arg)
{
	struct ps_warning *w;

	p->res.nwarn++;
	if (p->res.kept >= PS_WARN_KEEP)
		return;
	w = &p->res.warn[p->res.kept++];
	w->chunk = chunk;
	w->line = line;
	snprintf(w->msg, sizeof(w->msg), fmt, arg);
}

void ps_parser__warn_too_long(struct ps_parser *p, u64 chunk, u64 line)
{
	warn(p, chunk, line, "%s", "line too long, skipped");
}

static void cache_grow(struct ps_parser *p)
{
	size_t nmask = p->mask * 2 + 1, i;
	struct cache_entry *ne = xcalloc(nmask + 1, sizeof(*ne));

	for (i = 0; i <= p->mask; i++) {
		struct cache_entry *e = &p->entries[i];
		size_t j;

		if (!e->key_len && !e->hash)
			continue;
		j = e->hash & nmask;
		while (ne[j].key_len || ne[j].hash)
			j = (j + 1) & nmask;
		ne[j] = *e;
	}
	free(p->entries);
	p->entries = ne;
	p->mask = nmask;
}

/* Append @n bytes to the scratch string (*buf, *len, *cap). */
static void tmp_put(char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
	XGROW(*buf, *cap, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
}

/* Go method names like "net/http.(*Client).Do" keep their parentheses. */
static bool looks_like_go(const char *s, size_t n)
{
	const char *open = memmem(s, n, ".(", 2);
	size_t i;

	if (!open)
		return false;
	for (i = n; i >= 2; i--) {
		if (s[i - 2] == ')' && s[i - 1] == '.')
			return (size_t)(s + i - 2 - open) >= 2;
	}
	return false;
}

/* True when s[i..] is "/tmp/perf-<digits><any byte>map" somewhere in @mod. */
static bool is_perf_map(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memmem(p, end - p, "/tmp/perf-", 10)) != NULL) {
		const char *q = p + 10;

		if (q < end && is_d(*q)) {
			while (q < end && is_d(*q))
				q++;
			/* \d+ may give back digits to '.', so try each split */
			for (const char *r = q; r > p + 10; r--) {
				if (r + 4 <= end && r[0] == '.' && !memcmp(r + 1, "map", 3))
					return true;
			}
		}
		p++;
	}
	return false;
}

/*
 * Tidy one part of a symbol into a frame name (stackcollapse-perf.pl's
 * tidy_generic, tidy_java and annotations), then intern it.
 */
static u32 tidy_part(struct ps_parser *p, const char *part, size_t n, size_t index,
		     const struct span *pc, const char *mod, size_t modn)
{
	const struct perf_script_opts *o = p->opts;
	size_t len = 0, i, w;
	char *f;

	if (span_eq(part, n, "[unknown]", 9)) {
		const char *base = "unknown";
		size_t bn = 7;

		if (!span_eq(mod, modn, "[unknown]", 9)) {
			const char *slash = memrchr(mod, '/', modn);

			base = slash ? slash + 1 : mod;
			bn = mod + modn - base;
		}
		tmp_put(&p->tmp2, &p->tmp2_cap, &len, "[", 1);
		tmp_put(&p->tmp2, &p->tmp2_cap, &len, base, bn);
		if (o->include_addrs) {
			tmp_put(&p->tmp2, &p->tmp2_cap, &len, " <", 2);
			tmp_put(&p->tmp2, &p->tmp2_cap, &len, pc->p, pc->n);
			tmp_put(&p->tmp2, &p->tmp2_cap, &len, ">", 1);
		}
		tmp_put(&p->tmp2, &p->tmp2_cap, &len, "]", 1);
	} else {
		tmp_put(&p->tmp2, &p->tmp2_cap, &len, part, n);
	}
	f = p->tmp2;
	for (i = 0; i < len; i++)
		if (f[i] == ';')
			f[i] = ':';
	if (!looks_like_go(f, len)) {
		for (i = 0; i < len; i++) {
			if (f[i] == '(' && !(len - i - 1 >= 20 &&
					     !memcmp(f + i + 1, "anonymous namespace)", 20))) {
				len = i;
				break;
			}
		}
	}
	for (i = 0, w = 0; i < len; i++)
		if (f[i] != '"' && f[i] != '\'')
			f[w++] = f[i];
	len = w;
	if (p->java && len && f[0] == 'L' && memchr(f, '/', len)) {
		f++;
		len--;
	}
	/* annotations go after the name; keep room in tmp2 */
	{
		size_t off = f - p->tmp2;
		const char *ann = NULL;

		if (index > 0) {
			if (!contains(f, len, "_[i]"))
				ann = "_[i]";
		} else if (o->annotate_kernel && modn &&
			   (mod[0] == '[' || (modn >= 7 && !memcmp(mod + modn - 7, "vmlinux", 7))) &&
			   !contains(mod, modn, "unknown")) {
			ann = "_[k]";
		} else if (o->annotate_jit && is_perf_map(mod, modn) && !contains(f, len, "_[j]")) {
			ann = "_[j]";
		}
		if (ann) {
			size_t l2 = off + len;

			tmp_put(&p->tmp2, &p->tmp2_cap, &l2, ann, 4);
			f = p->tmp2 + off;
			len += 4;
		}
	}
	return profile__frame(p->prof, f, len, FRAME_KIND__USER);
}

/* Compute the frame ids of a frame line; append them to the pool. */
static void compute_frames(struct ps_parser *p, const char *raw, size_t rawn, const char *mod,
			   size_t modn, const struct span *pc, u32 *off, u32 *count)
{
	size_t i, nparts = 0, start;

	*off = (u32)p->pool_n;
	*count = 0;
	/* s/\+0x[\da-f]+$// */
	i = rawn;
	while (i > 0 && (is_d(raw[i - 1]) || (raw[i - 1] >= 'a' && raw[i - 1] <= 'f')))
		i--;
	if (i < rawn && i >= 3 && !memcmp(raw + i - 3, "+0x", 3))
		rawn = i - 3;
	if (rawn && raw[0] == '(')	/* process names in the stack */
		return;
	/* split /->/, dropping trailing empty fields */
	while (rawn >= 2 && raw[rawn - 2] == '-' && raw[rawn - 1] == '>')
		rawn -= 2;
	start = 0;
	while (start < rawn) {
		const char *arrow = memmem(raw + start, rawn - start, "->", 2);
		size_t end = arrow ? (size_t)(arrow - raw) : rawn;
		u32 id = tidy_part(p, raw + start, end - start, nparts, pc, mod, modn);

		XGROW(p->pool, p->pool_cap, p->pool_n + 1);
		p->pool[p->pool_n++] = id;
		nparts++;
		start = end + 2;
		if (!arrow)
			break;
	}
	*count = (u32)nparts;
}

/* The entry for @key with @flags, or NULL. */
static struct cache_entry *cache_find(struct ps_parser *p, const char *key, size_t keylen,
				      u8 flags, u64 h)
{
	size_t j = h & p->mask;

	for (;;) {
		struct cache_entry *e = &p->entries[j];

		if (!e->hash)
			return NULL;
		if (e->hash == h && e->flags == flags && e->key_len == keylen &&
		    !memcmp(p->keys + e->key_off, key, keylen))
			return e;
		j = (j + 1) & p->mask;
	}
}

/* Add @key → pool[off .. off + n); the key must not be present yet. */
static void cache_add(struct ps_parser *p, const char *key, size_t keylen, u8 flags, u64 h,
		      u32 off, u32 n)
{
	size_t j = h & p->mask;
	struct cache_entry *e;

	while (p->entries[j].hash)
		j = (j + 1) & p->mask;
	e = &p->entries[j];
	XGROW(p->keys, p->keys_cap, p->keys_len + keylen);
	memcpy(p->keys + p->keys_len, key, keylen);
	*e = (struct cache_entry){ .hash = h, .key_off = (u32)p->keys_len, .key_len = (u32)keylen,
				   .pool_off = off, .pool_n = n, .flags = flags };
	p->keys_len += keylen;
	if (++p->nentries * 2 > p->mask)
		cache_grow(p);
}

static void push_group(struct ps_parser *p, u32 off, u32 n)
{
	if (!n)
		return;
	XGROW(p->groups, p->gcap, p->ngroups + 1);
	p->groups[p->ngroups++] = (struct group){ off, n };
}

/*
 * A frame line. Two cache levels: the whole line (the same address and
 * symbol recur constantly, and a hit skips parsing), then the text from the
 * symbol on (the same symbol at another address).
 */
static void frame_line(struct ps_parser *p, const char *s, size_t n, u64 chunk, u64 line)
{
	const struct cache_entry *e;
	struct span pc;
	size_t start, K, L, keylen;
	const char *key;
	u8 flags = p->java ? CACHE_JAVA : 0;
	u64 hline, h;
	u32 off, cnt;

	hline = hash_bytes(s, n, flags | CACHE_LINE) | 1;	/* hash 0 marks an empty slot */
	e = cache_find(p, s, n, flags | CACHE_LINE, hline);
	if (e) {
		if (p->have_pname)
			push_group(p, e->pool_off, e->pool_n);
		return;
	}
	if (!match_frame(s, n, &pc, &start, &K, &L)) {
		char q[96];

		p->res.unrecognized++;
		diag__quote(q, sizeof(q), s, n, 60);
		warn(p, chunk, line, "unrecognized line, skipped: \"%s\"", q);
		return;
	}
	if (!p->have_pname)
		return;
	key = s + start;
	keylen = L + 1 - start;
	if (p->opts->include_addrs && contains(s + start, K - start, "[unknown]")) {
		size_t tl = 0;

		tmp_put(&p->tmp, &p->tmp_cap, &tl, key, keylen);
		tmp_put(&p->tmp, &p->tmp_cap, &tl, "", 1);	/* a NUL between text and address */
		tmp_put(&p->tmp, &p->tmp_cap, &tl, pc.p, pc.n);
		key = p->tmp;
		keylen = tl;
		flags |= CACHE_PC;
	}
	h = hash_bytes(key, keylen, flags) | 1;
	e = cache_find(p, key, keylen, flags, h);
	if (e) {
		off = e->pool_off;
		cnt = e->pool_n;
	} else {
		compute_frames(p, s + start, K - start, s + K + 2, L - K - 2, &pc, &off, &cnt);
		cache_add(p, key, keylen, flags, h, off, cnt);	/* key may be in tmp; compute used tmp2 */
	}
	cache_add(p, s, n, (flags & ~CACHE_PC) | CACHE_LINE, hline, off, cnt);
	push_group(p, off, cnt);
}

static u64 parse_period(const struct span *s)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		u64 d = s->p[i] - '0';

		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	return v;
}

static void header_line(struct ps_parser *p, const char *s, size_t n, const struct span *comm,
			struct span pid, struct span tid, u64 chunk, u64 line)
{
	struct span period = { 0 }, event;
	size_t len = 0, i;

	if (!tid.defined || span_eq(tid.p, tid.n, "0", 1)) {
		tid = pid;
		pid = (struct span){ "?", 1, true };
	}
	if (match_event(s, n, &period, &event)) {
		const char *f = *p->filter;

		if (f && *p->filter_len && !span_eq(event.p, event.n, f, *p->filter_len)) {
			p->res.filtered++;
			if (!p->res.have_mismatch) {
				size_t k = event.n < sizeof(p->res.mismatch_event) - 1
						   ? event.n : sizeof(p->res.mismatch_event) - 1;

				p->res.have_mismatch = true;
				p->res.mismatch_chunk = chunk;
				p->res.mismatch_line = line;
				memcpy(p->res.mismatch_event, event.p, k);
				p->res.mismatch_event[k] = '\0';
			}
			return;
		}
	}
	/* Perl: $period = 1 if not $period ("" and "0" are false) */
	if (!period.defined || period.n == 0 || span_eq(period.p, period.n, "0", 1))
		p->period = 1;
	else
		p->period = parse_period(&period);

	tmp_put(&p->tmp, &p->tmp_cap, &len, comm->p, comm->n);
	if (p->opts->include_tid || p->opts->include_pid) {
		tmp_put(&p->tmp, &p->tmp_cap, &len, "-", 1);
		tmp_put(&p->tmp, &p->tmp_cap, &len, pid.p, pid.n);
		if (p->opts->include_tid) {
			tmp_put(&p->tmp, &p->tmp_cap, &len, "/", 1);
			tmp_put(&p->tmp, &p->tmp_cap, &len, tid.p, tid.n);
		}
	}
	for (i = 0; i < len; i++)
		if (p->tmp[i] == ' ')
			p->tmp[i] = '_';
	p->java = len >= 4 && !memcmp(p->tmp, "java", 4);
	p->pname_frame = profile__frame(p->prof, p->tmp, len, FRAME_KIND__ROOT);
	p->have_pname = true;
}

static void end_of_sample(struct ps_parser *p)
{
	u32 node;
	size_t g;

	if (!p->have_pname)
		return;
	node = stack_trie__child(&p->prof->stacks, STACK_ROOT, p->pname_frame);
	for (g = p->ngroups; g-- > 0;) {
		const u32 *ids = p->pool + p->groups[g].off;
		u32 k;

		for (k = 0; k < p->groups[g].n; k++)
			node = stack_trie__child(&p->prof->stacks, node, ids[k]);
	}
	profile__add(p->prof, node, 0, p->period);
	p->res.samples++;
	p->ngroups = 0;
	p->have_pname = false;
}

static void parse_line(struct ps_parser *p, const char *s, size_t n, u64 chunk, u64 line)
{
	struct span comm, pid, tid;

	if (n == 0) {
		end_of_sample(p);
		return;
	}
	if (s[0] == '#')
		return;
	if (!is_s(s[0]) && match_header(s, n, &comm, &pid, &tid)) {
		header_line(p, s, n, &comm, pid, tid, chunk, line);
		return;
	}
	frame_line(p, s, n, chunk, line);
}

u64 ps_parser__feed(struct ps_parser *p, const char *data, size_t len, u64 chunk)
{
	const char *s = data, *end = data + len;
	u64 line = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		parse_line(p, s, n, chunk, ++line);
		s += n + 1;
	}
	p->res.lines += line;
	return line;
}

bool ps_line_event(const char *line, size_t len, char *event, size_t cap)
{
	struct span comm, pid, tid, period, ev;

	if (len == 0 || line[0] == '#' || is_s(line[0]))
		return false;
	if (!match_header(line, len, &comm, &pid, &tid) || !match_event(line, len, &period, &ev))
		return false;
	if (ev.n >= cap)
		ev.n = cap - 1;
	memcpy(event, ev.p, ev.n);
	event[ev.n] = '\0';
	return true;
}

struct profile *ps_parser__take_profile(struct ps_parser *p)
{
	struct profile *prof = p->prof;

	p->prof = profile__new(1);
	return prof;
}
