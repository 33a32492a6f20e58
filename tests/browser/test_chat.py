"""Two people enrol from invites and talk: send, reply, react, edit, delete, keys."""

from __future__ import annotations

from typing import Any

from harness import Program, new_page, send, texts, wait_connected
from playwright.async_api import expect


async def enrol_in_browser(
    browser: Any,
    program: Program,
    cohort: dict[str, Any],
    name: str,
    username: str,
) -> tuple[Any, Any, Any]:
    invite = program.invite(cohort["id"])
    context, page, watch = await new_page(browser, program, path=f"/invite/{invite['token']}")
    await expect(page.get_by_role("heading", name="Join your group")).to_be_visible()
    await expect(page.get_by_text(cohort["name"])).to_be_visible()
    await page.get_by_label("Display name").fill(name)
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill("slow steady mornings")
    await page.get_by_label("I have read the group agreement and agree to it").check()
    await page.get_by_label("I understand the confidentiality notice").check()
    await page.get_by_role("button", name="Join the group").click()
    await wait_connected(page)
    await expect(page.locator("#room-title")).to_have_text(cohort["name"])
    assert page.url.endswith("/") or "#/" in page.url, page.url
    return context, page, watch


async def test_two_people_enrol_and_chat_both_ways(browser: Any, program: Program) -> None:
    cohort = program.new_cohort("Monday Morning IOP")
    _, sam, sam_watch = await enrol_in_browser(browser, program, cohort, "Sam", "sam.t")
    _, alex, alex_watch = await enrol_in_browser(browser, program, cohort, "Alex", "alex.r")

    await send(sam, "made it to day 30 🙂")
    await expect(texts(alex).filter(has_text="made it to day 30")).to_have_count(1)
    await expect(
        alex.locator("li.msg").filter(has_text="made it to day 30").locator(".author")
    ).to_have_text("Sam")
    await send(alex, "so proud of you, Sam")
    await expect(texts(sam).filter(has_text="so proud of you")).to_have_count(1)
    # Own messages are marked as such.
    await expect(sam.locator("li.msg.own .text")).to_have_text(["made it to day 30 🙂"])
    await expect(sam.locator("li.msg.own .author")).to_have_text(["You"])
    # Presence: both are online in both pages.
    await expect(sam.locator(".online li")).to_contain_text(["Alex", "Sam (you)"])
    # A day separator heads the conversation.
    await expect(sam.locator("li.day").first).to_have_text("Today")

    # Reload: still logged in, history comes back once.
    await sam.reload()
    await wait_connected(sam)
    await expect(texts(sam)).to_have_text(["made it to day 30 🙂", "so proud of you, Sam"])

    for w in (sam_watch, alex_watch):
        assert w.errors == [] and w.dialogs == []


async def test_enter_sends_and_shift_enter_breaks_a_line(browser: Any, program: Program) -> None:
    me = program.enrol("Robin", "robin.k", cohort=program.new_cohort("Keys")["id"])
    _, page, _ = await new_page(browser, program, rest=me)
    await wait_connected(page)
    box = page.get_by_label("Message", exact=True)
    await box.click()
    await box.type("first line")
    await box.press("Shift+Enter")
    await box.type("second line")
    await expect(box).to_have_value("first line\nsecond line")
    await expect(page.locator(".counter")).to_have_text("22 / 4000")
    await box.press("Enter")
    await expect(box).to_have_value("")
    mine = page.locator("li.msg.own .text").filter(has_text="second line")
    await expect(mine).to_have_count(1)
    assert await mine.inner_text() == "first line\nsecond line"
    # Pending until acked, then sent.
    await expect(page.locator("li.msg.own").filter(has_text="second line")).to_have_attribute(
        "data-state", "sent"
    )


