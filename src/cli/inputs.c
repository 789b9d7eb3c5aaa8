/*
 * inputs.c - opening a command's input files and its output file, with the
 * error messages and exit codes every command shares.
 */
#include "cli/cmd.h"
#include "cli/report.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int inputs_open(int nargs, const char **argv, struct instream ***ins, size_t *n)
{
	size_t count = nargs > 0 ? (size_t)nargs : 1, i;
	struct instream **v = xcalloc(count, sizeof(*v));

	for (i = 0; i < count; i++) {
		struct em_diag diag = { 0 };
		const char *path = nargs > 0 ? argv[1 + i] : "-";
		int err;

		if (nargs == 0 && isatty(STDIN_FILENO))
			fprintf(stderr, "ember: reading from the terminal (give a FILE, or pipe input; see --help)\n");
		err = instream__open(&v[i], path, &diag);
		if (err) {
			int code = report_exit(err, &diag);

			inputs_close(v, i);
			return code;
		}
	}
	*ins = v;
	*n = count;
	return 0;
}

void inputs_close(struct instream **ins, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		instream__free(ins[i]);
	free(ins);
}

FILE *output_open(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		report_error("cannot write '%s': %s", path, strerror(errno));
	return f;
}

int output_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f);
	else
		bad |= fclose(f);
	if (bad) {
		report_error("cannot write '%s': %s", path ? path : "standard output", strerror(errno));
		return EXIT_FAILURE_RUNTIME;
	}
	return 0;
}
