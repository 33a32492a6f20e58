"""The audit log is a hash chain: `hearth audit verify` finds an entry altered, removed
or re-hashed directly in the database file and names it; key rotation reseals every
row without breaking the chain; a wrong key is refused at start.

These run on SQLite files whatever HEARTH_TEST_STORE says (they tamper with the file
directly); the same claims on PostgreSQL, plus two processes appending at once, are in
test_postgres_sealing.py."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.test_cli import run


def build(tmp_path: Path) -> Path:
    """A database whose audit log holds five entries (accounts and a password reset)."""
    db = tmp_path / "h.db"
    for name, cmd in (
        ("admin", "create-admin"),
        ("fiona", "create-facilitator"),
        ("gus", "create-facilitator"),
        ("hana", "create-facilitator"),
    ):
        made = run(
            db,
            cmd,
            "--username",
            name,
            "--name",
            name.title(),
            "--password-stdin",
            stdin="correct horse battery\n",
        )
        assert made.returncode == 0, made.stderr
    reset = run(
        db, "set-password", "--username", "gus", "--password-stdin", stdin="a brand new phrase\n"
    )
    assert reset.returncode == 0, reset.stderr
    return db


def copy(db: Path, to: Path) -> Path:
    to.mkdir()
    for suffix in ("", ".key"):
        shutil.copy(db.with_name(db.name + suffix), to / (db.name + suffix))
    return to / db.name


def tamper(db: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    con = sqlite3.connect(db)
    con.execute(sql, params)
    con.commit()
    con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("chain"))


def test_an_intact_log_verifies_and_prints_its_head(built: Path, tmp_path: Path) -> None:
    db = copy(built, tmp_path / "ok")
    ok = run(db, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "verified: 5 entries" in ok.stdout


@pytest.mark.parametrize(
    ("sql", "broken", "problem"),
    [
        ("UPDATE audit_log SET action = 'account.nothing' WHERE id = 3", 3, "altered"),
        ("UPDATE audit_log SET actor_id = 2 WHERE id = 2", 2, "altered"),
        ("UPDATE audit_log SET at = at + 1 WHERE id = 4", 4, "altered"),
        ("DELETE FROM audit_log WHERE id = 2", 2, "missing"),
        ("UPDATE audit_log SET action = x'ff' WHERE id = 3", 3, "altered"),
        ("UPDATE audit_log SET action = CAST(x'ff' AS TEXT) WHERE id = 4", 4, "unreadable"),
        (
            "UPDATE audit_log SET detail = CAST(substr(detail, 1, 30) || x'00'"
            " || substr(detail, 32) AS BLOB) WHERE id = 3",
            3,
            "detail was altered",
        ),
        # Re-hashing an altered entry only moves the break to the next one.
        ("UPDATE audit_log SET hash = zeroblob(32) WHERE id = 2", 2, "altered"),
        ("UPDATE audit_log SET prev_hash = zeroblob(32) WHERE id = 5", 5, "does not follow"),
    ],
)
def test_tampering_is_detected_and_the_first_broken_entry_named(
    built: Path, tmp_path: Path, sql: str, broken: int, problem: str
) -> None:
    db = copy(built, tmp_path / "t")
    tamper(db, sql)
    bad = run(db, "audit", "verify")
    assert bad.returncode == 2, (bad.stdout, bad.stderr)
    assert f"BROKEN at entry {broken}" in bad.stdout and problem in bad.stdout


def test_a_cut_off_tail_is_caught_by_a_recorded_head(built: Path, tmp_path: Path) -> None:
    db = copy(built, tmp_path / "tail")
    head = run(db, "audit", "verify").stdout.split("head ")[1].strip()
    assert run(db, "audit", "verify", "--head", head).returncode == 0
    tamper(db, "DELETE FROM audit_log WHERE id = 5")
    assert run(db, "audit", "verify").returncode == 0  # a shorter chain is still a chain
    cut = run(db, "audit", "verify", "--head", head)
    assert cut.returncode == 2 and "entries 5..5 are gone" in cut.stdout


def test_key_rotation_reseals_everything_and_keeps_the_chain(built: Path, tmp_path: Path) -> None:
    db = copy(built, tmp_path / "rot")
    before = run(db, "keys").stdout.split()
    assert len(before) == 3 and before[1:] == ["5", "rows"]  # the five audit details
    old_id = before[0]
    rotated = run(db, "rotate-key", "--now")
    assert rotated.returncode == 0, rotated.stderr
    assert "resealed 5 rows" in rotated.stdout
    after = run(db, "keys", "--retire")
    assert old_id not in after.stdout.split("retired")[0]
    assert f"retired key {old_id}" in after.stdout
    key_lines = [
        line
        for line in (db.with_name("h.db.key")).read_text().splitlines()
        if not line.startswith("#")
    ]
    assert len(key_lines) == 1
    assert run(db, "audit", "verify").returncode == 0
    assert "gus" in run(db, "users").stdout


def test_a_wrong_key_is_refused_at_start(built: Path, tmp_path: Path) -> None:
    db = copy(built, tmp_path / "wrong")
    db.with_name("h.db.key").unlink()
    refused = run(db, "users")
    assert refused.returncode == 1
    assert "not in the key file" in refused.stderr and "Traceback" not in refused.stderr


def test_touched_answers_in_one_command(built: Path, tmp_path: Path) -> None:
    db = copy(built, tmp_path / "touch")
    out = run(
        db,
        "audit",
        "touched",
        "--staff",
        "admin",
        "--since",
        "2020-01-01",
        "--until",
        "2100-01-01T00:00",
    )
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == []  # staff only so far
    missing = run(db, "audit", "touched", "--staff", "nobody", "--since", "0", "--until", "1")
    assert missing.returncode == 1


def test_operator_sets_retention_and_legal_holds_at_the_terminal(
    built: Path, tmp_path: Path
) -> None:
    import asyncio

    from server.models import Role
    from server.store import open_store

    db = copy(built, tmp_path / "ops")

    async def make_room() -> int:
        store = open_store(f"sqlite:///{db}")
        await store.open()
        try:
            fiona = next(u for u in await store.list_users(Role.FACILITATOR))
            cohort = await store.create_cohort("Group", None, [fiona.id], "rules", fiona.id, 0.0)
            return cohort.room_id
        finally:
            await store.close()

    room = str(asyncio.run(make_room()))
    assert "365 days (the program default)" in run(db, "retention", "--room", room).stdout
    assert (
        "30 days (set for this room)" in run(db, "retention", "--room", room, "--days", "30").stdout
    )
    assert run(db, "retention", "--room", room, "--days", "0").returncode == 1
    placed = run(db, "hold", "place", "--room", room, "--reason", "subpoena 7")
    assert placed.returncode == 0, placed.stderr
    assert "legal hold suspends" in run(db, "retention", "--room", room).stdout
    assert run(db, "hold", "place", "--user", "nobody", "--reason", "x").returncode == 1
    (listed,) = [json.loads(line) for line in run(db, "hold", "list").stdout.splitlines()]
    assert listed["room"] == int(room) and listed["reason"] == "subpoena 7"
    assert run(db, "hold", "release", str(listed["id"]), "--reason", "closed").returncode == 0
    assert run(db, "hold", "list").stdout == ""
    assert len(run(db, "hold", "list", "--all").stdout.splitlines()) == 1
    verified = run(db, "audit", "verify")
    assert verified.returncode == 0 and "verified: 8 entries" in verified.stdout
