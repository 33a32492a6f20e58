"""Diagnostic: how fast can Hearth's store commit messages, on one pinned core, alone?

    taskset -c 0 .venv/bin/python -m bench.store_path [--seconds 5] [--writers 120]

Drives the real `SqliteStore.add_message` (group commit, WAL, synchronous=FULL) from
`--writers` concurrent closed-loop tasks, no websockets, and reports commits/s, CPU
seconds per 1,000 messages, batch sizes and aiosqlite thread round trips per message.
Then runs the same load through a prototype, `OneHopStore`, that executes each batch as
one synchronous function on aiosqlite's thread (one round trip per batch instead of one
or more per message plus several per batch). The prototype lives here, not in server/:
it is evidence for a suggestion, not a change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from server.models import Author, Event, EventKind, Message, Role, User
from server.store.sqlite import Posted, SqliteStore


class CountingStore(SqliteStore):
    """The real store, counting batch sizes and aiosqlite round trips."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.batches: Counter[int] = Counter()
        self.hops = 0

    async def _run_batch(self, db: aiosqlite.Connection, batch: list[Any]) -> None:
        self.batches[len(batch)] += 1
        orig = db._execute
        store = self

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            store.hops += 1
            return await orig(fn, *args, **kwargs)

        db._execute = counted  # type: ignore[method-assign]
        try:
            await super()._run_batch(db, batch)
        finally:
            db._execute = orig  # type: ignore[method-assign]


class OneHopStore(CountingStore):
    """Prototype: the whole batch runs in one call on the sqlite thread (add_message only)."""

    async def add_message(self, room_id: int, author: User, client_id: str, text: str,
                          reply_to: int | None, now: float) -> Posted:
        fut: asyncio.Future[Posted] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Msg((room_id, author, client_id, text, now), fut))  # type: ignore[arg-type]
        return await fut

    async def _run_batch(self, db: aiosqlite.Connection, batch: list[Any]) -> None:
        self.batches[len(batch)] += 1
        self.hops += 1
        latest = self._latest

        def work() -> list[Posted]:
            conn: sqlite3.Connection = db._connection  # type: ignore[assignment]
            out: list[Posted] = []
            conn.execute("BEGIN IMMEDIATE")
            try:
                for m in batch:
                    room_id, author, client_id, text, now = m.args
                    if room_id not in latest:
                        latest[room_id] = conn.execute(
                            "SELECT latest_seq FROM rooms WHERE id = ?", (room_id,)).fetchone()[0]
                    seq = latest[room_id] + 1
                    row = conn.execute(
                        "INSERT INTO messages(room_id, seq, author_id, client_id, body, reply_to,"
                        " sent_at) VALUES (?, ?, ?, ?, ?, NULL, ?)"
                        " ON CONFLICT(room_id, author_id, client_id) DO NOTHING RETURNING seq",
                        (room_id, seq, author.id, client_id, text, now)).fetchone()
                    assert row is not None, "duplicates are out of scope for the prototype"
                    latest[room_id] = seq
                    conn.execute("INSERT INTO events(room_id, seq, kind, message_seq, actor_id, at)"
                                 " VALUES (?, ?, 'posted', ?, ?, ?)",
                                 (room_id, seq, seq, author.id, now))
                    message = Message(room_id=room_id, seq=seq,
                                      author=Author(author.id, author.display_name), text=text,
                                      sent_at=datetime.fromtimestamp(now, UTC),
                                      client_id=client_id, reply_to=None)
                    out.append(Posted(event=Event(room_id=room_id, seq=seq,
                                                  kind=EventKind.POSTED, message=message),
                                      duplicate=False))
                for room_id in {m.args[0] for m in batch}:
                    conn.execute("UPDATE rooms SET latest_seq = ? WHERE id = ?",
                                 (latest[room_id], room_id))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                latest.clear()
                raise
            return out

        try:
            posted = await db._execute(work)
        except Exception as exc:  # noqa: BLE001
            for m in batch:
                m.future.set_exception(exc)
            return
        self._publish([p.event for p in posted])
        for m, p in zip(batch, posted, strict=True):
            m.future.set_result(p)


