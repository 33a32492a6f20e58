"""The discharge, alumni and routine parts of the Store protocol as a contract, run on
both real engines (no mocks): SQLite and PostgreSQL (a database of its own per test).
Both engines must give the same answers, so a port that drifts fails here."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from server.errors import Conflict, Forbidden, NotFound
from server.models import (
    AlertKind,
    AlumniAccess,
    AlumniCategory,
    ConsentDecision,
    Outcome,
    Role,
)
from server.store import open_store
from server.store.sealing import Keyring, new_key
from tests.services import pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'h.db'}")
        await s.open()
        yield s
        await s.close()
        return
    async with pg_database() as url:
        s = open_store(url, keyring=Keyring([new_key()]))  # no key file beside PostgreSQL
        await s.open()
        yield s
        await s.close()


async def _cohort(store, name: str = "Group"):  # type: ignore[no-untyped-def]
    staff = await store.list_users(Role.FACILITATOR)
    fran = (
        staff[0] if staff else await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
    )
    cohort = await store.create_cohort(name, None, [fran.id], "agreement", fran.id, 0.0)
    return fran, cohort


async def _client(store, cohort, username: str):  # type: ignore[no-untyped-def]
    user = await store.create_user(username, username.title(), Role.CLIENT, "h", 0.0)
    assert await store.join_room(cohort.room_id, user.id, Role.CLIENT, 0.0)
    return user


async def test_discharge_grace_and_readmission(store) -> None:  # type: ignore[no-untyped-def]
    fran, a = await _cohort(store)
    _, b = await _cohort(store, "Other")
    alice = await _client(store, a, "alice")
    bob = await _client(store, a, "bob")
    await _client(store, b, "carol")
    await store.join_room(b.room_id, bob.id, Role.CLIENT, 0.0)
    await store.set_cohort_grace_days(a.id, 7)
    assert await store.cohort_grace_days(a.id) == 7
    with pytest.raises(NotFound):
        await store.cohort_grace_days(999)

    # With a grace period: read-only until then, and an alum (no other cohort).
    d = await store.discharge(
        a.id, a.room_id, alice.id, Outcome.COMPLETED, "note", fran.id, 10.0, 100.0
    )
    assert (d.user.id, d.outcome, d.note, d.by) == (alice.id, Outcome.COMPLETED, "note", fran.id)
    assert d.access_until.timestamp() == 100.0
    m = await store.membership(a.room_id, alice.id)
    assert m is not None and m.access_until == 100.0 and not m.closed
    summary = next(r for r in await store.room_summaries(alice.id) if r.id == a.room_id)
    assert summary.read_only_until is not None and summary.read_only_until.timestamp() == 100.0
    assert (await store.get_user(alice.id)).role is Role.ALUM
    with pytest.raises(NotFound):  # no longer a current member
        await store.discharge(a.id, a.room_id, alice.id, Outcome.OTHER, None, fran.id, 11.0, 11.0)
    # At once, and still enrolled elsewhere: stays a client (a transfer).
    await store.discharge(a.id, a.room_id, bob.id, Outcome.TRANSFERRED, None, fran.id, 12.0, 12.0)
    assert await store.membership(a.room_id, bob.id) is None
    assert (await store.get_user(bob.id)).role is Role.CLIENT
    assert [x.user.id for x in await store.list_discharges(a.id)] == [bob.id, alice.id]

    assert await store.end_expired_access(99.0) == []
    assert await store.end_expired_access(100.0) == [(a.room_id, alice.id)]
    assert await store.membership(a.room_id, alice.id) is None

    # Closing waits for the last active client; closing twice keeps the first time.
    assert await store.close_room(a.room_id, 200.0) == 200.0
    assert await store.close_room(a.room_id, 300.0) == 200.0
    assert await store.room_closed_at(a.room_id) == 200.0
    with pytest.raises(Conflict):
        await store.close_room(b.room_id, 200.0)
    with pytest.raises(NotFound):
        await store.close_room(999, 200.0)

    # Readmission: a client again, out of non-mentoring alumni rooms, moderating nowhere.
    lounge = await store.create_alumni_room(
        "Lounge",
        AlumniCategory.PROGRAM,
        AlumniAccess.OPEN,
        "",
        [fran.id],
        "be kind",
        {},
        fran.id,
        1.0,
    )
    mentoring = await store.create_alumni_room(
        "Mentors",
        AlumniCategory.MENTORING,
        AlumniAccess.INVITE,
        "",
        [fran.id],
        "a",
        {},
        fran.id,
        1.0,
    )
    for room in (lounge, mentoring):
        assert await store.join_room(room, alice.id, Role.ALUM, 300.0)
    assert await store.set_moderator(mentoring, alice.id, True)
    with pytest.raises(NotFound):
        await store.readmit(b.room_id, bob.id, 300.0)  # not an alum
    assert await store.readmit(b.room_id, alice.id, 300.0) == [lounge]
    assert (await store.get_user(alice.id)).role is Role.CLIENT
    assert await store.room_moderators(mentoring) == []
    with pytest.raises(NotFound):  # a client now, not an alum
        await store.readmit(b.room_id, alice.id, 301.0)


async def test_consent_and_alumni_rooms(store) -> None:  # type: ignore[no-untyped-def]
    fran, a = await _cohort(store)
    alice = await _client(store, a, "alice")
    await store.discharge(a.id, a.room_id, alice.id, Outcome.COMPLETED, None, fran.id, 5.0, 5.0)
    assert await store.latest_consent(alice.id) is None
    await store.record_consent(alice.id, 1, ConsentDecision.GIVEN, 6.0)
    await store.record_consent(alice.id, 1, ConsentDecision.WITHDRAWN, 7.0)
    latest = await store.latest_consent(alice.id)
    assert latest is not None and latest.decision is ConsentDecision.WITHDRAWN
    assert latest.at.timestamp() == 7.0
    [alum] = await store.list_alumni()
    assert alum.user.id == alice.id and alum.consent is ConsentDecision.WITHDRAWN
    assert alum.discharged_at is not None and alum.discharged_at.timestamp() == 5.0

    room = await store.create_alumni_room(
        "Year 1",
        AlumniCategory.YEAR,
        AlumniAccess.INVITE,
        "for the class of 1",
        [fran.id, fran.id],
        "be kind",
        {"self_harm": "hold"},
        fran.id,
        8.0,
    )
    found = await store.get_alumni_room(room, alice.id)
    assert found is not None and (found.name, found.category, found.access) == (
        "Year 1",
        AlumniCategory.YEAR,
        AlumniAccess.INVITE,
    )
    assert (found.member_count, found.joined, found.invited) == (0, False, False)
    assert (await store.room_state(room)).policy == {"self_harm": "hold"}
    await store.invite_to_room(room, alice.id, fran.id, 9.0)
    await store.invite_to_room(room, alice.id, fran.id, 9.0)  # again: nothing new
    assert await store.join_room(room, alice.id, Role.ALUM, 10.0)
    assert not await store.join_room(room, alice.id, Role.ALUM, 10.0)
    [listed] = await store.alumni_rooms(alice.id)
    assert (listed.member_count, listed.joined, listed.invited) == (1, True, True)
    assert await store.get_alumni_room(999, alice.id) is None

    assert await store.set_moderator(room, alice.id, True)
    assert not await store.set_moderator(room, fran.id, True)  # staff are not alumni moderators
    assert await store.room_moderators(room) == [alice.id]
    assert (await store.membership(room, alice.id)).moderator
    assert await store.set_notifications_muted(room, alice.id, True)
    summary = next(r for r in await store.room_summaries(alice.id) if r.id == room)
    assert summary.notifications_muted and summary.moderator
    assert not await store.set_notifications_muted(999, alice.id, True)

    assert await store.leave_alumni_rooms(alice.id) == [room]
    assert await store.membership(room, alice.id) is None


async def test_cards_and_checkins(store) -> None:  # type: ignore[no-untyped-def]
    fran, a = await _cohort(store)
    alice = await _client(store, a, "alice")
    room = a.room_id
    card = {"kind": "milestone", "key": "d30", "label": "30 days"}
    first = await store.add_card(room, alice, "milestone:d30", "", card, 1.0)
    again = await store.add_card(room, alice, "milestone:d30", "", card, 2.0)
    assert not first.duplicate and again.duplicate and again.event.seq == first.event.seq
    [message] = await store.history(room, None, 10)
    assert message.card == card and message.author.id == alice.id
    with pytest.raises(Forbidden):
        await store.edit_message(room, message.seq, alice.id, "edited", 3.0)

    shared, event = await store.add_checkin(
        room,
        alice,
        "2026-03-01",
        (4, 2, True),
        "good day",
        True,
        ["none"],
        {"kind": "checkin"},
        5.0,
    )
    assert event is not None and event.message.card == {"kind": "checkin"}
    assert shared.message_seq == event.seq and shared.on_plan and shared.labels == ("none",)
    private, none = await store.add_checkin(
        room, alice, "2026-03-02", (2, 7, False), "", False, [], None, 6.0
    )
    assert none is None and private.message_seq is None and not private.shared
    with pytest.raises(Conflict):
        await store.add_checkin(room, alice, "2026-03-02", (3, 3, True), "", False, [], None, 7.0)
    got = await store.get_checkin(private.id)
    assert got is not None and (got.mood, got.craving, got.day) == (2, 7, "2026-03-02")
    assert [c.day for c in await store.checkins(room, None, "2026-03-02")] == ["2026-03-02"]
    assert [c.id for c in await store.checkins(room, alice.id, "2026-01-01")] == [
        shared.id,
        private.id,
    ]
    alert = await store.create_alert(
        room, AlertKind.CHECKIN, False, alice.id, None, None, ["craving"], [], 6.0, private.id
    )
    assert alert.checkin_id == private.id

    activity = {x.user.id: x for x in await store.member_activity(room)}
    assert activity[alice.id].last_post is None  # cards are not posts
    assert activity[alice.id].last_checkin == 6.0
    await store.add_message(room, alice, "c1", "hello", None, 8.0)
    assert {x.user.id: x for x in await store.member_activity(room)}[alice.id].last_post == 8.0


async def test_schedules_reminders_and_milestones(store) -> None:  # type: ignore[no-untyped-def]
    fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
    sessions = '[{"weekday": 1, "time": "18:00", "duration_minutes": 90, "place": ""}]'
    cohort = await store.create_cohort(
        "Group", ("America/Chicago", sessions), [fran.id], "agreement", fran.id, 0.0
    )
    assert cohort.schedule == {
        "time_zone": "America/Chicago",
        "sessions": [{"weekday": 1, "time": "18:00", "duration_minutes": 90, "place": ""}],
    }
    room = cohort.room_id
    assert (await store.get_schedule(room)).time_zone == "America/Chicago"
    await store.set_schedule(room, "Europe/Paris", "[]", fran.id, 1.0)
    assert await store.get_schedule(room) is not None
    assert (await store.get_schedule(room)).sessions == "[]"
    assert await store.get_schedule(999) is None

    change, event = await store.add_schedule_change(
        room, fran, 1000.0, "moved", 5000.0, "new room", {"kind": "schedule"}, 2.0
    )
    assert change.message_seq == event.seq and event.message.card == {"kind": "schedule"}
    with pytest.raises(Conflict):
        await store.add_schedule_change(room, fran, 1000.0, "cancelled", None, "", {}, 3.0)
    await store.add_schedule_change(room, fran, 2000.0, "cancelled", None, "", {"k": 1}, 3.0)
    # A change counts until its later end: the moved session (5000) is still ahead at 4000.
    assert [c.occurrence_at for c in await store.schedule_changes(room, 1500.0)] == [1000.0, 2000.0]
    assert [c.occurrence_at for c in await store.schedule_changes(room, 4000.0)] == [1000.0]
    assert await store.schedule_changes(room, 6000.0) == []

    alice = await store.create_user("alice", "Alice", Role.CLIENT, "h", 0.0)
    await store.join_room(room, alice.id, Role.CLIENT, 0.0)
    assert await store.get_reminder(room, alice.id) is None
    await store.set_reminder(room, alice.id, 30)
    await store.set_reminder(room, alice.id, 60)
    assert await store.get_reminder(room, alice.id) == 60
    await store.set_reminder(room, alice.id, None)
    assert await store.get_reminder(room, alice.id) is None

    await store.set_sobriety_date(alice.id, "2025-01-01")
    await store.set_sobriety_date(alice.id, "2025-02-01")
    assert await store.get_sobriety_date(alice.id) == "2025-02-01"
    await asyncio.gather(*(store.set_milestone_share(room, alice.id, True) for _ in range(3)))
    assert await store.milestone_rooms(alice.id) == [room]
    [share] = await store.milestone_shares(room)
    assert (share.user.id, share.since, share.time_zone) == (alice.id, "2025-02-01", "Europe/Paris")
    assert [s.room_id for s in await store.milestone_shares()] == [room]
    await store.set_milestone_share(room, alice.id, False)
    assert await store.milestone_rooms(alice.id) == []
    await store.set_sobriety_date(alice.id, None)
    assert await store.get_sobriety_date(alice.id) is None
