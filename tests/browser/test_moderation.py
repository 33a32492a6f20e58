"""Moderation in the browser: the crisis path, the hold queue, blocked messages, reports,
removal, lock and mute, and the facilitator panel (axe and screenshots).

Each test has its own cohort under a facilitator of its own ("Morgan"), so the alerts
other test files raise never show in these panels.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import (
    CSP_WATCH,
    STAFF_PASSWORD,
    Program,
    Rest,
    Watch,
    axe_violations,
    output_dir,
    post_as,
    request_as,
    send,
    wait_connected,
)
from playwright.async_api import expect

CRISIS = "i cant do this anymore. im going to end it tonight"
PHONE = "text me at 555-123-4567 after group"
PHONE_2 = "call me at 555-987-6543 tomorrow"
XANS = "anyone know where i can get some xans tonight"
HARASS = "shut up you stupid idiot"

# Counts the oscillators the page starts: the urgent-alert beep, without a speaker.
BEEP_WATCH = """
window.__beeps = 0;
for (const C of [window.AudioContext, window.webkitAudioContext]) {
  if (!C) continue;
  const make = C.prototype.createOscillator;
  C.prototype.createOscillator = function () { window.__beeps += 1; return make.call(this); };
}
"""


@pytest.fixture(scope="module")
def morgan(program: Program) -> Rest:
    program.admin.call(
        "POST",
        "/api/staff",
        {
            "username": "morgan",
            "name": "Morgan (facilitator)",
            "password": STAFF_PASSWORD,
            "role": "facilitator",
        },
    )
    return Rest(program.url).login("morgan", STAFF_PASSWORD)


def group(program: Program, morgan: Rest, name: str) -> tuple[Program, dict[str, Any], Rest, Rest]:
    """A cohort of Morgan's with two clients, Sam and Alex."""
    cohort = morgan.call("POST", "/api/cohorts", {"name": name})["cohort"]
    mine = Program(program.server, program.admin, morgan, cohort)
    sam = mine.enrol("Sam", f"sam.m{cohort['id']}")
    alex = mine.enrol("Alex", f"alex.m{cohort['id']}")
    return mine, cohort, sam, alex


async def open_page(
    browser: Any, url: str, rest: Rest, path: str = "/", viewport: dict[str, int] | None = None
) -> tuple[Any, Any, Watch]:
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    await context.add_cookies([{"name": "hearth_session", "value": rest.cookie, "url": url}])
    page = await context.new_page()
    await page.add_init_script(CSP_WATCH)
    await page.add_init_script(BEEP_WATCH)
    watch = Watch()
    watch.attach(page)
    await page.goto(url + path)
    await wait_connected(page)
    return context, page, watch


def clean(*watches: Watch) -> None:
    for w in watches:
        assert w.errors == [] and w.dialogs == [] and w.console_errors == [], (
            w.errors,
            w.dialogs,
            w.console_errors,
        )


