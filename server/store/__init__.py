"""Storage behind one `Store` protocol; all SQL lives in this package.

Owns: the `Store` protocol, `open_store()` which picks an engine from a database URL,
and the numbered migrations in `migrations/`. May import: models, errors. The hub and
the use cases see only the protocol, so a PostgreSQL engine can sit beside SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import HearthError
from ..models import (
    Agreement,
    Alert,
    AlertKind,
    AuditEntry,
    Cohort,
    Event,
    Held,
    HoldState,
    Invite,
    Message,
    Report,
    ReportState,
    Role,
    RoomState,
    RoomSummary,
    User,
)

CommitListener = Callable[[Sequence[Event]], None]


@dataclass(frozen=True)
class SessionRow:
    user: User
    created_at: float
    last_seen_at: float


@dataclass(frozen=True)
class Membership:
    room_id: int
    role: Role
    read_seq: int
    accepted_version: int
    agreement_version: int
    muted_until: float | None = None
    mute_reason: str | None = None


@dataclass(frozen=True)
class Posted:
    """The outcome of `add_message`: the posting event, or the original one on a re-send."""

    event: Event
    duplicate: bool


class Store(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def on_commit(self, listener: CommitListener) -> None:
        """Call `listener` with each committed batch of room events, in sequence order,
        before any writer is told its write succeeded (persist, then publish)."""

    # accounts
    async def create_user(
        self, username: str, display_name: str, role: Role, password_hash: str, now: float
    ) -> User: ...
    async def count_users(self, role: Role | None = None) -> int: ...
    async def get_user(self, user_id: int) -> User | None: ...
    async def find_login(self, username: str) -> tuple[User, str] | None: ...
    async def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    async def set_privacy(self, user_id: int, hide_presence: bool, hide_read: bool) -> User: ...
    async def list_users(self, role: Role | None = None) -> list[User]: ...

    # sessions
    async def create_session(self, token_hash: bytes, user_id: int, now: float) -> None: ...
    async def get_session(self, token_hash: bytes) -> SessionRow | None: ...
    async def touch_session(self, token_hash: bytes, now: float) -> None: ...
    async def delete_session(self, token_hash: bytes) -> None: ...
    async def delete_user_sessions(self, user_id: int) -> list[bytes]: ...
    async def delete_sessions_before(
        self, idle_cutoff: float, absolute_cutoff: float
    ) -> list[bytes]: ...

    # cohorts, agreements, invites
    async def create_cohort(
        self,
        name: str,
        schedule: str,
        facilitator_ids: Sequence[int],
        agreement: str,
        created_by: int,
        now: float,
    ) -> Cohort: ...
    async def get_cohort(self, cohort_id: int) -> Cohort | None: ...
    async def list_cohorts(self, user_id: int | None) -> list[Cohort]: ...
    async def set_agreement(self, room_id: int, text: str, by: int, now: float) -> Agreement: ...
    async def get_agreement(self, room_id: int) -> Agreement | None: ...
    async def accept_agreement(
        self, room_id: int, user_id: int, version: int, now: float
    ) -> None: ...
    async def create_invite(
        self, token_hash: bytes, cohort_id: int, by: int, now: float, expires_at: float
    ) -> None: ...
    async def get_invite(self, token_hash: bytes, now: float) -> Invite | None: ...
    async def redeem_invite(
        self,
        token_hash: bytes,
        now: float,
        username: str,
        display_name: str,
        password_hash: str,
        accepted_version: int,
    ) -> User: ...

    # rooms and membership
    async def memberships(self, user_id: int) -> dict[int, Membership]: ...
    async def membership(self, room_id: int, user_id: int) -> Membership | None: ...
    async def room_summaries(self, user_id: int) -> list[RoomSummary]: ...
    async def room_members(self, room_id: int) -> list[tuple[User, Role]]: ...
    async def set_read(self, room_id: int, user_id: int, seq: int) -> int: ...

    # the room log
    async def add_message(
        self,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        reply_to: int | None,
        now: float,
    ) -> Posted: ...
    async def edit_message(
        self, room_id: int, seq: int, author_id: int, text: str, now: float
    ) -> Event: ...
    async def delete_message(self, room_id: int, seq: int, author_id: int, now: float) -> Event: ...
    async def react(
        self, room_id: int, seq: int, user_id: int, reaction: str, add: bool, now: float
    ) -> Event: ...
    async def get_message(self, room_id: int, seq: int) -> Message | None: ...
    async def events_after(self, room_id: int, after_seq: int, limit: int) -> list[Event]: ...
    async def latest_seq(self, room_id: int) -> int: ...
    async def history(self, room_id: int, before_seq: int | None, limit: int) -> list[Message]: ...

    # moderation
    async def room_state(self, room_id: int) -> RoomState | None: ...
    async def set_room_state(
        self,
        room_id: int,
        *,
        locked: bool | None = None,
        slow_mode_seconds: int | None = None,
        policy: dict[str, str] | None = None,
    ) -> RoomState: ...
    async def room_staff(self, room_id: int) -> list[int]: ...
    async def set_mute(
        self, room_id: int, user_id: int, until: float | None, reason: str | None
    ) -> None: ...
    async def remove_member(self, room_id: int, user_id: int) -> bool: ...
    async def set_suspended(self, user_id: int, suspended: bool) -> list[bytes]: ...
    async def remove_message(
        self, room_id: int, seq: int, by: int, reason: str, now: float
    ) -> Event: ...
    async def hold_message(
        self,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        reply_to: int | None,
        labels: Sequence[str],
        state: HoldState,
        now: float,
    ) -> tuple[Held, bool]: ...
    async def get_held(self, held_id: int) -> Held | None: ...
    async def list_held(self, room_id: int) -> list[Held]: ...
    async def approve_held(self, held_id: int, by: int, now: float) -> tuple[Held, Event]: ...
    async def reject_held(self, held_id: int, by: int, note: str, now: float) -> Held: ...
    async def create_alert(
        self,
        room_id: int,
        kind: AlertKind,
        urgent: bool,
        subject_id: int,
        message_seq: int | None,
        held_id: int | None,
        labels: Sequence[str],
        rules: Sequence[str],
        now: float,
    ) -> Alert: ...
    async def get_alert(self, alert_id: int) -> Alert | None: ...
    async def acknowledge_alerts_for_held(
        self, held_id: int, by: int, now: float
    ) -> list[Alert]: ...
    async def get_report(self, report_id: int) -> Report | None: ...
    async def list_alerts(self, room_ids: Sequence[int], open_only: bool) -> list[Alert]: ...
    async def acknowledge_alert(self, alert_id: int, by: int, now: float) -> Alert: ...
    async def create_report(
        self, room_id: int, message_seq: int, reporter_id: int, reason: str, now: float
    ) -> Report: ...
    async def list_reports(self, room_ids: Sequence[int], open_only: bool) -> list[Report]: ...
    async def set_report_state(
        self, report_id: int, state: ReportState, by: int, note: str, now: float
    ) -> Report: ...
    async def audit_entries(
        self, room_ids: Sequence[int] | None, limit: int
    ) -> list[AuditEntry]: ...

    # audit
    async def audit(
        self,
        now: float,
        actor_id: int | None,
        action: str,
        *,
        subject_type: str | None = None,
        subject_id: int | None = None,
        room_id: int | None = None,
        detail: str = "{}",
    ) -> None: ...


class UnsupportedDatabase(HearthError):
    pass


def open_store(url: str, *, synchronous: str = "FULL") -> Store:
    """Pick the engine for a database URL (`sqlite:///path`, `sqlite:///:memory:`, or
    `postgresql://user@host/db`, which needs the `scale` extra: asyncpg)."""
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PgStore

        return PgStore(url)
    if url.startswith("sqlite://"):
        from .sqlite import SqliteStore

        path = url.removeprefix("sqlite://").removeprefix("/") or ":memory:"
        return SqliteStore(path, synchronous=synchronous)
    raise UnsupportedDatabase(f"unsupported database URL scheme: {url.split(':', 1)[0]}")
