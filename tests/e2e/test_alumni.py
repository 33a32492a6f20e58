"""Discharge and the alumni network end to end: access ends at the right moment (live
sockets included), consent is recorded and withdrawable, alumni rooms keep their
membership rules, and alumni moderators act only in alumni rooms."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, Clock, Server, Socket, World, serving

NOTE = "Family emergency, follow up on housing referral"
DAY = 86_400


LONG_SESSIONS = {
    "session_idle_seconds": 90 * DAY,
    "session_absolute_seconds": 90 * DAY,
    "staff_session_idle_seconds": 90 * DAY,
    "staff_session_absolute_seconds": 90 * DAY,
}


@pytest.fixture
async def server(tmp_path: Path, clock: Clock) -> AsyncIterator[Server]:
    """Sessions that outlast the grace periods these tests move the clock through
    (on PostgreSQL too, under `make test-pg`)."""
    async with serving(tmp_path, clock, **LONG_SESSIONS) as srv:
        yield srv


async def frames_until(sock: Socket, ftype: str, timeout: float = 5.0, **match: Any) -> dict:
    """The next frame of type `ftype` (with the given fields), whatever comes before it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        frame = await sock.recv(max(deadline - asyncio.get_running_loop().time(), 0.01))
        if frame["type"] == ftype and all(frame.get(k) == v for k, v in match.items()):
            return frame


async def discharge(
    world: World, who: Api, *, cohort: int | None = None, outcome: str = "completed", note: str = ""
) -> dict:
    body: dict[str, Any] = {"user": who.user["id"], "outcome": outcome}
    if note:
        body["note"] = note
    _, data = await world.fran.call(
        "POST", f"/api/cohorts/{cohort or world.a.id}/discharges", body, expect=201
    )
    return data["discharge"]


async def consent(api: Api, yes: bool = True) -> dict:
    _, data = await api.call("PUT", "/api/me/alumni-consent", {"consent": yes, "version": 1})
    return data


async def alumni_room(world: World, name: str, **body: Any) -> dict:
    _, data = await world.admin.call(
        "POST",
        "/api/alumni/rooms",
        {"name": name, "category": "program", "access": "open", **body},
        expect=201,
    )
    return data["room"]


async def audit(world: World) -> list[dict]:
    _, data = await world.admin.call("GET", "/api/audit?limit=1000", expect=200)
    return data["entries"]


async def test_discharge_ends_access_at_once_even_on_a_live_socket(world: World) -> None:
    room = world.a.room
    alice, bob, fran = (
        await world.alice.connect(),
        await world.bob.connect(),
        await world.fran.connect(),
    )
    done = await discharge(world, world.alice, outcome="left_early", note=NOTE)
    assert done["outcome"] == "left_early" and done["note"] == NOTE
    assert done["read_only_until"] is None

    # The person hears only that they have moved on, and is asked about the alumni network.
    notice = await frames_until(alice, "notice", kind="discharged")
    assert notice["room"] == room and notice["read_only_until"] is None
    assert notice["consent"]["version"] == 1 and notice["consent"]["text"]
    # The cohort hears that someone moved on, never why.
    moved = await frames_until(bob, "moved_on")
    assert moved == {
        "type": "moved_on",
        "room": room,
        "user": {"id": world.alice.user["id"], "name": "Alice"},
    }
    for frame in (notice, moved):
        assert "left_early" not in json.dumps(frame) and NOTE not in json.dumps(frame)

    # The live socket stops receiving the room at once.
    await bob.post(room, "see you thursday")
    await alice.nothing(0.3, ignore=("presence", "moved_on"))
    answer = await alice.post(room, "can I still post?")
    assert answer["type"] == "error" and answer["code"] == "not_member"
    answer = await alice.answer({"type": "resume", "rooms": {str(room): 0}})
    assert answer["code"] == "not_member"
    # REST refuses history, past and future, exactly as for a room that does not exist.
    status, body = await world.alice.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404 and body["error"]["code"] == "not_member"
    status, _ = await world.alice.call("GET", f"/api/rooms/{room}/members")
    assert status == 404
    # A new connection no longer lists the room; the account is an alum now.
    again = await world.alice.connect()
    assert room not in [r["id"] for r in again.welcome["rooms"]]
    _, me = await world.alice.call("GET", "/api/me", expect=200)
    assert me["user"]["role"] == "alum"

    # The note stays in staff views: never in the audit log.
    entries = [e for e in await audit(world) if e["action"] == "discharge"]
    assert entries and entries[0]["detail"] == {
        "outcome": "left_early",
        "grace_days": 0,
        "note": True,
    }
    assert NOTE not in json.dumps(await audit(world))
    _, listed = await world.fran.call("GET", f"/api/cohorts/{world.a.id}/discharges", expect=200)
    assert listed["discharges"][0]["note"] == NOTE
    for api in (world.alice, world.bob):
        status, _ = await api.call("GET", f"/api/cohorts/{world.a.id}/discharges")
        assert status == 404
    # Only a current client of that cohort can be discharged.
    status, body = await world.fran.call(
        "POST",
        f"/api/cohorts/{world.a.id}/discharges",
        {"user": world.alice.user["id"], "outcome": "completed"},
    )
    assert status == 404
    status, body = await world.fran.call(
        "POST",
        f"/api/cohorts/{world.a.id}/discharges",
        {"user": world.bob.user["id"], "outcome": "graduated"},
    )
    assert status == 400 and body["error"]["code"] == "invalid_field"
    for s in (alice, bob, fran, again):
        await s.close()