async def test_crisis_path_alerts_the_facilitator_live(
    browser: Any, program: Program, morgan: Rest
) -> None:
    _, cohort, sam_rest, alex_rest = group(program, morgan, "Crisis path")
    _, fac, fac_watch = await open_page(browser, program.url, morgan, "/#/facilitate")
    panel = fac.get_by_role("region", name="Open alerts")
    await expect(fac.get_by_role("heading", name="Facilitator tools")).to_be_visible()
    await expect(panel.get_by_text("No open alerts.")).to_be_visible()
    _, sam, sam_watch = await open_page(browser, program.url, sam_rest)
    _, alex, alex_watch = await open_page(browser, program.url, alex_rest)
    # Clients have no facilitator tools.
    await expect(alex.locator(".panel-link")).to_have_count(0)

    await send(sam, CRISIS)
    help_dialog = sam.get_by_role("dialog", name="You don’t have to go through this alone")
    await expect(help_dialog).to_be_visible()
    await expect(help_dialog.get_by_role("link", name="Call 988")).to_have_attribute(
        "href", "tel:988"
    )
    await expect(help_dialog.get_by_role("link", name="Text 988")).to_be_visible()

    # The facilitator: an urgent alert, live, with the evidence; the badge; the cue.
    item = panel.locator("li.alert-item.urgent")
    await expect(item).to_have_count(1)
    await expect(item.get_by_role("heading")).to_have_text("Sam may be in crisis")
    await expect(item).to_contain_text("Crisis path")
    await expect(item.locator(".label-chip")).to_have_text(["Crisis"])
    await expect(item.locator(".evidence .phrase")).not_to_have_count(0)
    badge = fac.locator(".panel-link .alert-badge")
    await expect(badge).to_have_text("1")
    await expect(badge).to_have_class("badge alert-badge urgent pulse")
    await expect(
        fac.get_by_role("link", name="Facilitator tools, 1 open alert, 1 urgent")
    ).to_be_visible()
    await expect(fac.locator("#urgent-announcer")).to_contain_text(
        "Urgent alert: Sam may be in crisis"
    )
    assert await fac.evaluate("window.__beeps") >= 1

    # The other client sees the message, and nothing else.
    await expect(alex.locator("li.msg .text").filter(has_text="end it tonight")).to_have_count(1)
    await expect(alex.get_by_role("dialog")).to_have_count(0)
    await expect(alex.locator("#urgent-announcer")).to_have_text("")

    # The panel passes axe, and looks right on a laptop and a phone.
    assert await axe_violations(fac) == []
    out = output_dir()
    await fac.screenshot(path=str(out / "panel-urgent-1280x800.png"))
    await fac.set_viewport_size({"width": 390, "height": 844})
    await expect(item).to_be_visible()
    assert await axe_violations(fac) == []
    await fac.screenshot(path=str(out / "panel-urgent-390x844.png"))
    assert await fac.evaluate("document.documentElement.scrollWidth") <= 390
    await fac.set_viewport_size({"width": 1280, "height": 800})

    # "Go to message" opens the room at that message.
    await item.get_by_role("link", name="Go to message").click()
    await expect(fac.locator("#room-title")).to_have_text("Crisis path")
    await expect(fac.locator("li.msg.target .text")).to_have_text(CRISIS)
    await fac.get_by_role("link", name="Facilitator tools, 1 open alert, 1 urgent").click()

    # Acknowledged: it leaves the open list and the badge.
    await panel.locator("li.alert-item.urgent").get_by_role("button", name="Acknowledge").click()
    await expect(panel.locator("li.alert-item")).to_have_count(0)
    await expect(panel.get_by_text("No open alerts.")).to_be_visible()
    await expect(badge).to_be_hidden()
    # It was answered for everyone: a reload does not bring it back.
    await fac.reload()
    await wait_connected(fac)
    await expect(
        fac.get_by_role("region", name="Open alerts").get_by_text("No open alerts.")
    ).to_be_visible()
    clean(fac_watch, sam_watch, alex_watch)


def sent_frames(page: Any) -> list[str]:
    """Every websocket frame the page sends, and (as "open <url>") every socket it opens."""
    frames: list[str] = []

    def on_ws(ws: Any) -> None:
        frames.append(f"open {ws.url}")
        ws.on("framesent", lambda payload: frames.append(str(payload)))

    page.on("websocket", on_ws)
    return frames


