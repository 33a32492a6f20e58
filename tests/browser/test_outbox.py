"""The tab keeps what the server has not confirmed: a reload loses no words, sends
nothing twice, and the next person to sign in on the device never sees or sends them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from typing import Any

from harness import Program, Rest, new_page, request_as, send, texts, wait_connected
from playwright.async_api import Page, expect

OUTBOX_KEYS = "() => Object.keys(sessionStorage).filter((k) => k.startsWith('hearth.outbox.'))"
KEPT_ANYWHERE = "(t) => Object.values(sessionStorage).some((v) => v.includes(t))"


class Wire:
    """The page's websocket, through Playwright: refused while `offline`, the sends the
    page writes recorded as (client_id, text), and frames from the server dropped while
    `drop` says so."""

    def __init__(self) -> None:
        self.offline = False
        self.drop: Callable[[dict[str, Any]], bool] | None = None
        self.sends: list[tuple[str, str]] = []
        self.acks: list[dict[str, Any]] = []
        self.routes: list[Any] = []

    async def route(self, ws: Any) -> None:
        self.routes.append(ws)
        if self.offline:
            await ws.close()
            return
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "send":
                self.sends.append((frame["client_id"], frame["text"]))
            server.send(message)

        def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if self.drop and self.drop(frame):
                return  # as if the connection had died before it arrived
            if frame.get("type") == "ack" and frame.get("client_id"):
                self.acks.append(frame)
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(from_server)

    async def attach(self, page: Page) -> None:
        await page.route_web_socket("**/ws", self.route)

    async def go_offline(self, page: Page) -> None:
        self.offline = True
        await self.routes[-1].close()
        await expect(page.locator("body")).not_to_have_attribute("data-ws", "open")


def stored(who: Rest, room: int, text: str) -> int:
    """How many messages with this text the server holds in the room."""
    history = who.call("GET", f"/api/rooms/{room}/messages?limit=100")
    return sum(1 for m in history["messages"] if m["text"] == text)


def console_of(page: Page) -> list[str]:
    lines: list[str] = []
    page.on("console", lambda m: lines.append(m.text))
    return lines


async def sign_in(page: Page, username: str) -> None:
    await expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill("quiet morning walk")
    await page.get_by_role("button", name="Log in").click()
    await wait_connected(page)


async def test_an_unsent_message_survives_a_reload_and_arrives_once(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Kept through a reload")
    author = program.enrol("Wren", "outbox.wren", cohort=cohort["id"])
    reader = program.enrol("Kai", "outbox.kai", cohort=cohort["id"])
    text = "written on a bad connection, please don't lose this"
    wire = Wire()
    _, page, watch = await new_page(browser, program, rest=author, before=wire.attach)
    console = console_of(page)
    _, peer, _ = await new_page(browser, program, rest=reader)
    await wait_connected(page)
    await wait_connected(peer)

    await wire.go_offline(page)
    await send(page, text)
    mine = page.locator("li.msg.own").filter(has_text=text)
    await expect(mine).to_have_attribute("data-state", "pending")
    assert wire.sends == [] and stored(reader, cohort["room"], text) == 0

    wire.offline = False
    await page.reload()
    await wait_connected(page)
    await expect(mine).to_have_attribute("data-state", "sent", timeout=15_000)
    await expect(mine).to_have_count(1)
    await expect(texts(peer).filter(has_text=text)).to_have_count(1)
    await asyncio.sleep(1)  # nothing more on its way
    await expect(texts(peer).filter(has_text=text)).to_have_count(1)
    assert stored(reader, cohort["room"], text) == 1
    assert [t for _, t in wire.sends] == [text]
    # Confirmed: the tab keeps nothing of it now.
    assert await page.evaluate(OUTBOX_KEYS) == []
    assert not await page.evaluate(KEPT_ANYWHERE, text)
    assert not any(text in line for line in console)
    assert watch.errors == [] and watch.dialogs == []


async def test_a_send_the_server_refused_waits_for_retry_after_a_reload(
    browser: Any, program: Program
) -> None:
    """A failed send (here: slow mode) is kept, and after a reload it still waits for
    the person's Retry: it never goes out again on its own."""
    cohort = program.new_cohort("Failed stays failed")
    author = program.enrol("Rue", "outbox.rue", cohort=cohort["id"])
    slow = {"type": "moderate", "action": "slow_mode", "room": cohort["room"], "seconds": 600}
    await request_as(program, program.staff, slow)
    wire = Wire()
    _, page, watch = await new_page(browser, program, rest=author, before=wire.attach)
    await wait_connected(page)
    await send(page, "first of the evening")
    await expect(
        page.locator("li.msg.own").filter(has_text="first of the evening")
    ).to_have_attribute("data-state", "sent")
    await send(page, "and a second one")
    second = page.locator("li.msg.own").filter(has_text="and a second one")
    await expect(second).to_have_attribute("data-state", "failed")
    await page.reload()
    await wait_connected(page)
    await expect(second).to_have_attribute("data-state", "failed")
    await expect(second.get_by_role("button", name="Retry")).to_be_visible()
    await asyncio.sleep(1)  # nothing on its way
    assert [t for _, t in wire.sends] == ["first of the evening", "and a second one"]
    assert watch.errors == [] and watch.dialogs == []


