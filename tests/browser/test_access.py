"""In the browser: staff enrol a second factor at their first login and sign in in two
steps; a member downloads their own records and reads the disclosure ledger."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import (
    ADMIN_PASSWORD,
    HEARTH,
    Program,
    Server,
    axe_violations,
    new_page,
    post_as,
    wait_connected,
)
from playwright.async_api import expect

from server import totp


@pytest.fixture
def strict_server() -> Iterator[Server]:
    """A server with the production default: staff must use a second factor."""
    if not HEARTH.exists():
        pytest.fail(f"{HEARTH} is missing: run `make test` once to build the venv")
    workdir = Path(tempfile.mkdtemp(prefix="hearth-browser-"))
    server = Server(workdir, HEARTH_STAFF_SECOND_FACTOR="required")
    try:
        server.create_admin()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def log_in(page: Any, username: str, password: str) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def test_staff_enrol_totp_at_first_login_then_sign_in_in_two_steps(
    browser: Any, strict_server: Server
) -> None:
    context, page, watch = await new_page(browser, strict_server.url)
    await log_in(page, "admin", ADMIN_PASSWORD)
    await expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    await page.get_by_role("button", name="Set up two-step sign-in").click()
    key = page.locator("[data-totp-secret]")
    await expect(key).to_be_visible()
    secret = await key.get_attribute("data-totp-secret")
    assert secret and (await key.text_content() or "").replace(" ", "") == secret
    link = page.get_by_role("link", name="Open in authenticator app")
    assert (await link.get_attribute("href") or "").startswith("otpauth://totp/")
    assert await axe_violations(page) == []

    await page.get_by_label("Code from the app").fill(totp.code_at(secret, time.time()))
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    codes = await page.locator(".recovery-codes .codes li").all_text_contents()
    assert len(codes) == 10 and all(totp.looks_like_recovery_code(c) for c in codes)
    await page.get_by_role("button", name="I have saved them").click()
    await wait_connected(page)

    # Log out, and back in: password, then a code (the next step: the last is spent).
    await page.goto(strict_server.url + "/#/settings")
    await expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await log_in(page, "admin", ADMIN_PASSWORD)
    await expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    await page.get_by_label("Code from your authenticator app, or a recovery code").fill("000000")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator(".form-message.error")).to_contain_text("not right")
    await page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        totp.code_at(secret, time.time() + 30)
    )
    await page.get_by_role("button", name="Continue").click()
    await wait_connected(page)
    assert watch.errors == [] and watch.dialogs == []
    assert await page.evaluate("window.__csp") == []
    await context.close()


async def test_a_member_downloads_their_records_and_sees_the_ledger(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Records cohort")
    jo = program.enrol("Jo", "jo.records", cohort=cohort["id"])
    await post_as(program, jo, cohort["room"], ["<img src=x onerror=alert(1)> my words"])
    context, page, watch = await new_page(browser, program, rest=jo, path="/#/settings")
    await expect(page.get_by_role("heading", name="Your records", exact=True)).to_be_visible()
    await expect(
        page.get_by_text("Your records have not been disclosed to anyone.")
    ).to_be_visible()

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download as a readable page").click()
    download = await info.value
    assert download.suggested_filename.endswith(".html")
    html = Path(await download.path()).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; my words" in html
    assert "<img" not in html and "42 CFR part 2" in html

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download as data (JSON)").click()
    doc = json.loads(Path(await (await info.value).path()).read_text(encoding="utf-8"))
    assert doc["account"]["username"] == "jo.records"
    texts = [m["text"] for r in doc["rooms"] for m in r["messages"]]
    assert texts == ["<img src=x onerror=alert(1)> my words"]
    assert watch.errors == [] and watch.dialogs == []
    assert await axe_violations(page) == []
    await context.close()


async def test_break_glass_from_the_staff_screen_tells_the_privacy_officer(
    browser: Any, fresh_program: Program
) -> None:
    program = fresh_program
    cohort = program.cohort
    kim = program.enrol("Kim", "kim.bg")
    await post_as(program, kim, cohort["room"], ["a hard week, honestly"], react=None)
    program.admin.call(
        "PUT", f"/api/staff/{program.staff.user['id']}/privacy-officer", {"enabled": True}
    )
    _, officer, officer_watch = await new_page(
        browser, program, rest=program.staff, path="/#/staff"
    )
    await expect(officer.get_by_role("heading", name="Privacy logs")).to_be_visible()
    await expect(officer.get_by_text("No break-glass access yet.")).to_be_visible()
    await wait_connected(officer)

    _, admin, admin_watch = await new_page(browser, program, rest=program.admin, path="/#/staff")
    await expect(admin.get_by_role("heading", name="Break-glass access")).to_be_visible()
    await admin.get_by_role("button", name="Open read-only access").click()
    # A reason is required (the browser refuses an empty one; the server a short one).
    await expect(admin.locator(".break-glass-view h3")).to_have_count(0)
    await admin.get_by_label("Reason (required)").fill(
        "Welfare check requested by the clinical director"
    )
    await admin.get_by_role("button", name="Open read-only access").click()
    await expect(admin.locator(".readonly-messages li")).to_contain_text(["a hard week, honestly"])
    await expect(admin.get_by_text("The privacy officer has been told.")).to_be_visible()

    await expect(officer.locator("#announcer")).to_contain_text("Break-glass")
    await expect(officer.locator("#announcer")).to_contain_text("Welfare check")
    for w in (officer_watch, admin_watch):
        assert w.errors == [] and w.dialogs == []
    assert await axe_violations(admin) == []