async def test_hold_queue_approve_reject_and_blocked(
    browser: Any, program: Program, morgan: Rest
) -> None:
    _, cohort, sam_rest, alex_rest = group(program, morgan, "Hold queue")
    _, fac, fac_watch = await open_page(browser, program.url, morgan, "/#/facilitate")
    queue = fac.get_by_role("region", name="Waiting for review")
    await expect(queue.get_by_text("Nothing is waiting.")).to_be_visible()
    # Padded like every panel section (a legal-holds rule once zeroed it on phones).
    assert await queue.evaluate("el => getComputedStyle(el).paddingLeft") != "0px"
    # A second facilitator tab: it sees decisions made in the first, live.
    _, fac2, fac2_watch = await open_page(browser, program.url, morgan, "/#/facilitate")
    queue2 = fac2.get_by_role("region", name="Waiting for review")
    frames = sent_frames(fac)
    rest_reads: list[str] = []
    fac.on("request", lambda r: rest_reads.append(r.url) if "/held" in r.url else None)
    _, sam, sam_watch = await open_page(browser, program.url, sam_rest)
    _, alex, alex_watch = await open_page(browser, program.url, alex_rest)

    await send(sam, PHONE)
    held = sam.locator("li.msg.held").filter(has_text=PHONE)
    await expect(held.locator(".held-title")).to_have_text("Waiting for a facilitator")
    await expect(held.locator(".held-why")).to_contain_text("phone numbers")
    # A contact-details hold raises no alert, yet it shows in the queue live (a `hold`
    # frame): no reload, no polling, no button to press.
    item = queue.locator("li.held-item").filter(has_text=PHONE)
    await expect(item).to_be_visible(timeout=2_500)
    await expect(queue.get_by_role("button", name="Check for new messages")).to_have_count(0)
    await expect(item).to_contain_text("Sam in Hold queue")
    await expect(item.locator(".label-chip")).to_have_text(["Contact details"])
    await expect(queue2.locator("li.held-item").filter(has_text=PHONE)).to_be_visible()
    await expect(alex.get_by_text(PHONE)).to_have_count(0)

    await item.get_by_role("button", name="Approve").click()
    await expect(alex.locator("li.msg .text").filter(has_text=PHONE)).to_have_count(1)
    await expect(sam.locator("li.msg.held")).to_have_count(0)
    await expect(sam.locator('li.msg.own[data-state="sent"] .text')).to_have_text([PHONE])
    await expect(queue.locator("li.held-item")).to_have_count(0)
    await expect(queue2.locator("li.held-item")).to_have_count(0)

    await send(sam, PHONE_2)
    await expect(sam.locator("li.msg.held").filter(has_text=PHONE_2)).to_have_count(1)
    item = queue.locator("li.held-item").filter(has_text=PHONE_2)
    await expect(item).to_be_visible(timeout=2_500)
    await item.get_by_role("button", name="Reject").click()
    dialog = fac.get_by_role("dialog", name="Reject Sam’s message?")
    await dialog.get_by_label("Note to the author (optional)").fill(
        "Swap numbers in person, please."
    )
    await dialog.get_by_role("button", name="Reject message").click()
    await expect(dialog).to_be_hidden()
    rejected = sam.locator("li.msg.held").filter(has_text=PHONE_2)
    await expect(rejected.locator(".held-title")).to_have_text("Not shared")
    await expect(rejected.locator(".held-why")).to_contain_text("Swap numbers in person, please.")
    await expect(alex.get_by_text(PHONE_2)).to_have_count(0)
    await expect(queue2.locator("li.held-item")).to_have_count(0)

    # A harassment hold also raises an alert. Deciding the hold answers the alert on the
    # server, for every facilitator: the client sends no acknowledge_alert of its own.
    alerts = fac.get_by_role("region", name="Open alerts")
    alerts2 = fac2.get_by_role("region", name="Open alerts")
    await send(sam, HARASS)
    item = queue.locator("li.held-item").filter(has_text=HARASS)
    await expect(item).to_be_visible(timeout=2_500)
    await expect(item.locator(".label-chip")).to_have_text(["Harassment"])
    waiting = "Sam: a message is waiting for review"
    await expect(alerts.locator("li.alert-item h3")).to_have_text([waiting])
    await expect(alerts2.locator("li.alert-item h3")).to_have_text([waiting])
    await expect(fac2.locator(".panel-link .alert-badge")).to_have_text("1")
    await item.get_by_role("button", name="Approve").click()
    await expect(queue.locator("li.held-item")).to_have_count(0)
    await expect(queue.locator(".form-message")).to_contain_text("Approved")
    await expect(alerts.get_by_text("No open alerts.")).to_be_visible()
    await expect(alerts2.get_by_text("No open alerts.")).to_be_visible()
    await expect(queue2.locator("li.held-item")).to_have_count(0)
    await expect(fac2.locator(".panel-link .alert-badge")).to_be_hidden()
    await expect(alex.locator("li.msg .text").filter(has_text=HARASS)).to_have_count(1)
    assert [f for f in frames if "acknowledge_alert" in f] == []
    assert [f for f in frames if f.startswith("open ")] == [], "no reconnect"
    assert rest_reads == [], f"the queue was re-read over REST: {rest_reads}"

    # Blocked: not shared, with the reason, and no retry.
    await send(sam, XANS)
    blocked = sam.locator("li.msg.held").filter(has_text=XANS)
    await expect(blocked.locator(".held-title")).to_have_text("Not shared")
    await expect(blocked.locator(".held-why")).to_contain_text("getting, giving or selling")
    await expect(blocked.get_by_role("button", name="Retry")).to_have_count(0)
    await expect(blocked.get_by_role("button", name="Dismiss")).to_be_visible()
    await expect(alex.get_by_text("xans")).to_have_count(0)
    # A blocked message never enters the queue.
    await expect(alerts.locator("li.alert-item h3")).to_have_text(["Sam: a message was blocked"])
    await expect(queue.locator("li.held-item")).to_have_count(0)
    clean(fac_watch, fac2_watch, sam_watch, alex_watch)


