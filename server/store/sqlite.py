"""The embedded SQLite engine of the `Store` protocol (aiosqlite, WAL).

Owns: SQLite connections, migrations on open, and group commit. May import: models,
errors, and its package.

Durability: an acknowledged write is committed with `synchronous=FULL` in WAL mode, so
it survives `kill -9` and a power cut. Throughput comes from group commit: every write
goes through one writer task that takes all writes waiting at that moment and commits
them in one transaction (one fsync for the lot). If any write in a batch fails, the
batch is rolled back and each write is replayed in a transaction of its own, so one bad
write never fails its neighbours.

Confidentiality: bodies and staff notes are sealed on the way in and opened on the way
out (`sealing.py`), so nothing above the store sees ciphertext and nothing on disk is
plain text; `secure_delete` and a WAL checkpoint after any removal leave no deleted
text in the files; audit entries are hash-chained on the writer thread (`chain.py`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from ..errors import Code, Conflict, Forbidden, HearthError, NotFound, StoreUnavailable
from ..models import (
    Agreement,
    Alert,
    AlertKind,
    Alum,
    AlumniAccess,
    AlumniCategory,
    AlumniRoom,
    AuditEntry,
    Author,
    AuthoredMessage,
    BreakGlass,
    CheckIn,
    Cohort,
    Consent,
    ConsentDecision,
    Discharge,
    Disclosure,
    Event,
    EventKind,
    Held,
    HoldState,
    Invite,
    MemberActivity,
    Message,
    MilestoneShare,
    Outcome,
    ReplyRef,
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
from . import AuditCheck, CommitListener, LegalHold, Membership, Posted, Purged, SessionRow, Touched
from .chain import GENESIS, entry_hash
from .sealing import Keyring, SealError, load_keyring

log = logging.getLogger(__name__)


class _NoStatementLogs(logging.Filter):
    """aiosqlite logs every statement with its parameters at DEBUG (usernames, and any
    text a query carries); whatever the log level, those records are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_AIOSQLITE_LOG = logging.getLogger("aiosqlite")
if not any(isinstance(f, _NoStatementLogs) for f in _AIOSQLITE_LOG.filters):
    _AIOSQLITE_LOG.addFilter(_NoStatementLogs())


class _Failed:
    """A job that failed on the writer thread, carried back to its writer."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


def _fetchall(db: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    return db.execute(sql, tuple(params)).fetchall()


T = TypeVar("T")
Job = Callable[[sqlite3.Connection], tuple[T, list[Event]]]

EXCERPT_CHARS = 120
MAX_BATCH = 512


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _user(row: Sequence[Any]) -> User:
    # id, username, display_name, role, hide_presence, hide_read, suspended
    return User(
        id=row[0],
        username=row[1],
        display_name=row[2],
        role=Role(row[3]),
        hide_presence=bool(row[4]),
        hide_read=bool(row[5]),
        suspended=bool(row[6]),
    )


USER_COLS = "u.id, u.username, u.display_name, u.role, u.hide_presence, u.hide_read, u.suspended"

MESSAGE_SQL = """
SELECT m.seq, m.author_id, a.display_name, m.body, m.sent_at, m.client_id, m.edited_at,
       m.deleted_at, m.reply_to, r.author_id, ra.display_name, r.body, r.deleted_at,
       m.removed_by, m.card
