"""Records on the admin's staff screen: a room's retention and a legal hold, as text."""

from __future__ import annotations

import re
from typing import Any

from harness import Program, axe_violations, new_page
from playwright.async_api import expect


async def test_admin_sets_retention_and_places_and_releases_a_legal_hold(
    browser: Any, program: Program
) -> None:
    cohort = program.new_cohort("Records check")
    context, page, watch = await new_page(browser, program, rest=program.admin, path="/#/staff")
    section = page.get_by_role("region", name="Records: retention and legal holds")
    item = section.locator("li.cohort", has_text="Records check")
    await expect(item).to_contain_text("Keeps messages 365 days (program default)")

    await item.get_by_label("Days to keep (empty: program default)").fill("30")
    await item.get_by_role("button", name="Save retention for Records check").click()
    await expect(item).to_contain_text("Keeps messages 30 days")
    assert program.admin.call("GET", f"/api/rooms/{cohort['room']}/retention")["days"] == 30

    await item.get_by_role("button", name="Place legal hold on Records check").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Reason").fill("<b>subpoena</b> 24-117")
    await dialog.get_by_role("button", name="Place hold").click()
    holds = section.locator("ul.holds")
    await expect(holds).to_contain_text("<b>subpoena</b> 24-117")  # text, never markup
    assert await holds.locator("b").count() == 0
    await expect(item).to_contain_text("on legal hold")
    assert await axe_violations(page) == []

    await holds.get_by_role("button", name=re.compile("Release the legal hold")).click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Reason").fill("case closed")
    await dialog.get_by_role("button", name="Release hold").click()
    await expect(holds).to_contain_text("No legal holds.")
    await expect(item).not_to_contain_text("on legal hold")
    assert program.admin.call("GET", "/api/holds")["holds"] == []
    assert watch.errors == [] and watch.console_errors == [], (watch.errors, watch.console_errors)
    assert await page.evaluate("window.__csp") == []
    await context.close()