async def test_a_new_cohort_works_without_reconnecting(browser: Any, program: Program) -> None:
    """A facilitator with no room yet creates one from the staff screen, then posts in it
    (the server's `joined` notice; the client resumes the room on the same socket)."""
    program.admin.call(
        "POST",
        "/api/staff",
        {
            "username": "casey",
            "name": "Casey (facilitator)",
            "password": STAFF_PASSWORD,
            "role": "facilitator",
        },
    )
    casey = Rest(program.url).login("casey", STAFF_PASSWORD)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    await context.add_cookies(
        [{"name": "hearth_session", "value": casey.cookie, "url": program.url}]
    )
    page = await context.new_page()
    await page.add_init_script(CSP_WATCH)
    watch = Watch()
    watch.attach(page)
    frames = sent_frames(page)
    await page.goto(program.url + "/#/staff")
    await wait_connected(page)
    await expect(page.get_by_role("heading", name="Staff tools")).to_be_visible()
    await expect(page.locator(".panel-link")).to_have_count(0)  # no room to facilitate yet

    await page.get_by_label("Cohort name").fill("Sunday Morning Circle")
    await page.get_by_role("button", name="Create cohort").click()
    await expect(page.locator(".cohorts")).to_contain_text("Sunday Morning Circle")
    # The facilitator tools appear, and the room is in the rooms list: no reload.
    await expect(page.get_by_role("link", name="Facilitator tools")).to_be_visible()
    await page.get_by_role("link", name="Chat", exact=True).click()
    await expect(page.locator("#room-title")).to_have_text("Sunday Morning Circle")
    box = page.get_by_label("Message", exact=True)
    await box.fill("Welcome, everyone. Glad you're here.")
    await box.press("Enter")
    await expect(page.locator('li.msg.own[data-state="sent"] .text')).to_have_text(
        ["Welcome, everyone. Glad you're here."]
    )
    # The room settings know the new room as well.
    await page.get_by_role("link", name="Facilitator tools").click()
    await expect(
        page.get_by_role("region", name="Room settings").get_by_text("Sunday Morning Circle")
    ).to_be_visible()

    opened = [f for f in frames if f.startswith("open ")]
    assert len(opened) == 1, f"one socket for the whole visit, not {opened}"
    resumes = [f for f in frames if '"type":"resume"' in f.replace(" ", "")]
    assert len(resumes) == 2, resumes  # after welcome, and for the joined room
    assert watch.errors == [] and watch.console_errors == [], (watch.errors, watch.console_errors)
    assert await page.evaluate("window.__csp") == []
    await context.close()


