"""The Redis bus between two "processes" in one test: two buses and two hubs on one real
store and one real Redis (a channel prefix of the test's own). Lost relays are filled
from the store in order; presence is the union of every process's sockets."""

from __future__ import annotations

import asyncio
import json
import secrets
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from server.hub import Connection, Hub
from server.models import Role, User
from server.protocol import event_frame
from server.relay import RedisBus
from server.store import Store, open_store
from tests.services import REDIS_URL, need

TIMEOUT = 5.0


@dataclass
class Wire:
    """The socket under a connection: keeps what was written, as decoded frames."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def write(self, data: bytes) -> None:
        while data:
            size, head = data[1], 2
            if size == 126:
                size, head = struct.unpack("!H", data[2:4])[0], 4
            elif size == 127:
                size, head = struct.unpack("!Q", data[2:10])[0], 10
            self.frames.append(json.loads(data[head : head + size]))
            data = data[head + size :]
        self.arrived.set()

    def buffered(self) -> int:
        return 0

    def close(self, code: int, reason: str) -> None:
        self.frames.append({"type": "closed", "code": code})

    async def wait_for(self, check: Any) -> None:
        async def until() -> None:
            while not check(self.frames):
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(until(), TIMEOUT)

    def seqs(self) -> list[int]:
        return [f["seq"] for f in self.frames if f["type"] == "event"]


@dataclass
class Side:
    hub: Hub
    bus: RedisBus


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[Store, Side, Side]]:
    need("Redis", REDIS_URL, 6379)
    store = open_store(f"sqlite:///{tmp_path / 'h.db'}")
    await store.open()
    prefix = "hearth_test_" + secrets.token_hex(4)
    sides = []
    for _ in range(2):
        hub = Hub()
        bus = RedisBus(hub, store, REDIS_URL, prefix=prefix)
        await bus.start()
        await asyncio.wait_for(bus.subscribed.wait(), TIMEOUT)
        sides.append(Side(hub, bus))
    a, b = sides
    # The store's commits go out through side a, as in the process that wrote them.
    store.on_commit(a.bus.publish_events)
    try:
        yield store, a, b
    finally:
        for s in sides:
            await s.bus.stop()
        await store.close()


async def _room(store: Store) -> tuple[User, int]:
    fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
    cohort = await store.create_cohort("Group", None, [fran.id], "agreement", fran.id, 0.0)
    return fran, cohort.room_id


def _live(hub: Hub, user: User, room: int, position: int) -> Wire:
    wire = Wire()
    conn = Connection(user, b"s", wire, 1 << 20)
    hub.attach(conn, [room])
    conn.position[room] = position
    return wire


async def test_events_committed_elsewhere_arrive_in_order(pair: Any) -> None:
    store, _a, b = pair
    fran, room = await _room(store)
    wire = _live(b.hub, fran, room, 0)
    await asyncio.gather(
        *(store.add_message(room, fran, f"c{i}", "m", None, 1.0) for i in range(50))
    )
    await wire.wait_for(lambda frames: len(frames) >= 50)
    assert wire.seqs() == list(range(1, 51))


async def test_a_lost_relay_is_read_from_the_store_before_what_follows(pair: Any) -> None:
    store, a, b = pair
    fran, room = await _room(store)
    wire = _live(b.hub, fran, room, 0)
    store._listeners.clear()  # nothing relayed: as if Redis had dropped these
    for i in range(3):
        await store.add_message(room, fran, f"c{i}", f"m{i}", None, 1.0)
    events = await store.events_after(room, 2, 10)
    # Only event 3 reaches b: it must not jump ahead of 1 and 2.
    raw = a.bus._encode("e", r=room, s=3, f=event_frame(events[0]))
    b.bus._receive(raw.encode())
    await wire.wait_for(lambda frames: len(frames) >= 3)
    assert wire.seqs() == [1, 2, 3]
    assert [f["message"]["text"] for f in wire.frames] == ["m0", "m1", "m2"]


async def test_a_failed_read_of_the_log_is_retried_never_skipped(pair: Any) -> None:
    """Whatever the store raises while a gap is filled, the events after the gap wait:
    releasing them would leave the hole for good."""
    store, a, b = pair
    fran, room = await _room(store)
    wire = _live(b.hub, fran, room, 0)
    store._listeners.clear()
    for i in range(3):
        await store.add_message(room, fran, f"c{i}", f"m{i}", None, 1.0)
    real = store.events_after
    failures = [RuntimeError("statement timeout"), OSError("connection reset")]

    async def flaky(room_id: int, after: int, limit: int) -> list:
        if failures:
            raise failures.pop()
        return await real(room_id, after, limit)

    store.events_after = flaky  # type: ignore[method-assign]
    events = await real(room, 2, 10)
    b.bus._receive(a.bus._encode("e", r=room, s=3, f=event_frame(events[0])).encode())
    await wire.wait_for(lambda frames: len(frames) >= 3)
    assert wire.seqs() == [1, 2, 3] and not failures


async def test_a_marker_after_an_outage_catches_every_room_up(pair: Any) -> None:
    store, a, b = pair
    fran, room = await _room(store)
    wire = _live(b.hub, fran, room, 0)
    store._listeners.clear()
    for i in range(4):
        await store.add_message(room, fran, f"c{i}", "m", None, 1.0)
    b.bus._receive(a.bus._encode("m", r=room, s=4).encode())
    await wire.wait_for(lambda frames: len(frames) >= 4)
    assert wire.seqs() == [1, 2, 3, 4]


async def test_presence_is_the_union_of_every_process(pair: Any) -> None:
    _store, a, b = pair
    announced: list[int] = []
    b.bus.on_presence = announced.append
    assert a.bus.online(7, [(1, "Alice")]) == [(1, "Alice")]

    async def until_b_knows() -> None:
        while b.bus.online(7, [(2, "Bob")]) != [(1, "Alice"), (2, "Bob")]:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(until_b_knows(), TIMEOUT)
    assert 7 in announced
    # a stops (its goodbye): b forgets a's people at once.
    await a.bus.stop()

    async def until_forgotten() -> None:
        while b.bus.online(7, [(2, "Bob")]) != [(2, "Bob")]:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(until_forgotten(), TIMEOUT)


async def test_a_dropped_change_makes_the_others_read_the_store_afresh(pair: Any) -> None:
    """A relay the others cannot rebuild (a frame for someone, a forget...) dropped on a
    full outbox is followed by `lost` once publishing goes on, at most once a second;
    a dropped typing frame mends itself and is not."""
    _store, a, b = pair
    lost = asyncio.Event()
    heard: list[float] = []

    async def on_lost() -> None:
        heard.append(asyncio.get_running_loop().time())
        lost.set()

    b.bus.on_lost = on_lost

    async def dropped_then_published(drop: Any) -> None:
        waiting = a.bus._out  # the publish loop waits on this one
        a.bus._out = asyncio.Queue(maxsize=1)
        a.bus._out.put_nowait("{}")  # full: the next relay is dropped
        drop()
        a.bus._out = waiting
        a.bus.publish(7, '{"type":"typing"}')  # publishing goes on

    await dropped_then_published(lambda: a.bus.publish(7, '{"type":"typing"}'))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(lost.wait(), 0.5)
    await dropped_then_published(lambda: a.bus.tell([1], '{"type":"alert"}'))
    await asyncio.wait_for(lost.wait(), TIMEOUT)
    # Overload drops more at once: the peers hear one more `lost` a second later, not
    # one per batch (each makes them re-read the store and reconnect moderators).
    for _ in range(5):
        await dropped_then_published(lambda: a.bus.tell([1], '{"type":"alert"}'))
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)
    a.bus.publish(7, '{"type":"typing"}')
    await asyncio.sleep(0.3)
    assert len(heard) == 2 and heard[1] - heard[0] >= 0.9, heard