async def test_a_stored_message_whose_ack_was_lost_is_not_doubled_by_the_reload(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Ack lost on the way")
    author = program.enrol("Sol", "outbox.sol", cohort=cohort["id"])
    reader = program.enrol("Ren", "outbox.ren", cohort=cohort["id"])
    text = "stored, but the answer never came back"
    wire = Wire()
    _, page, watch = await new_page(browser, program, rest=author, before=wire.attach)
    _, peer, _ = await new_page(browser, program, rest=reader)
    await wait_connected(page)
    await wait_connected(peer)

    # The server stores it and answers; neither the ack nor the event reaches the page.
    wire.drop = lambda f: (
        (f.get("type") == "ack" and bool(f.get("client_id")))
        or (f.get("type") == "event" and f["message"].get("text") == text)
    )
    await send(page, text)
    await expect(texts(peer).filter(has_text=text)).to_have_count(1)
    mine = page.locator("li.msg.own").filter(has_text=text)
    await expect(mine).to_have_attribute("data-state", "pending")
    assert await page.evaluate(KEPT_ANYWHERE, text)
    [(client_id, _)] = wire.sends

    # After the reload the history waits until the kept copy went out again, so the
    # re-send (not the history) is what must settle it.
    resent = asyncio.Event()
    history = re.compile(r"/api/rooms/\d+/messages\?")

    async def hold_history(route: Any) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(resent.wait(), 10)
        await route.continue_()

    await page.route(history, hold_history)
    wire.drop = None
    await page.reload()
    await wait_connected(page)
    for _ in range(100):
        if len(wire.sends) == 2 and wire.acks:
            break
        await asyncio.sleep(0.1)
    resent.set()
    resends = [c for c, _ in wire.sends[1:]]
    assert resends == [client_id], "the kept send did not go out again after the reload"
    [ack] = wire.acks
    seq = next(
        m["seq"]
        for m in reader.call("GET", f"/api/rooms/{cohort['room']}/messages")["messages"]
        if m["text"] == text
    )
    assert ack["client_id"] == client_id and ack["message"] == seq  # the original answer

    await expect(mine).to_have_count(1)
    await expect(mine).to_have_attribute("data-state", "sent")
    await expect(
        page.locator('li.msg[data-state="pending"], li.msg[data-state="failed"]')
    ).to_have_count(0)
    await asyncio.sleep(1)
    await expect(texts(peer).filter(has_text=text)).to_have_count(1)
    assert stored(reader, cohort["room"], text) == 1
    assert await page.evaluate(OUTBOX_KEYS) == []
    assert watch.errors == [] and watch.dialogs == []


async def test_logging_out_drops_the_outbox_and_the_next_person_sends_nothing_of_it(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("A shared phone")
    first = program.enrol("Ash", "outbox.ash", cohort=cohort["id"])
    second = program.enrol("Bea", "outbox.bea", cohort=cohort["id"])
    text = "for my group only, not for whoever uses this phone next"
    wire = Wire()
    _, page, watch = await new_page(browser, program, rest=first, before=wire.attach)
    await wait_connected(page)
    await wire.go_offline(page)
    await send(page, text)
    await expect(page.locator("li.msg.own").filter(has_text=text)).to_have_attribute(
        "data-state", "pending"
    )
    assert await page.evaluate(OUTBOX_KEYS) == [f"hearth.outbox.{first.user['id']}"]

    await page.get_by_role("link", name="Settings", exact=True).click()
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert await page.evaluate(OUTBOX_KEYS) == []
    assert not await page.evaluate(KEPT_ANYWHERE, text)

    wire.offline = False
    await sign_in(page, "outbox.bea")
    await send(page, "Bea here")  # sent: the room has caught up, anything kept went out
    await expect(page.locator("li.msg.own").filter(has_text="Bea here")).to_have_attribute(
        "data-state", "sent"
    )
    await expect(page.get_by_text(text)).to_have_count(0)
    assert [t for _, t in wire.sends] == ["Bea here"]
    assert stored(second, cohort["room"], text) == 0
    assert watch.errors == [] and watch.dialogs == []


async def test_a_session_that_ended_elsewhere_keeps_words_only_for_their_author(
    browser: Any, program: Program
) -> None:
    """Signed out from elsewhere while away from the app, then back: the login screen,
    the words still kept for their author; someone else signing in here drops them."""
    cohort = program.new_cohort("Signed out elsewhere")
    first = program.enrol("Cy", "outbox.cy", cohort=cohort["id"])
    second = program.enrol("Dee", "outbox.dee", cohort=cohort["id"])
    text = "kept for Cy, never for Dee"
    wire = Wire()
    _, page, watch = await new_page(browser, program, rest=first, before=wire.attach)
    await wait_connected(page)
    await wire.go_offline(page)
    await send(page, text)
    await expect(page.locator("li.msg.own").filter(has_text=text)).to_have_attribute(
        "data-state", "pending"
    )
    # Away from the app (the tab keeps its storage), the session ends elsewhere; back.
    await page.goto("about:blank")
    first.call("DELETE", "/api/session")
    wire.offline = False
    await page.goto(program.url)
    await expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    assert await page.evaluate(OUTBOX_KEYS) == [f"hearth.outbox.{first.user['id']}"]

    await sign_in(page, "outbox.dee")
    await send(page, "Dee here")
    await expect(page.locator("li.msg.own").filter(has_text="Dee here")).to_have_attribute(
        "data-state", "sent"
    )
    await expect(page.get_by_text(text)).to_have_count(0)
    assert await page.evaluate(OUTBOX_KEYS) == []
    assert not await page.evaluate(KEPT_ANYWHERE, text)
    assert [t for _, t in wire.sends] == ["Dee here"]
    assert stored(second, cohort["room"], text) == 0
    assert watch.errors == [] and watch.dialogs == []