async def test_report_remove_lock_and_mute(browser: Any, program: Program, morgan: Rest) -> None:
    _, cohort, sam_rest, alex_rest = group(program, morgan, "Boundaries")
    room = cohort["room"]
    _, fac, fac_watch = await open_page(browser, program.url, morgan, f"/#/room/{room}")
    _, sam, sam_watch = await open_page(browser, program.url, sam_rest)
    _, alex, alex_watch = await open_page(browser, program.url, alex_rest)

    await send(sam, "evening all")
    await send(alex, "honestly this group is pointless sometimes")
    msg = sam.locator("li.msg").filter(has_text="this group is pointless")
    await msg.get_by_role("button", name="Actions for message from Alex").click()
    await msg.get_by_role("button", name="Report").click()
    dialog = sam.get_by_role("dialog", name="Report this message?")
    await dialog.get_by_label("What worries you about it? (optional)").fill("felt dismissive")
    await dialog.get_by_role("button", name="Send report").click()
    await expect(sam.locator(".room-notice")).to_have_text("Thanks, a facilitator will look at it.")

    # The facilitator's panel says who wrote it and what it said, without leaving it.
    await fac.get_by_role("link", name="Facilitator tools").click()
    card = (
        fac.get_by_role("region", name="Reports from members")
        .locator("li.report-item")
        .filter(has_text="felt dismissive")
    )
    await expect(card.get_by_role("heading")).to_have_text(
        "Sam reported a message by Alex in Boundaries"
    )
    await expect(card.locator(".report-excerpt")).to_have_text(
        "honestly this group is pointless sometimes"
    )
    await fac.goto(program.url + f"/#/room/{room}")

    # The facilitator removes it with a reason: a tombstone for everyone.
    fmsg = fac.locator("li.msg").filter(has_text="this group is pointless")
    seq = await fmsg.get_attribute("data-seq")
    await fmsg.get_by_role("button", name="Actions for message from Alex").click()
    await fmsg.get_by_role("button", name="Remove").click()
    dialog = fac.get_by_role("dialog", name="Remove this message?")
    await dialog.get_by_label("Reason").fill("Let's keep it kind")
    await dialog.get_by_role("button", name="Remove message").click()
    smsg = sam.locator(f'li.msg[data-seq="{seq}"]')
    await expect(smsg.locator(".tombstone")).to_have_text("Removed by a facilitator")
    await expect(sam.get_by_text("this group is pointless")).to_have_count(0)
    await expect(smsg.get_by_role("button", name="Show original")).to_have_count(0)
    fmsg = fac.locator(f'li.msg[data-seq="{seq}"]')
    await fmsg.get_by_role("button", name="Show original").click()
    await expect(fmsg.locator(".original-text")).to_have_text(
        "honestly this group is pointless sometimes"
    )

    # The report, resolved with a note: the reporter is told.
    await fac.get_by_role("link", name="Facilitator tools").click()
    reports = fac.get_by_role("region", name="Reports from members")
    report = reports.locator("li.report-item").filter(has_text="felt dismissive")
    # Removed since: the card says so, and what it said is read in the room (audited).
    await expect(report.locator(".report-excerpt")).to_have_count(0)
    await expect(report).to_contain_text("Removed by a facilitator")
    await report.get_by_role("button", name="Resolve").click()
    dialog = fac.get_by_role("dialog", name="Resolve this report?")
    await dialog.get_by_label("Note to Sam (optional)").fill("Thanks for flagging it.")
    await dialog.get_by_role("button", name="Resolve").click()
    await expect(reports.locator("li.report-item")).to_have_count(0)
    await expect(sam.locator(".room-notice")).to_contain_text("dealt with your report")

    # Lock, from the room settings: members' composers are disabled; unlock again.
    settings = fac.get_by_role("region", name="Room settings")
    await settings.get_by_role("button", name="Lock room (read-only)").click()
    dialog = fac.get_by_role("dialog", name="Lock Boundaries?")
    await dialog.get_by_label("Reason").fill("Break until 7")
    await dialog.get_by_role("button", name="Lock room").click()
    await expect(sam.locator("#room-banner")).to_have_text(
        "This room is read-only for now. You can still read along."
        " If you need a facilitator now, use “I need help now” at the top."
    )
    await expect(sam.get_by_label("Message", exact=True)).to_be_disabled()
    await settings.get_by_role("button", name="Unlock room").click()
    await (
        fac.get_by_role("dialog", name="Unlock Boundaries?")
        .get_by_role("button", name="Unlock room")
        .click()
    )
    await expect(sam.get_by_label("Message", exact=True)).to_be_enabled()
    # The audit log shows both, with the reason.
    audit = fac.get_by_role("region", name="Audit log").first
    await fac.get_by_role("button", name="Refresh the log").click()
    locked = audit.locator("tr").filter(has_text="moderate.lock")
    await expect(locked).to_contain_text("Break until 7")
    # Said as a counselor would say it, with the code beside it for an auditor.
    await expect(locked).to_contain_text("Made the room read-only")

    # Mute Sam from the online list: the composer is disabled, with the reason. Sam is
    # not muted yet, so there is nothing to unmute.
    await fac.goto(program.url + f"/#/room/{room}")
    await fac.get_by_role("button", name="Member actions for Sam").click()
    menu = fac.get_by_role("dialog", name="Sam: member actions")
    await expect(menu.get_by_role("button", name="Mute…")).to_be_visible()
    await expect(menu.get_by_role("button", name="Unmute")).to_have_count(0)
    await expect(menu.get_by_role("button", name="Lift a suspension…")).to_have_count(0)
    await menu.get_by_role("button", name="Mute…").click()
    dialog = fac.get_by_role("dialog", name="Mute Sam?")
    await dialog.get_by_label("For how long").select_option(label="15 minutes")
    await dialog.get_by_label("Reason (shown to them)").fill("Taking a breather")
    await dialog.get_by_role("button", name="Mute").click()
    await expect(fac.locator(".room-notice")).to_contain_text("Sam is muted until")
    await expect(sam.get_by_label("Message", exact=True)).to_be_disabled()
    await expect(sam.locator("#room-banner")).to_contain_text("paused your posting until")
    await expect(sam.locator("#room-banner")).to_contain_text("Reason: Taking a breather")
    # After a reload the room summary carries the reason, too.
    await sam.reload()
    await wait_connected(sam)
    await expect(sam.get_by_label("Message", exact=True)).to_be_disabled()
    await expect(sam.locator("#room-banner")).to_contain_text("paused your posting until")
    await expect(sam.locator("#room-banner")).to_contain_text("Reason: Taking a breather")
    # Now the menu says until when, and offers to lift or change the mute.
    await fac.get_by_role("button", name="Member actions for Sam").click()
    await expect(menu.get_by_role("button", name="Unmute")).to_be_visible()
    await expect(menu.get_by_role("button", name="Change the mute…")).to_be_visible()
    await expect(menu).to_contain_text("Muted until")
    await menu.get_by_role("button", name="Cancel").click()
    # A suspension can be lifted from the same menu, which then offers no second one.
    await moderate_as(
        program, morgan, {"action": "suspend", "user": sam_rest.user["id"], "reason": "x"}
    )
    # Signed out everywhere, Sam has left the online list: his message leads to him.
    own = fac.locator("li.msg").filter(has_text="evening all")
    await own.get_by_role("button", name="Actions for message from Sam").click()
    await own.get_by_role("button", name="Member: Sam…").click()
    await expect(menu.get_by_role("button", name="Suspend account…")).to_have_count(0)
    await menu.get_by_role("button", name="Lift a suspension…").click()
    dialog = fac.get_by_role("dialog", name="Lift Sam’s suspension?")
    await dialog.get_by_label("Reason").fill("Talked it through")
    await dialog.get_by_role("button", name="Lift suspension").click()
    await expect(fac.locator(".room-notice")).to_contain_text("Sam can sign in again.")
    clean(fac_watch, sam_watch, alex_watch)


