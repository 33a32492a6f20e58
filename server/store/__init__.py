"""Storage behind one `Store` protocol; all SQL lives in this package.

Owns: the `Store` protocol, `open_store()` which picks an engine from a database URL,
and the numbered migrations in `migrations/`. May import: models, errors. The hub and
the use cases see only the protocol, so a PostgreSQL engine can sit beside SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import HearthError
from ..models import (
    Agreement,
    Alert,
    AlertKind,
    Alum,
    AlumniAccess,
    AlumniCategory,
    AlumniRoom,
    AuditEntry,
    AuthoredMessage,
    BreakGlass,
    CheckIn,
    Cohort,
    Consent,
    ConsentDecision,
    Discharge,
    Disclosure,
    Event,
    Held,
    HoldState,
    Invite,
    MemberActivity,
    Message,
    MilestoneShare,
    Outcome,
    Report,
    ReportState,
    Role,
    RoomKind,
    RoomState,
    RoomSummary,
    ScheduleChangeRow,
    ScheduleRow,
    TotpState,
    User,
)

if TYPE_CHECKING:
    from ..config import Settings
    from .sealing import Keyring

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
    # Discharge and alumni: read-only until then (a discharged member's grace period),
    # the room is closed, the member moderates this alumni room.
    access_until: float | None = None
    closed: bool = False
    moderator: bool = False


@dataclass(frozen=True)
class Posted:
    """The outcome of `add_message`: the posting event, or the original one on a re-send."""

    event: Event
    duplicate: bool


@dataclass(frozen=True)
class LegalHold:
    """A legal hold on a room or on one member: while active, nothing it covers is
    purged."""

    id: int
    room_id: int | None
    user_id: int | None
    reason: str
    created_by: int | None
    created_at: datetime
    released_by: int | None = None
    released_at: datetime | None = None


@dataclass(frozen=True)
class Purged:
    room_id: int
    messages: int
    held: int
    checkins: int = 0


@dataclass(frozen=True)
class AuditCheck:
    """The outcome of walking the audit chain: `broken_at` is the first entry id that
    does not fit (None when the whole chain holds)."""

    checked: int
    broken_at: int | None
    problem: str | None


@dataclass(frozen=True)
class Touched:
    user: User
    reasons: tuple[str, ...]


class Store(Protocol):
    # The data keys: they seal bodies and notes, and tag what the server vouches for.
    keys: Keyring

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
    async def live_sessions(self, token_hashes: Sequence[bytes]) -> set[bytes]:
        """Those of `token_hashes` whose session still exists."""
        ...

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
        schedule: tuple[str, str] | None,
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
    async def room_mutes(self, room_id: int, now: float) -> dict[int, float]:
        """Members muted in the room at `now`: user id -> when the mute ends."""
        ...

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
    async def sent(self, room_id: int, author_id: int, client_id: str) -> Posted | Held | None:
        """What a send with this client id became, if it came before: the posted message
        (also once a held one was approved), else what waits or was decided in review."""
        ...

    async def list_held(self, room_id: int) -> list[Held]: ...
    async def held_by(self, author_id: int, since: float) -> list[Held]:
        """The author's own messages still waiting, or declined, sent since `since`, in
        the rooms they are still in."""
        ...

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
        checkin_id: int | None = None,
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
    ) -> None:
        """Append to the audit log. Every entry is chained to the one before by a hash
        (see `chain.py`) and its detail is sealed; callers need do nothing for that."""

    # ---- retention, legal holds, audit chain, key rotation ----
    async def set_room_retention(self, room_id: int, days: int | None) -> None: ...
    async def room_retention(self, room_id: int) -> tuple[RoomKind, int | None] | None: ...
    async def place_hold(
        self, room_id: int | None, user_id: int | None, reason: str, by: int | None, now: float
    ) -> int: ...
    async def release_hold(self, hold_id: int, by: int | None, now: float) -> LegalHold: ...
    async def list_holds(self, active_only: bool) -> list[LegalHold]: ...
    async def purge_expired(
        self, now: float, default_days: Mapping[RoomKind, int], limit: int = 2000
    ) -> list[Purged]: ...
    async def checkpoint(self) -> bool: ...
    async def audit_head(self) -> tuple[int, str] | None: ...
    async def verify_audit(self, head: tuple[int, str] | None = None) -> AuditCheck: ...
    async def staff_touched(self, staff_id: int, since: float, until: float) -> list[Touched]: ...
    async def key_usage(self) -> dict[str, int]: ...
    async def reseal(self, batch: int = 200) -> int: ...

    # ---- access ----
    async def get_totp(self, user_id: int) -> TotpState | None: ...
    async def start_totp(self, user_id: int, secret: str) -> None:
        """Set an unconfirmed secret, unless a confirmed one exists (then Conflict)."""

    async def confirm_totp(
        self, user_id: int, step: int, recovery_hashes: Sequence[bytes], now: float
    ) -> bool:
        """Confirm the secret with a first good code; False if that step was used."""

    async def use_totp_step(self, user_id: int, step: int) -> bool:
        """Record `step` as used; False if it (or a later one) was used already."""

    async def use_recovery_code(self, user_id: int, code_hash: bytes, now: float) -> bool: ...
    async def replace_recovery_codes(self, user_id: int, hashes: Sequence[bytes]) -> None: ...
    async def recovery_codes_left(self, user_id: int) -> int: ...
    async def remove_totp(self, user_id: int) -> None: ...
    async def create_challenge(
        self, token_hash: bytes, user_id: int, expires_at: float
    ) -> None: ...
    async def get_challenge(self, token_hash: bytes) -> tuple[int, float, int] | None:
        """(user id, expires at, failed attempts)."""

    async def fail_challenge(self, token_hash: bytes) -> None: ...
    async def delete_challenge(self, token_hash: bytes) -> None: ...
    async def set_privacy_officer(self, user_id: int, on: bool) -> None: ...
    async def privacy_officers(self) -> list[int]: ...
    async def delete_expired_sessions(
        self, staff_cutoffs: tuple[float, float], member_cutoffs: tuple[float, float]
    ) -> list[tuple[bytes, int]]:
        """Delete sessions idle since, or created before, the cutoffs of their owner's
        role (staff or member); returns (token hash, user id) of each."""

    async def create_break_glass(
        self, room_id: int, user_id: int, reason: str, now: float, expires_at: float
    ) -> BreakGlass: ...
    async def active_break_glass(self, user_id: int, now: float) -> list[BreakGlass]: ...
    async def list_break_glass(self, limit: int) -> list[BreakGlass]: ...
    async def end_break_glass(self, now: float) -> list[BreakGlass]:
        """Mark every grant past its end as ended; returns those just ended."""

    async def messages_by_author(self, user_id: int) -> list[AuthoredMessage]: ...
    async def unshared_by_author(self, user_id: int) -> list[Held]:
        """A person's messages that never reached a room (held, rejected, blocked)."""

    async def room_messages(self, room_id: int) -> list[Message]: ...
    async def agreement_acceptances(self, user_id: int) -> list[tuple[int, int, float]]:
        """(room id, version, accepted at) of every acceptance."""

    async def user_created_at(self, user_id: int) -> float | None: ...
    async def add_disclosure(
        self,
        actor_id: int,
        subject_type: str,
        subject_id: int,
        recipient: str,
        purpose: str,
        format: str,
        subject_user_ids: Sequence[int],
        now: float,
    ) -> Disclosure: ...
    async def disclosures(self, about_user: int | None, limit: int) -> list[Disclosure]:
        """The ledger, newest first: all of it, or the entries that carried one person."""

    # ---- discharge and alumni ----
    async def cohort_grace_days(self, cohort_id: int) -> int: ...
    async def set_cohort_grace_days(self, cohort_id: int, days: int) -> None: ...
    async def room_closed_at(self, room_id: int) -> float | None: ...
    async def discharge(
        self,
        cohort_id: int,
        room_id: int,
        user_id: int,
        outcome: Outcome,
        note: str | None,
        by: int,
        now: float,
        access_until: float,
    ) -> Discharge:
        """Record a discharge, end (or limit to read-only) the cohort membership and
        make the person an alum, in one transaction. Raises NotFound unless they are an
        active client of that room."""

    async def list_discharges(self, cohort_id: int) -> list[Discharge]: ...
    async def end_expired_access(self, now: float) -> list[tuple[int, int]]:
        """Delete memberships whose read-only grace ended; returns (room, user) pairs."""

    async def close_room(self, room_id: int, now: float) -> float:
        """Close a room (read-only, retention clock starts); Conflict while it still has
        active clients. Returns closed_at."""

    async def readmit(self, room_id: int, user_id: int, now: float) -> list[int]:
        """An alum becomes a client of `room_id` again; they leave the alumni rooms that
        are not for mentoring. Returns the rooms left."""

    async def record_consent(
        self, user_id: int, version: int, decision: ConsentDecision, now: float
    ) -> Consent: ...
    async def latest_consent(self, user_id: int) -> Consent | None: ...
    async def list_alumni(self) -> list[Alum]: ...
    async def create_alumni_room(
        self,
        name: str,
        category: AlumniCategory,
        access: AlumniAccess,
        description: str,
        staff_ids: Sequence[int],
        agreement: str,
        policy: dict[str, str],
        by: int,
        now: float,
    ) -> int: ...
    async def alumni_rooms(self, user_id: int) -> list[AlumniRoom]: ...
    async def get_alumni_room(self, room_id: int, user_id: int) -> AlumniRoom | None: ...
    async def join_room(self, room_id: int, user_id: int, role: Role, now: float) -> bool:
        """Add a member (accepting no agreement yet); False if already one."""

    async def invite_to_room(self, room_id: int, user_id: int, by: int, now: float) -> None: ...
    async def leave_alumni_rooms(self, user_id: int) -> list[int]:
        """Leave every alumni room where the person is an alum; returns the rooms."""

    async def set_moderator(self, room_id: int, user_id: int, moderator: bool) -> bool: ...
    async def room_moderators(self, room_id: int) -> list[int]: ...
    async def set_notifications_muted(self, room_id: int, user_id: int, muted: bool) -> bool: ...

    # ---- routine ----
    async def add_card(
        self,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        card: dict[str, Any],
        now: float,
    ) -> Posted:
        """Post a card to the room log; a re-sent `client_id` returns the original."""

    async def add_checkin(
        self,
        room_id: int,
        author: User,
        day: str,
        values: tuple[int, int, bool],
        note: str,
        shared: bool,
        labels: Sequence[str],
        card: dict[str, Any] | None,
        now: float,
    ) -> tuple[CheckIn, Event | None]:
        """Raises `Conflict` when this member already checked in that day."""

    async def get_checkin(self, checkin_id: int) -> CheckIn | None: ...
    async def checkins(
        self, room_id: int, user_id: int | None, since_day: str
    ) -> list[CheckIn]: ...
    async def checkins_of(self, user_id: int) -> list[CheckIn]:
        """Every check-in of this person, in every room, oldest first (their export)."""

    async def member_activity(self, room_id: int) -> list[MemberActivity]: ...
    async def get_schedule(self, room_id: int) -> ScheduleRow | None: ...
    async def set_schedule(
        self, room_id: int, time_zone: str, sessions: str, by: int, now: float
    ) -> None: ...
    async def schedule_changes(self, room_id: int, since: float) -> list[ScheduleChangeRow]: ...
    async def add_schedule_change(
        self,
        room_id: int,
        author: User,
        occurrence_at: float,
        kind: str,
        new_start: float | None,
        note: str,
        card: dict[str, Any],
        now: float,
    ) -> tuple[ScheduleChangeRow, Event]: ...
    async def set_reminder(self, room_id: int, user_id: int, minutes: int | None) -> None: ...
    async def get_reminder(self, room_id: int, user_id: int) -> int | None: ...
    async def set_sobriety_date(self, user_id: int, since: str | None) -> None: ...
    async def get_sobriety_date(self, user_id: int) -> str | None: ...
    async def set_milestone_share(self, room_id: int, user_id: int, share: bool) -> None: ...
    async def milestone_rooms(self, user_id: int) -> list[int]: ...
    async def milestone_shares(self, room_id: int | None = None) -> list[MilestoneShare]:
        """Opted-in members (still in the room) with a sobriety date, per room."""