async def test_grace_period_is_read_only_and_ends_on_time(world: World) -> None:
    room, clock = world.a.room, world.server.clock
    _, set_to = await world.fran.call(
        "PATCH", f"/api/cohorts/{world.a.id}", {"grace_days": 7}, expect=200
    )
    assert set_to == {"grace_days": 7}
    status, _ = await world.bob.call("PATCH", f"/api/cohorts/{world.a.id}", {"grace_days": 7})
    assert status == 404
    alice, bob = await world.alice.connect(), await world.bob.connect()
    first = await bob.post(room, "before")
    done = await discharge(world, world.alice)
    assert done["read_only_until"] is not None
    notice = await frames_until(alice, "notice", kind="discharged")
    assert notice["read_only_until"] == done["read_only_until"]

    # Read-only: history and live events still arrive; every write is refused.
    _, page = await world.alice.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert [m["text"] for m in page["messages"]] == ["before"]
    refused = await alice.post(room, "one more thing")
    assert refused["code"] == "room_locked"
    refused = await alice.answer(
        {"type": "react", "room": room, "message": first["seq"], "reaction": "heart", "add": True}
    )
    assert refused["code"] == "room_locked"
    checkin = {"mood": 4, "craving": 1, "on_plan": True, "note": "still here", "shared": True}
    for shared in (True, False):
        status, body = await world.alice.call(
            "POST", f"/api/rooms/{room}/checkins", {**checkin, "shared": shared}
        )
        assert status == 403 and body["error"]["code"] == "room_locked"
    status, body = await world.alice.call("PUT", f"/api/rooms/{room}/milestones", {"share": True})
    assert status == 403 and body["error"]["code"] == "room_locked"
    await bob.post(room, "during the grace period")
    event = await frames_until(alice, "event")
    assert event["message"]["text"] == "during the grace period"
    _, roster = await world.fran.call("GET", f"/api/cohorts/{world.a.id}/roster", expect=200)
    by_id = {m["id"]: m for m in roster["members"]}
    assert by_id[world.alice.user["id"]]["read_only_until"] == done["read_only_until"]
    assert by_id[world.bob.user["id"]]["read_only_until"] is None

    # The moment it ends, the server refuses, whether or not a sweep has run.
    clock.advance(7 * DAY - 1)
    await world.alice.call("GET", f"/api/rooms/{room}/messages", expect=200)
    clock.advance(1)
    status, body = await world.alice.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404 and body["error"]["code"] == "not_member"
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert room not in [r["id"] for r in rooms["rooms"]]
    # The sweep (here, or the server's own every second) detaches the open socket: it
    # hears nothing more from the room.
    await world.server.chat.alumni.end_grace_periods()
    assert (await frames_until(alice, "notice", kind="access_ended"))["room"] == room
    await bob.post(room, "after")
    await alice.nothing(0.3)
    _, roster = await world.fran.call("GET", f"/api/cohorts/{world.a.id}/roster", expect=200)
    assert [m["id"] for m in roster["members"]] == [world.bob.user["id"]]
    for s in (alice, bob):
        await s.close()


