"""Live fan-out to the connections of this process.

Owns: `Connection` (one socket as the hub sees it: where to write, how much is still
waiting to go out, and the room positions it has been sent) and `Hub` (who is connected
to which room). No aiohttp, no store. Publishing never awaits a socket: each frame is
encoded once and written to every member's transport; a member whose unsent bytes pass
the limit cannot keep up and is closed with 1013, and resumes later (see websockets'
broadcast essay: per-client buffers, never back-pressure on the broadcaster).

Ordering: each room's events reach a connection in sequence order, exactly once. Until
a connection has resumed a room, that room's events are held back; while its replay is
being read from the store, live events are buffered and merged by sequence afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Protocol

from .framing import text_frame
from .models import User

CLOSE_TOO_SLOW = 1013
CLOSE_CATCH_UP_FAILED = 1011  # resume could not finish: reconnect and resume again
CLOSE_SESSION_ENDED = 4001
# The server's view of this person may have changed unseen (see Chat.relays_lost):
# reconnect for a fresh welcome, and resume.
CLOSE_RECONNECT = 1012
# While replaying, how long to wait for the reader when half the limit is unsent.
REPLAY_PAUSE = 0.01


class Wire(Protocol):
    """The socket under a connection, as the websocket edge provides it."""

    def write(self, data: bytes) -> None:
        """Queue complete websocket frames for sending; never blocks."""

    def buffered(self) -> int:
        """Bytes written but not yet handed to the kernel."""

    def close(self, code: int, reason: str) -> None:
        """Start a closing handshake; never blocks."""


class Connection:
    __slots__ = (
        "user",
        "session",
        "touched",
        "deadline",
        "active",
        "observing",
        "position",
        "rooms",
        "_wire",
        "_limit",
        "_replaying",
        "closed",
        "__weakref__",
    )

    def __init__(self, user: User, session: bytes, wire: Wire, limit_bytes: int) -> None:
        self.user = user
        # The digest of the session that opened it: ending the session closes it.
        self.session = session
        self.touched = 0.0
        # When its session reaches its absolute limit, and the last frame it sent.
        self.deadline = float("inf")
        self.active = 0.0
        # Rooms heard under break-glass: read only, and not shown as present.
        self.observing: set[int] = set()
        # Highest event sequence sent, per resumed room.
        self.position: dict[int, int] = {}
        # The rooms this connection hears (the hub keeps it in step with its index).
        self.rooms: set[int] = set()
        self._wire = wire
        self._limit = limit_bytes
        self._replaying: dict[int, list[tuple[int, bytes]]] = {}
        self.closed = False

    def send(self, data: bytes) -> None:
        """Write an encoded frame now; too much unsent means the client cannot keep up."""
        if self.closed:
            return
        if self._wire.buffered() > self._limit:
            # It resumes from its last sequence when it reconnects.
            self.end(CLOSE_TOO_SLOW, "too slow; reconnect and resume")
            return
        self._wire.write(data)

    def offer(self, frame: str) -> None:
        """A frame for this connection alone (acks, errors, notices)."""
        self.send(text_frame(frame.encode()))

    def end(self, code: int, reason: str) -> None:
        """Stop sending and close the socket (e.g. session ended, too slow)."""
        if not self.closed:
            self.closed = True
            self._wire.close(code, reason)

    async def replay(self, frame: str) -> None:
        """Send a replayed frame at the reader's pace: replay runs in the connection's
        own task, so it may wait, and a long catch-up is not mistaken for a slow reader."""
        await self.replay_encoded(text_frame(frame.encode()))

    def offer_event(self, room: int, seq: int, data: bytes) -> None:
        pending = self._replaying.get(room)
        if pending is not None:
            pending.append((seq, data))
            if len(pending) > 10_000:
                self.end(CLOSE_TOO_SLOW, "too slow; reconnect and resume")
            return
        position = self.position.get(room)
        if position is None or seq <= position:
            return
        self.position[room] = seq
        self.send(data)

    def begin_replay(self, room: int) -> None:
        self.position.pop(room, None)
        self._replaying[room] = []

    def take_pending(self, room: int) -> list[tuple[int, bytes]]:
        """Live events buffered during replay so far, in sequence order."""
        pending = self._replaying.get(room, [])
        self._replaying[room] = []
        return sorted(pending, key=lambda p: p[0])

    async def replay_encoded(self, data: bytes) -> None:
        while not self.closed and self._wire.buffered() > self._limit // 2:
            await asyncio.sleep(REPLAY_PAUSE)
        self.send(data)

    def end_replay(self, room: int, position: int) -> None:
        """Replay sent everything up to `position`; release what arrived meanwhile."""
        self.position[room] = position
        for seq, data in sorted(self._replaying.pop(room, []), key=lambda p: p[0]):
            self.offer_event(room, seq, data)


class Hub:
    def __init__(self) -> None:
        self._rooms: dict[int, set[Connection]] = {}
        self._users: dict[int, set[Connection]] = {}

    def attach(self, conn: Connection, rooms: Iterable[int]) -> None:
        self._users.setdefault(conn.user.id, set()).add(conn)
        for room in rooms:
            self._rooms.setdefault(room, set()).add(conn)
            conn.rooms.add(room)

    def detach(self, conn: Connection) -> list[int]:
        """Forget a connection; returns the rooms it was in."""
        left = sorted(conn.rooms)
        for room in left:
            conns = self._rooms.get(room)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self._rooms[room]
        conn.rooms.clear()
        user_conns = self._users.get(conn.user.id)
        if user_conns is not None:
            user_conns.discard(conn)
            if not user_conns:
                del self._users[conn.user.id]
        return left

    def leave(self, user_id: int, room: int) -> None:
        """Stop delivering `room` to every connection of a user (membership ended)."""
        conns = self._rooms.get(room)
        if not conns:
            return
        for conn in self._users.get(user_id, ()):
            conns.discard(conn)
            conn.rooms.discard(room)
            conn.position.pop(room, None)

    def deliver_event(self, room: int, seq: int, frame: str) -> None:
        data = text_frame(frame.encode())
        for conn in tuple(self._rooms.get(room, ())):
            conn.offer_event(room, seq, data)

    def deliver(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        data = text_frame(frame.encode())
        for conn in tuple(self._rooms.get(room, ())):
            if conn.user.id != skip_user:
                conn.send(data)

    def online(self, room: int) -> list[tuple[int, str]]:
        """Who is here now, leaving out those who hide their presence."""
        seen: dict[int, str] = {}
        for conn in self._rooms.get(room, ()):
            if not conn.user.hide_presence and room not in conn.observing:
                seen[conn.user.id] = conn.user.display_name
        return sorted(seen.items(), key=lambda p: p[1].casefold())

    def connections_of(self, user_id: int) -> list[Connection]:
        return list(self._users.get(user_id, ()))

    def people(self) -> list[int]:
        """Everyone with an open socket here."""
        return list(self._users)

    def sessions(self) -> set[bytes]:
        """The sessions behind this process's open sockets."""
        return {c.session for conns in self._users.values() for c in conns}

    def connections_of_sessions(self, sessions: Iterable[bytes]) -> list[Connection]:
        wanted = set(sessions)
        return [c for conns in self._users.values() for c in conns if c.session in wanted]

    def rooms_of(self, conn: Connection) -> list[int]:
        return sorted(conn.rooms)

    # ---- for a relay between processes (server/relay.py) ----

    def low_position(self, room: int) -> int | None:
        """The lowest sequence sent to a live connection of `room` (those still
        replaying are left out: they merge by sequence); None if there is none."""
        positions = [c.position[room] for c in self._rooms.get(room, ()) if room in c.position]
        return min(positions) if positions else None

    def busy_rooms(self) -> list[int]:
        """Rooms with at least one connection in this process."""
        return sorted(self._rooms)
