"""Retention, deletion, encryption at rest and legal holds, proved on the raw files.

"Physically removed" means: after the purge (or an own delete) the database file, its
write-ahead log and its shared-memory index hold neither the plaintext nor the exact
ciphertext the row held, and the row is gone. With encryption on the plaintext could
never be found anyway, so the tests capture each row's sealed bytes first and look for
those: without `secure_delete` they would stay in free pages, without the checkpoint
they would stay in the WAL.

On PostgreSQL (`HEARTH_TEST_STORE=postgresql`) the same tests run, reading the rows
through a connection of their own instead of the file; the raw-file scans are SQLite
only: PostgreSQL keeps a deleted row's bytes in its heap page until VACUUM prunes it
(and does not zero the space) and in WAL segments until they are recycled, so the
"not in the files" claim is not one Hearth can make there (docs/deploy.md says what it
does instead: every such byte is ciphertext, and the purge VACUUMs what it touched).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg

from server.models import AuditEntry, Role
from server.store.sealing import VERSION
from tests.conftest import PASSWORD, Api, Clock, Socket, World, enrol, start_server

DAY = 86400.0
CANARY = "canary-9c1e lighthouse keeper"


def on_pg(world: World) -> bool:
    return world.server.settings.database.startswith("postgresql://")


def _pg(world: World, sql: str, params: tuple[object, ...], write: bool) -> list[Any]:
    """A statement on the test's PostgreSQL database, on a connection of its own (in a
    thread: the callers are synchronous; the server is idle when they run)."""
    parts = sql.split("?")
    sql = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], start=1))

    async def go() -> list[Any]:
        conn = await asyncpg.connect(world.server.settings.database)
        try:
            if write:
                await conn.execute(sql, *params)
                return []
            return [tuple(r) for r in await conn.fetch(sql, *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def db_file(world: World) -> Path:
    return Path(world.server.settings.database.removeprefix("sqlite:///"))


def raw_bytes(world: World) -> bytes:
    """The database file, its WAL and its shared-memory index, as they are on disk."""
    path = db_file(world)
    return b"".join(
        p.read_bytes()
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if p.exists()
    )


def peek(world: World, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the file directly, as someone holding a copy of it would."""
    if on_pg(world):
        return _pg(world, sql, params, write=False)
    uri = db_file(world).resolve().as_uri() + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def sealed_bodies(world: World, room: int) -> list[bytes]:
    return [
        bytes(r[0])  # type: ignore[arg-type]
        for r in peek(
            world, "SELECT body FROM messages WHERE room_id = ? AND body IS NOT NULL", (room,)
        )
    ]


async def audit(world: World, action: str) -> list[dict]:  # type: ignore[type-arg]
    _, log = await world.admin.call("GET", "/api/audit?limit=1000", expect=200)
    return [e for e in log["entries"] if e["action"] == action]