async def test_consent_is_recorded_with_its_version_and_withdrawable(world: World) -> None:
    status, _ = await world.bob.call(
        "PUT", "/api/me/alumni-consent", {"consent": True, "version": 1}
    )
    assert status == 403  # still in treatment
    await discharge(world, world.alice)
    _, state = await world.alice.call("GET", "/api/me/alumni-consent", expect=200)
    assert state["decision"] is None and state["alum"] is True and state["version"] == 1
    status, body = await world.alice.call(
        "PUT", "/api/me/alumni-consent", {"consent": True, "version": 0}
    )
    assert status == 409 and body["error"]["code"] == "conflict"
    state = await consent(world.alice)
    assert state["decision"] == "given" and state["decided_version"] == 1 and state["decided_at"]

    open_room = await alumni_room(world, "Alumni lounge")
    alice = await world.alice.connect()
    _, joined = await world.alice.call(
        "POST", f"/api/alumni/rooms/{open_room['id']}/join", expect=200
    )
    assert joined["room"]["joined"] is True
    # Withdrawing takes her out of every alumni room, live socket included.
    state = await consent(world.alice, False)
    assert state["decision"] == "withdrawn"
    removed = await frames_until(alice, "notice", kind="removed_from_room")
    assert removed["room"] == open_room["id"]
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert open_room["id"] not in [r["id"] for r in rooms["rooms"]]
    _, listed = await world.alice.call("GET", "/api/alumni/rooms", expect=200)
    assert listed["rooms"] == []
    status, _ = await world.alice.call("POST", f"/api/alumni/rooms/{open_room['id']}/join")
    assert status == 404
    # ... and can be given again.
    assert (await consent(world.alice))["decision"] == "given"
    await world.alice.call("POST", f"/api/alumni/rooms/{open_room['id']}/join", expect=200)

    actions = [
        (e["action"], e["detail"])
        for e in await audit(world)
        if e["action"].startswith("alumni.consent")
    ]
    assert actions == [
        ("alumni.consent.give", {"version": 1}),
        ("alumni.consent.withdraw", {"version": 1}),
        ("alumni.consent.give", {"version": 1}),
    ]
    await alice.close()


