"""First load of the room in a real browser: how long until the newest message shows,
and how much the layout shifts while history arrives.

    .venv/bin/python -m bench.page_load [--runs 15] [--messages 120]

Starts `hearth serve` (the browser tests' harness), enrols a member, fills the room,
then loads the room in Debian's Chromium `--runs` times, each in a fresh browser context
(no cache), measuring from navigation start to the newest message being in the DOM, and
the cumulative layout shift (CLS) from a PerformanceObserver over the load and over one
page of older history fetched by scrolling up. The issue's bar: under a second on
loopback, no layout jumps when history arrives.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, make_program, post_as

CLS_WATCH = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: 'layout-shift', buffered: true});
"""


async def measure(runs: int, messages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        try:
            program = make_program(server)
            member = program.enrol("Sam", "sam-bench")
            room = program.cohort["room"]
            last = f"newest message {messages}"
            texts = [f"message {i} of a long evening" for i in range(1, messages)] + [last]
            await post_as(program, program.staff, room, texts, react=None)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                loads, shifts, history_shifts = [], [], []
                for _ in range(runs):
                    context = await browser.new_context(viewport={"width": 390, "height": 844})
                    await context.add_cookies([{"name": "hearth_session",
                                                "value": member.cookie or "",
                                                "url": program.url}])
                    page = await context.new_page()
                    await page.add_init_script(CLS_WATCH)
                    await page.goto(program.url + "/")
                    await page.get_by_text(last).wait_for(timeout=10_000)
                    loads.append(await page.evaluate("performance.now()"))
                    shifts.append(await page.evaluate("window.__cls"))
                    before = await page.evaluate("window.__cls")
                    # Scroll back to the oldest message shown; the client fetches a page.
                    await page.locator("ol.messages > li").first.scroll_into_view_if_needed()
                    await page.mouse.wheel(0, -400)
                    await page.get_by_text(f"message {messages - 60} of a long evening",
                                           exact=True).wait_for(state="attached", timeout=10_000)
                    history_shifts.append(await page.evaluate("window.__cls") - before)
                    await context.close()
                await browser.close()
        finally:
            server.stop()
    print(f"room first load, {runs} runs, {messages} messages in the room, 390x844:")
    print(f"  navigation start -> newest message shown: median {statistics.median(loads):.0f} ms,"
          f" max {max(loads):.0f} ms")
    print(f"  layout shift during load (CLS): median {statistics.median(shifts):.4f},"
          f" max {max(shifts):.4f}")
    print(f"  layout shift when older history arrives: median"
          f" {statistics.median(history_shifts):.4f}, max {max(history_shifts):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--messages", type=int, default=120)
    args = parser.parse_args()
    asyncio.run(measure(args.runs, args.messages))


if __name__ == "__main__":
    main()
