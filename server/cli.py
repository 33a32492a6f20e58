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

from .config import Settings
from .errors import HearthError
from .models import Role

if TYPE_CHECKING:
    from .chat import Chat


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        os.environ,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        database=getattr(args, "database", None),
    )


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


def _privacy_officer(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        found = await chat.store.find_login(args.username)
        if found is None:
            print("error: no such account", file=sys.stderr)
            return 1
        await chat.access.set_privacy_officer(None, found[0].id, not args.off)
        state = "no longer" if args.off else "now"
        print(f"'{found[0].username}' is {state} a privacy officer")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _reset_second_factor(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        await chat.access.reset(args.username)
        print(f"second factor removed for '{args.username}'; they enrol again at next login")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


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
    serve.set_defaults(func=_serve)

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

    p = sub.add_parser(
        "privacy-officer", help="name a staff account a privacy officer (told of break-glass)"
    )
    p.add_argument("--username", required=True)
    p.add_argument("--off", action="store_true", help="remove the flag instead")
    db_arg(p)
    p.set_defaults(func=_privacy_officer)

    p = sub.add_parser(
        "reset-second-factor", help="remove a lost second factor; it is set up again at login"
    )
    p.add_argument("--username", required=True)
    db_arg(p)
    p.set_defaults(func=_reset_second_factor)

    assess = sub.add_parser(
        "assess", help='read {"id","text"} JSON lines, write {"id","labels"} JSON lines'
    )
    assess.set_defaults(func=_assess)

    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
