"""Hostile text as messages and display names renders as inert text.

Every payload tries to run `window.__xss=1` or `alert(1)`. Nothing may run, no dialog may
open, no element may be made from the text, and the page may report no CSP violation
(an inline handler that got as far as the DOM would be blocked by the CSP and reported).
"""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Program, new_page, post_as, wait_connected
from playwright.async_api import expect

VECTORS = ["window.__xss=1", "alert(1)", "top.__xss=document.domain"]
TEMPLATES = [
    "<script>{v}</script>",
    '<img src=x onerror="{v}">',
    "<svg onload={v}>",
    "<svg><script>{v}</script></svg>",
    '<iframe src="javascript:{v}"></iframe>',
    '<iframe srcdoc="<script>{v}</script>"></iframe>',
    '<a href="javascript:{v}">open me</a>',
    "<body onload={v}>",
    "<input autofocus onfocus={v}>",
    "<details open ontoggle={v}>",
    '<video><source onerror="{v}">',
    "<audio src=x onerror={v}>",
    '<object data="javascript:{v}"></object>',
    '<embed src="javascript:{v}">',
    "<math><mtext><table><mglyph><style><img src=x onerror={v}>",
    '<style>@import "javascript:{v}";</style>',
    '<link rel=stylesheet href="javascript:{v}">',
    '<meta http-equiv="refresh" content="0;url=javascript:{v}">',
    '<form action="javascript:{v}"><button>go</button></form>',
    '<base href="javascript:{v}//">',
    '"><script>{v}</script>',
    "'><img src=x onerror={v}>",
    "</textarea><script>{v}</script>",
    "</title><script>{v}</script>",
    '<!--<img src="--><img src=x onerror={v}//">',
    "<marquee onstart={v}>hi</marquee>",
    '<div style="background:url(javascript:{v})">x</div>',
    "<x contenteditable onblur={v}>lose focus</x>",
    "${{{v}}}",
    '{{{{constructor.constructor("{v}")()}}}}',
    "javascript:{v}",
    "<scr<script>ipt>{v}</scr</script>ipt>",
    "&lt;script&gt;{v}&lt;/script&gt;",
    "\\u003cscript\\u003e{v}\\u003c/script\\u003e",
    "<img src=1 onerror=eval(atob('d2luZG93Ll9feHNzPTE='))> {v}",
]
PAYLOADS = [t.format(v=v) for t in TEMPLATES for v in VECTORS]
NAMES = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<b>bold</b> <i>it</i>",
    "{{7*7}} ${alert(1)}",
    "javascript:alert(1)",
    "<iframe src=javascript:alert(1)>",
    "&lt;b&gt;&amp;",
    "<a href=//example.com>x</a>",
    "' onmouseover='alert(1)",
    "<style>*{display:none}</style>",
    "<svg><script>window.__xss=1</script>",
]


async def assert_inert(page: Any, watch: Any) -> None:
    state = await page.evaluate("""() => ({
        xss: window.__xss === undefined ? null : String(window.__xss),
        csp: window.__csp,
        made: document.querySelectorAll(
          '#main img, #main script, #main iframe, #main svg, #main object, #main embed,'
          + ' #main video, #main audio, #main style, #main link, #main meta, #main base,'
          + ' #main form form, #main a[href^="javascript"], #main marquee, #main details,'
          + ' #main x, #main b, #main i, #main math').length,
    })""")
    assert state == {"xss": None, "csp": [], "made": 0}, state
    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == [], watch.errors
    assert watch.console_errors == [], watch.console_errors


async def test_hostile_messages_and_names_render_as_text(browser: Any, program: Program) -> None:
    assert len(PAYLOADS) >= 100
    cohort = program.new_cohort("XSS check")
    room = cohort["room"]
    viewer = program.enrol("Viewer", "viewer.x", cohort=cohort["id"])
    hostile = [
        program.enrol(name, f"hostile{i:02d}", cohort=cohort["id"]) for i, name in enumerate(NAMES)
    ]

    _, page, watch = await new_page(browser, program, rest=viewer)
    await wait_connected(page)
    await expect(page.locator("#room-title")).to_have_text("XSS check")

    # A first message to reply to, then every payload, spread over the hostile names.
    first = await post_as(program, hostile[0], room, [PAYLOADS[0]])
    rest = PAYLOADS[1:]
    chunks = [rest[i :: len(hostile)] for i in range(len(hostile))]
    await asyncio.gather(
        *(
            post_as(program, h, room, c, reply_to=first[0])
            for h, c in zip(hostile, chunks, strict=True)
        )
    )

    messages = page.locator("ol.messages li.msg")
    await expect(messages).to_have_count(len(PAYLOADS), timeout=20_000)
    shown = await page.locator("ol.messages li.msg .text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert sorted(shown) == sorted(PAYLOADS)
    authors = set(
        await page.locator("ol.messages .author").evaluate_all("els => els.map(e => e.textContent)")
    )
    assert authors == set(NAMES)
    quotes = await page.locator("ol.messages .quote-text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert quotes and set(quotes) == {PAYLOADS[0]}
    await expect(page.locator("ol.messages .chip").first).to_be_visible()
    # Open every kind of control that shows a name or text: actions, reply context.
    target = messages.first
    await target.get_by_role("button", name="Actions for message from").click()
    await target.get_by_role("button", name="Reply").click()
    await expect(page.locator(".composer-context")).to_contain_text(NAMES[0])
    await assert_inert(page, watch)

    # From history (REST) too: reload and scroll back to the beginning.
    await page.reload()
    await wait_connected(page)
    await expect(messages.first).to_be_visible()
    for _ in range(20):
        if await messages.count() >= len(PAYLOADS):
            break
        await page.locator(".scroller").evaluate("el => { el.scrollTop = 0; }")
        await page.wait_for_timeout(150)
    await expect(messages).to_have_count(len(PAYLOADS))
    await expect(page.locator(".history-note")).to_have_text(
        "This is the beginning of the conversation."
    )
    shown = await page.locator("ol.messages li.msg .text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert sorted(shown) == sorted(PAYLOADS)
    await assert_inert(page, watch)
