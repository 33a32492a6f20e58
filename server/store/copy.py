"""`hearth migrate-store`: move a program from SQLite to PostgreSQL.

Owns: copying every table, row for row, keeping ids and sequences, then resetting
PostgreSQL's identity sequences past the copied ids. May import: its package, sqlite3,
asyncpg. Both schemas are brought to the latest migration first (by opening each
store), and must then be at the same version; the target must be empty. The copy is
one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from . import open_store
from .sealing import Keyring, load_keyring
from .sqlite import SEALED_AAD

# Parents before children (foreign keys). A new table goes here too; one missing here
# is copied after these, in name order.
TABLES = (
    "users",
    "rooms",
    "agreements",
    "cohorts",
    "room_members",
    "agreement_acceptances",
    "invites",
    "sessions",
    "messages",
    "events",
    "reactions",
    "audit_log",
    "held_messages",
    "alerts",
    "reports",
    # discharge and alumni
    "discharges",
    "alumni_consents",
    "alumni_rooms",
    "alumni_invitations",
    # routine
    "checkins",
    "room_schedules",
    "schedule_changes",
    "session_reminders",
    "sobriety_dates",
    "milestone_shares",
    # retention and access (migrations 5 and 6)
    "legal_holds",
    "totp",
    "recovery_codes",
    "login_challenges",
    "break_glass",
    "disclosures",
    "disclosure_subjects",
)


class CopyError(Exception):
    pass


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def _convert(pg_type: str, value: Any) -> Any:
    if value is None:
        return None
    if pg_type == "double precision":
        return float(value)
    if pg_type in ("bigint", "integer", "smallint"):
        return int(value)
    if pg_type == "bytea":
        # Sealed values copy as they are (the target opens them with the same keys).
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return value


async def copy_store(source: str, target: str, keyring: Keyring | None = None) -> list[Copied]:
    """Copy `sqlite:///path` into an empty `postgresql://...` database. `keyring`: the
    SQLite database's data keys (default: its key file beside it); PostgreSQL must be
    run with the same keys (HEARTH_KEY_FILE or HEARTH_DATA_KEY) to open what is copied.

    Raises:
        CopyError: wrong URLs, a non-empty target, or different schema versions.
    """
    if not source.startswith("sqlite://"):
        raise CopyError("the source must be a sqlite:/// URL")
    if not target.startswith(("postgresql://", "postgres://")):
        raise CopyError("the target must be a postgresql:// URL")
    path = source.removeprefix("sqlite://").removeprefix("/")
    if not path or path == ":memory:" or not Path(path).exists():
        raise CopyError(f"no SQLite database at {path!r}")
    # Opening each store applies its migrations, so both are at their latest schema.
    keys = keyring if keyring is not None else load_keyring(path)
    for url in (source, target):
        store = open_store(url, keyring=keys)
        await store.open()
        await store.close()

    src = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    dst = await asyncpg.connect(target)
    try:
        src_versions = {r[0] for r in src.execute("SELECT version FROM schema_migrations")}
        dst_versions = {r[0] for r in await dst.fetch("SELECT version FROM schema_migrations")}
        if src_versions != dst_versions:
            raise CopyError(
                f"schema versions differ: sqlite {sorted(src_versions)},"
                f" postgresql {sorted(dst_versions)}"
            )
        names = [
            r[0]
            for r in src.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
            )
        ]
        order = [t for t in TABLES if t in names] + sorted(set(names) - set(TABLES))
        if await dst.fetchval("SELECT count(*) FROM users"):
            raise CopyError("the target database already has accounts; use an empty one")
        copied: list[Copied] = []
        async with dst.transaction():
            for table in order:
                copied.append(await _copy_table(src, dst, table, keys))
            for table in order:
                await _reset_identity(dst, table)
        return copied
    finally:
        src.close()
        await dst.close()


async def _copy_table(src: sqlite3.Connection, dst: Any, table: str, keys: Keyring) -> Copied:
    types = {
        r[0]: r[1]
        for r in await dst.fetch(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = $1",
            table,
        )
    }
    if not types:
        raise CopyError(f"table {table} is missing in PostgreSQL (a migration not ported?)")
    columns = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    missing = [c for c in columns if c not in types]
    if missing:
        raise CopyError(f"columns {missing} of {table} are missing in PostgreSQL")
    # rowid order keeps the order of rows without a key of their own (reactions).
    cursor = src.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid')
    total = 0
    while rows := cursor.fetchmany(5000):
        records = [
            tuple(
                _convert(types[c], _seal_plain(keys, table, c, v, columns, row))
                for c, v in zip(columns, row, strict=True)
            )
            for row in rows
        ]
        await dst.copy_records_to_table(table, records=records, columns=columns)
        total += len(records)
    return Copied(table, total)


def _seal_plain(
    keys: Keyring, table: str, column: str, value: Any, columns: list[str], row: Any
) -> Any:
    """A text SQLite kept from before sealing (its resealer had not reached it yet) is
    sealed on the way, as its row's AAD says: PostgreSQL holds only sealed values."""
    found = SEALED_AAD.get((table, column))
    if found is None or not isinstance(value, str):
        return value
    aad_cols, make = found
    named = dict(zip(columns, row, strict=True))
    return keys.seal(value, make(*(named[c] for c in aad_cols)))


async def _reset_identity(dst: Any, table: str) -> None:
    rows = await dst.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = $1 AND is_identity = 'YES'"
        " AND identity_generation = 'BY DEFAULT'",
        table,
    )
    for (column,) in rows:
        await dst.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f' coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
        )
