/*
 * test.c - runner for the unit tests registered with TEST().
 */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>

static struct test_case *head, **tail = &head;
int test_failed;

void test_register(struct test_case *t)
{
	*tail = t;
	tail = &t->next;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test_failed = 1;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0;
	struct test_case *t;

	for (t = head; t; t = t->next) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		test_failed = 0;
		t->fn();
		if (test_failed) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
