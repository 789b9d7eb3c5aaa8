/*
 * report.h - the one place that prints problems for people and turns error
 * codes into ember's documented exit codes (docs/cli/ember.md):
 *   0 success, 1 runtime failure, 2 usage error, 3 bad or empty input,
 *   4 missing permission or kernel feature.
 */
#ifndef EMBER_REPORT_H
#define EMBER_REPORT_H

#include "base/err.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_BAD_INPUT = 3,
	EXIT_NO_PERMISSION = 4,
};

/* Print "ember: <location>: <message>" for @err (if nonzero) and return the exit code. */
int report_exit(int err, const struct em_diag *diag);

/* Print the kept warnings of @log (and how many more there were) to stderr. */
void report_warnings(const struct diag_log *log);

void report_error(const char *fmt, ...) __printf(1, 2);

#endif
