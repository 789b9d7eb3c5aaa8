/*
 * cmd.h - every ember subcommand. To add one:
 *   1. write src/cli/cmd_<name>.c with int cmd_<name>(int argc, const char **argv)
 *      that only turns argv into options, calls the library and reports;
 *   2. declare it below and add a row to the table in src/cli/main.c;
 *   3. document it in docs/cli/ember-<name>.md and add tests/cli/tNNNN-<name>-*.sh.
 */
#ifndef EMBER_CMD_H
#define EMBER_CMD_H

#include "base/instream.h"

int cmd_collapse(int argc, const char **argv);
int cmd_flame(int argc, const char **argv);
int cmd_diff(int argc, const char **argv);
int cmd_record(int argc, const char **argv);
int cmd_run(int argc, const char **argv);

/*
 * Open the command's input files (argv[1..nargs], or stdin when none) as
 * instreams (*@ins, *@n; free with inputs_close). Prints the error and
 * returns the exit code on failure, 0 on success.
 */
int inputs_open(int nargs, const char **argv, struct instream ***ins, size_t *n);
void inputs_close(struct instream **ins, size_t n);

/* Open @path for writing ("-" or NULL = stdout). Prints the error; NULL on failure. */
#include <stdio.h>
FILE *output_open(const char *path);
int output_close(FILE *f, const char *path);

#endif