FROM messages m
JOIN users a ON a.id = m.author_id
LEFT JOIN messages r ON r.room_id = m.room_id AND r.seq = m.reply_to
LEFT JOIN users ra ON ra.id = r.author_id
"""


class Rows:
    """What both engines read the same way: the SELECT heads of the moderation, alumni,
    access and routine tables and the mapping of their rows to models (sealed columns
    opened with the engine's keys)."""

    keys: Keyring

    HELD_SQL = (
        "SELECT h.id, h.room_id, h.author_id, u.display_name, h.client_id, h.body, h.reply_to,"
        " h.sent_at, h.labels, h.state, h.note, h.message_seq"
        " FROM held_messages h JOIN users u ON u.id = h.author_id "
    )

    @staticmethod
    def _posted_before(message: Message) -> Posted:
        """What a re-send of `message`'s client id gets back: its first posting."""
        event = Event(
            room_id=message.room_id, seq=message.seq, kind=EventKind.POSTED, message=message
        )
        return Posted(event=event, duplicate=True)

    def _held(self, r: Sequence[Any]) -> Held:
        return Held(
            id=r[0],
            room_id=r[1],
            author=Author(r[2], r[3]),
            client_id=r[4],
            text=self.keys.open(r[5], _aad_held(r[1], r[2], r[4])) or "",
            reply_to=r[6],
            sent_at=datetime.fromtimestamp(r[7], UTC),
            labels=tuple(json.loads(r[8])),
            state=HoldState(r[9]),
            note=self.keys.open(r[10], f"hn|{r[0]}"),
            message_seq=r[11],
        )

    ALERT_SQL = (
        "SELECT a.id, a.room_id, a.kind, a.urgent, a.subject_id, u.display_name, a.message_seq,"
        " a.held_id, a.labels, a.rules, a.created_at, a.acknowledged_by, a.acknowledged_at,"
        " a.checkin_id"
        " FROM alerts a JOIN users u ON u.id = a.subject_id "
    )

    @staticmethod
    def _alert(r: Sequence[Any]) -> Alert:
        return Alert(
            id=r[0],
            room_id=r[1],
            kind=AlertKind(r[2]),
            urgent=bool(r[3]),
            subject=Author(r[4], r[5]),
            message_seq=r[6],
            held_id=r[7],
            labels=tuple(json.loads(r[8])),
            rules=tuple(json.loads(r[9])),
            created_at=datetime.fromtimestamp(r[10], UTC),
            acknowledged_by=r[11],
            acknowledged_at=_dt(r[12]),
            checkin_id=r[13],
        )

    # The reported message rides along (LEFT JOIN: retention may have purged it).
    REPORT_SQL = (
        "SELECT r.id, r.room_id, r.message_seq, r.reporter_id, u.display_name, r.reason,"
        " r.state, r.created_at, r.handled_by, r.note,"
        " m.author_id, ma.display_name, m.body, m.removed_by"
        " FROM reports r JOIN users u ON u.id = r.reporter_id"
        " LEFT JOIN messages m ON m.room_id = r.room_id AND m.seq = r.message_seq"
        " LEFT JOIN users ma ON ma.id = m.author_id "
    )

    def _report(self, r: Sequence[Any]) -> Report:
        removed = r[13] is not None
        return Report(
            id=r[0],
            room_id=r[1],
            message_seq=r[2],
            reporter=Author(r[3], r[4]),
            reason=self.keys.open(r[5], _aad_report(r[1], r[2], r[3])) or "",
            state=ReportState(r[6]),
            created_at=datetime.fromtimestamp(r[7], UTC),
            handled_by=r[8],
            note=self.keys.open(r[9], f"rn|{r[0]}"),
            author=None if r[10] is None else Author(r[10], r[11]),
            # A removed message's original is read at GET .../original, which is audited.
            excerpt=None if removed else _clip(self.keys.open(r[12], _aad_body(r[1], r[2]))),
            removed=removed,
        )

    DISCHARGE_SQL = (
        "SELECT d.id, d.cohort_id, d.user_id, u.display_name, d.outcome, d.note,"
        " d.discharged_by, d.discharged_at, d.access_until"
        " FROM discharges d JOIN users u ON u.id = d.user_id "
    )

    def _discharge(self, r: Sequence[Any]) -> Discharge:
        return Discharge(
            id=r[0],
            cohort_id=r[1],
            user=Author(r[2], r[3]),
            outcome=Outcome(r[4]),
            note=self.keys.open(r[5], _aad_discharge(r[1], r[2], r[7])),
            by=r[6],
            at=datetime.fromtimestamp(r[7], UTC),
            access_until=datetime.fromtimestamp(r[8], UTC),
        )

    ALUMNI_ROOM_SQL = (
        "SELECT r.id, r.name, a.category, a.access, a.description,"
        " (SELECT count(*) FROM room_members x WHERE x.room_id = r.id AND x.role != 'facilitator'),"
        " EXISTS(SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = ?),"
        " EXISTS(SELECT 1 FROM alumni_invitations i WHERE i.room_id = r.id AND i.user_id = ?)"
        " FROM alumni_rooms a JOIN rooms r ON r.id = a.room_id "
    )

    @staticmethod
    def _alumni_room(r: Sequence[Any]) -> AlumniRoom:
        return AlumniRoom(
            id=r[0],
            name=r[1],
            category=AlumniCategory(r[2]),
            access=AlumniAccess(r[3]),
            description=r[4],
            member_count=int(r[5]),
            joined=bool(r[6]),
            invited=bool(r[7]),
        )

    _GRANT_SQL = (
        "SELECT g.id, g.room_id, r.name, g.user_id, u.display_name, g.reason, g.created_at,"
        " g.expires_at, g.ended_at FROM break_glass g JOIN rooms r ON r.id = g.room_id"
        " JOIN users u ON u.id = g.user_id "
    )

    @staticmethod
    def _grant(r: Sequence[Any]) -> BreakGlass:
        return BreakGlass(
            id=r[0],
            room_id=r[1],
            room_name=r[2],
            user=Author(r[3], r[4]),
            reason=r[5],
            created_at=datetime.fromtimestamp(r[6], UTC),
            expires_at=datetime.fromtimestamp(r[7], UTC),
            ended=r[8] is not None,
        )

    _DISCLOSURE_SQL = (
        "SELECT d.id, d.at, d.actor_id, a.display_name, d.subject_type, d.subject_id,"
        " CASE d.subject_type WHEN 'room' THEN (SELECT name FROM rooms WHERE id = d.subject_id)"
        " ELSE (SELECT display_name FROM users WHERE id = d.subject_id) END,"
        " d.recipient, d.purpose, d.format FROM disclosures d JOIN users a ON a.id = d.actor_id "
    )

    @staticmethod
    def _disclosure(r: Sequence[Any]) -> Disclosure:
        return Disclosure(
            id=r[0],
            at=datetime.fromtimestamp(r[1], UTC),
            actor=Author(r[2], r[3]),
            subject_type=r[4],
            subject_id=r[5],
            subject_name=r[6] or "",
            recipient=r[7],
            purpose=r[8],
            format=r[9],
        )

    CHECKIN_SQL = (
        "SELECT c.id, c.room_id, c.user_id, u.display_name, c.day, c.mood, c.craving,"
        " c.on_plan, c.note, c.shared, c.labels, c.message_seq, c.created_at"
        " FROM checkins c JOIN users u ON u.id = c.user_id "
    )

    def _checkin(self, r: Sequence[Any]) -> CheckIn:
        return CheckIn(
            id=r[0],
            room_id=r[1],
            user=Author(r[2], r[3]),
            day=r[4],
            mood=r[5],
            craving=r[6],
            on_plan=bool(r[7]),
            note=self.keys.open(r[8], _aad_checkin(r[1], r[2], r[4])) or "",
            shared=bool(r[9]),
            labels=tuple(json.loads(r[10])),
            message_seq=r[11],
            created_at=datetime.fromtimestamp(r[12], UTC),
        )

    CHANGE_SQL = (
        "SELECT id, room_id, occurrence_at, kind, new_start, note, created_by, message_seq"
        " FROM schedule_changes "
    )


class _Pending:
    __slots__ = ("job", "future")

    def __init__(self, job: Job[Any], future: asyncio.Future[Any]) -> None:
        self.job = job
        self.future = future


class SqliteStore(Rows):
    """Readers share an aiosqlite connection; writes run on one thread of their own.

    Group commit needs a whole batch to run as one call on the connection's thread, and
    aiosqlite has no public way to run a function there, so the writer is a stdlib
    `sqlite3` connection owned by a single-thread executor: one thread hop per batch,
    not per statement.
    """

    def __init__(
        self, path: str, *, synchronous: str = "FULL", keyring: Keyring | None = None
    ) -> None:
        self.path = path
        self.synchronous = synchronous
        # Bodies and staff notes are sealed with these keys (see sealing.py).
        self.keys = keyring if keyring is not None else load_keyring(path)
        # The audit chain's last (id, hash), owned by the writer thread.
        self._audit_head: tuple[int, bytes] | None = None
        # Set by a job that removed text: checkpoint the WAL right after its commit.
        self._checkpoint_due = False
        # Where the resealer stopped in each sealed column (None: nothing left there).
        self._reseal_after: dict[tuple[str, str], int | None] = {}
        self._writer: sqlite3.Connection | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._reader: aiosqlite.Connection | None = None
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None
        self._listeners: list[CommitListener] = []
        # Next sequence per room, owned by the writer thread; cleared on rollback.
        self._latest: dict[int, int] = {}
        # Room-log rows of the batch being written, flushed in one go before COMMIT.
        self._log_rows: list[tuple[int, int, str, int, int, float]] = []

    # ---- lifecycle ---------------------------------------------------------------

    @property
    def _uri(self) -> str:
        if self.path == ":memory:":
            # One in-memory database shared by the writer and the reader.
            return f"file:hearth-{id(self)}?mode=memory&cache=shared"
        return Path(self.path).resolve().as_uri()

    def _connect_writer(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._uri, uri=True, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={self.synchronous}")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        # Deleted text is overwritten with zeros, not left in free pages.
        db.execute("PRAGMA secure_delete=ON")
        self._migrate(db)
        self._check_keys(db)
        self._chain_unchained(db)
        return db

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        loop = asyncio.get_running_loop()
        self._writer = await loop.run_in_executor(self._thread, self._connect_writer)
        self._reader = await aiosqlite.connect(self._uri, uri=True, isolation_level=None)
        await self._reader.execute("PRAGMA busy_timeout=5000")
        await self._reader.execute("PRAGMA query_only=ON")
        await self._reader.execute("PRAGMA secure_delete=ON")
        self._writer_task = asyncio.create_task(self._write_loop(), name="sqlite-writer")

    async def close(self) -> None:
        if self._writer_task is not None:
            self._writer_task.cancel()
            try:
                await self._writer_task
            except asyncio.CancelledError:
                pass
            self._writer_task = None
        while not self._queue.empty():
            p = self._queue.get_nowait()
            if not p.future.done():
                p.future.set_exception(StoreUnavailable("the store is closing", retry_after=1))
        if self._reader is not None:
            await self._reader.close()
        if self._thread is not None:
            writer = self._writer
            if writer is not None:
                await asyncio.get_running_loop().run_in_executor(self._thread, writer.close)
            self._thread.shutdown(wait=True)
        self._reader = self._writer = self._thread = None

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        done = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
        scripts = sorted(
            (
                f
                for f in resources.files("server.store").joinpath("migrations").iterdir()
                if f.name.endswith(".sql")
            ),
            key=lambda f: f.name,
        )
        for script in scripts:
            version = int(script.name.split("_", 1)[0])
            if version in done:
                continue
            log.info("applying migration %s", script.name)
            db.executescript(
                "BEGIN;"
                + script.read_text(encoding="utf-8")
                + f";INSERT INTO schema_migrations(version) VALUES ({version}); COMMIT;"
            )

    def on_commit(self, listener: CommitListener) -> None:
        self._listeners.append(listener)

    # ---- group commit ------------------------------------------------------------

    async def _write(self, job: Job[T]) -> T:
        if self._writer_task is None:
            raise StoreUnavailable("the store is not open", retry_after=1)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(job, future))
        return await future

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            # One pass of the loop lets the sends already read from other sockets join
            # this batch: bigger batches, fewer fsyncs, no timer.
            await asyncio.sleep(0)
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await loop.run_in_executor(
                    self._thread, self._run_batch, [p.job for p in batch]
                )
            except asyncio.CancelledError:
                for p in batch:
                    if not p.future.done():
                        p.future.set_exception(
                            StoreUnavailable("the store is closing", retry_after=1)
                        )
                raise
            except Exception as exc:  # noqa: BLE001 - the writer must outlive any batch
                log.error("write batch failed: %s", type(exc).__name__)
                outcomes = [(_Failed(exc), []) for _ in batch]
            # Persist, then publish in commit order, then tell each writer.
            for _result, events in outcomes:
                if events:
                    self._publish(events)
            for p, (result, _events) in zip(batch, outcomes, strict=True):
                if isinstance(result, _Failed):
                    self._fail(p, result.error)
                elif not p.future.done():
                    p.future.set_result(result)

    def _run_batch(self, jobs: list[Job[Any]]) -> list[tuple[Any, list[Event]]]:
        """On the writer thread: the whole batch in one transaction and one fsync. If
        anything fails, roll back and run each job alone, so one bad write never fails
        its neighbours."""
        db = self._writer
        assert db is not None
        try:
            return self._transaction(db, jobs)
        except Exception as exc:  # noqa: BLE001 - any failure means "replay one by one"
            self._rollback(db)
            if len(jobs) == 1:
                return [(_Failed(exc), [])]
            outcomes: list[tuple[Any, list[Event]]] = []
            for job in jobs:
                try:
                    outcomes.extend(self._transaction(db, [job]))
                except Exception as exc:  # noqa: BLE001 - reported to that writer alone
                    self._rollback(db)
                    outcomes.append((_Failed(exc), []))
        return outcomes

    def _transaction(
        self, db: sqlite3.Connection, jobs: list[Job[Any]]
    ) -> list[tuple[Any, list[Event]]]:
        db.execute("BEGIN IMMEDIATE")
        # The audit chain's head is read afresh under the write lock: another process
        # (the operator's `hearth` command) may have appended since.
        self._audit_head = None
        outcomes = [job(db) for job in jobs]
        self._flush_log(db)
        db.execute("COMMIT")
        if self._checkpoint_due:
            self._checkpoint(db)
        return outcomes

    def _log(
        self, room_id: int, seq: int, kind: EventKind, message_seq: int, actor: int, now: float
    ) -> None:
        self._log_rows.append((room_id, seq, kind.value, message_seq, actor, now))

    def _flush_log(self, db: sqlite3.Connection) -> None:
        """One statement for the batch's log rows, one per room for its position."""
        if not self._log_rows:
            return
        rows, self._log_rows = self._log_rows, []
        db.executemany(
            "INSERT INTO events(room_id, seq, kind, message_seq, actor_id, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        latest = {room: self._latest[room] for room in {r[0] for r in rows}}
        db.executemany(
            "UPDATE rooms SET latest_seq = ? WHERE id = ?", [(s, r) for r, s in latest.items()]
        )

    def _rollback(self, db: sqlite3.Connection) -> None:
        self._latest.clear()
        self._log_rows.clear()
        self._audit_head = None
        self._checkpoint_due = False
        self._reseal_after.clear()
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _fail(self, p: _Pending, exc: Exception) -> None:
        if p.future.done():
            return
        if isinstance(exc, HearthError):
            p.future.set_exception(exc)
        elif isinstance(exc, sqlite3.IntegrityError):
            p.future.set_exception(Conflict("that conflicts with an existing record"))
        else:
            log.error("write failed: %s", type(exc).__name__)
            p.future.set_exception(StoreUnavailable("could not save; please retry", retry_after=1))

    def _publish(self, events: list[Event]) -> None:
        if not events:
            return
        for listener in self._listeners:
            try:
                listener(events)
            except Exception:
                log.exception("commit listener failed")

    def _next_seq(self, db: sqlite3.Connection, room_id: int) -> int:
        if room_id not in self._latest:
            row = self._one_now(db, "SELECT latest_seq FROM rooms WHERE id = ?", (room_id,))
            if row is None:
                raise NotFound("no such room")
            self._latest[room_id] = int(row[0])
        self._latest[room_id] += 1
        return self._latest[room_id]

    @staticmethod
    async def _one(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = list(await db.execute_fetchall(sql, tuple(params)))
        return rows[0] if rows else None

    @staticmethod
    def _one_now(db: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> Any:
        return db.execute(sql, tuple(params)).fetchone()

    @property
    def _r(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise StoreUnavailable("the store is not open", retry_after=1)
        return self._reader

    # ---- accounts ----------------------------------------------------------------

    async def create_user(
        self, username: str, display_name: str, role: Role, password_hash: str, now: float
    ) -> User:
        def job(db: sqlite3.Connection) -> tuple[User, list[Event]]:
            return self._insert_user(db, username, display_name, role, password_hash, now), []

        return await self._write(job)

    def _insert_user(
        self,
        db: sqlite3.Connection,
        username: str,
        display_name: str,
        role: Role,
        password_hash: str,
        now: float,
    ) -> User:
        if self._one_now(db, "SELECT 1 FROM users WHERE username = ?", (username,)):
            raise Conflict("that username is taken")
        cur = db.execute(
            "INSERT INTO users(username, display_name, role, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (username, display_name, role.value, password_hash, now),
        )
        assert cur.lastrowid is not None
        return User(id=cur.lastrowid, username=username, display_name=display_name, role=role)

    async def count_users(self, role: Role | None = None) -> int:
        if role is None:
            row = await self._one(self._r, "SELECT count(*) FROM users")
        else:
            row = await self._one(
                self._r, "SELECT count(*) FROM users WHERE role = ?", (role.value,)
            )
        return int(row[0])

    async def get_user(self, user_id: int) -> User | None:
        row = await self._one(
            self._r, f"SELECT {USER_COLS} FROM users u WHERE u.id = ?", (user_id,)
        )
        return None if row is None else _user(row)

    async def list_users(self, role: Role | None = None) -> list[User]:
        if role is None:
            rows = await self._r.execute_fetchall(f"SELECT {USER_COLS} FROM users u ORDER BY u.id")
        else:
            rows = await self._r.execute_fetchall(
                f"SELECT {USER_COLS} FROM users u WHERE u.role = ? ORDER BY u.id", (role.value,)
            )
        return [_user(r) for r in rows]

    async def find_login(self, username: str) -> tuple[User, str] | None:
        row = await self._one(
            self._r,
            f"SELECT {USER_COLS}, u.password_hash FROM users u WHERE u.username = ?",
            (username,),
        )
        return None if row is None else (_user(row), row[7])

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            return None, []

        await self._write(job)

    async def set_privacy(self, user_id: int, hide_presence: bool, hide_read: bool) -> User:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "UPDATE users SET hide_presence = ?, hide_read = ? WHERE id = ?",
                (int(hide_presence), int(hide_read), user_id),
            )
            return None, []

        await self._write(job)
        user = await self.get_user(user_id)
        if user is None:
            raise NotFound("no such user")
        return user

    # ---- sessions ----------------------------------------------------------------

    async def create_session(self, token_hash: bytes, user_id: int, now: float) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "INSERT INTO sessions(token_hash, user_id, created_at, last_seen_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, now),
            )
            return None, []

        await self._write(job)

    async def get_session(self, token_hash: bytes) -> SessionRow | None:
        row = await self._one(
            self._r,
            f"SELECT {USER_COLS}, s.created_at, s.last_seen_at FROM sessions s"
            " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            (token_hash,),
        )
        if row is None:
            return None
        return SessionRow(user=_user(row), created_at=row[7], last_seen_at=row[8])

    async def live_sessions(self, token_hashes: Sequence[bytes]) -> set[bytes]:
        live: set[bytes] = set()
        for i in range(0, len(token_hashes), 500):
            chunk = token_hashes[i : i + 500]
            sql = "SELECT token_hash FROM sessions WHERE token_hash IN ({})".format(
                ", ".join("?" * len(chunk))
            )
            live.update(bytes(row[0]) for row in await self._r.execute_fetchall(sql, tuple(chunk)))
        return live

    async def touch_session(self, token_hash: bytes, now: float) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", (now, token_hash)
            )
            return None, []

        await self._write(job)

    async def delete_session(self, token_hash: bytes) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))
            return None, []

        await self._write(job)

    async def delete_user_sessions(self, user_id: int) -> list[bytes]:
        def job(db: sqlite3.Connection) -> tuple[list[bytes], list[Event]]:
            rows = _fetchall(
                db, "DELETE FROM sessions WHERE user_id = ? RETURNING token_hash", (user_id,)
            )
            return [bytes(r[0]) for r in rows], []

        return await self._write(job)

    async def delete_sessions_before(
        self, idle_cutoff: float, absolute_cutoff: float
    ) -> list[bytes]:
        def job(db: sqlite3.Connection) -> tuple[list[bytes], list[Event]]:
            rows = _fetchall(
                db,
                "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?"
                " RETURNING token_hash",
                (idle_cutoff, absolute_cutoff),
            )
            return [bytes(r[0]) for r in rows], []

        return await self._write(job)

    # ---- cohorts, agreements, invites -------------------------------------------

    async def create_cohort(
        self,
        name: str,
        schedule: tuple[str, str] | None,
        facilitator_ids: Sequence[int],
        agreement: str,
        created_by: int,
        now: float,
    ) -> Cohort:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO rooms(kind, name, agreement_version, created_at) VALUES (?, ?, 1, ?)",
                (RoomKind.COHORT.value, name, now),
            )
            room_id = cur.lastrowid
            db.execute(
                "INSERT INTO agreements(room_id, version, text, created_by, created_at)"
                " VALUES (?, 1, ?, ?, ?)",
                (room_id, agreement, created_by, now),
            )
            cur = db.execute(
                "INSERT INTO cohorts(name, room_id, created_by, created_at) VALUES (?, ?, ?, ?)",
                (name, room_id, created_by, now),
            )
            if schedule is not None:
                db.execute(
                    "INSERT INTO room_schedules(room_id, time_zone, sessions, updated_by,"
                    " updated_at) VALUES (?, ?, ?, ?, ?)",
                    (room_id, schedule[0], schedule[1], created_by, now),
                )
            cohort_id = cur.lastrowid
            assert cohort_id is not None
            for uid in dict.fromkeys(facilitator_ids):
                # Staff accept the agreement by writing it; they can always post.
                db.execute(
                    "INSERT INTO room_members(room_id, user_id, role, joined_at, accepted_version)"
                    " VALUES (?, ?, ?, ?, 1)",
                    (room_id, uid, Role.FACILITATOR.value, now),
                )
            return cohort_id, []

        cohort = await self.get_cohort(await self._write(job))
        assert cohort is not None
        return cohort

    async def _cohorts(self, where: str, params: tuple[Any, ...]) -> list[Cohort]:
        rows = await self._r.execute_fetchall(
            "SELECT c.id, c.name, rs.time_zone, c.room_id, r.agreement_version,"
            " (SELECT group_concat(user_id) FROM room_members WHERE room_id = c.room_id"
            "  AND role = 'facilitator'), rs.sessions"
            " FROM cohorts c JOIN rooms r ON r.id = c.room_id"
            f" LEFT JOIN room_schedules rs ON rs.room_id = c.room_id {where} ORDER BY c.id",
            params,
        )
        return [
            Cohort(
                id=r[0],
                name=r[1],
                schedule=None
                if r[2] is None
                else {"time_zone": r[2], "sessions": json.loads(r[6])},
                room_id=r[3],
                agreement_version=r[4],
                facilitator_ids=tuple(int(x) for x in (r[5] or "").split(",") if x),
            )
            for r in rows
        ]

    async def get_cohort(self, cohort_id: int) -> Cohort | None:
        found = await self._cohorts("WHERE c.id = ?", (cohort_id,))
        return found[0] if found else None

    async def list_cohorts(self, user_id: int | None) -> list[Cohort]:
        if user_id is None:
            return await self._cohorts("", ())
        return await self._cohorts(
            "WHERE c.room_id IN (SELECT room_id FROM room_members WHERE user_id = ?)", (user_id,)
        )

    async def set_agreement(self, room_id: int, text: str, by: int, now: float) -> Agreement:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            row = self._one_now(db, "SELECT agreement_version FROM rooms WHERE id = ?", (room_id,))
            if row is None:
                raise NotFound("no such room")
            version = row[0] + 1
            db.execute(
                "INSERT INTO agreements(room_id, version, text, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (room_id, version, text, by, now),
            )
            db.execute("UPDATE rooms SET agreement_version = ? WHERE id = ?", (version, room_id))
            db.execute(
                "UPDATE room_members SET accepted_version = ? WHERE room_id = ? AND user_id = ?",
                (version, room_id, by),
            )
            return version, []

        version = await self._write(job)
        return Agreement(room_id=room_id, version=version, text=text)

    async def get_agreement(self, room_id: int) -> Agreement | None:
        row = await self._one(
            self._r,
            "SELECT a.version, a.text FROM agreements a JOIN rooms r ON r.id = a.room_id"
            " AND a.version = r.agreement_version WHERE a.room_id = ?",
            (room_id,),
        )
        return None if row is None else Agreement(room_id=room_id, version=row[0], text=row[1])

    async def accept_agreement(self, room_id: int, user_id: int, version: int, now: float) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            self._accept(db, room_id, user_id, version, now)
            return None, []

        await self._write(job)

    def _accept(
        self, db: sqlite3.Connection, room_id: int, user_id: int, version: int, now: float
    ) -> None:
        row = self._one_now(db, "SELECT agreement_version FROM rooms WHERE id = ?", (room_id,))
        if row is None or row[0] != version:
            raise Conflict("that is not the current version of the group agreement")
        db.execute(
            "INSERT OR IGNORE INTO agreement_acceptances(room_id, user_id, version, accepted_at)"
            " VALUES (?, ?, ?, ?)",
            (room_id, user_id, version, now),
        )
        db.execute(
            "UPDATE room_members SET accepted_version = ? WHERE room_id = ? AND user_id = ?",
            (version, room_id, user_id),
        )

    async def create_invite(
        self, token_hash: bytes, cohort_id: int, by: int, now: float, expires_at: float
    ) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "INSERT INTO invites(token_hash, cohort_id, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_hash, cohort_id, by, now, expires_at),
            )
            return None, []

        await self._write(job)

    async def get_invite(self, token_hash: bytes, now: float) -> Invite | None:
        row = await self._one(
            self._r,
            "SELECT i.cohort_id, c.name, i.expires_at, c.room_id, a.version, a.text"
            " FROM invites i JOIN cohorts c ON c.id = i.cohort_id"
            " JOIN rooms r ON r.id = c.room_id"
            " JOIN agreements a ON a.room_id = r.id AND a.version = r.agreement_version"
            " WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?"
            " AND r.closed_at IS NULL",
            (token_hash, now),
        )
        if row is None:
            return None
        return Invite(
            cohort_id=row[0],
            cohort_name=row[1],
            expires_at=datetime.fromtimestamp(row[2], UTC),
            agreement=Agreement(room_id=row[3], version=row[4], text=row[5]),
        )

    async def redeem_invite(
        self,
        token_hash: bytes,
        now: float,
        username: str,
        display_name: str,
        password_hash: str,
        accepted_version: int,
    ) -> User:
        def job(db: sqlite3.Connection) -> tuple[User, list[Event]]:
            row = self._one_now(
                db,
                "SELECT c.room_id FROM invites i JOIN cohorts c ON c.id = i.cohort_id"
                # An ended cohort takes nobody new, whatever links are still out.
                " JOIN rooms r ON r.id = c.room_id AND r.closed_at IS NULL"
                " WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
                (token_hash, now),
            )
            if row is None:
                raise HearthError("this invite link is used or expired", code=Code.INVITE_INVALID)
            room_id = row[0]
            user = self._insert_user(db, username, display_name, Role.CLIENT, password_hash, now)
            db.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE token_hash = ?",
                (now, user.id, token_hash),
            )
            db.execute(
                "INSERT INTO room_members(room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
                (room_id, user.id, Role.CLIENT.value, now),
            )
            self._accept(db, room_id, user.id, accepted_version, now)
            return user, []

        return await self._write(job)

    # ---- rooms and membership ----------------------------------------------------

    async def memberships(self, user_id: int) -> dict[int, Membership]:
        rows = await self._r.execute_fetchall(
            "SELECT m.room_id, m.role, m.read_seq, m.accepted_version, r.agreement_version,"
            " m.muted_until, m.mute_reason, m.access_until, r.closed_at, m.moderator"
            " FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?",
            (user_id,),
        )
        return {
            r[0]: Membership(
                room_id=r[0],
                role=Role(r[1]),
                read_seq=r[2],
                accepted_version=r[3],
                agreement_version=r[4],
                muted_until=r[5],
                mute_reason=self.keys.open(r[6], _aad_mute(r[0], user_id)),
                access_until=r[7],
                closed=r[8] is not None,
                moderator=bool(r[9]),
            )
            for r in rows
        }

    async def membership(self, room_id: int, user_id: int) -> Membership | None:
        return (await self.memberships(user_id)).get(room_id)

    async def room_summaries(self, user_id: int) -> list[RoomSummary]:
        rows = await self._r.execute_fetchall(
            "SELECT r.id, r.name, r.kind, r.latest_seq, m.read_seq, r.agreement_version,"
            " m.accepted_version,"
            " (SELECT count(*) FROM messages x WHERE x.room_id = r.id AND x.seq > m.read_seq"
            "   AND x.author_id != m.user_id AND x.deleted_at IS NULL),"
            " m.role, r.locked, r.slow_mode_seconds, m.muted_until, m.mute_reason,"
            " r.closed_at, m.access_until, m.moderator, m.notifications_muted"
            " FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?"
            " ORDER BY r.id",
            (user_id,),
        )
        return [
            RoomSummary(
                id=r[0],
                name=r[1],
                kind=RoomKind(r[2]),
                latest_seq=r[3],
                read_seq=r[4],
                agreement_version=r[5],
                accepted_version=r[6],
                unread=r[7],
                role=Role(r[8]),
                locked=bool(r[9]),
                slow_mode_seconds=r[10],
                muted_until=_dt(r[11]),
                mute_reason=self.keys.open(r[12], _aad_mute(r[0], user_id)),
                closed=r[13] is not None,
                read_only_until=_dt(r[14]),
                moderator=bool(r[15]),
                notifications_muted=bool(r[16]),
            )
            for r in rows
        ]

    async def room_members(self, room_id: int) -> list[tuple[User, Role]]:
        rows = await self._r.execute_fetchall(
            f"SELECT {USER_COLS}, m.role FROM room_members m JOIN users u ON u.id = m.user_id"
            " WHERE m.room_id = ? ORDER BY u.display_name",
            (room_id,),
        )
        return [(_user(r), Role(r[7])) for r in rows]

    async def room_mutes(self, room_id: int, now: float) -> dict[int, float]:
        rows = await self._r.execute_fetchall(
            "SELECT user_id, muted_until FROM room_members WHERE room_id = ? AND muted_until > ?",
            (room_id, now),
        )
        return {int(r[0]): float(r[1]) for r in rows}

    async def set_read(self, room_id: int, user_id: int, seq: int) -> int:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            # Markers only move forward, and never past the end of the log.
            db.execute(
                "UPDATE room_members SET read_seq = max(read_seq, min(?,"
                " (SELECT latest_seq FROM rooms WHERE id = ?)))"
                " WHERE room_id = ? AND user_id = ?",
                (seq, room_id, room_id, user_id),
            )
            row = self._one_now(
                db,
                "SELECT read_seq FROM room_members WHERE room_id = ? AND user_id = ?",
                (room_id, user_id),
            )
            return (0 if row is None else int(row[0])), []

        return await self._write(job)

    # ---- the room log ------------------------------------------------------------

    async def add_message(
        self,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        reply_to: int | None,
        now: float,
    ) -> Posted:
        reply: ReplyRef | None = None
        if reply_to is not None:
            target = await self.get_message(room_id, reply_to)
            if target is None:
                raise NotFound("the message you reply to does not exist")
            reply = ReplyRef(seq=target.seq, author=target.author, excerpt=_excerpt(target))

        def job(db: sqlite3.Connection) -> tuple[Posted, list[Event]]:
            seq = self._next_seq(db, room_id)
            rows = list(
                _fetchall(
                    db,
                    "INSERT INTO messages(room_id, seq, author_id, client_id, body, reply_to,"
                    " sent_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(room_id, author_id, client_id) DO NOTHING RETURNING seq",
                    (
                        room_id,
                        seq,
                        author.id,
                        client_id,
                        self.keys.seal(text, _aad_body(room_id, seq)),
                        reply_to,
                        now,
                    ),
                )
            )
            if not rows:
                # A re-send: hand back the original, store nothing new.
                self._latest[room_id] -= 1
                row = self._one_now(
                    db,
                    "SELECT seq FROM messages WHERE room_id = ? AND author_id = ?"
                    " AND client_id = ?",
                    (room_id, author.id, client_id),
                )
                original = self._message_now(db, room_id, row[0])
                assert original is not None
                return self._posted_before(original), []
            self._log(room_id, seq, EventKind.POSTED, seq, author.id, now)
            message = Message(
                room_id=room_id,
                seq=seq,
                author=Author(author.id, author.display_name),
                text=text,
                sent_at=datetime.fromtimestamp(now, UTC),
                client_id=client_id,
                reply_to=reply,
            )
            event = Event(room_id=room_id, seq=seq, kind=EventKind.POSTED, message=message)
            return Posted(event=event, duplicate=False), [event]

        return await self._write(job)

    async def _change(
        self,
        room_id: int,
        seq: int,
        actor_id: int,
        kind: EventKind,
        now: float,
        apply: Callable[[sqlite3.Connection], None],
    ) -> Event:
        def job(db: sqlite3.Connection) -> tuple[Event, list[Event]]:
            apply(db)
            event_seq = self._next_seq(db, room_id)
            self._log(room_id, event_seq, kind, seq, actor_id, now)
            message = self._message_now(db, room_id, seq)
            assert message is not None
            event = Event(room_id=room_id, seq=event_seq, kind=kind, message=message)
            return event, [event]

        return await self._write(job)

    def _own_live_message(
        self, db: sqlite3.Connection, room_id: int, seq: int, author_id: int
    ) -> None:
        row = self._one_now(
            db,
            "SELECT author_id, deleted_at FROM messages WHERE room_id = ? AND seq = ?",
            (room_id, seq),
        )
        if row is None or row[1] is not None:
            raise NotFound("no such message")
        if row[0] != author_id:
            raise Forbidden("you can only change your own messages")

    async def edit_message(
        self, room_id: int, seq: int, author_id: int, text: str, now: float
    ) -> Event:
        def apply(db: sqlite3.Connection) -> None:
            self._own_live_message(db, room_id, seq, author_id)
            if self._one_now(
                db, "SELECT card FROM messages WHERE room_id = ? AND seq = ?", (room_id, seq)
            )[0]:
                raise Forbidden("a card cannot be edited; delete it instead")
            db.execute(
                "UPDATE messages SET body = ?, edited_at = ? WHERE room_id = ? AND seq = ?",
                (self.keys.seal(text, _aad_body(room_id, seq)), now, room_id, seq),
            )

        return await self._change(room_id, seq, author_id, EventKind.EDITED, now, apply)

    async def delete_message(self, room_id: int, seq: int, author_id: int, now: float) -> Event:
        def apply(db: sqlite3.Connection) -> None:
            self._own_live_message(db, room_id, seq, author_id)
            # The tombstone keeps who and when; the text is gone.
            db.execute(
                "UPDATE messages SET body = NULL, deleted_at = ? WHERE room_id = ? AND seq = ?",
                (now, room_id, seq),
            )
            db.execute(
                "DELETE FROM reactions WHERE room_id = ? AND message_seq = ?", (room_id, seq)
            )
            # A message that waited for review was approved from a copy: clear it too.
            db.execute(
                "UPDATE held_messages SET body = '' WHERE room_id = ? AND message_seq = ?",
                (room_id, seq),
            )
            self._checkpoint_due = True

        return await self._change(room_id, seq, author_id, EventKind.DELETED, now, apply)

    async def react(
        self, room_id: int, seq: int, user_id: int, reaction: str, add: bool, now: float
    ) -> Event:
        def apply(db: sqlite3.Connection) -> None:
            row = self._one_now(
                db, "SELECT deleted_at FROM messages WHERE room_id = ? AND seq = ?", (room_id, seq)
            )
            if row is None or row[0] is not None:
                raise NotFound("no such message")
            if add:
                db.execute(
                    "INSERT OR IGNORE INTO reactions(room_id, message_seq, user_id, reaction)"
                    " VALUES (?, ?, ?, ?)",
                    (room_id, seq, user_id, reaction),
                )
            else:
                db.execute(
                    "DELETE FROM reactions WHERE room_id = ? AND message_seq = ? AND user_id = ?"
                    " AND reaction = ?",
                    (room_id, seq, user_id, reaction),
                )

        return await self._change(room_id, seq, user_id, EventKind.REACTED, now, apply)

    async def get_message(self, room_id: int, seq: int) -> Message | None:
        return await self._message(self._r, room_id, seq)

    async def _message(self, db: aiosqlite.Connection, room_id: int, seq: int) -> Message | None:
        messages = await self._messages(db, "WHERE m.room_id = ? AND m.seq = ?", (room_id, seq))
        return messages[0] if messages else None

    async def _messages(
        self, db: aiosqlite.Connection, where: str, params: tuple[Any, ...]
    ) -> list[Message]:
        rows = list(await db.execute_fetchall(MESSAGE_SQL + where, params))
        if not rows:
            return []
        sql, args = _reactions_query(params[0], rows)
        return _build_messages(self.keys, params[0], rows, await db.execute_fetchall(sql, args))

    def _message_now(self, db: sqlite3.Connection, room_id: int, seq: int) -> Message | None:
        """The same as `_message`, inside the writer's transaction."""
        rows = db.execute(MESSAGE_SQL + "WHERE m.room_id = ? AND m.seq = ?", (room_id, seq))
        found = rows.fetchall()
        if not found:
            return None
        sql, args = _reactions_query(room_id, found)
        return _build_messages(self.keys, room_id, found, db.execute(sql, args).fetchall())[0]

    async def events_after(self, room_id: int, after_seq: int, limit: int) -> list[Event]:
        rows = list(
            await self._r.execute_fetchall(
                "SELECT seq, kind, message_seq FROM events WHERE room_id = ? AND seq > ?"
                " ORDER BY seq LIMIT ?",
                (room_id, after_seq, limit),
            )
        )
        if not rows:
            return []
        wanted = sorted({r[2] for r in rows})
        placeholders = ",".join("?" * len(wanted))
        messages = {
            m.seq: m
            for m in await self._messages(
                self._r, f"WHERE m.room_id = ? AND m.seq IN ({placeholders})", (room_id, *wanted)
            )
        }
        return [
            Event(room_id=room_id, seq=seq, kind=EventKind(kind), message=messages[mseq])
            for seq, kind, mseq in rows
            if mseq in messages
        ]

    async def latest_seq(self, room_id: int) -> int:
        row = await self._one(self._r, "SELECT latest_seq FROM rooms WHERE id = ?", (room_id,))
        return 0 if row is None else int(row[0])

    async def history(self, room_id: int, before_seq: int | None, limit: int) -> list[Message]:
        before = before_seq if before_seq is not None else 2**62
        messages = await self._messages(
            self._r,
            "WHERE m.room_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?",
            (room_id, before, limit),
        )
        messages.reverse()
        return messages

    # ---- moderation ---------------------------------------------------------------

    async def room_state(self, room_id: int) -> RoomState | None:
        row = await self._one(
            self._r,
            "SELECT id, kind, name, locked, slow_mode_seconds, policy FROM rooms WHERE id = ?",
            (room_id,),
        )
        if row is None:
            return None
        return RoomState(
            id=row[0],
            kind=RoomKind(row[1]),
            name=row[2],
            locked=bool(row[3]),
            slow_mode_seconds=row[4],
            policy=json.loads(row[5]),
        )

    async def set_room_state(
        self,
        room_id: int,
        *,
        locked: bool | None = None,
        slow_mode_seconds: int | None = None,
        policy: dict[str, str] | None = None,
    ) -> RoomState:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            if locked is not None:
                db.execute("UPDATE rooms SET locked = ? WHERE id = ?", (int(locked), room_id))
            if slow_mode_seconds is not None:
                db.execute(
                    "UPDATE rooms SET slow_mode_seconds = ? WHERE id = ?",
                    (slow_mode_seconds, room_id),
                )
            if policy is not None:
                db.execute(
                    "UPDATE rooms SET policy = ? WHERE id = ?", (json.dumps(policy), room_id)
                )
            return None, []

        await self._write(job)
        state = await self.room_state(room_id)
        if state is None:
            raise NotFound("no such room")
        return state

    async def room_staff(self, room_id: int) -> list[int]:
        rows = await self._r.execute_fetchall(
            "SELECT user_id FROM room_members WHERE room_id = ? AND role = ?",
            (room_id, Role.FACILITATOR.value),
        )
        return [r[0] for r in rows]

    async def set_mute(
        self, room_id: int, user_id: int, until: float | None, reason: str | None
    ) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            cur = db.execute(
                "UPDATE room_members SET muted_until = ?, mute_reason = ?"
                " WHERE room_id = ? AND user_id = ?",
                (until, self.keys.seal_opt(reason, _aad_mute(room_id, user_id)), room_id, user_id),
            )
            if cur.rowcount == 0:
                raise NotFound("that person is not a member of this room")
            return None, []

        await self._write(job)

    async def remove_member(self, room_id: int, user_id: int) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "DELETE FROM room_members WHERE room_id = ? AND user_id = ?", (room_id, user_id)
            )
            return cur.rowcount > 0, []

        return await self._write(job)

    async def set_suspended(self, user_id: int, suspended: bool) -> list[bytes]:
        def job(db: sqlite3.Connection) -> tuple[list[bytes], list[Event]]:
            db.execute("UPDATE users SET suspended = ? WHERE id = ?", (int(suspended), user_id))
            if not suspended:
                return [], []
            rows = _fetchall(
                db, "DELETE FROM sessions WHERE user_id = ? RETURNING token_hash", (user_id,)
            )
            return [bytes(r[0]) for r in rows], []

        return await self._write(job)

    async def remove_message(
        self, room_id: int, seq: int, by: int, reason: str, now: float
    ) -> Event:
        def apply(db: sqlite3.Connection) -> None:
            row = self._one_now(
                db, "SELECT deleted_at FROM messages WHERE room_id = ? AND seq = ?", (room_id, seq)
            )
            if row is None or row[0] is not None:
                raise NotFound("no such message")
            db.execute(
                "UPDATE messages SET deleted_at = ?, removed_by = ?, removal_reason = ?"
                " WHERE room_id = ? AND seq = ?",
                (now, by, self.keys.seal(reason, f"mr|{room_id}|{seq}"), room_id, seq),
            )

        return await self._change(room_id, seq, by, EventKind.REMOVED, now, apply)

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
    ) -> tuple[Held, bool]:
        def job(db: sqlite3.Connection) -> tuple[tuple[int, bool], list[Event]]:
            rows = list(
                _fetchall(
                    db,
                    "INSERT INTO held_messages(room_id, author_id, client_id, body, reply_to,"
                    " sent_at, labels, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(room_id, author_id, client_id) DO NOTHING RETURNING id",
                    (
                        room_id,
                        author.id,
                        client_id,
                        self.keys.seal(text, _aad_held(room_id, author.id, client_id)),
                        reply_to,
                        now,
                        json.dumps(list(labels)),
                        state.value,
                    ),
                )
            )
            if rows:
                return (rows[0][0], False), []
            row = self._one_now(
                db,
                "SELECT id FROM held_messages WHERE room_id = ? AND author_id = ?"
                " AND client_id = ?",
                (room_id, author.id, client_id),
            )
            return (row[0], True), []

        held_id, duplicate = await self._write(job)
        held = await self.get_held(held_id)
        assert held is not None
        return held, duplicate

    async def sent(self, room_id: int, author_id: int, client_id: str) -> Posted | Held | None:
        found = await self._messages(
            self._r,
            "WHERE m.room_id = ? AND m.author_id = ? AND m.client_id = ?",
            (room_id, author_id, client_id),
        )
        if found:
            return self._posted_before(found[0])
        row = await self._one(
            self._r,
            self.HELD_SQL + "WHERE h.room_id = ? AND h.author_id = ? AND h.client_id = ?",
            (room_id, author_id, client_id),
        )
        return None if row is None else self._held(row)

    async def get_held(self, held_id: int) -> Held | None:
        row = await self._one(self._r, self.HELD_SQL + "WHERE h.id = ?", (held_id,))
        return None if row is None else self._held(row)

    async def held_by(self, author_id: int, since: float) -> list[Held]:
        rows = await self._r.execute_fetchall(
            self.HELD_SQL + "WHERE h.author_id = ? AND h.state IN (?, ?) AND h.sent_at >= ?"
            " AND h.room_id IN (SELECT room_id FROM room_members WHERE user_id = ?)"
            " ORDER BY h.id",
            (author_id, HoldState.HELD.value, HoldState.REJECTED.value, since, author_id),
        )
        return [self._held(r) for r in rows]

    async def list_held(self, room_id: int) -> list[Held]:
        rows = await self._r.execute_fetchall(
            self.HELD_SQL + "WHERE h.room_id = ? AND h.state = ? ORDER BY h.id",
            (room_id, HoldState.HELD.value),
        )
        return [self._held(r) for r in rows]

    async def approve_held(self, held_id: int, by: int, now: float) -> tuple[Held, Event]:
        def job(db: sqlite3.Connection) -> tuple[Event, list[Event]]:
            row = self._one_now(db, self.HELD_SQL + "WHERE h.id = ?", (held_id,))
            if row is None or row[9] != HoldState.HELD.value:
                raise NotFound("no such message waiting for review")
            held = self._held(row)
            seq = self._next_seq(db, held.room_id)
            # Delivered now, in order, with the time it was written.
            db.execute(
                "INSERT INTO messages(room_id, seq, author_id, client_id, body, reply_to,"
                " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    held.room_id,
                    seq,
                    held.author.id,
                    held.client_id,
                    self.keys.seal(held.text, _aad_body(held.room_id, seq)),
                    held.reply_to,
                    held.sent_at.timestamp(),
                ),
            )
            db.execute(
                "UPDATE held_messages SET state = ?, decided_by = ?, decided_at = ?,"
                " message_seq = ? WHERE id = ?",
                (HoldState.APPROVED.value, by, now, seq, held_id),
            )
            self._log(held.room_id, seq, EventKind.POSTED, seq, held.author.id, now)
            message = self._message_now(db, held.room_id, seq)
            assert message is not None
            event = Event(room_id=held.room_id, seq=seq, kind=EventKind.POSTED, message=message)
            return event, [event]

        event = await self._write(job)
        held = await self.get_held(held_id)
        assert held is not None
        return held, event

    async def reject_held(self, held_id: int, by: int, note: str, now: float) -> Held:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            cur = db.execute(
                "UPDATE held_messages SET state = ?, decided_by = ?, decided_at = ?, note = ?"
                " WHERE id = ? AND state = ?",
                (
                    HoldState.REJECTED.value,
                    by,
                    now,
                    self.keys.seal(note, f"hn|{held_id}"),
                    held_id,
                    HoldState.HELD.value,
                ),
            )
            if cur.rowcount == 0:
                raise NotFound("no such message waiting for review")
            return None, []

        await self._write(job)
        held = await self.get_held(held_id)
        assert held is not None
        return held

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
    ) -> Alert:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO alerts(room_id, kind, urgent, subject_id, message_seq, held_id,"
                " labels, rules, created_at, checkin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    room_id,
                    kind.value,
                    int(urgent),
                    subject_id,
                    message_seq,
                    held_id,
                    json.dumps(list(labels)),
                    json.dumps(list(rules)),
                    now,
                    checkin_id,
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid, []

        alert_id = await self._write(job)
        row = await self._one(self._r, self.ALERT_SQL + "WHERE a.id = ?", (alert_id,))
        return self._alert(row)

    async def acknowledge_alerts_for_held(self, held_id: int, by: int, now: float) -> list[Alert]:
        def job(db: sqlite3.Connection) -> tuple[list[int], list[Event]]:
            rows = _fetchall(
                db,
                "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?"
                " WHERE held_id = ? AND acknowledged_at IS NULL RETURNING id",
                (by, now, held_id),
            )
            return [r[0] for r in rows], []

        ids = await self._write(job)
        alerts = [await self.get_alert(i) for i in ids]
        return [a for a in alerts if a is not None]

    async def list_alerts(self, room_ids: Sequence[int], open_only: bool) -> list[Alert]:
        if not room_ids:
            return []
        marks = ",".join("?" * len(room_ids))
        where = f"WHERE a.room_id IN ({marks})"
        if open_only:
            where += " AND a.acknowledged_at IS NULL"
        rows = await self._r.execute_fetchall(
            self.ALERT_SQL + where + " ORDER BY a.urgent DESC, a.id DESC LIMIT 500",
            tuple(room_ids),
        )
        return [self._alert(r) for r in rows]

    async def acknowledge_alert(self, alert_id: int, by: int, now: float) -> Alert:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?"
                " WHERE id = ? AND acknowledged_at IS NULL",
                (by, now, alert_id),
            )
            return None, []

        await self._write(job)
        row = await self._one(self._r, self.ALERT_SQL + "WHERE a.id = ?", (alert_id,))
        if row is None:
            raise NotFound("no such alert")
        return self._alert(row)

    async def get_alert(self, alert_id: int) -> Alert | None:
        row = await self._one(self._r, self.ALERT_SQL + "WHERE a.id = ?", (alert_id,))
        return None if row is None else self._alert(row)

    async def create_report(
        self, room_id: int, message_seq: int, reporter_id: int, reason: str, now: float
    ) -> Report:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO reports(room_id, message_seq, reporter_id, reason, state,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    room_id,
                    message_seq,
                    reporter_id,
                    self.keys.seal(reason, _aad_report(room_id, message_seq, reporter_id)),
                    ReportState.OPEN.value,
                    now,
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid, []

        report_id = await self._write(job)
        report = await self.get_report(report_id)
        assert report is not None
        return report

    async def get_report(self, report_id: int) -> Report | None:
        row = await self._one(self._r, self.REPORT_SQL + "WHERE r.id = ?", (report_id,))
        return None if row is None else self._report(row)

    async def list_reports(self, room_ids: Sequence[int], open_only: bool) -> list[Report]:
        if not room_ids:
            return []
        marks = ",".join("?" * len(room_ids))
        where = f"WHERE r.room_id IN ({marks})"
        if open_only:
            where += " AND r.state != 'resolved'"
        rows = await self._r.execute_fetchall(
            self.REPORT_SQL + where + " ORDER BY r.id DESC LIMIT 500", tuple(room_ids)
        )
        return [self._report(r) for r in rows]

    async def set_report_state(
        self, report_id: int, state: ReportState, by: int, note: str, now: float
    ) -> Report:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "UPDATE reports SET state = ?, handled_by = ?, handled_at = ?, note = ?"
                " WHERE id = ?",
                (state.value, by, now, self.keys.seal(note, f"rn|{report_id}"), report_id),
            )
            return None, []

        await self._write(job)
        report = await self.get_report(report_id)
        if report is None:
            raise NotFound("no such report")
        return report

    async def audit_entries(self, room_ids: Sequence[int] | None, limit: int) -> list[AuditEntry]:
        sql = (
            "SELECT id, at, actor_id, action, subject_type, subject_id, room_id, detail"
            " FROM audit_log"
        )
        params: tuple[Any, ...] = ()
        if room_ids is not None:
            if not room_ids:
                return []
            sql += f" WHERE room_id IN ({','.join('?' * len(room_ids))})"
            params = tuple(room_ids)
        rows = await self._r.execute_fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [
            AuditEntry(
                id=r[0],
                at=datetime.fromtimestamp(r[1], UTC),
                actor_id=r[2],
                action=r[3],
                subject_type=r[4],
                subject_id=r[5],
                room_id=r[6],
                detail=self.keys.open(r[7], f"a|{r[0]}") or "{}",
            )
            for r in rows
        ]

    # ---- audit -------------------------------------------------------------------

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
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            self._append_audit(db, now, actor_id, action, subject_type, subject_id, room_id, detail)
            return None, []

        await self._write(job)

    # ---- discharge and alumni ----

    async def cohort_grace_days(self, cohort_id: int) -> int:
        row = await self._one(self._r, "SELECT grace_days FROM cohorts WHERE id = ?", (cohort_id,))
        if row is None:
            raise NotFound("no such cohort")
        return int(row[0])

    async def set_cohort_grace_days(self, cohort_id: int, days: int) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("UPDATE cohorts SET grace_days = ? WHERE id = ?", (days, cohort_id))
            return None, []

        await self._write(job)

    async def room_closed_at(self, room_id: int) -> float | None:
        row = await self._one(self._r, "SELECT closed_at FROM rooms WHERE id = ?", (room_id,))
        return None if row is None else row[0]

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
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            row = self._one_now(
                db,
                "SELECT m.role, m.access_until, u.role FROM room_members m"
                " JOIN users u ON u.id = m.user_id WHERE m.room_id = ? AND m.user_id = ?",
                (room_id, user_id),
            )
            if row is None or row[0] != Role.CLIENT.value or row[1] is not None:
                raise NotFound("that person is not a current member of this cohort")
            cur = db.execute(
                "INSERT INTO discharges(cohort_id, user_id, outcome, note, discharged_by,"
                " discharged_at, access_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    cohort_id,
                    user_id,
                    outcome.value,
                    self.keys.seal_opt(note, _aad_discharge(cohort_id, user_id, now)),
                    by,
                    now,
                    access_until,
                ),
            )
            if access_until <= now:
                db.execute(
                    "DELETE FROM room_members WHERE room_id = ? AND user_id = ?",
                    (room_id, user_id),
                )
            else:
                db.execute(
                    "UPDATE room_members SET access_until = ? WHERE room_id = ? AND user_id = ?",
                    (access_until, room_id, user_id),
                )
            # Still a client while enrolled in another cohort (a transfer between groups).
            active = self._one_now(
                db,
                "SELECT 1 FROM room_members m JOIN cohorts c ON c.room_id = m.room_id"
                " WHERE m.user_id = ? AND m.role = ? AND m.access_until IS NULL",
                (user_id, Role.CLIENT.value),
            )
            if active is None and row[2] == Role.CLIENT.value:
                db.execute("UPDATE users SET role = ? WHERE id = ?", (Role.ALUM.value, user_id))
            assert cur.lastrowid is not None
            return cur.lastrowid, []

        discharge_id = await self._write(job)
        row = await self._one(self._r, self.DISCHARGE_SQL + "WHERE d.id = ?", (discharge_id,))
        return self._discharge(row)

    async def list_discharges(self, cohort_id: int) -> list[Discharge]:
        rows = await self._r.execute_fetchall(
            self.DISCHARGE_SQL + "WHERE d.cohort_id = ? ORDER BY d.id DESC", (cohort_id,)
        )
        return [self._discharge(r) for r in rows]

    async def end_expired_access(self, now: float) -> list[tuple[int, int]]:
        # Looked for on the reader first: the sweep runs every second, and an empty
        # write transaction would still cost an fsync.
        if not await self._one(
            self._r,
            "SELECT 1 FROM room_members WHERE access_until IS NOT NULL AND access_until <= ?"
            " LIMIT 1",
            (now,),
        ):
            return []

        def job(db: sqlite3.Connection) -> tuple[list[tuple[int, int]], list[Event]]:
            rows = _fetchall(
                db,
                "DELETE FROM room_members WHERE access_until IS NOT NULL AND access_until <= ?"
                " RETURNING room_id, user_id",
                (now,),
            )
            return [(int(r[0]), int(r[1])) for r in rows], []

        return await self._write(job)

    async def close_room(self, room_id: int, now: float) -> float:
        def job(db: sqlite3.Connection) -> tuple[float, list[Event]]:
            row = self._one_now(db, "SELECT closed_at FROM rooms WHERE id = ?", (room_id,))
            if row is None:
                raise NotFound("no such room")
            if row[0] is not None:
                return float(row[0]), []
            active = self._one_now(
                db,
                "SELECT count(*) FROM room_members WHERE room_id = ? AND role = ?"
                " AND access_until IS NULL",
                (room_id, Role.CLIENT.value),
            )
            if active[0]:
                raise Conflict(
                    f"{active[0]} member(s) are still in this cohort; discharge them first"
                )
            db.execute("UPDATE rooms SET closed_at = ?, locked = 1 WHERE id = ?", (now, room_id))
            return now, []

        return await self._write(job)

    async def readmit(self, room_id: int, user_id: int, now: float) -> list[int]:
        def job(db: sqlite3.Connection) -> tuple[list[int], list[Event]]:
            row = self._one_now(db, "SELECT role FROM users WHERE id = ?", (user_id,))
            if row is None or row[0] != Role.ALUM.value:
                raise NotFound("no such alum")
            held = self._one_now(
                db,
                "SELECT access_until FROM room_members WHERE room_id = ? AND user_id = ?",
                (room_id, user_id),
            )
            if held is not None and held[0] is None:
                raise Conflict("that person is already a member of this cohort")
            db.execute(
                "INSERT INTO room_members(room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(room_id, user_id) DO UPDATE SET access_until = NULL,"
                " role = excluded.role, joined_at = excluded.joined_at",
                (room_id, user_id, Role.CLIENT.value, now),
            )
            db.execute("UPDATE users SET role = ? WHERE id = ?", (Role.CLIENT.value, user_id))
            # A current client moderates nowhere.
            db.execute("UPDATE room_members SET moderator = 0 WHERE user_id = ?", (user_id,))
            # Current clients meet alumni only in rooms made for it (mentoring).
            left = _fetchall(
                db,
                "DELETE FROM room_members WHERE user_id = ? AND room_id IN"
                " (SELECT room_id FROM alumni_rooms WHERE category != ?) RETURNING room_id",
                (user_id, AlumniCategory.MENTORING.value),
            )
            return [int(r[0]) for r in left], []

        return await self._write(job)

    async def record_consent(
        self, user_id: int, version: int, decision: ConsentDecision, now: float
    ) -> Consent:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "INSERT INTO alumni_consents(user_id, version, decision, decided_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, version, decision.value, now),
            )
            return None, []

        await self._write(job)
        return Consent(user_id, version, decision, datetime.fromtimestamp(now, UTC))

    async def latest_consent(self, user_id: int) -> Consent | None:
        row = await self._one(
            self._r,
            "SELECT version, decision, decided_at FROM alumni_consents WHERE user_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (user_id,),
        )
        if row is None:
            return None
        return Consent(
            user_id, row[0], ConsentDecision(row[1]), datetime.fromtimestamp(row[2], UTC)
        )

    async def list_alumni(self) -> list[Alum]:
        rows = await self._r.execute_fetchall(
            "SELECT u.id, u.display_name,"
            " (SELECT max(discharged_at) FROM discharges d WHERE d.user_id = u.id),"
            " (SELECT decision FROM alumni_consents c WHERE c.user_id = u.id"
            "  ORDER BY c.id DESC LIMIT 1)"
            " FROM users u WHERE u.role = ? AND u.suspended = 0 ORDER BY u.display_name, u.id",
            (Role.ALUM.value,),
        )
        return [
            Alum(
                user=Author(r[0], r[1]),
                discharged_at=_dt(r[2]),
                consent=None if r[3] is None else ConsentDecision(r[3]),
            )
            for r in rows
        ]

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
    ) -> int:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO rooms(kind, name, agreement_version, created_at, policy)"
                " VALUES (?, ?, 1, ?, ?)",
                (RoomKind.ALUMNI.value, name, now, json.dumps(policy)),
            )
            room_id = cur.lastrowid
            assert room_id is not None
            db.execute(
                "INSERT INTO agreements(room_id, version, text, created_by, created_at)"
                " VALUES (?, 1, ?, ?, ?)",
                (room_id, agreement, by, now),
            )
            db.execute(
                "INSERT INTO alumni_rooms(room_id, category, access, description, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (room_id, category.value, access.value, description, by, now),
            )
            for uid in dict.fromkeys(staff_ids):
                db.execute(
                    "INSERT INTO room_members(room_id, user_id, role, joined_at, accepted_version)"
                    " VALUES (?, ?, ?, ?, 1)",
                    (room_id, uid, Role.FACILITATOR.value, now),
                )
            return room_id, []

        return await self._write(job)

    async def alumni_rooms(self, user_id: int) -> list[AlumniRoom]:
        rows = await self._r.execute_fetchall(
            self.ALUMNI_ROOM_SQL + "WHERE r.closed_at IS NULL ORDER BY r.name, r.id",
            (user_id, user_id),
        )
        return [self._alumni_room(r) for r in rows]

    async def get_alumni_room(self, room_id: int, user_id: int) -> AlumniRoom | None:
        row = await self._one(
            self._r, self.ALUMNI_ROOM_SQL + "WHERE r.id = ?", (user_id, user_id, room_id)
        )
        return None if row is None else self._alumni_room(row)

    async def join_room(self, room_id: int, user_id: int, role: Role, now: float) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "INSERT INTO room_members(room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(room_id, user_id) DO NOTHING",
                (room_id, user_id, role.value, now),
            )
            return cur.rowcount > 0, []

        return await self._write(job)

    async def invite_to_room(self, room_id: int, user_id: int, by: int, now: float) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "INSERT INTO alumni_invitations(room_id, user_id, invited_by, invited_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(room_id, user_id) DO NOTHING",
                (room_id, user_id, by, now),
            )
            return None, []

        await self._write(job)

    async def leave_alumni_rooms(self, user_id: int) -> list[int]:
        def job(db: sqlite3.Connection) -> tuple[list[int], list[Event]]:
            rows = _fetchall(
                db,
                "DELETE FROM room_members WHERE user_id = ? AND role = ? AND room_id IN"
                " (SELECT room_id FROM alumni_rooms) RETURNING room_id",
                (user_id, Role.ALUM.value),
            )
            return [int(r[0]) for r in rows], []

        return await self._write(job)

    async def set_moderator(self, room_id: int, user_id: int, moderator: bool) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "UPDATE room_members SET moderator = ? WHERE room_id = ? AND user_id = ?"
                " AND role = ?",
                (int(moderator), room_id, user_id, Role.ALUM.value),
            )
            return cur.rowcount > 0, []

        return await self._write(job)

    async def room_moderators(self, room_id: int) -> list[int]:
        rows = await self._r.execute_fetchall(
            "SELECT user_id FROM room_members WHERE room_id = ? AND moderator = 1", (room_id,)
        )
        return [r[0] for r in rows]

    async def set_notifications_muted(self, room_id: int, user_id: int, muted: bool) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "UPDATE room_members SET notifications_muted = ? WHERE room_id = ? AND user_id = ?",
                (int(muted), room_id, user_id),
            )
            return cur.rowcount > 0, []

        return await self._write(job)

    # ---- access ----------------------------------------------------------------------

    async def get_totp(self, user_id: int) -> TotpState | None:
        row = await self._one(
            self._r,
            "SELECT secret, confirmed_at, last_step FROM totp WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        secret = self.keys.open(row[0], _aad_totp(user_id)) or ""
        return TotpState(secret, row[1] is not None, row[2])

    async def start_totp(self, user_id: int, secret: str) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            row = self._one_now(db, "SELECT confirmed_at FROM totp WHERE user_id = ?", (user_id,))
            if row is not None and row[0] is not None:
                raise Conflict("a second factor is already set up")
            db.execute(
                "INSERT INTO totp(user_id, secret) VALUES (?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, last_step = 0",
                (user_id, self.keys.seal(secret, _aad_totp(user_id))),
            )
            return None, []

        await self._write(job)

    async def confirm_totp(
        self, user_id: int, step: int, recovery_hashes: Sequence[bytes], now: float
    ) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "UPDATE totp SET confirmed_at = ?, last_step = ?"
                " WHERE user_id = ? AND confirmed_at IS NULL AND last_step < ?",
                (now, step, user_id, step),
            )
            if cur.rowcount != 1:
                return False, []
            self._replace_codes(db, user_id, recovery_hashes)
            return True, []

        return await self._write(job)

    @staticmethod
    def _replace_codes(db: sqlite3.Connection, user_id: int, hashes: Sequence[bytes]) -> None:
        db.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
        db.executemany(
            "INSERT INTO recovery_codes(user_id, code_hash) VALUES (?, ?)",
            [(user_id, h) for h in hashes],
        )

    async def use_totp_step(self, user_id: int, step: int) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "UPDATE totp SET last_step = ? WHERE user_id = ? AND last_step < ?"
                " AND confirmed_at IS NOT NULL",
                (step, user_id, step),
            )
            return cur.rowcount == 1, []

        return await self._write(job)

    async def use_recovery_code(self, user_id: int, code_hash: bytes, now: float) -> bool:
        def job(db: sqlite3.Connection) -> tuple[bool, list[Event]]:
            cur = db.execute(
                "UPDATE recovery_codes SET used_at = ?"
                " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                (now, user_id, code_hash),
            )
            return cur.rowcount == 1, []

        return await self._write(job)

    async def replace_recovery_codes(self, user_id: int, hashes: Sequence[bytes]) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            self._replace_codes(db, user_id, hashes)
            return None, []

        await self._write(job)

    async def recovery_codes_left(self, user_id: int) -> int:
        row = await self._one(
            self._r,
            "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
            (user_id,),
        )
        return int(row[0])

    async def remove_totp(self, user_id: int) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("DELETE FROM totp WHERE user_id = ?", (user_id,))
            db.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
            return None, []

        await self._write(job)

    async def create_challenge(self, token_hash: bytes, user_id: int, expires_at: float) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            # A person has one login waiting at a time; stale ones go with it.
            db.execute("DELETE FROM login_challenges WHERE user_id = ?", (user_id,))
            db.execute(
                "INSERT INTO login_challenges(token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                (token_hash, user_id, expires_at),
            )
            return None, []

        await self._write(job)

    async def get_challenge(self, token_hash: bytes) -> tuple[int, float, int] | None:
        row = await self._one(
            self._r,
            "SELECT user_id, expires_at, attempts FROM login_challenges WHERE token_hash = ?",
            (token_hash,),
        )
        return None if row is None else (row[0], row[1], row[2])

    async def fail_challenge(self, token_hash: bytes) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?",
                (token_hash,),
            )
            return None, []

        await self._write(job)

    async def delete_challenge(self, token_hash: bytes) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("DELETE FROM login_challenges WHERE token_hash = ?", (token_hash,))
            return None, []

        await self._write(job)

    async def set_privacy_officer(self, user_id: int, on: bool) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute("UPDATE users SET privacy_officer = ? WHERE id = ?", (int(on), user_id))
            return None, []

        await self._write(job)

    async def privacy_officers(self) -> list[int]:
        rows = await self._r.execute_fetchall(
            "SELECT id FROM users WHERE privacy_officer = 1 AND suspended = 0 ORDER BY id"
        )
        return [r[0] for r in rows]

    async def delete_expired_sessions(
        self, staff_cutoffs: tuple[float, float], member_cutoffs: tuple[float, float]
    ) -> list[tuple[bytes, int]]:
        staff = (Role.ADMIN.value, Role.FACILITATOR.value)

        def job(db: sqlite3.Connection) -> tuple[list[tuple[bytes, int]], list[Event]]:
            rows = _fetchall(
                db,
                "DELETE FROM sessions WHERE token_hash IN (SELECT s.token_hash FROM sessions s"
                " JOIN users u ON u.id = s.user_id WHERE CASE WHEN u.role IN (?, ?)"
                " THEN s.last_seen_at < ? OR s.created_at < ?"
                " ELSE s.last_seen_at < ? OR s.created_at < ? END)"
                " RETURNING token_hash, user_id",
                (*staff, *staff_cutoffs, *member_cutoffs),
            )
            return [(bytes(r[0]), r[1]) for r in rows], []

        return await self._write(job)

    async def create_break_glass(
        self, room_id: int, user_id: int, reason: str, now: float, expires_at: float
    ) -> BreakGlass:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO break_glass(room_id, user_id, reason, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (room_id, user_id, reason, now, expires_at),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid, []

        grant_id = await self._write(job)
        row = await self._one(self._r, self._GRANT_SQL + "WHERE g.id = ?", (grant_id,))
        return self._grant(row)

    async def active_break_glass(self, user_id: int, now: float) -> list[BreakGlass]:
        rows = await self._r.execute_fetchall(
            self._GRANT_SQL + "WHERE g.user_id = ? AND g.expires_at > ? AND g.ended_at IS NULL"
            " ORDER BY g.id",
            (user_id, now),
        )
        return [self._grant(r) for r in rows]

    async def list_break_glass(self, limit: int) -> list[BreakGlass]:
        rows = await self._r.execute_fetchall(
            self._GRANT_SQL + "ORDER BY g.id DESC LIMIT ?", (limit,)
        )
        return [self._grant(r) for r in rows]

    async def end_break_glass(self, now: float) -> list[BreakGlass]:
        def job(db: sqlite3.Connection) -> tuple[list[int], list[Event]]:
            rows = _fetchall(
                db,
                "UPDATE break_glass SET ended_at = ? WHERE ended_at IS NULL AND expires_at <= ?"
                " RETURNING id",
                (now, now),
            )
            return [r[0] for r in rows], []

        ended = await self._write(job)
        if not ended:
            return []
        rows = await self._r.execute_fetchall(
            self._GRANT_SQL + f"WHERE g.id IN ({','.join('?' * len(ended))})", tuple(ended)
        )
        return [self._grant(r) for r in rows]

    async def messages_by_author(self, user_id: int) -> list[AuthoredMessage]:
        rooms = await self._r.execute_fetchall(
            "SELECT DISTINCT m.room_id, r.name FROM messages m JOIN rooms r ON r.id = m.room_id"
            " WHERE m.author_id = ? ORDER BY m.room_id",
            (user_id,),
        )
        out: list[AuthoredMessage] = []
        for room_id, name in rooms:
            for m in await self._messages(
                self._r,
                "WHERE m.room_id = ? AND m.author_id = ? ORDER BY m.seq",
                (room_id, user_id),
            ):
                out.append(AuthoredMessage(room_id, name, m))
        return out

    async def unshared_by_author(self, user_id: int) -> list[Held]:
        rows = await self._r.execute_fetchall(
            self.HELD_SQL + "WHERE h.author_id = ? AND h.message_seq IS NULL ORDER BY h.id",
            (user_id,),
        )
        return [self._held(r) for r in rows]

    async def room_messages(self, room_id: int) -> list[Message]:
        return await self._messages(self._r, "WHERE m.room_id = ? ORDER BY m.seq", (room_id,))

    async def agreement_acceptances(self, user_id: int) -> list[tuple[int, int, float]]:
        rows = await self._r.execute_fetchall(
            "SELECT room_id, version, accepted_at FROM agreement_acceptances WHERE user_id = ?"
            " ORDER BY accepted_at",
            (user_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def user_created_at(self, user_id: int) -> float | None:
        row = await self._one(self._r, "SELECT created_at FROM users WHERE id = ?", (user_id,))
        return None if row is None else float(row[0])

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
    ) -> Disclosure:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO disclosures(at, actor_id, subject_type, subject_id, recipient,"
                " purpose, format) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, actor_id, subject_type, subject_id, recipient, purpose, format),
            )
            assert cur.lastrowid is not None
            db.executemany(
                "INSERT OR IGNORE INTO disclosure_subjects(disclosure_id, user_id) VALUES (?, ?)",
                [(cur.lastrowid, uid) for uid in subject_user_ids],
            )
            return cur.lastrowid, []

        disclosure_id = await self._write(job)
        row = await self._one(self._r, self._DISCLOSURE_SQL + "WHERE d.id = ?", (disclosure_id,))
        return self._disclosure(row)

    async def disclosures(self, about_user: int | None, limit: int) -> list[Disclosure]:
        if about_user is None:
            rows = await self._r.execute_fetchall(
                self._DISCLOSURE_SQL + "ORDER BY d.id DESC LIMIT ?", (limit,)
            )
        else:
            rows = await self._r.execute_fetchall(
                self._DISCLOSURE_SQL + "JOIN disclosure_subjects s ON s.disclosure_id = d.id"
                " WHERE s.user_id = ? ORDER BY d.id DESC LIMIT ?",
                (about_user, limit),
            )
        return [self._disclosure(r) for r in rows]

    def _append_audit(
        self,
        db: sqlite3.Connection,
        now: float,
        actor_id: int | None,
        action: str,
        subject_type: str | None,
        subject_id: int | None,
        room_id: int | None,
        detail: str,
    ) -> int:
        """On the writer thread: append one entry to the hash chain (its detail sealed)."""
        if self._audit_head is None:
            row = self._one_now(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            self._audit_head = (0, GENESIS) if row is None else (row[0], bytes(row[1]))
        prev_id, prev_hash = self._audit_head
        entry_id = prev_id + 1
        digest = entry_hash(
            prev_hash, entry_id, now, actor_id, action, subject_type, subject_id, room_id, detail
        )
        db.execute(
            "INSERT INTO audit_log(id, at, actor_id, action, subject_type, subject_id, room_id,"
            " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry_id,
                now,
                actor_id,
                action,
                subject_type,
                subject_id,
                room_id,
                self.keys.seal(detail, f"a|{entry_id}"),
                prev_hash,
                digest,
            ),
        )
        self._audit_head = (entry_id, digest)
        return entry_id

    def _chain_unchained(self, db: sqlite3.Connection) -> None:
        """On open: chain entries written before the chain existed (migration 5)."""
        rows = _fetchall(
            db,
            "SELECT id, at, actor_id, action, subject_type, subject_id, room_id, detail"
            " FROM audit_log WHERE hash IS NULL ORDER BY id",
        )
        if not rows:
            return
        db.execute("BEGIN IMMEDIATE")
        before = self._one_now(
            db, "SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", (rows[0][0],)
        )
        prev = GENESIS if before is None or before[0] is None else bytes(before[0])
        for r in rows:
            detail = self.keys.open(r[7], f"a|{r[0]}") or "{}"
            digest = entry_hash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], detail)
            db.execute(
                "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r[0])
            )
            prev = digest
        db.execute("COMMIT")
        log.info("audit chain: %d earlier entries chained", len(rows))

    def _checkpoint(self, db: sqlite3.Connection) -> bool:
        """Copy the WAL into the database and truncate it, so text removed from the
        database is not left in the log. Returns whether it completed."""
        self._checkpoint_due = False
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("wal checkpoint incomplete (readers busy); retried at the next purge")
            self._checkpoint_due = True
        return not busy

    def _check_keys(self, db: sqlite3.Connection) -> None:
        """Refuse to start with keys that cannot open what is stored (a lost or wrong
        key file), rather than failing on every read later."""
        for table, column in SEALED_COLUMNS:
            for order in ("ASC", "DESC"):
                row = self._one_now(
                    db,
                    f"SELECT {column} FROM {table} WHERE typeof({column}) = 'blob'"
                    f" ORDER BY rowid {order} LIMIT 1",
                )
                if row is not None and not self.keys.knows(bytes(row[0])):
                    raise SealError(
                        f"{table}.{column} holds rows sealed under key"
                        f" {bytes(row[0])[1:5].hex()}, which is not in the key file or"
                        " HEARTH_DATA_KEY"
                    )

    # ---- retention, legal holds, audit chain, key rotation ----------------------

    async def set_room_retention(self, room_id: int, days: int | None) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            cur = db.execute("UPDATE rooms SET retention_days = ? WHERE id = ?", (days, room_id))
            if cur.rowcount == 0:
                raise NotFound("no such room")
            return None, []

        await self._write(job)

    async def room_retention(self, room_id: int) -> tuple[RoomKind, int | None] | None:
        row = await self._one(
            self._r, "SELECT kind, retention_days FROM rooms WHERE id = ?", (room_id,)
        )
        return None if row is None else (RoomKind(row[0]), row[1])

    async def place_hold(
        self, room_id: int | None, user_id: int | None, reason: str, by: int | None, now: float
    ) -> int:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            if room_id is not None and not self._one_now(
                db, "SELECT 1 FROM rooms WHERE id = ?", (room_id,)
            ):
                raise NotFound("no such room")
            if user_id is not None and not self._one_now(
                db, "SELECT 1 FROM users WHERE id = ?", (user_id,)
            ):
                raise NotFound("no such user")
            cur = db.execute(
                "INSERT INTO legal_holds(room_id, user_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?)",
                (room_id, user_id, by, now),
            )
            hold_id = cur.lastrowid
            assert hold_id is not None
            db.execute(
                "UPDATE legal_holds SET reason = ? WHERE id = ?",
                (self.keys.seal(reason, f"lh|{hold_id}"), hold_id),
            )
            return hold_id, []

        return await self._write(job)

    async def release_hold(self, hold_id: int, by: int | None, now: float) -> LegalHold:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            cur = db.execute(
                "UPDATE legal_holds SET released_by = ?, released_at = ?"
                " WHERE id = ? AND released_at IS NULL",
                (by, now, hold_id),
            )
            if cur.rowcount == 0:
                raise NotFound("no such active legal hold")
            return None, []

        await self._write(job)
        return next(h for h in await self.list_holds(active_only=False) if h.id == hold_id)

    async def list_holds(self, active_only: bool) -> list[LegalHold]:
        where = " WHERE released_at IS NULL" if active_only else ""
        rows = await self._r.execute_fetchall(
            "SELECT id, room_id, user_id, reason, created_by, created_at, released_by,"
            f" released_at FROM legal_holds{where} ORDER BY id"
        )
        return [
            LegalHold(
                id=r[0],
                room_id=r[1],
                user_id=r[2],
                reason=self.keys.open(r[3], f"lh|{r[0]}") or "",
                created_by=r[4],
                created_at=datetime.fromtimestamp(r[5], UTC),
                released_by=r[6],
                released_at=_dt(r[7]),
            )
            for r in rows
        ]

    async def purge_expired(
        self, now: float, default_days: Mapping[RoomKind, int], limit: int = 2000
    ) -> list[Purged]:
        """Physically remove messages past their room's retention (with their log
        rows, reactions, reports and alerts) and expired held messages, except what a
        legal hold covers; at most `limit` of each per room, so the writer is never
        held long (call again until nothing is left); audit each room's purge in the
        same transaction; then checkpoint the WAL."""

        def job(db: sqlite3.Connection) -> tuple[list[Purged], list[Event]]:
            held_rooms = {
                r[0]
                for r in _fetchall(
                    db,
                    "SELECT room_id FROM legal_holds WHERE released_at IS NULL"
                    " AND room_id IS NOT NULL",
                )
            }
            held_users = [
                r[0]
                for r in _fetchall(
                    db,
                    "SELECT user_id FROM legal_holds WHERE released_at IS NULL"
                    " AND user_id IS NOT NULL",
                )
            ]
            # Authors under a hold are spared (an empty list spares nobody).
            spare = ",".join("?" * len(held_users))
            out: list[Purged] = []
            for room_id, kind, days in _fetchall(db, "SELECT id, kind, retention_days FROM rooms"):
                if room_id in held_rooms:
                    continue
                keep = days if days is not None else default_days[RoomKind(kind)]
                cutoff = now - keep * 86400
                seqs = [
                    r[0]
                    for r in _fetchall(
                        db,
                        "DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages"
                        " WHERE room_id = ? AND sent_at < ?"
                        f" AND author_id NOT IN ({spare}) LIMIT ?) RETURNING seq",
                        (room_id, cutoff, *held_users, limit),
                    )
                ]
                for chunk in (seqs[i : i + 500] for i in range(0, len(seqs), 500)):
                    marks = ",".join("?" * len(chunk))
                    for table, col in (
                        ("reactions", "message_seq"),
                        ("events", "message_seq"),
                        ("reports", "message_seq"),
                    ):
                        db.execute(
                            f"DELETE FROM {table} WHERE room_id = ? AND {col} IN ({marks})",
                            (room_id, *chunk),
                        )
                held_ids = [
                    r[0]
                    for r in _fetchall(
                        db,
                        "DELETE FROM held_messages WHERE id IN (SELECT id FROM held_messages"
                        " WHERE room_id = ? AND sent_at < ?"
                        f" AND author_id NOT IN ({spare}) LIMIT ?) RETURNING id",
                        (room_id, cutoff, *held_users, limit),
                    )
                ]
                held = len(held_ids)
                # Daily check-ins are health records of the room too (their shared
                # cards are messages, purged above).
                checkin_ids = [
                    r[0]
                    for r in _fetchall(
                        db,
                        "DELETE FROM checkins WHERE id IN (SELECT id FROM checkins"
                        " WHERE room_id = ? AND created_at < ?"
                        f" AND user_id NOT IN ({spare}) LIMIT ?) RETURNING id",
                        (room_id, cutoff, *held_users, limit),
                    )
                ]
                # Alerts about what is gone go with it (labels tie a person to a
                # crisis); the audit log keeps that an alert was raised and handled.
                for column, ids in (
                    ("message_seq", seqs),
                    ("held_id", held_ids),
                    ("checkin_id", checkin_ids),
                ):
                    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
                        db.execute(
                            f"DELETE FROM alerts WHERE room_id = ? AND {column} IN"
                            f" ({','.join('?' * len(chunk))})",
                            (room_id, *chunk),
                        )
                if seqs or held or checkin_ids:
                    detail = json.dumps(
                        {
                            "messages": len(seqs),
                            "held": held,
                            "checkins": len(checkin_ids),
                            "before": _iso(cutoff),
                        }
                    )
                    self._append_audit(
                        db, now, None, "retention.purge", None, None, room_id, detail
                    )
                    out.append(
                        Purged(
                            room_id=room_id,
                            messages=len(seqs),
                            held=held,
                            checkins=len(checkin_ids),
                        )
                    )
            if out:
                self._checkpoint_due = True
            return out, []

        return await self._write(job)

    async def checkpoint(self) -> bool:
        """Fold the WAL into the database file and truncate it."""

        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            self._checkpoint_due = True
            return None, []

        await self._write(job)
        return not self._checkpoint_due

    async def audit_head(self) -> tuple[int, str] | None:
        row = await self._one(self._r, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        return None if row is None or row[1] is None else (row[0], bytes(row[1]).hex())

    async def verify_audit(self, head: tuple[int, str] | None = None) -> AuditCheck:
        """Walk the chain from the first entry; the first entry that does not fit is
        reported. `head` is an (id, hash) seen earlier that must still be in the chain."""
        prev, expected_id, checked = GENESIS, 1, 0
        after = 0
        while True:
            try:
                rows = list[Any](
                    await self._r.execute_fetchall(
                        "SELECT id, at, actor_id, action, subject_type, subject_id, room_id,"
                        " detail, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id"
                        " LIMIT 1000",
                        (after,),
                    )
                )
            except (sqlite3.Error, ValueError):
                # Bytes that are not text where text belongs (written outside Hearth):
                # read one entry at a time to name it.
                rows = []
                for (entry_id,) in await self._r.execute_fetchall(
                    "SELECT id FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000", (after,)
                ):
                    try:
                        rows += await self._r.execute_fetchall(
                            "SELECT id, at, actor_id, action, subject_type, subject_id,"
                            " room_id, detail, prev_hash, hash FROM audit_log WHERE id = ?",
                            (entry_id,),
                        )
                    except (sqlite3.Error, ValueError):
                        rows.append((entry_id, *([None] * 9)))
                        break
            if not rows:
                break
            for r in rows:
                if r[0] != expected_id:
                    return AuditCheck(checked, expected_id, f"entry {expected_id} is missing")
                if r[1] is None:
                    return AuditCheck(checked, r[0], "it is unreadable")
                if r[8] is None or bytes(r[8]) != prev:
                    return AuditCheck(checked, r[0], "does not follow the entry before it")
                try:
                    detail = self.keys.open(r[7], f"a|{r[0]}") or "{}"
                except SealError:
                    return AuditCheck(checked, r[0], "its detail was altered")
                try:
                    digest = entry_hash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], detail)
                except (TypeError, ValueError):  # a field of the wrong type
                    return AuditCheck(checked, r[0], "its content was altered")
                if r[9] is None or bytes(r[9]) != digest:
                    return AuditCheck(checked, r[0], "its content was altered")
                if head is not None and r[0] == head[0] and digest.hex() != head[1]:
                    return AuditCheck(checked, r[0], "differs from the recorded head")
                prev, expected_id, checked = digest, r[0] + 1, checked + 1
            after = rows[-1][0]
        if head is not None and head[0] >= expected_id:
            return AuditCheck(checked, expected_id, f"entries {expected_id}..{head[0]} are gone")
        return AuditCheck(checked, None, None)

    async def staff_touched(self, staff_id: int, since: float, until: float) -> list[Touched]:
        """Members whose records `staff_id` touched in [since, until]: see
        `server/retention.py` (`touched`) for what counts."""
        reasons: dict[int, set[str]] = {}

        def add(uid: int | None, why: str) -> None:
            if uid is not None and uid != staff_id:
                reasons.setdefault(uid, set()).add(why)

        entries = list(
            await self._r.execute_fetchall(
                "SELECT action, subject_type, subject_id, room_id FROM audit_log"
                " WHERE actor_id = ? AND at >= ? AND at <= ?",
                (staff_id, since, until),
            )
        )
        rooms: set[int] = set()
        for action, stype, sid, room in entries:
            if room is not None:
                rooms.add(room)
            if sid is None:
                continue
            if stype == "user":
                add(sid, action)
            elif stype == "message" and room is not None:
                row = await self._one(
                    self._r,
                    "SELECT author_id FROM messages WHERE room_id = ? AND seq = ?",
                    (room, sid),
                )
                add(row[0] if row else None, action)
            elif stype == "held":
                row = await self._one(
                    self._r, "SELECT author_id FROM held_messages WHERE id = ?", (sid,)
                )
                add(row[0] if row else None, action)
            elif stype == "alert":
                row = await self._one(self._r, "SELECT subject_id FROM alerts WHERE id = ?", (sid,))
                add(row[0] if row else None, action)
            elif stype == "report":
                row = await self._one(
                    self._r,
                    "SELECT r.reporter_id, m.author_id FROM reports r LEFT JOIN messages m"
                    " ON m.room_id = r.room_id AND m.seq = r.message_seq WHERE r.id = ?",
                    (sid,),
                )
                if row:
                    add(row[0], action)
                    add(row[1], action)
        active = bool(entries) or bool(
            await self._one(
                self._r,
                "SELECT 1 FROM sessions WHERE user_id = ? AND created_at <= ?"
                " AND last_seen_at >= ?",
                (staff_id, until, since),
            )
        )
        if active:
            # Staff read every message of the rooms they belong to: while signed in,
            # each member of those rooms (now, or enrolled there before) was in view.
            for r in await self._r.execute_fetchall(
                "SELECT room_id FROM room_members WHERE user_id = ?", (staff_id,)
            ):
                rooms.add(r[0])
        for room in sorted(rooms):
            for r in await self._r.execute_fetchall(
                "SELECT user_id FROM room_members WHERE room_id = ? AND role NOT IN (?, ?)"
                " UNION SELECT actor_id FROM audit_log WHERE room_id = ? AND action = 'enrol'",
                (room, Role.FACILITATOR.value, Role.ADMIN.value, room),
            ):
                add(r[0], f"room {room}")
        out = []
        for uid in sorted(reasons):
            user = await self.get_user(uid)
            if user is not None and not user.role.is_staff:
                out.append(Touched(user=user, reasons=tuple(sorted(reasons[uid]))))
        return out

    async def key_usage(self) -> dict[str, int]:
        """Rows per key id (hex) over every sealed column; `plain` for rows written
        before sealing."""
        usage: dict[str, int] = {}
        for table, column in SEALED_COLUMNS:
            rows = await self._r.execute_fetchall(
                f"SELECT CASE typeof({column}) WHEN 'blob' THEN hex(substr({column}, 2, 4))"
                f" ELSE 'plain' END, count(*) FROM {table} WHERE {column} IS NOT NULL GROUP BY 1"
            )
            for kid, n in rows:
                usage[kid.lower()] = usage.get(kid.lower(), 0) + n
        return usage

    async def reseal(self, batch: int = 200) -> int:
        """Reseal up to `batch` rows that an older key (or no key) sealed under the
        primary key, in one short transaction; returns how many. Run it until 0."""

        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            done = 0
            for table, column in SEALED_COLUMNS:
                # A cursor per column, so each pass reads on from where the last stopped:
                # resealing a big table is one scan, not one scan per batch.
                after = self._reseal_after.get((table, column), 0)
                if after is None:
                    continue
                aad_cols = ", ".join(SEALED_AAD[(table, column)][0])
                want = batch - done
                rows = _fetchall(
                    db,
                    f"SELECT rowid, {column}, {aad_cols} FROM {table} WHERE rowid > ?"
                    f" AND {column} IS NOT NULL"
                    f" AND (typeof({column}) != 'blob' OR substr({column}, 2, 4) != ?)"
                    " ORDER BY rowid LIMIT ?",
                    (after, self.keys.primary_id, want),
                )
                make = SEALED_AAD[(table, column)][1]
                for r in rows:
                    aad = make(*r[2:])
                    text = self.keys.open(r[1], aad)
                    db.execute(
                        f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                        (self.keys.seal_opt(text, aad), r[0]),
                    )
                self._reseal_after[(table, column)] = rows[-1][0] if len(rows) == want else None
                done += len(rows)
                if done >= batch:
                    break
            if done:
                self._checkpoint_due = True
            else:
                self._reseal_after.clear()  # all done; a later rotation starts over
            return done, []

        return await self._write(job)

    # ---- routine ----

    def _card_now(
        self,
        db: sqlite3.Connection,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        card: dict[str, Any],
        now: float,
    ) -> Posted:
        """Inside a writer job: a card enters the room log like a message."""
        seq = self._next_seq(db, room_id)
        rows = _fetchall(
            db,
            "INSERT INTO messages(room_id, seq, author_id, client_id, body, sent_at, card)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(room_id, author_id, client_id) DO NOTHING RETURNING seq",
            (
                room_id,
                seq,
                author.id,
                client_id,
                self.keys.seal(text, _aad_body(room_id, seq)),
                now,
                json.dumps(card),
            ),
        )
        if not rows:
            self._latest[room_id] -= 1
            row = self._one_now(
                db,
                "SELECT seq FROM messages WHERE room_id = ? AND author_id = ? AND client_id = ?",
                (room_id, author.id, client_id),
            )
            original = self._message_now(db, room_id, row[0])
            assert original is not None
            return Posted(Event(room_id, original.seq, EventKind.POSTED, original), True)
        self._log(room_id, seq, EventKind.POSTED, seq, author.id, now)
        message = Message(
            room_id=room_id,
            seq=seq,
            author=Author(author.id, author.display_name),
            text=text,
            sent_at=datetime.fromtimestamp(now, UTC),
            client_id=client_id,
            card=card,
        )
        return Posted(Event(room_id, seq, EventKind.POSTED, message), False)

    async def add_card(
        self,
        room_id: int,
        author: User,
        client_id: str,
        text: str,
        card: dict[str, Any],
        now: float,
    ) -> Posted:
        def job(db: sqlite3.Connection) -> tuple[Posted, list[Event]]:
            posted = self._card_now(db, room_id, author, client_id, text, card, now)
            return posted, [] if posted.duplicate else [posted.event]

        return await self._write(job)

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
        mood, craving, on_plan = values

        def job(db: sqlite3.Connection) -> tuple[tuple[int, Event | None], list[Event]]:
            taken = self._one_now(
                db,
                "SELECT 1 FROM checkins WHERE room_id = ? AND user_id = ? AND day = ?",
                (room_id, author.id, day),
            )
            if taken:
                raise Conflict("you have already checked in today")
            event: Event | None = None
            if card is not None:
                posted = self._card_now(db, room_id, author, f"checkin:{day}", note, card, now)
                event = posted.event
            cur = db.execute(
                "INSERT INTO checkins(room_id, user_id, day, mood, craving, on_plan, note,"
                " shared, labels, message_seq, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    room_id,
                    author.id,
                    day,
                    mood,
                    craving,
                    int(on_plan),
                    self.keys.seal(note, _aad_checkin(room_id, author.id, day)),
                    int(shared),
                    json.dumps(list(labels)),
                    None if event is None else event.seq,
                    now,
                ),
            )
            assert cur.lastrowid is not None
            return (cur.lastrowid, event), [] if event is None else [event]

        checkin_id, event = await self._write(job)
        found = await self.get_checkin(checkin_id)
        assert found is not None
        return found, event

    async def checkins_of(self, user_id: int) -> list[CheckIn]:
        rows = await self._r.execute_fetchall(
            self.CHECKIN_SQL + "WHERE c.user_id = ? ORDER BY c.created_at, c.id", (user_id,)
        )
        return [self._checkin(r) for r in rows]

    async def get_checkin(self, checkin_id: int) -> CheckIn | None:
        row = await self._one(self._r, self.CHECKIN_SQL + "WHERE c.id = ?", (checkin_id,))
        return None if row is None else self._checkin(row)

    async def checkins(self, room_id: int, user_id: int | None, since_day: str) -> list[CheckIn]:
        where = "WHERE c.room_id = ? AND c.day >= ?"
        params: tuple[Any, ...] = (room_id, since_day)
        if user_id is not None:
            where += " AND c.user_id = ?"
            params += (user_id,)
        rows = await self._r.execute_fetchall(
            self.CHECKIN_SQL + where + " ORDER BY c.day, c.user_id", params
        )
        return [self._checkin(r) for r in rows]

    async def member_activity(self, room_id: int) -> list[MemberActivity]:
        # (room_id, author_id, client_id) is indexed: the last post is an index walk.
        rows = await self._r.execute_fetchall(
            "SELECT rm.user_id, u.display_name, rm.role, rm.joined_at,"
            " (SELECT max(sent_at) FROM messages m WHERE m.room_id = rm.room_id"
            "  AND m.author_id = rm.user_id AND m.card IS NULL),"
            " (SELECT max(created_at) FROM checkins c WHERE c.room_id = rm.room_id"
            "  AND c.user_id = rm.user_id)"
            " FROM room_members rm JOIN users u ON u.id = rm.user_id"
            " WHERE rm.room_id = ? ORDER BY u.display_name COLLATE NOCASE",
            (room_id,),
        )
        return [MemberActivity(Author(r[0], r[1]), Role(r[2]), r[3], r[4], r[5]) for r in rows]

    async def get_schedule(self, room_id: int) -> ScheduleRow | None:
        row = await self._one(
            self._r, "SELECT time_zone, sessions FROM room_schedules WHERE room_id = ?", (room_id,)
        )
        return None if row is None else ScheduleRow(row[0], row[1])

    async def set_schedule(
        self, room_id: int, time_zone: str, sessions: str, by: int, now: float
    ) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            db.execute(
                "INSERT INTO room_schedules(room_id, time_zone, sessions, updated_by, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(room_id) DO UPDATE SET"
                " time_zone = excluded.time_zone, sessions = excluded.sessions,"
                " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (room_id, time_zone, sessions, by, now),
            )
            return None, []

        await self._write(job)

    async def schedule_changes(self, room_id: int, since: float) -> list[ScheduleChangeRow]:
        rows = await self._r.execute_fetchall(
            self.CHANGE_SQL + "WHERE room_id = ? AND max(occurrence_at, coalesce(new_start, 0))"
            " >= ? ORDER BY occurrence_at",
            (room_id, since),
        )
        return [ScheduleChangeRow(*r) for r in rows]

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
    ) -> tuple[ScheduleChangeRow, Event]:
        def job(db: sqlite3.Connection) -> tuple[tuple[int, Event], list[Event]]:
            if self._one_now(
                db,
                "SELECT 1 FROM schedule_changes WHERE room_id = ? AND occurrence_at = ?",
                (room_id, occurrence_at),
            ):
                raise Conflict("that session already has a change")
            posted = self._card_now(
                db, room_id, author, f"schedule:{occurrence_at:.0f}", note, card, now
            )
            cur = db.execute(
                "INSERT INTO schedule_changes(room_id, occurrence_at, kind, new_start, note,"
                " created_by, created_at, message_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (room_id, occurrence_at, kind, new_start, note, author.id, now, posted.event.seq),
            )
            assert cur.lastrowid is not None
            return (cur.lastrowid, posted.event), [posted.event]

        change_id, event = await self._write(job)
        row = await self._one(self._r, self.CHANGE_SQL + "WHERE id = ?", (change_id,))
        return ScheduleChangeRow(*row), event

    async def set_reminder(self, room_id: int, user_id: int, minutes: int | None) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            if minutes is None:
                db.execute(
                    "DELETE FROM session_reminders WHERE room_id = ? AND user_id = ?",
                    (room_id, user_id),
                )
            else:
                db.execute(
                    "INSERT INTO session_reminders(room_id, user_id, minutes_before)"
                    " VALUES (?, ?, ?) ON CONFLICT(room_id, user_id) DO UPDATE SET"
                    " minutes_before = excluded.minutes_before",
                    (room_id, user_id, minutes),
                )
            return None, []

        await self._write(job)

    async def get_reminder(self, room_id: int, user_id: int) -> int | None:
        row = await self._one(
            self._r,
            "SELECT minutes_before FROM session_reminders WHERE room_id = ? AND user_id = ?",
            (room_id, user_id),
        )
        return None if row is None else int(row[0])

    async def set_sobriety_date(self, user_id: int, since: str | None) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            if since is None:
                db.execute("DELETE FROM sobriety_dates WHERE user_id = ?", (user_id,))
            else:
                db.execute(
                    "INSERT INTO sobriety_dates(user_id, since) VALUES (?, ?)"
                    " ON CONFLICT(user_id) DO UPDATE SET since = excluded.since",
                    (user_id, since),
                )
            return None, []

        await self._write(job)

    async def get_sobriety_date(self, user_id: int) -> str | None:
        row = await self._one(
            self._r, "SELECT since FROM sobriety_dates WHERE user_id = ?", (user_id,)
        )
        return None if row is None else str(row[0])

    async def set_milestone_share(self, room_id: int, user_id: int, share: bool) -> None:
        def job(db: sqlite3.Connection) -> tuple[None, list[Event]]:
            if share:
                db.execute(
                    "INSERT OR IGNORE INTO milestone_shares(room_id, user_id) VALUES (?, ?)",
                    (room_id, user_id),
                )
            else:
                db.execute(
                    "DELETE FROM milestone_shares WHERE room_id = ? AND user_id = ?",
                    (room_id, user_id),
                )
            return None, []

        await self._write(job)

    async def milestone_rooms(self, user_id: int) -> list[int]:
        rows = await self._r.execute_fetchall(
            "SELECT ms.room_id FROM milestone_shares ms JOIN room_members rm"
            " ON rm.room_id = ms.room_id AND rm.user_id = ms.user_id"
            " WHERE ms.user_id = ? ORDER BY ms.room_id",
            (user_id,),
        )
        return [r[0] for r in rows]

    async def milestone_shares(self, room_id: int | None = None) -> list[MilestoneShare]:
        where = "" if room_id is None else " AND ms.room_id = ?"
        rows = await self._r.execute_fetchall(
            f"SELECT ms.room_id, {USER_COLS}, sd.since, rs.time_zone"
            " FROM milestone_shares ms"
            " JOIN room_members rm ON rm.room_id = ms.room_id AND rm.user_id = ms.user_id"
            " JOIN sobriety_dates sd ON sd.user_id = ms.user_id"
            " JOIN users u ON u.id = ms.user_id"
            " LEFT JOIN room_schedules rs ON rs.room_id = ms.room_id"
            f" WHERE u.suspended = 0{where} ORDER BY ms.room_id, u.id",
            () if room_id is None else (room_id,),
        )
        return [MilestoneShare(r[0], _user(r[1:8]), r[8], r[9]) for r in rows]


