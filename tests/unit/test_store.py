"""The Store protocol as a contract, run on both real engines (no mocks): SQLite and
PostgreSQL (a database of its own per test, dropped after). Group commit, isolation of
a bad write, idempotent sends, gap-free sequences, and a reopened store keeps
everything."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from server.errors import Code, Conflict, HearthError, NotFound
from server.models import AlertKind, EventKind, HoldState, ReportState, Role
from server.store import open_store
from server.store.sealing import Keyring, new_key
from tests.services import pg_database

# The data keys (PostgreSQL needs them given; SQLite would make a key file of its own).
KEYS = Keyring([new_key()])


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'h.db'}"
        return
    async with pg_database() as pg:
        yield pg


@pytest.fixture
async def store(url: str):  # type: ignore[no-untyped-def]
    s = open_store(url, keyring=KEYS)
    await s.open()
    yield s
    await s.close()


async def _room(store) -> tuple[object, int]:  # type: ignore[no-untyped-def]
    fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
    cohort = await store.create_cohort("Group", None, [fran.id], "agreement", fran.id, 0.0)
    return fran, cohort.room_id


async def test_concurrent_sends_share_commits_and_get_gap_free_sequences(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    published: list[int] = []
    store.on_commit(lambda events: published.extend(e.seq for e in events))
    posted = await asyncio.gather(
        *(store.add_message(room, fran, f"c{i}", f"m{i}", None, 1.0) for i in range(300))
    )
    assert sorted(p.event.seq for p in posted) == list(range(1, 301))
    assert published == list(range(1, 301))  # published once each, in commit order
    assert await store.latest_seq(room) == 300


async def test_one_bad_write_does_not_fail_its_batch(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    results = await asyncio.gather(
        *(store.add_message(room, fran, f"a{i}", "x", None, 1.0) for i in range(20)),
        store.create_user("FRAN", "Again", Role.CLIENT, "h", 1.0),  # taken: case-insensitive
        store.edit_message(room, 999, fran.id, "nope", 1.0),
        *(store.add_message(room, fran, f"b{i}", "y", None, 1.0) for i in range(20)),
        return_exceptions=True,
    )
    assert isinstance(results[20], Conflict) and isinstance(results[21], NotFound)
    seqs = sorted(r.event.seq for r in results if not isinstance(r, Exception))
    assert seqs == list(range(1, 41))


async def test_resend_returns_the_original(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    first = await store.add_message(room, fran, "same", "hello", None, 1.0)
    again = await store.add_message(room, fran, "same", "hello", None, 2.0)
    assert again.duplicate and again.event.seq == first.event.seq
    assert [m.text for m in await store.history(room, None, 10)] == ["hello"]


async def test_log_replays_current_state_in_order(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    a = await store.add_message(room, fran, "a", "first", None, 1.0)
    b = await store.add_message(room, fran, "b", "second", a.event.seq, 1.0)
    await store.edit_message(room, a.event.seq, fran.id, "first, edited", 2.0)
    await store.react(room, b.event.seq, fran.id, "heart", True, 3.0)
    await store.delete_message(room, b.event.seq, fran.id, 4.0)
    events = await store.events_after(room, 0, 100)
    assert [e.kind for e in events] == [
        EventKind.POSTED,
        EventKind.POSTED,
        EventKind.EDITED,
        EventKind.REACTED,
        EventKind.DELETED,
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].message.text == "first, edited"
    assert events[1].message.text is None and events[1].message.deleted
    assert events[1].message.reply_to is not None
    assert events[1].message.reply_to.excerpt == "first, edited"


async def test_everything_survives_reopening(url: str) -> None:
    first = open_store(url, keyring=KEYS)
    await first.open()
    fran, room = await _room(first)
    await first.add_message(room, fran, "k", "kept", None, 1.0)
    await first.close()
    again = open_store(url, keyring=KEYS)
    await again.open()
    assert [m.text for m in await again.history(room, None, 10)] == ["kept"]
    assert (await again.add_message(room, fran, "n", "next", None, 2.0)).event.seq == 2
    await again.close()


async def test_two_processes_stores_on_postgresql_share_a_gap_free_sequence() -> None:
    """Two processes' stores writing to one room at once: the room row's lock orders
    them. (PostgreSQL only: SQLite is one process's file.)"""
    async with pg_database() as url:
        await _two_writers(url)


async def _two_writers(url: str) -> None:
    first, second = open_store(url, keyring=KEYS), open_store(url, keyring=KEYS)
    await first.open()
    await second.open()
    try:
        fran, room = await _room(first)
        published: list[int] = []
        first.on_commit(lambda events: published.extend(e.seq for e in events))
        second.on_commit(lambda events: published.extend(e.seq for e in events))
        posted = await asyncio.gather(
            *(
                (first if i % 2 else second).add_message(room, fran, f"c{i}", "m", None, 1.0)
                for i in range(200)
            )
        )
        assert sorted(p.event.seq for p in posted) == list(range(1, 201))
        assert sorted(published) == list(range(1, 201))
        assert [e.seq for e in await second.events_after(room, 0, 500)] == list(range(1, 201))
    finally:
        await first.close()
        await second.close()


async def test_sessions_and_invites(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    token = bytes(range(32))
    await store.create_session(token, fran.id, 10.0)
    await store.touch_session(token, 20.0)
    row = await store.get_session(token)
    assert row.user.id == fran.id and (row.created_at, row.last_seen_at) == (10.0, 20.0)
    assert await store.delete_sessions_before(15.0, 0.0) == []
    assert await store.delete_sessions_before(25.0, 0.0) == [token]

    cohort = (await store.list_cohorts(None))[0]
    await store.create_invite(b"inv", cohort.id, fran.id, 0.0, 100.0)
    assert (await store.get_invite(b"inv", 1.0)).cohort_id == cohort.id
    assert await store.get_invite(b"inv", 200.0) is None  # expired
    sam = await store.redeem_invite(b"inv", 1.0, "Sam", "Sam", "h", 1)
    assert (await store.membership(room, sam.id)).accepted_version == 1
    with pytest.raises(HearthError) as used:
        await store.redeem_invite(b"inv", 2.0, "sam2", "Sam", "h", 1)
    assert used.value.code is Code.INVITE_INVALID
    assert (await store.find_login("SAM"))[0].id == sam.id  # names are case-insensitive


async def test_read_markers_move_forward_and_stop_at_the_end(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    for i in range(3):
        await store.add_message(room, fran, f"c{i}", "m", None, 1.0)
    assert await store.set_read(room, fran.id, 2) == 2
    assert await store.set_read(room, fran.id, 1) == 2
    assert await store.set_read(room, fran.id, 99) == 3


async def test_hold_approve_alert_report(store) -> None:  # type: ignore[no-untyped-def]
    fran, room = await _room(store)
    await store.add_message(room, fran, "first", "hello", None, 1.0)
    held, dup = await store.hold_message(
        room, fran, "h1", "call me", None, ["contact"], HoldState.HELD, 2.0
    )
    again, dup2 = await store.hold_message(
        room, fran, "h1", "call me", None, ["contact"], HoldState.HELD, 3.0
    )
    assert not dup and dup2 and again.id == held.id
    assert [h.id for h in await store.list_held(room)] == [held.id]
    alert = await store.create_alert(
        room, AlertKind.HELD, False, fran.id, None, held.id, ["contact"], ["r1"], 2.0
    )
    assert [a.id for a in await store.list_alerts([room], True)] == [alert.id]
    decided, event = await store.approve_held(held.id, fran.id, 4.0)
    assert decided.state is HoldState.APPROVED and event.seq == 2
    assert event.message.text == "call me"
    acked = await store.acknowledge_alerts_for_held(held.id, fran.id, 5.0)
    assert [a.id for a in acked] == [alert.id] and await store.list_alerts([room], True) == []
    report = await store.create_report(room, 1, fran.id, "unkind", 6.0)
    await store.set_report_state(report.id, ReportState.RESOLVED, fran.id, "talked", 7.0)
    assert await store.list_reports([room], True) == []
    removed = await store.remove_message(room, 1, fran.id, "off topic", 8.0)
    assert removed.seq == 3 and removed.message.removed
    await store.audit(9.0, fran.id, "message.remove", room_id=room)
    assert [e.action for e in await store.audit_entries([room], 10)] == ["message.remove"]