async def test_alumni_room_membership_rules(world: World) -> None:
    status, _ = await world.fran.call(
        "POST", "/api/alumni/rooms", {"name": "x", "category": "program", "access": "open"}
    )
    assert status == 403
    lounge = await alumni_room(world, "Alumni lounge")
    year = await alumni_room(world, "Class of 2026", category="year", access="invite")
    mentoring = await alumni_room(
        world,
        "Mentoring",
        category="mentoring",
        access="invite",
        facilitators=[world.fran.user["id"]],
    )
    status, body = await world.admin.call(
        "POST", "/api/alumni/rooms", {"name": "m", "category": "mentoring", "access": "open"}
    )
    assert status == 400
    await discharge(world, world.alice)
    await consent(world.alice)
    await discharge(world, world.carol, cohort=world.b.id)
    assert (await consent(world.carol, False))["decision"] == "declined"

    async def visible(api: Api) -> set[int]:
        _, data = await api.call("GET", "/api/alumni/rooms", expect=200)
        return {r["id"] for r in data["rooms"]}

    assert await visible(world.alice) == {lounge["id"]}
    assert await visible(world.carol) == set()  # no consent, no alumni rooms
    assert await visible(world.bob) == set()  # a current client finds no alumni
    for api, room in (
        (world.carol, lounge),
        (world.bob, lounge),
        (world.alice, year),
        (world.alice, mentoring),
    ):
        status, body = await api.call("POST", f"/api/alumni/rooms/{room['id']}/join")
        assert status == 404 and body["error"]["code"] == "not_member"

    # Invitations: consenting alumni; current clients only to a mentoring room.
    status, _ = await world.admin.call(
        "POST", f"/api/alumni/rooms/{year['id']}/invitations", {"user": world.carol.user["id"]}
    )
    assert status == 409
    status, _ = await world.admin.call(
        "POST", f"/api/alumni/rooms/{year['id']}/invitations", {"user": world.bob.user["id"]}
    )
    assert status == 403
    status, _ = await world.alice.call(
        "POST", f"/api/alumni/rooms/{lounge['id']}/invitations", {"user": world.alice.user["id"]}
    )
    assert status in (403, 404)
    alice = await world.alice.connect()
    await world.admin.call(
        "POST",
        f"/api/alumni/rooms/{year['id']}/invitations",
        {"user": world.alice.user["id"]},
        expect=204,
    )
    invited = await frames_until(alice, "notice", kind="alumni_invited")
    assert invited["room"] == year["id"] and invited["name"] == "Class of 2026"
    await world.alice.call("POST", f"/api/alumni/rooms/{year['id']}/join", expect=200)
    joined = await frames_until(alice, "notice", kind="joined")
    assert joined["room"]["id"] == year["id"] and joined["room"]["kind"] == "alumni"
    assert joined["room"]["role"] == "alum"

    # Staff bring an alum and a current client together in the mentoring room only.
    for who in (world.alice, world.bob):
        await world.fran.call(
            "POST",
            f"/api/alumni/rooms/{mentoring['id']}/invitations",
            {"user": who.user["id"]},
            expect=204,
        )
    assert await visible(world.bob) == {mentoring["id"]}
    for who in (world.alice, world.bob):
        await who.call("POST", f"/api/alumni/rooms/{mentoring['id']}/join", expect=200)
    _, members = await world.bob.call("GET", f"/api/rooms/{mentoring['id']}/members", expect=200)
    assert {m["name"] for m in members["members"]} >= {"Alice", "Bob"}
    # Nowhere else: Bob cannot read the rooms Alice is in.
    status, _ = await world.bob.call("GET", f"/api/rooms/{year['id']}/members")
    assert status == 404

    # Leave and re-join later; an invitation outlives leaving.
    await world.alice.call("POST", f"/api/alumni/rooms/{year['id']}/leave", expect=204)
    assert (await frames_until(alice, "notice", kind="left_room"))["room"] == year["id"]
    status, _ = await world.alice.call("GET", f"/api/rooms/{year['id']}/messages")
    assert status == 404
    await world.alice.call("POST", f"/api/alumni/rooms/{year['id']}/join", expect=200)
    await world.alice.call("POST", f"/api/alumni/rooms/{lounge['id']}/join", expect=200)

    # Posting needs the room's agreement, like any room.
    sock = await world.alice.connect()
    refused = await sock.post(lounge["id"], "hello alumni")
    assert refused["code"] == "agreement_required"
    await world.alice.call(
        "POST", f"/api/rooms/{lounge['id']}/agreement/accept", {"version": 1}, expect=204
    )
    assert (await sock.post(lounge["id"], "hello alumni"))["type"] == "ack"

    # Re-admission: the same account, back in a cohort; general alumni rooms are left,
    # the mentoring room stays.
    await world.fran.call(
        "POST",
        f"/api/cohorts/{world.b.id}/readmissions",
        {"user": world.alice.user["id"]},
        expect=204,
    )
    _, me = await world.alice.call("GET", "/api/me", expect=200)
    assert me["user"]["role"] == "client"
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert {r["id"] for r in rooms["rooms"]} == {world.b.room, mentoring["id"]}
    status, _ = await world.fran.call(
        "POST", f"/api/cohorts/{world.b.id}/readmissions", {"user": world.alice.user["id"]}
    )
    assert status == 404  # not an alum any more
    actions = {e["action"] for e in await audit(world)}
    assert {"alumni.room.create", "alumni.invite", "readmit", "discharge"} <= actions
    for s in (alice, sock):
        await s.close()


