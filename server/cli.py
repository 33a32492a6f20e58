"""The `hearth` command: serve, create the first admin, assess messages.

Owns: argument parsing and terminal I/O. May import everything in `server`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from .config import Secret, Settings
from .errors import HearthError
from .models import Role

if TYPE_CHECKING:
    from .chat import Chat


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        os.environ,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        database=_secret(getattr(args, "database", None)),
        redis_url=_secret(getattr(args, "redis", None)),
    )


def _secret(value: str | None) -> Secret | None:
    """URLs may carry passwords: keep them out of any repr."""
    return None if value is None else Secret(value)


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from .app import make_app

    settings = _settings(args)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiohttp's access log carries paths with invite tokens; keep it off.
    asyncio.run(_first_start_hint(settings))
    web.run_app(
        make_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=None,
        backlog=4096,
        print=lambda _msg: print(
            f"Hearth is serving on http://{settings.host}:{settings.port} (Ctrl+C to stop)",
            flush=True,
        ),
    )
    return 0


async def _first_start_hint(settings: Settings) -> None:
    from .store import open_store

    store = open_store(settings.database, synchronous=settings.sqlite_synchronous)
    await store.open()
    try:
        admins = await store.count_users(Role.ADMIN)
    finally:
        await store.close()
    if admins == 0:
        print(
            "No admin yet. Create the first one in another terminal:\n"
            "    .venv/bin/hearth create-admin --username admin --name 'Program Admin'\n",
            flush=True,
        )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the passwords differ")
    return first


def _create_account(args: argparse.Namespace, role: Role) -> int:
    password = _read_password(args)

    async def work(chat: Chat) -> int:
        user = await chat.create_account(None, args.username, args.name, password, role)
        print(f"created {role.value} '{user.username}' (id {user.id})")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


async def _with_chat(settings: Settings, work: Callable[[Chat], Awaitable[int]]) -> int:
    """Run one administrative task against the store, as the operator at the terminal."""
    from .bus import LocalBus
    from .chat import Chat
    from .hub import Hub
    from .store import open_store

    store = open_store(settings.database, synchronous=settings.sqlite_synchronous)
    await store.open()
    try:
        hub = Hub()
        return await work(Chat(settings, store, hub, LocalBus(hub)))
    except HearthError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        await store.close()


def _set_password(args: argparse.Namespace) -> int:
    password = _read_password(args)

    async def work(chat: Chat) -> int:
        await chat.reset_password(args.username, password)
        print(f"password set for '{args.username}'; their sessions have ended")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _users(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        for user in await chat.store.list_users():
            state = " (suspended)" if user.suspended else ""
            print(f"{user.id:>6}  {user.role.value:<12} {user.username}{state}")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _migrate_store(args: argparse.Namespace) -> int:
    from .store.copy import CopyError, copy_store

    try:
        copied = asyncio.run(copy_store(args.source, args.target))
    except CopyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for c in copied:
        print(f"{c.table:<24} {c.rows:>9} rows")
    print("copied; point HEARTH_DATABASE at the new database and restart")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from moderation.__main__ import main as assess_main

    return assess_main([])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth group chat server")
    sub = parser.add_subparsers(dest="command", required=True)

    def db_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database", help="database URL (default sqlite:///var/hearth.db; env HEARTH_DATABASE)"
        )

    serve = sub.add_parser("serve", help="serve Hearth over HTTP and websockets")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; env HEARTH_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8080; env HEARTH_PORT)")
    db_arg(serve)
    serve.add_argument(
        "--redis",
        help="Redis URL relaying live events between processes (env HEARTH_REDIS_URL)",
    )
    serve.set_defaults(func=_serve)

    p = sub.add_parser(
        "migrate-store", help="copy a SQLite database into an empty PostgreSQL database"
    )
    p.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/hearth.db")
    p.add_argument("--to", dest="target", required=True, help="postgresql://user@host/db")
    p.set_defaults(func=_migrate_store)

    for name, role in (("create-admin", Role.ADMIN), ("create-facilitator", Role.FACILITATOR)):
        p = sub.add_parser(name, help=f"create a {role.value} account")
        p.add_argument("--username", required=True)
        p.add_argument("--name", required=True, help="display name")
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )
        db_arg(p)
        p.set_defaults(func=lambda a, r=role: _create_account(a, r))

    p = sub.add_parser("set-password", help="set a new password for an account")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true")
    db_arg(p)
    p.set_defaults(func=_set_password)

    p = sub.add_parser("users", help="list accounts (ids, roles, usernames)")
    db_arg(p)
    p.set_defaults(func=_users)

    assess = sub.add_parser(
        "assess", help='read {"id","text"} JSON lines, write {"id","labels"} JSON lines'
    )
    assess.set_defaults(func=_assess)

    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
