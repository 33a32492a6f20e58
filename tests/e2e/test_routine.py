"""Routine end to end: check-ins reach exactly the right people, worrying ones alert
facilitators, the charts' series follow an injected clock, the schedule and reminders
follow time zones and daylight saving, quiet members are listed for staff only, and
milestone cards appear on the right day and never without consent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from server.app import sweep_milestones
from tests.conftest import Api, Socket, World

DAY = 86_400.0
CRISIS = "i cant do this anymore. im going to end it tonight"
CONTACT = "text me at 555-123-4567 after group"
ACQUIRE = "anyone know where i can get some xans tonight"


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


async def until(sock: Socket, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next frame of type `kind`, whatever comes before it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        frame = await sock.recv(max(deadline - asyncio.get_running_loop().time(), 0.01))
        if frame["type"] == kind:
            return frame


async def later(world: World, when: float) -> None:
    """Move the clock (sessions idle out over days, so everyone logs in again)."""
    world.server.clock.now = when
    for api in (world.alice, world.bob, world.carol, world.fran):
        await api.login(api.user["username"])


async def check_in(api: Api, room: int, expect: int = 201, **values: Any) -> Any:
    body = {"mood": 4, "craving": 2, "on_plan": True, "shared": True, **values}
    _, data = await api.call("POST", f"/api/rooms/{room}/checkins", body, expect=expect)
    return data


QUIET = ("presence", "typing", "read")


async def test_shared_and_private_checkins_reach_exactly_the_right_people(world: World) -> None:
    room = world.a.room
    alice, bob, fran, carol = [
        await a.connect() for a in (world.alice, world.bob, world.fran, world.carol)
    ]
    # Private: stored, seen by facilitators over REST, never on anyone's socket.
    done = await check_in(world.alice, room, mood=2, craving=5, note="rough day", shared=False)
    assert done["checkin"]["shared"] is False and done["checkin"]["message"] is None
    for sock in (alice, bob, fran, carol):
        await sock.nothing(0.3, ignore=QUIET)
    _, mine = await world.alice.call("GET", f"/api/rooms/{room}/checkins/mine", expect=200)
    assert mine["checked_in_today"] and mine["checkin"]["note"] == "rough day"
    _, seen = await world.fran.call("GET", f"/api/rooms/{room}/checkins", expect=200)
    by_name = {m["user"]["name"]: m for m in seen["members"]}
    assert by_name["Alice"]["checkin"]["note"] == "rough day"
    assert by_name["Alice"]["checked_in_today"] and not by_name["Bob"]["checked_in_today"]
    # Members never read each other's check-ins; another cohort cannot even see the room.
    assert (await world.bob.call("GET", f"/api/rooms/{room}/checkins"))[0] == 403
    status, err = await world.carol.call("GET", f"/api/rooms/{room}/checkins")
    assert err["error"]["code"] == "not_member"
    status, err = await world.carol.call("GET", f"/api/rooms/{room}/checkins/mine")
    assert err["error"]["code"] == "not_member"
    status, _ = await world.carol.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 1, "on_plan": True, "shared": True},
    )
    assert status == 404

    # Shared: a card in the room log, to the room's members only.
    done = await check_in(world.bob, room, mood=4, craving=1, note="one day at a time")
    seq = done["checkin"]["message"]
    for sock in (alice, bob, fran):
        event = await until(sock, "event")
        assert event["seq"] == seq and event["message"]["card"] == {
            "kind": "checkin",
            "day": "2027-01-15",
            "mood": 4,
            "craving": 1,
            "on_plan": True,
        }
        assert event["message"]["text"] == "one day at a time"
    await carol.nothing(0.3, ignore=QUIET)
    # It can be reacted to, is replayed on resume, and cannot be edited.
    ack = await alice.answer(
        {"type": "react", "room": room, "message": seq, "reaction": "clap", "add": True}
    )
    assert ack["type"] == "ack"
    err = await bob.answer({"type": "edit", "room": room, "message": seq, "text": "x"})
    assert err["type"] == "error" and err["code"] == "forbidden"
    late = await Socket.open(world.server, world.alice.token, resume={})
    await late.send({"type": "resume", "rooms": {str(room): seq - 1}})
    replayed = await until(late, "event")
    assert replayed["seq"] == seq and replayed["message"]["card"]["kind"] == "checkin"
    for sock in (alice, bob, fran, carol, late):
        await sock.close()


async def test_one_checkin_a_day_in_the_rooms_time_zone(world: World) -> None:
    room = world.a.room
    await world.fran.call(
        "PUT",
        f"/api/rooms/{room}/schedule",
        {"time_zone": "America/Los_Angeles", "sessions": []},
        expect=200,
    )
    await later(world, at(2027, 1, 15, 7))  # 23:00 on the 14th in Los Angeles
    first = await check_in(world.alice, room, shared=False)
    assert first["checkin"]["day"] == "2027-01-14"
    await later(world, world.server.clock.now + 2 * 3600)  # 01:00 on the 15th there
    status, err = await world.alice.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 1, "on_plan": True, "shared": False},
    )
    assert status == 201
    status, err = await world.alice.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 1, "on_plan": True, "shared": False},
    )
    assert status == 409 and err["error"]["code"] == "conflict"
    for bad in ({"mood": 0}, {"mood": 6}, {"craving": 11}, {"craving": -1}, {"note": "x" * 501}):
        status, err = await world.bob.call(
            "POST",
            f"/api/rooms/{room}/checkins",
            {"mood": 3, "craving": 1, "on_plan": True, "shared": True, **bad},
        )
        assert status in (400, 422), bad
    # Staff do not check in.
    status, _ = await world.fran.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 1, "on_plan": True, "shared": True},
    )
    assert status == 403


async def test_a_worrying_checkin_alerts_facilitators_and_shows_the_member_help(
    world: World,
) -> None:
    room = world.a.room
    alice, bob, fran = [await a.connect() for a in (world.alice, world.bob, world.fran)]
    done = await check_in(world.alice, room, mood=1, craving=3, note=CRISIS, shared=False)
    # The member sees exactly what a crisis message shows: 988, on the socket too.
    assert done["crisis_help"]["call"] == "988"
    notice = await until(alice, "notice")
    assert notice["kind"] == "crisis_help" and notice["resources"]["text"] == "988"
    alert = (await until(fran, "alert"))["alert"]
    assert alert["kind"] == "checkin" and alert["urgent"] is True
    assert "crisis" in alert["labels"] and alert["checkin"] == done["checkin"]["id"]
    assert alert["subject"]["name"] == "Alice" and alert["evidence"]
    await bob.nothing(0.3, ignore=QUIET)
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    shown = next(a for a in listed["alerts"] if a["id"] == alert["id"])
    assert shown["evidence"], "staff see why, recomputed from the check-in"

    # A high craving alone: the non-urgent relapse-risk alert a message would raise.
    done = await check_in(world.bob, room, mood=3, craving=9, shared=True)
    alert = (await until(fran, "alert"))["alert"]
    assert alert["urgent"] is False and alert["labels"] == ["relapse_risk"]
    assert any(e["rule"] == "checkin.high_craving" for e in alert["evidence"])
    assert "crisis_help" not in done
    for sock in (alice, bob, fran):
        await sock.close()


async def test_checkin_text_follows_the_rooms_policy(world: World) -> None:
    room = world.a.room
    bob, fran = await world.bob.connect(), await world.fran.connect()
    # Contact details would be held: the check-in is kept for facilitators only.
    done = await check_in(world.alice, room, note=CONTACT, shared=True)
    assert done["checkin"]["shared"] is False and "kept_private" in done
    await bob.nothing(0.3, ignore=QUIET)
    # Getting substances is blocked: nothing saved, facilitators told.
    status, err = await world.bob.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 4, "on_plan": False, "shared": True, "note": ACQUIRE},
    )
    assert status == 422 and err["error"]["code"] == "blocked"
    alert = (await until(fran, "alert"))["alert"]
    assert alert["kind"] == "checkin" and "substance_acquisition" in alert["labels"]
    _, mine = await world.bob.call("GET", f"/api/rooms/{room}/checkins/mine", expect=200)
    assert mine["checked_in_today"] is False
    for sock in (bob, fran):
        await sock.close()


async def test_a_muted_members_crisis_checkin_is_kept_for_facilitators(world: World) -> None:
    """The room's limits decide what reaches the room, never whether facilitators hear."""
    room = world.a.room
    alice, bob, fran = [await a.connect() for a in (world.alice, world.bob, world.fran)]
    await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": room,
            "user": world.alice.user["id"],
            "minutes": 30,
            "reason": "cooling off",
        }
    )
    done = await check_in(world.alice, room, mood=1, craving=2, note=CRISIS, shared=True)
    assert done["checkin"]["shared"] is False
    assert "cooling off" in done["kept_private"] and "facilitators only" in done["kept_private"]
    assert done["crisis_help"]["call"] == "988"
    alert = (await until(fran, "alert"))["alert"]
    assert alert["urgent"] is True and alert["checkin"] == done["checkin"]["id"]
    await bob.nothing(0.3, ignore=QUIET)
    for sock in (alice, bob, fran):
        await sock.close()


