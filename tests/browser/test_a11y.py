"""Accessibility (axe-core, WCAG 2.2 AA), crisis help on every screen, and screenshots."""

from __future__ import annotations

from typing import Any

from harness import (
    AFTER_HOURS,
    Program,
    axe_violations,
    new_page,
    output_dir,
    post_as,
    request_as,
    send,
    wait_connected,
)
from playwright.async_api import expect


async def seeded_room(program: Program, name: str) -> tuple[Any, Any]:
    """A room with a little life in it: others' and own messages, a reply, reactions,
    an edit and a deletion. Returns (cohort, the viewer's REST session)."""
    cohort = program.new_cohort(name)
    me = program.enrol("Sam", f"sam.{cohort['id']}", cohort=cohort["id"])
    alex = program.enrol("Alex", f"alex.{cohort['id']}", cohort=cohort["id"])
    jordan = program.enrol("Jordan", f"jordan.{cohort['id']}", cohort=cohort["id"])
    room = cohort["room"]
    first = await post_as(
        program,
        alex,
        room,
        [
            "Morning, everyone. Day 12 today. Cravings were loud last night but I made it through.",
        ],
        react="hug",
    )
    await post_as(
        program,
        me,
        room,
        [
            "Proud of you, Alex. What helped?",
        ],
        reply_to=first[0],
        react=None,
    )
    await post_as(
        program,
        jordan,
        room,
        [
            "Same here. I went for a walk and texted my sponsor.\nSmall steps.",
            "Reminder: group is at 6 tonight 🌱",
        ],
        react="strength",
    )
    await post_as(program, me, room, ["See you all tonight."], react="heart")
    return cohort, me


async def test_help_is_one_press_away_on_login_and_in_the_room(
    browser: Any, program: Program
) -> None:
    _, page, _ = await new_page(browser, program)
    await expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    await page.get_by_role("button", name="I need help now").click()
    dialog = page.get_by_role("dialog", name="You don’t have to go through this alone")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    await expect(dialog.get_by_role("link", name="Text 988")).to_have_attribute("href", "sms:988")
    after = dialog.get_by_role("link", name=f"Call {AFTER_HOURS}")
    await expect(after).to_have_attribute("href", "tel:+15550100")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_role("button", name="I need help now")).to_be_focused()

    cohort, me = await seeded_room(program, "Help check")
    _, room, _ = await new_page(browser, program, rest=me)
    await wait_connected(room)
    # Keyboard only: the button is in the tab order near the top.
    help_button = room.get_by_role("button", name="I need help now")
    await help_button.focus()
    await room.keyboard.press("Enter")
    await expect(room.get_by_role("dialog").get_by_role("link", name="Call 988")).to_be_visible()
    # Signed in, the dialog can also alert the person's facilitators.
    await room.get_by_role("button", name="Ask my facilitator to reach out").click()
    await expect(room.locator("#help-alert-status")).to_contain_text(
        "Your facilitators have been told"
    )
    # The server's crisis_help notice comes before its answer: it must not re-arm the
    # button, or a second tap raises another round of urgent alerts.
    await expect(
        room.get_by_role("button", name="Ask my facilitator to reach out")
    ).to_be_disabled()
    # A facilitator acknowledges: the person who asked hears that someone saw it.
    alerts = program.staff.call("GET", "/api/alerts")["alerts"]
    mine = next(a for a in alerts if a["kind"] == "help" and a["subject"]["id"] == me.user["id"])
    await request_as(
        program,
        program.staff,
        {"type": "moderate", "action": "acknowledge_alert", "alert": mine["id"]},
    )
    await expect(room.locator("#help-alert-status")).to_contain_text(
        "has seen your request for help"
    )
    await room.get_by_role("button", name="Close").click()
    await expect(help_button).to_be_focused()

    # Someone with no group left (discharged, access ended): nobody can be alerted, and
    # the dialog must never say otherwise.
    lone_cohort = program.new_cohort("Help, nobody left")
    lone = program.enrol("Lee", "lee-help", cohort=lone_cohort["id"])
    program.staff.call(
        "POST",
        f"/api/cohorts/{lone_cohort['id']}/discharges",
        {"user": lone.user["id"], "outcome": "completed"},
    )
    _, alone, _ = await new_page(browser, program, rest=lone)
    await wait_connected(alone)
    # The alumni question opens as a modal, which hides the page's help button: the
    # way to help stays inside it.
    consent = alone.get_by_role("dialog", name="Stay connected after treatment?")
    await consent.get_by_role("button", name="I need help now").click()
    await expect(consent).to_be_hidden()
    help_dialog = alone.get_by_role("dialog", name="You don’t have to go through this alone")
    await expect(help_dialog).to_be_visible()
    await help_dialog.get_by_role("button", name="Close").click()
    # No group: said plainly, not "Connecting…" for ever, and nothing to type into.
    await expect(alone.locator("#room-banner")).to_contain_text("not in a group right now")
    await expect(alone.get_by_label("Message", exact=True)).to_be_disabled()
    await alone.get_by_role("button", name="I need help now").click()
    await alone.get_by_role("button", name="Ask my facilitator to reach out").click()
    status = alone.locator("#help-alert-status")
    await expect(status).to_contain_text("no facilitator we can alert")
    await expect(status).not_to_contain_text("have been told")

    # On the enrolment page too.
    invite = program.invite(cohort["id"])
    _, enrol, _ = await new_page(browser, program, path=f"/invite/{invite['token']}")
    await enrol.get_by_role("button", name="I need help now").click()
    await expect(enrol.get_by_role("link", name="Text 988")).to_be_visible()


