"""Issue 7 on PostgreSQL, where several processes share one database: the audit chain
never forks when two stores append at once, `hearth audit verify` and `audit touched`
work against it, tampering is found, bodies are sealed in the rows, text stored before
sealing is sealed at start, rotation reseals, and a wrong or missing key is refused.

The raw-file scans of test_retention.py are SQLite only (see its docstring); here the
rows are read through a connection of the test's own."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from server.models import Role
from server.store import Store, open_store
from server.store.sealing import VERSION, Keyring, SealError, key_id, new_key
from tests.services import pg_database

HEARTH = str(Path(sys.executable).parent / "hearth")


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with pg_database() as pg:
        yield pg


async def opened(url: str, keys: Keyring) -> Store:
    store = open_store(url, keyring=keys)
    await store.open()
    return store


async def sql(url: str, statement: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(statement, *args))
    finally:
        await conn.close()


async def test_two_stores_appending_at_once_keep_one_chain(url: str) -> None:
    keys = Keyring([new_key()])
    # Two stores, two pools: as two Hearth processes would.
    a, b = await opened(url, keys), await opened(url, keys)
    try:
        await asyncio.gather(
            *(a.audit(float(i), None, "a.step", detail=f'{{"i": {i}}}') for i in range(150)),
            *(b.audit(float(i), None, "b.step", detail=f'{{"i": {i}}}') for i in range(150)),
        )
        check = await a.verify_audit()
        assert (check.checked, check.broken_at) == (300, None)
        ids = [r[0] for r in await sql(url, "SELECT id FROM audit_log ORDER BY id")]
        assert ids == list(range(1, 301))
        links = await sql(url, "SELECT count(DISTINCT prev_hash) FROM audit_log")
        assert links[0][0] == 300  # no two entries chained onto the same one
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize(
    ("statement", "broken", "problem"),
    [
        (
            "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE id = 2)"
            " WHERE id = 3",
            3,
            "detail was altered",
        ),
        ("UPDATE audit_log SET action = 'nothing.happened' WHERE id = 4", 4, "altered"),
        ("UPDATE audit_log SET hash = '\\x00'::bytea WHERE id = 2", 2, "altered"),
        ("UPDATE audit_log SET prev_hash = '\\x00'::bytea WHERE id = 5", 5, "does not follow"),
        ("DELETE FROM audit_log WHERE id = 3", 3, "missing"),
    ],
)
async def test_tampering_is_found_on_postgresql(
    url: str, statement: str, broken: int, problem: str
) -> None:
    keys = Keyring([new_key()])
    store = await opened(url, keys)
    try:
        for i in range(6):
            await store.audit(float(i), None, "step", detail=f'{{"i": {i}}}')
        assert (await store.verify_audit()).broken_at is None
        await sql(url, statement)
        check = await store.verify_audit()
        assert check.broken_at == broken and problem in (check.problem or "")
    finally:
        await store.close()


async def test_bodies_are_sealed_in_the_rows(url: str) -> None:
    store = await opened(url, Keyring([new_key()]))
    try:
        fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
        cohort = await store.create_cohort("Group", None, [fran.id], "rules", fran.id, 0.0)
        await store.add_message(cohort.room_id, fran, "c1", "a private thing", None, 1.0)
        (body,) = (await sql(url, "SELECT body FROM messages WHERE seq = 1"))[0]
        assert body[:1] == VERSION and b"private" not in body
        assert [m.text for m in await store.history(cohort.room_id, None, 10)] == [
            "a private thing"
        ]
    finally:
        await store.close()


async def test_a_database_from_before_sealing_is_sealed_and_chained_at_start(url: str) -> None:
    # The schema as it was before migration 5, with rows written then.
    folder = Path(__file__).parents[2] / "server" / "store" / "migrations" / "postgresql"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
        for script in sorted(folder.glob("*.sql")):
            version = int(script.name.split("_", 1)[0])
            if version < 5:
                await conn.execute(script.read_text(encoding="utf-8"))
                await conn.execute("INSERT INTO schema_migrations VALUES ($1)", version)
        await conn.execute(
            "INSERT INTO users(id, username, display_name, role, password_hash, created_at)"
            " VALUES (1, 'fran', 'Fran', 'facilitator', 'h', 0)"
        )
        await conn.execute(
            "INSERT INTO rooms(id, kind, name, latest_seq, created_at)"
            " VALUES (1, 'cohort', 'Group', 1, 0)"
        )
        await conn.execute(
            "INSERT INTO messages(room_id, seq, author_id, client_id, body, sent_at)"
            " VALUES (1, 1, 1, 'c1', 'written long ago', 1)"
        )
        for i in (1, 2):
            await conn.execute(
                "INSERT INTO audit_log(id, at, actor_id, action, detail)"
                " VALUES ($1, 1, 1, 'old.step', '{\"n\": 1}')",
                i,
            )
    finally:
        await conn.close()
    keys = Keyring([new_key()])
    store = await opened(url, keys)
    try:
        (body,) = (await sql(url, "SELECT body FROM messages WHERE seq = 1"))[0]
        assert body[:1] == VERSION and b"long ago" not in body
        assert [m.text for m in await store.history(1, None, 10)] == ["written long ago"]
        assert set(await store.key_usage()) == {keys.primary_id.hex()}
        await store.audit(2.0, 1, "new.step")  # continues the chain
        check = await store.verify_audit()
        assert (check.checked, check.broken_at) == (3, None)
        assert [e.detail for e in await store.audit_entries(None, 10)][1:] == ['{"n": 1}'] * 2
    finally:
        await store.close()


async def test_rotation_reseals_and_a_wrong_key_is_refused(url: str) -> None:
    old, new = new_key(), new_key()
    store = await opened(url, Keyring([old]))
    try:
        fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
        cohort = await store.create_cohort("Group", None, [fran.id], "rules", fran.id, 0.0)
        for i in range(7):
            await store.add_message(cohort.room_id, fran, f"c{i}", f"note {i}", None, 1.0)
        await store.audit(1.0, fran.id, "step", detail='{"x": 1}')
    finally:
        await store.close()
    with pytest.raises(SealError, match="not in the key file"):
        await opened(url, Keyring([new]))
    store = await opened(url, Keyring([new, old]))
    try:
        total = 0
        while n := await store.reseal(3):  # small batches: the cursor must carry on
            total += n
        assert total >= 8
        assert set(await store.key_usage()) == {key_id(new).hex()}
        assert (await store.verify_audit()).broken_at is None
    finally:
        await store.close()
    store = await opened(url, Keyring([new]))  # the old key can go
    try:
        texts = [m.text for m in await store.history(cohort.room_id, None, 10)]
        assert texts == [f"note {i}" for i in range(7)]
    finally:
        await store.close()


def hearth(
    url: str, key_file: Path | None, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HEARTH_KEY_FILE", "HEARTH_DATA_KEY")}
    env["HEARTH_DATABASE"] = url
    if key_file is not None:
        env["HEARTH_KEY_FILE"] = str(key_file)
    return subprocess.run(
        [HEARTH, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


async def test_cli_verifies_and_answers_touched_against_postgresql(
    url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "hearth.key"
    refused = hearth(url, None, "audit", "verify")
    assert refused.returncode == 1
    assert "HEARTH_KEY_FILE" in refused.stderr and "Traceback" not in refused.stderr
    made = hearth(
        url,
        key_file,
        "create-admin",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert made.returncode == 0, made.stderr
    assert key_file.exists()
    verified = hearth(url, key_file, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "verified: 1 entries" in verified.stdout
    touched = hearth(
        url,
        key_file,
        "audit",
        "touched",
        "--staff",
        "admin",
        "--since",
        "2020-01-01",
        "--until",
        "2100-01-01T00:00",
    )
    assert touched.returncode == 0, touched.stderr
    assert touched.stdout.strip() == ""  # staff only so far
    await sql(url, "UPDATE audit_log SET action = 'something.else' WHERE id = 1")
    broken = hearth(url, key_file, "audit", "verify")
    assert broken.returncode == 2 and "BROKEN at entry 1" in broken.stdout
