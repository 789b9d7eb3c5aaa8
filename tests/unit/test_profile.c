/*
 * test_profile.c - the profile model: string interning, frames, the stack
 * trie (with its invariant check after each case) and merging.
 */
#include "../lib/test.h"
#include "profile/profile.h"

#include <stdlib.h>

TEST(test_strtab__interns_once_and_keeps_bytes)
{
	struct strtab t;
	size_t len;
	u32 a, b, c, i;

	strtab__init(&t);
	ASSERT_EQ_U64(strtab__intern(&t, "", 0), 0);
	a = strtab__intern(&t, "main", 4);
	b = strtab__intern(&t, "ma\0in", 5);
	c = strtab__intern(&t, "main", 4);
	ASSERT(a == c);
	ASSERT(a != b);
	ASSERT(!memcmp(strtab__get(&t, b, &len), "ma\0in", 5));
	ASSERT_EQ_U64(len, 5);
	/* growth through several rehashes keeps every id stable */
	for (i = 0; i < 5000; i++) {
		char s[32];
		int n = snprintf(s, sizeof(s), "fn_%u", i);

		ASSERT_EQ_U64(strtab__intern(&t, s, n), i + 3);
	}
	ASSERT_STREQ(strtab__get(&t, 3 + 4321, &len), "fn_4321");
	ASSERT_EQ_U64(strtab__count(&t), 5003);
	strtab__release(&t);
}

TEST(test_stack_trie__shares_prefixes_and_checks)
{
	struct stack_trie t;
	u32 a, ab, ab2, ac, i, s = STACK_ROOT;

	stack_trie__init(&t);
	a = stack_trie__child(&t, STACK_ROOT, 7);
	ab = stack_trie__child(&t, a, 8);
	ac = stack_trie__child(&t, a, 9);
	ab2 = stack_trie__child(&t, a, 8);
	ASSERT(ab == ab2);
	ASSERT(ab != ac);
	ASSERT_EQ_U64(t.depth[ab], 2);
	ASSERT_EQ_U64(t.parent[ac], a);
	for (i = 0; i < 10000; i++)	/* a 10,000-frame stack */
		s = stack_trie__child(&t, s, i % 3);
	ASSERT_EQ_U64(t.depth[s], 10000);
	ASSERT_EQ_U64(stack_trie__count(&t), 4 + 10000);
	ASSERT_EQ_U64(stack_trie__check(&t), 0);
	t.parent[ab] = ab;	/* break the invariant: the check must see it */
	ASSERT(stack_trie__check(&t) != 0);
	stack_trie__release(&t);
}

static u32 push(struct profile *p, u32 node, const char *name)
{
	return stack_trie__child(&p->stacks, node, profile__frame(p, name, strlen(name), FRAME_KIND__USER));
}

TEST(test_profile__merge_maps_frames_and_sums)
{
	struct profile *a = profile__new(1), *b = profile__new(1);
	u32 x, y;

	profile__add(a, push(a, push(a, STACK_ROOT, "main"), "f"), 0, 3);
	push(b, STACK_ROOT, "unused");
	x = push(b, push(b, STACK_ROOT, "main"), "f");
	y = push(b, push(b, STACK_ROOT, "main"), "g");
	profile__add(b, x, 0, 4);
	profile__add(b, y, 0, 0);	/* present with a zero count */
	profile__merge(a, b);
	ASSERT_EQ_U64(profile__total(a, 0), 7);
	ASSERT_EQ_U64(profile__sampled_stacks(a), 2);
	ASSERT_EQ_U64(stack_trie__check(&a->stacks), 0);
	profile__free(a);
	profile__free(b);
}

TEST(test_profile__add_saturates)
{
	struct profile *p = profile__new(2);
	u32 s = push(p, STACK_ROOT, "x");

	profile__add(p, s, 1, UINT64_MAX - 1);
	profile__add(p, s, 1, 5);
	ASSERT(p->values[s * 2 + 1] == UINT64_MAX);
	ASSERT_EQ_U64(p->values[s * 2], 0);
	profile__free(p);
}