async def moderate_as(program: Program, who: Rest, fields: dict[str, Any]) -> dict[str, Any]:
    """One facilitator action over a websocket of its own; returns the `done` frame."""
    return await request_as(program, who, {"type": "moderate", **fields})


async def test_a_refused_send_shows_until_when_and_why(
    browser: Any, program: Program, morgan: Rest
) -> None:
    """The `muted` error carries `until` and `reason`: the banner uses them, even when
    the `muted` notice never reached this tab."""
    _, cohort, sam_rest, _ = group(program, morgan, "Muted send")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    await context.add_cookies(
        [{"name": "hearth_session", "value": sam_rest.cookie, "url": program.url}]
    )
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)

    def drop_mute_notices(ws: Any) -> None:
        server = ws.connect_to_server()
        server.on_message(
            lambda m: None if '"kind":"muted"' in str(m).replace(" ", "") else ws.send(m)
        )

    await page.route_web_socket("**/ws", drop_mute_notices)
    await page.goto(program.url + "/")
    await wait_connected(page)
    done = await moderate_as(
        program,
        morgan,
        {
            "action": "mute",
            "room": cohort["room"],
            "user": sam_rest.user["id"],
            "minutes": 30,
            "reason": "A pause to cool down",
        },
    )
    assert done["until"]
    await expect(page.get_by_label("Message", exact=True)).to_be_enabled()  # not told yet
    await send(page, "is anyone there?")
    banner = page.locator("#room-banner")
    await expect(banner).to_contain_text("paused your posting until")
    await expect(banner).to_contain_text("Reason: A pause to cool down")
    await expect(page.get_by_label("Message", exact=True)).to_be_disabled()
    await expect(page.locator('li.msg.failed[data-state="failed"]')).to_contain_text(
        "Not sent: a facilitator has paused your posting for now."
    )
    assert watch.errors == [] and watch.console_errors == [], watch.console_errors
    await context.close()


