/*
 * main.c - `ember`: global options, the command table and dispatch. Each
 * command lives in src/cli/cmd_<name>.c; exit codes are defined in report.h.
 */
#include "cli/cmd.h"
#include "cli/report.h"

#include <stdio.h>
#include <string.h>

#ifndef EMBER_VERSION
#define EMBER_VERSION "0.0.0-dev"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "collapse", cmd_collapse, "perf script text → folded stacks (stackcollapse-perf.pl compatible)" },
	{ "record", cmd_record, "sample a command, processes or the system → flame graph or folded stacks" },
	{ "run", cmd_run, "run a command under libember.so (CPU + heap profiler) → pprof" },
	{ "flame", cmd_flame, "folded stacks or perf script text → interactive SVG flame graph" },
	{ "diff", cmd_diff, "two profiles → differential folded stacks (difffolded.pl compatible)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ember [--version] [--help] COMMAND [OPTIONS] [ARGS]\n\n"
		   "ember: profiles, folded stacks and flame graphs for Linux.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'ember COMMAND --help' describes a command.\n"
		   "exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 bad or empty input,\n"
		   "            4 missing permission or kernel feature\n");
}

int main(int argc, const char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ember %s\n", EMBER_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	report_error("'%s' is not an ember command (see 'ember --help')", argv[1]);
	return EXIT_USAGE;
}