async def test_every_dialog_keeps_a_way_to_help(browser: Any, program: Program) -> None:
    """A modal makes the page's "I need help now" unreachable: the dialog has its own.
    The agreement a member must accept before posting is the likeliest one to be open
    when they need help."""
    cohort, me = await seeded_room(program, "Help in dialogs")
    _, page, watch = await new_page(browser, program, rest=me)
    await wait_connected(page)
    program.staff.call("PUT", f"/api/rooms/{cohort['room']}/agreement", {"text": "Phones away."})
    await send(page, "is anyone around tonight")
    agreement = page.get_by_role("dialog", name="Our group agreement")
    await expect(agreement).to_be_visible()
    await agreement.get_by_role("button", name="I need help now").click()
    await expect(agreement).to_be_hidden()
    help_dialog = page.get_by_role("dialog", name="You don’t have to go through this alone")
    await expect(help_dialog).to_be_visible()
    # The help dialog has no second one.
    await expect(help_dialog.get_by_role("button", name="I need help now")).to_have_count(0)
    await help_dialog.get_by_role("button", name="Close").click()
    # A form opened from the room, too.
    await page.get_by_role("button", name="Check in").click()
    await expect(
        page.get_by_role("dialog").get_by_role("button", name="I need help now")
    ).to_be_visible()
    assert watch.errors == []


