/*
 * test_opt.c - the option parser (src/cli/opt.c): long and short forms,
 * clustered flags, "--", arguments moved to the front, a repeated option's
 * last value winning, and repeatable OPT_STRINGS options keeping every value
 * in order up to OPT_STRINGS_MAX.
 */
#include "../lib/test.h"
#include "cli/opt.h"

#include <fcntl.h>
#include <unistd.h>

static const struct opt_usage usage = { "test [OPTIONS] [ARGS]", "a test", NULL };

struct parsed {
	bool all, quiet;
	const char *output;
	unsigned freq;
	struct opt_strings events;
};

/* opt_parse() of the NULL-terminated @args against a table like ember record's, stderr silenced. */
static int parse(struct parsed *p, const char **args)
{
	const struct opt options[] = {
		{ "all-cpus", 'a', OPT_FLAG, &p->all, NULL, "all" },
		{ "quiet", 'q', OPT_FLAG, &p->quiet, NULL, "quiet" },
		{ "output", 'o', OPT_STRING, &p->output, "FILE", "output" },
		{ "freq", 'F', OPT_UINT, &p->freq, "HZ", "frequency" },
		{ "event", 'e', OPT_STRINGS, &p->events, "EVENT", "events" },
		{ NULL, 0, OPT_END, NULL, NULL, NULL },
	};
	int argc = 0, err_fd = dup(STDERR_FILENO), null_fd = open("/dev/null", O_WRONLY), n;

	while (args[argc])
		argc++;
	fflush(stderr);
	dup2(null_fd, STDERR_FILENO);
	n = opt_parse(argc, args, options, &usage);
	fflush(stderr);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	return n;
}

TEST(test_opt__repeated_strings_option_keeps_every_value_in_order)
{
	struct parsed p = { 0 };
	const char *args[] = { "record", "-e", "a", "--event", "b", "-ec", "--event=d,e", "-qe", "f", NULL };

	ASSERT(parse(&p, args) == 0);
	ASSERT_EQ_U64(p.events.n, 5);
	ASSERT_STREQ(p.events.v[0], "a");
	ASSERT_STREQ(p.events.v[1], "b");
	ASSERT_STREQ(p.events.v[2], "c");
	ASSERT_STREQ(p.events.v[3], "d,e");
	ASSERT_STREQ(p.events.v[4], "f");
	ASSERT(p.quiet);
}

/* "record" and @n times "-e x" into @args (opt_parse() rearranges it, so once per parse) */
static void many_events(const char **args, int n)
{
	int i, k = 0;

	args[k++] = "record";
	for (i = 0; i < n; i++) {
		args[k++] = "-e";
		args[k++] = "x";
	}
	args[k] = NULL;
}

TEST(test_opt__strings_option_given_too_often_is_an_error)
{
	struct parsed p = { 0 };
	const char *args[2 * OPT_STRINGS_MAX + 4];

	many_events(args, OPT_STRINGS_MAX);
	ASSERT(parse(&p, args) == 0);
	ASSERT_EQ_U64(p.events.n, OPT_STRINGS_MAX);
	memset(&p, 0, sizeof(p));
	many_events(args, OPT_STRINGS_MAX + 1);
	ASSERT(parse(&p, args) == -1);
}

TEST(test_opt__forms_flags_arguments_and_last_value)
{
	struct parsed p = { 0 };
	const char *args[] = { "record", "-aq", "-o", "x.svg", "--output=y.svg", "-F999", "cmd", "--", "-e", "z", NULL };

	ASSERT(parse(&p, args) == 3);
	ASSERT(p.all && p.quiet);
	ASSERT_STREQ(p.output, "y.svg");
	ASSERT_EQ_U64(p.freq, 999);
	ASSERT_EQ_U64(p.events.n, 0);
	/* arguments moved to the front, "--" dropped, what follows it kept as is */
	ASSERT_STREQ(args[1], "cmd");
	ASSERT_STREQ(args[2], "-e");
	ASSERT_STREQ(args[3], "z");
	ASSERT(args[4] == NULL);
}

TEST(test_opt__usage_errors)
{
	struct parsed p = { 0 };
	const char *unknown[] = { "record", "--no-such", NULL };
	const char *missing[] = { "record", "-e", NULL };
	const char *bad_uint[] = { "record", "-F", "-5", NULL };
	const char *flag_value[] = { "record", "--quiet=1", NULL };

	ASSERT(parse(&p, unknown) == -1);
	ASSERT(parse(&p, missing) == -1);
	ASSERT(parse(&p, bad_uint) == -1);
	ASSERT(parse(&p, flag_value) == -1);
}