SEALED_AAD: dict[tuple[str, str], tuple[tuple[str, ...], Callable[..., str]]] = {
    ("messages", "body"): (("room_id", "seq"), lambda r, s: _aad_body(r, s)),
    ("messages", "removal_reason"): (("room_id", "seq"), lambda r, s: f"mr|{r}|{s}"),
    ("held_messages", "body"): (
        ("room_id", "author_id", "client_id"),
        lambda r, a, c: _aad_held(r, a, c),
    ),
    ("held_messages", "note"): (("id",), lambda i: f"hn|{i}"),
    ("reports", "reason"): (
        ("room_id", "message_seq", "reporter_id"),
        lambda r, s, u: _aad_report(r, s, u),
    ),
    ("reports", "note"): (("id",), lambda i: f"rn|{i}"),
    ("room_members", "mute_reason"): (("room_id", "user_id"), lambda r, u: _aad_mute(r, u)),
    ("audit_log", "detail"): (("id",), lambda i: f"a|{i}"),
    ("legal_holds", "reason"): (("id",), lambda i: f"lh|{i}"),
    ("discharges", "note"): (
        ("cohort_id", "user_id", "discharged_at"),
        lambda c, u, t: _aad_discharge(c, u, t),
    ),
    ("checkins", "note"): (("room_id", "user_id", "day"), lambda r, u, d: _aad_checkin(r, u, d)),
    ("totp", "secret"): (("user_id",), lambda u: _aad_totp(u)),
}
SEALED_COLUMNS = tuple(SEALED_AAD)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _aad_discharge(cohort_id: int, user_id: int, at: float) -> str:
    return f"dn|{cohort_id}|{user_id}|{at!r}"


