/*
 * test.h - ember's unit-test registry: TEST(name) defines and registers a
 * test; ASSERT_* record file:line and stop the test on failure. The runner
 * (test.c) runs every test, or those whose name contains argv[1].
 */
#ifndef EMBER_TEST_H
#define EMBER_TEST_H

#include <stdio.h>
#include <string.h>
#include "base/compiler.h"

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *t);
void test_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);
extern int test_failed;

#define TEST(name)                                                            \
	static void name(void);                                               \
	static struct test_case name##_case = { #name, name, NULL };          \
	__attribute__((constructor)) static void name##_register(void)        \
	{                                                                     \
		test_register(&name##_case);                                  \
	}                                                                     \
	static void name(void)

#define ASSERT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			test_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); \
			return;                                               \
		}                                                             \
	} while (0)

#define ASSERT_EQ_U64(a, b)                                                   \
	do {                                                                  \
		unsigned long long a_ = (a), b_ = (b);                        \
		if (a_ != b_) {                                               \
			test_fail(__FILE__, __LINE__, "%s == %llu, expected %s == %llu", #a, a_, #b, b_); \
			return;                                               \
		}                                                             \
	} while (0)

#define ASSERT_STREQ(a, b)                                                    \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		if (strcmp(a_, b_)) {                                         \
			test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_, b_); \
			return;                                               \
		}                                                             \
	} while (0)

#endif
