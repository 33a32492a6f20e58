"""The fan-out layer between the room log and the hubs of every process.

Owns: the `Bus` protocol and `LocalBus` (one process). A Redis bus will sit beside it
for several processes, behind the same protocol. May import: hub, models, protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .hub import Hub
from .models import Event
from .protocol import event_frame


class Bus(Protocol):
    def publish_events(self, events: Sequence[Event]) -> None:
        """Committed room events, in sequence order."""

    def publish(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        """An ephemeral frame for a room (typing, presence, read markers)."""


class LocalBus:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def publish_events(self, events: Sequence[Event]) -> None:
        for event in events:
            # Encoded once, sent to every member as the same string.
            self.hub.deliver_event(event.room_id, event.seq, event_frame(event))

    def publish(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        self.hub.deliver(room, frame, skip_user=skip_user)