async def test_canary_is_sealed_everywhere_it_is_stored(world: World) -> None:
    room = world.a.room
    alice, bob, fran = [await a.connect() for a in (world.alice, world.bob, world.fran)]
    posted = await alice.post(room, f"{CANARY} one")
    await alice.post(room, f"{CANARY} reply", reply_to=posted["seq"])
    await alice.answer(
        {"type": "edit", "room": room, "message": posted["seq"], "text": f"{CANARY} edited"}
    )
    held = await alice.post(room, f"{CANARY} text me at 555-123-4567")
    assert held["type"] == "held"
    await bob.answer(
        {"type": "report", "room": room, "message": posted["seq"], "reason": f"{CANARY} why"}
    )
    await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": room,
            "user": world.bob.user["id"],
            "minutes": 5,
            "reason": f"{CANARY} mute",
        }
    )
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": room,
            "message": posted["seq"],
            "reason": f"{CANARY} removal",
        }
    )
    # Everyone still reads plain text through the server.
    _, original = await world.fran.call(
        "GET", f"/api/rooms/{room}/messages/{posted['seq']}/original", expect=200
    )
    assert original["text"] == f"{CANARY} edited"
    _, log = await world.admin.call("GET", "/api/audit", expect=200)
    assert any(e["detail"].get("reason") == f"{CANARY} removal" for e in log["entries"])
    # ... and the files hold none of it.
    assert await world.server.chat.store.checkpoint()
    if not on_pg(world):
        raw = raw_bytes(world)
        assert b"canary-9c1e" not in raw and b"lighthouse" not in raw
    for table, column in (
        ("messages", "body"),
        ("messages", "removal_reason"),
        ("held_messages", "body"),
        ("reports", "reason"),
        ("room_members", "mute_reason"),
        ("audit_log", "detail"),
    ):
        rows = peek(world, f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
        assert rows, (table, column)
        assert all(isinstance(r[0], bytes) and r[0][:1] == VERSION for r in rows), (table, column)
    for s in (alice, bob, fran):
        await s.close()


async def test_a_sealed_body_moved_to_another_row_does_not_open(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    first = await alice.post(room, "first")
    second = await alice.post(room, "second")
    await alice.close()
    (body,) = peek(
        world, "SELECT body FROM messages WHERE room_id = ? AND seq = ?", (room, first["seq"])
    )[0]
    move = "UPDATE messages SET body = ? WHERE room_id = ? AND seq = ?"
    if on_pg(world):
        _pg(world, move, (body, room, second["seq"]), write=True)
    else:
        db = sqlite3.connect(db_file(world).resolve().as_uri(), uri=True)
        db.execute(move, (body, room, second["seq"]))
        db.commit()
        db.close()
    status, _ = await world.alice.call("GET", f"/api/rooms/{room}/messages")
    assert status == 500  # refuses to show "first" under the second message's row


async def test_expired_messages_are_physically_removed_including_the_last(world: World) -> None:
    server = world.server
    room, other = world.a.room, world.b.room
    await world.admin.call("PUT", f"/api/rooms/{room}/retention", {"days": 1}, expect=200)
    alice, carol = await world.alice.connect(), await world.carol.connect()
    for i in range(3):
        await alice.post(room, f"{CANARY} number {i}")
    await alice.post(room, f"{CANARY} text me at 555-123-4567")  # held, with no alert
    await alice.post(room, f"{CANARY} i cant do this anymore, ending it tonight")  # alert
    await alice.answer({"type": "react", "room": room, "message": 1, "reaction": "heart"})
    await carol.post(other, "kept by the program default")
    await world.bob.call(
        "POST",
        f"/api/rooms/{room}/checkins",
        {"mood": 3, "craving": 2, "on_plan": True, "shared": False, "note": f"{CANARY} day"},
        expect=201,
    )
    await alice.close()
    await carol.close()
    sealed = sealed_bodies(world, room)
    sealed += [bytes(r[0]) for r in peek(world, "SELECT body FROM held_messages")]  # type: ignore[arg-type]
    sealed += [bytes(r[0]) for r in peek(world, "SELECT note FROM checkins")]  # type: ignore[arg-type]
    assert len(sealed) == 6
    assert peek(world, "SELECT count(*) FROM alerts WHERE room_id = ?", (room,)) == [(1,)]
    assert await server.chat.store.checkpoint()
    if not on_pg(world):
        assert all(s in raw_bytes(world) for s in sealed)  # the scan can see them

    server.clock.advance(DAY / 2)
    assert await server.chat.retention.purge() == []  # not yet
    server.clock.advance(DAY)
    purged = await server.chat.retention.purge()
    assert [(p.room_id, p.messages, p.held, p.checkins) for p in purged] == [(room, 4, 1, 1)]

    for table in ("messages", "events", "reactions", "held_messages", "alerts", "checkins"):
        assert peek(world, f"SELECT count(*) FROM {table} WHERE room_id = ?", (room,)) == [(0,)]
    if on_pg(world):
        # The purge VACUUMed what it touched (after its COMMIT).
        vacuumed = peek(
            world,
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN"
            " ('messages', 'held_messages') AND last_vacuum IS NOT NULL",
        )
        assert vacuumed == [(2,)]
    else:
        raw = raw_bytes(world)
        for s in sealed:
            assert s not in raw and s[-16:] not in raw  # not the row, not even its tag
    assert len(sealed_bodies(world, other)) == 1
    for api, name in ((world.alice, "alice"), (world.admin, "admin"), (world.bob, "bob")):
        await api.login(name)
    _, page = await world.alice.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert page["messages"] == []
    (entry,) = await audit(world, "retention.purge")
    assert entry["room"] == room and entry["actor"] is None
    assert entry["detail"]["messages"] == 4 and entry["detail"]["held"] == 1
    assert entry["detail"]["checkins"] == 1
    # The room goes on: new messages continue the sequence.
    alice = await world.alice.connect()
    assert (await alice.post(room, "a new day"))["seq"] == 6
    await alice.close()


async def test_own_delete_removes_the_text_from_the_files(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    ack = await alice.post(room, f"{CANARY} regret")
    (sealed,) = sealed_bodies(world, room)
    await alice.answer({"type": "delete", "room": room, "message": ack["seq"]})
    await alice.close()
    # The tombstone keeps who and when, nothing else.
    row = peek(
        world,
        "SELECT author_id, deleted_at, body, removal_reason FROM messages WHERE seq = ?",
        (ack["seq"],),
    )
    assert row[0][0] == world.alice.user["id"] and row[0][1] is not None
    assert row[0][2:] == (None, None)
    if not on_pg(world):
        assert sealed not in raw_bytes(world) and sealed[-16:] not in raw_bytes(world)


async def test_own_delete_of_an_approved_message_clears_the_reviewed_copy(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    held = await alice.post(room, f"{CANARY} call me at 555-123-4567")
    done = await fran.answer({"type": "moderate", "action": "approve", "held": held["hold"]})
    assert done["type"] == "done"
    (seq,) = peek(world, "SELECT message_seq FROM held_messages WHERE id = ?", (held["hold"],))[0]
    copies = [bytes(r[0]) for r in peek(world, "SELECT body FROM held_messages")]  # type: ignore[arg-type]
    await alice.answer({"type": "delete", "room": room, "message": seq})
    await alice.close()
    await fran.close()
    if on_pg(world):
        # Every value there is sealed, the cleared copy too: it opens to "".
        (cleared,) = peek(world, "SELECT body FROM held_messages")
        assert cleared[0] not in copies
        reviewed = await world.server.chat.store.get_held(held["hold"])
        assert reviewed is not None and reviewed.text == ""
        return
    assert peek(world, "SELECT body FROM held_messages") == [("",)]
    raw = raw_bytes(world)
    assert all(c not in raw and c[-16:] not in raw for c in copies)


async def test_removed_originals_follow_the_room_s_retention(world: World) -> None:
    room = world.a.room
    await world.admin.call("PUT", f"/api/rooms/{room}/retention", {"days": 2}, expect=200)
    alice, fran = await world.alice.connect(), await world.fran.connect()
    ack = await alice.post(room, "an unkind joke")
    await fran.answer(
        {"type": "moderate", "action": "remove", "room": room, "message": ack["seq"], "reason": "x"}
    )
    await alice.close()
    await fran.close()
    url = f"/api/rooms/{room}/messages/{ack['seq']}/original"
    await world.fran.call("GET", url, expect=200)
    world.server.clock.advance(3 * DAY)
    await world.server.chat.retention.purge()
    await world.fran.login("fran")
    await world.fran.call("GET", url, expect=404)


async def test_legal_holds_suspend_the_purge_for_a_room_or_a_member(world: World) -> None:
    server = world.server
    room = world.a.room
    await world.admin.call("PUT", f"/api/rooms/{room}/retention", {"days": 1}, expect=200)
    status, _ = await world.fran.call("POST", "/api/holds", {"room": room, "reason": "subpoena"})
    assert status == 403
    _, placed = await world.admin.call(
        "POST", "/api/holds", {"room": room, "reason": "subpoena 24-117"}, expect=201
    )
    status, _ = await world.admin.call("POST", "/api/holds", {"reason": "no target"})
    assert status == 400
    alice, bob = await world.alice.connect(), await world.bob.connect()
    await alice.post(room, "from alice")
    await bob.post(room, "from bob")
    await alice.close()
    await bob.close()
    server.clock.advance(2 * DAY)
    assert await server.chat.retention.purge() == []
    await world.admin.login("admin")
    _, shown = await world.admin.call("GET", f"/api/rooms/{room}/retention", expect=200)
    assert shown["on_hold"] is True and shown["effective_days"] == 1

    # A hold on bob alone: the room's hold is released, alice's words go, bob's stay.
    _, bob_hold = await world.admin.call(
        "POST",
        "/api/holds",
        {"user": world.bob.user["id"], "reason": "records request"},
        expect=201,
    )
    _, released = await world.admin.call(
        "POST", f"/api/holds/{placed['hold']['id']}/release", {"reason": "case closed"}, expect=200
    )
    assert released["hold"]["released_at"] is not None
    purged = await server.chat.retention.purge()
    assert [(p.room_id, p.messages) for p in purged] == [(room, 1)]
    assert peek(world, "SELECT author_id FROM messages WHERE room_id = ?", (room,)) == [
        (world.bob.user["id"],)
    ]
    _, holds = await world.admin.call("GET", "/api/holds", expect=200)
    assert [h["id"] for h in holds["holds"]] == [bob_hold["hold"]["id"]]
    _, every = await world.admin.call("GET", "/api/holds?all=true", expect=200)
    assert len(every["holds"]) == 2
    placed_entries = await audit(world, "legal_hold.place")
    assert {e["detail"]["reason"] for e in placed_entries} == {"subpoena 24-117", "records request"}
    assert [e["detail"]["reason"] for e in await audit(world, "legal_hold.release")] == [
        "case closed"
    ]


async def test_retention_is_set_by_admins_and_audited(world: World) -> None:
    room = world.a.room
    _, shown = await world.fran.call("GET", f"/api/rooms/{room}/retention", expect=200)
    assert shown == {
        "room": room,
        "days": None,
        "default_days": 365,
        "effective_days": 365,
        "on_hold": False,
    }
    status, _ = await world.fran.call("PUT", f"/api/rooms/{room}/retention", {"days": 5})
    assert status == 403
    status, _ = await world.alice.call("GET", f"/api/rooms/{room}/retention")
    assert status == 403
    status, _ = await world.admin.call("PUT", f"/api/rooms/{room}/retention", {"days": 0})
    assert status == 400
    _, shown = await world.admin.call(
        "PUT", f"/api/rooms/{room}/retention", {"days": 30}, expect=200
    )
    assert shown["days"] == 30 and shown["effective_days"] == 30
    (entry,) = await audit(world, "retention.change")
    assert entry["detail"] == {"from": None, "to": 30} and entry["room"] == room


async def test_alumni_rooms_default_to_a_longer_retention(world: World) -> None:
    from server.models import RoomKind

    defaults = world.server.chat.retention.defaults
    assert defaults[RoomKind.ALUMNI] > defaults[RoomKind.COHORT]


async def test_logins_sessions_and_enrolment_are_audited_without_secrets(world: World) -> None:
    server = world.server
    stranger = Api(server)
    world.apis.append(stranger)
    await stranger.call("POST", "/api/session", {"username": "alice", "password": "wrong one"})
    await stranger.call("POST", "/api/session", {"username": "nobody-here", "password": "x"})
    await world.bob.call("DELETE", "/api/session", expect=204)
    server.clock.advance(server.settings.session_idle_seconds + 1)
    await world.carol.call("GET", "/api/me", expect=401)
    await world.admin.login("admin")
    await world.fran.login("fran")
    dan = await enrol(server, world.fran, world.a.id, "dan", "Dan")
    world.apis.append(dan)
    failed = await audit(world, "login.failed")
    assert {e["subject"] for e in failed} >= {world.alice.user["id"], None}
    assert [e["actor"] for e in await audit(world, "logout")] == [world.bob.user["id"]]
    assert world.carol.user["id"] in [e["actor"] for e in await audit(world, "session.end")]
    assert dan.user["id"] in [e["actor"] for e in await audit(world, "enrol")]
    _, log = await world.admin.call("GET", "/api/audit?limit=1000", expect=200)
    text = str(log)
    assert "wrong one" not in text and "nobody-here" not in text and PASSWORD not in text


async def test_touched_lists_the_members_a_staff_account_could_see(world: World) -> None:
    server = world.server
    gail_user = await server.chat.create_account(None, "gail", "Gail", PASSWORD, Role.FACILITATOR)
    gail = await Api(server).login("gail")
    world.apis.append(gail)
    _, c = await gail.call("POST", "/api/cohorts", {"name": "Friday"}, expect=201)
    dan = await enrol(server, gail, c["cohort"]["id"], "dan", "Dan")
    world.apis.append(dan)
    start = server.clock.now
    server.clock.advance(600)  # within the staff idle limit
    fran: Socket = await world.fran.connect()
    alice = await world.alice.connect()
    ack = await alice.post(world.a.room, "hello")
    await alice.close()
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": world.a.room,
            "message": ack["seq"],
            "reason": "test",
        }
    )
    await fran.close()
    retention = server.chat.retention
    touched = await retention.touched(world.fran.user["id"], start + 1, server.clock.now)
    by_id = {t.user.id: t.reasons for t in touched}
    assert set(by_id) == {world.alice.user["id"], world.bob.user["id"], world.carol.user["id"]}
    assert "moderate.remove" in by_id[world.alice.user["id"]]
    assert dan.user["id"] not in by_id  # gail's cohort
    gail_touched = await retention.touched(gail_user.id, start - 10, server.clock.now)
    assert {t.user.id for t in gail_touched} == {dan.user["id"]}


async def test_a_new_key_reseals_old_rows_in_the_background(tmp_path: Path, clock: Clock) -> None:
    import asyncio

    from server.config import Secret
    from server.store.sealing import encode_key, key_id, new_key

    old, new = new_key(), new_key()
    server, runner = await start_server(tmp_path, clock, data_key=Secret(encode_key(old)))
    fran = await server.chat.create_account(None, "fran", "Fran", PASSWORD, Role.FACILITATOR)
    cohort = await server.chat.create_cohort(fran, "Group", None, [], None)
    for i in range(5):
        await server.chat.store.add_message(
            cohort.room_id, fran, f"c{i}", f"note {i}", None, clock()
        )
    await runner.cleanup()

    rotated = Secret(f"{encode_key(new)},{encode_key(old)}")
    server, runner = await start_server(tmp_path, clock, data_key=rotated)
    try:
        store = server.chat.store
        deadline = asyncio.get_running_loop().time() + 10

        async def resealed() -> list[AuditEntry]:
            return [e for e in await store.audit_entries(None, 100) if e.action == "keys.reseal"]

        while not await resealed():
            assert asyncio.get_running_loop().time() < deadline, await store.key_usage()
            await asyncio.sleep(0.01)
        assert set(await store.key_usage()) == {key_id(new).hex()}
        assert [m.text for m in await store.history(cohort.room_id, None, 10)][-1] == "note 4"
        (entry,) = await resealed()
        assert json.loads(entry.detail)["rows"] >= 5
        assert (await store.verify_audit()).broken_at is None
    finally:
        await runner.cleanup()
    # The old key can go now.
    server, runner = await start_server(tmp_path, clock, data_key=Secret(encode_key(new)))
    try:
        history = await server.chat.store.history(cohort.room_id, None, 10)
        assert [m.text for m in history] == [f"note {i}" for i in range(5)]
    finally:
        await runner.cleanup()


async def test_the_audit_log_outlives_every_retention(world: World) -> None:
    server = world.server
    store = server.chat.store
    await world.admin.call("PUT", f"/api/rooms/{world.a.room}/retention", {"days": 1}, expect=200)
    alice = await world.alice.connect()
    await alice.post(world.a.room, "soon gone")
    await alice.close()
    before = await store.audit_entries(None, 10_000)
    server.clock.advance(7 * 365 * DAY)
    await server.chat.retention.purge()
    after = await store.audit_entries(None, 10_000)
    assert [e.id for e in after[-len(before) :]] == [e.id for e in before]
    assert {e.action for e in after} >= {"retention.purge", "login", "enrol", "cohort.create"}
    check = await store.verify_audit()
    assert check.broken_at is None and check.checked == len(after)


async def test_checkins_discharge_notes_and_cards_are_sealed_too(world: World) -> None:
    """Health data that arrived with the routine and discharge features: a check-in's
    line (private, and on its shared card), the staff-only discharge note, a second
    factor's secret."""
    room = world.a.room
    for shared in (False, True):
        body = {"mood": 2, "craving": 3, "on_plan": True, "shared": shared}
        who = world.bob if shared else world.alice
        await who.call(
            "POST",
            f"/api/rooms/{room}/checkins",
            {**body, "note": f"{CANARY} {shared}"},
            expect=201,
        )
    await world.fran.call(
        "POST",
        f"/api/cohorts/{world.a.id}/discharges",
        {"user": world.bob.user["id"], "outcome": "completed", "note": f"{CANARY} staff"},
        expect=201,
    )
    await world.server.chat.store.start_totp(world.fran.user["id"], "JBSWY3DPEHPK3PXP")
    _, seen = await world.fran.call("GET", f"/api/rooms/{room}/checkins", expect=200)
    assert f"{CANARY} False" in str(seen)  # staff still read it through the server
    assert await world.server.chat.store.checkpoint()
    raw = raw_bytes(world)
    assert b"canary-9c1e" not in raw and b"lighthouse" not in raw
    assert b"JBSWY3DPEHPK3PXP" not in raw
    for table, column in (("checkins", "note"), ("discharges", "note"), ("totp", "secret")):
        rows = peek(world, f"SELECT {column} FROM {table}")
        assert rows and all(isinstance(r[0], bytes) and r[0][:1] == VERSION for r in rows)