async def test_alumni_moderators_act_only_in_alumni_rooms(world: World) -> None:
    cohort_room = world.a.room
    await world.fran.call("PATCH", f"/api/cohorts/{world.a.id}", {"grace_days": 3}, expect=200)
    lounge = await alumni_room(world, "Alumni lounge")
    other = await alumni_room(world, "Running club", category="interest")
    for who in (world.alice, world.bob):
        await discharge(world, who)
        await consent(who)
        for room in (lounge, other):
            await who.call("POST", f"/api/alumni/rooms/{room['id']}/join", expect=200)
            await who.call(
                "POST", f"/api/rooms/{room['id']}/agreement/accept", {"version": 1}, expect=204
            )
    alice_id, bob_id = world.alice.user["id"], world.bob.user["id"]
    status, _ = await world.alice.call(
        "PUT", f"/api/alumni/rooms/{lounge['id']}/moderators/{alice_id}"
    )
    assert status == 403
    status, _ = await world.admin.call(
        "PUT", f"/api/alumni/rooms/{cohort_room}/moderators/{alice_id}"
    )
    assert status == 404  # a cohort room is not an alumni room
    alice, bob = await world.alice.connect(), await world.bob.connect()
    await world.admin.call(
        "PUT", f"/api/alumni/rooms/{lounge['id']}/moderators/{alice_id}", expect=204
    )
    assert (await frames_until(alice, "notice", kind="moderator"))["moderator"] is True
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert {r["id"]: r["moderator"] for r in rooms["rooms"]}[lounge["id"]] is True

    # The lighter actions, in the room she moderates.
    posted = await bob.post(lounge["id"], "anyone up for a run")
    done = await alice.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": lounge["id"],
            "message": posted["seq"],
            "reason": "off topic",
        }
    )
    assert done["type"] == "done"
    done = await alice.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": lounge["id"],
            "user": bob_id,
            "minutes": 15,
            "reason": "cool off",
        }
    )
    assert done["type"] == "done" and done["until"]
    assert (await bob.post(lounge["id"], "hey"))["code"] == "muted"
    await alice.answer(
        {"type": "moderate", "action": "unmute", "room": lounge["id"], "user": bob_id}
    )
    # The hold queue and reports reach her and she can decide them.
    held = await bob.post(lounge["id"], "text me at 555-123-4567")
    assert held["type"] == "held"
    assert (await frames_until(alice, "hold"))["hold"]["id"] == held["hold"]
    _, queue = await world.alice.call("GET", f"/api/rooms/{lounge['id']}/held", expect=200)
    assert [h["id"] for h in queue["held"]] == [held["hold"]]
    done = await alice.answer(
        {"type": "moderate", "action": "reject", "held": held["hold"], "note": "no numbers"}
    )
    assert done["type"] == "done"
    # Reports reach her, but never one of her own words: it would tell her who
    # reported her, and it is for staff to judge.
    theirs = await bob.post(lounge["id"], "see you all thursday")
    await alice.send({"type": "report", "ref": "f", "room": lounge["id"], "message": theirs["seq"]})
    filed, reported = {}, {}
    while not (filed and reported):  # her answer and the staff frame, in either order
        frame = await alice.recv()
        if frame.get("ref") == "f":
            filed = frame
        elif frame["type"] == "report":
            reported = frame
    assert reported["report"]["id"] == filed["report"]
    assert reported["report"]["author"] == {"id": bob_id, "name": "Bob"}
    assert reported["report"]["excerpt"] == "see you all thursday"
    mine = await alice.post(lounge["id"], "welcome everyone")
    report = await bob.answer(
        {"type": "report", "room": lounge["id"], "message": mine["seq"], "reason": "test"}
    )
    await alice.nothing(0.3, ignore=("presence", "event", "notice", "typing", "read"))
    _, reports = await world.alice.call("GET", "/api/reports", expect=200)
    assert [r["id"] for r in reports["reports"]] == [filed["report"]]
    handle = {
        "type": "moderate",
        "action": "handle_report",
        "report": report["report"],
        "state": "resolved",
    }
    # Never the judge of her own words, nor of her own mute: that is for staff.
    assert (await alice.answer(handle))["code"] == "forbidden"
    own_held = await alice.post(lounge["id"], "call me at 555-123-4567", client_id="own")
    assert own_held["type"] == "held"
    _, queue = await world.alice.call("GET", f"/api/rooms/{lounge['id']}/held", expect=200)
    assert own_held["hold"] not in [h["id"] for h in queue["held"]]
    refused = await alice.answer(
        {"type": "moderate", "action": "approve", "held": own_held["hold"]}
    )
    assert refused["code"] == "forbidden"
    admin = await world.admin.connect()
    assert (await admin.answer(handle))["type"] == "done"
    # Once staff removed it, what it said is read only where that read is audited.
    await admin.answer(
        {"type": "moderate", "action": "remove", "room": lounge["id"], "message": mine["seq"]}
    )
    _, reports = await world.admin.call("GET", "/api/reports?all=true", expect=200)
    [seen] = [r for r in reports["reports"] if r["id"] == report["report"]]
    assert seen["author"]["id"] == alice_id
    assert seen["removed"] is True and seen["excerpt"] is None
    await admin.answer(
        {"type": "moderate", "action": "mute", "room": lounge["id"], "user": alice_id, "minutes": 5}
    )
    unmute_self = {"type": "moderate", "action": "unmute", "room": lounge["id"], "user": alice_id}
    assert (await alice.answer(unmute_self))["code"] == "forbidden"
    assert (await alice.post(lounge["id"], "still here?"))["code"] == "muted"
    await admin.answer(unmute_self)
    # A crisis that waits (Bob is muted) is for staff alone, never for a peer moderator.
    await admin.answer(
        {"type": "moderate", "action": "mute", "room": lounge["id"], "user": bob_id, "minutes": 5}
    )
    crisis = "i cant do this anymore. im going to end it tonight"
    waiting = await bob.answer(
        {"type": "send", "room": lounge["id"], "client_id": "cr", "text": crisis}
    )
    assert waiting["type"] == "held"
    assert (await frames_until(admin, "hold"))["hold"]["text"] == crisis
    await alice.nothing(0.3, ignore=("presence", "event", "notice"))
    _, queue = await world.alice.call("GET", f"/api/rooms/{lounge['id']}/held", expect=200)
    assert waiting["hold"] not in [h["id"] for h in queue["held"]]
    refused = await alice.answer({"type": "moderate", "action": "reject", "held": waiting["hold"]})
    assert refused["code"] == "forbidden"
    await admin.answer({"type": "moderate", "action": "reject", "held": waiting["hold"]})
    await admin.answer(
        {"type": "moderate", "action": "unmute", "room": lounge["id"], "user": bob_id}
    )

    # Not a staff member's message.
    staff_msg = await admin.post(lounge["id"], "welcome, I run the alumni program")
    refused = await alice.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": lounge["id"],
            "message": staff_msg["seq"],
            "reason": "x",
        }
    )
    assert refused["code"] == "forbidden"
    await admin.close()

    # Not the heavier actions, and not the staff's alerts.
    for frame in (
        {"action": "lock", "room": lounge["id"], "reason": "x"},
        {"action": "slow_mode", "room": lounge["id"], "seconds": 30},
        {"action": "remove_member", "room": lounge["id"], "user": bob_id, "reason": "x"},
        {"action": "suspend", "user": bob_id, "reason": "x"},
    ):
        refused = await alice.answer({"type": "moderate", **frame})
        assert refused["code"] == "forbidden", frame
    _, alerts = await world.alice.call("GET", "/api/alerts", expect=200)
    assert alerts["alerts"] == []
    status, _ = await world.alice.call(
        "PUT", f"/api/rooms/{lounge['id']}/policy", {"policy": {"contact_info": "deliver"}}
    )
    assert status == 403
    # Not in another alumni room, and not in her old cohort (still readable, in its grace period).
    other_post = await bob.post(other["id"], "hi")
    refused = await alice.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": other["id"],
            "message": other_post["seq"],
            "reason": "x",
        }
    )
    assert refused["code"] == "forbidden"
    cohort_post = await world.carol.connect()  # (unrelated member: Carol is in cohort B)
    await cohort_post.close()
    _, page = await world.alice.call("GET", f"/api/rooms/{cohort_room}/messages", expect=200)
    fran = await world.fran.connect()
    staff_post = await fran.post(cohort_room, "group tonight at 6")
    refused = await alice.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": cohort_room,
            "message": staff_post["seq"],
            "reason": "x",
        }
    )
    assert refused["code"] == "forbidden"
    status, _ = await world.alice.call("GET", f"/api/rooms/{cohort_room}/held")
    assert status == 403
    # Staff can mute a moderator; a moderator cannot.
    await world.admin.call(
        "PUT", f"/api/alumni/rooms/{lounge['id']}/moderators/{bob_id}", expect=204
    )
    refused = await alice.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": lounge["id"],
            "user": bob_id,
            "minutes": 15,
            "reason": "x",
        }
    )
    assert refused["code"] == "forbidden"
    await world.admin.call(
        "DELETE", f"/api/alumni/rooms/{lounge['id']}/moderators/{alice_id}", expect=204
    )
    refused = await alice.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": lounge["id"],
            "message": mine["seq"],
            "reason": "x",
        }
    )
    assert refused["code"] == "forbidden"
    actions = [e["action"] for e in await audit(world)]
    assert "alumni.moderator.appoint" in actions and "alumni.moderator.remove" in actions
    for s in (alice, bob, fran):
        await s.close()


