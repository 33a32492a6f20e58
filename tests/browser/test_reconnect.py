"""The server dies mid-conversation and comes back: no word lost, none shown twice."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Program, new_page, send, texts, wait_connected
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
