"""Logs carry ids, never text: every flow, with a canary in every body, name, username,
password, reason and note, and the session and invite tokens, at DEBUG for every logger
(the server's, aiohttp's, asyncio's and the root's)."""

from __future__ import annotations

import logging

import pytest

from server.models import Role
from tests.conftest import Api, World, secret

CANARY = "zq-canary"


def c(label: str) -> str:
    return secret(f"{CANARY}-{label}")


async def test_no_canary_reaches_any_log(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = world.server
    chat = server.chat
    room = world.a.room
    # Accounts: staff made by an admin, a client enrolled, both with canary everything.
    staff_pw = c("staff-password long enough")
    await world.admin.call(
        "POST",
        "/api/staff",
        {
            "username": c("staffname"),
            "name": c("StaffName"),
            "password": staff_pw,
            "role": "facilitator",
        },
        expect=201,
    )
    staff = await Api(server).login(f"{CANARY}-staffname", staff_pw)
    world.apis.append(staff)
    _, invite = await world.fran.call("POST", f"/api/cohorts/{world.a.id}/invites", {}, expect=201)
    token = secret(invite["token"])
    newbie = Api(server)
    world.apis.append(newbie)
    _, info = await newbie.call("GET", f"/api/invites/{token}", expect=200)
    newbie_pw = c("client-password long enough")
    _, data = await newbie.call(
        "POST",
        f"/api/invites/{token}",
        {
            "username": c("clientname"),
            "name": c("ClientName"),
            "password": newbie_pw,
            "agreement_version": info["agreement"]["version"],
            "accept_confidentiality": True,
        },
        expect=201,
    )
    secret(newbie.token)
    # Failed logins: a known name with a wrong password, an unknown name.
    stranger = Api(server)
    world.apis.append(stranger)
    await stranger.call("POST", "/api/session", {"username": "alice", "password": c("wrong-pw")})
    await stranger.call("POST", "/api/session", {"username": c("unknown-user"), "password": "x"})
    forged = Api(server)
    world.apis.append(forged)
    forged.http.cookie_jar.update_cookies({"hearth_session": c("forged-token")})
    await forged.call("GET", "/api/me", expect=401)

    # Chat: post, reply, edit, react, delete, held, crisis, blocked, report.
    alice, bob, fran = [await a.connect() for a in (world.alice, world.bob, world.fran)]
    first = await alice.post(room, c("first message"))
    await bob.post(room, c("a reply"), reply_to=first["seq"])
    await alice.answer({"type": "edit", "room": room, "message": first["seq"], "text": c("edit")})
    await bob.answer({"type": "react", "room": room, "message": first["seq"], "reaction": "heart"})
    gone = await alice.post(room, c("to delete"))
    await alice.answer({"type": "delete", "room": room, "message": gone["seq"]})
    held = await alice.post(room, c("held") + " text me at 555-123-4567")
    await alice.post(room, c("crisis") + " i cant do this anymore, im going to end it tonight")
    await alice.post(room, c("blocked") + " anyone know where i can get some xans tonight")
    report = await bob.answer(
        {"type": "report", "room": room, "message": first["seq"], "reason": c("report reason")}
    )
    # Moderation with canary reasons and notes.
    await fran.answer(
        {"type": "moderate", "action": "reject", "held": held["hold"], "note": c("reject note")}
    )
    await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": room,
            "user": world.bob.user["id"],
            "minutes": 5,
            "reason": c("mute reason"),
        }
    )
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": room,
            "message": first["seq"],
            "reason": c("removal reason"),
        }
    )
    await fran.answer(
        {
            "type": "moderate",
            "action": "handle_report",
            "report": report["report"],
            "state": "resolved",
            "note": c("report note"),
        }
    )
    await world.fran.call("GET", f"/api/rooms/{room}/messages/{first['seq']}/original", expect=200)
    # Retention, holds, purge, audit.
    await world.admin.call("PUT", f"/api/rooms/{room}/retention", {"days": 1}, expect=200)
    _, hold = await world.admin.call(
        "POST",
        "/api/holds",
        {"user": world.bob.user["id"], "reason": c("hold reason")},
        expect=201,
    )
    server.clock.advance(2 * 86400)
    await chat.retention.purge()
    await world.admin.login("admin")
    await world.admin.call(
        "POST", f"/api/holds/{hold['hold']['id']}/release", {"reason": c("release")}, expect=200
    )
    assert (await chat.store.verify_audit()).broken_at is None
    await chat.create_account(None, c("opsname"), c("OpsName"), c("ops password long"), Role.ADMIN)
    for s in (alice, bob, fran):
        await s.close()
    await world.admin.call("DELETE", "/api/session", expect=204)

    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}"
        for r in caplog.records
        if not r.name.startswith("websockets")  # the test's own client logs its frames
    )
    assert "socket open" in logged and "purged room" in logged  # the logs did speak
    assert CANARY not in logged