async def test_axe_enrolment_room_settings_and_screenshots(browser: Any, program: Program) -> None:
    out = output_dir()
    cohort, me = await seeded_room(program, "Thursday Evening IOP")

    # Enrolment and login pages.
    invite = program.invite(cohort["id"])
    ctx, enrol, _ = await new_page(browser, program, path=f"/invite/{invite['token']}")
    await expect(enrol.get_by_role("heading", name="Join your group")).to_be_visible()
    assert await axe_violations(enrol) == []
    await enrol.screenshot(path=str(out / "enrol-1280.png"), full_page=True)
    await ctx.close()
    ctx, login, _ = await new_page(browser, program)
    await expect(login.get_by_role("heading", name="Welcome back")).to_be_visible()
    assert await axe_violations(login) == []
    await ctx.close()

    for width, height, scheme in (
        (390, 844, "light"),
        (1280, 800, "light"),
        (390, 844, "dark"),
        (1280, 800, "dark"),
    ):
        ctx, page, watch = await new_page(
            browser, program, rest=me, viewport={"width": width, "height": height}
        )
        await page.emulate_media(color_scheme=scheme)
        await wait_connected(page)
        await expect(page.locator("ol.messages li.msg")).to_have_count(5)
        await expect(page.locator(".online li").first).to_be_attached()
        assert await axe_violations(page) == [], (width, scheme)
        await page.screenshot(path=str(out / f"room-{width}x{height}-{scheme}.png"))
        if width == 1280 and scheme == "light":
            # The action bar and reply context are part of the room too.
            last = page.locator("ol.messages li.msg.own").last
            await last.get_by_role("button", name="Actions for message from You").click()
            await expect(last.get_by_role("button", name="Edit")).to_be_visible()
            assert await axe_violations(page) == []
            await last.get_by_role("button", name="Reply").click()
            await page.get_by_label("Message", exact=True).fill("Typing a reply…")
            assert await axe_violations(page) == []
            await page.screenshot(path=str(out / "room-1280x800-actions.png"))
            # Settings.
            await page.get_by_role("link", name="Settings", exact=True).click()
            await expect(page.get_by_role("heading", name="Settings")).to_be_visible()
            assert await axe_violations(page) == []
            await page.screenshot(path=str(out / "settings-1280.png"))
            await page.get_by_role("button", name="I need help now").click()
            await expect(page.get_by_role("dialog")).to_be_visible()
            assert await axe_violations(page) == []
            await page.screenshot(path=str(out / "help-1280.png"))
        if width == 390 and scheme == "dark":
            await page.get_by_role("link", name="Settings", exact=True).click()
            await expect(page.get_by_role("heading", name="Settings")).to_be_visible()
            assert await axe_violations(page) == []
            await page.screenshot(path=str(out / "settings-390-dark.png"))
        assert watch.errors == [] and watch.console_errors == []
        await ctx.close()

    # The smallest phone, and a laptop at 200% zoom (1280x800 CSS px halved).
    for width, height in ((360, 640), (640, 400)):
        ctx, page, _ = await new_page(
            browser, program, rest=me, viewport={"width": width, "height": height}
        )
        await wait_connected(page)
        await expect(page.locator("ol.messages li.msg")).to_have_count(5)
        composer = await page.get_by_label("Message", exact=True).bounding_box()
        help_box = await page.get_by_role("button", name="I need help now").bounding_box()
        assert composer and help_box and composer["y"] + composer["height"] <= height
        assert help_box["x"] + help_box["width"] <= width
        scroll_width = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, "no sideways scrolling"
        await page.screenshot(path=str(out / f"room-{width}x{height}.png"))
        await ctx.close()


async def test_settings_hide_presence_and_log_out(browser: Any, program: Program) -> None:
    cohort = program.new_cohort("Settings check")
    me = program.enrol("Quinn", "quinn.s", cohort=cohort["id"])
    other = program.enrol("Ari", "ari.s", cohort=cohort["id"])
    _, page, _ = await new_page(browser, program, rest=me)
    _, peer, _ = await new_page(browser, program, rest=other)
    await wait_connected(page)
    await wait_connected(peer)
    await expect(peer.locator(".online li")).to_contain_text(["Ari (you)", "Quinn"])

    await page.get_by_role("link", name="Settings", exact=True).click()
    await page.get_by_label("Hide when I’m online").check()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await expect(peer.locator(".online li")).to_have_text(["Ari (you)"])
    assert program.staff.base  # the REST view agrees
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    await expect(page.get_by_text("You are logged out.")).to_be_visible()
    # Reload: still logged out.
    await page.reload()
    await expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    # And back in through the form.
    await page.get_by_label("Username").fill("quinn.s")
    await page.get_by_label("Password").fill("quiet morning walk")
    await page.get_by_role("button", name="Log in").click()
    await wait_connected(page)
    await expect(page.locator("#room-title")).to_have_text("Settings check")


