"""Discharge and the alumni network in the browser: a facilitator discharges a client
from the staff screen while the client and the group are watching, the client is asked
about the alumni network, and an alum joins an alumni room and posts there.

The facilitator ("Jordan") and the cohorts are this file's own, so nothing other test
files do shows here.
"""

from __future__ import annotations

from typing import Any

import pytest
from harness import (
    STAFF_PASSWORD,
    Program,
    Rest,
    Watch,
    axe_violations,
    new_page,
    output_dir,
    post_as,
    send,
    texts,
    wait_connected,
)
from playwright.async_api import expect

NOTE = "Moving to residential care; call the family on Friday"


@pytest.fixture(scope="module")
def jordan(program: Program) -> Rest:
    program.admin.call(
        "POST",
        "/api/staff",
        {
            "username": "jordan",
            "name": "Jordan (facilitator)",
            "password": STAFF_PASSWORD,
            "role": "facilitator",
        },
    )
    return Rest(program.url).login("jordan", STAFF_PASSWORD)


def clean(*watches: Watch) -> None:
    for w in watches:
        assert w.errors == [] and w.dialogs == [] and w.console_errors == [], (
            w.errors,
            w.dialogs,
            w.console_errors,
        )


async def test_facilitator_discharges_a_client_who_is_then_asked_about_alumni(
    browser: Any, program: Program, jordan: Rest
) -> None:
    cohort = jordan.call("POST", "/api/cohorts", {"name": "Spring IOP"})["cohort"]
    mine = Program(program.server, program.admin, jordan, cohort)
    sam_rest = mine.enrol("Sam", "sam.discharge")
    alex_rest = mine.enrol("Alex", "alex.discharge")
    _, sam, sam_watch = await new_page(browser, program, rest=sam_rest)
    _, alex, alex_watch = await new_page(browser, program, rest=alex_rest)
    for page in (sam, alex):
        await wait_connected(page)
        await expect(page.get_by_role("heading", name="Spring IOP", level=1)).to_be_visible()

    _, fac, fac_watch = await new_page(browser, program, rest=jordan, path="/#/staff")
    section = fac.get_by_role("region", name="Members and discharge")
    await expect(section).to_be_visible()
    roster = section.get_by_role("list", name="Members of Spring IOP")
    await expect(roster.locator("li .person-name")).to_have_text(["Alex", "Sam"])

    await section.get_by_role("button", name="Discharge Sam").click()
    dialog = fac.get_by_role("dialog", name="Discharge Sam?")
    await expect(dialog).to_contain_text("will see only that Sam has moved on")
    await dialog.get_by_label("Outcome").select_option("transferred")
    await dialog.get_by_label("Note for staff (optional)").fill(NOTE)
    await dialog.get_by_role("button", name="Discharge").click()
    await expect(dialog).to_be_hidden()
    await expect(section.get_by_role("status").first).to_have_text(
        "Sam has moved on (Transferred to another program or level of care). "
        "Their access to the group has ended."
    )
    await expect(roster.locator("li .person-name")).to_have_text(["Alex"])
    await expect(section).not_to_contain_text("null")

    # Sam: the group is gone from the list at once, and the alumni question is asked.
    consent = sam.get_by_role("dialog", name="Stay connected after treatment?")
    await expect(consent).to_be_visible()
    await expect(sam.locator(".rooms .room-name")).to_have_count(0)
    await consent.get_by_role("button", name="Join the alumni network").click()
    await expect(consent).to_be_hidden()
    assert sam_rest.call("GET", "/api/me/alumni-consent")["decision"] == "given"
    # The group hears only that Sam moved on; nobody but staff sees why.
    await expect(alex.locator(".room-notice")).to_have_text("Sam has moved on from the group.")
    for page in (sam, alex):
        content = await page.content()
        assert NOTE not in content and "Transferred" not in content
    # Staff see the outcome and the note in the discharge record.
    record = jordan.call("GET", f"/api/cohorts/{cohort['id']}/discharges")["discharges"][0]
    assert record["outcome"] == "transferred" and record["note"] == NOTE

    # Settings: Sam is in the alumni network and can withdraw.
    await sam.goto(program.url + "/#/settings")
    group = sam.get_by_role("group", name="Alumni network")
    await expect(group).to_contain_text("You are in the alumni network")
    await expect(group.get_by_role("button", name="Withdraw my consent")).to_be_visible()

    assert await axe_violations(fac) == []
    await fac.screenshot(path=str(output_dir() / "discharge-staff.png"), full_page=True)
    clean(sam_watch, alex_watch, fac_watch)