async def test_chart_series_follow_the_injected_clock(world: World) -> None:
    room = world.a.room
    clock = world.server.clock
    start = clock.now
    values = [(2, 8), (3, 6), None, (4, 3), (5, 1)]
    for i, value in enumerate(values):
        await later(world, start + i * DAY)
        if value is not None:
            await check_in(world.alice, room, mood=value[0], craving=value[1], shared=False)
    _, mine = await world.alice.call("GET", f"/api/rooms/{room}/checkins/mine", expect=200)
    series = mine["series"]
    assert len(series) == 30 and series[-1]["day"] == "2027-01-19"
    assert series[0]["day"] == "2026-12-21"
    tail = [(p["day"], p["mood"], p["craving"]) for p in series[-5:]]
    assert tail == [
        ("2027-01-15", 2, 8),
        ("2027-01-16", 3, 6),
        ("2027-01-17", None, None),
        ("2027-01-18", 4, 3),
        ("2027-01-19", 5, 1),
    ]
    assert mine["streak"] == 2 and mine["days_checked_in"] == 4
    # The next morning, before checking in: yesterday's streak still stands.
    await later(world, world.server.clock.now + DAY)
    _, mine = await world.alice.call("GET", f"/api/rooms/{room}/checkins/mine", expect=200)
    assert mine["streak"] == 2 and not mine["checked_in_today"]
    _, seen = await world.fran.call("GET", f"/api/rooms/{room}/checkins", expect=200)
    alice = next(m for m in seen["members"] if m["user"]["name"] == "Alice")
    assert [p["mood"] for p in alice["series"][-6:]] == [2, 3, None, 4, 5, None]
    # 30 days later the early days have left the window.
    await later(world, world.server.clock.now + 29 * DAY)
    _, mine = await world.alice.call("GET", f"/api/rooms/{room}/checkins/mine", expect=200)
    assert [p["mood"] for p in mine["series"] if p["mood"]] == []


