"""The hub's ordering and back-pressure rules, without sockets."""

from __future__ import annotations

from server.hub import Connection, Hub
from server.models import Role, User


def conn(
    uid: int = 1, size: int = 10, closed: list[int] | None = None, hide: bool = False
) -> Connection:
    user = User(uid, f"u{uid}", f"User {uid}", Role.CLIENT, hide_presence=hide)
    sink = closed if closed is not None else []
    return Connection(user, b"s", size, lambda code, _r: sink.append(code))


def drain(c: Connection) -> list[str]:
    out = []
    while not c.queue.empty():
        out.append(c.queue.get_nowait())
    return out


async def test_events_wait_for_resume_then_flow_in_order_once() -> None:
    hub, c = Hub(), conn()
    hub.attach(c, [7])
    hub.deliver_event(7, 1, "e1")
    assert drain(c) == []  # not resumed yet
    c.begin_replay(7)
    hub.deliver_event(7, 3, "e3")
    hub.deliver_event(7, 2, "e2")
    await c.replay("e1")
    c.end_replay(7, 1)
    hub.deliver_event(7, 3, "e3")  # duplicate of a buffered one
    hub.deliver_event(7, 4, "e4")
    assert drain(c) == ["e1", "e2", "e3", "e4"]


async def test_full_queue_closes_with_1013_and_others_unaffected() -> None:
    closed: list[int] = []
    hub, slow, fast = Hub(), conn(1, size=2, closed=closed), conn(2, size=100)
    hub.attach(slow, [1])
    hub.attach(fast, [1])
    for c in (slow, fast):
        c.begin_replay(1)
        c.end_replay(1, 0)
    for seq in range(1, 6):
        hub.deliver_event(1, seq, f"e{seq}")
    assert closed == [1013]
    assert len(drain(fast)) == 5


def test_presence_hides_those_who_ask() -> None:
    hub = Hub()
    hub.attach(conn(1), [1])
    hub.attach(conn(2, hide=True), [1])
    assert hub.online(1) == [(1, "User 1")]
    a = conn(3)
    hub.attach(a, [1, 2])
    assert hub.detach(a) == [1, 2]
    assert hub.online(2) == []
