"""The nouns Hearth talks about, as frozen dataclasses and closed enums.

Owns: roles, rooms, messages and the room log's events. Pure: imports nothing of Hearth
but nothing at all beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


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
    # A facilitator removed it: the room sees a tombstone, staff can still read it.
    REMOVED = "removed"


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
    removed: bool = False
    # A card (a shared check-in, a milestone, a schedule change), or None for a message.
    card: dict[str, Any] | None = None


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
    role: Role = Role.CLIENT
    locked: bool = False
    slow_mode_seconds: int = 0
    muted_until: datetime | None = None
    mute_reason: str | None = None
    # Discharge and alumni: a closed cohort, the end of a discharged member's read-only
    # grace period, an alumni moderator here, the member muted this room for themselves.
    closed: bool = False
    read_only_until: datetime | None = None
    moderator: bool = False
    notifications_muted: bool = False


@dataclass(frozen=True)
class Agreement:
    room_id: int
    version: int
    text: str


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    # The room's structured schedule `{time_zone, sessions}` (see server/schedule.py),
    # or None before a facilitator sets one.
    schedule: dict[str, Any] | None
    room_id: int
    facilitator_ids: tuple[int, ...]
    agreement_version: int


@dataclass(frozen=True)
class Invite:
    cohort_id: int
    cohort_name: str
    expires_at: datetime
    agreement: Agreement


class HoldState(StrEnum):
    HELD = "held"
    APPROVED = "approved"
    REJECTED = "rejected"
    BLOCKED = "blocked"


class AlertKind(StrEnum):
    MESSAGE = "message"  # delivered, and facilitators should know (crisis, relapse risk)
    HELD = "held"  # waiting in the hold queue
    BLOCKED = "blocked"  # never reached the room
    HELP = "help"  # "I need help now", without a message
    CHECKIN = "checkin"  # a daily check-in (shared or for facilitators only)


class ReportState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class RoomState:
    id: int
    kind: RoomKind
    name: str
    locked: bool
    slow_mode_seconds: int
    policy: dict[str, str]


@dataclass(frozen=True)
class Held:
    id: int
    room_id: int
    author: Author
    client_id: str
    text: str
    reply_to: int | None
    sent_at: datetime
    labels: tuple[str, ...]
    state: HoldState
    note: str | None = None
    message_seq: int | None = None


@dataclass(frozen=True)
class Alert:
    id: int
    room_id: int
    kind: AlertKind
    urgent: bool
    subject: Author
    message_seq: int | None
    held_id: int | None
    labels: tuple[str, ...]
    rules: tuple[str, ...]
    created_at: datetime
    acknowledged_by: int | None = None
    acknowledged_at: datetime | None = None
    checkin_id: int | None = None


@dataclass(frozen=True)
class Report:
    id: int
    room_id: int
    message_seq: int
    reporter: Author
    reason: str
    state: ReportState
    created_at: datetime
    handled_by: int | None = None
    note: str | None = None
    # The reported message, so a report can be weighed from the panel: who wrote it and
    # the start of what it said. `author` is None once retention purged the message;
    # `excerpt` is None once its author deleted it or a facilitator `removed` it (staff
    # read a removed original where that read is audited).
    author: Author | None = None
    excerpt: str | None = None
    removed: bool = False


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    subject_type: str | None
    subject_id: int | None
    room_id: int | None
    detail: str


# ---- routine ----


@dataclass(frozen=True)
class CheckIn:
    """A member's check-in for one local day of a room; `shared` with the room, or for
    its facilitators only."""

    id: int
    room_id: int
    user: Author
    day: str  # YYYY-MM-DD in the room's time zone
    mood: int  # 1 to 5
    craving: int  # 0 to 10
    on_plan: bool
    note: str
    shared: bool
    labels: tuple[str, ...]
    message_seq: int | None
    created_at: datetime


@dataclass(frozen=True)
class ScheduleRow:
    time_zone: str
    sessions: str  # JSON, see server/schedule.py


@dataclass(frozen=True)
class ScheduleChangeRow:
    id: int
    room_id: int
    occurrence_at: float
    kind: str
    new_start: float | None
    note: str
    created_by: int
    message_seq: int | None


@dataclass(frozen=True)
class MemberActivity:
    """When a room member last showed up: joined, posted, checked in (UNIX seconds)."""

    user: Author
    role: Role
    joined_at: float
    last_post: float | None
    last_checkin: float | None


@dataclass(frozen=True)
class MilestoneShare:
    room_id: int
    user: User
    since: str  # YYYY-MM-DD
    time_zone: str | None


# ---- access (second factor, break-glass, disclosures) ----


@dataclass(frozen=True)
class TotpState:
    secret: str
    confirmed: bool
    last_step: int


@dataclass(frozen=True)
class BreakGlass:
    """An admin's time-boxed read access to a room they are not a member of."""

    id: int
    room_id: int
    room_name: str
    user: Author
    reason: str
    created_at: datetime
    expires_at: datetime
    ended: bool = False


@dataclass(frozen=True)
class Disclosure:
    """One entry of the disclosure ledger: who disclosed what, to whom, why, when."""

    id: int
    at: datetime
    actor: Author
    subject_type: str
    subject_id: int
    subject_name: str
    recipient: str
    purpose: str
    format: str


@dataclass(frozen=True)
class AuthoredMessage:
    room_id: int
    room_name: str
    message: Message


# ---- discharge and alumni ----------------------------------------------------------


class Outcome(StrEnum):
    """How treatment ended. Staff only: the cohort and the person see "moved on"."""

    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    LEFT_EARLY = "left_early"
    OTHER = "other"


class ConsentDecision(StrEnum):
    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class AlumniCategory(StrEnum):
    PROGRAM = "program"  # everyone in the program's alumni network
    YEAR = "year"  # by graduation year
    INTEREST = "interest"  # by interest
    MENTORING = "mentoring"  # staff bring alumni and current clients together


class AlumniAccess(StrEnum):
    OPEN = "open"  # any consenting alum may join
    INVITE = "invite"  # by invitation only


@dataclass(frozen=True)
class Discharge:
    id: int
    cohort_id: int
    user: Author
    outcome: Outcome
    note: str | None  # staff views only, never the audit log
    by: int
    at: datetime
    access_until: datetime


@dataclass(frozen=True)
class Consent:
    user_id: int
    version: int
    decision: ConsentDecision
    at: datetime


@dataclass(frozen=True)
class AlumniRoom:
    id: int
    name: str
    category: AlumniCategory
    access: AlumniAccess
    description: str
    member_count: int
    # For the viewer: a member now, and invited (an invitation outlives leaving).
    joined: bool = False
    invited: bool = False


@dataclass(frozen=True)
class Alum:
    """An alum as staff see them, to re-admit, invite or appoint."""

    user: Author
    discharged_at: datetime | None
    consent: ConsentDecision | None
