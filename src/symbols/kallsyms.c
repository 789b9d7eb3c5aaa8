/*
 * kallsyms.c - parsing /proc/kallsyms and looking kernel addresses up.
 * Only text symbols (t, T, w, W) are kept; module symbols keep their name
 * (perf and stackcollapse-perf.pl show names without the [module] suffix).
 */
#include "symbols/kallsyms.h"
#include "symbols/scan.h"
#include "symbols/sorted.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KSYM_NAME_MAX 512
#define KALLSYMS_FILE_MAX (256u << 20)

void kallsyms__init(struct kallsyms *k)
{
	memset(k, 0, sizeof(*k));
}

void kallsyms__release(struct kallsyms *k)
{
	free(k->syms);
	free(k->names);
	memset(k, 0, sizeof(*k));
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool parse_line(struct kallsyms *k, const char *s, size_t n)
{
	struct scan sc = { s, s + n };
	const char *type, *name;
	size_t tlen, nlen;
	u64 addr;

	if (!scan__hex(&sc, &addr) || !scan__spaces(&sc) || !scan__field(&sc, &type, &tlen) ||
	    tlen != 1 || !scan__spaces(&sc) || !scan__field(&sc, &name, &nlen))
		return false;
	if (nlen > KSYM_NAME_MAX || memchr(name, 0, nlen))
		return false;
	if (type[0] != 't' && type[0] != 'T' && type[0] != 'w' && type[0] != 'W')
		return true;	/* valid, but not code */
	if (!addr)
		return true;
	if (k->n == k->cap)
		XGROW(k->syms, k->cap, k->n + 1);
	if (k->names_len + nlen + 1 > k->names_cap)
		XGROW(k->names, k->names_cap, k->names_len + nlen + 1);
	memcpy(k->names + k->names_len, name, nlen);
	k->names[k->names_len + nlen] = 0;
	k->syms[k->n++] = (struct ksym){ addr, (u32)k->names_len };
	k->names_len += nlen + 1;
	if (nlen == 5 && !memcmp(name, "_etext", 5) && addr > k->end)
		k->end = addr;
	return true;
}

int kallsyms__parse(struct kallsyms *k, const char *text, size_t len, u64 *bad)
{
	struct scan sc = { text, text + len };
	const char *line;
	size_t n;
	u64 nbad = 0, last;

	if (len > 0xffffffffu)
		return -EM_E_TOO_BIG;
	while (scan__line(&sc, &line, &n))
		if (n && !parse_line(k, line, n))
			nbad++;
	if (bad)
		*bad = nbad;
	if (!k->n)
		return -EM_E_EMPTY_INPUT;
	qsort(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	/* modules live above _etext: allow up to 1 MiB past the last symbol */
	last = k->syms[k->n - 1].addr;
	last = last + (1u << 20) < last ? UINT64_MAX : last + (1u << 20);
	if (last > k->end)
		k->end = last;
	return 0;
}

int kallsyms__load(struct kallsyms *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int err;

	if (!f)
		return -errno;
	for (;;) {
		if (cap - len < 65536)
			XGROW(buf, cap, len + 65536);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (!got || len > KALLSYMS_FILE_MAX)
			break;
	}
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!err)
		err = kallsyms__parse(k, buf, len, NULL);
	free(buf);
	return err;
}

const char *kallsyms__lookup(const struct kallsyms *k, u64 addr)
{
	if (!k->n || addr < k->syms[0].addr || addr > k->end)
		return NULL;
	return k->names + k->syms[SORTED_UPPER(k->syms, k->n, addr, addr) - 1].name;
}
