"""Browser tests: a real `hearth serve` subprocess driven by Debian's Chromium.

Run on their own: `.venv/bin/pytest -q -p no:cacheprovider tests/browser` (the main run
leaves this folder out; see pyproject). Every wait has a timeout, so nothing hangs.
"""

from harness import browser, fresh_program, program

__all__ = ["browser", "fresh_program", "program"]
