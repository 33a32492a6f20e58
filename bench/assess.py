"""Benchmark ``moderation.assess``: median microseconds per message over the dev set.

Run from the project root: ``.venv/bin/python -m bench.assess [--rounds N] [PATH]``.
The texts are read at runtime from the shared evaluation set (or PATH); each round
assesses every text once and the per-message time of each round is recorded.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from moderation import assess

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "moderation-dev.jsonl"


def load_texts(path: Path) -> list[str]:
    """The ``text`` field of every JSON line in ``path``."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def measure(texts: list[str], rounds: int) -> list[float]:
    """Microseconds per message, one figure per round."""
    for text in texts:  # warm up caches
        assess(text)
    per_message: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        start = clock()
        for text in texts:
            assess(text)
        per_message.append((clock() - start) / len(texts) / 1000)
    return per_message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument(
        "--long",
        action="store_true",
        help="instead: each text repeated to a 4,000-character message, as one sentence and"
        " as written; the median and the slowest (the guards' cost grows with the repeats)",
    )
    args = parser.parse_args(argv)
    texts = load_texts(args.path)
    if args.long:
        return _long(texts)
    samples = measure(texts, args.rounds)
    median = statistics.median(samples)
    chars = statistics.mean(len(t) for t in texts)
    worst = max(texts, key=lambda t: _one(t))
    print(f"{len(texts)} messages (mean {chars:.0f} chars), {args.rounds} rounds")
    print(f"median {median:.1f} us/message, {1e6 / median:,.0f} messages/s")
    print(f"slowest message: {_one(worst):.1f} us ({len(worst)} chars)")
    return 0


def _one(text: str, repeat: int = 200) -> float:
    start = time.perf_counter_ns()
    for _ in range(repeat):
        assess(text)
    return (time.perf_counter_ns() - start) / repeat / 1000


def _long(texts: list[str], size: int = 4_000) -> int:
    timed: list[tuple[float, str]] = []
    for text in texts:
        for variant in (text, re.sub(r"[.!?,;:]", "", text)):
            long = ((variant + " ") * (size // (len(variant) + 1) + 1))[:size]
            start = time.perf_counter_ns()
            assess(long)
            timed.append(((time.perf_counter_ns() - start) / 1e6, variant))
    timed.sort()
    median = timed[len(timed) // 2][0]
    print(f"{len(timed)} messages of {size:,} characters (each text repeated)")
    print(f"median {median:.1f} ms, slowest {timed[-1][0]:.1f} ms")
    for ms, text in reversed(timed[-3:]):
        print(f"  {ms:6.1f} ms: a repeat of a {len(text)}-character text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
