"""The fan-out layer between the room log and the hubs of every process.

Owns: the `Bus` protocol and `LocalBus` (one process). `relay.RedisBus` sits beside it
for several processes, behind the same protocol. May import: hub, models, protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from .hub import Hub
from .models import Event
from .protocol import event_frame


class Bus(Protocol):
    def publish_events(self, events: Sequence[Event]) -> None:
        """Committed room events, in sequence order."""

    def publish(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        """An ephemeral frame for a room (typing, presence, read markers)."""

    # ---- across processes: each reaches every process's own sockets ----

    def tell(self, user_ids: Iterable[int], frame: str) -> None:
        """A frame for every open socket of these people."""

    def end_sessions(self, digests: Sequence[bytes], code: int, reason: str) -> None:
        """Close the sockets opened by these sessions."""

    def leave(self, user_id: int, room: int) -> None:
        """Stop delivering `room` to this person's sockets (membership ended)."""

    def forget(self, room: int, user_id: int | None) -> None:
        """Cached membership of `room` (one person, or everyone) is stale elsewhere."""

    def user_changed(self, user_id: int) -> None:
        """This person's settings changed (privacy): other processes read them again."""

    def joined(self, user_id: int, room: int) -> None:
        """This person became a member of `room`: the other processes' sockets of theirs
        attach to it (this process's own are the caller's)."""

    def online(self, room: int, here: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Who is in `room` on every process, given who is here in this one."""

    def ready(self) -> bool:
        """Whether live events from the other processes are reaching this one."""


class LocalBus:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def publish_events(self, events: Sequence[Event]) -> None:
        for event in events:
            # Encoded once, sent to every member as the same string.
            self.hub.deliver_event(event.room_id, event.seq, event_frame(event))

    def publish(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        self.hub.deliver(room, frame, skip_user=skip_user)

    def tell(self, user_ids: Iterable[int], frame: str) -> None:
        for uid in user_ids:
            for conn in self.hub.connections_of(uid):
                conn.offer(frame)

    def end_sessions(self, digests: Sequence[bytes], code: int, reason: str) -> None:
        for conn in self.hub.connections_of_sessions(digests):
            conn.end(code, reason)

    def leave(self, user_id: int, room: int) -> None:
        self.hub.leave(user_id, room)

    def forget(self, room: int, user_id: int | None) -> None:
        pass  # one process: the caller's own cache is the only one

    def joined(self, user_id: int, room: int) -> None:
        pass  # one process: the caller attaches its own sockets

    def user_changed(self, user_id: int) -> None:
        pass  # one process: the caller updates its own sockets

    def online(self, room: int, here: list[tuple[int, str]]) -> list[tuple[int, str]]:
        return here

    def ready(self) -> bool:
        return True
