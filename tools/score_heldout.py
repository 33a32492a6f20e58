"""Score ``moderation.assess`` on the held-out sets, printing figures only, never a message.

    .venv/bin/python tools/score_heldout.py [SET.jsonl ...]

Without arguments it scores every set in ``tools/moderation_heldout``. Per set: recall for
each label, the share of benign messages given any label, and exact matches. The sets
stay useful only while nobody reads their messages or their misses (see the README
there), so this prints no text and no ids.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from moderation import Label, assess

HELDOUT = Path(__file__).resolve().parent / "moderation_heldout"


def score(path: Path) -> str:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    found = {label: 0 for label in Label}
    wanted = {label: 0 for label in Label}
    benign = flagged = exact = 0
    for row in rows:
        want = {Label(name) for name in row["labels"]}
        got = set(assess(row["text"]).labels)
        exact += want == got
        if not want:
            benign += 1
            flagged += bool(got)
        for label in want:
            wanted[label] += 1
            found[label] += label in got
    recall = "/".join(
        f"{found[label] / wanted[label]:.2f}" if wanted[label] else "-" for label in Label
    )
    return (
        f"{path.stem}: recall {recall}, benign flagged {flagged / max(benign, 1):.1%},"
        f" exact {exact}/{len(rows)}"
    )


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(HELDOUT.glob("*.jsonl"))
    print("recall: " + " / ".join(label.value for label in Label))
    for path in paths:
        print(score(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
