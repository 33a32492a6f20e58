"""The `hearth` command an administrator uses at a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEARTH = str(Path(sys.executable).parent / "hearth")


def run(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEARTH_DATABASE": f"sqlite:///{db}"}
    return subprocess.run(
        [HEARTH, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60
    )


def test_create_admin_list_and_reset_password(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    made = run(
        db,
        "create-admin",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert made.returncode == 0, made.stderr
    assert "created admin 'admin'" in made.stdout
    weak = run(
        db,
        "create-facilitator",
        "--username",
        "fiona",
        "--name",
        "Fiona",
        "--password-stdin",
        stdin="password123\n",
    )
    assert weak.returncode == 1 and "too common" in weak.stderr
    taken = run(
        db,
        "create-admin",
        "--username",
        "ADMIN",
        "--name",
        "Again",
        "--password-stdin",
        stdin="another long phrase\n",
    )
    assert taken.returncode == 1 and "taken" in taken.stderr
    listed = run(db, "users")
    assert "admin" in listed.stdout and "correct horse" not in listed.stdout
    reset = run(
        db, "set-password", "--username", "admin", "--password-stdin", stdin="a brand new phrase\n"
    )
    assert reset.returncode == 0, reset.stderr
    missing = run(
        db, "set-password", "--username", "nobody", "--password-stdin", stdin="a brand new phrase\n"
    )
    assert missing.returncode == 1
    lifted = run(db, "unsuspend", "--username", "admin")
    assert lifted.returncode == 0 and "can sign in again" in lifted.stdout, lifted.stderr
    assert run(db, "unsuspend", "--username", "nobody").returncode == 1


def test_assess_reads_and_writes_json_lines(tmp_path: Path) -> None:
    out = run(tmp_path / "h.db", "assess", stdin='{"id": "a", "text": "good morning everyone"}\n')
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '{"id": "a", "labels": []}'
