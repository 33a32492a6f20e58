"""The embedded SQLite engine of the `Store` protocol (aiosqlite, WAL).

Owns: SQLite connections, migrations on open, and group commit. May import: models,
errors, and its package.

Durability: an acknowledged write is committed with `synchronous=FULL` in WAL mode, so
it survives `kill -9` and a power cut. Throughput comes from group commit: every write
goes through one writer task that takes all writes waiting at that moment and commits
them in one transaction (one fsync for the lot). If any write in a batch fails, the
batch is rolled back and each write is replayed in a transaction of its own, so one bad
write never fails its neighbours.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
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
    AuditEntry,
    Author,
    CheckIn,
    Cohort,
    Event,
    EventKind,
    Held,
    HoldState,
    Invite,
    MemberActivity,
    Message,
    MilestoneShare,
    ReplyRef,
    Report,
    ReportState,
    Role,
    RoomKind,
    RoomState,
    RoomSummary,
    ScheduleChangeRow,
    ScheduleRow,
    User,
)
from . import CommitListener, Membership, Posted, SessionRow

log = logging.getLogger(__name__)


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


class _Pending:
    __slots__ = ("job", "future")

    def __init__(self, job: Job[Any], future: asyncio.Future[Any]) -> None:
        self.job = job
        self.future = future


class SqliteStore:
    """Readers share an aiosqlite connection; writes run on one thread of their own.

    Group commit needs a whole batch to run as one call on the connection's thread, and
    aiosqlite has no public way to run a function there, so the writer is a stdlib
    `sqlite3` connection owned by a single-thread executor: one thread hop per batch,
    not per statement.
    """

    def __init__(self, path: str, *, synchronous: str = "FULL") -> None:
        self.path = path
        self.synchronous = synchronous
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
        self._migrate(db)
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
        outcomes = [job(db) for job in jobs]
        self._flush_log(db)
        db.execute("COMMIT")
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
            " WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
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
            " m.muted_until, m.mute_reason"
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
                mute_reason=r[6],
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
            " m.role, r.locked, r.slow_mode_seconds, m.muted_until, m.mute_reason"
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
                mute_reason=r[12],
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
                    (room_id, seq, author.id, client_id, text, reply_to, now),
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
                event = Event(
                    room_id=room_id, seq=original.seq, kind=EventKind.POSTED, message=original
                )
                return Posted(event=event, duplicate=True), []
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
                (text, now, room_id, seq),
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
        return _build_messages(params[0], rows, await db.execute_fetchall(sql, args))

    @staticmethod
    def _message_now(db: sqlite3.Connection, room_id: int, seq: int) -> Message | None:
        """The same as `_message`, inside the writer's transaction."""
        rows = db.execute(MESSAGE_SQL + "WHERE m.room_id = ? AND m.seq = ?", (room_id, seq))
        found = rows.fetchall()
        if not found:
            return None
        sql, args = _reactions_query(room_id, found)
        return _build_messages(room_id, found, db.execute(sql, args).fetchall())[0]

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
                (until, reason, room_id, user_id),
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
                (now, by, reason, room_id, seq),
            )

        return await self._change(room_id, seq, by, EventKind.REMOVED, now, apply)

    HELD_SQL = (
        "SELECT h.id, h.room_id, h.author_id, u.display_name, h.client_id, h.body, h.reply_to,"
        " h.sent_at, h.labels, h.state, h.note, h.message_seq"
        " FROM held_messages h JOIN users u ON u.id = h.author_id "
    )

    @staticmethod
    def _held(r: Sequence[Any]) -> Held:
        return Held(
            id=r[0],
            room_id=r[1],
            author=Author(r[2], r[3]),
            client_id=r[4],
            text=r[5],
            reply_to=r[6],
            sent_at=datetime.fromtimestamp(r[7], UTC),
            labels=tuple(json.loads(r[8])),
            state=HoldState(r[9]),
            note=r[10],
            message_seq=r[11],
        )

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
                        text,
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

    async def get_held(self, held_id: int) -> Held | None:
        row = await self._one(self._r, self.HELD_SQL + "WHERE h.id = ?", (held_id,))
        return None if row is None else self._held(row)

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
                    held.text,
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
                (HoldState.REJECTED.value, by, now, note, held_id, HoldState.HELD.value),
            )
            if cur.rowcount == 0:
                raise NotFound("no such message waiting for review")
            return None, []

        await self._write(job)
        held = await self.get_held(held_id)
        assert held is not None
        return held

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

    REPORT_SQL = (
        "SELECT r.id, r.room_id, r.message_seq, r.reporter_id, u.display_name, r.reason,"
        " r.state, r.created_at, r.handled_by, r.note"
        " FROM reports r JOIN users u ON u.id = r.reporter_id "
    )

    @staticmethod
    def _report(r: Sequence[Any]) -> Report:
        return Report(
            id=r[0],
            room_id=r[1],
            message_seq=r[2],
            reporter=Author(r[3], r[4]),
            reason=r[5],
            state=ReportState(r[6]),
            created_at=datetime.fromtimestamp(r[7], UTC),
            handled_by=r[8],
            note=r[9],
        )

    async def create_report(
        self, room_id: int, message_seq: int, reporter_id: int, reason: str, now: float
    ) -> Report:
        def job(db: sqlite3.Connection) -> tuple[int, list[Event]]:
            cur = db.execute(
                "INSERT INTO reports(room_id, message_seq, reporter_id, reason, state,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (room_id, message_seq, reporter_id, reason, ReportState.OPEN.value, now),
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
                (state.value, by, now, note, report_id),
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
                detail=r[7],
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
            db.execute(
                "INSERT INTO audit_log(at, actor_id, action, subject_type, subject_id, room_id,"
                " detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, actor_id, action, subject_type, subject_id, room_id, detail),
            )
            return None, []

        await self._write(job)

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
            (room_id, seq, author.id, client_id, text, now, json.dumps(card)),
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

    CHECKIN_SQL = (
        "SELECT c.id, c.room_id, c.user_id, u.display_name, c.day, c.mood, c.craving,"
        " c.on_plan, c.note, c.shared, c.labels, c.message_seq, c.created_at"
        " FROM checkins c JOIN users u ON u.id = c.user_id "
    )

    @staticmethod
    def _checkin(r: Sequence[Any]) -> CheckIn:
        return CheckIn(
            id=r[0],
            room_id=r[1],
            user=Author(r[2], r[3]),
            day=r[4],
            mood=r[5],
            craving=r[6],
            on_plan=bool(r[7]),
            note=r[8],
            shared=bool(r[9]),
            labels=tuple(json.loads(r[10])),
            message_seq=r[11],
            created_at=datetime.fromtimestamp(r[12], UTC),
        )

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
                    note,
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

    CHANGE_SQL = (
        "SELECT id, room_id, occurrence_at, kind, new_start, note, created_by, message_seq"
        " FROM schedule_changes "
    )

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


def _build_messages(
    room_id: int, rows: Iterable[Sequence[Any]], reaction_rows: Iterable[Sequence[Any]]
) -> list[Message]:
    reactions: dict[int, dict[str, list[int]]] = {}
    for mseq, uid, name in reaction_rows:
        reactions.setdefault(mseq, {}).setdefault(name, []).append(uid)
    out = []
    for r in rows:
        reply = None
        if r[8] is not None and r[9] is not None:
            excerpt = None if r[12] is not None else _clip(r[11])
            reply = ReplyRef(seq=r[8], author=Author(r[9], r[10]), excerpt=excerpt)
        out.append(
            Message(
                room_id=room_id,
                seq=r[0],
                author=Author(r[1], r[2]),
                text=r[3],
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