async def test_closing_a_cohort_makes_it_read_only_and_starts_its_clock(world: World) -> None:
    room = world.a.room
    status, body = await world.fran.call("POST", f"/api/cohorts/{world.a.id}/close", {})
    assert status == 409 and "discharge" in body["error"]["message"]
    for who in (world.alice, world.bob):
        await discharge(world, who)
    status, _ = await world.bob.call("POST", f"/api/cohorts/{world.a.id}/close", {})
    assert status == 404
    _, invite = await world.fran.call("POST", f"/api/cohorts/{world.a.id}/invites", {}, expect=201)
    fran = await world.fran.connect()
    world.server.clock.advance(60)
    _, closed = await world.fran.call("POST", f"/api/cohorts/{world.a.id}/close", {}, expect=200)
    assert closed["closed_at"].startswith("2027-01-15")  # the injected clock, not the wall
    assert (await frames_until(fran, "notice", kind="room_closed"))["room"] == room
    refused = await fran.post(room, "one last word")
    assert refused["code"] == "room_locked"
    await world.fran.call("GET", f"/api/rooms/{room}/messages", expect=200)
    _, rooms = await world.fran.call("GET", "/api/rooms", expect=200)
    summary = next(r for r in rooms["rooms"] if r["id"] == room)
    assert summary["closed"] is True and summary["locked"] is True
    _, roster = await world.fran.call("GET", f"/api/cohorts/{world.a.id}/roster", expect=200)
    assert roster["closed_at"] == closed["closed_at"]
    status, _ = await world.fran.call(
        "POST", f"/api/cohorts/{world.a.id}/readmissions", {"user": world.alice.user["id"]}
    )
    assert status == 409
    assert "cohort.close" in [e["action"] for e in await audit(world)]
    # A link sent out before the close lets nobody into the ended group.
    stranger = Api(world.server)
    world.apis.append(stranger)
    status, body = await stranger.call("GET", f"/api/invites/{invite['token']}")
    assert status == 410 and body["error"]["code"] == "invite_invalid"
    status, body = await stranger.call(
        "POST",
        f"/api/invites/{invite['token']}",
        {
            "username": "latecomer",
            "name": "Late",
            "password": "a long sentence of mine",
            "agreement_version": 1,
            "accept_confidentiality": True,
        },
    )
    assert status == 410 and body["error"]["code"] == "invite_invalid", body
    await fran.close()


