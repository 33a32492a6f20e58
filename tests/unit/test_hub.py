"""The hub's ordering and back-pressure rules, over an in-memory wire."""

from __future__ import annotations

import asyncio
import json
from typing import cast

from aiohttp import web

from server.framing import text_frame
from server.hub import Connection, Hub
from server.models import Role, User
from server.ws import Outbox, SocketWire


class Wire:
    """Collects what would go on the socket; `backlog` stands for unsent bytes."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.backlog = 0
        self.closed: list[int] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def buffered(self) -> int:
        return self.backlog

    def close(self, code: int, reason: str) -> None:
        self.closed.append(code)


def conn(uid: int = 1, hide: bool = False, limit: int = 1000) -> tuple[Connection, Wire]:
    user = User(uid, f"u{uid}", f"User {uid}", Role.CLIENT, hide_presence=hide)
    wire = Wire()
    return Connection(user, b"s", wire, limit), wire


def payloads(wire: Wire) -> list[str]:
    return [json.loads(d[2:])["e"] for d in wire.sent]


def frame(name: str) -> str:
    return json.dumps({"e": name})


async def test_events_wait_for_resume_then_flow_in_order_once() -> None:
    hub = Hub()
    c, wire = conn()
    hub.attach(c, [7])
    hub.deliver_event(7, 1, frame("e1"))
    assert wire.sent == []  # not resumed yet
    c.begin_replay(7)
    hub.deliver_event(7, 3, frame("e3"))
    hub.deliver_event(7, 2, frame("e2"))
    await c.replay(frame("e1"))
    c.end_replay(7, 1)
    hub.deliver_event(7, 3, frame("e3"))  # a duplicate of a buffered one
    hub.deliver_event(7, 4, frame("e4"))
    assert payloads(wire) == ["e1", "e2", "e3", "e4"]


async def test_a_backlog_past_the_limit_closes_with_1013_and_others_carry_on() -> None:
    hub = Hub()
    slow, slow_wire = conn(1)
    fast, fast_wire = conn(2)
    for c in (slow, fast):
        hub.attach(c, [1])
        c.begin_replay(1)
        c.end_replay(1, 0)
    hub.deliver_event(1, 1, frame("e1"))
    slow_wire.backlog = 5000  # the reader stopped reading
    for seq in range(2, 6):
        hub.deliver_event(1, seq, frame(f"e{seq}"))
    assert slow_wire.closed == [1013] and len(slow_wire.sent) == 1
    assert payloads(fast_wire) == ["e1", "e2", "e3", "e4", "e5"]


async def test_one_encoding_for_every_member() -> None:
    hub = Hub()
    wires = []
    for uid in (1, 2, 3):
        c, wire = conn(uid)
        hub.attach(c, [1])
        c.begin_replay(1)
        c.end_replay(1, 0)
        wires.append(wire)
    hub.deliver_event(1, 1, frame("once"))
    assert wires[0].sent[0] is wires[1].sent[0] is wires[2].sent[0]


def test_text_frames_follow_rfc_6455_length_forms() -> None:
    assert text_frame(b"hi") == b"\x81\x02hi"
    assert text_frame(b"x" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert text_frame(b"x" * 70_000)[:10] == b"\x81\x7f" + (70_000).to_bytes(8, "big")


def test_presence_hides_those_who_ask() -> None:
    hub = Hub()
    hub.attach(conn(1)[0], [1])
    hub.attach(conn(2, hide=True)[0], [1])
    assert hub.online(1) == [(1, "User 1")]
    a, _ = conn(3)
    hub.attach(a, [1, 2])
    assert hub.detach(a) == [1, 2]
    assert hub.online(2) == []


class Transport(asyncio.WriteTransport):
    """Counts system-call-sized writes; `backlog` stands for what the kernel refused."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.backlog = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return self.backlog


class Socket:
    closed = False


async def test_frames_of_one_loop_pass_leave_in_one_write_in_order() -> None:
    outbox = Outbox()
    transport = Transport()
    wire = SocketWire(transport, cast(web.WebSocketResponse, Socket()), outbox)
    first, second = text_frame(b'{"e":"e1"}'), text_frame(b'{"e":"e2"}')
    wire.write(first)
    wire.write(second)
    # Unsent bytes count toward the slow-reader limit before they reach the kernel.
    assert transport.writes == [] and wire.buffered() == len(first) + len(second)
    await asyncio.sleep(0)
    assert transport.writes == [first + second] and wire.buffered() == 0
    wire.write(first)
    await asyncio.sleep(0)
    assert transport.writes == [first + second, first]