def _aad_checkin(room_id: int, user_id: int, day: str) -> str:
    return f"ci|{room_id}|{user_id}|{day}"


def _aad_totp(user_id: int) -> str:
    return f"totp|{user_id}"


def _aad_mute(room_id: int, user_id: int) -> str:
    return f"mu|{room_id}|{user_id}"


def _aad_held(room_id: int, author_id: int, client_id: str) -> str:
    return f"h|{room_id}|{author_id}|{client_id}"


def _aad_report(room_id: int, message_seq: int, reporter_id: int) -> str:
    return f"rr|{room_id}|{message_seq}|{reporter_id}"


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _excerpt(m: Message) -> str | None:
    return None if m.deleted else _clip(m.text)


def _reactions_query(room_id: int, rows: Sequence[Sequence[Any]]) -> tuple[str, tuple[Any, ...]]:
    seqs = [r[0] for r in rows]
    return (
        "SELECT message_seq, user_id, reaction FROM reactions WHERE room_id = ?"
        f" AND message_seq IN ({','.join('?' * len(seqs))}) ORDER BY rowid",
        (room_id, *seqs),
    )


def _aad_body(room_id: int, seq: int) -> str:
    return f"m|{room_id}|{seq}"


def _build_messages(
    keys: Keyring,
    room_id: int,
    rows: Iterable[Sequence[Any]],
    reaction_rows: Iterable[Sequence[Any]],
) -> list[Message]:
    reactions: dict[int, dict[str, list[int]]] = {}
    for mseq, uid, name in reaction_rows:
        reactions.setdefault(mseq, {}).setdefault(name, []).append(uid)
    out = []
    for r in rows:
        reply = None
        if r[8] is not None and r[9] is not None:
            excerpt = (
                None if r[12] is not None else _clip(keys.open(r[11], _aad_body(room_id, r[8])))
            )
            reply = ReplyRef(seq=r[8], author=Author(r[9], r[10]), excerpt=excerpt)
        out.append(
            Message(
                room_id=room_id,
                seq=r[0],
                author=Author(r[1], r[2]),
                text=keys.open(r[3], _aad_body(room_id, r[0])),
                sent_at=datetime.fromtimestamp(r[4], UTC),
                client_id=r[5],
                edited_at=_dt(r[6]),
                deleted=r[7] is not None,
                reply_to=reply,
                reactions=reactions.get(r[0], {}),
                removed=r[13] is not None,
                card=json.loads(r[14]) if r[14] else None,
            )
        )
    return out
