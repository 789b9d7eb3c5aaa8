#!/usr/bin/env python3
"""flame-gen.py SHAPE N [SEED] - writes N unique folded stacks to stdout, for bench/flame.sh.

Stacks are the root-to-leaf paths of a random call tree, so prefixes are shared
as in real profiles. Deterministic for a given SEED (default 1).
  deep     long call chains like Java or kernel stacks (depth 20-60, long names),
           counts skewed like real profiles (a few hot stacks, a long tail)
  wide     short stacks (depth ~10), up to 12 callees per frame, counts 1-100
"""
import random
import sys


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    out = sys.stdout
    sys.setrecursionlimit(10000)
    if shape == "deep":
        names = ["pkg%d.Class%d.method_%s" % (i % 50, i % 700, "abcdefghijkl"[: 2 + i % 10]) for i in range(30000)]
    else:
        names = ["fn_%d_%s" % (i, "abcdefghij"[: 3 + i % 8]) for i in range(20000)]

    def deep(prefix, depth, budget):
        while budget == 1 and depth < 20 + len(prefix) % 40:
            prefix += ";" + rnd.choice(names)
            depth += 1
        if budget <= 1 or depth >= 60:
            out.write("%s %d\n" % (prefix, max(1, int(1000 / rnd.randint(1, 1000) ** 0.8))))
            return
        if rnd.random() < 0.6:
            deep(prefix + ";" + rnd.choice(names), depth + 1, budget)
            return
        split(prefix, depth, budget, rnd.randint(2, 8), deep)

    def wide(prefix, depth, budget):
        if budget <= 1 or depth >= 40:
            out.write("%s %d\n" % (prefix, rnd.randint(1, 100)))
            return
        split(prefix, depth, budget, rnd.randint(2, 12), wide)

    def split(prefix, depth, budget, k, walk):
        k = min(k, budget)
        parts = [budget // k] * k
        parts[0] += budget - sum(parts)
        for p, name in zip(parts, rnd.sample(names, k)):
            walk(prefix + ";" + name, depth + 1, p)

    (deep if shape == "deep" else wide)("app", 0, n)


if __name__ == "__main__":
    main()
