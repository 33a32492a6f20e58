"""The server dies mid-conversation and comes back: no word lost, none shown twice."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Program, new_page, post_as, send, texts, wait_connected
from playwright.async_api import expect


async def test_server_restart_mid_conversation(browser: Any, fresh_program: Program) -> None:
    program = fresh_program
    _, a, a_watch = await new_page(browser, program, rest=program.enrol("Mina", "mina.p"))
    _, b, b_watch = await new_page(browser, program, rest=program.enrol("Theo", "theo.w"))
    await wait_connected(a)
    await wait_connected(b)

    await send(a, "one: checking in before group")
    await expect(texts(b)).to_have_text(["one: checking in before group"])
    await send(b, "two: glad you're here")
    await expect(texts(a)).to_have_text(["one: checking in before group", "two: glad you're here"])

    program.server.kill()
    for page in (a, b):
        await expect(page.locator("body")).not_to_have_attribute("data-ws", "open", timeout=10_000)
    await expect(a.locator("#status-text")).to_contain_text(
        "Offline — reconnecting in", timeout=10_000
    )

    # Written while the server is down: shown as pending, not lost.
    await send(a, "three: posted during the restart")
    pending = a.locator("li.msg.own").filter(has_text="three: posted")
    await expect(pending).to_have_attribute("data-state", "pending")
    await expect(pending.locator(".send-state")).to_have_text("Sending…")
    await asyncio.sleep(0.5)

    await asyncio.get_running_loop().run_in_executor(None, program.server.start)
    for page in (a, b):
        await expect(page.locator("body")).to_have_attribute("data-ws", "open", timeout=20_000)
    await expect(a.locator("#status-text")).to_have_text("Connected")

    await expect(pending).to_have_attribute("data-state", "sent", timeout=15_000)
    await expect(texts(b).filter(has_text="three: posted")).to_have_count(1, timeout=15_000)

    await send(b, "four: back again")
    expected = [
        "one: checking in before group",
        "two: glad you're here",
        "three: posted during the restart",
        "four: back again",
    ]
    for page in (a, b):
        await expect(texts(page)).to_have_text(expected, timeout=15_000)
        # Exactly once each: no pending copies linger beside the delivered ones.
        await expect(page.locator("li.msg")).to_have_count(len(expected))
        await expect(
            page.locator('li.msg[data-state="pending"], li.msg[data-state="failed"]')
        ).to_have_count(0)
    # A reload after all that still shows each message once.
    await a.reload()
    await wait_connected(a)
    await expect(texts(a)).to_have_text(expected)
    for w in (a_watch, b_watch):
        assert w.errors == [] and w.dialogs == []


async def test_coming_online_during_the_session_check_leaves_one_socket(
    browser: Any, program: Program
) -> None:
    """A failed attempt asks the server whether the session lives; the browser comes back
    online meanwhile and connects. The late answer must not open a second socket."""
    _, page, watch = await new_page(browser, program, rest=program.enrol("Noor", "noor.r"))
    opened: list[Any] = []
    refuse = False

    async def handle(ws: Any) -> None:
        opened.append(ws)
        if refuse:
            await ws.close()  # open, then gone before any welcome
        else:
            ws.connect_to_server()

    await page.route_web_socket("**/ws", handle)
    await page.reload()
    await wait_connected(page)
    asked, answer = asyncio.Event(), asyncio.Event()

    async def hold_me(route: Any) -> None:
        asked.set()
        await answer.wait()
        await route.continue_()

    await page.route("**/api/me", hold_me)
    refuse = True
    await opened[-1].close()
    await asyncio.wait_for(asked.wait(), 10)  # the refused retry is checking the session
    refuse = False
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await wait_connected(page)
    assert len(opened) == 3
    answer.set()
    await asyncio.sleep(2)  # longer than the first back-off (at most 1 s)
    await expect(page.locator("body")).to_have_attribute("data-ws", "open")
    assert len(opened) == 3, "the late check opened another socket"
    await send(page, "still here")
    await expect(page.locator('li.msg.own[data-state="sent"] .text')).to_have_text(["still here"])
    assert watch.errors == [] and watch.dialogs == []


async def test_a_live_message_lost_on_its_way_is_fetched_again(
    browser: Any, program: Program
) -> None:
    """Every event holds the room log's next position: when one goes missing between
    server and page (here dropped on purpose), the next one shows the hole, and the
    page asks again from what it holds instead of skipping it."""
    cohort = program.new_cohort("Lost on the way")
    reader = program.enrol("Ines", "ines.r", cohort=cohort["id"])
    writer = program.enrol("Omar", "omar.w", cohort=cohort["id"])
    dropped: list[str] = []

    def route(ws: Any) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if not dropped and isinstance(message, str) and "lost on its way" in message:
                dropped.append(message)  # as if the network had eaten it
                return
            ws.send(message)

        server.on_message(from_server)

    async def before(page: Any) -> None:
        await page.route_web_socket("**/ws", route)

    _, page, _ = await new_page(browser, program, rest=reader, before=before)
    await wait_connected(page)
    await expect(page.get_by_role("heading", name="Lost on the way")).to_be_visible()
    await post_as(
        program, writer, cohort["room"], ["lost on its way", "and the next one"], react=None
    )
    await expect(texts(page)).to_have_text(["lost on its way", "and the next one"])
    assert dropped, "the first message was never dropped: the test proved nothing"