async def test_reply_react_edit_delete_round_trip(browser: Any, program: Program) -> None:
    cohort = program.new_cohort("Round trip")["id"]
    a = program.enrol("Jo", "jo.m", cohort=cohort)
    b = program.enrol("Kai", "kai.n", cohort=cohort)
    _, jo, _ = await new_page(browser, program, rest=a)
    _, kai, _ = await new_page(browser, program, rest=b)
    await wait_connected(jo)
    await wait_connected(kai)

    await send(jo, "rough night, but I called my sponsor")
    await expect(kai.locator("li.msg").filter(has_text="rough night")).to_have_count(1)
    seq = await kai.locator("li.msg").filter(has_text="rough night").get_attribute("data-seq")
    kai_msg = kai.locator(f'li.msg[data-seq="{seq}"]')

    # Kai replies and reacts.
    await kai_msg.get_by_role("button", name="Actions for message from Jo").click()
    await kai_msg.get_by_role("button", name="Reply").click()
    await expect(kai.locator(".composer-context")).to_contain_text("Replying to Jo")
    await send(kai, "that took courage")
    reply_in_jo = jo.locator("li.msg").filter(has_text="that took courage")
    await expect(reply_in_jo.locator(".quote")).to_contain_text(
        "rough night, but I called my sponsor"
    )
    await expect(reply_in_jo.locator(".quote-author")).to_have_text("Replying to You")

    await kai_msg.get_by_role("button", name="Actions for message from Jo").click()
    await kai_msg.get_by_role("button", name="React with hug").click()
    jo_msg = jo.locator(f'li.msg[data-seq="{seq}"]')
    await expect(jo_msg.get_by_role("button", name="Hug: 1")).to_be_visible()
    await expect(kai_msg.get_by_role("button", name="Hug: 1, including you")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Toggle it off again.
    await kai_msg.get_by_role("button", name="Hug: 1, including you").click()
    await expect(jo_msg.locator(".chip")).to_have_count(0)

    # Jo edits their message.
    await jo_msg.get_by_role("button", name="Actions for message from You").click()
    await jo_msg.get_by_role("button", name="Edit").click()
    box = jo.get_by_label("Message", exact=True)
    await expect(box).to_have_value("rough night, but I called my sponsor")
    await box.fill("rough night, but I called my sponsor and slept")
    await box.press("Enter")
    await expect(kai_msg.locator(".text")).to_have_text(
        "rough night, but I called my sponsor and slept"
    )
    await expect(kai_msg.locator(".edited")).to_be_visible()

    # Jo deletes it: a tombstone on both sides, and the reply's quote follows.
    await jo_msg.get_by_role("button", name="Actions for message from You").click()
    await jo_msg.get_by_role("button", name="Delete").click()
    dialog = jo.get_by_role("dialog", name="Delete this message?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Delete").click()
    await expect(kai_msg).to_have_class("msg deleted")
    await expect(kai_msg.locator(".tombstone")).to_have_text("message deleted")
    await expect(jo_msg.locator(".tombstone")).to_have_text("message deleted")
    await expect(kai.get_by_text("rough night")).to_have_count(0)
    await expect(reply_in_jo.locator(".quote-text")).to_have_text("message deleted")


async def test_new_agreement_version_is_shown_then_the_message_goes_through(
    browser: Any,
    program: Program,
) -> None:
    cohort = program.new_cohort("Agreement check")
    me = program.enrol("Lee", "lee.a", cohort=cohort["id"])
    _, page, _ = await new_page(browser, program, rest=me)
    await wait_connected(page)
    program.staff.call(
        "PUT",
        f"/api/rooms/{cohort['room']}/agreement",
        {"text": "1. Be kind.\n2. New: no screenshots of the group."},
    )
    await send(page, "hello after the update")
    dialog = page.get_by_role("dialog", name="Our group agreement")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("no screenshots of the group")
    await expect(
        page.locator("li.msg").filter(has_text="hello after the update")
    ).to_have_attribute("data-state", "failed")
    await dialog.get_by_label("I have read the group agreement and agree to it").check()
    await dialog.get_by_label("I understand the confidentiality notice").check()
    await dialog.get_by_role("button", name="Accept and continue").click()
    await expect(dialog).to_be_hidden()
    await expect(
        page.locator("li.msg").filter(has_text="hello after the update")
    ).to_have_attribute("data-state", "sent")
    await expect(page.locator("li.msg").filter(has_text="hello after the update")).to_have_count(1)


async def test_the_group_agreement_is_pinned_to_the_room(browser: Any, program: Program) -> None:
    cohort = program.new_cohort("Pinned agreement")
    program.staff.call(
        "PUT", f"/api/rooms/{cohort['room']}/agreement", {"text": "1. Phones away in group."}
    )
    me = program.enrol("Rae", "rae.p", cohort=cohort["id"])
    _, page, watch = await new_page(browser, program, rest=me)
    await wait_connected(page)
    await page.get_by_role("button", name="Group agreement").click()
    dialog = page.get_by_role("dialog", name="Group agreement, version 2")
    await expect(dialog).to_contain_text("Phones away in group.")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_role("button", name="Group agreement")).to_be_focused()
