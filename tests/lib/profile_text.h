/*
 * profile_text.h - unit-test helpers that turn text into profiles and back:
 * folded text in, folded text out (through src/formats), so tests state
 * their inputs and expectations as folded lines.
 */
#ifndef EMBER_TEST_PROFILE_TEXT_H
#define EMBER_TEST_PROFILE_TEXT_H

#include "profile/profile.h"

/* folded_read() of @text; NULL when it fails (*@err, if given, gets the code). */
struct profile *test_folded_profile(const char *text, int *err);

/* folded_write() of @p into a new string (caller frees); NULL on failure. */
char *test_folded_text(const struct profile *p);

#endif