async def test_quiet_members_for_the_rooms_staff_only(world: World) -> None:
    room = world.a.room
    await later(world, world.server.clock.now + 2 * DAY)
    alice = await world.alice.connect()
    assert (await alice.post(room, "still here"))["type"] == "ack"
    await later(world, world.server.clock.now + 2 * DAY)
    _, quiet = await world.fran.call("GET", f"/api/rooms/{room}/quiet?days=3", expect=200)
    assert [(m["user"]["name"], m["quiet_days"]) for m in quiet["members"]] == [("Bob", 4)]
    _, quiet = await world.fran.call("GET", f"/api/rooms/{room}/quiet?days=2", expect=200)
    assert [m["user"]["name"] for m in quiet["members"]] == ["Bob", "Alice"]
    # A check-in counts as showing up.
    await check_in(world.bob, room, shared=False)
    _, quiet = await world.fran.call("GET", f"/api/rooms/{room}/quiet?days=1", expect=200)
    assert [m["user"]["name"] for m in quiet["members"]] == ["Alice"]
    # Members and other rooms' staff never see it.
    assert (await world.alice.call("GET", f"/api/rooms/{room}/quiet?days=1"))[0] == 403
    status, err = await world.carol.call("GET", f"/api/rooms/{room}/quiet?days=1")
    assert err["error"]["code"] == "not_member"
    status, err = await world.fran.call("GET", f"/api/rooms/{room}/quiet?days=0")
    assert status == 400
    await alice.close()


SCHEDULE = {
    "time_zone": "America/New_York",
    "sessions": [
        {"weekday": "tuesday", "time": "18:00", "duration_minutes": 90, "place": "Room 2"},
        {"weekday": "thursday", "time": "18:00", "duration_minutes": 90, "place": "Video link"},
    ],
}