async def test_a_member_mutes_a_room_for_themselves(world: World) -> None:
    room = world.a.room
    _, out = await world.alice.call(
        "PUT", f"/api/rooms/{room}/notifications", {"muted": True}, expect=200
    )
    assert out == {"muted": True}
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert rooms["rooms"][0]["notifications_muted"] is True
    _, rooms = await world.bob.call("GET", "/api/rooms", expect=200)
    assert rooms["rooms"][0]["notifications_muted"] is False
    status, _ = await world.carol.call("PUT", f"/api/rooms/{room}/notifications", {"muted": True})
    assert status == 404


async def test_the_server_ends_grace_periods_on_its_own(world: World) -> None:
    await world.fran.call("PATCH", f"/api/cohorts/{world.a.id}", {"grace_days": 1}, expect=200)
    bob = await world.bob.connect()
    await discharge(world, world.bob)
    await frames_until(bob, "notice", kind="discharged")
    world.server.clock.advance(DAY)
    # Nobody calls the sweep here: the app's own task (every second) finds it.
    ended = await frames_until(bob, "notice", kind="access_ended")
    assert ended["room"] == world.a.room
    _, roster = await world.fran.call("GET", f"/api/cohorts/{world.a.id}/roster", expect=200)
    assert world.bob.user["id"] not in [m["id"] for m in roster["members"]]
    await bob.close()
