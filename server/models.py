"""The nouns Hearth talks about, as frozen dataclasses and closed enums.

Owns: roles, rooms, messages and the room log's events. Pure: imports nothing of Hearth
but nothing at all beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    CLIENT = "client"
    # Alumni arrive with discharge; the role exists so the schema need not change then.
    ALUM = "alum"

    @property
    def is_staff(self) -> bool:
        return self in (Role.ADMIN, Role.FACILITATOR)


class RoomKind(StrEnum):
    COHORT = "cohort"
    ALUMNI = "alumni"


class EventKind(StrEnum):
    POSTED = "posted"
    EDITED = "edited"
    DELETED = "deleted"
    REACTED = "reacted"


class Reaction(StrEnum):
    """A small, supportive set: no thumbs-down, nothing that can be used to pile on."""

    HEART = "heart"
    HUG = "hug"
    STRENGTH = "strength"
    CLAP = "clap"
    SPROUT = "sprout"
    PRAY = "pray"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    hide_presence: bool = False
    hide_read: bool = False
    suspended: bool = False


@dataclass(frozen=True)
class Author:
    id: int
    name: str


@dataclass(frozen=True)
class ReplyRef:
    seq: int
    author: Author
    excerpt: str | None


@dataclass(frozen=True)
class Message:
    """A message's current state. `seq` is the sequence of the event that posted it."""

    room_id: int
    seq: int
    author: Author
    text: str | None
    sent_at: datetime
    client_id: str
    edited_at: datetime | None = None
    deleted: bool = False
    reply_to: ReplyRef | None = None
    reactions: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One entry of a room's log: something happened to `message`."""

    room_id: int
    seq: int
    kind: EventKind
    message: Message


@dataclass(frozen=True)
class RoomSummary:
    id: int
    name: str
    kind: RoomKind
    latest_seq: int
    read_seq: int
    unread: int
    agreement_version: int
    accepted_version: int


@dataclass(frozen=True)
class Agreement:
    room_id: int
    version: int
    text: str


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    schedule: str
    room_id: int
    facilitator_ids: tuple[int, ...]
    agreement_version: int


@dataclass(frozen=True)
class Invite:
    cohort_id: int
    cohort_name: str
    expires_at: datetime
    agreement: Agreement
