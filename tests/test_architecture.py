"""Imports flow one way (STYLE.md): pure leaves import no I/O; only the edges import
aiohttp; only store/ imports database drivers; moderation imports nothing of server."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE = {
    "server/protocol.py",
    "server/models.py",
    "server/errors.py",
    "server/config.py",
    "server/ratelimit.py",
    "server/openapi.py",
    "server/schedule.py",
    "server/totp.py",
    "server/export.py",
}
EDGES = {"server/api.py", "server/ws.py", "server/app.py", "server/appkeys.py", "server/cli.py"}
DRIVERS = {"aiosqlite", "sqlite3", "asyncpg", "psycopg"}
IO = {"asyncio", "aiohttp", "aiosqlite", "sqlite3", "socket", "subprocess", "asyncpg", "redis"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_pure_leaves_do_no_io() -> None:
    for path in modules("server"):
        if rel(path) in PURE:
            assert not imports(path) & IO, rel(path)


def test_only_edges_import_aiohttp() -> None:
    for path in modules("server"):
        if "aiohttp" in imports(path):
            assert rel(path) in EDGES, f"{rel(path)} imports aiohttp"


def test_only_the_store_talks_to_databases() -> None:
    for path in modules("server"):
        if imports(path) & DRIVERS:
            assert rel(path).startswith("server/store/"), rel(path)


def test_moderation_is_pure_and_independent() -> None:
    for path in modules("moderation"):
        found = imports(path)
        assert "server" not in found, rel(path)
        assert not found & IO, rel(path)


def test_use_cases_do_not_reach_for_the_edges() -> None:
    for name in ("chat", "hub", "bus", "auth", "access", "disclosure"):
        tree = ast.parse((ROOT / f"server/{name}.py").read_text(encoding="utf-8"))
        relative = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
        assert not relative & {"api", "ws", "app", "cli", "appkeys"}, name