async def test_facilitator_top_bar_fits_one_row_on_a_phone(browser: Any, program: Program) -> None:
    """Chat, Settings and Staff fold into a Menu disclosure; the facilitator link (with its
    alert badge) and "I need help now" stay in the one row."""
    out = output_dir()
    cohort = program.new_cohort("Top bar check")  # the staff member facilitates it
    # An open alert, so the badge is in the bar (its widest state).
    river = program.enrol("River", f"river.{cohort['id']}", cohort=cohort["id"])
    await post_as(program, river, cohort["room"], ["i relapsed last night and used again"])
    for width, height, scheme in ((390, 844, "light"), (360, 640, "dark")):
        ctx, page, watch = await new_page(
            browser,
            program,
            rest=program.staff,
            viewport={"width": width, "height": height},
            path="/#/facilitate",
        )
        await page.emulate_media(color_scheme=scheme)
        await wait_connected(page)
        await expect(page.get_by_role("heading", name="Facilitator tools")).to_be_visible()
        bar = page.locator("header.topbar")
        toggle = bar.get_by_role("button", name="Menu")
        panel_link = bar.get_by_role("link", name="Facilitator tools")
        help_button = bar.get_by_role("button", name="I need help now")
        await expect(panel_link.locator(".alert-badge")).to_be_visible()
        boxes = [await el.bounding_box() for el in (toggle, panel_link, help_button)]
        assert all(boxes), boxes
        middles = [b["y"] + b["height"] / 2 for b in boxes]  # type: ignore[index]
        assert max(middles) - min(middles) < 2, f"one row: {boxes}"
        assert all(b["x"] + b["width"] <= width for b in boxes), boxes  # type: ignore[index]
        assert all(b["height"] >= 24 for b in boxes), boxes  # target size (2.5.8)
        # The status line keeps its own thin row below, as for everyone on a phone.
        controls_bottom = max(b["y"] + b["height"] for b in boxes)  # type: ignore[index]
        status = await bar.locator("#status").bounding_box()
        assert status and status["y"] >= controls_bottom - 1
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        # Folded away: not shown, not in the tab order.
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        await expect(bar.get_by_role("link", name="Settings", exact=True)).to_be_hidden()
        if width == 390:
            await page.screenshot(
                path=str(out / "topbar-390.png"),
                clip={"x": 0, "y": 0, "width": width, "height": 140},
            )
            assert await axe_violations(page) == []

        # Keyboard: open it, arrow through it, Escape closes and gives focus back.
        await toggle.focus()
        await page.keyboard.press("Enter")
        await expect(toggle).to_have_attribute("aria-expanded", "true")
        menu = bar.locator("#nav-menu")
        await expect(menu.get_by_role("link")).to_have_text(["Chat", "Settings", "Staff"])
        await page.keyboard.press("Tab")
        await expect(menu.get_by_role("link", name="Chat")).to_be_focused()
        await page.keyboard.press("ArrowDown")
        await expect(menu.get_by_role("link", name="Settings")).to_be_focused()
        if width == 390:
            assert await axe_violations(page) == []
            await page.screenshot(
                path=str(out / "topbar-390-menu-open.png"),
                clip={"x": 0, "y": 0, "width": width, "height": 320},
            )
        await page.keyboard.press("Escape")
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        await expect(toggle).to_be_focused()
        await expect(menu).to_be_hidden()
        # Down arrow opens it at the first link; leaving it (Tab past the end) closes it.
        await page.keyboard.press("ArrowDown")
        await expect(menu.get_by_role("link", name="Chat")).to_be_focused()
        for _ in range(3):
            await page.keyboard.press("Tab")
        await expect(panel_link).to_be_focused()
        await page.keyboard.press("Tab")
        await expect(help_button).to_be_focused()
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        # A press outside closes it too; a link in it goes there and closes it.
        await toggle.click()
        await expect(menu).to_be_visible()
        await page.mouse.click(width / 2, height - 20)
        await expect(menu).to_be_hidden()
        await toggle.click()
        await menu.get_by_role("link", name="Settings").click()
        await expect(page.get_by_role("heading", name="Settings")).to_be_visible()
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        await expect(menu).to_be_hidden()
        assert watch.errors == [] and watch.console_errors == []
        await ctx.close()

    # On a laptop the links sit in the bar, with no Menu button.
    ctx, page, _ = await new_page(browser, program, rest=program.staff, path="/#/facilitate")
    await wait_connected(page)
    bar = page.locator("header.topbar")
    await expect(bar.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Chat", "Settings", "Staff"):
        await expect(bar.get_by_role("link", name=name, exact=True)).to_be_visible()
    await ctx.close()
