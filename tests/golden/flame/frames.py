#!/usr/bin/env python3
"""frames.py - the frame set of a flame graph SVG, from ember or flamegraph.pl.

  frames.py [--no-fill] SVG            print one line per drawn frame, sorted:
                                       depth, x, width, fill, name, label
  frames.py --compare EXPECTED SVG     compare SVG's frame set with EXPECTED (a file
                                       printed by the first form); x and width may
                                       differ by 0.1 px (rounding), nothing else may

Depth is the rank of the frame's y (root = 0, flame or icicle). The name is the
title without its " (N samples, P%...)" tail. Exit 0 when equal, 1 otherwise.
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def frames(path, fill=True):
    root = ET.parse(path).getroot()
    group = None
    for g in root.iter(NS + "g"):
        if g.get("id") == "frames":
            group = g
            break
    if group is None:
        raise SystemExit(f"{path}: no <g id=\"frames\">")
    rows = []
    for g in group:
        title = g.find(NS + "title")
        rect = g.find(NS + "rect")
        text = g.find(NS + "text")
        t = title.text or ""
        k = t.rfind(" (")
        name = t[:k] if k >= 0 else t
        rows.append([float(rect.get("y")), float(rect.get("x")), float(rect.get("width")),
                     rect.get("fill") if fill else "-", name, (text.text or "") if text is not None else ""])
    ys = sorted({r[0] for r in rows})
    # the root ("all", widest) at the largest y is a flame graph, at the smallest an icicle
    maxw = max((r[2] for r in rows), default=0)
    roots = [r[0] for r in rows if r[2] == maxw and r[4] == "all"] or [r[0] for r in rows if r[2] == maxw]
    root_y = max(roots) if roots else 0
    if ys and root_y == ys[-1]:
        ys.reverse()
    rank = {y: i for i, y in enumerate(ys)}
    out = []
    for y, x, w, f, name, label in rows:
        out.append((rank[y], round(x, 1), round(w, 1), f, name, label))
    out.sort()
    return out


def fmt(r):
    return "%d\t%.1f\t%.1f\t%s\t%s\t%s" % (r[0], r[1], r[2], r[3], esc(r[4]), esc(r[5]))


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def parse_line(line):
    d, x, w, f, name, label = line.rstrip("\n").split("\t")
    return (int(d), float(x), float(w), f, name, label)


def main(argv):
    fill = True
    if argv and argv[0] == "--no-fill":
        fill, argv = False, argv[1:]
    if len(argv) == 3 and argv[0] == "--compare":
        with open(argv[1], encoding="utf-8") as f:
            lines = [ln for ln in f if ln.strip()]
        fill = not lines or lines[0].split("\t")[3] != "-"
        exp = [parse_line(ln) for ln in lines]
        got = [parse_line(fmt(r)) for r in frames(argv[2], fill)]
        # match by (depth, name, fill), then positions within 0.1 px
        bad = []
        if len(exp) != len(got):
            bad.append(f"{len(got)} frames, expected {len(exp)}")
        for e, g in zip(exp, got):
            same = e[0] == g[0] and e[3] == g[3] and e[4] == g[4] and e[5] == g[5]
            near = abs(e[1] - g[1]) <= 0.1001 and abs(e[2] - g[2]) <= 0.1001
            if not (same and near):
                bad.append("expected: " + fmt(e) + "\n     got: " + fmt(g))
                if len(bad) > 8:
                    break
        if bad:
            print(f"{argv[2]}: frame set differs from {argv[1]}:")
            print("\n".join(bad[:10]))
            return 1
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for r in frames(argv[0], fill):
        print(fmt(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