async def test_schedule_next_session_and_reminders_across_daylight_saving(
    world: World,
) -> None:
    room = world.a.room
    status, _ = await world.alice.call("PUT", f"/api/rooms/{room}/schedule", SCHEDULE)
    assert status == 403
    await world.fran.call("PUT", f"/api/rooms/{room}/schedule", SCHEDULE, expect=200)
    # Friday 12 March 2027; the clocks go forward on Sunday the 14th.
    await later(world, at(2027, 3, 12, 12))
    await world.alice.call(
        "PUT", f"/api/rooms/{room}/schedule/reminder", {"minutes_before": 60}, expect=200
    )
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert shown["next"]["start"] == "2027-03-16T22:00:00.000Z"  # 18:00 EDT
    assert shown["next"]["local_start"] == "2027-03-16T18:00-04:00"
    assert shown["reminder"] == {"minutes_before": 60, "next_at": "2027-03-16T21:00:00.000Z"}
    # A week earlier, still on standard time: 23:00 UTC.
    await later(world, at(2027, 3, 5, 12))
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert shown["next"]["start"] == "2027-03-09T23:00:00.000Z"
    assert shown["reminder"]["next_at"] == "2027-03-09T22:00:00.000Z"
    # Past the reminder of a session about to start: the next session's reminder.
    await later(world, at(2027, 3, 9, 22, 30))
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert shown["next"]["start"] == "2027-03-09T23:00:00.000Z"
    assert shown["reminder"]["next_at"] == "2027-03-11T22:00:00.000Z"
    bad = await world.alice.call(
        "PUT", f"/api/rooms/{room}/schedule/reminder", {"minutes_before": 7}
    )
    assert bad[0] == 400
    status, _ = await world.fran.call(
        "PUT", f"/api/rooms/{room}/schedule", {"time_zone": "Mars/Base", "sessions": []}
    )
    assert status == 400
    status, err = await world.carol.call("GET", f"/api/rooms/{room}/schedule")
    assert err["error"]["code"] == "not_member"


async def test_a_cancelled_session_is_pinned_until_it_has_passed(world: World) -> None:
    room = world.a.room
    await world.fran.call("PUT", f"/api/rooms/{room}/schedule", SCHEDULE, expect=200)
    await later(world, at(2027, 3, 12, 12))
    alice = await world.alice.connect()
    change = {"occurrence": "2027-03-16T22:00:00Z", "kind": "cancelled", "note": "holiday"}
    status, _ = await world.alice.call("POST", f"/api/rooms/{room}/schedule/changes", change)
    assert status == 403
    wrong = {**change, "occurrence": "2027-03-16T23:00:00Z"}
    status, err = await world.fran.call("POST", f"/api/rooms/{room}/schedule/changes", wrong)
    assert status == 404
    _, done = await world.fran.call(
        "POST", f"/api/rooms/{room}/schedule/changes", change, expect=201
    )
    event = await until(alice, "event")
    assert event["message"]["card"]["kind"] == "schedule_change"
    assert event["message"]["card"]["change"] == "cancelled"
    assert event["message"]["text"] == "holiday"
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert [c["id"] for c in shown["changes"]] == [done["change"]["id"]]
    assert shown["upcoming"][0]["cancelled"] is True
    assert shown["next"]["start"] == "2027-03-18T22:00:00.000Z"
    # Once that session would have ended, the pin goes.
    await later(world, at(2027, 3, 16, 23, 31))
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert shown["changes"] == []
    # A move to a later time.
    moved = {
        "occurrence": "2027-03-18T22:00:00Z",
        "kind": "moved",
        "new_start": "2027-03-19T22:00:00Z",
    }
    await world.fran.call("POST", f"/api/rooms/{room}/schedule/changes", moved, expect=201)
    _, shown = await world.alice.call("GET", f"/api/rooms/{room}/schedule", expect=200)
    assert shown["next"]["start"] == "2027-03-19T22:00:00.000Z" and shown["next"]["moved"]
    status, err = await world.fran.call("POST", f"/api/rooms/{room}/schedule/changes", moved)
    assert status == 409
    await alice.close()


