"""The JSON-lines assessment command (``hearth assess``, ``python -m moderation``).

Reads ``{"id", "text"}`` objects, one a line, on stdin; writes ``{"id", "labels"}`` one a
line on stdout, in input order. A malformed line gets ``{"id": <id or null>, "error":
"..."}`` and the command carries on; the exit status is 0 unless writing fails.
Message text and evidence are never written to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moderation.rules import assess


def _answer(line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(row, dict):
        return {"id": None, "error": "expected a JSON object with 'id' and 'text'"}
    ident = row.get("id")
    if ident is not None and not isinstance(ident, (str, int)):
        return {"id": None, "error": "'id' must be a string or an integer"}
    text = row.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": "'text' must be a string"}
    labels = sorted(label.value for label in assess(text).labels)
    return {"id": ident, "labels": labels}


def main(argv: list[str] | None = None) -> int:
    """Run the command; ``argv`` is accepted for symmetry and must be empty."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in {"-h", "--help"}:
        sys.stdout.write(__doc__ or "")
        return 0
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        out.write(json.dumps(_answer(line), ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