def facilitator(program: Program, username: str, name: str) -> Rest:
    """A facilitator of their own, so no other test's open alerts show in their panel."""
    program.admin.call(
        "POST",
        "/api/staff",
        {
            "username": username,
            "name": name,
            "password": STAFF_PASSWORD,
            "role": "facilitator",
        },
    )
    return Rest(program.url).login(username, STAFF_PASSWORD)


async def test_an_alert_raised_while_the_panel_loads_stays_listed(
    browser: Any, program: Program
) -> None:
    """The panel's REST read of the alerts was answered before a crisis; the alert came
    live while that answer was on its way. The older answer must not drop it."""
    jordan = facilitator(program, "jordan.m", "Jordan (facilitator)")
    _, cohort, sam_rest, alex_rest = group(program, jordan, "Loading race")
    room = cohort["room"]
    # An open report, so the panel shows when the held-back answer has been applied.
    [seq] = await post_as(program, alex_rest, room, ["meeting ran long today"], react=None)
    await request_as(
        program, sam_rest, {"type": "report", "room": room, "message": seq, "reason": "unkind"}
    )

    asked, go = asyncio.Event(), asyncio.Event()

    async def hold_back(route: Any) -> None:
        if asked.is_set():
            await route.continue_()
            return
        answer = await route.fetch()  # read now, before the crisis
        asked.set()
        await go.wait()
        await route.fulfill(response=answer)

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    await context.add_cookies(
        [{"name": "hearth_session", "value": jordan.cookie, "url": program.url}]
    )
    fac = await context.new_page()
    await fac.add_init_script(CSP_WATCH)
    watch = Watch()
    watch.attach(fac)
    await fac.route("**/api/alerts*", hold_back)
    await fac.goto(program.url + "/#/facilitate")
    await wait_connected(fac)
    await asyncio.wait_for(asked.wait(), 10)

    await post_as(program, sam_rest, room, [CRISIS], react=None)
    alerts = fac.get_by_role("region", name="Open alerts")
    item = alerts.locator("li.alert-item.urgent")
    await expect(item.get_by_role("heading")).to_have_text("Sam may be in crisis")
    go.set()
    reports = fac.get_by_role("region", name="Reports from members")
    await expect(reports.locator("li.report-item").filter(has_text="unkind")).to_have_count(1)
    await expect(item).to_have_count(1)
    await expect(fac.locator(".panel-link .alert-badge")).to_have_text("1")
    clean(watch)
    await context.close()