async def test_an_alum_joins_an_alumni_room_and_posts(
    browser: Any, program: Program, jordan: Rest
) -> None:
    cohort = jordan.call("POST", "/api/cohorts", {"name": "Summer IOP"})["cohort"]
    mine = Program(program.server, program.admin, jordan, cohort)
    riley = mine.enrol("Riley", "riley.alum")
    jordan.call(
        "POST",
        f"/api/cohorts/{cohort['id']}/discharges",
        {"user": riley.user["id"], "outcome": "completed"},
    )
    riley.call("PUT", "/api/me/alumni-consent", {"consent": True, "version": 1})
    room = program.admin.call(
        "POST",
        "/api/alumni/rooms",
        {
            "name": "Class of 2026",
            "category": "year",
            "access": "open",
            "description": "Everyone who finished in 2026.",
        },
    )["room"]

    _, page, watch = await new_page(browser, program, rest=riley, path="/#/alumni")
    await wait_connected(page)
    await expect(page.get_by_role("heading", name="Alumni network", level=1)).to_be_visible()
    item = page.locator(f"li.alumni-room[data-room='{room['id']}']")
    await expect(item).to_contain_text("Graduation year · open to all alumni")
    await item.get_by_role("button", name="Join").click()
    await expect(page.get_by_text("You joined Class of 2026.")).to_be_visible()
    assert await axe_violations(page) == []
    await item.get_by_role("button", name="Open").click()

    await expect(page.get_by_role("heading", name="Class of 2026", level=1)).to_be_visible()
    agreement = page.get_by_role("dialog", name="Our group agreement")
    await expect(agreement).to_be_visible()
    await agreement.get_by_label("I have read the group agreement and agree to it").check()
    await agreement.get_by_label("I understand the confidentiality notice").check()
    await agreement.get_by_role("button", name="Accept and continue").click()
    await expect(agreement).to_be_hidden()
    await send(page, "two years today, thanks everyone")
    await expect(texts(page)).to_have_text(["two years today, thanks everyone"])
    await expect(page.locator("li.msg").filter(has_text="two years today")).to_have_attribute(
        "data-state", "sent"
    )

    # Leave, and come back later.
    await page.goto(program.url + "/#/alumni")
    item = page.locator(f"li.alumni-room[data-room='{room['id']}']")
    await item.get_by_role("button", name="Leave").click()
    await expect(
        page.get_by_text("You left Class of 2026. You can join again any time.")
    ).to_be_visible()
    assert all(r["id"] != room["id"] for r in riley.call("GET", "/api/rooms")["rooms"])
    await item.get_by_role("button", name="Join").click()
    await expect(item.get_by_role("button", name="Open")).to_be_visible()
    await page.screenshot(path=str(output_dir() / "alumni-rooms.png"), full_page=True)
    clean(watch)


