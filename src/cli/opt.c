/*
 * opt.c - table-driven option parsing and help printing (see opt.h).
 */
#include "cli/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int set_value(const struct opt *o, const char *val, const char *shown)
{
	char *end;

	switch (o->kind) {
	case OPT_STRING:
		*(const char **)o->target = val;
		return 0;
	case OPT_STRINGS: {
		struct opt_strings *l = o->target;

		if (l->n == OPT_STRINGS_MAX) {
			if (o->long_name)
				fprintf(stderr, "ember: option '--%s' given more than %d times\n", o->long_name,
					OPT_STRINGS_MAX);
			else
				fprintf(stderr, "ember: option '-%c' given more than %d times\n", o->short_name,
					OPT_STRINGS_MAX);
			return -1;
		}
		l->v[l->n++] = val;
		return 0;
	}
	case OPT_UINT: {
		unsigned long v;

		errno = 0;
		v = strtoul(val, &end, 10);
		if (errno || end == val || *end || val[0] == '-' || v > 0xffffffffUL) {
			fprintf(stderr, "ember: option '%s' expects a whole number, got '%s'\n", shown, val);
			return -1;
		}
		*(unsigned *)o->target = (unsigned)v;
		return 0;
	}
	case OPT_DOUBLE: {
		double v;

		errno = 0;
		v = strtod(val, &end);
		if (errno || end == val || *end) {
			fprintf(stderr, "ember: option '%s' expects a number, got '%s'\n", shown, val);
			return -1;
		}
		*(double *)o->target = v;
		return 0;
	}
	default:
		return 0;
	}
}

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
	for (; opts->kind != OPT_END; opts++)
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len) && opts->kind != OPT_GROUP)
			return opts;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts->kind != OPT_END; opts++)
		if (opts->short_name == c && opts->kind != OPT_GROUP)
			return opts;
	return NULL;
}

int opt_parse(int argc, const char **argv, const struct opt *opts, const struct opt_usage *u)
{
	int i, nargs = 0;
	bool only_args = false;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_args || a[0] != '-' || !a[1]) {
			argv[1 + nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o;

			if (len == 4 && !strncmp(name, "help", 4)) {
				opt_print_help(stdout, opts, u);
				return -2;
			}
			o = find_long(opts, name, len);
			if (!o) {
				fprintf(stderr, "ember: unknown option '--%.*s' (see --help)\n", (int)len, name);
				return -1;
			}
			if (o->kind == OPT_FLAG) {
				if (eq) {
					fprintf(stderr, "ember: option '--%s' takes no value\n", o->long_name);
					return -1;
				}
				*(bool *)o->target = true;
				continue;
			}
			if (!eq && i + 1 >= argc) {
				fprintf(stderr, "ember: option '--%s' needs a value\n", o->long_name);
				return -1;
			}
			if (set_value(o, eq ? eq + 1 : argv[++i], a))
				return -1;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			const struct opt *o = find_short(opts, *c);

			if (*c == 'h' && !o) {
				opt_print_help(stdout, opts, u);
				return -2;
			}
			if (!o) {
				fprintf(stderr, "ember: unknown option '-%c' (see --help)\n", *c);
				return -1;
			}
			if (o->kind == OPT_FLAG) {
				*(bool *)o->target = true;
				continue;
			}
			if (c[1]) {
				if (set_value(o, c + 1, a))
					return -1;
			} else if (i + 1 < argc) {
				if (set_value(o, argv[++i], a))
					return -1;
			} else {
				fprintf(stderr, "ember: option '-%c' needs a value\n", *c);
				return -1;
			}
			break;
		}
	}
	argv[1 + nargs] = NULL;
	return nargs;
}

void opt_print_help(FILE *f, const struct opt *opts, const struct opt_usage *u)
{
	fprintf(f, "usage: %s\n\n%s\n", u->synopsis, u->summary);
	for (; opts->kind != OPT_END; opts++) {
		char left[64];
		int n = 0;

		if (opts->kind == OPT_GROUP) {
			fprintf(f, "\n%s\n", opts->help);
			continue;
		}
		if (opts->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", opts->short_name);
		else
			n = snprintf(left, sizeof(left), "    ");
		if (opts->long_name)
			n += snprintf(left + n, sizeof(left) - n, "--%s", opts->long_name);
		if (opts->kind != OPT_FLAG && opts->arg_name)
			snprintf(left + n, sizeof(left) - n, " %s", opts->arg_name);
		fprintf(f, "  %-28s %s\n", left, opts->help);
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
	if (u->footer)
		fprintf(f, "\n%s", u->footer);
}