async def test_an_urgent_alert_missed_while_away_is_announced(
    browser: Any, program: Program
) -> None:
    """Alerts raised before the facilitator signed in arrive by REST: one cue for them."""
    riley = facilitator(program, "riley.m", "Riley (facilitator)")
    _, cohort, sam_rest, alex_rest = group(program, riley, "While away")
    await post_as(program, sam_rest, cohort["room"], [CRISIS], react=None)
    await request_as(program, alex_rest, {"type": "help", "room": cohort["room"]})

    _, fac, watch = await open_page(browser, program.url, riley)
    badge = fac.locator(".panel-link .alert-badge")
    await expect(badge).to_have_text("2")
    await expect(badge).to_have_class("badge alert-badge urgent pulse")
    await expect(fac.locator("#urgent-announcer")).to_have_text(
        "2 urgent alerts are waiting. Open the facilitator tools."
    )
    assert await fac.evaluate("window.__beeps") == 2  # one beep (of two tones) for both
    # Opening the panel reads them again, yet they are not news.
    async with fac.expect_response("**/api/alerts*"):
        await fac.get_by_role("link", name="Facilitator tools, 2 open alerts, 2 urgent").click()
    alerts = fac.get_by_role("region", name="Open alerts")
    await expect(alerts.locator("li.alert-item.urgent")).to_have_count(2)
    await fac.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    assert await fac.evaluate("window.__beeps") == 2
    clean(watch)


async def test_held_and_declined_messages_survive_a_reload(
    browser: Any, program: Program, morgan: Rest
) -> None:
    """What waits for a facilitator, and a facilitator's note on what was declined, are
    the author's to see after a reload or a night away; a dismissal sticks in the tab."""
    _, cohort, sam_rest, _ = group(program, morgan, "Kept across reloads")
    _, sam, _ = await open_page(browser, program.url, sam_rest)
    await send(sam, PHONE)
    waiting = sam.locator("li.msg.held").filter(has_text=PHONE)
    await expect(waiting.locator(".held-title")).to_have_text("Waiting for a facilitator")
    await sam.reload()
    await wait_connected(sam)
    await expect(waiting.locator(".held-title")).to_have_text("Waiting for a facilitator")
    await expect(waiting.locator(".held-why")).to_contain_text("phone numbers")

    # Declined while Sam is away: the note is there when Sam comes back.
    await sam.context.close()
    held = morgan.call("GET", f"/api/rooms/{cohort['room']}/held")["held"]
    await request_as(
        program,
        morgan,
        {
            "type": "moderate",
            "action": "reject",
            "held": held[0]["id"],
            "note": "In person, please.",
        },
    )
    _, sam, _ = await open_page(browser, program.url, sam_rest)
    declined = sam.locator("li.msg.held").filter(has_text=PHONE)
    await expect(declined.locator(".held-title")).to_have_text("Not shared")
    await expect(declined.locator(".held-why")).to_contain_text("In person, please.")
    await declined.get_by_role("button", name="Dismiss").click()
    await expect(declined).to_have_count(0)
    await sam.reload()
    await wait_connected(sam)
    await expect(sam.get_by_role("heading", name="Kept across reloads")).to_be_visible()
    await expect(sam.locator("li.msg.held")).to_have_count(0)
