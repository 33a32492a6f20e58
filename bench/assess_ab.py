"""Alternating A/B of ``moderation.assess`` between two source trees, in one invocation.

    .venv/bin/python -m bench.assess_ab TREE_A TREE_B [--pairs 8] [--set dev|corpus|bench]

Single runs of ``bench.assess`` on this kind of machine differ by up to 40% for the same
code, so a change is judged by pairs: each pair times A then B (B then A on odd pairs)
in fresh subprocesses that import each tree's own ``moderation`` (``PYTHONPATH``), and
the medians and the median of the pair ratios are printed. A tree is any checkout, e.g.
``git worktree add /tmp/base <rev>``. Sets: the shared dev set, every 40th message of
``tools/moderation_corpus/gen_*.jsonl``, or the message ``bench.chat`` sends.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

# Runs inside the tree being timed, so its own bench.assess.measure() does the timing.
_MEASURE = r"""
import statistics, sys
from pathlib import Path
from bench.assess import load_texts, measure
which, dev = sys.argv[1], Path(sys.argv[2])
if which == "dev":
    texts = load_texts(dev)
elif which == "corpus":
    files = sorted(Path("tools/moderation_corpus").glob("gen_*.jsonl"))
    texts = [text for path in files for text in load_texts(path)][::40]
else:
    pad = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed"
    texts = [f"B3:{i}:{427965656872 + i * 7919}:{pad}" for i in range(100)]
print(statistics.median(measure(texts, 15)))
"""


def _time(tree: str, which: str, dev: str) -> float:
    env = {**os.environ, "PYTHONPATH": tree}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, which, dev],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    from .assess import DEV_SET

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", help="the baseline tree")
    ap.add_argument("b", help="the changed tree")
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--set", default="dev", choices=["dev", "corpus", "bench"])
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {"a": [], "b": []}
    for i in range(args.pairs):
        for side in ("a", "b") if i % 2 == 0 else ("b", "a"):
            times[side].append(_time(getattr(args, side), args.set, str(DEV_SET)))
    a, b = statistics.median(times["a"]), statistics.median(times["b"])
    pair = statistics.median(y / x for x, y in zip(times["a"], times["b"], strict=True))
    print(f"set {args.set}: A {a:.1f} us/message, B {b:.1f} us/message, B/A {b / a:.3f}"
          f" (median of pair ratios {pair:.3f}, {args.pairs} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
