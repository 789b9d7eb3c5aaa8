/*
 * report.c - diagnostics on stderr and the error → exit-code mapping.
 */
#include "cli/report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static int exit_code_for(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case EM_E_USAGE:
		return EXIT_USAGE;
	case EM_E_BAD_INPUT:
	case EM_E_EMPTY_INPUT:
	case EM_E_TOO_BIG:
	case ENOENT:
	case EISDIR:
		return EXIT_BAD_INPUT;
	case EACCES:
	case EPERM:
	case EM_E_UNSUPPORTED:
		return EXIT_NO_PERMISSION;
	default:
		return EXIT_FAILURE_RUNTIME;
	}
}

int report_exit(int err, const struct em_diag *diag)
{
	if (!err)
		return EXIT_OK;
	if (diag && diag->msg[0]) {
		if (diag->path && diag->line)
			fprintf(stderr, "ember: '%s':%llu: %s\n", diag->path,
				(unsigned long long)diag->line, diag->msg);
		else if (diag->path)
			fprintf(stderr, "ember: '%s': %s\n", diag->path, diag->msg);
		else
			fprintf(stderr, "ember: %s\n", diag->msg);
	} else {
		fprintf(stderr, "ember: %s\n", em_strerror(err));
	}
	return exit_code_for(err);
}

void report_warnings(const struct diag_log *log)
{
	unsigned i;

	for (i = 0; i < log->kept; i++)
		fprintf(stderr, "ember: warning: %s\n", log->msg[i]);
	if (log->count > log->kept)
		fprintf(stderr, "ember: warning: ... and %llu more warnings\n",
			(unsigned long long)(log->count - log->kept));
}

void report_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ember: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