async def test_milestone_cards_on_the_right_day_and_never_without_consent(
    world: World,
) -> None:
    room = world.a.room
    routine = world.server.chat.routine
    await world.fran.call(
        "PUT",
        f"/api/rooms/{room}/schedule",
        {"time_zone": "America/Los_Angeles", "sessions": []},
        expect=200,
    )
    # 2027-01-15 08:00 UTC is midnight in Los Angeles: day 30 for Alice there.
    await later(world, at(2027, 1, 15, 7, 59))
    bob = await world.bob.connect()
    _, mine = await world.alice.call("PUT", "/api/me/sobriety", {"since": "2026-12-16"}, expect=200)
    assert mine == {"since": "2026-12-16", "rooms": []}
    await world.bob.call("PUT", "/api/me/sobriety", {"since": "2026-12-16"}, expect=200)
    # A date alone is private: no card, nobody sees it.
    await later(world, at(2027, 1, 15, 9))
    assert await routine.celebrate() == 0
    await bob.nothing(0.3, ignore=QUIET)
    _, theirs = await world.bob.call("GET", "/api/me/sobriety", expect=200)
    assert theirs["rooms"] == []
    # Alice consents in this room: today's card appears at once, for the room.
    await later(world, at(2027, 1, 15, 7, 59))  # still the 14th in Los Angeles: day 29
    _, shown = await world.alice.call(
        "PUT", f"/api/rooms/{room}/milestones", {"share": True}, expect=200
    )
    assert shown["shared"] and shown["days"] == 29
    assert shown["next"] == {"day": "2027-01-15", "label": "30 days", "key": "30d"}
    await bob.nothing(0.3, ignore=QUIET)
    await later(world, at(2027, 1, 15, 8, 1))
    assert await sweep_milestones(world.server.app) == 1  # what the server's sweep runs
    event = await until(bob, "event")
    assert event["message"]["card"] == {"kind": "milestone", "key": "30d", "label": "30 days"}
    assert event["message"]["author"]["name"] == "Alice"
    assert "2026-12-16" not in str(event)
    assert await routine.celebrate() == 0  # once only
    ack = await bob.answer(
        {"type": "react", "room": room, "message": event["seq"], "reaction": "heart", "add": True}
    )
    assert ack["type"] == "ack"
    # Not on other days.
    await later(world, world.server.clock.now + DAY)
    assert await routine.celebrate() == 0
    # Day 60, then she withdraws consent: day 90 passes quietly.
    await later(world, at(2027, 2, 14, 12))
    assert await routine.celebrate() == 1
    await world.alice.call("PUT", f"/api/rooms/{room}/milestones", {"share": False}, expect=200)
    await later(world, at(2027, 3, 16, 12))
    assert await routine.celebrate() == 0
    # Consent is per room and only where one is a member.
    status, _ = await world.alice.call(
        "PUT", f"/api/rooms/{world.b.room}/milestones", {"share": True}
    )
    assert status == 404  # not_member: room B is not hers
    status, _ = await world.alice.call("PUT", "/api/me/sobriety", {"since": "2099-01-01"})
    assert status == 400
    await bob.close()


async def test_a_removed_member_is_not_celebrated(world: World) -> None:
    room = world.a.room
    await later(world, at(2027, 1, 15, 12))
    await world.alice.call("PUT", "/api/me/sobriety", {"since": "2027-01-09"}, expect=200)
    await world.alice.call("PUT", f"/api/rooms/{room}/milestones", {"share": True}, expect=200)
    fran = await world.fran.connect()
    done = await fran.answer(
        {
            "type": "moderate",
            "action": "remove_member",
            "room": room,
            "user": world.alice.user["id"],
            "reason": "transfer",
        }
    )
    assert done["type"] == "done"
    await later(world, world.server.clock.now + DAY)  # day 7
    assert await world.server.chat.routine.celebrate() == 0
    await fran.close()


async def test_a_cohort_is_created_with_its_structured_schedule(world: World) -> None:
    _, made = await world.fran.call(
        "POST",
        "/api/cohorts",
        {"name": "Monday and Wednesday", **{"schedule": SCHEDULE}},
        expect=201,
    )
    cohort = made["cohort"]
    assert cohort["schedule"]["time_zone"] == "America/New_York"
    assert [s["weekday"] for s in cohort["schedule"]["sessions"]] == ["tuesday", "thursday"]
    _, shown = await world.fran.call("GET", f"/api/rooms/{cohort['room']}/schedule", expect=200)
    assert shown["sessions"] == cohort["schedule"]["sessions"]
    _, listed = await world.fran.call("GET", "/api/cohorts", expect=200)
    by_id = {c["id"]: c for c in listed["cohorts"]}
    assert by_id[world.a.id]["schedule"] is None and by_id[cohort["id"]]["schedule"]
    for bad in (
        {"time_zone": "Nowhere/Land", "sessions": []},
        {"time_zone": "UTC", "sessions": [{"weekday": "someday", "time": "18:00"}]},
        {"time_zone": "UTC", "sessions": "tuesdays"},
        {"time_zone": "UTC", "colour": "red"},
        "Tue, Thu 6-9 pm",
    ):
        status, err = await world.fran.call(
            "POST", "/api/cohorts", {"name": "Never made", "schedule": bad}
        )
        assert status == 400, (bad, err)
    _, listed = await world.fran.call("GET", "/api/cohorts", expect=200)
    assert "Never made" not in [c["name"] for c in listed["cohorts"]]