async def test_an_alumni_moderator_removes_a_message_in_their_room(
    browser: Any, program: Program, jordan: Rest
) -> None:
    cohort = jordan.call("POST", "/api/cohorts", {"name": "Autumn IOP"})["cohort"]
    mine = Program(program.server, program.admin, jordan, cohort)
    quinn = mine.enrol("Quinn", "quinn.mod")
    blake = mine.enrol("Blake", "blake.alum")
    room = program.admin.call(
        "POST",
        "/api/alumni/rooms",
        {"name": "Running club", "category": "interest", "access": "open"},
    )["room"]
    for who in (quinn, blake):
        jordan.call(
            "POST",
            f"/api/cohorts/{cohort['id']}/discharges",
            {"user": who.user["id"], "outcome": "completed"},
        )
        who.call("PUT", "/api/me/alumni-consent", {"consent": True, "version": 1})
        who.call("POST", f"/api/alumni/rooms/{room['id']}/join", {})
        who.call("POST", f"/api/rooms/{room['id']}/agreement/accept", {"version": 1})
    program.admin.call("PUT", f"/api/alumni/rooms/{room['id']}/moderators/{quinn.user['id']}")
    await post_as(
        program,
        blake,
        room["id"],
        ["my new running shoes are bright orange, no regrets"],
        react=None,
    )

    _, page, watch = await new_page(browser, program, rest=quinn, path=f"/#/room/{room['id']}")
    await wait_connected(page)
    msg = page.locator("li.msg").filter(has_text="my new running shoes are bright orange")
    await msg.get_by_role("button", name="Actions for message from Blake").click()
    await msg.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove this message?")
    await dialog.get_by_label("Reason").fill("Please keep gear talk in the gear thread")
    await dialog.get_by_role("button", name="Remove message").click()
    await expect(page.locator("li.msg .tombstone")).to_have_text(["Removed by a facilitator"])
    await expect(page.get_by_text("my new running shoes are bright orange")).to_have_count(0)
    # No other facilitator powers show.
    await expect(page.locator(".panel-link")).to_have_count(0)

    # The hold queue of her room: Blake's contact details wait for her.
    _, blake_page, blake_watch = await new_page(
        browser, program, rest=blake, path=f"/#/room/{room['id']}"
    )
    await wait_connected(blake_page)
    await send(blake_page, "text me at 555-123-4567 for the saturday run")
    await expect(blake_page.locator("li.msg").filter(has_text="555-123-4567")).to_have_attribute(
        "data-state", "held"
    )
    await page.goto(program.url + "/#/alumni")
    tools = page.get_by_role("region", name="You moderate Running club")
    item = tools.locator("li.held-item")
    await expect(item.locator(".held-text")).to_have_text(
        "text me at 555-123-4567 for the saturday run"
    )
    await item.get_by_role("button", name="Approve").click()
    await expect(tools.get_by_text("Approved: it is in the room now.")).to_be_visible()
    await expect(tools.get_by_text("Nothing is waiting.")).to_be_visible()
    await expect(blake_page.locator("li.msg").filter(has_text="555-123-4567")).to_have_attribute(
        "data-state", "sent"
    )
    clean(watch, blake_watch)


async def test_a_client_meets_alumni_only_in_a_mentoring_room_staff_invited_them_to(
    browser: Any, program: Program, jordan: Rest
) -> None:
    cohort = jordan.call("POST", "/api/cohorts", {"name": "Winter IOP"})["cohort"]
    mine = Program(program.server, program.admin, jordan, cohort)
    pat = mine.enrol("Pat", "pat.mentee")
    room = program.admin.call(
        "POST",
        "/api/alumni/rooms",
        {
            "name": "Mentoring circle",
            "category": "mentoring",
            "access": "invite",
            "facilitators": [jordan.user["id"]],
        },
    )["room"]
    _, page, watch = await new_page(browser, program, rest=pat)
    await wait_connected(page)
    nav = page.locator("header.topbar")
    await expect(nav.get_by_role("link", name="Alumni")).to_have_count(0)
    jordan.call("POST", f"/api/alumni/rooms/{room['id']}/invitations", {"user": pat.user["id"]})
    await nav.get_by_role("link", name="Alumni").click()
    item = page.locator(f"li.alumni-room[data-room='{room['id']}']")
    await expect(item).to_contain_text("You’re invited")
    await expect(page.locator("li.alumni-room")).to_have_count(1)  # nothing else to find
    await item.get_by_role("button", name="Join").click()
    await item.get_by_role("button", name="Open").click()
    await expect(page.get_by_role("heading", name="Mentoring circle", level=1)).to_be_visible()
    clean(watch)


async def test_during_the_grace_period_the_group_is_read_only(
    browser: Any, program: Program, jordan: Rest
) -> None:
    cohort = jordan.call("POST", "/api/cohorts", {"name": "Evening IOP"})["cohort"]
    jordan.call("PATCH", f"/api/cohorts/{cohort['id']}", {"grace_days": 7})
    mine = Program(program.server, program.admin, jordan, cohort)
    casey = mine.enrol("Casey", "casey.grace")
    _, page, watch = await new_page(browser, program, rest=casey)
    await wait_connected(page)
    await send(page, "last group tonight")
    await expect(texts(page)).to_have_text(["last group tonight"])
    jordan.call(
        "POST",
        f"/api/cohorts/{cohort['id']}/discharges",
        {"user": casey.user["id"], "outcome": "completed"},
    )
    consent = page.get_by_role("dialog", name="Stay connected after treatment?")
    await consent.get_by_role("button", name="Ask me later").click()
    await expect(page.locator("#room-banner")).to_contain_text(
        "You have moved on from this group. You can read it until"
    )
    await expect(page.get_by_label("Message", exact=True)).to_be_disabled()
    await expect(texts(page)).to_have_text(["last group tonight"])  # still readable
    clean(watch)
