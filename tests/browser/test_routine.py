"""Routine in the browser, on a phone-sized page: the check-in takes one screen and a few
taps, a shared check-in shows as a card for the group, the member's chart and the
facilitator's small charts render (screenshots are kept for a person to look at), and
the schedule strip shows the next session."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from harness import (
    CSP_WATCH,
    Program,
    Rest,
    Watch,
    axe_violations,
    new_page,
    output_dir,
    wait_connected,
)
from playwright.async_api import expect

PHONE = {"width": 360, "height": 740}


def seed_history(program: Program, room: int, user: int, tz: str = "UTC", days: int = 29) -> None:
    """Earlier days of check-ins (days of the room's time zone), written straight to the
    server's database: the server runs on the real clock, and a month of days cannot be
    clicked through in a test."""
    today = datetime.now(ZoneInfo(tz)).date()
    db = sqlite3.connect(program.server.db, timeout=10)
    try:
        with db:
            for back in range(days, 0, -1):
                if back % 6 == 0:
                    continue  # a few missed days: gaps, not zeros
                day = today - timedelta(days=back)
                mood = 2 + (days - back) * 3 // days
                craving = max(0, 8 - (days - back) // 4)
                db.execute(
                    "INSERT INTO checkins(room_id, user_id, day, mood, craving, on_plan, note,"
                    " shared, labels, created_at) VALUES (?, ?, ?, ?, ?, ?, '', 0, '[]', ?)",
                    (room, user, day.isoformat(), mood, craving, int(back % 3 != 0), time.time()),
                )
    finally:
        db.close()


async def phone_page(browser: Any, program: Program, rest: Rest) -> tuple[Any, Watch]:
    """A touch phone: taps, not clicks."""
    context = await browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(10_000)
    await context.add_cookies(
        [{"name": "hearth_session", "value": rest.cookie, "url": program.url}]
    )
    page = await context.new_page()
    await page.add_init_script(CSP_WATCH)
    watch = Watch()
    watch.attach(page)
    await page.goto(program.url + "/")
    return page, watch


async def test_checkin_is_one_screen_and_a_few_taps_on_a_phone(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Routine phone group")
    room = cohort["room"]
    program.staff.call(
        "PUT",
        f"/api/rooms/{room}/schedule",
        {
            "time_zone": "America/Chicago",
            "sessions": [
                {"weekday": d, "time": "18:00", "duration_minutes": 90, "place": "Room 2"}
                for d in ("monday", "wednesday", "friday")
            ],
        },
    )
    jo = program.enrol("Jo", "jo.checkin", cohort=cohort["id"])
    kim = program.enrol("Kim", "kim.checkin", cohort=cohort["id"])
    seed_history(program, room, jo.user["id"], "America/Chicago")

    page, watch = await phone_page(browser, program, jo)
    other, other_watch = await phone_page(browser, program, kim)
    for p in (page, other):
        await wait_connected(p)
        await expect(p.locator("#room-title")).to_have_text("Routine phone group")
    await expect(page.locator(".next-session")).to_contain_text("Next session:")

    # Tap 1: open. The whole form fits the phone's screen: no scrolling to the button.
    await page.get_by_role("button", name="Check in").tap()
    dialog = page.locator("dialog.checkin-dialog")
    await expect(dialog.get_by_role("radio", name="Good", exact=True)).to_be_attached()
    fits = await dialog.evaluate("d => d.scrollHeight <= d.clientHeight + 1")
    box = await dialog.bounding_box()
    assert (
        fits and box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    )
    submit = dialog.get_by_role("button", name="Check in")
    assert await submit.is_visible()
    submit_box = await submit.bounding_box()
    assert submit_box is not None and submit_box["y"] + submit_box["height"] <= PHONE["height"]
    assert await axe_violations(page) == []
    await page.screenshot(path=str(output_dir() / "routine-checkin-form-phone.png"))
    # The member's history is there before checking in too.
    await dialog.get_by_text("My last 30 days and milestones").tap()
    await expect(dialog.locator(".my-days svg.chart")).to_be_visible()
    await dialog.get_by_text("My last 30 days and milestones").tap()

    # Tap 2: mood. Tap 3: craving (the slider). Tap 4: check in. Plan and sharing keep
    # their defaults (on plan, my group); the line is optional.
    await dialog.locator("label.choice").nth(3).tap()
    slider = dialog.get_by_role("slider")
    await slider.fill("3")
    await expect(dialog.locator(".craving-value")).to_have_text("3")
    await submit.tap()

    await expect(dialog.get_by_text("Checked in and shared with your group.")).to_be_visible()
    await expect(dialog.locator(".streak")).to_contain_text("in a row")
    chart = dialog.locator("svg.chart")
    await expect(chart).to_be_visible()
    # The chart has a text alternative and the same numbers as a table.
    label = await chart.evaluate(
        "s => s.getAttribute('aria-labelledby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')"
    )
    assert "Your mood and craving" in label and "check-ins in the last 30 days" in label
    rows = await dialog.locator(".chart-table tbody tr").count()
    assert rows >= 20
    shots = output_dir()
    await dialog.screenshot(path=str(shots / "routine-checkin-chart-phone.png"))

    # The group sees a card, and can react to it.
    card = other.locator("li.msg .checkin-card")
    await expect(card).to_contain_text("Jo checked in")
    await expect(card).to_contain_text("Mood 4/5")
    await expect(card).to_contain_text("Craving 3/10")
    await other.screenshot(path=str(shots / "routine-card-phone.png"))

    # A cancelled session is pinned in the room as soon as staff post it.
    # The first upcoming session may be in progress (this test can run on a Friday
    # evening in Chicago), and one that has started cannot be cancelled.
    upcoming = program.staff.call("GET", f"/api/rooms/{room}/schedule")["upcoming"]
    soon = datetime.now(ZoneInfo("UTC")) + timedelta(minutes=5)
    to_come = next(
        o for o in upcoming if datetime.fromisoformat(o["start"].replace("Z", "+00:00")) > soon
    )
    program.staff.call(
        "POST",
        f"/api/rooms/{room}/schedule/changes",
        {"occurrence": to_come["start"], "kind": "cancelled", "note": "holiday week"},
    )
    await expect(other.locator(".schedule-pins .pin")).to_contain_text("Cancelled:")
    await expect(other.locator(".schedule-pins .pin")).to_contain_text("holiday week")
    await expect(other.locator(".schedule-card")).to_contain_text("Session cancelled")
    # A reminder is one choice; the server says when it is due.
    async with other.expect_response(lambda r: r.url.endswith("/schedule/reminder")) as got:
        await other.get_by_label("Session reminder").select_option("60")
    answer = await (await got.value).json()
    assert answer["reminder"]["minutes_before"] == 60 and answer["reminder"]["next_at"]
    assert kim.call("GET", f"/api/rooms/{room}/schedule")["reminder"]["minutes_before"] == 60
    await other.screenshot(path=str(shots / "routine-pinned-change-phone.png"))

    # Reopening today shows progress, not a second form.
    await dialog.get_by_role("button", name="Close").click()
    await page.get_by_role("button", name="Check in").click()
    await expect(page.get_by_text("You’ve checked in today. Thank you.")).to_be_visible()

    for w in (watch, other_watch):
        assert w.errors == [] and w.dialogs == []
    csp = await page.evaluate("window.__csp")
    assert csp == [], csp


async def test_facilitator_sees_todays_checkins_trends_and_quiet_members(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Routine staff view")
    room = cohort["room"]
    ana = program.enrol("Ana", "ana.routine", cohort=cohort["id"])
    program.enrol("Ben", "ben.routine", cohort=cohort["id"])
    seed_history(program, room, ana.user["id"])
    ana.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 4, "on_plan": True, "shared": False, "note": "long day"},
    )
    _, page, watch = await new_page(
        browser, program, rest=program.staff, viewport={"width": 1024, "height": 900}
    )
    await wait_connected(page)
    await page.goto(program.url + "/#/facilitate")
    await page.get_by_label("Room", exact=True).select_option(str(room))
    section = page.locator("section.routine")
    item = section.locator(".overview-item", has_text="Ana")
    await expect(item).to_contain_text("mood 3/5 · craving 4/10 · facilitators only")
    await expect(item.locator(".text")).to_have_text("long day")
    await expect(section.locator(".overview-item", has_text="Ben")).to_contain_text(
        "Not checked in yet"
    )
    await expect(item.locator("svg.chart.small")).to_be_visible()
    await section.get_by_label("No post or check-in for at least").select_option("1")
    await expect(section.locator(".quiet-list")).to_contain_text("Nobody has gone quiet")
    await section.scroll_into_view_if_needed()
    await section.screenshot(path=str(output_dir() / "routine-overview.png"))
    assert watch.errors == [] and watch.dialogs == []
    assert json.dumps(await page.evaluate("window.__csp")) == "[]"


async def test_staff_create_a_cohort_with_its_weekly_sessions(
    browser: Any, program: Program
) -> None:
    _, page, watch = await new_page(browser, program, rest=program.staff)
    await wait_connected(page)
    await page.goto(program.url + "/#/staff")
    await page.get_by_label("Cohort name").fill("Monday Wednesday Thursday")
    for day in ("Monday", "Wednesday", "Thursday"):
        await page.get_by_label(day, exact=True).check()
    await page.get_by_label("Starts at").fill("18:30")
    await page.get_by_label("Time zone").fill("America/Denver")
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Create cohort").click()
    item = page.locator("li.cohort", has_text="Monday Wednesday Thursday")
    await expect(item.locator(".hint")).to_have_text("Mon, Wed, Thu 18:30 (America/Denver)")
    cohort = next(
        c
        for c in program.staff.call("GET", "/api/cohorts")["cohorts"]
        if c["name"] == "Monday Wednesday Thursday"
    )
    shown = program.staff.call("GET", f"/api/rooms/{cohort['room']}/schedule")
    assert shown["time_zone"] == "America/Denver"
    assert [(s["weekday"], s["time"], s["duration_minutes"]) for s in shown["sessions"]] == [
        ("monday", "18:30", 180),
        ("wednesday", "18:30", 180),
        ("thursday", "18:30", 180),
    ]
    assert watch.errors == [] and watch.dialogs == []