class _Msg:
    __slots__ = ("args", "future", "job")

    def __init__(self, args: tuple[Any, ...], future: asyncio.Future[Any]) -> None:
        self.args, self.future, self.job = args, future, None


async def drive(store: CountingStore, users: list[User], rooms: list[int], seconds: float,
                busy: float = 0.0) -> dict[str, Any]:
    await store.open()
    published = [0]
    store.on_commit(lambda events: published.__setitem__(0, published[0] + len(events)))
    stop = time.monotonic() + seconds
    done = [0]

    async def writer(i: int) -> None:
        user, room, n = users[i % len(users)], rooms[i % len(rooms)], 0
        while time.monotonic() < stop:
            n += 1
            await store.add_message(room, user, f"w{i}-{n}", "x" * 80, None, time.time())
            done[0] += 1

    async def busy_loop() -> None:
        """Stand-in for fan-out: small callbacks filling `busy` of the loop's time."""
        loop = asyncio.get_running_loop()
        slices = int(busy * 2000 / 20)

        def spin() -> None:
            end = time.perf_counter() + 20e-6
            while time.perf_counter() < end:
                pass

        while time.monotonic() < stop:
            for _ in range(slices):
                loop.call_soon(spin)
            await asyncio.sleep(0.002)

    t0, c0 = time.monotonic(), os.times()
    await asyncio.gather(busy_loop(), *(writer(i) for i in range(len(users))))
    wall, c1 = time.monotonic() - t0, os.times()
    await store.close()
    cpu = (c1.user - c0.user) + (c1.system - c0.system)
    sizes = sorted(store.batches.elements())
    return {"messages": done[0], "per_s": done[0] / wall, "cpu_per_1000": 1000 * cpu / done[0],
            "cpu_util": cpu / wall, "batches": len(sizes),
            "batch_median": sizes[len(sizes) // 2] if sizes else 0,
            "hops_per_msg": store.hops / max(1, done[0]), "published": published[0]}


def prepare(path: Path, writers: int, nrooms: int) -> tuple[list[User], list[int]]:
    async def migrate() -> None:
        s = SqliteStore(str(path))
        await s.open()
        await s.close()

    asyncio.run(migrate())
    conn = sqlite3.connect(path, isolation_level=None)
    now = time.time()
    rooms = [int(conn.execute("INSERT INTO rooms(kind, name, agreement_version, created_at)"
                              " VALUES ('cohort', ?, 1, ?) RETURNING id",
                              (f"r{i}", now)).fetchone()[0]) for i in range(nrooms)]
    users = []
    for i in range(writers):
        uid = conn.execute("INSERT INTO users(username, display_name, role, password_hash,"
                           " created_at) VALUES (?, ?, 'client', 'x', ?) RETURNING id",
                           (f"u{i}", f"User {i}", now)).fetchone()[0]
        users.append(User(id=uid, username=f"u{i}", display_name=f"User {i}",
                          role=Role.CLIENT))
    conn.close()
    return users, rooms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--writers", type=int, default=120)
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--synchronous", default="FULL")
    ap.add_argument("--busy", type=float, default=0.0,
                    help="also keep this share of the event loop busy with 20 us callbacks "
                         "(a stand-in for fan-out sharing the loop), e.g. 0.5")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hearth-store-"))
    try:
        print(f"{args.writers} closed-loop writers over {args.rooms} rooms, "
              f"synchronous={args.synchronous}, loop busy share {args.busy}, "
              f"CPU affinity {sorted(os.sched_getaffinity(0))}")
        for name, cls in (("current SqliteStore", CountingStore),
                          ("prototype (one hop per batch)", OneHopStore)):
            db = tmp / f"{cls.__name__}.db"
            users, rooms = prepare(db, args.writers, args.rooms)
            r = asyncio.run(drive(cls(str(db), synchronous=args.synchronous), users, rooms,
                                  args.seconds, args.busy))
            print(f"{name:>38}: {r['per_s']:>8,.0f} msgs/s  {r['cpu_per_1000']*1000:>6.0f} "
                  f"us CPU/msg  CPU {r['cpu_util']:.2f}  batches {r['batches']} "
                  f"(median {r['batch_median']})  round trips/msg {r['hops_per_msg']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