class UnsupportedDatabase(HearthError):
    pass


def open_store(url: str, *, synchronous: str = "FULL", keyring: Keyring | None = None) -> Store:
    """Pick the engine for a database URL (`sqlite:///path`, `sqlite:///:memory:`, or
    `postgresql://user@host/db`, which needs the `scale` extra: asyncpg). Without a
    keyring, the key file beside the database is used (created if absent)."""
    if is_postgres(url):
        from .postgres import PgStore
        from .sealing import SealError

        if keyring is None:
            # No database file to keep a key beside: the caller must bring the keys.
            raise SealError(PG_KEYS_NEEDED)
        return PgStore(url, keyring=keyring)
    if url.startswith("sqlite://"):
        from .sqlite import SqliteStore

        path = url.removeprefix("sqlite://").removeprefix("/") or ":memory:"
        return SqliteStore(path, synchronous=synchronous, keyring=keyring)
    raise UnsupportedDatabase(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


PG_KEYS_NEEDED = (
    "PostgreSQL needs its data keys from HEARTH_KEY_FILE (a key file every Hearth process"
    " shares; created with a fresh key if absent) or HEARTH_DATA_KEY: there is no"
    " database file to keep a key beside (see docs/deploy.md)"
)


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def key_file_path(settings: Settings) -> Path:
    """The key file the settings name: HEARTH_KEY_FILE, else (SQLite only)
    `<database>.key` beside the database."""
    from .sealing import SealError, default_key_file

    if settings.key_file:
        return Path(settings.key_file)
    if is_postgres(settings.database):
        raise SealError(PG_KEYS_NEEDED)
    return default_key_file(database_path(settings.database))


def database_path(url: str) -> str:
    return url.removeprefix("sqlite://").removeprefix("/") or ":memory:"


def open_store_for(settings: Settings) -> Store:
    """The store the settings describe, with its data keys (`HEARTH_DATA_KEY`, or
    `HEARTH_KEY_FILE`, or `<database>.key` beside the database)."""
    from .sealing import SealError, load_keyring

    if is_postgres(settings.database) and not settings.key_file and not str(settings.data_key):
        raise SealError(PG_KEYS_NEEDED)
    keyring = load_keyring(
        database_path(settings.database), settings.key_file, str(settings.data_key)
    )
    return open_store(settings.database, synchronous=settings.sqlite_synchronous, keyring=keyring)
